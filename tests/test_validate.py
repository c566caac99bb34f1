"""``toylands.validate``: the contract suite as a function, and the fast check at construction.

Each kind of wrong ground truth (f*, a gradient, f_i*, a projection, a user's L, an S that is not
stationary) is planted in an otherwise correct landscape and must be named in the error.
"""

from __future__ import annotations

import numpy as np
import pytest

import toylands
from theory import certify


def _bowl(**kw):
    """f = ½‖x‖² (n = 1): ∇f = x, S = {0}, f* = f_1* = 0, L = 1."""
    spec = dict(
        name="bowl", dim=2, n=1,
        losses=lambda x: 0.5 * np.sum(x**2, axis=-1, keepdims=True),
        grads=lambda x: x[..., None, :],
        f_i_star=[0.0], f_star=0.0, project=lambda x: np.zeros_like(x),
        domain=toylands.Box.cube(-2.0, 2.0, 2),
    )
    spec.update(kw)
    return toylands.from_functions(**spec)


def _line_valley(project):
    """f_1 = ½ (x + y)², f_2 = ½ (x + y − 2)²: S = the line x + y = 1, f* = ½, f_i* = 0."""
    def losses(x):
        s = x.sum(axis=-1)
        return np.stack([0.5 * s**2, 0.5 * (s - 2.0) ** 2], axis=-1)

    def grads(x):
        s = x.sum(axis=-1)
        one = np.ones(x.shape)
        return np.stack([s[..., None] * one, (s - 2.0)[..., None] * one], axis=-2)

    return toylands.from_functions(name="line", dim=2, n=2, losses=losses, grads=grads,
                                   f_i_star=[0.0, 0.0], f_star=0.5, project=project,
                                   domain=toylands.Box.cube(-3.0, 3.0, 2))


def _exact_projection(x):
    s = x.sum(axis=-1, keepdims=True)
    return x - (s - 1.0) / 2.0


def _failed(exc_info):
    return [k for k, _ in exc_info.value.failures]


def test_a_correct_landscape_passes_and_reports_every_check():
    rep = toylands.validate(_bowl(L=1.0), points=400)
    for key in ("gradient", "directional", "f_star_on_S", "stationary", "f_i_star",
                "projection", "search", "smoothness"):
        assert key in rep.checks, key
    toylands.validate(_line_valley(_exact_projection), points=400)


def test_wrong_f_star_is_caught():
    with pytest.raises(toylands.GroundTruthError, match="f_star") as exc:
        _bowl(f_star=0.5)
    assert "f* = 0.5" in str(exc.value)


def test_wrong_gradient_is_caught_and_certify_never_sees_it():
    with pytest.raises(toylands.GroundTruthError, match="finite differences") as exc:
        _bowl(grads=lambda x: 3.0 * x[..., None, :])
    assert "gradient" in _failed(exc) and "norm ratio 3" in str(exc.value)
    # without the check, certify would wrongly say holds_on_samples at (5, 0); the truth is
    # alpha <= 2 for the bowl (<x, x> = 2 f).
    wrong = _bowl(grads=lambda x: 3.0 * x[..., None, :], validate=False)
    assert certify(wrong, 5.0, 0.0, method="sample", budget=500).verdict == "holds_on_samples"
    assert certify(_bowl(), 5.0, 0.0, method="sample", budget=500).verdict == "refuted"


def test_wrong_f_i_star_is_caught():
    with pytest.raises(toylands.GroundTruthError, match="f_i_star") as exc:
        _bowl(f_i_star=[0.3])
    assert "f_1(x)" in str(exc.value) and "f_1* = 0.3" in str(exc.value)


def test_wrong_projection_is_caught():
    # a point of S, but not the nearest one: x + y = 1 reached along the x-axis only
    def along_x(x):
        out = x.copy()
        out[..., 0] = 1.0 - x[..., 1]
        return out

    with pytest.raises(toylands.GroundTruthError, match="nearer") as exc:
        _line_valley(along_x)
    assert "projection" in _failed(exc)


def test_directional_inconsistent_with_grads_is_caught():
    with pytest.raises(toylands.GroundTruthError, match="directional"):
        _bowl(directional=lambda x, v: 2.0 * np.sum(x * v, axis=-1, keepdims=True))


def test_user_L_is_checked_on_samples():
    with pytest.raises(toylands.GroundTruthError, match="L = 0.5"):
        _bowl(L=0.5)
    f = _bowl(L=1.0)
    sm = f.smoothness()
    assert sm.user_supplied and not sm.certified
    assert _bowl(L=1.0, L_certified=True).smoothness().certified


def test_an_S_that_is_not_stationary_is_caught():
    # f = ½‖x − e‖² with a true f* = 0 at e, but S claimed at e + (0.1, 0) with f* its value
    e = np.array([0.5, 0.0])
    with pytest.raises(toylands.GroundTruthError) as exc:
        _bowl(losses=lambda x: 0.5 * np.sum((x - e) ** 2, axis=-1, keepdims=True),
              grads=lambda x: (x - e)[..., None, :], f_star=0.005, f_i_star=[0.0],
              project=lambda x: np.broadcast_to(e + [0.1, 0.0], x.shape).copy())
    assert "stationary" in _failed(exc) or "f_star" in _failed(exc)
    assert "S is not stationary" in str(exc.value) or "f(x) =" in str(exc.value)


def test_non_finite_constants_are_rejected():
    with pytest.raises(ValueError, match="f_star must be finite"):
        _bowl(f_star=float("nan"))
    with pytest.raises(ValueError, match="f_i_star"):
        _bowl(f_i_star=[np.inf])
    with pytest.raises(ValueError, match="L must be"):
        _bowl(L=-1.0)


def test_ground_truth_error_is_a_value_error_and_validate_checks_arguments():
    assert issubclass(toylands.GroundTruthError, ValueError)
    with pytest.raises(ValueError, match="points"):
        toylands.validate(_bowl(), points=2)
    with pytest.raises(TypeError, match="rng"):
        toylands.validate(_bowl(), rng="seed")


@pytest.mark.parametrize("name", ["example1", "example3", "example6", "remark1-valley"])
def test_builtin_landscapes_pass(name):
    toylands.validate(toylands.get(name), points=300, smoothness=True)
