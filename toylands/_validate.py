r"""Input validation in one place: every public entry point of ``toylands`` and ``theory`` checks
its arguments with these helpers.

Bad input raises a ``TypeError`` (wrong kind of object) or ``ValueError`` (right kind, wrong
shape or value) whose message names the argument and says what is allowed, so that users never
see a traceback from deep inside numpy, an ``OverflowError`` from ``float(10**400)``, a silent
NaN, or a ``MemoryError`` after minutes of swapping.

Sizes are refused *before* anything is allocated: :func:`check_memory` compares an estimate of
the bytes a call needs with :data:`MAX_BYTES` (4 GiB; the environment variable
``TOYLANDS_MAX_BYTES`` raises or lowers it), and :func:`check_work` compares an estimate of the
elementary operations with :data:`MAX_WORK` (``1e11``: about a minute on an idle core, a few
minutes on a busy two-core machine; ``TOYLANDS_MAX_WORK``). The estimates are per-family
formulas of the sizes (README "Limits"), calibrated by timing, accurate to a small factor. Both
messages say what was asked, what it would need, and the limit.

Torch tensors pass through ``as_points`` unchanged (float32 or float64, any device; integer
tensors become float64) for the landscapes whose kernels are written in the array API
(``toylands._xp``); ``as_indices`` then returns int64 indices on the tensor's device.

The conventions that check a function's arguments by their names (``@checked``) live in
``toylands._checked``, which also knows the landscape and box types (this module knows none,
so that every module of the package can import it).

Examples
--------
>>> as_finite_float(2, "alpha", low=0.0)
2.0
>>> as_finite_float(10**400, "alpha")
Traceback (most recent call last):
...
ValueError: alpha must be a finite real number, got an integer too large for a float (401 digits)
>>> check_memory(8 * 10**12, "x0 (10^12 runs)")
Traceback (most recent call last):
...
ValueError: x0 (10^12 runs) would need 7.28 TiB of memory; the limit is 4 GiB (TOYLANDS_MAX_BYTES)
"""

from __future__ import annotations

import math
import numbers
import os

import numpy as np

from ._xp import is_torch

__all__ = [
    "as_points",
    "as_tensor_points",
    "same_library",
    "as_indices",
    "as_finite_float",
    "as_int",
    "as_flag",
    "as_choice",
    "as_rng",
    "as_labelled_data",
    "as_data",
    "as_finite_array",
    "out_dtype",
    "check_params",
    "check_memory",
    "check_work",
    "work_limit",
    "check_finite_output",
    "MAX_BYTES",
    "MAX_WORK",
    "fmt_bytes",
]

# The largest allocation a call may make, and the largest amount of work (floating-point
# operations, estimated from the parameters) it may start; see the module docstring.
MAX_BYTES = 4 * 2**30
MAX_WORK = 1e11


def _limit(env: str, default: float) -> float:
    raw = os.environ.get(env)
    if raw is None:
        return default
    try:
        v = float(raw)
    except ValueError:
        raise ValueError(f"{env} must be a number, got {raw!r}") from None
    if not (math.isfinite(v) and v > 0):
        raise ValueError(f"{env} must be a positive finite number, got {raw!r}")
    return v


def fmt_bytes(n: float) -> str:
    """``8 * 2**30 -> '8 GiB'``: a size in the unit that keeps it readable."""
    n = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(n) < 1024 or unit == "PiB":
            return f"{n:.3g} {unit}" if unit != "B" else f"{n:.0f} B"
        n /= 1024
    return f"{n:.3g} PiB"  # pragma: no cover


def _as_size(v) -> float:
    """An estimate as a float; an integer beyond float64 is +inf (it is refused anyway)."""
    try:
        return float(v)
    except OverflowError:
        return math.inf


def check_memory(nbytes, what: str) -> None:
    """Refuse an allocation of about ``nbytes`` bytes above :data:`MAX_BYTES` (module docstring)."""
    limit = _limit("TOYLANDS_MAX_BYTES", MAX_BYTES)
    nbytes = _as_size(nbytes)
    if not nbytes <= limit:
        raise ValueError(
            f"{what} would need {fmt_bytes(nbytes)} of memory; the limit is {fmt_bytes(limit)} "
            "(TOYLANDS_MAX_BYTES)"
        )


def work_limit() -> float:
    """The work limit in force: ``TOYLANDS_MAX_WORK`` if set, else :data:`MAX_WORK` (for a
    factory that sizes a default to it, e.g. the starts of two-layer-relu)."""
    return _limit("TOYLANDS_MAX_WORK", MAX_WORK)


