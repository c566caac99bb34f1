"""``toylands pep`` and the report's ``pep`` section (with and without the pep extra)."""

from __future__ import annotations

import json

import pytest

from theory import cli
from theory import report as R

ISSUE = ["pep", "--theorem", "1", "--alpha", "2", "--beta", "1", "--L", "1", "--gamma", "0.5",
         "--d0sq", "1", "--sigma2", "0.1"]


def _json(capsys, argv, rc=0):
    assert cli.main(argv) == rc
    return capsys.readouterr().out


def test_one_step_gives_half(capsys):
    pytest.importorskip("PEPit", reason="the pep extra is not installed")
    raw = _json(capsys, ISSUE + ["--steps", "1", "--json"])
    out = json.loads(raw)
    assert {"worst_case", "theorem_bound", "solver", "status"} <= set(out)
    assert out["worst_case"] == pytest.approx(0.5, rel=1e-6)
    assert out["theorem_bound"] == pytest.approx(2.3, rel=1e-12)
    assert out["status"] == "optimal" and out["solver"] == "clarabel" and out["ok"]
    assert "seconds" not in raw and "accuracy" not in raw
    # the same input gives byte-identical JSON
    assert _json(capsys, ISSUE + ["--steps", "1", "--json"]) == raw


def test_two_steps_strictly_below_theorem1_and_timings_on_request(capsys):
    pytest.importorskip("PEPit", reason="the pep extra is not installed")
    out = json.loads(_json(capsys, ISSUE + ["--steps", "2", "--json", "--timings"]))
    assert out["worst_case"] < out["theorem_bound"] and out["below_bound"] is True
    assert out["seconds"] > 0 and abs(out["accuracy"]["gap"]) < 1e-6


def test_potential_method_reports_the_constants(capsys):
    pytest.importorskip("PEPit", reason="the pep extra is not installed")
    out = json.loads(_json(capsys, ISSUE + ["--steps", "100", "--method", "potential",
                                            "--json"]))
    assert out["potential"]["a"] == pytest.approx(0.5, rel=1e-5)
    assert out["potential"]["b"] == pytest.approx(1.5, rel=1e-5)
    assert out["worst_case"] == pytest.approx(out["theorem_bound"], rel=1e-5)
    human = _json(capsys, ISSUE + ["--steps", "100", "--method", "potential"])
    assert "potential constants" in human and "theorem's bound" in human


@pytest.mark.parametrize("extra, word", [
    (["--steps", "1", "--alpha", "1"], "alpha"),
    (["--steps", "9"], "tractable"),
    (["--steps", "0"], "steps"),
    (["--steps", "1", "--L", "-1"], "L must be > 0"),
    (["--steps", "1", "--d0sq", "nan"], "D0_sq must be finite"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, extra, word):
    pytest.importorskip("PEPit", reason="the pep extra is not installed")
    argv = list(ISSUE)
    for i in range(0, len(extra), 2):  # later flags win in argparse
        argv += extra[i:i + 2]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert word in err and err.count("\n") == 1 and "Traceback" not in err


def test_without_the_extra_the_command_says_so(capsys, monkeypatch):
    from theory.pep import _backend

    monkeypatch.setattr(_backend, "available", lambda: False)
    assert cli.main(ISSUE + ["--steps", "1"]) == 2
    assert "pip install 'toylands[pep]'" in capsys.readouterr().err


def _cfg(**kw):
    return R.Config.tiny(**{"landscapes": ("example1",), "workers": 1, "figures": False, **kw})


def test_report_section_without_the_extra_is_skipped(tmp_path, monkeypatch):
    from theory.pep import _backend

    monkeypatch.setattr(_backend, "available", lambda: False)
    res = R.build_report(tmp_path / "r", _cfg(sections=("pep",)), quiet=True, strict=True)
    assert res["sections"]["pep"] == "skipped"
    index = (tmp_path / "r" / "index.md").read_text()
    assert "Not computed in this run" in index and "toylands[pep]" in index


@pytest.mark.parametrize("theorems", [
    ("1",),
    pytest.param(("1", "3"), marks=pytest.mark.slow),  # SGD and one adaptive method
])
def test_report_section_shows_the_triangle(tmp_path, monkeypatch, theorems):
    pytest.importorskip("PEPit", reason="the pep extra is not installed")
    from theory.report import _sec_pep

    monkeypatch.setattr(_sec_pep, "THEOREMS", theorems)
    res = R.build_report(tmp_path / "r", _cfg(sections=("pep",)), quiet=True, strict=True)
    assert res["sections"]["pep"] == "ok"
    out = json.loads((tmp_path / "r" / "results.json").read_text())
    claims = {c["id"]: c["verdict"] for c in out["claims"]}
    assert claims == {f"pep-theorem{t}": R.CONFIRMED for t in theorems}
    sec = out["sections"]["pep"]
    for t in theorems:
        cv = sec["theorems"][t]["curves"]["example1"]
        for m, e, p, b in zip(cv["measured"], cv["exact"], cv["potential"], cv["bound"]):
            assert m <= p <= b * (1 + 1e-6)
            if e is not None:
                assert m <= e <= b
    index = (tmp_path / "r" / "index.md").read_text()
    assert index.count("What the gap says about the proof") == len(theorems)
    assert "seconds" not in (tmp_path / "r" / "results.json").read_text()
