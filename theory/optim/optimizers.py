r"""Step-size rules of [AB Alg. 1–4] as pure ``init``/``step`` pairs (MATHEMATICS.md §5).

Every stochastic method samples one index ``i_k`` per run and steps

.. math:: x^{k+1} = x^k - \gamma_k \nabla f_{i_k}(x^k).

An optimizer is an :class:`Optimizer` ``(name, params, init, step)`` in the optax style:

- ``init(x0, rng=None) -> state``: ``x0`` has shape ``(R, dim)`` (``R`` runs); the state is a
  NamedTuple holding the step counter and any per-run adaptive quantities (shape ``(R,)``);
  ``rng`` is accepted for the design contract and unused (no rule here draws random numbers:
  the simulator draws the indices);
- ``step(landscape, x, state, i) -> (x_next, state, info)``: ``i`` has shape ``(R,)`` (one
  sampled index per run; ignored by full-batch :func:`gd`); ``info`` is a :class:`StepInfo`
  with the step size ``gamma`` ``(R,)``, ``f_i(x)``, ``f_i*`` and ``‖∇f_i(x)‖²``.

No hidden state: the same inputs give the same outputs. The step-size rule of each method is
its own function named after the paper's symbols (:func:`gamma_sgd_dec`, :func:`gamma_sps_max`,
:func:`gamma_dec_sps`, :func:`gamma_ngn`, :func:`gamma_adagrad_norm_max`), vectorised over runs.
The Polyak-type rules read the landscape's exact ``f_i_star`` — never a silent 0.

Degenerate cases (defined here, tested in ``tests/test_optimizers.py``)
------------------------------------------------------------------------
- **Zero gradient** ``∇f_{i_k}(x^k) = 0``: the step ``x^{k+1} − x^k`` is 0 for every method.
  The recorded step size is the limit of the rule as ``‖∇f_i‖ → 0``: the Polyak ratio
  ``(f_i − f_i*)/‖∇f_i‖²`` is taken as ``+∞`` (so SPS_max gives ``γ_b`` and DecSPS gives
  ``c_{k−1}γ_{k−1}/c_k``), NGN gives ``γ`` (resp. ``γ/√(k+1)``), AdaGrad-norm-max keeps
  ``c_k = c_{k−1}``. These values keep the step-size lemmas of MATHEMATICS.md §6 true.
- ``f_i(x) = f_i*``: the Polyak numerator is 0. For a differentiable f_i this is a minimizer of
  f_i, so ``∇f_i = 0`` and the step is 0 (the case above). If rounding gives ``f_i − f_i* ≤ 0``
  with a non-zero gradient, the numerator is clipped at 0 and the step size is 0.
- NGN needs ``f_i ≥ 0`` (MATHEMATICS.md §5); at ``f_i = 0`` with a non-zero gradient the rule's
  limit is ``γ_k = 0``; a negative ``f_i`` raises ``ValueError``.

References: MATHEMATICS.md §5; [AB] Algorithms 1–4; SPS_max (Loizou et al. 2021), DecSPS (Orvieto et
al. 2022), NGN (Orvieto & Xiao 2024), AdaGrad-norm-max ([AB] Alg. 4).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from toylands._checked import checked
from toylands._validate import as_finite_array, as_finite_float, as_int

__all__ = [
    "Optimizer",
    "StepInfo",
    "SGDState",
    "DecSPSState",
    "AdaGradNormMaxState",
    "gamma_sgd_dec",
    "gamma_sps_max",
    "gamma_dec_sps",
    "gamma_ngn",
    "gamma_adagrad_norm_max",
    "polyak_ratio",
    "c_sqrt",
    "sgd",
    "sgd_dec",
    "sps_max",
    "dec_sps",
    "ngn",
    "ngn_dec",
    "adagrad_norm_max",
    "gd",
    "OPTIMIZERS",
    "make",
]


class StepInfo(NamedTuple):
    """What one step used, per run: ``gamma`` (γ_k), ``loss`` (f_i(x^k)), ``f_i_star``,
    ``grad_sq`` (‖∇f_i(x^k)‖²)."""

    gamma: np.ndarray
    loss: np.ndarray
    f_i_star: np.ndarray
    grad_sq: np.ndarray


class SGDState(NamedTuple):
    """Step counter ``k`` (the state of SGD, SGD-dec, SPS_max, NGN, NGN-dec and GD)."""

    k: int


class DecSPSState(NamedTuple):
    """``k`` and ``c_{k−1} γ_{k−1}`` per run (starts at ``c_{−1} γ_{−1} = c₀ γ_b``)."""

    k: int
    c_gamma_prev: np.ndarray


class AdaGradNormMaxState(NamedTuple):
    """``k``, ``c_{k−1}²`` and ``b_{k−1}²`` per run (start ``c_{−1} = 0``, ``b_{−1} = b0``)."""

    k: int
    c_sq: np.ndarray
    b_sq: np.ndarray


class Optimizer(NamedTuple):
    """A pure optimizer: ``init(x0, rng=None) -> state``;
    ``step(landscape, x, state, i) -> (x_next, state, info)``."""

    name: str
    params: dict
    init: Callable
    step: Callable


# ---- step-size rules (vectorised over runs) ----------------------------------------------------
def _positive_kind(value, name, ctx):
    return _positive(value, name)


def _positive_array_kind(value, name, ctx):
    arr = as_finite_array(value, name)
    if np.any(arr <= 0):
        raise ValueError(f"{name} must be positive")
    return arr


def _step_kind(value, name, ctx):
    return as_int(value, name, low=0, high=2**53)


def _steps_kind(value, name, ctx):
    arr = as_finite_array(value, name, low=0.0)
    if np.any(arr != np.floor(arr)):
        raise ValueError(f"{name} must hold step counts (integers >= 0)")
    return arr


def _positive(value, name):
    return as_finite_float(value, name, low=0.0, low_open=True, why="a positive finite number")


@checked()
def polyak_ratio(loss, f_i_star, grad_sq):
    r"""``(f_i(x) − f_i*)_+ / ‖∇f_i(x)‖²``, taken as ``+∞`` where the gradient is 0.

    The ``+∞`` convention is the limit that keeps the SPS lemma ``γ_k ≥ min{1/(2cL), γ_b}`` true
    (by L-smoothness the ratio is always ``≥ 1/(2L)``); see the module docstring.
    """
    num = np.maximum(np.asarray(loss, dtype=np.float64) - f_i_star, 0.0)
    g2 = np.asarray(grad_sq, dtype=np.float64)
    zero = g2 == 0.0
    return np.where(zero, np.inf, num / np.where(zero, 1.0, g2))


@checked(gamma0=_positive_kind, k=_step_kind)
def gamma_sgd_dec(gamma0: float, k: int) -> float:
    r"""Decreasing SGD step ``γ_k = γ₀ / √(k+1)`` (MATHEMATICS.md §5; [AB] Theorem 4)."""
    return gamma0 / np.sqrt(k + 1.0)


@checked(c=_positive_kind, gamma_b=_positive_kind)
def gamma_sps_max(loss, f_i_star, grad_sq, c: float, gamma_b: float):
    r"""SPS_max step ``γ_k = min{(f_i(x) − f_i*) / (c ‖∇f_i(x)‖²), γ_b}`` (MATHEMATICS.md §5, [AB]
    Alg. 2)."""
    return np.minimum(polyak_ratio(loss, f_i_star, grad_sq) / c, gamma_b)


@checked(k=_steps_kind, scale=_positive_kind)
def c_sqrt(k, scale: float = 1.0):
    r"""The default DecSPS sequence ``c_k = scale · √(k+1)`` (positive, non-decreasing)."""
    with np.errstate(over="ignore"):
        c = scale * np.sqrt(np.asarray(k, dtype=np.float64) + 1.0)
    if not np.all(np.isfinite(c)):
        raise ValueError(f"c_k = scale·sqrt(k+1) overflows float64 (scale = {scale:g})")
    return c


@checked(c_k=_positive_array_kind)
def gamma_dec_sps(loss, f_i_star, grad_sq, c_k: float, c_gamma_prev):
    r"""DecSPS step ``γ_k = (1/c_k) min{(f_i − f_i*)/‖∇f_i‖², c_{k−1}γ_{k−1}}`` (MATHEMATICS.md §5).

    [AB] Alg. 3; ``c_gamma_prev`` is ``c_{k−1}γ_{k−1}`` per run.
    """
    return np.minimum(polyak_ratio(loss, f_i_star, grad_sq), c_gamma_prev) / c_k


@checked(gamma=_positive_kind)
def gamma_ngn(loss, grad_sq, gamma: float):
    r"""NGN step ``γ_k = γ / (1 + γ ‖∇f_i(x)‖² / (2 f_i(x)))`` (MATHEMATICS.md §5; [AB] Theorem 3).

    Needs ``f_i ≥ 0``. The ratio ``‖∇f_i‖²/(2 f_i)`` is 0 where the gradient is 0 and ``+∞``
    where ``f_i = 0`` with a non-zero gradient (then ``γ_k = 0``).
    """
    f = np.asarray(loss, dtype=np.float64)
    g2 = np.asarray(grad_sq, dtype=np.float64)
    if np.any(f < 0):
        raise ValueError("NGN needs f_i(x) >= 0; got a negative loss")
    zero_g = g2 == 0.0
    zero_f = (f == 0.0) & ~zero_g
    q = np.where(zero_g | zero_f, 0.0, g2 / np.where(zero_f | zero_g, 1.0, 2.0 * f))
    return np.where(zero_f, 0.0, gamma / (1.0 + gamma * q))


@checked(gamma=_positive_kind)
def gamma_adagrad_norm_max(grad_sq, c_sq_prev, b_sq_prev, gamma: float):
    r"""AdaGrad-norm-max: ``c_k² = max{c_{k−1}², ‖∇f_i‖²}``, ``b_k² = b_{k−1}² + c_k²``,
    ``γ_k = γ / b_k`` (MATHEMATICS.md §5, [AB] Alg. 4). Returns ``(γ_k, c_k², b_k²)``."""
    c_sq = np.maximum(c_sq_prev, grad_sq)
    b_sq = b_sq_prev + c_sq
    return gamma / np.sqrt(b_sq), c_sq, b_sq


# ---- the shared step ----------------------------------------------------------------------------
def _oracle(land, x, i):
    """``f_i(x)``, ``f_i*``, ``∇f_i(x)``, ``‖∇f_i(x)‖²`` for one index per run."""
    loss = land.loss_at(x, i)
    g = land.grad_at(x, i)
    return loss, land.f_i_star[i], g, np.einsum("...d,...d->...", g, g)


def _move(x, gamma, g):
    return x - gamma[..., None] * g


def _runs(x0):
    x0 = np.asarray(x0, dtype=np.float64)
    if x0.ndim < 1:
        raise ValueError("x0 must have shape (..., dim)")
    return x0.shape[:-1]


def _counter_only(name: str, params: dict, rule: Callable) -> Optimizer:
    """An optimizer whose state is the step counter alone; ``rule(loss, f_i*, ‖∇f_i‖², k)``
    gives ``γ_k`` per run."""

    def init(x0, rng=None):
        _runs(x0)
        return SGDState(0)

    def step(land, x, state, i):
        loss, fis, g, g2 = _oracle(land, x, i)
        gam = np.broadcast_to(rule(loss, fis, g2, state.k), loss.shape).astype(np.float64)
        return _move(x, gam, g), SGDState(state.k + 1), StepInfo(gam, loss, fis, g2)

    return Optimizer(name, params, init, step)


def sgd(gamma: float) -> Optimizer:
    r"""SGD with constant step ``γ`` (MATHEMATICS.md §5; [AB] Alg. 1, Theorem 1)."""
    gamma = _positive(gamma, "gamma")
    return _counter_only("sgd", {"gamma": gamma}, lambda loss, fis, g2, k: gamma)


def sgd_dec(gamma0: float) -> Optimizer:
    r"""SGD with ``γ_k = γ₀/√(k+1)`` (MATHEMATICS.md §5; [AB] Theorem 4)."""
    gamma0 = _positive(gamma0, "gamma0")
    return _counter_only(
        "sgd-dec", {"gamma0": gamma0}, lambda loss, fis, g2, k: gamma_sgd_dec(gamma0, k)
    )


def sps_max(c: float, gamma_b: float) -> Optimizer:
    r"""SPS_max (MATHEMATICS.md §5; [AB] Alg. 2, Theorem 2), with the landscape's true f_i*."""
    c, gamma_b = _positive(c, "c"), _positive(gamma_b, "gamma_b")
    return _counter_only(
        "sps-max",
        {"c": c, "gamma_b": gamma_b},
        lambda loss, fis, g2, k: gamma_sps_max(loss, fis, g2, c, gamma_b),
    )


