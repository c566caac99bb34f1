"""matrix-factorization (MATHEMATICS.md §4.6): f* from the SVD, the GL(k) orbit and its
projection."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.optimize import minimize

from toylands import _batch_linalg as bl
from toylands.matfac import matrix_factorization
from toylands.orbits import GLOrbitSet, split_pair

EPS = float(np.finfo(np.float64).eps)


@pytest.fixture(scope="module")
def f():
    return matrix_factorization()


def test_f_star_is_the_svd_tail_and_is_attained(f):
    sv = np.linalg.svd(f.X, compute_uv=False)
    tail = np.sum(sv[f.k :] ** 2) / (2 * f.X.size)
    assert abs(f.f_star - tail) <= 1e-12
    # attained at the reference pair, evaluated through the losses themselves
    assert abs(float(f.value(f.minimizers.reference)) - f.f_star) <= 1e-12
    assert f.sigma_int2 == pytest.approx(f.f_star, abs=1e-15)
    assert np.all(f.f_i_star == 0.0)


def test_cli_show_reports_f_star(capsys):
    from theory.cli import main

    assert main(["show", "matrix-factorization", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    sv = np.linalg.svd(matrix_factorization().X, compute_uv=False)
    assert abs(out["f_star"] - np.sum(sv[2:] ** 2) / 60) <= 1e-12


def test_kernels_against_finite_differences(f, rng):
    x = f.domain.sample(rng, 6) * 0.3
    v = rng.normal(size=x.shape)
    h = 1e-6
    fd = (f.losses(x + h * v) - f.losses(x - h * v)) / (2 * h)
    assert np.allclose(f.directional(x, v), fd, atol=1e-6)
    g = f.grads(x)
    assert np.allclose(np.einsum("bnd,bd->bn", g, v), f.directional(x, v), atol=1e-12)
    assert np.allclose(g.mean(axis=-2), f.gradient(x), atol=1e-13)
    i = rng.integers(0, f.n, 6)
    assert np.allclose(f.loss_at(x, i), f.losses(x)[np.arange(6), i])
    assert np.allclose(f.grad_at(x, i), g[np.arange(6), i])
    # batch shapes
    assert f.losses(x.reshape(2, 3, -1)).shape == (2, 3, f.n)


def test_reduced_hessian_matches_finite_differences(rng):
    S = GLOrbitSet(rng.normal(size=(5, 4)), 3)
    A, P, Q = (rng.normal(size=(3, 3)) for _ in range(3))
    g, H = S._grad_hess(A, P, Q)
    h = 1e-6
    for a in range(3):
        for b in range(3):
            E = np.zeros((3, 3))
            E[a, b] = h
            fd = (S._phi(A + E, P, Q) - S._phi(A - E, P, Q)) / (2 * h)
            assert fd == pytest.approx(g[a, b], rel=1e-6, abs=1e-6)
            gp, _ = S._grad_hess(A + E, P, Q)
            gm, _ = S._grad_hess(A - E, P, Q)
            assert np.allclose((gp - gm).ravel() / (2 * h), H[:, 3 * a + b], atol=1e-5)


def _on_S(S, p):
    W, Sm = split_pair(p, S.k, S.n, S.m)
    return np.max(np.abs(np.swapaxes(W, -1, -2) @ Sm - S.Xk))


def test_projection_is_on_S_stationary_and_idempotent(f, rng):
    S = f.minimizers
    x = rng.normal(size=(200, f.dim))
    p = S.project(x)
    assert _on_S(S, p) < 1e-12
    assert np.max(S.certificate(x, p)) < 1e-9
    assert np.allclose(S.project(p), p, atol=1e-10)
    # nearer than sampled points of S and than the paper's fixed pair
    d = S.distance(x)
    samples = S.sample(rng, 500)
    dmin = np.min(np.linalg.norm(x[:, None] - samples[None], axis=-1), axis=1)
    assert np.all(d <= dmin + 1e-12)
    assert np.all(d <= f.fixed_pair.distance(x) + 1e-12)
    assert _on_S(S, f.fixed_pair.project(x)) < 1e-12


@pytest.mark.parametrize(
    "n, m, k, seed", [(3, 2, 1, 1), (4, 3, 2, 2), (5, 4, 3, 3), (3, 3, 2, 4)]
)
def test_projection_never_beaten_by_random_restarts(n, m, k, seed):
    f = matrix_factorization(n=n, m=m, k=k, rank=k, noise=0.3, seed=seed)
    S = f.minimizers
    rng = np.random.default_rng(seed)
    x = rng.normal(scale=1.5, size=(4, f.dim))
    ours = S.distance(x) ** 2
    for t in range(len(x)):

        def dist2(gflat, xt=x[t]):
            A = gflat.reshape(k, k) * np.sqrt(S.sv)
            if abs(np.linalg.det(A)) < 1e-12:
                return 1e12
            return float(np.sum((xt - S.point(A)) ** 2))

        for _ in range(20):
            r = minimize(dist2, rng.normal(size=k * k), method="BFGS", options={"gtol": 1e-10})
            assert ours[t] <= r.fun + 1e-9


def test_sample_lies_on_S(f, rng):
    s = f.minimizers.sample(rng, 20)
    assert _on_S(f.minimizers, s) < 1e-10
    assert np.allclose(f.value(s), f.f_star, atol=1e-12)
    assert np.all(f.minimizers.contains(s, atol=1e-8))


def test_smoothness_bound_holds_on_pairs(f, rng):
    L = f.smoothness()
    assert L.certified
    x = f.domain.sample(rng, 300)
    y = f.domain.clip(x + rng.normal(scale=0.05, size=x.shape))
    num = np.linalg.norm(f.grads(x) - f.grads(y), axis=-1).max(axis=-1)
    assert np.all(num <= L.L * np.linalg.norm(x - y, axis=-1) + 1e-9)


@pytest.mark.parametrize(
    "kw, exc",
    [
        ({"n": 3, "m": 2, "k": 3}, ValueError),
        ({"rank": 9}, ValueError),
        ({"noise": -0.1}, ValueError),
        ({"k": 0}, ValueError),
        ({"k": 1.5}, TypeError),
        ({"X": np.ones((3, 3)), "k": 2}, ValueError),  # rank 1 < k
        ({"X": np.eye(3), "k": 1}, ValueError),  # σ_1 = σ_2: not one orbit
        ({"X": [[1.0, np.nan]], "k": 1}, ValueError),
        ({"X": np.ones(3), "k": 1}, ValueError),
    ],
)
def test_bad_parameters_are_rejected(kw, exc):
    with pytest.raises(exc):
        matrix_factorization(**kw)


def test_user_matrix():
    X = np.diag([3.0, 2.0, 1.0])
    f = matrix_factorization(X=X, k=2)
    assert f.f_star == pytest.approx(1.0 / 18, abs=1e-15)
    assert f.params["n"] == 3 and f.params["k"] == 2


# ---- the projection's batched kernels (toylands._batch_linalg) ------------------------
@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_closed_form_inverse_and_determinant_match_lapack(k):
    rng = np.random.default_rng(100 + k)
    A = rng.normal(size=(k, k, 50)) * np.exp(rng.uniform(-3, 3, size=50))  # magnitudes 0.05-20
    Ab = np.moveaxis(A, -1, 0)
    inv, det = np.linalg.inv(Ab), np.linalg.det(Ab)
    cond = np.linalg.cond(Ab)
    C = np.moveaxis(bl.inv(A), -1, 0)
    err = np.abs(C - inv).max(axis=(1, 2)) / np.abs(inv).max(axis=(1, 2))
    assert np.all(err <= 64 * EPS * k * cond)
    # |det| ≤ Π ‖row‖ (Hadamard): the scale the rounding of a determinant is relative to
    rows = np.prod(np.linalg.norm(Ab, axis=-1), axis=-1)
    assert np.all(np.abs(bl.det(A) - det) <= 64 * EPS * k * rows)
    assert np.allclose(bl.inv(A[..., 0]), inv[0], rtol=0, atol=64 * EPS * k * cond[0]
                       * np.abs(inv[0]).max())  # unbatched
    # a singular matrix gives non-finite entries, never an exception
    with np.errstate(all="ignore"):
        assert not np.all(np.isfinite(bl.inv(np.zeros((k, k, 3)))))


@pytest.mark.parametrize("k", [1, 2, 4])
def test_batched_gradient_and_hessian_match_finite_differences(k):
    rng = np.random.default_rng(200 + k)
    S = GLOrbitSet(rng.normal(size=(6, 5)), k)
    A = rng.normal(size=(k, k, 6)) + 2.0 * np.eye(k)[..., None]  # well inside GL(k)
    P, Q = rng.normal(size=(2, k, k, 6))

    def phi(A):
        return S._phi_t(A, bl.inv(A), P, Q)

    g, H = S._grad_hess_t(A, bl.inv(A), P, Q)
    h = 1e-6
    for a in range(k):
        for b in range(k):
            E = np.zeros((k, k, 1))
            E[a, b] = h
            fd = (phi(A + E) - phi(A - E)) / (2 * h)
            assert np.all(np.abs(fd - g[a, b]) <= 1e-6 * (1 + np.abs(phi(A))))
            gp, _ = S._grad_hess_t(A + E, bl.inv(A + E), P, Q, hess=False)
            gm, _ = S._grad_hess_t(A - E, bl.inv(A - E), P, Q, hess=False)
            fdH = (gp - gm).reshape(k * k, -1) / (2 * h)
            assert np.all(np.abs(fdH - H[:, a * k + b]) <= 1e-5 * (1 + np.abs(H).max(axis=(0, 1))))
    # the batch-first wrappers are the same kernels
    g1, H1 = S._grad_hess(np.moveaxis(A, -1, 0), np.moveaxis(P, -1, 0), np.moveaxis(Q, -1, 0))
    assert np.array_equal(g1, np.moveaxis(g, -1, 0)) and np.array_equal(H1, np.moveaxis(H, -1, 0))


def _eigh_reference_step(H, g):
    """The saddle-free step by eigendecomposition for every problem (the formula of the step)."""
    lam, vec = np.linalg.eigh(np.moveaxis(H, -1, 0))
    c = np.einsum("bji,jb->bi", vec, g) / np.maximum(np.abs(lam), bl.FLOOR)
    return -np.einsum("bij,bj->ib", vec, c), lam


@pytest.mark.parametrize("n", [1, 4, 9])
@pytest.mark.parametrize("nb", [3, 240])  # below and above the batch the factorisation pays at
def test_saddle_free_step_matches_its_eigendecomposition(n, nb):
    rng = np.random.default_rng(10 * n + nb)
    V, _ = np.linalg.qr(rng.normal(size=(nb, n, n)))
    # eigenvalues: well conditioned, stiff, indefinite, and tiny ones below / above the floor
    lam = np.exp(rng.uniform(-2, 2, size=(nb, n)))
    kind = np.arange(nb) % 6
    lam[kind == 1, 0] *= 1e6
    lam[kind == 2, 0] *= -1.0
    lam[kind == 3, 0] = 1e-11
    lam[kind == 4, 0] = 1e-7
    lam[kind == 5, 0] = -3e-10
    Hb = (V * lam[:, None, :]) @ np.swapaxes(V, -1, -2)
    Hb = 0.5 * (Hb + np.swapaxes(Hb, -1, -2))
    H, g = np.ascontiguousarray(np.moveaxis(Hb, 0, -1)), rng.normal(size=(n, nb))
    ref, lam_c = _eigh_reference_step(H, g)
    with np.errstate(all="ignore"):
        step = bl.saddle_free_step(H, g)
    # the step is −H⁻¹g where λ_min ≥ the floor: rounding relative to the condition number
    cond = np.abs(lam_c).max(axis=1) / np.maximum(np.abs(lam_c).min(axis=1), bl.FLOOR)
    err = np.abs(step - ref).max(axis=0) / np.abs(ref).max(axis=0)
    assert np.all(err <= 64 * EPS * n * cond)


def test_saddle_free_step_factorises_positive_definite_hessians_without_eigh(monkeypatch):
    rng = np.random.default_rng(3)
    seen = []
    monkeypatch.setattr(bl, "_eigh_step", lambda H, g, idx, step: seen.append(idx) or step)
    for n in (4, 9):
        R = rng.normal(size=(100, n, n))
        H = np.moveaxis(R @ np.swapaxes(R, -1, -2) + np.eye(n), 0, -1)
        bl.saddle_free_step(np.ascontiguousarray(H), rng.normal(size=(n, 100)))
    assert [idx.size for idx in seen] == [0, 0]  # every problem solved by the factorisation


def test_solve_is_the_same_in_any_batch(f):
    # small batches take eigh for every step, large ones the factorisation: the same minimiser
    S = f.minimizers
    x = f.domain.sample(np.random.default_rng(11), 40)
    A, phi = S.solve(x)
    A1, phi1 = zip(*(S.solve(x[i : i + 1]) for i in range(len(x))))
    A1, phi1 = np.concatenate(A1), np.concatenate(phi1)
    assert np.all(np.abs(phi1 - phi) <= 1e-12 * (1 + np.abs(phi)))
    assert np.all(np.abs(A1 - A).max(axis=(1, 2)) <= 1e-9 * (1 + np.abs(A).max(axis=(1, 2))))


def test_projection_matches_brute_force_multistart_minimisation(f):
    # the default landscape (k = 2): φ of the multi-start Newton equals the best of 30 seeded
    # BFGS runs on the reduced problem, both ways (never beaten, and not below a true minimum)
    S = f.minimizers
    rng = np.random.default_rng(21)
    x = f.domain.sample(rng, 5)
    _, phi = S.solve(x)
    P, Q = S._reduce(x)
    for t in range(len(x)):

        def fun(a, t=t):
            with np.errstate(all="ignore"):
                g, _ = S._grad_hess(a.reshape(2, 2), P[t], Q[t])
            return float(S._phi(a.reshape(2, 2), P[t], Q[t])), g.ravel()

        best = np.inf
        for _ in range(30):
            A0 = rng.normal(size=(2, 2)) * np.sqrt(S.sv) * np.exp(rng.uniform(-1, 1))
            r = minimize(fun, A0.ravel(), jac=True, method="BFGS", options={"gtol": 1e-10})
            if np.isfinite(r.fun):
                best = min(best, r.fun)
        assert abs(phi[t] - best) <= 1e-9 * (1 + abs(best))
