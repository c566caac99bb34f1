"""Rigorous interval enclosures of the α-β slack over boxes (example2, the radial kernel of the
``interval`` certification method) against python-flint's arb and against the float limit.

- ``ours``: ``theory.certification.interval`` — the kernel's ``slack(lo, hi)`` on N boxes at once
  in numpy, outward-rounded (the branch-and-bound's inner step: lower bound per box over the
  candidate nearest points);
- ``limit``: the same formula in plain float64 at the boxes' centres (no enclosure: what any
  evaluation of the slack at N points costs);
- ``arb``: the same enclosure with python-flint's ``arb`` balls, one box at a time from Python
  (arb is scalar: what a user who wants rigour without writing interval numpy gets), timed on
  ``--peer-boxes`` boxes and scaled linearly (skipped without python-flint).

Also printed: the median width of the slack enclosures (tightness) of ours and arb, and a check
that both contain the float value at the centre. One thread; best of ``--repeat`` interleaved
runs. Run ``python -m benchmarks.bench_interval``.
"""

from __future__ import annotations

import argparse

import numpy as np

from benchmarks._timing import fmt_bytes, interleaved, limit_threads, load_note, peak_bytes

__all__ = ["main"]

ALPHA, BETA = 3.0, 1.0


def _kernel():
    import toylands
    from theory.certification.interval.kernels import _RadialKernel

    f = toylands.get("example2")
    return f, _RadialKernel(f, ALPHA, BETA)


def _boxes(f, N, seed=0):
    rng = np.random.default_rng(seed)
    lo = f.domain.lo + (f.domain.hi - f.domain.lo) * rng.random((N, f.dim))
    width = 0.01 * (f.domain.hi - f.domain.lo)
    return lo, lo + width * rng.random((N, f.dim))


def ours(kernel, lo, hi):
    from theory.certification.interval.branch_and_bound import _bounds

    return _bounds(kernel, lo, hi)


def _mid(iv):
    return 0.5 * (iv.lo + iv.hi)


def limit(kernel, lo, hi):
    """The slack's formula in float64 at the centres (no rounding control)."""
    x = 0.5 * (lo + hi)
    u = np.sum((x[:, None, :] - kernel.centres[None]) ** 2, axis=-1)  # (N, n)
    q = np.exp(-u)  # example2: Gaussian profile, q = h' = e^{-u}
    M, R2, C, P = _mid(kernel.M), _mid(kernel.R2), _mid(kernel.C), _mid(kernel.P)
    D = np.sum((x[:, None, None, :] - M[None]) ** 2, axis=-1) - R2[None]
    gap = float(_mid(kernel.gap))
    T = q[:, None, :] * D * 2.0 + q[:, None, :] * gap + C[None]
    d2 = np.sum((x[:, None, :] - P[None]) ** 2, axis=-1)
    near = d2 <= d2.min(axis=-1, keepdims=True)
    return np.where(near, T.min(axis=-1), np.inf).min(axis=-1)


