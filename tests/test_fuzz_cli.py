"""Fuzz every subcommand of ``toylands`` with generated command lines (in this process, each
under a time limit; tests/test_cli_errors.py runs real processes).

The options of each subcommand are read from its parser, so a new option is fuzzed at once.
Values are hostile strings ("nan", "1e400", a 401-digit integer, "-1", "", ...) or small
sensible ones; ``--set`` gets the landscape's own parameter names with hostile literals.
Contract: exit status 0, 1 or 2; no traceback; on status 2 nothing on stdout and exactly one
line on stderr; on 0/1 with ``--json`` one line of strict JSON (no NaN/Infinity tokens).

Cost control (documented, so that a case is seconds, not minutes): ``--quiet`` is always
passed; ``--runs``, ``--steps``, ``--budget`` and ``--points`` get small values unless the case
fuzzes them; ``report`` and ``figures`` always get an ``--out`` that cannot be written, and
``experiment`` only names that are not experiments (their successful runs take minutes and are
tested in tests/test_report*.py and tests/test_experiments.py).
"""

from __future__ import annotations

import contextlib
import io
import json
from collections import Counter

import fuzzing as F
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from theory.cli import build_parser, main

QUICK_EXAMPLES = 6
SLOW_EXAMPLES = 60
TRIED: Counter = Counter()

HOSTILE = ["0", "-1", "1", "2", "0.5", "1e-12", "5e-324", "1e308", "-1e308", "1e400", "-1e400",
           "nan", "inf", "-inf", "1" + "0" * 400, "1e15", "abc", "", "0x10", "1_000", "3.7", "-0"]
LITERALS = ["0", "-1", "1", "2", "3", "1e400", "1" + "0" * 400, "nan", "'x'", "[1, 2]", "None",
            "True", "1e200", "1e-320", "10**400", "100000", "0.5", "-0.5", "[[1.0]]", "{}"]
# The quick sample uses the landscapes that build in well under a second; the slow run all of
# them, built once beforehand (their ground truth is cached) so that a call's time is its own.
NAMES_QUICK = ["example1", "example6", "remark1-valley", "least-squares", "matrix-factorization",
               "nope", ""]
NAMES = NAMES_QUICK + ["example2", "example3", "example3-printed", "remark1-bumps",
                       "two-layer-relu", "half-space"]
SMALL = {"--runs": "3", "--steps": "5", "--budget": "200", "--points": "200"}


def _actions():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return {name: p._actions for name, p in sub.choices.items()}


ACTIONS = _actions()
COMMANDS = sorted(ACTIONS)


def _params_of(name):
    from toylands import _registry

    entry = {e.name: e for e in _registry.entries()}.get(name)
    return list(entry.parameters) if entry is not None else ["n", "seed"]


@st.composite
def command_lines(draw, command, names=tuple(NAMES)):
    argv = [command]
    actions = ACTIONS[command]
    positional = [a for a in actions if not a.option_strings]
    optional = [a for a in actions if a.option_strings and a.dest != "help"]
    name = None
    for _a in positional:
        if draw(st.integers(0, 19)) == 0:  # sometimes leave it out
            continue
        name = draw(st.sampled_from(names))
        argv.append(name)
    for a in optional:
        flag = a.option_strings[-1]
        if flag in ("--quiet", "--out", "--json"):
            continue
        if flag == "--certify" and name not in ("example1", "example6"):
            # a certified bracket is minutes of work by design on the 16- to 22-dimensional
            # landscapes (region --help says so): beyond a fuzz call's time limit, not a hang
            continue
        if not draw(st.booleans()):
            continue
        if a.nargs == 0:  # store_true
            argv.append(flag)
        elif flag == "--set":
            for _ in range(draw(st.integers(1, 3))):
                key = draw(st.sampled_from(_params_of(name) + ["bogus", ""]))
                argv += ["--set", f"{key}={draw(st.sampled_from(LITERALS))}"]
        else:
            count = a.nargs if isinstance(a.nargs, int) else 1
            pool = list(a.choices) + ["magic"] if a.choices else HOSTILE
            if flag in SMALL and draw(st.booleans()):
                pool = [SMALL[flag]]
            argv.append(flag)
            argv += [draw(st.sampled_from(pool)) for _ in range(count)]
    for flag, value in SMALL.items():
        if any(flag in a.option_strings for a in optional) and flag not in argv:
            argv += [flag, value]
    if any("--quiet" in a.option_strings for a in optional):
        argv.append("--quiet")
    if draw(st.booleans()) and any("--json" in a.option_strings for a in optional):
        argv.append("--json")
    if command in ("report", "figures"):
        argv += ["--out", draw(st.sampled_from(["/dev/null/R", "/proc/version/R"]))]
    if draw(st.integers(0, 9)) == 0:
        argv.append(draw(st.sampled_from(["--bogus", "extra", "--set"])))
    return argv


def run_cli(argv):
    """``(status, stdout, stderr)`` of ``main(argv)`` under the time limit."""
    out, err = io.StringIO(), io.StringIO()

    def call():
        try:
            return main(argv)
        except SystemExit as exc:  # argparse's exits
            return exc.code if isinstance(exc.code, int) else 2

    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        outcome = F.run_with_timeout(call, F.CLI_TIME_LIMIT)
    if outcome.error is not None:
        raise AssertionError(f"toylands {' '.join(argv)}: raised "
                             f"{type(outcome.error).__name__}: {outcome.error}")
    return outcome.value, out.getvalue(), err.getvalue()


def _strict(token):
    raise ValueError(f"non-standard JSON token {token}")


def judge(argv, code, out, err):
    if code not in (0, 1, 2):
        return f"exit status {code}: {err.strip()[-300:]}"
    if "Traceback" in err:
        return f"traceback on stderr: {err[-500:]}"
    if code == 2:
        if out:
            return f"output on stdout with exit 2: {out[:200]!r}"
        if err.count("\n") != 1 or not err.startswith("toylands"):
            return f"error is not one line: {err!r}"
        return None
    if "--json" in argv and "--help" not in argv:
        if out.count("\n") != 1:
            return f"--json printed {out.count(chr(10))} lines"
        try:
            json.loads(out, parse_constant=_strict)
        except ValueError as exc:
            return f"not strict JSON: {exc}: {out[:200]!r}"
    elif not out.strip():
        return "nothing printed"
    return None


def _fuzz(command, examples, names):
    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(argv=command_lines(command, tuple(names)))
    def run(argv):
        TRIED[command] += 1
        code, out, err = run_cli(argv)
        problem = judge(argv, code, out, err)
        assert problem is None, f"toylands {' '.join(argv)}: {problem}"

    run()


@pytest.fixture(scope="module")
def built():
    """Every built-in landscape at its defaults, built once (untimed)."""
    import toylands

    for name in toylands.names():
        toylands.get(name)


@pytest.mark.parametrize("command", COMMANDS)
def test_fuzz_cli_quick(command):
    _fuzz(command, QUICK_EXAMPLES, NAMES_QUICK)


@pytest.mark.slow
@pytest.mark.parametrize("command", COMMANDS)
def test_fuzz_cli_slow(command, built):
    _fuzz(command, SLOW_EXAMPLES, NAMES)


def test_every_subcommand_is_fuzzed():
    assert set(COMMANDS) >= {"list", "show", "certify", "region", "simulate", "check", "report",
                             "figures", "conditions", "experiment", "pep"}
    from theory.studies.experiments import EXPERIMENTS

    assert not set(EXPERIMENTS) & set(NAMES)  # no valid experiment is run (minutes each)
