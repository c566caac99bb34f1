"""Input validation in one place: every public entry point of a landscape goes through here.

Bad input raises a ``TypeError`` (wrong kind of object) or ``ValueError`` (right kind, wrong
shape or value) whose message names the argument and what was expected, so that users never
see a traceback from deep inside numpy or a silent NaN.

Torch tensors pass through ``as_points`` unchanged (float32 or float64, any device; integer
tensors become float64) for the landscapes whose kernels are written in the array API
(``toylands._xp``); ``as_indices`` then returns int64 indices on the tensor's device.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._xp import is_torch

__all__ = [
    "as_points",
    "as_tensor_points",
    "same_library",
    "as_indices",
    "as_finite_float",
    "as_int",
    "as_labelled_data",
    "out_dtype",
    "check_params",
]


def _as_numeric_array(x, name: str) -> np.ndarray:
    try:
        arr = np.asarray(x)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"{name} must be a numeric array, got {type(x).__name__}: {exc}") from None
    if arr.dtype.kind == "b" or arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be a real numeric array, got dtype {arr.dtype}")
    return arr


def out_dtype(x) -> np.dtype:
    """The floating dtype results are returned in: float32 stays float32, all else is float64."""
    dt = getattr(x, "dtype", None)
    return np.dtype(np.float32) if dt == np.float32 else np.dtype(np.float64)


def as_points(x, dim: int, name: str = "x", *, tensors: bool = False):
    """Validate points of shape ``(..., dim)`` and return them as a finite float64 array.

    With ``tensors=True`` a torch tensor is validated and returned as a tensor
    (``as_tensor_points``); otherwise a tensor is a ``TypeError`` that says what to do.
    """
    if is_torch(x):
        if not tensors:
            raise TypeError(
                f"{name} is a torch tensor, but this landscape's kernels are numpy only; pass "
                f"a numpy array ({name}.detach().cpu().numpy())"
            )
        return as_tensor_points(x, dim, name)
    arr = _as_numeric_array(x, name)
    if arr.ndim == 0 or arr.shape[-1] != dim:
        raise ValueError(f"{name} must have shape (..., {dim}), got shape {arr.shape}")
    arr = arr.astype(np.float64, copy=False)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or inf")
    return arr


def as_tensor_points(x, dim: int, name: str = "x"):
    """Validate a torch tensor of points ``(..., dim)``: float32 or float64 kept as they are
    (same device), integer tensors converted to float64; finite. Returns the tensor."""
    import torch

    if x.dtype in (torch.float32, torch.float64):
        pass
    elif not x.dtype.is_floating_point and not x.dtype.is_complex and x.dtype != torch.bool:
        x = x.to(torch.float64)
    else:
        raise TypeError(
            f"{name} must be a real tensor of dtype float32 or float64 (or integer), got "
            f"{x.dtype}; convert it with {name}.double() or {name}.float()"
        )
    if x.ndim == 0 or x.shape[-1] != dim:
        raise ValueError(f"{name} must have shape (..., {dim}), got shape {tuple(x.shape)}")
    if x.requires_grad:
        x = x.detach()
    if not bool(torch.isfinite(x).all()):
        raise ValueError(f"{name} contains NaN or inf")
    return x


def same_library(x, v, names=("x", "v")) -> None:
    """Both numpy, or both torch tensors on one device with one dtype (else a clear error)."""
    tx, tv = is_torch(x), is_torch(v)
    if tx != tv:
        raise TypeError(f"{names[0]} and {names[1]} must both be numpy arrays or both torch "
                        f"tensors, got {type(x).__name__} and {type(v).__name__}")
    if tx and x.device != v.device:
        raise ValueError(f"{names[0]} is on {x.device} and {names[1]} on {v.device}: move one "
                         f"of them (e.g. {names[1]}.to({names[0]}.device))")
    if tx and x.dtype != v.dtype:
        raise TypeError(f"{names[0]} has dtype {x.dtype} and {names[1]} {v.dtype}: use one dtype")


def as_indices(i, batch_shape: tuple, n: int, name: str = "i", *, like=None):
    """Validate sample indices: integers in ``[0, n)`` broadcastable to ``batch_shape``.

    With a torch tensor ``like`` (the points) the result is an int64 tensor on its device.
    """
    if like is not None and is_torch(like):
        return _tensor_indices(i, batch_shape, n, name, like)
    if is_torch(i):
        raise TypeError(f"{name} is a torch tensor but the points are not: use numpy for both")
    arr = np.asarray(i)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{name} must be an integer array of sample indices, got dtype {arr.dtype}")
    if arr.size and (arr.min() < 0 or arr.max() >= n):
        raise ValueError(f"{name} must lie in [0, {n}), got values in [{arr.min()}, {arr.max()}]")
    try:
        return np.broadcast_to(arr, batch_shape).astype(np.intp, copy=False)
    except ValueError:
        raise ValueError(
            f"{name} of shape {arr.shape} does not broadcast to the batch shape {batch_shape}"
        ) from None


def _tensor_indices(i, batch_shape, n, name, like):
    import torch

    if is_torch(i):
        t = i
        if t.dtype.is_floating_point or t.dtype.is_complex or t.dtype == torch.bool:
            raise TypeError(f"{name} must be an integer tensor of sample indices, got {t.dtype}")
        t = t.to(device=like.device, dtype=torch.int64)
    else:
        arr = np.asarray(i)
        if arr.dtype.kind not in "iu":
            raise TypeError(
                f"{name} must be an integer array of sample indices, got dtype {arr.dtype}")
        t = torch.as_tensor(arr.astype(np.int64), device=like.device)
    if t.numel():
        lo, hi = int(t.min()), int(t.max())
        if lo < 0 or hi >= n:
            raise ValueError(f"{name} must lie in [0, {n}), got values in [{lo}, {hi}]")
    try:
        return torch.broadcast_to(t, tuple(batch_shape))
    except RuntimeError:
        raise ValueError(
            f"{name} of shape {tuple(t.shape)} does not broadcast to the batch shape "
            f"{tuple(batch_shape)}"
        ) from None


def as_finite_float(value, name: str, *, low=None, high=None, low_open=False) -> float:
    """A finite real scalar, optionally in ``[low, high]`` (``(low, high]`` with ``low_open``)."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    v = float(value)
    if not np.isfinite(v):
        raise ValueError(f"{name} must be finite, got {v}")
    if low is not None and (v < low or (low_open and v == low)):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low}, got {v}")
    if high is not None and v > high:
        raise ValueError(f"{name} must be <= {high}, got {v}")
    return v


