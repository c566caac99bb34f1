"""two-layer-relu (MATHEMATICS.md §4.7): stable φ, exact f_i*, the global minimum, its permutation
orbit."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest
from scipy.optimize import minimize, minimize_scalar

from toylands.orbits import SplitOrbitSet
from toylands.relu_net import dphi, phi, relu_f_i_star, stationarity_residual, two_layer_relu


@pytest.fixture(scope="module")
def f():
    return two_layer_relu()


def test_phi_is_stable_for_large_margins():
    t = np.array([-1e4, -50.0, 0.0, 50.0, 1e4])
    v = phi(t)
    assert np.all(np.isfinite(v))
    assert v[0] == 1e4 and v[2] == pytest.approx(np.log(2.0)) and v[-1] == 0.0
    assert v[3] == pytest.approx(np.exp(-50.0), rel=1e-14)
    assert np.all(np.isfinite(dphi(t))) and dphi(t)[0] == -1.0


@pytest.mark.parametrize("loss", ["logistic", "square"])
@pytest.mark.parametrize("lam", [1e-3, 0.03, 0.4])
def test_relu_f_i_star_against_1d_and_direct_minimisation(loss, lam):
    a = 1.3
    c = 2 * np.sqrt(lam * lam) / a
    exact = float(relu_f_i_star(np.array([a]), lam, lam, loss)[0])
    one_d = minimize_scalar(lambda t: phi(t, loss) + c * abs(t), bounds=(0, 50), method="bounded",
                            options={"xatol": 1e-12})
    assert exact == pytest.approx(one_d.fun, abs=1e-9)
    # direct minimisation of f_i over (W, v) of a width-2 net with x = a e_1, y = 1
    X, y = np.array([[a, 0.0]]), np.array([1.0])
    net = two_layer_relu(X=X, y=y, k=2, loss=loss, lam1=lam, lam2=lam, starts=2)
    rng = np.random.default_rng(0)
    best = min(
        minimize(lambda z: float(net.losses(z)[0]), rng.normal(size=net.dim), method="Nelder-Mead",
                 options={"xatol": 1e-10, "fatol": 1e-13, "maxiter": 20000}).fun
        for _ in range(3)
    )
    assert best >= exact - 1e-12
    assert best == pytest.approx(exact, abs=1e-6)
    assert net.f_i_star[0] == pytest.approx(exact, abs=1e-15)


def test_softplus_f_i_star_against_direct_minimisation():
    X, y = np.array([[0.8, -0.6]]), np.array([-1.0])
    net = two_layer_relu(X=X, y=y, k=2, activation="softplus", lam1=0.05, lam2=0.02, starts=2)
    rng = np.random.default_rng(1)
    best = min(
        minimize(lambda z: float(net.losses(z)[0]), rng.normal(size=net.dim), method="BFGS",
                 jac=lambda z: net.grads(z)[0], options={"gtol": 1e-12}).fun
        for _ in range(8)
    )
    assert best >= net.f_i_star[0] - 1e-9
    assert best == pytest.approx(net.f_i_star[0], abs=1e-7)


@pytest.mark.parametrize(
    "kw", [{}, {"activation": "softplus", "loss": "square", "n": 6, "d": 2, "k": 3}]
)
def test_kernels_against_finite_differences(kw, rng):
    f = two_layer_relu(**kw)
    x = f.minimizers.base + 0.3 * rng.normal(size=(5, f.dim))
    v = rng.normal(size=x.shape)
    h = 1e-7
    fd = (f.losses(x + h * v) - f.losses(x - h * v)) / (2 * h)
    assert np.allclose(f.directional(x, v), fd, atol=1e-6)
    g = f.grads(x)
    assert np.allclose(np.einsum("bnd,bd->bn", g, v), f.directional(x, v), atol=1e-12)
    assert np.allclose(g.mean(axis=-2), f.gradient(x), atol=1e-13)
    i = rng.integers(0, f.n, 5)
    assert np.allclose(f.loss_at(x, i), f.losses(x)[np.arange(5), i])
    assert np.allclose(f.grad_at(x, i), g[np.arange(5), i])


def test_relu_derivative_convention_at_zero():
    # x_1 = 0 makes every pre-activation 0: σ'(0) = 1 gives ∇_W f_1 = φ'·y·v ⊗ 0 + 2λ₂W
    X, y = np.array([[0.0, 0.0], [1.0, 0.5]]), np.array([1.0, -1.0])
    f = two_layer_relu(X=X, y=y, k=2, starts=2)
    x = np.arange(1.0, f.dim + 1)
    g = f.grads(x)[0]
    assert np.allclose(g[:4], 2 * f.lam2 * x[:4]) and np.allclose(g[4:], 2 * f.lam1 * x[4:])
    assert f.f_i_star[0] == pytest.approx(np.log(2.0))


@pytest.mark.parametrize("activation", ["relu", "softplus"])
def test_global_minimum_is_not_beaten(activation, rng):
    # ReLU minima often sit on a kink: stationarity is then 0 ∈ generalized gradient.
    f = two_layer_relu(n=6, d=2, k=2, seed=1, activation=activation)
    th = f.minimizers.base
    assert float(f.value(th)) == pytest.approx(f.f_star, abs=1e-15)
    # distance of 0 to the generalized gradient (kinks W_j·x_i = 0 allowed for relu)
    assert stationarity_residual(f, th) < 1e-10
    assert f.minimizers.error < 1e-10
    assert np.all(f.f_i_star <= f.losses(th) + 1e-15)
    for t in range(16):
        r = minimize(lambda z: (float(f.value(z)), f.gradient(z)),
                     rng.normal(scale=(0.5, 1.0, 2.0, 4.0)[t % 4], size=f.dim),
                     jac=True, method="L-BFGS-B")
        assert r.fun >= f.f_star - 1e-9


def test_permutation_projection_is_exact(f, rng):
    S = f.minimizers
    x = S.base + rng.normal(scale=0.8, size=(30, f.dim))
    p = S.project(x)
    perms = np.array(list(itertools.permutations(range(f.k))))
    orbit = S.apply(perms)  # all k! points
    brute = np.min(np.linalg.norm(x[:, None] - orbit[None], axis=-1), axis=1)
    assert np.allclose(np.linalg.norm(x - p, axis=-1), brute, atol=1e-12)
    assert np.allclose(f.value(p), f.f_star, atol=1e-14)
    assert np.allclose(S.project(p), p)


def test_square_loss_without_penalty_interpolates(rng):
    f = two_layer_relu(n=6, d=2, k=8, activation="softplus", loss="square", lam1=0.0, lam2=0.0)
    assert f.f_star == 0.0 and np.all(f.f_i_star == 0.0) and f.interpolation
    x = f.minimizers.theta + 0.05 * rng.normal(size=(5, f.dim))
    p = f.project(x)
    assert np.max(f.value(p)) < 1e-20
    # x − p is normal to the manifold {F = y}: it lies in the row space of the Jacobian at p
    J = f.minimizers._J(p)
    coef = np.linalg.lstsq(np.swapaxes(J, -1, -2)[0], (x - p)[0], rcond=None)[0]
    assert np.allclose(np.swapaxes(J, -1, -2)[0] @ coef, (x - p)[0], atol=1e-8)


def test_params_cache_and_smoothness(f, rng):
    assert {"n", "d", "k"} <= set(f.params)
    t = time.perf_counter()
    two_layer_relu()
    assert time.perf_counter() - t < 0.1
    assert not f.smooth and not f.smoothness().certified
    g = two_layer_relu(activation="softplus", n=6, d=2, k=2, seed=1)
    L = g.smoothness()
    assert L.certified
    x = g.domain.sample(rng, 300)
    y = g.domain.clip(x + rng.normal(scale=0.01, size=x.shape))
    num = np.linalg.norm(g.grads(x) - g.grads(y), axis=-1).max(axis=-1)
    assert np.all(num <= L.L * np.linalg.norm(x - y, axis=-1) + 1e-12)


@pytest.mark.parametrize(
    "kw, exc",
    [
        ({"lam1": -0.1}, ValueError),
        ({"lam1": 0.0}, ValueError),  # one penalty zero: S empty
        ({"lam1": 0.0, "lam2": 0.0}, ValueError),  # logistic without penalty: S empty
        ({"activation": "tanh"}, ValueError),
        ({"loss": "hinge"}, ValueError),
        ({"k": 0}, ValueError),
        ({"X": np.ones((3, 2)), "y": np.array([1.0, 0.0, 1.0])}, ValueError),
        ({"X": np.ones((3, 2)), "y": np.ones(2)}, ValueError),
        ({"X": np.ones((3, 2))}, ValueError),
        ({"X": np.array([["a"]]), "y": np.ones(1)}, TypeError),
    ],
)
def test_bad_parameters_are_rejected(kw, exc):
    with pytest.raises(exc):
        two_layer_relu(**kw)


def test_default_global_minimum_is_certified(f):
    assert stationarity_residual(f, f.minimizers.base) < 1e-10


def test_split_orbit_projection_against_brute_force(rng):
    # k = 2 slots, one unit U = (W, v) = (1, 1) with d = 1: S = {(s1 U, s2 U) : s ≥ 0, ‖s‖ = 1}
    S = SplitOrbitSet([[1.0, 1.0]], k=2, d=1)
    t = np.linspace(0.0, np.pi / 2, 20001)
    pts = np.stack([np.cos(t), np.sin(t), np.cos(t), np.sin(t)], axis=-1)  # (W1, W2, v1, v2)
    x = rng.normal(scale=1.5, size=(50, 4))
    d = np.linalg.norm(x - S.project(x), axis=-1)
    brute = np.min(np.linalg.norm(x[:, None] - pts[None], axis=-1), axis=1)
    assert np.all(d <= brute + 1e-12) and np.allclose(d, brute, atol=1e-6)


def test_split_orbit_of_a_degenerate_minimum(rng):
    # seed 6: the minimum has two parallel units, so S is a continuum (unit splitting)
    f = two_layer_relu(seed=6)
    S = f.minimizers
    assert isinstance(S, SplitOrbitSet) and S.m < f.k
    s = S.sample(rng, 500)
    assert np.allclose(f.value(s), f.f_star, atol=1e-13)
    x = S.base + rng.normal(scale=0.5, size=(100, f.dim))
    p = S.project(x)
    assert np.allclose(f.value(p), f.f_star, atol=1e-13)
    d = np.linalg.norm(x - p, axis=-1)
    dmin = np.min(np.linalg.norm(x[:, None] - s[None], axis=-1), axis=1)
    assert np.all(d <= dmin + 1e-12)
