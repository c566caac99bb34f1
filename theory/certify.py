r"""Certify, refute or map the α-β-condition on a landscape (spec §2; design.md "Certificate").

``certify(landscape, α, β, method=…)`` returns a :class:`~theory.certificate.Certificate`:

- ``sample``: a grid (dim ≤ 3), uniform points, points near S (``minimizers.sample`` plus
  perturbations at scales 10⁻¹…10⁻⁸ of the box), near the listed critical points (saddles,
  local minima), and on the faces and corners of the box ("far out"). Verdict
  ``holds_on_samples`` or ``refuted`` (with the worst point as counterexample).
- ``adversarial``: the samples, then a vectorised multi-start local search that minimises the
  point slack ``s(x) = max_{x_p} min_i T_i(x; α, β)`` from the worst samples (a (1+λ) evolution
  strategy over all starts at once, then scipy's Nelder–Mead / L-BFGS-B on the best few). It
  finds counterexamples that a grid misses (thin violation regions).
- ``interval`` / ``symbolic``: rigorous, in ``theory.interval`` and ``theory.symbolic``
  (imported lazily); they alone may say ``proved``.

``method=None`` takes the strongest available: symbolic, else interval, else adversarial; an
``inconclusive`` rigorous answer is followed by the adversarial search (which may refute).

A sampled point counts as a counterexample only when its slack is below minus a rounding
allowance (``theory.conditions.slack_tolerance``).

``region_map`` computes the exact (α, β) region (``theory.region``) over a sample set and refines
it adversarially: for a grid of α it searches for points that raise ``β_min(α)`` and adds
them, until the frontier stops moving.
"""

from __future__ import annotations

import math
import numbers
import sys
import time
from typing import NamedTuple

import numpy as np

from toylands.domain import Box

from .certificate import HOLDS_ON_SAMPLES, PROVED, REFUTED, Certificate
from .conditions import alpha_beta_rows, check_constants, slack, slack_tolerance
from .region import Region, combine

__all__ = [
    "certify",
    "region_map",
    "sample_points",
    "point_slack",
    "beta_needed",
    "METHODS",
    "available_methods",
]

METHODS = ("sample", "adversarial", "interval", "symbolic")
# scipy polishing of region_map's search (Nelder–Mead) only up to this dimension; above it the
# vectorised evolution strategy alone (a derivative-free polish costs O(dim) evaluations/step).
_POLISH_DIM = 8
CONDITION = "alpha-beta"
_CHUNK = 1 << 16


# ---- input checks ----------------------------------------------------------------------------
def _check_domain(landscape, domain) -> Box:
    if domain is None:
        return landscape.domain
    if isinstance(domain, Box):
        box = domain
    else:
        try:
            lo, hi = domain
            lo, hi = float(lo), float(hi)
        except (TypeError, ValueError):
            raise TypeError("domain must be a toylands.Box or a pair (lo, hi)") from None
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise ValueError(f"box bounds must be finite, got {lo}, {hi}")
        if not lo < hi:
            raise ValueError(f"box is empty or inverted: lo={lo} >= hi={hi}")
        box = Box.cube(lo, hi, landscape.dim)
    if box.dim != landscape.dim:
        raise ValueError(f"domain has dimension {box.dim}, landscape {landscape.dim}")
    return box


def _rng(rng) -> np.random.Generator:
    if rng is None:
        return np.random.default_rng(0)
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError("rng must be a numpy.random.Generator, an int seed or None")


def _check_budget(budget, default: int) -> int:
    if budget is None:
        return default
    if isinstance(budget, bool) or not isinstance(budget, numbers.Integral) or budget < 1:
        raise ValueError(f"budget must be a positive integer, got {budget!r}")
    return int(budget)