def dec_sps(gamma_b: float, c_scale: float = 1.0) -> Optimizer:
    r"""DecSPS with ``c_k = c_scale·√(k+1)``, ``c_{−1} = c₀``, ``γ_{−1} = γ_b`` (MATHEMATICS.md §5,
    Alg. 3).

    ``c_scale = 1`` is the paper's default (Corollary 1); other scales keep the sequence positive
    and non-decreasing, as Theorem 5 requires.
    """
    gamma_b, c_scale = _positive(gamma_b, "gamma_b"), _positive(c_scale, "c_scale")

    def init(x0, rng=None):
        shape = _runs(x0)
        return DecSPSState(0, np.full(shape, float(c_sqrt(0, c_scale)) * gamma_b))

    def step(land, x, state, i):
        loss, fis, g, g2 = _oracle(land, x, i)
        ck = float(c_sqrt(state.k, c_scale))
        gam = gamma_dec_sps(loss, fis, g2, ck, state.c_gamma_prev)
        new = DecSPSState(state.k + 1, ck * gam)
        return _move(x, gam, g), new, StepInfo(gam, loss, fis, g2)

    return Optimizer("dec-sps", {"gamma_b": gamma_b, "c_scale": c_scale}, init, step)


def ngn(gamma: float) -> Optimizer:
    r"""NGN with constant ``γ`` (MATHEMATICS.md §5; [AB] Theorem 3). Needs every ``f_i ≥ 0``."""
    gamma = _positive(gamma, "gamma")
    return _counter_only(
        "ngn", {"gamma": gamma}, lambda loss, fis, g2, k: gamma_ngn(loss, g2, gamma)
    )


