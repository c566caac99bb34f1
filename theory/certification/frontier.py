r"""The certified frontier bracket, certified pairs and the paper's families (MATHEMATICS.md §2).

A sampled region (``region_map``) is an outer bound: it contains the true feasible set, so its
frontier is a *lower* bound on the true ``β_min(α)`` and a pair read off it is not known to hold.
This module supplies the other side.

- For fixed α the pairs that work form an up-set in β (``c_i ≥ 0``: raising β raises every
  slack), so the least β a rigorous method proves is found by **bisection**
  (:func:`certified_beta`): ``proved`` moves the upper end down, ``refuted`` moves the lower end
  up (a rigorous lower bound, and its counterexample's own requirement lifts it further),
  ``inconclusive`` only moves the search.
- **Diagonal monotonicity** [AB p.5] — ``(α, β)`` works ⇒ ``(α + δ, β + δ)`` works, since
  ``f_i(x_p) ≥ f_i*`` — saves work: along increasing α the previous proved pair, shifted along the
  diagonal, is a proved upper end for free; and a refuted ``(α', β')`` refutes ``(α, β' − (α' −
  α))`` for ``α < α'``.
- The definition needs ``β < α``: the search never goes above ``α − 10⁻⁶ (α − β_lo)``.

:func:`certified_frontier` brackets the frontier on a grid of α, ``β_lo ≤ β_min ≤ β_hi``, where
``β_lo`` is the sampled region's frontier made rounding-safe (each row's least β computed with the
evaluation error bound of ``theory.conditions.slack_error_coefficients``) and raised by
refutations, and ``β_hi`` is proved by ``interval`` or ``symbolic`` — or, where no rigorous
method applies (the 16- to 22-dimensional landscapes), found by adversarial search and labelled
``holds_on_samples``, never ``proved``. The pairs the project recommends are picked on the
certified side in ``theory.certification.pairs``.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field

import numpy as np

from toylands._checked import checked
from toylands._validate import as_finite_array, as_finite_float, as_int, check_memory

from ..conditions import alpha_beta_rows, slack_error_coefficients
from ..region import FrontierBracket, _region_kind
from .certificate import HOLDS_ON_SAMPLES, INCONCLUSIVE, PROVED, REFUTED
from .dispatch import _supports, certify
from .inputs import _budget_kind, _calls_kind, _check_domain, _seed_kind
from .inputs import progress as _progress

__all__ = [
    "certified_beta",
    "certified_frontier",
    "bracket_alphas",
    "rigorous_method",
    "rounding_safe_beta_lo",
    "CertifiedBeta",
    "DEFAULT_RTOL",
    "INTERVAL_BUDGET",
    "GENERIC_INTERVAL_BUDGET",
    "SCAN_INTERVAL_BUDGET",
    "ADVERSARIAL_BUDGET",
]

FRONTIER_METHODS = ("interval", "symbolic", "adversarial", "sample")
# Relative precision of a bisection: stop when β_hi − β_lo ≤ rtol·(α − β_hi), i.e. the gap
# α − β is known to rtol. Adversarial calls are expensive (seconds each in 16-22 dimensions).
DEFAULT_RTOL = {"interval": 1e-3, "symbolic": 1e-3, "adversarial": 1e-2, "sample": 1e-2}
# A box budget, not a time budget: the same call gives the same verdict on every machine.
# (The seconds are only a safety valve far above what a 2-D bisection step needs.)
INTERVAL_BUDGET = {"boxes": 400_000, "seconds": 300.0}
# The generic kernel (``example3-printed``) encloses loosely: near the frontier its proofs need
# more boxes than any budget affords, so a call that will not decide is cut short.
GENERIC_INTERVAL_BUDGET = {"boxes": 100_000, "seconds": 300.0}
# The scan of certified_best_pairs only ranks candidate α: its calls get fewer boxes.
SCAN_INTERVAL_BUDGET = {"boxes": 50_000, "seconds": 300.0}
ADVERSARIAL_BUDGET = 1000
_MAX_CALLS = 40
_GRAD_CHUNK = 1 << 11
_TOP = 1e-6  # the highest β tried: α − _TOP·(α − β_lo)
_FINE_RTOL = 1e-4  # the best pair's final bisection


def rigorous_method(landscape) -> str | None:
    """The rigorous method used for brackets: ``interval`` where it applies (fast: a 2-D call
    takes ~0.05 s), else ``symbolic``, else None."""
    for kind in ("interval", "symbolic"):
        if _supports(kind, landscape)[0]:
            return kind
    return None


def _resolve(landscape, method) -> str:
    if method is None:
        return rigorous_method(landscape) or "adversarial"
    if method not in FRONTIER_METHODS:
        raise ValueError(f"unknown method {method!r}; known: {', '.join(FRONTIER_METHODS)}")
    if method in ("interval", "symbolic"):
        ok, why = _supports(method, landscape)
        if not ok:
            raise ValueError(f"method {method!r} does not apply to {landscape.name}: {why}")
    return method


def _good(method) -> str:
    return PROVED if method in ("interval", "symbolic") else HOLDS_ON_SAMPLES


def _rtol(rtol, method) -> float:
    if rtol is None:
        return DEFAULT_RTOL[method]
    return _rtol_kind(rtol, "rtol", {})


# ---- @checked kinds of this module and of pairs / tightness --------------------------------------
def _method_kind(value, name, ctx):
    """One of :data:`FRONTIER_METHODS` (None, the default, picks the strongest)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be None or one of {', '.join(FRONTIER_METHODS)}; got "
                        f"{type(value).__name__}")
    if value not in FRONTIER_METHODS:
        shown = repr(value) if len(value) < 40 else "a long string"
        raise ValueError(f"unknown {name} {shown}; known: {', '.join(FRONTIER_METHODS)}")
    return value


