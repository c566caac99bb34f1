r"""Sums of radial bumps: Examples 2, 3 and 6 of [AB] and the bump family of Remark 1.

``f_i(x) = h_i(u_i)``, ``u_i = ‖x − c_i‖²``, each ``h_i`` one of the strictly increasing
profiles of ``toylands._profiles``: ``1 − e^{−u}``, ``u/(1+u)``, ``(1+u)/(4+u)``. Then
``∇f_i = 2 h_i'(u_i)(x − c_i)`` and ``f_i* = h_i(0)``, attained at ``c_i`` (closed form).

**Where the critical points are** [derived]. ``∇f(x) = (2/n) Σ_i w_i (x − c_i)`` with weights
``w_i = h_i'(u_i) > 0``, so ``∇f(x) = 0`` forces ``x = Σ w_i c_i / Σ w_i``: every stationary
point of f (in particular every global minimizer) lies in the relative interior of the convex
hull of the centres. With two centres this is the open segment ``c₁ + s (c₂ − c₁)``,
``s ∈ (0, 1)``, and the whole problem reduces exactly to the 1-D function
``φ(s) = f(c₁ + s (c₂ − c₁))``: its zeros of φ' are all critical points of f, a minimum of φ is a
local minimum of f (the Hessian's eigenvalue across the segment is ``(2/n) Σ w_i > 0``) and a
maximum of φ is a saddle of f. (For Examples 2, 3 and 6 the segment is the diagonal x = y,
which is what the reflection symmetries suggest; the argument above needs no symmetry.)
"""

from __future__ import annotations

import numpy as np

from ._builtins import SUMMARY
from ._landscape import (
    CLOSED_FORM,
    GLOBAL_SEARCH,
    SOLVED,
    CriticalPoint,
    Landscape,
    Provenance,
    Smoothness,
    Symbolic,
)
from ._profiles import PROFILES, classify, critical_search, dedupe
from ._solve import critical_points_1d
from ._validate import (
    as_finite_float,
    as_int,
    as_points,
    check_finite_output,
    check_memory,
    check_work,
)
from .domain import Box
from .sets import PointSet

__all__ = ["RadialSum", "example2", "example3", "example6", "remark1_bumps", "TIE_TOL"]

# Local minima whose values agree to this (relative) are kept as tied global minima.
TIE_TOL = 1e-12
_EPS = np.finfo(np.float64).eps


def _symbols(d):
    import sympy as sp

    return sp.symbols("x y") if d == 2 else sp.symbols(f"x0:{d}")


