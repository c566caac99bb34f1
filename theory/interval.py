r"""Rigorous branch-and-bound proof of the α-β-condition over a box (issue 4, item 3 "interval").

The α-β slack of spec §2 ([AB] Definition 1, Eq. (2)) is

    T_i(x; x_p) = <∇f_i(x), x − x_p> − α (f_i(x) − f_i(x_p)) + β (f_i(x) − f_i*),

and the condition holds on a box B when, for every x ∈ B, some nearest point x_p ∈ Proj(x, S)
makes ``T_i(x; x_p) ≥ 0`` for every i. We prove it by covering B with boxes on each of which an
outward-rounded interval enclosure (``theory._intervals``) of the slack is ``≥ 0``.

Forms that stay tight (the point of the method)
-----------------------------------------------
Both families have ``f_i = H − q_i`` with ``H = 1`` and ``q_i → 0`` at infinity, so

    T_i = a_i + (α − β) q_i(x) + C_i(x_p),    C_i(x_p) = α f_i(x_p) − β f_i* − (α − β).

``α`` never multiplies a function of x: only the gap ``α − β`` does, and the large constant
``α f_i(x_p)`` (≈ 8.8·10⁶ in Example 2) is folded with ``−(α − β)`` into ``C_i`` in 40-digit
interval arithmetic *before* rounding to doubles. ``C_i`` is the limit of the slack at infinity,
so a tiny ``C_i ≥ 0`` (Example 2 at ``α = 8/c``: ``C_1 ≈ 2·10⁻¹²``) is decided exactly, and at
``x = x_p`` the slack equals ``β (f_i(x_p) − f_i*) > 0``, so no local argument at S is needed
when β > 0 and interpolation fails (all the check values of spec §4).

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

Finite S (several minimizers p_j): on a box B the candidates are the p_j whose squared distance
interval over B has lower end ``≤ min_k`` (upper end of the others); the true nearest point of
every x ∈ B is a candidate. The box passes if ``T(·; p_j) ≥ 0`` on B for *every* candidate —
sufficient for Definition 1 (which needs one nearest point to work). At a bisector both
candidates work by continuity (each works on the closure of its Voronoi cell), so splitting
converges there too.

Numerically solved minimizers are enclosed rigorously: Newton in 40-digit mpmath, then the
Krawczyk test ``K(X) ⊂ int X`` in ``mpmath.iv`` proves a unique zero of ∇f (of h' for the
valley) in a box ``X`` of radius ~1e−25 around it, and X is carried through ``x_p``, ``m``, ``ρ``
and ``C_i``. That these zeros are *the* global minimizers, and all of them, is the landscape's
ground truth (its provenance; the convex-hull argument in ``toylands.radial``), not re-proved.

Verdicts: ``proved`` when every leaf box has a rigorous lower bound ``≥ 0``; ``refuted`` when a
point's rigorous upper bound is ``< 0`` for every candidate nearest point (a counterexample);
``inconclusive`` with the undecided boxes when the budget (boxes, seconds) runs out.
"""

from __future__ import annotations

import time

import numpy as np

from ._intervals import Interval, from_mpi
from .certificate import INCONCLUSIVE, PROVED, REFUTED, Certificate
from .conditions import check_constants

__all__ = ["supports_interval", "certify_interval", "DEFAULT_BUDGET"]

DEFAULT_BUDGET = {"boxes": 2_000_000, "seconds": 30.0}
_DPS = 40  # digits of the mpmath enclosures
_BATCH = 65_536  # boxes per numpy call
_MAX_RADIAL_DIM = 3
# Closed-form landscapes whose sympy losses the generic kernel evaluates (exp, rational powers
# of polynomials); the radial and valley families have their own, tighter kernels.
_GENERIC_CLASSES = ("PrintedExample3",)


