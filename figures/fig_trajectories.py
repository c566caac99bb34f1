r"""Trajectories of SGD, SPS_max and NGN over the contours of 2-D examples.

One seeded run of each optimizer (MATHEMATICS.md §5, with the landscape's exact f_i*) from the same
start, drawn over the contours of f with S (red) and the other stationary points marked. Each
method has one colour, for its path, its start (concentric rings: all start at the same point) and
its last iterate (square); the box in the corner says where each ends (f − f* and the distance to
S). The steps are set from the certified smoothness bound L of each landscape's default domain:
SGD γ = 1/L, SPS_max c = ½ and γ_b = 2/L, NGN γ = 2/L.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import toylands

from . import plotting as P

__all__ = ["main", "PANELS", "COLORS"]

# one colour per method (SGD, SPS_max, NGN), none of them the red of S or the orange of saddles
COLORS = ("tab:blue", "tab:pink", "tab:green")

# (landscape, view box, start point)
PANELS = (
    ("example6", (-1.0, 2.0, -1.0, 2.0), (1.8, -0.6)),
    ("example3", (-1.5, 4.0, -1.5, 4.0), (-1.0, 3.5)),
)


def _optimizers(L: float):
    from theory.optim import optimizers as O

    return (
        ("SGD, γ = 1/L", O.sgd(1.0 / L)),
        ("SPS_max, c = ½, γ_b = 2/L", O.sps_max(0.5, 2.0 / L)),
        ("NGN, γ = 2/L", O.ngn(2.0 / L)),
    )


def _path(landscape, opt, x0, steps: int, rng) -> np.ndarray:
    """The iterates ``x⁰ … x^K`` of one run (``theory.optim.simulate`` keeping every iterate)."""
    from theory.optim.simulate import simulate

    x0 = np.asarray(x0, dtype=float)[None, :]
    sim = simulate(landscape, opt, x0, steps=steps, rng=rng, keep_x=steps + 1)
    return sim.history_x[:, 0, :]


@P.styled
def main(out_dir, smoke: bool = False, *, seed: int = 0) -> list[Path]:
    """Draw ``trajectories.png``: one panel per landscape of ``PANELS``."""
    panels = PANELS
    steps = 60 if smoke else 400
    num = 81 if smoke else 241
    fig, axes = P.figure(
        1, len(panels), figsize=(5.6 * len(panels), 5.0), layout="constrained", squeeze=False
    )
    for ax, (name, box, x0) in zip(axes[0], panels):
        f = toylands.get(name)
        L = f.smoothness().L
        X, Y, Z = P.grid_values(f, box, num)
        cs = P.plot_contours(ax, X, Y, Z, levels=25, cmap="Greys_r", alpha=0.8)
        fig.colorbar(cs, ax=ax, label="f(x, y)", shrink=0.85)
        ends = []
        opts = _optimizers(L)
        for k, (label, opt) in enumerate(opts):
            rng = np.random.default_rng([seed, k])
            path = _path(f, opt, x0, steps, rng)
            P.plot_trajectory(ax, path, label=label, color=COLORS[k],
                              start_size=6.0 + 4.0 * (len(opts) - 1 - k))
            xK = path[-1]
            gap = float(f.value(xK) - f.f_star)
            dist = float(f.distance(xK[None, :])[0])
            ends.append((COLORS[k], f"{label.split(',')[0]} ends at ({xK[0]:.3g}, {xK[1]:.3g}): "
                                  f"f − f* = {gap:.2g}, dist to S = {dist:.2g}"))
        for j, (color, text) in enumerate(ends):
            ax.text(0.02, 0.02 + 0.055 * (len(ends) - 1 - j), text, transform=ax.transAxes,
                    fontsize=7, color=color, ha="left", va="bottom", zorder=20,
                    bbox={"fc": "white", "ec": "none", "alpha": 0.8, "pad": 1.0})
        ax.plot([], [], "o", color="0.6", mec="k", mew=0.5,
                label="start x⁰ (rings: one per method)")
        ax.plot([], [], "s", color="0.6", mec="k", mew=0.5, label="last iterate x^K")
        P.plot_minimizers(ax, f.minimizers, box)
        P.plot_critical_points(ax, f.critical_points, box=box)
        ax.set_xlim(box[:2])
        ax.set_ylim(box[2:])
        ax.set_aspect("equal")
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.set_title(f"{name}: {steps} steps from ({x0[0]:g}, {x0[1]:g}), L ≤ {L:.3g}")
    handles = {}
    for ax in axes[0]:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(lab, h)
    fig.legend(handles.values(), handles.keys(), loc="outside lower center", ncol=4)
    return [P.save(fig, Path(out_dir) / "trajectories.png")]
