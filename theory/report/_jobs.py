r"""The report's jobs: each section (each part of a section made of parts, assembled here) and
each figure script is one job, run in forked worker processes (longest first) where the
platform allows, in this process otherwise. A job that fails
becomes a failed section or figure (``strict=True`` raises instead).

Each worker limits its BLAS (and OpenMP) threads to its share of the cores (``threadpoolctl``):
two workers whose BLAS each starts a thread per core fight over the cores and spin. As jobs
finish, a progress line says how many are done and about how long the rest will take, from the
jobs' relative costs (``_costs._COST``)."""

from __future__ import annotations

import os
import threading
import time  # noqa: F401 - tests patch time.perf_counter through this module
from pathlib import Path

from ._common import SECTIONS, failed, section_name
from ._costs import _COST, _DEFAULT_COST, _cost, _Tally  # noqa: F401
from ._model import Config, Section
from ._workers import pin_threads as _pin_threads  # noqa: F401 (tests use _pin_threads)
from ._workers import worker_init as _worker_init

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


# Figure scripts that plot sections' numbers: they run after those sections and receive what
# they computed (``draw(..., data={script: payload})``, the payload merged over the sections:
# each section's ``plots`` where it has them, else its ``data``) when the sections succeeded
# with the figures' budgets (``quick == figure_smoke``); otherwise, and for whatever the
# payload lacks, the script computes its own.
FIGURE_INPUTS = {
    "fig_overparam": ("overparam",),
    "fig_experiments": ("experiments",),
    "fig_pep": ("pep",),
    "fig_regions": ("regions", "protocol"),
    "fig_proxy": ("protocol",),
}


def _payload(given) -> dict:
    """What a figure receives from the sections it plots (see ``FIGURE_INPUTS``)."""
    out: dict = {}
    for sec in given or ():
        if sec is not None and sec.status == "ok":
            out.update(sec.plots or sec.data)
    return out


def _section_fn(name: str):
    return next(f for f in SECTIONS if section_name(f) == name)


def _tag(progress, prefix: str):
    tagged = getattr(progress, "tagged", None)
    return tagged(prefix) if tagged is not None else progress


def _job(kind: str, name, cfg: Config, folder: Path, draw, progress, strict: bool, given=None,
         ctx=None):
    """One section, one part of a section (``"section/key"``) or one figure script (runs in a
    worker process when ``cfg.workers > 1``); ``given``: the results of the sections a figure
    plots (``FIGURE_INPUTS``); ``ctx``: a section's parts, computed by part jobs."""
    if kind == "section":
        fn = _section_fn(name)
        if ctx is None:
            progress(f"section {name}")
        return _run_section(fn, cfg, ctx or {}, _tag(progress, f"{name}: "), strict)
    if kind == "part":
        sec, key = name.split("/", 1)
        progress(f"part {name}")
        try:
            return ("ok", _section_fn(sec).section_parts[1](cfg, key, _tag(progress, f"{sec}: ")))
        except Exception as exc:  # the section fails as a whole, with this reason; with strict,
            # the report raises it once the pool is closed (raising from a pool task made the
            # parent terminate the pool, which could hang on a forked worker)
            progress(f"  {name}: FAILED ({type(exc).__name__}: {exc})")
            return ("error", f"part {key}: {type(exc).__name__}: {exc}")
    extra = {}
    payload = _payload(given) if cfg.quick == cfg.figure_smoke else {}
    if payload:
        extra = {"data": {name: payload}}
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
    "theory.studies.protocol",
    "theory.optim.optimizers",
    "theory.optim.simulate",
    "theory.optim.bounds",
    "theory.optim.compare",
    "theory.studies.plstar",
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


def _split(jobs, cfg: Config):
    """``(jobs, split)``: each section with parts (``section(..., parts=...)``) replaced by one
    ``("part", "section/key")`` job per part; ``split`` maps the section's job to its parts."""
    out, split = [], {}
    for j in jobs:
        fn = _section_fn(j[1]) if j[0] == "section" else None
        if fn is None or getattr(fn, "section_parts", None) is None:
            out.append(j)
            continue
        split[j] = [("part", f"{j[1]}/{k}") for k in fn.section_parts[0](cfg)]
        out += split[j]
    return out, split


