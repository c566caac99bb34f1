r"""Measured versus bound: every theorem of MATHEMATICS.md §6 against simulation.

- :func:`measure`: ``θ = min_{0≤k<K} E[f(x^k) − f*]`` by Monte Carlo over runs, with a band
  that holds simultaneously over k (see "The estimate and its band" below).
- :func:`check`: one theorem on one landscape: constants from the landscape (L from its certified
  smoothness bound over the domain, σ_int², σ_pos², D₀² = E dist(x⁰, S)² exactly over the drawn
  starting points), (α, β) from the certified side of the region (the pair that makes the
  theorem's bound smallest among pairs certified on the domain, see :func:`choose_certified_pair`)
  or given (then certified as given); the theorem's hypotheses checked before simulating (refusal
  with the reason) and after (no divergence, iterates stay in the domain where L and (α, β) hold,
  the α-β-condition holds at the visited iterates). ``hypotheses_ok`` is True only when the pair
  is *proved* on the domain, a box that then contains every iterate; where no rigorous method
  applies ``hypotheses`` says ``"on samples"`` and ``hypotheses_ok`` stays False.
- :func:`check_curve`: the measured rate and the bound over the horizon, from one simulation.

Re-exported here, so that ``theory.optim.compare`` stays the one entry point:

- :func:`step_settings` (from :mod:`theory.optim.settings`): the step sizes of each theorem.
- :func:`theorem1_step_inequality`, :func:`step_size_lemmas` (from :mod:`theory.optim.lemmas`):
  the per-step inequality of Theorem 1's proof and the step-size lemmas along trajectories.

The comparison grid (every theorem × landscape × step size) is a client of :func:`check` and
lives in :mod:`theory.optim.grid`.

Verdicts: ``holds`` is True when the band's **upper** end is at or below the bound (noise cannot
make a violated bound look held); ``within_ci`` is False when even the band's lower end is above
the bound (a violation beyond the noise: a finding to investigate, never to hide); in between the
check is inconclusive. ``vacuous`` is True when the bound is at or above the trivial bound
``E[f(x⁰) − f*]`` over the drawn starts — the k = 0 term of the very minimum the theorem bounds,
so such a bound is implied by the definition and confirms nothing (MATHEMATICS.md §6, last
paragraphs; the sup of f − f* over the start box and the max over the runs of f(x⁰) − f* are
larger, so a bound vacuous by them is vacuous here too).

The estimate and its band
-------------------------
With ``m_k``, ``s_k`` the mean of ``f(x^k) − f*`` over the R runs and its standard error, the
minimum of the means ``min_k m_k`` is biased low (it picks the step whose noise is most
negative; ~15 % on example6 at 200 runs). ``measured`` is cross-fitted instead: the runs are
split in two independent halves A (even-numbered) and B (odd-numbered); ``k_A`` minimises A's
means and ``k_B`` B's, and ``measured = (m^B_{k_A} + m^A_{k_B}) / 2``. Given the choices, each
term is an unbiased estimate of ``E[f(x^{k_A}) − f*] ≥ θ``, so the estimate is not biased low;
it is then moved into the band when it falls outside (which can only bring it nearer to θ when
the band covers θ).

The band ``[lo, hi]`` has coverage at least ``level`` for θ (normal approximation of each m_k):

- ``hi = min_k (m_k + z_{1−a/(2K)} s_k)`` (a = 1 − level). θ > hi needs some k with
  ``E_k > m_k + z s_k``; by Bonferroni over the K steps that has probability at most a/2. This
  is the end ``holds`` reads.
- ``lo = min_k (m_k − z_{1−a/2} s_k)`` (and at least 0, since f ≥ f*). θ < lo needs
  ``E_{k*} < m_{k*} − z s_{k*}`` at the step k* that attains θ: one step, probability at most
  a/2.

``tests/test_compare.py`` checks the coverage against the truth from 2·10⁵ runs over 100 seeds
(``make test-slow``).
"""

from __future__ import annotations

import math
import warnings
import weakref
from dataclasses import asdict, dataclass, field
from statistics import NormalDist
from typing import NamedTuple

import numpy as np

from toylands._checked import checked
from toylands._memo import keep_last, memo_for, points_key
from toylands._validate import as_finite_array, as_finite_float, as_int

from ..region import _region_kind
from . import bounds as B
from . import optimizers as O
from .lemmas import step_size_lemmas, theorem1_step_inequality
from .settings import _bound, _grad0_max, _grad0_min, _theorem_key, nonnegative, step_settings
from .simulate import Simulation, initial_points, simulate

__all__ = [
    "Comparison",
    "Measurement",
    "BAND",
    "ASSUMED_USER_L",
    "measure",
    "verdict",
    "nonnegative",
    "condition_rows",
    "choose_pair",
    "choose_certified_pair",
    "PairChoice",
    "PAPER_PAIRS",
    "step_settings",
    "check",
    "RateCurve",
    "check_curve",
    "rate_horizons",
    "default_start_box",
    "theorem1_step_inequality",
    "step_size_lemmas",
]

