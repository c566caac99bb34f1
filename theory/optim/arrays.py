r"""Where :func:`theory.optim.simulate.simulate` keeps its iterates: numpy, or torch on a device.

``arrays_for(device, dtype)`` returns an :class:`Arrays`: the array namespace ``xp`` of the
iterates (``numpy`` itself for ``device=None``; ``array_api_compat.torch`` otherwise, through
``toylands._xp``) and the handful of operations the simulator's step loop needs beyond the
landscape's kernels and the step-size rules, each written once against that namespace:

- ``rowdot(a, b)``: ``Σ_d a[r, d] b[r, d]`` per run; ``total_sq(x)``: ``Σ_{r,d} x[r, d]²``;
- ``in_box(x, lo, hi)``: every iterate inside the box, as a Python bool (the bounds check: numpy
  compares the per-coordinate extremes over the runs; torch, whose reductions over the runs
  axis are slow on a CPU, the global minima of ``x − lo`` and ``hi − x``, which are ``≥ 0``
  exactly when every ``lo ≤ x ≤ hi``: a difference of two floats rounds to 0 only when they
  are equal; NaN fails both ways);
- ``move(x, step)``: ``x − step`` (numpy writes it into ``step``, a temporary of the loop:
  the same numbers without one more ``(R, dim)`` array);
- ``put(a)``: a host numpy array on the device (integer and boolean arrays keep their kind,
  floating ones take the simulation dtype); ``host(a)``: back to float64 numpy.

On numpy all of these are the numpy calls the simulator always made (``host`` and ``put`` are the
identity), so the numpy path runs the same operations and gives the same bits as before.

Randomness never lives on the device: the indices are drawn on the host from the caller's
``numpy.random.Generator`` (the same draws in the same order as the numpy path) and moved.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

import numpy as np

from toylands._xp import to_numpy64

__all__ = ["Arrays", "arrays_for", "torch_device", "torch_threads", "NUMPY"]


@dataclass(frozen=True)
class Arrays:
    """The array library of a simulation; see the module docstring."""

    xp: object
    device: object  # None: numpy on the host
    dtype: object
    host: Callable
    put: Callable
    rowdot: Callable
    total_sq: Callable
    in_box: Callable
    move: Callable

    @property
    def is_numpy(self) -> bool:
        return self.device is None

    @property
    def label(self) -> str:
        """``"numpy float64"`` or e.g. ``"torch cpu float32"``."""
        if self.is_numpy:
            return "numpy float64"
        return f"torch {self.device} {str(self.dtype).removeprefix('torch.')}"

    def asarray(self, x0):
        """A copy of ``x0`` (numpy array or tensor) as the simulation's float array."""
        if self.is_numpy:
            from toylands._xp import is_torch

            if is_torch(x0):
                raise TypeError("x0 is a torch tensor: pass device='cpu' or 'cuda' to simulate "
                                "on torch (device=None runs numpy)")
            return np.array(x0, dtype=np.float64)
        import torch

        if isinstance(x0, torch.Tensor):
            return x0.detach().to(device=self.device, dtype=self.dtype).clone()
        return torch.as_tensor(np.array(x0, dtype=np.float64), dtype=self.dtype,
                               device=self.device)


def _shown(value) -> str:
    """A value for a one-line message: its repr when short and on one line, else its type."""
    r = repr(value)
    return r if len(r) <= 60 and "\n" not in r else f"a {type(value).__name__}"


def _np_move(x, step):
    return np.subtract(x, step, out=step)


_np_min, _np_max = np.minimum.reduce, np.maximum.reduce


def _np_in_box(x, lo, hi):
    return bool((_np_min(x, 0) >= lo).all() and (_np_max(x, 0) <= hi).all())


NUMPY = Arrays(
    xp=np,
    device=None,
    dtype=np.float64,
    host=lambda a: a,
    put=lambda a: a,
    rowdot=partial(np.einsum, "rd,rd->r"),
    total_sq=lambda x: np.einsum("rd,rd->", x, x),
    in_box=_np_in_box,
    move=_np_move,
)


def torch_device(device):
    """``torch.device(device)`` after checking that it exists: ``"cuda"`` without a GPU is a
    ``ValueError`` (the command line turns it into one line and exit status 2)."""
    try:
        import torch
    except ImportError:  # pragma: no cover - the extra is missing
        raise ImportError("a torch device needs the torch extra: pip install "
                          "'toylands[torch]'") from None
    name = str(device)
    if name.split(":")[0] not in ("cpu", "cuda"):
        raise ValueError(f"device must be 'cpu' or 'cuda', got {_shown(device)}")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError("device 'cuda' asked for, but torch.cuda.is_available() is False "
                         "(no GPU, or a CPU build of torch); use --device cpu")
    return torch.device(name)


@contextmanager
def torch_threads(threads: int | None):
    """Run the body with ``torch.set_num_threads(threads)`` and restore the previous count
    (``None``: leave torch's setting alone, and do not import torch).

    Small per-step products on a loaded two-core machine wait on torch's other threads: one
    thread was ~10× faster for the §5 networks and ~1000× for a 100 × 10 product (measured).
    """
    if threads is None:
        yield
        return
    import torch

    old = torch.get_num_threads()
    torch.set_num_threads(int(threads))
    try:
        yield
    finally:
        torch.set_num_threads(old)


_DTYPES = {"float64": "float64", "double": "float64", "float32": "float32", "float": "float32"}


def _dtype_name(dtype) -> str:
    """``"float64"`` or ``"float32"`` from a name, a numpy dtype or a torch dtype."""
    if dtype is None:
        return "float64"
    name = str(dtype).removeprefix("torch.")
    if name not in _DTYPES:
        try:
            name = np.dtype(dtype).name
        except TypeError:
            pass
    if name not in _DTYPES:
        raise ValueError(f"dtype must be float64 or float32, got {_shown(dtype)}")
    return _DTYPES[name]


def arrays_for(device=None, dtype=None) -> Arrays:
    """The :class:`Arrays` of ``device`` (None: numpy; ``"cpu"``, ``"cuda"`` or a
    ``torch.device``: torch there) in ``dtype`` (default float64; float32 on torch only)."""
    name = _dtype_name(dtype)
    if device is None:
        if name != "float64":
            raise ValueError(f"dtype {name} needs a torch device (device='cpu' or 'cuda'); "
                             "numpy simulates in float64")
        return NUMPY
    dev = torch_device(device)
    import array_api_compat.torch as xp
    import torch

    tdtype = getattr(torch, name)

    def put(a):
        a = np.asarray(a)
        if not a.flags.writeable:  # torch wants a writable buffer (read-only ground truth)
            a = a.copy()
        kind = None if a.dtype.kind in "iub" else tdtype
        return torch.as_tensor(a, dtype=kind, device=dev)

    return Arrays(
        xp=xp,
        device=dev,
        dtype=tdtype,
        host=to_numpy64,
        put=put,
        rowdot=lambda a, b: torch.linalg.vecdot(a, b),
        total_sq=lambda x: torch.dot(x.reshape(-1), x.reshape(-1)),
        in_box=lambda x, lo, hi: bool(xp.min(x - lo) >= 0.0) and bool(xp.min(hi - x) >= 0.0),
        move=lambda x, step: x - step,
    )