# ---- which landscapes ---------------------------------------------------------------------
def _family(landscape) -> str | None:
    from toylands.sets import AffineSet, PointSet, UnionSet

    S = landscape.minimizers
    if hasattr(landscape, "a") and type(landscape).__name__ == "Valley":
        comps = S.components if isinstance(S, UnionSet) else (S,)
        if all(isinstance(c, AffineSet) for c in comps):
            return "valley"
    if (
        type(landscape).__name__ == "RadialSum"
        and isinstance(S, PointSet)
        and landscape.dim <= _MAX_RADIAL_DIM
        and all(p.key in _PROFILE_IV for p in landscape.profiles)
    ):
        return "radial"
    if (
        isinstance(S, PointSet)
        and landscape.dim <= _MAX_RADIAL_DIM
        and getattr(landscape, "closed_form", False)
        and type(landscape).__name__ in _GENERIC_CLASSES
    ):
        return "generic"
    return None


def supports_interval(landscape) -> bool:
    """Whether :func:`certify_interval` applies: valley landscapes (Example 1, Remark 1 valley,
    any d), radial sums (Examples 2, 3, 6, Remark 1 bumps) in dimension ≤ 3, and the printed
    Example 3 (generic kernel)."""
    return _family(landscape) is not None


# ---- mpmath enclosures --------------------------------------------------------------------
class _IvPrec:
    """Set ``mpmath.iv`` and ``mpmath.mp`` to ``_DPS`` digits for a block, then restore."""

    def __enter__(self):
        import mpmath

        self.saved = (mpmath.iv.prec, mpmath.mp.prec)
        mpmath.iv.dps = _DPS
        mpmath.mp.dps = _DPS
        return mpmath

    def __exit__(self, *exc):
        import mpmath

        mpmath.iv.prec, mpmath.mp.prec = self.saved


def _profile_mp(key, ctx):
    """``(h, h', h'')`` of a radial profile on numbers of the mpmath context ``ctx``."""
    if key == "gauss":
        return (lambda u: 1 - ctx.exp(-u), lambda u: ctx.exp(-u), lambda u: -ctx.exp(-u))
    if key == "frac":
        return (lambda u: u / (1 + u), lambda u: 1 / (1 + u) ** 2, lambda u: -2 / (1 + u) ** 3)
    if key == "shifted":
        return (
            lambda u: (1 + u) / (4 + u),
            lambda u: 3 / (4 + u) ** 2,
            lambda u: -6 / (4 + u) ** 3,
        )
    raise KeyError(key)


def _krawczyk(F, J, x0, ctx_mp, ctx_iv):
    """Newton-polish ``x0`` for ``F = 0`` and prove a unique zero in a tiny box (Krawczyk).

    ``F(x, ctx)`` and ``J(x, ctx)`` take lists of context numbers. Returns the verified box as a
    list of ``mpmath.iv`` intervals; raises ``ArithmeticError`` if no radius verifies.
    """
    d = len(x0)
    x = [ctx_mp.mpf(float(v)) for v in x0]
    for _ in range(60):
        step = ctx_mp.lu_solve(ctx_mp.matrix(J(x, ctx_mp)), ctx_mp.matrix(F(x, ctx_mp)))
        x = [x[k] - step[k] for k in range(d)]
        if max(abs(step[k]) for k in range(d)) < ctx_mp.mpf(10) ** (-_DPS + 5):
            break
    Y = ctx_mp.inverse(ctx_mp.matrix(J(x, ctx_mp)))
    xi = [ctx_iv.mpf(v) for v in x]
    Fx = F(xi, ctx_iv)
    scale = 1 + max(abs(v) for v in x)
    for r in (1e-30, 1e-25, 1e-20, 1e-15, 1e-12):
        rad = ctx_mp.mpf(r) * scale
        X = [ctx_iv.mpf([v - rad, v + rad]) for v in x]
        JX = J(X, ctx_iv)
        ok = True
        for a in range(d):
            k = xi[a] - sum(ctx_iv.mpf(Y[a, b]) * Fx[b] for b in range(d))
            for c in range(d):
                m = (1 if a == c else 0) - sum(ctx_iv.mpf(Y[a, b]) * JX[b][c] for b in range(d))
                k = k + m * (X[c] - xi[c])
            if not (k.a > X[a].a and k.b < X[a].b):
                ok = False
                break
        if ok:
            return X
    raise ArithmeticError("Krawczyk test failed: no verified enclosure of the minimizer")


