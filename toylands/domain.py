"""Boxes: the bounded domains used for sampling, smoothness bounds and certification."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Box"]


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
        lo = np.atleast_1d(np.asarray(self.lo, dtype=np.float64))
        hi = np.atleast_1d(np.asarray(self.hi, dtype=np.float64))
        if lo.ndim != 1 or lo.shape != hi.shape:
            raise ValueError(f"box bounds must be 1-D of equal length, got {lo.shape}, {hi.shape}")
        if not (np.all(np.isfinite(lo)) and np.all(np.isfinite(hi))):
            raise ValueError("box bounds must be finite")
        if np.any(lo >= hi):
            raise ValueError(f"box is empty or inverted: lo={lo.tolist()}, hi={hi.tolist()}")
        lo.setflags(write=False)
        hi.setflags(write=False)
        object.__setattr__(self, "lo", lo)
        object.__setattr__(self, "hi", hi)

    @classmethod
    def cube(cls, lo: float, hi: float, dim: int) -> Box:
        """The cube ``[lo, hi]^dim``."""
        return cls(np.full(dim, float(lo)), np.full(dim, float(hi)))

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
        x = np.asarray(x, dtype=np.float64)
        return np.all((x >= self.lo - atol) & (x <= self.hi + atol), axis=-1)

    def clip(self, x) -> np.ndarray:
        return np.clip(x, self.lo, self.hi)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` points drawn uniformly from the box, shape ``(size, dim)``."""
        if not isinstance(rng, np.random.Generator):
            raise TypeError("rng must be a numpy.random.Generator")
        return self.lo + rng.random((size, self.dim)) * self.width

    def grid(self, per_axis: int) -> np.ndarray:
        """A regular grid with ``per_axis`` points on each axis, shape ``(per_axis**dim, dim)``."""
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
