"""`toylands simulate` and `toylands check`: JSON keys, refusals, one-line errors."""

from __future__ import annotations

import json

import pytest

from theory.cli import main

KEYS = ["theorem", "landscape", "optimizer", "alpha", "beta", "L", "gamma", "steps", "runs",
        "D0_sq", "sigma_int2", "sigma_pos2", "measured", "ci", "bound", "holds",
        "hypotheses_ok", "hypotheses", "reason", "pair_verdict", "pair_method", "pair_domain",
        "pair_source"]


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
    assert res["hypotheses_ok"] and res["holds"] and res["measured"] <= res["bound"]
    # the default pair comes from the certified side, with its verdict and method
    assert res["pair_verdict"] == "proved" and res["pair_method"] == "interval"
    assert res["ci"][0] <= res["measured"] <= res["ci"][1]


def test_check_sps_max_reports_c_and_gamma_b(capsys):
    code, out, _ = run(capsys, "check", "example6", "--theorem", "2", "--runs", "40",
                       "--steps", "80", "--json")
    res = json.loads(out)
    want = list(KEYS)
    want[want.index("gamma")] = "c"
    want.insert(want.index("c") + 1, "gamma_b")
    assert code == 0 and list(res) == want and res["holds"]


def test_check_refuses_with_the_reason(capsys):
    code, out, _ = run(capsys, "check", "example6", "--theorem", "3", "--json")
    res = json.loads(out)
    assert res["hypotheses_ok"] is False and "positive" in res["reason"]
    assert res["measured"] is None and res["bound"] is None
    code, out, _ = run(capsys, "check", "example6", "--theorem", "1", "--alpha", "41.37",
                       "--beta", "40.37", "--gamma", "5")
    assert "refused" in out and "gamma <=" in out


def test_check_human(capsys):
    code, out, _ = run(capsys, "check", "example1", "--theorem", "1", "--alpha", "10",
                       "--beta", "8", "--runs", "20", "--steps", "50")
    assert code == 0 and "Theorem 1" in out and "bound" in out


def test_simulate_json_deterministic(capsys):
    argv = ["simulate", "example6", "--optimizer", "sps-max", "--c", "0.5", "--gamma-b", "0.5",
            "--runs", "20", "--steps", "30", "--seed", "7", "--json"]
    code, out1, _ = run(capsys, *argv)
    code2, out2, _ = run(capsys, *argv)
    a, b = json.loads(out1), json.loads(out2)
    assert code == 0 and a["measured"] == b["measured"] and a["params"]["c"] == 0.5
    for key in ("D0_sq", "n_diverged", "ci", "gamma_range", "seed"):
        assert key in a


def test_simulate_human(capsys):
    code, out, _ = run(capsys, "simulate", "example1", "--optimizer", "adagrad-norm-max",
                       "--runs", "5", "--steps", "10")
    assert code == 0 and "adagrad-norm-max" in out


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
