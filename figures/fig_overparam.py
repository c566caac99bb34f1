r"""The over-parameterization sweep: PL* and the α-β-condition of a two-layer net as width grows.

Left and middle: the square-loss softplus network of [PL*] (NTK scaling, N = 16 points in
R^8, ``theory.studies.plstar.width_sweep``): λ_min of the tangent kernel at initialisation — zero
until the parameter count reaches N, the over-parameterization threshold (dotted) — and GD's
measured per-step contraction 1 − (L(w_T)/L(w₀))^{1/T} against the local PL* theorem's ημ.
Right: the paper's Example 5 network (``two-layer-relu``: logistic loss, λ₁ = λ₂ = 0.03,
n = 16) at each width: the smallest workable α of the sampled region (an outer bound: it contains
the true region) over a refined sample of its domain (``theory.certification.region_map``) and
the pair minimising Theorem 1's neighbourhood term β/(α − β). [AB §5, MATHEMATICS.md §8]: these
first grow with width, then shrink once the model is
strongly over-parameterized.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import plotting as P

__all__ = ["main"]


@P.styled
def main(out_dir, smoke: bool = False, *, seed: int = 0, data: dict | None = None) -> list[Path]:
    """Draw ``overparam.png`` from ``data`` (``theory.studies.plstar.width_study(quick=smoke,
    seed=seed)``, as the report's ``overparam`` section computed it), computed here if absent."""
    from theory.studies.plstar import width_study

    if not data or not data.get("plstar") or not data.get("alpha_beta"):
        data = width_study(quick=smoke, seed=seed)
    N, d = 16, 8  # width_study's data set: N points in R^d
    rows = data["plstar"]
    w = np.array([r["width"] for r in rows], dtype=float)
    lam = np.array([r["lambda_min_init"] for r in rows])
    fig, axes = P.figure(1, 3, figsize=(16.5, 4.8), layout="constrained")

    ax = axes[0]
    pos = lam > 0
    P.plot_curve(ax, w[pos], lam[pos], marker="o", label="λ_min(K(w₀)) > 0")
    if np.any(~pos):
        floor = lam[pos].min() / 10 if np.any(pos) else 1e-6
        ax.plot(
            w[~pos],
            np.full((~pos).sum(), floor),
            "x",
            color="tab:red",
            ms=9,
            mew=2,
            label="λ_min = 0 (m < N: no PL*)",
        )
    thr = N / (d + 1)  # params = k (d + 1) = N
    ax.axvline(thr, color="0.4", ls=":", label=f"#params m = N = {N}")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("width k (hidden units)")
    ax.set_ylabel("λ_min of the tangent kernel at w₀")
    ax.set_title(f"PL*: tangent kernel, N = {N}, d = {d} (NTK scaling)")
    ax.legend(loc="lower right")

    ax = axes[1]
    meas = 1 - np.array([r["measured_rate"] for r in rows])
    pred = 1 - np.array([r["predicted_rate"] for r in rows])
    thm = np.array([np.nan if r["theorem_rate"] is None else 1 - r["theorem_rate"] for r in rows])
    P.plot_curve(ax, w, meas, marker="o", label="GD measured: 1 − (L_T / L_0)^(1/T)")
    P.plot_curve(
        ax,
        w[pred > 0],
        pred[pred > 0],
        marker="s",
        ls="--",
        label="η μ along the run (μ = min λ_min)",
    )
    if np.any(np.isfinite(thm)):
        P.plot_curve(ax, w, thm, marker="^", ls=":", label="η μ of the local PL* theorem")
    ax.axvline(thr, color="0.4", ls=":")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("width k (hidden units)")
    ax.set_ylabel("per-step contraction of the loss")
    ax.set_title("GD: measured rate against the PL* rate")
    ax.legend(loc="lower right", fontsize=7)

    ax = axes[2]
    ab = data["alpha_beta"]
    k = np.array([r["width"] for r in ab], dtype=float)
    P.plot_curve(ax, k, [r["alpha_min"] for r in ab], marker="o",
                 label="α_min, sampled region (lower bound)")
    P.plot_curve(ax, k, [r["alpha"] for r in ab], marker="s", ls="--",
                 label="α, best Thm 1 pair (holds on samples)")
    P.plot_curve(ax, k, [r["beta"] for r in ab], marker="^", ls=":",
                 label="β, best Thm 1 pair (holds on samples)")
    n = ab[0]["n"]
    dim_per_unit = ab[0]["params"] / ab[0]["width"]
    ax.axvline(n / dim_per_unit, color="0.4", ls=":", label=f"#params = n = {n}")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.legend(loc="lower left", fontsize=7)
    ax.set_xlabel("width k (hidden units)")
    ax.set_ylabel("α, β")
    ax.set_title("α-β-condition of Example 5 (logistic, λ = 0.03)")
    return [P.save(fig, Path(out_dir) / "overparam.png")]
