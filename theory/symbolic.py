r"""Exact (symbolic) proofs of the α-β-condition and the exact feasible region (issue 4, item 3).

Two exact arguments are implemented.

**Valley landscapes** (``example1``, ``remark1-valley``; spec §4.1, §4.5). With
``f_i = g(s + a_i)``, ``g(u) = u²/(u² + 1)``, ``s = Σ_j x_j`` and ``S = {s = s*}`` one hyperplane,
``x − x_p = ((s − s*)/d) 1``, so the slack rows of spec §2 depend on s alone:

    a_i = g'(s + a_i) (s − s*),   b_i = g(s + a_i) − g(s* + a_i),   c_i = g(s + a_i),
    T_i(s) = a_i − α b_i + β c_i.

``s*`` is an exact real algebraic number: a real root of the numerator ``m(σ)`` of
``Σ_i g'(σ + a_i)`` (the offsets ``a_i`` are the exact rationals their doubles denote); it is
``−1/2`` for Example 1. Multiplying by the positive denominators, ``T_i ≥ 0`` ⟺
``P_i(s, s*) ≥ 0`` with ``P_i ∈ Q[s, σ]``. Every real zero of ``P_i(·, s*)`` is a zero of the
resultant ``R_i(s) = Res_σ(P_i(s, σ), m(σ)) ∈ Q[s]`` (or of ``P_i(s, s*)`` itself when s* is
rational); we isolate those zeros exactly (``Poly.intervals``), test the sign of ``P_i(t, s*)``
at one rational point t in each gap between them (exact for rational s*; for irrational s* the
value is a non-zero algebraic number, since ``R_i(t) ≠ 0``, whose sign is read off a 60-digit
evaluation), and so decide ``T_i ≥ 0`` on the whole s-range of a box (or on R) exactly. A
negative gap gives an exact rational counterexample.

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

**Convex quadratics** (``least-squares``, any landscape whose f_i are polynomials of degree ≤ 2):
if every exact Hessian is positive semidefinite (sympy's exact test), each f_i is convex, so
``<∇f_i(x), x − y> ≥ f_i(x) − f_i(y)`` for every ``y ∈ S``: (α, β) = (1, 0) holds on R^d
([AB] after Theorem 2, spec §2), and by diagonal monotonicity and ``c_i ≥ 0`` so does every
``α ≥ 1``, ``β ≥ α − 1``. Other pairs are ``inconclusive`` for this argument.

A sympy ``None`` (undecidable comparison) is ``inconclusive``, never True or False.
"""

from __future__ import annotations

import time
import weakref
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from .certificate import INCONCLUSIVE, PROVED, REFUTED, Certificate
from .conditions import check_constants

__all__ = [
    "supports_symbolic",
    "certify_symbolic",
    "exact_region",
    "ExactRegion",
]

_DIGITS = 60
_EPS_ISOLATE = 10**-40  # width of the isolating intervals (as a Rational below)


# ---- which landscapes ---------------------------------------------------------------------
def _kind(landscape) -> str | None:
    from toylands.sets import AffineSet

    if type(landscape).__name__ == "Valley" and isinstance(landscape.minimizers, AffineSet):
        return "valley"
    if _quadratic_losses(landscape) is not None:
        return "quadratic"
    return None


_QUAD_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _quadratic_losses(landscape):
    """Exact Hessians (lists of Fractions) if every f_i is a polynomial of total degree ≤ 2,
    else None. Cached per landscape object."""
    try:
        return _QUAD_CACHE[landscape]
    except (KeyError, TypeError):
        pass
    out = _quadratic_hessians(landscape)
    try:
        _QUAD_CACHE[landscape] = out
    except TypeError:
        pass
    return out


def _quadratic_hessians(landscape):
    import sympy as sp

    if not getattr(landscape, "closed_form", False) or landscape.dim > 200:
        return None
    try:
        sym = landscape.symbolic()
    except NotImplementedError:
        return None
    d = len(sym.symbols)
    hessians = []
    for f in sym.losses:
        if not f.is_polynomial(*sym.symbols):
            return None
        terms = sp.Poly(f, *sym.symbols).as_dict()
        if any(sum(m) > 2 for m in terms):
            return None
        H = [[Fraction(0)] * d for _ in range(d)]
        for mon, coef in terms.items():
            if sum(mon) != 2:
                continue
            idx = [j for j, e in enumerate(mon) for _ in range(e)]
            c = Fraction(int(coef.p), int(coef.q))
            j, k = idx
            if j == k:
                H[j][j] += 2 * c
            else:
                H[j][k] += c
                H[k][j] += c
        hessians.append(H)
    return hessians


