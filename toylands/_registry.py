"""The registry of built-in (and user-registered) landscapes."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

from ._validate import check_params

__all__ = ["register", "get", "names", "entries", "reorder", "Entry"]


@dataclass(frozen=True)
class Entry:
    name: str
    factory: Callable
    summary: str
    # Small parameter sets the contract suite also runs (besides the defaults).
    test_params: tuple = ()

    @property
    def parameters(self) -> tuple[str, ...]:
        sig = inspect.signature(self.factory)
        return tuple(p for p in sig.parameters if not p.startswith("_"))


_REGISTRY: dict[str, Entry] = {}


def register(name: str, factory: Callable, *, summary: str = "", test_params=()) -> None:
    """Register ``factory(**params) -> Landscape`` under ``name``.

    ``factory`` must take keyword parameters only; unknown ones are rejected by ``get``.
    """
    if not isinstance(name, str) or not name:
        raise TypeError("name must be a non-empty string")
    if not callable(factory):
        raise TypeError("factory must be callable")
    _REGISTRY[name] = Entry(name, factory, summary, tuple(test_params))


def reorder(order) -> None:
    """Put the named entries first, in ``order``; the others keep their relative order."""
    rank = {name: k for k, name in enumerate(order)}
    items = sorted(_REGISTRY.items(), key=lambda kv: rank.get(kv[0], len(rank)))
    _REGISTRY.clear()
    _REGISTRY.update(items)


def _builtin():
    # Importing the landscape modules registers them.
    from . import _builtins  # noqa: F401


def names() -> list[str]:
    """Names of the registered landscapes, in registration order."""
    _builtin()
    return list(_REGISTRY)


def entries() -> list[Entry]:
    _builtin()
    return list(_REGISTRY.values())


def get(name: str, **params):
    """Build the registered landscape ``name`` with ``params``.

    Examples
    --------
    >>> import toylands
    >>> f = toylands.get("example1")
    >>> round(f.f_star, 12)
    0.2
    """
    _builtin()
    if name not in _REGISTRY:
        raise ValueError(f"unknown landscape {name!r}; known: {', '.join(_REGISTRY)}")
    entry = _REGISTRY[name]
    check_params(params, entry.parameters, name)
    return entry.factory(**params)
