"""``toylands report`` and ``toylands figures``.

This is the CLI layer, the one place (with ``figures`` itself) that may import ``figures``:
``theory.report`` receives the drawing function as an argument.
"""

from __future__ import annotations

from pathlib import Path

from .common import UserError

__all__ = ["add_parser"]


def _draw_all():
    try:
        import figures
    except ModuleNotFoundError as exc:  # an install without the figures package
        raise UserError(f"the figures package is not importable: {exc}") from None
    return figures.draw_all


def _exit_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit so that an interrupted report cleans up its temp folder."""
    import signal
    import sys
    import threading

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def _report(args):
    from ..report import Config, Progress, build_report

    if args.seed < 0:
        raise UserError("--seed must be >= 0")
    _exit_on_sigterm()
    cfg = Config.quick_config(args.seed) if args.quick else Config.default(args.seed)
    if args.no_figures:
        cfg = type(cfg)(**{**cfg.__dict__, "figures": False})
    return build_report(
        args.out,
        cfg,
        draw_figures=None if args.no_figures else _draw_all(),
        progress=Progress(args.quiet),
        strict=args.strict,
    )


def _report_human(res):
    counts = ", ".join(f"{v}: {n}" for v, n in res["claims"].items() if n)
    bad = [k for k, v in res["sections"].items() if v != "ok"]
    lines = [f"report written to {res['out']} ({res['seconds']} s)", f"  claims: {counts}"]
    if bad:
        lines.append("  not computed: " + ", ".join(f"{k} ({res['sections'][k]})" for k in bad))
    lines.append(f"  open {res['index']}")
    return "\n".join(lines)


def _figures(args):
    import sys
    import time

    draw_all = _draw_all()
    t0 = time.perf_counter()

    def progress(msg):
        if not args.quiet:
            print(f"[figures {time.perf_counter() - t0:6.1f}s] {msg}", file=sys.stderr)

    out = Path(args.out)
    res = draw_all(out, smoke=args.smoke, seed=args.seed, progress=progress)
    return {"out": str(out), "figures": res}


def _figures_human(res):
    lines = []
    for name, r in res["figures"].items():
        what = ", ".join(r["files"]) if r["status"] == "ok" else f"not drawn: {r['reason']}"
        lines.append(f"{name}: {what}")
    return "\n".join(lines)


def add_parser(sub):
    p = sub.add_parser(
        "report",
        help="certify, map regions, check theorems and draw figures for every landscape",
        description="Build DIR/index.md (the claims table and the figures) and "
        "DIR/results.json (every number). DIR is replaced as a whole at the end.",
    )
    p.add_argument("--out", default="report", metavar="DIR", help="report folder (default: report)")
    p.add_argument("--seed", type=int, default=0, help="seed of every random draw (default 0)")
    p.add_argument("--quick", action="store_true", help="small budgets and smoke figures")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.add_argument("--no-figures", action="store_true", help="skip the figures")
    p.add_argument("--strict", action="store_true", help="stop at the first failing section")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(func=_report, human=_report_human)

    p = sub.add_parser("figures", help="draw every figure into DIR")
    p.add_argument(
        "--out", default="out/figures", metavar="DIR", help="output folder (default: out/figures)"
    )
    p.add_argument("--seed", type=int, default=0, help="seed of every random draw (default 0)")
    p.add_argument("--smoke", action="store_true", help="small, fast versions")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(func=_figures, human=_figures_human)
