r"""Rigorous interval evaluation of sympy expressions, vectorised over boxes, generated from the
expression tree (no hand-written kernel per landscape).

``compile_intervals(exprs, symbols)`` returns a function of boxes ``lo, hi (N, d)`` giving, for
every expression, an interval ``[lo, hi] (N,)`` that contains the exact real value of the
expression at every point of each box (the natural interval extension, after common
subexpression elimination). It is what ``from_sympy`` certifies the smoothness bound with
(MATHEMATICS.md §1) and what the ``interval`` certificate of ``theory.certification`` evaluates
the α-β slack of a sympy landscape with (MATHEMATICS.md §2).

Why here, and why numpy
-----------------------
``toylands`` may not import ``theory`` (the layering), and a landscape built from expressions must
certify its own L. ``mpmath.iv`` is rigorous but scalar: about 5 ms per box for the Hessians of a
three-sample landscape in 2-D, against about a microsecond per box here over 10⁴ boxes per numpy
call; branch-and-bound needs 10³–10⁵ boxes.

Why the rounding is sound (the argument of ``theory.certification.interval.arithmetic``)
----------------------------------------------------------------------------------------------
numpy's ``+ − × ÷`` and ``sqrt`` are IEEE-754 binary64 operations, correctly rounded to nearest,
so the exact result of an operation on doubles lies within one ulp of the computed one: every
end point is moved at least one ulp outwards (``round_down``/``round_up``: at or beyond
``nextafter``). ``exp`` and ``log`` are not correctly
rounded by libm (a few ulp): they are widened by the relative margin ``2⁻⁴⁰`` plus ``1e−300``
and use monotonicity; so are ``sinh``, ``tanh``, ``atan`` (increasing; an end point's sign is
kept, ``|tanh| ≤ 1``, ``|atan| ≤ π/2``), ``cosh`` (at the least and the largest ``|x|``; ≥ 1)
and ``sin``, ``cos``, ``tan`` between their extremes or poles (libm reduces huge arguments
exactly; the tests compare with mpmath up to 1e15). Whether an extreme ``±1`` or a pole may
lie in an interval is decided by range reduction ``t = (x − c)/P`` in doubles, whose error
(below ``|t|·2⁻⁵⁰ + 2⁻⁵²``) is covered 16 times over by moving the reduced end points outwards,
so rounding can only add an extreme (a looser enclosure) or a pole (``[−∞, +∞]``), never miss
one; where it finds one beyond ``|x| = 2²⁰`` the test is redone with π enclosed to 1150 bits
(``mpmath.iv``), and a width ≥ 6.25 (< 2π) gives ``[−1, 1]``. ``|x|``, ``Min`` and ``Max`` are
exact. Products take the min/max of the four end-point products, even powers are tight (``0``
when the interval straddles it), a computed end point keeps its sign (rounding to nearest never
flips one, so a product of non-negative enclosures stays ≥ 0), quotients by an interval
containing 0 and ``log`` or ``sqrt`` of one reaching below 0 give ``[−∞, +∞]`` (the box stays
undecided, never wrongly decided), and NaN from ``∞ · 0`` is replaced by ``[−∞, +∞]``.
Constants: a rational that is a double is exact; other rationals and ``π``, ``e`` are enclosed
by the two neighbouring doubles.
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction

import numpy as np

__all__ = ["IntervalArrays", "compile_intervals", "SUPPORTED", "unsupported_functions"]

_REL = 2.0**-40
_ABS = 1e-300
_INF = np.inf
_FMAX = np.finfo(np.float64).max
# Range reduction for sin, cos, tan: t = (x − c)·(1/P) in doubles is within |t|·2⁻⁵⁰ + 2⁻⁵² of
# the exact (x − c)/P (three roundings; c and 1/P within an ulp); _RED is 16 times that. Beyond
# _HUGE the reduction is redone in 1150-bit interval arithmetic (exact enough for any double).
_RED = 2.0**-46
_HUGE = 2.0**20
_ATAN_MAX = float(np.nextafter(np.pi / 2, _INF))  # above π/2
SUPPORTED = ("Add", "Mul", "Pow (integer, half-integer or rational exponent)", "exp", "log",
             "sqrt", "sin", "cos", "tan", "sinh", "cosh", "tanh", "atan", "Abs", "Min", "Max",
             "rational, pi and E constants")


# One step outwards, without nextafter (33 ns per element in numpy, against about 3 ns for
# these few operations). For a finite double v, δ = |v|·2⁻⁵² rounds to at least ulp(v) (a power
# of two times |v| ≥ 2^e; rounding is monotone); raised to 2⁻¹⁰²² it is at least ulp(v) for
# v = 0 and subnormal v too (2⁻¹⁰²² rather than the least subnormal: a subnormal operand costs a
# hundred cycles on x86). So the exact v − δ is at most v − ulp(v), a double at or below
# nextafter(v, −∞), and rounding to nearest, monotone, keeps it there: round_down(v) ≤
# nextafter(v, −∞), and above v − 2 ulp(v) − 2⁻¹⁰²² (tested in tests/test_intervals.py). δ is
# capped at 2⁹⁷¹ = ulp(MAX), so ∞ − δ is never NaN; the result is kept finite as nextafter's
# (round_down(+∞) = MAX); NaN stays NaN. Arrays of fewer than _SMALL elements use nextafter.
_ULP = 2.0**-52
_DELTA_MIN = 2.0**-1022
_DELTA_MAX = 2.0**971
_SMALL = 512


def _outward(v, sign):
    v = np.asarray(v, dtype=np.float64)
    if v.size < _SMALL:  # nextafter itself: below a few hundred elements its call is cheaper
        return np.nextafter(v, sign * _INF)
    t = np.abs(v)
    t *= _ULP
    np.maximum(t, _DELTA_MIN, out=t)
    np.minimum(t, _DELTA_MAX, out=t)
    if sign < 0:
        np.subtract(v, t, out=t)
        return np.minimum(t, _FMAX, out=t)
    np.add(v, t, out=t)
    return np.maximum(t, -_FMAX, out=t)


def round_down(v):
    """A double ``≤ nextafter(v, −∞)`` elementwise: a lower bound of any exact result whose
    correctly rounded value is ``v`` (see above)."""
    return _outward(v, -1.0)


def round_up(v):
    """A double ``≥ nextafter(v, +∞)`` elementwise (see :func:`round_down`)."""
    return _outward(v, 1.0)


_dn, _up = round_down, round_up


def _lo(v):
    """A lower bound of the exact result whose correctly rounded value is ``v``; keeps it ≥ 0
    when v is a non-negative number with a clear sign bit (rounding to nearest never changes a
    sign: an exact negative result rounds to a negative number or to −0.0)."""
    keep = (v >= 0) & ~np.signbit(v)
    return np.where(keep, np.maximum(_dn(v), 0.0), _dn(v))


def _hi(v):
    """An upper bound, kept ≤ 0 when ``v`` is ≤ 0 with its sign bit set."""
    keep = (v <= 0) & np.signbit(v)
    return np.where(keep, np.minimum(_up(v), -0.0), _up(v))


def _widen(v):
    """``(lo, hi)`` around a libm value ``v`` (relative ``2⁻⁴⁰`` plus ``1e−300``); an overflow to
    ``±∞`` keeps the bound on its side finite (the exact value is beyond the largest double)."""
    with np.errstate(invalid="ignore", over="ignore"):
        d = np.abs(v) * _REL + _ABS
        lo = np.where(np.isposinf(v), _FMAX, v - d)
        hi = np.where(np.isneginf(v), -_FMAX, v + d)
    return lo, hi


def _libm(fn, v):
    with np.errstate(all="ignore"):
        return fn(v)


def _hits(a, b, s, p):
    """Whether a point ``(s + k·p)·π`` (k an integer) may lie in ``[a, b]``: ``True`` whenever one
    does (the reduced end points are moved outwards by ``_RED``; NaN or ∞ gives ``True``)."""
    with np.errstate(invalid="ignore", over="ignore"):
        scale = 1.0 / (p * np.pi)
        ta = (a - s * np.pi) * scale
        tb = (b - s * np.pi) * scale
        ta = ta - (np.abs(ta) + 1.0) * _RED
        tb = tb + (np.abs(tb) + 1.0) * _RED
        hit = ~(np.ceil(ta) > tb)
        redo = hit & (np.maximum(np.abs(a), np.abs(b)) >= _HUGE) & (b - a < 6.25)
    if redo.any():
        A, B = (np.broadcast_to(v, hit.shape).reshape(-1) for v in (a, b))
        hit = hit.reshape(-1).copy()
        for k in np.flatnonzero(redo):
            hit[k] = _hits_exact(float(A[k]), float(B[k]), s, p)
        hit = hit.reshape(redo.shape)
    return hit


@functools.lru_cache(maxsize=1)
def _iv1150():
    from mpmath.ctx_iv import MPIntervalContext

    ctx = MPIntervalContext()
    ctx.prec = 1150
    return ctx


def _exact_value(v) -> Fraction:
    """The exact value of an end point of an ``mpmath.iv`` interval."""
    sign, man, exp, _ = v
    q = Fraction(man) * Fraction(2) ** exp
    return -q if sign else q


def _hits_exact(a: float, b: float, s, p) -> bool:
    """``_hits`` for one huge interval, in interval arithmetic with π enclosed to 1150 bits."""
    ctx = _iv1150()
    S = ctx.mpf(Fraction(s).numerator) / Fraction(s).denominator
    ta = (ctx.mpf(a) / ctx.pi - S) / p
    tb = (ctx.mpf(b) / ctx.pi - S) / p
    return math.ceil(_exact_value(ta._mpi_[0])) <= _exact_value(tb._mpi_[1])


class IntervalArrays:
    """``[lo, hi]`` elementwise (two float64 arrays of one shape)."""

    __slots__ = ("lo", "hi")

    def __init__(self, lo, hi=None):
        lo = np.asarray(lo, dtype=np.float64)
        hi = lo if hi is None else np.asarray(hi, dtype=np.float64)
        lo, hi = np.broadcast_arrays(lo, hi)
        bad = np.isnan(lo) | np.isnan(hi)
        if bad.any():
            lo, hi = np.where(bad, -_INF, lo), np.where(bad, _INF, hi)
        self.lo, self.hi = lo, hi

    def __repr__(self):
        return f"IntervalArrays({self.lo!r}, {self.hi!r})"

    # ---- operations (each returns an enclosure of the exact result) ------------------------
    def __neg__(self):
        return IntervalArrays(-self.hi, -self.lo)

    def __add__(self, o):
        with np.errstate(invalid="ignore", over="ignore"):
            return IntervalArrays(_lo(self.lo + o.lo), _hi(self.hi + o.hi))

    def __sub__(self, o):
        with np.errstate(invalid="ignore", over="ignore"):
            return IntervalArrays(_lo(self.lo - o.hi), _hi(self.hi - o.lo))

    def __mul__(self, o):
        with np.errstate(invalid="ignore", over="ignore"):
            p = (self.lo * o.lo, self.lo * o.hi, self.hi * o.lo, self.hi * o.hi)
            lo = np.minimum(np.minimum(p[0], p[1]), np.minimum(p[2], p[3]))
            hi = np.maximum(np.maximum(p[0], p[1]), np.maximum(p[2], p[3]))
        nan = np.isnan(p[0]) | np.isnan(p[1]) | np.isnan(p[2]) | np.isnan(p[3])
        return IntervalArrays(np.where(nan, -_INF, _lo(lo)), np.where(nan, _INF, _hi(hi)))

    def reciprocal(self):
        zero = (self.lo <= 0) & (self.hi >= 0)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            lo = _lo(1.0 / np.where(zero, 1.0, self.hi))
            hi = _hi(1.0 / np.where(zero, 1.0, self.lo))
        return IntervalArrays(np.where(zero, -_INF, lo), np.where(zero, _INF, hi))

    def __truediv__(self, o):
        return self * o.reciprocal()

    def sqr(self):
        a, b = self.lo * self.lo, self.hi * self.hi
        straddle = (self.lo < 0) & (self.hi > 0)
        with np.errstate(over="ignore"):
            lo = np.where(straddle, 0.0, np.minimum(a, b))
            return IntervalArrays(np.maximum(_dn(lo), 0.0), _up(np.maximum(a, b)))

    def powi(self, k: int):
        """``x^k`` for an integer k (squaring; even powers are non-negative and tight)."""
        if k < 0:
            return self.powi(-k).reciprocal()
        if k == 0:
            return IntervalArrays(np.ones_like(self.lo))
        if k == 1:
            return self
        if k % 2 == 0:
            return self.sqr().powi(k // 2)
        return self * self.powi(k - 1)

    def sqrt(self):
        neg = self.lo < 0
        with np.errstate(invalid="ignore"):
            lo = np.maximum(_dn(np.sqrt(np.maximum(self.lo, 0.0))), 0.0)
            hi = _up(np.sqrt(self.hi))
        return IntervalArrays(np.where(neg, -_INF, lo), np.where(neg, _INF, hi))

    def exp(self):
        with np.errstate(over="ignore", under="ignore"):
            lo = np.maximum(np.exp(self.lo) * (1.0 - _REL) - _ABS, 0.0)
            hi = np.exp(self.hi) * (1.0 + _REL) + _ABS
        return IntervalArrays(np.where(np.isinf(lo), np.finfo(float).max, lo), hi)

    def log(self):
        bad = self.lo <= 0
        with np.errstate(divide="ignore", invalid="ignore"):
            a = np.log(np.where(bad, 1.0, self.lo))
            b = np.log(np.where(self.hi > 0, self.hi, 1.0))
        lo = a - np.abs(a) * _REL - _ABS
        hi = b + np.abs(b) * _REL + _ABS
        return IntervalArrays(np.where(bad, -_INF, lo), np.where(bad, _INF, hi))

    # ---- |x|, Min, Max: exact (no rounding) ------------------------------------------------
    def _mig_mag(self):
        """``(min |x|, max |x|)`` over each interval (exact)."""
        a, b = np.abs(self.lo), np.abs(self.hi)
        straddle = (self.lo < 0) & (self.hi > 0)
        return np.where(straddle, 0.0, np.minimum(a, b)), np.maximum(a, b)

    def abs(self):
        return IntervalArrays(*self._mig_mag())

    def min(self, o):
        return IntervalArrays(np.minimum(self.lo, o.lo), np.minimum(self.hi, o.hi))

    def max(self, o):
        return IntervalArrays(np.maximum(self.lo, o.lo), np.maximum(self.hi, o.hi))

    # ---- monotone libm functions -------------------------------------------------------------
    def _odd_increasing(self, fn, bound):
        """An increasing odd ``fn`` with ``|fn| ≤ bound``: its end-point values, widened; the
        sign of an end point is kept (fn(x) ≥ 0 for x ≥ 0)."""
        lo = _widen(_libm(fn, self.lo))[0]
        hi = _widen(_libm(fn, self.hi))[1]
        lo = np.where(self.lo >= 0, np.maximum(lo, 0.0), np.maximum(lo, -bound))
        hi = np.where(self.hi <= 0, np.minimum(hi, 0.0), np.minimum(hi, bound))
        return IntervalArrays(lo, hi)

    def tanh(self):
        return self._odd_increasing(np.tanh, 1.0)

    def atan(self):
        return self._odd_increasing(np.arctan, _ATAN_MAX)

    def sinh(self):
        return self._odd_increasing(np.sinh, _INF)

    def cosh(self):
        """Even, increasing in ``|x|``: ``[cosh(min |x|), cosh(max |x|)]``, and ≥ 1."""
        mig, mag = self._mig_mag()
        lo = np.maximum(_widen(_libm(np.cosh, mig))[0], 1.0)
        return IntervalArrays(lo, _widen(_libm(np.cosh, mag))[1])

    # ---- periodic: range reduction decides the extremes and the poles ---------------------
    def _sin_cos(self, fn, top, bottom):
        """``fn`` (sin or cos) is monotone between its extremes ``(top + 2k)π`` (value 1) and
        ``(bottom + 2k)π`` (value −1): the widened end-point values, and an extreme wherever one
        may lie in the interval (a width ≥ 6.25 < 2π, ∞ or NaN: ``[−1, 1]``)."""
        a, b = self.lo, self.hi
        la, ha = _widen(_libm(fn, a))
        lb, hb = _widen(_libm(fn, b))
        with np.errstate(invalid="ignore"):
            full = ~(b - a < 6.25)
        hi = np.where(full | _hits(a, b, top, 2), 1.0, np.minimum(np.maximum(ha, hb), 1.0))
        lo = np.where(full | _hits(a, b, bottom, 2), -1.0,
                      np.maximum(np.minimum(la, lb), -1.0))
        return IntervalArrays(lo, hi)

    def sin(self):
        return self._sin_cos(np.sin, 0.5, -0.5)

    def cos(self):
        return self._sin_cos(np.cos, 0.0, 1.0)

    def tan(self):
        """Increasing between its poles ``π/2 + kπ``; ``[−∞, +∞]`` where one may lie inside."""
        a, b = self.lo, self.hi
        with np.errstate(invalid="ignore"):
            pole = ~(b - a < 3.0) | _hits(a, b, 0.5, 1)
        lo = _widen(_libm(np.tan, a))[0]
        hi = _widen(_libm(np.tan, b))[1]
        return IntervalArrays(np.where(pole, -_INF, lo), np.where(pole, _INF, hi))


def _const(value) -> IntervalArrays:
    """An enclosure of a sympy number (exact when it is a double)."""
    import sympy as sp

    if value.is_Rational:
        q = Fraction(int(value.p), int(value.q))
        f = float(q)
        if Fraction(f) == q:
            return IntervalArrays(f)
        return IntervalArrays(_dn(f), _up(f))
    if value.is_Float:
        return _const(sp.Rational(value))
    f = float(sp.N(value, 30))  # pi, E, sqrt(2), … : the two neighbouring doubles
    return IntervalArrays(_dn(_dn(f)), _up(_up(f)))


def _functions():
    """The sympy function classes enclosed here, with the method of :class:`IntervalArrays`."""
    import sympy as sp

    return ((sp.exp, "exp"), (sp.log, "log"), (sp.sin, "sin"), (sp.cos, "cos"),
            (sp.tan, "tan"), (sp.sinh, "sinh"), (sp.cosh, "cosh"), (sp.tanh, "tanh"),
            (sp.atan, "atan"), (sp.Abs, "abs"))


def unsupported_functions(exprs) -> list[str]:
    """Names of the functions in ``exprs`` that the interval evaluation cannot enclose."""
    import sympy as sp

    known = tuple(cls for cls, _ in _functions()) + (sp.Min, sp.Max)
    bad = set()
    for e in exprs:
        for node in sp.preorder_traversal(e):
            if node.is_Pow:
                if not node.exp.is_Rational:
                    bad.add("Pow with a non-rational exponent")
            elif isinstance(node, known) or node.is_Add or node.is_Mul or node.is_Symbol:
                continue
            elif isinstance(node, sp.Function) or not (node.is_Number or node.is_NumberSymbol):
                bad.add(type(node).__name__)
    return sorted(bad)


def _eval(expr, env):
    import sympy as sp

    hit = env.get(expr)
    if hit is not None:
        return hit
    if expr.is_Number or expr is sp.pi or expr is sp.E or expr.is_NumberSymbol:
        return _const(expr)
    if expr.is_Add:
        out = None
        for a in expr.args:
            v = _eval(a, env)
            out = v if out is None else out + v
        return out
    if expr.is_Mul:
        coeff, rest = expr.as_coeff_Mul()
        out = None
        if coeff is sp.S.NegativeOne:
            return -_eval(rest, env)
        for a in expr.args:
            v = _eval(a, env)
            out = v if out is None else out * v
        return out
    if expr.is_Pow:
        base, ex = expr.args
        if ex.is_Integer:
            return _eval(base, env).powi(int(ex))
        if ex.is_Rational and ex.q == 2:
            return _eval(base, env).sqrt().powi(int(ex.p))
        if ex.is_Rational:
            return (_eval(base, env).log() * _const(ex)).exp()
        raise NotImplementedError(f"cannot enclose {expr}: exponent {ex} is not rational")
    if isinstance(expr, sp.exp) and expr.args[0] == 1:
        return _const(sp.E)
    for cls, method in _functions():
        if isinstance(expr, cls):
            return getattr(_eval(expr.args[0], env), method)()
    if isinstance(expr, (sp.Min, sp.Max)):
        method = "min" if isinstance(expr, sp.Min) else "max"
        out = None
        for a in expr.args:
            v = _eval(a, env)
            out = v if out is None else getattr(out, method)(v)
        return out
    raise NotImplementedError(
        f"cannot enclose {expr}: the interval evaluation supports {', '.join(SUPPORTED)}"
    )


def compile_intervals(exprs, symbols):
    r"""A function ``(lo, hi) -> list of IntervalArrays`` enclosing each of ``exprs`` over boxes.

    ``lo, hi`` have shape ``(..., d)`` (``d = len(symbols)``); a box may be degenerate
    (``lo = hi``, a point). Raises ``NotImplementedError`` naming an unsupported function.

    Examples
    --------
    >>> import numpy as np, sympy as sp
    >>> x, y = sp.symbols("x y", real=True)
    >>> fn = compile_intervals([x**2 - x*y, sp.exp(-x)], (x, y))
    >>> q, e = fn(np.array([[0.0, 1.0]]), np.array([[1.0, 2.0]]))
    >>> bool(q.lo[0] <= 0.25 - 0.5 * 1.5 <= q.hi[0]), bool(e.lo[0] <= np.exp(-0.5) <= e.hi[0])
    (True, True)
    """
    import sympy as sp

    exprs = [sp.sympify(e) for e in exprs]
    bad = unsupported_functions(exprs)
    if bad:
        raise NotImplementedError(
            f"cannot enclose {', '.join(bad)}: the interval evaluation supports "
            f"{', '.join(SUPPORTED)}"
        )
    reps, reduced = sp.cse(exprs, optimizations=None)
    symbols = tuple(symbols)

    def evaluate(lo, hi):
        lo = np.asarray(lo, dtype=np.float64)
        hi = np.asarray(hi, dtype=np.float64)
        env = {s: IntervalArrays(lo[..., k], hi[..., k]) for k, s in enumerate(symbols)}
        for sym, e in reps:
            env[sym] = _eval(e, env)
        shape = lo.shape[:-1]
        out = []
        for e in reduced:
            v = _eval(e, env)
            out.append(IntervalArrays(np.broadcast_to(v.lo, shape), np.broadcast_to(v.hi, shape)))
        return out

    return evaluate
