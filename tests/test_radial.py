"""Radial landscapes (MATHEMATICS.md §4.2–4.5): every number of the spec, global optimality, closed
forms."""

from __future__ import annotations

import json
import warnings

import mpmath
import numpy as np
import pytest
import sympy as sp
from scipy.optimize import minimize

import toylands
from theory.cli import main
from toylands._profiles import PROFILES, sup_abs
from toylands.domain import Box
from toylands.radial import RadialSum, example6_minimizers

RADIAL = ["example2", "example3", "example6", "remark1-bumps", "example3-printed"]


def _grid(lo, hi, m):
    g = np.linspace(lo, hi, m)
    return np.stack(np.meshgrid(g, g, indexing="ij"), axis=-1).reshape(-1, 2)


def _no_lower_minimum(f, box: Box, per_axis: int, polish: int = 25):
    """Dense grid + scipy polish of the lowest grid points: nothing beats f*, all land in S."""
    x = box.grid(per_axis)
    v = f.value(x)
    assert v.min() >= f.f_star - 1e-14
    for x0 in x[np.argsort(v)[:polish]]:
        res = minimize(f.value, x0, jac=f.gradient, method="BFGS", options={"gtol": 1e-12})
        assert res.fun >= f.f_star - 1e-14
        if res.fun <= f.f_star + 1e-10:
            assert f.distance(res.x) < 1e-5


# ---- example2 (MATHEMATICS.md §4.2) --------------------------------------------------------------
def test_example2_minimizers_solve_the_diagonal_equation_to_high_precision():
    f = toylands.get("example2")
    mpmath.mp.dps = 40
    # On the diagonal (s, s)·2: s e^{−8s²} = (1 − s) e^{−8(1 − s)²}; t = 2s.
    s = mpmath.findroot(
        lambda s: s * mpmath.exp(-8 * s**2) - (1 - s) * mpmath.exp(-8 * (1 - s) ** 2), 3e-4
    )
    t = float(2 * s)
    assert abs(t - 0.000674) < 5e-7
    pts = f.minimizers.points
    np.testing.assert_allclose(pts, [[t, t], [2 - t, 2 - t]], rtol=0, atol=1e-13)
    fs = float(1 - (mpmath.exp(-2 * (2 * s) ** 2) + mpmath.exp(-2 * (2 - 2 * s) ** 2)) / 2)
    assert abs(f.f_star - fs) < 1e-15 and abs(f.f_star - 0.49983182) < 5e-9
    c = float(-mpmath.expm1(-2 * (2 * s) ** 2))
    # (2 − t, 2 − t) is stored to 4e-16 absolute, so f₂ there is c to ~1e-12 relative.
    assert abs(f.losses(pts[0])[0] - c) < 1e-14 * c
    assert abs(f.c_min - c) < 1e-11 * c
    assert abs(f.c_min - 9.0943e-7) < 5e-11
    assert f.provenance["minimizers"].error < 1e-13


def test_example2_saddle_and_flags():
    f = toylands.get("example2")
    (sad,) = f.critical_points
    assert sad.kind == "saddle" and np.allclose(sad.point, [1.0, 1.0], atol=1e-14)
    assert abs(sad.value - (1 - np.exp(-2.0))) < 1e-15 and abs(sad.value - 0.864665) < 5e-7
    assert sad.hessian_eigenvalues[0] < 0 < sad.hessian_eigenvalues[1]
    assert f.f_i_star.tolist() == [0.0, 0.0] and not f.interpolation and not f.positive
    assert f.domain == Box.cube(-6.0, 6.0, 2) and f.closed_form


@pytest.mark.parametrize("name", ["example2", "example3", "example6"])
def test_critical_points_lie_on_the_segment(name):
    """The convex-combination argument: the gradient across the diagonal has the sign of x − y,
    so it vanishes only on the diagonal (which joins the two centres)."""
    f = toylands.get(name)
    x = _grid(-6, 6, 241)
    x = x[np.abs(x[:, 0] - x[:, 1]) > 1e-9]
    across = f.gradient(x) @ np.array([1.0, -1.0])
    assert np.all(np.sign(across) == np.sign(x[:, 0] - x[:, 1]))


