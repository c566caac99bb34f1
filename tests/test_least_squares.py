"""``least-squares``: both regimes, the rank-deficient case, exact L, vectorised kernels."""

from __future__ import annotations

import time

import numpy as np
import pytest
import sympy as sp
from tolerance import EPS, assert_rounding_close, grad_scale, loss_scale, ulps_for

import toylands
from toylands.least_squares import LeastSquares


def _lstsq(f):
    x, *_ = np.linalg.lstsq(f.A, f.b, rcond=None)
    r = f.A @ x - f.b
    return x, float(r @ r) / (2 * f.n)


def _residual_scale(f, x):
    """``‖A‖ ‖x‖ + ‖b‖``: the magnitude that the residual ``A x − b`` cancels."""
    return np.linalg.norm(f.A, 2) * np.linalg.norm(x, axis=-1) + np.linalg.norm(f.b)


def test_under_parameterized_default_is_a_point_with_positive_f_star():
    f = toylands.get("least-squares")
    assert (f.n, f.dim) == (20, 10) and f.minimizers.rank == 0 and f.minimizers.is_finite
    x, fs = _lstsq(f)
    # two solvers agree to rounding amplified by the condition number
    kappa = np.linalg.cond(f.A)
    assert_rounding_close(f.minimizers.point, x, kappa * np.linalg.norm(x), 256, what="point")
    assert f.f_star == pytest.approx(fs, rel=1e-12) and f.f_star > 1e-4
    assert f.sigma_int2 == f.f_star and f.f_i_star.tolist() == [0.0] * 20
    assert not f.interpolation and f.closed_form
    # ∇f = Aᵀ(Ax − b)/n at the solution: zero up to rounding of the residual it cancels
    p = f.minimizers.point
    g_scale = np.linalg.norm(f.A, 2) * _residual_scale(f, p) / f.n
    assert np.abs(f.gradient(p)).max() < 64 * EPS * g_scale


@pytest.mark.parametrize("kw", [{"n": 4, "d": 7, "seed": 1}, {"n": 10, "d": 10, "seed": 2}])
def test_over_parameterized_interpolates_on_an_affine_set(kw, rng):
    f = toylands.get("least-squares", **kw)
    assert f.f_star == 0.0 and f.interpolation and f.sigma_int2 == 0.0
    assert f.minimizers.rank == f.dim - f.n
    x = f.minimizers.sample(rng, 50)
    scale = _residual_scale(f, x)[:, None]
    assert_rounding_close(x @ f.A.T, np.broadcast_to(f.b, (50, f.n)), scale, 64 * f.dim,
                          what="A x = b on S")
    # f_i = ½ r_i² with r_i a rounding-level residual
    assert np.all(f.losses(x) <= 0.5 * (64 * f.dim * EPS * scale) ** 2)


@pytest.mark.parametrize(
    "kw", [{"n": 6, "d": 5, "rank": 2, "seed": 3}, {"n": 3, "d": 6, "rank": 2, "seed": 4}]
)
def test_rank_deficient_set_is_the_full_least_squares_solution_set(kw, rng):
    f = toylands.get("least-squares", **kw)
    assert f.rank == 2 and f.minimizers.rank == f.dim - 2
    x_ls, fs = _lstsq(f)
    assert f.f_star == pytest.approx(fs, rel=1e-10) and f.f_star > 0 and not f.interpolation
    assert f.distance(x_ls) < 1e-10  # lstsq's (min-norm) solution lies in S
    x = f.minimizers.sample(rng, 40)
    np.testing.assert_allclose(f.value(x), f.f_star, rtol=1e-10)
    assert np.abs(f.gradient(x)).max() < 1e-12
    # Projection optimality: x − Proj(x) is orthogonal to S (i.e. lies in the row space of A).
    y = rng.normal(size=(30, f.dim)) * 3
    r = y - f.project(y)
    np.testing.assert_allclose(r @ f.minimizers.basis, 0.0, rtol=0, atol=1e-12)
    # No point does better: f is convex, and random points are no lower.
    assert f.value(y).min() >= f.f_star


def test_noise_free_under_parameterized_interpolates():
    f = toylands.get("least-squares", n=12, d=3, noise=0.0)
    assert f.f_star == 0.0 and f.interpolation
    assert f.value(f.minimizers.point) < 1e-28


