r"""Interval enclosures of the α-β slack on batches of boxes, one kernel per family.

One job: for the interval method's branch-and-bound, each kernel's ``slack(lo, hi)`` encloses
the slack of MATHEMATICS.md §2 ([AB] Definition 1, Eq. (2)) over N boxes at once, for every
candidate nearest point, and says which candidates may be nearest in each box.

Forms that stay tight (the point of the method)
-----------------------------------------------
Both families have ``f_i = H − q_i`` with ``H = 1`` and ``q_i → 0`` at infinity, so

    T_i = a_i + (α − β) q_i(x) + C_i(x_p),    C_i(x_p) = α f_i(x_p) − β f_i* − (α − β).

``α`` never multiplies a function of x: only the gap ``α − β`` does, and the large constant
``α f_i(x_p)`` (≈ 8.8·10⁶ in Example 2) is folded with ``−(α − β)`` into ``C_i`` in 40-digit
interval arithmetic *before* rounding to doubles. ``C_i`` is the limit of the slack at infinity,
so a tiny ``C_i ≥ 0`` (Example 2 at ``α = 8/c``: ``C_1 ≈ 2·10⁻¹²``) is decided exactly, and at
``x = x_p`` the slack equals ``β (f_i(x_p) − f_i*) > 0``, so no local argument at S is needed
when β > 0 and interpolation fails (all the check values of MATHEMATICS.md §4).

- **Valley** (``toylands.valley``; Example 1, Remark 1): ``f_i = g(s + a_i)``, ``s = Σ_j x_j``,
  ``q_i = 1/(1 + u_i²)``, ``u_i = s + a_i``; ``x − x_p = ((s − s*)/d) 1`` so
  ``a_i = 2 u_i q_i² (s − s*)`` and, completing the square,
  ``(s − s*)(s + a_i) = (s − μ_i)² − ν_i²``, ``μ_i = (s* − a_i)/2``, ``ν_i = (s* + a_i)/2``.
  The slack depends on x only through s, so the branch-and-bound runs over the s-interval
  ``[Σ lo_j, Σ hi_j]`` of the box (any dimension d).
- **Radial** (``toylands.radial``; Examples 2, 3, 6, Remark 1 bumps): ``f_i = h_i(u_i)``,
  ``u_i = ‖x − c_i‖²``, ``q_i = e^{−u}``, ``1/(1 + u)`` or ``3/(4 + u)``, and
  ``a_i = 2 h_i'(u_i) <x − c_i, x − p> = 2 h_i'(u_i) (‖x − m‖² − ρ²)`` with ``m = (c_i + p)/2``,
  ``ρ = ‖c_i − p‖/2``: every factor is a sum of squares of single coordinates or a monotone
  function of ``u_i``, so its interval range is exact up to rounding.

- **Generic** (``example3-printed``, whose misprinted f₂ is neither radial nor bounded): the
  natural interval extension of ``<∇f_i(x), x − p> − (α − β) f_i(x) + K_i(p)`` built from the
  landscape's sympy losses, ``K_i = α f_i(p) − β f_i*`` in 40-digit intervals. Looser, but any
  closed form made of rationals, integer powers and ``exp``.
"""

from __future__ import annotations

import functools

import numpy as np

from .arithmetic import Interval, from_mpi
from .minimizers import (
    _IvPrec,
    _krawczyk,
    _radial_constants,
    _remembered,
    _stack,
    _valley_constants,
)

__all__ = ["_PROFILE_IV", "_ValleyKernel", "_RadialKernel", "_GenericKernel", "_candidates"]


# ---- interval profiles (radial): q(u) and h'(u), both decreasing in u ≥ 0 ------------------
def _iv_gauss(u):
    e = (-u).exp()
    return e, e


def _iv_frac(u):
    w = 1.0 / (u + 1.0)
    return w, w.sqr()


def _iv_shifted(u):
    w = 1.0 / (u + 4.0)
    return w * 3.0, w.sqr() * 3.0


_PROFILE_IV = {"gauss": _iv_gauss, "frac": _iv_frac, "shifted": _iv_shifted}


# ---- kernels: interval slack on a batch of boxes ------------------------------------------
class _ValleyKernel:
    """Slack enclosures over s-intervals ``(N, 1)``: T ``(N, m, n)``, candidates ``(N, m)``."""

    def __init__(self, landscape, alpha, beta):
        self.star, self.mu, self.nu2, self.C, self.a = _valley_constants(landscape, alpha, beta)
        self.gap = Interval(alpha) - Interval(beta)
        self.dim = landscape.dim

    def slack(self, lo, hi):
        s = Interval(lo[:, 0], hi[:, 0])[:, None, None]  # (N, 1, 1)
        u = s + self.a  # (N, 1, n)
        q = 1.0 / (u.sqr() + 1.0)
        D = (s - self.mu[None]).sqr() - self.nu2[None]  # (N, m, n)
        T = q.sqr() * D * 2.0 + q * self.gap + self.C[None]
        d2 = (s[:, :, 0] - self.star[None]).sqr()  # (N, m)
        return T, _candidates(d2)


