"""The α-β slack rows on two-layer-relu (d = 10, k = 32): time and memory against the limit and
against a strong user's torch, at 10³–10⁵ points and n = 256–4096 samples.

The rows are ``f_i(x)``, ``f_i(x_p)`` and ``<∇f_i(x), x − x_p>`` for all i (MATHEMATICS.md §2),
given the projections ``x_p``; the projection is timed on its own line. Compared:

- ``ours``: ``losses_and_directional(x, x − x_p)`` and ``losses(x_p)``, what ``alpha_beta_rows``
  calls (blocks of points, the forward product shared);
- ``limit``: the three products ``W Xᵀ``, ``W_p Xᵀ``, ``(v∘δW + δv∘W) Xᵀ`` that any
  implementation needs, each one BLAS call per block of points into a reused buffer (the best
  block of a scan), and nothing else;
- ``peer``: ``torch.func.jvp`` under ``torch.func.vmap`` (``chunk_size`` the best of a scan), the
  loss written once in torch with ``logaddexp`` as ours (skipped without torch);
- a per-point, per-sample numpy loop (timed on a few points, scaled): the speed-up over it.

Every number is single-threaded (one BLAS thread, one torch thread). Times are the best of
``--repeat`` interleaved runs; peak memory is what a call adds, measured in a forked child.
Targets: ours ≤ 3× the limit at every size. Run ``python -m benchmarks.bench_relu_slack``
(``--quick`` for a short run).
"""

from __future__ import annotations

import argparse

import numpy as np

from benchmarks._timing import _trim, fmt_bytes, interleaved, limit_threads, load_note, peak_bytes
from toylands.orbits import split_units

__all__ = ["main", "net"]

D, K = 10, 32
TARGET = 3.0


def net(n: int, *, seed: int = 3):
    """A two-layer-relu of the benchmark's size with its kernels only (no global search: the
    rows' cost does not depend on where S is); the data are the factory's."""
    from toylands.relu_net import TwoLayerNet, _default_data

    X, y = _default_data(n, D, seed)
    f = TwoLayerNet.__new__(TwoLayerNet)
    f.data, f.labels, f.k, f.d, f.n = np.ascontiguousarray(X), y, K, D, n
    f.activation, f.loss, f.lam1, f.lam2 = "relu", "logistic", 0.03, 0.03
    f.dim = K * (D + 1)
    return f


def _points(f, N, seed=0):
    rng = np.random.default_rng(seed)
    base = rng.normal(size=f.dim) / np.sqrt(D)
    x = base + 0.5 * rng.normal(size=(N, f.dim))
    xp = base + 0.05 * rng.normal(size=(N, f.dim))
    return x, xp


def ours(f, x, xp):
    """What ``theory.conditions.alpha_beta_rows`` calls for one candidate per point."""
    fx, fp, a = f.slack_terms(x, xp)
    return fx, fp, a


def limit(f, x, xp, block):
    """The three products, blocked, into one reused buffer."""
    W, v = split_units(x, f.k, f.d)
    Wp, vp = split_units(xp, f.k, f.d)
    XT = f.data.T
    buf = np.empty((block * f.k, f.n))
    for lo in range(0, x.shape[0], block):
        b = min(block, x.shape[0] - lo)
        Wb, vb, Wpb = W[lo : lo + b], v[lo : lo + b], Wp[lo : lo + b]
        U = vb[..., None] * (Wb - Wpb) + (vb - vp[lo : lo + b])[..., None] * Wb
        for A in (Wb, Wpb, U):
            np.matmul(A.reshape(-1, f.d), XT, out=buf[: b * f.k])


def torch_rows(torch, f, chunk):
    """``rows(x, xp) -> (f(x), f(xp), JVP)`` with ``torch.func.jvp`` under ``vmap``."""
    from torch.func import jvp, vmap

    X = torch.from_numpy(f.data)
    y = torch.from_numpy(f.labels)
    k, d, l1, l2 = f.k, f.d, f.lam1, f.lam2
    zero = torch.zeros((), dtype=torch.float64)

    def loss(theta):
        W, v = theta[: k * d].reshape(k, d), theta[k * d :]
        out = torch.relu(X @ W.T) @ v
        return torch.logaddexp(zero, -y * out) + l1 * (v * v).sum() + l2 * (W * W).sum()

    fused = vmap(lambda t, u: jvp(loss, (t,), (u,)), chunk_size=chunk)
    plain = vmap(loss, chunk_size=chunk)

    def rows(x, xp):
        tx, tp = torch.from_numpy(x), torch.from_numpy(xp)
        with torch.no_grad():
            fx, a = fused(tx, tx - tp)
            fp = plain(tp)
        return fx.numpy(), fp.numpy(), a.numpy()

    return rows


