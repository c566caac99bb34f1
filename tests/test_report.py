"""The report on a tiny configuration: files, byte-identity, verdicts, atomic replacement."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import figures
from theory import cli
from theory import report as R

# The 2-D examples only (fast to build) and one cheap figure.
LANDS = ("example1", "example2", "example3", "example3-printed", "example6")
MAIN_SECTIONS = ("ground_truth", "certification", "regions", "theorems", "paper_text",
                 "paper_claims")


def _cfg(**kw):
    base = {"landscapes": LANDS, "only_figures": ("fig_surfaces",), "workers": 1}
    base.update(kw)
    return R.Config.tiny(**base)


def _build(out, **kw):
    return R.build_report(out, _cfg(**kw), draw_figures=figures.draw_all, quiet=True, strict=True)


def _files(d):
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def main_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "main"
    summary = _build(out, sections=MAIN_SECTIONS, workers=2)
    return out, summary


def test_report_has_index_results_and_figures(main_report):
    out, summary = main_report
    assert all(v == "ok" for v in summary["sections"].values()), summary["sections"]
    files = _files(out)
    assert "index.md" in files and "results.json" in files
    pngs = [f for f in files if f.endswith(".png")]
    assert pngs and all(f.startswith("figures/") for f in pngs)
    index = files["index.md"].decode()
    assert "## Claims of the paper" in index
    for f in pngs:
        assert f"]({f})" in index  # every figure is embedded
    res = json.loads(files["results.json"])
    assert res["seed"] == 0 and res["versions"]["numpy"]
    assert res["claims"] and all(c["verdict"] in R.VERDICTS for c in res["claims"])
    assert "seconds" not in files["results.json"].decode()  # no run-time measurements


def test_same_seed_gives_byte_identical_files(tmp_path):
    # One run in-process, one with two worker processes (regions: one job per landscape,
    # assembled in the parent): the files must not differ.
    kw = {"sections": ("certification", "regions", "paper_text"),
          "landscapes": ("example1", "example6")}
    _build(tmp_path / "a", workers=1, **kw)
    _build(tmp_path / "b", workers=2, **kw)
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert a.keys() == b.keys() and any(k.endswith(".png") for k in a)
    for name in a:
        assert a[name] == b[name], f"{name} differs between two runs with the same seed"


@pytest.mark.parametrize(
    "claim, verdict",
    [
        ("ex1-ground-truth", R.CONFIRMED),
        ("ex2-ground-truth", R.CONFIRMED),
        ("ex2-alpha-printed", R.PRINTED_WRONG),
        ("ex3-ground-truth", R.CONFIRMED),
        ("ex3-denominator", R.CORRECTED),
        ("ex3-c", R.CONFIRMED),
        ("ex6-ground-truth", R.CONFIRMED),
        ("example1-pairs", R.CONFIRMED),
        ("example2-pairs", R.CONFIRMED),
        ("example3-pairs", R.CONFIRMED),
        ("example6-pairs", R.CONFIRMED),
        ("example1-tightness", R.CONFIRMED),
        ("example2-tightness", R.CONFIRMED),
        ("example3-tightness", R.CONFIRMED),
        ("example6-tightness", R.CONFIRMED),
        ("ex1-exact-region", R.CONFIRMED),
        # on the 2-D examples every bound is above E[f(x⁰) − f*]: vacuous, never "confirmed"
        ("theorem-1", R.HOLDS_VACUOUS),
        ("theorem-1-examples", R.HOLDS_VACUOUS),
        ("theorem-7-examples", R.HOLDS_VACUOUS),
        ("theorem-2", R.HOLDS_VACUOUS),
        ("theorem-3", R.HOLDS_VACUOUS),
        ("theorem-4", R.HOLDS_VACUOUS),
        ("ngn-nonnegative", R.CORRECTED),
        ("corollary1-gap", R.CORRECTED),
        ("ex1-beta-range", R.CORRECTED),
        ("mlp-width", R.NOT_MEASURED),
    ],
)
def test_main_claims_have_the_expected_verdict(main_report, claim, verdict):
    res = json.loads((main_report[0] / "results.json").read_text())
    got = {c["id"]: c["verdict"] for c in res["claims"]}
    assert got.get(claim) == verdict, got.get(claim)


def test_index_opens_with_a_summary_and_counts_vacuous_apart(main_report):
    out, _ = main_report
    index = (out / "index.md").read_text()
    assert index.index("## Summary") < index.index("## Claims of the paper")
    summary = index[index.index("## Summary"): index.index("## Claims of the paper")]
    res = json.loads((out / "results.json").read_text())
    n_vac = sum(c["verdict"] == R.HOLDS_VACUOUS for c in res["claims"])
    n_conf = sum(c["verdict"] == R.CONFIRMED for c in res["claims"])
    assert n_vac >= 4 and f"{n_vac} {R.HOLDS_VACUOUS}" in summary
    assert f"{n_conf} {R.CONFIRMED}" in summary
    assert "What the paper got wrong" in summary and "ex3-denominator" not in summary
    assert "Theorems against simulation" in summary  # the section's headline
    theorems = res["sections"]["theorems"]
    for row in theorems["rows"]:  # no vacuous row reads as a plain "holds"
        if row["bound"] is not None and row["measured"] is not None:
            assert row["vacuous"] == (row["bound"] >= row["trivial_bound"])
    assert "bound/trivial" in index and "holds (vacuous)" in index


def test_summary_collects_claims_of_any_section():
    """A section the summary has never heard of (e.g. a later network section) shows up with
    its claims; what it got wrong is listed first."""
    from theory.report.claims_table import summary_markdown

    new = R.Section("networks", "Network experiments", claims=[
        R.Claim("net-1", "AB §5", "a claim", "a long measurement " * 30, R.REPRODUCED),
        R.Claim("net-2", "AB §5", "a wrong claim", "measured otherwise", R.REFUTED,
                summary="short line"),
    ])
    md = summary_markdown([new])
    assert "**Network experiments**" in md and "(*reproduced qualitatively*)" in md
    assert "a wrong claim — short line (*refuted*)" in md
    line = next(x for x in md.splitlines() if x.startswith("- **Network experiments**"))
    assert "a long measurement" in line and "…" in line and len(line) < 400  # shortened
    assert "1 reproduced qualitatively" in md


def test_interrupted_run_leaves_the_previous_report_intact(tmp_path, monkeypatch):
    out = tmp_path / "rep"
    _build(out, sections=("paper_text",), figures=False)
    before = _files(out)

    def boom(*a, **k):
        raise KeyboardInterrupt("interrupted while writing index.md")

    monkeypatch.setattr(R, "_index_markdown", boom)
    with pytest.raises(KeyboardInterrupt):
        _build(out, sections=("paper_text",), figures=False, seed=1)
    assert _files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rep"]  # no temporary folder left


def test_failing_section_is_reported_not_fatal(tmp_path):
    @R._section("always_fails", "A section that fails")
    def always_fails(cfg, ctx, progress):
        raise RuntimeError("boom xyz")

    try:
        res = R.build_report(
            tmp_path / "r", _cfg(sections=("always_fails",), figures=False), quiet=True
        )
        with pytest.raises(RuntimeError, match="boom xyz"):
            R.build_report(
                tmp_path / "s",
                _cfg(sections=("always_fails",), figures=False),
                quiet=True,
                strict=True,
            )
    finally:
        R.SECTIONS.remove(always_fails)
    assert res["sections"]["always_fails"] == "error"
    index = (tmp_path / "r" / "index.md").read_text()
    assert "boom xyz" in index and "Not computed" in index
    assert not (tmp_path / "s").exists()


def test_cli_report(tmp_path, monkeypatch, capsys):
    tiny = _cfg(sections=("paper_text",), figures=False)
    monkeypatch.setattr(R.Config, "quick_config", classmethod(lambda cls, seed=0: tiny))
    out = tmp_path / "r"
    assert cli.main(["report", "--out", str(out), "--quick", "--quiet", "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["sections"]["paper_text"] == "ok" and res["claims"]["not measured"] >= 1
    assert (out / "index.md").is_file() and (out / "results.json").is_file()
    assert cli.main(["report", "--out", str(out), "--seed", "-1"]) == 2


def _fake_draw(folder, *, smoke, seed, only, progress, data=None):
    """A figure-drawing function that records the data it was given (in ``folder``)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{only[0]}.json").write_text(json.dumps(data))
    return {only[0]: {"files": [], "status": "ok", "reason": "", "title": "t", "caption": ""}}