def _is_psd(H) -> bool:
    """Exact positive-semidefiniteness of a symmetric rational matrix (Fractions).

    Symmetric elimination: a negative diagonal entry refutes; a zero diagonal entry needs a
    zero row; a positive one is eliminated by its Schur complement, which is PSD iff H is.
    """
    H = [row[:] for row in H]
    idx = list(range(len(H)))
    while idx:
        k = max(idx, key=lambda j: H[j][j])
        if H[k][k] < 0:
            return False
        if H[k][k] == 0:
            if any(H[k][j] != 0 for j in idx):
                return False
            idx.remove(k)
            continue
        idx.remove(k)
        p = H[k][k]
        for a in idx:
            f = H[a][k] / p
            if f:
                for b in idx:
                    H[a][b] -= f * H[k][b]
    return True


def supports_symbolic(landscape) -> bool:
    """Whether an exact argument is implemented: valley landscapes with one minimizing
    hyperplane (Example 1, Remark 1 valley) and landscapes with quadratic f_i (least squares)."""
    return _kind(landscape) is not None


# ---- the valley reduction ------------------------------------------------------------------
@dataclass
class _Valley:
    s: object  # sympy Symbol s
    sigma: object  # sympy Symbol σ
    a: list  # exact Rationals
    d: int
    star: object  # s* exactly (Rational or CRootOf)
    minpoly: object  # Poly in σ with star as a root (irreducible factor), or None if rational
    gstar: list  # g(s* + a_i), exact expressions
    gstar_f: list  # their floats

    @property
    def rational(self) -> bool:
        return self.minpoly is None


def _g(u):
    return u**2 / (u**2 + 1)


def _dg(u):
    return 2 * u / (u**2 + 1) ** 2


_VALLEY_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _valley(landscape) -> _Valley:
    """The exact 1-D reduction of a valley landscape (cached per landscape object)."""
    try:
        return _VALLEY_CACHE[landscape]
    except KeyError:
        pass
    out = _valley_build(landscape)
    _VALLEY_CACHE[landscape] = out
    return out


def _valley_build(landscape) -> _Valley:
    import sympy as sp

    s, sigma = sp.symbols("s sigma", real=True)
    a = [sp.Rational(float(v)) for v in landscape.a]
    num = sp.fraction(sp.together(sum((sigma + ai) / ((sigma + ai) ** 2 + 1) ** 2 for ai in a)))[0]
    s_num = float(np.sum(landscape.minimizers.point))
    best = None
    for fac, _ in sp.factor_list(sp.Poly(num, sigma))[1]:
        for r in fac.real_roots():
            dist = abs(float(r) - s_num)
            if best is None or dist < best[0]:
                best = (dist, r, fac)
    if best is None or best[0] > 1e-6 * (1 + abs(s_num)):
        raise ArithmeticError("could not identify s* among the exact critical points of h")
    _, star, fac = best
    minpoly = None if fac.degree() == 1 else fac
    gstar = [_g(star + ai) for ai in a]
    return _Valley(
        s, sigma, a, landscape.dim, star, minpoly, gstar, [float(sp.N(v, 30)) for v in gstar]
    )


def _rows(V: _Valley, i: int):
    """``(a_i, b_i, c_i)`` as expressions in s and σ (σ standing for s*)."""
    u, v = V.s + V.a[i], V.sigma + V.a[i]
    return _dg(u) * (V.s - V.sigma), _g(u) - _g(v), _g(u)


def _numerator(expr, V: _Valley, *, check_sign: bool = True):
    """Numerator polynomial in (s, σ) of a rational expression whose denominator is > 0.

    The denominators are products of ``w² + 1`` (w = s + a_i or σ + a_i); each irreducible
    factor is checked to be a constant or a quadratic with negative discriminant.
    """
    import sympy as sp

    num, den = sp.fraction(sp.together(expr))
    if not check_sign:  # only the zeros matter
        return sp.Poly(sp.expand(num), V.s, V.sigma)
    # Denominators here are products of (u² + 1)^k with u real: positive. Check the claim.
    for fac, _ in sp.factor_list(den)[1]:
        if not (sp.Poly(fac, V.s, V.sigma).total_degree() == 0 or _is_sum_sq_plus_one(fac, V)):
            raise ArithmeticError(f"denominator factor {fac} is not provably positive")
    sign = 1 if sp.factor_list(den)[0] > 0 else -1
    return sp.Poly(sp.expand(sign * num), V.s, V.sigma)


