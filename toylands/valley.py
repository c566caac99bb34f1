r"""Example 1 of [AB] and the valley family of Remark 1 (MATHEMATICS.md §4.1, §4.5).

``f_i(x) = g(Σ_j x_j + a_i)`` with ``g(u) = u² / (u² + 1)``. Every f_i depends on x only through
``s = Σ_j x_j``, so the whole landscape reduces to the 1-D function
``h(s) = (1/n) Σ_i g(s + a_i)``: S is the hyperplane ``Σ_j x_j = s*`` (a union of parallel
hyperplanes where h has tied global minima), ``f_i* = 0`` and ``f* = h(s*)``.

Example 1 is the case ``d = 2``, ``a = (0, 1)``: S is the line ``y = −x − ½`` and ``f* = 1/5``.
"""

from __future__ import annotations

import numpy as np

from ._landscape import CLOSED_FORM, SOLVED, CriticalPoint, Landscape, Provenance, Smoothness
from ._solve import critical_points_1d
from ._validate import as_finite_array, as_finite_float, as_int, check_memory, check_work
from .domain import Box
from .sets import AffineSet, UnionSet

__all__ = ["Valley", "example1", "remark1_valley", "g", "dg", "d2g"]


def _q(u):
    """``1 / (1 + u²)`` without overflow for large |u|."""
    a = np.abs(u)
    big = a > 1.0
    t = np.divide(1.0, a, out=np.zeros_like(a), where=big)
    us = np.where(big, 0.0, u)
    return np.where(big, t * t / (1.0 + t * t), 1.0 / (1.0 + us * us))


def g(u):
    """``g(u) = u² / (u² + 1)``, accurate near 0 and for huge |u|."""
    a = np.abs(u)
    big = a > 1.0
    t = np.divide(1.0, a, out=np.zeros_like(a), where=big)  # 1/u where |u| > 1
    us = np.where(big, 0.0, u)
    return np.where(big, 1.0 / (1.0 + t * t), us * us / (1.0 + us * us))


def dg(u):
    """``g'(u) = 2u / (1 + u²)²``, written as ``2 sign(u) t³ / (1 + t²)²`` with ``t = 1/|u|``
    for ``|u| > 1`` (finite, → 0, even where ``u`` itself overflowed to ±inf)."""
    a = np.abs(u)
    big = a > 1.0
    t = np.divide(1.0, a, out=np.zeros_like(a), where=big)
    us = np.where(big, 0.0, u)
    q = 1.0 / (1.0 + us * us)
    tail = np.sign(u) * (t * t * t) / ((1.0 + t * t) * (1.0 + t * t))
    return np.where(big, 2.0 * tail, 2.0 * us * q * q)


def d2g(u):
    """``g''(u) = (2 − 6u²) / (1 + u²)³``, written as ``2q³ − 6 g q²`` to avoid overflow."""
    q = _q(u)
    return 2.0 * q**3 - 6.0 * g(u) * q * q


def _max_abs_d2g(lo: float, hi: float) -> float:
    """``max |g''|`` over ``[lo, hi]``: g''' vanishes only at 0 and ±1, so check those and ends."""
    pts = [lo, hi] + [c for c in (-1.0, 0.0, 1.0) if lo < c < hi]
    return float(np.max(np.abs(d2g(np.asarray(pts)))))


