"""Workload: ``theory.optim.simulate.simulate`` against the loop a user would write by hand.

SGD, SPS_max and NGN on ``example6`` (``f_i = u_i/(1+u_i)``, ``u_i = ‖x − c_i‖²``), R runs × K
steps, vectorised over runs, against a hand-vectorised numpy loop that records the same
quantities: per step the mean and variance over runs of ``f(x^k) − f*`` (what
``theory.optim.compare.measure`` needs), and for SPS_max the number of runs whose Polyak step
was active. ``simulate`` runs with ``record=()`` (its minimal record: those, the two half-sample
means, a divergence check and the thinned history) and ``dist_every=K``, as ``check`` runs it.
Target: ``simulate`` within 1.5× of the hand loop.

The machine may be loaded: the two are timed in the same process, interleaved (hand, simulate,
simulate, hand, ...) ``--repeat`` times, and the ratio is that of the fastest times (the least
disturbed); the median of the per-pair ratios is printed beside it. Peak memory of each is
measured with ``tracemalloc`` on a separate, shorter run (numpy reports its buffers to it).

    python -m benchmarks.bench_simulate [--runs R ...] [--steps K] [--repeat N]

Per-step cost does not depend on K (nothing per step grows with k), so ``--steps`` trades time
for precision only; the default sizes are 10³ runs × 10⁴ steps and 10⁵ runs × 200 steps
(``--steps 10000`` gives the full 10⁵ × 10⁴, about 10⁹ run-steps per timing).
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc

import numpy as np

import toylands
from theory.optim import optimizers as O
from theory.optim.simulate import simulate

__all__ = ["main", "hand_loop"]


def hand_loop(land, method, x0, steps, seed, *, gamma, c=None, gamma_b=None):
    """The loop a user writes for ``example6`` (two ``u/(1+u)`` bumps): SGD, SPS_max or NGN, with
    the per-step mean and variance of ``f(x^k) − f*`` (and SPS_max's Polyak-active count)."""
    C, f_star = land.centres, land.f_star
    rng = np.random.default_rng(seed)
    x = x0.copy()
    R = x.shape[0]
    mean, var = np.empty(steps + 1), np.empty(steps + 1)
    active = np.zeros(steps, dtype=np.int64)

    def record(k, x):
        d = x[:, None, :] - C
        u = np.einsum("rnd,rnd->rn", d, d)
        gap = (u / (1.0 + u)).mean(axis=1) - f_star
        mean[k], var[k] = gap.mean(), gap.var(ddof=1)

    record(0, x)
    for k in range(steps):
        i = rng.integers(0, 2, size=R)
        d = x - C[i]
        u = np.einsum("rd,rd->r", d, d)
        q = 1.0 / (1.0 + u)
        g = (2.0 * q * q)[:, None] * d
        if method == "sgd":
            x = x - gamma * g
        else:
            loss = u * q
            g2 = np.einsum("rd,rd->r", g, g)
            if method == "sps-max":
                # f_i* = 0 on example6; the Polyak ratio is +inf where the gradient vanishes
                p = np.divide(loss, c * g2, out=np.full(R, np.inf), where=g2 > 0)
                active[k] = np.count_nonzero(p < gamma_b)
                step = np.minimum(p, gamma_b)
            else:
                step = gamma / (1.0 + gamma * g2 / (2.0 * loss))
            x = x - step[:, None] * g
        record(k + 1, x)
    return mean, var, active


def _pair(land, name, params, x0, steps):
    opt = O.make(name, **params)
    hand_kw = {"gamma": params.get("gamma"), "c": params.get("c"),
               "gamma_b": params.get("gamma_b")}

    def run_sim():
        return simulate(land, opt, x0, steps=steps, rng=np.random.default_rng(1), record=(),
                        dist_every=steps)

    def run_hand():
        return hand_loop(land, name, x0, steps, 1, **hand_kw)

    return run_sim, run_hand


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _peak(fn) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(prog="python -m benchmarks.bench_simulate")
    p.add_argument("--runs", type=int, nargs="*", default=[1000, 100_000])
    p.add_argument("--steps", type=int, nargs="*", default=None,
                   help="steps per size (default 10000 for 10³ runs, 200 for 10⁵)")
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args(argv)
    land = toylands.get("example6")
    L = land.smoothness().L
    methods = (
        ("SGD", "sgd", {"gamma": 1.0 / L}),
        ("SPS_max", "sps-max", {"c": 0.5, "gamma_b": 4.0 / L}),
        ("NGN", "ngn", {"gamma": 2.0 / L}),
    )
    steps_for = args.steps or [10_000 if r <= 10_000 else 200 for r in args.runs]
    if len(steps_for) == 1:
        steps_for = steps_for * len(args.runs)
    print(f"{'workload':<34}{'simulate':>12}{'hand loop':>12}{'ratio':>8}{'median':>8}"
          f"{'sim MiB':>9}{'hand MiB':>9}")
    results = {}
    for R, K in zip(args.runs, steps_for):
        x0 = land.domain.sample(np.random.default_rng(0), R) / 4
        for label, name, params in methods:
            run_sim, run_hand = _pair(land, name, params, x0, K)
            # the two must compute the same thing before they are timed (same draws; the last
            # bits differ where the formulas are written differently, e.g. f_i/(c‖∇f_i‖²))
            ms, mh = run_sim(), run_hand()
            np.testing.assert_allclose(ms.gap_mean, mh[0], rtol=1e-6, atol=1e-9)
            if name == "sps-max":
                total = ms.polyak_count.sum()
                assert abs(total - mh[2].sum()) <= 1e-4 * total + 10
            ts, th, ratios = [], [], []
            for rep in range(args.repeat):
                order = (run_hand, run_sim) if rep % 2 == 0 else (run_sim, run_hand)
                t = {fn: _timed(fn) for fn in order}
                ts.append(t[run_sim])
                th.append(t[run_hand])
                ratios.append(t[run_sim] / t[run_hand])
            short = max(1, min(K, 50))
            s_short, h_short = _pair(land, name, params, x0, short)
            mem_s, mem_h = _peak(s_short), _peak(h_short)
            ratio = min(ts) / min(th)
            key = f"{label} {R} runs x {K} steps"
            print(f"{key:<34}{R * K / min(ts) / 1e6:>9.2f} M/s{R * K / min(th) / 1e6:>9.2f} M/s"
                  f"{ratio:>7.2f}x{statistics.median(ratios):>7.2f}x"
                  f"{mem_s / 2**20:>9.1f}{mem_h / 2**20:>9.1f}"
                  + ("" if ratio <= 1.5 else "  ABOVE TARGET 1.5x"))
            results[key] = {"run_steps_per_s": R * K / min(ts),
                            "hand_run_steps_per_s": R * K / min(th), "ratio": ratio,
                            "median_ratio": statistics.median(ratios),
                            "peak_bytes": mem_s, "hand_peak_bytes": mem_h}
    print("run-steps/s: one step of one run; ratio = simulate time / hand-loop time (fastest of "
          f"{args.repeat} interleaved repeats); memory: tracemalloc peak over {short} steps")
    return results


if __name__ == "__main__":
    main()
