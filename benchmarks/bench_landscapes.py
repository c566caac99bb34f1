"""Workload: losses and directional derivatives at 10⁵ points, batched vs per point.

The per-point baseline calls the same public API once per point, as a user's own loop would.
Target: the batched path at least 50× faster.

    python -m benchmarks.bench_landscapes [--points N]
"""

from __future__ import annotations

import argparse

import numpy as np

import toylands

from ._timing import best_time, report_ratio

__all__ = ["main"]


def _workload(land, x, v, label, loop_points):
    out = []
    t_fast = best_time(lambda: land.losses(x))
    xs = x[:loop_points]
    t_slow = best_time(lambda: [land.losses(p) for p in xs], repeat=1) * len(x) / loop_points
    out.append(report_ratio(f"{label} losses", t_fast, t_slow, target=50))
    t_fast = best_time(lambda: land.directional(x, v))
    vs = v[:loop_points]
    t_slow = best_time(
        lambda: [land.directional(p, q) for p, q in zip(xs, vs)], repeat=1
    ) * len(x) / loop_points
    out.append(report_ratio(f"{label} directional", t_fast, t_slow, target=50))
    return out


def main(argv=None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--points", type=int, default=100_000)
    ap.add_argument("--loop-points", type=int, default=None, help="points the loop runs on")
    args = ap.parse_args(argv)
    rng = np.random.default_rng(0)
    loop_points = args.loop_points or args.points
    results = []
    print(f"landscapes, {args.points} points (loop timed on {loop_points}, scaled)")
    ex1 = toylands.get("example1")
    x = ex1.domain.sample(rng, args.points)
    results += _workload(ex1, x, rng.normal(size=x.shape), "example1", loop_points)
    if "least-squares" in toylands.names():
        ls = toylands.get("least-squares", n=256, d=128)
        x = rng.normal(size=(args.points, ls.dim))
        label = "least-squares n=256 d=128"
        results += _workload(ls, x, rng.normal(size=x.shape), label, loop_points)
    return results


if __name__ == "__main__":
    main()
