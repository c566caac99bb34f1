r"""The pairs the project recommends, taken from the certified side (MATHEMATICS.md §2, §6).

A sampled region is an outer bound: its best pair for a theorem's neighbourhood term is not known
to hold. Here every recommended pair is certified on its box before it is shown:

- :func:`certify_pair`: one pair, with the rigorous method where one applies;
- :func:`certified_best_pairs`: each theorem's best pair among certified candidates (a scan of α
  around the sampled optimum, the bracket's rows, the paper's own pair), with its verdict and
  method;
- :func:`family_alpha`: the smallest α certified on one of the paper's families (``β = α − gap``
  or ``β = r α``), by bisection on α.

The bisection in β at one α is ``theory.certification.frontier.certified_beta``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from toylands._checked import checked
from toylands._validate import as_finite_float

from ..region import BestPair, _bracket_kind, _region_kind, _theorem_number, theorem_term
from .certificate import INCONCLUSIVE, REFUTED
from .dispatch import certify
from .frontier import (
    _FINE_RTOL,
    SCAN_INTERVAL_BUDGET,
    SEARCH_KINDS,
    CertifiedBeta,
    _call_budget,
    _good,
    _positive_kind,
    _resolve,
    _rtol,
    _rtol_kind,
    certified_beta,
    rigorous_method,
)
from .inputs import _check_domain

__all__ = ["certify_pair", "certified_best_pairs", "family_alpha", "FamilyAlpha"]

_MAX_CALLS = 40


def _theorems_kind(value, name, ctx):
    """A tuple or list of theorem numbers (``theory.region.THEOREMS``)."""
    if not isinstance(value, (tuple, list)):
        raise TypeError(f"{name} must be a tuple of theorem numbers, got {type(value).__name__}")
    return tuple(_theorem_number(t, name) for t in value)


def _family_kind(value, name, ctx):
    """``("gap", g)`` with ``g > 0`` or ``("ratio", r)`` with ``0 < r < 1``."""
    want = "('gap', g) or ('ratio', r)"
    if not isinstance(value, (tuple, list)):
        raise TypeError(f"{name} must be {want}, got {type(value).__name__}")
    if len(value) != 2 or not isinstance(value[0], str) or value[0] not in ("gap", "ratio"):
        kind = repr(value[0]) if value and isinstance(value[0], str) and len(value[0]) < 40 \
            else f"a {type(value[0]).__name__}" if value else "nothing"
        raise ValueError(f"{name} must be {want}, got a {type(value).__name__} of length "
                         f"{len(value)} starting with {kind}")
    kind, v = value
    if kind == "gap":
        return kind, as_finite_float(v, f"{name}'s gap g", low=0.0, low_open=True)
    return kind, as_finite_float(v, f"{name}'s ratio r", low=0.0, high=1.0, low_open=True,
                                 high_open=True)


@checked(**SEARCH_KINDS)
def certify_pair(landscape, alpha, beta, *, domain=None, method=None, budget=None, rng=0):
    r"""One pair's certificate on ``domain`` with the method a recommendation needs: the rigorous
    one where it applies (``proved`` or ``refuted``), else ``sample`` (``holds_on_samples`` at
    best), with the deterministic budgets of this module (:data:`INTERVAL_BUDGET`,
    :data:`ADVERSARIAL_BUDGET` samples)."""
    box = _check_domain(landscape, domain)
    method = rigorous_method(landscape) or "sample" if method is None else method
    method = _resolve(landscape, method)
    return certify(landscape, alpha, beta, method=method, domain=box,
                   budget=_call_budget(method, budget, landscape), rng=rng)



# ---- best pairs on the certified side ---------------------------------------------------------
def _refine_kind(value, name, ctx):
    from toylands._validate import as_int

    return as_int(value, name, low=0, high=50)


@checked(region=_region_kind, theorems=_theorems_kind, bracket=_bracket_kind,
         refine=_refine_kind, fine_rtol=_rtol_kind, **SEARCH_KINDS)
def certified_best_pairs(landscape, region, *, theorems=(1, 3, 7), domain=None, method=None,
                         bracket=None, rtol=None, budget=None, rng=0, refine: int = 5,
                         fine_rtol: float = _FINE_RTOL) -> dict:
    r"""Each theorem's best pair taken from the certified side (MATHEMATICS.md §6 terms).

    Candidates: every row of ``bracket`` (its certified ``(α, β_hi)``), and the certified β
    (:func:`certified_beta`, to a relative 10⁻² of the gap: the scan only ranks) at ``(1, 1.01,
    1.1, 2)·α*`` for the sampled best pair's α* (the sampled optimum often sits at a kink or
    just below the true α_min, where the certified β is higher or missing), refined by
    ``refine`` (5) golden-section steps in log α around the best, and at four α up to
    ``10·region.default_alpha_max()`` (the term may be least as α → ∞: Example 2). With the
    adversarial method only α* and 1.1 α* (each call costs seconds there). For a theorem with a
    gap constraint (Thm 3: ``α ≥ β + 1``) the smallest α certified on ``β = α − gap``
    (:func:`family_alpha`, to a relative 10⁻⁴) is added. The pair minimising the theorem's term
    (:func:`theory.region.theorem_term`) wins — the paper's claimed pair competes too, when it is
    certified — and its β is bisected further, to ``fine_rtol`` (10⁻⁴) of the gap (rigorous
    methods). ``refine=0`` and a coarser ``fine_rtol`` make a quick, less precise search (the
    report's ``--quick``): the pairs are as certified, only less good.

    Returns
    -------
    dict
        ``{theorem: BestPair}`` with ``verdict`` (``proved`` / ``holds_on_samples``),
        ``method`` and ``domain``; a theorem with no certified candidate maps to a dict with
        ``error``.
    """
    box = _check_domain(landscape, domain)
    method = _resolve(landscape, method)
    cache: dict = {}
    fine: dict[tuple, CertifiedBeta] = {}  # the winners' finer bisections (Thm 1 and 7 share)

    scan_rtol = max(_rtol(rtol, method), _SCAN_RTOL)
    # the scan only ranks: a proof that needs more boxes than this is not worth waiting for
    scan_budget = dict(SCAN_INTERVAL_BUDGET) if method == "interval" and budget is None \
        else budget

    def at(a):
        a = float(a)
        if a not in cache:
            cache[a] = certified_beta(landscape, a, beta_lo=float(region.beta_min(a)),
                                      domain=box, method=method, rtol=scan_rtol,
                                      budget=scan_budget, rng=rng)
        return cache[a]

    out = {}
    for th in theorems:
        try:
            bp = region.best_pair(th)
        except ValueError as exc:
            out[th] = {"error": f"sampled region: {exc}", "verdict": INCONCLUSIVE,
                       "method": method}
            continue
        cands = []
        if bracket is not None:
            ok = np.isfinite(bracket.beta_hi)
            cands += [(float(a), float(b), v) for a, b, v in
                      zip(bracket.alphas[ok], bracket.beta_hi[ok],
                          np.asarray(bracket.verdicts)[ok])]
        cheap = method in ("interval", "symbolic")
        claim = region.paper_claim or {}
        if claim.get("alpha") is not None and claim["alpha"] > claim["beta"] >= 0:
            if "paper" not in cache:  # the paper's own pair competes too (one call)
                cache["paper"] = certify_pair(landscape, claim["alpha"], claim["beta"],
                                              domain=box, method=method, budget=budget, rng=rng)
            if cache["paper"].verdict == _good(method):
                cands.append((float(claim["alpha"]), float(claim["beta"]),
                              cache["paper"].verdict))
        cands += _scan(at, th, bp.alpha, cheap=cheap, refine=refine)
        if cheap:  # the term may be least as α → ∞ (Example 2's paper pair)
            for a in np.geomspace(bp.alpha, 10.0 * max(region.default_alpha_max(), bp.alpha), 4):
                r = at(a)
                if np.isfinite(r.beta):
                    cands.append((r.alpha, r.beta, r.verdict))
        if th == 3:
            fam = family_alpha(landscape, ("gap", 1.0), region=region, domain=box,
                               method=method, rtol=_FINE_RTOL, budget=budget, rng=rng)
            if fam.alpha_hi is not None:
                cands.append((fam.alpha_hi, fam.alpha_hi - 1.0, fam.verdict))
        if not cands:
            out[th] = {"error": "no certified pair near the sampled best pair",
                       "verdict": INCONCLUSIVE, "method": method,
                       "sampled": bp.to_json()}
            continue
        A = np.array([c[0] for c in cands])
        B = np.array([c[1] for c in cands])
        vals = theorem_term(th, A, B)
        k = int(np.argmin(vals))
        if not np.isfinite(vals[k]):
            out[th] = {"error": "no certified pair satisfies the theorem's gap constraint",
                       "verdict": INCONCLUSIVE, "method": method, "sampled": bp.to_json()}
            continue
        a_k, b_k, v_k = float(A[k]), float(B[k]), cands[k][2]
        if cheap:  # the winner's β to a finer precision (the term moves with it)
            if (a_k, b_k) not in fine:
                lo_k = max(float(region.beta_min(a_k)), cache[a_k].lower if a_k in cache
                           else 0.0)
                fine[a_k, b_k] = certified_beta(landscape, a_k, beta_lo=lo_k, proved_hi=b_k,
                                                domain=box, method=method, rtol=fine_rtol,
                                                budget=budget, rng=rng)
            r = fine[a_k, b_k]
            if np.isfinite(r.beta) and theorem_term(th, a_k, r.beta) <= vals[k]:
                b_k, v_k = float(r.beta), r.verdict
        out[th] = BestPair(th, a_k, b_k, float(theorem_term(th, a_k, b_k)), bp.attained,
                           bp.description, verdict=v_k, method=method, domain=box.to_json())
    return out


_SCAN = (1.0, 1.01, 1.1, 2.0)
_SCAN_RTOL = 1e-2  # the scan only ranks candidates; the winner is refined to _FINE_RTOL
_GOLDEN = 0.5 * (math.sqrt(5.0) - 1.0)


def _scan(at, theorem, alpha0, *, cheap, refine: int = 5) -> list:
    """Certified candidates ``(α, β, verdict)`` on a scan of α around ``alpha0`` (see
    :func:`certified_best_pairs`), refined by golden-section steps in log α."""
    facs = _SCAN if cheap else (1.0, 1.1)
    out = []

    def term(a):
        r = at(a)
        if not np.isfinite(r.beta):
            return np.inf
        out.append((r.alpha, r.beta, r.verdict))
        return float(theorem_term(theorem, r.alpha, r.beta))

    al = [alpha0 * f for f in facs]
    vals = [term(a) for a in al]
    k = int(np.argmin(vals))
    if not cheap or not refine or not np.isfinite(vals[k]):
        return out
    # golden-section search of log α between the neighbours of the best scanned α (one new
    # certified β per step)
    lo, hi = math.log(al[max(k - 1, 0)]), math.log(al[min(k + 1, len(al) - 1)])
    m1, m2 = hi - _GOLDEN * (hi - lo), lo + _GOLDEN * (hi - lo)
    v1, v2 = term(math.exp(m1)), term(math.exp(m2))
    for _ in range(refine):
        if v1 <= v2:
            hi, m2, v2 = m2, m1, v1
            m1 = hi - _GOLDEN * (hi - lo)
            v1 = term(math.exp(m1))
        else:
            lo, m1, v1 = m1, m2, v2
            m2 = lo + _GOLDEN * (hi - lo)
            v2 = term(math.exp(m2))
    return out


# ---- the paper's families ----------------------------------------------------------------------
@dataclass(frozen=True)
class FamilyAlpha:
    """The smallest α certified on a family: ``[alpha_lo, alpha_hi]`` brackets the true
    ``inf{α : (α, β(α)) works}``; ``alpha_hi`` is certified (``verdict``), ``alpha_lo`` from the
    sampled region and refutations."""

    family: tuple
    alpha_lo: float
    alpha_hi: float | None
    verdict: str
    method: str
    calls: int

    def beta(self, alpha):
        kind, v = self.family
        return alpha - v if kind == "gap" else v * alpha

    def to_json(self) -> dict:
        kind, v = self.family
        return {"family": f"beta = alpha - {v:g}" if kind == "gap" else f"beta = {v:g} alpha",
                "alpha_lo": self.alpha_lo, "alpha_hi": self.alpha_hi, "verdict": self.verdict,
                "method": self.method, "calls": self.calls}


@checked(family=_family_kind, region=_region_kind, alpha_hi=_positive_kind, **SEARCH_KINDS)
def family_alpha(landscape, family, *, region, alpha_hi=None, domain=None, method=None,
                 rtol=1e-8, budget=None, rng=0, max_calls=_MAX_CALLS) -> FamilyAlpha:
    r"""The smallest α whose pair on ``family`` is certified, by bisection on α.

    ``family``: ``("gap", g)`` for ``β = α − g`` (Examples 2, 3, 6) or ``("ratio", r)`` for
    ``β = r α`` (Example 1, ``r = 4/5``). On a gap family the pairs that work form a half-line in
    α by diagonal monotonicity; on a ray the region's convexity (one nearest point per x, as for
    Example 1's line S) makes them an interval that reaches infinity when the asymptotic slope of
    the frontier is below ``r``. The lower end starts at the sampled region's first α on the
    family (a lower bound, up to rounding) and rises with refutations; the upper end starts at
    ``alpha_hi`` (e.g. the paper's α; it is certified first) or doubles from the lower end until
    certified. Stops when ``α_hi − α_lo ≤ rtol·α_hi``.
    """
    box = _check_domain(landscape, domain)
    method = _resolve(landscape, method)
    kind, v = family  # checked by _family_kind
    a_lo = region.alpha_for_gap(v) if kind == "gap" else region.alpha_for_ratio(v)
    fam = FamilyAlpha((kind, v), a_lo, None, INCONCLUSIVE, method, 0)
    call_budget = _call_budget(method, budget, landscape)
    good = _good(method)
    calls = 0

    def test(a):
        nonlocal calls
        calls += 1
        b = max(fam.beta(a), 0.0)
        return certify(landscape, a, b, method=method, domain=box, budget=call_budget,
                       rng=rng).verdict

    if not np.isfinite(a_lo):
        return fam
    a_lo = max(a_lo, v if kind == "gap" else 0.0)
    hi = None
    if alpha_hi is not None:
        cand = alpha_hi
        if test(cand) == good:
            hi = cand
    if hi is None:
        cand = max(a_lo, 1e-9) * 2.0
        while calls < max_calls:
            verdict = test(cand)
            if verdict == good:
                hi = cand
                break
            if verdict == REFUTED:
                a_lo = max(a_lo, cand)
            cand *= 2.0
    if hi is None:
        return FamilyAlpha((kind, v), a_lo, None, INCONCLUSIVE, method, calls)
    s_lo = a_lo
    while calls < max_calls and hi - s_lo > rtol * hi:
        mid = 0.5 * (s_lo + hi)
        verdict = test(mid)
        if verdict == good:
            hi = mid
        else:
            s_lo = mid
            if verdict == REFUTED:
                a_lo = mid
    return FamilyAlpha((kind, v), a_lo, hi, good, method, calls)
