"""The vectorised simulator: determinism, agreement with per-run loops, divergence, memory."""

from __future__ import annotations

import numpy as np
import pytest

import toylands
from theory.optim import optimizers as O
from theory.optim.simulate import RECORDS as C_RECORDS
from theory.optim.simulate import initial_points, simulate


@pytest.fixture(scope="module")
def ex6():
    return toylands.get("example6")


def test_shapes_and_determinism(ex6):
    x0 = initial_points(ex6, 20, np.random.default_rng(0))
    a = simulate(ex6, O.sgd(0.3), x0, steps=50, rng=np.random.default_rng(1))
    b = simulate(ex6, O.sgd(0.3), x0, steps=50, rng=np.random.default_rng(1))
    c = simulate(ex6, O.sgd(0.3), x0, steps=50, rng=np.random.default_rng(2))
    assert a.gap_mean.shape == (51,) and a.gamma_mean.shape == (50,)
    np.testing.assert_array_equal(a.x_final, b.x_final)
    np.testing.assert_array_equal(a.gap_mean, b.gap_mean)
    assert not np.array_equal(a.x_final, c.x_final)
    assert a.D0_sq == pytest.approx(np.mean(ex6.distance(x0) ** 2))
    assert np.all(np.isfinite(a.gap_mean)) and a.n_diverged == 0


def test_vectorised_equals_per_run_loop(ex6):
    """Same indices, same trajectories as running each run on its own."""
    R, K = 6, 40
    x0 = initial_points(ex6, R, np.random.default_rng(3))
    opt = O.sps_max(0.5, 0.8)
    sim = simulate(ex6, opt, x0, steps=K, rng=np.random.default_rng(4))
    assert sim.history_index.shape == (K, R)  # K + 1 <= max_snapshots: every step kept
    for r in range(R):
        x = x0[r : r + 1]
        state = opt.init(x)
        for k in range(K):
            x, state, info = opt.step(ex6, x, state, sim.history_index[k, r : r + 1])
            assert info.gamma[0] == sim.history_gamma[k, r]
        np.testing.assert_array_equal(x[0], sim.x_final[r])
    # the recorded indices are exactly the generator's draws
    rng = np.random.default_rng(4)
    np.testing.assert_array_equal(sim.history_index[0], rng.integers(0, ex6.n, size=R))


