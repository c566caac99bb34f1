"""Each figure script in smoke mode on the Agg backend, into a temporary folder."""

from __future__ import annotations

import hashlib
import importlib

import matplotlib
import pytest

import figures
import toylands
from figures import plotting as P

matplotlib.use("Agg")

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _draw(name, out, **kw):
    return importlib.import_module(f"figures.{name}").main(out, smoke=True, **kw)


@pytest.mark.parametrize("name", figures.SCRIPTS)
def test_script_draws_pngs_in_smoke_mode(name, tmp_path):
    files = _draw(name, tmp_path)
    assert files, f"{name} drew nothing"
    for f in files:
        assert f.parent == tmp_path
        data = f.read_bytes()
        assert data.startswith(PNG_MAGIC)
        assert b"Software" not in data  # no run-dependent metadata
        assert b"matplotlib version" not in data
        pdf = f.with_suffix(".pdf").read_bytes()  # the same figure as a PDF, for papers
        assert pdf.startswith(b"%PDF-") and b"CreationDate" not in pdf
        assert b"Producer" not in pdf and b"matplotlib" not in pdf


def test_pngs_and_pdfs_are_byte_stable(tmp_path):
    a = _draw("fig_surfaces", tmp_path / "a")
    b = _draw("fig_surfaces", tmp_path / "b")
    for fa, fb in zip(a, b):
        assert hashlib.sha256(fa.read_bytes()).digest() == hashlib.sha256(fb.read_bytes()).digest()
        pa, pb = fa.with_suffix(".pdf"), fb.with_suffix(".pdf")
        assert pa.read_bytes() == pb.read_bytes()


def test_rates_draws_the_trivial_bound_and_ngn_where_its_hypotheses_hold():
    from figures import fig_rates

    assert {t for t, _ in fig_rates.PLAN} == {"1", "2", "3", "4", "5", "6", "7", "C1"}
    from theory.optim.settings import nonnegative

    assert all(nonnegative(toylands.get(name)) for t, name in fig_rates.PLAN if t in "36")


def test_draw_all_reports_every_script(tmp_path):
    seen = []
    res = figures.draw_all(tmp_path, smoke=True, only=("fig_surfaces",), progress=seen.append)
    assert list(res) == ["fig_surfaces"] and res["fig_surfaces"]["status"] == "ok"
    assert res["fig_surfaces"]["title"].startswith("The paper's Figure 3")
    assert seen == ["figure fig_surfaces"]
    assert all((tmp_path / f).is_file() for f in res["fig_surfaces"]["files"])


def test_plotting_functions_take_ax_and_return_the_artist():
    import numpy as np

    import toylands

    fig, ax = P.figure()
    f = toylands.get("example1")
    X, Y, Z = P.grid_values(f, (-2, 2, -2, 2), num=11)
    assert P.plot_contours(ax, X, Y, Z) is not None
    line = P.plot_minimizers(ax, f.minimizers, (-2, 2, -2, 2))
    xs, ys = line.get_data()
    # The line y = -x - 1/2, clipped to the box.
    np.testing.assert_allclose(np.asarray(ys), -np.asarray(xs) - 0.5, atol=1e-12)
    assert min(xs) >= -2 - 1e-12 and max(xs) <= 2 + 1e-12
    assert P.mark_pair(ax, 2.5, 2.0, label="claim").get_label() == "claim"
    assert P.plot_band(ax, [1, 2], [1, 1], [0, 0], [2, 2], label="m").get_label() == "m"
    fill = P.plot_region(ax, np.array([1.0, 2.0, 3.0]), np.array([np.inf, 1.5, 2.0]), label="R")
    assert fill.get_label() == "R"
    H = np.array([[1.0, -1.0], [np.nan, 2.0]])
    assert P.plot_heatmap(ax, [1.0, 2.0], [0.0, 0.5], H).get_array().mask[1, 0]
    matplotlib.pyplot.close(fig)


def test_smoke_figures_skip_the_pdf_unless_asked(tmp_path):
    """draw_all writes a PDF beside each PNG (and lists it) except for smoke figures, where it
    would double the time a figure takes to save."""
    res = figures.draw_all(tmp_path / "s", smoke=True, only=("fig_trajectories",))
    r = res["fig_trajectories"]
    assert r["pdfs"] == [] and not list((tmp_path / "s").glob("*.pdf"))
    res = figures.draw_all(tmp_path / "p", smoke=True, only=("fig_trajectories",), pdf=True)
    r = res["fig_trajectories"]
    assert r["pdfs"] == [f[:-4] + ".pdf" for f in r["files"]]
    assert all((tmp_path / "p" / f).read_bytes().startswith(b"%PDF-") for f in r["pdfs"])


