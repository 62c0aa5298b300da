/* exported gradexplainFunctions */
// The functions an answer on the lab page may call, each computed as gradexplain computes it
// (gradexplain/numeric.py): exactly where the value is exact (exp(0) = 1, sigmoid(0) = 1/2), in
// floating point otherwise, a value that underflows or leaves a double's range being an error.
//
// Which functions the answer language has, their arities and their other names come with the
// page's data, from gradexplain's table of primitives (ops.py); this file gives each one's
// computation under its name, and the page's script (lab.js) takes those the data names. `n` is
// the script's number system: exact rationals {n, d} and floats {f}, and its helpers.
function gradexplainFunctions(n) {
  "use strict";
  return {
    exp: function (x) { return n.isZero(x) ? n.Q(1n) : n.nonzero(Math.exp(n.toFloat(x)), x); },
    log: function (x) {
      if (n.sign(x) <= 0) n.fail();
      if (n.exact(x) && x.n === x.d) return n.Q(0n);
      if (!n.exact(x) && x.f === 1) return n.Q(0n);
      return n.real(n.exact(x) ? n.logBig(x.n) - n.logBig(x.d) : Math.log(x.f));
    },
    sqrt: function (x) { return n.power(x, n.Q(1n, 2n)); },
    softplus: function (x) {
      var v = n.toFloat(x);
      return n.nonzero(Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))), x);
    },
    sin: function (x) { return n.isZero(x) ? n.Q(0n) : n.real(Math.sin(n.toFloat(x))); },
    cos: function (x) { return n.isZero(x) ? n.Q(1n) : n.real(Math.cos(n.toFloat(x))); },
    tan: function (x) {
      if (n.isZero(x)) return n.Q(0n);
      var v = n.toFloat(x);
      if (Math.cos(v) === 0) n.fail();
      return n.real(Math.tan(v));
    },
    tanh: function (x) { return n.isZero(x) ? n.Q(0n) : n.real(Math.tanh(n.toFloat(x))); },
    sigmoid: function (x) {
      if (n.isZero(x)) return n.Q(1n, 2n);
      var v = n.toFloat(x), e = Math.exp(v);
      return n.nonzero(v >= 0 ? 1 / (1 + Math.exp(-v)) : e / (1 + e), x);
    },
    relu: function (x) { return n.sign(x) > 0 ? x : n.exact(x) ? n.Q(0n) : n.F(0); },
    abs: function (x) { return n.sign(x) < 0 ? n.negate(x) : x; },
    max: function (a, b) { return n.cmp(n.asRat(b), n.asRat(a)) > 0 ? b : a; },
    min: function (a, b) { return n.cmp(n.asRat(b), n.asRat(a)) < 0 ? b : a; }
  };
}
