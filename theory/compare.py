r"""Measured versus bound: every theorem of spec §6 against simulation (design.md "Bound").

- :func:`measure`: ``min_{0≤k<K} E[f(x^k) − f*]`` by Monte Carlo over runs, with a confidence
  interval (normal approximation per step k; the interval for the minimum over k is
  ``[min_k (m_k − z s_k), min_k (m_k + z s_k)]``, which contains ``min_k E`` whenever every
  per-step interval contains its mean).
- :func:`check`: one theorem on one landscape: constants from the landscape (L from its certified
  smoothness bound over the domain, σ_int², σ_pos², D₀² = E dist(x⁰, S)² exactly over the drawn
  starting points), (α, β) from the exact region over sampled points of the domain (the pair that
  makes the theorem's bound smallest, see :func:`choose_pair`) or given; the theorem's hypotheses
  checked before simulating (refusal with the reason) and after (no divergence, iterates stay in
  the domain where L and (α, β) hold, the α-β-condition holds at the visited iterates).
- :func:`theorem1_step_inequality`: the per-step inequality of Theorem 1's proof, exactly
  (E_k is the average over the n samples).
- :func:`step_size_lemmas`: the SPS_max, DecSPS and NGN step-size lemmas along trajectories.
- :func:`comparison_grid` / :func:`format_table`: every theorem × landscape × step size.

Where a measurement exceeds its bound beyond the confidence interval, ``within_ci`` is False:
that is a finding to investigate, never to hide.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass, field

import numpy as np

from . import bounds as B
from . import optimizers as O
from .simulate import initial_points, simulate

__all__ = [
    "Comparison",
    "measure",
    "condition_rows",
    "choose_pair",
    "PAPER_PAIRS",
    "step_settings",
    "check",
    "RateCurve",
    "check_curve",
    "rate_horizons",
    "default_start_box",
    "theorem1_step_inequality",
    "step_size_lemmas",
    "comparison_grid",
    "format_table",
    "GRID_LANDSCAPES",
    "GRID_THEOREMS",
]

Z95 = 1.959963984540054

# Pairs of the paper that spec §4 lists as holding on each landscape's default domain (the
# fallback when the region module cannot be used). Source: spec §4.1–4.4 check values.
PAPER_PAIRS = {
    "example1": (10.0, 8.0),
    "example2": (8.0 / 9.0943e-7, 8.0 / 9.0943e-7 - 8.0),
    "example3": (1513.0, 1512.0),
    "example6": (41.37, 40.37),
}

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
_REGION_THEOREM = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "C1": 5, "6": 6, "7": 7}
_NEEDS_GAP_ONE = ("3", "6", "C1")


def _theorem_key(theorem) -> str:
    t = str(theorem).strip().upper().replace("COROLLARY", "C").replace("COR", "C")
    if t not in B.THEOREMS:
        raise ValueError(f"unknown theorem {theorem!r}; known: {', '.join(B.THEOREMS)}")
    return t


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
    bound: float | None = None
    bound_terms: dict = field(default_factory=dict)
    holds: bool | None = None
    within_ci: bool | None = None
    ratio: float | None = None
    hypotheses_ok: bool = False
    reason: str = ""
    pair_source: str = ""
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
def measure(sim, level: float = 0.95, *, K: int | None = None):
    r"""``(measured, (lo, hi), average, k*)`` for ``min_{0≤k<K} E[f(x^k) − f*]`` over live runs.

    ``K`` defaults to the simulation's steps; a smaller ``K`` measures the prefix ``x⁰ … x^{K−1}``.

    ``average`` is ``(1/K) Σ_{k<K} E[f(x^k) − f*]`` (what the proofs actually bound; it is ≥ the
    minimum). Only ``level = 0.95`` or a value in (0, 1) via the normal quantile.
    """
    from scipy.stats import norm

    K = sim.steps if K is None else int(K)
    if K < 1 or K > sim.steps:
        raise ValueError("need at least one step")
    z = Z95 if level == 0.95 else float(norm.ppf(0.5 + level / 2))
    m = sim.gap_mean[:K]
    se = np.sqrt(np.maximum(sim.gap_var[:K], 0.0) / np.maximum(sim.n_live[:K], 1))
    k = int(np.argmin(m))
    return float(m[k]), (float(np.min(m - z * se)), float(np.min(m + z * se))), float(m.mean()), k


# ---- the α-β rows and the choice of (α, β) ------------------------------------------------------
def condition_rows(landscape, x):
    r"""Rows ``(a, b, c, mask)`` of the α-β-condition at points ``x (N, dim)`` (spec §2):
    ``a = <∇f_i(x), x − x_p>``, ``b = f_i(x) − f_i(x_p)``, ``c = (f_i(x) − f_i*)_+`` for every
    nearest point x_p (``mask`` marks the tied nearest ones); shapes ``(N, m, n)``, ``(N, m)``.

    Uses :func:`theory.conditions.alpha_beta_rows` (one JVP per candidate) where importable.
    """
    x = np.asarray(x, dtype=np.float64)
    try:
        from .conditions import alpha_beta_rows
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


def _region(landscape, x):
    from .region import Region

    a, b, c, mask = condition_rows(landscape, x)
    return Region.from_arrays(a, b, c, mask)


def step_settings(theorem, alpha, beta, L, scale=1.0, *, D0_sq=1.0, gamma=None, c=None,
                  gamma_b=None, b0=None):
    r"""Optimizer parameters for a theorem at step scale ``scale`` (1 = the largest allowed).

    - Theorems 1, 4: ``γ = scale·(α − β)/(2L)``;
    - Theorem 2: ``c = 1/(α − β)`` (twice the minimum 1/(2(α − β))), ``γ_b = scale/(2cL)``;
    - Theorem 5: ``c_k = c_0√(k+1)`` with ``c_0 = 1/(α − β)`` (the minimum), ``γ_b = scale/(2c_0L)``
      (``scale = 1`` gives ``L̃ = L``); Corollary 1: ``c_0 = 1``, ``γ_b = scale/(2L)``;
    - Theorems 3, 6 (NGN, any γ > 0): ``γ = scale/L``;
    - Theorem 7: ``γ = scale·√D₀²`` and ``b_{−1} = 2Lγ/(α − β)`` (the minimum).

    Explicit ``gamma``, ``c``, ``gamma_b``, ``b0`` override. Returns ``(optimizer name, params)``.
    """
    t = _theorem_key(theorem)
    gap = alpha - beta
    if t in ("1", "4"):
        g = scale * gap / (2 * L) if gamma is None else gamma
        return ("sgd", {"gamma": g}) if t == "1" else ("sgd-dec", {"gamma0": g})
    if t == "2":
        cc = 1.0 / gap if c is None else c
        return "sps-max", {"c": cc, "gamma_b": scale / (2 * cc * L) if gamma_b is None else gamma_b}
    if t in ("5", "C1"):
        c0 = (1.0 / gap if t == "5" else 1.0) if c is None else c
        gb = scale / (2 * c0 * L) if gamma_b is None else gamma_b
        return "dec-sps", {"gamma_b": gb, "c_scale": c0}
    if t in ("3", "6"):
        g = scale / L if gamma is None else gamma
        return ("ngn" if t == "3" else "ngn-dec"), {"gamma": g}
    g = scale * math.sqrt(D0_sq) if gamma is None else gamma
    g = g if g > 0 else 1.0
    return "adagrad-norm-max", {"gamma": g, "b0": 2 * L * g / gap if b0 is None else b0}


def _bound(t, landscape, alpha, beta, L, params, K, *, D0_sq, D_sq, G_sq, grad0_min):
    s, p = landscape.sigma_int2, landscape.sigma_pos2
    fn = B.THEOREMS[t][0]
    common = dict(alpha=alpha, beta=beta, L=L, K=K, sigma_int2=s)
    if t == "1":
        return fn(**common, gamma=params["gamma"], D0_sq=D0_sq)
    if t == "4":
        return fn(**common, gamma0=params["gamma0"], D0_sq=D0_sq)
    if t == "2":
        return fn(**common, c=params["c"], gamma_b=params["gamma_b"], D0_sq=D0_sq)
    if t == "5":
        ck = O.c_sqrt(np.arange(K), params["c_scale"])
        return fn(**common, c_k=ck, gamma_b=params["gamma_b"], D_sq=D_sq)
    if t == "C1":
        if params["c_scale"] != 1.0:
            raise B.HypothesisError("Corollary 1", "c_k = sqrt(k+1) (c_scale = 1)")
        return fn(**common, gamma_b=params["gamma_b"], D_sq=D_sq)
    if t in ("3", "6"):
        return fn(**common, gamma=params["gamma"], D0_sq=D0_sq, sigma_pos2=p,
                  positive=bool(landscape.positive))
    return fn(**common, gamma=params["gamma"], b0=params["b0"], dist0_sq=D0_sq,
              G_sq=max(G_sq, grad0_min), D_sq=grad0_min)


def _grad0_min(landscape, x0):
    """``min over runs and i of ‖∇f_i(x⁰)‖²`` (Theorem 7's D², safe reading), looping over i."""
    best = np.inf
    for i in range(landscape.n):
        g = landscape.grad_at(x0, np.full(x0.shape[0], i))
        best = min(best, float(np.min(np.einsum("rd,rd->r", g, g))))
    return best


def _grad0_max(landscape, x0):
    best = 0.0
    for i in range(landscape.n):
        g = landscape.grad_at(x0, np.full(x0.shape[0], i))
        best = max(best, float(np.max(np.einsum("rd,rd->r", g, g))))
    return best


def choose_pair(landscape, theorem, L, x0, steps, *, scale=1.0, points=None, margin=1e-3,
                gap_max=2.0, overrides=None, region=None):
    r"""The (α, β) of the region that makes the theorem's whole bound smallest.

    The region is the exact feasible set over ``points`` (default: 2000 seeded points of the
    domain plus ``x0``), from :mod:`theory.region`. For each α of a grid (the frontier's vertices
    and 240 geometric points from α_min to 10⁹·max(α_min, 1)) the candidate β is
    ``β_min(α) + margin·(α − β_min(α))`` (a safety margin for points not sampled), raised to
    ``α − gap_max`` when the gap is larger (β may always be raised: the set {β ≥ β_min} is
    feasible), and capped at α − 1 where the theorem needs α ≥ β + 1. The theorem's whole bound
    is evaluated with :func:`step_settings` at ``scale`` and the minimiser returned as
    ``(alpha, beta, source)``.

    Why ``gap_max`` (default 2): the bounds keep improving as α − β grows (a larger gap admits a
    larger step, e.g. γ ≤ (α − β)/(2L) for SGD), so without a cap the "best" pair sends the step
    far beyond 1/L and the iterates out of the domain where (α, β) and L hold. With the cap the
    SGD step is at most 1/L.

    ``region``: a ready :class:`theory.region.Region` (e.g. from
    ``theory.certify.region_map``, adversarially refined) to use instead of sampling.

    Falls back to :data:`PAPER_PAIRS` when the region module cannot be imported.
    """
    t = _theorem_key(theorem)
    overrides = overrides or {}
    D0 = float(np.mean(landscape.distance(x0) ** 2))
    Dmax = float(np.max(landscape.distance(x0) ** 2))
    g0min, g0max = (_grad0_min(landscape, x0), _grad0_max(landscape, x0)) if t == "7" else (1, 1)
    if points is None:
        rng = np.random.default_rng(2024)
        points = np.concatenate([landscape.domain.sample(rng, 2000), x0])
    try:
        region = _region(landscape, points) if region is None else region
        a0 = region.alpha_min
        if not math.isfinite(a0):
            raise ValueError("empty region on the sampled points")
    except ImportError:
        if landscape.name in PAPER_PAIRS:
            a, b = PAPER_PAIRS[landscape.name]
            return a, b, "paper pair (spec §4 check values; region module unavailable)"
        raise
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
    best, err = (np.inf, None, None), None
    for a, b in zip(al, be):
        _, params = step_settings(t, a, b, L, scale, D0_sq=D0, **overrides)
        try:
            v = _bound(t, landscape, a, b, L, params, steps, D0_sq=D0, D_sq=Dmax,
                       G_sq=g0max, grad0_min=g0min).value
        except B.HypothesisError as exc:
            err = exc
            continue
        if v < best[0]:
            best = (v, float(a), float(b))
    if best[1] is None:
        if err is not None:
            raise err
        raise ValueError("no (alpha, beta) on the frontier satisfies the theorem's hypotheses")
    src = (f"region over {region.n_points} sampled points (margin {margin:g}, gap <= {gap_max:g}),"
           " whole bound minimised")
    return best[1], best[2], src


# ---- one check ----------------------------------------------------------------------------------
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
    notes = []
    if not sm.certified:
        if require_certified_L:
            base.reason = f"L = {L:g} is not certified ({sm.method})"
            return base, None
        warnings.warn(f"{landscape.name}: L = {L:g} is not certified ({sm.method})", stacklevel=3)
        notes.append("L not certified")
    if not box_inside(box, landscape.domain):
        base.reason = "the starting box must lie inside the landscape's domain (where L holds)"
        return base, None
    ov = {k: v for k, v in dict(gamma=gamma, c=c, gamma_b=gamma_b, b0=b0).items() if v is not None}
    extra_pts = None
    for attempt in range(2 if refine else 1):
        if alpha is None or beta is None:
            try:
                a, b, src = choose_pair(landscape, t, L, x0, steps, scale=scale, points=extra_pts,
                                        overrides=ov, region=region if attempt == 0 else None)
            except B.HypothesisError as exc:
                base.reason = str(exc)
                return base, None
            except ValueError as exc:
                base.reason = f"no admissible (alpha, beta): {exc}"
                return base, None
        else:
            a, b, src = float(alpha), float(beta), "given"
        base.alpha, base.beta, base.pair_source = a, b, src
        name, params = step_settings(t, a, b, L, scale, D0_sq=D0, **ov)
        base.optimizer, base.params = name, params
        g0min = _grad0_min(landscape, x0) if t == "7" else 1.0
        try:  # hypotheses known before simulating (D², G² provisional)
            _bound(t, landscape, a, b, L, params, steps, D0_sq=D0, D_sq=D0, G_sq=g0min,
                   grad0_min=g0min)
        except B.HypothesisError as exc:
            base.reason = str(exc)
            return base, None
        opt = O.make(name, **params)
        sim = simulate(landscape, opt, x0, steps=steps, rng=np.random.default_rng([seed, 1]),
                       quiet=quiet, keep_x=16, dist_every=max(1, steps))
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
    m, ci, avg, _ = measure(sim, level)
    base.measured, base.ci, base.measured_avg = m, ci, avg
    base.n_diverged = sim.n_diverged
    base.n_left_domain = int(np.count_nonzero(sim.left_domain))
    # an upper bound on max_k dist(x^k, S)² (valid for Theorem 5: any larger D² is admissible)
    D_sq = float(np.max(sim.run_max_anchor_dist2))
    G_sq = float(np.max(sim.run_max_grad_sq))
    try:
        bd = _bound(t, landscape, a, b, L, params, steps, D0_sq=D0, D_sq=D_sq, G_sq=G_sq,
                    grad0_min=g0min)
    except B.HypothesisError as exc:
        base.reason = str(exc)
        return base, ctx
    base.bound, base.bound_terms = bd.value, dict(bd.terms)
    base.ratio = m / bd.value if bd.value > 0 else math.inf
    base.holds = bool(m <= bd.value)
    base.within_ci = bool(ci[0] <= bd.value)
    fails = []
    if sim.n_diverged:
        fails.append(f"{sim.n_diverged} runs diverged")
    if base.n_left_domain:
        fails.append(f"{base.n_left_domain} runs left the domain where L and (alpha, beta) hold")
    if slack < -1e-9:
        fails.append(f"the alpha-beta-condition fails at a visited iterate (slack {slack:.3g})")
    base.hypotheses_ok = not fails
    base.reason = "; ".join(fails + notes) or "hypotheses hold"
    return base, ctx


def check(landscape, theorem, *, alpha=None, beta=None, scale=1.0, gamma=None, c=None,
          gamma_b=None, b0=None, runs=200, steps=1000, seed=0, x0_box=None, level=0.95,
          require_certified_L=False, refine=True, quiet=True, region=None) -> Comparison:
    r"""Check one theorem on one landscape by simulation; see the module docstring.

    Returns a :class:`Comparison`. When a hypothesis fails before simulating, ``hypotheses_ok``
    is False, ``reason`` names the hypothesis and nothing is measured. After simulating,
    divergence, leaving the domain, or the α-β-condition failing at a visited iterate make
    ``hypotheses_ok`` False (the numbers are still reported). With ``refine`` and (α, β) chosen
    here, a pair violated at visited iterates is re-chosen with those iterates added, once.
    ``region`` (optional) is passed to :func:`choose_pair` for the first choice.
    """
    return _check_sim(landscape, theorem, alpha=alpha, beta=beta, scale=scale, gamma=gamma,
                      c=c, gamma_b=gamma_b, b0=b0, runs=runs, steps=steps, seed=seed,
                      x0_box=x0_box, level=level, require_certified_L=require_certified_L,
                      refine=refine, quiet=quiet, region=region)[0]


@dataclass(frozen=True)
class RateCurve:
    r"""``check`` at the horizon K and, from the same simulation, at every horizon ``K' ≤ K`` of
    ``K``: ``measured[j] = min_{k<K'_j} E[f(x^k) − f*]`` with its confidence interval
    ``(lo[j], hi[j])`` and the theorem's ``bound[j]`` at ``K'_j`` (NaN where the theorem refuses
    that horizon). Empty arrays when ``check`` measured nothing."""

    check: Comparison
    K: np.ndarray
    measured: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    bound: np.ndarray


def rate_horizons(steps: int, points: int) -> np.ndarray:
    """``points`` horizons geometrically spaced from ``max(2, steps // 100)`` to ``steps``
    (integers, duplicates dropped).

    >>> rate_horizons(1000, 6).tolist()
    [10, 25, 63, 158, 398, 1000]
    """
    return np.unique(np.geomspace(max(2, int(steps) // 100), int(steps), int(points)).astype(int))


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
    for j, k in enumerate(Ks):
        m[j], (lo[j], hi[j]), _, _ = measure(sim, level, K=int(k))
        try:
            bd[j] = _bound(ctx["theorem"], landscape, top.alpha, top.beta, ctx["L"],
                           ctx["params"], int(k), D0_sq=ctx["D0_sq"],
                           D_sq=float(sim.max_anchor_dist2_by_step[k]),
                           G_sq=float(sim.max_grad_sq_by_step[k - 1]),
                           grad0_min=ctx["grad0_min"]).value
        except B.HypothesisError:
            bd[j] = np.nan
    return RateCurve(top, Ks, m, lo, hi, bd)


def default_start_box(landscape):
    """The central quarter of the landscape's domain (same centre, a quarter of the width)."""
    from toylands import Box

    c, w = landscape.domain.center, landscape.domain.width / 8
    return Box(c - w, c + w)


def box_inside(inner, outer) -> bool:
    return bool(np.all(inner.lo >= outer.lo) and np.all(inner.hi <= outer.hi))


# ---- the proof's per-step inequality and the step-size lemmas -----------------------------------
def theorem1_step_inequality(landscape, x, *, gamma, alpha, beta, L):
    r"""The one-step inequality in the proof of Theorem 1 [AB App. C.2], evaluated exactly.

    With ``x_p = Proj(x, S)`` and ``E_k`` the exact average over the n samples:

    .. math:: E_k\,\mathrm{dist}(x^{k+1}, S)^2 \le E_k\|x^{k+1} - x_p\|^2 \le \mathrm{dist}(x, S)^2
              - \gamma(\alpha-\beta) E_k[f_i(x) - f_i(x_p)] + 2\gamma(\beta + L\gamma)
              E_k[f_i(x_p) - f_i^*]

    valid where the α-β-condition holds at x with x_p, f_i is L-smooth and
    ``γ ≤ (α − β)/(2L)``. Returns a dict of ``(N,)`` arrays: ``lhs_dist`` (E dist(x^{k+1}, S)²),
    ``lhs_proof`` (E‖x^{k+1} − x_p‖²), ``rhs`` and ``slack = rhs − lhs_proof``.
    """
    x = np.atleast_2d(np.asarray(x, dtype=np.float64))
    N, n = x.shape[0], landscape.n
    xp = landscape.project(x)
    d2 = np.einsum("rd,rd->r", x - xp, x - xp)
    fx, fp = landscape.losses(x), landscape.losses(xp)
    lhs_dist, lhs_proof = np.zeros(N), np.zeros(N)
    for i in range(n):  # a loop over samples, vectorised over points
        xn = x - gamma * landscape.grad_at(x, np.full(N, i))
        lhs_dist += landscape.distance(xn) ** 2 / n
        lhs_proof += np.einsum("rd,rd->r", xn - xp, xn - xp) / n
    rhs = (
        d2
        - gamma * (alpha - beta) * np.mean(fx - fp, axis=-1)
        + 2 * gamma * (beta + L * gamma) * np.mean(fp - landscape.f_i_star, axis=-1)
    )
    return {"lhs_dist": lhs_dist, "lhs_proof": lhs_proof, "rhs": rhs, "slack": rhs - lhs_proof}


def step_size_lemmas(landscape, optimizer, x0, *, steps, rng, L):
    r"""The step-size lemmas of spec §6 along trajectories: min relative slack of each.

    - SPS_max: ``γ_min ≤ γ_k ≤ γ_b`` with ``γ_min = min{1/(2cL), γ_b}``, and
      ``γ_k²‖∇f_i‖² ≤ (γ_k/c)(f_i − f_i*)``;
    - DecSPS: ``γ_k ≤ γ_{k−1}`` and ``γ_k ≥ min{1/(2c_kL), c_0γ_b/c_k}``;
    - NGN (and NGN-dec with ``γ/√(k+1)``): ``γ/(1+γL) ≤ γ_k ≤ γ`` (needs f_i* ≥ 0).

    Returns ``{lemma: min slack}`` (≥ 0 means it held at every step of every run), where each
    slack is divided by the larger side.
    """
    x = np.array(x0, dtype=np.float64)
    state = optimizer.init(x)
    p, name = optimizer.params, optimizer.name
    out: dict[str, float] = {}

    def note(key, small, big):
        s = (big - small) / np.maximum(np.maximum(np.abs(big), np.abs(small)), 1e-300)
        out[key] = min(out.get(key, np.inf), float(np.min(s)))

    prev = None
    for k in range(steps):
        i = rng.integers(0, landscape.n, size=x.shape[0])
        x, state, info = optimizer.step(landscape, x, state, i)
        gam = info.gamma
        if name == "sps-max":
            c, gb = p["c"], p["gamma_b"]
            note("gamma_min <= gamma_k", min(1 / (2 * c * L), gb), gam)
            note("gamma_k <= gamma_b", gam, gb)
            note("gamma_k^2 |g|^2 <= gamma_k (f_i - f_i*)/c", gam * gam * info.grad_sq,
                 gam / c * np.maximum(info.loss - info.f_i_star, 0.0))
        elif name == "dec-sps":
            ck = float(O.c_sqrt(k, p["c_scale"]))
            c0 = float(O.c_sqrt(0, p["c_scale"]))
            if prev is not None:
                note("gamma_k <= gamma_{k-1}", gam, prev)
            note("gamma_k >= min{1/(2 c_k L), c_0 gamma_b / c_k}",
                 min(1 / (2 * ck * L), c0 * p["gamma_b"] / ck), gam)
            prev = gam
        elif name in ("ngn", "ngn-dec"):
            g = p["gamma"] if name == "ngn" else p["gamma"] / math.sqrt(k + 1)
            note("gamma/(1 + gamma L) <= gamma_k", g / (1 + g * L), gam)
            note("gamma_k <= gamma", gam, g)
        else:
            raise ValueError(f"no step-size lemma for {name}")
    return out


# ---- the grid -----------------------------------------------------------------------------------
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
