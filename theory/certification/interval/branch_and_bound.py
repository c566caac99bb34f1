r"""Rigorous branch-and-bound proof of the α-β-condition over a box.

The α-β slack of MATHEMATICS.md §2 ([AB] Definition 1, Eq. (2)) is

    T_i(x; x_p) = <∇f_i(x), x − x_p> − α (f_i(x) − f_i(x_p)) + β (f_i(x) − f_i*),

and the condition holds on a box B when, for every x ∈ B, some nearest point x_p ∈ Proj(x, S)
makes ``T_i(x; x_p) ≥ 0`` for every i. We prove it by covering B with boxes on each of which an
outward-rounded interval enclosure (``arithmetic``) of the slack is ``≥ 0``.

The slack's enclosures per landscape family (the tight forms for valley and radial landscapes,
the generic sympy kernel) are in ``kernels``; the rigorous (Krawczyk) enclosures
of the minimizers they use are in ``minimizers``. This module decides which
family applies, runs the branch-and-bound and writes the certificate.

Finite S (several minimizers p_j): on a box B the candidates are the p_j whose squared distance
interval over B has lower end ``≤ min_k`` (upper end of the others); the true nearest point of
every x ∈ B is a candidate. The box passes if ``T(·; p_j) ≥ 0`` on B for *every* candidate —
sufficient for Definition 1 (which needs one nearest point to work). At a bisector both
candidates work by continuity (each works on the closure of its Voronoi cell), so splitting
converges there too.

Verdicts: ``proved`` when every leaf box has a rigorous lower bound ``≥ 0``; ``refuted`` when a
point's rigorous upper bound is ``< 0`` for every candidate nearest point (a counterexample);
``inconclusive`` with the undecided boxes when the budget (boxes, seconds) runs out.
"""

from __future__ import annotations

import time

import numpy as np

from toylands._checked import checked

from ...conditions import check_constants
from ..certificate import INCONCLUSIVE, PROVED, REFUTED, Certificate
from .arithmetic import Interval
from .generated import SympyKernel, supports_generated
from .kernels import _PROFILE_IV, _GenericKernel, _RadialKernel, _ValleyKernel

__all__ = ["supports_interval", "certify_interval", "DEFAULT_BUDGET"]

DEFAULT_BUDGET = {"boxes": 2_000_000, "seconds": 30.0}
_BATCH = 65_536  # boxes per numpy call
_MAX_RADIAL_DIM = 3
# Closed-form landscapes whose sympy losses the generic kernel evaluates (exp, rational powers
# of polynomials); the radial and valley families have their own, tighter kernels.
_GENERIC_CLASSES = ("PrintedExample3",)


# ---- which landscapes ---------------------------------------------------------------------
def _family(landscape) -> str | None:
    from toylands.sets import AffineSet, PointSet, UnionSet

    S = landscape.minimizers
    if type(landscape).__name__ == "SympyLandscape":  # toylands.from_sympy: generated kernel
        return "sympy" if supports_generated(landscape)[0] else None
    if hasattr(landscape, "a") and type(landscape).__name__ == "Valley":
        comps = S.components if isinstance(S, UnionSet) else (S,)
        if all(isinstance(c, AffineSet) for c in comps):
            return "valley"
    if (
        type(landscape).__name__ == "RadialSum"
        and isinstance(S, PointSet)
        and landscape.dim <= _MAX_RADIAL_DIM
        and all(p.key in _PROFILE_IV for p in landscape.profiles)
    ):
        return "radial"
    if (
        isinstance(S, PointSet)
        and landscape.dim <= _MAX_RADIAL_DIM
        and getattr(landscape, "closed_form", False)
        and type(landscape).__name__ in _GENERIC_CLASSES
    ):
        return "generic"
    return None


@checked()
def supports_interval(landscape) -> bool:
    """Whether :func:`certify_interval` applies: valley landscapes (Example 1, Remark 1 valley,
    any d), radial sums (Examples 2, 3, 6, Remark 1 bumps) in dimension ≤ 3, the printed
    Example 3 (generic kernel), and ``toylands.from_sympy`` landscapes with a finite S in
    dimension ≤ 3 (the kernel generated from their expressions, ``generated``)."""
    return _family(landscape) is not None


# ---- the slack's bounds on a batch of boxes --------------------------------------------------
def _bounds(kernel, lo, hi):
    """Per box: rigorous lower bound of the slack (worst candidate, worst i), and the upper
    bound of the best candidate's worst i (``< 0`` at a point means a counterexample)."""
    T, cand = kernel.slack(lo, hi)
    tlo = T.lo.min(axis=-1)  # (N, m)
    thi = T.hi.min(axis=-1)
    lower = np.where(cand, tlo, np.inf).min(axis=-1)
    upper = np.where(cand, thi, -np.inf).max(axis=-1)
    return lower, upper


