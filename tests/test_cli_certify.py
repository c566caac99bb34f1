"""`toylands certify` and `toylands region` (README "Command line")."""

from __future__ import annotations

import json

import pytest

from theory.cli import main


def _run(capsys, *argv):
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def test_region_example6_prints_the_frontier(capsys):
    rc, out, err = _run(capsys, "region", "example6", "--box", "-20", "20", "--json", "--budget",
                        "3000")
    assert rc == 0
    res = json.loads(out)
    assert {"alpha_min", "frontier", "paper_claim", "vertices", "best_pairs"} <= set(res)
    fr = res["frontier"]
    a0 = res["alpha_min"]
    # from alpha_min to twice the paper's α (41.37), and at least 10 alpha_min; the asymptote
    assert fr[0][0] == pytest.approx(a0) and fr[-1][0] >= max(10 * a0, 2 * 41.36)
    assert all(b < a or abs(a - a0) < 1e-12 for a, b in fr)
    assert res["asymptote"] is not None and len(res["asymptote"]) == 2
    assert res["paper_claim_inside"] is True
    assert res["kind"].startswith("sampled region (an outer bound")
    # best pairs come from the certified side, with verdict and method
    assert set(res["best_pairs"]) == {"1", "3", "7"}
    for bp in res["best_pairs"].values():
        assert bp["verdict"] == "proved" and bp["method"] == "interval"
        assert bp["domain"] == {"lo": [-20.0, -20.0], "hi": [20.0, 20.0]}
    assert res["certified_frontier"] is None  # only with --certify
    assert "region example6" in err  # progress on stderr


def test_region_certify_adds_the_bracket(capsys):
    rc, out, _ = _run(capsys, "region", "example1", "--json", "--budget", "2000", "--certify",
                      "--alphas", "3", "--quiet")
    assert rc == 0
    res = json.loads(out)
    rows = res["certified_frontier"]
    assert len(rows) == 4  # three α and the paper's (2.5)
    for a, lo, hi, verdict in rows:
        assert verdict == "proved" and lo <= hi < a
    assert max(r[0] for r in rows) >= 2 * 2.5
    assert res["certified_frontier_info"]["method"] == "interval"
    assert all(bp["verdict"] == "proved" for bp in res["best_pairs"].values())


def test_region_help_says_how_long_it_takes(capsys):
    with pytest.raises(SystemExit):
        main(["region", "--help"])
    out = capsys.readouterr().out
    assert "--certify" in out and "minutes" in out and "outer bound" in out


def test_region_quiet_and_human(capsys):
    rc, out, err = _run(capsys, "region", "example1", "--budget", "2000", "--quiet")
    assert rc == 0 and err == ""
    assert "alpha_min" in out and "frontier" in out
    assert "[proved, interval]" in out and "lower bound" in out


def test_certify_json_keys_and_refutation(capsys):
    rc, out, _ = _run(capsys, "certify", "example6", "--alpha", "5", "--beta", "4",
                      "--method", "sample", "--box", "-20", "20", "--json", "--budget", "2000")
    assert rc == 0
    res = json.loads(out)
    assert {"verdict", "min_slack", "worst_point", "method", "domain"} <= set(res)
    assert res["verdict"] == "refuted" and res["method"] == "sample"
    assert res["domain"] == {"lo": [-20.0, -20.0], "hi": [20.0, 20.0]}


def test_certify_default_method_human(capsys):
    rc, out, _ = _run(capsys, "certify", "example1", "--alpha", "2.5", "--beta", "2",
                      "--quiet")
    assert rc == 0 and "verdict" in out


@pytest.mark.parametrize(
    "argv, match",
    [
        (["certify", "example6", "--alpha", "1", "--beta", "2"], "alpha > beta"),
        (["certify", "example6", "--alpha", "2", "--beta", "-1"], "beta must be >= 0"),
        (["certify", "example6", "--alpha", "nan", "--beta", "0"], "finite"),
        (["certify", "example6", "--alpha", "2", "--beta", "1", "--box", "3", "-3"], "inverted"),
        (["certify", "nope", "--alpha", "2", "--beta", "1"], "unknown landscape"),
        (["certify", "matrix-factorization", "--alpha", "2", "--beta", "1", "--method",
          "interval"], "does not apply"),
        (["region", "example6", "--box", "1", "1"], "empty"),
    ],
)
def test_bad_input_exits_nonzero_with_one_line(capsys, argv, match):
    rc, out, err = _run(capsys, *argv)
    assert rc != 0 and out == ""
    lines = [ln for ln in err.splitlines() if "error" in ln]
    assert len(lines) == 1 and match in lines[0]


def test_unknown_method_is_rejected_by_the_parser(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["certify", "example6", "--alpha", "2", "--beta", "1", "--method", "magic"])
    assert exc.value.code != 0


def test_human_output_names_a_non_cube_box_per_axis():
    from theory.cli.certify import _box_text

    assert _box_text({"lo": [-1.0, -1.0], "hi": [1.0, 1.0]}) == "[-1, 1]^2"
    assert _box_text({"lo": [-1.0, 0.0], "hi": [1.0, 2.0]}) == "[-1, 1] × [0, 2]"
