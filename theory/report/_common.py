r"""What every section uses: the registry of sections and small Markdown and landscape helpers."""

from __future__ import annotations

import numpy as np

from ._model import Config, Section

__all__ = ["SECTIONS", "section", "section_name", "run_parts", "failed", "fmt", "table", "close",
           "get", "names"]

SECTIONS: list = []


def section(name: str, title: str, *, parts=None):
    """Register a section ``fn(cfg, ctx, progress) -> Section``.

    ``parts``: optional ``(keys, part)``, for a section made of independent pieces of work (one
    per landscape, say): ``keys(cfg)`` lists them and ``part(cfg, key, progress)`` computes one
    (a picklable result). The report then runs each part as its own job, in parallel, and
    calls ``fn`` with ``ctx["parts"] = {key: result}``, which ``fn`` only assembles; called
    without them (tests, one worker), ``fn`` computes each part itself (:func:`run_parts`).
    """

    def deco(fn):
        fn.section_name, fn.section_title = name, title
        fn.section_parts = parts
        SECTIONS.append(fn)
        return fn

    return deco


def run_parts(fn, cfg: Config, ctx: dict, progress) -> list:
    """The results of a section's parts, in the order of its keys: those the report computed
    (``ctx["parts"]``), the others now."""
    keys, part = fn.section_parts
    done = ctx.get("parts") or {}
    return [done[k] if k in done else part(cfg, k, progress) for k in keys(cfg)]


def section_name(fn) -> str:
    return fn.section_name


def failed(fn, exc: Exception) -> Section:
    reason = f"{type(exc).__name__}: {exc}"
    return Section(
        fn.section_name,
        fn.section_title,
        status="error",
        reason=reason,
        markdown=f"**This section failed:** `{reason}`\n",
    )


def fmt(x, digits: int = 6) -> str:
    """A number for Markdown: ``g`` format, or the string as is."""
    if x is None:
        return "—"
    if isinstance(x, str):
        return x
    x = float(x)
    if not np.isfinite(x):
        return str(x)
    return f"{x:.{digits}g}"


def table(header, rows) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in rows:
        out.append(
            "| " + " | ".join(str(c).replace("|", "\\|").replace("\n", " ") for c in r) + " |"
        )
    return "\n".join(out) + "\n"


def close(measured: float, printed: float, tol: float) -> bool:
    """Whether ``measured`` rounds to the ``printed`` value (``tol``: half its last digit)."""
    return abs(float(measured) - float(printed)) <= tol


def get(name: str, **params):
    import toylands

    if name not in toylands.names():
        return None
    return toylands.get(name, **params)


def names(cfg: Config) -> list:
    import toylands

    known = toylands.names()
    return [n for n in known if cfg.landscapes is None or n in cfg.landscapes]