def _rtol_kind(value, name, ctx):
    """A relative precision in ``(0, 1)``."""
    return as_finite_float(value, name, low=0.0, high=1.0, low_open=True, high_open=True)


def _positive_kind(value, name, ctx):
    return as_finite_float(value, name, low=0.0, low_open=True)


def _alphas_kind(value, name, ctx):
    """A non-empty array of finite α > 0, flattened, sorted and deduplicated."""
    if isinstance(value, (str, bytes, dict, set)) or value is None:
        raise TypeError(f"{name} must be a sequence of real numbers, got {type(value).__name__}")
    try:
        al = np.asarray(value, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError, OverflowError):
        raise TypeError(f"{name} must be a sequence of real numbers") from None
    if al.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(al)) or np.any(al <= 0):
        raise ValueError(f"{name} must be finite and > 0")
    return np.unique(al)


# The parameters every search of this module and of ``pairs`` / ``tightness`` shares.
SEARCH_KINDS = dict(method=_method_kind, rtol=_rtol_kind, budget=_budget_kind, rng=_seed_kind,
                    max_calls=_calls_kind)


def _call_budget(method, budget, landscape=None):
    if budget is not None:
        return budget
    if method == "interval":
        from .interval.branch_and_bound import _family

        if landscape is not None and _family(landscape) == "generic":
            return dict(GENERIC_INTERVAL_BUDGET)
        return dict(INTERVAL_BUDGET)
    return ADVERSARIAL_BUDGET if method in ("adversarial", "sample") else None


