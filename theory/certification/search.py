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


