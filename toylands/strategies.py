r"""Public hypothesis strategies, in hypothesis's own style: plain functions with keyword-only
options and plural names.

>>> from hypothesis import given
>>> import toylands
>>> from toylands.strategies import points
>>> f = toylands.get("example1")
>>> @given(points(f))
... def test_losses_are_bounded(x):
...     assert (f.losses(x) <= 1).all()
>>> test_losses_are_bounded()
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from . import _registry
from ._checked import checked
from ._landscape import as_landscape
from ._validate import as_finite_float, as_flag
from .domain import Box

__all__ = ["points", "points_near_minimizers", "instances", "alpha_beta_pairs", "seeds"]


def _floats(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def seeds() -> st.SearchStrategy[int]:
    """Seeds for the seeded landscape families."""
    return st.integers(0, 2**31 - 1)


def _batch_shape(value, name, ctx):
    try:
        shape = tuple(int(s) for s in value)
    except (TypeError, ValueError, OverflowError):
        raise TypeError(f"{name} must be a tuple of sizes, got {type(value).__name__}") from None
    if any(s < 0 for s in shape) or len(shape) > 8 or np.prod(shape, dtype=float) > 1e6:
        raise ValueError(f"{name} must be at most 8 sizes >= 0 with at most 1e6 points, got "
                         f"{shape}")
    return shape


@checked(batch_shape=_batch_shape)
def points(landscape, *, domain: Box | None = None, batch_shape=()) -> st.SearchStrategy:
    """Points of ``domain`` (default: the landscape's domain), shape ``batch_shape + (dim,)``."""
    box = landscape.domain if domain is None else domain
    shape = tuple(batch_shape) + (box.dim,)
    unit = hnp.arrays(np.float64, shape, elements=_floats(0.0, 1.0))
    return unit.map(lambda u: box.lo + u * box.width)


def points_near_minimizers(landscape, *, radius: float = 1e-2) -> st.SearchStrategy:
    """Points within ``radius`` (per coordinate) of a point of S, shape ``(dim,)``;
    ``0 ≤ radius ≤ 1e300``."""
    landscape = as_landscape(landscape)
    radius = as_finite_float(radius, "radius", low=0.0, high=1e300)
    dim = landscape.dim

    def build(args):
        seed, offset = args
        p = landscape.minimizers.sample(np.random.default_rng(seed), 1)[0]
        return p + radius * offset

    offs = hnp.arrays(np.float64, (dim,), elements=_floats(-1.0, 1.0))
    return st.tuples(seeds(), offs).map(build)


def instances(name: str, **fixed) -> st.SearchStrategy:
    """Seeded instances of a registered landscape family; ``fixed`` parameters are kept."""
    entry = {e.name: e for e in _registry.entries()}.get(name) if isinstance(name, str) else None
    if entry is None:
        shown = repr(name) if isinstance(name, str) else f"of type {type(name).__name__}"
        raise ValueError(f"unknown landscape name {shown}; known: {', '.join(_registry.names())}")
    if "seed" not in entry.parameters:
        return st.just(_registry.get(name, **fixed))
    return seeds().map(lambda s: _registry.get(name, seed=s, **fixed))


def alpha_beta_pairs(
    *, max_alpha: float = 1e4, min_gap: float = 1e-6, beta_zero: bool = True
) -> st.SearchStrategy[tuple[float, float]]:
    """Pairs ``(α, β)`` with ``α > β ≥ 0`` (``α − β ≥ min_gap``), ``α ≤ 2·max_alpha``.

    Needs ``0 < min_gap ≤ max_alpha ≤ 1e300``: a ``ValueError`` says so (hypothesis itself
    would only fail when the first example is drawn).
    """
    max_alpha = as_finite_float(max_alpha, "max_alpha", low=0.0, low_open=True, high=1e300)
    min_gap = as_finite_float(min_gap, "min_gap", low=0.0, low_open=True, high=max_alpha,
                              why="the gap alpha - beta is drawn from [min_gap, max_alpha]")
    beta_zero = as_flag(beta_zero, "beta_zero")

    def build(args):
        beta, gap = args
        alpha = beta + gap
        while alpha - beta < min_gap:  # beta + gap rounded down: move up by an ulp or two
            alpha = float(np.nextafter(alpha, np.inf))
        return alpha, beta

    beta = st.one_of(st.just(0.0), _floats(0.0, max_alpha)) if beta_zero else _floats(0, max_alpha)
    return st.tuples(beta, _floats(min_gap, max_alpha)).map(build)
