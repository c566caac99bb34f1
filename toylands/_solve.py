"""Small, careful 1-D solvers used to pin down ground truth to machine precision."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.optimize import brentq

__all__ = ["critical_points_1d"]


_CHUNK = 1024  # scan points per evaluation of dh


def critical_points_1d(
    dh: Callable, lo: float, hi: float, *, grid: int = 200_001, xtol: float = 1e-15
) -> list[tuple[float, str]]:
    """All zeros of ``dh`` on ``[lo, hi]`` found by a dense sign scan and polished by Brent.

    Returns ``(s, kind)`` with kind ``"min"`` where ``dh`` goes from negative to positive and
    ``"max"`` otherwise, sorted by ``s``. A dense scan plus polish finds every zero separated
    from its neighbours by more than the grid spacing ``(hi − lo) / (grid − 1)``.
    """
    s = np.linspace(lo, hi, grid)
    # in chunks: dh(s) may be (grid, n) inside (a sum over n terms), which would need
    # grid·n floats at once
    d = np.concatenate([np.asarray(dh(s[j : j + _CHUNK])) for j in range(0, grid, _CHUNK)])
    out = []
    exact = np.flatnonzero(d == 0.0)
    for k in exact:
        left = d[k - 1] if k > 0 else -d[k + 1]
        out.append((float(s[k]), "min" if left < 0 else "max"))
    change = np.flatnonzero(np.sign(d[:-1]) * np.sign(d[1:]) < 0)
    for k in change:
        root = brentq(dh, s[k], s[k + 1], xtol=xtol, rtol=4 * np.finfo(float).eps, maxiter=500)
        out.append((float(root), "min" if d[k] < 0 else "max"))
    return sorted(out)
