"""PL* on the square-loss softplus network: the tangent-kernel normalisation, derivatives,
and the width sweep (MATHEMATICS.md §3; [PL*])."""

from __future__ import annotations

import numpy as np
import pytest
from tolerance import assert_rounding_close, loss_scale, ulps_for

from theory.studies import plstar as P


@pytest.fixture(scope="module")
def net():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((6, 3))
    return P.SoftplusNet(X, rng.standard_normal(6), k=5)


def test_jacobian_matches_finite_differences(net):
    w = net.init(np.random.default_rng(1))
    J = net.jacobian(w)
    h = 1e-6
    fd = np.stack([(net.forward(w + h * e) - net.forward(w - h * e)) / (2 * h)
                   for e in np.eye(net.dim)], axis=1)
    np.testing.assert_allclose(J, fd, atol=1e-8)


def test_tangent_kernel_normalisation(net):
    """‖∇L‖² = rᵀ K r ≥ 2 λ_min(K) L, so ½‖∇L‖²/L ≥ λ_min(K): μ = λ_min gives μ-PL*."""
    for seed in range(5):
        w = net.init(np.random.default_rng(seed))
        r = net.forward(w) - net.y
        K = P.tangent_kernel(net, w)
        g = net.jacobian(w).T @ r
        assert g @ g == pytest.approx(r @ K @ r, rel=1e-12)
        lam = np.linalg.eigvalsh(K)[0]
        assert P.plstar_ratio(net, w) >= lam * (1 - 1e-12)


def test_hessian_bound_dominates_second_differences(net):
    rng = np.random.default_rng(2)
    w = net.init(rng)
    bound = net.hessian_bound(w)
    h = 1e-4
    for _ in range(20):
        u = rng.standard_normal(net.dim)
        u /= np.linalg.norm(u)
        d2 = (net.forward(w + h * u) - 2 * net.forward(w) + net.forward(w - h * u)) / h**2
        assert np.linalg.norm(d2) <= bound * (1 + 1e-5) + 1e-6


def test_width_sweep_under_and_over_parameterized():
    rows = P.width_sweep(widths=(1, 64), N=10, d=6, steps=150, samples=4)
    under, over = rows
    assert not under["over_parameterized"] and under["lambda_min_init"] == 0.0
    assert not under["hypotheses_ok"] and "PL*" in under["reason"]
    assert over["over_parameterized"] and over["lambda_min_init"] > 0
    assert over["mu_trajectory"] > 0 and over["rate_bound_ok"]
    assert over["measured_rate"] <= over["predicted_rate"]
    assert over["final_loss"] < over["loss0"]


@pytest.mark.slow
def test_agrees_with_the_two_layer_landscape():
    import toylands

    land = toylands.get("two-layer-relu", activation="softplus", loss="square", lam1=0.0,
                        lam2=0.0, k=8)
    net = P.net_from_landscape(land)
    w = land.domain.sample(np.random.default_rng(0), 3)
    r = net.forward(w) - net.y
    # two routes through the network: equal up to rounding of the terms (tests/tolerance.py)
    assert_rounding_close(land.losses(w), 0.5 * r**2, loss_scale(land, w), ulps_for(land),
                          rtol=1e-12, what="losses vs the network")


def test_width_study_is_the_sweeps_it_names():
    rows = P.width_study(quick=True, seed=3, alpha_beta=False)
    assert rows["alpha_beta"] == []
    ref = P.width_sweep(P.PL_WIDTHS[:4], N=16, d=8, seed=3, steps=60, samples=8)
    assert [r["width"] for r in rows["plstar"]] == [1, 2, 4, 8]
    for a, b in zip(rows["plstar"], ref):
        assert {k: v for k, v in a.items() if k != "seconds"} == {
            k: v for k, v in b.items() if k != "seconds"}


def test_alpha_beta_sweep_rows():
    import toylands

    (row,) = P.alpha_beta_sweep([1], budget=200, seed=0)
    f = toylands.get("two-layer-relu", k=1)
    assert (row["width"], row["params"], row["n"]) == (1, f.dim, f.n)
    assert row["alpha"] > row["beta"] >= 0 and row["alpha"] >= row["alpha_min"] * (1 - 1e-9)
    # Theorem 1's neighbourhood term of the best pair
    assert row["term"] == pytest.approx(row["beta"] / (row["alpha"] - row["beta"]))
    # no rigorous method applies to the network: the pair holds on samples, never "proved"
    assert row["verdict"] == "holds_on_samples" and row["method"] == "sample"