def _valley_constants(landscape, alpha, beta):
    """Enclosures of s*_k and, per (k, i), μ, ν², C (valley family)."""
    from toylands.sets import UnionSet

    S = landscape.minimizers
    comps = S.components if isinstance(S, UnionSet) else (S,)
    a = [float(v) for v in landscape.a]
    with _IvPrec() as mpm:
        mp, iv = mpm.mp, mpm.iv

        def F(s, ctx):
            return [sum((s[0] + ai) / (1 + (s[0] + ai) ** 2) ** 2 for ai in a)]

        def J(s, ctx):
            return [[sum((1 - 3 * (s[0] + ai) ** 2) / (1 + (s[0] + ai) ** 2) ** 3 for ai in a)]]

        stars, mu, nu2, C = [], [], [], []
        A, B = iv.mpf(float(alpha)), iv.mpf(float(beta))
        for comp in comps:
            s0 = float(np.sum(comp.point))
            X = _krawczyk(F, J, [s0], mp, iv)[0]
            stars.append(from_mpi(X))
            mu.append([from_mpi((X - ai) / 2) for ai in a])
            nu2.append([from_mpi(((X + ai) / 2) ** 2) for ai in a])
            C.append([from_mpi(A * ((X + ai) ** 2 / ((X + ai) ** 2 + 1)) - (A - B)) for ai in a])

    return _stack(stars), _stack(mu), _stack(nu2), _stack(C), np.asarray(a)


def _radial_constants(landscape, alpha, beta):
    """Enclosures of each minimizer p_j and, per (j, i), m (d-vector), ρ², C."""
    C_ = [[float(v) for v in c] for c in landscape.centres]
    keys = [p.key for p in landscape.profiles]
    d = landscape.dim
    with _IvPrec() as mpm:
        mp, iv = mpm.mp, mpm.iv

        def F(x, ctx):
            out = [0] * d
            for c, key in zip(C_, keys):
                u = sum((x[k] - c[k]) ** 2 for k in range(d))
                w = _profile_mp(key, ctx)[1](u)
                for k in range(d):
                    out[k] = out[k] + w * (x[k] - c[k])
            return out

        def J(x, ctx):
            out = [[0] * d for _ in range(d)]
            for c, key in zip(C_, keys):
                u = sum((x[k] - c[k]) ** 2 for k in range(d))
                _, h1, h2 = _profile_mp(key, ctx)
                w1, w2 = h1(u), h2(u)
                for a in range(d):
                    for b in range(d):
                        out[a][b] = out[a][b] + 2 * w2 * (x[a] - c[a]) * (x[b] - c[b])
                    out[a][a] = out[a][a] + w1
            return out

        A, B = iv.mpf(float(alpha)), iv.mpf(float(beta))
        P, M, R2, K = [], [], [], []
        for p0 in landscape.minimizers.points:
            X = _krawczyk(F, J, list(p0), mp, iv)
            P.append([from_mpi(v) for v in X])
            mrow, rrow, krow = [], [], []
            for c, key in zip(C_, keys):
                h = _profile_mp(key, iv)[0]
                u = sum((X[k] - c[k]) ** 2 for k in range(d))
                mrow.append([from_mpi((X[k] + c[k]) / 2) for k in range(d)])
                rrow.append(from_mpi(u / 4))
                krow.append(from_mpi(A * h(u) - B * h(iv.mpf(0)) - (A - B)))
            M.append(mrow)
            R2.append(rrow)
            K.append(krow)

    return _stack(P), _stack(M), _stack(R2), _stack(K), np.asarray(C_), keys