def scan(repeat: int) -> dict:
    """Ours at block budgets of 0.5–16 MiB against the best blocked limit, n = 256 and 4096."""
    from toylands import _blocks

    limit_threads(1)
    saved, out = _blocks.BLOCK_BYTES, {}
    try:
        for n, N in ((256, 1_000), (4096, 200)):
            f = net(n)
            x, xp = _points(f, N)

            def run(budget, f=f, x=x, xp=xp):
                _blocks.BLOCK_BYTES = budget
                ours(f, x, xp)

            budgets = [1 << s for s in range(19, 25)]
            fns = {b: (lambda b=b: run(b)) for b in budgets}
            fns.update({f"limit {b}": (lambda b=b, f=f, x=x, xp=xp: limit(f, x, xp, b))
                        for b in (4, 8, 16)})
            t = interleaved(fns, repeat=repeat)
            lim = min(v for k, v in t.items() if isinstance(k, str))
            print(f"n = {n}, {N} points: ours / limit at block budgets "
                  + ", ".join(f"{b >> 10} KiB {t[b] / lim:.2f}x" for b in budgets))
            out[n] = {b: t[b] / lim for b in budgets}
    finally:
        _blocks.BLOCK_BYTES = saved
    return out


def _loop(f, x, xp):
    """Per point, per sample, in numpy (a user without a batched JVP)."""
    out = np.empty((len(x), f.n, 3))
    for p in range(len(x)):
        W, v = split_units(x[p], f.k, f.d)
        Wp, vp = split_units(xp[p], f.k, f.d)
        dW, dv = W - Wp, v - vp
        reg = f.lam1 * v @ v + f.lam2 * np.sum(W * W)
        regp = f.lam1 * vp @ vp + f.lam2 * np.sum(Wp * Wp)
        dreg = 2 * f.lam1 * v @ dv + 2 * f.lam2 * np.sum(W * dW)
        for i in range(f.n):
            xi, yi = f.data[i], f.labels[i]
            z = W @ xi
            m = yi * (v @ np.maximum(z, 0.0))
            mp = yi * (vp @ np.maximum(Wp @ xi, 0.0))
            dout = v @ ((z >= 0) * (dW @ xi)) + dv @ np.maximum(z, 0.0)
            out[p, i] = (np.logaddexp(0.0, -m) + reg, np.logaddexp(0.0, -mp) + regp,
                         -yi / (1.0 + np.exp(m)) * dout + dreg)
    return out


def _best_block(f, x, xp, repeat):
    t = interleaved({b: (lambda b=b: limit(f, x, xp, b)) for b in (4, 8, 16, 32, 64)},
                    repeat=repeat)
    return min(t, key=t.get)


def _best_chunk(torch, f, x, xp, repeat):
    fns = {c: torch_rows(torch, f, c) for c in (16, 128, 1024)}
    t = interleaved({c: (lambda r=r: r(x, xp)) for c, r in fns.items()}, repeat=repeat)
    return min(t, key=t.get)


def _case(f, N, block, peer, repeat, memory):
    x, xp = _points(f, N)
    fns = {"ours": lambda: ours(f, x, xp), "limit": lambda: limit(f, x, xp, block)}
    if peer is not None:
        fns["peer"] = lambda: peer(x, xp)
    t = interleaved(fns, repeat=repeat)
    row = {"points": N, "n": f.n, **{f"{k}_s": v for k, v in t.items()}}
    row["out_bytes"] = 3 * N * f.n * 8
    if memory:
        row["ours_peak"] = _peak(fns["ours"])
        if peer is not None:
            row["peer_peak"] = _peak(fns["peer"])
    return row


def _peak(fn) -> int:
    """``peak_bytes(fn)`` after giving the heap's free pages back: a forked child starts with
    its parent's resident size as its high-water mark, so memory the parent freed but kept (the
    timing runs before, torch's above all) would be reported as the child's peak (2.49 GB for
    ours at n = 4096, torch's own peak, in one run) however little the call adds."""
    _trim()
    return peak_bytes(fn)