BAND = ("simultaneous over k: hi = min_k(m_k + z_{1-a/(2K)} s_k) (Bonferroni), "
        "lo = min_k(m_k - z_{1-a/2} s_k); measured cross-fitted on two halves of the runs")
# ``hypotheses_ok`` when every checked hypothesis holds and L is the user's own, uncertified one.
ASSUMED_USER_L = "assumed (user-supplied L)"

# Pairs of the paper that MATHEMATICS.md §4 lists as holding on each landscape's default domain (the
# fallback when the region module cannot be used). Source: MATHEMATICS.md §4.1–4.4 check values.
PAPER_PAIRS = {
    "example1": (10.0, 8.0),
    "example2": (8.0 / 9.0943e-7, 8.0 / 9.0943e-7 - 8.0),
    "example3": (1513.0, 1512.0),
    "example6": (41.37, 40.37),
}
# what check records beyond the minimum (MATHEMATICS.md §6: D² for Theorem 5, G² for Theorem 7)
_RECORD = {"5": ("domain", "anchor"), "C1": ("domain", "anchor"), "7": ("domain", "grad")}
_REGION_THEOREM = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "C1": 5, "6": 6, "7": 7}
_NEEDS_GAP_ONE = ("3", "6", "C1")


@dataclass
class Comparison:
    """One theorem against one simulation (the JSON of ``toylands check``)."""

    theorem: str
    landscape: str
    optimizer: str
    params: dict
    alpha: float | None
    beta: float | None
    L: float | None
    L_certified: bool | None
    steps: int
    runs: int
    D0_sq: float | None
    sigma_int2: float
    sigma_pos2: float
    measured: float | None = None
    ci: tuple | None = None
    measured_avg: float | None = None
    min_of_means: float | None = None
    bound: float | None = None
    bound_terms: dict = field(default_factory=dict)
    holds: bool | None = None
    within_ci: bool | None = None
    ratio: float | None = None
    trivial_bound: float | None = None
    vacuous: bool | None = None
    bound_over_trivial: float | None = None
    polyak_active_fraction: float | None = None
    hypotheses_ok: bool | str = False  # or ASSUMED_USER_L
    reason: str = ""
    pair_source: str = ""
    # The pair's certificate on the domain: verdict ("proved" / "holds_on_samples" / "refuted" /
    # "inconclusive"), method, box; and the overall status of the hypotheses: "proved" (what
    # hypotheses_ok = True means), ASSUMED_USER_L (proved pair, the user's uncertified L),
    # "on samples" (every check passed but the pair holds on samples only: no rigorous method
    # applies; hypotheses_ok is False), "failed" or "refused".
    pair_verdict: str | None = None
    pair_method: str | None = None
    pair_domain: dict | None = None
    hypotheses: str = "refused"
    n_diverged: int = 0
    n_left_domain: int = 0
    visited_min_slack: float | None = None
    seed: int | None = None

    def to_json(self) -> dict:
        out = asdict(self)
        out["ci"] = None if self.ci is None else [float(v) for v in self.ci]
        p = self.params
        if self.optimizer == "sps-max":
            out["c"], out["gamma_b"] = p.get("c"), p.get("gamma_b")
            out["gamma"] = None
        else:
            out["gamma"] = p.get("gamma", p.get("gamma0", p.get("gamma_b")))
        for k, v in out.items():
            if isinstance(v, float) and not math.isfinite(v):
                out[k] = None
        return out


# ---- measurement --------------------------------------------------------------------------------
class _Measured(NamedTuple):
    measured: float
    ci: tuple
    average: float
    k: int


class Measurement(_Measured):
    """What :func:`measure` returns: the estimate of ``θ = min_{k<K} E[f(x^k) − f*]``, its band
    (simultaneous over k), the average over k and the step minimising the means; it unpacks as
    ``measured, ci, average, k``. ``min_of_means`` (an attribute) is the biased-low minimum of
    the means, kept for comparison."""

    min_of_means: float = float("nan")


def _z(p: float) -> float:
    return NormalDist().inv_cdf(p)


