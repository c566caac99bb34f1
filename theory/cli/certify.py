"""``toylands certify`` and ``toylands region`` (README "Command line").

    toylands certify NAME --alpha A --beta B [--method M] [--box LO HI] [--json]
        -> {"verdict", "min_slack", "worst_point", "method", "domain", ...}
    toylands region NAME [--box LO HI] [--certify] [--json]
        -> {"alpha_min", "frontier": [[alpha, beta_min], ...], "asymptote", "paper_claim",
            "certified_frontier": [[alpha, beta_lo, beta_hi, verdict], ...] or null,
            "best_pairs": {theorem: {"alpha", "beta", "verdict", "method", ...}}, ...}

The region is the sampled region (an outer bound: it contains the true region); its frontier
covers α from ``alpha_min`` to ``max(10·alpha_min, 2·α_paper)``. The best pairs are taken from
the certified side (MATHEMATICS.md §2): proved by the rigorous method where one applies; where
none does, certified by adversarial search (``holds_on_samples``) only with ``--certify``, and
labelled ``not certified`` otherwise. ``--certify`` adds the bracket of the true frontier.
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
    from ..certification.frontier import bracket_alphas, certified_frontier, rigorous_method
    from ..certification.pairs import certified_best_pairs
    from ..region import SAMPLED

    land = _landscape(args)
    box = _box(args, land)
    seed = 0 if args.seed is None else args.seed
    reg = region_map(land, domain=box, budget=args.budget, rng=seed, quiet=args.quiet,
                     keep_points=True)
    box = box or land.domain
    method = rigorous_method(land)
    bracket, pairs, note = None, None, ""
    if args.certify:
        num = args.alphas if args.alphas is not None else (16 if method is not None else 6)
        bracket = certified_frontier(land, bracket_alphas(reg, num), domain=box,
                                     region=reg, rng=seed, quiet=args.quiet)
    if method is not None or args.certify:
        _progress(f"region {land.name}: best pairs on the certified side "
                  f"({method or 'adversarial'})", args.quiet)
        pairs = certified_best_pairs(land, reg, domain=box, bracket=bracket, rng=seed)
    else:
        note = (f"no rigorous method applies to {land.name}: the best pairs are read off the "
                "sampled region and not certified; --certify certifies them by adversarial "
                "search (holds_on_samples)")
    reg = reg.with_certificates(bracket=bracket, pairs=pairs)
    out = reg.to_json()
    out["landscape"] = land.name
    out["domain"] = reg.info.get("domain")
    out["refinement"] = {k: reg.info[k] for k in ("rounds", "moved", "points", "seconds")}
    out["method"] = f"{SAMPLED}, refined adversarially"
    out["asymptote"] = [_finite(v) for v in out["asymptote"]] if out["asymptote"] else None
    if note:
        out["best_pairs_note"] = note
    if args.exact:
        _exact(args, land, out)
    return out


def _progress(msg, quiet):
    import sys

    if not quiet:
        print(msg, file=sys.stderr, flush=True)


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
    sampled = {k: out[k] for k in ("alpha_min", "frontier", "vertices")}
    al = [a for a, _ in out["frontier"] if a is not None and a > ex.alpha_min]
    ej = ex.to_json()
    out["sampled"] = sampled
    out["alpha_min"] = ej["alpha_min"]
    out["alpha_min_exact"] = ej["alpha_min_exact"]
    out["frontier"] = ex.frontier(alphas=al).tolist() if al else ej["frontier"]
    out["kind"] = "exact region (symbolic)"
    out["method"] = ("exact (theory.certification.symbolic.exact_region: sympy, certified root "
                     "isolation)")
    claim = out.get("paper_claim")
    if claim and claim.get("alpha") is not None:
        out["paper_claim_inside"] = bool(ex.contains(claim["alpha"], claim["beta"]))


def _region_human(res):
    lines = [f"{res['landscape']}: feasible (alpha, beta) region ({res['method']})"]
    a0 = res["alpha_min"]
    lines.append(f"  alpha_min : {a0!r} (sampled: a lower bound)" if a0 is not None
                 else "  region is empty")
    claim = res.get("paper_claim")
    if claim:
        pair = "" if claim["alpha"] is None else f" -> ({claim['alpha']:.6g}, {claim['beta']:.6g})"
        lines.append(f"  paper     : {claim['rule']}{pair}; inside: {res['paper_claim_inside']}")
    for k, v in res.get("best_pairs", {}).items():
        if v.get("alpha") is not None:
            lines.append(
                f"  best Thm {k}: alpha = {v['alpha']:.6g}, beta = {v['beta']:.6g}, "
                f"term = {v['value']:.6g}  [{v['verdict']}, {v['method']}]"
            )
        else:
            lines.append(f"  best Thm {k}: {v.get('error', '-')}")
    if res.get("best_pairs_note"):
        lines.append(f"  note      : {res['best_pairs_note']}")
    cf = res.get("certified_frontier")
    if cf:
        lines.append("  certified frontier (alpha, beta_lo <= beta_min <= beta_hi, verdict):")
        for a, lo, hi, v in cf:
            hs = "-" if hi is None else f"{hi:.10g}"
            lines.append(f"    {a:14.6g} {lo:18.10g} {hs:>18} {v}")
    lines.append("  sampled frontier (alpha, beta_min; a lower bound on the true one):")
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
    p = sub.add_parser(
        "region",
        help="the sampled (alpha, beta) region, its certified best pairs and frontier bracket",
        description="The sampled region (an outer bound: it contains the true region) over the "
        "box, its frontier beta_min(alpha) (a lower bound on the true one) and each theorem's "
        "best pair taken from the certified side. Times on 2 cores: 5-15 s for the 2-D "
        "examples and least-squares, up to a minute for the others.",
    )
    _common(p)
    p.add_argument("--exact", action="store_true",
                   help="exact symbolic frontier where it exists (example1, remark1-valley)")
    p.add_argument(
        "--certify",
        action="store_true",
        help="also bracket the true frontier, beta_lo <= beta_min <= beta_hi, at --alphas "
        "values of alpha (beta_hi proved by bisection with the interval or symbolic method; "
        "by adversarial search, holds_on_samples, where none applies). Takes 10-40 s more for "
        "the 2-D examples, about a minute for remark1-valley, and several minutes for "
        "half-space, two-layer-relu and matrix-factorization",
    )
    p.add_argument("--alphas", type=int, default=None, metavar="N",
                   help="number of alpha values of the bracket, plus the paper's (default 16 "
                   "with a rigorous method, 6 with adversarial search)")
    p.set_defaults(func=_region, human=_region_human)
