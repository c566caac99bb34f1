r"""Sections ``certification`` (the paper's (α, β) pairs certified) and ``regions`` (the exact
feasible regions, with Example 1's symbolic one)."""

from __future__ import annotations

import numpy as np

from ..claims import claim_domain
from ._common import fmt, get, names, section, table
from ._model import CONFIRMED, REFUTED, Claim, Config, Section
from ._output import scrub

__all__ = ["certification", "regions"]

# ---- certificates of the paper's pairs ---------------------------------------------------------
_STRONG = ("proved", "holds_on_samples")


@section("certification", "The paper's (α, β) pairs certified (MATHEMATICS.md §4 check values)")
def certification(cfg: Config, ctx: dict, progress) -> Section:
    from toylands import Box

    from ..certification import certify
    from ..claims import CLAIMS, check_values

    data, rows, claims = {}, [], []
    for name in names(cfg):
        checks = check_values(name) if name in CLAIMS else []
        if not checks:
            continue
        progress(f"  {name}: {len(checks)} pairs")
        f = get(name)
        got = []
        for c in checks:
            box = Box.cube(c.box[0], c.box[1], f.dim)
            cert = certify(f, c.alpha, c.beta, domain=box, budget=cfg.samples, rng=cfg.seed)
            ok = (cert.verdict in _STRONG) if c.expect == "holds" else cert.verdict == "refuted"
            got.append(
                {
                    "alpha": c.alpha,
                    "beta": c.beta,
                    "expect": c.expect,
                    "box": c.box,
                    "agrees": ok,
                    **scrub(cert.to_json()),
                }
            )
            rows.append(
                [
                    f"`{name}`",
                    fmt(c.alpha, 9),
                    fmt(c.beta, 9),
                    f"[{c.box[0]:g}, {c.box[1]:g}]^{f.dim}",
                    c.expect,
                    f"**{cert.verdict}**",
                    cert.method,
                    fmt(cert.min_slack, 3),
                    "yes" if ok else "**NO**",
                ]
            )
        data[name] = got
        claim = CLAIMS[name]
        summary = "; ".join(
            f"({g['alpha']:.6g}, {g['beta']:.6g}) {g['verdict']} by {g['method']}" for g in got
        )
        claims.append(
            Claim(
                f"{name}-pairs",
                claim.source,
                f"{name}: {claim.rule} (check values of MATHEMATICS.md §4)",
                summary,
                CONFIRMED if all(g["agrees"] for g in got) else REFUTED,
                {"pairs": [[g["alpha"], g["beta"], g["expect"], g["verdict"]] for g in got]},
            )
        )
    md = (
        "Each pair is checked with the strongest method that applies (symbolic, else "
        "interval branch-and-bound, else adversarial search); only the rigorous ones say "
        "*proved*.\n\n"
        + table(
            ["landscape", "α", "β", "box", "paper", "verdict", "method", "min slack", "agrees"],
            rows,
        )
    )
    return Section("certification", certification.section_title, {"pairs": data}, md, claims)


# ---- exact regions ------------------------------------------------------------------------------
# Landscapes whose projection is expensive get a smaller, unrefined sample.
_REGION_BUDGET = {"matrix-factorization": (400, 0)}