def _stack(rows) -> Interval:
    """Nested lists of scalar Intervals -> one Interval array of that shape."""

    def ends(r, which):
        if isinstance(r, Interval):
            return float(getattr(r, which))
        return [ends(v, which) for v in r]

    return Interval(np.array(ends(rows, "lo")), np.array(ends(rows, "hi")))


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
    """How :func:`_tree_eval` evaluates constants, ``exp`` and integer powers."""

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
    from fractions import Fraction

    q = Fraction(int(r.p), int(r.q))
    f = float(q)
    if Fraction(f) == q:
        return Interval(f)
    return Interval(np.nextafter(f, -np.inf), np.nextafter(f, np.inf))


def _tree_eval(expr, env, be: _Backend):
    """Evaluate a sympy expression (Add, Mul, integer Pow, exp, rationals) in a backend."""
    import sympy as sp

    if expr.is_Symbol:
        return env[expr]
    if expr.is_Rational:
        return be.const(expr)
    if expr.is_Float:
        return be.const(sp.Rational(expr))
    if expr.is_Add:
        out = None
        for a in expr.args:
            v = _tree_eval(a, env, be)
            out = v if out is None else out + v
        return out
    if expr.is_Mul:
        out = None
        for a in expr.args:
            v = _tree_eval(a, env, be)
            out = v if out is None else out * v
        return out
    if expr.is_Pow and expr.exp.is_Integer:
        return be.pow(_tree_eval(expr.base, env, be), int(expr.exp))
    if isinstance(expr, sp.exp):
        return be.exp(_tree_eval(expr.args[0], env, be))
    raise NotImplementedError(f"the generic interval kernel cannot evaluate {expr}")


class _GenericKernel:
    """Slack enclosures from the landscape's sympy losses (natural interval extension):
    ``T_i = <∇f_i(x), x − p> − (α − β) f_i(x) + K_i(p)``, ``K_i = α f_i(p) − β f_i*`` in
    40-digit interval arithmetic. Looser than the structured kernels, but any closed form."""

    def __init__(self, landscape, alpha, beta):
        import sympy as sp

        sym = landscape.symbolic()
        X = list(sym.symbols)
        d = len(X)
        self.X = X
        self.Pv = list(sp.symbols(f"p0:{d}"))
        f = sym.losses
        grads = [[sp.diff(fi, v) for v in X] for fi in f]
        F = [sum(fi for fi in f) / len(f)]
        gradF = [sp.diff(F[0], v) for v in X]
        hessF = [[sp.diff(gv, v) for v in X] for gv in gradF]
        self.a_exprs = [
            sum(gk * (xk - pk) for gk, xk, pk in zip(g, X, self.Pv)) for g in grads
        ]
        self.f_exprs = list(f)
        self.gap = Interval(alpha) - Interval(beta)
        with _IvPrec() as mpm:
            mp, iv = mpm.mp, mpm.iv
            be_mp, be_iv = _Backend("mp", mpm), _Backend("iv", mpm)

            def Fn(x, ctx):
                be = be_iv if ctx is iv else be_mp
                env = dict(zip(X, x))
                return [_tree_eval(e, env, be) for e in gradF]

            def Jn(x, ctx):
                be = be_iv if ctx is iv else be_mp
                env = dict(zip(X, x))
                return [[_tree_eval(e, env, be) for e in row] for row in hessF]

            A, B = iv.mpf(float(alpha)), iv.mpf(float(beta))
            P, K = [], []
            for p0 in landscape.minimizers.points:
                Xp = _krawczyk(Fn, Jn, list(p0), mp, iv)
                P.append([from_mpi(v) for v in Xp])
                env = dict(zip(X, Xp))
                K.append(
                    [
                        from_mpi(A * _tree_eval(fi, env, be_iv) - B * iv.mpf(float(fs)))
                        for fi, fs in zip(f, landscape.f_i_star)
                    ]
                )
        self.P, self.K = _stack(P), _stack(K)
        self.dim = d
        self.be = _Backend("np")

    def slack(self, lo, hi):
        N = lo.shape[0]
        m = self.P.shape[0]
        xs = [Interval(lo[:, k], hi[:, k])[:, None] for k in range(self.dim)]  # (N, 1)
        ps = [self.P[None, :, k] for k in range(self.dim)]  # (1, m)
        env = dict(zip(self.X, xs))
        env.update(zip(self.Pv, ps))
        cols = []
        for i, (ae, fe) in enumerate(zip(self.a_exprs, self.f_exprs)):
            a = _tree_eval(ae, env, self.be)
            fx = _tree_eval(fe, env, self.be)
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


