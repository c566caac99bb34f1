"""Vectorised local search over a box: a (1+λ) evolution strategy from many starts at once,
and a scipy polish of the best few (used by the adversarial method and by ``region_map``)."""

from __future__ import annotations

import numpy as np

from toylands.domain import Box

__all__ = ["_evolve", "_nelder_mead", "_polish"]


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
    """Local minimisation from each start: Nelder–Mead in ≤ 4 dimensions (all starts at once,
    :func:`_nelder_mead`), else scipy's L-BFGS-B with the forward-difference gradient of
    scipy's default step, its d + 1 points in one vectorised call of ``objective``."""
    from scipy.optimize import minimize

    starts = np.asarray(starts, dtype=np.float64)
    if starts.shape[-1] <= 4:
        return _nelder_mead(objective, starts, domain)
    bounds = list(zip(domain.lo, domain.hi))
    out_x, out_f, evals = [], [], 0

    def fun(z):
        return float(objective(domain.clip(z)[None])[0])

    for x0 in starts:  # a handful of starts; each run is vectorised inside objective
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


# scipy's Nelder–Mead coefficients (non-adaptive): reflection, expansion, contraction, shrink
_RHO, _CHI, _PSI, _SIGMA = 1.0, 2.0, 0.5, 0.5


def _nelder_mead(objective, starts, domain: Box, *, max_iter: int = 250, xatol: float = 1e-12,
                 fatol: float = 1e-15):
    r"""Nelder–Mead from every start at once, within the box: ``(x, f, evals)``.

    scipy's algorithm (``method="Nelder-Mead"``, non-adaptive coefficients, its initial simplex
    ``x0`` and ``x0`` with one coordinate ×1.05 (0.00025 where it is 0), reflected into the box
    and trial points clipped to it, its stopping rule ``max|x_j − x_0| ≤ xatol`` and
    ``max|f_j − f_0| ≤ fatol``), run on all simplices in lockstep: each iteration evaluates the
    reflection, expansion and both contractions of every active simplex in one call of the
    vectorised ``objective`` (scipy evaluates them one by one, as it needs them), and a shrink
    in a second call. The vertices accepted are scipy's, so each simplex follows the path
    scipy's would (up to rounding and ties in the ordering); a run uses more points than
    scipy's (four an iteration) and far fewer calls, which is what costs for the slack
    objectives here (one call of one point costs about as much as one of a hundred).
    ``max_iter`` iterations at most.
    """
    S, d = starts.shape
    lo, hi = domain.lo, domain.hi
    sim = np.repeat(starts[:, None, :], d + 1, axis=1)
    k = np.arange(d)
    col = sim[:, k + 1, k]
    sim[:, k + 1, k] = np.where(col != 0.0, (1.0 + 0.05) * col, 0.00025)
    sim = np.clip(np.where(sim > hi, 2.0 * hi - sim, sim), lo, hi)  # scipy's reflection
    f = np.asarray(objective(sim.reshape(-1, d)), dtype=np.float64).reshape(S, d + 1)
    evals = S * (d + 1)
    active = np.ones(S, dtype=bool)
    for _ in range(max_iter):
        order = np.argsort(f, axis=1, kind="stable")
        sim = np.take_along_axis(sim, order[..., None], axis=1)
        f = np.take_along_axis(f, order, axis=1)
        active &= ~((np.abs(sim[:, 1:] - sim[:, :1]).max(axis=(1, 2)) <= xatol)
                    & (np.abs(f[:, 1:] - f[:, :1]).max(axis=1) <= fatol))
        a = np.flatnonzero(active)
        if a.size == 0:
            break
        s, fs = sim[a], f[a]
        xbar = s[:, :-1].mean(axis=1)
        step = xbar - s[:, -1]
        trial = np.clip(np.stack([xbar + _RHO * step, xbar + _RHO * _CHI * step,
                                  xbar + _PSI * _RHO * step, xbar - _PSI * step]), lo, hi)
        ft = np.asarray(objective(trial.reshape(-1, d)), dtype=np.float64).reshape(4, a.size)
        evals += 4 * a.size
        fr, fe, fc, fcc = ft
        best, second, worst = fs[:, 0], fs[:, -2], fs[:, -1]
        # scipy's decision: which trial point replaces the worst vertex (-1: shrink)
        pick = np.where(
            fr < best, np.where(fe < fr, 1, 0),
            np.where(fr < second, 0,
                     np.where(fr < worst, np.where(fc <= fr, 2, -1),
                              np.where(fcc < worst, 3, -1))))
        keep = pick >= 0
        rows = np.flatnonzero(keep)
        s[rows, -1] = trial[pick[rows], rows]
        fs[rows, -1] = ft[pick[rows], rows]
        shrink = np.flatnonzero(~keep)
        if shrink.size:
            sh = s[shrink]
            sh[:, 1:] = np.clip(sh[:, :1] + _SIGMA * (sh[:, 1:] - sh[:, :1]), lo, hi)
            fs[shrink, 1:] = np.asarray(objective(sh[:, 1:].reshape(-1, d)),
                                        dtype=np.float64).reshape(shrink.size, d)
            evals += shrink.size * d
            s[shrink] = sh
        sim[a], f[a] = s, fs
    j = np.argmin(f, axis=1)
    return sim[np.arange(S), j], f[np.arange(S), j], evals
