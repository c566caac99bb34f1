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
- NGN needs ``f_i ≥ 0`` (MATHEMATICS.md §5, corrected: non-negative, not positive). Where
  ``f_i(x) = 0`` the step size is defined as ``γ_k = γ``: for a smooth ``f_i ≥ 0`` that point
  minimizes ``f_i``, so ``∇f_i(x) = 0`` and the update is zero (a gradient that rounding leaves
  non-zero there moves by ``γ`` times it, which keeps ``γ/(1+γL) ≤ γ_k ≤ γ``); a negative ``f_i``
  raises ``ValueError``.

The simulator calls ``rule`` (the step-size rule alone) with what :func:`sample_oracle`
evaluated, and moves the runs itself; ``step`` is the same rule with the same oracle, so a
per-run loop over ``step`` reproduces the simulator bit for bit.

Arrays: every rule and ``step`` is written once against the array API. numpy input gives numpy
output by the same operations as ever (in place where that saves a temporary at 10⁵ runs: the
same numbers); torch tensors (``simulate(..., device=...)``) give tensors on their device and in
their dtype, through the namespace of ``toylands._xp``; the state follows ``x0`` (its device and
dtype).

References: MATHEMATICS.md §5; [AB] Algorithms 1–4; SPS_max (Loizou et al. 2021), DecSPS (Orvieto et
al. 2022), NGN (Orvieto & Xiao 2024), AdaGrad-norm-max ([AB] Alg. 4).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from toylands._checked import checked
from toylands._validate import as_finite_array, as_finite_float, as_int
from toylands._xp import const, is_torch, namespace

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
    "sample_oracle",
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
    ``grad_sq`` (‖∇f_i(x^k)‖²) and, for the Polyak-type rules, ``polyak``: where the Polyak
    branch of the rule's min was the active one (None for the other rules)."""

    gamma: np.ndarray
    loss: np.ndarray
    f_i_star: np.ndarray
    grad_sq: np.ndarray
    polyak: np.ndarray | None = None


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
    ``step(landscape, x, state, i) -> (x_next, state, info)``.

    ``rule(state, loss, f_i_star, grad_sq) -> (gamma, state, polyak)`` is the step-size rule
    alone (``gamma`` a scalar where it is the same for every run); ``needs`` names what it reads
    of ``("loss", "f_i_star", "grad_sq")``, so that the simulator evaluates nothing else. ``gd``
    (full batch) has no rule.
    """

    name: str
    params: dict
    init: Callable
    step: Callable
    rule: Callable | None = None
    needs: tuple = ("loss", "f_i_star", "grad_sq")


# ---- step-size rules (vectorised over runs) ----------------------------------------------------
_HOST = (np.ndarray, np.generic, float, int, list, tuple)


def _ns(*arrays):
    """``numpy`` unless one of ``arrays`` is a tensor (the cheap test first: it runs per step),
    then that tensor's array-API namespace (``toylands._xp.namespace``)."""
    tensors = [a for a in arrays if a is not None and not isinstance(a, _HOST)]
    return np if not tensors else namespace(*tensors)


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
    xp = _ns(loss, f_i_star, grad_sq)
    if xp is np:
        num = np.asarray(np.subtract(loss, f_i_star, dtype=np.float64))  # 0-d stays an array
        np.maximum(num, 0.0, out=num)
        g2 = np.asarray(grad_sq, dtype=np.float64)
        if g2.size and g2.min() > 0.0:  # numpy's common case: in place, no mask (same numbers)
            return np.divide(num, g2, out=num)
    else:
        num, g2 = xp.maximum(loss - f_i_star, 0.0), grad_sq
    zero = g2 == 0.0
    return xp.where(zero, math.inf, num / xp.where(zero, 1.0, g2))


@checked(gamma0=_positive_kind, k=_step_kind)
def gamma_sgd_dec(gamma0: float, k: int) -> float:
    r"""Decreasing SGD step ``γ_k = γ₀ / √(k+1)`` (MATHEMATICS.md §5; [AB] Theorem 4)."""
    return gamma0 / np.sqrt(k + 1.0)


@checked(c=_positive_kind, gamma_b=_positive_kind)
def gamma_sps_max(loss, f_i_star, grad_sq, c: float, gamma_b: float):
    r"""SPS_max step ``γ_k = min{(f_i(x) − f_i*) / (c ‖∇f_i(x)‖²), γ_b}`` (MATHEMATICS.md §5, [AB]
    Alg. 2)."""
    p = polyak_ratio(loss, f_i_star, grad_sq)
    return _ns(p).minimum(p / c, gamma_b)


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
    p = polyak_ratio(loss, f_i_star, grad_sq)
    return _ns(p, c_gamma_prev).minimum(p, c_gamma_prev) / c_k


