r"""The report's jobs: each section and each figure script is one job, run in forked worker
processes (longest first) where the platform allows, in this process otherwise. A job that
fails becomes a failed section or figure (``strict=True`` raises instead)."""

from __future__ import annotations

from pathlib import Path

from ._common import SECTIONS, failed, section_name
from ._model import Config, Section

__all__ = ["run_jobs"]


def _run_section(fn, cfg, ctx, progress, strict: bool) -> Section:
    try:
        return fn(cfg, ctx, progress)
    except Exception as exc:  # keep `make report` alive; the problem is shown in index.md
        if strict:
            raise
        sec = failed(fn, exc)
        progress(f"  {sec.name}: FAILED ({type(exc).__name__}: {exc})")
        return sec


# Figure scripts that plot a section's numbers: they run after it and receive its data
# (``draw(..., data={script: section.data})``) when the section succeeded with the figures'
# budgets (``quick == figure_smoke``); otherwise the script computes its own.
FIGURE_INPUTS = {"fig_overparam": "overparam", "fig_experiments": "experiments", "fig_pep": "pep"}

# Longest jobs first, so that two workers finish together.
_PRIORITY = (
    "experiments",
    "fig_experiments",
    "theorems",
    "pep",
    "overparam",
    "fig_overparam",
    "regions",
    "protocol",
    "fig_regions",
    "fig_proxy",
    "fig_rates",
    "fig_pep",
    "ground_truth",
    "certification",
    "fig_halfspace",
)


def _job(kind: str, name, cfg: Config, folder: Path, draw, progress, strict: bool, given=None):
    """One section or one figure script (runs in a worker process when ``cfg.workers > 1``);
    ``given``: the section result a figure plots (``FIGURE_INPUTS``)."""
    if kind == "section":
        fn = next(f for f in SECTIONS if section_name(f) == name)
        progress(f"section {name}")
        tagged = getattr(progress, "tagged", None)
        sub = tagged(f"{name}: ") if tagged is not None else progress
        return _run_section(fn, cfg, {}, sub, strict)
    extra = {}
    if given is not None and given.status == "ok" and cfg.quick == cfg.figure_smoke and given.data:
        extra = {"data": {name: given.data}}
    try:
        res = draw(
            folder,
            smoke=cfg.figure_smoke,
            seed=cfg.seed,
            only=None if name is None else (name,),
            progress=progress,
            **extra,
        )
    except Exception as exc:
        if strict:
            raise
        progress(f"figure {name}: FAILED ({type(exc).__name__}: {exc})")
        return {
            name: {
                "files": [],
                "status": "error",
                "reason": f"{type(exc).__name__}: {exc}",
                "title": str(name),
                "caption": "",
            }
        }
    return res


_PRELOAD = (
    "theory.conditions",
    "theory.region",
    "theory.certification",
    "theory.claims",
    "theory.certification.symbolic",
    "theory.certification.interval",
    "theory.protocol",
    "theory.optim.optimizers",
    "theory.optim.simulate",
    "theory.optim.bounds",
    "theory.optim.compare",
    "theory.plstar",
)


def _preload() -> None:
    """Import the library once before forking, so that every job runs the same code."""
    import importlib

    import toylands

    toylands.names()
    for mod in _PRELOAD:
        try:
            importlib.import_module(mod)
        except ImportError:
            pass  # the section that needs it says so


def _worker_init() -> None:
    """Set up a forked worker: it dies with the report process and leaves signals to it.

    A worker must never outlive its parent (a killed report must not leave processes writing
    into its temporary folder): a daemon thread watches the parent's pid and ends the worker
    within 0.2 s of the parent's death, however it died. (The kernel's ``PR_SET_PDEATHSIG``
    fires when the parent *thread* exits, and the pool forks replacement workers from a
    helper thread, so it would kill workers at the wrong moment.) Ctrl-C reaches the whole
    process group: the parent handles it and terminates the pool, so the workers ignore SIGINT;
    SIGTERM (``Pool.terminate``) keeps its default action, whatever handler the parent set.
    """
    import multiprocessing as mp
    import os
    import signal
    import threading
    import time

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    known = mp.parent_process()
    parent = known.pid if known is not None else os.getppid()  # dead already: exits at once

    def watch():
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def run_jobs(jobs, cfg: Config, folder: Path, draw, progress, strict: bool) -> dict:
    """Run the jobs, in worker processes where possible; results keyed by job."""
    import multiprocessing as mp

    order = sorted(
        jobs, key=lambda j: _PRIORITY.index(j[1]) if j[1] in _PRIORITY else len(_PRIORITY)
    )
    after = {
        j: ("section", FIGURE_INPUTS[j[1]])
        for j in order
        if j[0] == "figure" and ("section", FIGURE_INPUTS.get(j[1])) in order
    }
    workers = min(cfg.workers, len(jobs))
    if workers > 1 and "fork" in mp.get_all_start_methods():
        _preload()
        if draw is not None and hasattr(draw, "preload"):
            draw.preload()
        pool = mp.get_context("fork").Pool(workers, initializer=_worker_init, maxtasksperchild=1)
        try:
            pending = {
                j: pool.apply_async(_job, (*j, cfg, folder, draw, progress, strict))
                for j in order
                if j not in after
            }
            for j, dep in after.items():  # queued once the section they plot is done
                args = (*j, cfg, folder, draw, progress, strict, pending[dep].get())
                pending[j] = pool.apply_async(_job, args)
            out = {j: pending[j].get() for j in order}
        except BaseException:
            pool.terminate()  # an interrupted report stops its workers at once
            raise
        pool.close()
        pool.join()
        return out
    out = {}
    for j in sorted(order, key=lambda j: j in after):  # sections before the figures they feed
        out[j] = _job(*j, cfg, folder, draw, progress, strict, out.get(after.get(j)))
    return out