# ---- the rounding-safe lower bound from sample points ------------------------------------------
@checked(alphas=lambda v, n, c: as_finite_array(v, n, low=0.0))
def rounding_safe_beta_lo(landscape, x, alphas) -> np.ndarray:
    r"""``max_x min_{x_p} max_i (α b_i − a_i − e0_i) / (c_i + e1_i)`` for each α, clipped at 0.

    The sampled frontier ``max_x min_p max_i (α b − a)/c`` with each row's least β computed from
    values shifted by their error bound (``theory.conditions.slack_error_coefficients``, input
    rounding included): below it, every nearest candidate of some point has a row with
    ``T̃ + e < 0``, a certain violation. So it is a lower bound on the true ``β_min(α)`` whenever
    the landscape evaluates to ``EVAL_ULPS`` ulps (MATHEMATICS.md §2: a sampled region is an outer
    bound). Vectorised over α and over points (chunks of 2 048).

    Returns ``(G,)`` for ``alphas (G,)``; ``+∞`` where no β works on the points, ``0`` where the
    points do not bound β from below.
    """
    x = np.asarray(x, dtype=np.float64).reshape(-1, landscape.dim)
    al = np.asarray(alphas, dtype=np.float64).reshape(-1)
    out = np.full(al.shape, -np.inf)
    A = al[:, None, None, None]
    for k in range(0, x.shape[0], _GRAD_CHUNK):
        xc = x[k : k + _GRAD_CHUNK]
        rows = alpha_beta_rows(landscape, xc)
        # e0, e1, num, den and r: a few arrays of (alphas, points, candidates, samples)
        check_memory(6 * 8 * al.size * rows.b.size,
                     f"alphas ({al.size}) times the rows of {len(xc)} points")
        with np.errstate(over="ignore"):  # an infinite norm only weakens the bound to −∞
            gx = np.linalg.norm(landscape.grads(xc), axis=-1)
            gp = np.linalg.norm(landscape.grads(rows.candidates), axis=-1)
        e0, e1 = slack_error_coefficients(rows, A, x=xc, grad_norms=(gx, gp))
        # the ε|T̃| term of the bound is second order at T̃ + e = 0: a relative 2⁻⁴⁰ covers it
        e0, e1 = e0 * (1 + 2.0**-40), e1 * (1 + 2.0**-40)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            num = A * rows.b - rows.a - e0
            den = rows.c + e1
            r = np.where(den > 0, num / np.where(den > 0, den, 1.0),
                         np.where(num > 0, np.inf, -np.inf))
        per_cand = np.where(rows.mask, r.max(axis=-1), np.inf)  # (G, N, m)
        out = np.maximum(out, per_cand.min(axis=-1).max(axis=-1))
    return np.maximum(out, 0.0)


# ---- one α: the least certified β by bisection ---------------------------------------------------
@dataclass(frozen=True)
class CertifiedBeta:
    """The outcome of :func:`certified_beta` at one α.

    ``beta``: the least β certified (NaN if none); ``verdict``: ``proved`` /
    ``holds_on_samples`` when ``beta`` is set, else ``refuted`` (the highest β tried was
    refuted) or ``inconclusive``; ``lower``: a lower bound on the true β_min(α) (the given one,
    raised by refutations and their counterexamples); ``counterexamples``: the points of the
    refutations, ``(k, dim)``.
    """

    alpha: float
    beta: float
    verdict: str
    method: str
    lower: float
    calls: int
    counterexamples: np.ndarray = field(repr=False, default_factory=lambda: np.empty((0, 0)))


@checked(alpha=_positive_kind, beta_lo="real", beta_max="real", proved_hi="real", first="real",
         **SEARCH_KINDS)
