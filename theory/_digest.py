"""The code version of ``theory`` for the keys of cached results (``toylands._cache`` puts the
version of ``toylands`` in every key; a result computed by ``theory``'s code also needs this)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["theory_digest"]


def theory_digest() -> str:
    """SHA-256 of every source file of ``theory`` (computed once per process): an edit anywhere
    in it reaches new cache entries, so an entry is never stale."""
    from toylands._cache import source_digest

    return source_digest(Path(__file__).resolve().parent)
