r"""The comparison grid: every theorem × landscape × step size, and its plain-text table.

- :func:`comparison_grid`: :func:`theory.optim.compare.check` over :data:`GRID_LANDSCAPES` ×
  :data:`GRID_THEOREMS` × the step scales of :data:`GRID_SCALES` (MATHEMATICS.md §6).
- :func:`row_verdict`: the verdict of one row in words (the one place these words are made).
- :func:`format_table`: the rows as plain text with a verdict per row.
- :func:`informative_checks`: one setting per theorem where its bound is below the trivial bound
  (:data:`INFORMATIVE`).

The grid is a client of :func:`~theory.optim.compare.check`: it imports ``compare``, never the
reverse.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from toylands._checked import checked
from toylands._validate import as_int

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
    "INFORMATIVE",
    "informative_checks",
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
# Polyak step is the active one on more than half of the steps (example6, example1 and least
# squares at K = 1000; about 0.25–0.5 on example2 and example3), and at ½
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


def _digits(value, name, ctx):
    return as_int(value, name, low=1, high=17)


def _number(value, name, ctx):
    """None, or a real number (±inf and NaN are shown as such)."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(
            value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number or None, got {type(value).__name__}")
    try:
        return float(value)
    except OverflowError:
        raise ValueError(f"{name} is an integer beyond float64") from None


@checked(v=None, digits=_digits)
def fmt_num(v, digits: int = 4) -> str:
    """A number for people: ``digits`` significant digits, no 16-digit floats.

    >>> fmt_num(0.123456789), fmt_num(None), fmt_num(12345678.9)
    ('0.1235', '—', '1.235e+07')
    """
    if v is None:
        return "—"
    if isinstance(v, bool) or not isinstance(v, (int, float, np.floating, np.integer)):
        return str(v)
    try:
        return f"{float(v):.{digits}g}"
    except OverflowError:  # an integer beyond float64: decimal keeps its exponent
        from decimal import Decimal

        return f"{Decimal(int(v)):.{digits}g}"


@checked(alpha=_number, beta=_number, digits=_digits)
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
    if not (math.isfinite(a) and math.isfinite(b)):
        return f"({a:.{digits}g}, {b:.{digits}g})"
    gap, top = abs(a - b), max(abs(a), abs(b))
    # digits of α beyond those of the gap (logs of each: their ratio may overflow float64)
    extra = 0
    if a != 0 and 0 < gap < math.inf:
        extra = math.ceil(math.log10(top) - math.log10(gap))
    d = min(max(digits, digits + extra), 17)
    return f"({a:.{d}g}, {b:.{d}g})"


def _row(value, name, ctx):
    if not isinstance(value, dict):
        raise TypeError(f"{name} must be a dict (a grid row or check's JSON), got "
                        f"{type(value).__name__}")
    return value


@checked(r=_row)
def row_verdict(r: dict) -> str:
    """The verdict of one grid row (or ``check`` JSON) in words.

    ``refused: …`` (a hypothesis fails before simulating); ``holds`` (the band's upper end is
    at or below the bound) or ``holds (vacuous)`` (and the bound is at or above the trivial
    bound E[f(x⁰) − f*]: it confirms nothing); ``inconclusive`` (the band straddles the bound);
    ``VIOLATED`` (the band's lower end is above the bound). A hypothesis found failing along the
    run is appended, and so is a pair that holds on samples only (no rigorous method applies:
    the hypotheses are then not established).
    """
    if r.get("bound") is None or r.get("measured") is None:
        return "refused: " + str(r.get("reason", ""))
    if r.get("holds"):
        out = "holds (vacuous)" if r.get("vacuous") else "holds"
    elif r.get("within_ci"):
        out = "inconclusive (the band straddles the bound)"
    else:
        out = "VIOLATED beyond the band"
    if r.get("hypotheses") == "on samples":
        out += " (the pair holds on samples only: " + str(r.get("reason", "")) + ")"
    elif not r.get("hypotheses_ok"):
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


