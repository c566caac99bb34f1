"""theory.report._jobs: k/N progress lines with the time left, BLAS threads pinned per worker."""

from __future__ import annotations

import multiprocessing as mp
import os

import pytest

from theory import report as R
from theory.report import _jobs
from theory.report._model import Progress, format_step


def test_format_step():
    assert format_step(3, 14, "section theorems", 25.4) == (
        "3/14 done (section theorems), about 25 s left")
    assert format_step(2, 3, "x", 0.2) == "2/3 done (x), under a second left"
    assert format_step(3, 3, "x", 10.0) == "3/3 done (x)"
    assert format_step(1, 3, "x") == "1/3 done (x)"


def test_progress_step_writes_one_line(capsys):
    p = Progress(stream=None)
    p.step(1, 4, "figure fig_rates", 12.0)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "1/4 done (figure fig_rates), about 12 s left" in err
    Progress(quiet=True).step(1, 4, "x", 1.0)
    assert capsys.readouterr().err == ""


def test_time_left_scales_elapsed_by_the_cost_still_to_run(monkeypatch):
    lines = []
    clock = iter([100.0, 110.0, 130.0])
    monkeypatch.setattr(_jobs.time, "perf_counter", lambda: next(clock))
    jobs = [("section", "theorems"), ("section", "paper_text"), ("figure", "unknown")]
    tally = _jobs._Tally(jobs, lines.append)
    cost = [_jobs._cost(j) for j in jobs]
    assert cost == [sum(v for k, v in _jobs._COST.items() if k.startswith("theorems/")),
                    _jobs._COST["paper_text"], _jobs._DEFAULT_COST]
    tally.finished(jobs[1])  # 10 s for the cheap job: the rest costs (total − it)/it as much
    left = 10.0 * (sum(cost) - cost[1]) / cost[1]
    assert lines[-1] == format_step(1, 3, "section paper_text", left)
    tally.finished(jobs[0])
    left = 30.0 * cost[2] / (cost[0] + cost[1])
    assert lines[-1] == format_step(2, 3, "section theorems", left)


def test_jobs_run_longest_first():
    jobs = [("figure", "fig_surfaces"), ("section", "paper_text"), ("section", "theorems")]
    order = sorted(jobs, key=lambda j: (-_jobs._cost(j), jobs.index(j)))
    assert order[0] == ("section", "theorems")


def _threads_in_this_process():
    from threadpoolctl import threadpool_info

    return sorted({lib["num_threads"] for lib in threadpool_info()})


def _pin_and_report(q):
    _jobs._pin_threads(1)
    q.put((_threads_in_this_process(), os.environ.get("OMP_NUM_THREADS")))


@pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="needs fork")
def test_pin_threads_limits_blas_in_the_worker():
    pytest.importorskip("threadpoolctl")
    import numpy  # noqa: F401 - the BLAS is loaded before the fork, as in the report

    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_pin_and_report, args=(q,))
    p.start()
    threads, omp = q.get(timeout=60)
    p.join(timeout=60)
    assert threads == [1] and omp == "1"


@R._section("threads_sec", "Reports the BLAS threads of the process it runs in")
def _threads_sec(cfg, ctx, progress):
    return R.Section("threads_sec", "threads", data={"threads": _threads_in_this_process()})


R.SECTIONS.remove(_threads_sec)  # registered only inside the test below


@pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="needs fork")
@pytest.mark.parametrize("workers", [1, 2])
def test_report_prints_k_of_n_and_pins_worker_threads(tmp_path, workers):
    pytest.importorskip("threadpoolctl")
    lines = []
    R.SECTIONS.append(_threads_sec)
    try:
        cfg = R.Config.tiny(sections=("threads_sec", "paper_text"), figures=False,
                            workers=workers)
        R.build_report(tmp_path / "r", cfg, quiet=True, strict=True, progress=lines.append)
    finally:
        R.SECTIONS.remove(_threads_sec)
    steps = [ln for ln in lines if " done (" in ln]
    assert sorted(s.split(" ")[0] for s in steps) == ["1/2", "2/2"]
    assert any("left" in s for s in steps if s.startswith("1/2"))
    import json

    got = json.loads((tmp_path / "r" / "results.json").read_text())
    threads = got["sections"]["threads_sec"]["threads"]
    if workers == 2:
        assert threads == [max(1, (os.cpu_count() or 1) // 2)]


# ---- sections made of parts: one job per part, assembled in the parent ----------------------
def _part(cfg, key, progress):
    if key == "bad" and cfg.seed == 7:
        raise RuntimeError("this part fails")
    return {"key": key, "pid": os.getpid(), "square": len(key) ** 2}


def _keys(cfg):
    return ["a", "bb", "bad"]


@R.section("parts_sec", "parts", parts=(_keys, _part))
def _parts_sec(cfg, ctx, progress):
    from theory.report._common import run_parts

    got = run_parts(_parts_sec, cfg, ctx, progress)
    return R.Section("parts_sec", "parts", data={"parts": got, "assembled_in": os.getpid()})


R.SECTIONS.remove(_parts_sec)  # registered only inside the tests below


def _parts_report(tmp_path, workers, seed=0, strict=True):
    import json

    R.SECTIONS.append(_parts_sec)
    try:
        cfg = R.Config.tiny(seed=seed, sections=("parts_sec",), figures=False, workers=workers)
        R.build_report(tmp_path / "r", cfg, quiet=True, strict=strict)
    finally:
        R.SECTIONS.remove(_parts_sec)
    return json.loads((tmp_path / "r" / "results.json").read_text())["sections"]["parts_sec"]


@pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="needs fork")
def test_a_section_of_parts_runs_one_job_per_part_and_assembles_here(tmp_path):
    one = _parts_report(tmp_path / "1", workers=1)
    two = _parts_report(tmp_path / "2", workers=2)
    strip = [{k: v for k, v in p.items() if k != "pid"} for p in one["parts"]]
    assert strip == [{k: v for k, v in p.items() if k != "pid"} for p in two["parts"]]
    assert [p["key"] for p in two["parts"]] == _keys(None)  # in the order of the keys
    assert all(p["pid"] == one["assembled_in"] for p in one["parts"])  # one process
    assert two["assembled_in"] == os.getpid()  # assembled in the report's process
    assert all(p["pid"] != os.getpid() for p in two["parts"])  # each part in a worker


@pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="needs fork")
def test_a_failing_part_fails_its_section_with_the_reason(tmp_path):
    got = _parts_report(tmp_path, workers=2, seed=7, strict=False)
    assert got["status"] == "error" and "part bad: RuntimeError: this part fails" in got["reason"]
    with pytest.raises(RuntimeError, match="this part fails"):
        _parts_report(tmp_path / "strict", workers=2, seed=7, strict=True)


def _draw_parts(folder, *, smoke, seed, only, progress, data=None):
    """Records the data a figure was given."""
    import json

    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{only[0]}.json").write_text(json.dumps(data))
    return {only[0]: {"files": [], "status": "ok", "reason": "", "title": "t", "caption": ""}}


_draw_parts.scripts = ("fig_parts",)


@pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="needs fork")
@pytest.mark.parametrize("workers", [1, 2])
def test_a_figure_gets_the_assembled_numbers_of_a_section_of_parts(tmp_path, monkeypatch,
                                                                   workers):
    import json

    monkeypatch.setitem(_jobs.FIGURE_INPUTS, "fig_parts", ("parts_sec",))
    R.SECTIONS.append(_parts_sec)
    try:
        cfg = R.Config.tiny(sections=("parts_sec",), only_figures=None, workers=workers)
        R.build_report(tmp_path / "r", cfg, draw_figures=_draw_parts, quiet=True, strict=True)
    finally:
        R.SECTIONS.remove(_parts_sec)
    got = json.loads((tmp_path / "r" / "figures" / "fig_parts.json").read_text())
    assert [p["key"] for p in got["fig_parts"]["parts"]] == _keys(None)


def _timed_job(kind, name, cfg, folder, draw, progress, strict, given=None, ctx=None):
    """Sleeps for its cost (0.2 s a unit) and logs when it started."""
    import time

    with open(folder / "starts.log", "a") as log:
        log.write(f"{name}\n")
    time.sleep(0.2 * _COSTS[name])
    return name


def _quiet(msg):
    pass


_COSTS = {"A": 3.0, "F": 2.5, **{f"c{i}": 2.0 for i in range(6)}}


@pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="needs fork")
def test_a_figure_starts_as_soon_as_its_sections_are_done(tmp_path, monkeypatch):
    """Jobs go to the workers one per free worker, the costliest ready one first: a figure
    whose section is done does not wait behind cheaper jobs queued before it was ready (with
    all jobs queued at once, F would start last)."""
    monkeypatch.setattr(_jobs, "_job", _timed_job)
    monkeypatch.setattr(_jobs, "_cost", lambda j, quick=False: _COSTS[j[1]])
    monkeypatch.setitem(_jobs.FIGURE_INPUTS, "F", ("A",))
    jobs = [("section", "A"), *[("section", f"c{i}") for i in range(6)], ("figure", "F")]
    cfg = R.Config.tiny(workers=2)
    out = _jobs._run(jobs, {}, None, cfg, tmp_path, None, _quiet, True)
    assert out == {j: j[1] for j in jobs}
    starts = (tmp_path / "starts.log").read_text().split()
    # A (0.6 s) and c0 start; c1 at 0.4 s; F when A is done (0.6 s), before c2 ... c5
    assert starts.index("F") < starts.index("c3"), starts


def test_quick_costs_cover_every_job_of_the_full_report():
    from theory.report import _costs

    assert set(_costs._COST_QUICK) == set(_costs._COST)
    assert _jobs._cost(("part", "experiments/batch"), True) < _jobs._cost(
        ("part", "experiments/batch"))
    # a section made of parts costs the sum of its parts in either table
    assert _jobs._cost(("section", "pep"), True) == sum(
        v for k, v in _costs._COST_QUICK.items() if k.startswith("pep/"))