def measure(sim, level: float = 0.95, *, K: int | None = None) -> Measurement:
    r"""``θ = min_{0≤k<K} E[f(x^k) − f*]`` over live runs: the cross-fitted estimate and its band.

    See the module docstring ("The estimate and its band"). ``K`` defaults to the simulation's
    steps; a smaller ``K`` measures the prefix ``x⁰ … x^{K−1}``. ``average`` is
    ``(1/K) Σ_{k<K} E[f(x^k) − f*]`` (what the proofs actually bound; ≥ θ). With fewer than two
    live runs in a half, ``measured`` falls back to the minimum of the means. Steps after every
    run diverged have no live run and are left out (step 0 always counts), so the results are
    finite. ``level`` in (0, 1).
    """
    if not isinstance(sim, Simulation):
        raise TypeError(f"sim must be a Simulation (theory.simulate), got {type(sim).__name__}")
    level = as_finite_float(level, "level", low=0.0, high=1.0, low_open=True, high_open=True)
    K = sim.steps if K is None else as_int(K, "K")
    if K < 1 or K > sim.steps:
        raise ValueError(f"K must lie in [1, {sim.steps}] (the simulation's steps), got {K}")
    a = 1.0 - level
    # Steps after every run diverged have no live run (no mean): left out, step 0 always counts.
    live = np.flatnonzero(sim.n_live[:K] > 0)
    m = sim.gap_mean[live]
    se = np.sqrt(np.maximum(sim.gap_var[live], 0.0) / sim.n_live[live])
    j = int(np.argmin(m))
    k = int(live[j])
    lo = max(float(np.min(m - _z(1.0 - a / 2) * se)), 0.0)  # θ ≥ 0: f ≥ f*
    hi = float(np.min(m + _z(1.0 - a / (2 * K)) * se))
    A, Bh = sim.gap_half_mean[0, live], sim.gap_half_mean[1, live]
    if np.all(sim.n_half_live[:, live] >= 1) and np.all(np.isfinite(A)) and np.all(np.isfinite(Bh)):
        est = 0.5 * (float(Bh[np.argmin(A)]) + float(A[np.argmin(Bh)]))
    else:
        est = float(m[j])
    est = min(max(est, lo), hi)  # into the band: nearer to θ whenever the band covers it
    out = Measurement(est, (lo, hi), float(m.mean()), k)
    out.min_of_means = float(m[j])
    return out


def _band(value, name, ctx):
    return tuple(float(v) for v in as_finite_array(value, name, shape=(2,)))


@checked(measured="real", ci=_band, bound="real", trivial="real")
def verdict(measured: float, ci, bound: float, trivial: float) -> dict:
    r"""``holds``, ``within_ci``, ``ratio``, ``vacuous``, ``bound_over_trivial`` of a check (see
    the module docstring): ``holds`` needs the band's upper end ``ci[1] ≤ bound``;
    ``within_ci`` is False only when its lower end is above the bound; ``vacuous`` when
    ``bound ≥ trivial``. ``ratio`` is +inf where ``bound ≤ 0`` and ``bound_over_trivial`` where
    ``trivial ≤ 0`` (every start a minimizer).

    >>> v = verdict(0.5, (0.4, 0.7), 0.6, 2.0)
    >>> v["holds"], v["within_ci"], v["vacuous"]
    (False, True, False)
    """
    return {
        "ratio": measured / bound if bound > 0 else math.inf,
        "holds": bool(ci[1] <= bound),
        "within_ci": bool(ci[0] <= bound),
        "vacuous": bool(bound >= trivial),
        "bound_over_trivial": bound / trivial if trivial > 0 else math.inf,
    }


# ---- the α-β rows and the choice of (α, β) ------------------------------------------------------
@checked()
def condition_rows(landscape, x):
    r"""Rows ``(a, b, c, mask)`` of the α-β-condition at points ``x (N, dim)`` (MATHEMATICS.md §2):
    ``a = <∇f_i(x), x − x_p>``, ``b = f_i(x) − f_i(x_p)``, ``c = (f_i(x) − f_i*)_+`` for every
    nearest point x_p (``mask`` marks the tied nearest ones); shapes ``(N, m, n)``, ``(N, m)``.

    Uses :func:`theory.conditions.alpha_beta_rows` (one JVP per candidate) where importable.
    """
    x = np.asarray(x, dtype=np.float64)
    try:
        from ..conditions import alpha_beta_rows
    except ImportError:  # pragma: no cover - the module is part of the package
        alpha_beta_rows = None
    if alpha_beta_rows is not None:
        rows = alpha_beta_rows(landscape, x)
        return rows.a, rows.b, rows.c, rows.mask
    pts, mask = landscape.minimizers.candidates(x)
    xb = np.broadcast_to(x[:, None, :], pts.shape)
    a = landscape.directional(xb, xb - pts)
    fx = landscape.losses(x)[:, None, :]
    b = fx - landscape.losses(pts)
    c = np.maximum(fx - landscape.f_i_star, 0.0)
    c = np.broadcast_to(c, a.shape)
    return a, b, c, mask


def _min_slack(landscape, x, alpha, beta):
    """``min_x max_p min_i T_i`` (the condition's worst slack) over points x, scaled per row."""
    a, b, c, mask = condition_rows(landscape, x)
    T = a - alpha * b + beta * c
    scale = np.maximum(np.maximum(np.abs(a), alpha * np.abs(b)), beta * c)
    T = T / np.where(scale > 0, scale, 1.0)
    per_p = np.where(mask, T.min(axis=-1), -np.inf)
    return float(per_p.max(axis=-1).min())


