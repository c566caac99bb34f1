r"""``index.md``: the claims table, the sections' Markdown and the figures' section."""

from __future__ import annotations

from ._common import table
from ._model import HOLDS_VACUOUS, VERDICTS, WRONG, Config, Section
from ._output import versions

__all__ = ["figures_section", "index_markdown", "summary_markdown", "short"]


# ---- figures and index.md -----------------------------------------------------------------------
def figures_section(parts: list) -> Section:
    """The figures' Markdown from the drawing results (one dict per script job)."""
    res = {k: v for part in parts for k, v in part.items()}
    sec = Section("figures", "Figures")
    md = []
    for name, r in res.items():
        md.append(f"### {r.get('title') or name}\n")
        if r["status"] != "ok":
            md.append(f"*`{name}` not drawn: {r['reason']}.*\n")
            continue
        if r.get("caption"):
            md.append(r["caption"] + "\n")
        for file in r["files"]:
            md.append(f"![{file}](figures/{file})\n")
            pdf = file[:-4] + ".pdf"
            if file.endswith(".png") and pdf in r.get("pdfs", ()):  # (none in smoke figures)
                md.append(f"[PDF](figures/{pdf})\n")
    bad = {k: v for k, v in res.items() if v["status"] != "ok"}
    if bad:
        sec.status = "error"
        sec.reason = "; ".join(f"{k}: {v['reason']}" for k, v in bad.items())
    sec.data = {"figures": res}
    sec.markdown = "\n".join(md)
    return sec


def short(text: str, limit: int = 170) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters (with "…")."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + " …"


def _claim_line(c) -> str:
    return c.summary or short(c.measured)


def _auto_headline(claims) -> str:
    """One line for a section without a headline: its claims' own summaries where they have
    one (or the measurement, for a section of one or two claims), else their ids by verdict."""
    parts = []
    for v in VERDICTS:
        mine = [c for c in claims if c.verdict == v]
        if not mine:
            continue
        if v in WRONG:
            parts.append(f"{len(mine)} {v} (above)")
            continue
        told = [c for c in mine if c.summary or len(claims) <= 2]
        rest = [c for c in mine if c not in told]
        parts += [f"{_claim_line(c)} (*{v}*)" for c in told]
        if rest:
            parts.append(f"{len(rest)} {v}: " + ", ".join(f"`{c.id}`" for c in rest))
    return "; ".join(parts)


def _tightness(claims) -> str:
    """The paper's constants against the region, from the claims that carry both (numbers
    ``alpha_min`` and ``claim`` = the paper's pair): how loose the sufficient constants are."""
    rows = []
    for c in claims:
        n = c.numbers or {}
        pair, a0 = n.get("claim"), n.get("alpha_min")
        if isinstance(pair, (list, tuple)) and len(pair) == 2 and a0:
            try:
                rows.append(f"{c.id.split('-')[0]} {float(pair[0]) / float(a0):.3g}×")
            except (TypeError, ValueError, ZeroDivisionError):
                continue
    if not rows:
        return ""
    return ("**The paper's constants** are sufficient, not tight: its α over the smallest α of "
            "our region — " + ", ".join(rows) + " (details in the regions section).")


def summary_markdown(sections: list) -> str:
    """The report's first screen: verdict counts, what the paper got wrong, one line per
    section. Generic over the sections: every section's claims are collected, whatever section
    made them; a section's ``headline`` stands for its claims when it has one."""
    claims = [c for s in sections for c in s.claims]
    counts = {v: sum(c.verdict == v for c in claims) for v in VERDICTS}
    lines = ["## Summary", ""]
    if not claims:
        return "\n".join(lines + ["*No claims could be checked.*", ""])
    told = ", ".join(f"{n} {v}" for v, n in counts.items() if n)
    lines += [
        f"**{len(claims)} claims of the paper checked** against exact ground truth: {told}. A "
        f"bound at or above the trivial bound E[f(x⁰) − f*] is counted as *{HOLDS_VACUOUS}*, "
        "never as a confirmation.",
        "",
    ]
    wrong = [c for c in claims if c.verdict in WRONG]
    if wrong:
        lines += ["**What the paper got wrong** (printed values, statements we had to correct, "
                  "claims refuted):", ""]
        lines += [f"- {short(c.claim, 110)} — {_claim_line(c)} (*{c.verdict}*)" for c in wrong]
        lines.append("")
    tight = _tightness(claims)
    if tight:
        lines += [tight, ""]
    lines += ["**Section by section:**", ""]
    for s in sections:
        if s.status != "ok":
            lines.append(f"- **{s.title}**: not computed ({s.status}: {short(s.reason, 100)})")
            continue
        if s.claims or s.headline:
            lines.append(f"- **{s.title}**: {s.headline or _auto_headline(s.claims)}")
    lines.append("")
    return "\n".join(lines)


def index_markdown(cfg: Config, sections: list) -> str:
    claims = [c for s in sections for c in s.claims]
    counts = {v: sum(c.verdict == v for c in claims) for v in VERDICTS}
    vers = versions()
    lines = [
        "# toylands report",
        "",
        "Every claim of Islamov et al., *Loss Landscape Characterization of Neural Networks "
        "without Over-Parametrization* (NeurIPS 2024) that a toy landscape with exact ground "
        "truth can check, set against our measurement. All numbers are in `results.json`.",
        "",
        f"- seed: `{cfg.seed}`; configuration: {'quick' if cfg.quick else 'default'} "
        f"(samples {cfg.samples}, runs {cfg.runs}, steps {cfg.steps})",
        "- versions: " + ", ".join(f"{k} {v}" for k, v in vers.items() if v),
        "- verdicts: " + ", ".join(f"{v}: {n}" for v, n in counts.items() if n),
        "",
        summary_markdown(sections),
        "## Claims of the paper",
        "",
        table(
            ["id", "claim (source)", "our measurement", "verdict"],
            [
                [f"`{c.id}`", f"{c.claim} *({c.source})*", c.measured, f"**{c.verdict}**"]
                for c in claims
            ],
        )
        if claims
        else "*No claims could be checked.*\n",
    ]
    missing = [s for s in sections if s.status != "ok"]
    if missing:
        lines += ["### Not computed in this run", ""]
        lines += [f"- **{s.title}** (`{s.name}`): {s.status}: {s.reason}" for s in missing]
        lines.append("")
    for s in sections:
        lines += [f"## {s.title}", "", s.markdown.rstrip(), ""]
    return "\n".join(lines).rstrip() + "\n"