def _default_budget(landscape) -> int:
    """20 000 points in dim ≤ 3, ``max(500, 200 000 // dim)`` above, and 8 times fewer when the
    projection onto S is iterative (a set other than points / affine / their unions, e.g. the
    GL(k)-orbit of matrix factorization). Deterministic: never derived from a timing."""
    from toylands.sets import AffineSet, PointSet, UnionSet

    base = 20_000 if landscape.dim <= 3 else max(500, 200_000 // max(landscape.dim, 1))
    if not isinstance(landscape.minimizers, (PointSet, AffineSet, UnionSet)):
        base = max(256, base // 8)
    return base


# ---- rigorous back-ends (another module; imported lazily) ------------------------------------
def _backend(kind: str):
    """``(module, supports)`` for ``interval`` / ``symbolic``, or ``(None, None)`` if missing."""
    import importlib

    try:
        mod = importlib.import_module(f"theory.{kind}")
    except ImportError:
        return None, None
    return mod, getattr(mod, f"supports_{kind}", None)


def _supports(kind: str, landscape) -> tuple[bool, str]:
    mod, sup = _backend(kind)
    if mod is None:
        return False, f"theory.{kind} is not available"
    if sup is None:
        return False, f"theory.{kind} has no supports_{kind}()"
    res = sup(landscape)
    if isinstance(res, tuple):
        return bool(res[0]), str(res[1]) if len(res) > 1 else ""
    return bool(res), "" if res else f"{kind} does not apply to {landscape.name}"


def available_methods(landscape) -> list[str]:
    """The methods that apply to ``landscape``, strongest first."""
    out = [k for k in ("symbolic", "interval") if _supports(k, landscape)[0]]
    return out + ["adversarial", "sample"]


# ---- point slack -----------------------------------------------------------------------------
def point_slack(landscape, x, alpha, beta, *, f_i_lower=None):
    r"""``(s, tol)``: ``s(x) = max_{x_p nearest} min_i T_i(x; α, β)`` and its rounding allowance.

    Evaluated in chunks of 65 536 points; ``x`` has shape ``(N, dim)``.
    """
    x = np.asarray(x, dtype=np.float64).reshape(-1, landscape.dim)
    s = np.empty(x.shape[0])
    tol = np.empty(x.shape[0])
    for k in range(0, x.shape[0], _CHUNK):
        rows = alpha_beta_rows(landscape, x[k : k + _CHUNK], f_i_lower=f_i_lower)
        s[k : k + _CHUNK] = slack(rows, alpha, beta)
        tol[k : k + _CHUNK] = slack_tolerance(rows, alpha, beta)
    return s, tol


def beta_needed(rows, alpha) -> np.ndarray:
    r"""The least β that makes each point feasible at α: ``min_{x_p} max_i (α b − a)/c``.

    ``alpha`` broadcasts against the points (shape ``(...)``). Rows with ``c = 0`` give −∞ when
    ``a − α b ≥ 0`` and +∞ otherwise.
    """
    al = np.asarray(alpha, dtype=np.float64)[..., None, None]
    num = al * rows.b - rows.a
    if np.all(rows.c > 0):
        with np.errstate(over="ignore"):
            r = num / rows.c
    else:
        pos = rows.c > 0
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            r = np.where(pos, num / np.where(pos, rows.c, 1.0),
                         np.where(num <= 0, -np.inf, np.inf))
    per_cand = np.where(rows.mask, r.max(axis=-1), np.inf)
    return per_cand.min(axis=-1)


# ---- sampling --------------------------------------------------------------------------------
def sample_points(landscape, domain: Box, budget: int, rng: np.random.Generator) -> np.ndarray:
    r"""About ``budget`` points of ``domain``: grid, uniform, near S, near critical points, faces.

    Shares: 30 % grid (dim ≤ 3) or uniform, 25 % uniform, 25 % near S (points of S in the box,
    perturbed at scales ``10⁻¹ … 10⁻⁸`` of the box width), 10 % near the critical points
    (same scales), 10 % on faces and corners of the box. Every point is clipped to the box.
    """
    d = landscape.dim
    width = float(np.max(domain.width))
    parts = []
    n_grid = int(0.3 * budget)
    k = int(math.floor(n_grid ** (1.0 / d))) if d <= 3 else 0
    if k >= 3:
        parts.append(domain.grid(k))
    else:
        parts.append(domain.sample(rng, n_grid))
    parts.append(domain.sample(rng, int(0.25 * budget)))
    scales = width * 10.0 ** -rng.integers(1, 9, size=(budget, 1))
    n_s = int(0.25 * budget)
    try:
        s_pts = np.asarray(landscape.minimizers.sample(rng, n_s), dtype=np.float64)
        s_pts = domain.clip(s_pts.reshape(-1, d))
    except NotImplementedError:
        s_pts = landscape.project(domain.sample(rng, n_s))
    dirs = rng.normal(size=s_pts.shape)
    dirs /= np.maximum(np.linalg.norm(dirs, axis=-1, keepdims=True), 1e-300)
    parts.append(s_pts + scales[: len(s_pts)] * dirs)
    parts.append(s_pts[: max(1, n_s // 20)])  # points of S themselves
    cps = [np.asarray(c.point, dtype=np.float64) for c in landscape.critical_points]
    if cps:
        n_c = int(0.1 * budget)
        base = np.stack(cps)[rng.integers(0, len(cps), n_c)]
        dirs = rng.normal(size=base.shape)
        dirs /= np.maximum(np.linalg.norm(dirs, axis=-1, keepdims=True), 1e-300)
        parts.append(base + scales[:n_c] * dirs)
        parts.append(np.stack(cps))
    n_f = int(0.1 * budget)
    face = domain.sample(rng, n_f)
    axis = rng.integers(0, d, n_f)
    side = rng.integers(0, 2, n_f)
    face[np.arange(n_f), axis] = np.where(side == 1, domain.hi[axis], domain.lo[axis])
    parts.append(face)
    if d <= 10:
        corners = np.array(np.meshgrid(*[[0, 1]] * d, indexing="ij")).reshape(d, -1).T
        parts.append(domain.lo + corners * domain.width)
    return domain.clip(np.concatenate(parts, axis=0))


def _progress(msg, quiet):
    if not quiet:
        print(msg, file=sys.stderr, flush=True)


# ---- local search ----------------------------------------------------------------------------
def _evolve(objective, starts, domain: Box, rng, iters: int, offspring: int = 8, sigma0=None):
    r"""Minimise ``objective(x (N, dim)) -> (N,)`` from every start at once: a (1+λ) evolution
    strategy with a per-start step (initially ``sigma0``, default 5 % of the box) that grows
    ×1.5 on success and shrinks ×0.6 otherwise.
    Returns the best point and value per start, and the number of evaluations."""
    x = starts.copy()
    fx = objective(x)
    width = np.max(domain.width)
    sigma = np.full(x.shape[0], 0.05 * width) if sigma0 is None else np.array(sigma0, float)
    evals = x.shape[0]
    for _ in range(iters):
        cand = x[:, None, :] + sigma[:, None, None] * rng.normal(size=(x.shape[0], offspring,
                                                                        x.shape[1]))
        cand = domain.clip(cand).reshape(-1, x.shape[1])
        fc = objective(cand).reshape(x.shape[0], offspring)
        evals += cand.shape[0]
        j = np.argmin(fc, axis=1)
        best = fc[np.arange(x.shape[0]), j]
        win = best < fx
        pick = cand.reshape(x.shape[0], offspring, -1)[np.arange(x.shape[0]), j]
        x = np.where(win[:, None], pick, x)
        fx = np.where(win, best, fx)
        sigma = np.clip(np.where(win, sigma * 1.5, sigma * 0.6), 1e-12 * width, 0.5 * width)
    return x, fx, evals


def _polish(objective, starts, domain: Box):
    """scipy local minimisation (Nelder–Mead in ≤ 4 dimensions, else L-BFGS-B) from each start."""
    from scipy.optimize import minimize

    bounds = list(zip(domain.lo, domain.hi))
    out_x, out_f, evals = [], [], 0

    def fun(z):
        return float(objective(domain.clip(z)[None])[0])

    for x0 in starts:  # a handful of starts; each run is vectorised inside objective
        method = "Nelder-Mead" if x0.size <= 4 else "L-BFGS-B"
        opts = {"xatol": 1e-12, "fatol": 1e-15, "maxfev": 400} if method == "Nelder-Mead" else {
            "maxfun": 400}
        res = minimize(fun, x0, method=method, bounds=bounds, options=opts)
        evals += int(res.nfev)
        z = domain.clip(res.x)
        out_x.append(z)
        out_f.append(fun(z))
    return np.array(out_x), np.array(out_f), evals


# ---- certify ---------------------------------------------------------------------------------
def certify(
    landscape, alpha, beta, *, method=None, domain=None, budget=None, rng=None, quiet=True
) -> Certificate:
    r"""Check the α-β-condition (spec §2, [AB Definition 1]) for ``(α, β)`` on ``domain``.

    Parameters
    ----------
    landscape : toylands.Landscape
    alpha, beta : float
        Constants with ``α > β ≥ 0``.
    method : {None, "sample", "adversarial", "interval", "symbolic"}
        ``None`` = the strongest that applies (see the module docstring).
    domain : toylands.Box or (lo, hi), optional
        Default: the landscape's domain.
    budget : int, optional
        Sample points (``sample``); sample points and as many local-search evaluations
        (``adversarial``); passed on to the rigorous methods (boxes).
    rng : numpy.random.Generator or int, optional
        Default ``default_rng(0)``: the same call gives the same certificate.

    Returns
    -------
    Certificate
        ``min_slack`` is the least slack found (``worst_point`` where), ``budget`` what was spent.
    """
    alpha, beta = check_constants(alpha, beta)
    box = _check_domain(landscape, domain)
    gen = _rng(rng)
    if method is not None and method not in METHODS:
        raise ValueError(f"unknown method {method!r}; known: {', '.join(METHODS)}")
    if method in ("interval", "symbolic"):
        ok, why = _supports(method, landscape)
        if not ok:
            raise ValueError(f"method {method!r} does not apply to {landscape.name}: {why}")
        return _rigorous(method, landscape, alpha, beta, box, budget)
    n = _check_budget(budget, _default_budget(landscape))
    if method == "sample":
        return _sampled(landscape, alpha, beta, box, n, gen)
    if method == "adversarial":
        return _adversarial(landscape, alpha, beta, box, n, gen, quiet)
    # strongest available
    for kind in ("symbolic", "interval"):
        if _supports(kind, landscape)[0]:
            _progress(f"certify: {kind} method", quiet)
            cert = _rigorous(kind, landscape, alpha, beta, box, budget)
            if cert.verdict in (PROVED, REFUTED):
                return cert
            _progress(f"certify: {kind} inconclusive; adversarial search", quiet)
            adv = _adversarial(landscape, alpha, beta, box, n, gen, quiet)
            details = dict(adv.details)
            details[kind] = {"verdict": cert.verdict, "reason": cert.reason}
            return Certificate(adv.verdict, adv.condition, adv.constants, adv.method, adv.domain,
                               adv.min_slack, adv.worst_point, adv.budget,
                               f"{kind} method inconclusive: {cert.reason}", details)
    _progress(f"certify: no rigorous method for {landscape.name}; adversarial search", quiet)
    return _adversarial(landscape, alpha, beta, box, n, gen, quiet)


def _rigorous(kind, landscape, alpha, beta, box, budget) -> Certificate:
    mod, _ = _backend(kind)
    if kind == "interval":
        return mod.certify_interval(landscape, alpha, beta, domain=box, budget=budget)
    return mod.certify_symbolic(landscape, alpha, beta, domain=box)


def _verdict(landscape, alpha, beta, box, x, s, tol, method, t0, extra_budget=None,
             details=None) -> Certificate:
    viol = s < -tol
    k = int(np.argmin(s))
    budget = {"samples": int(x.shape[0]), "seconds": time.perf_counter() - t0}
    budget.update(extra_budget or {})
    det = {"violations": int(np.sum(viol)), "tolerance_at_worst": float(tol[k])}
    det.update(details or {})
    verdict = REFUTED if viol.any() else HOLDS_ON_SAMPLES
    if verdict == REFUTED:
        k = int(np.argmin(np.where(viol, s, np.inf)))
    return Certificate(
        verdict=verdict,
        condition=CONDITION,
        constants={"alpha": alpha, "beta": beta},
        method=method,
        domain=box,
        min_slack=float(s[k]),
        worst_point=x[k].copy(),
        budget=budget,
        reason="" if verdict == REFUTED else "no violation among the samples (not a proof)",
        details=det,
    )


def _sampled(landscape, alpha, beta, box, n, gen) -> Certificate:
    t0 = time.perf_counter()
    x = sample_points(landscape, box, n, gen)
    s, tol = point_slack(landscape, x, alpha, beta)
    return _verdict(landscape, alpha, beta, box, x, s, tol, "sample", t0)


def _adversarial(landscape, alpha, beta, box, n, gen, quiet=True) -> Certificate:
    t0 = time.perf_counter()
    x = sample_points(landscape, box, n, gen)
    s, tol = point_slack(landscape, x, alpha, beta)
    _progress(f"certify: {x.shape[0]} samples, min slack {s.min():.3g}", quiet)
    if np.any(s < -tol):  # the samples already refute
        return _verdict(landscape, alpha, beta, box, x, s, tol, "adversarial", t0,
                        {"local_search_evals": 0})

    def objective(z):
        return point_slack(landscape, z, alpha, beta)[0]

    n_starts = int(min(64, max(4, x.shape[0] // 100)))
    starts = np.unique(np.r_[x[np.argsort(s)[:n_starts]], gen.uniform(box.lo, box.hi,
                                                                       (n_starts, box.dim))],
                       axis=0)
    iters = max(5, n // (8 * starts.shape[0]))
    _progress(f"certify: local search from {starts.shape[0]} starts", quiet)
    xe, fe, ev1 = _evolve(objective, starts, box, gen, iters=min(iters, 200))
    best = np.argsort(fe)[: min(4, fe.size)]
    xp, fp, ev2 = _polish(objective, xe[best], box)
    xa = np.concatenate([x, xe, xp], axis=0)
    sa, ta = point_slack(landscape, xa, alpha, beta)
    return _verdict(landscape, alpha, beta, box, xa, sa, ta, "adversarial", t0,
                    {"local_search_evals": int(ev1 + ev2)}, {"starts": int(starts.shape[0])})


# ---- region map ------------------------------------------------------------------------------
def region_map(
    landscape,
    *,
    domain=None,
    budget=None,
    rng=None,
    rounds: int = 6,
    rtol: float = 1e-6,
    alphas=None,
    quiet: bool = True,
    f_i_lower=None,
) -> Region:
    r"""The exact (α, β) region over a sample set, refined adversarially (issue 4, item 4).

    1. Rows at ``sample_points`` (``budget`` points) give a :class:`~theory.region.Region`.
    2. For α on a grid (default: ``alpha_min·(1 + 10⁻³)`` and 11 geometric values up to
       ``100·alpha_min``), start from the points that set ``β_min(α)`` and from random points, and
       maximise the point's requirement ``β_x(α) = min_{x_p} max_i (α b − a)/c`` by the
       vectorised local search; add the points found and rebuild the region.
       In dimension ≤ 8 the best points of the first three α are polished by Nelder–Mead, and
       the point setting ``alpha_min`` is re-polished at the new ``alpha_min`` until it stops
       moving (``alpha_min`` is a fixed point: the point that sets it depends on α).
    3. Stop when ``β_min`` on the grid and ``alpha_min`` move by less than ``rtol`` (relative),
       or after ``rounds`` rounds.

    The result is exact for the points used; it is an inner approximation (a superset) of the
    true region on the domain. ``region.info`` records the rounds and how far each moved.
    """
    from .claims import claim_for

    box = _check_domain(landscape, domain)
    gen = _rng(rng)
    n = _check_budget(budget, _default_budget(landscape))
    t0 = time.perf_counter()
    x = sample_points(landscape, box, n, gen)
    rows = alpha_beta_rows(landscape, x, f_i_lower=f_i_lower)
    cache = [(x, rows.a, rows.b, rows.c, rows.mask)]  # rows kept: never recomputed
    region = Region.from_rows(rows)
    n_points, n_rows, n_tied = region.n_points, region.n_rows, region.n_tied
    _progress(f"region {landscape.name}: {x.shape[0]} points, alpha_min = {region.alpha_min:.6g}",
              quiet)
    history = []
    for r in range(rounds):
        a0 = region.alpha_min
        if alphas is not None:
            grid = np.asarray(alphas, dtype=np.float64)
        elif np.isfinite(a0) and a0 > 0:
            grid = np.r_[a0 * (1 + 1e-3), a0 * np.geomspace(1.2, 100.0, 11)]
        else:
            grid = np.geomspace(1e-2, 1e3, 12)
        # search effort per round ≈ budget evaluations: fewer starts when points are expensive
        k_starts, k_rand = (6, 2) if n >= 5000 else (2, 1)
        if n < 5000 and alphas is None:
            grid = grid[:: max(1, grid.size // 6)]
        before = np.r_[region.beta_min(grid), a0]
        # the points that set the frontier at each α (largest requirement), from cached rows
        allx = np.concatenate([c[0] for c in cache], axis=0)
        need = np.concatenate(
            [beta_needed(_RowsView(*c[1:]), grid[:, None]) for c in cache], axis=1
        )  # (G, N)
        top = np.argsort(-need, axis=1)[:, :k_starts]
        starts = np.concatenate([allx[top].reshape(-1, box.dim),
                                 box.sample(gen, grid.size * k_rand)], axis=0)
        al = np.r_[np.repeat(grid, k_starts), np.repeat(grid, k_rand)]
        iters = int(np.clip(n // (starts.shape[0] * 8), 10, 40))

        def objective(z, al=al):
            # _evolve evaluates the starts, then their offspring start-major
            v = _need(landscape, z, np.repeat(al, z.shape[0] // al.size), f_i_lower)
            return -np.clip(v, -1e300, 1e300)

        # the frontier-setting points are refined locally, the random ones explore
        width = float(np.max(box.width))
        sig = np.r_[np.full(grid.size * k_starts, 1e-3 * width), np.full(grid.size * k_rand,
                                                                          0.05 * width)]
        xe, fe, _ = _evolve(objective, starts, box, gen, iters=iters, sigma0=sig)
        # polish the best point of the first α values (alpha_min sits at the first) with scipy
        polished = []
        n_polish = min(3, grid.size) if box.dim <= _POLISH_DIM else 0
        for g in range(n_polish):
            sel = np.flatnonzero(al == grid[g])
            z0 = xe[sel[np.argsort(fe[sel])[: 4 if g == 0 else 1]]]

            def obj_g(z, a=grid[g]):
                return -np.clip(_need(landscape, z, np.full(z.shape[0], a), f_i_lower),
                                -1e300, 1e300)

            polished.append(_polish(obj_g, z0, box)[0])
        xe = np.concatenate([xe] + polished, axis=0)
        new_rows = alpha_beta_rows(landscape, xe, f_i_lower=f_i_lower)
        cache.append((xe, new_rows.a, new_rows.b, new_rows.c, new_rows.mask))
        added = Region.from_rows(new_rows)
        # F = max over points, so the new points' envelope merges exactly into the old one
        envelope = combine(region.envelope, added.envelope, np.maximum)
        n_points, n_rows = n_points + added.n_points, n_rows + added.n_rows
        n_tied += added.n_tied
        region = Region(envelope, n_points, n_rows, n_tied)
        # alpha_min is a fixed point: the point that sets it depends on α itself. Re-polish the
        # frontier-setting points at the new alpha_min until it stops moving.
        z0 = np.concatenate(polished[:1], axis=0) if polished else None
        for _ in range(6 if polished else 0):
            a_cur = region.alpha_min
            if not (np.isfinite(a_cur) and a_cur > 0):
                break

            def obj_a(z, a=a_cur):
                return -np.clip(_need(landscape, z, np.full(z.shape[0], a), f_i_lower),
                                -1e300, 1e300)

            z0 = _polish(obj_a, z0, box)[0]
            extra = alpha_beta_rows(landscape, z0, f_i_lower=f_i_lower)
            cache.append((z0, extra.a, extra.b, extra.c, extra.mask))
            ex = Region.from_rows(extra)
            region = Region(combine(region.envelope, ex.envelope, np.maximum),
                            region.n_points + ex.n_points, region.n_rows + ex.n_rows,
                            region.n_tied + ex.n_tied)
            if region.alpha_min <= a_cur * (1 + 1e-12):
                break
        n_points, n_rows, n_tied = region.n_points, region.n_rows, region.n_tied
        after = np.r_[region.beta_min(grid), region.alpha_min]
        with np.errstate(invalid="ignore"):
            move = np.abs(after - before) / np.maximum(np.abs(before), 1e-300)
        moved = float(np.nanmax(np.where(np.isfinite(move), move, 0.0)))
        history.append(moved)
        _progress(f"region {landscape.name}: round {r + 1}, alpha_min = {region.alpha_min:.6g},"
                  f" moved {moved:.2e}", quiet)
        if moved < rtol:
            break
    info = {
        "rounds": len(history),
        "moved": history,
        "points": int(sum(c[0].shape[0] for c in cache)),
        "seconds": time.perf_counter() - t0,
        "domain": box.to_json(),
    }
    claim = claim_for(landscape)
    out = Region(region.envelope, region.n_points, region.n_rows, region.n_tied, claim, info)
    return out


class _RowsView(NamedTuple):
    a: np.ndarray
    b: np.ndarray
    c: np.ndarray
    mask: np.ndarray


def _need(landscape, x, alpha, f_i_lower) -> np.ndarray:
    """β_x(α) for points x (N, dim); alpha (G, 1) -> (G, N), or (N,) -> (N,)."""
    return beta_needed(alpha_beta_rows(landscape, x, f_i_lower=f_i_lower), alpha)
