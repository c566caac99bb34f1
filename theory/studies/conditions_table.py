r"""The landscape conditions side by side: the α-β region, PL, δ-PL, PL\*, Aiming and QCvx.

``conditions_table(landscape)`` answers, for each condition of MATHEMATICS.md §2–§3 on a box,
*holds with a constant* or *fails with a witness*, and says how strong the answer is:

- ``proved``: a rigorous certificate (interval or symbolic) of the α-β pair shown;
- ``fails``: a witness point where the inequality holds for no positive constant. A listed
  non-global stationary point (saddle, local minimum, ``landscape.critical_points``) is an exact
  witness for PL, δ-PL, PL\* and Aiming and QCvx (∇f = 0 there while f > f*); otherwise a
  sampled point where the sampled constant is ≤ 0;
- ``holds_on_samples``: the best constant over the sampled points. Every sampled constant is an
  *upper bound* on the true constant over the box (a minimum over fewer points), never a proof;
- ``not applicable``: PL\* is stated for a loss with ``inf f = 0`` (interpolation); where
  ``f* ≠ 0`` it does not apply (PL\*_ε does: ``theory.conditions.pl_star_constant(eps=…)``).

The α-β-condition is the only one of the six a non-global stationary point does not break
[AB §2.1]: its row is the sampled region (``region_map``; an outer bound: it contains the true
region), with one pair inside it
put to the strongest certificate that applies: ``α = max(2 α_min, 1)`` and β a fifth of the way
from the sampled frontier ``β_min(α)`` to α.

Examples
--------
>>> import toylands, theory
>>> t = theory.conditions_table(toylands.get("example6"), points=400, prove=False)
>>> t.rows["PL"].verdict, t.rows["PL"].witness["kind"]
('fails', 'saddle')
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from toylands._checked import checked
from toylands._validate import as_finite_float, as_int

from ..certification import available_methods, certify, region_map
from ..certification.inputs import _check_domain, _rng
from ..certification.sampling import sample_points
from ..conditions import (
    aiming_constant,
    pl_constant,
    pl_star_constant,
    qcvx_constant,
)

__all__ = ["ConditionRow", "ConditionsTable", "conditions_table", "KEYS", "VERDICTS"]

KEYS = ("alpha_beta", "PL", "delta_PL", "PL_star", "aiming", "QCvx")
VERDICTS = ("proved", "holds_on_samples", "fails", "not applicable", "inconclusive")
_LABELS = {"alpha_beta": "alpha-beta", "PL": "PL", "delta_PL": "delta-PL", "PL_star": "PL*",
           "aiming": "Aiming", "QCvx": "QCvx"}
SAMPLED = "sampled (an upper bound on the true constant over the box)"


@dataclass(frozen=True)
class ConditionRow:
    """One condition: ``verdict`` (see ``VERDICTS``), ``constant`` (a number, or a dict for the
    α-β row; None when not applicable), ``witness`` (``{"point", "kind", "value"}`` when it
    fails), ``method`` (how the answer was obtained) and ``note``."""

    condition: str
    verdict: str
    constant: object
    witness: dict | None
    method: str
    note: str = ""

    def to_json(self) -> dict:
        c = self.constant
        if isinstance(c, float) and not math.isfinite(c):
            c = None
        return {"condition": self.condition, "verdict": self.verdict, "constant": c,
                "witness": self.witness, "method": self.method, "note": self.note}


@dataclass
class ConditionsTable:
    """The six rows keyed by ``KEYS``, the box, and what was spent."""

    landscape: str
    domain: object
    rows: dict
    points: int
    seconds: float
    info: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        # no elapsed time: the same seed gives the same JSON, byte for byte
        out = {"landscape": self.landscape, "domain": self.domain.to_json(),
               "points": self.points}
        out.update({k: self.rows[k].to_json() for k in KEYS})
        return out

    def __str__(self) -> str:
        lines = [f"{self.landscape}: conditions on {self.domain!r} ({self.points} sampled points)"]
        for k in KEYS:
            r = self.rows[k]
            lines.append(f"  {_LABELS[k]:<10} {r.verdict:<16} {_const_text(r)}")
            if r.witness:
                w = r.witness
                lines.append(f"  {'':<10} witness: {w.get('kind', 'point')} at "
                             f"{_pt(w['point'])}" + (f", f = {w['value']:.9g}"
                                                     if w.get("value") is not None else ""))
            if r.note:
                lines.append(f"  {'':<10} {r.note}")
        return "\n".join(lines)


def _pt(p) -> str:
    return "(" + ", ".join(f"{v:.6g}" for v in np.asarray(p, float).reshape(-1)[:6]) + ")"


def _const_text(r: ConditionRow) -> str:
    c = r.constant
    if c is None:
        return "-"
    if isinstance(c, dict):
        parts = [f"{k} = {v:.9g}" for k, v in c.items() if isinstance(v, float)]
        if "alpha" in c and "beta" in c:
            parts.append(f"gap alpha - beta = {c['alpha'] - c['beta']:.3g}")
        return ", ".join(parts)
    return f"{c:.6g}" + ("" if r.verdict != "holds_on_samples" else f"  [{SAMPLED}]")


def _row(key, res) -> ConditionRow:
    """A ``ConditionConstant`` as a row: an exact witness, a sampled failure, or sampled holds."""
    name = _LABELS[key]
    if res.witness:
        p = np.asarray(res.worst_point, dtype=float)
        return ConditionRow(name, "fails", 0.0,
                            {"point": p.tolist(), "kind": res.witness, "value": None},
                            "non-global stationary point of landscape.critical_points (exact: "
                            "∇f = 0 while f > f*)", res.note)
    c = float(res.constant)
    if not math.isfinite(c):
        return ConditionRow(name, "holds_on_samples", None, None, SAMPLED,
                            "vacuous at every sampled point")
    if c <= 0.0:
        p = np.asarray(res.worst_point, dtype=float)
        return ConditionRow(name, "fails", 0.0, {"point": p.tolist(), "kind": "sampled point",
                                                 "value": c},
                            f"sampled: the inequality fails at the witness ({res.note})")
    return ConditionRow(name, "holds_on_samples", c, None, SAMPLED, res.note)


def _with_values(row: ConditionRow, landscape) -> ConditionRow:
    if row.witness and row.witness.get("value") is None:
        w = dict(row.witness)
        w["value"] = float(landscape.value(np.asarray(w["point"])))
        return ConditionRow(row.condition, row.verdict, row.constant, w, row.method, row.note)
    return row


def _alpha_beta(landscape, box, points, gen, prove, seconds) -> ConditionRow:
    reg = region_map(landscape, domain=box, budget=points, rng=gen, rounds=3)
    a0 = reg.alpha_min
    if not math.isfinite(a0):
        return ConditionRow("alpha-beta", "fails", None, None,
                            "sampled region (region_map; an outer bound)",
                            "no (alpha, beta) with alpha > beta >= 0 works at every sampled point")
    alpha = max(2.0 * a0, 1.0)  # away from alpha_min, where the frontier is steep
    bmin = max(float(reg.beta_min(alpha)), 0.0)
    beta = bmin + 0.2 * (alpha - bmin)  # a margin for the points not sampled
    const = {"alpha_min": float(a0), "alpha": float(alpha), "beta": float(beta)}
    note = (f"the sampled region over {reg.n_points} points is an outer bound: it contains the "
            "true region (MATHEMATICS.md §2); the pair shown is inside it, 20 % of the gap "
            "above its frontier")
    method = "sampled region (region_map; an outer bound)"
    strong = [m for m in available_methods(landscape) if m in ("symbolic", "interval")]
    if prove and strong:
        cert = certify(landscape, alpha, beta, method=strong[0], domain=box,
                       budget={"seconds": seconds} if strong[0] == "interval" else None)
        if cert.verdict == "proved":
            return ConditionRow("alpha-beta", "proved", const, None,
                                f"{strong[0]} certificate of (alpha, beta) on the box", note)
        note += f"; {strong[0]} certificate of the pair: {cert.verdict}"
        if cert.verdict == "refuted":
            note += f" at {_pt(cert.worst_point)} (the true region is smaller)"
    return ConditionRow("alpha-beta", "holds_on_samples", const, None, method, note)


@checked(points=lambda v, n, c: as_int(v, n, low=1),
         seconds=lambda v, n, c: as_finite_float(v, n, low=0.0, low_open=True), prove="flag")
def conditions_table(landscape, *, domain=None, points: int = 4000, rng=None, delta: float = 1.0,
                     prove: bool = True, seconds: float = 20.0) -> ConditionsTable:
    r"""The α-β region, PL, δ-PL, PL\*, Aiming and QCvx of ``landscape`` side by side.

    Parameters
    ----------
    landscape : toylands.Landscape
    domain : toylands.Box or (lo, hi), optional
        The box (default: the landscape's domain); a stationary point counts as a witness only
        inside it.
    points : int
        Sample points (grid, uniform, near S and near the critical points, faces of the box).
    rng : numpy.random.Generator or int, optional
        Default ``default_rng(0)``.
    delta : float
        The δ of the relaxed δ-PL row, in [1, 2] [AB App. A, Eq. (12)] (default 1).
    prove : bool
        Put the α-β pair to the strongest rigorous certificate that applies (default True;
        ``seconds`` bounds the interval method).

    Returns
    -------
    ConditionsTable
        ``rows`` keyed ``alpha_beta``, ``PL``, ``delta_PL``, ``PL_star``, ``aiming``, ``QCvx``;
        ``to_json()`` gives each with ``verdict``, ``constant`` and ``witness``.
    """
    t0 = time.perf_counter()
    box = _check_domain(landscape, domain)
    gen = _rng(rng)
    x = sample_points(landscape, box, int(points), gen)
    x = x[np.all((x >= box.lo) & (x <= box.hi), axis=-1)]
    # the region of the witnesses is the box itself: include its corners in the points
    corners = np.array(np.meshgrid(*[[0, 1]] * box.dim, indexing="ij")).reshape(box.dim, -1).T
    if box.dim <= 10:
        x = np.concatenate([x, box.lo + corners * box.width])
    rows = {
        "PL": _row("PL", pl_constant(landscape, x)),
        "delta_PL": _row("delta_PL", pl_constant(landscape, x, delta=delta)),
        "aiming": _row("aiming", aiming_constant(landscape, x)),
        "QCvx": _row("QCvx", qcvx_constant(landscape, x)),
    }
    rows["delta_PL"] = ConditionRow(rows["delta_PL"].condition, rows["delta_PL"].verdict,
                                    rows["delta_PL"].constant, rows["delta_PL"].witness,
                                    rows["delta_PL"].method,
                                    f"delta = {delta:g}; " + rows["delta_PL"].note)
    prov = landscape.provenance.get("f_star")
    tol = 1e-12 * max(1.0, abs(landscape.f_star)) + (prov.error if prov is not None else 0.0)
    if abs(landscape.f_star) > tol:
        rows["PL_star"] = ConditionRow(
            "PL*", "not applicable", None, None, "definition",
            f"PL* needs inf f = 0 (interpolation); here f* = {landscape.f_star:.9g}")
    else:
        rows["PL_star"] = _row("PL_star", pl_star_constant(landscape, x))
    rows = {k: _with_values(r, landscape) for k, r in rows.items()}
    rows["alpha_beta"] = _alpha_beta(landscape, box, int(points), gen, prove, seconds)
    return ConditionsTable(landscape.name, box, {k: rows[k] for k in KEYS}, int(len(x)),
                           time.perf_counter() - t0)
