"""Workload: R = 1000 runs × K = 10⁴ SGD steps on ``example6``, vectorised over runs,
against a per-run Python loop doing the same work (one step and one f(x^k) − f* record per run
and step through the same public API). Target: at least 50× faster.

The per-run loop is timed on ``--loop-runs`` runs (default 10) and scaled linearly to R (its
cost is linear in the number of runs). Also reports NGN and SPS_max steps per second
(run-steps: one step of one run).

    python -m benchmarks.bench_simulate [--runs R] [--steps K] [--loop-runs M]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import toylands
from theory.optim import optimizers as O
from theory.optim.simulate import simulate

from ._timing import report_ratio

__all__ = ["main"]


def _per_run_loop(land, opt, x0, steps, seed):
    """The baseline: each run on its own, a Python loop over runs and steps."""
    rng = np.random.default_rng(seed)
    out = []
    for r in range(x0.shape[0]):
        x = x0[r : r + 1]
        state = opt.init(x)
        best = np.inf
        for _ in range(steps):
            i = rng.integers(0, land.n, size=1)
            x, state, _ = opt.step(land, x, state, i)
            best = min(best, float(land.value(x)[0]) - land.f_star)
        out.append(best)
    return out


def _timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(prog="python -m benchmarks.bench_simulate")
    p.add_argument("--runs", type=int, default=1000)
    p.add_argument("--steps", type=int, default=10_000)
    p.add_argument("--loop-runs", type=int, default=10)
    args = p.parse_args(argv)
    land = toylands.get("example6")
    L = land.smoothness().L
    rng = np.random.default_rng(0)
    x0 = land.domain.sample(rng, args.runs) / 4
    R, K = args.runs, args.steps
    results = {"runs": R, "steps": K}

    sgd = O.sgd(1.0 / L)
    t_fast = _timed(lambda: simulate(land, sgd, x0, steps=K, rng=np.random.default_rng(1)))
    m = min(args.loop_runs, R)
    t_slow = _timed(lambda: _per_run_loop(land, sgd, x0[:m], K, 1)) * R / m
    results["sgd"] = report_ratio(
        f"SGD {R} runs x {K} steps (loop timed on {m} runs)", t_fast, t_slow, target=50
    )
    results["sgd"]["run_steps_per_s"] = R * K / t_fast

    for label, opt in (("NGN", O.ngn(1.0 / L)), ("SPS_max", O.sps_max(0.5, 1.0 / L))):
        x = x0.copy()
        state = opt.init(x)
        step_rng = np.random.default_rng(2)
        steps = max(1, K // 10)

        def run(x=x, state=state, opt=opt, step_rng=step_rng, steps=steps):
            for _ in range(steps):
                i = step_rng.integers(0, land.n, size=R)
                x, state, _ = opt.step(land, x, state, i)

        t = _timed(run)
        rate = R * steps / t
        print(f"{label} step only, {R} runs x {steps} steps: {rate:,.0f} run-steps/s "
              f"({steps / t:,.0f} vectorised steps/s)")
        t_sim = _timed(lambda opt=opt, steps=steps: simulate(
            land, opt, x0, steps=steps, rng=np.random.default_rng(3)))
        print(f"{label} in simulate (with recording): {R * steps / t_sim:,.0f} run-steps/s")
        results[label] = {"run_steps_per_s": rate, "steps_per_s": steps / t,
                          "simulate_run_steps_per_s": R * steps / t_sim}
    return results


if __name__ == "__main__":
    main()
