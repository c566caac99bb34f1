"""Checks of the arguments every certification method takes (domain, rng, budget), and the
deterministic default budget."""

from __future__ import annotations

import sys

import numpy as np

from toylands._validate import as_int, as_rng
from toylands.domain import Box, as_box

__all__ = ["_check_domain", "_rng", "_check_budget", "_default_budget", "progress"]


def _check_domain(landscape, domain) -> Box:
    if domain is None:
        return landscape.domain
    return as_box(domain, "domain", landscape.dim)


def _rng(rng) -> np.random.Generator:
    return as_rng(rng, "rng", default_seed=0)


def _check_budget(budget, default: int) -> int:
    if budget is None:
        return default
    return as_int(budget, "budget", low=1)


def _default_budget(landscape) -> int:
    """20 000 points in dim ≤ 3, ``max(500, 200 000 // dim)`` above, and 8 times fewer when the
    projection onto S is iterative (a set other than points / affine / their unions, e.g. the
    GL(k)-orbit of matrix factorization). Deterministic: never derived from a timing."""
    from toylands.sets import AffineSet, PointSet, UnionSet

    base = 20_000 if landscape.dim <= 3 else max(500, 200_000 // max(landscape.dim, 1))
    if not isinstance(landscape.minimizers, (PointSet, AffineSet, UnionSet)):
        base = max(256, base // 8)
    return base

def progress(msg, quiet):
    if not quiet:
        print(msg, file=sys.stderr, flush=True)

