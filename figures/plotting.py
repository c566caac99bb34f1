r"""Shared plotting functions of the toylands figures.

Every function here draws on the ``ax`` it is given and returns the artist it made; none of
them computes anything beyond evaluating a landscape on a grid (the mathematics lives in
``toylands`` and ``theory``). ``figure`` and ``save`` apply the one style sheet
(``toylands.mplstyle``) and write byte-stable files: every figure as a PNG (fixed dpi) and a PDF
beside it (vector, for papers; ``pdfs(False)`` leaves it out, as smoke runs do), neither with
run-dependent metadata (no software version, no creation date).

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import toylands
>>> fig, ax = figure()
>>> X, Y, Z = grid_values(toylands.get("example1"), (-2, 2, -2, 2), num=21)
>>> Z.shape
(21, 21)
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # figures are files; never a window (importing pyplot after this is safe)

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import colors  # noqa: E402

__all__ = [
    "STYLE",
    "DPI",
    "style",
    "styled",
    "figure",
    "save",
    "pdfs",
    "grid_values",
    "plot_surface",
    "plot_contours",
    "plot_minimizers",
    "plot_critical_points",
    "plot_region",
    "plot_heatmap",
    "mark_pair",
    "plot_band",
    "plot_curve",
    "plot_trajectory",
    "plot_landscape",
    "note",
]

STYLE = Path(__file__).with_name("toylands.mplstyle")
DPI = 120
# Metadata matplotlib would otherwise fill with run-dependent data: the version string (PNG), the
# producer, creator and creation date (PDF).
_METADATA = {"Software": None}
_PDF_METADATA = {"Creator": None, "Producer": None, "CreationDate": None}

KIND_MARKERS = {
    "saddle": ("X", "tab:orange", "saddle"),
    "local minimum": ("v", "tab:purple", "local min (not global)"),
    "local maximum": ("^", "tab:brown", "local max"),
}
S_COLOR = "tab:red"


@contextlib.contextmanager
def style():
    """Context in which the toylands style sheet is active."""
    with plt.style.context(str(STYLE)):
        yield


def styled(fn):
    """Decorator: run a figure script's ``main`` with the style sheet active throughout.

    Matplotlib reads most style parameters when an artist is created, so the style must be
    active while drawing, not only when the figure is made.
    """

    @functools.wraps(fn)
    def wrapper(*args, **kw):
        with style():
            return fn(*args, **kw)

    return wrapper


def figure(nrows: int = 1, ncols: int = 1, *, figsize=None, **kw):
    """A new figure and its axes (``plt.subplots`` arguments); ``nrows=0`` gives no axes."""
    with style():
        if nrows == 0:
            return plt.figure(figsize=figsize, **kw), None
        fig, axes = plt.subplots(nrows, ncols, figsize=figsize, **kw)
    return fig, axes


_WRITE_PDF = contextvars.ContextVar("toylands_write_pdf", default=True)


@contextlib.contextmanager
def pdfs(write: bool):
    """Context in which :func:`save` writes the PDF beside each PNG (``write=True``, the
    default outside any such context) or the PNG only (smoke figures: the PDF doubles the
    time a figure takes to save)."""
    token = _WRITE_PDF.set(bool(write))
    try:
        yield
    finally:
        _WRITE_PDF.reset(token)


def save(fig, path) -> Path:
    """Write ``fig`` to ``path`` as a byte-stable PNG at ``DPI`` and, beside it (unless
    :func:`pdfs` says not to), the same figure as a byte-stable PDF (``path`` with the suffix
    ``.pdf``); close it and return the PNG's path. Both are cropped to the figure's tight
    bounding box with ``savefig.pad_inches`` of margin (``bbox_inches="tight"``).

    The figure is laid out (by its layout engine, if any) and rendered once, and the PNG is cut
    from that rendering: matplotlib would lay it out and render it once to measure it and again
    for every file (3.1–5.5 s for a 12-panel figure, 1.9–3.2 s so). A figure whose tight box
    reaches beyond its canvas (a label placed outside) is rendered again, shifted, by
    matplotlib's own ``savefig``. A figure made without pyplot is given an Agg canvas.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with style():
        face = matplotlib.rcParams["savefig.facecolor"]
        if face != "auto":
            fig.patch.set_facecolor(face)
        if not hasattr(fig.canvas, "buffer_rgba"):  # (``Figure()`` without pyplot)
            from matplotlib.backends.backend_agg import FigureCanvasAgg

            FigureCanvasAgg(fig)
        fig.set_dpi(DPI)
        fig.canvas.draw()  # the layout engine, if any, runs within this draw
        fig._layout_engine = None  # laid out: the files below must not redo it
        tight = fig.get_tightbbox(fig.canvas.get_renderer())
        box = tight.padded(matplotlib.rcParams["savefig.pad_inches"])
        canvas = fig.bbox_inches
        if (tight.x0 >= canvas.x0 and tight.y0 >= canvas.y0 and tight.x1 <= canvas.x1
                and tight.y1 <= canvas.y1):
            _write_png(fig, box, path)
        else:
            fig.savefig(path, dpi=DPI, metadata=_METADATA, bbox_inches=box)
        if _WRITE_PDF.get():
            with matplotlib.rc_context({"pdf.compression": 6}):
                fig.savefig(path.with_suffix(".pdf"), metadata=_PDF_METADATA, bbox_inches=box)
    plt.close(fig)
    return path


