r"""Half-space learning along SGD: the paper's Figures 2 and 9 with the exact S beside the proxy.

One SGD run (step 1/4, batch 1, ``theory.protocol.sgd_trajectory``) on ``half-space``
(MATHEMATICS.md §4.8). Top: the loss with the saddle's value (dotted), the gradient norm, and the
aiming angle — the cosine between ∇f(x^k) and x^k − x^K (the paper's proxy) and x^k − Proj(x^k, S)
(exact). Bottom: the PL estimate log(‖∇f‖² / (f(x^k) − f_ref)) [AB Eq. (13), δ = 2] with
f_ref = f(x^K) (proxy) or f* (exact) — an admissible log(2μ) is at most its minimum; the proxy
curve has gaps where f(x^k) ≤ f(x^K), since x^K is not a minimizer — and
the heat maps of min T over (α, β) for the paper's protocol (x^K, f_i* = 0) and with the exact
projection and f_i*; the black curve is the exact region's frontier.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import toylands

from . import plotting as P

__all__ = ["main"]


@P.styled
def main(out_dir, smoke: bool = False, *, seed: int = 0) -> list[Path]:
    """Draw ``halfspace.png``."""
    from theory.protocol import (
        aiming_along,
        min_T_grid,
        pl_estimate_along,
        protocol_settings,
        two_pass,
    )

    f = toylands.get("half-space")
    cfg = protocol_settings(f)
    steps = 400 if smoke else int(cfg["steps"])
    rng = np.random.default_rng(seed)
    saddles = [c for c in f.critical_points if c.kind == "saddle"]
    # Start near the saddle SGD passes in the paper's protocol (critical_points[0]), so that
    # the run shows what Fig. 2 shows: a vanishing gradient at a high loss.
    x0 = np.asarray(saddles[0].point)[None, :] + 0.3 * rng.standard_normal((1, f.dim))
    tp = two_pass(f, x0, gamma=cfg["gamma"], steps=steps, seed=seed, batch=1)
    xs = tp.traj.x[0, :-1]  # x^0 … x^{K−1} (the last stored iterate is run 1's x^K)
    xK = tp.x_K[0]
    k = np.arange(xs.shape[0])
    fx = f.value(xs)
    gn = np.linalg.norm(f.gradient(xs), axis=-1)

    fig, axes = P.figure(2, 3, figsize=(16.0, 9.0), layout="constrained")
    ax = axes[0, 0]
    P.plot_curve(ax, k, fx, label="f(x^k)")
    ax.axhline(f.f_star, color="tab:red", lw=1.0, label=f"f* = {f.f_star:.4g}")
    for c in saddles[:1]:
        ax.axhline(c.value, color="tab:orange", ls=":", lw=1.2, label=f"saddle value {c.value:.4g}")
    ax.set_xlabel("iteration k")
    ax.set_ylabel("loss f(x^k)")
    ax.set_title("Loss (start: the saddle + N(0, 0.3²) noise)")
    ax.legend()

    ax = axes[0, 1]
    P.plot_curve(ax, k, gn, label="‖∇f(x^k)‖")
    ax.set_yscale("log")
    ax.set_xlabel("iteration k")
    ax.set_ylabel("‖∇f(x^k)‖")
    ax.set_title("Gradient norm")
    ax.legend()

    ax = axes[0, 2]
    P.plot_curve(
        ax, k, aiming_along(f, xs, xK).cos, label="cos∠(∇f, x^k − x^K) (proxy)", color="tab:red"
    )
    P.plot_curve(
        ax,
        k,
        aiming_along(f, xs).cos,
        label="cos∠(∇f, x^k − Proj(x^k, S)) (exact)",
        color="tab:blue",
        ls="--",
    )
    ax.axhline(0.0, color="k", lw=0.8)
    ax.set_ylim(-1.05, 1.05)
    ax.set_xlabel("iteration k")
    ax.set_ylabel("cosine of the aiming angle")
    ax.set_title(
        "Aiming (< 0: the gradient points away from S)\n"
        "red: towards x^K (proxy); blue dashed: towards Proj(x^k, S) (exact)"
    )

    ax = axes[1, 0]
    pl_proxy = pl_estimate_along(f, xs, xK)  # one point per epoch, as the paper
    pl_exact = pl_estimate_along(f, xs)
    P.plot_curve(
        ax, pl_proxy.k, pl_proxy.value, label="f_ref = f(x^K) (proxy)", color="tab:red", marker="."
    )
    P.plot_curve(
        ax, pl_exact.k, pl_exact.value, label="f_ref = f* (exact)", color="tab:blue", ls="--"
    )
    ax.set_xlabel("iteration k (one point per epoch)")
    ax.set_ylabel("log(‖∇f‖² / (f(x^k) − f_ref))")
    ax.set_title(
        "PL estimate: an admissible log(2μ) is ≤ its minimum\n"
        "red: f_ref = f(x^K) (proxy); blue dashed: f_ref = f* (exact)"
    )

    regs = {"proxy": tp.proxy.region(), "exact": tp.exact.region()}
    top = max([r.alpha_min for r in regs.values() if np.isfinite(r.alpha_min)] + [1.0])
    top = float(10.0 ** np.ceil(np.log10(4 * top)))  # a round α range past both α_min
    ALPHAS = np.linspace(0.1, top, 48)
    BETAS = np.linspace(0.0, top - 0.1, 48)
    for ax, key, what in (
        (axes[1, 1], "proxy", "paper: x^K proxy, f_i* = 0"),
        (axes[1, 2], "exact", "exact Proj(x^k, S), true f_i*"),
    ):
        rows = tp.proxy if key == "proxy" else tp.exact
        H = min_T_grid(rows, ALPHAS, BETAS)
        P.plot_heatmap(ax, ALPHAS, BETAS, H, label="min T over the run")
        reg = regs[key]
        bm = reg.beta_min(ALPHAS)
        ok = np.isfinite(bm) & (bm < ALPHAS)
        ax.plot(
            ALPHAS[ok],
            np.maximum(bm[ok], 0.0),
            color="k",
            lw=1.6,
            label=f"its exact frontier (α_min = {reg.alpha_min:.3g})",
        )
        ax.set_xlim(ALPHAS[0], ALPHAS[-1])
        ax.set_ylim(BETAS[0], BETAS[-1])
        ax.set_xlabel("α")
        ax.set_ylabel("β")
        ax.set_title(f"min T: {what}")
        ax.legend(loc="upper left", fontsize=7)
    fig.suptitle(
        f"half-space (n = {f.n}, d = {f.dim}, λ = {f.params.get('lam', 1e-5):g}): "
        f"SGD, γ = {tp.traj.gamma:g}, {steps} steps, seed {seed}"
    )
    return [P.save(fig, Path(out_dir) / "halfspace.png")]
