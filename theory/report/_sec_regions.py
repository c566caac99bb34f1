r"""Section ``regions``: the sampled regions (an outer bound) beside the certified bracket of the
frontier and certified best pairs; the paper's constants on its own terms; Example 1's exact
symbolic region. One part per landscape (``section(..., parts=...)``): the report runs them in
parallel."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..claims import claim_domain
from ._common import fmt, get, names, run_parts, section, table
from ._model import CONFIRMED, REFUTED, Claim, Config, Section
from ._output import scrub

__all__ = ["regions"]

# ---- regions: sampled (an outer bound) and certified ------------------------------------------
# Landscapes whose projection is expensive get a smaller, unrefined sample.
_REGION_BUDGET = {"matrix-factorization": (400, 0)}
_TIGHTNESS = ("example1", "example2", "example3", "example6")


def _region_keys(cfg: Config) -> list:
    return names(cfg)


def _region_part(cfg: Config, name: str, progress) -> dict:
    """One landscape's regions: its sampled region, certified bracket and best pairs, the
    paper's pair certified, tightness on the paper's family (and Example 1's exact region)."""
    from ..certification import region_map
    from ..certification.frontier import bracket_alphas, certified_frontier, rigorous_method
    from ..certification.pairs import certified_best_pairs, certify_pair

    f = get(name)
    budget, rounds = _REGION_BUDGET.get(name, (cfg.samples, 1 if cfg.quick else 3))
    budget = min(budget, cfg.samples)
    box = claim_domain(f)
    method = rigorous_method(f)
    progress(f"  {name}: {budget} points, {rounds} refinement rounds; certified by "
             f"{method or 'sampling only'}")
    reg = region_map(f, domain=box, budget=budget, rng=cfg.seed, rounds=rounds,
                     keep_points=True)
    bracket = None
    if method is not None and not cfg.quick:  # the bracket only in the full report
        bracket = certified_frontier(f, bracket_alphas(reg, 16), domain=box, region=reg,
                                     rng=cfg.seed)
    # no rigorous method: the best pair is checked by sampling only (adversarial search
    # costs seconds to minutes a call in 16-22 dimensions) and says so
    quick = {"refine": 0, "fine_rtol": 1e-2} if cfg.quick else {}  # as certified, less tuned
    pairs = certified_best_pairs(f, reg, theorems=(1, 3, 7) if method and not cfg.quick
                                 else (1,), domain=box, bracket=bracket, rng=cfg.seed,
                                 method=method or "sample", **quick)
    reg = reg.with_certificates(bracket=bracket, pairs=pairs)
    info = {k: v for k, v in reg.info.items() if k != "points"}
    js = _thin_region(scrub(reg.to_json()))
    js["domain"] = box.to_json()
    js["refinement"] = scrub(info)
    claim = reg.paper_claim or {}
    paper = None
    if claim.get("alpha") is not None:
        paper = certify_pair(f, claim["alpha"], claim["beta"], domain=box, rng=cfg.seed)
        js["paper_claim_certificate"] = {"verdict": paper.verdict, "method": paper.method}
    best = js.get("best_pairs", {}).get("1", {})
    amin = (js.get("certified_frontier_info") or {}).get("info", {}).get("alpha_min")
    rel = (js.get("certified_frontier_info") or {}).get("max_relative_width")
    row = [
        f"`{name}`",
        fmt(js["alpha_min"]),
        f"[{fmt(amin[0])}, {fmt(amin[1])}]" if amin else "—",
        f"({fmt(best.get('alpha'))}, {fmt(best.get('beta'))})"
        if best.get("alpha") is not None else "—",
        f"{best.get('verdict', '—')} ({best.get('method', '—')})",
        fmt(rel, 2) if rel is not None else "—",
        f"({fmt(claim.get('alpha'))}, {fmt(claim.get('beta'))})"
        if claim.get("alpha") is not None
        else "—",
        f"{paper.verdict} ({paper.method})" if paper is not None else "—",
        reg.n_points,
    ]
    claims, tight_row = [], None
    if name in _TIGHTNESS and claim.get("alpha") is not None:
        t = _tightness(f, reg, cfg, progress, pairs.get(1))
        js["tightness"] = scrub(t.to_json())
        tight_row = _tightness_row(t)
        claims.append(_tightness_claim(name, claim, t))
    exact_claims: list = []
    exact = _exact_example1(cfg, {name: js}, exact_claims) if name == "example1" else ""
    return {"name": name, "data": js, "row": row, "tight_row": tight_row, "claims": claims,
            "exact": exact, "exact_claims": exact_claims,
            "region": replace(reg, info={})}  # for the regions figure (without its points)


@section("regions", "Feasible (α, β) regions: sampled (an outer bound) and certified",
         parts=(_region_keys, _region_part))
def regions(cfg: Config, ctx: dict, progress) -> Section:
    parts = run_parts(regions, cfg, ctx, progress)
    data = {p["name"]: p["data"] for p in parts}
    rows = [p["row"] for p in parts]
    tight_rows = [p["tight_row"] for p in parts if p["tight_row"] is not None]
    claims = [c for p in parts for c in p["claims"]] + [c for p in parts
                                                         for c in p["exact_claims"]]
    exact = "".join(p["exact"] for p in parts)
    md = (
        "Each region is the **sampled region (an outer bound: it contains the true region)** "
        "over a sample of the box (`theory.certification.region_map`: grid, uniform, near S, "
        "near critical points, faces; refined adversarially): its α_min and frontier β_min(α) "
        "are lower bounds on the true ones, and a pair read off it is not known to hold. The "
        "certified side (`theory.certification.certified_frontier`) brackets the true frontier, "
        "β_lo(α) ≤ β_min(α) ≤ β_hi(α), with β_hi proved by bisection with the rigorous method "
        "(interval or symbolic); the bracket's relative width is (β_hi − β_lo)/(α − β_hi). Every "
        "pair shown carries its verdict and method: the best pair for Theorem 1 (the one "
        "minimising β/(α − β)) is taken from the certified side; where no rigorous method "
        "applies it holds on samples only.\n\n"
        + table(
            [
                "landscape",
                "sampled α_min (lower bound)",
                "true α_min in",
                "best pair (Thm 1)",
                "verdict (method)",
                "bracket width",
                "paper's pair",
                "paper's pair: verdict",
                "points",
            ],
            rows,
        )
        + _tightness_md(tight_rows)
        + exact
    )
    return Section("regions", regions.section_title, {"regions": data}, md, claims,
                   plots={"regions": {p["name"]: p["region"] for p in parts}})


def _tightness(f, reg, cfg, progress, best):
    from ..certification.tightness import paper_tightness

    progress(f"  {f.name}: tightness on the paper's family")
    return paper_tightness(f, region=reg, rng=cfg.seed, best=best)


def _tightness_row(t) -> list:
    return [
        f"`{t.landscape}`",
        t.family,
        fmt(t.paper_alpha, 7),
        f"{fmt(t.alpha_proved, 7)} (in [{fmt(t.alpha_lo, 7)}, {fmt(t.alpha_proved, 7)}])",
        fmt(t.alpha_ratio, 4),
        fmt(t.paper_term, 6),
        f"{fmt(t.best_term, 6)} at ({fmt(t.best_alpha)}, {fmt(t.best_beta)})",
        fmt(t.term_ratio, 4),
    ]


def _tightness_md(rows) -> str:
    if not rows:
        return ""
    return (
        "\n**Tightness on the paper's own terms** (MATHEMATICS.md §2: inside the admissible set "
        "α > β). On the paper's family, the smallest α proved (interval/symbolic, bisection on "
        "α) against the paper's α; and Theorem 1's neighbourhood term β/(α − β) at the paper's "
        "pair against the best proved pair. A ratio of 1 means the paper's rule is tight.\n\n"
        + table(
            ["landscape", "family", "paper's α", "smallest α proved", "paper/proved",
             "β/(α−β) paper", "β/(α−β) best proved", "paper/best"],
            rows,
        )
    )


def _tightness_claim(name, claim, t) -> Claim:
    ok = (t.paper_verdict == "proved" and t.alpha_proved is not None
          and t.alpha_proved <= t.paper_alpha * (1 + 1e-12))
    return Claim(
        f"{name}-tightness",
        claim.get("source", ""),
        f"{name}: the claimed constants are sufficient ({claim['rule']})",
        f"the paper's pair ({t.paper_alpha:.7g}, {t.paper_beta:.7g}) is {t.paper_verdict} by "
        f"{t.method}; {t.summary()}",
        CONFIRMED if ok else REFUTED,
        {"alpha_proved": t.alpha_proved, "alpha_lo": t.alpha_lo, "paper_alpha": t.paper_alpha,
         "paper_term": t.paper_term, "best_term": t.best_term},
    )


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
    """Example 1's region by the exact symbolic argument, against the sampled one and inside the
    certified bracket."""
    if "example1" not in data:
        return ""
    f = get("example1")
    sampled = data["example1"]["alpha_min"]
    rows = [r for r in data["example1"].get("certified_frontier") or [] if r[2] is not None]
    R = _exact_numbers(f, claim_domain(f), [r[0] for r in rows])
    js = R["json"]
    data["example1"]["exact_symbolic"] = js
    ok = abs(sampled - R["alpha_min"]) <= 1e-3 * R["alpha_min"]
    inside = [
        bool(lo - 1e-12 * a <= b <= hi)
        for (a, lo, hi, _), b in zip(rows, R["beta_at"])
        if a > R["alpha_min"]
    ]
    enclosed = f"; the exact β_min(α) lies in the certified bracket at {sum(inside)} of " \
        f"{len(inside)} α" if inside else ""
    claims.append(
        Claim(
            "ex1-exact-region",
            "AB Ex. 1; MATHEMATICS.md §4.1 (the frontier from an exact argument)",
            "Example 1 holds with α ≥ 5/2, β ∈ [4α/5, α): a sufficient condition",
            f"exact symbolic region on [−50, 50]² (root isolation): α_min = "
            f"{R['alpha_min']:.6f}; sampled α_min = {sampled:.6f} (a lower bound); β_min(5/2) = "
            f"{R['beta_2_5']:.6f} < 4·2.5/5 = 2{enclosed}",
            CONFIRMED if ok and R["contains_2_5_2"] and all(inside) else REFUTED,
            {"alpha_min_exact": R["alpha_min"], "alpha_min_sampled": sampled,
             "bracket_encloses_exact": inside},
        )
    )
    return (
        "\nExample 1, exact (symbolic root isolation, "
        f"`theory.certification.symbolic.exact_region`): "
        f"α_min = {R['alpha_min']:.9g} (an exact algebraic number, in `results.json`), "
        f"s* = `{js['s_star']}`; "
        f"the sampled region gives {sampled:.9g}{enclosed}.\n"
    )


def _exact_numbers(f, box, alphas) -> dict:
    """What the report uses of Example 1's exact region (``exact_region``: seconds of root
    isolation), cached on disk like the ground truth (``toylands._cache``: keyed by the
    built-in landscape, the box, the α asked for and the code of toylands and theory, never
    stale)."""
    from toylands._cache import cached
    from toylands._registry import builtin_identity

    from .._digest import theory_digest

    def compute():
        from ..certification.symbolic import exact_region

        R = exact_region(f, domain=box)
        return {"json": R.to_json(num=8), "alpha_min": R.alpha_min,
                "beta_at": [float(R.beta_min(a)) if a > R.alpha_min else None for a in alphas],
                "beta_2_5": float(R.beta_min(2.5)), "contains_2_5_2": bool(R.contains(2.5, 2.0))}

    ident = builtin_identity(f)
    if ident is None:  # not one of toylands' own: its content is not in the key
        return compute()
    key = (ident, (box.lo, box.hi), tuple(float(a) for a in alphas), theory_digest())
    return cached("exact-region-report", key, compute)
