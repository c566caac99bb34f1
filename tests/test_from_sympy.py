"""``toylands.from_sympy``: derivatives, ground truth, certified L, interval enclosures, proofs,
and the errors a user sees for bad input."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import toylands
from theory import certify
from toylands._intervals import compile_intervals

x, y, z = sp.symbols("x y z")


def _three(b=(1, -1, 1)):
    """f_i = r_i²/(1 + r_i²), r_i = a_i·x − b_i (the README's landscape for b = (1, −1, 1))."""
    A = [(1, 0), (0, 1), (1, 1)]
    rs = [a1 * x + a2 * y - bi for (a1, a2), bi in zip(A, b)]
    return [r**2 / (1 + r**2) for r in rs]


@pytest.fixture(scope="module")
def three():
    return toylands.from_sympy("three", (x, y), _three(), f_i_star=[0, 0, 0], domain=(-3, 3))


@pytest.fixture(scope="module")
def interp():
    # consistent system: every r_i vanishes at (1, 1), so f* = 0 and S = {(1, 1)}
    return toylands.from_sympy("interp", (x, y), _three((1, 1, 2)), domain=(-2, 3))


@pytest.fixture(scope="module")
def wells():
    # Example 2 of the paper written as expressions: two Gaussian wells and a saddle at (1, 1)
    f1 = 1 - sp.exp(-x**2 - y**2)
    f2 = 1 - sp.exp(-(x - 2) ** 2 - (y - 2) ** 2)
    return toylands.from_sympy("wells", (x, y), [f1, f2], f_i_star=[0, 0], domain=(-1.5, 3.5))


# ---- derivatives -----------------------------------------------------------------------------
def test_gradients_and_jvp_match_sympy_and_finite_differences(three, rng):
    pts = three.domain.sample(rng, 50)
    expect = np.array([[[float(sp.diff(f, v).subs({x: p[0], y: p[1]})) for v in (x, y)]
                        for f in _three()] for p in pts[:5]])
    np.testing.assert_allclose(three.grads(pts[:5]), expect, rtol=1e-12, atol=1e-14)
    v = rng.normal(size=pts.shape)
    np.testing.assert_allclose(three.directional(pts, v),
                               np.einsum("knd,kd->kn", three.grads(pts), v), rtol=1e-12,
                               atol=1e-14)
    rep = toylands.validate(three, points=400, smoothness=True)  # incl. the certified L
    assert {"gradient", "directional", "smoothness"} <= set(rep.checks)
    assert three.losses(pts.reshape(5, 10, 2)).shape == (5, 10, 3)


def test_hessian_is_the_derivative_of_the_gradient(wells, rng):
    p = wells.domain.sample(rng, 4)
    h = 1e-6
    fd = np.stack([(wells.gradient(p + h * e) - wells.gradient(p - h * e)) / (2 * h)
                   for e in np.eye(2)], axis=-1)
    np.testing.assert_allclose(wells.hessian(p), fd, rtol=1e-6, atol=1e-8)


# ---- ground truth ----------------------------------------------------------------------------
def test_solved_S_is_exact_when_rational(three, interp):
    assert three.exact_minimizers == ((sp.Rational(4, 3), sp.Rational(-2, 3)),)
    assert three.f_star == pytest.approx(0.1, abs=1e-15) and not three.interpolation
    assert three.provenance["minimizers"].method == toylands._landscape.GLOBAL_SEARCH
    assert interp.exact_minimizers == ((1, 1),) and interp.interpolation
    assert interp.f_star == 0.0 and np.all(np.abs(interp.f_i_star) < 1e-10)


def test_saddle_is_found_and_S_is_the_two_wells(wells):
    assert len(wells.minimizers.points) == 2
    t = np.sort(wells.minimizers.points[:, 0])
    np.testing.assert_allclose(t, [0.000674, 1.999326], atol=1e-6)
    saddles = [c for c in wells.critical_points if c.kind == "saddle"]
    assert len(saddles) == 1
    np.testing.assert_allclose(saddles[0].point, [1.0, 1.0], atol=1e-9)
    assert wells.f_star == pytest.approx(toylands.get("example2").f_star, abs=1e-12)


def test_user_ground_truth_is_taken_as_given():
    f = toylands.from_sympy("bowls", (x, y), [x**2 + y**2, (x - 1) ** 2 + y**2],
                            minimizers=[[sp.Rational(1, 2), 0]], f_i_star=[0, 0], domain=(-2, 2))
    assert f.provenance["minimizers"].method == "user supplied"
    assert f.f_star == 0.25 and f.provenance["f_star"].method == "closed form"


def test_smoothness_is_certified_and_never_exceeded(three, rng):
    sm = three.smoothness()
    assert sm.certified and "interval" in sm.method
    pts = three.domain.sample(rng, 4000)
    for f in _three():
        H = sp.lambdify((x, y), sp.hessian(f, (x, y)), "numpy")
        mats = np.array([H(*p) for p in pts[:400]], dtype=float)
        assert np.abs(np.linalg.eigvalsh(mats)).max() <= sm.L
    # the bound is not loose by much: |h''| ≤ 2 at r = 0 and ‖a_3‖² = 2, so L ≥ 4
    assert 4.0 <= sm.L <= 4.0 * 1.05


# ---- interval enclosures -------------------------------------------------------------------
@pytest.mark.parametrize("expr", [
    x**2 - 3 * x * y + y**3,
    sp.exp(-x**2 - y**2) / (1 + x**2),
    sp.log(1 + x**2 + y**2) * sp.sqrt(2 + x),
    (x - y) ** 2 / ((x - y) ** 2 + 1) - sp.Rational(1, 3),
    (1 + x**2) ** sp.Rational(3, 4) + sp.pi * y,
])
def test_enclosures_contain_sampled_values(expr, rng):
    fn = compile_intervals([expr], (x, y))
    num = sp.lambdify((x, y), expr, "numpy")
    lo = rng.uniform(-1.5, 1.0, size=(200, 2))
    hi = lo + rng.uniform(0, 0.5, size=lo.shape)
    enc = fn(lo, hi)[0]
    t = rng.random((200, 16, 2))
    pts = lo[:, None, :] + t * (hi - lo)[:, None, :]
    vals = num(pts[..., 0], pts[..., 1])
    assert np.all(enc.lo[:, None] <= vals) and np.all(vals <= enc.hi[:, None])
    point = fn(lo, lo)[0]  # degenerate boxes: contain the value, and nearly tight
    v = num(lo[:, 0], lo[:, 1])
    assert np.all(point.lo <= v) and np.all(v <= point.hi)
    assert np.all(point.hi - point.lo <= 1e-9 * (1 + np.abs(v)))


def test_enclosure_of_a_pole_is_unbounded_not_wrong():
    fn = compile_intervals([1 / x, sp.sqrt(x)], (x,))
    inv, root = fn(np.array([[-1.0]]), np.array([[1.0]]))
    assert inv.lo[0] == -np.inf and inv.hi[0] == np.inf
    assert root.lo[0] == -np.inf
    with pytest.raises(NotImplementedError, match="sin"):
        compile_intervals([sp.sin(x)], (x,))


# ---- proofs --------------------------------------------------------------------------------
def test_interval_proves_a_true_pair_and_refutes_a_false_one(three):
    good = certify(three, 2.0, 1.85, method="interval")
    assert good.verdict == "proved" and good.details["family"] == "sympy"
    bad = certify(three, 2.0, 1.5, method="interval")
    assert bad.verdict == "refuted"
    assert certify(three, 2.0, 1.5, method="sample").verdict == "refuted"


def test_interpolating_landscape_is_proved_up_to_the_exact_threshold(interp):
    # T_i = r²/(1 + r²) (2/(1 + r²) − (α − β)) and |r_3| ≤ 6 on [−2, 3]²: the condition holds
    # iff α − β ≤ 2/37 ≈ 0.054 (MATHEMATICS.md §2); around S the slack vanishes to second order.
    c = certify(interp, 0.05, 0.0, method="interval")
    assert c.verdict == "proved" and c.details["tangent_rows"] == 3
    assert certify(interp, 0.06, 0.0, method="interval").verdict == "refuted"


def test_taylor_argument_at_an_irrational_minimizer():
    s2 = sp.sqrt(2)
    u = (x - s2) ** 2 + (y - 1) ** 2
    f2 = ((x - s2) ** 2 + 2 * (y - 1) ** 2) / (1 + (x - s2) ** 2)
    f = toylands.from_sympy("taylor", (x, y), [1 - sp.exp(-u), f2], f_i_star=[0, 0],
                            domain=(-1, 3))
    assert f.exact_minimizers is None and f.interpolation
    c = certify(f, 0.5, 0.499, method="interval", budget={"seconds": 30})
    assert c.verdict == "proved", c.reason
    assert "Krawczyk" in c.details["minimizers"] and c.details["factored_rows"] == 0


def test_symbolic_convexity_applies_to_quadratic_expressions():
    f = toylands.from_sympy("quad", (x, y), [(x - 1) ** 2, (x + y) ** 2 + y**2],
                            f_i_star=[0, 0], domain=(-2, 2))
    assert certify(f, 1.0, 0.0, method="symbolic").verdict == "proved"


# ---- bad input -----------------------------------------------------------------------------
def test_non_differentiable_expression_is_rejected():
    with pytest.raises(ValueError, match=r"f_1 = .*not differentiable everywhere.*sign"):
        toylands.from_sympy("abs", (x, y), [sp.Abs(x) + y**2], domain=(-1, 1))
    cone = toylands.from_sympy("cone", (x, y), [sp.sqrt(x**2 + y**2 + 1)], domain=(-1, 1),
                               validate=False, search=False, minimizers=[[0, 0]], f_i_star=[1])
    bad = toylands.from_sympy("cone0", (x, y), [sp.sqrt(x**2 + y**2)], domain=(-1, 1),
                              validate=False, search=False, minimizers=[[0, 0]], f_i_star=[0])
    assert cone.grads([0.0, 0.0]).tolist() == [[0.0, 0.0]]
    with pytest.raises(ValueError, match=r"∇f_1 is not finite at x = \[0, 0\].*not differentiable"):
        bad.grads([0.0, 0.0])


def test_symbol_count_that_does_not_match_is_rejected():
    with pytest.raises(ValueError, match="uses z, not among the 2 symbols"):
        toylands.from_sympy("xyz", (x, y), [x**2 + z**2], domain=(-1, 1))
    with pytest.raises(ValueError, match=r"shape \(m, 3\) \(one coordinate per symbol\)"):
        toylands.from_sympy("dim", (x, y, z), [x**2 + y**2 + z**2], minimizers=[[0, 0]],
                            domain=(-1, 1))
    with pytest.raises(ValueError, match="dimension 2, but there are 3 symbols"):
        toylands.from_sympy("box", (x, y, z), [x**2], domain=toylands.Box.cube(-1, 1, 2))
    with pytest.raises(ValueError, match="f_i_star must hold 2 numbers"):
        toylands.from_sympy("n", (x,), [x**2, (x - 1) ** 2], f_i_star=[0], domain=(-1, 1))
    with pytest.raises(TypeError, match="Symbols"):
        toylands.from_sympy("s", ("x",), [x**2], domain=(-1, 1))
    # a parameter given by value is not a coordinate
    f = toylands.from_sympy("p", (x,), [(x - z) ** 2], params={z: 0.5}, domain=(-1, 1))
    assert f.minimizers.points.tolist() == [[0.5]]


def test_non_finite_constants_are_rejected():
    with pytest.raises(ValueError, match="f_star must be a finite real"):
        toylands.from_sympy("c", (x,), [x**2], f_star=float("nan"), domain=(-1, 1))
    with pytest.raises(ValueError, match="f_i_star must be a finite real"):
        toylands.from_sympy("c", (x,), [x**2], f_i_star=[np.inf], domain=(-1, 1))
    with pytest.raises(ValueError, match=r"params\[z\] must be a finite real"):
        toylands.from_sympy("c", (x,), [x**2 + z], params={"z": np.inf}, domain=(-1, 1))


def test_an_S_that_is_not_stationary_is_rejected():
    with pytest.raises(toylands.GroundTruthError, match="S is not stationary|f_star"):
        toylands.from_sympy("moved", (x, y), [x**2 + y**2], minimizers=[[0.5, 0]],
                            f_star=0.0, f_i_star=[0], domain=(-1, 1))
    with pytest.raises(ValueError, match="singular .* continuum"):
        toylands.from_sympy("line", (x, y), [(x + y) ** 2], domain=(-1, 1))


def test_symbolic_decides_one_variable_rational_landscapes_exactly():
    from theory.certification.sampling import point_slack

    f = toylands.from_sympy("one", (x,), [(x - 1) ** 2 / (1 + (x - 1) ** 2),
                                          (x + 1) ** 2 / (1 + (x + 1) ** 2), x**2 / (1 + x**2)],
                            f_i_star=[0, 0, 0], domain=(-3, 3))
    assert f.exact_minimizers == ((0,),)
    # (2, 1.8) is on the frontier (the slack is exactly 0 at x = ±3): only an exact argument
    # proves it; (2, 1.2) fails, at an exact rational point.
    good = certify(f, 2.0, 1.8, method="symbolic")
    assert good.verdict == "proved" and "Voronoi" in good.details["argument"]
    bad = certify(f, 2.0, 1.2, method="symbolic")
    assert bad.verdict == "refuted"
    s, tol = point_slack(f, bad.worst_point[None], 2.0, 1.2)
    assert s[0] < -tol[0]