def as_int(value, name: str, *, low=None, high=None) -> int:
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    v = int(value)
    if low is not None and v < low:
        raise ValueError(f"{name} must be >= {low}, got {v}")
    if high is not None and v > high:
        raise ValueError(f"{name} must be <= {high}, got {v}")
    return v


def check_params(given: dict, allowed, landscape: str) -> None:
    """Reject unknown parameter names with a message that lists the known ones."""
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        known = ", ".join(sorted(allowed)) or "none"
        raise ValueError(
            f"unknown parameter(s) {', '.join(unknown)} for landscape {landscape!r}; "
            f"it takes: {known}"
        )


def as_labelled_data(X, y, *, names=("X", "y")) -> tuple[np.ndarray, np.ndarray]:
    """Validate a data matrix ``X (n, d)`` and labels ``y (n,)`` in ``{−1, +1}``; float64 copies."""
    xn, yn = names
    X, y = _as_numeric_array(X, xn), _as_numeric_array(y, yn)
    if X.ndim != 2 or X.shape[0] < 1:
        raise ValueError(f"{xn} must have shape (n, d), got {X.shape}")
    if y.shape != (X.shape[0],):
        raise ValueError(f"{yn} must have shape ({X.shape[0]},), got {y.shape}")
    X = np.ascontiguousarray(X, dtype=np.float64)
    y = np.ascontiguousarray(y, dtype=np.float64)
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{xn} contains NaN or inf")
    if not np.all(np.abs(y) == 1.0):
        raise ValueError(
            f"labels {yn} must be -1 or +1 (the paper's {{0, 1}} labels must be mapped)"
        )
    return X, y
