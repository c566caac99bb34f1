r"""How tight is each theorem? Measured on a landscape ≤ worst case over the α-β class ≤ bound.

One row per theorem covered (Theorem 1: SGD; Theorem 2: SPS_max; Theorem 3: NGN), one panel
per landscape whose constants fit a PEP instance (α, β proved on a box, L certified, D₀² =
dist(x⁰, S)², σ_int²; ``theory.pep.study.triangle_study``), against K: the theorem's bound
(dashed), the telescoped one-step potential over the class (solid: an upper bound on the worst
case for every K), the exact K-step worst case (squares, small K), the measured
min_{k<K} E[f(x^k) − f*] from the landscape's start (dots: exact by branching over the sampled
indices; a band where Monte Carlo) and L·D₀²/2 (dotted), which min_k never exceeds. The best
landscape (measured closest to the worst case) is starred.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import plotting as P

__all__ = ["main"]

NAMES = {"1": "Theorem 1: SGD", "2": "Theorem 2: SPS_max", "3": "Theorem 3: NGN"}


def _series(K, vals):
    K, v = np.asarray(K, float), np.array([np.nan if x is None else x for x in vals], float)
    ok = np.isfinite(v) & (v > 0)
    return K[ok], v[ok]


@P.styled
def main(out_dir, smoke: bool = False, *, seed: int = 0, data: dict | None = None) -> list[Path]:
    """Draw ``pep.png`` from ``data`` (``theory.pep.study.triangle_study``, as the report's
    ``pep`` section computed it), computed here if absent (smoke: Theorem 1 on example1 only).
    Without the ``pep`` extra the figure is a note saying so."""
    from theory.pep import _backend

    out = Path(out_dir) / "pep.png"
    if not data or not data.get("theorems"):
        if not _backend.available():
            fig, ax = P.figure(1, 1, figsize=(6.0, 2.0))
            P.note(ax, "not drawn: the optional extra 'pep' (PEPit, cvxpy) is not installed")
            ax.set_axis_off()
            return [P.save(fig, out)]
        from theory.pep.study import triangle_study

        if smoke:
            data = triangle_study(("1",), names=("example1",), exact_K=1, Ks=(1, 2, 4, 8),
                                  runs=16, seed=seed)
        else:
            data = triangle_study(seed=seed)
    rows = [(t, e) for t, e in data["theorems"].items() if e.get("curves")]
    ncol = max((len(e["curves"]) for _, e in rows), default=1)
    fig, axes = P.figure(max(len(rows), 1), ncol, figsize=(5.2 * ncol, 3.9 * max(len(rows), 1)),
                         layout="constrained", squeeze=False)
    handles = []
    for r, (t, entry) in enumerate(rows):
        for c, (name, cv) in enumerate(entry["curves"].items()):
            ax = axes[r, c]
            h = [
                P.plot_curve(ax, *_series(cv["K"], cv["bound"]), ls="--", color="k",
                             label="the theorem's bound"),
                P.plot_curve(ax, *_series(cv["K"], cv["potential"]), color="tab:blue",
                             label="telescoped potential over the class (PEP)"),
                P.plot_curve(ax, *_series(cv["K"], cv["exact"]), ls="none", marker="s",
                             color="tab:red", label="exact K-step worst case (PEP)"),
                P.plot_curve(ax, *_series(cv["K"], cv["measured"]), marker="o", ms=3,
                             color="tab:green", label="measured on the landscape"),
            ]
            Km, lo = _series(cv["K"], cv["measured_lo"])
            _, hi = _series(cv["K"], cv["measured_hi"])
            if Km.size:
                ax.fill_between(Km, lo, hi, color="tab:green", alpha=0.25, lw=0)
            h.append(ax.axhline(cv["half_L_D0sq"], ls=":", color="0.4",
                                label="L·D₀²/2 (worst case at K = 1)"))
            handles = handles or h
            star = " ★" if name == entry.get("best") else ""
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xlabel("K (steps)")
            ax.set_ylabel("min$_{k<K}$ E[f(x$^k$) − f*]")
            ax.set_title(f"{NAMES.get(t, t)}\n{name}{star}", fontsize=9)
        for c in range(len(entry["curves"]), ncol):
            axes[r, c].set_axis_off()
    if not rows:
        P.note(axes[0, 0], "no landscape fits a PEP instance")
        axes[0, 0].set_axis_off()
    if handles:
        fig.legend(handles=handles, loc="outside lower center", ncol=3)
    return [P.save(fig, out)]