def certified_beta(landscape, alpha, *, beta_lo, beta_max=None, proved_hi=None, first=None,
                   refine=True, domain=None, method=None, rtol=None, budget=None, rng=0,
                   max_calls=_MAX_CALLS) -> CertifiedBeta:
    r"""The least β that ``method`` certifies at α, by bisection (see the module docstring).

    Parameters
    ----------
    landscape
    alpha : float
        ``α > 0``.
    beta_lo : float
        A lower end for the search, usually a lower bound on β_min(α) (the sampled frontier).
    beta_max : float, optional
        The largest β allowed (e.g. ``α − 1`` for a theorem that needs ``α ≥ β + 1``); default
        ``α − 10⁻⁶ (α − beta_lo)`` (the definition needs ``β < α``).
    proved_hi : float, optional
        A β already known to work at α (diagonal monotonicity from a smaller α): no call needed.
    first : float, optional
        A β to try before the bisection (e.g. a sampled pair with a margin). With
        ``refine=False`` a certified ``first`` is accepted as it is (one call).
    domain : toylands.Box or (lo, hi), optional
    method : {None, "interval", "symbolic", "adversarial", "sample"}
        None: interval, else symbolic, else adversarial; the last two say ``holds_on_samples``
        at best.
    rtol : float, optional
        Stop when ``β_hi − β_lo ≤ rtol·(α − β_hi)``; default :data:`DEFAULT_RTOL`.
    budget : optional
        Per call: the interval method's ``{"boxes", "seconds"}``, or the adversarial search's
        sample budget. Default :data:`INTERVAL_BUDGET` / :data:`ADVERSARIAL_BUDGET`.
    rng : int
        Seed of the adversarial search (the same for every call: deterministic).
    max_calls : int

    Returns
    -------
    CertifiedBeta
    """
    box = _check_domain(landscape, domain)
    method = _resolve(landscape, method)
    lo = max(beta_lo, 0.0)
    rtol = _rtol(rtol, method)
    call_budget = _call_budget(method, budget, landscape)
    good = _good(method)
    ulp = 4.0 * np.spacing(alpha)
    if beta_max is None:
        top = alpha - max(_TOP * (alpha - lo), ulp)
    else:
        top = min(beta_max, alpha - ulp)
    state = {"lower": min(lo, alpha), "search": lo, "calls": 0}
    cex = []

    def test(beta) -> str:
        cert = certify(landscape, alpha, float(beta), method=method, domain=box,
                       budget=call_budget, rng=rng)
        state["calls"] += 1
        if cert.verdict == REFUTED:
            state["lower"] = max(state["lower"], beta)
            state["search"] = max(state["search"], beta)
            if cert.worst_point is not None:
                p = np.asarray(cert.worst_point, dtype=np.float64).reshape(1, -1)
                cex.append(p)
                need = float(rounding_safe_beta_lo(landscape, p, [alpha])[0])
                if np.isfinite(need):
                    state["lower"] = max(state["lower"], need)
                    state["search"] = max(state["search"], need)
        return cert.verdict

    def done(beta, verdict):
        pts = np.concatenate(cex, axis=0) if cex else np.empty((0, landscape.dim))
        return CertifiedBeta(alpha, beta, verdict, method, min(state["lower"], alpha),
                             state["calls"], pts)

    if top <= lo or top < 0:  # nothing to search: even the highest allowed β is below β_lo
        return done(np.nan, REFUTED)
    hi = None
    if proved_hi is not None and np.isfinite(proved_hi) and lo <= proved_hi <= top:
        hi = float(proved_hi)
    if first is not None and lo <= first <= top and (hi is None or first < hi):
        if test(first) == good:
            hi = float(first)
            if not refine:
                return done(hi, good)
    if hi is None:
        v = test(top)
        if v != good:
            return done(np.nan, REFUTED if v == REFUTED else INCONCLUSIVE)
        hi = top
    undecided = 0
    while state["calls"] < max_calls and undecided < 2:
        s_lo = state["search"]
        if hi - s_lo <= rtol * (alpha - hi) or hi - s_lo <= ulp:
            break
        mid = 0.5 * (s_lo + hi)
        v = test(mid)
        if v == good:
            hi = mid
        elif v != REFUTED:
            # not decided within the budget: look higher, but the lower bound stays; after two
            # such answers the proofs are at the budget's limit and the search stops
            state["search"] = mid
            undecided += 1
    return done(hi, good)


