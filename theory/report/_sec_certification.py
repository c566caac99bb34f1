r"""Section ``certification``: the paper's (α, β) pairs (the check values of MATHEMATICS.md §4)
certified by the strongest method that applies."""

from __future__ import annotations

from ._common import fmt, get, names, section, table
from ._model import CONFIRMED, REFUTED, Claim, Config, Section
from ._output import scrub

__all__ = ["certification"]

# ---- certificates of the paper's pairs ---------------------------------------------------------
_STRONG = ("proved", "holds_on_samples")


@section("certification", "The paper's (α, β) pairs certified (MATHEMATICS.md §4 check values)")
def certification(cfg: Config, ctx: dict, progress) -> Section:
    from toylands import Box

    from ..certification import certify
    from ..claims import CLAIMS, check_values

    data, rows, claims = {}, [], []
    for name in names(cfg):
        checks = check_values(name) if name in CLAIMS else []
        if not checks:
            continue
        progress(f"  {name}: {len(checks)} pairs")
        f = get(name)
        got = []
        for c in checks:
            box = Box.cube(c.box[0], c.box[1], f.dim)
            cert = certify(f, c.alpha, c.beta, domain=box, budget=cfg.samples, rng=cfg.seed)
            ok = (cert.verdict in _STRONG) if c.expect == "holds" else cert.verdict == "refuted"
            got.append(
                {
                    "alpha": c.alpha,
                    "beta": c.beta,
                    "expect": c.expect,
                    "box": c.box,
                    "agrees": ok,
                    **scrub(cert.to_json()),
                }
            )
            rows.append(
                [
                    f"`{name}`",
                    fmt(c.alpha, 9),
                    fmt(c.beta, 9),
                    f"[{c.box[0]:g}, {c.box[1]:g}]^{f.dim}",
                    c.expect,
                    f"**{cert.verdict}**",
                    cert.method,
                    fmt(cert.min_slack, 3),
                    "yes" if ok else "**NO**",
                ]
            )
        data[name] = got
        claim = CLAIMS[name]
        summary = "; ".join(
            f"({g['alpha']:.6g}, {g['beta']:.6g}) {g['verdict']} by {g['method']}" for g in got
        )
        claims.append(
            Claim(
                f"{name}-pairs",
                claim.source,
                f"{name}: {claim.rule} (check values of MATHEMATICS.md §4)",
                summary,
                CONFIRMED if all(g["agrees"] for g in got) else REFUTED,
                {"pairs": [[g["alpha"], g["beta"], g["expect"], g["verdict"]] for g in got]},
            )
        )
    md = (
        "Each pair is checked with the strongest method that applies (symbolic, else "
        "interval branch-and-bound, else adversarial search); only the rigorous ones say "
        "*proved*.\n\n"
        + table(
            ["landscape", "α", "β", "box", "paper", "verdict", "method", "min slack", "agrees"],
            rows,
        )
    )
    return Section("certification", certification.section_title, {"pairs": data}, md, claims)
