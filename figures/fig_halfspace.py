r"""Half-space learning along SGD: the paper's Figures 2 and 9 with the exact S beside the proxy.

One SGD run (step 1/4, batch 1, ``theory.studies.paper.halfspace_study``: the numbers of the
report's half-space claim) on ``half-space`` (MATHEMATICS.md §4.8). Top: the loss with the
saddle's value (dotted), the gradient norm, and the aiming angle — the cosine between ∇f(x^k)
and x^k − x^K (the paper's proxy) and x^k − Proj(x^k, S) (exact). Bottom: the PL estimate
log(‖∇f‖² / (f(x^k) − f_ref)) [AB Eq. (13), δ = 2] with f_ref = f(x^K) (proxy) or f* (exact) —
an admissible log(2μ) is at most its minimum; the proxy curve has gaps where f(x^k) ≤ f(x^K),
since x^K is not a minimizer — and the heat maps of min T for the paper's protocol (x^K,
f_i* = 0) and with the exact projection and f_i*, over α on a log axis (wide enough for the
paper's α ≈ 3.3·10⁴, dashed) and the gap α − β; the black curve is the largest gap the exact
region admits at each α.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import plotting as P

__all__ = ["main"]


@P.styled
def main(out_dir, smoke: bool = False, *, seed: int = 0) -> list[Path]:
    """Draw ``halfspace.png`` from ``theory.studies.paper.halfspace_study`` (the numbers of the
    report's ``halfspace-pl-aiming`` claim: same function, same seed)."""
    from theory.studies.paper import halfspace_study
    from theory.studies.protocol import min_T_grid

    study = halfspace_study(seed=seed, steps=400 if smoke else None)
    f, s, k = study.landscape, study.summary, study.k

    fig, axes = P.figure(2, 3, figsize=(16.0, 9.0), layout="constrained")
    ax = axes[0, 0]
    P.plot_curve(ax, k, study.loss, label="f(x^k)")
    ax.axhline(f.f_star, color="tab:red", lw=1.0, label=f"f* = {f.f_star:.4g}")
    ax.axhline(s["saddle_value"], color="tab:orange", ls=":", lw=1.2,
               label=f"saddle value {s['saddle_value']:.4g}")
    ax.set_xlabel("iteration k")
    ax.set_ylabel("loss f(x^k)")
    ax.set_title("Loss (start: the saddle + N(0, 0.3²) noise)")
    ax.legend()

    ax = axes[0, 1]
    P.plot_curve(ax, k, study.grad_norm, label="‖∇f(x^k)‖")
    ax.plot([s["step_at_min_grad"]], [s["min_grad_norm"]], "v", color="k", ms=7,
            label=f"min {s['min_grad_norm']:.2g}, where f − f* = {s['gap_at_min_grad']:.3g}")
    ax.set_yscale("log")
    ax.set_xlabel("iteration k")
    ax.set_ylabel("‖∇f(x^k)‖")
    ax.set_title("Gradient norm")
    ax.legend()

    ax = axes[0, 2]
    P.plot_curve(ax, k, study.cos_proxy, label="cos∠(∇f, x^k − x^K) (proxy)", color="tab:red")
    P.plot_curve(ax, k, study.cos_exact, label="cos∠(∇f, x^k − Proj(x^k, S)) (exact)",
                 color="tab:blue", ls="--")
    ax.axhline(0.0, color="k", lw=0.8)
    ax.set_ylim(-1.05, 1.05)
    ax.set_xlabel("iteration k")
    ax.set_ylabel("cosine of the aiming angle")
    ax.set_title(
        "Aiming (< 0: the gradient points away from S): negative at "
        f"{100 * s['share_cos_negative_exact']:.0f}% (exact), "
        f"{100 * s['share_cos_negative_proxy']:.0f}% (proxy)\n"
        "red: towards x^K (proxy); blue dashed: towards Proj(x^k, S) (exact)"
    )

    ax = axes[1, 0]
    pl_p, pl_e = study.pl_proxy, study.pl_exact
    P.plot_curve(ax, pl_p.k, pl_p.value, label="f_ref = f(x^K) (proxy)", color="tab:red",
                 marker=".")
    P.plot_curve(ax, pl_e.k, pl_e.value, label="f_ref = f* (exact)", color="tab:blue", ls="--")
    ax.set_xlabel("iteration k (one point per epoch)")
    ax.set_ylabel("log(‖∇f‖² / (f(x^k) − f_ref))")
    ax.set_title(
        f"PL estimate: an admissible log(2μ) is ≤ its minimum (μ ≤ {s['min_pl_exact']:.2g})\n"
        "red: f_ref = f(x^K) (proxy); blue dashed: f_ref = f* (exact)"
    )

    # α on a log axis wide enough for the paper's α ≈ 3.3·10⁴. β = α − g sits too close to the
    # diagonal to see on a log axis, so the vertical axis is the gap g = α − β (≥ 0.1, the
    # paper's grid): T = a − αb + βc = a − α(b − c) − g c, i.e. the same rows with (b, c)
    # replaced by (b − c, −c), evaluated on the (α, g) grid by the library's min_T_grid.
    top = max(10 * s["paper_alpha"], 10 * max(s["alpha_min_exact"], s["alpha_min_proxy"]))
    ALPHAS = np.geomspace(0.1, top, 56)
    GAPS = np.geomspace(0.1, top, 56)
    for ax, rows, reg, what in (
        (axes[1, 1], study.rows_proxy, study.region_proxy, "paper: x^K proxy, f_i* = 0"),
        (axes[1, 2], study.rows_exact, study.region_exact, "exact Proj(x^k, S), true f_i*"),
    ):
        shifted = type(rows)(rows.a, rows.b - rows.c, -rows.c, rows.mask)
        H = min_T_grid(shifted, ALPHAS, GAPS, gap=0.0)  # NaN where g > α (β < 0)
        P.plot_heatmap(ax, ALPHAS, GAPS, H, label="min T over the run (≥ 0: the pair works)")
        bm = np.maximum(reg.beta_min(ALPHAS), 0.0)
        ok = np.isfinite(bm) & (bm < ALPHAS)
        ax.plot(ALPHAS[ok], ALPHAS[ok] - bm[ok], color="k", lw=1.6,
                label=f"largest gap α − β_min(α) (α_min = {reg.alpha_min:.3g})")
        ax.axvline(s["paper_alpha"], color="tab:purple", ls="--", lw=1.2,
                   label=f"the paper's α ≈ {s['paper_alpha']:.2g}")
        ax.set_xscale("log")
        ax.set_yscale("symlog", linthresh=1.0)
        ax.set_xlim(ALPHAS[0], ALPHAS[-1])
        ax.set_ylim(GAPS[0], GAPS[-1])
        ax.set_xlabel("α (log scale)")
        ax.set_ylabel("α − β (symlog: linear below 1)")
        ax.set_title(f"min T over (α, α − β): {what}")
        ax.legend(loc="upper left", fontsize=7)
    fig.suptitle(
        f"half-space (n = {f.n}, d = {f.dim}, λ = {f.params.get('lam', 1e-5):g}): "
        f"SGD, γ = {study.gamma:g}, {study.steps} steps, seed {seed}"
    )
    return [P.save(fig, Path(out_dir) / "halfspace.png")]
