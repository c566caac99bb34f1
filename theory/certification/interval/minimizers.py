r"""Rigorous enclosures of the minimizers and of the slack's x_p-terms (the interval method's
helper).

One job: the numbers of the α-β slack (MATHEMATICS.md §2, [AB] Definition 1, Eq. (2)) that depend
only on the nearest point ``x_p``, enclosed in outward-rounded intervals for the branch-and-bound.

Numerically solved minimizers are enclosed rigorously: Newton in 40-digit mpmath, then the
Krawczyk test ``K(X) ⊂ int X`` in ``mpmath.iv`` proves a unique zero of ∇f (of h' for the
valley) in a box ``X`` of radius ~1e−25 around it, and X is carried through ``x_p``, ``m``, ``ρ``
and ``C_i``. That these zeros are *the* global minimizers, and all of them, is the landscape's
ground truth (its provenance; the convex-hull argument in ``toylands.radial``), not re-proved.
"""

from __future__ import annotations

import weakref

import numpy as np

from toylands._memo import memo_for

from .arithmetic import Interval, from_mpi

__all__ = [
    "_DPS",
    "_IvPrec",
    "_krawczyk",
    "_profile_mp",
    "_radial_constants",
    "_remembered",
    "_stack",
    "_valley_constants",
]

_DPS = 40  # digits of the mpmath enclosures


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


# The enclosures of the minimizers (Krawczyk: milliseconds to seconds in mpmath) depend on the
# landscape only, and a frontier's bisection builds a kernel for every (α, β) it tries: they are
# remembered per landscape (weakly: they go with it). Only the α-β terms are computed per kernel,
# by the same operations on the same enclosures: the same bits as computing everything anew.
_ENCLOSURES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _remembered(landscape, kind: str, compute):
    """``compute()``, remembered for ``landscape`` under ``kind`` (see ``_ENCLOSURES``)."""
    memo = memo_for(_ENCLOSURES, landscape)
    if memo is None:
        return compute()
    if kind not in memo:
        memo[kind] = compute()
    return memo[kind]


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
    stars, mu, nu2, G, a = _remembered(landscape, "valley", lambda: _valley_enclosures(landscape))
    with _IvPrec() as mpm:
        iv = mpm.iv
        A, B = iv.mpf(float(alpha)), iv.mpf(float(beta))
        C = [[from_mpi(A * g - (A - B)) for g in row] for row in G]
    return stars, mu, nu2, _stack(C), a


def _valley_enclosures(landscape):
    """The α-β-free part of :func:`_valley_constants`: s*_k, μ, ν² and, per (k, i), the mpmath
    interval ``(s*_k + a_i)² / ((s*_k + a_i)² + 1)``."""
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

        stars, mu, nu2, G = [], [], [], []
        for comp in comps:
            s0 = float(np.sum(comp.point))
            X = _krawczyk(F, J, [s0], mp, iv)[0]
            stars.append(from_mpi(X))
            mu.append([from_mpi((X - ai) / 2) for ai in a])
            nu2.append([from_mpi(((X + ai) / 2) ** 2) for ai in a])
            G.append([(X + ai) ** 2 / ((X + ai) ** 2 + 1) for ai in a])

    return _stack(stars), _stack(mu), _stack(nu2), G, np.asarray(a)


def _radial_constants(landscape, alpha, beta):
    """Enclosures of each minimizer p_j and, per (j, i), m (d-vector), ρ², C."""
    P, M, R2, HU, H0, C_, keys = _remembered(landscape, "radial",
                                             lambda: _radial_enclosures(landscape))
    with _IvPrec() as mpm:
        iv = mpm.iv
        A, B = iv.mpf(float(alpha)), iv.mpf(float(beta))
        K = [[from_mpi(A * hu - B * h0 - (A - B)) for hu, h0 in zip(row, H0)] for row in HU]
    return P, M, R2, _stack(K), C_, keys


def _radial_enclosures(landscape):
    """The α-β-free part of :func:`_radial_constants`: p_j, m, ρ² and, as mpmath intervals,
    ``h_i(|p_j − c_i|²)`` per (j, i) and ``h_i(0)`` per i."""
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

        H0 = [_profile_mp(key, iv)[0](iv.mpf(0)) for key in keys]
        P, M, R2, HU = [], [], [], []
        for p0 in landscape.minimizers.points:
            X = _krawczyk(F, J, list(p0), mp, iv)
            P.append([from_mpi(v) for v in X])
            mrow, rrow, hrow = [], [], []
            for c, key in zip(C_, keys):
                h = _profile_mp(key, iv)[0]
                u = sum((X[k] - c[k]) ** 2 for k in range(d))
                mrow.append([from_mpi((X[k] + c[k]) / 2) for k in range(d)])
                rrow.append(from_mpi(u / 4))
                hrow.append(h(u))
            M.append(mrow)
            R2.append(rrow)
            HU.append(hrow)

    return _stack(P), _stack(M), _stack(R2), HU, H0, np.asarray(C_), keys


def _stack(rows) -> Interval:
    """Nested lists of scalar Intervals -> one Interval array of that shape."""

    def ends(r, which):
        if isinstance(r, Interval):
            return float(getattr(r, which))
        return [ends(v, which) for v in r]

    return Interval(np.array(ends(rows, "lo")), np.array(ends(rows, "hi")))
