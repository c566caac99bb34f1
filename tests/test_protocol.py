"""theory.studies.protocol: T(x^k) with the x^K proxy, the two-pass protocol, heat maps, and the
comparison with the exact projection and f_i* (MATHEMATICS.md §7)."""

from __future__ import annotations

import numpy as np
import pytest

import toylands
from theory.studies.protocol import (
    min_T_grid,
    protocol_comparison,
    protocol_rows,
    sgd_trajectory,
    two_pass,
)


@pytest.fixture(scope="module")
def ex6():
    return toylands.get("example6")


def test_sgd_is_seeded_and_vectorised_over_runs(ex6):
    x0 = np.array([[0.9, 0.2], [-1.0, 2.0]])
    t1 = sgd_trajectory(ex6, x0, gamma=0.5, steps=50, seed=7, batch=2)
    t2 = sgd_trajectory(ex6, x0, gamma=0.5, steps=50, seed=7, batch=2)
    np.testing.assert_array_equal(t1.x, t2.x)
    assert t1.x.shape == (2, 51, 2) and t1.idx.shape == (2, 50, 2)
    # one step by hand: x1 = x0 − γ mean_j ∇f_{i_j}(x0)
    g = np.mean([ex6.grad_at(x0[0], t1.idx[0, 0, j]) for j in range(2)], axis=0)
    np.testing.assert_allclose(t1.x[0, 1], x0[0] - 0.5 * g)
    with pytest.raises(ValueError):
        sgd_trajectory(ex6, x0, gamma=-1.0, steps=5, seed=0)


def test_proxy_rows_are_the_papers_T(ex6):
    tp = two_pass(ex6, [[0.9, 0.2]], gamma=0.5, steps=30, seed=1)
    assert tp.reproduced
    xk, xK, i = tp.traj.x[0, 5], tp.x_K[0], tp.traj.idx[0, 5, 0]
    alpha, beta = 3.0, 2.0
    # Definition 1 with x_p = x^K and f_i* = 0 gives + β f(x^k) (MATHEMATICS.md §7 prints − β f; see
    # the theory.studies.protocol docstring)
    T = (ex6.grad_at(xk, i) @ (xk - xK) - alpha * (ex6.loss_at(xk, i) - ex6.loss_at(xK, i))
         + beta * ex6.loss_at(xk, i))
    r = tp.proxy
    assert r.a[0, 5, 0] - alpha * r.b[0, 5, 0] + beta * r.c[0, 5, 0] == pytest.approx(T)


def test_exact_rows_use_the_projection_and_true_f_i_star():
    f = toylands.get("example3")  # f_1* = 1/4
    traj = sgd_trajectory(f, [[1.0, 2.0]], gamma=0.5, steps=20, seed=0)
    ex = protocol_rows(f, traj, projection="exact")
    zero = protocol_rows(f, traj, projection="exact", f_i_lower=0.0)
    xk, i = traj.x[0, 3], traj.idx[0, 3, 0]
    xp = f.project(xk)
    assert ex.a[0, 3, 0] == pytest.approx(f.grad_at(xk, i) @ (xk - xp))
    assert ex.c[0, 3, 0] == pytest.approx(f.loss_at(xk, i) - f.f_i_star[i])
    assert zero.c[0, 3, 0] == pytest.approx(f.loss_at(xk, i))
    with pytest.raises(ValueError):
        protocol_rows(f, traj, projection="nearest")


def test_heat_map_is_the_minimum_of_T_on_the_allowed_cells(ex6):
    tp = two_pass(ex6, [[0.9, 0.2], [0.1, 1.5]], gamma=0.5, steps=40, seed=2)
    al = np.linspace(0.1, 5.0, 7)
    be = np.linspace(0.0, 4.9, 6)
    H = min_T_grid(tp.proxy, al, be)
    assert H.shape == (6, 7)
    A, B = np.meshgrid(al, be)
    assert np.all(np.isnan(H) == (A < B + 0.1))
    j, k = 2, 5
    assert H[j, k] == pytest.approx(tp.proxy.min_T(al[k], be[j]))
    # the exact region of the same rows agrees with the heat map's sign
    reg = tp.proxy.region()
    ok = ~np.isnan(H)
    inside = reg.contains(A, B)
    assert np.array_equal((H >= 0)[ok], inside[ok])