class RadialSum(Landscape):
    r"""``f = (1/n) Σ_i h_i(‖x − c_i‖²)``; see the module docstring.

    Parameters
    ----------
    centres : array (n, d)
        The centres ``c_i``.
    profiles : sequence of str
        One profile name per centre (keys of ``toylands._profiles.PROFILES``).
    closed : (points, f_star, detail), optional
        Closed-form minimizers and f*, used instead of the numerical ones (which still give the
        other critical points).
    """

    def __init__(self, centres, profiles, *, name, params, domain, summary, closed=None, seed=0):
        C = np.atleast_2d(np.asarray(centres, dtype=np.float64))
        C.setflags(write=False)
        self.centres = C
        self.profiles = tuple(PROFILES[p] for p in profiles)
        if len(self.profiles) != len(C):
            raise ValueError("one profile per centre is needed")
        keys = sorted({p.key for p in self.profiles})
        codes = np.array([keys.index(p.key) for p in self.profiles])
        self._groups = [(PROFILES[k], np.flatnonzero(codes == j)) for j, k in enumerate(keys)]
        fis = np.array([p.h0 for p in self.profiles])

        if len(C) == 2 and np.any(C[0] != C[1]):
            mins, others, prov = self._solve_segment()
        else:
            mins, others, prov = self._solve_search(seed)
        if closed is not None:
            pts, f_star, detail = closed
            mins = np.atleast_2d(np.asarray(pts, dtype=np.float64))
            prov = Provenance(CLOSED_FORM, float(4 * _EPS * np.abs(mins).max()), detail)
        else:
            f_star = float(np.max(self._losses(mins).mean(axis=-1)))
        S = PointSet(mins, error=prov.error)
        interp = bool(np.all(np.abs(self._losses(mins) - fis) <= 1e-15))
        lam = float(np.abs(np.linalg.eigvalsh(self.hessian(mins))).max())
        super().__init__(
            name=name,
            dim=C.shape[1],
            n=len(C),
            params=params,
            f_star=f_star,
            f_i_star=fis,
            minimizers=S,
            domain=domain,
            provenance={
                "f_star": Provenance(
                    prov.method,
                    float(4 * _EPS * abs(f_star) + lam * prov.error**2),
                    "f at the minimizers; error from the minimizers' error (f is flat there)",
                ),
                "f_i_star": Provenance(CLOSED_FORM, 0.0, "h_i(0), attained at the centre c_i"),
                "minimizers": prov,
            },
            critical_points=tuple(others),
            summary=summary,
            interpolation=interp,
            positive=bool(np.all(fis > 0)),
            closed_form=True,
        )

    # ---- ground truth -----------------------------------------------------------------
    @property
    def c_min(self) -> float:
        r"""``c = min_i min_{x ∈ S} f_i(x)``, the constant of the paper's sufficient conditions."""
        return float(self._losses(self.minimizers.points).min())

    def _critical(self, pts, kinds=None):
        vals = self._losses(pts).mean(axis=-1)
        eigs = np.linalg.eigvalsh(self.hessian(pts))
        return [
            CriticalPoint(
                point=p, value=float(v), kind=classify(e) if k is None else k, hessian_eigenvalues=e
            )
            for p, v, e, k in zip(pts, vals, eigs, kinds or [None] * len(pts))
        ]

    def _split(self, pts, crit):
        """Global minima (ties kept) and the other critical points, from candidate points."""
        vals = self._losses(pts).mean(axis=-1)
        is_min = np.array([c.kind == "local minimum" for c in crit], dtype=bool)
        best = vals[is_min].min()
        glob = is_min & (vals <= best + TIE_TOL * max(1.0, abs(best)))
        others = [c for c, g in zip(crit, glob) if not g]
        return pts[glob], others

    def _solve_segment(self):
        # φ'(s) · n / (2‖D‖²) = s h₁'(s²‖D‖²) − (1 − s) h₂'((1 − s)²‖D‖²); zeros only in (0, 1).
        C = self.centres
        D = C[1] - C[0]
        D2 = float(D @ D)
        p1, p2 = self.profiles

        def dphi(s):
            t = 1.0 - s
            return s * p1.dh(s * s * D2) - t * p2.dh(t * t * D2)

        roots = critical_points_1d(dphi, 0.0, 1.0, xtol=1e-300)  # relative accuracy ~4 eps
        s = np.array([r for r, _ in roots])
        pts = np.where(s[:, None] <= 0.5, C[0] + s[:, None] * D, C[1] - (1.0 - s)[:, None] * D)
        kinds = ["local minimum" if k == "min" else "saddle" for _, k in roots]
        crit = self._critical(pts, kinds)
        mins, others = self._split(pts, crit)
        err = 8 * _EPS * np.sqrt(D2)  # s to ~4 eps relative; 1 − s from s exactly
        detail = (
            "every critical point lies on the segment c1-c2 (convex-combination argument); "
            "zeros of the 1-D derivative by dense sign scan + Brent to ~4 eps relative"
        )
        return mins, others, Provenance(SOLVED, float(err), detail)

    def _solve_search(self, seed):
        C = self.centres
        lo, hi = C.min(axis=0), C.max(axis=0)
        pad = 0.05 * max(float(np.max(hi - lo)), 1.0)
        box = Box(lo - pad, hi + pad)
        rng = np.random.default_rng(seed)
        starts = np.concatenate(
            [box.sample(rng, min(32 * C.shape[1] + 96, 512)), C, C.mean(0, keepdims=True)]
        )
        found = critical_search(
            self._gradient, self.hessian_kernel, starts, cap=0.25 * float(np.max(box.width))
        )
        found = found[box.contains(found)]  # all critical points lie in the hull of the centres
        vals = self._losses(found).mean(axis=-1)
        pts = found[dedupe(found, vals)]
        mins, others = self._split(pts, self._critical(pts))
        step = (
            np.linalg.norm(self._gradient(mins), axis=-1).max()
            / np.linalg.eigvalsh(self.hessian_kernel(mins)).min()
        )
        detail = (
            f"batched Newton (saddle-free, then pure) from {len(starts)} seeded starts in the "
            "bounding box of the centres (which contains every critical point), polished to "
            "gradient ~1e-16, deduplicated; ties kept"
        )
        return mins, others, Provenance(GLOBAL_SEARCH, float(max(step, 1e-15)), detail)

    # ---- kernels ----------------------------------------------------------------------
    def _u(self, x):
        diff = x[..., None, :] - self.centres
        with np.errstate(over="ignore"):
            return diff, np.einsum("...nd,...nd->...n", diff, diff)

    def _apply(self, what, u):
        if len(self._groups) == 1:  # one profile for every f_i (Examples 2 and 6, the bumps)
            return getattr(self._groups[0][0], what)(u)
        out = np.empty_like(u)
        for prof, idx in self._groups:
            out[..., idx] = getattr(prof, what)(u[..., idx])
        return out

    def _apply_at(self, what, u, i):
        if len(self._groups) == 1:
            return getattr(self._groups[0][0], what)(u)
        out = np.empty_like(u)
        for prof, idx in self._groups:
            m = np.isin(i, idx)
            out[m] = getattr(prof, what)(u[m])
        return out

    def _losses(self, x):
        return self._apply("h", self._u(x)[1])

    def _grads(self, x):
        diff, u = self._u(x)
        return 2.0 * self._apply("dh", u)[..., None] * diff

    def _directional(self, x, v):
        diff, u = self._u(x)
        w = self._apply("dh", u)
        with np.errstate(over="ignore", invalid="ignore"):
            dv = np.einsum("...nd,...d->...n", diff, v)
            return np.where(w == 0.0, 0.0, 2.0 * w * dv)

    def _gradient(self, x):
        diff, u = self._u(x)
        return np.einsum("...n,...nd->...d", self._apply("dh", u), diff) * (2.0 / len(self.centres))

    def _loss_at(self, x, i):
        d = x - self.centres[i]
        with np.errstate(over="ignore"):
            return self._apply_at("h", np.einsum("...d,...d->...", d, d), i)

    def _grad_at(self, x, i):
        d = x - self.centres[i]
        with np.errstate(over="ignore"):
            u = np.einsum("...d,...d->...", d, d)
        return 2.0 * self._apply_at("dh", u, i)[..., None] * d

    def _loss_grad_at(self, x, i):
        # one ‖x − c_i‖² for both (what a stochastic step needs)
        d = x - self.centres[i]
        with np.errstate(over="ignore"):
            u = np.einsum("...d,...d->...", d, d)
        dh = self._apply_at("dh", u, i)
        dh *= 2.0
        return self._apply_at("h", u, i), dh[..., None] * d

    def hessian_kernel(self, x):
        r"""``∇²f = (1/n) Σ_i [2h_i' I + 4h_i'' (x − c_i)(x − c_i)ᵀ]``, shape ``(..., d, d)``."""
        diff, u = self._u(x)
        a, b = self._apply("dh", u), self._apply("d2h", u)
        H = 4.0 * np.einsum("...n,...nd,...ne->...de", b, diff, diff)
        H = H + 2.0 * a.sum(axis=-1)[..., None, None] * np.eye(x.shape[-1])
        return H / len(self.centres)

    def hessian(self, x):
        """``∇²f(x)``, shape ``(..., dim, dim)``."""
        xv = as_points(x, self.centres.shape[1])
        with np.errstate(over="ignore", invalid="ignore"):
            H = self.hessian_kernel(xv)
        return check_finite_output(H, xv, "hessian", getattr(self, "name", "radial sum"))

    def _smoothness(self, domain):
        # ∇²f_i has eigenvalues 2h'(u) and 2h'(u) + 4u h''(u); u_i ranges over [umin, umax].
        C = self.centres
        umin = np.sum((np.clip(C, domain.lo, domain.hi) - C) ** 2, axis=1)
        umax = np.sum(np.maximum((domain.lo - C) ** 2, (domain.hi - C) ** 2), axis=1)
        L = max(
            p.hessian_sup(float(a) * (1 - 1e-12), float(b) * (1 + 1e-12))
            for p, a, b in zip(self.profiles, umin, umax)
        )
        return Smoothness(
            L,
            "exact: max over i of sup |2h'(u)|, |2h'(u) + 4u h''(u)| on the box's u-range, "
            "at the end points and the exactly isolated zeros of their derivatives; rounded up",
            domain,
        )

    def symbolic(self):
        import sympy as sp

        syms = _symbols(self.dim)
        losses = []
        for p, c in zip(self.profiles, self.centres):
            u = sum((s - sp.Rational(float(ci))) ** 2 for s, ci in zip(syms, c))
            losses.append(p.expr(u))
        return Symbolic(tuple(syms), tuple(losses))


