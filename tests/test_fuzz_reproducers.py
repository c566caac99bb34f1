"""Every reproducer of the classes of bad input the fuzz suite hunts, as a named test: each
gives a clear error naming the argument, or a finite, documented result (the CLI ones are in
tests/test_cli_errors.py)."""

from __future__ import annotations

import time

import numpy as np
import pytest

import theory
import toylands
from theory.optim import bounds as B
from theory.optim.compare import measure
from theory.optim.optimizers import sgd
from theory.optim.settings import step_settings
from toylands.strategies import alpha_beta_pairs

HUGE = 10**400


@pytest.fixture(scope="module")
def ex6():
    return toylands.get("example6")


def _sim(f, gamma, steps=10, runs=5):
    rng = np.random.default_rng(0)
    return theory.simulate(f, sgd(gamma), f.domain.sample(rng, runs), steps=steps, rng=rng)


# ---- all runs diverged ---------------------------------------------------------------------------
def test_all_runs_diverged_still_measures_step_zero(ex6):
    sim = _sim(ex6, 1e300)
    assert sim.n_diverged == 5
    summary = sim.summary()
    assert summary["argmin_step"] == 0 and np.isfinite(summary["min_gap_mean"])
    m, (lo, hi), avg, k = measure(sim)
    assert k == 0 and np.isfinite([m, lo, hi, avg]).all()
    assert np.isnan(summary["final_gap_mean"])  # documented: no live run to average


# ---- overflow inside landscapes ----------------------------------------------------------------
def test_example1_gradient_at_1e308_is_finite():
    g = toylands.get("example1").gradient(np.full(2, 1e308))
    assert np.all(np.isfinite(g))


def test_relu_losses_far_out_raise_naming_x():
    f = toylands.get("two-layer-relu", n=6, d=2, k=2, seed=1)
    with pytest.raises(ValueError, match=r"max \|x_j\| = 1e\+154"):
        f.losses(np.full(f.dim, 1e154))


def test_matrix_factorization_projection_far_out_is_a_value_error():
    f = toylands.get("matrix-factorization", n=3, m=2, k=1, rank=1, noise=0.3, seed=1)
    with pytest.raises(ValueError, match="x"):
        f.project(np.full(f.dim, 1e200))


# ---- a wrong certificate (the rounding allowance overflowed; fixed by the error-bound allowance) -
def test_huge_constants_never_give_holds_on_samples_with_negative_slack(ex6):
    try:
        cert = theory.certify(ex6, 1.7e308, 1.6e308, method="sample", budget=500)
    except ValueError:
        return
    assert not (cert.verdict == "holds_on_samples" and cert.min_slack < 0)
    assert np.isfinite(cert.details["tolerance_at_worst"])


# ---- bounds and settings -----------------------------------------------------------------------
@pytest.mark.parametrize("kw", [
    dict(alpha=2.0, beta=1.0, L=1e308, gamma=1e-309, K=10),
    dict(alpha=2.0, beta=1.0, L=1.0, gamma=5e-324, K=10),
    dict(alpha=1e308, beta=0.0, L=1.0, gamma=1.0, K=10),
])
def test_theorem_bounds_never_overflow_silently(kw):
    try:
        b = B.theorem1_sgd(**kw, D0_sq=1.0, sigma_int2=1.0)
    except B.HypothesisError as exc:
        assert "Theorem 1" in str(exc)
    else:
        assert np.isfinite(b.value)


def test_ngn_bound_with_huge_step_is_a_hypothesis_error():
    with pytest.raises(B.HypothesisError, match="float64"):
        B.theorem3_ngn(alpha=1e308, beta=0.0, L=1e308, gamma=1e308, K=10, D0_sq=1.0,
                       sigma_int2=1.0, sigma_pos2=1.0, positive=True)


@pytest.fixture(scope="module")
def region(ex6):
    x = ex6.domain.sample(np.random.default_rng(0), 300)
    return theory.Region.from_rows(theory.alpha_beta_rows(ex6, x))