def _write_png(fig, box, path) -> None:
    """The part of ``fig``'s rendering inside ``box`` (inches; beyond the canvas: background),
    as a PNG with no metadata but its resolution."""
    from PIL import Image

    rgba = np.asarray(fig.canvas.buffer_rgba())
    h = rgba.shape[0]
    dpi = fig.dpi
    c0, c1 = round(box.x0 * dpi), round(box.x1 * dpi)
    r0, r1 = h - round(box.y1 * dpi), h - round(box.y0 * dpi)
    out = np.empty((r1 - r0, c1 - c0, 4), np.uint8)
    out[...] = np.round(255 * np.array(colors.to_rgba(fig.patch.get_facecolor())))
    src = rgba[max(r0, 0):min(r1, h), max(c0, 0):min(c1, rgba.shape[1])]
    out[max(-r0, 0):max(-r0, 0) + src.shape[0], max(-c0, 0):max(-c0, 0) + src.shape[1]] = src
    Image.fromarray(out).save(path, format="png", dpi=(DPI, DPI))


def grid_values(landscape, box, num: int = 121):
    """``f`` of a 2-D landscape on a ``num × num`` grid over ``box = (x0, x1, y0, y1)``.

    Returns ``X, Y, Z`` as ``meshgrid`` arrays (``indexing="xy"``).
    """
    x0, x1, y0, y1 = box
    X, Y = np.meshgrid(np.linspace(x0, x1, num), np.linspace(y0, y1, num))
    Z = landscape.value(np.stack([X, Y], axis=-1))
    return X, Y, Z


def plot_surface(ax, X, Y, Z, *, cmap="viridis", alpha=0.85, **kw):
    """A 3-D surface on a ``projection="3d"`` axes (rasterized in vector files); returns the
    ``Poly3DCollection``."""
    kw.setdefault("rstride", 1)
    kw.setdefault("cstride", 1)
    kw.setdefault("linewidth", 0)
    kw.setdefault("antialiased", False)
    kw.setdefault("rasterized", True)  # in a PDF: an image, not 10⁴ polygons to write and render
    return ax.plot_surface(X, Y, Z, cmap=cmap, alpha=alpha, **kw)


def plot_contours(ax, X, Y, Z, *, levels=30, filled=True, cmap="viridis", **kw):
    """Contours of ``Z``; filled ones with thin line contours on top. Returns the filled set."""
    if filled:
        cs = ax.contourf(X, Y, Z, levels=levels, cmap=cmap, **kw)
        ax.contour(X, Y, Z, levels=cs.levels, colors="k", linewidths=0.3, alpha=0.4)
        return cs
    return ax.contour(X, Y, Z, levels=levels, cmap=cmap, **kw)


def _line_in_box(point, direction, box):
    """Endpoints of the segment of ``point + t direction`` inside the 2-D ``box``."""
    x0, x1, y0, y1 = box
    lo, hi = -np.inf, np.inf
    for p, d, a, b in ((point[0], direction[0], x0, x1), (point[1], direction[1], y0, y1)):
        if abs(d) < 1e-15:
            if not a <= p <= b:
                return None
            continue
        t0, t1 = sorted(((a - p) / d, (b - p) / d))
        lo, hi = max(lo, t0), min(hi, t1)
    if lo > hi:
        return None
    return np.array([point + lo * direction, point + hi * direction])


