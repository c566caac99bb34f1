r"""Evaluation in blocks of points: the one mechanism that bounds a kernel's temporaries.

A kernel evaluated on N points at once materialises its intermediate arrays for all N (for a
two-layer network, several ``(N, k, n)`` arrays: gigabytes at 10⁴ points). Cut into blocks of
``b`` points, the temporaries are those of one block and are reused while they are still in
the CPU cache, and the memory of a call is that of its output. Every public evaluation method
of :class:`toylands.Landscape` goes through :func:`blocked`, sized by the landscape's
``_point_floats()`` (float64 temporaries per point) and :data:`BLOCK_BYTES`.

Blocking never changes what is computed: each point is evaluated by the same kernel, and a
kernel treats points independently (its batch axes are a loop, never a reduction), so the
results are those of the unblocked call up to the rounding of the BLAS products, which may
block their inner loops differently for different sizes (tested in ``tests/test_blocking.py``).

Examples
--------
>>> import numpy as np
>>> x = np.arange(12.0).reshape(6, 2)
>>> blocked(lambda z: z.sum(axis=-1, keepdims=True) * [1.0, 2.0], (x,), block=4).shape
(6, 2)
"""

from __future__ import annotations

import math
import os

import numpy as np

__all__ = ["BLOCK_BYTES", "block_points", "blocked"]


def _block_bytes() -> int:
    raw = os.environ.get("TOYLANDS_BLOCK_BYTES", "")
    if not raw:
        return 4 << 20
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(
            f"TOYLANDS_BLOCK_BYTES must be an integer number of bytes, got {raw!r}") from None
    if value < 1:
        raise ValueError(f"TOYLANDS_BLOCK_BYTES must be positive, got {value}")
    return value


#: Bytes of float64 temporaries one block of points may take. 4 MiB keeps a block's working set
#: in a core's share of the L2/L3 cache (measured best on an AMD EPYC with 512 KiB L2 per core;
#: ``benchmarks/bench_relu_slack.py --scan`` redoes the scan). Override with the environment
#: variable ``TOYLANDS_BLOCK_BYTES`` (read at import).
BLOCK_BYTES = _block_bytes()


def block_points(point_floats: int, budget: int | None = None) -> int:
    """Points per block: ``budget // (8 · point_floats)``, at least 1.

    Parameters
    ----------
    point_floats : int
        Float64 temporaries the kernel takes per point.
    budget : int, optional
        Bytes per block (default :data:`BLOCK_BYTES`).
    """
    budget = BLOCK_BYTES if budget is None else int(budget)
    return max(1, budget // (8 * max(int(point_floats), 1)))


def blocked(kernel, args: tuple, *, block: int, dtype=None):
    r"""``kernel(*args)`` evaluated on blocks of at most ``block`` points.

    Parameters
    ----------
    kernel : callable
        ``kernel(*arrays) -> array or tuple of arrays``; every input has shape ``(..., d_j)``
        with the same batch shape, every output shape ``(...,) + tail``.
    args : tuple of ndarray
        Inputs with a common batch shape ``args[j].shape[:-1]`` (broadcast them first).
    block : int
        Points per block. With at most ``block`` points the kernel is called once, on the
        arrays as given.
    dtype : numpy dtype, optional
        The outputs' dtype (default: the kernel's); blocks are cast into it as they are written,
        so a float32 result never holds a float64 copy of the whole output.

    Returns
    -------
    ndarray or tuple of ndarray
        As ``kernel(*args)``.
    """
    batch = tuple(args[0].shape[:-1])
    total = math.prod(batch)
    if total <= block:
        res = kernel(*args)
        if dtype is None:
            return res
        if isinstance(res, tuple):
            return tuple(r.astype(dtype, copy=False) for r in res)
        return res.astype(dtype, copy=False)
    flat = [a.reshape(total, a.shape[-1]) for a in args]  # a copy only for broadcast views
    outs = None
    single = True
    for lo in range(0, total, block):
        res = kernel(*(a[lo : lo + block] for a in flat))
        single = not isinstance(res, tuple)
        parts = (res,) if single else res
        if outs is None:
            outs = [np.empty((total,) + r.shape[1:], dtype=r.dtype if dtype is None else dtype)
                    for r in parts]
        for o, r in zip(outs, parts):
            o[lo : lo + block] = r
    shaped = tuple(o.reshape(batch + o.shape[1:]) for o in outs)
    return shaped[0] if single else shaped
