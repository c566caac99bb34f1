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
end point is moved one ulp outwards (``nextafter``). ``exp`` and ``log`` are not correctly
rounded by libm (a few ulp): they are widened by the relative margin ``2⁻⁴⁰`` plus ``1e−300``
and use monotonicity. Products take the min/max of the four end-point products, even powers are
tight (``0`` when the interval straddles it), a computed end point keeps its sign (rounding to
nearest never flips one, so a product of non-negative enclosures stays ≥ 0), quotients by an
interval containing 0 and ``log`` or ``sqrt`` of one reaching below 0 give ``[−∞, +∞]`` (the
box stays undecided, never wrongly decided), and NaN from ``∞ · 0`` is replaced by
``[−∞, +∞]``. Constants: a rational that is a double is exact; other rationals and ``π``, ``e``
are enclosed by the two neighbouring doubles.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

__all__ = ["IntervalArrays", "compile_intervals", "SUPPORTED", "unsupported_functions"]

_REL = 2.0**-40
_ABS = 1e-300
_INF = np.inf
SUPPORTED = ("Add", "Mul", "Pow (integer, half-integer or rational exponent)", "exp", "log",
             "sqrt", "rational, pi and E constants")


def _dn(v):
    return np.nextafter(v, -_INF)


def _up(v):
    return np.nextafter(v, _INF)


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


def unsupported_functions(exprs) -> list[str]:
    """Names of the functions in ``exprs`` that the interval evaluation cannot enclose."""
    import sympy as sp

    bad = set()
    for e in exprs:
        for node in sp.preorder_traversal(e):
            if isinstance(node, sp.Function) and not isinstance(node, (sp.exp, sp.log)):
                bad.add(type(node).__name__)
            elif node.is_Pow and not node.exp.is_Rational:
                bad.add("Pow with a non-rational exponent")
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
    if isinstance(expr, sp.exp):
        if expr.args[0] == 1:
            return _const(sp.E)
        return _eval(expr.args[0], env).exp()
    if isinstance(expr, sp.log):
        return _eval(expr.args[0], env).log()
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