# ---- branch and bound -----------------------------------------------------------------------
def _parse_budget(budget):
    out = dict(DEFAULT_BUDGET)
    if budget is None:
        return out
    if isinstance(budget, (int, np.integer)) and not isinstance(budget, bool):
        out["boxes"] = int(budget)
    elif isinstance(budget, dict):
        unknown = set(budget) - {"boxes", "seconds"}
        if unknown:
            raise ValueError(f"unknown budget keys {sorted(unknown)}; use 'boxes', 'seconds'")
        out.update(budget)
    else:
        raise TypeError("budget must be None, an int (boxes) or a dict {'boxes', 'seconds'}")
    if not (out["boxes"] >= 1 and out["seconds"] > 0):
        raise ValueError(f"budget must be positive, got {out}")
    return out


def _branch_and_bound(kernel, lo, hi, *, budget, refute_check=None, min_width=1e-12):
    """Cover ``[lo, hi]`` by boxes with slack lower bound ≥ 0, or find a counterexample.

    Returns a dict: status ('proved' | 'refuted' | 'budget'), boxes, seconds, lower (min over
    proved leaves), worst (min over box-centre estimates) and its point, counterexample,
    undecided boxes.
    """
    t0 = time.perf_counter()
    k = lo.size
    per = max(1, int(round(64 ** (1.0 / k))))
    edges = [np.linspace(lo[j], hi[j], per + 1) for j in range(k)]
    grids = np.meshgrid(*[np.arange(per)] * k, indexing="ij")
    idx = np.stack([g.ravel() for g in grids], axis=-1)
    blo = np.stack([edges[j][idx[:, j]] for j in range(k)], axis=-1)
    bhi = np.stack([edges[j][idx[:, j] + 1] for j in range(k)], axis=-1)
    boxes, lower = 0, np.inf
    worst, worst_pt = np.inf, None
    tiny = []
    status = "proved"
    scale = np.maximum(np.abs(lo), np.abs(hi)) + 1.0
    while len(blo):
        if boxes >= budget["boxes"] or time.perf_counter() - t0 > budget["seconds"]:
            status = "budget"
            break
        nb = min(len(blo), _BATCH)
        clo, chi, blo, bhi = blo[:nb], bhi[:nb], blo[nb:], bhi[nb:]
        boxes += nb
        lb, _ = _bounds(kernel, clo, chi)
        mid = 0.5 * clo + 0.5 * chi
        _, ub = _bounds(kernel, mid, mid)
        j = int(np.argmin(ub))
        if ub[j] < worst:
            worst, worst_pt = float(ub[j]), mid[j].copy()
        ok = lb >= 0
        if ok.any():
            lower = min(lower, float(lb[ok].min()))
        clo, chi, mid, ub = clo[~ok], chi[~ok], mid[~ok], ub[~ok]
        if not len(clo):
            continue
        bad = np.flatnonzero(ub < 0)
        for b in bad[np.argsort(ub[bad])]:
            pt = mid[b] if refute_check is None else refute_check(mid[b])
            if pt is not None:
                return _bb_result(
                    REFUTED, boxes, t0, lower, float(ub[b]), pt, counterexample=pt
                )
        w = chi - clo
        small = np.all(w <= min_width * scale, axis=-1)
        if small.any():
            tiny.extend(zip(clo[small], chi[small]))
            clo, chi, w = clo[~small], chi[~small], w[~small]
        ax = np.argmax(w / scale, axis=-1)
        r = np.arange(len(clo))
        cut = 0.5 * clo[r, ax] + 0.5 * chi[r, ax]
        lhi, rlo = chi.copy(), clo.copy()
        lhi[r, ax], rlo[r, ax] = cut, cut
        blo = np.concatenate([np.concatenate([clo, rlo]), blo])
        bhi = np.concatenate([np.concatenate([lhi, chi]), bhi])
    undecided = [(a, b) for a, b in tiny] + (
        list(zip(blo, bhi)) if status == "budget" else []
    )
    if undecided and status == "proved":
        status = "budget"
    return _bb_result(status, boxes, t0, lower, worst, worst_pt, undecided=undecided)


def _bb_result(status, boxes, t0, lower, worst, worst_pt, counterexample=None, undecided=()):
    return {
        "status": status,
        "boxes": int(boxes),
        "seconds": time.perf_counter() - t0,
        "lower": lower,
        "worst": worst,
        "worst_point": worst_pt,
        "counterexample": counterexample,
        "undecided": list(undecided),
    }


