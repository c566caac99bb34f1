"""Every snippet of the README's "Your own landscape" section runs, and says what it claims.

The python blocks run in order in one namespace (in a temporary folder); the shell block runs
each ``toylands`` line through the CLI against a module holding the section's landscape.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

from theory.cli import main  # noqa: E402

README = Path(__file__).resolve().parents[1] / "README.md"


def _section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end >= 0 else None]


def _blocks(section: str, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", section, flags=re.S)


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    import os

    d = tmp_path_factory.mktemp("readme")
    blocks = _blocks(_section("Your own landscape"), "python")
    assert len(blocks) >= 6
    ns: dict = {}
    old = os.getcwd()
    os.chdir(d)
    try:
        for code in blocks:
            exec(compile(code, str(README), "exec"), ns)  # noqa: S102
    finally:
        os.chdir(old)
    return ns, d, blocks


def test_the_landscape_is_solved_exactly(ran):
    ns, _, _ = ran
    f = ns["f"]
    assert f.minimizers.points.tolist() == [[4 / 3, -2 / 3]] and f.f_star == pytest.approx(0.1)
    assert f.smoothness().certified and 4.0 <= f.smoothness().L <= 4.1


def test_validate_passes_and_catches_the_wrong_gradient(ran):
    ns, _, _ = ran
    assert "gradient" in ns["report"].checks
    assert ns["mistake"][0] == "gradient"


def test_certify_proves_a_true_pair_and_refutes_a_false_one(ran):
    ns, _, _ = ran
    assert ns["proof"].verdict == "proved" and ns["proof"].method == "interval"
    assert ns["counter"].verdict == "refuted" and ns["counter"].worst_point is not None
    assert ns["region"].alpha_min == pytest.approx(0.527, abs=0.01)


def test_conditions_check_and_plot(ran):
    ns, d, _ = ran
    table = ns["table"]
    assert table.rows["alpha_beta"].verdict == "proved"
    assert table.rows["PL_star"].verdict == "not applicable"
    assert ns["res"].measured <= ns["res"].bound and ns["res"].hypotheses_ok is True
    assert ns["sim"].summary()["n_diverged"] == 0
    assert (d / "three-residuals.png").stat().st_size > 10_000


def test_the_shell_lines_run_with_a_module_outside_the_repo(ran, capsys, monkeypatch):
    _, d, blocks = ran
    (d / "mymodule.py").write_text(blocks[0])
    monkeypatch.chdir(d)
    lines = [ln for b in _blocks(_section("Your own landscape"), "bash") for ln in b.splitlines()
             if ln.startswith("toylands ")]
    assert len(lines) == 2
    for line in lines:
        argv = shlex.split(line.replace("path/to/mymodule.py", str(d / "mymodule.py")))[1:]
        code = main(argv + ["--json"] if "--json" not in argv else argv)
        out = json.loads(capsys.readouterr().out)
        assert code == 0, line
        if argv[0] == "certify":
            assert out["verdict"] == "proved"
        else:
            assert out["alpha_beta"]["verdict"] in ("proved", "holds_on_samples")
