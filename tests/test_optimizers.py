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


def test_ngn_step_where_f_i_is_zero():
    """MATHEMATICS.md §5 (corrected): where f_i(x) = 0 the step size is γ (the rule's value where
    the ratio ‖∇f_i‖²/(2f_i) is 0), whatever rounding left of the gradient; the update is zero."""
    np.testing.assert_array_equal(
        O.gamma_ngn(np.array([0.0, 0.0, 0.5]), np.array([0.0, 1e-300, 1.0]), 0.7),
        [0.7, 0.7, 0.7 / (1 + 0.7 * 1.0 / (2 * 0.5))])
    f = toylands.get("example6")  # f_1 = u/(1+u) is 0 exactly at its centre (0, 0)
    x = np.array([[0.0, 0.0], [1.0, 1.0], [0.3, -0.2]])
    i = np.array([0, 1, 0])
    for opt in (O.ngn(0.9), O.ngn_dec(0.9)):
        x1, _, info = opt.step(f, x, opt.init(x), i)
        np.testing.assert_array_equal(info.loss[:2], [0.0, 0.0])
        np.testing.assert_array_equal(info.gamma[:2], [0.9, 0.9])
        np.testing.assert_array_equal(x1[:2], x[:2])  # the gradient is 0 there: no move
        assert 0.9 / (1 + 0.9 * f.smoothness().L) <= info.gamma[2] < 0.9


def test_polyak_flag_marks_the_active_branch(rng):
    """``info.polyak``: SPS_max's Polyak step below γ_b; DecSPS's ratio below c_{k−1}γ_{k−1}."""
    f = toylands.get("example3")
    x = f.domain.sample(rng, 300) / 4
    i = rng.integers(0, f.n, 300)
    L = f.smoothness().L
    for c, gb in ((0.5, 4.0 / L), (0.5, 1.0 / (2 * 0.5 * L))):
        opt = O.sps_max(c, gb)
        _, _, info = opt.step(f, x, opt.init(x), i)
        ratio = O.polyak_ratio(info.loss, info.f_i_star, info.grad_sq) / c
        np.testing.assert_array_equal(info.polyak, ratio < gb)
        np.testing.assert_array_equal(info.gamma, np.where(info.polyak, ratio, gb))
    # γ_b = 1/(2cL) is at or below every Polyak step (L-smoothness): SPS_max is SGD there
    assert not info.polyak.any()
    opt = O.dec_sps(4.0 / L)
    state = opt.init(x)
    _, state1, info = opt.step(f, x, state, i)
    ratio = O.polyak_ratio(info.loss, info.f_i_star, info.grad_sq)
    np.testing.assert_array_equal(info.polyak, ratio < state.c_gamma_prev)
    assert info.polyak.any() and not info.polyak.all()
    for opt in (O.sgd(0.1), O.ngn(0.1), O.adagrad_norm_max(0.1, 1.0)):
        assert opt.step(f, x, opt.init(x), i)[2].polyak is None


@pytest.mark.parametrize(
    "opt",
    [O.sgd(0.3), O.sgd_dec(0.3), O.sps_max(0.5, 0.4), O.dec_sps(0.4), O.ngn(0.5), O.ngn_dec(0.5),
     O.adagrad_norm_max(0.5, 1.0)],
    ids=lambda o: o.name,
)
def test_rule_reads_only_what_it_declares(quad, opt, rng):
    """The simulator evaluates only ``needs``: the rule must give the same step without the rest."""
    x = rng.normal(size=(6, 2))
    i = rng.integers(0, quad.n, 6)
    state = opt.init(x)
    _, s1, info = opt.step(quad, x, state, i)
    args = {"loss": info.loss, "f_i_star": info.f_i_star, "grad_sq": info.grad_sq}
    gam, s2, _ = opt.rule(state, *(args[k] if k in opt.needs else None for k in args))
    np.testing.assert_array_equal(np.broadcast_to(gam, (6,)), info.gamma)
    assert s2.k == s1.k == 1


def test_sample_oracle_is_loss_at_and_grad_at(rng):
    for name in ("example3", "example6", "least-squares", "example1"):
        f = toylands.get(name)
        x = f.domain.sample(rng, 50)
        i = rng.integers(0, f.n, 50)
        for validate in (True, False):
            loss_grad, grad = O.sample_oracle(f, validate=validate)
            loss, g = loss_grad(x, i)
            np.testing.assert_allclose(loss, f.loss_at(x, i), rtol=1e-15, atol=0)
            np.testing.assert_allclose(g, f.grad_at(x, i), rtol=1e-15, atol=1e-300)
            np.testing.assert_array_equal(grad(x, i), f.grad_at(x, i))


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
