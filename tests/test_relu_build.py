"""The two-layer-relu build at scale: the kink constraints and multipliers (vectorised), the null
space of the kink constraints (a thin SVD, whatever the number of kinks), the one-pass objective
of the global search and its buffered form, the large instances' structured polish (unit-by-unit
null spaces, analytic Hessian), the default number of starts against the work limit, and a large
instance building end to end (slow)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.linalg import null_space

from toylands import _relu_search as rs
from toylands.relu_net import two_layer_relu


@pytest.fixture(scope="module")
def net():
    return two_layer_relu(n=9, d=3, k=4, seed=2, starts=3)


def _active(net, rng):
    act = rng.random((net.n, net.k)) < 0.4
    act[:, 1] = True  # one unit on every sample's kink
    return act


def test_kink_constraints_match_the_definition(net):
    act = _active(net, np.random.default_rng(0))
    C = rs._kink_constraints(net, act)
    ii, jj = np.nonzero(act)
    want = np.zeros((ii.size, net.dim))
    for row, (i, j) in enumerate(zip(ii, jj)):
        want[row, j * net.d : (j + 1) * net.d] = net.data[i]
    np.testing.assert_array_equal(C, want)


def test_kink_columns_match_the_definition(net):
    from toylands._relu_infimum import dphi
    from toylands.orbits import split_units

    act = _active(net, np.random.default_rng(1))
    theta = net.minimizers.base + 0.1
    B, ii, jj = rs._kink_columns(net, theta, act)
    _, v = split_units(theta, net.k, net.d)
    out = net._forward(theta)[-1]
    c = dphi(net.labels * out, net.loss) * net.labels
    want = np.zeros((net.dim, ii.size))
    for col, (i, j) in enumerate(zip(ii, jj)):
        want[j * net.d : (j + 1) * net.d, col] = c[i] * v[j] * net.data[i] / net.n
    np.testing.assert_array_equal(B, want)


@pytest.mark.parametrize("shape", [(3, 10), (10, 10), (40, 6), (0, 5)])
def test_null_space_is_scipys_subspace(shape):
    rng = np.random.default_rng(sum(shape))
    m, dim = shape
    C = rng.normal(size=(m, 2)) @ rng.normal(size=(2, dim)) if m else np.zeros((0, dim))
    N = rs._null_space(C)
    ref = null_space(C) if m else np.eye(dim)
    assert N.shape == ref.shape
    np.testing.assert_allclose(N.T @ N, np.eye(N.shape[1]), atol=1e-12)
    np.testing.assert_allclose(C @ N, 0.0, atol=1e-12 * np.abs(C).max(initial=1.0))
    # the same subspace: the projectors agree
    np.testing.assert_allclose(N @ N.T, ref @ ref.T, atol=1e-12)


def test_null_space_of_a_very_tall_constraint_matrix():
    # Dead units put every sample on a kink: C has n·(dead units) rows. scipy.linalg.null_space
    # builds the m × m factor (here 2·10⁵ × 2·10⁵, beyond LAPACK's 32-bit sizes); the thin SVD
    # only the dim × dim one.
    rng = np.random.default_rng(3)
    X = rng.normal(size=(100_000, 4))
    C = np.zeros((200_000, 12))
    C[:100_000, 0:4] = X  # unit 0 dead
    C[100_000:, 4:8] = X  # unit 1 dead
    N = rs._null_space(C)
    assert N.shape == (12, 4)
    np.testing.assert_allclose(np.abs(N[8:]) @ np.abs(N[8:]).T, np.eye(4), atol=1e-12)


@pytest.mark.parametrize("activation", ["relu", "softplus"])
def test_search_objective_is_value_and_gradient(activation):
    f = two_layer_relu(n=7, d=2, k=3, activation=activation, seed=1, starts=2)
    rng = np.random.default_rng(4)
    for th in rng.normal(size=(5, f.dim)):
        val, grad = f._value_and_gradient(th)
        assert val == f._value(th)  # bit for bit: the search's line search compares values
        assert val == pytest.approx(float(np.mean(f.losses(th))), rel=1e-14)
        np.testing.assert_allclose(grad, f.gradient(th), rtol=1e-13, atol=1e-15)
        np.testing.assert_array_equal(grad, f._gradient(th))


@pytest.mark.parametrize("activation", ["relu", "softplus"])
@pytest.mark.parametrize("loss", ["logistic", "square"])
def test_search_objective_buffers_keep_the_bits(activation, loss):
    # The search's objective writes its (n, k) arrays into buffers (fresh megabyte arrays made
    # each call 3-5x slower at n = 4096); its value and gradient are those of
    # _value_and_gradient bit for bit, so the small instances' searches are unchanged.
    f = two_layer_relu(n=7, d=2, k=3, activation=activation, seed=1, starts=2)
    f.loss = loss  # the kernels read it; the ground truth is not used here
    objective = rs._Objective(f)
    rng = np.random.default_rng(5)
    for scale in (1e-3, 1.0, 30.0):
        th = scale * rng.normal(size=f.dim)
        th[: f.d] = 0.0  # a unit with every sample on its kink (Z = 0)
        val, grad = f._value_and_gradient(th)
        val2, grad2 = objective(th)
        assert val2 == float(val) and np.array_equal(grad2, grad)
        assert np.array_equal(np.signbit(grad2), np.signbit(grad))


def _kinked(f, rng):
    """A point of f with unit 0 on 2 kinks and unit 1 pinned at W_1 = 0 (every sample)."""
    act = np.zeros((f.n, f.k), dtype=bool)
    act[:2, 0] = True
    act[:, 1] = True
    bases, N = rs._unit_bases(f, act)
    th = N @ rng.normal(size=N.shape[1])
    return act, bases, N, th


@pytest.mark.parametrize("activation", ["relu", "softplus"])
@pytest.mark.parametrize("loss", ["logistic", "square"])
def test_reduced_hessian_matches_central_differences(activation, loss):
    f = two_layer_relu(n=7, d=2, k=3, activation=activation, seed=1, starts=2)
    f.loss = loss
    rng = np.random.default_rng(6)
    act, bases, N, th = _kinked(f, rng)
    if activation == "softplus":  # no kinks: the whole space
        bases, N = rs._unit_bases(f, np.zeros_like(act))
        th = rng.normal(size=f.dim)
    Hs = rs._reduced_hessian(f, th, bases, N)
    h = 1e-6
    G = np.array([f._gradient(th + h * e) - f._gradient(th - h * e) for e in N.T]) / (2 * h)
    np.testing.assert_allclose(Hs, N.T @ G.T, atol=1e-7 * max(np.abs(Hs).max(), 1.0))


def test_unit_bases_are_the_null_space_of_the_kink_constraints(net):
    rng = np.random.default_rng(7)
    act, bases, N, th = _kinked(net, rng)
    C = rs._kink_constraints(net, act)
    np.testing.assert_allclose(N.T @ N, np.eye(N.shape[1]), atol=1e-12)
    np.testing.assert_allclose(C @ N, 0.0, atol=1e-12 * np.abs(C).max())
    # the null space of C, less v_1: the pinned unit (W_1 = 0) has its v_1 fixed at 0
    free = rs._null_space(C)
    keep = np.ones(net.dim, dtype=bool)
    keep[net.k * net.d + 1] = False
    assert N.shape[1] == free.shape[1] - 1
    assert not N[~keep].any()
    P = free @ free.T
    np.testing.assert_allclose((P @ N)[keep], N[keep], atol=1e-12)
    assert [b.shape[1] for b in bases] == [net.d - 2, 0] + [net.d] * (net.k - 2)


def test_structured_polish_agrees_with_the_polish(net):
    # From the same BFGS minimum (the search's seeded starts 1 and 3 of this instance, which
    # polish to a stationary point) the two polishes reach the same value and residual: the
    # large instances' structured polish and the small ones' with their bits.
    from scipy.optimize import minimize

    objective = rs._Objective(net)
    rng = np.random.default_rng(3)
    starts = [rng.normal(scale=(1 / np.sqrt(net.d), 1.0)[t % 2], size=net.dim) for t in range(4)]
    for th0 in (starts[1], starts[3]):
        th = minimize(objective, th0, jac=True, method="BFGS",
                      options={"gtol": 1e-9, "maxiter": 2000}).x
        th1, res1, _ = rs._polish(net, th)
        th2, res2, _ = rs._polish_structured(net, th, rounds=4, iters=25)
        assert res1 < 1e-13 and res2 < 1e-13
        assert net._value(th2) == pytest.approx(net._value(th1), abs=1e-14)


def test_default_starts_fit_the_work_limit(monkeypatch):
    from toylands import relu_net

    # the default instance and every size the report builds (widths 1..32 at n = 16, d = 3)
    # keep 32 starts: the same key, the same ground truth
    for k in (1, 2, 4, 8, 16, 32, 64):
        assert relu_net._default_starts(16, 3, k) == 32
    # n = 4096, d = 10, k = 32 (the instance): fewer starts, within the limit
    starts = relu_net._default_starts(4096, 10, 32)
    assert relu_net.MIN_STARTS <= starts < 32
    relu_net._check_size(4096, 10, 32, starts)
    with pytest.raises(ValueError, match="starts = 32 would take about"):
        relu_net._check_size(4096, 10, 32, 32)  # an explicit number is checked as given
    # the limit moves the default: more work allowed, up to 32 starts; less, down to 4
    monkeypatch.setenv("TOYLANDS_MAX_WORK", "1e13")
    assert relu_net._default_starts(4096, 10, 32) == 32
    monkeypatch.setenv("TOYLANDS_MAX_WORK", "1e9")
    assert relu_net._default_starts(4096, 10, 32) == relu_net.MIN_STARTS
    with pytest.raises(ValueError, match="starts = 4 would take about"):
        two_layer_relu(n=4096, d=10, k=32)


def test_default_factory_at_n_4096_passes_the_size_check(monkeypatch):
    # The factory with default arguments at n = 4096 reaches the search with the reduced number
    # of starts, reported truthfully (the search itself is the slow test below).
    from toylands import relu_net

    class Reached(Exception):
        pass

    def stop(key):
        raise Reached(key)

    monkeypatch.setattr(relu_net, "_ground_truth", stop)
    with pytest.raises(Reached) as info:
        two_layer_relu(n=4096, d=10, k=32)
    key = info.value.args[0]
    assert key[2] == (4096, 10) and key[3] == 32
    assert key[8] == relu_net._default_starts(4096, 10, 32) < 32
    with pytest.raises(Reached) as info:
        two_layer_relu(n=4096, d=10, k=32, starts=5)
    assert info.value.args[0][8] == 5


@pytest.mark.slow
def test_large_instance_builds():
    # The instance with default arguments: n = 4096, d = 10, k = 32 (dim 352), the
    # starts the work limit allows (5 of 32; about 30 s on a busy two-core machine, README
    # "Limits"). Dead units put tens of thousands of samples on kinks here.
    from toylands import relu_net

    f = two_layer_relu(n=4096, d=10, k=32)
    starts = relu_net._default_starts(4096, 10, 32)
    assert f.dim == 352 and f.n == 4096 and f.params["starts"] == starts < 32
    assert f"best of {starts} BFGS starts" in f.provenance["f_star"].detail
    assert "less reliable" in f.provenance["f_star"].detail
    assert np.isfinite(f.f_star) and f.f_star >= float(np.mean(f.f_i_star)) - 1e-12
    x = f.minimizers.base + 0.1 * np.random.default_rng(0).normal(size=(3, f.dim))
    assert np.all(np.isfinite(f.losses(x)))


def test_the_search_runs_on_one_blas_thread(monkeypatch):
    threadpoolctl = pytest.importorskip("threadpoolctl")
    from toylands import relu_net

    seen = []
    search = relu_net._search

    def spy(key):
        seen.extend(lib["num_threads"] for lib in threadpoolctl.threadpool_info())
        return search(key)

    monkeypatch.setattr(relu_net, "_search", spy)
    monkeypatch.setenv("TOYLANDS_NO_CACHE", "1")
    relu_net._ground_truth.cache_clear()
    try:
        two_layer_relu(n=5, d=2, k=2, seed=9, starts=2)
    finally:
        relu_net._ground_truth.cache_clear()
    assert seen and set(seen) == {1}


def test_stationarity_residual_with_many_kinks_stays_within_memory(monkeypatch):
    # Past _EXACT_KINKS the bounded least squares is solved one unit at a time (a kink column
    # lives in its unit's rows: the same minimum) instead of building a kinks × kinks factor;
    # past _EXACT_UNIT_KINKS of one unit, by LSMR. On a problem small enough for all, they agree.
    f = two_layer_relu(n=40, d=2, k=3, seed=4, starts=2)
    theta = f.minimizers.base.copy()
    W = theta[: f.k * f.d].reshape(f.k, f.d)
    W[0] = 0.0  # unit 0: W_0 = 0, v_0 ≠ 0, so every sample sits on its kink
    theta[f.k * f.d] = 1.0
    exact = rs.stationarity_residual(f, theta)
    assert exact > 1e-3  # a real residual, not 0 = 0
    monkeypatch.setattr(rs, "_EXACT_KINKS", 5)
    unitwise = rs.stationarity_residual(f, theta)
    assert unitwise == pytest.approx(exact, rel=1e-9, abs=1e-13)
    monkeypatch.setattr(rs, "_EXACT_UNIT_KINKS", 5)
    iterative = rs.stationarity_residual(f, theta)
    assert iterative == pytest.approx(exact, rel=1e-6, abs=1e-10)
