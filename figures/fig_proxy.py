r"""Proxy versus exact: what the x^K proxy and f_i* = 0 do to the (α, β) region.

The paper [AB §5] measures T(x^k) along SGD with two proxies: the last iterate x^K for
Proj(x^k, S) and f_i* = 0. On a toy landscape S and f_i* are exact, so the same trajectories
(``theory.studies.protocol.two_pass``) give four sets of rows: proxy or exact projection, crossed
with f_i* = 0 or the true f_i*. Left: the region each set of rows admits in (α, α − β) log
coordinates (feasible below its curve). Right: where min T ≥ 0 on the paper's (α, β) grid —
the 0-level of each variant's heat map; each variant's pairs "work" above its curve. Where every
f_i* = 0 (Examples 2 and 6, matrix factorization) the two f_i* choices coincide and their curves
overlap.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import toylands

from . import plotting as P

__all__ = ["main", "LANDSCAPES", "VARIANTS"]

LANDSCAPES = ("example2", "example6", "half-space", "matrix-factorization")
# (key, label, colour, line style)
VARIANTS = (
    ("paper", "paper: x^K proxy, f_i* = 0", "tab:red", "-"),
    ("proxy_true_fstar", "x^K proxy, true f_i*", "tab:orange", "--"),
    ("exact_zero_fstar", "exact Proj(x^k, S), f_i* = 0", "tab:purple", "-."),
    ("exact", "exact Proj(x^k, S), true f_i*", "tab:blue", "-"),
)


@P.styled
def main(out_dir, smoke: bool = False, *, seed: int = 0, data: dict | None = None) -> list[Path]:
    """Draw ``proxy_vs_exact.png``: one row per landscape of ``LANDSCAPES``. ``data``
    (optional): ``{"protocol": {name: ProtocolSummary}}`` as the report's protocol section
    computed them; the landscapes it lacks are computed here."""
    from theory.studies.protocol import protocol_variants

    from .fig_regions import HEAT_ALPHAS, HEAT_BETAS

    given = (data or {}).get("protocol") or {}
    names = LANDSCAPES
    steps = 100 if smoke else None
    fig, axes = P.figure(
        len(names), 2, figsize=(12.0, 3.9 * len(names)), layout="constrained", squeeze=False
    )
    for row, name in zip(axes, names):
        f = toylands.get(name)
        pv = given.get(name)
        if pv is None or not (np.array_equal(pv.alphas, HEAT_ALPHAS)
                              and np.array_equal(pv.betas, HEAT_BETAS)):
            pv = protocol_variants(f, seed=seed, steps=steps).summary(HEAT_ALPHAS, HEAT_BETAS)
        regs, heat = pv.regions, pv.heatmaps
        a0 = [r.alpha_min for r in regs.values() if np.isfinite(r.alpha_min)]
        lo = max(min(a0), 1e-3) if a0 else 0.1
        al = np.geomspace(lo, lo * 1e4, 400)
        fracs = []
        for key, label, color, ls in VARIANTS:
            reg = regs[key]
            gap = al - np.maximum(reg.beta_min(al), 0.0)
            ok = np.isfinite(gap) & (gap > 0)
            amin = reg.alpha_min
            P.plot_curve(
                row[0], al[ok], gap[ok], color=color, ls=ls, label=f"{label}: α_min = {amin:.3g}"
            )
            H = heat[key]
            if np.nanmin(H) < 0 < np.nanmax(H):
                row[1].contour(
                    HEAT_ALPHAS,
                    HEAT_BETAS,
                    np.ma.masked_invalid(H),
                    levels=[0.0],
                    colors=color,
                    linestyles=ls,
                    linewidths=1.6,
                )
            row[1].plot([], [], color=color, ls=ls, label=label)  # legend entry
            frac = np.mean(H[np.isfinite(H)] >= 0)
            fracs.append(frac)
            row[1].plot([], [], ls="none", label=f"   {100 * frac:.0f}% of the grid works")
        row[0].set_xscale("log")
        row[0].set_yscale("log")
        row[0].set_xlabel("α")
        row[0].set_ylabel("largest feasible gap α − β_min(α)")
        row[0].set_title(f"{name}: region of each variant's rows")
        row[0].legend(loc="lower right", fontsize=7)
        if max(fracs) == 0:
            P.note(
                row[1],
                "no pair of this grid works for any variant:\n"
                f"every α_min here is ≥ {min(a0):.3g} > {HEAT_ALPHAS[-1]:g}",
            )
        row[1].plot(
            HEAT_ALPHAS,
            HEAT_ALPHAS - 0.1,
            color="0.5",
            lw=0.8,
            ls=":",
            label="α = β + 0.1 (grid edge)",
        )
        row[1].set_xlim(HEAT_ALPHAS[0], HEAT_ALPHAS[-1])
        row[1].set_ylim(HEAT_BETAS[0], HEAT_BETAS[-1])
        row[1].set_xlabel("α")
        row[1].set_ylabel("β")
        row[1].set_title(
            f"{name}: min T = 0 on the paper's grid ({pv.runs} runs × {pv.steps} steps, "
            f"γ = {pv.gamma:g})"
        )
        row[1].legend(loc="upper left", fontsize=6.5)
    return [P.save(fig, Path(out_dir) / "proxy_vs_exact.png")]