@checked(gamma=_positive_kind)
def gamma_ngn(loss, grad_sq, gamma: float):
    r"""NGN step ``γ_k = γ / (1 + γ ‖∇f_i(x)‖² / (2 f_i(x)))`` (MATHEMATICS.md §5; [AB] Theorem 3).

    Needs ``f_i ≥ 0`` (a negative loss raises ``ValueError``). Where ``f_i(x) = 0`` the rule is
    defined as ``γ_k = γ`` (MATHEMATICS.md §5, corrected): for an L-smooth ``f_i ≥ 0``,
    ``‖∇f_i‖² ≤ 2L f_i``, so ``f_i(x) = 0`` forces ``∇f_i(x) = 0`` and the update is zero whatever
    γ_k is; with this value the lemma ``γ/(1+γL) ≤ γ_k ≤ γ`` holds at every step. Where the
    gradient is 0 the ratio is 0 and ``γ_k = γ`` as well.

    Examples
    --------
    >>> gamma_ngn(np.array([0.5, 0.0]), np.array([1.0, 0.0]), 1.0).tolist()
    [0.5, 1.0]
    """
    xp = _ns(loss, grad_sq)
    if xp is np:
        f = np.asarray(loss, dtype=np.float64)
        g2 = np.asarray(grad_sq, dtype=np.float64)
        fmin = f.min() if f.size else 1.0
        negative, positive = fmin < 0, fmin > 0
    else:
        f, g2 = loss, grad_sq
        negative, positive = bool(xp.any(f < 0.0)), False  # tensors: always the masked form
    if negative:
        raise ValueError("NGN needs f_i(x) >= 0; got a negative loss")
    if positive:  # numpy's common case
        q = np.asarray(g2 / (2.0 * f))
    else:  # γ_k = γ where f_i(x) = 0: q = 0 there
        pos = f > 0.0
        q = xp.where(pos, g2 / xp.where(pos, 2.0 * f, 1.0), 0.0)
    if xp is not np:
        return gamma / (q * gamma + 1.0)
    q *= gamma  # the same operations in place
    q += 1.0
    return np.divide(gamma, q, out=q)


def _nonneg_array_kind(value, name, ctx):
    return as_finite_array(value, name, low=0.0)


@checked(gamma=_positive_kind, grad_sq=_nonneg_array_kind, c_sq_prev=_nonneg_array_kind,
         b_sq_prev=_positive_array_kind)
def gamma_adagrad_norm_max(grad_sq, c_sq_prev, b_sq_prev, gamma: float):
    r"""AdaGrad-norm-max: ``c_k² = max{c_{k−1}², ‖∇f_i‖²}``, ``b_k² = b_{k−1}² + c_k²``,
    ``γ_k = γ / b_k`` (MATHEMATICS.md §5, [AB] Alg. 4). Returns ``(γ_k, c_k², b_k²)``.

    ``b_{k−1}² > 0`` (``b_{−1} = b0 > 0``); a ``b_k²`` beyond float64 raises ``ValueError``
    (checked on numpy; on a device the check would cost a synchronisation per step).
    """
    xp = _ns(c_sq_prev, grad_sq)
    c_sq = xp.maximum(c_sq_prev, grad_sq)
    with np.errstate(over="ignore"):
        b_sq = b_sq_prev + c_sq
    if xp is np and not np.all(np.isfinite(b_sq)):
        raise ValueError("b_sq_prev + max(c_sq_prev, grad_sq) overflows float64")
    return gamma / xp.sqrt(b_sq), c_sq, b_sq


# ---- the oracle: f_i(x) and ∇f_i(x) of the sampled indices, in one call ----------------------
@checked(validate="flag")
def sample_oracle(landscape, *, validate: bool = True):
    r"""``(loss_grad, grad)``: functions of ``(x, i)`` giving ``(f_i(x), ∇f_i(x))`` and ``∇f_i(x)``
    for one index per point, in one call each.

    They call the landscape's fused kernel ``loss_grad_at`` (``toylands.Landscape`` defines it;
    a landscape may fuse the two evaluations, e.g. a radial bump computes ``‖x − c_i‖²`` once).
    ``validate=False`` calls the unvalidated kernels ``_loss_grad_at`` / ``_grad_at`` (what the
    simulator does after validating ``x⁰`` once: its indices are in range by construction and
    its iterates are checked for divergence); an object without those kernels gets the public,
    validated methods either way. Both paths evaluate the same kernels, so they agree bit for bit.
    """
    fused = getattr(landscape, "_loss_grad_at" if not validate else "loss_grad_at", None)
    grad = getattr(landscape, "_grad_at" if not validate else "grad_at", None)
    if fused is None or grad is None:
        grad = landscape.grad_at

        def fused(x, i):
            return landscape.loss_at(x, i), landscape.grad_at(x, i)

    return fused, grad


