r"""The ``toylands`` command (also ``python -m theory``).

Every subcommand takes ``--json`` and then prints exactly one JSON object on stdout. Each
subcommand lives in its own module ``theory.cli.<name>`` exposing ``add_parser(subparsers)``; the
parser it adds sets ``func(args) -> dict`` (the result) and ``human(result) -> str``.

Exit status and error output (the same for every subcommand):

- 0: done; 1: done, and the result says ``"ok": false`` (e.g. a bound exceeded);
- 2: a mistake of the user (a bad or missing option, an unknown name, a value out of range, an
  unwritable path, a size that would not fit in memory): **one line** on stderr,
  ``toylands <command>: error: <what is wrong>``, and nothing on stdout;
- 3: an internal error (a bug): one line on stderr naming the exception and where it was raised
  (``TOYLANDS_TRACEBACK=1`` prints the whole traceback instead); please report it;
- 130: interrupted (Ctrl-C): one line on stderr, no traceback.

A closed stdout (``toylands list | head -1``) ends the command quietly with status 0.

JSON has no NaN or infinity. A non-finite number in a result (a diverged run's mean, an empty
region's ``+inf``) is written as ``null``, and the result then carries a top-level key
``"non_finite"`` mapping the JSON pointer of every such value to ``"nan"``, ``"inf"`` or
``"-inf"``, e.g. ``{"measured": null, ..., "non_finite": {"/measured": "inf"}}``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import sys

from .common import UserError

__all__ = ["main", "build_parser", "UserError", "to_json"]

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

# Exit statuses (module docstring).
EXIT_OK, EXIT_NOT_OK, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error: ``toylands show: error: ... (see toylands show --help)``.

    argparse's own ``error`` prints the whole usage block first; a usage mistake should read like
    every other mistake of the command line (one line, exit status 2).
    """

    def error(self, message):
        msg = " ".join(str(message).split())
        self.exit(EXIT_USAGE, f"{self.prog}: error: {msg} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="toylands", description="Toy loss landscapes with exact ground truth.")
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )
    for mod in _COMMANDS:
        importlib.import_module(mod).add_parser(sub)
    return parser


# ---- JSON ---------------------------------------------------------------------------------------
def _plain(obj, path: str, bad: dict):
    """Plain JSON data; non-finite floats become None and are recorded in ``bad`` by path."""
    import numpy as np

    if isinstance(obj, dict):
        return {str(k): _plain(v, f"{path}/{_escape(k)}", bad) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v, f"{path}/{j}", bad) for j, v in enumerate(obj)]
    if isinstance(obj, np.ndarray):
        return _plain(obj.tolist(), path, bad)
    if isinstance(obj, np.generic):
        return _plain(obj.item(), path, bad)
    if isinstance(obj, float):
        if math.isfinite(obj):
            return obj
        bad[path or "/"] = "nan" if math.isnan(obj) else ("inf" if obj > 0 else "-inf")
        return None
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj
    if hasattr(obj, "to_json"):
        return _plain(obj.to_json(), path, bad)
    raise TypeError(f"not JSON serialisable: {type(obj).__name__} at {path or '/'}")


def _escape(key) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")  # JSON pointer (RFC 6901)


def to_json(result) -> str:
    """The one JSON line of ``--json``: strict JSON, non-finite values as described above."""
    bad: dict = {}
    out = _plain(result, "", bad)
    if bad:
        if not isinstance(out, dict):
            out = {"result": out}
            bad = {"/result" + k: v for k, v in bad.items()}
        out["non_finite"] = bad
    return json.dumps(out, allow_nan=False)


# ---- running a command --------------------------------------------------------------------------
def _fail(command: str, message: str, status: int) -> int:
    msg = " ".join(str(message).split()) or "(no message)"
    prog = f"toylands {command}" if command else "toylands"
    print(f"{prog}: error: {msg}", file=sys.stderr, flush=True)
    return status


def _os_message(exc: OSError) -> str:
    what = exc.strerror or str(exc)
    where = "" if exc.filename is None else str(exc.filename)
    return f"{what}: {where}" if where and where not in what else what


def _internal(command: str, exc: BaseException) -> int:
    if os.environ.get("TOYLANDS_TRACEBACK"):
        import traceback

        traceback.print_exception(exc)
        return EXIT_INTERNAL
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    where = f" at {tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}" if tb is not None else ""
    return _fail(
        command,
        f"internal error {type(exc).__name__}: {exc}{where}; please report it "
        "(TOYLANDS_TRACEBACK=1 shows the traceback)",
        EXIT_INTERNAL,
    )


def _quiet_stdout() -> None:
    """After a broken pipe: point stdout at /dev/null so that the interpreter's final flush
    does not raise again (the recipe of the Python documentation, "Note on SIGPIPE")."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv=None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); return the exit status.

    A usage mistake caught by the parser raises ``SystemExit(2)`` after its one line (as
    argparse does); everything else returns the status of the module docstring.
    """
    try:
        return _main(argv)
    except KeyboardInterrupt:  # while parsing or importing, before a command runs
        return _fail("", "interrupted", EXIT_INTERRUPTED)


def _main(argv) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command = args.command
    try:
        result = args.func(args)
    except KeyboardInterrupt:
        return _fail(command, "interrupted", EXIT_INTERRUPTED)
    except (UserError, ValueError, TypeError) as exc:
        return _fail(command, exc, EXIT_USAGE)
    except MemoryError as exc:
        detail = f" ({exc})" if str(exc) else ""
        return _fail(command, f"out of memory{detail}; ask for smaller sizes", EXIT_USAGE)
    except BrokenPipeError:  # progress written to a closed stderr
        return EXIT_OK
    except OSError as exc:
        return _fail(command, _os_message(exc), EXIT_USAGE)
    except Exception as exc:  # a bug: one line (exit 3), never a bare traceback
        return _internal(command, exc)
    try:
        text = to_json(result) if getattr(args, "json", False) else args.human(result)
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_OK
    except KeyboardInterrupt:
        return _fail(command, "interrupted", EXIT_INTERRUPTED)
    except Exception as exc:  # formatting a result never fails on good data: a bug
        return _internal(command, exc)
    return EXIT_OK if not isinstance(result, dict) or result.get("ok", True) else EXIT_NOT_OK