def _minimizer_pieces(S, box):
    """``S`` of a 2-D landscape inside ``box`` as ``("line", (2, 2))`` / ``("points", (m, 2))``."""
    from toylands.sets import AffineSet, PointSet, UnionSet

    if isinstance(S, UnionSet):
        return [p for c in S.components for p in _minimizer_pieces(c, box)]
    if isinstance(S, PointSet):
        return [("points", S.points)]
    if isinstance(S, AffineSet):
        if S.rank == 0:
            return [("points", S.point[None, :])]
        if S.rank == 1:
            seg = _line_in_box(S.point, S.basis[:, 0], box)
            return [] if seg is None else [("line", seg)]
    # any other set (a user's projection, an orbit): points of S found by projecting a grid
    # of the box and by sampling the set, those inside the box
    pts = [S.project(_box_grid(box, 41))]
    try:
        pts.append(np.asarray(S.sample(np.random.default_rng(0), 400), dtype=float))
    except NotImplementedError:
        pass
    pts = np.concatenate(pts, axis=0)
    x0, x1, y0, y1 = box
    inside = (pts[:, 0] >= x0) & (pts[:, 0] <= x1) & (pts[:, 1] >= y0) & (pts[:, 1] <= y1)
    pts = np.unique(np.round(pts[inside], 9), axis=0)
    return [("sampled", pts)] if len(pts) else []


def _box_grid(box, num):
    x0, x1, y0, y1 = box
    X, Y = np.meshgrid(np.linspace(x0, x1, num), np.linspace(y0, y1, num))
    return np.stack([X.ravel(), Y.ravel()], axis=-1)


def plot_minimizers(ax, S, box, *, z=None, label="S (global minimizers)", **kw):
    """Draw a 2-D minimizer set: a line for an affine set, points for a finite one, and points
    of S found by projection and sampling for any other set (a user's projection, an orbit).

    ``box = (x0, x1, y0, y1)`` clips lines. On a 3-D axes give ``z``, the height to draw at
    (``f*``). Returns the first artist (the one carrying the legend label).
    """
    kw.setdefault("color", S_COLOR)
    kw.setdefault("zorder", 10)
    first = None
    for kind, pts in _minimizer_pieces(S, box):
        args = (pts[:, 0], pts[:, 1]) + (() if z is None else (np.full(len(pts), z),))
        if kind == "line":
            (art,) = ax.plot(*args, "-", lw=2.4, label=label if first is None else None, **kw)
        elif kind == "sampled" and len(pts) > 12:  # many points of a continuum: small dots
            (art,) = ax.plot(*args, ".", ms=3, ls="none",
                             label=label if first is None else None, **kw)
        else:
            (art,) = ax.plot(
                *args,
                "*",
                ms=13,
                mec="k",
                mew=0.6,
                ls="none",
                label=label if first is None else None,
                **kw,
            )
        first = art if first is None else first
    return first


def plot_critical_points(ax, critical_points, *, three_d=False, box=None, offset=0.0):
    """Mark saddles, non-global minima and maxima (``landscape.critical_points``).

    Points outside ``box`` are skipped. Returns the list of artists, one per kind drawn.
    """
    arts, seen = [], set()
    for cp in critical_points:
        p = np.asarray(cp.point, dtype=float)
        if p.size != 2:
            continue
        if box is not None and not (box[0] <= p[0] <= box[1] and box[2] <= p[1] <= box[3]):
            continue
        marker, color, label = KIND_MARKERS.get(cp.kind, ("o", "k", cp.kind))
        args = (p[:1], p[1:]) + ((np.array([cp.value + offset]),) if three_d else ())
        (art,) = ax.plot(
            *args,
            marker=marker,
            color=color,
            ms=10,
            mec="k",
            mew=0.6,
            ls="none",
            zorder=11,
            label=None if cp.kind in seen else label,
        )
        seen.add(cp.kind)
        arts.append(art)
    return arts


def plot_region(ax, alphas, beta_min, *, label="feasible (α, β)", color="tab:blue", **kw):
    """Fill the region ``{(α, β) : β_min(α) ≤ β < α}`` over the grid ``alphas``.

    ``beta_min`` is the frontier at ``alphas`` (+∞ or ≥ α where no β works); the frontier is
    drawn as a solid line and the excluded diagonal β = α as a dashed one. Returns the
    ``PolyCollection`` of the fill.
    """
    a = np.asarray(alphas, dtype=float)
    lo = np.asarray(beta_min, dtype=float)
    ok = np.isfinite(lo) & (lo < a)
    art = ax.fill_between(
        a, np.where(ok, lo, a), a, where=ok, color=color, alpha=0.3, lw=0, label=label, **kw
    )
    ax.plot(a[ok], lo[ok], color=color, lw=1.6)
    ax.plot(a, a, color="0.4", lw=0.8, ls="--", label="β = α (excluded)")
    return art


