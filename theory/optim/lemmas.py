r"""The proof's per-step inequality and the step-size lemmas, exactly (MATHEMATICS.md §6).

- :func:`theorem1_step_inequality`: the per-step inequality of Theorem 1's proof, exactly
  (E_k is the average over the n samples).
- :func:`step_size_lemmas`: the SPS_max, DecSPS and NGN step-size lemmas along trajectories.

Both are re-exported from :mod:`theory.optim.compare`.
"""

from __future__ import annotations

import math

import numpy as np

from toylands._checked import checked
from toylands._validate import as_finite_float, as_int

from . import optimizers as O

__all__ = ["theorem1_step_inequality", "step_size_lemmas"]


def _positive(value, name, ctx):
    return as_finite_float(value, name, low=0.0, low_open=True)


def _optimizer(value, name, ctx):
    if not isinstance(value, O.Optimizer):
        raise TypeError(f"{name} must be a theory.optim.optimizers.Optimizer, got "
                        f"{type(value).__name__}")
    return value


def _generator(value, name, ctx):
    if not isinstance(value, np.random.Generator):
        raise TypeError(f"{name} must be a numpy.random.Generator, got {type(value).__name__}")
    return value


@checked(gamma=_positive, L=_positive)
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


@checked(optimizer=_optimizer, rng=_generator, L=_positive,
         steps=lambda v, n, c: as_int(v, n, low=1))
def step_size_lemmas(landscape, optimizer, x0, *, steps, rng, L):
    r"""The step-size lemmas of MATHEMATICS.md §6 along trajectories: min relative slack of each.

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