class _RadialKernel:
    """Slack enclosures over boxes ``(N, d)``: T ``(N, m, n)``, candidates ``(N, m)``."""

    def __init__(self, landscape, alpha, beta):
        self.P, self.M, self.R2, self.C, self.centres, keys = _radial_constants(
            landscape, alpha, beta
        )
        self.gap = Interval(alpha) - Interval(beta)
        self.groups = [(_PROFILE_IV[k], np.flatnonzero(np.array(keys) == k)) for k in set(keys)]
        self.dim = landscape.dim

    def slack(self, lo, hi):
        X = Interval(lo, hi)  # (N, d)
        Xn = X[:, None, :]
        u = (Xn - self.centres[None]).sqr().sum(axis=-1)  # (N, n)
        q_lo, q_hi = np.empty_like(u.lo), np.empty_like(u.lo)
        w_lo, w_hi = np.empty_like(u.lo), np.empty_like(u.lo)
        for fn, idx in self.groups:
            q, w = fn(u[:, idx])
            q_lo[:, idx], q_hi[:, idx], w_lo[:, idx], w_hi[:, idx] = q.lo, q.hi, w.lo, w.hi
        q, w = Interval(q_lo, q_hi)[:, None, :], Interval(w_lo, w_hi)[:, None, :]
        D = (X[:, None, None, :] - self.M[None]).sqr().sum(axis=-1) - self.R2[None]  # (N, m, n)
        T = w * D * 2.0 + q * self.gap + self.C[None]
        d2 = (Xn - self.P[None]).sqr().sum(axis=-1)  # (N, m)
        return T, _candidates(d2)