def _is_sum_sq_plus_one(fac, V):
    import sympy as sp

    for var in (V.s, V.sigma):
        p = sp.Poly(fac, var)
        if p.degree() == 2:
            A, B, C = p.all_coeffs()
            if A.is_positive and (B**2 - 4 * A * C).is_negative:
                return True
    return False


def _univariate(P, V: _Valley):
    """A polynomial in s whose real zeros contain those of ``P(s, s*)``."""
    import sympy as sp

    if V.rational:
        return sp.Poly(P.as_expr().subs(V.sigma, V.star), V.s)
    R = sp.resultant(P.as_expr(), V.minpoly.as_expr(), V.sigma)
    return sp.Poly(R, V.s)


def _eval_at(expr_poly, V: _Valley, t):
    """``P(t, s*)`` exactly (rational s*) or to 60 digits (algebraic s*), as a sympy number."""
    import sympy as sp

    val = expr_poly.as_expr().subs(V.s, t)
    if V.rational:
        return sp.S(val.subs(V.sigma, V.star))  # rational arithmetic: already exact
    return sp.N(val.subs(V.sigma, V.star), _DIGITS)


def _gap_points(Q, lo, hi):
    """Rational points, one in each open gap between consecutive real zeros of Q in (lo, hi);
    lo, hi are Rationals or ±oo. Returns (points, zeros' isolating intervals)."""
    import sympy as sp

    eps = sp.Rational(1, 10**40)
    if Q.degree() <= 0:
        ivs = []
    else:
        kw = {}
        if lo != -sp.oo:
            kw["inf"] = lo
        if hi != sp.oo:
            kw["sup"] = hi
        ivs = sorted((iv for iv, _ in Q.sqf_part().intervals(eps=eps, **kw)), key=lambda r: r[0])
    bars = [(lo, lo)] + [(sp.Rational(x), sp.Rational(y)) for x, y in ivs] + [(hi, hi)]
    pts = []
    for (_, b0), (a1, _) in zip(bars[:-1], bars[1:]):
        if b0 == -sp.oo and a1 == sp.oo:
            pts.append(sp.Integer(0))
        elif b0 == -sp.oo:
            pts.append(a1 - 1)
        elif a1 == sp.oo:
            pts.append(b0 + 1)
        elif b0 < a1:
            pts.append((b0 + a1) / 2)
        elif b0 > a1:
            raise ArithmeticError("isolating intervals overlap; roots too close to separate")
    return pts, ivs


def _critical_poly(P, V: _Valley):
    """``P(s, s*)`` for rational s*; for algebraic s*, ``P(s, ŝ)`` at a rational ``ŝ`` within
    1e−50 of s* (a resultant per α is too slow: minutes for Remark 1's default instance)."""
    import sympy as sp

    star = V.star if V.rational else V.star.eval_rational(n=55)
    return sp.Poly(P.as_expr().subs(V.sigma, star), V.s)


def _critical_points(Q, lo, hi, V: _Valley) -> list:
    """Real zeros of Q in [lo, hi]: exact (CRootOf / Rational) when s* is rational; otherwise
    the midpoints of isolating intervals of width ≤ 1e−40 of the zeros of ``∂_s φ(s, ŝ)``.

    For algebraic s* this is a perturbation argument, not an exact one: the zeros move by
    O(|s* − ŝ|) = O(1e−50) for simple zeros, so the sup is found to ~1e−30, far below the
    rounding of the results to doubles (``beta_min`` also rounds up by a relative 1e−14 then).
    """
    import sympy as sp

    if Q.degree() <= 0:
        return []
    if V.rational:
        return [r for r in Q.sqf_part().real_roots() if lo <= r <= hi]
    kw = {}
    if lo != -sp.oo:
        kw["inf"] = lo
    if hi != sp.oo:
        kw["sup"] = hi
    eps = sp.Rational(1, 10**40)
    return [(a + b) / 2 for (a, b), _ in Q.sqf_part().intervals(eps=eps, **kw)]