def _candidates(d2: Interval) -> np.ndarray:
    """Points that may be nearest somewhere in the box: ``d²_j.lo ≤ min_k d²_k.hi``."""
    return d2.lo <= d2.hi.min(axis=-1, keepdims=True)


def _bounds(kernel, lo, hi):
    """Per box: rigorous lower bound of the slack (worst candidate, worst i), and the upper
    bound of the best candidate's worst i (``< 0`` at a point means a counterexample)."""
    T, cand = kernel.slack(lo, hi)
    tlo = T.lo.min(axis=-1)  # (N, m)
    thi = T.hi.min(axis=-1)
    lower = np.where(cand, tlo, np.inf).min(axis=-1)
    upper = np.where(cand, thi, -np.inf).max(axis=-1)
    return lower, upper


# ---- branch and bound -----------------------------------------------------------------------
def _parse_budget(budget):
    out = dict(DEFAULT_BUDGET)
    if budget is None:
        return out
    if isinstance(budget, (int, np.integer)) and not isinstance(budget, bool):
        out["boxes"] = int(budget)
    elif isinstance(budget, dict):
        unknown = set(budget) - {"boxes", "seconds"}
        if unknown:
            raise ValueError(f"unknown budget keys {sorted(unknown)}; use 'boxes', 'seconds'")
        out.update(budget)
    else:
        raise TypeError("budget must be None, an int (boxes) or a dict {'boxes', 'seconds'}")
    if not (out["boxes"] >= 1 and out["seconds"] > 0):
        raise ValueError(f"budget must be positive, got {out}")
    return out


