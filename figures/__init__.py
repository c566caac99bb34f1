r"""The figures of toylands: one importable script per figure.

Each ``figures.fig_*`` module has ``main(out_dir, smoke=False, *, seed=0) -> list[Path]`` and
draws only what the library computes. ``python -m figures`` (and ``toylands figures``) draws
them all; ``draw_all`` is what both call. ``plot_landscape(landscape, kind="surface")`` draws any
2-D landscape, a user's included (``figures.plotting``).
"""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

__all__ = ["SCRIPTS", "draw_all", "plot_landscape"]


def __getattr__(name):
    # ``figures.plot_landscape`` (any 2-D landscape, yours included) without importing
    # matplotlib for ``import figures`` alone.
    if name == "plot_landscape":
        from .plotting import plot_landscape

        return plot_landscape
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

# In drawing order; the cheap ones first.
SCRIPTS = (
    "fig_surfaces",
    "fig_trajectories",
    "fig_regions",
    "fig_proxy",
    "fig_halfspace",
    "fig_rates",
    "fig_pep",
    "fig_overparam",
    "fig_experiments",
)


def draw_all(
    out_dir, *, smoke: bool = False, seed: int = 0, only=None, progress=None, data=None,
    pdf: bool | None = None,
) -> dict:
    """Draw every figure into ``out_dir``.

    Returns ``{script: {"files": [...], "pdfs": [...], "status": "ok", "reason": "",
    "title": str, "caption": str}}`` with file names relative to ``out_dir`` (``pdfs``: the
    PDF beside each PNG, where written) and the title and caption taken from the script's
    docstring (its first two paragraphs). ``progress(msg)`` is called before each script.
    ``data`` (optional) maps a script to what it plots, already computed (``toylands report``
    passes its sections' results, e.g. ``overparam``'s numbers to ``fig_overparam``); a script
    without an entry computes its own. ``pdf``: write a PDF beside each PNG (default: unless
    ``smoke``).
    """
    from . import plotting as P

    write_pdf = not smoke if pdf is None else bool(pdf)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    result = {}
    for name in SCRIPTS:
        if only is not None and name not in only:
            continue
        if progress is not None:
            progress(f"figure {name}")
        mod = importlib.import_module(f"figures.{name}")
        doc = (mod.__doc__ or "").strip().split("\n\n")
        title = doc[0].replace("\n", " ")
        caption = doc[1].replace("\n", " ") if len(doc) > 1 else ""
        info = {"title": title, "caption": caption}
        given = {} if not data or name not in data else {"data": data[name]}
        with P.pdfs(write_pdf):
            files = mod.main(out_dir, smoke=smoke, seed=seed, **given)
        rel = [str(Path(f).relative_to(out_dir)) for f in files]
        pdfs = [str(Path(f).with_suffix(".pdf")) for f in rel] if write_pdf else []
        result[name] = {"files": rel, "pdfs": pdfs, "status": "ok", "reason": "", **info}
    return result


def _preload() -> None:
    """Import every figure script (``toylands report`` does so once, before its workers fork)."""
    for name in SCRIPTS:
        importlib.import_module(f"figures.{name}")


draw_all.scripts = SCRIPTS  # what `toylands report` runs as separate jobs
draw_all.preload = _preload


def _main(argv=None) -> int:
    import argparse

    p = argparse.ArgumentParser(prog="python -m figures", description=__doc__.splitlines()[0])
    p.add_argument("--out", default="out/figures", help="output folder (default: out/figures)")
    p.add_argument("--smoke", action="store_true",
                   help="small, fast versions (PNG only, unless --pdf)")
    p.add_argument("--pdf", action=argparse.BooleanOptionalAction, default=None,
                   help="write a PDF beside each PNG (default: unless --smoke)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--only", nargs="*", choices=SCRIPTS, help="draw only these scripts")
    args = p.parse_args(argv)
    t0 = time.perf_counter()

    def progress(msg):
        print(f"[figures {time.perf_counter() - t0:6.1f}s] {msg}", file=sys.stderr)

    res = draw_all(args.out, smoke=args.smoke, seed=args.seed, only=args.only, progress=progress,
                   pdf=args.pdf)
    for name, r in res.items():
        what = ", ".join(r["files"])
        print(f"{name}: {what}")
    return 0
