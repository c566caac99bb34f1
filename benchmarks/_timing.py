"""Timing helpers shared by the benchmarks: best of a few repeats, wall clock."""

from __future__ import annotations

import time

__all__ = ["best_time", "report_ratio"]


def best_time(fn, *, repeat: int = 3) -> float:
    """The fastest of ``repeat`` calls of ``fn()``, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def report_ratio(label: str, fast: float, slow: float, *, target: float | None = None) -> dict:
    """Print one line ``label: fast s vs slow s -> ratio×`` and return it as a dict."""
    ratio = slow / fast
    flag = "" if target is None else ("  ok" if ratio >= target else f"  BELOW TARGET {target}x")
    print(f"{label:<52} {fast * 1e3:10.2f} ms  vs {slow * 1e3:10.1f} ms  -> {ratio:8.1f}x{flag}")
    return {"label": label, "fast_s": fast, "slow_s": slow, "ratio": ratio, "target": target}
