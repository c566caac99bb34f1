r"""Exact (symbolic) proofs of the α-β-condition and the exact feasible region.

Two exact arguments are implemented. This module is their public API (which landscapes, the
certificates) and computes the exact region of valley landscapes; the algebra of each argument
is in a private module.

**Valley landscapes** (``example1``, ``remark1-valley``; MATHEMATICS.md §4.1, §4.5; the exact
reduction and root isolation are in ``valley``). The slack rows of MATHEMATICS.md §2 depend on
``s = Σ_j x_j`` alone,

    a_i = g'(s + a_i) (s − s*),   b_i = g(s + a_i) − g(s* + a_i),   c_i = g(s + a_i),
    T_i(s) = a_i − α b_i + β c_i,

with ``g(u) = u²/(u² + 1)`` and s* an exact real algebraic number, and ``T_i ≥ 0`` is decided on
the whole s-range of a box (or on R) exactly, by isolating the real zeros of the numerator of
``T_i`` and testing its sign in every gap between them. A negative gap gives an exact rational
counterexample.

The exact region follows from the same rows. For fixed α, the frontier is

    β_min(α) = sup_s max_i φ_i(s),   φ_i = (α b_i − a_i) / c_i,

a supremum attained at an end of the s-range, at a zero of ``∂_s φ_i`` (isolated exactly as above;
the resultant's extra zeros only add values ≤ the sup), or approached at s → ±∞ where
``φ_i → α (1 − g(s* + a_i))``. Since ``b_i − c_i = −g(s* + a_i)``, some β < α works iff
``a_i(s) + α g(s* + a_i) > 0`` for all s, i, so the infimum of α is

    α_min = max_i sup_s (−a_i(s)) / g(s* + a_i)          (not attained),

and the region is ``{(α, β) : α > α_min, max(0, β_min(α)) ≤ β < α}`` [derived]. For rational
s* (Example 1) the candidates are exact algebraic numbers (``CRootOf``) and ``alpha_min_exact``
is a closed form; for irrational s* (Remark 1 instances) a resultant per α is too slow, so the
zeros of ``∂_s φ`` are isolated for a rational ``ŝ`` within 1e−50 of s* (a perturbation argument,
accurate to ~1e−30; ``beta_min`` then rounds up by a relative 1e−14). ``certify_symbolic`` stays
exact in both cases (it uses the resultant). Valleys whose S is a union of tied hyperplanes are
not handled here (the interval method handles them).

Example 1 [derived here, checked against a dense grid in the tests]: s* = −1/2, over R²
``α_min = 10 max_{s} (−s (s + ½)/(1 + s²)²) ≈ 0.5605750859`` at the root ``r ≈ −0.2236688`` of
``4s³ + 3s² − 4s − 1``, and ``β_min(α) = 4α/5`` (the limit at infinity) for
``α ≥ ≈ 0.5901699``; below that an interior critical point decides. The paper's
``α ≥ 5/2, β ∈ [4α/5, α)`` is inside, and on the frontier for every α ≥ 5/2.

**Convex quadratics** (``least-squares``, any landscape whose f_i are polynomials of degree ≤ 2;
``convex``): if every exact Hessian is positive semidefinite, (α, β) = (1, 0)
and every ``α ≥ 1``, ``β ≥ α − 1`` hold on R^d ([AB] after Theorem 2, MATHEMATICS.md §2). Other
pairs are ``inconclusive`` for this argument.

A sympy ``None`` (undecidable comparison) is ``inconclusive``, never True or False.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from toylands._checked import checked

from ...conditions import check_constants
from ..certificate import INCONCLUSIVE, PROVED, REFUTED, Certificate
from .convex import _certify_quadratic, _quadratic_losses
from .rational1d import certify_rational1d, supports_rational1d
from .valley import (
    _DIGITS,
    _critical_points,
    _critical_poly,
    _eval_at,
    _g,
    _gap_points,
    _numerator,
    _point_with_sum,
    _rows,
    _s_range,
    _slack_exact,
    _slack_min,
    _univariate,
    _Valley,
    _valley,
    _worse_counterexample,
)

__all__ = [
    "supports_symbolic",
    "certify_symbolic",
    "exact_region",
    "ExactRegion",
]


# ---- which landscapes ---------------------------------------------------------------------
def _kind(landscape) -> str | None:
    from toylands.sets import AffineSet

    if type(landscape).__name__ == "Valley" and isinstance(landscape.minimizers, AffineSet):
        return "valley"
    if supports_rational1d(landscape):  # from_sympy in one variable: decides every pair
        return "rational1d"
    if _quadratic_losses(landscape) is not None:
        return "quadratic"
    return None


@checked()
def supports_symbolic(landscape) -> bool:
    """Whether an exact argument is implemented: valley landscapes with one minimizing
    hyperplane (Example 1, Remark 1 valley), landscapes with quadratic f_i (least squares), and
    ``from_sympy`` landscapes in one variable with rational f_i and exact S (``rational1d``)."""
    return _kind(landscape) is not None


# ---- certify ----------------------------------------------------------------------------------
@checked(alpha=None, beta=None)
def certify_symbolic(
    landscape, alpha, beta, *, domain=None, whole_space: bool = False
) -> Certificate:
    r"""Decide the α-β-condition ([AB] Definition 1, MATHEMATICS.md §2) by an exact argument.

    Parameters
    ----------
    landscape
        A valley landscape (``example1``, ``remark1-valley``) or one with quadratic f_i
        (``least-squares``); see :func:`supports_symbolic`.
    alpha, beta : float
        The constants, ``alpha > beta >= 0``, taken as the exact rationals their doubles denote.
    domain : toylands.Box, optional
        The box of the claim (default: the landscape's domain). For valleys only the s-range
        ``[Σ lo, Σ hi]`` of the box matters.
    whole_space : bool
        Decide the condition on all of R^d instead of on a box.

    Returns
    -------
    Certificate
        ``proved``, ``refuted`` (``worst_point`` an exact rational counterexample, as floats;
        ``details["counterexample_exact"]`` its exact coordinates) or ``inconclusive``.

    Examples
    --------
    >>> import toylands
    >>> certify_symbolic(toylands.get("example1"), 5.0, 3.9).verdict
    'refuted'
    """
    import sympy as sp

    a_f, b_f = check_constants(alpha, beta)
    kind = _kind(landscape)
    if kind is None:
        raise ValueError(
            f"the symbolic method does not apply to {landscape.name!r}: it handles valley "
            "landscapes with one minimizing hyperplane and quadratic (convex) losses"
        )
    t0 = time.perf_counter()
    dom = None if whole_space else (landscape.domain if domain is None else domain)
    common = dict(
        condition="alpha-beta",
        constants={"alpha": a_f, "beta": b_f},
        method="symbolic",
        domain=dom,
    )
    if kind == "quadratic":
        return _certify_quadratic(landscape, a_f, b_f, common, t0)
    if kind == "rational1d":
        if dom is None:
            return Certificate(verdict=INCONCLUSIVE, min_slack=np.nan, worst_point=None,
                               budget={"seconds": time.perf_counter() - t0},
                               reason="the one-variable rational argument needs a bounded "
                                      "interval", **common)
        return certify_rational1d(landscape, a_f, b_f, common, t0, dom.lo[0], dom.hi[0])

    A, B = sp.Rational(a_f), sp.Rational(b_f)
    V = _valley(landscape)
    lo, hi = _s_range(landscape, dom, whole_space)
    for i in range(len(V.a)):
        ai, bi, ci = _rows(V, i)
        P = _numerator(ai - A * bi + B * ci, V)
        Q = _univariate(P, V)
        pts, _ = _gap_points(Q, lo, hi)
        for t in pts:
            val = _eval_at(P, V, t)
            if val.is_negative is None and not V.rational:
                val = sp.N(val, 2 * _DIGITS)
            if val.is_negative:
                i, t = _worse_counterexample(V, A, B, lo, hi, i, t)
                x = _point_with_sum(dom, t, V.d)
                T = _slack_exact(V, A, B, i, t)
                return Certificate(
                    verdict=REFUTED,
                    min_slack=float(T),
                    worst_point=np.array([float(v) for v in x]),
                    budget={"seconds": time.perf_counter() - t0},
                    reason=f"T_{i + 1} < 0 at s = {t} (exact rational point)",
                    details={
                        "counterexample_exact": [str(v) for v in x],
                        "s": str(t),
                        "i": i,
                        "slack_exact": str(T),
                        "s_star": str(V.star),
                    },
                    **common,
                )
            if val.is_negative is None:
                return Certificate(
                    verdict=INCONCLUSIVE,
                    min_slack=np.nan,
                    worst_point=None,
                    budget={"seconds": time.perf_counter() - t0},
                    reason=f"sympy could not decide the sign of T_{i + 1} at s = {t}",
                    **common,
                )
    worst = _slack_min(V, A, B, lo, hi)
    x = _point_with_sum(dom, worst[1], V.d) if worst[1].is_finite else None
    return Certificate(
        verdict=PROVED,
        min_slack=worst[0],
        worst_point=None if x is None else np.array([float(v) for v in x]),
        budget={"seconds": time.perf_counter() - t0},
        details={
            "argument": "T_i(s) >= 0 on the s-range: exact root isolation of the numerator "
            "polynomial and its sign in every gap between the roots",
            "s_range": [str(lo), str(hi)],
            "s_star": str(V.star),
        },
        **common,
    )


# ---- the exact region ------------------------------------------------------------------------
@dataclass
class ExactRegion:
    r"""The exact feasible (α, β) region of a valley landscape over an s-range (see module doc).

    ``{(α, β) : α > alpha_min, max(0, β_min(α)) ≤ β < α}``. ``beta_min(α)`` is evaluated exactly
    per α (root isolation) and returned rounded up to a double.
    """

    landscape: str
    s_range: tuple  # exact (lo, hi), ±oo for R
    s_star: object
    alpha_min_exact: object
    alpha_min: float
    asymptote_slope: float  # β_min(α) ~ slope · α as α → ∞ over R (max_i 1 − g(s* + a_i))
    _V: _Valley = field(repr=False, default=None)
    _cache: dict = field(repr=False, default_factory=dict)

    def beta_min_exact(self, alpha):
        """``β_min(α)`` as (sympy number, the s where it is attained or ±oo)."""
        import sympy as sp

        A = sp.Rational(float(alpha))
        if A in self._cache:
            return self._cache[A]
        V = self._V
        lo, hi = self.s_range
        best = None
        for i in range(len(V.a)):
            ai, bi, ci = _rows(V, i)
            phi = (A * bi - ai) / ci
            cands = []
            for end in (lo, hi):
                if end in (sp.oo, -sp.oo):
                    cands.append((A * (1 - V.gstar[i]), end))
                elif _g(end + V.a[i]) != 0:
                    cands.append((phi.subs({V.s: end, V.sigma: V.star}), end))
            num = _numerator(sp.diff(phi, V.s), V, check_sign=False)
            Q = _critical_poly(num, V)
            for r in _critical_points(Q, lo, hi, V):
                if _g(r + V.a[i]) != 0:
                    cands.append((phi.subs({V.s: r, V.sigma: V.star}), r))
            for val, where in cands:
                vf = sp.N(val, _DIGITS)
                if best is None or vf > best[0]:
                    best = (vf, val, where)
        out = (best[1], best[2], best[0])
        self._cache[A] = out
        return out

    def beta_min(self, alpha) -> np.ndarray:
        """``β_min(α)`` rounded up to doubles (vectorised over α)."""
        al = np.atleast_1d(np.asarray(alpha, dtype=np.float64))
        out = np.array(
            [self._beta_min_float(v) for v in al.ravel()]
        )
        return out.reshape(al.shape) if np.ndim(alpha) else out[0]

    def _beta_min_float(self, alpha) -> float:
        import sympy as sp

        exact, _, val = self.beta_min_exact(alpha)
        if exact.is_Rational and sp.Rational(float(exact)) == exact:
            return float(exact)  # a double: no rounding needed
        return _round_up(float(val), self._V.rational)

    def contains(self, alpha, beta) -> bool:
        """Whether (α, β) lies in the region (exact comparison with β_min(α))."""
        import sympy as sp

        if not (float(alpha) > float(beta) >= 0) or not float(alpha) > self.alpha_min:
            return False
        val = self.beta_min_exact(alpha)[2]
        return bool(sp.Rational(float(beta)) >= val)

    def frontier(self, alphas=None, num: int = 32) -> np.ndarray:
        """``[[α, β_min(α)], …]`` from just above ``alpha_min`` to ``10 alpha_min``."""
        if alphas is None:
            alphas = self.alpha_min * np.geomspace(1.0 + 1e-3, 10.0, num)
        alphas = np.asarray(alphas, dtype=np.float64)
        return np.stack([alphas, self.beta_min(alphas)], axis=-1)

    def to_json(self, num: int = 32) -> dict:
        fr = self.frontier(num=num)
        return {
            "landscape": self.landscape,
            "s_range": [str(v) for v in self.s_range],
            "s_star": str(self.s_star),
            "alpha_min": self.alpha_min,
            "alpha_min_exact": str(self.alpha_min_exact),
            "asymptote_slope": self.asymptote_slope,
            "frontier": fr.tolist(),
        }


def _round_up(v: float, exact: bool) -> float:
    """Up to the next double (exact case) or by a relative 1e−14 (perturbation case)."""
    if not exact:
        v = v + 1e-14 * abs(v)
    return float(np.nextafter(v, np.inf))


@checked()
def exact_region(landscape, domain=None) -> ExactRegion:
    r"""The exact (α, β) region of a valley landscape over ``domain`` (None: all of R^d).

    Examples
    --------
    >>> import toylands
    >>> R = exact_region(toylands.get("example1"))
    >>> round(R.alpha_min, 6), R.contains(2.5, 2.0)
    (0.560575, True)
    """
    import sympy as sp

    if _kind(landscape) != "valley":
        raise ValueError(f"exact_region handles valley landscapes, not {landscape.name!r}")
    V = _valley(landscape)
    lo, hi = _s_range(landscape, domain, domain is None)
    best = None
    for i in range(len(V.a)):
        if V.gstar_f[i] == 0.0:
            continue  # interpolating sample: a_i + α·0 > 0 fails only where a_i = 0, see docs
        ai, _, _ = _rows(V, i)
        psi = -ai / V.gstar[i]
        cands = [psi.subs({V.s: e, V.sigma: V.star}) for e in (lo, hi) if e not in (sp.oo, -sp.oo)]
        Q = _critical_poly(_numerator(sp.diff(-ai, V.s), V, check_sign=False), V)
        cands += [psi.subs({V.s: r, V.sigma: V.star}) for r in _critical_points(Q, lo, hi, V)]
        for c in cands:
            cf = sp.N(c, _DIGITS)
            if best is None or cf > best[0]:
                best = (cf, c)
    amin_exact = best[1]
    return ExactRegion(
        landscape=landscape.name,
        s_range=(lo, hi),
        s_star=V.star,
        alpha_min_exact=amin_exact,
        alpha_min=float(best[0]),
        asymptote_slope=max(1.0 - v for v in V.gstar_f),
        _V=V,
    )
