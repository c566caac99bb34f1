"""The report folder under interruption and concurrency: ``toylands report --out R`` never leaves
R missing or half-written, a killed run's temporaries are removed by the next run, workers die
with their parent, and Ctrl-C prints one line.

Each run is the real command (``theory.cli.main``) in a subprocess on the smallest
configuration: one or two sections that write their worker's pid and then sleep, so that a
signal always lands in the middle of a build with live pool workers.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from theory.report import _output

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals and fork")

# Registers sections that sleep, makes `--quick` the tiny config with them, runs the command.
DRIVER = r"""
import os, sys, time
from theory import cli
from theory import report as R

pids, sleep, seed = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
names = ("nap_a", "nap_b")

def napper(name):
    def nap(cfg, ctx, progress):
        with open(os.path.join(pids, f"{name}-{os.getpid()}"), "w") as fh:
            fh.write(str(os.getpid()))
        time.sleep(sleep)
        return R.Section(name, "A section that sleeps", data={"slept": sleep, "seed": cfg.seed})
    nap.__name__ = name
    return R._section(name, "A section that sleeps")(nap)

for n in names:
    napper(n)
tiny = R.Config.tiny(seed=seed, sections=names, figures=False, workers=2)
R.Config.quick_config = classmethod(lambda cls, seed=0: tiny)
sys.exit(cli.main(["report", "--out", sys.argv[4], "--quick", "--quiet", "--seed", str(seed)]))
"""


def _start(tmp_path, out, *, sleep, seed=0):
    pids = tmp_path / f"pids-{seed}-{time.monotonic_ns()}"
    pids.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(pids), str(sleep), str(seed), str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a shell job would be
    )
    return proc, pids


def _wait_for_workers(proc, pids, count=2, timeout=60.0):
    t0 = time.monotonic()
    while len(list(pids.iterdir())) < count:
        if proc.poll() is not None:
            raise AssertionError(f"the report ended early: {proc.communicate()}")
        if time.monotonic() - t0 > timeout:
            raise AssertionError("the workers did not start")
        time.sleep(0.05)
    return [int(p.read_text()) for p in pids.iterdir()]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as fh:
            return "\nState:\tZ" not in fh.read()  # a zombie is dead
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


def _all_dead(pids, timeout=5.0) -> bool:
    t0 = time.monotonic()
    while any(_alive(p) for p in pids):
        if time.monotonic() - t0 > timeout:
            return False
        time.sleep(0.05)
    return True


def _snapshot(d: Path) -> dict:
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def _temporaries(parent: Path, name: str) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{name}."))


@pytest.fixture
def old_report(tmp_path):
    """A finished report at tmp_path/R (seed 1) and a snapshot of its files."""
    out = tmp_path / "R"
    proc, _ = _start(tmp_path, out, sleep=0.0, seed=1)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    assert json.loads((out / "results.json").read_text())["seed"] == 1
    return out, _snapshot(out)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_keeps_the_old_report_and_leaves_nothing_behind(tmp_path, old_report, sig):
    out, before = old_report
    proc, pids = _start(tmp_path, out, sleep=60.0, seed=2)
    workers = _wait_for_workers(proc, pids)
    if sig == signal.SIGINT:
        os.killpg(proc.pid, sig)  # Ctrl-C reaches the whole process group
    else:
        os.kill(proc.pid, sig)  # `kill PID`: the parent only
    _, stderr = proc.communicate(timeout=30)
    assert "Traceback" not in stderr, stderr
    if sig == signal.SIGINT:
        assert proc.returncode == 130
        assert stderr.strip() == "toylands report: error: interrupted"
    else:
        assert proc.returncode == 128 + signal.SIGTERM
    assert _snapshot(out) == before
    assert _temporaries(tmp_path, "R") == []
    assert _all_dead(workers), "a worker outlived the interrupted report"


def test_sigkill_keeps_the_old_report_and_the_next_run_cleans_up(tmp_path, old_report):
    out, before = old_report
    proc, pids = _start(tmp_path, out, sleep=60.0, seed=2)
    workers = _wait_for_workers(proc, pids)
    proc.kill()
    proc.communicate(timeout=30)
    assert _all_dead(workers), "a worker outlived its killed parent"
    assert _snapshot(out) == before
    assert len(_temporaries(tmp_path, "R")) == 1  # the killed run's folder, until the next run
    proc, _ = _start(tmp_path, out, sleep=0.0, seed=3)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    assert json.loads((out / "results.json").read_text())["seed"] == 3
    assert _temporaries(tmp_path, "R") == []


def test_two_concurrent_runs_both_succeed_and_leave_one_whole_report(tmp_path, old_report):
    out, _ = old_report
    runs = [_start(tmp_path, out, sleep=1.5, seed=s) for s in (4, 5)]
    for proc, pids in runs:
        _wait_for_workers(proc, pids)
    for proc, _ in runs:
        _, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 0, stderr
    res = json.loads((out / "results.json").read_text())
    assert res["seed"] in (4, 5)
    assert (out / "index.md").read_text().strip()
    assert _temporaries(tmp_path, "R") == []


# ---- write_atomically in-process: the fallback without an atomic exchange -------------------
def _build_files(text):
    def build(tmp: Path):
        (tmp / "results.json").write_text(text)
        return text

    return build


def test_fallback_renames_restore_the_old_folder_when_interrupted(tmp_path, monkeypatch):
    out = tmp_path / "R"
    _output.write_atomically(out, _build_files("old"), marker="results.json")
    monkeypatch.setattr(_output, "_exchange", lambda a, b: False)
    real_rename = os.rename
    calls = []

    def rename(src, dst):
        calls.append((src, dst))
        if len(calls) == 2:  # between moving R aside and moving the new folder in
            raise KeyboardInterrupt
        return real_rename(src, dst)

    monkeypatch.setattr(_output.os, "rename", rename)
    with pytest.raises(KeyboardInterrupt):
        _output.write_atomically(out, _build_files("new"), marker="results.json")
    assert (out / "results.json").read_text() == "old"
    assert _temporaries(tmp_path, "R") == []


def test_next_run_restores_a_report_left_aside_by_a_killed_run(tmp_path):
    out = tmp_path / "R"
    aside = tmp_path / ".R.old-abc123"  # what a kill between two renames leaves
    aside.mkdir()
    (aside / "results.json").write_text("old")
    stale = tmp_path / ".R.tmp-def456"
    stale.mkdir()
    (stale / "partial").write_text("half")

    def build(tmp):
        assert (out / "results.json").read_text() == "old"  # restored before the new build
        (tmp / "results.json").write_text("new")

    _output.write_atomically(out, build, marker="results.json")
    assert (out / "results.json").read_text() == "new"
    assert _temporaries(tmp_path, "R") == []


def test_a_live_runs_temporary_folder_is_not_removed(tmp_path):
    live = tmp_path / ".R.tmp-live"
    live.mkdir()
    fd = _output._open_locked(live, block=False)  # held as a running build holds it
    try:
        _output.write_atomically(tmp_path / "R", _build_files("x"), marker="results.json")
        assert live.is_dir()
    finally:
        os.close(fd)


@pytest.mark.parametrize("what", ["file", "foreign folder"])
def test_refuses_to_replace_what_is_not_a_previous_report(tmp_path, what):
    out = tmp_path / "R"
    if what == "file":
        out.write_text("precious")
    else:
        out.mkdir()
        (out / "thesis.tex").write_text("precious")
    with pytest.raises(FileExistsError, match="refusing to replace"):
        _output.write_atomically(out, _build_files("x"), marker="results.json")
    assert "precious" in (out.read_text() if what == "file" else (out / "thesis.tex").read_text())
    assert _temporaries(tmp_path, "R") == []


def test_cli_names_an_unwritable_out_in_one_line(tmp_path, capsys):
    from theory import cli

    blocker = tmp_path / "file"
    blocker.write_text("")
    code = cli.main(["report", "--out", str(blocker / "R"), "--quick", "--quiet", "--no-figures"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "is not a folder" in err