def check_work(ops, what: str) -> None:
    """Refuse a computation of about ``ops`` floating-point operations above :data:`MAX_WORK`."""
    limit = work_limit()
    ops = _as_size(ops)
    if not ops <= limit:
        raise ValueError(
            f"{what} would take about {ops:.2g} operations, more than the limit {limit:.2g} "
            "(minutes of computing; TOYLANDS_MAX_WORK raises it)"
        )


# ---- scalars ------------------------------------------------------------------------------------
def _scalar(value):
    """A 0-d numeric array as its scalar; everything else unchanged."""
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "biuf":
        return value[()]
    return value


def as_finite_float(
    value, name: str, *, low=None, high=None, low_open=False, high_open=False, why: str = ""
) -> float:
    """A finite real scalar, optionally in ``[low, high]`` (open ends with ``low_open`` /
    ``high_open``). ``why``, if given, is appended to a range error (the reason for the limit)."""
    value = _scalar(value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (numbers.Real, np.floating, np.integer)
    ):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    try:
        v = float(value)
    except OverflowError:
        digits = len(str(abs(int(value))))
        raise ValueError(
            f"{name} must be a finite real number, got an integer too large for a float "
            f"({digits} digits)"
        ) from None
    reason = f" ({why})" if why else ""
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite, got {v}{reason}")
    if low is not None and (v < low or (low_open and v == low)):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low:g}, got {v:g}{reason}")
    if high is not None and (v > high or (high_open and v == high)):
        raise ValueError(f"{name} must be {'<' if high_open else '<='} {high:g}, got {v:g}{reason}")
    return v


def as_int(value, name: str, *, low=None, high=None, why: str = "") -> int:
    """An integer (Python or numpy; not a bool, not a float such as ``2.0``), optionally in
    ``[low, high]``."""
    value = _scalar(value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, np.integer)):
        got = f"{value!r}" if isinstance(value, (float, np.floating)) else type(value).__name__
        raise TypeError(f"{name} must be an integer, got {got}")
    v = int(value)
    reason = f" ({why})" if why else ""
    if low is not None and v < low:
        raise ValueError(f"{name} must be >= {low}, got {_short(v)}{reason}")
    if high is not None and v > high:
        raise ValueError(f"{name} must be <= {high:_}, got {_short(v)}{reason}")
    return v


def _short(v: int) -> str:
    s = str(v)
    return s if len(s) <= 24 else f"an integer of {len(s.lstrip('-'))} digits"


def as_flag(value, name: str) -> bool:
    """A bool (or numpy bool); ints and strings are refused (``"False"`` is truthy)."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise TypeError(f"{name} must be True or False, got {type(value).__name__}")


def as_choice(value, name: str, choices) -> str:
    """One of ``choices`` (strings)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, one of {', '.join(map(str, choices))}")
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(str, choices))}; got {value!r}")
    return value


def as_rng(rng, name: str = "rng", *, default_seed: int | None = 0) -> np.random.Generator:
    """A ``numpy.random.Generator``, from a Generator, a non-negative int seed or None
    (``default_rng(default_seed)``; with ``default_seed=None`` None is refused)."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None and default_seed is not None:
        return np.random.default_rng(default_seed)
    if isinstance(rng, (numbers.Integral, np.integer)) and not isinstance(rng, (bool, np.bool_)):
        return np.random.default_rng(as_int(rng, name, low=0))
    allowed = "a numpy.random.Generator or a non-negative int seed"
    raise TypeError(f"{name} must be {allowed}{' or None' if default_seed is not None else ''}, "
                    f"got {type(rng).__name__}")


# ---- arrays -------------------------------------------------------------------------------------
def _as_numeric_array(x, name: str) -> np.ndarray:
    if isinstance(x, (str, bytes, dict, set)) or x is None:
        raise TypeError(f"{name} must be a numeric array, got {type(x).__name__}")
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError, OverflowError) as exc:  # ragged lists and the like
        raise TypeError(f"{name} must be a numeric array, got {type(x).__name__}: {exc}") from None
    if arr.dtype == object:
        raise TypeError(
            f"{name} must be a real numeric array, got dtype object (ragged nesting, or "
            "integers too large for float64)"
        )
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be a real numeric array, got dtype {arr.dtype}")
    return arr


def as_finite_array(x, name: str, *, ndim=None, shape=None, low=None) -> np.ndarray:
    """A finite float64 array (a copy where conversion is needed), optionally of ``ndim`` /
    ``shape`` (``None`` entries of ``shape`` match any length) and ``>= low``."""
    arr = _as_numeric_array(x, name).astype(np.float64, copy=False)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {arr.shape}")
    if shape is not None and (
        arr.ndim != len(shape) or any(s is not None and s != a for s, a in zip(shape, arr.shape))
    ):
        want = "(" + ", ".join("…" if s is None else str(s) for s in shape) + ")"
        raise ValueError(f"{name} must have shape {want}, got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or inf")
    if low is not None and arr.size and arr.min() < low:
        raise ValueError(f"{name} must be >= {low:g} everywhere, got {arr.min():g}")
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


def check_finite_output(out: np.ndarray, x, what: str, landscape: str) -> np.ndarray:
    """Refuse a non-finite result of a landscape's formulas at finite points ``x``.

    Every formula of the built-in landscapes is finite on a box around its data (README
    "Limits"); far outside it a sum or a square overflows. Rather than return inf or NaN, the
    evaluation raises a ``ValueError`` naming the point's size (``x``: an array, or a tuple of
    arrays such as ``(x, v)``, only read then). A cheap sum detects the rare bad case; the
    exact test only runs then.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.add.reduce(out, axis=None) if out.size else 0.0
    if np.isfinite(total) or np.all(np.isfinite(out)):
        return out
    big = max((float(np.max(np.abs(a))) for a in (x if isinstance(x, tuple) else (x,))
               if a.size), default=0.0)
    raise ValueError(
        f"{landscape}: {what} is not finite in float64 at x with max |x_j| = {big:.3g}: x lies "
        "outside the range where the landscape's formulas are finite (README \"Limits\")"
    )


