r"""Example 3 of [AB] exactly as PRINTED (a misprint; MATHEMATICS.md §4.3, §9.1):
``example3-printed``.

    f₁(x, y) = (1 + x² + y²) / (4 + x² + y²),
    f₂(x, y) = ((x − 2.5)² + (y − 2.5)²) / (4 + (y − 2.5)² + (y − 2.5)²)   [as printed]

The paper's numbers belong to the corrected f₂ (``example3``); this variant is offered so the
misprint can be studied, not as the paper's example. f₂ is not radial, and it is unbounded above
(``f₂ ≥ p²/(4 + 2q²)`` with ``p = x − 2.5``, ``q = y − 2.5``) but ``f₂ ≥ 0 = f₂(2.5, 2.5)``.

**Why the global search is global** [derived]. ``f ≥ f₁/2``, so any point with
``f ≤ f_up`` (``f_up < ½``) has ``(1 + u₁)/(4 + u₁) ≤ 2 f_up``, i.e.
``u₁ = x² + y² ≤ (8 f_up − 1)/(1 − 2 f_up)`` (≈ 11.9, radius ≈ 3.45, for f_up = f(S)). The
search runs Newton from a grid on a square that contains this disc (and the whole of
[−30, 30]², for the other critical points), and checks the containment.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ._builtins import SUMMARY
from ._landscape import (
    CLOSED_FORM,
    GLOBAL_SEARCH,
    CriticalPoint,
    Landscape,
    Provenance,
    Smoothness,
    Symbolic,
)
from ._profiles import PROFILES, classify, critical_search, dedupe, sup_abs
from ._validate import as_points, check_finite_output
from .domain import Box
from .sets import PointSet

__all__ = ["PrintedExample3", "example3_printed"]

_H = PROFILES["shifted"]
_C2 = 2.5
_SEARCH = 30.0  # half-width of the search square
_GRID = 61  # starts per axis


class PrintedExample3(Landscape):
    """``example3-printed``: see the module docstring."""

    def __init__(self):
        pts, vals, eigs, kinds = _search()
        best = int(np.argmin(vals))
        f_up = float(vals[best])
        radius = float(np.sqrt((8 * f_up - 1) / (1 - 2 * f_up)))
        if not (kinds[best] == "local minimum" and radius < _SEARCH):
            raise RuntimeError("example3-printed: the global search did not certify itself")
        crit = [
            CriticalPoint(pts[k], float(vals[k]), kinds[k], eigs[k])
            for k in range(len(pts))
            if k != best
        ]
        step = float(np.linalg.norm(self._gradient(pts[best])) / eigs[best].min())
        detail = (
            f"batched Newton (saddle-free, then pure) from a {_GRID}x{_GRID} grid on [-30, 30]^2; "
            f"S lies in the disc |x| <= {radius:.4f} (f >= f1/2), inside the grid"
        )
        prov = Provenance(GLOBAL_SEARCH, max(step, 1e-15), detail)
        super().__init__(
            name="example3-printed",
            dim=2,
            n=2,
            params={},
            f_star=f_up,
            f_i_star=np.array([0.25, 0.0]),
            minimizers=PointSet(pts[best : best + 1], error=prov.error),
            domain=Box.cube(-20.0, 20.0, 2),
            provenance={
                "f_star": Provenance(GLOBAL_SEARCH, 1e-15, "f at the minimizer found"),
                "f_i_star": Provenance(CLOSED_FORM, 0.0, "f1(0,0) = 1/4, f2(2.5,2.5) = 0"),
                "minimizers": prov,
            },
            critical_points=tuple(crit),
            summary=SUMMARY["example3-printed"],
            interpolation=False,
            positive=False,
            closed_form=True,
        )

    @property
    def c_min(self) -> float:
        r"""``c = min_i min_{x ∈ S} f_i(x)``."""
        return float(self._losses(self.minimizers.points).min())

    # ---- kernels ----------------------------------------------------------------------
    @staticmethod
    def _parts(x):
        p, q = x[..., 0] - _C2, x[..., 1] - _C2
        with np.errstate(over="ignore"):
            u1 = np.einsum("...d,...d->...", x, x)
            w = 1.0 / (4.0 + 2.0 * q * q)
        return u1, p, q, w

    @staticmethod
    def _f2_parts(x):
        # Scaled by s = max(|p|, |q|, 1): with ps = p/s, qs = q/s and 4 + 2q² = s² D,
        # f₂ = (ps² + qs²)/D, ∂_p f₂ = 2ps/(sD), ∂_q f₂ = qs (8/s² − 4ps²)/((sD) D).
        p, q = x[..., 0] - _C2, x[..., 1] - _C2
        s = np.maximum(np.maximum(np.abs(p), np.abs(q)), 1.0)
        ps, qs = p / s, q / s
        with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
            D = 4.0 / (s * s) + 2.0 * qs * qs
            sD = 4.0 / s + 2.0 * qs * qs * s
            f2 = (ps * ps + qs * qs) / D
            gp = 2.0 * ps / sD
            gq = np.where(qs == 0.0, 0.0, qs * (8.0 / (s * s) - 4.0 * ps * ps) / (sD * D))
        return f2, gp, gq

    def _f1_parts(self, x):
        with np.errstate(over="ignore"):
            u1 = np.einsum("...d,...d->...", x, x)
        return _H.h(u1), 2.0 * _H.dh(u1)

    def _losses(self, x):
        return np.stack([self._f1_parts(x)[0], self._f2_parts(x)[0]], axis=-1)

    def _grads(self, x):
        _, w1 = self._f1_parts(x)
        _, gp, gq = self._f2_parts(x)
        return np.stack([w1[..., None] * x, np.stack([gp, gq], axis=-1)], axis=-2)

    def _directional(self, x, v):
        _, w1 = self._f1_parts(x)
        _, gp, gq = self._f2_parts(x)
        with np.errstate(over="ignore", invalid="ignore"):
            xv = np.einsum("...d,...d->...", x, v)
            d1 = np.where(w1 == 0.0, 0.0, w1 * xv)
            d2 = np.where(gp == 0.0, 0.0, gp * v[..., 0]) + np.where(gq == 0.0, 0.0, gq * v[..., 1])
        return np.stack([d1, d2], axis=-1)

    def _gradient(self, x):
        return self._grads(x).mean(axis=-2)

    def hessian_kernel(self, x):
        r"""``∇²f = (∇²f₁ + ∇²f₂)/2``, ``w = 1/(4 + 2q²)``,

        ``∇²f₂ = [[2w, −8pq w²], [−8pq w², (8 − 4p²)(4 − 6q²) w³]]``."""
        u1, p, q, w = self._parts(x)
        H = 2.0 * _H.dh(u1)[..., None, None] * np.eye(2)
        H = H + 4.0 * _H.d2h(u1)[..., None, None] * x[..., :, None] * x[..., None, :]
        off = -8.0 * p * q * w * w
        h22 = (8.0 - 4.0 * p * p) * (4.0 - 6.0 * q * q) * w**3
        H2 = np.stack([np.stack([2.0 * w, off], -1), np.stack([off, h22], -1)], axis=-2)
        return (H + H2) / 2.0

    def hessian(self, x):
        """``∇²f(x)``, shape ``(..., 2, 2)``."""
        xv = as_points(x, 2)
        with np.errstate(over="ignore", invalid="ignore"):
            H = self.hessian_kernel(xv)
        return check_finite_output(H, xv, "hessian", getattr(self, "name", "example3-printed"))

    def _smoothness(self, domain):
        import sympy as sp

        # f₁: radial, exact (see toylands._profiles). f₂: entrywise sup bounds A, B, C of its
        # Hessian, each a product of exact one-variable sups; ‖H‖₂ ≤ ‖[[A, B], [B, C]]‖₂.
        umin = float(np.sum(np.clip(0.0, domain.lo, domain.hi) ** 2))
        umax = float(np.sum(np.maximum(domain.lo**2, domain.hi**2)))
        L1 = _H.hessian_sup(umin * (1 - 1e-12), umax * (1 + 1e-12))
        P, Q = sp.Symbol("p", real=True), sp.Symbol("q", real=True)
        (plo, qlo), (phi, qhi) = domain.lo - _C2, domain.hi - _C2
        A = sup_abs(2 / (4 + 2 * Q**2), Q, qlo, qhi)
        B = 8 * max(abs(plo), abs(phi)) * sup_abs(Q / (4 + 2 * Q**2) ** 2, Q, qlo, qhi)
        C = sup_abs(8 - 4 * P**2, P, plo, phi) * sup_abs(
            (4 - 6 * Q**2) / (4 + 2 * Q**2) ** 3, Q, qlo, qhi
        )
        L2 = (A + C) / 2 + np.sqrt(((A - C) / 2) ** 2 + B * B)
        return Smoothness(
            float(max(L1, L2)) * (1 + 1e-12),
            "f1 exact (profile sup by root isolation); f2 bounded by the spectral norm of the "
            "matrix of exact entrywise sups of its Hessian; rounded up",
            domain,
        )

    def symbolic(self):
        import sympy as sp

        x, y = sp.symbols("x y")
        c = sp.Rational(5, 2)
        u1 = x**2 + y**2
        f2 = ((x - c) ** 2 + (y - c) ** 2) / (4 + (y - c) ** 2 + (y - c) ** 2)
        return Symbolic((x, y), ((1 + u1) / (4 + u1), f2))


@lru_cache(maxsize=1)
def _search():
    """Critical points from a grid of Newton starts (cached: the landscape has no parameters)."""
    land = PrintedExample3.__new__(PrintedExample3)
    g = np.linspace(-_SEARCH, _SEARCH, _GRID)
    starts = np.stack(np.meshgrid(g, g, indexing="ij"), axis=-1).reshape(-1, 2)
    found = critical_search(land._gradient, land.hessian_kernel, starts, cap=1.0, iters=150)
    vals = land._losses(found).mean(axis=-1)
    pts = found[dedupe(found, vals)]
    pts.setflags(write=False)
    vals = land._losses(pts).mean(axis=-1)
    eigs = np.linalg.eigvalsh(land.hessian_kernel(pts))
    return pts, vals, eigs, tuple(classify(e) for e in eigs)


def example3_printed() -> PrintedExample3:
    """[AB] Example 3 with f₂ as printed (misprint, MATHEMATICS.md §4.3, §9.1); see the module
    docstring."""
    return PrintedExample3()
