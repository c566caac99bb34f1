"""theory.conditions: the slack rows and the constants of PL, δ-PL, PL*, Aiming and QCvx."""

from __future__ import annotations

import numpy as np
import pytest
from tolerance import assert_rounding_close, ulps_for

import toylands
from theory.conditions import (
    aiming_constant,
    alpha_beta_rows,
    pl_constant,
    pl_star_constant,
    pl_star_kernel,
    qcvx_constant,
    slack,
    slack_tolerance,
    square_loss_jacobian,
    tangent_kernel,
)


def _bowls():
    e = np.array([1.0, 2.0, -1.0])
    return toylands.from_functions(
        name="bowls",
        dim=3,
        n=2,
        losses=lambda x: np.stack(
            [0.5 * np.sum(x**2, axis=-1), 0.5 * np.sum((x - e) ** 2, axis=-1)], axis=-1
        ),
        directional=lambda x, v: np.stack(
            [np.sum(x * v, axis=-1), np.sum((x - e) * v, axis=-1)], axis=-1
        ),
        f_i_star=[0.0, 0.0],
        f_star=float(e @ e / 8),
        project=lambda x: np.broadcast_to(e / 2, x.shape).copy(),
        domain=toylands.Box.cube(-3.0, 3.0, 3),
        L=1.0,
    )


@pytest.mark.parametrize("name", ["example1", "example2", "example6", "remark1-valley", "bowls"])
def test_rows_match_the_per_sample_gradient_reference(name, rng):
    f = _bowls() if name == "bowls" else toylands.get(name)
    x = f.domain.sample(rng, 50)
    rows = alpha_beta_rows(f, x)
    pts = rows.candidates
    g = f.grads(x)  # (N, n, dim): the slow reference
    v = x[:, None, :] - pts
    a_ref = np.einsum("Nnd,Nmd->Nmn", g, v)
    # a JVP against an einsum: equal up to rounding of ‖∇f_i‖ ‖x − x_p‖ (tests/tolerance.py)
    scale = np.linalg.norm(g, axis=-1)[:, None, :] * np.linalg.norm(v, axis=-1)[..., None]
    assert_rounding_close(rows.a, a_ref, scale, ulps_for(f), what="a = <grad f_i, x - x_p>")
    fx, fp = f.losses(x)[:, None, :], f.losses(pts)
    assert_rounding_close(rows.b, fx - fp, np.abs(fx) + np.abs(fp), 4, what="b")
    np.testing.assert_allclose(rows.c[:, 0], np.maximum(f.losses(x) - f.f_i_star, 0))
    assert rows.mask.any(axis=-1).all()


def test_batch_shapes_are_kept():
    f = toylands.get("example6")
    x = np.zeros((3, 4, 2))
    rows = alpha_beta_rows(f, x)
    assert rows.a.shape[:2] == (3, 4) and rows.a.shape[-1] == 2
    assert slack(rows, 5.0, 4.0).shape == (3, 4)
    assert slack_tolerance(rows, 5.0, 4.0).shape == (3, 4)


def test_tied_projection_gives_rows_per_candidate():
    f = toylands.get("example6")  # S: two points symmetric about the line x + y = 1
    rows = alpha_beta_rows(f, np.array([0.0, 1.0]))
    assert rows.mask.tolist() == [True, True]
    # the point slack uses the better of the two nearest points
    T = slack(rows, 41.37, 40.37, per_sample=True).min(axis=-1)
    assert slack(rows, 41.37, 40.37) == pytest.approx(T.max())


def test_f_i_lower_weakens_the_check():
    f = toylands.get("example3")  # f_1* = 1/4 > 0
    x = f.domain.sample(np.random.default_rng(0), 100)
    exact = alpha_beta_rows(f, x)
    zero = alpha_beta_rows(f, x, f_i_lower=0.0)
    assert np.all(zero.c >= exact.c)
    diff = slack(zero, 200.0, 199.0, per_sample=True) - slack(exact, 200.0, 199.0, per_sample=True)
    np.testing.assert_allclose(diff[..., 0], 199.0 * 0.25, rtol=1e-9)  # β (f_i* − l_i)
    with pytest.raises(ValueError, match="lower bound"):
        alpha_beta_rows(f, x, f_i_lower=1.0)


@pytest.mark.parametrize("bad", [np.array([np.nan, 0.0]), np.zeros(3), 1.0])
def test_bad_points_raise(bad):
    with pytest.raises(ValueError):
        alpha_beta_rows(toylands.get("example1"), bad)


def test_pl_constant_is_zero_at_a_saddle_and_positive_for_least_squares(rng):
    f = toylands.get("example6")
    saddle = np.array([c.point for c in f.critical_points if c.kind == "saddle"])
    res = pl_constant(f, np.r_[f.domain.sample(rng, 200), saddle])
    assert res.constant < 1e-12
    np.testing.assert_allclose(res.worst_point, saddle[0], atol=1e-6)
    ls = toylands.get("least-squares")
    res = pl_constant(ls, ls.domain.sample(rng, 500))
    assert res.constant > 0


