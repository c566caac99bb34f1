r"""The paper's Figure 3: the 2-D examples as 3-D surfaces and as contour maps.

[AB] Figure 3 shows Examples 1, 2, 3 and 6 (MATHEMATICS.md §4.1–4.4). Here S is drawn in red (the
line of Example 1, the points of the others, at height f*), and the other stationary points listed
in ``landscape.critical_points`` are marked: saddles (X) and non-global local minima (v).
"""

from __future__ import annotations

from pathlib import Path

import toylands

from . import plotting as P

__all__ = ["main", "VIEWS"]

# The window each example is drawn on (x0, x1, y0, y1): chosen to show S and the stationary points.
VIEWS = {
    "example1": (-3.0, 3.0, -3.0, 3.0),
    "example2": (-1.5, 3.5, -1.5, 3.5),
    "example3": (-1.5, 4.0, -1.5, 4.0),
    "example6": (-1.0, 2.0, -1.0, 2.0),
}
TITLES = {
    "example1": "Example 1: unbounded S (a line)",
    "example2": "Example 2: a saddle point",
    "example3": "Example 3: a non-global local minimum",
    "example6": "Example 6: non-optimal stationary points",
}


def _landscapes():
    return {name: toylands.get(name) for name in VIEWS}


def _surfaces(lands, num, out):
    fig = P.figure(0, figsize=(10.5, 9.0))[0]
    for k, (name, f) in enumerate(lands.items()):
        ax = fig.add_subplot(2, 2, k + 1, projection="3d", computed_zorder=False)
        P.plot_landscape(f, box=VIEWS[name], ax=ax, kind="surface", num=num)
        ax.set_title(TITLES[name])
        ax.view_init(elev=32, azim=-60)
    fig.subplots_adjust(left=0.02, right=0.96, bottom=0.03, top=0.95, wspace=0.08, hspace=0.12)
    return P.save(fig, out / "fig3_surfaces_3d.png")


def _contours(lands, num, out):
    fig, axes = P.figure(2, 2, figsize=(10.0, 8.6), layout="constrained")
    for ax, (name, f) in zip(axes.flat, lands.items()):
        cs = P.plot_landscape(f, box=VIEWS[name], ax=ax, kind="contour", num=num, levels=25)
        fig.colorbar(cs, ax=ax, label="f(x, y)")
        ax.set_title(TITLES[name])
    return P.save(fig, out / "fig3_surfaces_contour.png")


@P.styled
def main(out_dir, smoke: bool = False, *, seed: int = 0) -> list[Path]:
    """Draw ``fig3_surfaces_3d.png`` and ``fig3_surfaces_contour.png`` into ``out_dir``.

    ``seed`` is unused (nothing here is random); it is accepted like every figure script.
    """
    out = Path(out_dir)
    lands = _landscapes()
    num = 41 if smoke else 121
    return [_surfaces(lands, num, out), _contours(lands, 2 * num, out)]


if __name__ == "__main__":
    print(main(Path("out/figures")))
