"""Boxes: the bounded domains used for sampling, smoothness bounds and certification."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import as_finite_array, as_finite_float, as_int, as_rng, check_memory

__all__ = ["Box"]  # as_box: the argument check of toylands._checked, not public API


@dataclass(frozen=True, eq=False)
class Box:
    """The axis-aligned box ``[lo_1, hi_1] × … × [lo_d, hi_d]``.

    Examples
    --------
    >>> bool(Box.cube(-1.0, 1.0, dim=2).contains([0.5, -0.5]))
    True
    """

    lo: np.ndarray
    hi: np.ndarray

    def __post_init__(self):
        lo = np.atleast_1d(as_finite_array(self.lo, "lo")).copy()
        hi = np.atleast_1d(as_finite_array(self.hi, "hi")).copy()
        if lo.ndim != 1 or lo.shape != hi.shape or lo.size == 0:
            raise ValueError(f"box bounds lo, hi must be 1-D of equal length >= 1, got "
                             f"{lo.shape}, {hi.shape}")
        if np.any(lo >= hi):
            raise ValueError(f"box is empty or inverted: lo={lo.tolist()}, hi={hi.tolist()}")
        if not np.all(np.isfinite(hi - lo)):
            raise ValueError("box width hi - lo overflows float64: lo and hi must lie within "
                             "about ±8.9e307 of each other")
        lo.setflags(write=False)
        hi.setflags(write=False)
        object.__setattr__(self, "lo", lo)
        object.__setattr__(self, "hi", hi)

    @classmethod
    def cube(cls, lo: float, hi: float, dim: int) -> Box:
        """The cube ``[lo, hi]^dim``."""
        dim = as_int(dim, "dim", low=1)
        check_memory(16 * dim, f"a box of dimension {dim}")
        return cls(np.full(dim, as_finite_float(lo, "lo")), np.full(dim, as_finite_float(hi, "hi")))

    @property
    def dim(self) -> int:
        return self.lo.size

    @property
    def center(self) -> np.ndarray:
        return (self.lo + self.hi) / 2

    @property
    def width(self) -> np.ndarray:
        return self.hi - self.lo

    def contains(self, x, atol: float = 0.0) -> np.ndarray:
        x = self._points(x)
        atol = as_finite_float(atol, "atol", low=0.0)
        return np.all((x >= self.lo - atol) & (x <= self.hi + atol), axis=-1)

    def clip(self, x) -> np.ndarray:
        return np.clip(self._points(x), self.lo, self.hi)

    def _points(self, x) -> np.ndarray:
        arr = as_finite_array(x, "x")
        if arr.ndim == 0 or arr.shape[-1] != self.dim:
            raise ValueError(f"x must have shape (..., {self.dim}), got shape {arr.shape}")
        return arr

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` points drawn uniformly from the box, shape ``(size, dim)``."""
        rng = as_rng(rng, "rng", default_seed=None)
        size = as_int(size, "size", low=0)
        check_memory(16 * size * self.dim, f"a sample of {size} points")
        return self.lo + rng.random((size, self.dim)) * self.width

    def grid(self, per_axis: int) -> np.ndarray:
        """A regular grid with ``per_axis`` points on each axis, shape ``(per_axis**dim, dim)``."""
        per_axis = as_int(per_axis, "per_axis", low=1)
        check_memory(16 * self.dim * min(per_axis, 2**60) ** self.dim,
                     f"a grid of {per_axis}^{self.dim} points")
        axes = [np.linspace(a, b, per_axis) for a, b in zip(self.lo, self.hi)]
        return np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, self.dim)

    def to_json(self) -> dict:
        return {"lo": self.lo.tolist(), "hi": self.hi.tolist()}

    def __eq__(self, other):
        return (
            isinstance(other, Box)
            and np.array_equal(self.lo, other.lo)
            and np.array_equal(self.hi, other.hi)
        )

    def __hash__(self):
        return hash((self.lo.tobytes(), self.hi.tobytes()))

    def __repr__(self):
        if np.all(self.lo == self.lo[0]) and np.all(self.hi == self.hi[0]):
            return f"Box.cube({self.lo[0]:g}, {self.hi[0]:g}, dim={self.dim})"
        return f"Box(lo={self.lo.tolist()}, hi={self.hi.tolist()})"


def as_box(value, name: str, dim: int | None = None):
    """A ``toylands.Box`` of dimension ``dim``, from a Box or a pair ``(lo, hi)`` (the cube
    ``[lo, hi]^dim``)."""
    if isinstance(value, Box):
        box = value
    else:
        if isinstance(value, (str, bytes)) or np.ndim(value) != 1 or len(value) != 2:
            raise TypeError(f"{name} must be a toylands.Box or a pair (lo, hi), got "
                            f"{type(value).__name__}")
        lo = as_finite_float(value[0], f"{name}[0] (lo)")
        hi = as_finite_float(value[1], f"{name}[1] (hi)")
        if not lo < hi:
            raise ValueError(f"{name} is empty or inverted: lo = {lo:g} >= hi = {hi:g}")
        if dim is None:
            raise TypeError(f"{name} must be a toylands.Box here (no dimension for a pair)")
        box = Box.cube(lo, hi, dim)
    if dim is not None and box.dim != dim:
        raise ValueError(f"{name} has dimension {box.dim}, the landscape {dim}")
    return box