# The sampled region of a check's default points (2000 seeded points and the starts) is the same
# for every theorem checked on a landscape with the same starts; a Region is immutable, so the
# last few are remembered per landscape (weakly), keyed by the points' bytes.
_REGIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_MAX_REGIONS = 4


def _region(landscape, x):
    from ..region import Region

    x = np.ascontiguousarray(x, dtype=np.float64)
    memo = memo_for(_REGIONS, landscape)
    key = points_key(x)
    if memo is not None and key in memo:
        return memo[key]
    region = Region.from_arrays(*condition_rows(landscape, x))
    return region if memo is None else keep_last(memo, key, region, _MAX_REGIONS)


def _overrides(value, name, ctx):
    if not isinstance(value, dict):
        raise TypeError(f"{name} must be a dict of step parameters, got {type(value).__name__}")
    return {k: as_finite_float(v, f"{name}[{k!r}]") for k, v in value.items()}


def _runs(value, name, ctx):
    from .simulate import _runs as runs

    return runs(value, name, ctx)


class PairChoice(NamedTuple):
    """A recommended (α, β) with its certificate on ``domain`` (see
    :func:`choose_certified_pair`)."""

    alpha: float
    beta: float
    source: str
    verdict: str
    method: str
    domain: dict | None


def _candidates(landscape, theorem, L, x0, steps, *, scale, points, margin, gap_max, overrides,
                region):
    """Candidate pairs of the sampled region with their bound, best first:
    ``(alpha, beta, beta_min, bound, region)`` (see :func:`choose_pair`)."""
    t = _theorem_key(theorem)
    overrides = overrides or {}
    D0 = float(np.mean(landscape.distance(x0) ** 2))
    Dmax = float(np.max(landscape.distance(x0) ** 2))
    g0min, g0max = (_grad0_min(landscape, x0), _grad0_max(landscape, x0)) if t == "7" else (1, 1)
    if points is None:
        rng = np.random.default_rng(2024)
        points = np.concatenate([landscape.domain.sample(rng, 2000), x0])
    region = _region(landscape, points) if region is None else region
    a0 = region.alpha_min
    if not math.isfinite(a0):
        raise ValueError("empty region on the sampled points")
    fp = region.frontier_points(alpha_max=max(a0, 1.0) * 1e9, num=240)
    al = np.r_[fp[:, 0], np.nextafter(fp[:, 0], np.inf)]
    bm = region.beta_min(al)
    ok = np.isfinite(bm) & (bm < al)
    al, bm = al[ok], bm[ok]
    be = np.maximum(bm + margin * (al - bm), al - gap_max)
    resolved = al - be > 1e-9 * al  # the gap must survive rounding at large α
    al, bm, be = al[resolved], bm[resolved], be[resolved]
    if t in _NEEDS_GAP_ONE:
        keep = al - bm >= 1.0
        al, bm, be = al[keep], bm[keep], np.minimum(be[keep], al[keep] - 1.0)
    if al.size == 0:
        raise ValueError("no feasible (alpha, beta) with the theorem's gap on the sampled points")

    def bound(a, b):
        _, params = step_settings(t, a, b, L, scale, D0_sq=D0, **overrides)
        return _bound(t, landscape, a, b, L, params, steps, D0_sq=D0, D_sq=Dmax, G_sq=g0max,
                      grad0_min=g0min).value

    out, at, err = [], [], None

    def evaluate(idx):
        nonlocal err
        for j in idx:
            try:
                out.append((float(al[j]), float(be[j]), float(bm[j]), bound(al[j], be[j])))
                at.append(j)
            except B.HypothesisError as exc:
                err = exc

    if al.size <= _MAX_CANDIDATES:
        evaluate(range(al.size))
    else:  # along the frontier (α increasing): a coarse pass, then around its best candidates
        order = np.argsort(al, kind="stable")
        al, bm, be = al[order], bm[order], be[order]
        coarse = np.unique(np.linspace(0, al.size - 1, _MAX_CANDIDATES).round().astype(int))
        evaluate(coarse)
        seen = set(coarse.tolist())
        for r in sorted(range(len(out)), key=lambda r: out[r][3])[:_REFINE_AROUND]:
            k = int(np.searchsorted(coarse, at[r]))
            lo, hi = coarse[max(k - 1, 0)], coarse[min(k + 1, coarse.size - 1)]
            evaluate([q for q in range(lo, hi + 1) if q not in seen])
            seen.update(range(lo, hi + 1))
    if not out:
        if err is not None:
            raise err
        raise ValueError("no (alpha, beta) on the frontier satisfies the theorem's hypotheses")
    out.sort(key=lambda c: c[3])
    return out, bound, region