class Valley(Landscape):
    """``f_i(x) = g(Σ_j x_j + a_i)``; see the module docstring."""

    def __init__(self, a, d: int, *, name: str, params: dict, domain: Box, summary: str):
        a = np.asarray(a, dtype=np.float64)
        self.a = a
        s_star, f_star, others = self._solve(a)
        normal = np.ones(d) / np.sqrt(d)
        directions = np.eye(d) - np.outer(normal, normal)

        def plane(s):
            return AffineSet(point=normal * s / np.sqrt(d), directions=directions)

        S = plane(s_star[0]) if len(s_star) == 1 else UnionSet([plane(s) for s in s_star])
        exact = len(a) == 2 and d == 2 and np.array_equal(a, [0.0, 1.0])
        prov_f = (
            Provenance(CLOSED_FORM, 0.0, "f* = g(1/2) = 1/5 at s* = -1/2 by symmetry")
            if exact
            else Provenance(SOLVED, 1e-14, "1-D minimum of h(s), dense scan + Brent to 1e-15")
        )
        super().__init__(
            name=name,
            dim=d,
            n=len(a),
            params=params,
            f_star=0.2 if exact else f_star,
            f_i_star=np.zeros(len(a)),
            minimizers=S,
            domain=domain,
            provenance={
                "f_star": prov_f,
                "f_i_star": Provenance(CLOSED_FORM, 0.0, "g(0) = 0 at s = -a_i"),
                "minimizers": Provenance(
                    prov_f.method, 0.0 if exact else 1e-15, "S = {x : sum(x) = s*}"
                ),
            },
            critical_points=tuple(self._critical(others, d)),
            summary=summary,
            interpolation=bool(np.ptp(a) == 0),
            positive=False,
            closed_form=True,
        )

    # ---- the 1-D reduction ------------------------------------------------------------
    def h(self, s):
        """``h(s) = (1/n) Σ g(s + a_i)``."""
        s = as_finite_array(s, "s")
        return g(s[..., None] + self.a).mean(axis=-1)

    def _solve(self, a):
        def dh(s):
            return dg(np.asarray(s)[..., None] + a).mean(axis=-1)

        self.a = a
        # h' < 0 for s < -max(a) and h' > 0 for s > -min(a): all minima lie in between.
        lo, hi = -a.max() - 1.0, -a.min() + 1.0
        crit = critical_points_1d(dh, lo, hi)
        mins = [s for s, kind in crit if kind == "min"]
        vals = self.h(np.asarray(mins))
        best = vals.min()
        tied = [s for s, v in zip(mins, vals) if v <= best + 1e-13]
        others = [(s, kind) for s, kind in crit if s not in tied]
        return tied, float(best), others

    def _critical(self, others, d):
        # Each 1-D critical point s gives a hyperplane of critical points; we list the point
        # of it nearest the origin. ∇²f = h''(s) 11ᵀ: one eigenvalue d·h''(s), the rest 0.
        for s, kind in others:
            h2 = float(d2g(s + self.a).mean())
            eig = np.zeros(d)
            eig[-1 if h2 > 0 else 0] = d * h2
            yield CriticalPoint(
                point=np.full(d, s / d),
                value=float(self.h(s)),
                kind="local minimum" if kind == "min" else "local maximum",
                hessian_eigenvalues=np.sort(eig),
            )

    # ---- kernels ----------------------------------------------------------------------
    def _u(self, x):
        return x.sum(axis=-1)[..., None] + self.a

    def _losses(self, x):
        return g(self._u(x))

    def _grads(self, x):
        return dg(self._u(x))[..., None] * np.ones(self.dim)

    def _directional(self, x, v):
        return dg(self._u(x)) * v.sum(axis=-1)[..., None]

    def _loss_at(self, x, i):
        return g(x.sum(axis=-1) + self.a[i])

    def _grad_at(self, x, i):
        return dg(x.sum(axis=-1) + self.a[i])[..., None] * np.ones(self.dim)

    def _gradient(self, x):
        return dg(self._u(x)).mean(axis=-1)[..., None] * np.ones(self.dim)

    def _smoothness(self, domain):
        # ∇²f_i = g''(u) 11ᵀ has spectral norm d·|g''(u)|, u ranging over [Σlo + a_i, Σhi + a_i].
        lo, hi = domain.lo.sum(), domain.hi.sum()
        L = max(_max_abs_d2g(lo + ai, hi + ai) for ai in self.a) * self.dim
        return Smoothness(
            L * (1 + 1e-12),
            "closed form: d·max|g''| over the box (critical points of g'' at 0, ±1), rounded up",
            domain,
        )

    def symbolic(self):
        import sympy as sp

        from ._landscape import Symbolic

        syms = sp.symbols("x y") if self.dim == 2 else sp.symbols(f"x0:{self.dim}")
        s = sum(syms)
        # Rational(float) is exact: the offsets are the doubles we compute with.
        u = [s + sp.Rational(ai) for ai in self.a]
        losses = tuple(ui**2 / (ui**2 + 1) for ui in u)
        return Symbolic(tuple(syms), losses)


def example1() -> Valley:
    """[AB] Example 1, Eq. (3): ``f₁ = g(x + y)``, ``f₂ = g(x + y + 1)`` (MATHEMATICS.md §4.1)."""
    return Valley(
        [0.0, 1.0],
        2,
        name="example1",
        params={},
        domain=Box.cube(-50.0, 50.0, 2),
        summary="AB Example 1: unbounded minimizer set, the line y = -x - 1/2",
    )


def remark1_valley(*, n: int = 4, d: int = 3, spread: float = 2.0, seed: int = 0) -> Valley:
    """[AB] Remark 1, Eq. (5), first family: offsets ``a_i ~ U(−spread, spread)`` (seeded)."""
    n = as_int(n, "n", low=1, high=10_000)
    d = as_int(d, "d", low=1)
    spread = as_finite_float(spread, "spread", low=0.0, high=1e6,
                             why="offsets beyond 1e6 leave the 1-D scan's resolution")
    seed = as_int(seed, "seed", low=0)
    # S is a hyperplane stored with an orthonormal basis of d − 1 directions (an SVD of a d × d
    # matrix); f* scans h(s) on 200 001 points, each a sum over n offsets.
    what = f"remark1-valley with n = {n}, d = {d}"
    check_memory(40 * d * d, what)  # integers: d may be huge
    check_work(10 * d**3 + 50_000_000 * n, what)
    a = np.random.default_rng(seed).uniform(-spread, spread, size=n)
    return Valley(
        a,
        d,
        name="remark1-valley",
        params={"n": n, "d": d, "spread": spread, "seed": seed},
        domain=Box.cube(-10.0, 10.0, d),
        summary="AB Remark 1 valley family: f_i = g(sum(x) + a_i), hyperplane S",
    )