# ---- the public entry point -------------------------------------------------------------------
@checked(alpha=None, beta=None, budget=None)
def certify_interval(landscape, alpha, beta, *, domain=None, budget=None) -> Certificate:
    r"""Prove, refute, or leave undecided the α-β-condition on a box by branch-and-bound.

    Parameters
    ----------
    landscape
        A valley (``example1``, ``remark1-valley``) or radial (``example2``, ``example3``,
        ``example6``, ``remark1-bumps`` in d ≤ 3) landscape; see :func:`supports_interval`.
    alpha, beta : float
        The constants of [AB] Definition 1 (MATHEMATICS.md §2), ``alpha > beta >= 0``; used as the
        exact reals their doubles denote.
    domain : toylands.Box, optional
        The box X of the claim; the landscape's default domain when omitted.
    budget : int or dict, optional
        ``{"boxes": N, "seconds": t}`` (an int is N); default :data:`DEFAULT_BUDGET`.

    Returns
    -------
    Certificate
        ``proved`` (every leaf box has a rigorous slack lower bound ≥ 0), ``refuted`` (a point
        whose rigorous slack upper bound is < 0 for every possible nearest point; in
        ``worst_point``) or ``inconclusive`` (budget spent; ``details["undecided"]`` lists the
        undecided boxes). ``min_slack`` is the smallest slack estimate seen at box centres;
        ``details["certified_lower_bound"]`` the rigorous lower bound when proved.

    Examples
    --------
    >>> import toylands
    >>> certify_interval(toylands.get("example1"), 2.5, 2.0).verdict
    'proved'
    """
    from toylands.domain import Box

    a, b = check_constants(alpha, beta)
    fam = _family(landscape)
    if fam is None:
        raise ValueError(
            f"the interval method does not apply to {landscape.name!r}: it handles valley "
            f"and radial-sum landscapes and from_sympy landscapes with a finite S in "
            f"dimension <= {_MAX_RADIAL_DIM}"
        )
    domain = landscape.domain if domain is None else domain
    if not isinstance(domain, Box) or domain.dim != landscape.dim:
        raise ValueError(f"domain must be a toylands.Box of dimension {landscape.dim}")
    bud = _parse_budget(budget)
    t0 = time.perf_counter()
    if fam == "valley":
        kernel = _ValleyKernel(landscape, a, b)
        srange = Interval(domain.lo).sum(axis=0), Interval(domain.hi).sum(axis=0)
        lo, hi = np.array([float(srange[0].lo)]), np.array([float(srange[1].hi)])

        def refute_check(s):
            x = _point_with_sum(domain, float(s[0]))
            sx = Interval(x).sum(axis=0)
            _, ub = _bounds(kernel, np.array([[sx.lo]]), np.array([[sx.hi]]))
            return x if ub[0] < 0 else None

        res = _branch_and_bound(kernel, lo, hi, budget=bud, refute_check=refute_check)
        to_x = _s_to_point_fn(domain)
        reduced = "s = sum(x)"
    else:
        kinds = {"radial": _RadialKernel, "generic": _GenericKernel, "sympy": SympyKernel}
        kernel = kinds[fam](landscape, a, b)
        res = _branch_and_bound(kernel, domain.lo.copy(), domain.hi.copy(), budget=bud)

        def to_x(p):
            return p

        reduced = None
    seconds = time.perf_counter() - t0
    budget_used = {"boxes": res["boxes"], "seconds": seconds}
    details = {"family": fam, "reduced_variable": reduced}
    details.update(getattr(kernel, "details", {}))
    common = dict(
        condition="alpha-beta",
        constants={"alpha": a, "beta": b},
        method="interval",
        domain=domain,
        budget=budget_used,
    )
    worst_pt = None if res["worst_point"] is None else to_x(res["worst_point"])
    if res["status"] == REFUTED:
        return Certificate(
            verdict=REFUTED,
            min_slack=res["worst"],
            worst_point=np.asarray(res["counterexample"]),
            reason="rigorous slack upper bound < 0 at worst_point for every nearest point",
            details=details,
            **common,
        )
    if res["status"] == PROVED:
        details["certified_lower_bound"] = res["lower"]
        return Certificate(
            verdict=PROVED,
            min_slack=res["worst"],
            worst_point=worst_pt,
            details=details,
            **common,
        )
    und = res["undecided"]
    details["undecided"] = [
        {"lo": np.asarray(lo_).tolist(), "hi": np.asarray(hi_).tolist()} for lo_, hi_ in und[:50]
    ]
    details["n_undecided"] = len(und)
    where = ""
    if und:
        los = np.array([u[0] for u in und])
        his = np.array([u[1] for u in und])
        where = f" within [{los.min(0).tolist()}, {his.max(0).tolist()}]"
        if reduced:
            where += f" ({reduced})"
    return Certificate(
        verdict=INCONCLUSIVE,
        min_slack=res["worst"],
        worst_point=worst_pt,
        reason=f"budget spent ({res['boxes']} boxes) with {len(und)} "
        f"undecided boxes{where}",
        details=details,
        **common,
    )


def _point_with_sum(domain, s):
    """A point of the box whose coordinates sum to about ``s`` (moves along lo → hi)."""
    lo, hi = domain.lo, domain.hi
    t = (s - lo.sum()) / (hi.sum() - lo.sum())
    return np.clip(lo + np.clip(t, 0.0, 1.0) * (hi - lo), lo, hi)


def _s_to_point_fn(domain):
    def to_x(p):
        return _point_with_sum(domain, float(np.asarray(p).reshape(-1)[0]))

    return to_x
