"""``figures.plot_landscape`` on any 2-D landscape: registered, ``from_functions`` (a set known
only by its projection) and ``from_sympy``, as a surface or contours, with trajectories."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest
import sympy as sp

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import toylands  # noqa: E402
from figures import plot_landscape  # noqa: E402


def _line():
    """f_1 = ½ (x + y)², f_2 = ½ (x + y − 2)²: S = the line x + y = 1, known by a projection."""
    def losses(x):
        s = x.sum(axis=-1)
        return np.stack([0.5 * s**2, 0.5 * (s - 2.0) ** 2], axis=-1)

    def grads(x):
        s = x.sum(axis=-1)[..., None]
        one = np.ones(x.shape)
        return np.stack([s * one, (s - 2.0) * one], axis=-2)

    return toylands.from_functions(
        name="line", dim=2, n=2, losses=losses, grads=grads, f_i_star=[0.0, 0.0], f_star=0.5,
        project=lambda x: x - (x.sum(axis=-1, keepdims=True) - 1.0) / 2.0,
        domain=toylands.Box.cube(-2.0, 2.0, 2))


def test_a_set_known_by_its_projection_is_drawn():
    f = _line()
    art = plot_landscape(f, kind="surface", num=31)
    ax = art.axes
    labels = [ln.get_label() for ln in ax.get_lines()]
    assert type(art).__name__ == "Poly3DCollection" and "S (global minimizers)" in labels
    S = [ln for ln in ax.get_lines() if ln.get_label() == "S (global minimizers)"][0]
    xs, ys = S.get_data()
    np.testing.assert_allclose(np.asarray(xs) + np.asarray(ys), 1.0, atol=1e-8)  # on the line
    plt.close(ax.figure)


def test_sympy_landscape_contours_with_saddle_and_trajectories():
    x, y = sp.symbols("x y")
    f = toylands.from_sympy("wells", (x, y), [1 - sp.exp(-x**2 - y**2),
                                              1 - sp.exp(-(x - 2) ** 2 - (y - 2) ** 2)],
                            f_i_star=[0, 0], domain=(-1.5, 3.5))
    paths = np.random.default_rng(0).normal(size=(3, 20, 2)).cumsum(axis=1) * 0.1
    fig, ax = plt.subplots()
    art = plot_landscape(f, ax=ax, kind="contour", trajectories=paths, num=41)
    labels = [ln.get_label() for ln in ax.get_lines()]
    assert type(art).__name__ == "QuadContourSet"
    assert "saddle" in labels and "trajectory" in labels
    plt.close(fig)


def test_bad_arguments_are_rejected():
    with pytest.raises(ValueError, match="2-D"):
        plot_landscape(toylands.get("remark1-valley"))
    f = toylands.get("example1")
    with pytest.raises(ValueError, match="kind"):
        plot_landscape(f, kind="heat")
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="3d"):
        plot_landscape(f, ax=ax, kind="surface")
    with pytest.raises(ValueError, match="box"):
        plot_landscape(f, box=(1, 0, 0, 1), ax=ax, kind="contour")
    with pytest.raises(ValueError, match="trajectory"):
        plot_landscape(f, ax=ax, kind="contour", trajectories=np.zeros((5, 3)), num=11)
    plt.close(fig)
