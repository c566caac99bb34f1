"""Timing and memory helpers shared by the benchmarks.

- :func:`best_time`: the fastest of a few calls (wall clock);
- :func:`interleaved`: several workloads timed in turns (A B C A B C …), best of k each, so that a
  load on the machine that comes and goes reaches every workload alike and their ratios stay
  meaningful on a busy machine;
- :func:`peak_bytes`: the memory a call adds at its peak, measured in a forked child (resident
  set size, so numpy, torch and any C library count alike), with ``tracemalloc`` as the fallback
  where there is no fork;
- :func:`report_ratio`, :func:`fmt_bytes`, :func:`load_note`: printing.
"""

from __future__ import annotations

import os
import time

__all__ = ["best_time", "interleaved", "peak_bytes", "report_ratio", "fmt_bytes", "load_note",
           "limit_threads"]


def best_time(fn, *, repeat: int = 3) -> float:
    """The fastest of ``repeat`` calls of ``fn()``, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def interleaved(fns: dict, *, repeat: int = 3) -> dict:
    """``{name: best time}`` of the callables ``fns``, timed in turns ``repeat`` times."""
    best = {name: float("inf") for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t0)
    return best


def _rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _trim() -> None:
    """Give the heap's free pages back to the system (glibc ``malloc_trim``; else nothing)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def peak_bytes(fn) -> int:
    """Bytes ``fn()`` adds at its peak over what the process held when it started.

    Measured in a forked child: its peak resident set size (``ru_maxrss``) minus its resident
    size before the call, which counts every allocator (numpy, torch, BLAS). Without fork or
    ``/proc`` (not Linux), ``tracemalloc``'s peak in this process (numpy's arrays only).
    """
    import resource

    if not hasattr(os, "fork") or not os.path.exists("/proc/self/statm"):
        import tracemalloc

        tracemalloc.start()
        try:
            fn()
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run once, report, leave without cleanup
        try:
            os.close(r)
            _trim()  # memory the parent freed but kept would otherwise be reused unseen
            start = _rss()
            fn()
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
            os.write(w, str(max(peak - start, 0)).encode())
        finally:
            os._exit(0)
    os.close(w)
    with os.fdopen(r) as fh:
        msg = fh.read()
    os.waitpid(pid, 0)
    if not msg:
        raise RuntimeError("the memory probe's child process failed")
    return int(msg)


def fmt_bytes(n: float) -> str:
    """``1.5 GB``, ``12 MB``, ``300 kB``."""
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{int(n)} B"


def load_note() -> str:
    """The machine's load (1-minute average) and cores, printed above the numbers."""
    try:
        load = os.getloadavg()[0]
    except OSError:
        return f"{os.cpu_count()} cores"
    return f"load average {load:.1f} on {os.cpu_count()} cores"


def limit_threads(n: int = 1) -> None:
    """One BLAS thread (and one torch thread, if torch is loaded): single-core numbers."""
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=n)
    except ImportError:
        pass
    import sys

    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(n)


def report_ratio(label: str, fast: float, slow: float, *, target: float | None = None) -> dict:
    """Print one line ``label: fast s vs slow s -> ratio×`` and return it as a dict."""
    ratio = slow / fast
    flag = "" if target is None else ("  ok" if ratio >= target else f"  BELOW TARGET {target}x")
    print(f"{label:<52} {fast * 1e3:10.2f} ms  vs {slow * 1e3:10.1f} ms  -> {ratio:8.1f}x{flag}")
    return {"label": label, "fast_s": fast, "slow_s": slow, "ratio": ratio, "target": target}
