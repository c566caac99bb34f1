r"""Ground truth of a landscape built from sympy expressions, solved when the user does not give it.

- ``solve_f_i_star``: ``f_i* = min f_i`` by a multi-start L-BFGS-B search over the domain widened
  ×2 about its centre (MATHEMATICS.md §1);
- ``critical_points``: every stationary point of ``f`` reached by batched Newton iterations
  (saddle-free, then pure) from a grid of starts, classified by the eigenvalues of ``∇²f``;
- ``solve_minimizers``: ``S`` = the minima of the smallest value among them, with ``f*``;
- ``exact_point``: a numerical minimizer made exact (rational coordinates) when ``∇f`` vanishes
  there exactly, so that the certification can use exact arithmetic at S.

All are numerical global searches: their provenance says so (``GLOBAL_SEARCH``), with the error of
the polish, and a value lower than the one found outside the searched box is not excluded.
"""

from __future__ import annotations

import numpy as np

from ._landscape import CriticalPoint
from ._profiles import classify, critical_search, dedupe
from .domain import Box

__all__ = [
    "search_box",
    "solve_f_i_star",
    "critical_points",
    "solve_minimizers",
    "exact_point",
    "TIE_RTOL",
]

TIE_RTOL = 1e-10  # minima whose values agree to this (relative) are tied global minima


def search_box(domain: Box) -> Box:
    """The domain widened ×2 about its centre: where the global searches look."""
    return Box(domain.center - domain.width, domain.center + domain.width)


def solve_f_i_star(loss_i, grad_i, domain: Box, rng, *, starts: int = 6):
    r"""``(value, point, error)`` of ``min f_i`` by multi-start L-BFGS-B over ``search_box``.

    Raises ``ValueError`` when the best point lies on the boundary of the searched box with a
    non-zero gradient (the infimum is not attained inside it: give ``f_i_star``).
    """
    from scipy.optimize import minimize

    box = search_box(domain)
    cand = np.concatenate([box.sample(rng, 256 * domain.dim), domain.grid(5)])
    vals = loss_i(cand)
    best = (np.inf, None, 0.0)
    bounds = list(zip(box.lo, box.hi))
    for x0 in cand[np.argsort(vals)[:starts]]:  # a dozen starts
        res = minimize(lambda z: float(loss_i(z)), x0, jac=lambda z: grad_i(z),
                       method="L-BFGS-B", bounds=bounds,
                       options={"maxiter": 300, "ftol": 1e-15, "gtol": 1e-12})
        z = box.clip(res.x)
        v = float(loss_i(z))
        if v < best[0]:
            best = (v, z, float(np.linalg.norm(grad_i(z))))
    v, z, g = best
    span = 1e-6 * np.max(box.width)
    on_edge = np.any((z <= box.lo + span) | (z >= box.hi - span))
    if on_edge and g > 1e-6 * (1.0 + abs(v)):
        raise ValueError(
            f"could not solve min f_i: the best point {np.round(z, 6).tolist()} is on the "
            f"boundary of the searched box {box!r} with ‖∇f_i‖ = {g:.3g} (the infimum is not "
            "attained inside it); give f_i_star"
        )
    err = 1e-12 * (1.0 + abs(v)) + g * g
    return v, z, err


