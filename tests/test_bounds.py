"""Theorems of MATHEMATICS.md §6 (and the local PL* theorem): formulas, corrections, refusals."""

from __future__ import annotations

import math

import numpy as np
import pytest

from theory.optim import bounds as B

BASE = dict(alpha=5.0, beta=3.0, L=2.0, K=100, sigma_int2=0.2)


def test_theorem1_formula():
    b = B.theorem1_sgd(**BASE, gamma=0.25, D0_sq=4.0)
    want = 4 / (100 * 0.25 * 2) + 2 * 2 * 0.25 * 0.2 / 2 + 2 * 3 * 0.2 / 2
    assert float(b) == pytest.approx(want, rel=1e-15)
    assert b.terms["neighbourhood"] == pytest.approx(0.6)


def test_theorem4_formula():
    b = B.theorem4_sgd_dec(**BASE, gamma0=0.5, D0_sq=4.0)
    want = 5 * 4 / (4 * 2 * 0.5 * 10) + 5 * 0.5 * 2 * 0.2 * math.log(101) / (2 * 10) + 0.6
    assert b.value == pytest.approx(want, rel=1e-15)


def test_theorem2_formula():
    b = B.theorem2_sps_max(**BASE, c=0.5, gamma_b=0.3, D0_sq=4.0)
    gmin = min(1 / (2 * 0.5 * 2), 0.3)
    c1 = 0.5 / (gmin * (2 * 2 * 0.5 - 1))
    assert b.value == pytest.approx(c1 * 4 / 100 + 2 * 5 * c1 * 0.3 * 0.2, rel=1e-15)


def test_theorem3_uses_beta_not_two_beta():
    b = B.theorem3_ngn(**BASE, gamma=0.5, D0_sq=4.0, sigma_pos2=0.1, positive=True)
    c2 = 2 * 0.5 * 2 * (5 - 3 - 1) + 2
    assert b.terms["neighbourhood"] == pytest.approx(3 * 0.2 / c2)  # the corrected term
    want = (4 * (1 + 2) ** 2 / (2 * 0.5 * 100 * c2) + 3 * 2 * 0.5 * 5 * 2 * 0.2 / c2
            + 0.5 * 2 * max(2 * 0.5 * 2 - 1, 0) * 0.1 / c2 + 3 * 0.2 / c2)
    assert b.value == pytest.approx(want, rel=1e-15)


def test_ngn_theorems_need_f_i_nonnegative_not_positive():
    """MATHEMATICS.md §6, §9.10: f_i* = 0 admitted (σ_pos² = 0: the positivity term vanishes);
    ``positive=True`` (every f_i > 0) still accepted; saying nothing is a TypeError."""
    for fn in (B.theorem3_ngn, B.theorem6_ngn_dec):
        b = fn(**BASE, gamma=0.8, D0_sq=4.0, sigma_pos2=0.0, nonnegative=True)
        assert b.terms["positivity"] == 0.0 and b.value > 0
        assert fn(**BASE, gamma=0.8, D0_sq=4.0, sigma_pos2=0.0, positive=True).value == b.value
        with pytest.raises(TypeError, match="nonnegative"):
            fn(**BASE, gamma=0.8, D0_sq=4.0, sigma_pos2=0.0)


def test_nonnegative_reads_the_ground_truth():
    import toylands
    from theory.optim.settings import nonnegative

    for name in ("example1", "example2", "example3", "example6", "least-squares",
                 "matrix-factorization", "half-space"):
        assert nonnegative(toylands.get(name)), name
    bowl = toylands.from_functions(
        name="shifted", dim=1, n=2, losses=lambda x: 0.5 * x**2 + np.array([-0.1, 0.2]),
        grads=lambda x: np.broadcast_to(x[..., None, :], x.shape[:-1] + (2, 1)),
        f_i_star=[-0.1, 0.2], f_star=0.05, project=lambda x: np.zeros_like(x), L=1.0)
    assert not nonnegative(bowl)


def test_theorem6_formula():
    g, L = 0.5, 2.0
    u = (1 + g * L) * (1 + 2 * g * L)
    b = B.theorem6_ngn_dec(**BASE, gamma=g, D0_sq=4.0, sigma_pos2=0.1, positive=True)
    want = (5 * u / (8 * g) * 4 / 10 + 15 * L * g * u / 2 * 5 * 0.2 * math.log(101) / 10
            + u * 3 * 0.2 / 2
            + 5 * u * g * L * max(2 * g * L - 1, 0) / 2 * 0.1 * math.log(101) / 10)
    assert b.value == pytest.approx(want, rel=1e-14)


def test_theorem5_and_corollary1():
    ck = np.sqrt(np.arange(100) + 1.0)
    t5 = B.theorem5_dec_sps(**BASE, c_k=ck, gamma_b=0.3, D_sq=4.0)
    Lt = max(2.0, 1 / (2 * 1 * 0.3))
    want = 2 * Lt * 4 * ck[-1] / (100 * 2) + 0.6 + np.mean(0.2 / (2 * ck))
    assert t5.value == pytest.approx(want, rel=1e-14)
    c1 = B.corollary1_dec_sps(**BASE, gamma_b=0.3, D_sq=4.0)
    assert c1.value == pytest.approx((2 * Lt * 4 + 0.4) / (10 * 2) + 0.6, rel=1e-15)
    assert t5.value <= c1.value  # the corollary is Theorem 5 with sum 1/sqrt(k+1) <= 2 sqrt(K)


