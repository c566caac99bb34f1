"""The ``toylands`` command (also ``python -m theory``).

Every subcommand takes ``--json`` and then prints exactly one JSON object on stdout. Each
subcommand lives in its own module ``theory.cli.<name>`` exposing ``add_parser(subparsers)``; the
parser it adds sets ``func(args) -> dict`` (the JSON object) and ``human(result) -> str``.
Errors a user can cause (unknown names, bad parameters) print one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys

from .common import UserError

__all__ = ["main", "build_parser", "UserError"]

# The subcommand modules, in the order of ``toylands --help``.
_COMMANDS = [
    "theory.cli.landscapes",
    "theory.cli.report",
    "theory.cli.certify",
    "theory.cli.simulate",
    "theory.cli.conditions",
    "theory.cli.experiment",
    "theory.cli.pep",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="toylands", description="Toy loss landscapes with exact ground truth."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for mod in _COMMANDS:
        importlib.import_module(mod).add_parser(sub)
    return parser


def _dumps(obj) -> str:
    return json.dumps(obj, allow_nan=False, default=_default)


def _default(o):
    import numpy as np

    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, np.generic):
        return o.item()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result = args.func(args)
    except (UserError, ValueError, TypeError) as exc:
        print(f"toylands {args.command}: error: {exc}", file=sys.stderr)
        return 2
    if getattr(args, "json", False):
        print(_dumps(result))
    else:
        print(args.human(result))
    return 0 if result.get("ok", True) else 1
