"""numpy ⇄ torch parity of the array-API kernels (least-squares, matrix-factorization,
two-layer-relu, half-space): same formula, torch in → torch out on the same device and dtype."""

import numpy as np
import pytest

import toylands

torch = pytest.importorskip("torch", reason="the torch extra is not installed")

CASES = {
    "least-squares": {"n": 30, "d": 12, "seed": 1},
    "least-squares-over": {"n": 6, "d": 14, "seed": 2},
    "matrix-factorization": {"n": 5, "m": 4, "k": 2, "seed": 2},
    "two-layer-relu": {"n": 12, "d": 3, "k": 3, "seed": 1, "starts": 4},
    "two-layer-relu-softplus": {"n": 6, "d": 2, "k": 2, "activation": "softplus",
                                "loss": "square", "lam1": 0.05, "lam2": 0.05, "seed": 2,
                                "starts": 4},
    "half-space": {"n": 8, "d": 2, "seed": 1, "lam": 1e-3, "starts": 30},
}
FAMILY = {k: k.replace("-over", "").replace("-softplus", "") for k in CASES}
# float64: rounding only (a few ulps of the magnitudes); float32: the issue's 1e-5.
RTOL = {torch.float64: 1e-12, torch.float32: 1e-5}
DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request):
    f = toylands.get(FAMILY[request.param], **CASES[request.param])
    rng = np.random.default_rng(5)
    x = rng.normal(size=(2, 3, f.dim))
    v = rng.normal(size=(2, 3, f.dim))
    i = rng.integers(0, f.n, (2, 3))
    return f, x, v, i


def _check(out, ref, dtype, device):
    assert isinstance(out, torch.Tensor)
    assert out.dtype == dtype and out.device.type == device
    assert tuple(out.shape) == ref.shape
    scale = max(float(np.max(np.abs(ref))), np.finfo(float).tiny)
    err = float(np.max(np.abs(out.cpu().double().numpy() - ref)))
    assert err <= RTOL[dtype] * scale, f"relative error {err / scale:.3g}"


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("device", DEVICES)
def test_parity_every_method(case, dtype, device):
    f, x, v, i = case
    X = torch.tensor(x, dtype=dtype, device=device)
    V = torch.tensor(v, dtype=dtype, device=device)
    for m in ("losses", "value", "gradient", "grads"):
        _check(getattr(f, m)(X), getattr(f, m)(x), dtype, device)
    _check(f.directional(X, V), f.directional(x, v), dtype, device)
    _check(f.loss_at(X, i), f.loss_at(x, i), dtype, device)
    _check(f.grad_at(X, torch.tensor(i, device=device)), f.grad_at(x, i), dtype, device)
    _check(f.project(X), f.project(x), dtype, device)
    _check(f.distance(X), f.distance(x), dtype, device)


def test_issue_example_least_squares():
    f = toylands.get("least-squares", n=256, d=128)
    X = np.random.default_rng(0).normal(size=(4, 128))
    out = f.losses(torch.tensor(X))
    assert isinstance(out, torch.Tensor) and out.dtype == torch.float64
    np.testing.assert_allclose(out.numpy(), f.losses(X), rtol=1e-12, atol=0)


def test_directional_broadcasts_and_integer_tensor_points():
    f = toylands.get("least-squares", n=5, d=3, seed=0)
    x = torch.arange(6).reshape(2, 3)  # integer tensor -> float64, like numpy
    out = f.directional(x, torch.ones(3, dtype=torch.float64))
    assert out.dtype == torch.float64 and out.shape == (2, 5)
    ref = f.directional(np.arange(6).reshape(2, 3), np.ones(3))
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-13)


def test_bad_tensor_input_says_what_is_wrong():
    f = toylands.get("least-squares", n=5, d=3, seed=0)
    with pytest.raises(TypeError, match="float32 or float64"):
        f.losses(torch.zeros(2, 3, dtype=torch.float16))
    with pytest.raises(TypeError, match="float32 or float64"):
        f.losses(torch.zeros(2, 3, dtype=torch.bool))
    with pytest.raises(ValueError, match=r"shape \(\.\.\., 3\)"):
        f.losses(torch.zeros(2, 4))
    with pytest.raises(ValueError, match="NaN or inf"):
        f.losses(torch.tensor([[0.0, float("nan"), 1.0]]))
    with pytest.raises(TypeError, match="numpy arrays or both torch tensors"):
        f.directional(torch.zeros(3, dtype=torch.float64), np.zeros(3))
    with pytest.raises(TypeError, match="dtype"):
        f.directional(torch.zeros(3, dtype=torch.float64), torch.zeros(3))
    with pytest.raises(ValueError, match=r"lie in \[0, 5\)"):
        f.loss_at(torch.zeros(3, dtype=torch.float64), torch.tensor(7))
    with pytest.raises(TypeError, match="integer"):
        f.loss_at(torch.zeros(3, dtype=torch.float64), torch.tensor(1.0))


def test_numpy_only_landscape_refuses_tensors_with_the_fix():
    f = toylands.get("example1")
    with pytest.raises(TypeError, match=r"numpy only.*\.numpy\(\)"):
        f.losses(torch.zeros(2, dtype=torch.float64))


@pytest.mark.parametrize("key", ["matrix-factorization", "half-space",
                                 "two-layer-relu-softplus"])
def test_gradient_agrees_with_autograd_of_the_same_kernel(key):
    """The hand-written gradient against torch.autograd through the torch path of the losses
    (least-squares and relu update in place, which autograd does not follow; their gradients
    are covered by the numpy parity above and the numpy tests)."""
    f = toylands.get(FAMILY[key], **CASES[key])
    x = torch.tensor(np.random.default_rng(1).normal(size=f.dim), requires_grad=True)
    (g_auto,) = torch.autograd.grad(f._value(x), x)  # the kernel, on a tensor with grad
    np.testing.assert_allclose(f.gradient(x.detach()).numpy(), g_auto.numpy(),
                               rtol=1e-10, atol=1e-13)


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device on this machine")
def test_cuda_stays_on_device():
    f = toylands.get("two-layer-relu", n=12, d=3, k=3, seed=1, starts=4)
    x = torch.zeros(4, f.dim, device="cuda", dtype=torch.float32)
    assert f.losses(x).device.type == "cuda"


@pytest.mark.parametrize("key", sorted(CASES))
def test_batch_loss_and_gradient_are_means_of_the_samples(key):
    f = toylands.get(FAMILY[key], **CASES[key])
    rng = np.random.default_rng(3)
    x = rng.normal(size=(4, f.dim))
    B = rng.integers(0, f.n, (4, 3))
    ref_l = np.mean([f.loss_at(x, B[:, j]) for j in range(3)], axis=0)
    ref_g = np.mean([f.grad_at(x, B[:, j]) for j in range(3)], axis=0)
    np.testing.assert_allclose(f.batch_loss(x, B), ref_l, rtol=1e-13)
    np.testing.assert_allclose(f.batch_gradient(x, B), ref_g, rtol=1e-12, atol=1e-15)
    _check(f.batch_gradient(torch.tensor(x), torch.tensor(B)), ref_g, torch.float64, "cpu")