# ---- settings where the bounds are informative --------------------------------------------------
# (theorem, landscape, landscape parameters, check keywords, why). On the paper's examples every
# bound is vacuous (its K-independent neighbourhood term alone exceeds E[f(x⁰) − f*]); least
# squares (convex: (α, β) = (1, 0) holds exactly, MATHEMATICS.md §2) has small σ_int², and with
# noise 0 interpolates (σ_int² = 0), which Theorems 6 and 7 need at these horizons. In d = 2 the
# trivial bound E[f(x⁰) − f*] ≈ D₀²/(2d) is larger against the D₀² terms, so shorter horizons do.
INFORMATIVE = (
    ("1", "least-squares", {}, {"steps": 1000, "alpha": 1.0, "beta": 0.0},
     "σ_int² small, (α, β) = (1, 0) by convexity"),
    ("2", "least-squares", {}, {"steps": 1000, "alpha": 1.0, "beta": 0.0},
     "σ_int² small, (α, β) = (1, 0) by convexity"),
    ("3", "least-squares", {}, {"steps": 1000, "alpha": 1.0, "beta": 0.0},
     "σ_int² small, (α, β) = (1, 0) by convexity"),
    ("4", "least-squares", {"d": 2}, {"steps": 10_000, "alpha": 1.0, "beta": 0.0},
     "(1, 0), d = 2 (E[f(x⁰) − f*] ≈ D₀²/(2d)), K = 10⁴ (the rate is 1/√K)"),
    # DecSPS: the initial term is 2 L D² c₀√K/(K (α − β)) with the certified gap α − β = 1 (a
    # sampled pair with a gap of 2 is not certified). Every run starts at one point along the
    # top eigenvector of ∇²f, so that max dist² ≈ D₀² and E[f(x⁰) − f*] = λ_max D₀²/2: the bound
    # is below E[f(x⁰) − f*] from K ≈ 2000 on (from a box of starts it needed K ≈ 2·10⁴).
    ("5", "least-squares", {"d": 2}, {"steps": 3000, "alpha": 1.0, "beta": 0.0, "along_top": 3.0},
     "d = 2, K = 3000, (1, 0) by convexity, every run from one point 3 from S along the top "
     "eigenvector of ∇²f"),
    ("C1", "least-squares", {"d": 2}, {"steps": 3000, "alpha": 2.0, "beta": 1.0,
                                       "along_top": 3.0},
     "d = 2, K = 3000, (2, 1) (from (1, 0): α − β ≥ 1 is needed), one start as for Theorem 5"),
    ("6", "least-squares", {"d": 2, "noise": 0.0}, {"steps": 10_000, "alpha": 1.0, "beta": 0.0},
     "interpolation (σ_int² = 0), (1, 0), d = 2, K = 10⁴"),
    ("7", "least-squares", {"d": 2, "noise": 0.0}, {"steps": 1000, "alpha": 1.0, "beta": 0.0},
     "interpolation (σ_int² = 0: its neighbourhood scales with α σ_int²), (1, 0)"),
)


def _top_direction(land, x) -> np.ndarray:
    """The top eigenvector of ∇²f(x) (central differences of the gradient: exact up to rounding
    for a quadratic f)."""
    h = 1e-4
    E = np.eye(land.dim) * h
    H = np.stack([(land.gradient(x + e) - land.gradient(x - e)) / (2 * h) for e in E])
    return np.linalg.eigh(0.5 * (H + H.T))[1][:, -1]


@checked(runs=lambda v, name, ctx: as_int(v, name, low=2), progress=None)
def informative_checks(*, runs: int = 100, seed: int = 0, quick: bool = False,
                       progress=None) -> list[dict]:
    """:func:`~theory.optim.compare.check` at the settings of :data:`INFORMATIVE` (``quick``
    divides the horizons by 10: the bounds may then be vacuous again). Rows as
    :func:`comparison_grid`'s, plus ``params`` (of the landscape) and ``why``."""
    import toylands
    from toylands import Box

    rows = []
    for t, name, lp, kw, why in INFORMATIVE:
        land = toylands.get(name, **lp)
        kw = dict(kw)
        near = kw.pop("near_S", None)
        if near is not None:
            x = land.project(land.domain.center[None, :])[0]
            kw["x0_box"] = Box(x - near, x + near)
        along = kw.pop("along_top", None)
        if along is not None:  # one start, `along` from S along the top eigenvector of ∇²f
            x = land.project(land.domain.center[None, :])[0]
            x = x + along * _top_direction(land, x)
            kw["x0_box"] = Box(x - 1e-3, x + 1e-3)
        if quick:
            kw["steps"] = max(100, kw["steps"] // 10)
        if progress is not None:
            told = ", ".join(f"{k} = {v:g}" for k, v in lp.items())
            progress(f"  informative: Theorem {t} on {name}" + (f" ({told})" if told else "")
                     + f", K = {kw['steps']}")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            row = check(land, t, runs=runs, seed=seed, **kw).to_json()
        row.update(scale=1.0, landscape_params=dict(lp), why=why)
        rows.append(row)
    return rows