# A sampled frontier in 10 dimensions has tens of thousands of vertices, and each bound costs
# a fraction of a millisecond: beyond _MAX_CANDIDATES the bound is evaluated on that many
# candidates evenly spaced along the frontier, then on every candidate between the neighbours
# of the _REFINE_AROUND best of those (the bound varies smoothly along the frontier).
_MAX_CANDIDATES = 1024
_REFINE_AROUND = 8


@checked(points="points", region=_region_kind, overrides=_overrides)
def choose_certified_pair(landscape, theorem, L, x0, steps, *, scale=1.0, points=None,
                          margin=1e-3, gap_max=2.0, overrides=None, region=None,
                          candidates=3) -> PairChoice:
    r"""The (α, β) that makes the theorem's whole bound smallest among pairs **certified on the
    landscape's domain** (MATHEMATICS.md §2: a sampled region is an outer bound, its pairs may
    fail).

    The candidates are those of :func:`choose_pair`'s sampled region (best bound first). For the
    best ``candidates`` distinct α, ``theory.certification.certified_beta`` tries the candidate
    β first and, if it is not certified, raises β by bisection until it is (capped at ``α − 1``
    where the theorem needs ``α ≥ β + 1``); the bound is re-evaluated at the certified pair and
    the smallest wins. The method is the rigorous one where it applies (``proved``); elsewhere
    the ``sample`` method (``holds_on_samples``: adversarial search costs seconds a call in 16-22
    dimensions, which a check cannot afford). Raises ``ValueError`` when no candidate is
    certified.
    """
    from ..certification.frontier import certified_beta, rigorous_method

    t = _theorem_key(theorem)
    cands, bound, region = _candidates(landscape, t, L, x0, steps, scale=scale, points=points,
                                       margin=margin, gap_max=gap_max, overrides=overrides,
                                       region=region)
    method = rigorous_method(landscape) or "sample"
    box = landscape.domain
    best, tried, last = None, [], None
    for a, b, m, _ in cands:
        if len(tried) >= candidates:
            break
        if any(abs(a - u) <= 1e-6 * u for u in tried):
            continue
        tried.append(a)
        cap = a - 1.0 if t in _NEEDS_GAP_ONE else None
        res = certified_beta(landscape, a, beta_lo=m, first=b, refine=False, beta_max=cap,
                             domain=box, method=method, max_calls=12)
        last = res
        if not np.isfinite(res.beta):
            continue
        try:
            v = bound(a, res.beta)
        except B.HypothesisError:
            continue
        if best is None or v < best[0]:
            best = (v, a, float(res.beta), res.verdict)
    if best is None:
        why = "" if last is None else f" (last: {last.verdict} at alpha = {last.alpha:.6g})"
        raise ValueError(f"no candidate pair is certified on the domain by {method}{why}")
    src = (f"best of {len(tried)} candidates of the sampled region over {region.n_points} points "
           f"(margin {margin:g}, gap <= {gap_max:g}), certified on the domain by {method}, "
           "whole bound minimised")
    return PairChoice(best[1], best[2], src, best[3], method, box.to_json())


@checked(points="points", region=_region_kind, overrides=_overrides)
def choose_pair(landscape, theorem, L, x0, steps, *, scale=1.0, points=None, margin=1e-3,
                gap_max=2.0, overrides=None, region=None):
    r"""The (α, β) that makes the theorem's whole bound smallest: ``(alpha, beta, source)``.

    The region is the sampled region (an outer bound: it contains the true region) over
    ``points`` (default: 2000 seeded points of the domain plus ``x0``), from
    :mod:`theory.region`. For each α of a grid (the frontier's vertices and 240 geometric
    points from α_min to 10⁹·max(α_min, 1)) the candidate β is ``β_min(α) + margin·(α −
    β_min(α))``, raised to ``α − gap_max`` when the gap is larger (β may always be raised: the
    set {β ≥ β_min} is feasible), and capped at α − 1 where the theorem needs α ≥ β + 1. The
    theorem's whole bound is evaluated with :func:`step_settings` at ``scale``; the pair returned
    is then taken from the certified side by :func:`choose_certified_pair` (certified on the
    landscape's domain), whose certificate it carries in ``source``.

    Why ``gap_max`` (default 2): the bounds keep improving as α − β grows (a larger gap admits a
    larger step, e.g. γ ≤ (α − β)/(2L) for SGD), so without a cap the "best" pair sends the step
    far beyond 1/L and the iterates out of the domain where (α, β) and L hold. With the cap the
    SGD step is at most 1/L.

    ``region``: a ready :class:`theory.region.Region` (e.g. from
    ``theory.certification.region_map``, adversarially refined) to use instead of sampling.

    Falls back to :data:`PAPER_PAIRS` when the region module cannot be imported.
    """
    try:
        pc = choose_certified_pair(landscape, theorem, L, x0, steps, scale=scale, points=points,
                                   margin=margin, gap_max=gap_max, overrides=overrides,
                                   region=region)
    except ImportError:
        if landscape.name in PAPER_PAIRS:
            a, b = PAPER_PAIRS[landscape.name]
            return a, b, "paper pair (MATHEMATICS.md §4 check values; region module unavailable)"
        raise
    return pc.alpha, pc.beta, f"{pc.source}: {pc.verdict}"


