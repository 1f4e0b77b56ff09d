/* gdbook live figures: a chapter's figure, enhanced in place into one the reader controls.
 *
 * A figure placed with {{ figure(name, caption, live="chapter") }} is, without
 * JavaScript, the static figure of the build (light and dark pictures, phone
 * drawings, alt text).  This script draws the same figure as an SVG in the
 * same box (the pictures stay in the page, hidden), fills the figure's control
 * panel (whose space live.css keeps before this script runs), and redraws it
 * as the reader moves a control.  Every number comes from gdmath.js (the
 * book's arithmetic and number formats) and the chapter's data,
 * window.GDBOOK_LIVE[name], written by gdbook at build time.
 */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg", PHONE = "(max-width: 719px)";
  var G;

  function el(name, attrs, parent) {
    var e = document.createElementNS(SVG, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function html(tag, attrs, text, parent) {
    var e = document.createElement(tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function clamp(v, lo, hi) { return Math.max(lo, Math.min(hi, v)); }
  function f1(v) { return clamp(v, -5000, 5000).toFixed(1); }

  /* Round tick values inside [lo, hi], about `target` of them. */
  function ticks(lo, hi, target) {
    var raw = (hi - lo) / target, mag = Math.pow(10, Math.floor(Math.log10(raw))), step = 10 * mag;
    [1, 2, 2.5, 5, 10].some(function (m) { if (m * mag >= raw) { step = m * mag; return true; } return false; });
    var out = [];
    for (var k = Math.ceil(lo / step - 1e-9); k <= Math.floor(hi / step + 1e-9); k++) out.push(Number((k * step).toFixed(10)) + 0);
    return out;
  }

  /* Axes in a box of the SVG: linear maps, a frame with ticks and labels. */
  function Axes(g, box, xr, yr) {
    this.g = g; this.b = box; this.xr = xr; this.yr = yr;
  }
  Axes.prototype.X = function (v) { return this.b.x + (v - this.xr[0]) / (this.xr[1] - this.xr[0]) * this.b.w; };
  Axes.prototype.Y = function (v) { return this.b.y + this.b.h - (v - this.yr[0]) / (this.yr[1] - this.yr[0]) * this.b.h; };
  Axes.prototype.invert = function (px, py) {
    return [this.xr[0] + (px - this.b.x) / this.b.w * (this.xr[1] - this.xr[0]),
            this.yr[0] + (this.b.y + this.b.h - py) / this.b.h * (this.yr[1] - this.yr[0])];
  };
  Axes.prototype.frame = function (xlabel, ylabel, nx, ny) {
    var g = el("g", { "class": "gdl-axes" }, this.g), self = this, b = this.b;
    ticks(this.xr[0], this.xr[1], nx || 5).forEach(function (v) {
      var x = self.X(v);
      el("line", { x1: f1(x), x2: f1(x), y1: b.y, y2: b.y + b.h, "class": "gdl-grid" }, g);
      el("text", { x: f1(x), y: b.y + b.h + 16, "text-anchor": "middle", "class": "gdl-tick" }, g).textContent = G.num(v);
    });
    ticks(this.yr[0], this.yr[1], ny || 5).forEach(function (v) {
      var y = self.Y(v);
      el("line", { x1: b.x, x2: b.x + b.w, y1: f1(y), y2: f1(y), "class": "gdl-grid" }, g);
      el("text", { x: b.x - 5, y: f1(y + 4), "text-anchor": "end", "class": "gdl-tick" }, g).textContent = G.num(v);
    });
    el("path", { d: "M" + b.x + "," + b.y + "V" + (b.y + b.h) + "H" + (b.x + b.w), "class": "gdl-spine" }, g);
    el("text", { x: b.x + b.w / 2, y: b.y + b.h + 34, "text-anchor": "middle", "class": "gdl-label" }, g).textContent = xlabel;
    el("text", { x: 0, y: 0, "text-anchor": "middle", "class": "gdl-label",
                 transform: "translate(" + (b.x - 38) + "," + (b.y + b.h / 2) + ") rotate(-90)" }, g).textContent = ylabel;
  };
  Axes.prototype.clip = function (id) {
    var cp = el("clipPath", { id: id }, el("defs", {}, this.g));
    el("rect", { x: this.b.x, y: this.b.y, width: this.b.w, height: this.b.h }, cp);
    return el("g", { "clip-path": "url(#" + id + ")" }, this.g);
  };
  Axes.prototype.line = function (xs, ys, attrs, parent) {
    var p = [];
    for (var i = 0; i < xs.length; i++) p.push(f1(this.X(xs[i])) + "," + f1(this.Y(ys[i])));
    attrs.points = p.join(" ");
    return el("polyline", attrs, parent);
  };

  /* An arrow from (x0, y0) to (x1, y1) in px, with a head of size s. */
  function arrow(parent, x0, y0, x1, y1, s, cls) {
    var g = el("g", { "class": cls }, parent), dx = x1 - x0, dy = y1 - y0, L = Math.hypot(dx, dy);
    if (L < 1e-9) return g;
    var ux = dx / L, uy = dy / L, hs = Math.min(s, L * 0.6);
    el("line", { x1: f1(x0), y1: f1(y0), x2: f1(x1 - ux * hs * 0.8), y2: f1(y1 - uy * hs * 0.8) }, g);
    el("path", { d: "M" + f1(x1) + "," + f1(y1) + "L" + f1(x1 - ux * hs - uy * hs * 0.45) + "," + f1(y1 - uy * hs + ux * hs * 0.45) +
                 "L" + f1(x1 - ux * hs + uy * hs * 0.45) + "," + f1(y1 - uy * hs - ux * hs * 0.45) + "Z" }, g);
    return g;
  }

  /* A slider with its label and value, in the figure's panel. */
  function slider(panel, id, label, min, max, step) {
    var row = html("div", { "class": "gdl-row" }, "", panel);
    html("label", { "for": id }, label, row);
    var input = html("input", { type: "range", id: id, min: min, max: max, step: step }, "", row);
    var out = html("output", { "for": id, "class": "gdl-value" }, "", row);
    return { input: input, out: out };
  }

  /* ---- the secant turning into the tangent (derivative chapter) ---- */

  function secant(d, fig) {
    var f = function (x) { return G.poly(d.coefficients, x); };
    var a = d.a, fa = f(a), lo = Math.log10(d.h_range[0]), hi = Math.log10(d.h_range[1]);
    var h = d.h_start, id = fig.id + "-h";
    var s = slider(fig.panel, id, "h", lo, hi, 0.05);
    fig.readout.id = fig.id + "-readout";
    s.input.setAttribute("aria-describedby", fig.readout.id);
    // y range: the curve over the view, with a margin
    var ys = [], xs = [];
    for (var i = 0; i <= 200; i++) { var x = d.view[0] + (d.view[1] - d.view[0]) * i / 200; xs.push(x); ys.push(f(x)); }
    var y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys), pad = 0.08 * (y1 - y0);
    var yr = [y0 - pad, y1 + pad], axes = null;

    function setH(v) {
      h = Number(clamp(v, d.h_range[0], d.h_range[1]).toPrecision(2));
      s.input.value = String(Math.log10(h));
      fig.redraw();
    }
    fig.draw = function (svg, W, H) {
      var box = { x: 56, y: 12, w: W - 68, h: H - 58 };
      var g = el("g", {}, svg);
      axes = new Axes(g, box, d.view, yr);
      axes.frame("x", "f(x)");
      var c = axes.clip(fig.id + "-clip");
      axes.line(xs, ys, { "class": "gdl-curve" }, c);
      var ta = [a - 0.9, a + 1.2];
      axes.line(ta, [fa + d.exact * (ta[0] - a), fa + d.exact * (ta[1] - a)], { "class": "gdl-tangent" }, c);
      var q = G.secant(f, a, h), sa = [a - 0.9, a + h + 0.25];
      axes.line(sa, [fa + q * (sa[0] - a), fa + q * (sa[1] - a)], { "class": "gdl-secant" }, c);
      // h as a bracket under the two points
      var yb = box.y + box.h - 10, xa = axes.X(a), xh = axes.X(a + h);
      el("path", { d: "M" + f1(xa) + "," + (yb - 4) + "V" + yb + "H" + f1(xh) + "V" + (yb - 4), "class": "gdl-bracket" }, c);
      el("text", { x: f1(Math.max(xh + 6, xa + 6)), y: yb + 1, "class": "gdl-note" }, c).textContent = "h";
      el("circle", { cx: f1(xa), cy: f1(axes.Y(fa)), r: 4.5, "class": "gdl-point" }, c);
      el("circle", { cx: f1(xh), cy: f1(axes.Y(f(a + h))), r: 6, "class": "gdl-handle" }, c);
      var err = q - d.exact;
      var text = "h = " + G.num(h) + ": the secant's slope is " + G.fixed(q, 6) + ", " +
        (err > 0 ? "above" : err < 0 ? "below" : "equal to") + " the tangent's slope f\u2032(" + G.num(a) + ") = " +
        G.num(d.exact) + (err !== 0 ? " by " + G.num(Math.abs(err), 3) : "") + ".";
      s.out.textContent = "h = " + G.num(h);
      s.input.setAttribute("aria-valuetext", "h = " + G.num(h));
      fig.say(text, "Secant line of f from x = " + G.num(a) + " to x = " + G.num(a) + " + h, with the tangent line. " + text);
      fig.state = { h: h, slope: q, error: err };
    };
    s.input.addEventListener("input", function () { setH(Math.pow(10, +s.input.value)); });
    fig.pointer(function (px, py) {  // drag the second point along the curve
      if (!axes) return;
      setH(axes.invert(px, py)[0] - a);
    });
    s.input.value = String(Math.log10(h));
  }

  /* ---- the gradient at a point of the contour map (partial-derivatives chapter) ---- */

  function gradient(d, fig) {
    var pt = d.start.slice(), lim = d.lim, axes = null;
    var sx = slider(fig.panel, fig.id + "-x", "x", -lim, lim, 0.1);
    var sy = slider(fig.panel, fig.id + "-y", "y", -lim, lim, 0.1);
    fig.readout.id = fig.id + "-readout";
    [sx, sy].forEach(function (s) { s.input.setAttribute("aria-describedby", fig.readout.id); });
    function set(x, y) {
      pt = [Number(clamp(x, -lim, lim).toFixed(2)) + 0, Number(clamp(y, -lim, lim).toFixed(2)) + 0];
      fig.redraw();
    }
    fig.draw = function (svg, W, H) {
      var side = Math.min(W - 70, H - 60), box = { x: 56 + (W - 70 - side) / 2, y: 12, w: side, h: side };
      var g = el("g", {}, svg);
      axes = new Axes(g, box, [-lim, lim], [-lim, lim]);
      axes.frame("x", "y", 4, 4);
      var c = axes.clip(fig.id + "-clip"), ev = d.form.eigenvalues, V = d.form.vectors;
      d.levels.forEach(function (lev) {
        var xs = [], ys = [];
        for (var i = 0; i <= 96; i++) {
          var t = 2 * Math.PI * i / 96, r1 = Math.sqrt(lev / ev[0]) * Math.cos(t), r2 = Math.sqrt(lev / ev[1]) * Math.sin(t);
          xs.push(r1 * V[0][0] + r2 * V[1][0]);
          ys.push(r1 * V[0][1] + r2 * V[1][1]);
        }
        axes.line(xs, ys, { "class": "gdl-contour" }, c);
      });
      var x = pt[0], y = pt[1], gx = G.poly2(d.dzdx, x, y), gy = G.poly2(d.dzdy, x, y), z = G.poly2(d.z, x, y);
      var X0 = axes.X(x), Y0 = axes.Y(y), k = 1 / d.arrow_unit;
      var X1 = axes.X(x + gx * k), Y1 = axes.Y(y + gy * k);
      arrow(c, X0, Y0, axes.X(x + gx * k), Y0, 9, "gdl-arrow gdl-dx");
      arrow(c, X0, Y0, X0, axes.Y(y + gy * k), 9, "gdl-arrow gdl-dy");
      arrow(c, X0, Y0, X1, Y1, 12, "gdl-arrow gdl-grad");
      el("circle", { cx: f1(X0), cy: f1(Y0), r: 5, "class": "gdl-handle" }, c);
      var len = Math.hypot(gx, gy);
      var at = "At (" + G.num(x) + ", " + G.num(y) + "), where z = " + G.num(z) + ": ";
      var text = len === 0
        ? at + "\u2202z/\u2202x = 0 and \u2202z/\u2202y = 0: the gradient is zero, the lowest point."
        : at + "\u2202z/\u2202x = " + G.num(gx) + ", \u2202z/\u2202y = " + G.num(gy) + ", so \u2207z = (" + G.num(gx) +
          ", " + G.num(gy) + "), of length " + G.num(len) + ".";
      sx.out.textContent = G.num(x);
      sy.out.textContent = G.num(y);
      sx.input.value = String(x);
      sy.input.value = String(y);
      fig.say(text, "Contour lines of z with the gradient at the chosen point: the long arrow is \u2207z, the " +
              "dashed ones its parts \u2202z/\u2202x (along x) and \u2202z/\u2202y (along y). " + text);
      fig.state = { x: x, y: y, dzdx: gx, dzdy: gy, z: z };
    };
    sx.input.addEventListener("input", function () { set(+sx.input.value, pt[1]); });
    sy.input.addEventListener("input", function () { set(pt[0], +sy.input.value); });
    fig.pointer(function (px, py) {
      if (!axes) return;
      var p = axes.invert(px, py);
      set(Math.round(p[0] * 20) / 20, Math.round(p[1] * 20) / 20);
    });
  }


  /* ---- η across η*: the error along each eigen-direction, and the loss (divergence chapter) ---- */

  /* matplotlib's symlog with linthresh 1: linear within ±1, logarithmic beyond. */
  function symlog(v) { return Math.abs(v) <= 1 ? v : (v > 0 ? 1 : -1) * (1 + Math.log10(Math.abs(v))); }

  function eigen(d, fig) {
    var m = d.start, T = d.steps, eta = d.lr_critical;
    var s = slider(fig.panel, fig.id + "-eta", "\u03B7", d.range[0], d.range[1], 0.01);
    fig.readout.id = fig.id + "-readout";
    s.input.setAttribute("aria-describedby", fig.readout.id);
    function compute() {
      var lr = m * eta;
      var r = G.descend({ x: d.x, y: d.y, xTest: d.x, yTest: d.y, w0: d.w0, b0: d.b0, lr: lr, nIters: T, bound: d.bound });
      var c = [], e = [], L = [];
      for (var t = 0; t <= r.iterations; t++) {
        var ew = r.w[t] - d.theta_star[0], eb = r.b[t] - d.theta_star[1];
        c.push(ew * d.v_max[0] + eb * d.v_max[1]);
        e.push(ew * d.v_min[0] + eb * d.v_min[1]);
        L.push(r.trainLoss[t] - d.loss_star);
      }
      return { lr: lr, run: r, c: c, d: e, excess: L, fmax: 1.0 - lr * d.lam[1], fmin: 1.0 - lr * d.lam[0] };
    }
    function panel(svg, box, yr, ylabel, xs, ys, cls, yfmt, yticks) {
      var a = new Axes(el("g", {}, svg), box, [0, T], yr);
      var g = el("g", { "class": "gdl-axes" }, a.g);
      yticks.forEach(function (v) {
        var y = a.Y(v[0]);
        el("line", { x1: box.x, x2: box.x + box.w, y1: f1(y), y2: f1(y), "class": "gdl-grid" }, g);
        el("text", { x: box.x - 5, y: f1(y + 4), "text-anchor": "end", "class": "gdl-tick" }, g).textContent = v[1];
      });
      ticks(0, T, 5).forEach(function (v) {
        var x = a.X(v);
        el("line", { x1: f1(x), x2: f1(x), y1: box.y, y2: box.y + box.h, "class": "gdl-grid" }, g);
        el("text", { x: f1(x), y: box.y + box.h + 15, "text-anchor": "middle", "class": "gdl-tick" }, g).textContent = G.integer(v);
      });
      el("path", { d: "M" + box.x + "," + box.y + "V" + (box.y + box.h) + "H" + (box.x + box.w), "class": "gdl-spine" }, g);
      el("text", { x: box.x + 4, y: box.y - 5, "class": "gdl-title" }, g).textContent = ylabel;
      var c = a.clip(fig.id + "-clip-" + cls);
      var zero = a.Y(yfmt(0));
      if (zero >= box.y && zero <= box.y + box.h) el("line", { x1: box.x, x2: box.x + box.w, y1: f1(zero), y2: f1(zero), "class": "gdl-zero" }, c);
      var tx = [], ty = [];
      for (var i = 0; i < ys.length; i++) { tx.push(xs[i]); ty.push(yfmt(ys[i])); }
      a.line(tx, ty, { "class": "gdl-series " + cls }, c);
      for (var j = 0; j < ys.length; j++) el("circle", { cx: f1(a.X(tx[j])), cy: f1(clamp(a.Y(ty[j]), -50, 5000)), r: 2.6, "class": "gdl-dot " + cls }, c);
      return a;
    }
    fig.draw = function (svg, W, H) {
      var k = compute(), n = k.run.iterations, xs = [];
      for (var t = 0; t <= n; t++) xs.push(t);
      var c0 = k.c[0], d0 = k.d[0], rc = k.c.map(function (v) { return v / c0; }), rd = k.d.map(function (v) { return v / d0; });
      var gap = 34, top = 22, left = 56, h = (H - top - 3 * gap - 16) / 3, w = W - left - 12;
      // the steep direction, symlog: its ticks at 0, ±1, ±10, ±100 … within the range
      var lo = Math.min.apply(null, rc.map(symlog)), hi = Math.max.apply(null, rc.map(symlog));
      lo = Math.min(lo, -1); hi = Math.max(hi, 1);
      var yt = [[0, "0"]];
      for (var p = 0; p <= 12; p++) {
        var v = Math.pow(10, p);
        if (symlog(v) <= hi + 1e-9) yt.push([symlog(v), G.num(v)]);
        if (symlog(-v) >= lo - 1e-9) yt.push([symlog(-v), G.num(-v)]);
      }
      if (yt.length > 9) yt = yt.filter(function (t) { return t[0] === 0 || Math.round(Math.abs(t[0]) - 1) % 2 === 0; });
      panel(svg, { x: left, y: top, w: w, h: h }, [lo - 0.1, hi + 0.1], "c\u209C / c\u2080 along v\u2098\u2090\u2093 (symlog)", xs, rc, "gdl-top",
            symlog, yt);
      var dlo = Math.min(0, Math.min.apply(null, rd)), dhi = Math.max(1, Math.max.apply(null, rd));
      panel(svg, { x: left, y: top + h + gap, w: w, h: h }, [dlo - 0.05, dhi + 0.05], "d\u209C / d\u2080 along v\u2098\u1D62\u2099", xs, rd, "gdl-low",
            function (v) { return v; }, ticks(dlo, dhi, 3).map(function (v) { return [v, G.num(v)]; }));
      var ls = k.excess.map(function (v) { return Math.log10(Math.max(v, 1e-300)); });
      var llo = Math.floor(Math.min.apply(null, ls)), lhi = Math.ceil(Math.max.apply(null, ls));
      if (lhi - llo < 1) lhi = llo + 1;
      var lt = [], st = Math.max(1, Math.ceil((lhi - llo) / 4));
      for (var e = llo; e <= lhi; e += st) lt.push([e, e === 0 ? "1" : "10" + (e < 0 ? "\u207B" : "") + String(Math.abs(e)).split("").map(function (ch) { return "\u2070\u00B9\u00B2\u00B3\u2074\u2075\u2076\u2077\u2078\u2079".charAt(+ch); }).join("")]);
      panel(svg, { x: left, y: top + 2 * (h + gap), w: w, h: h }, [llo, lhi], "excess loss L \u2212 L* (log scale)", xs, k.excess, "gdl-loss",
            function (v) { return Math.log10(Math.max(v, 1e-300)); }, lt);
      el("text", { x: left + w / 2, y: H - 2, "text-anchor": "middle", "class": "gdl-label" }, svg).textContent = "update t";

      var grows = Math.abs(k.fmax) > 1, flips = k.fmax < 0;
      var steep = "steep direction \u00D7 (1 \u2212 \u03B7\u03BB\u2098\u2090\u2093) = " + G.num(k.fmax, 3) + " per update: " +
        (grows ? "grows" : Math.abs(k.fmax) < 1 ? "shrinks" : "keeps its size") + (flips ? ", flipping sign" : "");
      var flat = "flat direction \u00D7 " + G.num(k.fmin, 3) + (Math.abs(k.fmin) < 1 ? ": shrinks" : Math.abs(k.fmin) > 1 ? ": grows" : "");
      var loss = k.run.diverged
        ? "The loss passes " + G.num(d.bound) + " at update " + G.integer(k.run.divergedAt) + "."
        : "After " + G.integer(n) + " updates the excess loss is " + G.num(k.excess[n], 3) + " (from " + G.num(k.excess[0], 3) + ").";
      var text = "\u03B7 = " + G.num(m, 3) + "\u00B7\u03B7* = " + G.num(k.lr, 3) + ". " + steep[0].toUpperCase() + steep.slice(1) +
        "; " + flat + ". " + loss;
      s.out.textContent = G.num(m, 3) + "\u00B7\u03B7*";
      s.input.setAttribute("aria-valuetext", G.num(m, 3) + " times \u03B7*");
      s.input.value = String(m);
      fig.say(text, "Three panels over the first updates: the error along the steepest eigen-direction relative to its start, " +
              "the same along the flattest, and the excess loss. " + text);
      fig.state = { multiple: m, lr: k.lr, factor_max: k.fmax, factor_min: k.fmin, c_ratio_1: rc[1], diverged: k.run.diverged,
                    diverged_at: k.run.divergedAt, excess_last: k.excess[n], iterations: n };
    };
    s.input.addEventListener("input", function () { m = Number((+s.input.value).toFixed(2)); fig.redraw(); });
    fig.pointer(function () {});
  }

  var BUILDERS = { "derivative-secants": secant, "partial-derivatives-gradient": gradient, "divergence-eigen": eigen };

  /* ---- enhancing a figure in place ---- */

  function enhance(node, data, build) {
    var pictures = Array.prototype.slice.call(node.querySelectorAll("picture"));
    var panel = node.querySelector(".gd-live-panel");
    if (!pictures.length || !panel) return;
    var name = node.getAttribute("data-gd-live"), id = "gdl-" + name;
    var box = html("div", { "class": "gdl-box" }, "");
    node.insertBefore(box, pictures[0]);
    var readout = html("p", { "class": "gdl-readout", role: "status", "aria-live": "polite", "aria-atomic": "true" }, "");
    var fig = { id: id, panel: panel, readout: readout, node: node, svg: null, desc: "" };
    fig.say = function (text, desc) {
      if (readout.textContent !== text) readout.textContent = text;
      fig.desc = desc;
    };
    var size = null;
    function natural() {  // the size of the picture this figure replaces, in the current layout
      var img = pictures[0].querySelector("img"), src = pictures[0].querySelector("source");
      var phone = window.matchMedia(PHONE).matches && src;
      return phone ? [+src.getAttribute("width"), +src.getAttribute("height")]
                   : [+img.getAttribute("width"), +img.getAttribute("height")];
    }
    fig.redraw = function () {
      var nat = natural();
      box.style.maxWidth = nat[0] + "px";
      box.style.aspectRatio = nat[0] + " / " + nat[1];
      var W = box.clientWidth || nat[0], H = W * nat[1] / nat[0];
      size = [W, H];
      var svg = el("svg", { viewBox: "0 0 " + f1(W) + " " + f1(H), role: "img", "aria-labelledby": id + "-t " + id + "-d",
                            "class": "gdl-svg", id: id });
      var title = el("title", { id: id + "-t" }, svg), desc = el("desc", { id: id + "-d" }, svg);
      title.textContent = pictures[0].querySelector("img").getAttribute("alt");
      fig.draw(svg, W, H);
      desc.textContent = fig.desc;
      if (fig.svg) box.replaceChild(svg, fig.svg); else box.appendChild(svg);
      fig.svg = svg;
      node.setAttribute("data-gd-state", JSON.stringify(fig.state));
    };
    fig.pointer = function (move) {  // a press or drag on the drawing moves the figure's point
      var down = false;
      function at(ev) {
        var r = fig.svg.getBoundingClientRect();
        move((ev.clientX - r.left) / r.width * size[0], (ev.clientY - r.top) / r.height * size[1]);
      }
      box.addEventListener("pointerdown", function (ev) {
        if (ev.button !== 0) return;
        down = true;
        box.setPointerCapture(ev.pointerId);
        at(ev);
      });
      box.addEventListener("pointermove", function (ev) { if (down) at(ev); });
      box.addEventListener("pointerup", function () { down = false; });
      box.addEventListener("pointercancel", function () { down = false; });
    };
    build(data, fig);
    panel.appendChild(readout);
    pictures.forEach(function (p) { p.hidden = true; });
    node.classList.add("gdl-ready");
    fig.redraw();
    var timer = 0, width = box.clientWidth;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { if (box.clientWidth !== width) { width = box.clientWidth; fig.redraw(); } }, 100);
    });
  }

  function init() {
    G = window.gdmath;
    var all = window.GDBOOK_LIVE || {};
    if (!G) return;
    function go(node) {
      var name = node.getAttribute("data-gd-live");
      if (BUILDERS[name] && all[name] && !node.classList.contains("gdl-ready")) enhance(node, all[name], BUILDERS[name]);
    }
    // A figure is enhanced as it comes near the screen: the page loads without this work, and nothing moves
    // when it happens (the drawing takes the picture's box, the panel's room is kept).
    var io = "IntersectionObserver" in window && new IntersectionObserver(function (entries) {
      entries.forEach(function (e) { if (e.isIntersecting) { io.unobserve(e.target); go(e.target); } });
    }, { rootMargin: "400px 0px" });
    Array.prototype.forEach.call(document.querySelectorAll("figure[data-gd-live]"), function (node) {
      if (io) io.observe(node); else go(node);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