def test_example2_no_other_global_minimizer():
    _no_lower_minimum(toylands.get("example2"), Box.cube(-6, 6, 2), 601)


# ---- example3 (MATHEMATICS.md §4.3, corrected) ---------------------------------------------------
def test_example3_numbers_of_the_spec():
    f = toylands.get("example3")
    (p,) = f.minimizers.points
    np.testing.assert_allclose(p, [2.471721, 2.471721], rtol=0, atol=5e-7)
    assert abs(f.f_star - 0.40831321) < 5e-9
    assert f.f_i_star.tolist() == [0.25, 0.0] and f.sigma_int2 == pytest.approx(f.f_star - 0.125)
    assert abs(f.value(np.zeros(2)) - 0.587963) < 5e-7  # the paper's f(0, 0)
    kinds = {c.kind: c for c in f.critical_points}
    assert set(kinds) == {"local minimum", "saddle"}
    np.testing.assert_allclose(kinds["local minimum"].point, [0.08041, 0.08041], rtol=0, atol=5e-6)
    assert abs(kinds["local minimum"].value - 0.586866) < 5e-7
    np.testing.assert_allclose(kinds["saddle"].point, [1.25248, 1.25248], rtol=0, atol=5e-6)
    assert abs(kinds["saddle"].value - 0.668263) < 5e-7
    assert np.all(kinds["local minimum"].hessian_eigenvalues > 0)
    # c at the exact minimizer and at the paper's rounded one (2.471, 2.471).
    assert abs(f.c_min - 0.0015969) < 5e-8
    assert abs(f.losses(np.array([2.471, 2.471])).min() - 0.00167918) < 5e-9
    assert "CORRECTED" in toylands.radial.example3.__doc__


def test_example3_no_other_global_minimizer():
    _no_lower_minimum(toylands.get("example3"), Box.cube(-20, 20, 2), 801)


def test_example3_minimizer_is_stationary_in_extended_precision():
    f = toylands.get("example3")
    mpmath.mp.dps = 40
    x, y = sp.symbols("x y")
    F = sum(f.symbolic().losses) / 2
    g = [sp.lambdify((x, y), sp.diff(F, v), "mpmath") for v in (x, y)]
    (p,) = f.minimizers.points
    assert max(abs(gi(mpmath.mpf(p[0]), mpmath.mpf(p[1]))) for gi in g) < 1e-15


# ---- example3-printed ----------------------------------------------------------------------
def test_example3_printed_is_the_printed_formula_and_its_minimum_is_global():
    f = toylands.get("example3-printed")
    x = np.random.default_rng(0).uniform(-20, 20, (100, 2))
    p, q = x[:, 0] - 2.5, x[:, 1] - 2.5
    f2 = (p**2 + q**2) / (4 + q**2 + q**2)
    np.testing.assert_allclose(f.losses(x)[:, 1], f2, rtol=1e-14)
    assert f.f_i_star.tolist() == [0.25, 0.0]
    # The argument of the module: f ≥ f₁/2 confines S to the disc |x|² ≤ (8f* − 1)/(1 − 2f*).
    R = np.sqrt((8 * f.f_star - 1) / (1 - 2 * f.f_star))
    assert np.linalg.norm(f.minimizers.points, axis=-1).max() <= R and R < 3.5
    _no_lower_minimum(f, Box.cube(-R, R, 2), 401)
    (m,) = f.minimizers.points
    np.testing.assert_allclose(m, [2.3770756, 2.3752711], rtol=0, atol=1e-6)
    assert abs(f.f_star - 0.405715943) < 1e-9 and abs(f.c_min - 0.0076077456) < 1e-9
    assert {c.kind for c in f.critical_points} == {"local minimum", "saddle"}
    assert "misprint" in toylands.radial_printed.__doc__


