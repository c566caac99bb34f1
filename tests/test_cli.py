"""`toylands list` and `toylands show`: JSON shape, human output, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import toylands
from theory.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_json_lists_every_landscape(capsys):
    code, out, _ = run(capsys, "list", "--json")
    assert code == 0
    rows = json.loads(out)["landscapes"]
    assert [r["name"] for r in rows] == toylands.names()
    assert set(rows[0]) == {"name", "dim", "n", "summary"}


def test_show_json_has_the_design_keys(capsys):
    code, out, _ = run(capsys, "show", "example1", "--json")
    assert code == 0
    res = json.loads(out)
    for key in ("name", "dim", "n", "f_star", "f_i_star", "sigma_int2", "L", "minimizers"):
        assert key in res
    assert res["f_star"] == 0.2 and res["minimizers"]["kind"] == "affine"


def test_show_human_and_set(capsys):
    code, out, _ = run(capsys, "show", "remark1-valley", "--set", "n=3", "--set", "d=2")
    assert code == 0 and "remark1-valley" in out and "f*" in out
    code, out, _ = run(capsys, "show", "remark1-valley", "--seed", "4", "--json")
    assert json.loads(out)["params"]["seed"] == 4


@pytest.mark.parametrize(
    "argv, msg",
    [
        (["show", "nope"], "unknown landscape"),
        (["show", "example1", "--set", "foo=1"], "unknown parameter"),
        (["show", "remark1-valley", "--set", "n=0"], "n must be"),
        (["show", "remark1-valley", "--set", "n"], "key=value"),
    ],
)
def test_user_errors_are_one_line(capsys, argv, msg):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert msg in err and err.count("\n") == 1 and "Traceback" not in err


def test_console_entry_point_runs():
    proc = subprocess.run(
        [sys.executable, "-m", "theory", "show", "nope"], capture_output=True, text=True
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
