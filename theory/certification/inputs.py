"""Checks of the arguments every certification method takes (domain, rng, budget), and the
deterministic default budget."""

from __future__ import annotations

import math
import numbers
import sys

import numpy as np

from toylands.domain import Box

__all__ = ["_check_domain", "_rng", "_check_budget", "_default_budget", "progress"]


def _check_domain(landscape, domain) -> Box:
    if domain is None:
        return landscape.domain
    if isinstance(domain, Box):
        box = domain
    else:
        try:
            lo, hi = domain
            lo, hi = float(lo), float(hi)
        except (TypeError, ValueError):
            raise TypeError("domain must be a toylands.Box or a pair (lo, hi)") from None
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise ValueError(f"box bounds must be finite, got {lo}, {hi}")
        if not lo < hi:
            raise ValueError(f"box is empty or inverted: lo={lo} >= hi={hi}")
        box = Box.cube(lo, hi, landscape.dim)
    if box.dim != landscape.dim:
        raise ValueError(f"domain has dimension {box.dim}, landscape {landscape.dim}")
    return box


def _rng(rng) -> np.random.Generator:
    if rng is None:
        return np.random.default_rng(0)
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError("rng must be a numpy.random.Generator, an int seed or None")


def _check_budget(budget, default: int) -> int:
    if budget is None:
        return default
    if isinstance(budget, bool) or not isinstance(budget, numbers.Integral) or budget < 1:
        raise ValueError(f"budget must be a positive integer, got {budget!r}")
    return int(budget)


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

