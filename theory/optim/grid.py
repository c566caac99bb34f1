r"""The comparison grid: every theorem × landscape × step size, and its plain-text table.

- :func:`comparison_grid`: :func:`theory.optim.compare.check` over :data:`GRID_LANDSCAPES` ×
  :data:`GRID_THEOREMS` × the step scales of :data:`GRID_SCALES` (MATHEMATICS.md §6).
- :func:`row_verdict`: the verdict of one row in words (the one place these words are made).
- :func:`format_table`: the rows as plain text with a verdict per row.

The grid is a client of :func:`~theory.optim.compare.check`: it imports ``compare``, never the
reverse.
"""

from __future__ import annotations

import warnings

import numpy as np

from .compare import check
from .settings import _theorem_key

__all__ = [
    "comparison_grid",
    "row_verdict",
    "fmt_num",
    "fmt_pair",
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
# Step-size scales per theorem (see :func:`theory.optim.settings.step_settings`); the first is the
# default. SGD, SGD-dec and AdaGrad-norm-max: 1 is the largest step the theorem allows. SPS_max
# and DecSPS allow any γ_b: at 1 it is twice the floor 1/(2cL) of the Polyak step, at 5 the
# Polyak step is the active one on more than half of the steps of the bump examples, and at ½
# γ_b is the floor itself, where the Polyak step never binds (SPS_max is SGD: kept as the
# contrast, its polyak_active_fraction is 0). NGN allows any γ > 0 (scale·1/L).
GRID_SCALES = {
    "1": (1.0, 0.5, 0.1),
    "4": (1.0, 0.5, 0.1),
    "2": (1.0, 5.0, 0.5),
    "5": (1.0, 5.0, 0.5),
    "C1": (1.0, 5.0, 0.5),
    "3": (1.0, 10.0, 0.1),
    "6": (1.0, 10.0, 0.1),
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


def fmt_num(v, digits: int = 4) -> str:
    """A number for people: ``digits`` significant digits, no 16-digit floats.

    >>> fmt_num(0.123456789), fmt_num(None), fmt_num(12345678.9)
    ('0.1235', '—', '1.235e+07')
    """
    if v is None:
        return "—"
    if isinstance(v, bool) or not isinstance(v, (int, float, np.floating, np.integer)):
        return str(v)
    return f"{float(v):.{digits}g}"


def fmt_pair(alpha, beta, digits: int = 4) -> str:
    """``(α, β)`` with enough significant digits that ``α − β`` shows (``digits`` of the gap).

    >>> fmt_pair(8796498.4, 8796490.4)
    '(8796498.4, 8796490.4)'
    >>> fmt_pair(41.37, 40.37)
    '(41.37, 40.37)'
    """
    if alpha is None or beta is None:
        return "—"
    a, b = float(alpha), float(beta)
    gap = abs(a - b)
    extra = int(np.ceil(np.log10(max(abs(a), abs(b)) / gap))) if gap > 0 and a != 0 else 0
    d = max(digits, digits + extra)
    return f"({a:.{d}g}, {b:.{d}g})"


def row_verdict(r: dict) -> str:
    """The verdict of one grid row (or ``check`` JSON) in words.

    ``refused: …`` (a hypothesis fails before simulating); ``holds`` (the band's upper end is
    at or below the bound) or ``holds (vacuous)`` (and the bound is at or above the trivial
    bound E[f(x⁰) − f*]: it confirms nothing); ``inconclusive`` (the band straddles the bound);
    ``VIOLATED`` (the band's lower end is above the bound). A hypothesis found failing along the
    run is appended.
    """
    if r.get("bound") is None or r.get("measured") is None:
        return "refused: " + str(r.get("reason", ""))
    if r.get("holds"):
        out = "holds (vacuous)" if r.get("vacuous") else "holds"
    elif r.get("within_ci"):
        out = "inconclusive (the band straddles the bound)"
    else:
        out = "VIOLATED beyond the band"
    if not r.get("hypotheses_ok"):
        out += " (hypothesis fails along the run: " + str(r.get("reason", "")) + ")"
    return out


def format_table(rows) -> str:
    """The grid as plain text: landscape, theorem, scale, α, β, measured, bound, measured/bound,
    bound/trivial, the Polyak-active share, verdict."""
    head = (f"{'landscape':<22}{'thm':<5}{'scale':>6}{'alpha':>11}{'beta':>11}{'measured':>11}"
            f"{'bound':>11}{'m/bound':>9}{'b/triv':>9}{'polyak':>8}  verdict")
    lines = [head]

    def f(v, w=11, p=3):
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return f"{v:>{w}.{p}g}"
        return f"{'-':>{w}}"

    for r in rows:
        if r.get("theorem") is None:
            lines.append(f"{r['landscape']:<22}  {r['reason']}")
            continue
        lines.append(
            f"{r['landscape']:<22}{r['theorem']:<5}{r['scale']:>6g}{f(r['alpha'], 11, 6)}"
            f"{f(r['beta'], 11, 6)}{f(r['measured'])}{f(r['bound'])}{f(r['ratio'], 9)}"
            f"{f(r.get('bound_over_trivial'), 9)}{f(r.get('polyak_active_fraction'), 8, 2)}  "
            + row_verdict(r)
        )
    return "\n".join(lines)
