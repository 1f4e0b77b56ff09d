/* gdbook gradient explorer: gradient descent run in the reader's browser.
 *
 * Every run is computed here by gdmath.descend (docs/assets/javascripts/gdmath.js),
 * the same arithmetic as gdbook.core.descent.descend, on the data gdbook ships
 * in data/explorer/data.js (window.GDBOOK_EXPLORER): the training and test
 * splits, the shuffle orders of the book's seeded generator, the least-squares
 * fit.  Every number is formatted by gdmath's port of gdbook.core.fmt.  The
 * page's HTML already holds the controls and empty plots (their space is kept
 * before this script runs); this script fills them in and keeps the state in
 * the URL hash: #method=full_batch&lr=0.1&iters=500[&batch=16][&w0=…&b0=…].
 */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var W = 320, H = 230;  // viewBox of each plot
  var PAD = { l: 50, r: 12, t: 12, b: 38 };
  var LR_STEP = 0.005;  // the η slider moves in steps of 10^0.005 (1.2 %)
  var MAX_POINTS = 1500;  // a drawn trace keeps at most about this many points
  var FADE = 12;  // a mini-batch or stochastic path is drawn in this many pieces, older ones fainter
  var PLAY_MS = 4000;  // a whole run plays in about this long
  var G, D;

  function el(name, attrs, parent) {
    var e = document.createElementNS(SVG, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function $(id) { return document.getElementById(id); }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function clamp(v, lo, hi) { return Math.max(lo, Math.min(hi, v)); }
  function sig(v, k) { return Number(v.toPrecision(k)); }

  /* A plot: an <svg> with linear maps from data to its viewBox. */
  function Plot(svg, xr, yr) {
    this.svg = svg;
    this.x0 = PAD.l; this.x1 = W - PAD.r; this.y0 = H - PAD.b; this.y1 = PAD.t;
    this.xr = xr; this.yr = yr;
  }
  Plot.prototype.X = function (v) { return this.x0 + (v - this.xr[0]) / (this.xr[1] - this.xr[0]) * (this.x1 - this.x0); };
  Plot.prototype.Y = function (v) { return this.y0 + (v - this.yr[0]) / (this.yr[1] - this.yr[0]) * (this.y1 - this.y0); };
  Plot.prototype.invert = function (px, py) {
    return [this.xr[0] + (px - this.x0) / (this.x1 - this.x0) * (this.xr[1] - this.xr[0]),
            this.yr[0] + (py - this.y0) / (this.y1 - this.y0) * (this.yr[1] - this.yr[0])];
  };
  Plot.prototype.frame = function (parent, xticks, yticks, xlabel, ylabel) {
    var g = el("g", { "class": "gdx-axes" }, parent), self = this;
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
    el("text", { x: 0, y: 0, "class": "gdx-label", "text-anchor": "middle",
                 transform: "translate(13," + (this.y0 + this.y1) / 2 + ") rotate(-90)" }, g).textContent = ylabel;
  };
  Plot.prototype.clip = function (parent, id) {
    var cp = el("clipPath", { id: id }, el("defs", {}, parent));
    el("rect", { x: this.x0, y: this.y1, width: this.x1 - this.x0, height: this.y0 - this.y1 }, cp);
    return el("g", { "clip-path": "url(#" + id + ")" }, parent);
  };
  /* "x,y x,y …" of the points i0…i1 of xs, ys (every stride-th, and i1), kept finite near the box. */
  Plot.prototype.points = function (xs, ys, i0, i1, stride) {
    var p = [];
    for (var i = i0; i <= i1; i += stride) p.push(this.pt(xs[i], ys[i]));
    if ((i1 - i0) % stride !== 0) p.push(this.pt(xs[i1], ys[i1]));
    return p.join(" ");
  };
  Plot.prototype.pt = function (x, y) {
    return clamp(this.X(x), -2000, 2000).toFixed(1) + "," + clamp(this.Y(y), -2000, 2000).toFixed(1);
  };

  function niceTicks(lo, hi, target) {
    var raw = (hi - lo) / target, mag = Math.pow(10, Math.floor(Math.log10(raw))), step = 10 * mag;
    [1, 2, 2.5, 5, 10].some(function (m) { if (m * mag >= raw) { step = m * mag; return true; } return false; });
    var out = [];
    for (var k = Math.ceil(lo / step - 1e-9); k <= Math.floor(hi / step + 1e-9); k++) {
      var v = Number((k * step).toFixed(12)) + 0;
      out.push([v, G.integer(v)]);
    }
    return out;
  }

  /* ---- the state and the URL hash ---- */

  function defaults() {
    var m = D.methods.full_batch;
    return { method: "full_batch", lr: m.lr, iters: m.iters, batch: D.methods.mini_batch.batch, w0: D.w0, b0: D.b0 };
  }

  function readHash(state) {
    var h = location.hash.replace(/^#/, "");
    if (h.indexOf("=") < 0) return state;
    var q = {};
    h.split("&").forEach(function (kv) {
      var i = kv.indexOf("=");
      if (i > 0) q[decodeURIComponent(kv.slice(0, i))] = decodeURIComponent(kv.slice(i + 1));
    });
    var s = defaults();
    if (D.methods[q.method]) {
      s.method = q.method;
      s.lr = D.methods[q.method].lr;
      s.iters = D.methods[q.method].iters;
    }
    var lr = parseFloat(q.lr), iters = parseInt(q.iters, 10), batch = parseInt(q.batch, 10);
    var w0 = parseFloat(q.w0), b0 = parseFloat(q.b0);
    if (lr > 0 && isFinite(lr)) s.lr = lr;
    if (iters >= 1) s.iters = Math.min(iters, D.counts[D.counts.length - 1]);
    if (batch >= 1) {  // the nearest offered size: the page ships the shuffles of those
      s.batch = D.batch_sizes.reduce(function (best, b) { return Math.abs(b - batch) < Math.abs(best - batch) ? b : best; });
    }
    if (isFinite(w0)) s.w0 = w0;
    if (isFinite(b0)) s.b0 = b0;
    return s;
  }

  function hashOf(s) {
    var parts = ["method=" + s.method, "lr=" + sig(s.lr, 6), "iters=" + s.iters];
    if (s.method === "mini_batch") parts.push("batch=" + s.batch);
    if (s.w0 !== D.w0 || s.b0 !== D.b0) parts.push("w0=" + sig(s.w0, 6), "b0=" + sig(s.b0, 6));
    return "#" + parts.join("&");
  }

  /* ---- runs ---- */

  var last = { key: null, run: null };
  function runOf(s) {
    var bs = s.method === "full_batch" ? D.x.length : s.method === "stochastic" ? 1 : s.batch;
    var key = [bs, s.lr, s.iters, s.w0, s.b0].join("|");
    if (last.key !== key) {
      last.key = key;
      last.run = G.descend({ x: D.x, y: D.y, xTest: D.x_test, yTest: D.y_test, w0: s.w0, b0: s.b0, lr: s.lr,
                             nIters: s.iters, batch: bs, orders: D.orders, bound: D.bound });
    }
    return last.run;
  }

  /* What the run did after t updates: converged (within tol of the minimum from `since` on), running, diverged. */
  function stateAt(run, t) {
    if (run.diverged && run.divergedAt <= t) return { state: "diverged", at: run.divergedAt };
    var n = Math.min(t, run.iterations), edge = D.loss_min * (1.0 + D.tol), since = 0;
    for (var i = n; i >= 0; i--) if (run.trainLoss[i] > edge) { since = i + 1; break; }
    return { state: since > n ? "running" : "converged", since: since, n: n,
             w: run.w[n], b: run.b[n], loss: run.trainLoss[n] };
  }

  function summaryText(s, run, t) {
    var st = stateAt(run, t), tolText = G.num(100 * D.tol) + "\u2009%", minText = G.num(D.loss_min);
    if (st.state === "diverged") {
      return "Diverged at update " + G.integer(st.at) + ": the training loss passed " + G.num(D.bound) +
        ", so the run stopped.";
    }
    var nums = "w = " + G.num(st.w) + ", b = " + G.num(st.b) + ", training loss " + G.num(st.loss);
    if (st.state === "converged") {
      return "After " + G.integer(st.n) + " updates: " + nums + ". Within " + tolText +
        " of the least-squares minimum " + minText + " from update " + G.integer(st.since) + " on.";
    }
    var later = run.diverged ? " The loss is growing: this run diverges at update " + G.integer(run.divergedAt) + "." : "";
    return "After " + G.integer(st.n) + " updates: " + nums + ". Not yet within " + tolText +
      " of the least-squares minimum " + minText + "." + later;
  }

  /* ---- the page ---- */

  function start(root) {
    var s = readHash(defaults());
    var t = s.iters, playing = false, raf = 0, lastFrame = 0;
    var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var lrIn = $("gdx-lr"), lrOut = $("gdx-lr-out"), tIn = $("gdx-t"), tOut = $("gdx-t-out");
    var play = $("gdx-play"), back = $("gdx-back"), fwd = $("gdx-fwd"), itersIn = $("gdx-iters");
    var bsIn = $("gdx-bs"), startOut = $("gdx-start-out"), reset = $("gdx-reset"), summary = $("gdx-summary");
    var pick = $("gdx-pick"), methodInputs = {};
    Object.keys(D.methods).forEach(function (k) { methodInputs[k] = $("gdx-method-" + k); });

    var loMul = Math.log10(D.lr_range[0] / D.lr_critical), hiMul = Math.log10(D.lr_range[1] / D.lr_critical);
    lrIn.min = loMul.toFixed(3); lrIn.max = hiMul.toFixed(3); lrIn.step = LR_STEP;
    var f = (0 - loMul) / (hiMul - loMul);
    $("gdx-lr-scale").style.setProperty("--gdx-star", f.toFixed(4));
    $("gdx-star-label").textContent = "\u03B7* = " + G.num(D.lr_critical, 3) + ": full batch diverges above it";
    D.batch_sizes.forEach(function (bs) {
      var o = document.createElement("option");
      o.value = bs; o.textContent = G.integer(bs);
      bsIn.appendChild(o);
    });
    function fillIters() {
      clear(itersIn);
      var counts = D.counts.slice();
      if (counts.indexOf(s.iters) < 0) { counts.push(s.iters); counts.sort(function (a, b) { return a - b; }); }
      counts.forEach(function (n) {
        var o = document.createElement("option");
        o.value = n; o.textContent = G.integer(n);
        itersIn.appendChild(o);
      });
      itersIn.value = String(s.iters);
    }
    fillIters();

    /* static layers */
    var svgPath = $("gdx-path"), svgFit = $("gdx-fit"), svgLoss = $("gdx-loss");
    var pathPlot = new Plot(svgPath, D.view.w, D.view.b);
    pathPlot.frame(svgPath, D.ticks.w, D.ticks.b, "w", "b");
    var pathLayer = pathPlot.clip(svgPath, "gdx-clip-path");
    var ax = D.axes, contours = el("g", { "class": "gdx-contours" }, pathLayer);
    D.levels.forEach(function (lev) {
      var p = [];
      for (var i = 0; i <= 96; i++) {
        var a = 2 * Math.PI * i / 96;
        var r1 = Math.sqrt(lev / ax.eigenvalues[0]) * Math.cos(a), r2 = Math.sqrt(lev / ax.eigenvalues[1]) * Math.sin(a);
        p.push(pathPlot.pt(D.w_star + r1 * ax.vectors[0][0] + r2 * ax.vectors[1][0],
                           D.b_star + r1 * ax.vectors[0][1] + r2 * ax.vectors[1][1]));
      }
      el("polyline", { points: p.join(" "), "class": "gdx-contour" }, contours);
    });
    var px = pathPlot.X(D.w_star), py = pathPlot.Y(D.b_star);
    el("path", { d: "M" + (px - 5) + "," + (py - 5) + "l10,10m0,-10l-10,10", "class": "gdx-min" }, pathLayer);
    var pathG = el("g", {}, pathLayer);
    var startMark = el("circle", { r: 5, "class": "gdx-start" }, pathLayer);
    var pathEnd = el("circle", { r: 3.5, "class": "gdx-end" }, pathLayer);
    var pathOff = el("text", { x: W - PAD.r - 6, y: PAD.t + 16, "text-anchor": "end", "class": "gdx-note" }, svgPath);

    var fitPlot = new Plot(svgFit, D.view.x, D.view.y);
    fitPlot.frame(svgFit, D.ticks.x, D.ticks.y, "x", "y");
    var fitLayer = fitPlot.clip(svgFit, "gdx-clip-fit");
    function dots(xs, ys, cls) {
      for (var i = 0; i < xs.length; i++) {
        el("circle", { cx: fitPlot.X(xs[i]).toFixed(1), cy: fitPlot.Y(ys[i]).toFixed(1), r: 2.2, "class": cls }, fitLayer);
      }
    }
    dots(D.x, D.y, "gdx-pt gdx-pt-train");
    dots(D.x_test, D.y_test, "gdx-pt gdx-pt-test");
    function lineAt(w, b) {
      var xa = D.view.x[0], xb = D.view.x[1];
      return fitPlot.pt(xa, w * xa + b) + " " + fitPlot.pt(xb, w * xb + b);
    }
    el("polyline", { points: lineAt(D.w_star, D.b_star), "class": "gdx-ls" }, fitLayer);
    var fitLine = el("polyline", { "class": "gdx-fitline" }, fitLayer);
    var fitOff = el("text", { x: PAD.l + 6, y: PAD.t + 16, "class": "gdx-note" }, svgFit);
    var lossG = el("g", {}, svgLoss);

    function inside(v, r) { return v >= Math.min(r[0], r[1]) && v <= Math.max(r[0], r[1]); }

    function drawLoss(run, n) {
      clear(lossG);
      var L = run.trainLoss, m = run.iterations, lo = Math.log10(D.loss_min), hi = lo;
      for (var i = 0; i <= m; i++) { var v = Math.log10(L[i]); if (v < lo) lo = v; if (v > hi) hi = v; }
      var y0 = Math.floor(lo - 0.02), y1 = Math.ceil(hi + 0.02);
      if (y1 - y0 < 1) y1 = y0 + 1;
      var plot = new Plot(lossG, [0, s.iters], [y0, y1]);
      var yticks = [], step = Math.max(1, Math.ceil((y1 - y0) / 6));
      for (var e = y0; e <= y1; e += step) yticks.push([e, ["10", String(e).replace("-", G.MINUS)]]);
      plot.frame(lossG, niceTicks(0, s.iters, 3), yticks, "update", "training loss L");
      var g = plot.clip(lossG, "gdx-clip-loss"), yMin = plot.Y(Math.log10(D.loss_min));
      el("line", { x1: plot.x0, x2: plot.x1, y1: yMin, y2: yMin, "class": "gdx-ls" }, g);
      var k = Math.min(n, m), logs = new Array(k + 1), xs = new Array(k + 1);
      for (var j = 0; j <= k; j++) { xs[j] = j; logs[j] = Math.log10(L[j]); }
      var stride = Math.max(1, Math.ceil(k / MAX_POINTS));
      el("polyline", { points: plot.points(xs, logs, 0, k, stride), "class": "gdx-trace gdx-m-" + s.method }, g);
      el("circle", { cx: plot.X(k), cy: clamp(plot.Y(logs[k]), -50, H + 50), r: 3, "class": "gdx-end gdx-m-" + s.method }, g);
    }

    function drawPath(run, n) {
      clear(pathG);
      var k = Math.min(n, run.iterations), cls = "gdx-trace gdx-m-" + s.method;
      var stride = Math.max(1, Math.ceil(k / MAX_POINTS));
      if (s.method === "full_batch" || k < 2 * FADE) {
        el("polyline", { points: pathPlot.points(run.w, run.b, 0, k, stride), "class": cls }, pathG);
      } else {  // older stretches fainter: the last moves stay readable on top of the earlier noise
        for (var p = 0; p < FADE; p++) {
          var i0 = Math.floor(k * p / FADE), i1 = Math.floor(k * (p + 1) / FADE);
          el("polyline", { points: pathPlot.points(run.w, run.b, i0, i1, stride), "class": cls,
                           "stroke-opacity": (0.12 + 0.88 * Math.pow((p + 1) / FADE, 2)).toFixed(3) }, pathG);
        }
      }
      startMark.setAttribute("cx", pathPlot.X(s.w0).toFixed(1));
      startMark.setAttribute("cy", pathPlot.Y(s.b0).toFixed(1));
      var we = run.w[k], be = run.b[k];
      pathEnd.setAttribute("cx", clamp(pathPlot.X(we), -50, W + 50).toFixed(1));
      pathEnd.setAttribute("cy", clamp(pathPlot.Y(be), -50, H + 50).toFixed(1));
      pathEnd.setAttribute("class", "gdx-end gdx-m-" + s.method);
      pathOff.textContent = inside(we, D.view.w) && inside(be, D.view.b) ? "" : "(w, b) has left the chart";
      fitLine.setAttribute("points", lineAt(we, be));
      var xa = D.view.x[0], xb = D.view.x[1], ya = we * xa + be, yb = we * xb + be;
      fitOff.textContent = inside(ya, D.view.y) || inside(yb, D.view.y) || (ya - D.view.y[0]) * (yb - D.view.y[0]) < 0
        ? "" : "the line is off the chart";
    }

    var hashTimer = 0;
    function update(opts) {
      var run = runOf(s);
      t = clamp(t, 0, s.iters);
      var mult = s.lr / D.lr_critical;
      if (!(opts && opts.fromSlider)) lrIn.value = String(Math.log10(mult));
      lrOut.textContent = "\u03B7 = " + G.num(s.lr, 3) + " = " + G.num(mult, 3) + "\u2009\u03B7*";
      lrIn.setAttribute("aria-valuetext", G.num(s.lr, 3) + ", that is " + G.num(mult, 3) + " times \u03B7*");
      tIn.max = String(s.iters);
      tIn.value = String(t);
      tOut.textContent = "update " + G.integer(t) + " of " + G.integer(s.iters);
      tIn.setAttribute("aria-valuetext", "update " + G.integer(t) + " of " + G.integer(s.iters));
      play.textContent = playing ? "Pause" : "Play";
      play.setAttribute("aria-pressed", playing ? "true" : "false");
      bsIn.value = String(s.batch);
      root.setAttribute("data-method", s.method);
      Object.keys(methodInputs).forEach(function (k) {
        methodInputs[k].checked = k === s.method;
        methodInputs[k].tabIndex = k === s.method ? 0 : -1;
      });
      startOut.textContent = "Start: w = " + G.num(s.w0) + ", b = " + G.num(s.b0);
      reset.disabled = s.w0 === D.w0 && s.b0 === D.b0;
      drawPath(run, t);
      drawLoss(run, t);
      var st = stateAt(run, t), text = summaryText(s, run, t);
      summary.textContent = text;
      summary.setAttribute("data-state", st.state);
      root.setAttribute("data-run", [s.method, sig(s.lr, 6), s.iters, s.batch, t].join(":"));
      svgLoss.querySelector("desc").textContent = text;
      svgPath.querySelector("desc").textContent = "The path of (w, b) from the starting point (ring) towards the " +
        "least-squares minimum (cross). " + text;
      svgFit.querySelector("desc").textContent = "The line after " + G.integer(Math.min(t, run.iterations)) +
        " updates over the data. " + text;
      clearTimeout(hashTimer);
      hashTimer = setTimeout(function () {
        var h = hashOf(s);
        if (location.hash !== h) history.replaceState(null, "", h);
      }, 250);
    }

    /* playing: t runs from where it is (or from 0 at the end) to the end of the run */
    function frame(now) {
      if (!playing) return;
      var dt = lastFrame ? now - lastFrame : 16;
      lastFrame = now;
      var stepBy = Math.max(1, Math.round(dt * s.iters / PLAY_MS));
      t = Math.min(s.iters, t + stepBy);
      var run = runOf(s);
      if (t >= s.iters || (run.diverged && t >= run.divergedAt)) { t = run.diverged ? Math.min(s.iters, run.divergedAt) : s.iters; setPlaying(false); }
      update();
      if (playing) raf = requestAnimationFrame(frame);
    }
    function setPlaying(on) {
      playing = on;
      cancelAnimationFrame(raf);
      summary.setAttribute("aria-live", on ? "off" : "polite");  // announce where it stops, not every frame
      if (on) {
        var run = runOf(s);
        if (t >= s.iters || (run.diverged && t >= run.divergedAt)) t = 0;
        lastFrame = 0;
        raf = requestAnimationFrame(frame);
      }
    }
    function changed(opts) {  // a new run: show all of it, or play it from the start if it was playing
      if (playing) t = 0; else t = s.iters;
      update(opts);
    }

    lrIn.addEventListener("input", function () {
      s.lr = sig(D.lr_critical * Math.pow(10, +lrIn.value), 3);
      changed({ fromSlider: true });
    });
    tIn.addEventListener("input", function () { setPlaying(false); t = +tIn.value; update(); });
    play.addEventListener("click", function () { setPlaying(!playing); update(); });
    back.addEventListener("click", function () { setPlaying(false); t = Math.max(0, t - 1); update(); });
    fwd.addEventListener("click", function () { setPlaying(false); t = Math.min(s.iters, t + 1); update(); });
    itersIn.addEventListener("change", function () { s.iters = +itersIn.value; changed(); });
    bsIn.addEventListener("change", function () { s.batch = +bsIn.value; s.method = "mini_batch"; changed(); });
    Object.keys(methodInputs).forEach(function (k) {
      methodInputs[k].addEventListener("change", function () {
        if (methodInputs[k].checked) { s.method = k; changed(); }
      });
    });
    reset.addEventListener("click", function () { s.w0 = D.w0; s.b0 = D.b0; changed(); pick.focus(); });

    /* choosing the start: click (or drag with a mouse) on the contours, or the arrow keys on the focused plot */
    function setStart(w, b, animate) {
      s.w0 = sig(clamp(w, D.view.w[0], D.view.w[1]), 4);
      s.b0 = sig(clamp(b, D.view.b[0], D.view.b[1]), 4);
      if (animate && !reduced) { t = 0; setPlaying(true); update(); } else changed();
    }
    function at(ev) {
      var r = svgPath.getBoundingClientRect();
      return pathPlot.invert((ev.clientX - r.left) / r.width * W, (ev.clientY - r.top) / r.height * H);
    }
    var dragging = false;
    svgPath.addEventListener("pointerdown", function (ev) {
      if (ev.pointerType === "touch" || ev.button !== 0) return;
      dragging = true;
      svgPath.setPointerCapture(ev.pointerId);
      setPlaying(false);
      var p = at(ev);
      setStart(p[0], p[1], false);
      ev.preventDefault();
      pick.focus({ preventScroll: true });
    });
    svgPath.addEventListener("pointermove", function (ev) {
      if (!dragging) return;
      var p = at(ev);
      setStart(p[0], p[1], false);
    });
    svgPath.addEventListener("pointerup", function (ev) {
      if (!dragging) return;
      dragging = false;
      var p = at(ev);
      setStart(p[0], p[1], true);
    });
    svgPath.addEventListener("click", function (ev) {  // touch: a tap chooses the start
      if (ev.pointerType && ev.pointerType !== "touch") return;
      if (dragging) return;
      var p = at(ev);
      setStart(p[0], p[1], true);
    });
    pick.addEventListener("keydown", function (ev) {
      var dw = (D.view.w[1] - D.view.w[0]) / (ev.shiftKey ? 10 : 50);
      var db = (D.view.b[1] - D.view.b[0]) / (ev.shiftKey ? 10 : 50);
      var moves = { ArrowLeft: [-dw, 0], ArrowRight: [dw, 0], ArrowUp: [0, db], ArrowDown: [0, -db] };
      if (moves[ev.key]) {
        setPlaying(false);
        setStart(s.w0 + moves[ev.key][0], s.b0 + moves[ev.key][1], false);
      } else if (ev.key === "Enter" || ev.key === " ") {
        setPlaying(!playing);
        update();
      } else if (ev.key === "Home") {
        s.w0 = D.w0; s.b0 = D.b0; changed();
      } else return;
      ev.preventDefault();
    });

    window.addEventListener("hashchange", function () {
      if (location.hash === hashOf(s) || location.hash.indexOf("=") < 0) return;
      setPlaying(false);
      s = readHash(defaults());
      fillIters();
      t = s.iters;
      update();
    });

    // The first drawing in a task of its own: unpacking, building and drawing in one would block the
    // page for longer than a tap may wait on a phone (Lighthouse's long tasks).
    setTimeout(function () {
      root.classList.add("gdx-ready");
      update();
    }, 0);
  }

  /* The shuffle orders: little-endian integers of 1, 2 or 4 bytes, base64 (explorer/compute.py pack_orders). */
  function unpack(o) {
    var s = atob(o.base64), bytes = new Uint8Array(s.length), out = [];
    for (var i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
    var view = new DataView(bytes.buffer);
    for (var e = 0; e < o.epochs; e++) {
      var row = new Int32Array(o.n);
      for (var k = 0; k < o.n; k++) {
        var at = (e * o.n + k) * o.bytes;
        row[k] = o.bytes === 1 ? bytes[at] : o.bytes === 2 ? view.getUint16(at, true) : view.getUint32(at, true);
      }
      out.push(row);
    }
    return out;
  }

  function init() {
    var root = $("gd-explorer");
    if (!root) return;
    G = window.gdmath;
    D = window.GDBOOK_EXPLORER;
    if (!D || !G) {
      $("gdx-summary").textContent = "The explorer's script or data (gdmath.js, data/explorer/data.js) did not load.";
      return;
    }
    D.orders = unpack(D.orders);
    setTimeout(function () { start(root); }, 0);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