def plot_heatmap(ax, alphas, betas, values, *, label="min T", linthresh=None, **kw):
    """Paper-style heat map of ``values[j, i]`` at ``(alphas[i], betas[j])``.

    Colours are symmetric-log around 0 (red < 0 fails, blue ≥ 0 works; linear within
    ``linthresh``, default 10⁻³ of the largest |value|); NaN cells (outside ``α ≥ β + 0.1``) are
    left blank and the 0 level is outlined (dotted). Returns the ``QuadMesh``.
    """
    v = np.asarray(values, dtype=float)
    finite = v[np.isfinite(v)]
    vmax = float(np.max(np.abs(finite))) if finite.size else 1.0
    vmax = vmax if vmax > 0 else 1.0
    linthresh = vmax * 1e-3 if linthresh is None else linthresh
    norm = colors.SymLogNorm(linthresh=linthresh, vmin=-vmax, vmax=vmax, base=10)
    mesh = ax.pcolormesh(
        alphas, betas, np.ma.masked_invalid(v), cmap="RdBu", norm=norm, shading="nearest", **kw
    )
    if finite.size and finite.min() < 0 < finite.max():
        ax.contour(
            alphas,
            betas,
            np.ma.masked_invalid(v),
            levels=[0.0],
            colors="0.3",
            linewidths=0.8,
            linestyles=":",
        )
    ticks = [s * vmax * 10.0**-e for s in (-1, 1) for e in (0, 1, 2)] + [0.0]
    cb = ax.figure.colorbar(mesh, ax=ax, pad=0.02, ticks=sorted(ticks))
    cb.ax.set_yticklabels([f"{t:.1e}" if t else "0" for t in sorted(ticks)])
    cb.set_label(label)
    return mesh


def mark_pair(ax, alpha, beta, *, label, marker="*", color="gold", **kw):
    """Mark one ``(α, β)`` pair (e.g. the paper's claim). Returns the ``Line2D``."""
    (art,) = ax.plot(
        [alpha],
        [beta],
        marker=marker,
        color=color,
        ms=14,
        mec="k",
        mew=0.8,
        ls="none",
        label=label,
        zorder=12,
        **kw,
    )
    return art


def plot_band(ax, k, mid, lo, hi, *, label, color=None, **kw):
    """A curve ``mid`` over ``k`` with a shaded band ``[lo, hi]``. Returns the line."""
    (line,) = ax.plot(k, mid, label=label, color=color, **kw)
    ax.fill_between(k, lo, hi, color=line.get_color(), alpha=0.25, lw=0)
    return line


def plot_curve(ax, x, y, *, label=None, **kw):
    """A plain curve. Returns the ``Line2D``."""
    (line,) = ax.plot(x, y, label=label, **kw)
    return line


def plot_trajectory(ax, xs, *, label, color=None, every=1, start_size=6.0, **kw):
    """An optimizer's path ``xs (K, 2)`` with its start (o) and end (■), both in the path's
    colour (``start_size``: several paths from one start stay visible as concentric rings when
    drawn largest first). Returns the line."""
    xs = np.asarray(xs, dtype=float)[::every]
    (line,) = ax.plot(xs[:, 0], xs[:, 1], "-", lw=1.0, color=color, label=label, **kw)
    c = line.get_color()
    ax.plot(xs[:1, 0], xs[:1, 1], "o", color=c, ms=start_size, mec="k", mew=0.5, zorder=12)
    ax.plot(xs[-1:, 0], xs[-1:, 1], "s", color=c, ms=6, mec="k", mew=0.5, zorder=12)
    return line


def _as_view(landscape, box):
    """``(x0, x1, y0, y1)`` from None (the domain), a ``toylands.Box`` or a 4-tuple."""
    if box is None:
        box = landscape.domain
    if hasattr(box, "lo") and hasattr(box, "hi"):
        return (float(box.lo[0]), float(box.hi[0]), float(box.lo[1]), float(box.hi[1]))
    x0, x1, y0, y1 = (float(v) for v in box)
    if not (x0 < x1 and y0 < y1):
        raise ValueError(f"box must be (x0, x1, y0, y1) with x0 < x1 and y0 < y1, got {box}")
    return (x0, x1, y0, y1)