def _sq_norm(g):
    return _ns(g).einsum("...d,...d->...", g, g)


def _move(x, gamma, g):
    if np.ndim(gamma) == 0:
        return x - gamma * g
    return x - gamma[..., None] * g


def _runs(x0):
    if is_torch(x0):
        if x0.ndim < 1:
            raise ValueError("x0 must have shape (..., dim)")
        return tuple(x0.shape[:-1])
    x0 = np.asarray(x0, dtype=np.float64)
    if x0.ndim < 1:
        raise ValueError("x0 must have shape (..., dim)")
    return x0.shape[:-1]


def _per_run(x0, value: float):
    """``value`` for every run of ``x0 (..., dim)``: float64 numpy, or a tensor on ``x0``'s
    device in its dtype (the state of the adaptive rules lives with the iterates)."""
    shape = _runs(x0)
    if is_torch(x0):
        return namespace(x0).full(shape, value, dtype=x0.dtype, device=x0.device)
    return np.full(shape, value)


def _f_i_star_at(land, x, i):
    """``f_{i}*`` of the sampled indices, on ``x``'s device for a tensor."""
    if is_torch(x):
        return const(land, "f_i_star", x)[i]
    return np.asarray(land.f_i_star)[i]


def _with_rule(name: str, params: dict, init: Callable, rule: Callable, needs: tuple) -> Optimizer:
    """An optimizer from its step-size rule ``rule(state, loss, f_i*, ‖∇f_i‖²) -> (γ_k, state,
    polyak)``; ``step`` evaluates the oracle once and moves ``x − γ_k ∇f_i(x)``."""

    def step(land, x, state, i):
        loss_grad, _ = sample_oracle(land)
        loss, g = loss_grad(x, i)
        fis = _f_i_star_at(land, x, i)
        g2 = _sq_norm(g)
        gam, new, polyak = rule(state, loss, fis, g2)
        if is_torch(loss):
            xp = namespace(loss)
            gam_arr = xp.broadcast_to(xp.asarray(gam, dtype=loss.dtype, device=loss.device),
                                      tuple(loss.shape))
        else:
            gam_arr = np.broadcast_to(np.asarray(gam, dtype=np.float64), loss.shape)
        return _move(x, gam, g), new, StepInfo(gam_arr, loss, fis, g2, polyak)

    return Optimizer(name, params, init, step, rule, needs)


# The rules call the formulas above unchecked: in the simulator's loop their inputs are the
# landscape's outputs and the optimizer's parameters (validated when it was made), and the
# checks of the public functions would scan every array at every step.
_polyak_ratio = polyak_ratio.__wrapped__
_gamma_sgd_dec = gamma_sgd_dec.__wrapped__
_c_sqrt = c_sqrt.__wrapped__
_gamma_ngn = gamma_ngn.__wrapped__
_gamma_adagrad_norm_max = gamma_adagrad_norm_max.__wrapped__


def _counter_init(x0, rng=None):
    _runs(x0)
    return SGDState(0)


def sgd(gamma: float) -> Optimizer:
    r"""SGD with constant step ``γ`` (MATHEMATICS.md §5; [AB] Alg. 1, Theorem 1)."""
    gamma = _positive(gamma, "gamma")

    def rule(state, loss, fis, g2):
        return gamma, SGDState(state.k + 1), None

    return _with_rule("sgd", {"gamma": gamma}, _counter_init, rule, ())


def sgd_dec(gamma0: float) -> Optimizer:
    r"""SGD with ``γ_k = γ₀/√(k+1)`` (MATHEMATICS.md §5; [AB] Theorem 4)."""
    gamma0 = _positive(gamma0, "gamma0")

    def rule(state, loss, fis, g2):
        return float(_gamma_sgd_dec(gamma0, state.k)), SGDState(state.k + 1), None

    return _with_rule("sgd-dec", {"gamma0": gamma0}, _counter_init, rule, ())


def sps_max(c: float, gamma_b: float) -> Optimizer:
    r"""SPS_max (MATHEMATICS.md §5; [AB] Alg. 2, Theorem 2), with the landscape's true f_i*.

    ``info.polyak`` marks the runs whose Polyak step ``(f_i − f_i*)/(c‖∇f_i‖²)`` is below ``γ_b``
    (the rule is not plain SGD with step γ_b there).
    """
    c, gamma_b = _positive(c, "c"), _positive(gamma_b, "gamma_b")

    def rule(state, loss, fis, g2):
        p = _polyak_ratio(loss, fis, g2)
        p /= c
        return _ns(p).minimum(p, gamma_b), SGDState(state.k + 1), p < gamma_b

    return _with_rule("sps-max", {"c": c, "gamma_b": gamma_b}, _counter_init, rule,
                      ("loss", "f_i_star", "grad_sq"))


