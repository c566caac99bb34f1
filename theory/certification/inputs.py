"""Checks of the arguments every certification method takes (domain, rng, budget), the
``@checked`` kinds of those that several functions share, and the deterministic default
budget."""

from __future__ import annotations

import sys

import numpy as np

from toylands._validate import as_int, as_rng
from toylands.domain import Box, as_box

__all__ = ["_check_domain", "_rng", "_check_budget", "_default_budget", "progress"]

# The most certify calls one search may be asked for (a bisection to float64 precision over
# the whole range of doubles needs about 2 100).
MAX_CALLS = 10_000


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


# ---- @checked kinds shared by the certification functions ------------------------------------
def _seed_kind(value, name, ctx):
    """A seed or a ``numpy.random.Generator`` (or None), checked but passed on as given: a
    function that makes several certify calls gives each the same seed (deterministic)."""
    as_rng(value, name, default_seed=0)
    return value


def _budget_kind(value, name, ctx):
    """A budget per certify call: a positive int (sample points, or the interval method's
    boxes) or the interval method's dict ``{"boxes", "seconds"}`` (its keys checked there)."""
    if isinstance(value, dict):
        return value
    if not isinstance(value, (int, np.integer)) or isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a positive int or a dict {{'boxes', 'seconds'}}, got "
                        f"{type(value).__name__}")
    return as_int(value, name, low=1)


def _calls_kind(value, name, ctx):
    """The most certify calls a search makes: ``1 ≤ max_calls ≤`` :data:`MAX_CALLS`."""
    return as_int(value, name, low=1, high=MAX_CALLS,
                  why="a bisection to float64 precision needs far fewer")


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

