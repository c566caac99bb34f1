"""The local search (theory.certification.search): the batched finite-difference gradient and
the batched Nelder–Mead."""

from __future__ import annotations

import numpy as np
import pytest

from theory.certification.search import _nelder_mead, _polish, _value_and_gradient
from toylands import Box


def _quadratic(calls):
    c = np.array([0.3, -0.2, 0.1, 0.4, -0.5, 0.25])

    def objective(z):
        calls.append(z.shape[0])
        return np.sum((z - c) ** 2, axis=-1)

    return objective, c


def test_gradient_is_one_call_of_d_plus_1_points_and_matches_the_derivative():
    calls = []
    objective, c = _quadratic(calls)
    box = Box.cube(-1.0, 1.0, 6)
    z = np.array([0.5, 0.5, -0.5, 0.0, 0.9, -0.3])
    v, g = _value_and_gradient(objective, box)(z)
    assert calls == [7]
    assert np.isclose(v, np.sum((z - c) ** 2), rtol=1e-15)
    # forward differences: error ≈ h = 1.5e-8 per coordinate (the quadratic's second derivative)
    np.testing.assert_allclose(g, 2 * (z - c), rtol=0, atol=1e-7)


def test_gradient_steps_back_at_the_box_edge():
    calls = []
    objective, c = _quadratic(calls)
    box = Box.cube(-1.0, 1.0, 6)
    z = np.array([1.0, -1.0, 1.0, -1.0, 1.0, -1.0])  # every forward step would leave the box
    seen = []

    def spy(pts):
        seen.append(pts.copy())
        return objective(pts)

    _, g = _value_and_gradient(spy, box)(z)
    assert np.all(box.contains(seen[0]))
    np.testing.assert_allclose(g, 2 * (z - c), rtol=0, atol=1e-7)


def test_polish_finds_the_minimum_in_many_dimensions():
    calls = []
    objective, c = _quadratic(calls)
    box = Box.cube(-1.0, 1.0, 6)
    x, f, evals = _polish(objective, np.zeros((1, 6)), box)
    np.testing.assert_allclose(x[0], c, atol=1e-6)
    assert f[0] < 1e-10 and evals >= 7 and max(calls) == 7


def _rosenbrock(z):
    return np.sum(100 * (z[..., 1:] - z[..., :-1] ** 2) ** 2 + (1 - z[..., :-1]) ** 2, axis=-1)


def _kinked(z):  # non-smooth, minimum 0.027 at z = 0.3·1
    return np.max(np.abs(z - 0.3), axis=-1) + 0.1 * np.sum(z * z, axis=-1)


@pytest.mark.parametrize("fn", [_rosenbrock, _kinked])
def test_batched_nelder_mead_follows_scipy_from_every_start(fn):
    """All starts in lockstep, one objective call an iteration, and scipy's end points."""
    from scipy.optimize import minimize

    rng = np.random.default_rng(0)
    box = Box.cube(-2.0, 2.0, 3)
    starts = rng.uniform(-2.0, 2.0, (5, 3))
    calls = []

    def objective(z):
        calls.append(z.shape[0])
        assert np.all(box.contains(z))
        return fn(z)

    x, f, evals = _nelder_mead(objective, starts, box, max_iter=1000)
    assert len(calls) <= 1 + 2 * 1000 and max(calls) <= 4 * 5  # trials, or a shrink
    assert evals == sum(calls)
    for i, x0 in enumerate(starts):
        ref = minimize(lambda z: float(fn(z[None])[0]), x0, method="Nelder-Mead",
                       bounds=list(zip(box.lo, box.hi)),
                       options={"xatol": 1e-12, "fatol": 1e-15, "maxiter": 1000})
        scale = 1.0 + abs(ref.fun)
        assert abs(f[i] - ref.fun) <= 1e-9 * scale
        np.testing.assert_allclose(x[i], ref.x, rtol=0, atol=1e-8)
    assert np.array_equal(f, fn(x))


def test_polish_in_few_dimensions_is_one_call_per_iteration():
    calls = []
    c = np.array([0.3, -0.2, 0.1])
    box = Box.cube(-1.0, 1.0, 3)

    def obj3(z):
        calls.append(z.shape[0])
        return np.sum((z - c) ** 2, axis=-1)

    x, f, _ = _polish(obj3, np.zeros((4, 3)) + [[0.1], [0.2], [-0.3], [0.5]], box)
    np.testing.assert_allclose(x, np.broadcast_to(c, x.shape), atol=1e-6)
    assert len(calls) < 400 and max(calls) >= 4