# ---- the bracket on a grid of α --------------------------------------------------------------
@checked(alphas=_alphas_kind, region=_region_kind, **SEARCH_KINDS)
def certified_frontier(landscape, alphas, *, domain=None, method=None, region=None, rtol=None,
                       budget=None, rng=0, quiet=True) -> FrontierBracket:
    r"""Bracket the true frontier ``β_min(α)`` at each α (MATHEMATICS.md §2).

    ``β_lo(α)``: the sampled region's frontier, rounding-safe (:func:`rounding_safe_beta_lo`
    over the region's points, and over every counterexample found), raised by refutations and
    carried to smaller α along the diagonal. ``β_hi(α)``: the least β that ``method`` certifies,
    by :func:`certified_beta`, with the previous α's proved pair shifted along the diagonal as a
    free upper end.

    Parameters
    ----------
    landscape
    alphas : array_like
        Positive α (sorted and deduplicated here).
    domain : toylands.Box or (lo, hi), optional
        The box (default: the landscape's domain). Every verdict refers to it.
    method : {None, "interval", "symbolic", "adversarial"}
        None: ``interval`` where it applies, else ``symbolic``, else ``adversarial`` (then
        every row says ``holds_on_samples`` at best, never ``proved``).
    region : theory.region.Region, optional
        A sampled region of the same box built with ``region_map(..., keep_points=True)``;
        default: one is built here (``rng`` seeds it).
    rtol, budget, rng
        See :func:`certified_beta`.

    Returns
    -------
    theory.region.FrontierBracket
        ``info`` holds ``rtol``, ``calls``, ``seconds``, ``alpha_min`` (a bracket of the true
        α_min) and ``points``.

    Examples
    --------
    >>> import toylands
    >>> f = toylands.get("example6")
    >>> b = certified_frontier(f, [5.0, 40.0], domain=(-20, 20))
    >>> b.verdicts, bool(np.all(b.beta_lo <= b.beta_hi))
    (('proved', 'proved'), True)
    """
    from .mapping import region_map

    t0 = time.perf_counter()
    box = _check_domain(landscape, domain)
    method = _resolve(landscape, method)
    al = alphas  # sorted and deduplicated by _alphas_kind
    rtol = _rtol(rtol, method)
    if region is None:
        region = region_map(landscape, domain=box, rng=rng, keep_points=True, quiet=quiet)
    pts = region.info.get("points")
    if pts is None:
        raise ValueError("region must keep its points: build it with region_map(..., "
                         "keep_points=True)")
    pts = np.asarray(pts, dtype=np.float64)
    if pts.ndim != 2 or pts.shape[-1] != landscape.dim:
        raise ValueError(f"region's points have shape {pts.shape}, not (N, {landscape.dim}): "
                         f"build it with region_map on this landscape")
    _progress(f"frontier {landscape.name}: rounding-safe lower bound over {len(pts)} points",
              quiet)
    lo = np.minimum(rounding_safe_beta_lo(landscape, pts, al), al)
    hi = np.full(al.shape, np.nan)
    verdicts = [INCONCLUSIVE] * al.size
    calls, cex = 0, []
    prev = None  # (α, β) of the last certified row
    for k, a in enumerate(al):
        free = None if prev is None else prev[1] + (a - prev[0])
        res = certified_beta(landscape, a, beta_lo=float(lo[k]), proved_hi=free, domain=box,
                             method=method, rtol=rtol, budget=budget, rng=rng)
        calls += res.calls
        lo[k] = max(lo[k], res.lower)
        if res.counterexamples.size:
            cex.append(res.counterexamples)
        verdicts[k] = res.verdict
        if np.isfinite(res.beta):
            hi[k] = res.beta
            prev = (a, res.beta)
        _progress(f"frontier {landscape.name}: alpha = {a:.6g}: [{lo[k]:.10g}, {hi[k]:.10g}] "
                  f"{res.verdict} ({res.calls} calls)", quiet)
    lo = _carry_lower(landscape, al, lo, cex)
    if method not in ("interval", "symbolic"):
        # A β that held on one search's samples can be refuted by a point another α's search
        # found: search again above the raised lower bound, until every row is consistent.
        for _ in range(3):
            redo = np.flatnonzero(np.isfinite(hi) & (lo > hi))
            if not redo.size:
                break
            for k in redo:
                res = certified_beta(landscape, al[k], beta_lo=float(lo[k]), domain=box,
                                     method=method, rtol=rtol, budget=budget, rng=rng)
                calls += res.calls
                hi[k] = res.beta
                verdicts[k] = res.verdict
                lo[k] = max(lo[k], res.lower)
                if res.counterexamples.size:
                    cex.append(res.counterexamples)
            lo = _carry_lower(landscape, al, lo, cex)
    # β_lo > β_hi would mean a rounding-safe lower bound above a certified pair: for a rigorous
    # method the evaluation assumption (EVAL_ULPS) or a certificate is wrong; for a sampled one
    # the searches above did not settle. Never hide it.
    bad = np.isfinite(hi) & (lo > hi)
    if np.any(bad):
        warnings.warn(
            f"{landscape.name}: the lower bound exceeds the certified beta at alpha = "
            f"{al[bad].tolist()} (beta_lo {lo[bad].tolist()} > beta_hi {hi[bad].tolist()}, "
            f"{method}); the evaluation error bound or a certificate is wrong there",
            RuntimeWarning, stacklevel=2)
    refuted = np.array([v == REFUTED for v in verdicts])
    certified = np.isfinite(hi)
    a_lo = max([float(region.alpha_min)] + [float(a) for a in al[refuted]])
    info = {
        "rtol": rtol,
        "calls": calls,
        "seconds": time.perf_counter() - t0,
        "alpha_min": [a_lo, float(al[certified][0]) if certified.any() else None],
        "points": int(len(pts)),
        "counterexamples": int(sum(len(c) for c in cex)),
        "inconsistent": al[bad].tolist(),
        "beta_lo": "sampled region, rounding-safe (evaluation error bound), raised by "
                   "refutations and diagonal monotonicity",
        "beta_hi": f"least beta certified by {method} (bisection)",
    }
    return FrontierBracket(al, lo, hi, tuple(verdicts), method, box.to_json(), info)


