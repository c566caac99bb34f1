"""Vectorised local search over a box: a (1+λ) evolution strategy from many starts at once,
and a scipy polish of the best few (used by the adversarial method and by ``region_map``)."""

from __future__ import annotations

import numpy as np

from toylands.domain import Box

__all__ = ["_evolve", "_polish"]


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
    """scipy local minimisation (Nelder–Mead in ≤ 4 dimensions, else L-BFGS-B with the
    forward-difference gradient of scipy's default step, its d + 1 points in one vectorised
    call of ``objective``) from each start."""
    from scipy.optimize import minimize

    bounds = list(zip(domain.lo, domain.hi))
    out_x, out_f, evals = [], [], 0

    def fun(z):
        return float(objective(domain.clip(z)[None])[0])

    for x0 in starts:  # a handful of starts; each run is vectorised inside objective
        if x0.size <= 4:
            res = minimize(fun, x0, method="Nelder-Mead", bounds=bounds,
                           options={"xatol": 1e-12, "fatol": 1e-15, "maxfev": 400})
            evals += int(res.nfev)
        else:
            # 400 points, as scipy counts its own finite differences: (d + 1) per gradient
            fg = _value_and_gradient(objective, domain)
            res = minimize(fg, x0, method="L-BFGS-B", jac=True, bounds=bounds,
                           options={"maxfun": max(400 // (x0.size + 1), 2)})
            evals += int(res.nfev) * (x0.size + 1)
        z = domain.clip(res.x)
        out_x.append(z)
        out_f.append(fun(z))
    return np.array(out_x), np.array(out_f), evals


_REL_STEP = float(np.sqrt(np.finfo(np.float64).eps))  # scipy's "2-point" relative step


def _value_and_gradient(objective, domain: Box):
    """``z -> (f(z), ∇f(z))`` by forward differences (scipy's step ``√ε·max(1, |z_k|)``, with
    the sign of ``z_k``, reversed where it would leave the box), all ``d + 1`` points in one call
    of the vectorised ``objective``: one call per gradient instead of d + 1."""

    def fg(z):
        z = domain.clip(np.asarray(z, dtype=np.float64))
        h = _REL_STEP * np.maximum(1.0, np.abs(z)) * np.where(z >= 0, 1.0, -1.0)
        h = np.where((z + h > domain.hi) | (z + h < domain.lo), -h, h)
        pts = np.repeat(z[None], z.size + 1, axis=0)
        k = np.arange(z.size)
        pts[k + 1, k] += h
        dx = pts[k + 1, k] - z  # the step actually taken (rounding)
        v = objective(pts)
        return float(v[0]), (v[1:] - v[0]) / dx

    return fg
