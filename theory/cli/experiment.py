"""``toylands experiment NAME [--device cpu|cuda] [--quick] [--json]``: the paper's §5 at toy
scale (``theory.studies.experiments``; needs the ``torch`` extra)."""

from __future__ import annotations

import sys

from .common import UserError

__all__ = ["add_parser"]


def _run(args):
    from ..studies.experiments import EXPERIMENTS, run
    from ..studies.experiments.claims import claims

    if args.name not in EXPERIMENTS:
        raise UserError(f"unknown experiment {args.name!r}; known: {', '.join(EXPERIMENTS)}")

    def progress(msg):
        if not args.quiet:
            print(msg, file=sys.stderr, flush=True)

    res = run(args.name, quick=args.quick, device=args.device, seed=args.seed,
              progress=progress, threads=args.threads or None)
    res["device"] = args.device
    res["claims"] = claims(args.name, res)
    return res


def _human(res):
    lines = [f"experiment {res['experiment']} on {res['device']}"]
    for key in ("rows",):
        for r in res.get(key, []):
            lines.append("  " + ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                                           for k, v in r.items()))
    for c in res["claims"]:
        lines.append(f"  [{c['verdict']}] {c['claim']}\n      {c['measured']}")
    return "\n".join(lines)


def add_parser(sub):
    p = sub.add_parser("experiment", help="the paper's §5 experiments on small networks (torch)")
    p.add_argument("name", help="mlp-width, batch-size, table2 or teacher-student")
    p.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    p.add_argument("--quick", action="store_true", help="the smallest meaningful sizes")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1,
                   help="torch CPU threads (default 1: the networks are tiny; 0: torch's own)")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(func=_run, human=_human)
