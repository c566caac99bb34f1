"""What every subcommand shares: the user-error type and the landscape arguments.

A landscape is named on the command line either by its registered NAME or, for a user's own
landscape, by ``--landscape module:attribute`` (an importable module; the current folder is
searched first) or ``--landscape path/to/file.py:attribute``. The attribute is a landscape or a
function returning one (called with the ``--set`` parameters).
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import os
import sys
from pathlib import Path

import toylands

__all__ = [
    "UserError",
    "parse_sets",
    "add_common",
    "add_landscape_args",
    "add_landscape_name",
    "landscape_from_args",
    "load_landscape",
]


class UserError(Exception):
    """A mistake in the command line: reported as one line, exit status 2."""


def parse_sets(pairs) -> dict:
    """``["n=3", "spread=0.5"]`` -> ``{"n": 3, "spread": 0.5}`` (values read as Python literals)."""
    params = {}
    for pair in pairs or ():
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise UserError(f"--set takes key=value, got {pair!r}")
        try:
            params[key] = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            params[key] = raw
    return params


def add_common(p):
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")


def add_landscape_name(p):
    """The landscape NAME (positional) or ``--landscape MODULE:ATTRIBUTE``."""
    p.add_argument("name", nargs="?", help="landscape name (see `toylands list`)")
    p.add_argument("--landscape", metavar="MODULE:ATTR",
                   help="your own landscape instead of NAME: module:attribute or "
                        "path.py:attribute (a landscape, or a function returning one)")


def add_landscape_args(p):
    add_landscape_name(p)
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="landscape parameter")
    p.add_argument("--seed", type=int, help="shortcut for --set seed=SEED")
    add_common(p)


def _import(spec: str):
    target, sep, attr = spec.rpartition(":")
    if not sep or not target or not attr:
        raise UserError(f"--landscape takes module:attribute or path.py:attribute, got {spec!r}")
    if target.endswith(".py") or os.sep in target or "/" in target:
        path = Path(target).expanduser()
        if not path.is_file():
            raise UserError(f"--landscape: no such file {str(path)!r}")
        name = "_toylands_user_" + path.stem
        mod_spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(mod_spec)
        sys.modules[name] = module
        try:
            mod_spec.loader.exec_module(module)
        except Exception as exc:
            sys.modules.pop(name, None)
            raise UserError(f"--landscape: importing {str(path)!r} failed: "
                            f"{type(exc).__name__}: {exc}") from None
    else:
        if "" not in sys.path and os.getcwd() not in sys.path:
            sys.path.insert(0, os.getcwd())
        try:
            module = importlib.import_module(target)
        except ImportError as exc:
            raise UserError(f"--landscape: cannot import module {target!r}: {exc}") from None
        except Exception as exc:
            raise UserError(f"--landscape: importing {target!r} failed: "
                            f"{type(exc).__name__}: {exc}") from None
    try:
        return getattr(module, attr)
    except AttributeError:
        raise UserError(f"--landscape: {target!r} has no attribute {attr!r}") from None


def load_landscape(spec: str, params=None):
    """The landscape that ``--landscape spec`` names (see the module docstring)."""
    obj = _import(spec)
    if not isinstance(obj, toylands.Landscape):
        if not callable(obj):
            raise UserError(f"--landscape: {spec!r} is a {type(obj).__name__}, not a landscape "
                            "or a function returning one")
        obj = obj(**(params or {}))
        if not isinstance(obj, toylands.Landscape):
            raise UserError(f"--landscape: {spec!r} returned a {type(obj).__name__}, not a "
                            "landscape")
    elif params:
        raise UserError("--set applies to registered names and to factory functions, not to a "
                        "ready landscape object")
    return obj


def landscape_from_args(args, *, seed_param: bool = False, params=None):
    """The landscape named on the command line (NAME or ``--landscape``); ``--seed`` is its seed
    when ``seed_param``."""
    params = parse_sets(getattr(args, "set", None)) if params is None else params
    spec = getattr(args, "landscape", None)
    name = getattr(args, "name", None)
    if spec and name:
        raise UserError("give a landscape NAME or --landscape MODULE:ATTR, not both")
    if not spec and not name:
        raise UserError("give a landscape NAME (see `toylands list`) or --landscape MODULE:ATTR")
    if seed_param and getattr(args, "seed", None) is not None:
        params["seed"] = args.seed
    if spec:
        return load_landscape(spec, params)
    return toylands.get(name, **params)
