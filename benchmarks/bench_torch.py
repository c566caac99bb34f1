"""Torch workloads: numpy against torch on the CPU (and CUDA where there is a GPU).

1. ``two-layer-relu`` slack rows at 10⁵ points: ``losses`` + ``directional`` (what
   ``alpha_beta_rows`` evaluates; the projection onto S is host numpy on both paths and is
   left out), in rows per second (points × n);
2. an MLP of ~3·10⁵ parameters on all 1797 digits (``from_module``): per-sample losses and
   ``directional`` (one JVP), rows per second; numpy has no backend for a torch module;
3. 10⁴ runs of mini-batch SGD on ``two-layer-relu`` (``theory.studies.protocol_stream.sgd_run``,
   vectorised over runs), run-steps per second;
4. ``theory.optim.simulate.simulate``: 10⁴ runs of SGD on ``least-squares`` (defaults: n = 20,
   d = 10), numpy (``device=None``) against ``device="cpu"`` (and ``"cuda"``), with the records
   ``check`` keeps (``record=()``, ``dist(x^k, S)`` at the ends), run-steps per second.

``python -m benchmarks.bench_torch [--quick] [--only simulate ...]``. The CUDA column is
skipped, with the reason, where ``torch.cuda.is_available()`` is false. Wall clock, best of 3,
``--threads N``: N BLAS threads for numpy and N torch threads (default: each library's own).
"""

from __future__ import annotations

import argparse

import numpy as np

from benchmarks._timing import best_time, limit_threads

__all__ = ["main"]


def _sync(dev):
    import torch

    if dev == "cuda":
        torch.cuda.synchronize()


def _relu_rows(points, backends):
    import torch

    import toylands

    f = toylands.get("two-layer-relu")
    rng = np.random.default_rng(0)
    x, v = rng.normal(size=(points, f.dim)), rng.normal(size=(points, f.dim))
    out = {}
    for name, conv, dev in backends:
        X, V = conv(x), conv(v)

        def work(X=X, V=V, dev=dev):
            f.losses(X)
            f.directional(X, V)
            _sync(dev)

        work()
        out[name] = points * f.n / best_time(work)
    del torch
    return out


def _mlp_rows(backends, width):
    import torch
    from sklearn.datasets import load_digits

    import toylands

    d = load_digits()
    out, params = {}, None
    for name, _, dev in backends:
        if name.startswith("numpy"):
            out[name] = None
            continue
        dtype = torch.float32 if name.endswith("32") else torch.float64
        torch.manual_seed(0)
        net = torch.nn.Sequential(torch.nn.Linear(64, width), torch.nn.ReLU(),
                                  torch.nn.Linear(width, width), torch.nn.ReLU(),
                                  torch.nn.Linear(width, 10)).to(dtype).to(dev)
        f = toylands.from_module(net, d.data / 16.0, d.target, loss="cross_entropy")
        params = f.dim
        th = f.initial()
        v = torch.randn_like(th)

        def work(th=th, v=v, dev=dev, f=f):
            f.losses(th)
            f.directional(th, v)
            _sync(dev)

        work()
        out[name] = f.n / best_time(work)
    return out, params


def _sgd_steps(runs, steps, backends):
    import toylands
    from theory.studies.protocol_stream import sgd_run

    f = toylands.get("two-layer-relu")
    x0 = np.random.default_rng(0).normal(size=(runs, f.dim))
    out = {}
    for name, conv, dev in backends:
        X0 = conv(x0)

        def work(X0=X0, dev=dev):
            sgd_run(f, X0, gamma=0.05, steps=steps, seed=0, batch=1)
            _sync(dev)

        work()
        out[name] = runs * steps / best_time(work)
    return out


def _simulate_steps(runs, steps, backends):
    import toylands
    from theory.optim import optimizers as O
    from theory.optim.simulate import initial_points, simulate

    f = toylands.get("least-squares")
    opt = O.sgd(0.5 / f.smoothness().L)
    x0 = initial_points(f, runs, np.random.default_rng(0))
    out = {}
    for name, _, dev in backends:
        device = None if name.startswith("numpy") else dev
        dtype = "float32" if name.endswith("32") else None

        def work(device=device, dtype=dtype, dev=dev):
            simulate(f, opt, x0, steps=steps, rng=np.random.default_rng(1), record=(),
                     dist_every=steps, device=device, dtype=dtype)
            _sync(dev)

        work()
        out[name] = runs * steps / best_time(work)
    return out


WORKLOADS = ("relu", "mlp", "sgd", "simulate")


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.bench_torch")
    ap.add_argument("--quick", action="store_true", help="smaller sizes (a smoke run)")
    ap.add_argument("--threads", type=int, default=0,
                    help="BLAS and torch threads (0: each library's own)")
    ap.add_argument("--only", nargs="+", choices=WORKLOADS, default=list(WORKLOADS),
                    help="run only these workloads")
    args = ap.parse_args(argv)
    try:
        import torch
    except ImportError:
        print("torch is not installed: skipped (pip install 'toylands[torch]')")
        return {}
    if args.threads:
        limit_threads(args.threads)  # numpy's BLAS and torch alike
    backends = [
        ("numpy float64", lambda a: a, "cpu"),
        ("torch cpu float64", lambda a: torch.as_tensor(a), "cpu"),
        ("torch cpu float32", lambda a: torch.as_tensor(a, dtype=torch.float32), "cpu"),
    ]
    if torch.cuda.is_available():
        backends.append(("torch cuda float32",
                         lambda a: torch.as_tensor(a, dtype=torch.float32, device="cuda"),
                         "cuda"))
        cuda_note = ""
    else:
        cuda_note = "CUDA: skipped, torch.cuda.is_available() is False (no GPU on this machine)"
    points = 10_000 if args.quick else 100_000
    runs, steps = (1_000, 20) if args.quick else (10_000, 50)
    sim_runs, sim_steps = (1_000, 20) if args.quick else (10_000, 200)
    width = 128 if args.quick else 384
    skipped = dict.fromkeys(b[0] for b in backends)
    relu = _relu_rows(points, backends) if "relu" in args.only else skipped
    mlp, params = _mlp_rows(backends, width) if "mlp" in args.only else (skipped, None)
    sgd = _sgd_steps(runs, steps, backends) if "sgd" in args.only else skipped
    sim = _simulate_steps(sim_runs, sim_steps, backends) if "simulate" in args.only else skipped
    names = [b[0] for b in backends]
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(f"{'workload':<44}" + "".join(f"{n:>20}" for n in names))
    rows = ((f"two-layer-relu rows/s ({points} points)", relu, "relu"),
            (f"MLP {params} params, digits rows/s", mlp, "mlp"),
            (f"SGD run-steps/s ({runs} runs x {steps})", sgd, "sgd"),
            (f"simulate SGD LS run-steps/s ({sim_runs} x {sim_steps})", sim, "simulate"))
    for label, vals, key in rows:
        if key not in args.only:
            continue
        cells = "".join(f"{'n/a' if vals[n] is None else f'{vals[n]:.3g}':>20}" for n in names)
        print(f"{label:<44}{cells}")
    if cuda_note:
        print(cuda_note)
    return {"relu_rows_per_s": relu, "mlp_rows_per_s": mlp, "mlp_params": params,
            "sgd_run_steps_per_s": sgd, "simulate_run_steps_per_s": sim,
            "cuda": cuda_note or "measured"}


if __name__ == "__main__":
    main()
