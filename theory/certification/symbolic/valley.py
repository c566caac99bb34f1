r"""The exact 1-D reduction of valley landscapes and its root isolation (the symbolic
method's helper).

One job: the exact algebra behind the symbolic method for valley landscapes (``example1``,
``remark1-valley``; MATHEMATICS.md §4.1, §4.5): s*, the slack rows as rational functions of s, exact
isolation of their real zeros on an s-range, and the slack's minimum over it.

With ``f_i = g(s + a_i)``, ``g(u) = u²/(u² + 1)``, ``s = Σ_j x_j`` and ``S = {s = s*}`` one
hyperplane, ``x − x_p = ((s − s*)/d) 1``, so the slack rows of MATHEMATICS.md §2 depend on s alone:

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
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

__all__ = [
    "_DIGITS",
    "_Valley",
    "_critical_points",
    "_critical_poly",
    "_eval_at",
    "_g",
    "_gap_points",
    "_numerator",
    "_point_with_sum",
    "_rows",
    "_s_range",
    "_slack_exact",
    "_slack_min",
    "_univariate",
    "_valley",
    "_worse_counterexample",
]

_DIGITS = 60
_EPS_ISOLATE = 10**-40  # width of the isolating intervals (as a Rational below)


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


# ---- the slack's minimum over the s-range (counterexamples, min_slack) ------------------------
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