def test_relaxed_pl_matches_pl_at_delta_two_and_checks_delta(rng):
    f = toylands.get("least-squares")
    x = f.domain.sample(rng, 100)
    assert pl_constant(f, x, delta=2.0).constant == pytest.approx(pl_constant(f, x).constant)
    mu1 = pl_constant(f, x, delta=1.0)
    g = np.linalg.norm(f.gradient(x), axis=-1)
    gap = f.value(x) - f.f_star
    np.testing.assert_allclose(mu1.values, 0.5 * (g / gap) ** 2)
    with pytest.raises(ValueError, match="delta"):
        pl_constant(f, x, delta=3.0)


def test_pl_star_without_interpolation_tends_to_zero_near_S():
    f = toylands.get("example6")  # f* > 0
    p = f.minimizers.points[0]
    res = pl_star_constant(f, p + np.array([[1e-6, 0.0], [1.0, 1.0]]))
    assert res.constant < 1e-10 and "no interpolation" in res.note
    res_eps = pl_star_constant(f, p + np.array([[1e-6, 0.0], [3.0, 3.0]]), eps=0.5)
    assert np.isnan(res_eps.values[0]) and res_eps.constant > 0


def test_tangent_kernel_bound_normalisation(rng):
    # F(w) = tanh(A w), N = 3 outputs, m = 5 parameters; L = ½‖F − y‖².
    A = rng.normal(size=(3, 5))
    y = rng.normal(size=3)

    def jac(w):
        return (1 - np.tanh(w @ A.T) ** 2)[..., None] * A

    w = rng.normal(size=(200, 5))
    r = np.tanh(w @ A.T) - y
    L = 0.5 * np.sum(r**2, axis=-1)
    grad = np.einsum("Nn,Nnm->Nm", r, jac(w))
    lam = np.linalg.eigvalsh(tangent_kernel(jac, w))[:, 0]
    assert np.all(np.sum(grad**2, -1) >= 2 * lam * L * (1 - 1e-12))
    res = pl_star_kernel(jac, w)
    assert res.constant == pytest.approx(2 * lam.min())
    assert pl_star_kernel(jac, w, mean=True).constant == pytest.approx(2 * lam.min() / 3)

    class System:
        def jacobian(self, w):
            return jac(w)

    assert pl_star_kernel(System(), w).constant == res.constant
    with pytest.raises(TypeError):
        pl_star_kernel(object(), w)


def test_square_loss_jacobian_recovers_the_kernel(rng):
    # a square-loss landscape f_i = ½ (a_i·x − y_i)²: DF = A, K = A Aᵀ
    A = rng.normal(size=(3, 4))
    y = rng.normal(size=3)
    f = toylands.from_functions(
        name="lsq",
        dim=4,
        n=3,
        losses=lambda x: 0.5 * (x @ A.T - y) ** 2,
        grads=lambda x: (x @ A.T - y)[..., None] * A,
        f_i_star=[0.0, 0.0, 0.0],
        f_star=0.0,
        project=lambda x: x - (x @ A.T - y) @ np.linalg.pinv(A).T,
    )
    w = rng.normal(size=(10, 4))
    lam = np.linalg.eigvalsh(tangent_kernel(square_loss_jacobian(f), w))[:, 0]
    np.testing.assert_allclose(lam, np.linalg.eigvalsh(A @ A.T)[0], rtol=1e-9)
    # the mean loss f = (1/N) Σ ½ r_i² is μ-PL* with μ = 2 λ_min / N
    mu = pl_star_kernel(square_loss_jacobian(f), w, mean=True)
    direct = pl_star_constant(f, w)
    assert np.all(direct.values >= mu.values * (1 - 1e-9))
    with pytest.raises(ValueError, match="f_i"):
        square_loss_jacobian(toylands.get("example3"))


@pytest.mark.slow
def test_pl_star_kernel_on_the_two_layer_network_with_square_loss(rng):
    # The PL* target case: two-layer softplus network, square loss, no penalty (MATHEMATICS.md §3).
    f = toylands.get("two-layer-relu", loss="square", lam1=0.0, lam2=0.0,
                     activation="softplus", n=6, d=2, k=4, seed=1)
    w = f.domain.sample(rng, 200)
    mu = pl_star_kernel(square_loss_jacobian(f), w, mean=True)
    direct = pl_star_constant(f, w)
    assert np.all(direct.values >= mu.values * (1 - 1e-8) - 1e-14)
    assert f.dim >= f.n  # over-parameterized: λ_min(K) > 0 is possible


def test_aiming_and_qcvx(rng):
    ls = toylands.get("least-squares")  # convex: θ ≥ 1 for both
    x = ls.domain.sample(rng, 300)
    assert aiming_constant(ls, x).constant >= 1 - 1e-9
    assert qcvx_constant(ls, x).constant >= 1 - 1e-9
    f = toylands.get("example6")  # non-global stationary point: both fail (θ ≤ 0 at the saddle)
    saddle = np.array([c.point for c in f.critical_points])
    x = np.r_[f.domain.sample(rng, 200), saddle + 1e-3]
    assert aiming_constant(f, x).constant < 0.05
    q = qcvx_constant(f, x)
    assert q.constant < 0.05 and q.to_json()["condition"] == "QCvx"
    one = qcvx_constant(f, x, x_star=f.minimizers.points[1])
    assert one.constant <= q.constant
