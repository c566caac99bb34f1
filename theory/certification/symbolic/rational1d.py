r"""An exact proof for one-dimensional ``from_sympy`` landscapes with rational losses
(theory.certification.symbolic's helper).

One job: decide the α-β-condition (MATHEMATICS.md §2, [AB] Definition 1, Eq. (2)) on an interval
exactly, when ``dim = 1``, every f_i is a rational function with rational coefficients, S is a
finite set of exact rational points and the f_i* are exact.

On the Voronoi cell of ``p_j`` (the points of the interval nearer to ``p_j`` than to any other
point of S: an interval bounded by midpoints) the nearest point is ``p_j``, and

    T_i(x) = f_i'(x) (x − p_j) − α (f_i(x) − f_i(p_j)) + β (f_i(x) − f_i*)

is a rational function ``P/Q`` with rational coefficients (α, β are the rationals their doubles
denote). Its sign is constant between consecutive real zeros of ``P`` and ``Q``, which are
isolated exactly (``Poly.intervals``), so testing one rational point in every gap and at the
ends decides ``T_i ≥ 0`` on the cell. A negative value at a point interior to a cell is an exact
counterexample; at a cell boundary (a tie between two points of S) a counterexample must fail
for both. That S and the f_i* are right is the landscape's ground truth, not re-proved here.
"""

from __future__ import annotations

import time

import numpy as np

from ..certificate import INCONCLUSIVE, PROVED, REFUTED, Certificate

__all__ = ["supports_rational1d", "certify_rational1d"]


def supports_rational1d(landscape) -> bool:
    """A ``from_sympy`` landscape in one variable, rational f_i, exact S and exact f_i*."""
    if type(landscape).__name__ != "SympyLandscape" or landscape.dim != 1:
        return False
    if getattr(landscape, "exact_minimizers", None) is None:
        return False
    if getattr(landscape, "exact_f_i_star", None) is None:
        return False
    if not all(sp_rational(v) for v in landscape.exact_f_i_star):
        return False
    sym = landscape.symbolic()
    return all(_rational(f, sym.symbols[0]) for f in sym.losses)


def sp_rational(v) -> bool:
    import sympy as sp

    return bool(sp.nsimplify(v).is_Rational)


def _rational(f, X) -> bool:
    import sympy as sp

    if not f.is_rational_function(X):
        return False
    num, den = sp.fraction(sp.together(f))
    try:
        return all(c.is_Rational for c in sp.Poly(num, X).coeffs() + sp.Poly(den, X).coeffs())
    except sp.PolynomialError:
        return False


def _test_points(polys, a, b, X):
    """Rational points: ``a``, ``b`` and one strictly inside every gap between consecutive
    real zeros (in ``(a, b)``) of the polynomials."""
    import sympy as sp

    ends = []
    for P in polys:
        if P.degree() <= 0:
            continue
        for (lo, hi), _ in P.intervals(eps=sp.Rational(1, 10**12)):
            lo, hi = sp.Rational(lo), sp.Rational(hi)
            if hi < a or lo > b:
                continue
            ends.append((lo, hi))
    ends.sort()
    pts = [a, b]
    cuts = [a] + [v for iv in ends for v in iv] + [b]
    for u, v in zip(cuts[:-1], cuts[1:]):
        lo, hi = max(u, a), min(v, b)
        if lo < hi:
            pts.append((lo + hi) / 2)
    return sorted(set(p for p in pts if a <= p <= b))


def certify_rational1d(landscape, alpha: float, beta: float, common: dict, t0: float,
                       lo: float, hi: float) -> Certificate:
    """The certificate (see the module docstring) on the interval ``[lo, hi]``."""
    import sympy as sp

    sym = landscape.symbolic()
    X = sym.symbols[0]
    f = list(sym.losses)
    A, B = sp.Rational(alpha), sp.Rational(beta)
    P = sorted({sp.nsimplify(row[0]) for row in landscape.exact_minimizers})
    fis = [sp.nsimplify(v) for v in landscape.exact_f_i_star]
    a_dom, b_dom = sp.Rational(float(lo)), sp.Rational(float(hi))
    bounds = [a_dom] + [(P[k] + P[k + 1]) / 2 for k in range(len(P) - 1)] + [b_dom]
    worst = None

    def slack(i, p, t):
        fi = f[i]
        return (sp.diff(fi, X) * (X - p) - A * (fi - fi.subs(X, p)) + B * (fi - fis[i])).subs(X, t)

    for j, p in enumerate(P):
        a, b = max(bounds[j], a_dom), min(bounds[j + 1], b_dom)
        if a > b:
            continue
        for i, fi in enumerate(f):
            T = sp.together(sp.diff(fi, X) * (X - p) - A * (fi - fi.subs(X, p))
                            + B * (fi - fis[i]))
            num, den = sp.fraction(T)
            polys = [sp.Poly(num, X), sp.Poly(den, X)]
            if any(a < r < b or r in (a, b) for r in polys[1].real_roots()):
                return Certificate(verdict=INCONCLUSIVE, min_slack=np.nan, worst_point=None,
                                   budget={"seconds": time.perf_counter() - t0},
                                   reason=f"f_{i + 1} has a pole in [{a}, {b}]", **common)
            for t in _test_points(polys, a, b, X):
                val = T.subs(X, t)
                if worst is None or val < worst[0]:
                    worst = (val, t)
                if val < 0:
                    tie = [q for q in P if abs(q - t) == abs(p - t) and q != p]
                    if tie and all(slack(k, q, t) >= 0 for q in tie for k in range(len(f))):
                        continue  # another nearest point works at this tie
                    return Certificate(
                        verdict=REFUTED, min_slack=float(val), worst_point=np.array([float(t)]),
                        budget={"seconds": time.perf_counter() - t0},
                        reason=f"T_{i + 1} = {val} < 0 at x = {t} (exact rational point)",
                        details={"counterexample_exact": [str(t)], "i": i,
                                 "slack_exact": str(val), "nearest": str(p)},
                        **common)
    return Certificate(
        verdict=PROVED, min_slack=float(worst[0]), worst_point=np.array([float(worst[1])]),
        budget={"seconds": time.perf_counter() - t0},
        details={"argument": "on each Voronoi cell of S, T_i = P/Q with rational coefficients: "
                             "exact isolation of the real zeros of P and Q and the sign of T_i "
                             "at a rational point of every gap",
                 "interval": [str(a_dom), str(b_dom)]},
        **common)