def example2() -> RadialSum:
    r"""[AB] Example 2, Eq. (4): a saddle point (MATHEMATICS.md §4.2).

    ``f₁ = 1 − exp(−x² − y²)``, ``f₂ = 1 − exp(−(x − 2)² − (y − 2)²)``, ``f = (f₁ + f₂)/2``.
    ``S = {(t, t), (2 − t, 2 − t)}`` with ``t ≈ 0.000674`` (``s = t/2`` solves
    ``s e^{−8s²} = (1 − s) e^{−8(1 − s)²}``), ``f* ≈ 0.49983182``; saddle (1, 1),
    ``f = 1 − e^{−2} ≈ 0.864665``. ``c = 1 − exp(−2t²) ≈ 9.0943e−7`` (``c_min``).
    No other global minimizer: every critical point is on the segment (module docstring).

    Examples
    --------
    >>> f = example2()
    >>> round(float(f.minimizers.points[0, 0]), 9), round(f.f_star, 8), f"{f.c_min:.4e}"
    (0.000674327, 0.49983182, '9.0943e-07')
    """
    return RadialSum(
        [[0.0, 0.0], [2.0, 2.0]],
        ["gauss", "gauss"],
        name="example2",
        params={},
        domain=Box.cube(-6.0, 6.0, 2),
        summary=SUMMARY["example2"],
    )


