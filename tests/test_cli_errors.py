"""The command line as a user's shell sees it (a real process): every mistake is one line on
stderr with exit status 2, results with NaN/inf are strict JSON, a closed pipe and Ctrl-C end
quietly, and the JSON of a seed is byte-identical."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

TIMEOUT = 120


def toylands(*argv, **kw):
    proc = subprocess.run([sys.executable, "-m", "theory", *argv], capture_output=True,
                          text=True, timeout=TIMEOUT, **kw)
    return proc.returncode, proc.stdout, proc.stderr


def _strict_json(text):
    def bad(token):
        raise AssertionError(f"non-standard JSON constant {token}")

    assert text.count("\n") == 1, text
    return json.loads(text, parse_constant=bad)


# (argv, the message's key words): every one a mistake of the user -> one line, exit 2
MISTAKES = [
    (["report", "--out", "/dev/null/x", "--quick", "--no-figures"], "not a folder"),
    (["simulate", "example6", "--optimizer", "sgd", "--runs", "100000000000", "--steps", "1"],
     "memory"),
    (["simulate", "example6", "--optimizer", "sgd", "--runs", "2", "--steps", "10000000000000"],
     "steps"),
    (["show", "least-squares", "--set", "noise=1e200", "--json"], "noise"),
    (["show", "remark1-valley", "--set", "n=10000"], "limit"),
    (["show", "remark1-valley", "--set", "d=100000"], "limit"),
    (["show", "least-squares", "--set", "n=1000000", "--set", "d=100000"], "limit"),
    (["show", "remark1-bumps", "--set", "n=200", "--set", "d=20"], "limit"),
    (["show", "two-layer-relu", "--set", "X=[[5e-324, 1.0], [1.0, 2.0]]",
      "--set", "y=[1.0, -1.0]"], "X must have entries"),
    (["show", "example1", "--set", "n=" + "1" + "0" * 400], "unknown parameter"),
    (["show", "remark1-valley", "--set", "n=" + "1" + "0" * 400], "n must be"),
    (["show"], "NAME"),
    (["show", "example1", "--bogus"], "unrecognized"),
    (["certify", "example6", "--alpha", "x", "--beta", "1"], "invalid float"),
    (["certify", "example6", "--beta", "1"], "--alpha"),
    (["certify", "example6", "--alpha", "1.7e308", "--beta", "1e400"], "beta"),
    (["simulate", "example6", "--optimizer", "adam"], "invalid choice"),
    (["nope"], "invalid choice"),
    ([], "required"),
]


def in_process(capsys, argv):
    from theory.cli import main

    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse's exits
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("argv, words", MISTAKES, ids=[" ".join(a)[:60] for a, _ in MISTAKES])
def test_a_mistake_is_one_line_and_exit_2(capsys, argv, words):
    code, out, err = in_process(capsys, argv)
    assert code == 2, (code, err)
    assert out == "" and "Traceback" not in err
    assert err.count("\n") == 1 and err.startswith("toylands"), err
    assert words in err, err


# A few of them as real processes: what the shell sees, interpreter shutdown included.
@pytest.mark.parametrize("argv, words", [MISTAKES[0], MISTAKES[1], MISTAKES[12]],
                         ids=["unwritable out", "runs beyond memory", "unknown option"])
def test_a_mistake_in_a_real_process(argv, words):
    code, out, err = toylands(*argv)
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.count("\n") == 1 and words in err, err


def test_figures_into_a_regular_file_is_a_mistake(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, out, err = toylands("figures", "--out", str(blocker), "--smoke", "--quiet")
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err


def test_diverged_runs_give_strict_json_and_a_readable_human_output():
    argv = ["simulate", "example6", "--optimizer", "sgd", "--gamma", "1e15", "--runs", "5",
            "--steps", "10", "--quiet"]
    code, out, err = toylands(*argv, "--json")
    assert code == 0 and err == "", err
    res = _strict_json(out)
    assert res["n_diverged"] == 5
    # step 0 is finite, so the measured minimum is too (only later steps have no live run)
    assert res["measured"] is not None and res["min_gap_mean"] is not None
    for pointer, kind in res.get("non_finite", {}).items():
        assert kind in ("nan", "inf", "-inf") and pointer.startswith("/")
    code, out, err = toylands(*argv)
    assert code == 0 and "Traceback" not in err and "diverged 5" in out


def test_a_closed_pipe_ends_quietly():
    proc = subprocess.Popen([sys.executable, "-m", "theory", "list"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, bufsize=0)
    proc.stdout.read(10)  # like `| head -c 10`: read a little, then close the pipe
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=TIMEOUT)
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert proc.returncode == 0


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_ctrl_c_is_one_line_without_traceback():
    argv = ["simulate", "example6", "--optimizer", "sgd", "--runs", "2000", "--steps", "200000"]
    proc = subprocess.Popen([sys.executable, "-m", "theory", *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    first = proc.stderr.readline()  # the first progress line: the simulation is running
    assert first.startswith("simulate sgd on example6"), first
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group
    out, err = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and out == ""
    assert err.strip().splitlines()[-1] == "toylands simulate: error: interrupted"


def test_the_json_of_a_seed_is_byte_identical():
    # main's theorem-checks work took simulate's wall-clock 'seconds' out of the JSON
    argv = ["simulate", "example6", "--optimizer", "sgd", "--runs", "50", "--steps", "200",
            "--seed", "3", "--json", "--quiet"]
    first, second = toylands(*argv), toylands(*argv)
    assert first[0] == 0 and first == second
