"""Tests of theory.certification.symbolic: exact proofs (valley, convex quadratics) and
Example 1's region."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import toylands
from theory.certification.interval import certify_interval
from theory.certification.symbolic import certify_symbolic, exact_region, supports_symbolic
from toylands import Box
from toylands.valley import dg, g

BOX50 = Box.cube(-50.0, 50.0, 2)


@pytest.fixture(scope="module")
def ex1():
    return toylands.get("example1")


@pytest.fixture(scope="module")
def region_R(ex1):
    return exact_region(ex1)


@pytest.mark.parametrize("a, b", [(2.5, 2.0), (2.5, 2.4), (5.0, 4.0), (10.0, 8.0)])
def test_example1_holds_proved(ex1, a, b):
    cert = certify_symbolic(ex1, a, b, domain=BOX50)
    assert cert.verdict == "proved"
    assert cert.method == "symbolic"
    assert cert.details["s_star"] == "-1/2"


@pytest.mark.parametrize("a, b", [(5.0, 3.9), (10.0, 7.0)])
def test_example1_fails_refuted_with_exact_counterexample(ex1, a, b):
    cert = certify_symbolic(ex1, a, b, domain=BOX50)
    assert cert.verdict == "refuted"
    x = [sp.Rational(v) for v in cert.details["counterexample_exact"]]
    assert all(-50 <= v <= 50 for v in x)
    # Re-evaluate the slack exactly from the landscape's sympy losses.
    sym = ex1.symbolic()
    s = sum(x)
    xp = [v - (s + sp.Rational(1, 2)) / 2 for v in x]
    sub = dict(zip(sym.symbols, x))
    subp = dict(zip(sym.symbols, xp))
    worst = None
    for f in sym.losses:
        grad = [sp.diff(f, v).subs(sub) for v in sym.symbols]
        T = sum(gv * (xv - pv) for gv, xv, pv in zip(grad, x, xp)) - sp.Rational(a) * (
            f.subs(sub) - f.subs(subp)
        ) + sp.Rational(b) * f.subs(sub)
        worst = T if worst is None else sp.Min(worst, T)
    assert worst < 0
    assert cert.min_slack < 0


def test_example1_whole_space(ex1):
    assert certify_symbolic(ex1, 2.5, 2.0, whole_space=True).verdict == "proved"
    # On R the frontier is 4α/5 (the sup is the limit at infinity): 3.99 < 4 fails.
    assert certify_symbolic(ex1, 5.0, 3.99, whole_space=True).verdict == "refuted"


def test_example1_exact_region_alpha_min(region_R):
    # α_min = 10 max_{s} (−s(s + 1/2)/(1 + s²)²) at a root of 4s³ + 3s² − 4s − 1 (derived).
    s = sp.Symbol("s")
    roots = [r for r in sp.Poly(4 * s**3 + 3 * s**2 - 4 * s - 1, s).real_roots() if -0.5 < r < 0]
    expected = max(sp.N(-10 * r * (r + sp.Rational(1, 2)) / (r**2 + 1) ** 2, 30) for r in roots)
    assert abs(region_R.alpha_min - float(expected)) < 1e-14
    assert region_R.alpha_min == pytest.approx(0.5605750858966928, rel=1e-14)


def test_example1_frontier_is_4alpha_over_5_on_R_and_paper_claim_inside(region_R):
    for a in (1.5, 2.5, 5.0, 10.0, 100.0):
        assert float(region_R.beta_min_exact(a)[2]) == pytest.approx(0.8 * a, rel=1e-15)
    # The paper's claimed region α ≥ 5/2, β ∈ [4α/5, α) lies inside ours.
    for a in (2.5, 3.0, 7.0, 10.0):
        for b in (0.8 * a, 0.9 * a, a - 1e-9):
            assert region_R.contains(a, b)
    assert not region_R.contains(5.0, 3.9)
    assert not region_R.contains(0.5, 0.1)  # below alpha_min


def test_example1_frontier_matches_dense_grid(region_R, ex1):
    s = np.concatenate([np.linspace(-60, 60, 400_001), -np.geomspace(60, 1e8, 2000),
                        np.geomspace(60, 1e8, 2000)])
    for a in (0.57, 0.6, 1.0, 3.0):
        best = -np.inf
        for ai in ex1.a:
            u = s + ai
            A, B, C = dg(u) * (s + 0.5), g(u) - g(-0.5 + ai), g(u)
            ok = C > 0
            best = max(best, np.max((a * B[ok] - A[ok]) / C[ok]))
        exact = float(region_R.beta_min(a))
        assert exact >= best - 1e-12
        assert exact - best < 1e-6


def test_example1_box_region_below_4alpha_over_5(ex1):
    R = exact_region(ex1, BOX50)
    for a in (2.5, 5.0, 10.0):
        b = float(R.beta_min(a))
        assert b < 0.8 * a
        assert 0.8 * a - b < 1e-3
        assert R.contains(a, 0.8 * a)
    fr = R.frontier(num=5)
    assert fr.shape == (5, 2) and np.all(fr[:, 1] < fr[:, 0])
    js = R.to_json(num=4)
    assert js["alpha_min"] == pytest.approx(0.5605750858966928)


def test_symbolic_and_interval_agree_on_example1(ex1):
    for a, b in [(1.0, 0.79), (1.0, 0.81), (0.7, 0.6), (3.0, 2.0)]:
        s = certify_symbolic(ex1, a, b, domain=BOX50).verdict
        i = certify_interval(ex1, a, b, domain=BOX50, budget={"seconds": 20}).verdict
        assert s in ("proved", "refuted")
        assert i == s


def test_least_squares_convexity():
    L = toylands.get("least-squares", n=4, d=7, seed=1)
    assert supports_symbolic(L)
    assert certify_symbolic(L, 1.0, 0.0).verdict == "proved"
    assert certify_symbolic(L, 3.0, 2.5).verdict == "proved"
    cert = certify_symbolic(L, 3.0, 1.0)
    assert cert.verdict == "inconclusive" and cert.reason


def test_quadratic_recognition_gives_the_exact_hessians_and_nothing_else():
    """The ring evaluation of each loss agrees with sympy's Poly (expansion) on least-squares;
    a loss of degree 3, a non-polynomial, a float coefficient or a negative power is not a
    quadratic."""
    from fractions import Fraction

    from theory.certification.symbolic.convex import _polynomial_ring, _quadratic_hessians

    L = toylands.get("least-squares", n=5, d=4, seed=2)
    sym = L.symbolic()
    H = _quadratic_hessians(L)
    for f, Hf in zip(sym.losses, H):
        want = sp.hessian(sp.expand(f), sym.symbols)
        assert [[sp.Rational(v.numerator, v.denominator) for v in row] for row in Hf] == \
            want.tolist()
    x, y = sp.symbols("x y")
    to_ring = _polynomial_ring((x, y))
    p = to_ring(sp.Rational(1, 3) * (x - 2 * y + 1) ** 2 - x * y / 7)
    assert dict(p) == {k: v for k, v in
                       sp.Poly(sp.Rational(1, 3) * (x - 2 * y + 1) ** 2 - x * y / 7, x, y)
                       .as_dict().items()}
    assert to_ring(x**3 * y) is not None  # a polynomial (of degree 4: not a quadratic)
    for e in (sp.sin(x) * y, sp.Float(0.5) * x**2, x ** -1 + y, sp.sqrt(x), sp.pi * x):
        assert to_ring(e) is None
    assert isinstance(H[0][0][0], Fraction)


def test_not_supported():
    L = toylands.get("example2")
    assert not supports_symbolic(L)
    with pytest.raises(ValueError, match="does not apply"):
        certify_symbolic(L, 2.0, 1.0)
    with pytest.raises(ValueError):
        exact_region(L)
    with pytest.raises(ValueError):
        certify_symbolic(toylands.get("example1"), 1.0, 2.0)


@pytest.mark.slow
def test_remark1_valley_exact():
    L = toylands.get("remark1-valley")
    assert supports_symbolic(L)
    assert certify_symbolic(L, 300.0, 299.0).verdict == "proved"
    assert certify_symbolic(L, 30.0, 29.0).verdict == "refuted"
    R = exact_region(L, L.domain)
    assert R.alpha_min > 1.0
    assert R.contains(300.0, 299.0)
    assert not R.contains(30.0, 29.0)