def dec_sps(gamma_b: float, c_scale: float = 1.0) -> Optimizer:
    r"""DecSPS with ``c_k = c_scale·√(k+1)``, ``c_{−1} = c₀``, ``γ_{−1} = γ_b`` (MATHEMATICS.md §5,
    Alg. 3).

    ``c_scale = 1`` is the paper's default (Corollary 1); other scales keep the sequence positive
    and non-decreasing, as Theorem 5 requires.

    Since ``c_{k−1}γ_{k−1} = min{c₀γ_b, ratio_0, …, ratio_{k−1}}`` (the running minimum of the
    Polyak ratios), a Polyak ratio sets the step whenever that minimum is below the cap
    ``c₀γ_b``; ``info.polyak`` marks those runs (``γ_k c_k < c₀γ_b``: the step is below the pure
    schedule ``c₀γ_b/c_k``, which DecSPS follows when no Polyak ratio ever binds).
    """
    gamma_b, c_scale = _positive(gamma_b, "gamma_b"), _positive(c_scale, "c_scale")
    cap = float(_c_sqrt(0, c_scale)) * gamma_b

    def init(x0, rng=None):
        return DecSPSState(0, _per_run(x0, cap))

    def rule(state, loss, fis, g2):
        ck = float(_c_sqrt(state.k, c_scale))
        p = _polyak_ratio(loss, fis, g2)
        cg = _ns(p).minimum(p, state.c_gamma_prev)  # c_k γ_k
        return cg / ck, DecSPSState(state.k + 1, cg), cg < cap

    return _with_rule("dec-sps", {"gamma_b": gamma_b, "c_scale": c_scale}, init, rule,
                      ("loss", "f_i_star", "grad_sq"))


def ngn(gamma: float) -> Optimizer:
    r"""NGN with constant ``γ`` (MATHEMATICS.md §5; [AB] Theorem 3). Needs every ``f_i ≥ 0``."""
    gamma = _positive(gamma, "gamma")

    def rule(state, loss, fis, g2):
        return _gamma_ngn(loss, g2, gamma), SGDState(state.k + 1), None

    return _with_rule("ngn", {"gamma": gamma}, _counter_init, rule, ("loss", "grad_sq"))


def ngn_dec(gamma: float) -> Optimizer:
    r"""NGN with ``γ`` replaced by ``γ/√(k+1)`` (MATHEMATICS.md §5; [AB] Theorem 6)."""
    gamma = _positive(gamma, "gamma")

    def rule(state, loss, fis, g2):
        g = float(_gamma_sgd_dec(gamma, state.k))
        return _gamma_ngn(loss, g2, g), SGDState(state.k + 1), None

    return _with_rule("ngn-dec", {"gamma": gamma}, _counter_init, rule, ("loss", "grad_sq"))


def adagrad_norm_max(gamma: float, b0: float) -> Optimizer:
    r"""AdaGrad-norm-max with ``c_{−1} = 0``, ``b_{−1} = b0 > 0`` (MATHEMATICS.md §5; [AB] Alg. 4,
    Thm 7)."""
    gamma, b0 = _positive(gamma, "gamma"), _positive(b0, "b0")

    def init(x0, rng=None):
        return AdaGradNormMaxState(0, _per_run(x0, 0.0), _per_run(x0, b0 * b0))

    def rule(state, loss, fis, g2):
        gam, c_sq, b_sq = _gamma_adagrad_norm_max(g2, state.c_sq, state.b_sq, gamma)
        return gam, AdaGradNormMaxState(state.k + 1, c_sq, b_sq), None

    return _with_rule("adagrad-norm-max", {"gamma": gamma, "b0": b0}, init, rule, ("grad_sq",))


def gd(eta: float) -> Optimizer:
    r"""Full-batch gradient descent ``x^{k+1} = x^k − η ∇f(x^k)`` (the local PL* theorem,
    MATHEMATICS.md §3).

    The index argument of ``step`` is ignored; ``info.loss`` is ``f(x^k)`` and ``info.f_i_star``
    is ``f*``. It has no per-sample ``rule``: the simulator calls its ``step``.
    """
    eta = _positive(eta, "eta")

    def step(land, x, state, i=None):
        loss = land.value(x)
        g = land.gradient(x)
        g2 = _sq_norm(g)
        xp = _ns(loss)
        kw = {"dtype": loss.dtype, "device": loss.device} if xp is not np else {}
        gam = xp.full(tuple(loss.shape), eta, **kw)
        info = StepInfo(gam, loss, xp.full(tuple(loss.shape), land.f_star, **kw), g2)
        return _move(x, gam, g), SGDState(state.k + 1), info

    return Optimizer("gd", {"eta": eta}, _counter_init, step)


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