_fake_draw.scripts = ("fig_fake", "fig_other")


@R._section("fake_sec", "A section whose numbers a figure plots")
def _fake_sec(cfg, ctx, progress):
    return R.Section("fake_sec", "A section", data={"plstar": [1, 2], "alpha_beta": [3]})


R.SECTIONS.remove(_fake_sec)  # registered only inside the test below


@pytest.mark.parametrize("workers", [1, 2])
def test_a_figure_gets_the_numbers_of_the_section_it_plots(tmp_path, monkeypatch, workers):
    """FIGURE_INPUTS: the figure runs after its section and receives its data (computed once);
    other figures get no data."""
    from theory.report import _jobs

    monkeypatch.setitem(_jobs.FIGURE_INPUTS, "fig_fake", ("fake_sec",))
    R.SECTIONS.append(_fake_sec)
    try:
        cfg = _cfg(sections=("fake_sec",), only_figures=None, workers=workers)
        R.build_report(tmp_path / "r", cfg, draw_figures=_fake_draw, quiet=True, strict=True)
    finally:
        R.SECTIONS.remove(_fake_sec)
    got = {k: json.loads((tmp_path / "r" / "figures" / f"{k}.json").read_text())
           for k in _fake_draw.scripts}
    assert got["fig_fake"] == {"fig_fake": {"plstar": [1, 2], "alpha_beta": [3]}}
    assert got["fig_other"] is None