def run_jobs(jobs, cfg: Config, folder: Path, draw, progress, strict: bool) -> dict:
    """Run the jobs, in worker processes where possible; results keyed by job."""
    import multiprocessing as mp

    split = {}
    if cfg.workers > 1 and "fork" in mp.get_all_start_methods():
        jobs, split = _split(jobs, cfg)  # sections made of parts: one job per part

    part_errors = []

    def assemble(j, got):
        """A section from its parts' results (cheap: tables and claims), in this process."""
        errors = [r for status, r in got if status == "error"]
        if errors:
            part_errors.extend(errors)
            return failed(_section_fn(j[1]), RuntimeError("; ".join(errors)))
        ctx = {"parts": {p[1].split("/", 1)[1]: r for p, (_, r) in zip(split[j], got)}}
        return _job(*j, cfg, folder, draw, progress, strict, ctx=ctx)

    out = _run(jobs, split, assemble, cfg, folder, draw, progress, strict)
    if strict and part_errors:
        raise RuntimeError("; ".join(part_errors))
    return out


def _run(jobs, split, assemble, cfg: Config, folder: Path, draw, progress, strict) -> dict:
    import multiprocessing as mp

    # longest first, where a section's length includes the longest figure waiting for it (a
    # figure cannot start before the sections it plots: those are the report's critical path)
    feeds = {}
    for j in jobs:
        for d in FIGURE_INPUTS.get(j[1], ()) if j[0] == "figure" else ():
            feeds[d] = max(feeds.get(d, 0.0), _cost(j, cfg.quick))
    order = sorted(jobs, key=lambda j: (-_cost(j, cfg.quick) - feeds.get(j[1].split("/")[0], 0.0)
                                        * (j[0] != "figure"), jobs.index(j)))
    after = {}  # figure -> the sections it plots (those this report runs)
    for j in order:
        deps = [("section", s) for s in FIGURE_INPUTS.get(j[1], ()) if j[0] == "figure"]
        deps = [d for d in deps if d in order or d in split]
        if deps:
            after[j] = deps
    tally = _Tally(order, progress, cfg.quick)
    workers = min(cfg.workers, len(jobs))
    out = {}
    if workers > 1 and "fork" in mp.get_all_start_methods():
        _preload()
        if draw is not None and hasattr(draw, "preload"):
            draw.preload()
        threads = max(1, (os.cpu_count() or 1) // workers)
        pool = mp.get_context("fork").Pool(workers, initializer=_worker_init,
                                           initargs=(threads,))
        try:
            wake = threading.Event()  # a job finished: a worker is free, a figure may be ready

            def submit(j, *extra):
                def finished(_res, j=j):
                    tally.finished(j)
                    wake.set()

                return pool.apply_async(_job, (*j, cfg, folder, draw, progress, strict, *extra),
                                        callback=finished, error_callback=lambda _e: wake.set())

            def section(j):  # a section's result, assembled as soon as its parts are done
                if j not in split:
                    return pending[j].get()
                if j not in out:
                    out[j] = assemble(j, [pending[p].get() for p in split[j]])
                return out[j]

            def ready(j):
                return all(p in pending and pending[p].ready() for p in split.get(j, [j]))

            # Jobs go to the pool one per free worker, the most costly ready job first: a
            # figure whose sections are done starts before the cheap parts still queued
            # (queued all at once, it would wait behind them: the tail of the report).
            rank = {j: i for i, j in enumerate(order)}
            queue = [j for j in order if j not in after]
            waiting, deps_done, pending = dict(after), {}, {}
            while queue or waiting:
                wake.clear()
                for j in [j for j, deps in waiting.items() if all(ready(d) for d in deps)]:
                    deps_done[j] = waiting.pop(j)
                    queue.append(j)
                queue.sort(key=rank.get)
                busy = sum(not r.ready() for r in pending.values())
                while queue and busy < workers:
                    j = queue.pop(0)
                    extra = ([section(d) for d in deps_done.pop(j)],) if j in deps_done else ()
                    pending[j] = submit(j, *extra)
                    busy += 1
                wake.wait(0.05)
            out.update({j: pending[j].get() for j in order})
        except BaseException:
            pool.terminate()  # an interrupted report stops its workers at once
            raise
        pool.close()
        pool.join()
        for j, parts in split.items():
            got = [out.pop(p) for p in parts]
            if j not in out:
                out[j] = assemble(j, got)
        return out
    for j in [j for j in order if j not in after]:  # sections before the figures they feed
        out[j] = _job(*j, cfg, folder, draw, progress, strict)
        tally.finished(j)
    for j, parts in split.items():  # (one worker: every part ran here)
        out[j] = assemble(j, [out.pop(p) for p in parts])
    for j, deps in after.items():
        out[j] = _job(*j, cfg, folder, draw, progress, strict, [out.get(d) for d in deps])
        tally.finished(j)
    return out