def _branch_and_bound(kernel, lo, hi, *, budget, refute_check=None, min_width=1e-12):
    """Cover ``[lo, hi]`` by boxes with slack lower bound ≥ 0, or find a counterexample.

    Returns a dict: status ('proved' | 'refuted' | 'budget'), boxes, seconds, lower (min over
    proved leaves), worst (min over box-centre estimates) and its point, counterexample,
    undecided boxes.
    """
    t0 = time.perf_counter()
    k = lo.size
    per = max(1, int(round(64 ** (1.0 / k))))
    edges = [np.linspace(lo[j], hi[j], per + 1) for j in range(k)]
    grids = np.meshgrid(*[np.arange(per)] * k, indexing="ij")
    idx = np.stack([g.ravel() for g in grids], axis=-1)
    blo = np.stack([edges[j][idx[:, j]] for j in range(k)], axis=-1)
    bhi = np.stack([edges[j][idx[:, j] + 1] for j in range(k)], axis=-1)
    boxes, lower = 0, np.inf
    worst, worst_pt = np.inf, None
    tiny = []
    status = "proved"
    scale = np.maximum(np.abs(lo), np.abs(hi)) + 1.0
    while len(blo):
        if boxes >= budget["boxes"] or time.perf_counter() - t0 > budget["seconds"]:
            status = "budget"
            break
        nb = min(len(blo), _BATCH)
        clo, chi, blo, bhi = blo[:nb], bhi[:nb], blo[nb:], bhi[nb:]
        boxes += nb
        lb, _ = _bounds(kernel, clo, chi)
        mid = 0.5 * clo + 0.5 * chi
        _, ub = _bounds(kernel, mid, mid)
        j = int(np.argmin(ub))
        if ub[j] < worst:
            worst, worst_pt = float(ub[j]), mid[j].copy()
        ok = lb >= 0
        if ok.any():
            lower = min(lower, float(lb[ok].min()))
        clo, chi, mid, ub = clo[~ok], chi[~ok], mid[~ok], ub[~ok]
        if not len(clo):
            continue
        bad = np.flatnonzero(ub < 0)
        for b in bad[np.argsort(ub[bad])]:
            pt = mid[b] if refute_check is None else refute_check(mid[b])
            if pt is not None:
                return _bb_result(
                    REFUTED, boxes, t0, lower, float(ub[b]), pt, counterexample=pt
                )
        w = chi - clo
        small = np.all(w <= min_width * scale, axis=-1)
        if small.any():
            tiny.extend(zip(clo[small], chi[small]))
            clo, chi, w = clo[~small], chi[~small], w[~small]
        ax = np.argmax(w / scale, axis=-1)
        r = np.arange(len(clo))
        cut = 0.5 * clo[r, ax] + 0.5 * chi[r, ax]
        lhi, rlo = chi.copy(), clo.copy()
        lhi[r, ax], rlo[r, ax] = cut, cut
        blo = np.concatenate([np.concatenate([clo, rlo]), blo])
        bhi = np.concatenate([np.concatenate([lhi, chi]), bhi])
    undecided = [(a, b) for a, b in tiny] + (
        list(zip(blo, bhi)) if status == "budget" else []
    )
    if undecided and status == "proved":
        status = "budget"
    return _bb_result(status, boxes, t0, lower, worst, worst_pt, undecided=undecided)


def _bb_result(status, boxes, t0, lower, worst, worst_pt, counterexample=None, undecided=()):
    return {
        "status": status,
        "boxes": int(boxes),
        "seconds": time.perf_counter() - t0,
        "lower": lower,
        "worst": worst,
        "worst_point": worst_pt,
        "counterexample": counterexample,
        "undecided": list(undecided),
    }


