"""``toylands list`` and ``toylands show``."""

from __future__ import annotations

import ast

import toylands

from .cli import UserError

__all__ = ["add_parser", "parse_sets"]


def parse_sets(pairs) -> dict:
    """``["n=3", "spread=0.5"]`` -> ``{"n": 3, "spread": 0.5}`` (values read as Python literals)."""
    params = {}
    for pair in pairs or ():
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise UserError(f"--set takes key=value, got {pair!r}")
        try:
            params[key] = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            params[key] = raw
    return params


def add_common(p):
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")


def add_landscape_args(p):
    p.add_argument("name", help="landscape name (see `toylands list`)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="landscape parameter")
    p.add_argument("--seed", type=int, help="shortcut for --set seed=SEED")
    add_common(p)


def landscape_from_args(args, *, seed_param: bool = False):
    """The landscape named on the command line; ``--seed`` is its seed when ``seed_param``."""
    params = parse_sets(args.set)
    if seed_param and getattr(args, "seed", None) is not None:
        params["seed"] = args.seed
    return toylands.get(args.name, **params)


def _list(args):
    rows = []
    for name in toylands.names():
        f = toylands.get(name)
        rows.append({"name": name, "dim": f.dim, "n": f.n, "summary": f.summary})
    return {"landscapes": rows}


def _list_human(res):
    w = max(len(r["name"]) for r in res["landscapes"])
    return "\n".join(
        f"{r['name']:<{w}}  dim={r['dim']:<4} n={r['n']:<5} {r['summary']}"
        for r in res["landscapes"]
    )


def _show(args):
    return landscape_from_args(args, seed_param=True).describe()


def _show_human(res):
    lines = [f"{res['name']}  (dim {res['dim']}, n {res['n']})  {res['summary']}"]
    prov = res["provenance"]
    lines.append(f"  f*        = {res['f_star']!r}  [{prov['f_star']['method']}]")
    fis = ", ".join(f"{v:.6g}" for v in res["f_i_star"][:8])
    more = " …" if len(res["f_i_star"]) > 8 else ""
    lines.append(f"  f_i*      = [{fis}{more}]  [{prov['f_i_star']['method']}]")
    lines.append(f"  σ_int²    = {res['sigma_int2']!r}")
    lines.append(f"  σ_pos²    = {res['sigma_pos2']!r}")
    lines.append(f"  L         ≤ {res['L']!r}  [{res['smoothness']['method']}]")
    S = res["minimizers"]
    lines.append(f"  S         : {S['kind']}")
    if S["kind"] == "points":
        for p in S["points"]:
            lines.append(f"              {p}")
    for c in res["critical_points"]:
        lines.append(f"  {c['kind']:<10}: {c['point']} f={c['value']:.9g}")
    return "\n".join(lines)


def add_parser(sub):
    p = sub.add_parser("list", help="list the landscapes")
    add_common(p)
    p.set_defaults(func=_list, human=_list_human)
    p = sub.add_parser("show", help="ground truth of one landscape")
    add_landscape_args(p)
    p.set_defaults(func=_show, human=_show_human)