@pytest.mark.parametrize("name", ["example2", "example6"])
def test_comparison_reports_proxy_versus_exact(name):
    f = toylands.get(name)
    out = protocol_comparison(f, steps=300, runs=2)
    assert out["reproduced"] and set(out["variants"]) == {
        "paper", "proxy_true_fstar", "exact_zero_fstar", "exact"}
    assert out["difference"]["alpha_min"] is not None
    # f_i* = 0 on these landscapes: only the projection proxy changes anything
    assert out["variants"]["paper"]["alpha_min"] == out["variants"]["proxy_true_fstar"][
        "alpha_min"]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["half-space", "matrix-factorization"])
def test_comparison_on_the_ml_landscapes(name):
    f = toylands.get(name)
    out = protocol_comparison(f, steps=400, runs=2)
    assert out["reproduced"] and out["diverged"] == 0
    assert out["variants"]["exact"]["alpha_min"] is not None


# ---- the aiming and PL diagnostics, the four variants -------------------------------------------
@pytest.fixture(scope="module")
def bowl():
    """f(x) = ½‖x‖² with one sample: ∇f = x, S = {0}, f* = 0, ‖∇f‖² = 2 f."""
    return toylands.from_functions(
        name="bowl", dim=2, n=1, losses=lambda x: 0.5 * np.sum(x**2, axis=-1, keepdims=True),
        grads=lambda x: x[..., None, :], f_i_star=[0.0], f_star=0.0,
        project=lambda x: np.zeros_like(x), L=1.0,
    )


def test_aiming_along_by_hand(bowl):
    from theory.studies.protocol import aiming_along

    x = np.array([[1.0, 0.0], [0.0, 0.0], [3.0, 4.0]])
    exact = aiming_along(bowl, x)  # x_ref = Proj(x, S) = 0: ∇f = x is aligned with x − 0
    np.testing.assert_allclose(exact.cos[[0, 2]], [1.0, 1.0])
    assert np.isnan(exact.cos[1])  # ∇f(0) = 0: no angle
    np.testing.assert_allclose(exact.coefficient[[0, 2]], [2.0, 2.0])  # <x, x> / (½‖x‖²)
    # proxy x_ref = (2, 0): at (1, 0), x − x_ref = (−1, 0) against ∇f = (1, 0)
    proxy = aiming_along(bowl, x[[0, 2]], np.array([2.0, 0.0]))
    # at (3, 4): <(3, 4), (1, 4)> = 19, ‖(3, 4)‖ = 5, ‖(1, 4)‖ = √17, f = 12.5
    np.testing.assert_allclose(proxy.cos, [-1.0, 19.0 / (5.0 * np.sqrt(17.0))])
    np.testing.assert_allclose(proxy.coefficient, [-2.0, 19.0 / 12.5])
    shifted = aiming_along(bowl, x[[2]], np.array([2.0, 0.0]), f_lower=2.5)
    np.testing.assert_allclose(shifted.coefficient, [19.0 / 10.0])
    with pytest.raises(ValueError):
        aiming_along(bowl, np.zeros(2))


