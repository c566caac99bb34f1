r"""``index.md``: the claims table, the sections' Markdown and the figures' section."""

from __future__ import annotations

from ._common import table
from ._model import VERDICTS, Config, Section
from ._output import versions

__all__ = ["figures_section", "index_markdown"]


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
    bad = {k: v for k, v in res.items() if v["status"] != "ok"}
    if bad:
        sec.status = "error"
        sec.reason = "; ".join(f"{k}: {v['reason']}" for k, v in bad.items())
    sec.data = {"figures": res}
    sec.markdown = "\n".join(md)
    return sec


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
