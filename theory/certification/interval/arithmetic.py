r"""Vectorised interval arithmetic on numpy float64 arrays, with proven outward rounding.

An :class:`Interval` holds two arrays ``lo <= hi`` of one shape and stands for the set of real
numbers ``[lo, hi]`` (elementwise). Every operation returns an interval that contains the exact
real result for all real inputs in the operand intervals. This is what the rigorous
``interval`` method of ``theory.certify`` evaluates
the α-β slack with, thousands of boxes per numpy call.

Why numpy and not a library
---------------------------
mpmath's ``iv`` context is rigorous but scalar: about 10⁴ times slower per box than one numpy
call over 10⁴ boxes. python-flint (arb) would be rigorous and faster than mpmath, but it is also
scalar from Python and not a dependency of the project. Branch-and-bound needs 10³–10⁵ boxes per
proof, so we vectorise over boxes in numpy and keep mpmath's ``iv`` only for the few scalar,
high-precision enclosures (the minimizers and the constants ``α f_i(x_p) − β f_i*``).

Why the rounding is sound
-------------------------
numpy computes ``+ − × ÷`` with the hardware's IEEE-754 binary64 operations, which are correctly
rounded to nearest (numpy never switches the rounding mode or enables flush-to-zero). For a
correctly rounded result ``r = fl(x ∘ y)`` the exact value lies strictly between the two
neighbouring doubles of ``r``, so ``[nextafter(r, −∞), nextafter(r, +∞)]`` contains it — also in
the subnormal range, and ±inf stays a valid (infinite) bound. (The ends are moved by
``toylands._intervals.round_down``/``round_up``, which land at or beyond those neighbours.)
Each elementary operation is computed from the exact endpoints (for × and ÷ the exact range
is the min/max of the four endpoint products/quotients; for the square, of the end points and
0), then its two ends are widened by at least one ulp outwards.
Composition preserves containment (inclusion isotonicity).

``exp`` is not correctly rounded by libm/numpy: its documented error is a few ulp. We widen it by
the relative margin ``2⁻⁴⁰`` (≈ 4000 ulp, far more than any libm's error) plus an absolute
``1e−300`` (which covers results in the subnormal range, where a relative bound says nothing),
clamp the lower end at 0 (``exp > 0``), and use monotonicity: ``exp([a, b]) = [e^a, e^b]``.

Inputs must be finite (the boxes are bounded); a division by an interval containing 0 raises.
"""

from __future__ import annotations

import numpy as np

# one step outwards: at or beyond nextafter, about 15 times faster (see toylands._intervals)
from toylands._intervals import round_down as _dn
from toylands._intervals import round_up as _up

__all__ = ["Interval", "hull", "from_mpi"]

_EXP_REL = 2.0**-40
_EXP_ABS = 1e-300
_MAX = np.finfo(np.float64).max



