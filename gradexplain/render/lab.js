/* global gradexplainFunctions */
// The lab page's script (gradexplain/render/lab.py writes it into the page after the functions
// of lab_functions.js, both inside one function, so that it defines no globals).
//
// It reads its root's JSON (the boxes, the words, the tolerance policy and the answer language's
// functions, all from gradexplain) and judges answers as gradexplain.teach.quiz.judge does:
// numbers as exact rationals (BigInt), floats converted exactly, the same tolerance policy
// (gradexplain/teach/tolerance.py) and the same messages. An answer is read by a
// recursive-descent parser over the answer language, never eval: numbers (any decimal digits, as
// Python reads them), + - * / ** ^, unary signs, parentheses, and the constants and functions the
// data names, computed as lab_functions.js says (exactly where gradexplain is exact, in floating
// point otherwise; gradexplain's SymPy also finds exact values floats miss, such as sqrt(2)**2 = 2,
// which is why an exact box takes a float within floating point's own rounding).
(function () {
  "use strict";
  var script = document.currentScript;
  var own = script && script.parentElement && script.parentElement.closest(".gx-lab");
  var roots = own ? [own] : Array.prototype.slice.call(document.querySelectorAll(".gx-lab"));
  roots.forEach(function (root) {
    if (!root.hasAttribute("data-gx-ready")) { root.setAttribute("data-gx-ready", ""); start(root); }
  });

  // ── exact rationals over BigInt: {n, d}, d > 0, in lowest terms; floats: {f} ──
  function gcd(a, b) { if (a < 0n) a = -a; if (b < 0n) b = -b; while (b) { var t = a % b; a = b; b = t; } return a; }
  function Q(n, d) {
    if (d === undefined) d = 1n;
    if (d < 0n) { n = -n; d = -d; }
    var g = gcd(n, d);
    return g > 1n ? {n: n / g, d: d / g} : {n: n, d: d};
  }
  function F(f) { return {f: f}; }
  function exact(v) { return v.n !== undefined; }
  function bits(x) { if (x < 0n) x = -x; return x === 0n ? 0 : x.toString(2).length; }
  function add(a, b) { return Q(a.n * b.d + b.n * a.d, a.d * b.d); }
  function sub(a, b) { return Q(a.n * b.d - b.n * a.d, a.d * b.d); }
  function mul(a, b) { return Q(a.n * b.n, a.d * b.d); }
  function div(a, b) { return Q(a.n * b.d, a.d * b.n); }
  function cmp(a, b) { var l = a.n * b.d, r = b.n * a.d; return l < r ? -1 : l > r ? 1 : 0; }
  function absQ(a) { return a.n < 0n ? {n: -a.n, d: a.d} : a; }
  function least(a, b) { return cmp(a, b) <= 0 ? a : b; }
  function most(a, b) { return cmp(a, b) >= 0 ? a : b; }
  var MIN_NORMAL = 2.2250738585072014e-308;

  function scale2(x, e) {  // x · 2^e, in steps that never overflow on the way
    while (e > 600) { x *= Math.pow(2, 600); e -= 600; }
    while (e < -600) { x *= Math.pow(2, -600); e += 600; }
    return x * Math.pow(2, e);
  }
  function ratToFloat(a) {  // the nearest double (a sticky bit keeps the rounding right)
    var n = a.n, d = a.d, negative = n < 0n;
    if (negative) n = -n;
    if (n === 0n) return 0;
    var shift = 66 - (bits(n) - bits(d)), num = n, den = d;
    if (shift >= 0) num = n << BigInt(shift); else den = d << BigInt(-shift);
    var quotient = num / den;
    if (num % den !== 0n) quotient |= 1n;
    var x = scale2(Number(quotient), -shift);
    return negative ? -x : x;
  }
  function floatToRat(x) {  // a finite double, exactly
    if (x === 0) return Q(0n);
    var view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, x);
    var high = view.getUint32(0), low = view.getUint32(4), biased = (high >>> 20) & 0x7ff;
    var mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(low), e = -1074;
    if (biased !== 0) { mantissa |= 1n << 52n; e = biased - 1075; }
    if (high >>> 31) mantissa = -mantissa;
    return e >= 0 ? Q(mantissa << BigInt(e)) : Q(mantissa, 1n << BigInt(-e));
  }
  function asRat(v) { return exact(v) ? v : floatToRat(v.f); }
  function finite(v) { return exact(v) || isFinite(v.f); }
  function parseNumber(text) {  // a value as lab.py wrote it: "-4", "1/3", or a float's repr
    var match = /^(-?\d+)(?:\/(\d+))?$/.exec(text);
    if (match) return Q(BigInt(match[1]), BigInt(match[2] || "1"));
    return F(text === "inf" ? Infinity : text === "-inf" ? -Infinity : Number(text));
  }

  // ── the answer's numbers, as gradexplain computes a value (numeric.py, build._fold) ──
  function Unreadable() {}
  function TooDeep() {}  // an answer nested deeper than gradexplain's parser takes
  function fail() { throw new Unreadable(); }
  function toFloat(v) {  // numeric._float: out of a double's range is an error, not inf or 0
    if (!exact(v)) return v.f;
    var x = ratToFloat(v);
    if (!isFinite(x) || (v.n !== 0n && Math.abs(x) < MIN_NORMAL)) fail();
    return x;
  }
  function isZero(v) { return exact(v) ? v.n === 0n : v.f === 0; }
  function sign(v) { return exact(v) ? (v.n > 0n ? 1 : v.n < 0n ? -1 : 0) : (v.f > 0 ? 1 : v.f < 0 ? -1 : 0); }
  function negate(v) { return exact(v) ? {n: -v.n, d: v.d} : F(-v.f); }
  function logBig(n) { var k = Math.max(0, bits(n) - 1000); return Math.log(Number(n >> BigInt(k))) + k * Math.LN2; }
  function real(x) { if (!isFinite(x) || (x !== 0 && Math.abs(x) < MIN_NORMAL)) fail(); return F(x); }
  function nonzero(x, arg) { if (x === 0 && !isZero(arg)) fail(); return real(x); }  // underflowed: an error
  function logistic(v) { var e = Math.exp(v); return v >= 0 ? 1 / (1 + Math.exp(-v)) : e / (1 + e); }
  function erfSeries(x) {  // 2/√π Σ (-1)^k x^(2k+1) / (k! (2k+1)), for |x| < 2
    var term = x, sum = x, x2 = x * x;
    for (var k = 1; k < 100; k++) {
      term *= -x2 / k;
      var next = sum + term / (2 * k + 1);
      if (next === sum) break;
      sum = next;
    }
    return sum * 2 / Math.sqrt(Math.PI);
  }
  function erfcFraction(x) {  // erfc(x) for x ≥ 2: exp(-x²)/√π / (x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), Lentz
    var tiny = 1e-300, f = x, c = x, d = 0;
    for (var k = 1; k < 500; k++) {
      d = x + k / 2 * d; if (d === 0) d = tiny;
      c = x + k / 2 / c; if (c === 0) c = tiny;
      d = 1 / d;
      var delta = c * d;
      f *= delta;
      if (Math.abs(delta - 1) < 1e-16) break;
    }
    return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
  }
  function erfc(x) {  // JavaScript has no erf: its series near 0, its continued fraction beyond (where erfc's tail matters)
    if (x >= 2) return erfcFraction(x);
    if (x <= -2) return 2 - erfcFraction(-x);
    return 1 - erfSeries(x);
  }
  function erf(x) { return Math.abs(x) < 2 ? erfSeries(x) : (x > 0 ? 1 : -1) * (1 - erfcFraction(Math.abs(x))); }
  function integerRoot(n, k) {  // numeric._integer_root
    if (n < 2n) return n;
    if (bits(n) >= 1000) return null;
    var guess = BigInt(Math.round(Math.pow(Number(n), 1 / k)));
    for (var c = guess - 1n; c <= guess + 1n; c++) if (c >= 0n && c ** BigInt(k) === n) return c;
    return null;
  }

  function numbers(limits) {  // arithmetic, exact up to limits.exactBits bits, and the functions
    function settled(v) {  // exact results stay exact, but must fit a double past the bits
      if (exact(v)) { if (Math.max(bits(v.n), bits(v.d)) > limits.exactBits) toFloat(v); return v; }
      if (!isFinite(v.f) || (v.f !== 0 && Math.abs(v.f) < MIN_NORMAL)) fail();
      return v;
    }
    function arithmetic(op, a, b) {
      if (op === "/" && isZero(b)) fail();
      if (exact(a) && exact(b)) return settled(({"+": add, "-": sub, "*": mul, "/": div})[op](a, b));
      var x = toFloat(a), y = toFloat(b);
      return settled(F(op === "+" ? x + y : op === "-" ? x - y : op === "*" ? x * y : x / y));
    }
    function power(base, exponent) {  // numeric.power
      if (isZero(base)) {
        if (isZero(exponent) || sign(exponent) < 0) fail();
        return exact(base) ? Q(0n) : F(0);
      }
      var integral = exact(exponent) && exponent.d === 1n;
      if (!integral && sign(base) < 0) fail();
      if (exact(base) && exact(exponent)) {
        if (integral) {
          var size = Math.max(bits(base.n), bits(base.d)), e = exponent.n < 0n ? -exponent.n : exponent.n;
          if (BigInt(size) * e <= BigInt(limits.exactBits)) {
            var up = Q(base.n ** e, base.d ** e);
            return exponent.n < 0n ? Q(up.d, up.n) : up;
          }
        } else if (exponent.d <= 64n) {
          var rn = integerRoot(base.n, Number(exponent.d)), rd = integerRoot(base.d, Number(exponent.d));
          if (rn !== null && rd !== null) return power(Q(rn, rd), Q(exponent.n));
        }
      }
      var result = Math.pow(toFloat(base), toFloat(exponent));
      if (!isFinite(result) || Math.abs(result) < MIN_NORMAL) fail();
      return F(result);
    }
    function logarithm(x, base) {  // to base 2 or 10: the exponent itself of an exact power of the base
      if (sign(x) <= 0) fail();
      if (!exact(x)) return real(base === 2n ? Math.log2(x.f) : Math.log10(x.f));
      var top = x.d === 1n ? x.n : x.n === 1n ? x.d : 0n, exponent = 0n;
      while (top > 1n && top % base === 0n) { top /= base; exponent++; }
      if (top === 1n) return Q(x.d === 1n ? exponent : -exponent);
      return real((logBig(x.n) - logBig(x.d)) / Math.log(Number(base)));
    }
    var helpers = {
      Q: Q, F: F, exact: exact, isZero: isZero, sign: sign, negate: negate, cmp: cmp, asRat: asRat, absQ: absQ,
      toFloat: toFloat, real: real, nonzero: nonzero, logBig: logBig, power: power, fail: fail,
      arithmetic: arithmetic, logarithm: logarithm, logistic: logistic, erf: erf, erfc: erfc,
      exactZero: function (v) { return exact(v) && v.n === 0n; }
    };
    return {arithmetic: arithmetic, power: power, functions: gradexplainFunctions(helpers)};
  }

  // ── reading an answer, as gradexplain reads a value (teach.tolerance.read_answer) ──
  var DIGIT = /\p{Nd}/u, NAME_START = /[\p{L}_]/u, NAME_GOES_ON = /[\p{L}\p{N}\p{Mn}\p{Mc}_]/u;
  var RUNS_ON = /[\p{L}\p{N}\p{Mn}\p{Mc}_.]/u, SUPERSCRIPT = /[⁰¹²³⁴⁵⁶⁷⁸⁹]/u;
  function digitValue(ch) {  // decimal digits of every script come in runs of ten from 0
    if (ch >= "0" && ch <= "9") return ch.charCodeAt(0) - 48;
    var code = ch.codePointAt(0), first = code;
    while (first > 0 && DIGIT.test(String.fromCodePoint(first - 1)) && code - first < 100) first--;
    return (code - first) % 10;
  }
  function ascii(digits) { return Array.from(digits, digitValue).join(""); }
  var NUMBER = /(?:\p{Nd}+\.?\p{Nd}*|\.\p{Nd}+)(?:[eE][+-]?\p{Nd}+)?/uy;
  var OPERATOR = /\*\*(?!\*)|\*(?!\*)|[+-]|\/(?!\/)|\^(?!\^)/y;
  var PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "**": 4, "^": 4}, UNARY = 3, FRAME = -1;  // syntax.py's

  function tokens(text) {
    var found = [], i = 0, depth = 0, chars;
    while (i < text.length) {
      var c = text[i];
      if (c === " " || c === "\t" || c === "\f" || c === "\v") { i++; continue; }
      if (c === "#") { while (i < text.length && text[i] !== "\n" && text[i] !== "\r") i++; continue; }
      if (c === "\n" || c === "\r" || c === ";") {
        if (depth > 0 && c !== ";") { i++; continue; }
        fail();
      }
      NUMBER.lastIndex = i;
      var number = NUMBER.exec(text);
      if (number) {
        i += number[0].length;
        chars = text.slice(i, i + 2);
        if (chars && RUNS_ON.test(Array.from(chars)[0])) fail();
        found.push({t: "number", v: number[0]});
        continue;
      }
      chars = Array.from(text.slice(i, i + 2))[0];
      if (NAME_START.test(chars)) {
        var name = chars;
        i += chars.length;
        while (i < text.length) {
          var next = Array.from(text.slice(i, i + 2))[0];
          if (!NAME_GOES_ON.test(next) || SUPERSCRIPT.test(next)) break;
          name += next;
          i += next.length;
        }
        found.push({t: "name", v: name});
        continue;
      }
      OPERATOR.lastIndex = i;
      var operator = OPERATOR.exec(text);
      if (operator) { found.push({t: "op", v: operator[0]}); i += operator[0].length; continue; }
      if (c === "(") depth++;
      else if (c === ")") depth = Math.max(0, depth - 1);
      else if (c !== ",") fail();
      found.push({t: c, v: c});
      i++;
    }
    found.push({t: "end", v: ""});
    return found;
  }

  // How deep an answer nests, counted as gradexplain's parser counts it (syntax._expression): the
  // height its operator stack reaches, open parentheses, calls and pending operators alike.
  function nesting(list) {
    var stack = [], operand = true, deepest = 0;
    function top() { return stack[stack.length - 1]; }
    for (var i = 0; i < list.length; i++) {
      var token = list[i];
      deepest = Math.max(deepest, stack.length);
      if (operand) {
        if (token.t === "number") operand = false;
        else if (token.t === "name" && list[i + 1].t === "(") {
          stack.push(FRAME);
          i++;
          if (list[i + 1].t === ")") { i++; stack.pop(); operand = false; }
        } else if (token.t === "name") operand = false;
        else if (token.t === "op" && (token.v === "+" || token.v === "-")) stack.push(UNARY);
        else if (token.t === "(") stack.push(FRAME);
        else return deepest;  // not an answer: it is refused anyway
      } else if (token.t === "op") {
        var mine = PRECEDENCE[token.v], right = mine === 4;
        while (stack.length && top() !== FRAME && (top() > mine || (top() === mine && !right))) stack.pop();
        stack.push(mine);
        operand = true;
      } else if (token.t === ")" || token.t === ",") {
        while (stack.length && top() !== FRAME) stack.pop();
        if (!stack.length) return deepest;
        if (token.t === ")") stack.pop(); else operand = true;
      } else return deepest;
    }
    return deepest;
  }

  // How an answer is written (teach.tolerance.written): a number on its own, and its last place;
  // whether some number in it has a point or an exponent.
  function written(list) {
    var parts = list.filter(function (token) { return token.t !== "(" && token.t !== ")" && token.t !== "end"; });
    var last = parts[parts.length - 1], lone = parts.length > 0 && last.t === "number";
    for (var i = 0; lone && i < parts.length - 1; i++) lone = parts[i].t === "op" && /^[+-]$/.test(parts[i].v);
    var decimal = list.some(function (token) { return token.t === "number" && /[.eE]/.test(token.v); });
    return {places: lone ? literal(last.v).places : null, decimal: decimal};
  }

  function literal(text, limits) {  // a decimal literal, exactly (refused past limits.digits digits as written)
    var match = /^(\p{Nd}*)(?:\.(\p{Nd}*))?(?:[eE]([+-]?)(\p{Nd}+))?$/u.exec(text);
    var whole = ascii(match[1]), fraction = ascii(match[2] || ""), exponentDigits = ascii(match[4] || "0");
    if (exponentDigits.replace(/^0+/, "").length > 9) fail();
    var exponent = Number(exponentDigits) * (match[3] === "-" ? -1 : 1);
    if (limits && (whole + fraction).length + Math.abs(exponent) > limits.digits) fail();
    var digits = BigInt(whole + fraction || "0"), places = exponent - fraction.length;
    var value = places >= 0 ? Q(digits * 10n ** BigInt(places)) : Q(digits, 10n ** BigInt(-places));
    return {value: value, places: -places};
  }

  function reader(data) {  // read(text) → {value, how}, or fail(): expr := term (("+"|"-") term)*
    var limits = data.policy, computed = numbers(limits), functions = {}, arity = {}, constants = {};
    data.functions.forEach(function (row) {  // [name, fewest, most, defaults]: gradexplain's table of primitives
      if (!Object.prototype.hasOwnProperty.call(computed.functions, row[0])) throw new Error("no " + row[0]);
      functions[row[0]] = computed.functions[row[0]];
      arity[row[0]] = {fewest: row[1], most: row[2], defaults: row[3].map(parseNumber)};
    });
    Object.keys(data.aliases).forEach(function (alias) {
      functions[alias] = functions[data.aliases[alias]];
      arity[alias] = arity[data.aliases[alias]];
    });
    Object.keys(data.constants).forEach(function (name) { constants[name] = parseNumber(data.constants[name]); });
    var has = Object.prototype.hasOwnProperty;
    return function read(text) {
      var list = tokens(text), at = 0;
      if (nesting(list) > limits.depth) throw new TooDeep();
      function peek() { return list[at]; }
      function take(kind) {
        var token = list[at];
        if (token.t !== kind) fail();
        at++;
        return token;
      }
      function isOp(values) { return peek().t === "op" && values.indexOf(peek().v) >= 0; }
      function expression() {
        var value = term();
        while (isOp(["+", "-"])) { var op = take("op").v; value = computed.arithmetic(op, value, term()); }
        return value;
      }
      function term() {
        var value = factor();
        while (isOp(["*", "/"])) { var op = take("op").v; value = computed.arithmetic(op, value, factor()); }
        return value;
      }
      function factor() {  // unary signs bind looser than a power: -2**2 is -4, 2**-1 is 1/2
        if (isOp(["+", "-"])) {
          var op = take("op").v, operand = factor();
          return op === "-" ? negate(operand) : operand;
        }
        var base = primary();
        if (isOp(["**", "^"])) {
          take("op");
          var exponent = factor();
          if (cmp(absQ(asRat(exponent)), Q(BigInt(limits.exponent))) > 0) fail();
          return computed.power(base, exponent);
        }
        return base;
      }
      function primary() {
        var token = peek();
        if (token.t === "number") { at++; return literal(token.v, limits).value; }
        if (token.t === "(") { at++; var inner = expression(); take(")"); return inner; }
        if (token.t === "name") {
          at++;
          if (peek().t === "(") {
            if (!has.call(functions, token.v)) fail();
            at++;
            var args = [expression()];
            while (peek().t === ",") { at++; args.push(expression()); }
            take(")");
            var takes = arity[token.v];
            if (args.length < takes.fewest || args.length > takes.most) fail();
            args = args.concat(takes.defaults.slice(args.length - takes.fewest));  // an argument left out: its default
            return functions[token.v].apply(null, args);
          }
          if (has.call(constants, token.v)) return constants[token.v];
        }
        fail();
      }
      var value = expression();
      take("end");
      return {value: value, how: written(list)};
    };
  }

  // ── the tolerance policy, as gradexplain.teach.tolerance ──
  var EXACTLY = {places: null, decimal: false};  // tolerance.EXACTLY: held to floating point's agreement
  function policy(data) {
    var relative = parseNumber(data.relative), agreement = parseNumber(data.agreement);
    var floor = asRat(parseNumber(data.floor));
    function halfUnit(places) {  // half a unit in the last of `places` decimal places
      return places >= 0 ? Q(1n, 2n * 10n ** BigInt(places)) : Q(10n ** BigInt(-places), 2n);
    }
    function tolerance(value, how) {
      var scale = most(absQ(value), floor), within = mul(agreement, scale);
      if (how.places === null && !how.decimal) return within;
      var wide = mul(relative, scale);
      return how.places === null ? wide : least(wide, most(halfUnit(how.places), within));
    }
    function near(answer, value, how) { return cmp(absQ(sub(asRat(answer), value)), tolerance(value, how)) <= 0; }
    function equal(a, b) { return a.n === b.n && a.d === b.d; }
    function agrees(answer, value, how) {
      if (exact(answer) && exact(value)) return equal(answer, value);
      if (!finite(answer) || !finite(value)) return false;
      return near(answer, asRat(value), how);
    }
    return {
      fills: function (answer, value, how) {  // an exact value: a float only within floating point's rounding
        return agrees(answer, value, exact(value) && !exact(answer) ? EXACTLY : how);
      },
      close: function (answer, value, how) {
        if (!exact(value) || !finite(answer) || (exact(answer) && equal(answer, value))) return false;
        return near(answer, value, how);
      }
    };
  }

  // ── judging, as gradexplain.teach.quiz.judge ──
  var PY_SPACE = "\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";
  var STRIP = new RegExp("^[" + PY_SPACE + "]+|[" + PY_SPACE + "]+$", "g");
  function pyStrip(text) { return text.replace(STRIP, ""); }
  var ECHO = 40;  // quiz.ECHO: an unreadable answer is quoted up to this many characters
  var UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Z}]/u;
  function pyRepr(text) {  // Python's repr of a string, for the unreadable answer's message
    var quote = text.indexOf("'") >= 0 && text.indexOf('"') < 0 ? '"' : "'", out = quote;
    Array.from(text).forEach(function (ch) {
      var code = ch.codePointAt(0);
      if (ch === quote || ch === "\\") out += "\\" + ch;
      else if (ch === "\t") out += "\\t";
      else if (ch === "\n") out += "\\n";
      else if (ch === "\r") out += "\\r";
      else if (ch !== " " && UNPRINTABLE.test(ch)) {
        var hex = code.toString(16);
        out += code < 0x100 ? "\\x" + hex.padStart(2, "0") : code < 0x10000 ? "\\u" + hex.padStart(4, "0")
          : "\\U" + hex.padStart(8, "0");
      } else out += ch;
    });
    return out + quote;
  }
  function judging(data) {  // the page's judge, as gradexplain.teach.quiz.judge: judge(index, text) → verdict
    var words = data.words, read = reader(data), rules = policy(data.policy);
    var boxes = data.boxes.map(function (box) {
      return {
        kind: box.kind, node: box.node, shown: box.shown, hints: box.hints, answer: parseNumber(box.answer),
        mistakes: box.mistakes.map(function (m) { return {value: parseNumber(m[0]), kind: m[1], message: m[2]}; })
      };
    });
    function judge(index, text) {
      var box = boxes[index], stripped = pyStrip(String(text)), answer;
      try { answer = read(stripped); } catch (problem) {
        var deep = problem instanceof TooDeep;
        if (!deep && !(problem instanceof Unreadable) && !(problem instanceof RangeError)) throw problem;
        var points = Array.from(stripped);
        var echoed = points.length <= ECHO ? stripped : points.slice(0, ECHO - 1).join("") + "…";
        var message = (deep ? words.tooDeep : words.unreadable).replace("{text}", pyRepr(echoed));
        return {right: false, kind: "unreadable", message: message};
      }
      if (rules.fills(answer.value, box.answer, answer.how)) {
        return {right: true, kind: "", message: words.right.replace("{shown}", box.shown)};
      }
      if (rules.close(answer.value, box.answer, answer.how)) return {right: false, kind: "close", message: words.close};
      for (var i = 0; i < box.mistakes.length; i++) {  // in the catalogue's order
        if (rules.fills(answer.value, box.mistakes[i].value, answer.how)) {
          return {right: false, kind: box.mistakes[i].kind, message: box.mistakes[i].message};
        }
      }
      return {right: false, kind: "none", message: words.other.replace("{hint}", box.hints[0] || words.noHint)};
    }
    return {boxes: boxes, judge: judge};
  }

  // ── the page: the drawing, the summary of mistakes, and the boxes ──
  function drawingOf(root) {  // the worksheet's drawing: its boxes fill in, the current node stands out
    var drawing = root.querySelector(".gx-drawing");
    function slot(index) { return drawing ? drawing.querySelector('text[data-box="' + index + '"]') : null; }
    function fill(index, text, revealed) {
      var t = slot(index);
      if (!t) return;
      if (!t.hasAttribute("data-blank")) {
        t.setAttribute("data-blank", t.textContent);
        var box = t.getBBox ? t.getBBox() : null;
        if (box && box.width > 0) {  // centred where the blank was, whatever the answer's length
          t.setAttribute("x", String(box.x + box.width / 2));
          t.setAttribute("text-anchor", "middle");
        }
      }
      t.textContent = t.getAttribute("data-blank").replace("________", text);
      t.classList.toggle("gx-revealed", revealed);
    }
    function empty(index) {
      var t = slot(index);
      if (t && t.hasAttribute("data-blank")) {
        t.textContent = t.getAttribute("data-blank");
        t.classList.remove("gx-revealed");
      }
    }
    function current(index) {
      if (!drawing) return;
      Array.prototype.forEach.call(drawing.querySelectorAll("g.gx-current"), function (g) {
        g.classList.remove("gx-current");
      });
      if (index === null) return;
      var group = drawing.querySelector('g[data-boxes~="' + index + '"]');
      if (!group) return;
      group.classList.add("gx-current");
      if (drawing.scrollWidth > drawing.clientWidth) {  // bring the node into the drawing's view
        var box = group.getBoundingClientRect(), view = drawing.getBoundingClientRect();
        if (box.left < view.left || box.right > view.right) {
          drawing.scrollLeft += box.left + box.width / 2 - (view.left + view.width / 2);
        }
      }
    }
    function clicked(target) {  // the boxes of the node clicked on, if any
      var group = drawing && target.closest && target.closest("g[data-boxes]");
      if (!group || !drawing.contains(group) || !group.getAttribute("data-boxes")) return [];
      return group.getAttribute("data-boxes").split(" ").map(Number);
    }
    return {fill: fill, empty: empty, current: current, clicked: clicked};
  }

  function summarise(element, mistakes, kinds) {  // "What to work on": the mistakes by habit, most frequent first
    element.textContent = "";
    var counted = {}, order = kinds.map(function (pair) { return pair[0]; }), sentences = {};
    kinds.forEach(function (pair) { sentences[pair[0]] = pair[1]; });
    mistakes.forEach(function (kind) { counted[kind] = (counted[kind] || 0) + 1; });
    var found = Object.keys(counted).sort(function (a, b) {
      var rank = function (k) { var i = order.indexOf(k); return i < 0 ? 99 : i; };
      return counted[b] - counted[a] || rank(a) - rank(b);
    });
    if (!found.length) return;
    var title = document.createElement("p"), list = document.createElement("ul");
    title.textContent = "What to work on:";
    found.forEach(function (kind) {
      var item = document.createElement("li"), n = counted[kind];
      item.textContent = (sentences[kind] || kind) + " (" + n + " time" + (n === 1 ? "" : "s") + ")";
      list.appendChild(item);
    });
    element.appendChild(title);
    element.appendChild(list);
  }

  function start(root) {
    var data = JSON.parse(root.querySelector("script.gx-data").textContent), words = data.words;
    var lab = judging(data), boxes = lab.boxes, drawing = drawingOf(root);
    root.gradexplainLab = {judge: lab.judge, size: boxes.length};
    var rows = Array.prototype.slice.call(root.querySelectorAll("li[data-box]"));
    var state = [], mistakes = [];
    function fresh() { state = boxes.map(function () { return {state: "", hints: 0, counted: null}; }); mistakes = []; }
    fresh();
    function part(index, selector) { return rows[index].querySelector(selector); }
    function setState(index, value) {
      state[index].state = value;
      rows[index].setAttribute("data-state", value);
    }
    function showText(element, text) {  // the local mark ∂ₗ as ∂ and a subscript ℓ: ₗ reads as ı in many fonts
      element.textContent = "";
      text.split("∂ₗ").forEach(function (piece, i) {
        if (i > 0) {
          var mark = document.createElement("sub");
          mark.textContent = "ℓ";
          element.appendChild(document.createTextNode("∂"));
          element.appendChild(mark);
        }
        element.appendChild(document.createTextNode(piece));
      });
    }
    function done(index) { return state[index].state === "right" || state[index].state === "shown"; }
    function check(index) {
      var input = part(index, "input"), feedback = part(index, "[data-feedback]");
      if (done(index)) return null;
      var text = pyStrip(input.value);
      if (text === "") { feedback.textContent = "type an answer first, or press Hint"; return null; }
      var verdict = lab.judge(index, input.value);
      showText(feedback, verdict.message);
      if (verdict.right) {
        setState(index, "right");
        input.readOnly = true;
        drawing.fill(index, boxes[index].shown, false);
      } else {
        setState(index, "wrong");
        if (verdict.kind !== "unreadable" && state[index].counted !== text) {
          state[index].counted = text;
          mistakes.push(verdict.kind);
        }
      }
      score();
      return verdict;
    }
    function hint(index) {
      var list = part(index, "[data-hints]"), item = document.createElement("li"), box = boxes[index];
      var n = state[index].hints++;
      showText(item, n < box.hints.length ? box.hints[n] : words.noMoreHints);
      if (n > box.hints.length) return;  // said once is enough
      list.appendChild(item);
    }
    function show(index) {
      if (state[index].state === "right") return;
      var input = part(index, "input");
      input.value = boxes[index].shown;
      input.readOnly = true;
      setState(index, "shown");
      part(index, "[data-feedback]").textContent = words.shown.replace("{shown}", boxes[index].shown);
      drawing.fill(index, boxes[index].shown, true);
      score();
    }
    function reset() {
      fresh();
      rows.forEach(function (row, index) {
        var input = part(index, "input");
        input.value = "";
        input.readOnly = false;
        row.setAttribute("data-state", "");
        part(index, "[data-feedback]").textContent = "";
        part(index, "[data-hints]").textContent = "";
        drawing.empty(index);
      });
      score();
      status("reset: every box is empty again");
      if (rows.length) part(0, "input").focus();
    }
    function score() {
      var c = tally(state), parts = [];
      root.querySelector("[data-score]").textContent = "score: " + c.right + "/" + boxes.length;
      if (c.shown) parts.push(c.shown + " shown");
      parts.push(c.open ? c.open + " to do" : "all done");
      root.querySelector("[data-progress]").textContent = parts.join(", ");
      summarise(root.querySelector("[data-summary]"), mistakes, data.kinds);
    }
    function status(text) { root.querySelector("[data-status]").textContent = text; }
    function checkAll() {
      var checked = 0, right = 0, wrong = 0;
      rows.forEach(function (row, index) {
        if (done(index) || pyStrip(part(index, "input").value) === "") return;
        var verdict = check(index);
        checked++;
        if (verdict && verdict.right) right++; else wrong++;
      });
      var c = tally(state);
      status("checked " + checked + " box" + (checked === 1 ? "" : "es") + ": " + right + " right, " + wrong +
        " wrong; score: " + c.right + "/" + boxes.length + (c.open ? ", " + c.open + " to do" : ", all done"));
    }
    function next(index) {
      for (var i = index + 1; i < rows.length; i++) if (!done(i)) return part(i, "input").focus();
    }
    listen(root, {
      check: check, hint: hint, show: show, "check-all": checkAll, reset: reset, next: next, done: done,
      current: drawing.current, clicked: drawing.clicked, focus: function (index) { part(index, "input").focus(); }
    });
    describe(rows);
    score();
  }

  function tally(state) {  // how many boxes are right, shown and still open
    var right = 0, shown = 0, open = 0;
    state.forEach(function (s) {
      if (s.state === "right") right++; else if (s.state === "shown") shown++; else open++;
    });
    return {right: right, shown: shown, open: open};
  }

  function describe(rows) {  // each box's feedback describes it, for screen readers
    rows.forEach(function (row, index) {
      var id = "gx-" + Math.random().toString(36).slice(2) + "-" + index;
      row.querySelector("[data-feedback]").id = id;
      row.querySelector("input").setAttribute("aria-describedby", id);
    });
  }

  var ACTIONS = ["check", "hint", "show", "check-all", "reset"];  // the buttons' data-action
  function listen(root, page) {  // buttons, Enter in a box, a click on the drawing, the focus
    function indexOf(element) {
      var row = element.closest("li[data-box]");
      return row && root.contains(row) ? Number(row.getAttribute("data-box")) : null;
    }
    root.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-action]");
      if (button && root.contains(button)) {
        var action = button.getAttribute("data-action");
        if (ACTIONS.indexOf(action) >= 0) page[action](indexOf(button));
        return;
      }
      var mine = page.clicked(event.target);
      if (mine.length) {
        var open = mine.filter(function (i) { return !page.done(i); });
        page.focus((open.length ? open : mine)[0]);
      }
    });
    root.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || !event.target.matches || !event.target.matches("input")) return;
      var index = indexOf(event.target);
      if (index === null) return;
      event.preventDefault();
      if (page.done(index)) return page.next(index);
      var verdict = page.check(index);
      if (verdict && verdict.right) page.next(index);
    });
    root.addEventListener("focusin", function (event) {
      page.current(event.target.matches && event.target.matches("input") ? indexOf(event.target) : null);
    });
  }
})();