# ---- one check ----------------------------------------------------------------------------------
@checked(runs=_runs, region=_region_kind)
def _check_sim(landscape, theorem, *, alpha=None, beta=None, scale=1.0, gamma=None, c=None,
               gamma_b=None, b0=None, runs=200, steps=1000, seed=0, x0_box=None, level=0.95,
               require_certified_L=False, refine=True, quiet=True, region=None):
    """``check``, and the simulation with what its bound needs (None if nothing was simulated)."""
    t = _theorem_key(theorem)
    opt_name = B.THEOREMS[t][1]
    rng = np.random.default_rng(seed)
    box = default_start_box(landscape) if x0_box is None else x0_box
    x0 = initial_points(landscape, runs, rng, box)
    D0 = float(np.mean(landscape.distance(x0) ** 2))
    sm = landscape.smoothness()
    L = float(sm.L)
    base = Comparison(t, landscape.name, opt_name, {}, alpha, beta, L, bool(sm.certified),
                      int(steps), int(runs), D0, landscape.sigma_int2, landscape.sigma_pos2,
                      seed=seed)
    # The theorems assume every f_i is L-smooth: without a certified L (or with non-smooth f_i,
    # e.g. ReLU) the run is still measured, but hypotheses_ok stays False and reason says why.
    unverified = []
    if not landscape.smooth:
        unverified.append("the f_i are not smooth, so the L-smoothness hypothesis fails")
    user_L = bool(getattr(sm, "user_supplied", False)) and not sm.certified
    if not sm.certified:
        if require_certified_L:
            base.reason = f"L = {L:g} is not certified ({sm.method})"
            return base, None
        warnings.warn(f"{landscape.name}: L = {L:g} is not certified ({sm.method})", stacklevel=3)
        if not user_L:
            unverified.append("L not certified")
    if not box_inside(box, landscape.domain):
        base.reason = "the starting box must lie inside the landscape's domain (where L holds)"
        return base, None
    ov = {k: v for k, v in dict(gamma=gamma, c=c, gamma_b=gamma_b, b0=b0).items() if v is not None}
    extra_pts = None
    for attempt in range(2 if refine else 1):
        pair = None
        if alpha is None or beta is None:
            try:
                pair = choose_certified_pair(landscape, t, L, x0, steps, scale=scale,
                                             points=extra_pts, overrides=ov,
                                             region=region if attempt == 0 else None)
                a, b, src = pair.alpha, pair.beta, pair.source
            except ImportError:
                if landscape.name not in PAPER_PAIRS:
                    raise
                a, b = PAPER_PAIRS[landscape.name]
                src = "paper pair (MATHEMATICS.md §4 check values; region module unavailable)"
            except B.HypothesisError as exc:
                base.reason = str(exc)
                return base, None
            except ValueError as exc:
                base.reason = f"no admissible (alpha, beta): {exc}"
                return base, None
        else:
            a, b, src = float(alpha), float(beta), "given"
        base.alpha, base.beta, base.pair_source = a, b, src
        try:  # hypotheses known before simulating (D², G² provisional)
            name, params = step_settings(t, a, b, L, scale, D0_sq=D0, **ov)
            base.optimizer, base.params = name, params
            g0min = _grad0_min(landscape, x0) if t == "7" else 1.0
            _bound(t, landscape, a, b, L, params, steps, D0_sq=D0, D_sq=D0, G_sq=g0min,
                   grad0_min=g0min)
        except B.HypothesisError as exc:
            base.reason = str(exc)
            return base, None
        if pair is None:  # a given (or fallback) pair is certified as it is
            pair = _certify_given(landscape, a, b, src)
        base.pair_verdict, base.pair_method = pair.verdict, pair.method
        base.pair_domain = pair.domain
        opt = O.make(name, **params)
        sim = simulate(landscape, opt, x0, steps=steps, rng=np.random.default_rng([seed, 1]),
                       quiet=quiet, keep_x=16, dist_every=max(1, steps),
                       record=_RECORD.get(t, ("domain",)))
        visited = sim.history_x.reshape(-1, landscape.dim)
        if visited.shape[0] > 2000:  # a seeded subsample keeps the check's cost bounded
            pick = np.random.default_rng(7).choice(visited.shape[0], 2000, replace=False)
            visited = visited[np.sort(pick)]
        slack = _min_slack(landscape, visited, a, b)
        if slack < -1e-9 and refine and attempt == 0 and (alpha is None or beta is None):
            rng2 = np.random.default_rng(2024)
            extra_pts = np.concatenate([landscape.domain.sample(rng2, 2000), x0, visited])
            continue
        break
    base.visited_min_slack = slack
    ctx = {"sim": sim, "theorem": t, "L": L, "params": params, "D0_sq": D0, "grad0_min": g0min}
    meas = measure(sim, level)
    m, ci = meas.measured, meas.ci
    base.measured, base.ci, base.measured_avg = m, ci, meas.average
    base.min_of_means = meas.min_of_means
    base.polyak_active_fraction = sim.polyak_active_fraction()
    base.trivial_bound = float(sim.gap_mean[0])  # E[f(x⁰) − f*]: the k = 0 term of the min
    base.n_diverged = sim.n_diverged
    base.n_left_domain = int(np.count_nonzero(sim.left_domain))
    # an upper bound on max_k dist(x^k, S)² (valid for Theorem 5: any larger D² is admissible)
    D_sq = float(sim.max_anchor_dist2_by_step[-1]) if t in ("5", "C1") else D0
    G_sq = float(sim.max_grad_sq_by_step[-1]) if t == "7" else 1.0
    try:
        bd = _bound(t, landscape, a, b, L, params, steps, D0_sq=D0, D_sq=D_sq, G_sq=G_sq,
                    grad0_min=g0min)
    except B.HypothesisError as exc:
        base.reason = str(exc)
        return base, ctx
    base.bound, base.bound_terms = bd.value, dict(bd.terms)
    for k, v in verdict(m, ci, bd.value, base.trivial_bound).items():
        setattr(base, k, v)
    fails = []
    if sim.n_diverged:
        fails.append(f"{sim.n_diverged} runs diverged")
    if base.n_left_domain:
        fails.append(f"{base.n_left_domain} runs left the domain where L and (alpha, beta) hold")
    fails += _pair_fails(base, landscape)
    if slack < -1e-9:
        fails.append(f"the alpha-beta-condition fails at a visited iterate (slack {slack:.3g})")
    fails += unverified
    proved = base.pair_verdict == "proved"
    assumed = (f"L = {L:g} supplied by the user (L not certified: the L-smoothness hypothesis is "
               "assumed, not verified)")
    if fails:
        base.hypotheses_ok, base.hypotheses = False, "failed"
        base.reason = "; ".join(fails)
    elif not proved:
        base.hypotheses_ok, base.hypotheses = False, "on samples"
        base.reason = (f"hypotheses hold on samples only: no rigorous method applies to "
                       f"{landscape.name}, (alpha, beta) holds on samples ({base.pair_method})"
                       + (f"; {assumed}" if user_L else ""))
    elif user_L:  # a user's L is taken as stated, and the report says so
        base.hypotheses_ok, base.hypotheses = ASSUMED_USER_L, ASSUMED_USER_L
        base.reason = (f"hypotheses hold, with {assumed}; (alpha, beta) proved by "
                       f"{base.pair_method} on the domain, which contains every iterate")
    else:
        base.hypotheses_ok, base.hypotheses = True, "proved"
        base.reason = (f"hypotheses hold; (alpha, beta) proved by {base.pair_method} on the "
                       "domain, which contains every iterate")
    return base, ctx


