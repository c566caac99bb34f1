r"""Step settings per theorem and the theorem's bound at them (MATHEMATICS.md §6).

- :func:`step_settings`: the optimizer and its parameters for a theorem at a step scale
  (1 = the largest step the theorem allows; for the Polyak-type rules, a cap at which the
  Polyak step binds), from (α, β) and L.
- :func:`nonnegative`: whether every f_i ≥ 0 (NGN's hypothesis), from the landscape's data.
- ``_bound``: the theorem's whole bound (:mod:`theory.optim.bounds`) at those parameters; raises
  :class:`theory.optim.bounds.HypothesisError` where a hypothesis fails.
- ``_theorem_key``: the canonical theorem key ("1" … "7", "C1").

Private helpers of :mod:`theory.optim.compare` (which re-exports :func:`step_settings`).
"""

from __future__ import annotations

import math

import numpy as np

from toylands._checked import checked
from toylands._validate import as_finite_float

from . import bounds as B
from . import optimizers as O

__all__ = ["step_settings", "nonnegative"]


def _theorem_key(theorem) -> str:
    t = str(theorem).strip().upper().replace("COROLLARY", "C").replace("COR", "C")
    if t not in B.THEOREMS:
        raise ValueError(f"unknown theorem {theorem!r}; known: {', '.join(B.THEOREMS)}")
    return t


@checked()
def nonnegative(landscape) -> bool:
    r"""Whether every ``f_i ≥ 0`` on all of ``R^dim`` (NGN's hypothesis, MATHEMATICS.md §5, §6).

    ``f_i*`` is the infimum of ``f_i``, so every ``f_i ≥ 0`` exactly when every ``f_i* ≥ 0``; a
    ground truth solved to tolerance counts only when ``f_i* − error ≥ 0``. A landscape flagged
    ``positive`` (every f_i > 0) qualifies as well.

    >>> import toylands
    >>> nonnegative(toylands.get("example6")), nonnegative(toylands.get("half-space"))
    (True, True)
    """
    if getattr(landscape, "positive", False):
        return True
    fis = np.asarray(landscape.f_i_star, dtype=np.float64)
    prov = getattr(landscape, "provenance", {}).get("f_i_star")
    err = float(getattr(prov, "error", 0.0) or 0.0)
    return bool(fis.size and np.all(np.isfinite(fis)) and np.min(fis) - err >= 0.0)


def _positive(value, name, ctx):
    return as_finite_float(value, name, low=0.0, low_open=True)


def _nonneg(value, name, ctx):
    return as_finite_float(value, name, low=0.0)


@checked(L=_positive, scale=_positive, D0_sq=_nonneg, gamma=_positive, c=_positive,
         gamma_b=_positive, b0=_positive)
def step_settings(theorem, alpha, beta, L, scale=1.0, *, D0_sq=1.0, gamma=None, c=None,
                  gamma_b=None, b0=None):
    r"""Optimizer parameters for a theorem at step scale ``scale`` (1 = the largest allowed).

    - Theorems 1, 4: ``γ = scale·(α − β)/(2L)``;
    - Theorem 2: ``c = 1/(α − β)`` (twice the minimum 1/(2(α − β))), ``γ_b = scale/(cL)``. The
      Polyak step ``(f_i − f_i*)/(c‖∇f_i‖²)`` is at least ``1/(2cL)`` (L-smoothness), so with
      ``γ_b ≤ 1/(2cL)`` it never binds and SPS_max is SGD with step γ_b (MATHEMATICS.md §6);
      ``scale = 1`` puts γ_b at twice that floor, where the Polyak step is the active one
      wherever ``(f_i − f_i*)/‖∇f_i‖² < 1/L`` (``scale = 5``: on more than half of the steps
      on example6, example1 and least squares);
    - Theorem 5: ``c_k = c_0√(k+1)`` with ``c_0 = 1/(α − β)`` (the minimum), ``γ_b =
      scale/(c_0L)``; Corollary 1: ``c_0 = 1``, ``γ_b = scale/L``. The Polyak ratio is at least
      ``1/(2L)``, so ``c_0γ_b ≤ 1/(2L)`` would never let it bind; ``scale ≥ ½`` keeps
      ``L̃ = max{L, 1/(2c_0γ_b)} = L``;
    - Theorems 3, 6 (NGN, any γ > 0): ``γ = scale/L``;
    - Theorem 7: ``γ = scale·√D₀²`` and ``b_{−1} = 2Lγ/(α − β)`` (the minimum).

    Explicit ``gamma``, ``c``, ``gamma_b``, ``b0`` override. Returns ``(optimizer name, params)``.
    Needs ``α > β``, ``L > 0``, ``scale > 0``; a ``ValueError`` says so (a
    :class:`~theory.optim.bounds.HypothesisError` where α ≤ β or a step size is not
    representable in float64, e.g. ``L = 5e-324``).
    """
    t = _theorem_key(theorem)
    label = "Corollary 1" if t == "C1" else f"Theorem {t}"
    consts = f"alpha = {alpha:g}, beta = {beta:g}, L = {L:g}, scale = {scale:g}"
    if not alpha > beta:
        raise B.HypothesisError(label, "alpha > beta", f"alpha = {alpha:g}, beta = {beta:g}")
    try:
        name, params = _settings(t, alpha, beta, L, scale, D0_sq, gamma, c, gamma_b, b0)
    except (ZeroDivisionError, OverflowError):
        name, params = "", {"step sizes": math.inf}
    for key, v in params.items():
        if not (math.isfinite(v) and v > 0):
            raise B.HypothesisError(label, "step sizes representable in float64",
                                    f"{key} = {v:g} with {consts}")
    return name, params


def _settings(t, alpha, beta, L, scale, D0_sq, gamma, c, gamma_b, b0):
    gap = alpha - beta
    if t in ("1", "4"):
        g = scale * gap / (2 * L) if gamma is None else gamma
        return ("sgd", {"gamma": g}) if t == "1" else ("sgd-dec", {"gamma0": g})
    if t == "2":
        cc = 1.0 / gap if c is None else c
        return "sps-max", {"c": cc, "gamma_b": scale / (cc * L) if gamma_b is None else gamma_b}
    if t in ("5", "C1"):
        c0 = (1.0 / gap if t == "5" else 1.0) if c is None else c
        gb = scale / (c0 * L) if gamma_b is None else gamma_b
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
                  nonnegative=nonnegative(landscape))
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