def test_pl_estimate_along_by_hand(bowl):
    from theory.studies.protocol import pl_estimate_along

    x = np.array([[1.0, 0.0], [0.0, 2.0], [0.5, 0.5], [3.0, 0.0], [0.1, 0.0]])
    # δ = 2: ‖∇f‖² / (f − f*) = 2 everywhere, so log(2μ) ≤ log 2 (μ = 1: f is 1-PL)
    e = pl_estimate_along(bowl, x)  # every = n = 1
    assert e.k.tolist() == [0, 1, 2, 3, 4]
    np.testing.assert_allclose(e.value, np.log(2.0))
    assert e.log_2mu == pytest.approx(np.log(2.0))
    # δ = 1: 2 log‖x‖ − 2 log(½‖x‖²) = log(2 / f)
    e1 = pl_estimate_along(bowl, x, delta=1.0, every=2)
    assert e1.k.tolist() == [0, 2, 4]
    f = 0.5 * np.sum(x[[0, 2, 4]] ** 2, axis=1)
    np.testing.assert_allclose(e1.value, np.log(2.0 / f))
    assert e1.log_2mu == pytest.approx(np.log(2.0 / f.max()))
    # proxy f_ref = f(x_ref) = ½: NaN where f(x^k) ≤ ½, else log(‖x‖² / (f − ½))
    ep = pl_estimate_along(bowl, x, np.array([1.0, 0.0]))
    ok = np.array([False, True, False, True, False])
    assert np.all(np.isnan(ep.value[~ok]))
    g2 = np.sum(x[ok] ** 2, axis=1)
    np.testing.assert_allclose(ep.value[ok], np.log(g2 / (0.5 * g2 - 0.5)))
    with pytest.raises(ValueError):
        pl_estimate_along(bowl, x, delta=0.0)
    with pytest.raises(ValueError):
        pl_estimate_along(bowl, x, every=0)


def test_protocol_two_pass_draws_starts_from_the_settings(ex6):
    from theory.studies.protocol import PROTOCOL_SETTINGS, protocol_settings, protocol_two_pass

    cfg = protocol_settings(ex6, steps=20, runs=3)
    assert cfg == {**PROTOCOL_SETTINGS["example6"], "steps": 20, "runs": 3}
    tp = protocol_two_pass(ex6, steps=20, runs=3, seed=5)
    lo, hi = cfg["x0_box"]
    x0 = np.random.default_rng(5).uniform(lo, hi, (3, 2))
    np.testing.assert_array_equal(tp.traj.x[:, 0], x0)
    ref = two_pass(ex6, x0, gamma=cfg["gamma"], steps=20, seed=5)
    np.testing.assert_array_equal(tp.traj.x, ref.traj.x)


def test_protocol_variants_are_the_comparisons_rows(ex6):
    from theory.studies.protocol import HEATMAP_ALPHAS, HEATMAP_BETAS, VARIANTS, protocol_variants

    pv = protocol_variants(ex6, steps=60, runs=2, seed=3)
    assert tuple(pv.rows) == VARIANTS and tuple(pv.regions) == VARIANTS
    tp = pv.two_pass
    assert pv.rows["paper"] is tp.proxy and pv.rows["exact"] is tp.exact
    cross = protocol_rows(ex6, tp.traj, f_i_lower="true")
    np.testing.assert_array_equal(pv.rows["proxy_true_fstar"].c, cross.c)
    # example6 has f_i* = 0, so the f_i* choice changes nothing
    np.testing.assert_array_equal(pv.rows["exact_zero_fstar"].c, tp.exact.c)
    heat = pv.heatmaps()
    paper = min_T_grid(tp.proxy, HEATMAP_ALPHAS, HEATMAP_BETAS)
    np.testing.assert_array_equal(heat["paper"], paper)
    out = protocol_comparison(ex6, steps=60, runs=2, seed=3)
    for k in VARIANTS:
        a0 = pv.regions[k].alpha_min
        assert out["variants"][k]["alpha_min"] == (a0 if np.isfinite(a0) else None)
        valid = ~np.isnan(heat[k])
        frac = float(((heat[k] >= 0) & valid).sum() / max(valid.sum(), 1))
        assert out["variants"][k]["works_fraction"] == frac
