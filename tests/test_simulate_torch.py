"""``simulate(..., device=...)``: the runs as one torch tensor, against the numpy path.

The torch path runs the same loop and the same step-size rules (written once against the array
API); only the landscape's kernels differ by rounding. Float64 results must agree to ~1e-12 of
the magnitudes recorded, the index sequence and the Polyak decisions exactly, and the same seed
must give the same bits twice.
"""

from __future__ import annotations

import numpy as np
import pytest
from tolerance import EPS, assert_rounding_close

import toylands
from theory.optim import optimizers as O
from theory.optim.arrays import arrays_for
from theory.optim.simulate import initial_points, simulate

torch = pytest.importorskip("torch", reason="the torch extra is not installed")

# 1e-12 of the magnitudes, in ulps (the rounding of the kernels, compounded over the steps)
ULPS = 1e-12 / EPS


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Small per-step products: one torch thread (the pool costs more than it gives here)."""
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(old)


def _optimizers(L, gamma_b=None):
    """Every method; ``gamma_b`` (default 4/L) caps the Polyak-type steps. SPS_max has c = 0.7:
    with c = ½ its Polyak step on least squares is the exact projection onto the sampled
    hyperplane, where ∇f_i = 0 up to rounding and the *recorded* step size jumps between the
    Polyak value and the γ_b of the zero-gradient convention (the move is 0 either way)."""
    gamma_b = 4.0 / L if gamma_b is None else gamma_b
    return {
        "sgd": O.sgd(0.5 / L),
        "sgd-dec": O.sgd_dec(0.5 / L),
        "sps-max": O.sps_max(0.7, gamma_b),
        "dec-sps": O.dec_sps(gamma_b),
        "ngn": O.ngn(1.0 / L),
        "ngn-dec": O.ngn_dec(1.0 / L),
        "adagrad-norm-max": O.adagrad_norm_max(1.0, 2.0 * L),
        "gd": O.gd(1.0 / L),
    }


def _median_polyak_ratio(f, x, c):
    """The median of ``(f_i − f_i*)/(c‖∇f_i‖²)`` over the runs and samples at ``x``: a γ_b at
    which the Polyak branch is active about half the time (MATHEMATICS.md §6)."""
    g2 = np.sum(f.grads(x) ** 2, axis=-1)
    return float(np.median((f.losses(x) - f.f_i_star) / (c * g2)))


FAMILIES = {
    "least-squares": {"n": 20, "d": 6, "seed": 0},
    "two-layer-relu": {"n": 12, "d": 3, "k": 3, "seed": 1, "starts": 4},
}
FLOATS = ("gap_mean", "gap_var", "gap_half_mean", "dist2_mean", "gamma_mean", "gamma_min",
          "gamma_max", "run_min_gap", "run_max_dist2", "run_max_anchor_dist2",
          "max_anchor_dist2_by_step", "run_max_grad_sq", "max_grad_sq_by_step", "history_gap",
          "history_gamma", "history_x", "x_final")
EXACT = ("n_live", "diverged", "left_domain", "history_index", "history_steps", "x0")


def _close(a, b, what):
    """``|a − b| ≤ 1e-12 · max|b|`` (a whole record shares one scale: its magnitudes)."""
    b = np.asarray(b, dtype=float)
    scale = float(np.max(np.abs(b))) if b.size else 0.0
    assert_rounding_close(a, b, max(scale, 1e-300), ULPS, what=what)


def _assert_same(a, b, *, exact: bool):
    for key in FLOATS:
        va, vb = getattr(a, key), getattr(b, key)
        assert (va is None) == (vb is None), key
        if va is None:
            continue
        assert isinstance(va, np.ndarray) and va.dtype == np.float64, key
        if exact:
            np.testing.assert_array_equal(va, vb, err_msg=key)
        else:
            _close(va, vb, key)
    for key in EXACT:
        np.testing.assert_array_equal(getattr(a, key), getattr(b, key), err_msg=key)
    if a.polyak_count is None:
        assert b.polyak_count is None
    else:
        np.testing.assert_array_equal(a.polyak_count, b.polyak_count)


@pytest.fixture(scope="module", params=sorted(FAMILIES))
def family(request):
    f = toylands.get(request.param, **FAMILIES[request.param])
    x0 = initial_points(f, 24, np.random.default_rng(0))
    return f, x0, _optimizers(f.smoothness().L, _median_polyak_ratio(f, x0, 0.7))


@pytest.mark.parametrize("name", sorted(_optimizers(1.0)))
def test_numpy_and_torch_cpu_agree(family, name):
    f, x0, opts = family
    kw = {"steps": 60, "keep_x": 4, "dist_every": 5}
    ref = simulate(f, opts[name], x0, rng=np.random.default_rng(3), **kw)
    rng = np.random.default_rng(3)
    got = simulate(f, opts[name], x0, rng=rng, device="cpu", **kw)
    _assert_same(got, ref, exact=False)
    assert got.n_diverged == 0 and ref.gap_mean[-1] < ref.gap_mean[0]
    # the generator is left where the numpy path leaves it: the same draws, none ahead
    rng_np = np.random.default_rng(3)
    simulate(f, opts[name], x0, rng=rng_np, **kw)
    assert rng.bit_generator.state == rng_np.bit_generator.state
    assert got.extra["device"] == "torch cpu float64" and ref.extra["device"] == "numpy float64"
    if name == "sps-max":
        assert 0.05 < ref.polyak_active_fraction() < 0.95  # both branches of the rule ran
    if name == "dec-sps":  # a Polyak ratio sets c_k γ_k (the running min stays below c₀γ_b)
        assert ref.polyak_active_fraction() > 0.05


def test_same_seed_same_bits_and_chunks_do_not_matter():
    f = toylands.get("least-squares", **FAMILIES["least-squares"])
    x0 = initial_points(f, 10, np.random.default_rng(1))
    opt = O.sps_max(0.5, 4.0 / f.smoothness().L)
    runs = [simulate(f, opt, x0, steps=40, rng=np.random.default_rng(5), device="cpu",
                     index_chunk=c) for c in (64, 64, 1, 7)]
    for other in runs[1:]:
        _assert_same(other, runs[0], exact=True)


def test_float32_runs_in_float32_and_returns_float64():
    f = toylands.get("least-squares", **FAMILIES["least-squares"])
    x0 = initial_points(f, 16, np.random.default_rng(1))
    opt = O.ngn(1.0 / f.smoothness().L)
    ref = simulate(f, opt, x0, steps=30, rng=np.random.default_rng(2))
    got = simulate(f, opt, x0, steps=30, rng=np.random.default_rng(2), device="cpu",
                   dtype="float32")
    assert got.extra["device"] == "torch cpu float32" and got.gap_mean.dtype == np.float64
    np.testing.assert_array_equal(got.history_index, ref.history_index)
    # float32 rounding (ε₃₂ ≈ 1.2e-7) compounded over 30 contracting steps
    np.testing.assert_allclose(got.gap_mean, ref.gap_mean, rtol=1e-4)
    assert not np.array_equal(got.gap_mean, ref.gap_mean)  # really computed in float32


def test_diverging_runs_are_frozen_on_torch_as_on_numpy():
    f = toylands.get("least-squares", **FAMILIES["least-squares"])
    x0 = initial_points(f, 12, np.random.default_rng(0))
    opt = O.sgd(5.0 / f.smoothness().L)  # far above 2/L: every run blows up
    kw = {"steps": 400, "diverge_norm": 1e6}
    ref = simulate(f, opt, x0, rng=np.random.default_rng(0), **kw)
    got = simulate(f, opt, x0, rng=np.random.default_rng(0), device="cpu", **kw)
    assert ref.n_diverged == got.n_diverged == 12
    np.testing.assert_array_equal(got.n_live, ref.n_live)
    _close(got.x_final, ref.x_final, "x_final")


@pytest.fixture(scope="module")
def mlp():
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 6), torch.nn.Tanh(),
                              torch.nn.Linear(6, 2)).double()
    rng = np.random.default_rng(0)
    X = rng.normal(size=(16, 3))
    return toylands.from_module(net, X, (X[:, 0] > 0).astype(int), loss="cross_entropy")


@pytest.mark.parametrize("name", ["sgd", "sps-max", "ngn", "adagrad-norm-max", "gd"])
def test_a_from_module_network_runs(mlp, name):
    opt = {"sgd": O.sgd(0.5), "sps-max": O.sps_max(0.5, 2.0), "ngn": O.ngn(1.0),
           "adagrad-norm-max": O.adagrad_norm_max(1.0, 1.0), "gd": O.gd(0.5)}[name]
    th = mlp.initial()
    x0 = th[None] + 0.05 * torch.randn((3, mlp.dim), dtype=th.dtype,
                                       generator=torch.Generator().manual_seed(0))
    K = 4
    sim = simulate(mlp, opt, x0, steps=K, rng=np.random.default_rng(0), device="cpu",
                   keep_x=K + 1, dist_every=1)
    # f* is unknown: the gap is f(x^k) − mean(l_i) = f(x^k) (l_i = 0), and S has no distance
    assert "f* unknown" in sim.extra["gap_reference"] and "anchor" not in sim.recorded
    assert np.all(np.isnan(sim.dist2_mean)) and sim.n_diverged == 0
    np.testing.assert_allclose(sim.gap_mean[0], mlp.value(x0).mean().item(), rtol=1e-14)
    # one step by hand: x¹ = x⁰ − γ₀ ∇f_{i₀}(x⁰), with the recorded i₀ and γ₀
    x1 = torch.as_tensor(sim.history_x[1])
    i0 = torch.as_tensor(sim.history_index[0])
    g0 = sim.history_gamma[0]
    if name == "gd":
        want = x0 - torch.as_tensor(g0)[:, None] * mlp.gradient(x0)
    else:
        want = x0 - torch.as_tensor(g0)[:, None] * mlp.grad_at(x0, i0)
    np.testing.assert_allclose(x1.numpy(), want.numpy(), rtol=1e-13, atol=1e-15)


def test_refusals_say_what_to_do():
    ex6 = toylands.get("example6")
    x0 = initial_points(ex6, 4, np.random.default_rng(0))
    rng = np.random.default_rng(0)
    with pytest.raises(TypeError, match="numpy kernels only.*device=None"):
        simulate(ex6, O.sgd(0.1), x0, steps=2, rng=rng, device="cpu")
    with pytest.raises(TypeError, match="pass device='cpu' or 'cuda'"):
        simulate(ex6, O.sgd(0.1), torch.tensor(x0), steps=2, rng=rng)
    with pytest.raises(ValueError, match="numpy simulates in float64"):
        simulate(ex6, O.sgd(0.1), x0, steps=2, rng=rng, dtype="float32")
    with pytest.raises(ValueError, match="float64 or float32"):
        arrays_for("cpu", "int8")
    with pytest.raises(ValueError, match="'cpu' or 'cuda'"):
        arrays_for("tpu")


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_cuda_without_a_gpu_is_a_value_error():
    f = toylands.get("least-squares", **FAMILIES["least-squares"])
    with pytest.raises(ValueError, match="cuda.*is_available"):
        simulate(f, O.sgd(0.1), np.zeros((2, f.dim)), steps=1,
                 rng=np.random.default_rng(0), device="cuda")


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device on this machine")
@pytest.mark.parametrize("name", ["sgd", "sps-max", "dec-sps", "ngn", "adagrad-norm-max"])
def test_cuda_agrees_with_numpy(family, name):
    f, x0, opts = family
    ref = simulate(f, opts[name], x0, steps=60, rng=np.random.default_rng(3), keep_x=4)
    got = simulate(f, opts[name], x0, steps=60, rng=np.random.default_rng(3), keep_x=4,
                   device="cuda")
    assert got.extra["device"].startswith("torch cuda")
    _assert_same(got, ref, exact=False)
