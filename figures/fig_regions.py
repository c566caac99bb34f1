r"""Feasible (α, β) regions — sampled (an outer bound) and certified — beside the paper-style heat
maps of min T.

Left: the sampled region of the α-β-condition over a refined sample of the box of MATHEMATICS.md
§4 (``theory.certification.region_map``; an outer bound: it contains the true region, so its
frontier is a lower bound on the true one), drawn in the coordinates (α, α − β) on log axes so
that constants from 0.5 to 10⁷ fit: a pair can only be feasible when its gap α − β lies below the
curve α − β_min(α) (and β ≥ 0). The triangles are the certified side
(``theory.certification.certified_frontier``): pairs (α, β_hi(α)) proved by the rigorous method,
whose gap every smaller gap inherits. The star is the paper's claimed pair (``theory.claims``);
for Example 1 the dashed curve is the exact symbolic frontier
(``theory.certification.symbolic``). Right: the paper's heat map [AB §5] — min over SGD iterates
of T(x^k) with the x^K proxy and f_i* = 0 on a grid with α ≥ β + 0.1 (``theory.studies.protocol``)
— blue where the pair "works"; the black curve is the frontier β_min(α) of the sampled region on the
left.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import toylands

from . import plotting as P

__all__ = ["main", "LANDSCAPES", "regions", "heatmap"]

LANDSCAPES = ("example1", "example2", "example3", "example6")
HEAT_ALPHAS = np.linspace(0.1, 10.0, 45)  # theory.studies.protocol.HEATMAP_ALPHAS
HEAT_BETAS = np.linspace(0.0, 9.9, 45)  # theory.studies.protocol.HEATMAP_BETAS


def regions(landscape, *, budget: int, seed: int, rounds: int = 3, bracket: int = 0):
    """The refined sampled region on the claim's box (the default domain where the paper names
    none), with the certified bracket of its frontier at ``bracket`` values of α (0: none)."""
    from theory.certification import certified_frontier, region_map
    from theory.certification.frontier import bracket_alphas
    from theory.claims import claim_domain

    box = claim_domain(landscape)
    reg = region_map(landscape, domain=box, budget=budget, rng=seed, rounds=rounds,
                     keep_points=bool(bracket))
    if bracket:
        reg = reg.with_certificates(bracket=certified_frontier(
            landscape, bracket_alphas(reg, bracket), domain=box, region=reg, rng=seed))
    return reg


def heatmap(landscape, *, seed: int, steps: int | None = None):
    """``(min T, runs, steps, γ)``: ``min T`` of the paper's protocol on ``HEAT_ALPHAS ×
    HEAT_BETAS`` (MATHEMATICS.md §7) and the runs that gave it."""
    from theory.studies.protocol import min_T_grid, protocol_two_pass

    tp = protocol_two_pass(landscape, steps=steps or None, seed=seed)
    x = tp.traj.x
    return min_T_grid(tp.proxy, HEAT_ALPHAS, HEAT_BETAS), x.shape[0], x.shape[1] - 1, tp.traj.gamma


def _given_heatmap(summary):
    """``heatmap``'s tuple from the report's protocol section (a ``ProtocolSummary``), or None
    when it was computed on another grid."""
    if summary is None or not (np.array_equal(summary.alphas, HEAT_ALPHAS)
                               and np.array_equal(summary.betas, HEAT_BETAS)):
        return None
    return summary.heatmaps["paper"], summary.runs, summary.steps, summary.gamma


def _exact_frontier(landscape, box):
    """Example 1's symbolic frontier ``[[α, β_min]]`` (None where it does not apply); root
    isolation at 24 α takes seconds, so it is cached on disk (``toylands._cache``: keyed by the
    built-in landscape, the box and the code of toylands and theory, never stale)."""
    try:
        from theory.certification.symbolic import exact_region
    except ImportError:
        return None
    from theory._digest import theory_digest
    from toylands._cache import cached
    from toylands._registry import builtin_identity

    def compute():
        try:
            return exact_region(landscape, domain=box).frontier(num=24)
        except ValueError:
            return None

    ident = builtin_identity(landscape)
    if ident is None:  # not one of toylands' own: its content is not in the key
        return compute()
    key = (ident, None if box is None else (box.lo, box.hi), 24, theory_digest())
    return cached("exact-frontier", key, compute)


def draw_region(ax, region, *, claim=None, exact=None, alpha_hi=None):
    """The region in (α, α − β) log coordinates; returns the fill artist."""
    a0 = region.alpha_min
    hi = max(alpha_hi or 0.0, 100 * a0, 10.0)
    al = np.geomspace(a0 * (1 + 1e-9), hi, 400)
    bm = region.beta_min(al)
    gap_hi = al - np.maximum(bm, 0.0)  # β ≥ 0 caps the gap at α
    ok = np.isfinite(gap_hi) & (gap_hi > 0)
    lo = np.full(al.shape, 1e-12)
    art = ax.fill_between(
        al[ok],
        lo[ok],
        gap_hi[ok],
        color="tab:blue",
        alpha=0.3,
        lw=0,
        label="sampled region (an outer bound)",
    )
    ax.plot(al[ok], gap_hi[ok], color="tab:blue", lw=1.6)
    br = region.bracket
    if br is not None:
        good = np.isfinite(br.beta_hi)
        ax.plot(br.alphas[good], br.alphas[good] - np.maximum(br.beta_hi[good], 0.0), "^",
                color="tab:green", ms=5, label=f"certified: (α, β_hi) {br.method}")
    if exact is not None:
        ax.plot(
            exact[:, 0],
            exact[:, 0] - np.maximum(exact[:, 1], 0.0),
            "--",
            color="k",
            lw=1.2,
            label="exact frontier (symbolic)",
        )
    ax.axvline(a0, color="tab:blue", lw=0.8, ls=":", label=f"sampled α_min ≈ {a0:.4g}")
    if claim is not None and claim.get("alpha") is not None:
        P.mark_pair(
            ax,
            claim["alpha"],
            claim["alpha"] - claim["beta"],
            label=f"paper: (α, β) = ({claim['alpha']:.6g}, {claim['beta']:.6g})",
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("α")
    ax.set_ylabel("gap α − β")
    gaps = gap_hi[ok]
    top = max(float(gaps.max()) if gaps.size else 1.0, 10.0)
    ax.set_ylim(max(1e-3, float(np.min(gaps[gaps > 0])) / 10 if gaps.size else 1e-3), top * 2)
    return art


def draw_heatmap(ax, H, region=None):
    """The paper-style heat map with the sampled frontier overlaid; returns the mesh."""
    mesh = P.plot_heatmap(ax, HEAT_ALPHAS, HEAT_BETAS, H, label="min T (proxy x^K, f_i* = 0)")
    if region is not None:
        bm = region.beta_min(HEAT_ALPHAS)
        ok = np.isfinite(bm) & (bm < HEAT_ALPHAS)
        ax.plot(
            HEAT_ALPHAS[ok],
            np.maximum(bm[ok], 0.0),
            color="k",
            lw=1.8,
            label="sampled frontier β_min(α) (lower bound)",
        )
        ax.legend(loc="upper left", fontsize=7)
    ax.set_xlim(HEAT_ALPHAS[0], HEAT_ALPHAS[-1])
    ax.set_ylim(HEAT_BETAS[0], HEAT_BETAS[-1])
    ax.set_xlabel("α")
    ax.set_ylabel("β")
    return mesh


@P.styled
def main(out_dir, smoke: bool = False, *, seed: int = 0, data: dict | None = None) -> list[Path]:
    """Draw ``regions.png``: one row per landscape of ``LANDSCAPES``. ``data`` (optional):
    ``{"regions": {name: Region}, "protocol": {name: ProtocolSummary}}`` as the report's
    sections computed them; whatever it lacks is computed here."""
    from theory.claims import CLAIMS

    given_regions = (data or {}).get("regions") or {}
    given_protocol = (data or {}).get("protocol") or {}
    names = LANDSCAPES
    budget, steps, rounds, nb = (500, 100, 1, 0) if smoke else (4000, None, 3, 8)
    fig, axes = P.figure(
        len(names), 2, figsize=(12.0, 4.0 * len(names)), layout="constrained", squeeze=False
    )
    for row, name in zip(axes, names):
        f = toylands.get(name)
        reg = given_regions.get(name)
        if reg is None:
            reg = regions(f, budget=budget, seed=seed, rounds=rounds, bracket=nb)
        claim = reg.paper_claim
        cb = CLAIMS[name].box if name in CLAIMS and CLAIMS[name].box else None
        box = toylands.Box.cube(cb[0], cb[1], f.dim) if cb else None
        exact = _exact_frontier(f, box) if name == "example1" else None
        alpha_hi = 10 * claim["alpha"] if claim and claim.get("alpha") else None
        draw_region(row[0], reg, claim=claim, exact=exact, alpha_hi=alpha_hi)
        where = f"[{cb[0]:g}, {cb[1]:g}]²" if cb else "its default domain"
        row[0].set_title(f"{name}: sampled region (outer bound) on {where} "
                         f"({reg.n_points} points)")
        row[0].legend(loc="lower right", fontsize=7)
        H, runs, n_steps, gamma = (_given_heatmap(given_protocol.get(name))
                                   or heatmap(f, seed=seed, steps=steps))
        draw_heatmap(row[1], H, reg)
        row[1].set_title(f"{name}: paper's protocol, {runs} SGD runs × {n_steps} steps, "
                         f"γ = {gamma:g}")
    return [P.save(fig, Path(out_dir) / "regions.png")]