def ngn_dec(gamma: float) -> Optimizer:
    r"""NGN with ``γ`` replaced by ``γ/√(k+1)`` (MATHEMATICS.md §5; [AB] Theorem 6)."""
    gamma = _positive(gamma, "gamma")
    return _counter_only(
        "ngn-dec",
        {"gamma": gamma},
        lambda loss, fis, g2, k: gamma_ngn(loss, g2, gamma_sgd_dec(gamma, k)),
    )


def adagrad_norm_max(gamma: float, b0: float) -> Optimizer:
    r"""AdaGrad-norm-max with ``c_{−1} = 0``, ``b_{−1} = b0 > 0`` (MATHEMATICS.md §5; [AB] Alg. 4,
    Thm 7)."""
    gamma, b0 = _positive(gamma, "gamma"), _positive(b0, "b0")

    def init(x0, rng=None):
        shape = _runs(x0)
        return AdaGradNormMaxState(0, np.zeros(shape), np.full(shape, b0 * b0))

    def step(land, x, state, i):
        loss, fis, g, g2 = _oracle(land, x, i)
        gam, c_sq, b_sq = gamma_adagrad_norm_max(g2, state.c_sq, state.b_sq, gamma)
        new = AdaGradNormMaxState(state.k + 1, c_sq, b_sq)
        return _move(x, gam, g), new, StepInfo(gam, loss, fis, g2)

    return Optimizer("adagrad-norm-max", {"gamma": gamma, "b0": b0}, init, step)


