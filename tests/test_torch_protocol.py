"""The theory on torch landscapes: rows, Region, the streamed two-pass protocol, PL/Aiming."""

import numpy as np
import pytest

import toylands
from theory.conditions import alpha_beta_rows
from theory.region import Region
from theory.studies.protocol import min_T_grid, two_pass
from theory.studies.protocol_stream import stream_two_pass

torch = pytest.importorskip("torch", reason="the torch extra is not installed")


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Tiny networks: one torch thread is faster on a loaded two-core machine."""
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(old)


@pytest.fixture(scope="module")
def mlp():
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.Tanh(),
                              torch.nn.Linear(8, 2)).double()
    rng = np.random.default_rng(0)
    X = rng.normal(size=(16, 3))
    y = (X[:, 0] > 0).astype(int)
    return toylands.from_module(net, X, y, loss="cross_entropy")


def test_streamed_rows_equal_the_stored_protocol_on_a_toy():
    f = toylands.get("example6")
    x0 = np.array([[0.9, 0.2], [1.5, -0.3]])
    tp = two_pass(f, x0, gamma=0.5, steps=120, seed=0, batch=2)
    sp = stream_two_pass(f, x0, gamma=0.5, steps=120, seed=0, batch=2)
    for k in "abc":
        np.testing.assert_array_equal(getattr(sp.rows, k), getattr(tp.proxy, k))
    assert sp.reproduced


def test_streamed_protocol_numpy_and_torch_agree():
    g = toylands.get("least-squares", n=40, d=10, seed=0)
    x0 = np.zeros((3, 10))
    sn = stream_two_pass(g, x0, gamma=0.3, steps=60, seed=1, batch=4)
    st = stream_two_pass(g, torch.tensor(x0), gamma=0.3, steps=60, seed=1, batch=4)
    assert isinstance(st.x_K, torch.Tensor) and st.reproduced
    for k in "abc":
        ref = getattr(sn.rows, k)
        np.testing.assert_allclose(getattr(st.rows, k), ref, rtol=0,
                                   atol=1e-12 * max(1.0, np.abs(ref).max()))


def test_protocol_on_a_tiny_mlp(mlp):
    sp = stream_two_pass(mlp, mlp.initial()[None], gamma=0.5, steps=64, seed=3, batch=4)
    assert sp.reproduced and not sp.diverged.any()
    assert sp.rows.a.shape == (1, 64, 1)
    assert "unknown" in sp.note and "proxy" in sp.note
    # the rows are those of T: check one step by hand
    x0 = mlp.initial()
    i = np.random.default_rng(3).integers(0, mlp.n, (1, 4))
    g = mlp.batch_gradient(x0[None], i)[0]
    a0 = float(g @ (x0 - sp.x_K[0]))
    assert a0 == pytest.approx(sp.rows.a[0, 0, 0], rel=1e-12)
    assert sp.rows.c[0, 0, 0] == pytest.approx(float(mlp.batch_loss(x0[None], i)[0]), rel=1e-14)
    H = min_T_grid(sp.rows, [1.0, 5.0], [0.0, 4.0])
    reg = sp.rows.region()
    assert isinstance(reg, Region)
    # the heat map and the exact region agree on which cells work
    for ia, al in enumerate([1.0, 5.0]):
        for ib, be in enumerate([0.0, 4.0]):
            if al >= be + 0.1:
                assert (H[ib, ia] >= 0) == bool(reg.contains(al, be)) or abs(H[ib, ia]) < 1e-9
    assert len(sp.pl) == 1 and np.isfinite(sp.pl[0].log_2mu)
    assert sp.aiming[0].cos.shape == (16,)  # 64 steps, one record per epoch (16/4 = 4 steps)


def test_alpha_beta_rows_with_the_proxy_reference(mlp):
    th = mlp.initial()
    pts = th + 0.1 * torch.randn((5, mlp.dim), dtype=th.dtype,
                                 generator=torch.Generator().manual_seed(0))
    rows = alpha_beta_rows(mlp, pts, reference=th, f_i_lower=0.0)
    assert rows.a.shape == (5, 1, mlp.n) and isinstance(rows.a, np.ndarray)
    ref = torch.einsum("pnd,pd->pn", mlp.grads(pts), pts - th).numpy()
    np.testing.assert_allclose(rows.a[:, 0], ref, rtol=1e-10, atol=1e-14)
    Region.from_rows(rows)
    with pytest.raises(ValueError, match="x\\^K proxy"):
        alpha_beta_rows(mlp, pts)


def test_alpha_beta_rows_torch_equals_numpy_on_a_toy():
    f = toylands.get("two-layer-relu", n=12, d=3, k=3, seed=1, starts=4)
    x = np.random.default_rng(0).normal(size=(6, f.dim))
    rn = alpha_beta_rows(f, x)
    rt = alpha_beta_rows(f, torch.tensor(x))
    for k in ("a", "b", "c"):
        ref = getattr(rn, k)
        np.testing.assert_allclose(getattr(rt, k), ref, rtol=0,
                                   atol=1e-12 * max(1.0, np.abs(ref).max()))


# ---- the PL and Aiming estimates (MATHEMATICS.md §3, §7) on torch -------------------------------
def _close(actual, desired, rel=1e-12):
    """Within ``rel`` of the magnitudes (NaN where the estimate is undefined, on both)."""
    actual, desired = np.asarray(actual, float), np.asarray(desired, float)
    np.testing.assert_array_equal(np.isnan(actual), np.isnan(desired))
    ok = ~np.isnan(desired)
    scale = max(1.0, float(np.max(np.abs(desired[ok])))) if ok.any() else 1.0
    np.testing.assert_allclose(actual[ok], desired[ok], rtol=0, atol=rel * scale)


@pytest.mark.parametrize("name, params", [
    ("least-squares", {"n": 20, "d": 6, "seed": 0}),
    ("two-layer-relu", {"n": 12, "d": 3, "k": 3, "seed": 1, "starts": 4}),
])
def test_pl_and_aiming_estimates_torch_equal_numpy(name, params):
    from theory.optim import optimizers as O
    from theory.optim.simulate import initial_points, simulate
    from theory.studies.protocol import aiming_along, pl_estimate_along

    f = toylands.get(name, **params)
    x0 = initial_points(f, 1, np.random.default_rng(0))
    sim = simulate(f, O.sgd(0.5 / f.smoothness().L), x0, steps=40, rng=np.random.default_rng(1),
                   device="cpu", keep_x=41)
    xs = sim.history_x[:, 0]  # one run's iterates x⁰ … x^K (simulated on torch)
    xt = torch.tensor(xs)
    for ref in (None, xs[-1]):  # exact Proj(x^k, S), and the paper's proxy x^K
        ref_t = None if ref is None else torch.tensor(ref)
        a, b = aiming_along(f, xs, ref), aiming_along(f, xt, ref_t)
        _close(b.cos, a.cos)
        _close(b.coefficient, a.coefficient)
        for delta in (2.0, 1.5):
            p = pl_estimate_along(f, xs, ref, delta=delta, every=1)
            q = pl_estimate_along(f, xt, ref_t, delta=delta, every=1)
            _close(q.value, p.value)
            assert q.log_2mu == pytest.approx(p.log_2mu, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("name, params", [
    ("least-squares", {"n": 20, "d": 6, "seed": 0}),
    ("matrix-factorization", {}),
])
def test_condition_constants_torch_equal_numpy(name, params):
    from theory.conditions import aiming_constant, pl_constant, pl_star_constant, qcvx_constant

    f = toylands.get(name, **params)
    x = f.domain.sample(np.random.default_rng(0), 16)
    for fn, kw in ((pl_constant, {}), (pl_constant, {"delta": 1.5}), (pl_star_constant, {}),
                   (aiming_constant, {}), (qcvx_constant, {})):
        a, b = fn(f, x, **kw), fn(f, torch.tensor(x), **kw)
        _close(b.values, a.values)
        assert b.constant == pytest.approx(a.constant, rel=1e-12, abs=1e-300)
        assert b.witness == a.witness and b.condition == a.condition


def test_pl_star_and_pl_estimate_on_a_network(mlp):
    import torch.nn.functional as F
    from torch.func import functional_call

    from theory.conditions import pl_star_constant
    from theory.studies.protocol import pl_estimate_along

    th = mlp.initial()
    pts = th + 0.1 * torch.randn((4, mlp.dim), dtype=th.dtype,
                                 generator=torch.Generator().manual_seed(1))
    # by hand: f and ∇f at pts[2] from the module itself, by autograd
    p = pts[2].clone().requires_grad_(True)
    out = functional_call(mlp.module, mlp.unflatten(p), (torch.as_tensor(mlp.X),))
    loss = F.cross_entropy(out, torch.as_tensor(mlp.y))
    (g,) = torch.autograd.grad(loss, p)
    f2, g2 = float(loss.detach()), float(g @ g)
    res = pl_star_constant(mlp, pts)  # ‖∇f‖² / f: f ≥ 0 with inf 0, no S needed
    assert res.values[2] == pytest.approx(g2 / f2, rel=1e-12)
    est = pl_estimate_along(mlp, pts, pts[-1], every=1)  # the paper's x^K proxy
    f_K = float(mlp.value(pts[-1]))
    assert np.isnan(est.value[-1])  # f(x^K) − f(x^K) = 0: undefined
    if f2 > f_K:
        assert est.value[2] == pytest.approx(np.log(g2 / (f2 - f_K)), rel=1e-12)
    else:
        assert np.isnan(est.value[2])
