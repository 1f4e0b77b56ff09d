/* gdbook gradient explorer: the book's own script, no library.
 *
 * Every run was computed by gdbook at build time and ships in
 * data/explorer/data.js (window.GDBOOK_EXPLORER), loaded by a <script> tag so
 * that the page also works from a saved copy (file://).  This script only
 * looks runs up and draws them; every number it prints was formatted by gdbook.
 */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var W = 320, H = 230;  // viewBox of each plot
  var PAD = { l: 50, r: 12, t: 12, b: 38 };

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

  function undelta(d, q) {
    var out = new Array(d.length), acc = 0;
    for (var i = 0; i < d.length; i++) { acc += d[i]; out[i] = acc / q; }
    return out;
  }

  /* A log-axis label 10^k: "10" with a raised exponent (U+2212 minus, as in the book's prose). */
  function powerOfTen(k) {
    return ["10", String(k).replace("-", "\u2212")];
  }

  /* A plot: an <svg> with a clipped inner area and linear maps. */
  function Plot(svg, xr, yr) {
    this.svg = svg;
    this.x0 = PAD.l; this.x1 = W - PAD.r; this.y0 = H - PAD.b; this.y1 = PAD.t;
    this.xr = xr; this.yr = yr;
  }
  Plot.prototype.X = function (v) { return this.x0 + (v - this.xr[0]) / (this.xr[1] - this.xr[0]) * (this.x1 - this.x0); };
  Plot.prototype.Y = function (v) { return this.y0 + (v - this.yr[0]) / (this.yr[1] - this.yr[0]) * (this.y1 - this.y0); };
  Plot.prototype.frame = function (xticks, yticks, xlabel, ylabel) {
    var g = el("g", { "class": "gdx-axes" }, this.svg), self = this;
    el("rect", { x: this.x0, y: this.y1, width: this.x1 - this.x0, height: this.y0 - this.y1, "class": "gdx-box" }, g);
    xticks.forEach(function (t) {
      var x = self.X(t[0]);
      el("line", { x1: x, x2: x, y1: self.y1, y2: self.y0, "class": "gdx-grid" }, g);
      el("text", { x: x, y: self.y0 + 15, "class": "gdx-tick", "text-anchor": "middle" }, g).textContent = t[1];
    });
    yticks.forEach(function (t) {
      var y = self.Y(t[0]);
      el("line", { x1: self.x0, x2: self.x1, y1: y, y2: y, "class": "gdx-grid" }, g);
      var label = el("text", { x: self.x0 - 4, y: y + 4, "class": "gdx-tick", "text-anchor": "end" }, g);
      if (typeof t[1] === "string") label.textContent = t[1];
      else {  // [base, exponent]
        label.textContent = t[1][0];
        el("tspan", { dy: -5, "class": "gdx-exp" }, label).textContent = t[1][1];
      }
    });
    el("text", { x: (this.x0 + this.x1) / 2, y: H - 4, "class": "gdx-label", "text-anchor": "middle" }, g).textContent = xlabel;
    var yl = el("text", { x: 0, y: 0, "class": "gdx-label", "text-anchor": "middle",
                          transform: "translate(13," + (this.y0 + this.y1) / 2 + ") rotate(-90)" }, g);
    yl.textContent = ylabel;
  };
  Plot.prototype.clip = function (id) {
    var defs = el("defs", {}, this.svg);
    var cp = el("clipPath", { id: id }, defs);
    el("rect", { x: this.x0, y: this.y1, width: this.x1 - this.x0, height: this.y0 - this.y1 }, cp);
    return el("g", { "clip-path": "url(#" + id + ")" }, this.svg);
  };
  Plot.prototype.points = function (xs, ys) {
    var p = [];
    for (var i = 0; i < xs.length; i++) {
      // Keep far-off points finite and near the box so clipping draws their direction.
      var px = Math.max(-2000, Math.min(2000, this.X(xs[i])));
      var py = Math.max(-2000, Math.min(2000, this.Y(ys[i])));
      p.push(px.toFixed(1) + "," + py.toFixed(1));
    }
    return p.join(" ");
  };

  function newSvg(parent, title, desc, id) {
    var svg = el("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-labelledby": id + "-t " + id + "-d",
                          "class": "gdx-svg", id: id, focusable: "false" }, parent);
    el("title", { id: id + "-t" }, svg).textContent = title;
    el("desc", { id: id + "-d" }, svg).textContent = desc;
    return svg;
  }

  function start(root, D) {
    var nLr = D.lr.length, counts = D.counts;
    var state = {
      lr: D.defaults.lr_index,
      method: D.defaults.method,
      bs: D.defaults.batch_size,
      n: counts.indexOf(D.defaults.n_iters)
    };
    var cache = {};
    root.textContent = "";
    root.classList.add("gdx-ready");

    /* ---- controls ---- */
    var controls = html("div", { "class": "gdx-controls" }, "", root);

    var lrBox = html("div", { "class": "gdx-control gdx-lr" }, "", controls);
    var lrHead = html("div", { "class": "gdx-head" }, "", lrBox);
    html("label", { "for": "gdx-lr" }, "Learning rate \u03B7", lrHead);
    var lrOut = html("output", { "for": "gdx-lr", id: "gdx-lr-out", "class": "gdx-value" }, "", lrHead);
    var lrInput = html("input", { type: "range", id: "gdx-lr", min: 0, max: nLr - 1, step: 1, value: state.lr,
                                  "aria-describedby": "gdx-lr-scale" }, "", lrBox);
    var scale = html("div", { "class": "gdx-scale", id: "gdx-lr-scale" }, "", lrBox);
    var f = (Math.log(D.lr_critical) - Math.log(D.lr[0])) / (Math.log(D.lr[nLr - 1]) - Math.log(D.lr[0]));
    scale.style.setProperty("--gdx-star", f.toFixed(4));
    html("span", { "class": "gdx-star-mark", "aria-hidden": "true" }, "", scale);
    html("span", { "class": "gdx-star-label" },
         "\u03B7* = " + D.lr_critical_text + ": full batch diverges above it", scale);

    var mBox = html("fieldset", { "class": "gdx-control gdx-method" }, "", controls);
    html("legend", {}, "Method", mBox);
    var methodInputs = {};
    [["full", "Full batch"], ["mini", "Mini-batch"], ["sgd", "Stochastic"]].forEach(function (m) {
      var lab = html("label", {}, "", mBox);
      var inp = html("input", { type: "radio", name: "gdx-method", value: m[0], id: "gdx-method-" + m[0] }, "", lab);
      inp.checked = m[0] === state.method;
      lab.appendChild(document.createTextNode(" " + m[1]));
      methodInputs[m[0]] = inp;
    });

    var bsBox = html("div", { "class": "gdx-control gdx-bs" }, "", controls);
    html("label", { "for": "gdx-bs" }, "Mini-batch size", bsBox);
    var bsSelect = html("select", { id: "gdx-bs" }, "", bsBox);
    D.batch_sizes.forEach(function (bs) {
      var o = html("option", { value: bs }, String(bs), bsSelect);
      o.selected = bs === state.bs;
    });

    var nBox = html("div", { "class": "gdx-control gdx-n" }, "", controls);
    var nHead = html("div", { "class": "gdx-head" }, "", nBox);
    html("label", { "for": "gdx-n" }, "Updates", nHead);
    var nOut = html("output", { "for": "gdx-n", id: "gdx-n-out", "class": "gdx-value" }, "", nHead);
    var nInput = html("input", { type: "range", id: "gdx-n", min: 0, max: counts.length - 1, step: 1, value: state.n },
                      "", nBox);

    var summary = html("p", { "class": "gdx-summary", id: "gdx-summary", role: "status", "aria-live": "polite",
                              "aria-atomic": "true" }, "", root);

    /* ---- plots ---- */
    var plots = html("div", { "class": "gdx-plots" }, "", root);
    function figure(caption) {
      var fig = html("figure", { "class": "gdx-figure" }, "", plots);
      var cap = html("figcaption", {}, caption, fig);
      return { fig: fig, cap: cap };
    }
    var fLoss = figure("Training loss after each update (log scale); dashed: the least-squares minimum.");
    var svgLoss = newSvg(fLoss.fig, "Training loss against update", "", "gdx-loss");
    fLoss.fig.insertBefore(svgLoss, fLoss.cap);
    var fPath = figure("The path of (w, b) over contours of the loss; \u00D7 marks the least-squares minimum, the ring the initial guess.");
    var svgPath = newSvg(fPath.fig, "Path of w and b on the loss contours", "", "gdx-path");
    fPath.fig.insertBefore(svgPath, fPath.cap);
    var fFit = figure("The fitted line over the data; dots: training split, rings: test split; dashed: least squares.");
    var svgFit = newSvg(fFit.fig, "Fitted line over the data", "", "gdx-fit");
    fFit.fig.insertBefore(svgFit, fFit.cap);

    /* static layers: contours and data, drawn once */
    var pathPlot = new Plot(svgPath, D.view.w, D.view.b);
    pathPlot.frame(D.ticks.w, D.ticks.b, "w", "b");
    var pathLayer = pathPlot.clip("gdx-clip-path");
    var ax = D.axes, contours = el("g", { "class": "gdx-contours" }, pathLayer);
    D.levels.forEach(function (lev) {
      var ws = [], bs = [];
      for (var i = 0; i <= 96; i++) {
        var t = 2 * Math.PI * i / 96;
        var r1 = Math.sqrt(lev / ax.eigenvalues[0]) * Math.cos(t), r2 = Math.sqrt(lev / ax.eigenvalues[1]) * Math.sin(t);
        ws.push(D.w_star + r1 * ax.vectors[0][0] + r2 * ax.vectors[1][0]);
        bs.push(D.b_star + r1 * ax.vectors[0][1] + r2 * ax.vectors[1][1]);
      }
      el("polyline", { points: pathPlot.points(ws, bs), "class": "gdx-contour" }, contours);
    });
    var px = pathPlot.X(D.w_star), py = pathPlot.Y(D.b_star);
    el("path", { d: "M" + (px - 5) + "," + (py - 5) + "l10,10m0,-10l-10,10", "class": "gdx-min" }, pathLayer);
    el("circle", { cx: pathPlot.X(D.w0), cy: pathPlot.Y(D.b0), r: 4.5, "class": "gdx-start" }, pathLayer);
    var pathLine = el("polyline", { "class": "gdx-trace" }, pathLayer);
    var pathEnd = el("circle", { r: 3.5, "class": "gdx-end" }, pathLayer);
    var pathOff = el("text", { x: W - PAD.r - 6, y: PAD.t + 16, "text-anchor": "end", "class": "gdx-note" }, svgPath);

    var fitPlot = new Plot(svgFit, D.view.x, D.view.y);
    fitPlot.frame(D.ticks.x, D.ticks.y, "x", "y");
    var fitLayer = fitPlot.clip("gdx-clip-fit");
    var P = D.points;
    for (var i = 0; i < P.x.length; i++) {
      el("circle", { cx: fitPlot.X(P.x[i]).toFixed(1), cy: fitPlot.Y(P.y[i]).toFixed(1), r: 2.2,
                     "class": P.test[i] ? "gdx-pt gdx-pt-test" : "gdx-pt gdx-pt-train" }, fitLayer);
    }
    function lineAt(w, b) {
      var xa = D.view.x[0], xb = D.view.x[1];
      return fitPlot.points([xa, xb], [w * xa + b, w * xb + b]);
    }
    el("polyline", { points: lineAt(D.w_star, D.b_star), "class": "gdx-ls" }, fitLayer);
    var fitLine = el("polyline", { "class": "gdx-fitline" }, fitLayer);
    var fitOff = el("text", { x: PAD.l + 6, y: PAD.t + 16, "class": "gdx-note" }, svgFit);
    function inside(v, r) { return v >= Math.min(r[0], r[1]) && v <= Math.max(r[0], r[1]); }

    var lossPlot = null, lossG = el("g", {}, svgLoss);

    /* ---- runs ---- */
    function runKey() { return state.method === "mini" ? "mini" + state.bs : state.method; }
    function getRun(key, lrIndex) {
      var id = key + ":" + lrIndex;
      if (cache[id]) return cache[id];
      var r = D.runs[key][lrIndex], idx = [];
      for (var i = 0; i < D.keep.length && D.keep[i] <= r.last; i++) idx.push(D.keep[i]);
      if (idx[idx.length - 1] !== r.last) idx.push(r.last);
      var loss = undelta(r.loss, D.q_loss);
      cache[id] = { raw: r, idx: idx, w: undelta(r.w, D.q_param), b: undelta(r.b, D.q_param), logLoss: loss };
      return cache[id];
    }

    function colourClass() { return "gdx-m-" + state.method; }

    function drawLoss(run, n) {
      while (lossG.firstChild) lossG.removeChild(lossG.firstChild);
      var k = 0;
      while (k < run.idx.length && run.idx[k] <= n) k++;
      var xs = run.idx.slice(0, k), ys = run.logLoss.slice(0, k);
      var lo = Math.log10(D.loss_min), hi = lo;
      ys.forEach(function (v) { lo = Math.min(lo, v); hi = Math.max(hi, v); });
      var y0 = Math.floor(lo - 0.02), y1 = Math.ceil(hi + 0.02);
      if (y1 - y0 < 1) y1 = y0 + 1;
      var plot = new Plot(lossG, [0, n], [y0, y1]);
      var yticks = [], step = Math.max(1, Math.ceil((y1 - y0) / 6));
      for (var e = y0; e <= y1; e += step) yticks.push([e, powerOfTen(e)]);
      plot.frame(D.ticks.n[state.n], yticks, "update", "training loss L");
      var g = plot.clip("gdx-clip-loss"), yMin = plot.Y(Math.log10(D.loss_min));
      el("line", { x1: plot.x0, x2: plot.x1, y1: yMin, y2: yMin, "class": "gdx-ls" }, g);
      el("polyline", { points: plot.points(xs, ys), "class": "gdx-trace " + colourClass() }, g);
      var last = xs.length - 1;
      el("circle", { cx: plot.X(xs[last]), cy: plot.Y(ys[last]), r: 3, "class": "gdx-end " + colourClass() }, g);
    }

    function summaryText(run, n) {
      var s = run.raw.states[state.n];
      var N = D.count_text[state.n];
      if (s.state === "diverged") {
        return "Diverged at update " + s.at_text + ": the training loss passed " + D.bound_text +
          ", so the run stopped.";
      }
      var nums = "w = " + s.w + ", b = " + s.b + ", training loss " + s.loss;
      if (s.state === "converged") {
        return "Converged to w = " + s.w + ", b = " + s.b + " in " + N + " updates: training loss " + s.loss +
          ", within " + D.tol_text + "\u2009% of the least-squares minimum " + D.loss_min_text +
          " from update " + s.since_text + " on.";
      }
      var later = run.raw.diverged_at ? " The loss is growing: this run diverges at update " +
        run.raw.states[counts.length - 1].at_text + "." : "";
      return "Not within " + D.tol_text + "\u2009% of the least-squares minimum " + D.loss_min_text + " after " + N +
        " updates: " + nums + "." + later;
    }

    function update() {
      var run = getRun(runKey(), state.lr), n = counts[state.n];
      var cls = colourClass();
      root.setAttribute("data-method", state.method);
      lrOut.textContent = "\u03B7 = " + D.lr_text[state.lr] + " = " + D.lr_multiple_text[state.lr] + "\u2009\u03B7*";
      lrInput.setAttribute("aria-valuetext", D.lr_text[state.lr] + ", that is " + D.lr_multiple_text[state.lr] +
                           " times \u03B7*");
      nOut.textContent = D.count_text[state.n];
      nInput.setAttribute("aria-valuetext", D.count_text[state.n] + " updates");
      bsBox.classList.toggle("gdx-off", state.method !== "mini");
      // Roving tab stop, as the browser does for a radio group: Tab reaches the
      // checked method, the arrow keys move between methods.
      Object.keys(methodInputs).forEach(function (k) {
        methodInputs[k].checked = k === state.method;
        methodInputs[k].tabIndex = k === state.method ? 0 : -1;
      });

      var k = 0;
      while (k < run.idx.length && run.idx[k] <= n) k++;
      var ws = run.w.slice(0, k), bs = run.b.slice(0, k);
      pathLine.setAttribute("points", pathPlot.points(ws, bs));
      pathLine.setAttribute("class", "gdx-trace " + cls);
      pathEnd.setAttribute("cx", Math.max(-50, Math.min(W + 50, pathPlot.X(ws[k - 1]))).toFixed(1));
      pathEnd.setAttribute("cy", Math.max(-50, Math.min(H + 50, pathPlot.Y(bs[k - 1]))).toFixed(1));
      pathEnd.setAttribute("class", "gdx-end " + cls);
      fitLine.setAttribute("points", lineAt(ws[k - 1], bs[k - 1]));
      var wEnd = ws[k - 1], bEnd = bs[k - 1];
      pathOff.textContent = inside(wEnd, D.view.w) && inside(bEnd, D.view.b) ? "" : "(w, b) has left the chart";
      var xa = D.view.x[0], xb = D.view.x[1];
      fitOff.textContent = inside(wEnd * xa + bEnd, D.view.y) || inside(wEnd * xb + bEnd, D.view.y) ||
        (wEnd * xa + bEnd - D.view.y[0]) * (wEnd * xb + bEnd - D.view.y[0]) < 0 ? "" : "the line is off the chart";
      drawLoss(run, n);

      var text = summaryText(run, n);
      var diverged = run.raw.states[state.n].state === "diverged";
      summary.textContent = text;
      summary.setAttribute("data-state", run.raw.states[state.n].state);
      root.setAttribute("data-run", runKey() + ":" + state.lr + ":" + n);
      svgLoss.querySelector("desc").textContent = text;
      svgPath.querySelector("desc").textContent = diverged
        ? "The path leaves the contours: " + text
        : "The path from the initial guess towards the minimum. " + text;
      svgFit.querySelector("desc").textContent = text;
    }

    lrInput.addEventListener("input", function () { state.lr = +lrInput.value; update(); });
    nInput.addEventListener("input", function () { state.n = +nInput.value; update(); });
    // Choosing a batch size chooses mini-batch descent.
    bsSelect.addEventListener("change", function () { state.bs = +bsSelect.value; state.method = "mini"; update(); });
    Object.keys(methodInputs).forEach(function (k) {
      methodInputs[k].addEventListener("change", function () {
        if (methodInputs[k].checked) { state.method = k; update(); }
      });
    });
    update();
  }

  function init() {
    var root = document.getElementById("gd-explorer");
    if (!root) return;
    var D = window.GDBOOK_EXPLORER;
    if (!D) {
      root.textContent = "The explorer's data (data/explorer/data.js) did not load.";
      return;
    }
    start(root, D);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