def gd(eta: float) -> Optimizer:
    r"""Full-batch gradient descent ``x^{k+1} = x^k − η ∇f(x^k)`` (the local PL* theorem,
    MATHEMATICS.md §3).

    The index argument of ``step`` is ignored; ``info.loss`` is ``f(x^k)`` and ``info.f_i_star``
    is ``f*``.
    """
    eta = _positive(eta, "eta")

    def init(x0, rng=None):
        _runs(x0)
        return SGDState(0)

    def step(land, x, state, i=None):
        loss = land.value(x)
        g = land.gradient(x)
        g2 = np.einsum("...d,...d->...", g, g)
        gam = np.full(loss.shape, eta)
        info = StepInfo(gam, loss, np.full(loss.shape, land.f_star), g2)
        return _move(x, gam, g), SGDState(state.k + 1), info

    return Optimizer("gd", {"eta": eta}, init, step)


# name -> (factory, parameter names in CLI order)
OPTIMIZERS: dict[str, Callable[..., Optimizer]] = {
    "sgd": sgd,
    "sgd-dec": sgd_dec,
    "sps-max": sps_max,
    "dec-sps": dec_sps,
    "ngn": ngn,
    "ngn-dec": ngn_dec,
    "adagrad-norm-max": adagrad_norm_max,
    "gd": gd,
}


def make(name: str, **params) -> Optimizer:
    """Build optimizer ``name`` (one of :data:`OPTIMIZERS`) with its parameters.

    Examples
    --------
    >>> make("sps-max", c=1.0, gamma_b=0.5).params
    {'c': 1.0, 'gamma_b': 0.5}
    """
    if not isinstance(name, str) or name not in OPTIMIZERS:
        shown = repr(name) if isinstance(name, str) else f"of type {type(name).__name__}"
        raise ValueError(f"unknown optimizer {shown}; known: {', '.join(OPTIMIZERS)}")
    try:
        return OPTIMIZERS[name](**params)
    except TypeError as exc:
        raise ValueError(f"bad parameters for optimizer {name}: {exc}") from None
