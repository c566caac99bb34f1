"""The local search's batched finite-difference gradient (theory.certification.search)."""

from __future__ import annotations

import numpy as np

from theory.certification.search import _polish, _value_and_gradient
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
