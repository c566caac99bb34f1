"""The registry of built-in (and user-registered) landscapes.

A factory is a callable or a ``"module:attribute"`` string imported on the first :func:`get` of
its name: listing the registry builds no landscape and imports no landscape module.
"""

from __future__ import annotations

import importlib
import inspect
import weakref
from collections.abc import Callable
from dataclasses import dataclass

from ._builtins import BUILTINS, SUMMARY
from ._validate import check_params

__all__ = ["register", "get", "names", "entries", "is_builtin", "builtin_identity", "Entry"]


@dataclass(frozen=True)
class Entry:
    name: str
    factory: Callable | str
    summary: str
    # Small parameter sets the contract suite also runs (besides the defaults).
    test_params: tuple = ()
    # (dim, n) of the default instance where declared (built-ins); ``toylands list`` shows it
    # without building the landscape, and the contract suite checks it against the built one.
    shape: tuple | None = None

    def resolve(self) -> Callable:
        """The factory itself (imports its module for a ``"module:attribute"`` entry)."""
        if callable(self.factory):
            return self.factory
        module, _, attr = self.factory.partition(":")
        return getattr(importlib.import_module(module), attr)

    @property
    def parameters(self) -> tuple[str, ...]:
        sig = inspect.signature(self.resolve())
        return tuple(p for p in sig.parameters if not p.startswith("_"))


_REGISTRY: dict[str, Entry] = {
    name: Entry(name, factory, SUMMARY[name], tuple(test_params), shape)
    for name, factory, shape, test_params in BUILTINS
}


def register(name: str, factory: Callable, *, summary: str = "", test_params=()) -> None:
    """Register ``factory(**params) -> Landscape`` under ``name``.

    ``factory`` must take keyword parameters only; unknown ones are rejected by ``get``.
    """
    if not isinstance(name, str) or not name:
        raise TypeError("name must be a non-empty string")
    if not callable(factory):
        raise TypeError("factory must be callable")
    _REGISTRY[name] = Entry(name, factory, summary, tuple(test_params))


def names() -> list[str]:
    """Names of the registered landscapes, in registration order."""
    return list(_REGISTRY)


def is_builtin(name: str) -> bool:
    """Whether ``name`` is one of toylands' own landscapes (not registered, or re-registered,
    by a user): its content is fixed by the code version, so results about it may be cached."""
    entry = _REGISTRY.get(name)
    return entry is not None and isinstance(entry.factory, str)


def entries() -> list[Entry]:
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
    if not isinstance(name, str):
        raise TypeError(f"name must be a landscape name (a string), got {type(name).__name__}")
    if name not in _REGISTRY:
        raise ValueError(f"unknown landscape {name!r}; known: {', '.join(_REGISTRY)}")
    entry = _REGISTRY[name]
    factory = entry.resolve()
    check_params(params, entry.parameters, name)
    land = factory(**params)
    if isinstance(entry.factory, str):  # one of toylands' own: remembered for builtin_identity
        try:
            _BUILT[land] = (name, _canonical(params))
        except TypeError:  # (not weakly referenceable or not hashable: no identity)
            pass
    return land


# The landscapes get() built from toylands' own factories, with the name and parameters.
_BUILT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _canonical(value):
    """``value`` (parameters: numbers, strings, arrays, nested lists and dicts) as a string
    that determines it: arrays by their dtype, shape and bytes (``repr`` elides the middle of
    a large array, so two arrays could share it)."""
    import numpy as np

    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_canonical(v)}" for k, v in sorted(value.items())) + "}"
    if isinstance(value, (list, tuple)):
        return type(value).__name__ + "(" + ", ".join(_canonical(v) for v in value) + ")"
    if isinstance(value, np.ndarray):
        return f"ndarray({value.dtype.str}, {value.shape}, {value.tobytes().hex()})"
    return repr(value)


def builtin_identity(landscape) -> tuple | None:
    """What identifies ``landscape`` across processes and runs, where it is one of toylands' own
    as :func:`get` built it (a results cache keyed by this and the code version is never
    stale); ``None`` for any other object (a user's landscape, one built from the classes
    directly, a subclass): its content is not fixed by the code.

    Besides the name and parameters it was built with, the identity holds the data fields the
    conditions read (``f*``, every ``f_i*``, the domain, the flags), so that an instance changed
    after it was built (``f.f_star = ...``) is another identity.
    """
    try:
        built = _BUILT.get(landscape)
    except TypeError:
        return None
    if built is None:
        return None
    import numpy as np

    f = landscape
    try:
        state = (type(f).__module__, type(f).__qualname__, f.name, int(f.dim), int(f.n),
                 _canonical(f.params), float(f.f_star),
                 np.asarray(f.f_i_star, dtype=np.float64).tobytes(),
                 np.asarray(f.domain.lo).tobytes(), np.asarray(f.domain.hi).tobytes(),
                 bool(f.smooth), bool(f.interpolation), bool(f.positive), bool(f.closed_form))
    except (AttributeError, TypeError, ValueError):  # (changed beyond recognition)
        return None
    return built + state
