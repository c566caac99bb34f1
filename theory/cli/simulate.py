"""``toylands simulate`` and ``toylands check`` (MATHEMATICS.md §5, §6; README "Command line").

    toylands simulate NAME --optimizer OPT [--gamma G ...] --runs R --steps K --seed S
                      [--device cpu|cuda [--dtype float64|float32]] [--json]
    toylands check NAME --theorem N [--gamma G] [...] [--json]

``simulate --device`` steps the runs as one torch tensor on that device (the landscapes with
torch kernels; ``theory.optim.simulate``); without it, numpy. The same seed draws the same
starting points and indices either way. ``--device cuda`` without a GPU is a one-line error.

``check`` picks hypothesis-satisfying settings by default ((α, β) from the certified side of the
region, with its verdict and method; the step at ``--scale`` times the largest allowed) and
reports every constant it used.
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np

import toylands

from ..optim import compare as C
from ..optim import optimizers as O
from ..optim.arrays import arrays_for, torch_threads
from ..optim.grid import fmt_num, fmt_pair, row_verdict
from ..optim.simulate import initial_points, simulate
from .common import UserError, add_landscape_name, landscape_from_args

__all__ = ["add_parser", "CHECK_KEYS"]

CHECK_KEYS = (
    "theorem", "landscape", "optimizer", "alpha", "beta", "L", "gamma", "steps", "runs",
    "D0_sq", "sigma_int2", "sigma_pos2", "measured", "ci", "bound", "holds", "trivial_bound",
    "vacuous", "bound_over_trivial", "polyak_active_fraction", "hypotheses_ok", "hypotheses",
    "reason", "pair_verdict", "pair_method", "pair_domain", "pair_source", "verdict",
)


def _landscape(args):
    return landscape_from_args(args)


def _box(args, land):
    if args.box is None:
        return None
    lo, hi = args.box
    if not lo < hi:
        raise UserError("--box needs LO < HI")
    return toylands.Box.cube(lo, hi, land.dim)


def _optimizer_params(args, L):
    name = args.optimizer
    g = args.gamma
    if name in ("sgd", "ngn", "ngn-dec"):
        return {"gamma": 1.0 / L if g is None else g}
    if name == "sgd-dec":
        return {"gamma0": 1.0 / L if g is None else g}
    if name == "gd":
        return {"eta": 1.0 / L if g is None else g}
    if name == "sps-max":
        c = 0.5 if args.c is None else args.c
        # twice the floor 1/(2cL) of the Polyak step, so that it binds (MATHEMATICS.md §6)
        return {"c": c, "gamma_b": (1.0 / (c * L) if args.gamma_b is None else args.gamma_b)}
    if name == "dec-sps":
        return {"gamma_b": 1.0 / L if args.gamma_b is None else args.gamma_b,
                "c_scale": 1.0 if args.c_scale is None else args.c_scale}
    g = 1.0 if g is None else g
    return {"gamma": g, "b0": (2 * L * g if args.b0 is None else args.b0)}


def _arrays(args):
    """Where the runs live (checked before any work: a missing GPU or torch is one line)."""
    if args.device is None and args.dtype not in (None, "float64"):
        raise UserError(f"--dtype {args.dtype} needs --device cpu or --device cuda")
    try:
        return arrays_for(args.device, args.dtype)
    except ImportError as exc:
        raise UserError(f"--device {args.device}: {exc}") from None


def _simulate(args):
    arrays = _arrays(args)
    land = _landscape(args)
    if args.runs < 1 or args.steps < 0:
        raise UserError("--runs must be >= 1 and --steps >= 0")
    L = land.smoothness().L
    params = _optimizer_params(args, L)
    opt = O.make(args.optimizer, **params)
    rng = np.random.default_rng(args.seed)
    box = _box(args, land) or C.default_start_box(land)
    x0 = initial_points(land, args.runs, rng, box)
    t0 = time.perf_counter()
    threads = (args.threads or None) if arrays.device is not None else None
    with torch_threads(threads):
        sim = simulate(land, opt, x0, steps=args.steps, rng=rng, quiet=args.quiet,
                       device=arrays.device, dtype=arrays.dtype)
    if not args.quiet:  # wall-clock time on stderr only: the JSON is the same run to run
        rate = args.runs * args.steps / max(time.perf_counter() - t0, 1e-9)
        print(f"simulate: {time.perf_counter() - t0:.2f} s ({rate:,.0f} run-steps/s)",
              file=sys.stderr)
    out = sim.summary()
    out.update(seed=args.seed, L=L, f_star=land.f_star, sigma_int2=land.sigma_int2,
               start_box=box.to_json(), trivial_bound=float(sim.gap_mean[0]),
               device=arrays.label)
    if args.steps >= 1:
        meas = C.measure(sim)
        out.update(measured=meas.measured, ci=list(meas.ci), measured_avg=meas.average)
    return out  # non-finite values: written by the JSON writer as null (theory.cli)


def _params_text(params) -> str:
    return ", ".join(f"{k} = {fmt_num(v)}" for k, v in params.items())


def _ci_text(ci) -> str:
    return "—" if ci is None else f"[{fmt_num(ci[0])}, {fmt_num(ci[1])}]"


def _simulate_human(res):
    lines = [f"{res['optimizer']} ({_params_text(res['params'])}) on {res['landscape']}: "
             f"{res['runs']} runs x {res['steps']} steps, seed {res['seed']}, {res['device']}"]
    lines.append(f"  D0^2 = {fmt_num(res['D0_sq'])}   E[f(x^0) - f*] = "
                 f"{fmt_num(res['trivial_bound'])}   final E[f - f*] = "
                 f"{fmt_num(res['final_gap_mean'])}")
    if "measured" in res:
        lines.append(f"  min_k E[f(x^k) - f*] = {fmt_num(res['measured'])}, 95% band "
                     f"{_ci_text(res['ci'])} (simultaneous over k)")
    if res.get("polyak_active_fraction") is not None:
        lines.append(f"  Polyak step active on {100 * res['polyak_active_fraction']:.1f}% of "
                     "the steps")
    lines.append(f"  diverged {res['n_diverged']}, left domain {res['n_left_domain']}")
    return "\n".join(lines)


def _check(args):
    land = _landscape(args)
    if args.runs < 2 or args.steps < 1:
        raise UserError("--runs must be >= 2 and --steps >= 1")
    if (args.alpha is None) != (args.beta is None):
        raise UserError("give both --alpha and --beta, or neither")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        cmp = C.check(land, args.theorem, alpha=args.alpha, beta=args.beta, scale=args.scale,
                      gamma=args.gamma, c=args.c, gamma_b=args.gamma_b, b0=args.b0,
                      runs=args.runs, steps=args.steps, seed=args.seed, x0_box=_box(args, land),
                      quiet=args.quiet)
    full = cmp.to_json()
    keys = list(CHECK_KEYS)
    if cmp.optimizer == "sps-max":
        keys[keys.index("gamma")] = "c"
        keys.insert(keys.index("c") + 1, "gamma_b")
    if caught:
        full["reason"] = full["reason"] + "; " + "; ".join(str(w.message) for w in caught)
    full["verdict"] = row_verdict(full)
    return {k: full.get(k) for k in keys}


def _check_human(res):
    head = f"Theorem {res['theorem']} ({res['optimizer']}) on {res['landscape']}"
    if res["bound"] is None or res["measured"] is None:
        return f"{head}: refused: {res['reason']}"
    steps = (f"c = {fmt_num(res['c'])}, gamma_b = {fmt_num(res['gamma_b'])}" if "c" in res
             else f"gamma = {fmt_num(res['gamma'])}")
    alpha, beta = res["alpha"], res["beta"]
    lines = [
        head,
        f"  (alpha, beta) = {fmt_pair(alpha, beta)}, alpha - beta = {fmt_num(alpha - beta)}, "
        f"L = {fmt_num(res['L'])}, {steps}",
        f"  the pair: {res['pair_verdict']} by {res['pair_method']} on the domain",
        f"  K = {res['steps']}, runs = {res['runs']}, D0^2 = {fmt_num(res['D0_sq'])}, "
        f"sigma_int^2 = {fmt_num(res['sigma_int2'])}, sigma_pos^2 = {fmt_num(res['sigma_pos2'])}",
        f"  measured min_k E[f(x^k) - f*] = {fmt_num(res['measured'])}, 95% band "
        f"{_ci_text(res['ci'])} (simultaneous over k)",
        f"  bound = {fmt_num(res['bound'])}; trivial bound E[f(x^0) - f*] = "
        f"{fmt_num(res['trivial_bound'])} (bound / trivial = "
        f"{fmt_num(res['bound_over_trivial'], 3)})",
    ]
    if res.get("polyak_active_fraction") is not None:
        lines.append(f"  Polyak step active on {100 * res['polyak_active_fraction']:.1f}% of "
                     "the steps")
    lines.append(f"  -> {res['verdict']}")
    if res["hypotheses_ok"] or "hypothesis fails" not in res["verdict"]:
        lines.append(f"  hypotheses: {res['hypotheses']} ({res['reason']})")
    return "\n".join(lines)


def _common(p):
    add_landscape_name(p)
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="landscape parameter")
    p.add_argument("--seed", type=int, default=0, help="simulation seed (starts and indices)")
    p.add_argument("--runs", type=int, default=200)
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--gamma", type=float, help="step size (gamma0, NGN's gamma, GD's eta)")
    p.add_argument("--c", type=float, help="SPS_max's c (DecSPS: c_0 for check)")
    p.add_argument("--gamma-b", dest="gamma_b", type=float, help="SPS_max / DecSPS gamma_b")
    p.add_argument("--b0", type=float, help="AdaGrad-norm-max b_{-1}")
    p.add_argument("--box", type=float, nargs=2, metavar=("LO", "HI"),
                   help="draw the starting points from the cube [LO, HI]^dim")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")


def add_parser(sub):
    p = sub.add_parser("simulate", help="run an optimizer, many runs at once")
    _common(p)
    p.add_argument("--optimizer", required=True, choices=list(O.OPTIMIZERS))
    p.add_argument("--c-scale", dest="c_scale", type=float, help="DecSPS: c_k = c_scale sqrt(k+1)")
    p.add_argument("--device", choices=("cpu", "cuda"), default=None,
                   help="step the runs as one torch tensor on this device (default: numpy)")
    p.add_argument("--dtype", choices=("float64", "float32"), default=None,
                   help="the iterates' dtype on --device (default float64)")
    p.add_argument("--threads", type=int, default=1,
                   help="torch CPU threads with --device (default 1: the per-step products are "
                        "small; 0: torch's own)")
    p.set_defaults(func=_simulate, human=_simulate_human)
    p = sub.add_parser("check", help="a theorem's bound against simulation")
    _common(p)
    p.add_argument("--theorem", required=True, help="1..7 or C1 (Corollary 1)")
    p.add_argument("--alpha", type=float, help="alpha (default: chosen from the region)")
    p.add_argument("--beta", type=float, help="beta (with --alpha)")
    p.add_argument("--scale", type=float, default=1.0,
                   help="step as a fraction of the largest allowed (default 1)")
    p.set_defaults(func=_check, human=_check_human)
