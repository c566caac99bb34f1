"""``toylands.from_module``: a torch network and data as a landscape (S unknown, proxy only)."""

import subprocess
import sys

import numpy as np
import pytest

import toylands

torch = pytest.importorskip("torch", reason="the torch extra is not installed")


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Tiny networks: one torch thread is faster on a loaded two-core machine."""
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(old)
nn = torch.nn


def _net(dtype=torch.float64, out=3, seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, out)).to(dtype)


@pytest.fixture(scope="module")
def land():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(9, 4))
    y = rng.integers(0, 3, 9)
    return toylands.from_module(_net(), X, y, loss="cross_entropy", name="mlp")


def _points(f, k=3, seed=1):
    g = torch.Generator().manual_seed(seed)
    th = f.initial()
    return th + 0.3 * torch.randn((k, f.dim), generator=g, dtype=th.dtype)


def test_initial_is_the_flat_parameter_vector(land):
    th = land.initial()
    ref = torch.cat([p.detach().reshape(-1) for p in land.module.parameters()])
    assert torch.equal(th, ref) and land.dim == ref.numel() and land.n == 9


def test_losses_match_the_module(land):
    out = land.module(torch.as_tensor(land.X))
    ref = torch.nn.functional.cross_entropy(out, torch.as_tensor(land.y), reduction="none")
    torch.testing.assert_close(land.losses(land.initial()), ref.detach(), rtol=1e-14, atol=0)


def test_directional_equals_materialised_per_sample_gradients(land):
    x = _points(land)
    v = torch.randn(x.shape, dtype=x.dtype, generator=torch.Generator().manual_seed(2))
    G = land.grads(x)  # (3, n, dim), by vmap(grad): the slow reference
    ref = torch.einsum("pnd,pd->pn", G, v)
    torch.testing.assert_close(land.directional(x, v), ref, rtol=1e-12, atol=1e-14)


def test_directional_against_finite_differences(land):
    x = _points(land, k=2)
    v = torch.randn(x.shape, dtype=x.dtype, generator=torch.Generator().manual_seed(3))
    h = 1e-6
    fd = (land.losses(x + h * v) - land.losses(x - h * v)) / (2 * h)
    torch.testing.assert_close(land.directional(x, v), fd, rtol=1e-6, atol=1e-8)


def test_value_gradient_grad_at_and_batches_are_consistent(land):
    x = _points(land)
    G = land.grads(x)
    torch.testing.assert_close(land.gradient(x), G.mean(dim=1), rtol=1e-12, atol=1e-15)
    torch.testing.assert_close(land.value(x), land.losses(x).mean(dim=-1), rtol=1e-14, atol=0)
    i = torch.tensor([0, 4, 8])
    torch.testing.assert_close(land.grad_at(x, i), G[torch.arange(3), i], rtol=1e-12,
                               atol=1e-15)
    torch.testing.assert_close(land.loss_at(x, i), land.losses(x)[torch.arange(3), i])
    B = torch.tensor([[0, 1], [2, 2], [5, 8]])
    ref = torch.stack([G[p, B[p]].mean(dim=0) for p in range(3)])
    torch.testing.assert_close(land.batch_gradient(x, B), ref, rtol=1e-12, atol=1e-15)
    # one point (plain autograd) and the same point among others (torch.func.grad under vmap)
    for p in range(3):
        torch.testing.assert_close(land.batch_gradient(x[p:p + 1], B[p:p + 1]), ref[p:p + 1],
                                   rtol=1e-12, atol=1e-15)
        torch.testing.assert_close(land.batch_gradient(x[p], B[p]), ref[p], rtol=1e-12,
                                   atol=1e-15)
    L = land.losses(x)
    torch.testing.assert_close(land.batch_loss(x, B),
                               torch.stack([L[p, B[p]].mean() for p in range(3)]))


def test_float32_module_and_mse_and_logistic():
    X = np.random.default_rng(0).normal(size=(5, 4))
    f = toylands.from_module(_net(torch.float32, out=1), X, np.ones(5), loss="mse")
    th = f.initial()
    assert th.dtype == torch.float32 and f.losses(th).dtype == torch.float32
    out = f.module(torch.as_tensor(X, dtype=torch.float32))[:, 0]
    torch.testing.assert_close(f.losses(th), (out - 1) ** 2, rtol=1e-6, atol=1e-7)
    g = toylands.from_module(_net(out=1), X, np.array([1, -1, 1, -1, 1.0]), loss="logistic")
    o = g.module(torch.as_tensor(X))[:, 0]
    ref = torch.nn.functional.softplus(-torch.tensor([1, -1, 1, -1, 1.0],
                                                     dtype=torch.float64) * o)
    torch.testing.assert_close(g.losses(g.initial()), ref.detach())


def test_callable_loss_and_lower_bounds():
    X = np.random.default_rng(0).normal(size=(5, 4))

    def hinge(out, y):
        return torch.clamp(1 - y * out[:, 0], min=0)

    f = toylands.from_module(_net(out=1), X, np.ones(5), loss=hinge, f_i_star=0.0)
    assert f.losses(f.initial()).shape == (5,)
    with pytest.raises(ValueError, match="per-sample losses of shape"):
        toylands.from_module(_net(out=1), X, np.ones(5), loss=lambda o, y: o.sum())


def test_unknown_minimizers_say_what_to_do(land):
    assert np.isnan(land.f_star) and land.proxy_only
    with pytest.raises(ValueError, match="x\\^K proxy"):
        land.project(land.initial())
    with pytest.raises(ValueError, match="unknown"):
        _ = land.sigma_int2
    assert "proxy" in land.describe()["note"]


def test_refused_modules_and_inputs():
    X, y = np.zeros((4, 4)), np.zeros(4, dtype=int)
    bn = nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4), nn.Linear(4, 2)).double()
    with pytest.raises(ValueError, match=r"BatchNorm1d in train mode.*eval\(\)"):
        toylands.from_module(bn, X, y, loss="cross_entropy")
    f = toylands.from_module(bn.eval(), X, y, loss="cross_entropy")  # eval mode is fine
    bn.train()
    with pytest.raises(ValueError, match="train mode"):  # checked at every call too
        f.losses(f.initial())
    bn.eval()
    drop = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5), nn.Linear(4, 2)).double()
    with pytest.raises(ValueError, match="Dropout in train mode"):
        toylands.from_module(drop, X, y, loss="cross_entropy")
    with pytest.raises(TypeError, match="torch.nn.Module"):
        toylands.from_module(lambda x: x, X, y, loss="mse")
    with pytest.raises(TypeError, match="float32 or all float64"):
        toylands.from_module(nn.Linear(4, 2).half(), X, y, loss="cross_entropy")
    with pytest.raises(ValueError, match="no parameters"):
        toylands.from_module(nn.ReLU(), X, y, loss="mse")
    with pytest.raises(ValueError, match="loss must be one of"):
        toylands.from_module(_net(), X, y, loss="hinge")
    with pytest.raises(ValueError, match="-1 or \\+1"):
        toylands.from_module(_net(out=1), X, np.array([0, 1, 0, 1.0]), loss="logistic")
    with pytest.raises(ValueError, match="4 rows"):
        toylands.from_module(_net(), X, y[:3], loss="cross_entropy")
    with pytest.raises(ValueError, match="cannot be evaluated"):
        toylands.from_module(_net(), np.zeros((4, 7)), y, loss="cross_entropy")
    with pytest.raises(TypeError, match="torch tensor"):
        f.losses(np.zeros(f.dim))
    with pytest.raises(TypeError, match="dtype"):
        f.directional(f.initial(), f.initial().float())


def test_import_toylands_does_not_import_torch():
    code = "import sys, toylands, theory; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_readme_network_example_runs():
    """The README's from_module example, run as written (under ten lines of code)."""
    pytest.importorskip("sklearn", reason="scikit-learn (load_digits) is not installed")
    import pathlib
    import re

    text = (pathlib.Path(__file__).parents[1] / "README.md").read_text()
    block = next(b for b in re.findall(r"```python\n(.*?)```", text, re.S) if "from_module" in b)
    code = [ln for ln in block.splitlines() if ln.strip() and not ln.startswith("#")]
    assert len(code) < 10
    ns = {}
    exec(block, ns)  # noqa: S102 - the README's own example
    heat, region, run = ns["heat"], ns["region"], ns["run"]
    assert heat.shape == (45, 45) and run.reproduced and "proxy" in run.note
    assert region.alpha_min >= 0