# ---- example6 (MATHEMATICS.md §4.4) --------------------------------------------------------------
def test_example6_closed_form_matches_sympy():
    s = sp.symbols("s", real=True)
    u1, u2 = 2 * s**2, 2 * (1 - s) ** 2
    phi = (u1 / (1 + u1) + u2 / (1 + u2)) / 2
    roots = sorted(sp.solve(sp.numer(sp.together(sp.diff(phi, s))), s), key=float)
    assert len(roots) == 3 and roots[1] == sp.Rational(1, 2)
    z = sp.Symbol("z")  # an algebraic number is exactly 0 iff its minimal polynomial is z
    assert all(
        sp.minimal_polynomial(phi.subs(s, r) - (3 - sp.sqrt(3)) / 4, z) == z
        for r in (roots[0], roots[2])
    )
    assert sp.simplify(phi.subs(s, roots[1]) - sp.Rational(1, 3)) == 0
    pts, fs = example6_minimizers()
    np.testing.assert_allclose(pts[:, 0], [float(roots[0]), float(roots[2])], rtol=0, atol=1e-15)
    f = toylands.get("example6")
    np.testing.assert_array_equal(f.minimizers.points, pts)
    assert abs(f.f_star - float((3 - sp.sqrt(3)) / 4)) < 1e-15
    np.testing.assert_allclose(pts[:, 0], [0.159375, 0.840625], rtol=0, atol=5e-7)
    # The numerical segment solve agrees with the closed form.
    num = RadialSum(
        [[0, 0], [1, 1]], ["frac"] * 2, name="t", params={}, domain=f.domain, summary=""
    )
    np.testing.assert_allclose(num.minimizers.points, pts, rtol=0, atol=1e-14)
    (sad,) = f.critical_points
    assert sad.kind == "saddle" and np.allclose(sad.point, 0.5) and abs(sad.value - 1 / 3) < 1e-15
    assert abs(f.c_min - 0.048345) < 5e-7
    assert f.provenance["f_star"].method == "closed form"