def test_theorem7_formula_and_safe_reading():
    b = B.theorem7_adagrad_norm_max(**BASE, gamma=0.5, b0=1.0, dist0_sq=4.0, G_sq=9.0, D_sq=0.5)
    rg = math.sqrt(1 + 9 * 100)
    want = 4 * rg / (0.5 * 100 * 2) + 2 * 5 * 0.2 * rg * math.sqrt(1 + 0.5 * 101) / (2 * 100 * 0.5)
    assert b.value == pytest.approx(want, rel=1e-15)
    # the bound decreases in D²: min_i (the safe reading) gives the larger bound
    big = B.theorem7_adagrad_norm_max(**BASE, gamma=0.5, b0=1.0, dist0_sq=4.0, G_sq=9.0, D_sq=2.0)
    assert big.value < b.value


@pytest.mark.parametrize(
    "fn, kw, hyp",
    [
        (B.theorem1_sgd, dict(BASE, gamma=0.6, D0_sq=1.0), "gamma <= (alpha − beta)/(2L)"),
        (B.theorem1_sgd, dict(BASE, alpha=3.0, gamma=0.1, D0_sq=1.0), "alpha > beta"),
        (B.theorem4_sgd_dec, dict(BASE, gamma0=0.6, D0_sq=1.0), "gamma0 <= (alpha − beta)/(2L)"),
        (B.theorem2_sps_max, dict(BASE, c=0.2, gamma_b=1.0, D0_sq=1.0), "c > 1/(2(alpha − beta))"),
        (B.theorem3_ngn, dict(BASE, gamma=1.0, D0_sq=1.0, sigma_pos2=0.0, nonnegative=False),
         "every f_i >= 0 (non-negative)"),
        (B.theorem3_ngn, dict(BASE, beta=4.5, gamma=1.0, D0_sq=1.0, sigma_pos2=0.0, positive=True),
         "alpha >= beta + 1"),
        (B.theorem6_ngn_dec, dict(BASE, gamma=1.0, D0_sq=1.0, sigma_pos2=0.0, nonnegative=False),
         "every f_i >= 0 (non-negative)"),
        (B.theorem5_dec_sps, dict(BASE, c_k=np.full(100, 0.1), gamma_b=1.0, D_sq=1.0),
         "c_k >= 1/(alpha − beta)"),
        (B.theorem5_dec_sps, dict(BASE, c_k=np.linspace(2, 1, 100), gamma_b=1.0, D_sq=1.0),
         "c_k non-decreasing"),
        (B.corollary1_dec_sps, dict(BASE, beta=4.5, gamma_b=1.0, D_sq=1.0), "alpha >= beta + 1"),
        (B.theorem7_adagrad_norm_max,
         dict(BASE, gamma=1.0, b0=0.1, dist0_sq=1.0, G_sq=1.0, D_sq=0.5),
         "b_{-1} >= 2 L gamma/(alpha − beta)"),
        (B.theorem7_adagrad_norm_max,
         dict(BASE, gamma=1.0, b0=5.0, dist0_sq=1.0, G_sq=1.0, D_sq=0.0),
         "D² = min_i ‖∇f_i(x⁰)‖² > 0"),
        (B.theorem1_sgd, dict(BASE, L=0.0, gamma=0.1, D0_sq=1.0), "L > 0"),
        (B.theorem1_sgd, dict(BASE, gamma=0.1, D0_sq=1.0, K=0), "K a positive integer"),
    ],
)
def test_refusals_name_the_hypothesis(fn, kw, hyp):
    with pytest.raises(B.HypothesisError) as info:
        fn(**kw)
    assert info.value.hypothesis == hyp
    assert isinstance(info.value, ValueError) and hyp in str(info.value)


def test_local_plstar():
    b = B.local_plstar(mu=0.5, L_F=2.0, beta_F=1.0, residual0=2.0, eta=1 / 6, t=10,
                       plstar_on_ball=True)
    assert b.value == pytest.approx((1 - 0.5 / 6) ** 10 * 2.0)
    assert b.constants["R"] == pytest.approx(2 * 2.0 * 2.0 / 0.5)
    with pytest.raises(B.HypothesisError, match="eta <="):
        B.local_plstar(mu=0.5, L_F=2.0, beta_F=1.0, residual0=2.0, eta=0.2, t=1,
                       plstar_on_ball=True)
    with pytest.raises(B.HypothesisError, match="PL\\* on the ball"):
        B.local_plstar(mu=0.5, L_F=2.0, beta_F=1.0, residual0=2.0, eta=0.1, t=1,
                       plstar_on_ball=False)


def test_every_theorem_is_registered():
    assert set(B.THEOREMS) == {"1", "2", "3", "4", "5", "C1", "6", "7"}