def test_diverging_runs_are_flagged_kept_and_not_averaged():
    f = toylands.from_functions(
        name="bowl", dim=1, n=1,
        losses=lambda x: 0.5 * x**2, grads=lambda x: x[..., None, :],
        f_i_star=[0.0], f_star=0.0, project=lambda x: np.zeros_like(x), L=1.0,
        domain=toylands.Box.cube(-1.0, 1.0, 1),
    )
    x0 = np.array([[0.0], [0.5], [0.0], [-0.2]])
    sim = simulate(f, O.sgd(3.0), x0, steps=200, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(sim.diverged, [False, True, False, True])
    assert sim.n_diverged == 2
    assert np.all(np.isfinite(sim.x_final))  # frozen at the last finite iterate
    assert np.all(np.isfinite(sim.gap_mean)) and sim.gap_mean[-1] == 0.0  # live runs only
    assert sim.n_live[-1] == 2
    assert np.all(sim.left_domain == [False, True, False, True])


def test_memory_bounded_history(ex6):
    x0 = initial_points(ex6, 4, np.random.default_rng(0))
    sim = simulate(ex6, O.ngn(0.5), x0, steps=1000, rng=np.random.default_rng(0),
                   max_snapshots=50, keep_x=10)
    assert sim.history_gap.shape[0] <= 50 and sim.history_gamma.shape[0] <= 50
    assert sim.history_x.shape[0] <= 10 and sim.history_x.shape[1:] == (4, 2)
    assert sim.dist2_steps[0] == 0 and sim.dist2_steps[-1] == 1000
    assert sim.dist2_mean.shape == sim.dist2_steps.shape
    assert np.all(sim.run_min_gap <= sim.history_gap.min(axis=0) + 1e-15)


def test_progress_on_stderr_unless_quiet(ex6, capsys):
    x0 = initial_points(ex6, 3, np.random.default_rng(0))
    simulate(ex6, O.sgd(0.1), x0, steps=5, rng=np.random.default_rng(0), quiet=False,
             progress_every=0.0)
    assert "simulate sgd on example6" in capsys.readouterr().err
    simulate(ex6, O.sgd(0.1), x0, steps=5, rng=np.random.default_rng(0), quiet=True,
             progress_every=0.0)
    assert capsys.readouterr().err == ""


def test_bad_inputs(ex6):
    with pytest.raises(TypeError, match="Generator"):
        simulate(ex6, O.sgd(0.1), np.zeros((2, 2)), steps=3, rng=0)
    with pytest.raises(ValueError, match="shape"):
        simulate(ex6, O.sgd(0.1), np.zeros((2, 3)), steps=3, rng=np.random.default_rng())
    with pytest.raises(ValueError, match="NaN"):
        simulate(ex6, O.sgd(0.1), np.full((1, 2), np.nan), steps=3, rng=np.random.default_rng())


def test_running_maxima_by_step():
    """``max_anchor_dist2_by_step[k]`` and ``max_grad_sq_by_step[k]`` are the running maxima over
    runs and steps ≤ k, ending at the per-run maxima's maximum."""
    f = toylands.get("example6")
    x0 = np.array([[1.8, -0.6], [0.2, 0.9], [-0.5, 1.5]])
    sim = simulate(f, O.sgd(0.2), x0, steps=40, rng=np.random.default_rng(1), keep_x=41)
    a, g = sim.max_anchor_dist2_by_step, sim.max_grad_sq_by_step
    assert a.shape == (41,) and g.shape == (40,)
    assert np.all(np.diff(a) >= 0) and np.all(np.diff(g) >= 0)
    assert a[-1] == sim.run_max_anchor_dist2.max() and g[-1] == sim.run_max_grad_sq.max()
    anchor = f.project(x0)
    d2 = np.sum((sim.history_x - anchor) ** 2, axis=-1)  # (K+1, R): every iterate kept
    np.testing.assert_allclose(a, np.maximum.accumulate(d2.max(axis=1)), rtol=1e-12)


def test_statistics_match_the_kept_history(ex6):
    """Per-step mean, unbiased variance and the two half-sample means equal those of the iterates
    (every step kept when K + 1 <= max_snapshots)."""
    x0 = initial_points(ex6, 9, np.random.default_rng(5))
    sim = simulate(ex6, O.sps_max(0.5, 2.0), x0, steps=30, rng=np.random.default_rng(6))
    H = sim.history_gap  # (K+1, R)
    np.testing.assert_allclose(sim.gap_mean, H.mean(axis=1), rtol=1e-13)
    np.testing.assert_allclose(sim.gap_var, H.var(axis=1, ddof=1), rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(sim.gap_half_mean[0], H[:, ::2].mean(axis=1), rtol=1e-13)
    np.testing.assert_allclose(sim.gap_half_mean[1], H[:, 1::2].mean(axis=1), rtol=1e-13)
    assert sim.n_half_live[:, 0].tolist() == [5, 4]
    # the Polyak-active counts are those of the recorded steps
    ratio_active = sim.history_gamma < 2.0
    np.testing.assert_array_equal(sim.polyak_count, ratio_active.sum(axis=1))
    assert sim.polyak_active_fraction() == pytest.approx(ratio_active.mean())
    assert "seconds" not in sim.summary()


def test_records_cost_what_they_record(ex6):
    x0 = initial_points(ex6, 5, np.random.default_rng(0))
    full = simulate(ex6, O.sgd(0.3), x0, steps=20, rng=np.random.default_rng(1))
    bare = simulate(ex6, O.sgd(0.3), x0, steps=20, rng=np.random.default_rng(1), record=())
    assert full.recorded == C_RECORDS and bare.recorded == ()
    for name in ("gamma_mean", "run_min_gap", "run_max_anchor_dist2", "max_grad_sq_by_step"):
        assert getattr(bare, name) is None and getattr(full, name) is not None
    np.testing.assert_array_equal(full.gap_mean, bare.gap_mean)  # same run either way
    np.testing.assert_array_equal(full.x_final, bare.x_final)
    assert bare.polyak_count is None and bare.polyak_active_fraction() is None
    with pytest.raises(ValueError, match="unknown"):
        simulate(ex6, O.sgd(0.3), x0, steps=2, rng=np.random.default_rng(1), record=("seconds",))


def test_history_memory_is_bounded_whatever_the_runs(ex6):
    x0 = initial_points(ex6, 4000, np.random.default_rng(0))
    sim = simulate(ex6, O.sgd(0.3), x0, steps=300, rng=np.random.default_rng(1), record=(),
                   history_budget=40_000)
    assert sim.history_gap.size <= 40_000 + 4000 and sim.history_gamma.size <= 40_000
    assert sim.history_steps[0] == 0 and sim.history_gap.shape[1] == 4000


def test_a_short_excursion_out_of_the_domain_is_seen():
    """The bounds check runs at every step: a run that leaves the domain and comes back is
    flagged; without "domain", only divergence is checked."""
    f = toylands.from_functions(
        name="bowl", dim=1, n=1,
        losses=lambda x: 0.5 * x**2, grads=lambda x: x[..., None, :],
        f_i_star=[0.0], f_star=0.0, project=lambda x: np.zeros_like(x), L=1.0,
        domain=toylands.Box.cube(-1.0, 1.0, 1),
    )
    x0 = np.array([[0.9], [0.1]])
    # step 2.5: x -> -1.5 x leaves [-1, 1], grows, and is frozen past 1e12; step 1.9: x -> -0.9 x
    sim = simulate(f, O.sgd(2.5), x0, steps=100, rng=np.random.default_rng(0))
    assert sim.left_domain.tolist() == [True, True] and sim.n_diverged == 2
    sim = simulate(f, O.sgd(1.9), np.array([[0.99], [0.0]]), steps=5, rng=np.random.default_rng(0))
    assert sim.left_domain.tolist() == [False, False]
    g = toylands.from_functions(
        name="wall", dim=1, n=1, losses=lambda x: 0.5 * (x - 1.2) ** 2,
        grads=lambda x: (x - 1.2)[..., None, :], f_i_star=[0.0], f_star=0.0,
        project=lambda x: np.full_like(x, 1.2), L=1.0, domain=toylands.Box.cube(-2.0, 2.0, 1))
    # from 0, one step of 1.9 lands at 2.28 (outside), the next at 0.888 (inside again)
    sim = simulate(g, O.sgd(1.9), np.array([[0.0], [1.2]]), steps=2, rng=np.random.default_rng(0))
    assert sim.left_domain.tolist() == [True, False] and sim.n_diverged == 0
    bare = simulate(g, O.sgd(1.9), np.array([[0.0], [1.2]]), steps=2,
                    rng=np.random.default_rng(0), record=())
    assert not bare.left_domain.any()


def test_diverging_runs_without_domain_record():
    f = toylands.from_functions(
        name="bowl", dim=1, n=1,
        losses=lambda x: 0.5 * x**2, grads=lambda x: x[..., None, :],
        f_i_star=[0.0], f_star=0.0, project=lambda x: np.zeros_like(x), L=1.0,
        domain=toylands.Box.cube(-1.0, 1.0, 1),
    )
    x0 = np.array([[0.0], [0.5]])
    sim = simulate(f, O.sgd(3.0), x0, steps=200, rng=np.random.default_rng(0), record=())
    assert sim.diverged.tolist() == [False, True] and np.all(np.isfinite(sim.x_final))
    assert sim.gap_mean[-1] == 0.0 and sim.n_live[-1] == 1 and sim.n_half_live[1, -1] == 0