@section("regions", "Exact feasible (α, β) regions")
def regions(cfg: Config, ctx: dict, progress) -> Section:
    from ..certification import region_map

    data, rows, claims = {}, [], []
    for name in names(cfg):
        f = get(name)
        budget, rounds = _REGION_BUDGET.get(name, (cfg.samples, 1 if cfg.quick else 3))
        budget = min(budget, cfg.samples)
        progress(f"  {name}: {budget} points, {rounds} refinement rounds")
        box = claim_domain(f)
        reg = region_map(f, domain=box, budget=budget, rng=cfg.seed, rounds=rounds)
        js = _thin_region(scrub(reg.to_json()))
        js["domain"] = box.to_json()
        js["refinement"] = scrub(reg.info)
        data[name] = js
        claim = reg.paper_claim or {}
        best = js.get("best_pairs", {}).get("1", {})
        rows.append(
            [
                f"`{name}`",
                fmt(js["alpha_min"]),
                fmt(float(reg.beta_min(2 * js["alpha_min"])) if js["alpha_min"] else None),
                f"({fmt(best.get('alpha'))}, {fmt(best.get('beta'))})" if best else "—",
                f"({fmt(claim.get('alpha'))}, {fmt(claim.get('beta'))})"
                if claim.get("alpha") is not None
                else "—",
                {True: "yes", False: "**no**", None: "—"}[reg.claim_inside()],
                reg.n_points,
            ]
        )
        if claim.get("alpha") is not None and name in (
            "example1",
            "example2",
            "example3",
            "example6",
        ):
            inside = reg.claim_inside()
            a0 = js["alpha_min"]
            claims.append(
                Claim(
                    f"{name}-not-tight",
                    claim.get("source", ""),
                    f"{name}: the claimed constants are sufficient ({claim['rule']})",
                    f"claimed (α, β) = ({claim['alpha']:.6g}, {claim['beta']:.6g}) "
                    f"{'inside' if inside else 'outside'} our region; our α_min ≈ {a0:.4g} "
                    f"({claim['alpha'] / a0:.3g}× smaller than the claimed α)",
                    CONFIRMED if inside and a0 < claim["alpha"] else REFUTED,
                    {"alpha_min": a0, "claim": [claim["alpha"], claim["beta"]]},
                )
            )
    exact = _exact_example1(cfg, data, claims)
    md = (
        "The region over a sample of the box (`theory.certification.region_map`: grid, uniform, "
        "near S, near critical points, faces; refined adversarially) is exact for the points "
        "used and contains the true region. β ≥ β_min(α) with 0 ≤ β < α. The best pair is the "
        "one minimising Theorem 1's neighbourhood term β/(α − β).\n\n"
        + table(
            [
                "landscape",
                "α_min",
                "β_min(2 α_min)",
                "best pair (Thm 1)",
                "paper's pair",
                "paper's pair inside",
                "points",
            ],
            rows,
        )
        + exact
    )
    return Section("regions", regions.section_title, {"regions": data}, md, claims)


_MAX_POINTS = 200


def _thin_region(js: dict) -> dict:
    """Keep at most ``_MAX_POINTS`` frontier points and vertices (with their counts): a region
    over many rows can have 10⁵ vertices, which belong in no report."""
    for key in ("frontier", "vertices"):
        pts = js.get(key) or []
        js[f"n_{key}"] = len(pts)
        if len(pts) > _MAX_POINTS:
            idx = np.unique(np.linspace(0, len(pts) - 1, _MAX_POINTS).round().astype(int))
            js[key] = [pts[i] for i in idx]
            js[f"{key}_thinned"] = True
    return js


def _exact_example1(cfg, data, claims) -> str:
    """Example 1's region by the exact symbolic argument, against the sampled one."""
    if "example1" not in data:
        return ""
    from ..certification.symbolic import exact_region

    f = get("example1")
    R = exact_region(f, domain=claim_domain(f))
    js = R.to_json(num=8)
    data["example1"]["exact_symbolic"] = js
    sampled = data["example1"]["alpha_min"]
    ok = abs(sampled - R.alpha_min) <= 1e-3 * R.alpha_min
    claims.append(
        Claim(
            "ex1-exact-region",
            "AB Ex. 1; MATHEMATICS.md §4.1 (the frontier from an exact argument)",
            "Example 1 holds with α ≥ 5/2, β ∈ [4α/5, α): a sufficient condition",
            f"exact symbolic region on [−50, 50]² (root isolation): α_min = {R.alpha_min:.6f}; "
            f"sampled α_min = {sampled:.6f}; β_min(5/2) = {float(R.beta_min(2.5)):.6f} "
            f"< 4·2.5/5 = 2",
            CONFIRMED if ok and R.contains(2.5, 2.0) else REFUTED,
            {"alpha_min_exact": R.alpha_min, "alpha_min_sampled": sampled},
        )
    )
    return (
        "\nExample 1, exact (symbolic root isolation, "
        f"`theory.certification.symbolic.exact_region`): "
        f"α_min = {R.alpha_min:.9g} (an exact algebraic number, in `results.json`), "
        f"s* = `{js['s_star']}`; "
        f"the sampled region gives {sampled:.9g}.\n"
    )
