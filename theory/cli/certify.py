"""``toylands certify`` and ``toylands region`` (README "Command line").

    toylands certify NAME --alpha A --beta B [--method M] [--box LO HI] [--json]
        -> {"verdict", "min_slack", "worst_point", "method", "domain", ...}
    toylands region NAME [--box LO HI] [--json]
        -> {"alpha_min", "frontier": [[alpha, beta_min], ...], "paper_claim", ...}

The frontier covers α from ``alpha_min`` to at least ``10·alpha_min``.
"""

from __future__ import annotations

import math

import toylands

from .common import UserError, add_landscape_args, landscape_from_args, parse_sets

__all__ = ["add_parser"]


def _landscape(args):
    params = parse_sets(args.set)
    if args.landscape or not args.name:  # a user's landscape, or the error that names neither
        return landscape_from_args(args, params=params)
    if args.seed is not None:
        from toylands import _registry

        entry = {e.name: e for e in _registry.entries()}.get(args.name)
        if entry is not None and "seed" in entry.parameters:
            params.setdefault("seed", args.seed)
    return toylands.get(args.name, **params)


def _box(args, land):
    if args.box is None:
        return None
    lo, hi = args.box
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise UserError(f"--box needs finite bounds, got {lo} {hi}")
    if not lo < hi:
        raise UserError(f"--box is empty or inverted: {lo} >= {hi}")
    return toylands.Box.cube(lo, hi, land.dim)


def _finite(v):
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _certify(args):
    from ..certification import certify

    land = _landscape(args)
    cert = certify(
        land,
        args.alpha,
        args.beta,
        method=args.method,
        domain=_box(args, land),
        budget=args.budget,
        rng=0 if args.seed is None else args.seed,
        quiet=args.quiet,
    )
    out = cert.to_json()
    out["landscape"] = land.name
    out["alpha"], out["beta"] = args.alpha, args.beta
    return out


def _box_text(dom) -> str:
    """``[lo, hi]^d`` for a cube, the per-axis bounds otherwise (never a misleading cube)."""
    if not isinstance(dom, dict):
        return str(dom)
    lo, hi = dom["lo"], dom["hi"]
    if len(set(lo)) == 1 and len(set(hi)) == 1:
        return f"[{lo[0]:g}, {hi[0]:g}]^{len(lo)}"
    return " × ".join(f"[{a:g}, {b:g}]" for a, b in zip(lo, hi))


def _certify_human(res):
    wp = res["worst_point"]
    wp = "-" if wp is None else "[" + ", ".join(f"{v:.6g}" for v in wp[:6]) + (
        ", …]" if len(wp) > 6 else "]")
    dom = res["domain"]
    box = _box_text(dom)
    lines = [
        f"{res['landscape']}: alpha = {res['alpha']:g}, beta = {res['beta']:g} on {box}",
        f"  verdict   : {res['verdict']}  (method {res['method']})",
        f"  min slack : {res['min_slack']!r} at {wp}",
        f"  budget    : {res['budget']}",
    ]
    if res.get("reason"):
        lines.append(f"  reason    : {res['reason']}")
    return "\n".join(lines)


def _region(args):
    from ..certification import region_map

    land = _landscape(args)
    reg = region_map(
        land,
        domain=_box(args, land),
        budget=args.budget,
        rng=0 if args.seed is None else args.seed,
        quiet=args.quiet,
    )
    out = reg.to_json()
    out["landscape"] = land.name
    out["domain"] = reg.info.get("domain")
    out["refinement"] = {k: reg.info[k] for k in ("rounds", "moved", "points", "seconds")}
    out["method"] = "exact region over samples, refined adversarially (holds on samples)"
    out["asymptote"] = [_finite(v) for v in out["asymptote"]] if out["asymptote"] else None
    if args.exact:
        _exact(args, land, out)
    return out


def _exact(args, land, out):
    """Replace the sampled frontier by the exact symbolic one (valley landscapes)."""
    import sys

    from ..certification.symbolic import exact_region

    if not args.quiet:
        print(f"region {land.name}: exact symbolic region (sympy; can take tens of seconds)",
              file=sys.stderr, flush=True)
    try:
        ex = exact_region(land, _box(args, land) or land.domain)
    except ValueError as exc:
        raise UserError(f"--exact: {exc}") from None
    sampled = {k: out[k] for k in ("alpha_min", "frontier", "vertices", "best_pairs")}
    ej = ex.to_json()
    out["sampled"] = sampled
    out["alpha_min"] = ej["alpha_min"]
    out["alpha_min_exact"] = ej["alpha_min_exact"]
    out["frontier"] = ej["frontier"]
    out["method"] = ("exact (theory.certification.symbolic.exact_region: sympy, certified root "
                     "isolation)")
    claim = out.get("paper_claim")
    if claim and claim.get("alpha") is not None:
        out["paper_claim_inside"] = bool(ex.contains(claim["alpha"], claim["beta"]))


def _region_human(res):
    lines = [f"{res['landscape']}: feasible (alpha, beta) region ({res['method']})"]
    a0 = res["alpha_min"]
    lines.append(f"  alpha_min : {a0!r}" if a0 is not None else "  region is empty")
    claim = res.get("paper_claim")
    if claim:
        pair = "" if claim["alpha"] is None else f" -> ({claim['alpha']:.6g}, {claim['beta']:.6g})"
        lines.append(f"  paper     : {claim['rule']}{pair}; inside: {res['paper_claim_inside']}")
    for k, v in res.get("best_pairs", {}).items():
        if "alpha" in v:
            lines.append(
                f"  best Thm {k}: alpha = {v['alpha']:.6g}, beta = {v['beta']:.6g}, "
                f"term = {v['value']:.6g}"
            )
    lines.append("  frontier (alpha, beta_min):")
    fr = res["frontier"]
    step = max(1, len(fr) // 16)
    for a, b in fr[::step]:
        lines.append(f"    {a:14.6g} {b:14.6g}")
    return "\n".join(lines)


def _common(p):
    add_landscape_args(p)
    p.add_argument("--box", nargs=2, type=float, metavar=("LO", "HI"), help="the cube [LO, HI]^d")
    p.add_argument("--budget", type=int, help="sample points (and search evaluations / boxes)")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")


def add_parser(sub):
    p = sub.add_parser("certify", help="certify or refute the alpha-beta-condition")
    _common(p)
    p.add_argument("--alpha", type=float, required=True)
    p.add_argument("--beta", type=float, required=True)
    p.add_argument(
        "--method",
        choices=["sample", "adversarial", "interval", "symbolic"],
        help="default: the strongest available for the landscape",
    )
    p.set_defaults(func=_certify, human=_certify_human)
    p = sub.add_parser("region", help="the feasible (alpha, beta) region and its frontier")
    _common(p)
    p.add_argument("--exact", action="store_true",
                   help="exact symbolic frontier where it exists (example1, remark1-valley)")
    p.set_defaults(func=_region, human=_region_human)