def critical_points(value, gradient, hessian, domain: Box, *, per_axis: int | None = None):
    r"""Stationary points of f in ``search_box(domain)``: ``(points, values, eigenvalues, kinds)``.

    Batched Newton from a ``per_axis^d`` grid (default 25 per axis in d ≤ 2, 12 in d = 3, else
    a seeded sample of 2000 points), steps capped at a tenth of the box width; points with
    ``‖∇f‖ ≤ 1e-9·(1 + |f|)`` after the polish, deduplicated.
    """
    box = search_box(domain)
    d = domain.dim
    if per_axis is None:
        per_axis = 25 if d <= 2 else (12 if d == 3 else 0)
    starts = box.grid(per_axis) if per_axis else box.sample(np.random.default_rng(0), 2000)
    cap = 0.1 * float(np.max(box.width))
    with np.errstate(all="ignore"):
        found = critical_search(gradient, hessian, starts, cap=cap, iters=120, gtol=np.inf)
        vals = value(found)
        g = np.linalg.norm(gradient(found), axis=-1)
    ok = np.isfinite(vals) & (g <= 1e-9 * (1.0 + np.abs(vals))) & box.contains(found)
    found, vals = found[ok], vals[ok]
    if not len(found):
        return np.zeros((0, d)), np.zeros(0), np.zeros((0, d)), ()
    keep = dedupe(found, vals, tol=1e-6 * (1.0 + float(np.max(np.abs(box.lo)))))
    pts = found[keep]
    vals = value(pts)
    eigs = np.linalg.eigvalsh(hessian(pts))
    scale = 1e-8 * np.maximum(1.0, np.abs(eigs).max(axis=-1, keepdims=True))
    kinds = tuple(classify(e, tol=float(s[0])) for e, s in zip(eigs, scale))
    return pts, vals, eigs, kinds


def solve_minimizers(value, gradient, hessian, domain: Box):
    r"""``(S points, f*, error, other critical points, detail)`` from :func:`critical_points`.

    Raises ``ValueError`` when the Hessian is singular at a global minimizer (S may then be a
    continuum, which a search of points cannot describe: give ``minimizers``).
    """
    pts, vals, eigs, kinds = critical_points(value, gradient, hessian, domain)
    minima = [k for k in range(len(pts)) if kinds[k] == "local minimum"]
    degenerate = [k for k in range(len(pts)) if kinds[k] == "saddle" and eigs[k].min() >= 0]
    cands = minima + degenerate
    if not cands:
        raise ValueError("could not solve S: the search found no local minimum of f in "
                         f"{search_box(domain)!r}; give minimizers and f_star")
    fmin = min(vals[k] for k in cands)
    tie = TIE_RTOL * (1.0 + abs(fmin))
    glob = [k for k in cands if vals[k] <= fmin + tie]
    for k in glob:
        lam = eigs[k]
        if lam.min() <= 1e-8 * max(1.0, np.abs(lam).max()):
            raise ValueError(
                f"could not solve S: the Hessian of f is singular at the minimizer "
                f"{np.round(pts[k], 9).tolist()} (eigenvalues {np.round(lam, 12).tolist()}), "
                "so S may be a continuum; give minimizers (a MinimizerSet or a projection)"
            )
    S = pts[glob]
    err = max(float(np.linalg.norm(gradient(S[j : j + 1])) / eigs[k].min())
              for j, k in enumerate(glob))
    others = tuple(
        CriticalPoint(pts[k], float(vals[k]), kinds[k], eigs[k])
        for k in range(len(pts))
        if k not in glob and domain.contains(pts[k], atol=1e-9)
    )
    detail = (f"batched Newton (saddle-free, then pure) from a grid over {search_box(domain)!r}; "
              f"{len(pts)} stationary points found, {len(glob)} global")
    return S, float(np.mean(vals[glob])), max(err, 1e-15), others, detail


def exact_point(point, grad_exprs, symbols, *, tol: float = 1e-11):
    """Rational coordinates near ``point`` at which every ``∂f/∂x_k`` (rational functions only)
    is exactly 0, or None."""
    import sympy as sp

    if any(e.has(sp.exp, sp.log) or not e.is_rational_function(*symbols) for e in grad_exprs):
        return None
    q = [sp.nsimplify(float(v), rational=True, tolerance=tol) for v in point]
    if any(abs(float(a) - float(v)) > tol * (1 + abs(v)) for a, v in zip(q, point)):
        return None
    env = dict(zip(symbols, q))
    try:
        if all(sp.simplify(e.subs(env)) == 0 for e in grad_exprs):
            return tuple(q)
    except (ZeroDivisionError, TypeError):
        return None
    return None