def example3() -> RadialSum:
    r"""[AB] Example 3, Eq. (6), CORRECTED: a non-global local minimum (MATHEMATICS.md §4.3, §9.1).

    ``f₁ = (1 + u₁)/(4 + u₁)``, ``u₁ = x² + y²``; ``f₂ = u₂/(1 + u₂)``,
    ``u₂ = (x − 2.5)² + (y − 2.5)²``. **[correction]** the paper prints f₂'s denominator as
    ``4 + (y − 2.5)² + (y − 2.5)²``, but every number it then uses (f(0, 0) = 0.587963,
    f* ≈ 0.408, c = 0.00167918) only comes out with ``1 + u₂``; the printed variant is
    ``example3-printed``. ``f₁* = 1/4``, ``f₂* = 0``; ``S = {(2.471721, 2.471721)}``,
    ``f* ≈ 0.40831321``; local minimum ≈ (0.08041, 0.08041), saddle ≈ (1.25248, 1.25248).
    """
    return RadialSum(
        [[0.0, 0.0], [2.5, 2.5]],
        ["shifted", "frac"],
        name="example3",
        params={},
        domain=Box.cube(-20.0, 20.0, 2),
        summary=SUMMARY["example3"],
    )


def example6_minimizers() -> tuple[np.ndarray, float]:
    r"""Closed form of Example 6's S and f* [derived, checked with sympy in the tests].

    On the diagonal x = y = s, ``φ'(s) ∝ (2s − 1)(4s⁴ − 8s³ + 12s² − 8s + 1)``; the quartic's
    real roots are ``s± = ½ ± ½ √(2√3 − 3)`` and ``f(s±) = (3 − √3)/4``.
    """
    r = 0.5 * np.sqrt(2.0 * np.sqrt(3.0) - 3.0)
    s = np.array([0.5 - r, 0.5 + r])
    return np.stack([s, s], axis=-1), (3.0 - np.sqrt(3.0)) / 4.0


