/* gdmath: gdbook's own arithmetic, in the reader's browser.
 *
 * The interactive figures compute what they show here, with the same
 * operations in the same order as gdbook's Python (gdbook.core.model,
 * gdbook.core.descent, gdbook.core.fmt), so the numbers agree bit for bit:
 * tests/test_interactive.py runs this file in Chromium against the Python for
 * a sample of inputs.  No library, no network; window.gdmath.
 */
(function (root) {
  "use strict";

  /* ---- sums and the model (gdbook.core.model) ---- */

  /* numpy's pairwise summation of a[lo], …, a[lo + n − 1] (np.add.reduce on a contiguous float64 array):
     fewer than 8 terms in order; up to 128 with 8 running sums; above that, two halves. */
  function pairwise(a, lo, n) {
    var i, res;
    if (n < 8) {
      res = 0.0;
      for (i = 0; i < n; i++) res += a[lo + i];
      return res;
    }
    if (n <= 128) {
      var r0 = a[lo], r1 = a[lo + 1], r2 = a[lo + 2], r3 = a[lo + 3],
          r4 = a[lo + 4], r5 = a[lo + 5], r6 = a[lo + 6], r7 = a[lo + 7];
      var end = n - (n % 8);
      for (i = 8; i < end; i += 8) {
        r0 += a[lo + i]; r1 += a[lo + i + 1]; r2 += a[lo + i + 2]; r3 += a[lo + i + 3];
        r4 += a[lo + i + 4]; r5 += a[lo + i + 5]; r6 += a[lo + i + 6]; r7 += a[lo + i + 7];
      }
      res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
      for (; i < n; i++) res += a[lo + i];
      return res;
    }
    var n2 = Math.floor(n / 2);
    n2 -= n2 % 8;
    return pairwise(a, lo, n2) + pairwise(a, lo + n2, n - n2);
  }

  var scratch = new Float64Array(256), scratch2 = new Float64Array(256);
  function room(n) {
    if (scratch.length < n) { scratch = new Float64Array(n); scratch2 = new Float64Array(n); }
  }

  /* model.mse: mean of (w·xᵢ + b − yᵢ)². */
  function mse(w, b, x, y) {
    var n = x.length;
    room(n);
    for (var i = 0; i < n; i++) { var r = (w * x[i] + b) - y[i]; scratch[i] = r * r; }
    return pairwise(scratch, 0, n) / n;
  }

  /* model.gradient: (∂L/∂w, ∂L/∂b) = (2·mean(rᵢ·xᵢ), 2·mean(rᵢ)). */
  function gradient(w, b, x, y) {
    var n = x.length;
    room(n);
    for (var i = 0; i < n; i++) { var r = (w * x[i] + b) - y[i]; scratch[i] = r * x[i]; scratch2[i] = r; }
    return [2.0 * (pairwise(scratch, 0, n) / n), 2.0 * (pairwise(scratch2, 0, n) / n)];
  }

  /* gdbook.core.descent.descend for one learning rate.
     o: {x, y, xTest, yTest, w0, b0, lr, nIters, batch (omit or n: full batch), orders (one permutation of
     0…n−1 per epoch: what the seeded generator drew), decay (0), bound}.
     Returns {w, b, trainLoss, testLoss (after 0…iterations updates), dw, db, iterations, diverged, divergedAt}. */
  function descend(o) {
    var x = o.x, y = o.y, n = x.length, N = o.nIters | 0;
    var bs = o.batch && o.batch < n ? o.batch | 0 : n, decay = o.decay || 0.0;
    var bound = o.bound === undefined ? 1e6 : o.bound, lr = +o.lr;
    var W = new Float64Array(N + 1), B = new Float64Array(N + 1);
    var LT = new Float64Array(N + 1), LV = new Float64Array(N + 1);
    var DW = new Float64Array(N), DB = new Float64Array(N);
    var xe = new Float64Array(n), ye = new Float64Array(n), rx = new Float64Array(bs), rr = new Float64Array(bs);
    var w = +o.w0, b = +o.b0, pos = n, epoch = -1, kept = -1, at = 0;
    W[0] = w; B[0] = b;
    LT[0] = mse(w, b, x, y); LV[0] = mse(w, b, o.xTest, o.yTest);
    for (var t = 0; t < N; t++) {
      if (pos >= n) {
        epoch++;
        pos = 0;
        if (bs < n) {
          var perm = o.orders && o.orders[epoch];
          if (!perm) throw new Error("gdmath.descend: no shuffle order for epoch " + epoch);
          for (var i = 0; i < n; i++) { xe[i] = x[perm[i]]; ye[i] = y[perm[i]]; }
        } else {
          for (var j = 0; j < n; j++) { xe[j] = x[j]; ye[j] = y[j]; }
        }
      }
      var m = Math.min(bs, n - pos);
      for (var k = 0; k < m; k++) {
        var r = (w * xe[pos + k] + b) - ye[pos + k];
        rx[k] = r * xe[pos + k];
        rr[k] = r;
      }
      pos += bs;
      var eta = lr / (1.0 + decay * t);
      var dw = 2.0 * (pairwise(rx, 0, m) / m), db = 2.0 * (pairwise(rr, 0, m) / m);
      w = w - eta * dw;
      b = b - eta * db;
      var lt = mse(w, b, x, y), lv = mse(w, b, o.xTest, o.yTest);
      var finite = isFinite(w) && isFinite(b) && isFinite(dw) && isFinite(db) && isFinite(eta) &&
        isFinite(lt) && isFinite(lv);
      if (!finite || lt > bound) {  // descend keeps the update that passed the bound, drops one that overflowed
        at = t + 1;
        kept = finite ? t + 1 : t;
        if (finite) { W[t + 1] = w; B[t + 1] = b; LT[t + 1] = lt; LV[t + 1] = lv; DW[t] = dw; DB[t] = db; }
        break;
      }
      W[t + 1] = w; B[t + 1] = b; LT[t + 1] = lt; LV[t + 1] = lv; DW[t] = dw; DB[t] = db;
    }
    var its = kept < 0 ? N : kept;
    return {
      w: W.subarray(0, its + 1), b: B.subarray(0, its + 1), trainLoss: LT.subarray(0, its + 1),
      testLoss: LV.subarray(0, its + 1), dw: DW.subarray(0, its), db: DB.subarray(0, its),
      iterations: its, diverged: kept >= 0, divergedAt: kept >= 0 ? at : null
    };
  }

  /* ---- polynomials (the chapters' curves and surfaces) ---- */

  /* c[0] + c[1]·x + … + c[d]·x^d by Horner's rule. */
  function poly(c, x) {
    var s = c[c.length - 1];
    for (var i = c.length - 2; i >= 0; i--) s = s * x + c[i];
    return s;
  }

  /* A polynomial in x and y: terms [[coefficient, power of x, power of y], …], summed in order. */
  function poly2(terms, x, y) {
    var s = 0.0;
    for (var i = 0; i < terms.length; i++) {
      var t = terms[i], v = t[0];
      for (var p = 0; p < t[1]; p++) v = v * x;
      for (var q = 0; q < t[2]; q++) v = v * y;
      s = s + v;
    }
    return s;
  }

  /* The slope of the secant through (a, f(a)) and (a + h, f(a + h)). */
  function secant(f, a, h) {
    return (f(a + h) - f(a)) / h;
  }

  /* ---- number formatting (gdbook.core.fmt) ---- */

  var MINUS = "\u2212", SUP = { "-": "\u207B", "0": "\u2070", "1": "\u00B9", "2": "\u00B2", "3": "\u00B3",
    "4": "\u2074", "5": "\u2075", "6": "\u2076", "7": "\u2077", "8": "\u2078", "9": "\u2079" };
  var ROUNDING = 1e-12;

  function check(x) {
    if (typeof x !== "number" || !isFinite(x)) throw new Error("refusing to format " + x);
    return x;
  }

  /* The exact decimal value of a double: {neg, digits, point} with value 0.digits × 10^point. */
  var F64 = new Float64Array(1), U32 = new Uint32Array(F64.buffer);
  function exact(x) {
    F64[0] = x;
    var hi = U32[1], lo = U32[0], neg = hi >>> 31, ex = (hi >>> 20) & 0x7ff;
    var mant = BigInt(hi & 0xfffff) * 4294967296n + BigInt(lo);
    if (ex === 0) ex = 1; else mant += 4503599627370496n;  // 2^52
    var e2 = ex - 1075, digits, point;
    if (mant === 0n) return { neg: neg, digits: "0", point: 1 };
    if (e2 >= 0) {
      digits = (mant << BigInt(e2)).toString();
      point = digits.length;
    } else {
      digits = (mant * 5n ** BigInt(-e2)).toString();  // x = mant·5^k / 10^k
      point = digits.length + e2;
    }
    digits = digits.replace(/0+$/, "") || "0";
    return { neg: neg, digits: digits, point: point };
  }

  /* Digits of |x| rounded half-to-even to keep `keep` of them (Python's correctly rounded formatting). */
  function roundDigits(d, keep) {
    var digits = d.digits, point = d.point;
    if (keep < 0) return { digits: "0", point: point, zero: true };
    if (digits.length <= keep) return { digits: digits + "0".repeat(keep - digits.length), point: point };
    var head = digits.slice(0, keep), next = digits.charCodeAt(keep) - 48, rest = digits.slice(keep + 1);
    var up = next > 5 || (next === 5 && (/[1-9]/.test(rest) || (head.length > 0 && (head.charCodeAt(head.length - 1) - 48) % 2 === 1)));
    if (!up) return { digits: head || "0", point: point, zero: !/[1-9]/.test(head) };
    var carry = (BigInt(head || "0") + 1n).toString();
    if (head.length === 0) return { digits: carry, point: point + 1 };
    if (carry.length > head.length) return { digits: carry.slice(0, keep), point: point + 1, shifted: true };
    return { digits: "0".repeat(head.length - carry.length) + carry, point: point };
  }

  /* Python's f"{x:.{d}f}" */
  function toFixed(x, d) {
    if (x === 0) return (Object.is(x, -0) ? "-" : "") + (d > 0 ? "0." + "0".repeat(d) : "0");
    var e = exact(x), r = roundDigits(e, e.point + d);
    var digits = r.digits, point = r.point, s;
    if (r.zero) { digits = ""; point = 0; }
    if (r.shifted) digits = digits + "0";  // a carry past the leading digit: one more digit before the point
    var intPart, frac;
    if (point <= 0) { intPart = "0"; frac = "0".repeat(-point) + digits; }
    else { intPart = digits.slice(0, point) || "0"; frac = digits.slice(point); }
    intPart = intPart.replace(/^0+(?=\d)/, "");
    frac = (frac + "0".repeat(d)).slice(0, d);
    s = intPart + (d > 0 ? "." + frac : "");
    return (e.neg ? "-" : "") + s;
  }

  /* Python's f"{x:.{p}e}": mantissa and exponent. */
  function toExp(x, p) {
    if (x === 0) return [(Object.is(x, -0) ? "-" : "") + (p > 0 ? "0." + "0".repeat(p) : "0"), 0];
    var e = exact(x), r = roundDigits(e, p + 1), exp = r.point - 1;
    var digits = r.digits.slice(0, p + 1);
    var m = digits.charAt(0) + (p > 0 ? "." + digits.slice(1) : "");
    return [(e.neg ? "-" : "") + m, exp];
  }

  function expText(k) {
    return String(k).split("").map(function (c) { return SUP[c]; }).join("");
  }

  function unsignedZero(s) {
    if (s.charAt(0) === "-" || s.charAt(0) === MINUS) {
      var body = s.slice(1);
      if (!/[1-9]/.test(body.split("e")[0].split("\u00D7")[0])) return body;
    }
    return s;
  }

  function stripZeros(s) { return s.replace(/0+$/, "").replace(/\.$/, ""); }

  function plain(x, sig) {
    if (x === 0) return "0";
    var mag = Math.floor(Math.log10(Math.abs(x)));  // as fmt._plain: math.floor(math.log10(abs(x)))
    if (mag >= -4 && mag < 6) {
      var decimals = Math.max(sig - 1 - mag, 0);
      var s = toFixed(x, decimals);
      if (s.indexOf(".") >= 0 && Number(stripZeros(s)) === x) s = stripZeros(s);
      return unsignedZero(s);
    }
    var me = toExp(x, sig - 1), mant = me[0];
    if (mant.indexOf(".") >= 0) mant = stripZeros(mant);
    if (me[1] === 0) return mant;
    return mant + "e" + me[1];
  }

  /* fmt.num: sig significant figures (4), trailing zeros dropped only when exact, U+2212 minus. */
  function num(x, sig) {
    var s = plain(check(x), sig === undefined ? 4 : sig);
    var k = s.indexOf("e");
    if (k >= 0) s = s.slice(0, k) + " \u00D7 10" + expText(s.slice(k + 1));
    return s.replace(/-/g, MINUS);
  }

  /* fmt.fixed */
  function fixed(x, d) {
    return unsignedZero(toFixed(check(x), d === undefined ? 4 : d)).replace(/-/g, MINUS);
  }

  /* fmt.sci */
  function sci(x, sig) {
    check(x);
    if (x === 0) return "0";
    var me = toExp(x, (sig === undefined ? 3 : sig) - 1);
    if (me[1] === 0) return me[0].replace(/-/g, MINUS);
    return (me[0] + " \u00D7 10" + expText(me[1])).replace(/-/g, MINUS);
  }

  /* fmt.gap */
  function gap(x, scale, sig) {
    scale = Math.abs(check(scale === undefined ? 1.0 : scale)) || 1.0;
    if (Math.abs(check(x)) <= ROUNDING * Math.max(scale, 1.0)) return "within rounding, below 10" + expText(-12);
    return sci(x, sig === undefined ? 2 : sig);
  }

  /* fmt.integer: thousands separated by a thin space. */
  function integer(x) {
    check(x);
    if (x !== Math.trunc(x)) throw new Error("expected a whole number, got " + x);
    var s = String(Math.abs(x)).replace(/\B(?=(\d{3})+(?!\d))/g, "\u2009");
    return (x < 0 ? MINUS : "") + s;
  }

  root.gdmath = {
    pairwise: pairwise, mse: mse, gradient: gradient, descend: descend,
    poly: poly, poly2: poly2, secant: secant,
    num: num, fixed: fixed, sci: sci, gap: gap, integer: integer, MINUS: MINUS
  };
})(typeof window !== "undefined" ? window : this);
