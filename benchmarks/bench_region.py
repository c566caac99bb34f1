"""The exact (α, β) region from slack rows: ``Region.from_rows`` against the limit and against
what a strong user would write, on the rows of two-layer-relu (n = 256, d = 10, k = 32) at 10³
and 10⁴ points (2.6·10⁵ and 2.6·10⁶ rows).

- ``ours``: ``theory.region.Region.from_rows`` (blocks of rows normalised and reduced to their
  hull rows; the exact envelope and ``alpha_min``);
- ``limit``: one pass over the rows, the least any method does: ``max_i (α b_i − a_i)/c_i`` at
  one α, in blocks;
- ``qhull``: ``scipy.spatial.HalfspaceIntersection`` of the half-planes
  ``b_i α − c_i β − a_i ≤ 0`` with ``β ≥ 0``, ``β ≤ α`` and a far bounding box, given an
  interior point (the Chebyshev centre by ``linprog``, which a user would also need, is timed
  apart at the first size; beyond, the point is taken from the exact region); ``alpha_min`` is
  its leftmost vertex;
- ``grid``: a heat map over ``--grid`` values of α (each column's least β exact:
  ``max(0, max_i (α b_i − a_i)/c_i)``, vectorised), ``alpha_min`` to the grid's resolution.

The rows themselves (``alpha_beta_rows``, projections included) are timed on their own line.
One thread; best of ``--repeat`` interleaved runs; peak memory measured in a forked child.
Run ``python -m benchmarks.bench_region``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from benchmarks._timing import fmt_bytes, interleaved, limit_threads, load_note, peak_bytes

__all__ = ["main"]

_BLOCK = 1 << 16


def _landscape():
    from toylands.relu_net import two_layer_relu

    return two_layer_relu(n=256, d=10, k=32, starts=1)  # ground truth cached on disk


def _flat(rows):
    return rows.a.ravel(), rows.b.ravel(), rows.c.ravel()


def limit(a, b, c, alpha):
    best = -np.inf
    for lo in range(0, a.size, _BLOCK):
        sl = slice(lo, lo + _BLOCK)
        best = max(best, float(np.max((alpha * b[sl] - a[sl]) / c[sl])))
    return best


def grid(a, b, c, alphas):
    """``β_min`` at each α of the grid (every row read once per α, in blocks)."""
    need = np.full(alphas.size, -np.inf)
    for lo in range(0, a.size, _BLOCK):
        sl = slice(lo, lo + _BLOCK)
        m, q = b[sl] / c[sl], -a[sl] / c[sl]
        need = np.maximum(need, np.max(alphas[:, None] * m + q, axis=1))
    beta = np.maximum(need, 0.0)
    ok = beta < alphas
    return beta, (float(alphas[np.argmax(ok)]) if ok.any() else np.inf)


def _halfspaces(a, b, c, box):
    H = np.empty((a.size + 4, 3))
    H[: a.size, 0], H[: a.size, 1], H[: a.size, 2] = b, -c, -a
    H[a.size :] = [[0.0, -1.0, 0.0], [-1.0, 1.0, 0.0], [1.0, 0.0, -box], [0.0, 1.0, -box]]
    return H


def chebyshev_centre(H):
    from scipy.optimize import linprog

    norm = np.linalg.norm(H[:, :2], axis=1)
    res = linprog([0.0, 0.0, -1.0], A_ub=np.c_[H[:, :2], norm], b_ub=-H[:, 2],
                  bounds=[(None, None), (None, None), (0.0, None)], method="highs")
    return res.x[:2]


def qhull(H, interior):
    from scipy.spatial import HalfspaceIntersection

    return float(HalfspaceIntersection(H, interior).intersections[:, 0].min())


def main(argv=None) -> dict:
    from theory.conditions import alpha_beta_rows
    from theory.region import Region

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, nargs="+", default=[1_000, 10_000])
    ap.add_argument("--grid", type=int, default=256, help="α values of the heat map")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-memory", action="store_true")
    args = ap.parse_args(argv)
    limit_threads(1)
    t0 = time.perf_counter()
    f = _landscape()
    print(f"exact region from the rows of two-layer-relu (n = 256, d = 10, k = 32), one thread; "
          f"{load_note()} (landscape {time.perf_counter() - t0:.1f} s)")
    print(f"{'points':>7} {'rows':>9} {'rows s':>7} {'ours':>8} {'limit':>8} {'ours/lim':>8} "
          f"{'qhull':>8} {'qhull/ours':>10} {'grid':>8} {'grid/ours':>9} {'LP centre':>9} "
          f"{'ours peak':>9} {'qhull peak':>10}  alpha_min: ours / qhull / grid")
    out = []
    for N in args.points:
        x = f.domain.sample(np.random.default_rng(N), N) * 0.25
        t_rows = time.perf_counter()
        rows = alpha_beta_rows(f, x)
        t_rows = time.perf_counter() - t_rows
        a, b, c = _flat(rows)
        reg = Region.from_rows(rows)
        a0 = reg.alpha_min
        alphas = np.linspace(0.5 * a0, 2.0 * a0, args.grid)
        box = 1e3 * max(a0, 1.0)
        H = _halfspaces(a, b, c, box)
        if N == args.points[0]:  # a user's interior point: linprog's Chebyshev centre
            t_lp = time.perf_counter()
            interior = chebyshev_centre(H)
            t_lp = time.perf_counter() - t_lp
        else:  # (minutes at 10⁶ rows): given from the exact region instead, not timed: the
            # midpoint between the frontier and the diagonal β = α at α = 2 α_min + 1
            al = 2.0 * a0 + 1.0
            bm = max(float(reg.beta_min(al)), 0.0)
            t_lp, interior = float("nan"), np.array([al, bm + 0.5 * (al - bm)])
        fns = {
            "ours": lambda rows=rows: Region.from_rows(rows).alpha_min,
            "limit": lambda a=a, b=b, c=c, al=float(alphas[-1]): limit(a, b, c, al),
            "qhull": lambda H=H, p=interior: qhull(H, p),
            "grid": lambda a=a, b=b, c=c, al=alphas: grid(a, b, c, al),
        }
        t = interleaved(fns, repeat=args.repeat)
        peak = {} if args.no_memory else {k: peak_bytes(fns[k]) for k in ("ours", "qhull")}
        aq, ag = qhull(H, interior), grid(a, b, c, alphas)[1]
        r = {"points": N, "rows": a.size, "rows_s": t_rows, "lp_s": t_lp,
             **{f"{k}_s": v for k, v in t.items()}, **{f"{k}_peak": v for k, v in peak.items()},
             "alpha_min": a0, "alpha_min_qhull": aq, "alpha_min_grid": ag}
        out.append(r)
        print(f"{N:>7} {a.size:>9} {t_rows:>6.2f}s {t['ours']:>7.3f}s {t['limit']:>7.3f}s "
              f"{t['ours'] / t['limit']:>7.2f}x {t['qhull']:>7.3f}s "
              f"{t['qhull'] / t['ours']:>9.2f}x {t['grid']:>7.3f}s {t['grid'] / t['ours']:>8.2f}x "
              f"{t_lp:>8.2f}s {fmt_bytes(peak.get('ours', 0)):>9} "
              f"{fmt_bytes(peak.get('qhull', 0)):>10}  {a0:.9g} / {aq:.9g} / {ag:.6g}",
              flush=True)
    return {"rows": out}


if __name__ == "__main__":
    main()
