r"""The array namespace of the kernels: one formula for numpy and torch (the array API standard).

Kernels that support torch call ``xp = namespace(x)`` and write the formula once with ``xp.``
functions and operators. For numpy input ``xp`` is ``numpy`` itself (numpy ≥ 2 implements the
standard), so the numpy path runs exactly the operations it ran before the port and gives the
same bits; for a torch tensor it is ``array_api_compat.torch`` (imported only then: torch stays
an optional extra and ``import toylands`` never imports it).

The few primitives where the standard has no spelling, or where numpy's in-place form matters
for speed at 10⁵ points, live here as small functions (``expit``, ``relu_``, ``vdot``); they
are the same mathematics on both backends, not second copies of a landscape's formula.

Ground truth (data, ``f_i*``, S) stays float64 numpy. A kernel asks for a data array through
``const(owner, name, x)``: the array itself for numpy input, a cached copy on the tensor's
device and in its dtype for torch input.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "namespace",
    "is_torch",
    "is_numpy_namespace",
    "expit",
    "relu_",
    "vdot",
    "const",
    "to_numpy64",
    "like",
]

# numpy >= 2 is its own array-API namespace; older numpy goes through the compat wrapper.
_NUMPY_IS_STANDARD = hasattr(np, "concat") and hasattr(np, "matrix_transpose")


def is_torch(x) -> bool:
    """True for a ``torch.Tensor`` (checked without importing torch)."""
    if isinstance(x, (np.ndarray, np.generic, float, int, list, tuple)):
        return False
    import array_api_compat

    return bool(array_api_compat.is_torch_array(x))


def namespace(*arrays):
    """The array namespace of ``arrays``: ``numpy`` for numpy input, the compat torch
    namespace for tensors. Mixing numpy arrays and tensors is a ``TypeError``."""
    if all(isinstance(a, (np.ndarray, np.generic, float, int)) for a in arrays):
        if _NUMPY_IS_STANDARD:
            return np
        import array_api_compat

        return array_api_compat.array_namespace(*arrays)
    import array_api_compat

    try:
        return array_api_compat.array_namespace(*arrays)
    except TypeError as exc:
        raise TypeError(f"arrays of different libraries cannot be mixed: {exc}") from None


def is_numpy_namespace(xp) -> bool:
    return xp is np or getattr(xp, "__name__", "") == "array_api_compat.numpy"


def expit(xp, z):
    """The logistic sigmoid ``1 / (1 + e^{−z})``: scipy's ``expit`` or ``torch.sigmoid``."""
    if is_numpy_namespace(xp):
        from scipy.special import expit as np_expit  # scipy.special costs 0.4 s to import

        return np_expit(z)
    return xp.sigmoid(z)


def relu_(xp, z):
    """``max(z, 0)`` in place (numpy ``out=``, torch ``clamp_min_``); returns ``z``."""
    if is_numpy_namespace(xp):
        return np.maximum(z, 0.0, out=z)
    return z.clamp_min_(0.0)


def vdot(xp, a, b):
    """``Σ_d a[..., d] b[..., d]`` (``einsum("...d,...d->...")`` on both backends)."""
    return xp.einsum("...d,...d->...", a, b)


def const(owner, name: str, x):
    """``getattr(owner, name)`` (a float64 numpy array) for numpy ``x``; for a tensor ``x`` the
    same data on ``x``'s device in ``x``'s dtype (integer arrays keep int64), cached on
    ``owner`` per (name, device, dtype)."""
    arr = getattr(owner, name)
    if isinstance(x, np.ndarray):
        return arr
    cache = owner.__dict__.setdefault("_xp_constants", {})
    key = (name, str(x.device), x.dtype)
    out = cache.get(key)
    if out is None:
        import torch

        a = np.asarray(arr)
        dtype = torch.int64 if a.dtype.kind in "iu" else (torch.bool if a.dtype.kind == "b"
                                                           else x.dtype)
        out = torch.as_tensor(np.array(a, copy=True, order="C"), dtype=dtype, device=x.device)
        cache[key] = out
    return out


def to_numpy64(x) -> np.ndarray:
    """A float64 numpy copy of an array or tensor (detached, on the host)."""
    if isinstance(x, np.ndarray):
        return np.asarray(x, dtype=np.float64)
    if is_torch(x):
        return x.detach().to("cpu").double().numpy()
    return np.asarray(x, dtype=np.float64)


def like(arr, x):
    """``arr`` (numpy) as an array of ``x``'s library, device and (floating) dtype."""
    if isinstance(x, np.ndarray) or not is_torch(x):
        return arr
    import torch

    a = np.asarray(arr)
    dtype = x.dtype if a.dtype.kind == "f" else None
    return torch.as_tensor(np.array(a, copy=True, order="C"), dtype=dtype, device=x.device)