def test_region_arguments(region, ex6):
    with pytest.raises(ValueError, match="c_sps"):
        region.best_pair(2, c_sps=0.0)
    with pytest.raises(ValueError, match="alpha"):
        region.beta_min(np.nan)
    with pytest.raises(ValueError, match="alphas"):
        theory.region_map(ex6, alphas=[], budget=50)


def test_measure_level_and_step_settings(ex6):
    with pytest.raises(ValueError, match="level"):
        measure(_sim(ex6, 0.1), level=2.0)
    with pytest.raises(ValueError, match="scale"):
        step_settings("1", 2.0, 1.0, 1.0, 0.0)
    with pytest.raises(ValueError, match="L"):
        step_settings("1", 2.0, 1.0, 0.0)


def test_simulate_steps_must_be_an_integer(ex6):
    rng = np.random.default_rng(0)
    with pytest.raises(TypeError, match="steps"):
        theory.simulate(ex6, sgd(0.1), ex6.domain.sample(rng, 2), steps=np.inf, rng=rng)


def test_impossible_strategy_range_is_refused_when_built():
    with pytest.raises(ValueError, match="min_gap"):
        alpha_beta_pairs(max_alpha=1.0, min_gap=2.0)


# ---- integers too large for a float --------------------------------------------------------------
def test_huge_integers_are_named(ex6):
    with pytest.raises(ValueError, match="alpha"):
        theory.certify(ex6, HUGE, 1.0)
    with pytest.raises(ValueError, match="n must be"):
        toylands.get("remark1-valley", n=HUGE)
    with pytest.raises(B.HypothesisError, match="alpha"):
        B.theorem1_sgd(alpha=HUGE, beta=0, L=1, gamma=0.1, K=10, D0_sq=1, sigma_int2=0)


# ---- from_functions ----------------------------------------------------------------------------
BOWL = dict(name="bowl", dim=2, n=1, losses=lambda x: 0.5 * np.sum(x**2, -1, keepdims=True),
            grads=lambda x: x[..., None, :], f_i_star=[0.0])


@pytest.mark.parametrize("bad, word", [
    (dict(f_star=np.nan, project=lambda x: np.zeros_like(x)), "f_star"),
    (dict(f_star=0.0, L=-1.0, project=lambda x: np.zeros_like(x)), "L"),
    (dict(f_star=0.0, L=np.nan, project=lambda x: np.zeros_like(x)), "L"),
    (dict(f_star=-1.0, project=lambda x: np.zeros_like(x)), "f_i_star|f_star"),
])
def test_from_functions_refuses_impossible_ground_truth(bad, word):
    with pytest.raises(ValueError, match=word):
        toylands.from_functions(**BOWL, **bad)


def test_a_user_projection_returning_nan_is_refused():
    def nan(x):
        return np.full_like(x, np.nan)

    with pytest.raises(ValueError, match="projection"):  # found by the ground-truth check
        toylands.from_functions(**BOWL, f_star=0.0, project=nan)
    f = toylands.from_functions(**BOWL, f_star=0.0, project=nan, validate=False)
    with pytest.raises(ValueError, match="projection"):  # or at the first projection
        f.project(np.zeros(2))


# ---- sizes: refused at once, with the estimate and the limit -----------------------------------
@pytest.mark.parametrize("name, params", [
    ("remark1-valley", {"n": 10_000}),
    ("remark1-valley", {"d": 100_000}),
    ("least-squares", {"n": 10**6, "d": 10**5}),
    ("remark1-bumps", {"n": 200, "d": 20}),
    ("two-layer-relu", {"k": 4096, "d": 10_000}),
    ("half-space", {"starts": 100_000}),
])
def test_sizes_beyond_the_limits_are_refused_at_once(name, params):
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match="limit"):
        toylands.get(name, **params)
    assert time.perf_counter() - t0 < 5.0


def test_subnormal_data_is_refused():
    X = np.array([[5e-324, 1.0], [1.0, 2.0]])
    with pytest.raises(ValueError, match="X must have entries"):
        toylands.get("two-layer-relu", X=X, y=np.array([1.0, -1.0]))
