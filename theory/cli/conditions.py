"""``toylands conditions``: the α-β region, PL, δ-PL, PL*, Aiming and QCvx side by side.

    toylands conditions NAME [--box LO HI] [--points N] [--delta D] [--no-prove] [--json]
        -> {"landscape", "domain", "alpha_beta", "PL", "delta_PL", "PL_star", "aiming", "QCvx"}

Each condition has ``verdict`` (proved / holds_on_samples / fails / not applicable),
``constant`` and ``witness`` (theory.studies.conditions_table, MATHEMATICS.md §2–§3).
"""

from __future__ import annotations

import math

import toylands

from .common import UserError, add_landscape_args, landscape_from_args

__all__ = ["add_parser"]


def _conditions(args):
    from ..studies.conditions_table import conditions_table

    land = landscape_from_args(args, seed_param=_takes_seed(args))
    box = None
    if args.box is not None:
        lo, hi = args.box
        if not (math.isfinite(lo) and math.isfinite(hi)) or not lo < hi:
            raise UserError(f"--box needs finite LO < HI, got {lo} {hi}")
        box = toylands.Box.cube(lo, hi, land.dim)
    if args.points < 16:
        raise UserError("--points must be >= 16")
    if not 1.0 <= args.delta <= 2.0:
        raise UserError(f"--delta must lie in [1, 2], got {args.delta}")
    table = conditions_table(land, domain=box, points=args.points, rng=0, delta=args.delta,
                             prove=not args.no_prove)
    out = table.to_json()
    out["text"] = str(table)
    return out


def _takes_seed(args) -> bool:
    if args.landscape or args.seed is None:
        return False
    from toylands import _registry

    entry = {e.name: e for e in _registry.entries()}.get(args.name)
    return entry is not None and "seed" in entry.parameters


def _human(res):
    return res["text"]


def add_parser(sub):
    p = sub.add_parser("conditions",
                       help="alpha-beta region, PL, delta-PL, PL*, Aiming, QCvx side by side")
    add_landscape_args(p)
    p.add_argument("--box", nargs=2, type=float, metavar=("LO", "HI"), help="the cube [LO, HI]^d")
    p.add_argument("--points", type=int, default=4000, help="sample points (default 4000)")
    p.add_argument("--delta", type=float, default=1.0, help="delta of the delta-PL row (1..2)")
    p.add_argument("--no-prove", dest="no_prove", action="store_true",
                   help="do not certify the alpha-beta pair rigorously")
    p.set_defaults(func=_conditions, human=_human)
