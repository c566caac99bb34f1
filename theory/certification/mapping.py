r"""``region_map``: the sampled (α, β) region (an outer bound: it contains the true region) over a
sample set, refined adversarially."""

from __future__ import annotations

import time
from typing import NamedTuple

import numpy as np

from toylands._checked import checked
from toylands._validate import as_finite_array

from ..conditions import alpha_beta_rows
from ..region import Region, combine
from .inputs import _check_budget, _check_domain, _default_budget, _rng
from .inputs import progress as _progress
from .sampling import beta_needed, sample_points
from .search import _evolve, _polish

__all__ = ["region_map"]

# scipy polishing of region_map's search (Nelder–Mead) only up to this dimension; above it the
# vectorised evolution strategy alone (a derivative-free polish costs O(dim) evaluations/step).
_POLISH_DIM = 8


def _alpha_grid(value, name, ctx):
    grid = as_finite_array(value, name, ndim=1)
    if grid.size == 0 or np.any(grid <= 0):
        raise ValueError(f"{name} must be a non-empty 1-D array of positive alphas, got {grid}")
    return grid


# ---- region map ------------------------------------------------------------------------------
@checked(domain=None, budget=None, rng=None, alphas=_alpha_grid, f_i_lower=None)
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
    keep_points: bool = False,
) -> Region:
    r"""The sampled (α, β) region (an outer bound: it contains the true region), refined
    adversarially.

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

    The result is exact for the points used (MATHEMATICS.md §2): it is an outer bound (a
    superset) of the true region on the domain, its ``beta_min`` a lower bound on the true
    frontier and its ``best_pair`` not certified (``theory.certification.certified_frontier`` and
    ``certified_best_pairs`` give the certified side). ``region.info`` records the rounds and how
    far each moved; with ``keep_points`` also ``info["points"]``, every point used ``(N, dim)``
    (what ``certified_frontier`` needs for its rounding-safe lower bound).

    For toylands' own landscapes and an integer seed (or none) the map is remembered on disk,
    keyed by the landscape, every argument and the code (``toylands._cache``, never stale): the
    same call in another process or run reads the same bits back.
    """
    box = _check_domain(landscape, domain)
    gen = _rng(rng)
    n = _check_budget(budget, _default_budget(landscape))

    def compute():
        return _region_map(landscape, box, gen, n, rounds, rtol, alphas, quiet, f_i_lower,
                           keep_points)

    key = _remembered(landscape, box, n, rng, rounds, rtol, alphas, f_i_lower, keep_points)
    if key is None:
        return compute()
    from toylands._cache import cached

    return cached("sampled-region", key, compute)


def _remembered(landscape, box, n, rng, rounds, rtol, alphas, f_i_lower, keep_points):
    """The disk-cache key of a region map (``toylands._cache``), or ``None`` where it may not
    be remembered. A map is a function of the landscape, its arguments, the seed and the code:
    for toylands' own landscapes (:func:`toylands._registry.builtin_identity`), seeded by an
    integer (or the default seed), it is read back instead of recomputed (the report maps the
    same regions in several processes and in every run: 0.2-1.4 s each)."""
    from toylands._registry import builtin_identity

    ident = builtin_identity(landscape)
    seeded = rng is None or (isinstance(rng, (int, np.integer)) and not isinstance(rng, bool))
    plain = (isinstance(rounds, (int, np.integer)) and isinstance(rtol, (int, float))
             and (f_i_lower is None or isinstance(f_i_lower, np.ndarray)))
    if ident is None or not seeded or not plain:
        return None
    from .._digest import theory_digest

    lower = None if f_i_lower is None else np.asarray(f_i_lower, dtype=np.float64)
    return (ident, box.lo, box.hi, int(n), None if rng is None else int(rng), int(rounds),
            float(rtol), alphas, lower, bool(keep_points), theory_digest())


def _region_map(landscape, box, gen, n, rounds, rtol, alphas, quiet, f_i_lower, keep_points):
    from ..claims import claim_for

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
    if keep_points:
        info["points"] = np.concatenate([c[0] for c in cache], axis=0)
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
