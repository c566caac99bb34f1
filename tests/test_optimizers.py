"""Step-size rules of MATHEMATICS.md §5 against their closed forms; pure init/step; degenerate
cases."""

from __future__ import annotations

import numpy as np
import pytest

import toylands
from theory.optim import optimizers as O
from toylands import Box, Landscape, PointSet, Smoothness


class Quadratics(Landscape):
    """``f_i(x) = ½‖x − b_i‖² + s_i`` (convex, L = 1, f_i* = s_i): exact ground truth."""

    def __init__(self, b, shift):
        b = np.asarray(b, float)
        shift = np.asarray(shift, float)
        centre = b.mean(axis=0)
        super().__init__(
            name="quadratics", dim=b.shape[1], n=b.shape[0], params={}, f_star=float(
                np.mean(0.5 * np.sum((b - centre) ** 2, axis=1) + shift)),
            f_i_star=shift, minimizers=PointSet(centre[None]),
            domain=Box.cube(-5.0, 5.0, b.shape[1]), positive=bool(np.all(shift > 0)),
        )
        self.b, self.shift = b, shift

    def _losses(self, x):
        return 0.5 * np.sum((x[..., None, :] - self.b) ** 2, axis=-1) + self.shift

    def _grads(self, x):
        return x[..., None, :] - self.b

    def _smoothness(self, domain):
        return Smoothness(1.0, "closed form", domain)


@pytest.fixture
def quad():
    return Quadratics([[1.0, 0.0], [-1.0, 0.5], [0.0, -1.0]], [0.1, 0.2, 0.3])


def _random_inputs(rng, size=200):
    loss = rng.uniform(0.0, 3.0, size)
    fis = loss * rng.uniform(0.0, 1.0, size)
    g2 = rng.uniform(1e-3, 5.0, size)
    return loss, fis, g2


def test_sps_max_matches_formula(rng):
    loss, fis, g2 = _random_inputs(rng)
    c, gb = 0.7, 0.9
    want = np.minimum((loss - fis) / (c * g2), gb)
    np.testing.assert_allclose(O.gamma_sps_max(loss, fis, g2, c, gb), want, rtol=1e-15)


def test_dec_sps_matches_formula(rng):
    loss, fis, g2 = _random_inputs(rng)
    prev = rng.uniform(0.0, 2.0, loss.size)
    ck = 1.7
    want = np.minimum((loss - fis) / g2, prev) / ck
    np.testing.assert_allclose(O.gamma_dec_sps(loss, fis, g2, ck, prev), want, rtol=1e-15)


def test_ngn_matches_formula(rng):
    loss, _, g2 = _random_inputs(rng)
    loss = loss + 1e-3
    want = 0.8 / (1 + 0.8 * g2 / (2 * loss))
    np.testing.assert_allclose(O.gamma_ngn(loss, g2, 0.8), want, rtol=1e-15)


def test_adagrad_norm_max_matches_formula(rng):
    _, _, g2 = _random_inputs(rng)
    c_prev, b_prev = rng.uniform(0, 2, g2.size), rng.uniform(0.5, 3, g2.size)
    gam, c2, b2 = O.gamma_adagrad_norm_max(g2, c_prev, b_prev, 0.3)
    np.testing.assert_array_equal(c2, np.maximum(c_prev, g2))
    np.testing.assert_allclose(b2, b_prev + np.maximum(c_prev, g2), rtol=1e-15)
    np.testing.assert_allclose(gam, 0.3 / np.sqrt(b2), rtol=1e-15)


def test_sgd_dec_formula():
    assert O.gamma_sgd_dec(0.5, 3) == pytest.approx(0.25)


@pytest.mark.parametrize(
    "opt",
    [O.sgd(0.3), O.sgd_dec(0.3), O.sps_max(0.5, 0.4), O.dec_sps(0.4), O.ngn(0.5), O.ngn_dec(0.5),
     O.adagrad_norm_max(0.5, 1.0)],
    ids=lambda o: o.name,
)
def test_one_step_is_x_minus_gamma_grad_and_pure(quad, opt, rng):
    x = rng.normal(size=(5, 2))
    i = rng.integers(0, quad.n, 5)
    state = opt.init(x)
    x_copy = x.copy()
    x1, s1, info = opt.step(quad, x, state, i)
    x1b, s1b, info_b = opt.step(quad, x, state, i)
    np.testing.assert_array_equal(x, x_copy)  # no mutation
    np.testing.assert_array_equal(x1, x1b)  # same inputs, same outputs
    np.testing.assert_array_equal(info.gamma, info_b.gamma)
    g = quad.grad_at(x, i)
    np.testing.assert_allclose(x1, x - info.gamma[:, None] * g, rtol=1e-14, atol=1e-15)
    assert s1.k == 1 and info.gamma.shape == (5,)
    np.testing.assert_array_equal(info.f_i_star, quad.f_i_star[i])