def test_smoothness_is_max_row_norm_squared(rng):
    f = toylands.get("least-squares", n=30, d=4, seed=5)
    L = f.smoothness()
    rows = np.sum(f.A**2, axis=1)
    assert L.certified and rows.max() <= L.L <= rows.max() * (1 + 1e-11)
    # ∇²f_i = a_i a_iᵀ: its spectral norm is ‖a_i‖², and it is the same on every box.
    assert np.linalg.norm(np.outer(f.A[0], f.A[0]), 2) == pytest.approx(rows[0], rel=1e-13)
    assert f.smoothness(toylands.Box.cube(-1e3, 1e3, 4)).L == L.L


def test_kernels_agree_with_the_per_sample_reference(rng):
    f = toylands.get("least-squares", n=9, d=5, seed=6)
    x = rng.normal(size=(3, 4, 5))
    v = rng.normal(size=(3, 4, 5))
    G = f.grads(x)
    # rounding is relative to the terms combined (the residual cancels ‖a_i‖‖x‖ + |b_i|),
    # not to the result: tests/tolerance.py
    ulps = ulps_for(f)
    gs = grad_scale(f, x)  # (..., n, 1)
    assert_rounding_close(G, (x @ f.A.T - f.b)[..., None] * f.A, gs, ulps, what="grads")
    vn = np.linalg.norm(v, axis=-1)[..., None]
    assert_rounding_close(f.directional(x, v), np.einsum("...nd,...d->...n", G, v),
                          gs[..., 0] * vn, ulps, what="directional")
    assert_rounding_close(f.gradient(x), G.mean(axis=-2), gs.max(axis=-2), ulps,
                          what="gradient")
    i = rng.integers(0, 9, size=(3, 4))
    np.testing.assert_allclose(
        f.loss_at(x, i), np.take_along_axis(f.losses(x), i[..., None], -1)[..., 0]
    )
    np.testing.assert_allclose(
        f.grad_at(x, i), np.take_along_axis(G, i[..., None, None], -2)[..., 0, :]
    )


def test_symbolic_is_exact_and_matches_numpy(rng):
    f = toylands.get("least-squares", n=3, d=2, seed=7)
    sym = f.symbolic()
    # Exact: the x² coefficient of f_1 is a_11²/2 with a_11 the double itself.
    poly = sp.Poly(sym.losses[0], *sym.symbols)
    assert poly.coeff_monomial(sym.symbols[0] ** 2) == sp.Rational(float(f.A[0, 0])) ** 2 / 2
    x = rng.normal(size=(5, 2))
    # an expanded polynomial against the residual form: equal up to rounding of the terms
    assert_rounding_close(sym.lambdify()(x), f.losses(x), loss_scale(f, x), ulps_for(f),
                          rtol=1e-13, what="sympy losses")
    g = [[sp.lambdify(sym.symbols, sp.diff(li, s)) for s in sym.symbols] for li in sym.losses]
    G = np.array([[[gij(*xi) for gij in gi] for gi in g] for xi in x])
    assert_rounding_close(f.grads(x), G, grad_scale(f, x), ulps_for(f), rtol=1e-12,
                          what="sympy grads")


def test_zero_row_has_positive_f_i_star():
    f = LeastSquares([[1.0, 0.0], [0.0, 0.0]], [1.0, 3.0], name="ls", params={})
    assert f.f_i_star.tolist() == [0.0, 4.5]
    assert f.f_star == pytest.approx(4.5 / 2) and f.minimizers.rank == 1


def test_benchmark_size_is_fast(rng):
    # A smoke guard (generous for loaded CI machines): a per-sample gradient tensor here would be
    # (2000, 256, 128) doubles, 0.5 GB; the residual form needs (2000, 256).
    f = toylands.get("least-squares", n=256, d=128)
    x = rng.normal(size=(2000, 128))
    t0 = time.perf_counter()
    out = f.directional(x, x - f.project(x))
    assert time.perf_counter() - t0 < 1.0 and out.shape == (2000, 256)
    assert f.minimizers.rank == 0 and f.f_star > 0


def test_parameters_are_validated():
    with pytest.raises(ValueError):
        toylands.get("least-squares", n=4, d=3, rank=5)
    with pytest.raises(ValueError):
        toylands.get("least-squares", noise=-1.0)
    with pytest.raises(TypeError):
        toylands.get("least-squares", d=2.0)
    with pytest.raises(ValueError):
        LeastSquares(np.eye(2), np.ones(3), name="ls", params={})
