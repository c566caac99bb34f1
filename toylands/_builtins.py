"""Imports the modules of the built-in landscapes; each registers its own at its end."""

from __future__ import annotations

from . import (  # noqa: F401
    _registry,
    halfspace,
    least_squares,
    matfac,
    radial,
    radial_printed,
    relu_net,
    valley,
)

# The order of `toylands list` (design.md); landscapes registered later by users follow.
_registry.reorder(
    [
        "example1",
        "example2",
        "example3",
        "example3-printed",
        "example6",
        "remark1-valley",
        "remark1-bumps",
        "least-squares",
        "matrix-factorization",
        "two-layer-relu",
        "half-space",
    ]
)
