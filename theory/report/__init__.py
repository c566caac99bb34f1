r"""``toylands report``: every claim of [AB] set against our measurement, with the figures.

The report is built section by section (ground truth, certificates of the paper's pairs, exact
regions, the paper's protocol with its proxies, the theorems against simulation, PL\* as width
grows, the figures). Each section returns its numbers (for ``results.json``), its Markdown
(for ``index.md``) and its rows of the claims table. Sections and figure scripts are
independent jobs, run in ``Config.workers`` forked processes. A job that fails is shown as
failed in ``index.md`` and the run goes on (``strict=True`` raises instead), so that
``make report`` never fails because one check did.

Determinism: every random draw comes from ``seed``; no timings, dates or paths are written to
the files, so the same seed gives byte-identical files. The whole report is built in a
temporary folder next to ``out`` and renamed into place at the end: an interrupted run leaves
the previous report intact.

Modules: ``_model`` (Config, Claim, Section, verdicts), ``_output`` (JSON, atomic folders),
``_common`` (the section registry and Markdown helpers), ``_jobs`` (the worker processes),
``_sec_*`` (one module per group of sections, registered in report order), ``claims_table``
(``index.md``).

Layering: ``theory`` never imports ``figures``; the caller passes a figure-drawing function
(``toylands report`` passes ``figures.draw_all``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

# The section modules register themselves in SECTIONS on import; ORDER is the report's order.
from . import (  # noqa: F401
    _sec_certification,
    _sec_experiments,
    _sec_ground_truth,
    _sec_overparam,
    _sec_paper,
    _sec_pep,
    _sec_protocol,
    _sec_regions,
    _sec_theorems,
)
from ._common import SECTIONS, section, section_name
from ._jobs import run_jobs
from ._model import (
    CONFIRMED,
    CORRECTED,
    HOLDS_VACUOUS,
    NOT_MEASURED,
    NOT_REPRODUCED,
    PRINTED_WRONG,
    REFUTED,
    REPRODUCED,
    VERDICTS,
    Claim,
    Config,
    Progress,
    Section,
)
from ._output import dumps, versions, write_atomically
from .claims_table import figures_section, index_markdown

__all__ = [
    "Config",
    "Claim",
    "Section",
    "Progress",
    "build_report",
    "write_atomically",
    "dumps",
    "versions",
    "SECTIONS",
    "VERDICTS",
    "CONFIRMED",
    "CORRECTED",
    "PRINTED_WRONG",
    "REFUTED",
    "HOLDS_VACUOUS",
    "REPRODUCED",
    "NOT_REPRODUCED",
    "NOT_MEASURED",
]

ORDER = (
    "ground_truth",
    "certification",
    "regions",
    "protocol",
    "theorems",
    "pep",
    "paper_text",
    "paper_claims",
    "overparam",
    "experiments",
)
SECTIONS.sort(key=lambda fn: ORDER.index(section_name(fn)))

# Names kept from the single-module report (tests patch ``_index_markdown``; build_report looks it
# up here at call time).
_section = section
_index_markdown = index_markdown


def build_report(
    out,
    config: Config | None = None,
    *,
    draw_figures: Callable | None = None,
    quiet: bool = False,
    strict: bool = False,
    progress: Callable | None = None,
) -> dict:
    """Build the report into the folder ``out`` (atomically) and return a short summary.

    Parameters
    ----------
    out : path
        The report folder; replaced as a whole at the end.
    config : Config
        Budgets and seed (default ``Config.default()``).
    draw_figures : callable, optional
        ``draw_figures(folder, smoke=..., seed=..., only=..., progress=...) -> dict`` (as
        ``figures.draw_all``); without it the report has no figures.
    strict : bool
        Raise on a section's failure instead of reporting it (tests use this).
    """
    cfg = Config.default() if config is None else config
    progress = Progress(quiet) if progress is None else progress
    t0 = time.perf_counter()

    def build(tmp: Path):
        names = [
            section_name(fn)
            for fn in SECTIONS
            if cfg.sections is None or section_name(fn) in cfg.sections
        ]
        jobs = [("section", n) for n in names]
        scripts: tuple = ()
        if cfg.figures and draw_figures is not None:
            scripts = cfg.only_figures or tuple(getattr(draw_figures, "scripts", (None,)))
            jobs += [("figure", sc) for sc in scripts]
        results = run_jobs(jobs, cfg, tmp / "figures", draw_figures, progress, strict)
        sections = [results[("section", n)] for n in names]
        if scripts:
            sections.append(figures_section([results[("figure", sc)] for sc in scripts]))
        results = {
            "toylands_report": 1,
            "config": {k: v for k, v in asdict(cfg).items() if k != "workers"},
            "seed": cfg.seed,
            "versions": versions(),
            "claims": [asdict(c) for s in sections for c in s.claims],
            "sections": {
                s.name: {"status": s.status, "reason": s.reason, **s.data} for s in sections
            },
        }
        (tmp / "results.json").write_text(dumps(results), encoding="utf-8")
        (tmp / "index.md").write_text(_index_markdown(cfg, sections), encoding="utf-8")
        return sections

    sections = write_atomically(out, build, marker="results.json")
    claims = [c for s in sections for c in s.claims]
    counts = {v: sum(c.verdict == v for c in claims) for v in VERDICTS}
    summary = {
        "out": str(Path(out)),
        "index": str(Path(out) / "index.md"),
        "results": str(Path(out) / "results.json"),
        "seed": cfg.seed,
        "claims": counts,
        "sections": {s.name: s.status for s in sections},
        "seconds": round(time.perf_counter() - t0, 1),
    }
    progress(f"done in {summary['seconds']} s: {summary['index']}")
    return summary