def _s_range(landscape, domain, whole_space):
    import sympy as sp

    if whole_space:
        return -sp.oo, sp.oo
    domain = landscape.domain if domain is None else domain
    lo = sum(sp.Rational(float(v)) for v in domain.lo)
    hi = sum(sp.Rational(float(v)) for v in domain.hi)
    return lo, hi


def _point_with_sum(domain, t, d):
    """An exact rational point of the box (or of R^d) whose coordinates sum to t."""
    import sympy as sp

    if domain is None:
        return [t / d] * d
    lo = [sp.Rational(float(v)) for v in domain.lo]
    hi = [sp.Rational(float(v)) for v in domain.hi]
    lam = (t - sum(lo)) / (sum(hi) - sum(lo))
    return [lo_ + lam * (hi_ - lo_) for lo_, hi_ in zip(lo, hi)]


# ---- certify ----------------------------------------------------------------------------------
def certify_symbolic(
    landscape, alpha, beta, *, domain=None, whole_space: bool = False
) -> Certificate:
    r"""Decide the α-β-condition ([AB] Definition 1, spec §2) by an exact argument.

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


def _worse_counterexample(V: _Valley, A, B, lo, hi, i, t):
    """Move a counterexample ``(i, t)`` to (a rational within 1e−30 of) the slack's minimiser
    when the exact slack is negative there too; else keep it."""
    import sympy as sp

    val, where = _slack_min(V, A, B, lo, hi)
    if where in (sp.oo, -sp.oo):
        return i, t
    q = where if where.is_Rational else sp.Rational(str(sp.N(where, 40)))
    if not (lo <= q <= hi):
        return i, t
    slacks = [sp.N(_slack_exact(V, A, B, k, q), _DIGITS) for k in range(len(V.a))]
    k = min(range(len(slacks)), key=lambda j: slacks[j])
    return (k, q) if slacks[k].is_negative else (i, t)


def _slack_min(V: _Valley, A, B, lo, hi):
    """``(min_i inf_s T_i(s), where)`` over the s-range: the ends (limits at ±∞) and the zeros
    of ``∂_s T_i`` (see :func:`_critical_points`); reported as ``min_slack``."""
    import sympy as sp

    best = None
    for i in range(len(V.a)):
        ai, bi, ci = _rows(V, i)
        T = ai - A * bi + B * ci
        cands = []
        for end in (lo, hi):
            if end in (sp.oo, -sp.oo):
                cands.append((float(B - A * (1 - V.gstar[i])), end))
            else:
                cands.append((float(_slack_exact(V, A, B, i, end)), end))
        Q = _critical_poly(_numerator(sp.diff(T, V.s), V, check_sign=False), V)
        for r in _critical_points(Q, lo, hi, V):
            cands.append((float(sp.N(T.subs({V.s: r, V.sigma: V.star}), 30)), r))
        for val, where in cands:
            if best is None or val < best[0]:
                best = (val, where)
    return best


def _slack_exact(V: _Valley, A, B, i, t):
    import sympy as sp

    ai, bi, ci = _rows(V, i)
    T = (ai - A * bi + B * ci).subs({V.s: t, V.sigma: V.star})
    return sp.S(T) if V.rational else sp.N(T, _DIGITS)


def _certify_quadratic(landscape, a_f, b_f, common, t0):
    import sympy as sp

    psd = [_is_psd(H) for H in _quadratic_losses(landscape)]
    seconds = time.perf_counter() - t0
    if not all(psd):
        return Certificate(
            verdict=INCONCLUSIVE,
            min_slack=np.nan,
            worst_point=None,
            budget={"seconds": seconds},
            reason="some f_i is not convex: the convexity argument does not apply",
            **common,
        )
    A, B = sp.Rational(a_f), sp.Rational(b_f)
    if A >= 1 and B >= A - 1:
        return Certificate(
            verdict=PROVED,
            min_slack=0.0,
            worst_point=None,
            budget={"seconds": seconds},
            details={
                "argument": "every f_i is a convex quadratic (exact PSD Hessian), so (1, 0) "
                "holds on R^d; alpha >= 1 and beta >= alpha - 1 follow by diagonal "
                "monotonicity and c_i >= 0 (spec §2)"
            },
            **common,
        )
    return Certificate(
        verdict=INCONCLUSIVE,
        min_slack=np.nan,
        worst_point=None,
        budget={"seconds": seconds},
        reason="convexity proves exactly the pairs alpha >= 1, beta >= alpha - 1; "
        f"({a_f}, {b_f}) is not one of them",
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