def _carry_lower(landscape, al, lo, cex) -> np.ndarray:
    """Raise the lower bounds by every counterexample (each bounds β_min at every α) and carry
    each bound to smaller α along the diagonal (``β_min(α) ≥ β_min(α') − (α' − α)``)."""
    lo = lo.copy()
    if cex:
        lo = np.maximum(lo, np.minimum(rounding_safe_beta_lo(landscape, np.concatenate(cex), al),
                                       al))
    for k in range(al.size - 2, -1, -1):
        lo[k] = max(lo[k], lo[k + 1] - (al[k + 1] - al[k]))
    return lo


@checked(region=_region_kind, num=lambda v, n, c: as_int(v, n, low=1, high=1_000_000),
         alpha_max=_positive_kind)
def bracket_alphas(region, num: int = 16, *, alpha_max=None) -> np.ndarray:
    """``num`` geometrically spaced α from just above the sampled α_min to
    ``region.default_alpha_max()`` (twice the paper's α where it gives one), with the paper's α."""
    a0 = region.alpha_min
    if not np.isfinite(a0):
        raise ValueError("region is empty: no alpha admits a beta")
    hi = region.default_alpha_max() if alpha_max is None else alpha_max
    top = np.finfo(np.float64).max
    lo = min(max(a0 * (1.0 + 1e-3), 1e-9), top / 1.01)
    with np.errstate(over="ignore"):  # ends near the float64 limit: numpy's power overflows
        hi = min(max(hi, lo * 1.01), top)
        al = np.minimum(np.geomspace(lo, hi, num), hi)
    claim = region.paper_claim or {}
    if claim.get("alpha") is not None:
        al = np.r_[al, float(claim["alpha"])]
    return np.unique(al)
