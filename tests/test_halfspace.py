"""half-space (MATHEMATICS.md §4.8): exact f_i*, the global minimum, and the saddles SGD passes."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize, minimize_scalar
from scipy.special import expit

from toylands.halfspace import half_space, halfspace_f_i_star


@pytest.fixture(scope="module")
def f():
    return half_space()


def test_paper_setting(f):
    assert (f.n, f.dim, f.lam) == (40, 4, 1e-5)
    assert set(np.unique(f.b)) == {-1.0, 1.0} and np.sum(f.b > 0) == 20
    assert len(f.params["class_means"]) == 2


@pytest.mark.parametrize("a, lam", [(0.3, 1e-5), (2.0, 1e-5), (1.0, 0.1), (5.0, 1e-3)])
def test_f_i_star_against_1d_scan_and_direct_minimisation(a, lam):
    fs, u = halfspace_f_i_star(a, lam)
    k = lam / a**2
    r = minimize_scalar(lambda t: expit(-t) + 0.5 * k * t * t, bounds=(0, 2 * u + 10),
                        method="bounded", options={"xatol": 1e-12})
    assert fs <= r.fun + 1e-15 and fs == pytest.approx(r.fun, abs=1e-12)
    # direct: f_i(x) = s(−a·x) + λ/2 ‖x‖² in 3-D over random starts
    av = np.array([a, 0.0, 0.0])
    rng = np.random.default_rng(0)
    for _ in range(5):
        d = minimize(lambda x: expit(-av @ x) + 0.5 * lam * x @ x, rng.normal(size=3) * 3,
                     method="BFGS", options={"gtol": 1e-12})
        assert d.fun >= fs - 1e-13


def test_f_i_star_of_the_landscape(f):
    for i in range(0, f.n, 7):
        assert f.f_i_star[i] == pytest.approx(halfspace_f_i_star(np.linalg.norm(f.A[i]), f.lam)[0])
    x = f.minimizers.points[0]
    assert np.all(f.losses(x) >= f.f_i_star)


def test_global_minimum_not_beaten(f, rng):
    xs = f.minimizers.points[0]
    assert float(f.value(xs)) == pytest.approx(f.f_star, abs=1e-15)
    assert np.linalg.norm(f.gradient(xs)) < 1e-10
    assert np.all(np.linalg.eigvalsh(f.hessian(xs)) > 0)
    for t in range(30):
        r = minimize(lambda z: (float(f.value(z)), f.gradient(z)),
                     rng.normal(size=4) * (1.0, 10.0, 50.0)[t % 3], jac=True, method="BFGS")
        assert r.fun >= f.f_star - 1e-10


def test_critical_points_are_stationary_with_their_eigenvalues(f):
    kinds = [c.kind for c in f.critical_points]
    assert "saddle" in kinds
    for c in f.critical_points:
        assert np.linalg.norm(f.gradient(c.point)) < 1e-9
        assert np.allclose(np.linalg.eigvalsh(f.hessian(c.point)), c.hessian_eigenvalues)
        assert c.value > f.f_star
        if c.kind == "saddle":
            assert c.hessian_eigenvalues[0] < 0 < c.hessian_eigenvalues[-1]


def test_kernels_and_hessian(f, rng):
    x = rng.normal(size=(6, 4)) * 5
    v = rng.normal(size=x.shape)
    h = 1e-6
    fd = (f.losses(x + h * v) - f.losses(x - h * v)) / (2 * h)
    assert np.allclose(f.directional(x, v), fd, atol=1e-8)
    g = f.grads(x)
    assert np.allclose(np.einsum("bnd,bd->bn", g, v), f.directional(x, v), atol=1e-14)
    assert np.allclose(g.mean(-2), f.gradient(x), atol=1e-15)
    i = rng.integers(0, f.n, 6)
    assert np.allclose(f.loss_at(x, i), f.losses(x)[np.arange(6), i])
    assert np.allclose(f.grad_at(x, i), g[np.arange(6), i])
    Hfd = np.stack([(f.gradient(x + h * e) - f.gradient(x - h * e)) / (2 * h) for e in np.eye(4)],
                   axis=-1)
    assert np.allclose(f.hessian(x), Hfd, atol=1e-7)
    # huge margins stay finite
    assert np.all(np.isfinite(f.losses(np.full(4, 1e6)))) and np.all(np.isfinite(f.grads(-1e6 * x)))


def test_smoothness_bound(f, rng):
    L = f.smoothness()
    x = rng.normal(size=(500, 4)) * 3
    y = x + rng.normal(scale=1e-2, size=x.shape)
    num = np.linalg.norm(f.grads(x) - f.grads(y), axis=-1).max(axis=-1)
    assert L.certified and np.all(num <= L.L * np.linalg.norm(x - y, axis=-1))


@pytest.mark.parametrize(
    "kw, exc",
    [
        ({"lam": -1.0}, ValueError),
        ({"lam": 0.0}, ValueError),
        ({"n": 7}, ValueError),
        ({"A": np.ones((3, 2)), "b": np.array([0.0, 1.0, 1.0])}, ValueError),  # {0,1} labels
        ({"A": np.ones((3, 2)), "b": np.ones(2)}, ValueError),
        ({"A": np.ones((3, 2))}, ValueError),
        ({"variance": -1.0}, ValueError),
    ],
)
def test_bad_parameters_are_rejected(kw, exc):
    with pytest.raises(exc):
        half_space(**kw)


def test_the_saddle_sgd_passes_is_listed_first(f):
    s = f.sgd_saddle
    assert s is not None and f.critical_points[0].kind == "saddle"
    assert s["loss"] > f.f_star + 0.05  # the loss is still high where SGD's gradient is small
    assert s["grad_norm"] < 0.05 * np.linalg.norm(f.gradient(np.zeros(4)))