def test_polyak_steps_use_the_true_f_i_star():
    f = toylands.get("example3")  # f_1* = 1/4, f_2* = 0
    x = np.array([[0.3, -0.2], [1.0, 2.0]])
    i = np.array([0, 0])
    _, _, info = O.sps_max(1.0, 10.0).step(f, x, O.sps_max(1.0, 10.0).init(x), i)
    g = f.grad_at(x, i)
    want = np.minimum((f.loss_at(x, i) - 0.25) / np.sum(g * g, axis=1), 10.0)
    np.testing.assert_allclose(info.gamma, want, rtol=1e-14)
    assert np.all(info.f_i_star == 0.25)


def test_dec_sps_state_and_monotone_steps(quad, rng):
    opt = O.dec_sps(0.4, c_scale=2.0)
    x = rng.normal(size=(4, 2))
    state = opt.init(x)
    np.testing.assert_allclose(state.c_gamma_prev, 2.0 * 0.4)  # c_{-1} γ_{-1} = c_0 γ_b
    prev = np.full(4, np.inf)
    for k in range(20):
        i = rng.integers(0, quad.n, 4)
        x, state, info = opt.step(quad, x, state, i)
        assert np.all(info.gamma <= prev * (1 + 1e-15))
        np.testing.assert_allclose(state.c_gamma_prev, 2.0 * np.sqrt(k + 1) * info.gamma)
        prev = info.gamma


def test_zero_gradient_step_is_zero_with_documented_gamma(quad):
    # x = b_0 minimises f_0: ∇f_0 = 0 and f_0 = f_0*.
    x = quad.b[:1].copy()
    i = np.array([0])
    for opt, want in [
        (O.sps_max(0.5, 0.7), 0.7),
        (O.ngn(0.9), 0.9),
        (O.ngn_dec(0.9), 0.9),
        (O.sgd(0.2), 0.2),
    ]:
        x1, _, info = opt.step(quad, x, opt.init(x), i)
        np.testing.assert_array_equal(x1, x)
        assert info.gamma[0] == pytest.approx(want)
    opt = O.dec_sps(0.6, c_scale=1.0)
    x1, st, info = opt.step(quad, x, opt.init(x), i)
    np.testing.assert_array_equal(x1, x)
    assert info.gamma[0] == pytest.approx(0.6)  # c_{-1}γ_{-1}/c_0 = γ_b
    opt = O.adagrad_norm_max(0.5, 2.0)
    x1, st, info = opt.step(quad, x, opt.init(x), i)
    np.testing.assert_array_equal(x1, x)
    assert st.c_sq[0] == 0.0 and st.b_sq[0] == 4.0


def test_polyak_numerator_clipped_when_f_equals_f_star():
    # f_i − f_i* = 0 (or rounding below) with a non-zero gradient: step size 0.
    g = O.gamma_sps_max(np.array([1.0, 1.0]), np.array([1.0, 1.0 + 1e-16]), np.array([2.0, 2.0]),
                        0.5, 3.0)
    np.testing.assert_array_equal(g, [0.0, 0.0])
    assert O.gamma_ngn(np.array([0.0]), np.array([1.0]), 1.0)[0] == 0.0
    assert O.gamma_ngn(np.array([0.0]), np.array([0.0]), 1.0)[0] == 1.0


def test_ngn_rejects_negative_losses():
    with pytest.raises(ValueError, match="f_i"):
        O.gamma_ngn(np.array([-1.0]), np.array([1.0]), 1.0)


def test_gd_is_full_gradient(quad, rng):
    x = rng.normal(size=(3, 2))
    opt = O.gd(0.1)
    x1, _, info = opt.step(quad, x, opt.init(x), None)
    np.testing.assert_allclose(x1, x - 0.1 * quad.gradient(x))
    np.testing.assert_allclose(info.loss, quad.value(x))


def test_make_and_bad_parameters():
    assert O.make("ngn", gamma=1.0).name == "ngn"
    with pytest.raises(ValueError, match="unknown optimizer"):
        O.make("adam")
    with pytest.raises(ValueError, match="bad parameters"):
        O.make("sgd", step=1.0)
    with pytest.raises(ValueError, match="positive"):
        O.sgd(-1.0)
    with pytest.raises(ValueError, match="positive"):
        O.sps_max(0.5, float("nan"))