def test_regions_and_proxy_figures_draw_what_they_are_given(tmp_path, monkeypatch):
    """Given the report's regions and protocol summaries, the two figures compute nothing of
    their own (the report computes them once, in its sections)."""
    from figures import fig_proxy, fig_regions
    from theory.certification import region_map
    from theory.studies import protocol

    names = set(fig_regions.LANDSCAPES) | set(fig_proxy.LANDSCAPES)
    summaries = {n: protocol.protocol_variants(toylands.get(n), steps=20, runs=1).summary()
                 for n in names}
    regs = {n: region_map(toylands.get(n), budget=60, rng=0, rounds=0)
            for n in fig_regions.LANDSCAPES}

    def refuse(*a, **k):
        raise AssertionError("recomputed what the report gave")

    monkeypatch.setattr(protocol, "protocol_variants", refuse)
    monkeypatch.setattr(fig_regions, "regions", refuse)
    monkeypatch.setattr(fig_regions, "heatmap", refuse)
    with P.pdfs(False):
        a = fig_regions.main(tmp_path, smoke=True, data={"regions": regs,
                                                         "protocol": summaries})
        b = fig_proxy.main(tmp_path, smoke=True, data={"protocol": summaries})
    assert [f.name for f in a + b] == ["regions.png", "proxy_vs_exact.png"]


def test_save_crops_to_the_ink_with_the_style_margin(tmp_path):
    """A laid-out figure is rendered once and cut to its tight box with the style's
    ``savefig.pad_inches`` of margin on each side (what ``bbox_inches="tight"`` gives)."""
    from PIL import Image

    fig, ax = P.figure(figsize=(4.0, 3.0), layout="constrained")
    ax.plot([0, 1], [0, 1])
    with P.pdfs(True):
        png = P.save(fig, tmp_path / "f.png")
    w, h = Image.open(png).size
    assert w <= 4.0 * P.DPI + 30 and h <= 3.0 * P.DPI + 30
    with P.style():
        pad = round(matplotlib.rcParams["savefig.pad_inches"] * P.DPI)
    px = Image.open(png).convert("RGB")
    import numpy as np

    a = np.asarray(px)
    ink = np.any(a != 255, axis=-1)
    rows, cols = np.flatnonzero(ink.any(1)), np.flatnonzero(ink.any(0))
    # the margin: the pad (text extents are a little wider than their ink)
    assert pad - 4 <= int(rows[0]) <= pad + 4 and pad - 4 <= int(cols[0]) <= pad + 4
    assert pad - 4 <= h - 1 - int(rows[-1]) <= pad + 4
    assert pad - 4 <= w - 1 - int(cols[-1]) <= pad + 4
    assert png.with_suffix(".pdf").read_bytes().startswith(b"%PDF-")


def test_save_keeps_what_lies_outside_the_canvas(tmp_path):
    """Ink at the canvas's edge may go on outside it: such a figure is measured by its tight
    bounding box (matplotlib's way), so a label placed beyond the figure is not cut off."""
    from PIL import Image

    fig, ax = P.figure(figsize=(4.0, 3.0))
    ax.plot([0, 1], [0, 1])
    fig.text(1.02, 0.5, "a label outside the figure", va="center")
    with P.pdfs(False):
        png = P.save(fig, tmp_path / "g.png")
    w, _ = Image.open(png).size
    assert w > 4.0 * P.DPI + 60  # the label is in


def test_save_takes_a_figure_made_without_pyplot(tmp_path):
    from matplotlib.figure import Figure
    from PIL import Image

    fig = Figure(figsize=(3.0, 2.0))
    fig.add_subplot().plot([0, 1], [1, 0])
    with P.pdfs(True):
        png = P.save(fig, tmp_path / "h.png")
    w, h = Image.open(png).size
    assert 0.5 * 3.0 * P.DPI < w <= 3.0 * P.DPI + 30 and 0.5 * 2.0 * P.DPI < h
    assert png.with_suffix(".pdf").read_bytes().startswith(b"%PDF-")
