r"""Section ``pep``: the worst case over the α-β class (performance estimation) between each
theorem's bound and the measurement on a landscape (MATHEMATICS.md §6). Skipped, never failed,
without the optional extra ``pep``."""

from __future__ import annotations

from ._common import fmt, names, run_parts, section, table
from ._model import CONFIRMED, NOT_MEASURED, Claim, Config, Section
from ._output import scrub

__all__ = ["pep", "THEOREMS", "NAMES"]

THEOREMS = ("1", "2", "3")  # SGD and two adaptive methods (Theorem 4 has no potential curve)
# The landscapes of the section: example3 fits too (tests/test_pep_landscape.py) but repeats
# example6's story (α − β = 1 with a large α, the neighbourhood term dominating); example2 is
# listed with the reason it does not fit.
NAMES = ("example1", "example2", "example6")

_TEXT = {"1": "Theorem 1 (SGD, constant step)", "2": "Theorem 2 (SPS_max)",
         "3": "Theorem 3 (NGN)"}
_INTRO = (
    "For each theorem covered, every landscape whose constants fit an instance of the class "
    "(α, β proved on a box, L certified, D₀² = dist(x⁰, S)², σ_int²): the **measured** "
    "min_{k<K} E[f(x^k) − f*] from one start x⁰ (exact, by branching over the sampled indices), "
    "the **worst case over the class** (a PEP: an SDP solved by an open-source solver, reported "
    "only when accurate; an upper bound on the true worst case, since the class's constraints "
    "are imposed at finitely many points) and the theorem's **bound**. The membership column is "
    "the largest relative violation of the PEP's constraints on the landscape's own data (≤ 0 "
    "up to rounding, ~1e-16: the landscape is a feasible point, so measured ≤ worst case by weak "
    "duality). SPS_max and "
    "NGN steps are enclosed in cells of their step-size interval (a relaxation).\n"
)


def _skipped(reason: str) -> Section:
    return Section("pep", pep.section_title, {"skipped": True, "reason": reason},
                   f"*Skipped: {reason}.*\n", status="skipped", reason=reason)


def _pep_keys(cfg: Config) -> list:
    from ..pep import _backend

    if not _backend.available() or not any(n in names(cfg) for n in NAMES):
        return []
    return list(THEOREMS)


def _pep_part(cfg: Config, theorem: str, progress) -> dict:
    """One theorem's triangle (``triangle_study`` of that theorem)."""
    from ..pep.study import triangle_study

    chosen = [n for n in NAMES if n in names(cfg)]
    return scrub(triangle_study((theorem,), names=chosen, quick=cfg.quick, seed=cfg.seed,
                                progress=progress))


@section("pep", "Worst case over the α-β class (PEP): how tight is each theorem?",
         parts=(_pep_keys, _pep_part))
def pep(cfg: Config, ctx: dict, progress) -> Section:
    from ..pep import _backend

    if not _backend.available():
        return _skipped("the optional extra 'pep' (PEPit, cvxpy) is not installed "
                        "(pip install 'toylands[pep]')")
    if not any(n in names(cfg) for n in NAMES):
        return _skipped("none of the landscapes it uses is in this run")
    parts = run_parts(pep, cfg, ctx, progress)  # one triangle study per theorem
    data = dict(parts[0], theorems={t: e for p in parts for t, e in p["theorems"].items()})
    md, claims = [_INTRO], []
    for t, e in data["theorems"].items():
        md.append(f"### {_TEXT[t]}\n")
        rows = []
        for r in e["landscapes"]:
            member = max(v for k, v in r["member"].items() if k != "box")
            for j, K in enumerate(r["K"]):
                wc = r["worst_case"][j]
                rows.append([f"`{r['landscape']}`" + (" ★" if r["landscape"] == e["best"]
                                                      else ""),
                             f"({fmt(r['instance']['alpha'], 5)}, "
                             f"{fmt(r['instance']['beta'], 5)})",
                             K, fmt(r["measured"][j]),
                             fmt(wc) if wc is not None else f"— ({r['status'][j]})",
                             fmt(r["bound"][j]), f"{member:.1e}"])
        md.append(table(["landscape", "(α, β)", "K", "measured", "worst case (PEP)", "bound",
                         "membership"], rows) if rows else "*No landscape fits.*\n")
        for r in e["refused"]:
            md.append(f"- `{r['landscape']}` does not fit: {r['reason']}\n")
        if e["best"]:
            cv = e["curves"][e["best"]]
            md.append(f"\nOn `{e['best']}` (★) against K:\n")
            md.append(table(
                ["K", "measured", "exact worst case", "potential worst case", "bound"],
                [[K, fmt(cv["measured"][j]) + ("" if cv["measured_how"][j] == "exact"
                                               else " (MC)"),
                  fmt(cv["exact"][j]), fmt(cv["potential"][j]), fmt(cv["bound"][j])]
                 for j, K in enumerate(cv["K"])]))
            md.append(f"\n**What the gap says about the proof.** {e['verdict']}\n")
        claims.append(_claim(t, e))
    return Section("pep", pep.section_title, data, "\n".join(md), claims)


def _claim(t: str, e: dict) -> Claim:
    """The theorem holds over the whole class where the worst case (PEP) is below its bound."""
    pairs, bad = [], []
    for r in e["landscapes"]:
        for K, wc, bd in zip(r["K"], r["worst_case"], r["bound"]):
            if wc is None or bd is None:
                continue
            (pairs if wc <= bd * (1 + 1e-6) else bad).append((r["landscape"], K, wc, bd))
    for name, cv in e["curves"].items():
        for K, pv, bd in zip(cv["K"], cv["potential"], cv["bound"]):
            if pv is not None and bd is not None:
                (pairs if pv <= bd * (1 + 1e-6) else bad).append((name, K, pv, bd))
    if pairs and not bad:
        verdict = CONFIRMED
        worst = max(pairs, key=lambda p: p[2] / p[3])
        meas = (f"worst case over the class ≤ bound in all {len(pairs)} PEP solves; closest: "
                f"{worst[0]}, K = {worst[1]}: {worst[2]:.4g} vs {worst[3]:.4g}")
    else:
        verdict = NOT_MEASURED
        meas = ("no accurate PEP value" if not pairs and not bad else
                f"the PEP relaxation exceeds the bound in {len(bad)} cases (inconclusive: the "
                "PEP is an upper bound on the worst case, not a member)")
    return Claim(f"pep-theorem{t}", f"AB {_TEXT[t]}; MATHEMATICS.md §6",
                 f"{_TEXT[t]}: the bound holds for every member of the α-β class", meas,
                 verdict, {"solves": len(pairs) + len(bad)})
