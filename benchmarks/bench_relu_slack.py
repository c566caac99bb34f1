"""The α-β slack inputs on two-layer-relu: n=256, d=10, k=32, 1000 points.

The inputs are ``f_i(x)``, ``f_i(x_p)`` and ``<∇f_i(x), x − x_p>`` for all i (MATHEMATICS.md §2).
Compared:

- ``vectorised``: ``losses(x)``, ``losses(x_p)``, ``directional(x, x − x_p)``;
- (a) a per-point, per-sample Python loop, two versions, both timed on a subset of points and
  scaled linearly: (a1) through the landscape's own per-sample API (``loss_at``, ``grad_at``),
  what a user without ``directional`` writes; (a2) hand-written numpy per sample, vectorised over
  the hidden units only (the stronger baseline);
- (b) a per-sample torch autograd loop (skipped when torch is absent);
- (c) the three batched products ``X W_xᵀ``, ``X W_pᵀ``, ``X δWᵀ`` that any implementation must
  do (the limit).

The projection (1000 linear assignments) is timed on its own line. Targets: ≥ 100× faster than
(a), within 5× of (c). Run: ``python -m benchmarks.bench_relu_slack``.
"""

from __future__ import annotations

import argparse

import numpy as np

from benchmarks._timing import best_time, report_ratio
from toylands.orbits import split_units
from toylands.relu_net import two_layer_relu

__all__ = ["main"]


def _loop_inputs(f, x, xp):
    """Reference (a): every point, every sample, in Python."""
    k, d = f.k, f.d
    out = np.empty((len(x), f.n, 3))
    for p in range(len(x)):
        W, v = split_units(x[p], k, d)
        Wp, vp = split_units(xp[p], k, d)
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
            out[p, i, 0] = np.logaddexp(0.0, -m) + reg
            out[p, i, 1] = np.logaddexp(0.0, -mp) + regp
            out[p, i, 2] = -yi / (1.0 + np.exp(m)) * dout + dreg
    return out


def _api_loop_inputs(f, x, xp):
    """Reference (a1): the per-sample public API, one call per point and sample."""
    out = np.empty((len(x), f.n, 3))
    for p in range(len(x)):
        for i in range(f.n):
            out[p, i, 0] = f.loss_at(x[p], i)
            out[p, i, 1] = f.loss_at(xp[p], i)
            out[p, i, 2] = f.grad_at(x[p], i) @ (x[p] - xp[p])
    return out


def _torch_inputs(torch, f, x, xp):
    """Reference (b): per-sample autograd (one backward per sample, batched over points)."""
    X = torch.tensor(f.data)
    Y = torch.tensor(f.labels)
    th = torch.tensor(x, requires_grad=True)
    thp = torch.tensor(xp)
    k, d = f.k, f.d

    def loss_i(t, i):
        W = t[:, : k * d].reshape(-1, k, d)
        v = t[:, k * d :]
        m = Y[i] * (torch.relu(W @ X[i]) * v).sum(-1)
        reg = f.lam1 * (v * v).sum(-1) + f.lam2 * (W * W).sum((-2, -1))
        return torch.nn.functional.softplus(-m) + reg

    out = []
    for i in range(f.n):
        li = loss_i(th, i)
        (g,) = torch.autograd.grad(li.sum(), th)
        with torch.no_grad():
            lp = loss_i(thp, i)
            out.append(torch.stack([li.detach(), lp, (g * (th - thp)).sum(-1)], -1))
    return torch.stack(out, -2)


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=1000)
    ap.add_argument("--loop-points", type=int, default=10, help="points timed for (a)")
    ap.add_argument("--starts", type=int, default=1, help="global-search starts of the landscape")
    args = ap.parse_args(argv)
    f = two_layer_relu(n=256, d=10, k=32, starts=args.starts)
    rng = np.random.default_rng(0)
    x = f.minimizers.base + 0.5 * rng.normal(size=(args.points, f.dim))
    xp = f.project(x)

    def fast():
        f.losses(x)
        f.losses(xp)
        f.directional(x, x - xp)

    W, _ = split_units(x, f.k, f.d)
    Wp, _ = split_units(xp, f.k, f.d)
    dW = W - Wp
    XT = f.data

    def limit():
        XT @ np.swapaxes(W, -1, -2)
        XT @ np.swapaxes(Wp, -1, -2)
        XT @ np.swapaxes(dW, -1, -2)

    # Correctness of the fast path against the loop on a few points first.
    m = args.loop_points
    ref = _loop_inputs(f, x[:m], xp[:m])
    got = np.stack([f.losses(x[:m]), f.losses(xp[:m]), f.directional(x[:m], x[:m] - xp[:m])], -1)
    err = float(np.max(np.abs(ref - got)))
    err_api = float(np.max(np.abs(_api_loop_inputs(f, x[:2], xp[:2]) - got[:2])))
    t_fast = best_time(fast)
    t_lim = best_time(limit)
    t_loop = best_time(lambda: _loop_inputs(f, x[:m], xp[:m]), repeat=1) * len(x) / m
    m_api = max(m // 5, 1)
    t_api = best_time(lambda: _api_loop_inputs(f, x[:m_api], xp[:m_api]), repeat=1)
    t_api *= len(x) / m_api
    t_proj = best_time(lambda: f.project(x), repeat=1)
    print(f"two-layer-relu n=256 d=10 k=32, {len(x)} points; max |fast - loop| = {err:.1e}, "
          f"max |fast - API loop| = {err_api:.1e}")
    rows = [
        report_ratio("(a1) per-point per-sample loop over loss_at/grad_at", t_fast, t_api,
                     target=100),
        report_ratio("(a2) per-point per-sample hand-written numpy loop", t_fast, t_loop,
                     target=100),
    ]
    try:
        import torch  # optional extra

        t_torch = best_time(lambda: _torch_inputs(torch, f, x, xp), repeat=1)
        rows.append(report_ratio("(b) per-sample torch autograd loop", t_fast, t_torch))
    except ImportError:
        print("(b) per-sample torch autograd loop: skipped (torch not installed)")
    within = t_fast / t_lim
    flag = "  ok" if within <= 5 else "  ABOVE TARGET 5x"
    print(f"{'(c) batched matrix products (the limit)':<52} {t_lim * 1e3:10.2f} ms; "
          f"vectorised is {within:.2f}x the limit{flag}")
    print(f"{'projection (1000 linear assignments, k = 32)':<52} {t_proj * 1e3:10.2f} ms")
    print(f"{'bound: (a2) / (c), the best any implementation can reach':<52} "
          f"{t_loop / t_lim:10.1f}x")
    return {"rows": rows, "limit_s": t_lim, "loop_over_limit": t_loop / t_lim, "fast_s": t_fast,
            "x_limit": within, "projection_s": t_proj, "max_abs_err": err}


if __name__ == "__main__":
    main()