def _certify_given(landscape, alpha, beta, source) -> PairChoice:
    """A given pair's certificate on the landscape's domain (rigorous where a method applies)."""
    from ..certification.pairs import certify_pair

    cert = certify_pair(landscape, alpha, beta, domain=landscape.domain)
    return PairChoice(float(alpha), float(beta), source, cert.verdict, cert.method,
                      landscape.domain.to_json())


def _pair_fails(base, landscape) -> list:
    """The failures the pair's certificate on the domain implies (none if proved or on
    samples)."""
    v = base.pair_verdict
    if v in ("proved", "holds_on_samples"):
        return []
    if v == "refuted":
        return [f"the alpha-beta-condition fails on the domain ((alpha, beta) refuted by "
                f"{base.pair_method})"]
    return [f"(alpha, beta) is not certified on the domain ({base.pair_method}: {v})"]


@checked(runs=_runs, region=_region_kind)
def check(landscape, theorem, *, alpha=None, beta=None, scale=1.0, gamma=None, c=None,
          gamma_b=None, b0=None, runs=200, steps=1000, seed=0, x0_box=None, level=0.95,
          require_certified_L=False, refine=True, quiet=True, region=None) -> Comparison:
    r"""Check one theorem on one landscape by simulation; see the module docstring.

    Returns a :class:`Comparison`. When a hypothesis fails before simulating, ``hypotheses_ok``
    is False, ``reason`` names the hypothesis and nothing is measured. After simulating,
    divergence, leaving the domain, or the α-β-condition failing at a visited iterate make
    ``hypotheses_ok`` False (the numbers are still reported). With ``refine`` and (α, β) chosen
    here, a pair violated at visited iterates is re-chosen with those iterates added, once.
    ``region`` (optional) is passed to :func:`choose_pair` for the first choice. With an
    uncertified L that the user supplied (``from_functions(..., L=...)``) and every other
    hypothesis holding, ``hypotheses_ok`` is ``"assumed (user-supplied L)"`` and ``reason``
    says so, instead of False.
    """
    return _check_sim(landscape, theorem, alpha=alpha, beta=beta, scale=scale, gamma=gamma,
                      c=c, gamma_b=gamma_b, b0=b0, runs=runs, steps=steps, seed=seed,
                      x0_box=x0_box, level=level, require_certified_L=require_certified_L,
                      refine=refine, quiet=quiet, region=region)[0]


