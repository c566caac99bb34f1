r"""The sampled methods: the point slack, sample sets, and the ``sample`` / ``adversarial``
certificates (they never say more than ``holds_on_samples``).

A sampled point counts as a counterexample only when its slack is below minus a rounding
allowance (``theory.conditions.slack_tolerance``).
"""

from __future__ import annotations

import math
import time
import weakref

import numpy as np

from toylands._checked import checked
from toylands._memo import keep_last, memo_for, points_key
from toylands._validate import as_int, check_memory
from toylands.domain import Box

from ..conditions import alpha_beta_rows, slack, slack_tolerance
from .certificate import HOLDS_ON_SAMPLES, REFUTED, Certificate
from .inputs import progress as _progress
from .search import _evolve, _polish

__all__ = ["point_slack", "beta_needed", "sample_points", "CONDITION"]

CONDITION = "alpha-beta"
_CHUNK = 1 << 16
_GRAD_CHUNK = 1 << 12


# ---- point slack -----------------------------------------------------------------------------
@checked(f_i_lower=None)
def point_slack(landscape, x, alpha, beta, *, f_i_lower=None):
    r"""``(s, tol)``: ``s(x) = max_{x_p nearest} min_i T_i(x; α, β)`` and its rounding allowance.

    ``tol`` is ``theory.conditions.slack_tolerance``: first the bound from the magnitudes of the
    values (cheap); at the points where that bound flags a violation (``s < −tol``), the bound
    that also carries the rounding of the inputs (``‖∇f_i‖`` at x and x_p times ``‖x‖``,
    ``‖x_p‖``), which is never smaller, so a point is called violated only when both agree.
    Evaluated in chunks of 65 536 points (gradients in chunks of 4 096); ``x`` has shape
    ``(N, dim)``.
    """
    x = np.asarray(x, dtype=np.float64).reshape(-1, landscape.dim)
    chunks = [alpha_beta_rows(landscape, x[k : k + _CHUNK], f_i_lower=f_i_lower)
              for k in range(0, x.shape[0], _CHUNK)]
    return _slack_of_rows(landscape, x, chunks, alpha, beta)


def _slack_of_rows(landscape, x, chunks, alpha, beta):
    """:func:`point_slack` from the rows of ``x`` in chunks of ``_CHUNK`` points."""
    s = np.empty(x.shape[0])
    tol = np.empty(x.shape[0])
    for k, rows in zip(range(0, x.shape[0], _CHUNK), chunks):
        s[k : k + _CHUNK] = slack(rows, alpha, beta)
        tol[k : k + _CHUNK] = slack_tolerance(rows, alpha, beta)
    flag = np.flatnonzero(s < -tol)
    for k in range(0, flag.size, _GRAD_CHUNK):
        idx = flag[k : k + _GRAD_CHUNK]
        rows = _take(chunks, idx)
        with np.errstate(over="ignore"):  # an infinite norm makes the allowance raise
            gx = np.linalg.norm(landscape.grads(x[idx]), axis=-1)
            gp = np.linalg.norm(landscape.grads(rows.candidates), axis=-1)
        tol[idx] = slack_tolerance(rows, alpha, beta, x=x[idx], grad_norms=(gx, gp))
    return s, tol


def _take(chunks, idx):
    """The rows of the points ``idx`` (indices into the concatenated chunks); ``lower`` is
    per sample, not per point, and stays as it is."""
    per_point = [np.concatenate([np.asarray(getattr(r, f)) for r in chunks])[idx]
                 for f in chunks[0]._fields if f != "lower"]
    return type(chunks[0])(*per_point, chunks[0].lower)


# The rows at a sample of the domain do not depend on (α, β), and the sampled certificates ask
# the same sample again and again (a bisection on β, a theorem check choosing its pair, each
# call drawing the same seeded points), while a projection onto S can cost seconds (matrix
# factorization's orbit). They are remembered per landscape (weakly: they go with it), keyed by
# the points' bytes, for the last few samples and up to _MEMO_BYTES each: the same points give
# the same rows, so the verdicts are those of a fresh computation, bit for bit.
_ROWS_MEMO: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_MEMO_SAMPLES = 4
_MEMO_BYTES = 64 << 20


def _sample_slack(landscape, x, alpha, beta):
    """:func:`point_slack` at a sample ``x``, its rows remembered (see ``_ROWS_MEMO``)."""
    memo = memo_for(_ROWS_MEMO, landscape)
    if memo is None:
        return point_slack(landscape, x, alpha, beta)
    key = points_key(x)
    chunks = memo.get(key)
    if chunks is None:
        chunks = [alpha_beta_rows(landscape, x[k : k + _CHUNK])
                  for k in range(0, x.shape[0], _CHUNK)]
        if sum(np.asarray(f).nbytes for r in chunks for f in r) <= _MEMO_BYTES:
            keep_last(memo, key, chunks, _MEMO_SAMPLES)
    return _slack_of_rows(landscape, x, chunks, alpha, beta)


def _rows_like(value, name, ctx):
    if not all(hasattr(value, k) for k in ("a", "b", "c", "mask")):
        raise TypeError(
            f"{name} must be rows of theory.alpha_beta_rows, got {type(value).__name__}"
        )
    return value


@checked(rows=_rows_like, alpha="reals")
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
def _budget(value, name, ctx):
    n = as_int(value, name, low=1)
    check_memory(64 * n * max(ctx.get("dim", 1), 1), f"{name} = {n} sample points")
    return n


@checked(budget=_budget)
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


def _verdict(landscape, alpha, beta, box, x, s, tol, method, t0, extra_budget=None,
             details=None) -> Certificate:
    # A NaN slack (α b and β c both overflowed) has no sign: never let it pass as "holds".
    # An infinite slack has the sign of the one product that overflowed, which is the true sign.
    if np.any(np.isnan(s)):
        k = int(np.flatnonzero(np.isnan(s))[0])
        raise ValueError(
            f"the slack overflows at x = {x[k].tolist()} (alpha={alpha:g}, beta={beta:g}): "
            "the condition cannot be decided in double precision there"
        )
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
    s, tol = _sample_slack(landscape, x, alpha, beta)
    return _verdict(landscape, alpha, beta, box, x, s, tol, "sample", t0)


def _adversarial(landscape, alpha, beta, box, n, gen, quiet=True) -> Certificate:
    t0 = time.perf_counter()
    x = sample_points(landscape, box, n, gen)
    s, tol = _sample_slack(landscape, x, alpha, beta)
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


