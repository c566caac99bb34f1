r"""In-memory memos kept per object (a landscape), weakly: they go with it.

Several computations do not depend on what a search varies (α, β, the theorem checked) and are
asked again and again with the same inputs: the rows at a seeded sample, a check's sampled
region, the enclosures of the minimizers. Each keeps a ``WeakKeyDictionary`` from the landscape
to a small dict of results; these helpers are the parts they share. An object that cannot be
weakly referenced gets no memo (the caller computes afresh).
"""

from __future__ import annotations

import hashlib
import weakref

import numpy as np

__all__ = ["memo_for", "points_key", "keep_last"]


def memo_for(store: weakref.WeakKeyDictionary, obj) -> dict | None:
    """``obj``'s dict in ``store`` (created empty), or None when ``obj`` cannot be weakly
    referenced."""
    try:
        return store.setdefault(obj, {})
    except TypeError:
        return None


def points_key(x: np.ndarray) -> tuple:
    """A key for an array of points: its shape and a 128-bit digest of its bytes."""
    x = np.ascontiguousarray(x)
    return (x.shape, x.dtype.str, hashlib.blake2b(x.tobytes(), digest_size=16).digest())


def keep_last(memo: dict, key, value, last: int):
    """Store ``value`` under ``key``, first dropping the oldest entries so that at most ``last``
    remain; returns ``value``."""
    while len(memo) >= last:
        memo.pop(next(iter(memo)))
    memo[key] = value
    return value
