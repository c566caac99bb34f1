"""The public hypothesis strategies produce what they promise."""

from __future__ import annotations

import numpy as np
from hypothesis import given

import toylands
from toylands import strategies as tst

EX1 = toylands.get("example1")


@given(tst.points(EX1, batch_shape=(3,)))
def test_points_lie_in_the_domain(x):
    assert x.shape == (3, 2) and EX1.domain.contains(x).all()


@given(tst.points_near_minimizers(EX1, radius=1e-3))
def test_points_near_minimizers_are_near(x):
    assert EX1.distance(x) <= 1e-3 * np.sqrt(2) + 1e-12


@given(tst.instances("remark1-valley", n=3, d=2))
def test_instances_are_seeded_family_members(f):
    assert f.name == "remark1-valley" and f.n == 3 and f.dim == 2
    assert f.params["seed"] == toylands.get("remark1-valley", **f.params).params["seed"]


@given(tst.alpha_beta_pairs())
def test_alpha_beta_pairs_are_ordered(pair):
    alpha, beta = pair
    assert alpha > beta >= 0
