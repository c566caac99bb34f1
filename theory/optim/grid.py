r"""The comparison grid: every theorem × landscape × step size, and its plain-text table.

- :func:`comparison_grid`: :func:`theory.optim.compare.check` over :data:`GRID_LANDSCAPES` ×
  :data:`GRID_THEOREMS` × the step scales of :data:`GRID_SCALES` (MATHEMATICS.md §6).
- :func:`format_table`: the rows as plain text with a verdict per row.

The grid is a client of :func:`~theory.optim.compare.check`: it imports ``compare``, never the
reverse.
"""

from __future__ import annotations

import warnings

from .compare import check
from .settings import _theorem_key

__all__ = [
    "comparison_grid",
    "format_table",
    "GRID_LANDSCAPES",
    "GRID_THEOREMS",
    "GRID_SCALES",
]

GRID_LANDSCAPES = (
    "example1",
    "example2",
    "example3",
    "example6",
    "least-squares",
    "matrix-factorization",
    "two-layer-relu",
    "half-space",
)
GRID_THEOREMS = ("1", "4", "2", "5", "C1", "3", "6", "7")
# Step-size scales per theorem; the first is the largest the theorem allows for SGD, SGD-dec and
# AdaGrad-norm-max. NGN allows any γ > 0, SPS_max and DecSPS any γ_b: there scale 10 is the large
# setting, where the Polyak step binds (at scale ≤ 1, γ_b ≤ 1/(2cL) ≤ the Polyak step, so SPS_max
# is SGD with step γ_b). See :func:`step_settings`.
GRID_SCALES = {
    "1": (1.0, 0.5, 0.1),
    "4": (1.0, 0.5, 0.1),
    "2": (10.0, 1.0, 0.1),
    "5": (10.0, 1.0, 0.1),
    "C1": (10.0, 1.0, 0.1),
    "3": (10.0, 1.0, 0.1),
    "6": (10.0, 1.0, 0.1),
    "7": (1.0, 0.5, 0.1),
}


def comparison_grid(landscapes=None, theorems=None, *, scales=None, runs=200, steps=1000, seed=0,
                    quiet=True, progress=None) -> list[dict]:
    """Every theorem × landscape × step scale (see :data:`GRID_SCALES`): a list of table rows.

    Landscapes that are not registered are listed with ``reason = "not registered"``. Each row
    is :meth:`Comparison.to_json` plus ``scale``.
    """
    import toylands

    known = set(toylands.names())
    rows = []
    for name in landscapes or GRID_LANDSCAPES:
        if name not in known:
            rows.append({"landscape": name, "theorem": None, "reason": "not registered"})
            continue
        land = toylands.get(name)
        for t in theorems or GRID_THEOREMS:
            t = _theorem_key(t)
            for s in (scales or GRID_SCALES[t]):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", UserWarning)
                    cmp = check(land, t, scale=s, runs=runs, steps=steps, seed=seed, quiet=quiet)
                row = cmp.to_json()
                row["scale"] = s
                rows.append(row)
                if progress is not None:
                    progress(row)
    return rows


def format_table(rows) -> str:
    """The grid as plain text: landscape, theorem, scale, α, β, measured, bound, ratio, verdict."""
    head = (f"{'landscape':<22}{'thm':<5}{'scale':>6}{'alpha':>11}{'beta':>11}{'measured':>11}"
            f"{'bound':>11}{'ratio':>9}  verdict")
    lines = [head]

    def f(v, w=11, p=3):
        if isinstance(v, (int, float)) and v is not None:
            return f"{v:>{w}.{p}g}"
        return f"{'-':>{w}}"

    for r in rows:
        if r.get("theorem") is None:
            lines.append(f"{r['landscape']:<22}  {r['reason']}")
            continue
        if r["bound"] is None or r["measured"] is None:
            verdict = "refused: " + r["reason"]
        elif not r["hypotheses_ok"]:
            verdict = ("holds" if r["holds"] else "EXCEEDS") + " (hyp. fail: " + r["reason"] + ")"
        else:
            verdict = "holds" if r["holds"] else ("EXCEEDS within CI" if r["within_ci"]
                                                  else "VIOLATED beyond CI")
        lines.append(
            f"{r['landscape']:<22}{r['theorem']:<5}{r['scale']:>6g}{f(r['alpha'])}{f(r['beta'])}"
            f"{f(r['measured'])}{f(r['bound'])}{f(r['ratio'], 9)}  {verdict}"
        )
    return "\n".join(lines)