class _Backend:
    """How a :class:`_Program` evaluates constants, ``exp`` and integer powers."""

    def __init__(self, kind, mpm=None):
        self.kind, self.mpm = kind, mpm

    def const(self, r):
        if self.kind == "np":
            return _iv_rational(r)
        ctx = self.mpm.iv if self.kind == "iv" else self.mpm.mp
        return ctx.mpf(int(r.p)) / int(r.q)

    def exp(self, v):
        if self.kind == "np":
            return v.exp()
        return (self.mpm.iv if self.kind == "iv" else self.mpm.mp).exp(v)

    def pow(self, v, k: int):
        if self.kind != "np":
            return v**k
        if k < 0:
            return 1.0 / self.pow(v, -k)
        if k == 0:
            return Interval(1.0)
        if k % 2 == 0:
            return self.pow(v.sqr(), k // 2) if k > 2 else v.sqr()
        return v * self.pow(v, k - 1) if k > 1 else v


def _iv_rational(r) -> Interval:
    """A double interval containing the rational ``r`` (exact when r is a double)."""
    return Interval(*_rational_ends(int(r.p), int(r.q)))


@functools.lru_cache(maxsize=4096)
def _rational_ends(p: int, q: int) -> tuple:
    """``(lo, hi)`` doubles around ``p/q`` (remembered: kernels meet the same constants at
    every (α, β))."""
    from fractions import Fraction

    exact = Fraction(p, q)
    f = float(exact)
    if Fraction(f) == exact:
        return f, f
    return float(np.nextafter(f, -np.inf)), float(np.nextafter(f, np.inf))


class _Program:
    """Sympy expressions (Add, Mul, integer Pow, exp, rationals) compiled into a straight-line
    program: every distinct subexpression once, in dependency order, each Add and Mul folded
    left over its arguments. Run in a backend (:class:`_Backend`: double intervals, the
    default, with the constants made intervals once; or mpmath ``mp`` / ``iv`` numbers). A
    slack evaluation runs a short list instead of walking several hundred sympy nodes, most
    of them repeated."""

    def __init__(self, exprs, symbols):
        import sympy as sp

        self.ops: list = []  # (kind, payload): "in" k | "const" Rational | "add"/"mul" indices
        index: dict = {}  # | "pow" (i, k) | "exp" i
        slots = {v: k for k, v in enumerate(symbols)}

        def visit(e):
            if e in index:
                return index[e]
            if e.is_Symbol:
                op = ("in", slots[e])
            elif e.is_Rational or e.is_Float:
                op = ("const", e if e.is_Rational else sp.Rational(e))
            elif e.is_Add or e.is_Mul:
                op = ("add" if e.is_Add else "mul", [visit(a) for a in e.args])
            elif e.is_Pow and e.exp.is_Integer:
                op = ("pow", (visit(e.base), int(e.exp)))
            elif isinstance(e, sp.exp):
                op = ("exp", visit(e.args[0]))
            else:
                raise NotImplementedError(f"the generic interval kernel cannot evaluate {e}")
            self.ops.append(op)
            index[e] = len(self.ops) - 1
            return index[e]

        self.outputs = [visit(e) for e in exprs]
        self._np = _Backend("np")
        self._np_consts = {k: self._np.const(a) for k, (kind, a) in enumerate(self.ops)
                           if kind == "const"}

    def __call__(self, inputs, be: _Backend | None = None) -> list:
        np_be = be is None
        be = self._np if np_be else be
        vals: list = []
        for k, (kind, arg) in enumerate(self.ops):
            if kind == "in":
                v = inputs[arg]
            elif kind == "const":
                v = self._np_consts[k] if np_be else be.const(arg)
            elif kind == "add" or kind == "mul":
                v = vals[arg[0]]
                for j in arg[1:]:
                    v = v + vals[j] if kind == "add" else v * vals[j]
            elif kind == "pow":
                v = be.pow(vals[arg[0]], arg[1])
            else:
                v = be.exp(vals[arg])
            vals.append(v)
        return [vals[k] for k in self.outputs]


class _GenericKernel:
    """Slack enclosures from the landscape's sympy losses (natural interval extension):
    ``T_i = <∇f_i(x), x − p> − (α − β) f_i(x) + K_i(p)``, ``K_i = α f_i(p) − β f_i*`` in
    40-digit interval arithmetic. Looser than the structured kernels, but any closed form."""

    def __init__(self, landscape, alpha, beta):
        self.P, FP, self.program, self.n, self.dim = _remembered(
            landscape, "generic", lambda: _generic_parts(landscape))
        self.gap = Interval(alpha) - Interval(beta)
        with _IvPrec() as mpm:
            iv = mpm.iv
            A, B = iv.mpf(float(alpha)), iv.mpf(float(beta))
            self.K = _stack([[from_mpi(A * fp - B * iv.mpf(float(fs)))
                              for fp, fs in zip(row, landscape.f_i_star)] for row in FP])

    def slack(self, lo, hi):
        N = lo.shape[0]
        m = self.P.shape[0]
        xs = [Interval(lo[:, k], hi[:, k])[:, None] for k in range(self.dim)]  # (N, 1)
        ps = [self.P[None, :, k] for k in range(self.dim)]  # (1, m)
        out = self.program(xs + ps)
        cols = []
        for i in range(self.n):
            a, fx = out[i], out[self.n + i]
            T = a - fx * self.gap + self.K[None, :, i]
            cols.append(Interval(np.broadcast_to(T.lo, (N, m)), np.broadcast_to(T.hi, (N, m))))
        T = Interval(
            np.stack([c.lo for c in cols], axis=-1), np.stack([c.hi for c in cols], axis=-1)
        )
        d2 = None
        for k in range(self.dim):
            t = (xs[k] - ps[k]).sqr()
            d2 = t if d2 is None else d2 + t
        return T, _candidates(d2)


def _generic_parts(landscape):
    """The α-β-free part of :class:`_GenericKernel`: the minimizers' enclosures (Krawczyk on
    the sympy gradient), ``f_i`` at them (mpmath intervals), and the compiled program of the
    terms ``<∇f_i(x), x − p>`` and ``f_i(x)``."""
    import sympy as sp

    sym = landscape.symbolic()
    X = list(sym.symbols)
    d = len(X)
    Pv = list(sp.symbols(f"p0:{d}"))
    f = sym.losses
    grads = [[sp.diff(fi, v) for v in X] for fi in f]
    F = [sum(fi for fi in f) / len(f)]
    gradF = [sp.diff(F[0], v) for v in X]
    hessF = [[sp.diff(gv, v) for v in X] for gv in gradF]
    a_exprs = [sum(gk * (xk - pk) for gk, xk, pk in zip(g, X, Pv)) for g in grads]
    with _IvPrec() as mpm:
        mp, iv = mpm.mp, mpm.iv
        be_mp, be_iv = _Backend("mp", mpm), _Backend("iv", mpm)

        grad_p, hess_p, f_p = _Program(gradF, X), _Program(sum(hessF, []), X), _Program(f, X)

        def Fn(x, ctx):
            return grad_p(list(x), be_iv if ctx is iv else be_mp)

        def Jn(x, ctx):
            flat = hess_p(list(x), be_iv if ctx is iv else be_mp)
            return [flat[k * d:(k + 1) * d] for k in range(d)]

        P, FP = [], []
        for p0 in landscape.minimizers.points:
            Xp = _krawczyk(Fn, Jn, list(p0), mp, iv)
            P.append([from_mpi(v) for v in Xp])
            FP.append(f_p(list(Xp), be_iv))
    return _stack(P), FP, _Program(a_exprs + list(f), X + Pv), len(f), d


def _candidates(d2: Interval) -> np.ndarray:
    """Points that may be nearest somewhere in the box: ``d²_j.lo ≤ min_k d²_k.hi``."""
    return d2.lo <= d2.hi.min(axis=-1, keepdims=True)