def arb_enclosures(flint, kernel, lo, hi):
    """Per box: arb's lower bound of the slack (worst candidate, worst i) and the width of its
    enclosures of T; the same formula as the kernel, one ball operation at a time."""
    arb = flint.arb

    def ball(a, b):
        return arb(float(a)).union(arb(float(b)))

    centres = kernel.centres.tolist()
    m_, i_, d_ = kernel.M.lo.shape
    M = [[[ball(kernel.M.lo[j, i, k], kernel.M.hi[j, i, k]) for k in range(d_)]
          for i in range(i_)] for j in range(m_)]
    R2 = [[ball(kernel.R2.lo[j, i], kernel.R2.hi[j, i]) for i in range(i_)] for j in range(m_)]
    C = [[ball(kernel.C.lo[j, i], kernel.C.hi[j, i]) for i in range(i_)] for j in range(m_)]
    P = [[ball(kernel.P.lo[j, k], kernel.P.hi[j, k]) for k in range(d_)] for j in range(m_)]
    gap = ball(kernel.gap.lo, kernel.gap.hi)
    lower, widths = np.empty(lo.shape[0]), []
    for b in range(lo.shape[0]):
        X = [ball(lo[b, k], hi[b, k]) for k in range(d_)]
        q = [(-sum(((X[k] - centres[i][k]) ** 2 for k in range(d_)), arb(0))).exp()
             for i in range(i_)]
        d2 = [sum(((X[k] - P[j][k]) ** 2 for k in range(d_)), arb(0)) for j in range(m_)]
        best_hi = min(float(v.upper()) for v in d2)
        worst = np.inf
        for j in range(m_):
            if float(d2[j].lower()) > best_hi:
                continue  # never nearest in this box
            for i in range(i_):
                D = sum(((X[k] - M[j][i][k]) ** 2 for k in range(d_)), arb(0)) - R2[j][i]
                T = q[i] * D * 2 + q[i] * gap + C[j][i]
                worst = min(worst, float(T.lower()))
                widths.append(float(T.upper()) - float(T.lower()))
        lower[b] = worst
    return lower, float(np.median(widths))


def _our_widths(kernel, lo, hi):
    T, cand = kernel.slack(lo, hi)
    w = (T.hi - T.lo)[np.broadcast_to(cand[..., None], T.lo.shape)]
    return float(np.median(w))


def _case(f, kernel, flint, N, args) -> dict:
    lo, hi = _boxes(f, N)
    t = interleaved({"ours": lambda: ours(kernel, lo, hi),
                     "limit": lambda: limit(kernel, lo, hi)}, repeat=args.repeat)
    lower, _ = ours(kernel, lo, hi)
    point = limit(kernel, lo, hi)
    assert np.all(lower <= point + 1e-12 * np.abs(point)), "an enclosure misses the centre"
    r = {"boxes": N, "ours_s": t["ours"], "limit_s": t["limit"],
         "ours_peak": peak_bytes(lambda: ours(kernel, lo, hi)),
         "width_ours": _our_widths(kernel, lo[:2000], hi[:2000])}
    if flint is not None:
        m = min(args.peer_boxes, N)
        t_arb = interleaved({"arb": lambda: arb_enclosures(flint, kernel, lo[:m], hi[:m])},
                            repeat=1)["arb"] * N / m
        a_lower, a_width = arb_enclosures(flint, kernel, lo[:m], hi[:m])
        assert np.all(a_lower <= point[:m] + 1e-12 * np.abs(point[:m]))
        r.update(arb_s=t_arb, width_arb=a_width)
    return r


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--boxes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--peer-boxes", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    limit_threads(1)
    f, kernel = _kernel()
    try:
        import flint  # optional: the peer
    except ImportError:
        flint = None
        print("peer python-flint arb: skipped (python-flint not installed)")
    print(f"interval slack of example2 at (α, β) = ({ALPHA:g}, {BETA:g}), one thread; "
          f"{load_note()}")
    print(f"{'boxes':>8} {'ours':>9} {'limit':>9} {'ours/limit':>10} {'arb':>10} "
          f"{'arb/ours':>9} {'ours peak':>10} {'width ours':>11} {'width arb':>10}")
    out = []
    for N in args.boxes:
        r = _case(f, kernel, flint, N, args)
        out.append(r)
        print(f"{N:>8} {r['ours_s']:>8.3f}s {r['limit_s']:>8.3f}s "
              f"{r['ours_s'] / r['limit_s']:>9.2f}x "
              + (f"{r['arb_s']:>9.2f}s {r['arb_s'] / r['ours_s']:>8.0f}x " if "arb_s" in r
                 else f"{'—':>10} {'—':>9} ")
              + f"{fmt_bytes(r['ours_peak']):>10} {r['width_ours']:>11.3g} "
              + (f"{r['width_arb']:>10.3g}" if "width_arb" in r else f"{'—':>10}"), flush=True)
    return {"rows": out}


if __name__ == "__main__":
    main()