def plot_landscape(landscape, *, box=None, ax=None, kind="surface", trajectories=None,
                   num=None, levels=25, legend=True):
    r"""Draw any 2-D landscape with its minimizer set, saddles and non-global minima.

    Parameters
    ----------
    landscape : toylands.Landscape
        Of dimension 2 (registered, ``from_functions`` or ``from_sympy``).
    box : toylands.Box or (x0, x1, y0, y1), optional
        The window (default: the landscape's domain).
    ax : matplotlib axes, optional
        A ``projection="3d"`` axes for ``kind="surface"``; a new figure when omitted.
    kind : {"surface", "contour"}
        A 3-D surface (S drawn at height f*) or filled contours.
    trajectories : array (K, 2), (R, K, 2) or a list of (K, 2) arrays, optional
        Optimizer paths, drawn on the surface (at their heights) or on the contours.
    num : int, optional
        Grid points per axis (default 121 for a surface, 241 for contours).

    Returns
    -------
    The surface (``Poly3DCollection``) or the filled ``QuadContourSet``.

    Examples
    --------
    >>> import toylands
    >>> art = plot_landscape(toylands.get("example2"), kind="contour", num=41)
    >>> type(art).__name__
    'QuadContourSet'
    """
    if landscape.dim != 2:
        raise ValueError(f"plot_landscape draws 2-D landscapes; {landscape.name} has dim "
                         f"{landscape.dim}")
    if kind not in ("surface", "contour"):
        raise ValueError(f"kind must be 'surface' or 'contour', got {kind!r}")
    view = _as_view(landscape, box)
    if ax is None:
        with style():
            fig = plt.figure(figsize=(6.4, 5.2) if kind == "surface" else (6.0, 5.0))
            ax = (fig.add_subplot(projection="3d", computed_zorder=False) if kind == "surface"
                  else fig.add_subplot())
        ax.set_title(landscape.name)
    three_d = hasattr(ax, "zaxis")
    if kind == "surface" and not three_d:
        raise ValueError("kind='surface' needs a projection='3d' axes")
    num = (121 if kind == "surface" else 241) if num is None else int(num)
    X, Y, Z = grid_values(landscape, view, num)
    paths = [] if trajectories is None else _paths(trajectories)
    if kind == "surface":
        art = plot_surface(ax, X, Y, Z)
        lift = 0.01 * float(np.ptp(Z))  # draw S and the marks just above the surface
        plot_minimizers(ax, landscape.minimizers, view, z=landscape.f_star + lift)
        plot_critical_points(ax, landscape.critical_points, three_d=True, box=view, offset=lift)
        for k, xs in enumerate(paths):
            zs = landscape.value(xs) + lift
            (line,) = ax.plot(xs[:, 0], xs[:, 1], zs, "-", lw=1.2, zorder=12,
                              label="trajectory" if k == 0 else None)
        ax.set_zlabel("f(x, y)", labelpad=2)
    else:
        art = plot_contours(ax, X, Y, Z, levels=levels)
        plot_minimizers(ax, landscape.minimizers, view)
        plot_critical_points(ax, landscape.critical_points, box=view)
        for k, xs in enumerate(paths):
            plot_trajectory(ax, xs, label="trajectory" if k == 0 else None)
        ax.set_xlim(view[:2])
        ax.set_ylim(view[2:])
        ax.set_aspect("equal")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    if legend:
        ax.legend(loc="upper left", fontsize=7 if three_d else None)
    return art


def _paths(trajectories):
    if isinstance(trajectories, (list, tuple)):
        out = [np.asarray(t, dtype=float) for t in trajectories]
    else:
        t = np.asarray(trajectories, dtype=float)
        out = [t] if t.ndim == 2 else list(t)
    for t in out:
        if t.ndim != 2 or t.shape[-1] != 2:
            raise ValueError(f"a trajectory must have shape (K, 2), got {t.shape}")
    return out


def note(ax, text, **kw):
    """A grey boxed note inside the axes (e.g. why a panel is empty). Returns the ``Text``."""
    kw.setdefault("fontsize", 8)
    put = getattr(ax, "text2D", ax.text)  # 3-D axes place 2-D text with text2D
    return put(
        0.5,
        0.5,
        text,
        transform=ax.transAxes,
        ha="center",
        va="center",
        wrap=True,
        bbox={"fc": "0.95", "ec": "0.6"},
        **kw,
    )
