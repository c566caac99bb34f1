"""theory.testing: the assertions and hypothesis strategies users call from their own suites.

The tests below are also the documentation: they are what a user writes.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

import toylands
from theory.testing import (
    alpha_beta_slack,
    assert_alpha_beta,
    check_point,
    pairs,
    points,
    violations,
)

F = toylands.get("example6")


def test_assert_alpha_beta_passes_for_the_claimed_pair():
    cert = assert_alpha_beta(F, 41.37, 40.37, domain=(-20, 20), budget=3000)
    assert cert.verdict == "holds_on_samples"


def test_assert_alpha_beta_names_the_counterexample():
    with pytest.raises(AssertionError, match="counterexample x = ") as err:
        assert_alpha_beta(F, 5.0, 4.0, domain=(-20, 20), budget=3000)
    assert "example6" in str(err.value) and "slack" in str(err.value)


@given(points(F))
def test_hypothesis_hunts_but_finds_nothing_for_a_true_pair(x):
    check_point(F, x, 41.37, 40.37)


def test_hypothesis_target_finds_a_violation_for_a_false_pair():
    @settings(max_examples=60, derandomize=True, database=None)
    @given(points(F))
    def hunt(x):
        check_point(F, x, 20.0, 19.0)

    with pytest.raises(AssertionError, match="violated at x"):
        hunt()


@given(pairs(alpha_max=50.0, min_gap=1.0))
def test_pairs_strategy_respects_its_constraints(p):
    a, b = p
    assert 0 <= b and a - b >= 1.0 and a <= 50.0


def test_slack_and_violations_helpers():
    x = np.array([[0.0, 0.0], [20.0, -20.0]])
    s = alpha_beta_slack(F, x, 5.0, 4.0)
    assert s.shape == (2,)
    v = violations(F, 5.0, 4.0, x)
    assert v.shape[1] == 2 and len(v) == int(np.sum(s < 0))


def test_user_landscape_works_with_the_api():
    e = np.array([1.0, -1.0])
    bowl = toylands.from_functions(
        name="two-bowls",
        dim=2,
        n=2,
        losses=lambda x: np.stack([0.5 * np.sum(x**2, -1), 0.5 * np.sum((x - e) ** 2, -1)], -1),
        grads=lambda x: np.stack([x, x - e], axis=-2),
        f_i_star=[0.0, 0.0],
        f_star=0.25,
        project=lambda x: np.broadcast_to(e / 2, x.shape).copy(),
        domain=toylands.Box.cube(-3.0, 3.0, 2),
    )
    assert_alpha_beta(bowl, 1.0, 0.0, budget=500)  # convex f_i: (1, 0)
