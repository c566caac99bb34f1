r"""Rate versus bound, per theorem: measured min_{k<K} E[f(x^k) − f*] against the theorem's bound.

One panel per theorem of [AB §4] (MATHEMATICS.md §6), all on example6, the paper's own example.
``theory.optim.compare.check`` picks (α, β) from the certified side of the region and the default
step (scale 1),
``theory.optim.compare.check_curve`` measures the same runs at smaller K (prefixes of the same
trajectories), so the measured curve is one experiment. The band is the 95% band for
min_{k<K} E[f(x^k) − f*], simultaneous over k; the dashed line is the bound; the dotted line is the
trivial bound E[f(x⁰) − f*] (the k = 0 term of the minimum): a bound above it says nothing. NGN's
theorems need every f_i ≥ 0, which example6 satisfies (f_i* = 0).
"""

from __future__ import annotations

import textwrap
import warnings
from pathlib import Path

import numpy as np
from matplotlib.ticker import NullFormatter

import toylands

from . import plotting as P

__all__ = ["main", "PLAN"]

# (theorem, landscape): every hypothesis holds on example6, NGN's f_i ≥ 0 included
PLAN = (
    ("1", "example6"),
    ("4", "example6"),
    ("2", "example6"),
    ("5", "example6"),
    ("C1", "example6"),
    ("7", "example6"),
    ("3", "example6"),
    ("6", "example6"),
)
YLABEL = "min$_{k<K}$ E[f(x$^k$) − f*]"
NAMES = {
    "1": "Theorem 1: SGD, constant γ",
    "4": "Theorem 4: SGD, γ₀/√(k+1)",
    "2": "Theorem 2: SPS_max",
    "5": "Theorem 5: DecSPS",
    "C1": "Corollary 1: DecSPS, c_k = √(k+1)",
    "7": "Theorem 7: AdaGrad-norm-max",
    "3": "Theorem 3: NGN, constant γ",
    "6": "Theorem 6: NGN, γ/√(k+1)",
}


@P.styled
def main(out_dir, smoke: bool = False, *, seed: int = 0) -> list[Path]:
    """Draw ``rates.png``: one panel per theorem."""
    from theory.optim.compare import check_curve
    from theory.optim.grid import fmt_pair

    runs, steps, points = (16, 60, 3) if smoke else (100, 1000, 6)
    fig, axes = P.figure(2, 4, figsize=(17.0, 8.2), layout="constrained")
    handles = None
    for ax, (t, name) in zip(axes.flat, PLAN):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # an uncertified L is reported, not fatal
            res = check_curve(
                toylands.get(name), t, runs=runs, steps=steps, points=points, seed=seed
            )
        top = res.check
        if not res.K.size:
            ax.set_title(f"{NAMES[t]}\n{name}")
            P.note(ax, f"not checked:\n{top.reason}")
            ax.set_axis_off()
            continue
        K = res.K.astype(float)
        m, lo, hi, bd = res.measured, np.maximum(res.lo, 0.0), res.hi, res.bound
        line = P.plot_band(
            ax, K, m, lo, hi, label=f"measured {YLABEL} (95% band, simultaneous over k)",
            marker="o", ms=3
        )
        bline = P.plot_curve(ax, K, bd, label="the theorem's bound", ls="--", color="k")
        tline = ax.axhline(top.trivial_bound, color="tab:red", ls=":", lw=1.4,
                           label="trivial bound E[f(x⁰) − f*]")
        handles = handles or [line, bline, tline]
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())  # K spans less than a decade in smoke runs
        ax.set_yscale("log")
        ax.set_xlabel("K (steps)")
        ax.set_ylabel(YLABEL)
        extra = ("" if top.polyak_active_fraction is None
                 else f", Polyak step active {100 * top.polyak_active_fraction:.0f}%")
        ax.set_title(f"{NAMES[t]}\n{name}: (α, β) = {fmt_pair(top.alpha, top.beta)}, {runs} runs"
                     f"\nbound / trivial = {top.bound_over_trivial:.3g}{extra}", fontsize=9)
        if not top.hypotheses_ok:
            ax.text(
                0.5,
                0.5,
                textwrap.fill("after the run: " + top.reason, 48),
                transform=ax.transAxes,
                fontsize=7,
                ha="center",
                va="center",
                color="tab:red",
            )
    if handles:
        fig.legend(handles=handles, loc="outside lower center", ncol=3)
    return [P.save(fig, Path(out_dir) / "rates.png")]
