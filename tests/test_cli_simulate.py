"""`toylands simulate` and `toylands check`: JSON keys, refusals, one-line errors."""

from __future__ import annotations

import json
import re

import pytest

from theory.cli import main

KEYS = ["theorem", "landscape", "optimizer", "alpha", "beta", "L", "gamma", "steps", "runs",
        "D0_sq", "sigma_int2", "sigma_pos2", "measured", "ci", "bound", "holds", "trivial_bound",
        "vacuous", "bound_over_trivial", "polyak_active_fraction", "hypotheses_ok", "reason",
        "verdict"]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_json_has_exactly_the_keys(capsys):
    code, out, _ = run(capsys, "check", "example6", "--theorem", "1", "--runs", "40",
                       "--steps", "80", "--json", "--quiet")
    assert code == 0
    res = json.loads(out)
    assert list(res) == KEYS
    assert res["hypotheses_ok"] and res["holds"] and res["ci"][1] <= res["bound"]
    assert res["ci"][0] <= res["measured"] <= res["ci"][1]
    # example6's bound is far above E[f(x⁰) − f*]: a confirmation of nothing, and said so
    assert res["vacuous"] and res["verdict"] == "holds (vacuous)"
    assert res["bound_over_trivial"] == pytest.approx(res["bound"] / res["trivial_bound"])
    assert res["polyak_active_fraction"] is None  # SGD has no Polyak step


def test_check_sps_max_reports_c_and_gamma_b(capsys):
    code, out, _ = run(capsys, "check", "example6", "--theorem", "2", "--runs", "40",
                       "--steps", "80", "--json")
    res = json.loads(out)
    want = list(KEYS)
    want[want.index("gamma")] = "c"
    want.insert(want.index("c") + 1, "gamma_b")
    assert code == 0 and list(res) == want and res["holds"]
    # the Polyak step binds: SPS_max is not SGD, and measures differently from Theorem 1
    assert res["polyak_active_fraction"] > 0.2
    assert res["gamma_b"] > 1 / (2 * res["c"] * res["L"])
    _, out1, _ = run(capsys, "check", "example6", "--theorem", "1", "--runs", "40",
                     "--steps", "80", "--json")
    assert json.loads(out1)["measured"] != res["measured"]


@pytest.mark.parametrize("name", ["example1", "example2", "example3", "example6",
                                  "least-squares"])
def test_check_ngn_runs_where_every_f_i_is_nonnegative(capsys, name):
    """Theorem 3 needs f_i >= 0 only (f_i* = 0 admitted): it runs, and the bound holds."""
    code, out, _ = run(capsys, "check", name, "--theorem", "3", "--runs", "40", "--steps",
                       "100", "--json", "--quiet")
    res = json.loads(out)
    assert code == 0 and res["hypotheses_ok"], res["reason"]
    assert res["holds"] and res["ci"][1] <= res["bound"]
    assert res["sigma_pos2"] == pytest.approx(0.0 if name != "example3" else 0.125)


def test_check_refuses_with_the_reason(capsys):
    code, out, _ = run(capsys, "check", "example6", "--theorem", "C1", "--alpha", "41.37",
                       "--beta", "40.87", "--json")
    res = json.loads(out)
    assert res["hypotheses_ok"] is False and "alpha >= beta + 1" in res["reason"]
    assert res["measured"] is None and res["bound"] is None
    assert res["verdict"].startswith("refused")
    code, out, _ = run(capsys, "check", "example6", "--theorem", "1", "--alpha", "41.37",
                       "--beta", "40.37", "--gamma", "5")
    assert "refused" in out and "gamma <=" in out


def test_check_human(capsys):
    code, out, _ = run(capsys, "check", "example1", "--theorem", "1", "--alpha", "10",
                       "--beta", "8", "--runs", "20", "--steps", "50")
    assert code == 0 and "Theorem 1" in out and "bound / trivial" in out
    assert "(10, 8)" in out and "{" not in out  # no dict reprs
    assert not re.search(r"\d\.\d{8,}", out), out  # no 16-digit floats
    code, out, _ = run(capsys, "check", "example2", "--theorem", "1", "--runs", "20",
                       "--steps", "30")
    alpha, beta = (float(v) for v in re.search(r"= \(([^,]+), ([^)]+)\)", out).groups())
    assert 1.0 < alpha - beta < 3.0 and alpha > 1e6  # α − β shows in the printed digits


def test_simulate_json_deterministic(capsys):
    argv = ["simulate", "example6", "--optimizer", "sps-max", "--c", "0.5", "--gamma-b", "0.5",
            "--runs", "20", "--steps", "30", "--seed", "7", "--json"]
    code, out1, _ = run(capsys, *argv)
    code2, out2, _ = run(capsys, *argv)
    a = json.loads(out1)
    assert code == 0 and code2 == 0 and out1 == out2 and a["params"]["c"] == 0.5  # byte-identical
    assert "seconds" not in a
    for key in ("D0_sq", "n_diverged", "ci", "gamma_range", "seed"):
        assert key in a


def test_simulate_human(capsys):
    code, out, err = run(capsys, "simulate", "example1", "--optimizer", "adagrad-norm-max",
                         "--runs", "5", "--steps", "10")
    assert code == 0 and "adagrad-norm-max" in out and "{" not in out
    assert not re.search(r"\d\.\d{8,}", out), out
    assert "run-steps/s" in err  # the time goes to stderr, never into the result


@pytest.mark.parametrize(
    "argv, msg",
    [
        (["check", "example6", "--theorem", "9"], "unknown theorem"),
        (["check", "example6", "--theorem", "1", "--alpha", "3"], "both --alpha and --beta"),
        (["simulate", "nope", "--optimizer", "sgd"], "unknown landscape"),
        (["simulate", "example6", "--optimizer", "sgd", "--gamma", "-1"], "positive"),
    ],
)
def test_user_errors_are_one_line(capsys, argv, msg):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert msg in err and err.count("\n") == 1


def test_unknown_optimizer_is_an_argparse_error(capsys):
    with pytest.raises(SystemExit) as info:
        main(["simulate", "example6", "--optimizer", "adam"])
    assert info.value.code == 2
