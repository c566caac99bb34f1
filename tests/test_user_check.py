"""A user's L in ``theory.check``: taken as stated and reported as assumed, not refused."""

from __future__ import annotations

import numpy as np
import pytest

import theory
import toylands
from theory.optim.compare import ASSUMED_USER_L


def _bowl(**kw):
    return toylands.from_functions(
        name="bowl", dim=2, n=1, losses=lambda x: 0.5 * np.sum(x**2, axis=-1, keepdims=True),
        grads=lambda x: x[..., None, :], f_i_star=[0.0], f_star=0.0,
        project=lambda x: np.zeros_like(x), **kw)


def test_user_L_is_assumed_and_said_so():
    with pytest.warns(UserWarning, match="not certified"):
        res = theory.check(_bowl(L=1.0), "1", alpha=1.0, beta=0.0, runs=10, steps=20)
    assert res.hypotheses_ok == ASSUMED_USER_L == "assumed (user-supplied L)"
    assert "supplied by the user" in res.reason and res.bound is not None
    assert res.to_json()["hypotheses_ok"] == "assumed (user-supplied L)"


def test_certified_user_L_counts_as_verified_and_a_sampled_L_does_not():
    res = theory.check(_bowl(L=1.0, L_certified=True), "1", alpha=1.0, beta=0.0, runs=10,
                       steps=20)
    assert res.hypotheses_ok is True
    with pytest.warns(UserWarning, match="not certified"):
        res = theory.check(_bowl(), "1", alpha=1.0, beta=0.0, runs=10, steps=20)
    assert res.hypotheses_ok is False and "L not certified" in res.reason


def test_other_failures_still_win_over_an_assumed_L():
    with pytest.warns(UserWarning):
        res = theory.check(_bowl(L=1.0), "1", alpha=5.0, beta=0.0, runs=10, steps=20)
    assert res.hypotheses_ok is False and "alpha-beta-condition fails" in res.reason