# ---- the public entry point -------------------------------------------------------------------
def certify_interval(landscape, alpha, beta, *, domain=None, budget=None) -> Certificate:
    r"""Prove, refute, or leave undecided the α-β-condition on a box by branch-and-bound.

    Parameters
    ----------
    landscape
        A valley (``example1``, ``remark1-valley``) or radial (``example2``, ``example3``,
        ``example6``, ``remark1-bumps`` in d ≤ 3) landscape; see :func:`supports_interval`.
    alpha, beta : float
        The constants of [AB] Definition 1 (spec §2), ``alpha > beta >= 0``; used as the exact
        reals their doubles denote.
    domain : toylands.Box, optional
        The box X of the claim; the landscape's default domain when omitted.
    budget : int or dict, optional
        ``{"boxes": N, "seconds": t}`` (an int is N); default :data:`DEFAULT_BUDGET`.

    Returns
    -------
    Certificate
        ``proved`` (every leaf box has a rigorous slack lower bound ≥ 0), ``refuted`` (a point
        whose rigorous slack upper bound is < 0 for every possible nearest point; in
        ``worst_point``) or ``inconclusive`` (budget spent; ``details["undecided"]`` lists the
        undecided boxes). ``min_slack`` is the smallest slack estimate seen at box centres;
        ``details["certified_lower_bound"]`` the rigorous lower bound when proved.

    Examples
    --------
    >>> import toylands
    >>> certify_interval(toylands.get("example1"), 2.5, 2.0).verdict
    'proved'
    """
    from toylands.domain import Box

    a, b = check_constants(alpha, beta)
    fam = _family(landscape)
    if fam is None:
        raise ValueError(
            f"the interval method does not apply to {landscape.name!r}: it handles valley "
            f"and radial-sum landscapes in dimension <= {_MAX_RADIAL_DIM}"
        )
    domain = landscape.domain if domain is None else domain
    if not isinstance(domain, Box) or domain.dim != landscape.dim:
        raise ValueError(f"domain must be a toylands.Box of dimension {landscape.dim}")
    bud = _parse_budget(budget)
    t0 = time.perf_counter()
    if fam == "valley":
        kernel = _ValleyKernel(landscape, a, b)
        srange = Interval(domain.lo).sum(axis=0), Interval(domain.hi).sum(axis=0)
        lo, hi = np.array([float(srange[0].lo)]), np.array([float(srange[1].hi)])

        def refute_check(s):
            x = _point_with_sum(domain, float(s[0]))
            sx = Interval(x).sum(axis=0)
            _, ub = _bounds(kernel, np.array([[sx.lo]]), np.array([[sx.hi]]))
            return x if ub[0] < 0 else None

        res = _branch_and_bound(kernel, lo, hi, budget=bud, refute_check=refute_check)
        to_x = _s_to_point_fn(domain)
        reduced = "s = sum(x)"
    else:
        kernel = (_RadialKernel if fam == "radial" else _GenericKernel)(landscape, a, b)
        res = _branch_and_bound(kernel, domain.lo.copy(), domain.hi.copy(), budget=bud)

        def to_x(p):
            return p

        reduced = None
    seconds = time.perf_counter() - t0
    budget_used = {"boxes": res["boxes"], "seconds": seconds}
    details = {"family": fam, "reduced_variable": reduced}
    common = dict(
        condition="alpha-beta",
        constants={"alpha": a, "beta": b},
        method="interval",
        domain=domain,
        budget=budget_used,
    )
    worst_pt = None if res["worst_point"] is None else to_x(res["worst_point"])
    if res["status"] == REFUTED:
        return Certificate(
            verdict=REFUTED,
            min_slack=res["worst"],
            worst_point=np.asarray(res["counterexample"]),
            reason="rigorous slack upper bound < 0 at worst_point for every nearest point",
            details=details,
            **common,
        )
    if res["status"] == PROVED:
        details["certified_lower_bound"] = res["lower"]
        return Certificate(
            verdict=PROVED,
            min_slack=res["worst"],
            worst_point=worst_pt,
            details=details,
            **common,
        )
    und = res["undecided"]
    details["undecided"] = [
        {"lo": np.asarray(lo_).tolist(), "hi": np.asarray(hi_).tolist()} for lo_, hi_ in und[:50]
    ]
    details["n_undecided"] = len(und)
    where = ""
    if und:
        los = np.array([u[0] for u in und])
        his = np.array([u[1] for u in und])
        where = f" within [{los.min(0).tolist()}, {his.max(0).tolist()}]"
        if reduced:
            where += f" ({reduced})"
    return Certificate(
        verdict=INCONCLUSIVE,
        min_slack=res["worst"],
        worst_point=worst_pt,
        reason=f"budget spent ({res['boxes']} boxes) with {len(und)} "
        f"undecided boxes{where}",
        details=details,
        **common,
    )


def _point_with_sum(domain, s):
    """A point of the box whose coordinates sum to about ``s`` (moves along lo → hi)."""
    lo, hi = domain.lo, domain.hi
    t = (s - lo.sum()) / (hi.sum() - lo.sum())
    return np.clip(lo + np.clip(t, 0.0, 1.0) * (hi - lo), lo, hi)


def _s_to_point_fn(domain):
    def to_x(p):
        return _point_with_sum(domain, float(np.asarray(p).reshape(-1)[0]))

    return to_x