class Interval:
    """``[lo, hi]`` elementwise; see the module docstring for the rounding argument.

    Operands may be Intervals or real scalars/arrays (taken as exact point intervals: a double
    is an exact real number).

    Examples
    --------
    >>> x = Interval(0.1, 0.2)
    >>> y = x * x - x
    >>> bool(y.lo <= 0.15 * 0.15 - 0.15 <= y.hi)
    True
    """

    __slots__ = ("lo", "hi")
    __array_priority__ = 1000  # so that ``ndarray * Interval`` defers to Interval

    def __init__(self, lo, hi=None):
        lo = np.asarray(lo, dtype=np.float64)
        hi = lo if hi is None else np.asarray(hi, dtype=np.float64)
        if lo.shape == hi.shape:  # the usual case: no broadcasting views to build
            self.lo, self.hi = lo, hi
        else:
            self.lo, self.hi = np.broadcast_arrays(lo, hi)

    # ---- helpers -------------------------------------------------------------------------
    @staticmethod
    def _coerce(y) -> Interval:
        return y if isinstance(y, Interval) else Interval(y)

    @property
    def shape(self):
        return self.lo.shape

    @property
    def mid(self):
        return 0.5 * self.lo + 0.5 * self.hi

    @property
    def width(self):
        return self.hi - self.lo

    def __getitem__(self, k) -> Interval:
        return Interval(self.lo[k], self.hi[k])

    def contains(self, v) -> np.ndarray:
        v = np.asarray(v, dtype=np.float64)
        return (self.lo <= v) & (v <= self.hi)

    def __repr__(self):
        return f"Interval({self.lo!r}, {self.hi!r})"

    # ---- arithmetic ----------------------------------------------------------------------
    def __neg__(self):
        return Interval(-self.hi, -self.lo)

    def __add__(self, y):
        y = self._coerce(y)
        return Interval(_dn(self.lo + y.lo), _up(self.hi + y.hi))

    __radd__ = __add__

    def __sub__(self, y):
        y = self._coerce(y)
        return Interval(_dn(self.lo - y.hi), _up(self.hi - y.lo))

    def __rsub__(self, y):
        return self._coerce(y) - self

    def __mul__(self, y):
        y = self._coerce(y)
        p = (self.lo * y.lo, self.lo * y.hi, self.hi * y.lo, self.hi * y.hi)
        lo = np.minimum(np.minimum(p[0], p[1]), np.minimum(p[2], p[3]))
        hi = np.maximum(np.maximum(p[0], p[1]), np.maximum(p[2], p[3]))
        return Interval(_dn(lo), _up(hi))

    __rmul__ = __mul__

    def __truediv__(self, y):
        y = self._coerce(y)
        if np.any((y.lo <= 0) & (y.hi >= 0)):
            raise ZeroDivisionError("interval division by an interval containing 0")
        q = (self.lo / y.lo, self.lo / y.hi, self.hi / y.lo, self.hi / y.hi)
        lo = np.minimum(np.minimum(q[0], q[1]), np.minimum(q[2], q[3]))
        hi = np.maximum(np.maximum(q[0], q[1]), np.maximum(q[2], q[3]))
        return Interval(_dn(lo), _up(hi))

    def __rtruediv__(self, y):
        return self._coerce(y) / self

    def sqr(self) -> Interval:
        """``{v² : v ∈ [lo, hi]}`` (tight: uses 0 when the interval straddles it)."""
        a, b = self.lo * self.lo, self.hi * self.hi
        straddle = (self.lo < 0) & (self.hi > 0)
        lo = np.where(straddle, 0.0, np.minimum(a, b))
        hi = np.maximum(a, b)
        return Interval(np.maximum(_dn(lo), 0.0), _up(hi))

    def exp(self) -> Interval:
        """``exp`` with the widening of the module docstring."""
        with np.errstate(over="ignore", under="ignore"):
            elo, ehi = np.exp(self.lo), np.exp(self.hi)
            lo = np.maximum(elo * (1.0 - _EXP_REL) - _EXP_ABS, 0.0)
            hi = ehi * (1.0 + _EXP_REL) + _EXP_ABS
        lo = np.where(np.isinf(lo), _MAX, lo)  # exp overflowed: the true value is finite
        return Interval(lo, hi)

    def scale(self, k: float) -> Interval:
        """``k · self`` for an exact double ``k``."""
        return self * k

    # ---- reductions ---------------------------------------------------------------------
    def sum(self, axis=-1) -> Interval:
        """Sum along ``axis`` (each partial sum rounded outwards)."""
        lo, hi = np.moveaxis(self.lo, axis, 0), np.moveaxis(self.hi, axis, 0)
        out = Interval(lo[0], hi[0])
        for k in range(1, lo.shape[0]):
            out = out + Interval(lo[k], hi[k])
        return out


def hull(a: Interval, b: Interval) -> Interval:
    """The smallest interval containing both."""
    return Interval(np.minimum(a.lo, b.lo), np.maximum(a.hi, b.hi))


def from_mpi(v) -> Interval:
    """A double interval containing the mpmath interval (or exact mpf / int) ``v``.

    Each end is converted to the nearest double and then moved one ulp outwards, so the result
    contains ``v`` whatever the direction of that conversion's rounding.
    """
    import mpmath

    if hasattr(v, "_mpi_"):
        a, b = (mpmath.libmp.to_float(e) for e in v._mpi_)
    else:
        a = b = float(v)
    return Interval(_dn(a), _up(b))