def _check(f, peer, N=64):
    x, xp = _points(f, N, seed=1)
    got = np.stack(ours(f, x, xp), -1)
    ref = _loop(f, x[:4], xp[:4])
    err = float(np.max(np.abs(got[:4] - ref) / (1.0 + np.abs(ref))))
    perr = None
    if peer is not None:
        perr = float(np.max(np.abs(got - np.stack(peer(x, xp), -1)) / (1.0 + np.abs(got))))
    return err, perr


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, nargs="+", default=[1_000, 10_000, 100_000],
                    help="point counts at n = 256")
    ap.add_argument("--n", type=int, nargs="+", default=[256, 1024, 4096],
                    help="sample counts at --n-points points")
    ap.add_argument("--n-points", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-peer", action="store_true", help="skip torch")
    ap.add_argument("--no-memory", action="store_true", help="skip the peak-memory probes")
    ap.add_argument("--quick", action="store_true", help="small sizes, one repeat")
    ap.add_argument("--scan", action="store_true",
                    help="only scan toylands._blocks.BLOCK_BYTES (ours against the limit)")
    args = ap.parse_args(argv)
    if args.scan:
        return scan(args.repeat)
    if args.quick:
        args.points, args.n, args.n_points, args.repeat = [1_000, 10_000], [256, 1024], 2_000, 2
    torch = None
    if not args.no_peer:
        try:
            import torch  # optional extra: the peer
        except ImportError:
            print("peer torch.func.jvp under vmap: skipped (torch not installed)")
    limit_threads(1)
    print(f"two-layer-relu rows (d = {D}, k = {K}), one thread; {load_note()}")
    f256 = net(256)
    x, xp = _points(f256, 1_000)
    block = _best_block(f256, x, xp, args.repeat)
    chunk = _best_chunk(torch, f256, x, xp, args.repeat) if torch is not None else None
    err, perr = _check(f256, torch_rows(torch, f256, chunk) if torch else None)
    print(f"max relative error: ours vs per-sample loop {err:.1e}"
          + ("" if perr is None else f", ours vs torch {perr:.1e}")
          + f"; limit block {block} points" + ("" if chunk is None else f", torch chunk {chunk}"))
    cases = [(256, N) for N in args.points] + [(n, args.n_points) for n in args.n if n != 256]
    if 256 in args.n and args.n_points not in args.points:
        cases.append((256, args.n_points))
    rows, nets = [], {256: f256}
    head = (f"{'points':>8} {'n':>5} {'ours':>9} {'limit':>9} {'ours/limit':>10} "
            f"{'torch':>9} {'torch/ours':>10} {'µs/point':>9} {'ours peak':>10} "
            f"{'torch peak':>10} {'output':>9}")
    print(head)
    for n, N in cases:
        f = nets.setdefault(n, net(n))
        peer = torch_rows(torch, f, chunk) if torch is not None else None
        r = _case(f, N, block, peer, args.repeat if N < 100_000 else max(args.repeat - 1, 1),
                  not args.no_memory)
        r["ratio_limit"] = r["ours_s"] / r["limit_s"]
        r["ratio_peer"] = r["peer_s"] / r["ours_s"] if "peer_s" in r else None
        rows.append(r)
        flag = "" if r["ratio_limit"] <= TARGET else f"  ABOVE TARGET {TARGET:g}x"
        print(f"{N:>8} {n:>5} {r['ours_s']:>8.3f}s {r['limit_s']:>8.3f}s "
              f"{r['ratio_limit']:>9.2f}x "
              + (f"{r['peer_s']:>8.3f}s {r['ratio_peer']:>9.2f}x " if "peer_s" in r
                 else f"{'—':>9} {'—':>10} ")
              + f"{r['ours_s'] / N * 1e6:>9.1f} "
              + f"{fmt_bytes(r.get('ours_peak', 0)):>10} {fmt_bytes(r.get('peer_peak', 0)):>10} "
              + f"{fmt_bytes(r['out_bytes']):>9}{flag}", flush=True)
    x, xp = _points(f256, 20)
    t_loop = min(interleaved({"loop": lambda: _loop(f256, x[:4], xp[:4])}, repeat=1).values())
    t_small = interleaved({"ours": lambda: ours(f256, x, xp)}, repeat=args.repeat)["ours"]
    print(f"per-point per-sample numpy loop: {t_loop / 4 * 1e3:.1f} ms a point, "
          f"{t_loop / 4 / (t_small / 20):.0f}x ours (20 points)")
    return {"rows": rows, "block": block, "chunk": chunk, "max_err": err, "peer_err": perr,
            "loop_s_per_point": t_loop / 4}


if __name__ == "__main__":
    main()
