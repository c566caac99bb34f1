"""``toylands list`` and ``toylands show``."""

from __future__ import annotations

import toylands

from .common import add_common, add_landscape_args, landscape_from_args

__all__ = ["add_parser"]


def _list(args):
    """Every registered landscape; built-ins declare their default shape, so nothing is built
    (a user-registered landscape without one is built to read its dim and n)."""
    from toylands import _registry

    rows = []
    for entry in _registry.entries():
        if entry.shape is not None:
            dim, n = entry.shape
        else:
            f = toylands.get(entry.name)
            dim, n = f.dim, f.n
        rows.append({"name": entry.name, "dim": dim, "n": n, "summary": entry.summary})
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