def example6() -> RadialSum:
    r"""[AB] Example 6 (App. B, Eq. (14)): non-optimal stationary points (MATHEMATICS.md §4.4).

    ``f_i = u_i/(1 + u_i)`` with centres (0, 0) and (1, 1). ``S = {(s±, s±)}``,
    ``s± = ½ ± ½√(2√3 − 3)`` (≈ 0.159375, 0.840625), ``f* = (3 − √3)/4`` (closed form);
    saddle (½, ½) with f = 1/3; ``c ≈ 0.048345``.

    Examples
    --------
    >>> f = example6()
    >>> abs(f.f_star - (3 - 3**0.5) / 4) < 1e-15, round(f.c_min, 6)
    (True, 0.048345)
    """
    pts, fs = example6_minimizers()
    return RadialSum(
        [[0.0, 0.0], [1.0, 1.0]],
        ["frac", "frac"],
        name="example6",
        params={},
        domain=Box.cube(-20.0, 20.0, 2),
        summary=SUMMARY["example6"],
        closed=(pts, fs, "s = 1/2 ± sqrt(2 sqrt(3) - 3)/2 on the diagonal, f* = (3 - sqrt(3))/4"),
    )


def remark1_bumps(*, n: int = 3, d: int = 2, spread: float = 2.0, seed: int = 0) -> RadialSum:
    r"""[AB] Remark 1, Eq. (5), second family: ``f_i = u_i/(1 + u_i)``, ``u_i = ‖x − b_i‖²``.

    Centres ``b_i ~ U(−spread, spread)^d`` (seeded). S by global search (see ``RadialSum``),
    justified by the convex-hull argument of the module docstring.
    """
    n = as_int(n, "n", low=1, high=200)
    d = as_int(d, "d", low=1, high=20)
    spread = as_finite_float(spread, "spread", low=0.0, low_open=True, high=1e3)
    seed = as_int(seed, "seed", low=0)
    # S by a batched Newton search: 2 x 200 iterations from about min(32 d + 96, 512) + n
    # starts, each with the n-term gradient and Hessian (n d²) and an eigendecomposition (d³).
    starts = min(32 * d + 96, 512) + n + 1
    what = f"remark1-bumps with n = {n}, d = {d}"
    check_memory(8.0 * starts * n * d * d * 2, what)
    check_work(400.0 * starts * (4.0 * n * d * d + 10.0 * d**3), what)
    b = np.random.default_rng(seed).uniform(-spread, spread, size=(n, d))
    return RadialSum(
        b,
        ["frac"] * n,
        name="remark1-bumps",
        params={"n": n, "d": d, "spread": spread, "seed": seed},
        domain=Box.cube(-10.0 * max(1.0, spread / 2), 10.0 * max(1.0, spread / 2), d),
        summary=SUMMARY["remark1-bumps"],
        seed=seed,
    )