@dataclass(frozen=True)
class RateCurve:
    r"""``check`` at the horizon K and, from the same simulation, at every horizon ``K' ≤ K`` of
    ``K``: ``measured[j]``, the estimate of ``min_{k<K'_j} E[f(x^k) − f*]``, with its band
    ``(lo[j], hi[j])`` (simultaneous over k < K'_j) and the theorem's ``bound[j]`` at ``K'_j``
    (NaN where the theorem refuses that horizon). The trivial bound ``E[f(x⁰) − f*]`` is the
    same at every horizon: ``check.trivial_bound``. Empty arrays when ``check`` measured
    nothing."""

    check: Comparison
    K: np.ndarray
    measured: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    bound: np.ndarray


@checked(steps=lambda v, name, ctx: as_int(v, name, low=1),
         points=lambda v, name, ctx: as_int(v, name, low=1, high=10_000))
def rate_horizons(steps: int, points: int) -> np.ndarray:
    """``points`` horizons geometrically spaced from ``max(2, steps // 100)`` to ``steps``
    (integers, duplicates dropped).

    >>> rate_horizons(1000, 6).tolist()
    [10, 25, 63, 158, 398, 1000]
    """
    return np.unique(np.geomspace(max(2, int(steps) // 100), int(steps), int(points)).astype(int))


def _horizons(value, name, ctx):
    arr = as_finite_array(value, name, ndim=1)
    if np.any(arr != np.floor(arr)):
        raise ValueError(f"{name} must be whole step counts")
    return arr.astype(np.int64)


@checked(points=lambda v, name, ctx: as_int(v, name, low=1, high=10_000), horizons=_horizons)
def check_curve(landscape, theorem, *, horizons=None, points: int = 6, **check_kw) -> RateCurve:
    r"""The measured rate and the bound over the horizon, from ONE simulation of ``check``.

    The iterates of a run with ``K'`` steps are the first ``K'`` of the run with ``K`` steps
    (same seed, same step sizes), so ``min_{k<K'} E[f(x^k) − f*]`` and its interval are
    :func:`measure` on that prefix, and the bound at ``K'`` uses the prefix's constants (D² and
    G² as running maxima, ``Simulation.max_anchor_dist2_by_step``/``max_grad_sq_by_step``):
    the numbers equal those of ``check(..., steps=K', alpha=…, beta=…, refine=False)`` with the
    same pair and step sizes, without re-simulating. ``horizons`` (default
    ``rate_horizons(steps, points)``) must lie in ``[1, steps]``; ``check_kw`` go to :func:`check`.
    """
    level = check_kw.get("level", 0.95)
    top, ctx = _check_sim(landscape, theorem, **check_kw)
    empty = np.empty(0)
    if ctx is None or top.measured is None or top.bound is None:
        return RateCurve(top, np.empty(0, dtype=int), empty, empty, empty, empty)
    sim = ctx["sim"]
    K = sim.steps
    Ks = rate_horizons(K, points) if horizons is None else np.asarray(horizons, dtype=int)
    if Ks.size == 0 or Ks.min() < 1 or Ks.max() > K:
        raise ValueError(f"horizons must lie in [1, {K}]")
    m, lo, hi, bd = (np.empty(Ks.size) for _ in range(4))
    anchor, g2 = sim.max_anchor_dist2_by_step, sim.max_grad_sq_by_step
    for j, k in enumerate(Ks):
        mk = measure(sim, level, K=int(k))
        m[j], (lo[j], hi[j]) = mk.measured, mk.ci
        try:
            bd[j] = _bound(ctx["theorem"], landscape, top.alpha, top.beta, ctx["L"],
                           ctx["params"], int(k), D0_sq=ctx["D0_sq"],
                           D_sq=ctx["D0_sq"] if anchor is None else float(anchor[k]),
                           G_sq=1.0 if g2 is None else float(g2[k - 1]),
                           grad0_min=ctx["grad0_min"]).value
        except B.HypothesisError:
            bd[j] = np.nan
    return RateCurve(top, Ks, m, lo, hi, bd)


@checked()
def default_start_box(landscape):
    """The central quarter of the landscape's domain (same centre, a quarter of the width)."""
    from toylands import Box

    c, w = landscape.domain.center, landscape.domain.width / 8
    return Box(c - w, c + w)


def box_inside(inner, outer) -> bool:
    return bool(np.all(inner.lo >= outer.lo) and np.all(inner.hi <= outer.hi))