def as_indices(i, batch_shape: tuple, n: int, name: str = "i", *, like=None):
    """Validate sample indices: integers in ``[0, n)`` broadcastable to ``batch_shape``.

    With a torch tensor ``like`` (the points) the result is an int64 tensor on its device.
    """
    if like is not None and is_torch(like):
        return _tensor_indices(i, batch_shape, n, name, like)
    if is_torch(i):
        raise TypeError(f"{name} is a torch tensor but the points are not: use numpy for both")
    if isinstance(i, (str, bytes)) or i is None:
        raise TypeError(
            f"{name} must be an integer array of sample indices, got {type(i).__name__}"
        )
    try:
        arr = np.asarray(i)
    except (ValueError, TypeError, OverflowError):
        raise TypeError(f"{name} must be an integer array of sample indices") from None
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


def check_params(given: dict, allowed, landscape: str) -> None:
    """Reject unknown parameter names with a message that lists the known ones."""
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        known = ", ".join(sorted(allowed)) or "none"
        raise ValueError(
            f"unknown parameter(s) {', '.join(unknown)} for landscape {landscape!r}; "
            f"it takes: {known}"
        )


# Data entries must be 0 or of magnitude in [DATA_MIN, DATA_MAX]: products of a few of them
# (and their squares in the losses) then stay normal float64 numbers.
DATA_MIN, DATA_MAX = 1e-100, 1e100


def as_data(X: np.ndarray, name: str) -> np.ndarray:
    """Refuse data entries that are subnormal-small or huge (see ``DATA_MIN``, ``DATA_MAX``)."""
    a = np.abs(X[X != 0])
    if a.size and (a.min() < DATA_MIN or a.max() > DATA_MAX):
        raise ValueError(
            f"{name} must have entries 0 or of magnitude in [{DATA_MIN:g}, {DATA_MAX:g}], got "
            f"[{a.min():.3g}, {a.max():.3g}]: rescale the data (outside that range the "
            "landscape's formulas lose all precision or overflow in float64)"
        )
    return X


def as_labelled_data(X, y, *, names=("X", "y")) -> tuple[np.ndarray, np.ndarray]:
    """Validate a data matrix ``X (n, d)`` and labels ``y (n,)`` in ``{−1, +1}``; float64 copies."""
    xn, yn = names
    X, y = _as_numeric_array(X, xn), _as_numeric_array(y, yn)
    if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"{xn} must have shape (n, d) with n, d >= 1, got {X.shape}")
    if y.shape != (X.shape[0],):
        raise ValueError(f"{yn} must have shape ({X.shape[0]},), got {y.shape}")
    X = np.ascontiguousarray(X, dtype=np.float64)
    y = np.ascontiguousarray(y, dtype=np.float64)
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{xn} contains NaN or inf")
    as_data(X, xn)
    if not np.all(np.abs(y) == 1.0):
        raise ValueError(
            f"labels {yn} must be -1 or +1 (the paper's {{0, 1}} labels must be mapped)"
        )
    return X, y
