"""Tolerances that hold on any machine: scaled to the magnitudes a computation combines.

Two evaluations of the same formula by different routes (a BLAS product against an einsum, a
batched kernel against a per-index one) differ by rounding, and rounding is relative to the
*terms combined*, not to the result: ``f_i = ½ (a_i·x − b_i)²`` near its zero is the square of a
small difference of large products. To first order, rounding the inputs of ``f_i(x)`` by one ulp
moves it by ``‖∇f_i(x)‖ ‖x‖ ε``; so the scale of a loss is ``|f_i(x)| + ‖∇f_i(x)‖ ‖x‖``, of a
gradient ``‖∇f_i(x)‖ + L ‖x‖`` (L bounds the Hessian), and a tolerance is a number of ulps of
that scale, growing with the number of terms summed (the dimension and n).
"""

from __future__ import annotations

import numpy as np

EPS = float(np.finfo(np.float64).eps)

__all__ = ["EPS", "assert_rounding_close", "loss_scale", "grad_scale", "ulps_for"]


def ulps_for(land) -> float:
    """Ulps allowed for sums over the dimension and the samples (generous, machine-independent)."""
    return 64.0 * (land.dim + land.n)


def loss_scale(land, x) -> np.ndarray:
    """``|f_i(x)| + ‖∇f_i(x)‖ ‖x‖ + 1e-300``, shape ``(N, n)``."""
    g = np.linalg.norm(land.grads(x), axis=-1)
    return np.abs(land.losses(x)) + g * np.linalg.norm(x, axis=-1, keepdims=True) + 1e-300


def grad_scale(land, x) -> np.ndarray:
    """``‖∇f_i(x)‖ + L ‖x‖ + 1e-300`` per point and sample, shape ``(N, n, 1)``."""
    L = land.smoothness().L
    L = L if np.isfinite(L) else 0.0
    g = np.linalg.norm(land.grads(x), axis=-1)
    return (g + L * np.linalg.norm(x, axis=-1, keepdims=True) + 1e-300)[..., None]


def assert_rounding_close(actual, desired, scale, ulps: float, *, rtol: float = 0.0, what=""):
    """``|actual − desired| ≤ ulps·ε·scale + rtol·|desired|`` elementwise (scale broadcasts)."""
    actual, desired = np.asarray(actual, float), np.asarray(desired, float)
    tol = ulps * EPS * np.broadcast_to(scale, desired.shape) + rtol * np.abs(desired)
    err = np.abs(actual - desired)
    bad = ~(err <= tol)
    if bad.any():
        k = np.unravel_index(np.argmax(np.where(bad, err / tol, -1.0)), err.shape)
        raise AssertionError(
            f"{what}: {int(bad.sum())} of {err.size} entries differ beyond rounding; worst at "
            f"{k}: |{actual[k]!r} − {desired[k]!r}| = {err[k]:.3g} > tolerance {tol[k]:.3g}"
        )
