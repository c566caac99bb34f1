"""The numpy relu rows of two-layer-relu (``TwoLayerNet._relu_rows``, ``phi_dphi_np``): the
formulas of the array-API kernels, fewer passes; the same numbers up to rounding."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from toylands._relu_infimum import dphi, phi, phi_dphi_np
from toylands.relu_net import TwoLayerNet, _default_data

EDGES = np.array([0.0, -0.0, 5e-324, -5e-324, 1e-300, -1e-300, 1e-8, -1e-8, 1.0, -1.0, 36.7,
                  -36.7, 37.5, -37.5, 50.0, -50.0, 709.0, -709.0, 710.0, -710.0, 745.2, -745.2,
                  1e4, -1e4, 1e300, -1e300, 1.7e308, -1.7e308, np.inf, -np.inf, np.nan])


def _margins():
    rng = np.random.default_rng(0)
    return np.concatenate([rng.normal(scale=s, size=200_000) for s in (0.1, 1.0, 5.0, 40.0, 300.0)]
                          + [EDGES])


def test_phi_dphi_np_logistic_value_is_phi_bit_for_bit():
    t = _margins()
    keep = t.copy()
    val, der = phi_dphi_np(t)
    np.testing.assert_array_equal(t, keep)  # the input is not modified
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # logaddexp warns on the NaN
        want = phi(t)
    np.testing.assert_array_equal(val, want)
    assert val[-1] != val[-1] and val[-2] == np.inf and val[-3] == 0.0  # NaN, t = −∞, t = +∞
    assert phi_dphi_np(np.array([0.0]))[0][0] == np.log(2.0)


def test_phi_dphi_np_logistic_slope_is_dphi_to_a_few_ulps():
    t = _margins()
    _, der = phi_dphi_np(t)
    want = dphi(t)
    neg = t < 0
    np.testing.assert_array_equal(der[neg], want[neg])  # 1/(1 + e): scipy's bits
    normal = np.abs(want) > 1e-300
    ulps = np.abs(der - want)[normal] / np.spacing(np.abs(want[normal]))
    assert ulps.max() <= 4
    assert np.mean(ulps) < 0.5
    assert der[-1] != der[-1] and der[-2] == -1.0 and der[-3] == 0.0  # NaN, −∞, +∞
    assert np.all(der[:-1] <= 0.0) and np.all(der[:-1] >= -1.0)
    # where 1/(1 + exp(t)) flushes to 0, e/(1 + e) keeps the subnormal exp(−t)
    assert phi_dphi_np(np.array([710.0]))[1][0] == -np.exp(-710.0) != 0.0


def test_phi_dphi_np_skips_what_is_not_asked_and_square_loss():
    t = np.linspace(-3.0, 3.0, 13)
    assert phi_dphi_np(t, value=False)[0] is None
    assert phi_dphi_np(t, slope=False)[1] is None
    val, der = phi_dphi_np(t, "square")
    np.testing.assert_array_equal(val, phi(t, "square"))
    np.testing.assert_array_equal(der, dphi(t, "square"))


def _net(n, d, k, loss="logistic", lam=0.03, seed=3):
    """Kernels only (no global search), as the row benchmark builds it."""
    X, y = _default_data(n, d, seed)
    f = TwoLayerNet.__new__(TwoLayerNet)
    f.data, f.labels, f.k, f.d, f.n = np.ascontiguousarray(X), y, k, d, n
    f.activation, f.loss, f.lam1, f.lam2 = "relu", loss, lam, lam
    f.dim = k * (d + 1)
    return f


def _array_api(monkeypatch, f, name, *args):
    with monkeypatch.context() as m:
        m.setattr(TwoLayerNet, "_numpy_relu", lambda self, x: False)
        return getattr(f, name)(*args)


@pytest.mark.parametrize("loss", ["logistic", "square"])
@pytest.mark.parametrize("shape", [(), (0,), (7,), (2, 3)])
def test_numpy_relu_rows_equal_the_array_api_kernels(monkeypatch, loss, shape):
    f = _net(40, 4, 6, loss)
    rng = np.random.default_rng(1)
    x = rng.normal(size=shape + (f.dim,))
    u = rng.normal(size=x.shape)
    # dead and kink units: W_0 = 0 (every pre-activation exactly 0), W_1 of one sample's sign
    W = x[..., : f.k * f.d].reshape(shape + (f.k, f.d))
    W[..., 0, :] = 0.0
    fx, a = f._losses_and_directional(x, u)
    assert fx.shape == a.shape == shape + (f.n,)
    np.testing.assert_array_equal(fx, f._losses(x))
    np.testing.assert_array_equal(a, f._directional(x, u))
    want_f = _array_api(monkeypatch, f, "_losses", x)
    want_a = _array_api(monkeypatch, f, "_directional", x, u)
    # rounding only (measured ≤ 5e-16 of the losses and 5e-15 of the largest directional)
    np.testing.assert_allclose(fx, want_f, rtol=1e-14)
    np.testing.assert_allclose(a, want_a, rtol=1e-13,
                               atol=1e-13 * float(np.max(np.abs(want_a), initial=1.0)))


def test_numpy_relu_rows_keep_the_kink_convention():
    # W = 0: every Z is exactly 0 and σ'(0) = 1, so moving W_0 moves the output
    f = _net(6, 2, 2)
    x = np.zeros(f.dim)
    x[-2:] = [1.0, -2.0]
    u = np.zeros(f.dim)
    u[: f.d] = 1.0
    fx, a = f._losses_and_directional(x, u)
    c = dphi(np.zeros(f.n)) * f.labels  # φ'(0) y_i
    np.testing.assert_allclose(a, c * (f.data @ np.ones(f.d)), rtol=1e-15, atol=1e-16)
    assert np.any(a != 0.0)
    np.testing.assert_allclose(fx, np.log(2.0) + f.lam1 * 5.0, rtol=1e-15)
