"""What every subcommand shares: the user-error type and the landscape arguments."""

from __future__ import annotations

import ast

import toylands

__all__ = ["UserError", "parse_sets", "add_common", "add_landscape_args", "landscape_from_args"]


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


def add_landscape_args(p):
    p.add_argument("name", help="landscape name (see `toylands list`)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="landscape parameter")
    p.add_argument("--seed", type=int, help="shortcut for --set seed=SEED")
    add_common(p)


def landscape_from_args(args, *, seed_param: bool = False):
    """The landscape named on the command line; ``--seed`` is its seed when ``seed_param``."""
    params = parse_sets(args.set)
    if seed_param and getattr(args, "seed", None) is not None:
        params["seed"] = args.seed
    return toylands.get(args.name, **params)