def test_example6_show_json_prints_the_exact_f_star(capsys):
    assert main(["show", "example6", "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert abs(res["f_star"] - (3 - np.sqrt(3)) / 4) < 1e-12


def test_example6_no_other_global_minimizer():
    _no_lower_minimum(toylands.get("example6"), Box.cube(-20, 20, 2), 801)


# ---- remark1-bumps (MATHEMATICS.md §4.5) ---------------------------------------------------------
def test_bumps_2d_dense_search():
    f = toylands.get("remark1-bumps")
    lo, hi = f.centres.min(0), f.centres.max(0)
    _no_lower_minimum(f, Box(lo - 0.5, hi + 0.5), 501)
    for c in f.critical_points:  # every listed critical point is one
        assert np.linalg.norm(f.gradient(c.point)) < 1e-12
        assert np.all(c.point >= lo) and np.all(c.point <= hi)


def test_bumps_multistart_in_higher_dimension():
    f = toylands.get("remark1-bumps", n=4, d=3, spread=1.5, seed=7)
    rng = np.random.default_rng(1)
    best = np.inf
    for x0 in rng.uniform(-2, 2, (60, 3)):
        res = minimize(f.value, x0, jac=f.gradient, method="BFGS", options={"gtol": 1e-12})
        best = min(best, res.fun)
        assert res.fun >= f.f_star - 1e-13
    assert best <= f.f_star + 1e-12
    assert np.linalg.norm(f.gradient(f.minimizers.points)) < 1e-13


def test_bumps_keep_tied_minimizers():
    # Three equal bumps at the vertices of an equilateral triangle: three tied minima.
    ang = 2 * np.pi * np.arange(3) / 3
    C = 2.0 * np.stack([np.cos(ang), np.sin(ang)], axis=-1)
    f = RadialSum(C, ["frac"] * 3, name="t", params={}, domain=Box.cube(-5, 5, 2), summary="")
    S = f.minimizers.points
    assert len(S) == 3
    np.testing.assert_allclose(np.linalg.norm(S, axis=-1), np.linalg.norm(S[0]), rtol=1e-12)
    _no_lower_minimum(f, Box.cube(-3, 3, 2), 301)


def test_bumps_parameters_are_validated():
    with pytest.raises(ValueError):
        toylands.get("remark1-bumps", spread=0.0)
    with pytest.raises(TypeError):
        toylands.get("remark1-bumps", n=2.5)


# ---- kernels, Hessians and smoothness -------------------------------------------------------
@pytest.mark.parametrize("name", RADIAL)
def test_gradient_and_hessian_match_sympy(name):
    f = toylands.get(name)
    sym = f.symbolic()
    F = sum(sym.losses) / f.n
    grads = [[sp.lambdify(sym.symbols, sp.diff(li, v)) for v in sym.symbols] for li in sym.losses]
    hess = [[sp.lambdify(sym.symbols, sp.diff(F, a, b)) for b in sym.symbols] for a in sym.symbols]
    x = np.random.default_rng(3).uniform(-4, 4, (8, f.dim))
    for xi in x:
        g = np.array([[gij(*xi) for gij in gi] for gi in grads])
        np.testing.assert_allclose(f.grads(xi), g, rtol=1e-12, atol=1e-15)
        H = np.array([[h(*xi) for h in row] for row in hess], dtype=float)
        np.testing.assert_allclose(f.hessian(xi), H, rtol=1e-11, atol=1e-14)


@pytest.mark.parametrize("name", RADIAL)
def test_smoothness_is_an_upper_bound_and_nearly_tight(name):
    f = toylands.get(name)
    L = f.smoothness()
    assert L.certified
    # Per-sample Hessians by central differences of the exact gradients at many points.
    near = getattr(f, "centres", np.array([[0.0, 0.0], [2.5, 2.5]]))
    x = np.concatenate([f.domain.sample(np.random.default_rng(0), 4000), near])
    h = 1e-5
    cols = [(f.grads(x + h * e) - f.grads(x - h * e)) / (2 * h) for e in np.eye(f.dim)]
    H = np.stack(cols, axis=-1)
    sampled = np.abs(np.linalg.eigvalsh((H + np.swapaxes(H, -1, -2)) / 2)).max()
    assert sampled <= L.L * (1 + 1e-6)
    if name != "example3-printed":  # radial: exact, attained near a centre
        assert sampled >= 0.999 * L.L


def test_profile_sup_is_exact_against_dense_sampling():
    u = sp.Symbol("u", real=True)
    uu = np.linspace(0.3, 7.0, 200_001)
    for p in PROFILES.values():
        e = 2 * sp.diff(p.expr(u), u) + 4 * u * sp.diff(p.expr(u), u, 2)
        dense = np.abs(sp.lambdify(u, e)(uu)).max()
        bound = sup_abs(e, u, 0.3, 7.0)
        assert dense <= bound <= dense * (1 + 1e-9)
        assert p.hessian_sup(0.3, 7.0) >= dense


@pytest.mark.parametrize("name", RADIAL)
def test_huge_inputs_give_finite_values_without_warnings(name):
    f = toylands.get(name)
    x = np.array([[1e200, -3e199], [1e160, 1e160], [-1e20, 5.0]])
    if f.dim != 2:
        x = np.full((3, f.dim), 1e200)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        outs = [f.losses(x), f.gradient(x), f.directional(x, x), f.grad_at(x, np.zeros(3, int))]
    for o in outs:
        assert np.all(np.isfinite(o))
    if name != "example3-printed":
        np.testing.assert_allclose(f.losses(x), 1.0)
    else:  # f₂ → (p² + q²)/(2q²) along rays, f₁ → 1
        np.testing.assert_allclose(f.losses(x)[:2], [[1.0, 1.09 / 0.18], [1.0, 1.0]], rtol=1e-12)