@R._section("fake_plots", "A section with objects for the figures beside its numbers")
def _fake_plots(cfg, ctx, progress):
    return R.Section("fake_plots", "Plots", data={"written": 1}, plots={"objects": [7, 8]})


R.SECTIONS.remove(_fake_plots)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_figure_of_two_sections_gets_their_plots_else_their_data(tmp_path, monkeypatch,
                                                                    workers):
    """A figure that plots two sections receives, merged, each one's ``plots`` where it has
    them (never written to results.json), else its ``data``."""
    from theory.report import _jobs

    monkeypatch.setitem(_jobs.FIGURE_INPUTS, "fig_fake", ("fake_sec", "fake_plots"))
    R.SECTIONS.extend([_fake_sec, _fake_plots])
    try:
        cfg = _cfg(sections=("fake_sec", "fake_plots"), only_figures=None, workers=workers)
        R.build_report(tmp_path / "r", cfg, draw_figures=_fake_draw, quiet=True, strict=True)
    finally:
        R.SECTIONS.remove(_fake_sec)
        R.SECTIONS.remove(_fake_plots)
    got = json.loads((tmp_path / "r" / "figures" / "fig_fake.json").read_text())
    assert got == {"fig_fake": {"plstar": [1, 2], "alpha_beta": [3], "objects": [7, 8]}}
    results = json.loads((tmp_path / "r" / "results.json").read_text())
    assert results["sections"]["fake_plots"]["written"] == 1
    assert "objects" not in json.dumps(results)


def test_report_modules_are_small_and_declare_all():
    import importlib
    import pkgutil

    for mod in pkgutil.iter_modules(R.__path__):
        m = importlib.import_module(f"theory.report.{mod.name}")
        assert isinstance(m.__all__, list), mod.name
        assert all(hasattr(m, name) for name in m.__all__), mod.name
        assert len(Path(m.__file__).read_text().splitlines()) <= 300, mod.name
    assert [f.section_name for f in R.SECTIONS] == list(R.ORDER)
