r"""Minimizer sets ``S`` with exact projections.

Every set offers

- ``project(x)``: one nearest point of S, ``(..., dim)``; ties are broken deterministically;
- ``candidates(x)``: ``(points, nearest)`` with points ``(..., m, dim)`` and a boolean mask
  ``(..., m)`` of the nearest ones (all tied nearest points where S is finite; the projection
  alone, ``m = 1``, where S is a continuum);
- ``distance(x)``, ``contains(x, atol)``, ``sample(rng, size)``.

Every set validates what it is given (``MinimizerSet.__init_subclass__`` wraps the methods
of each subclass once): points must be finite of shape ``(..., dim)``, ``rng`` a
``numpy.random.Generator``, ``size`` a count whose sample fits in memory; a result that is not
finite (a projection that overflows far from S, a user's projection that returns NaN) raises a
``ValueError`` instead of being returned.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

from ._validate import as_finite_array, as_finite_float, as_int, as_points, as_rng, check_memory

__all__ = [
    "MinimizerSet",
    "PointSet",
    "AffineSet",
    "UnionSet",
    "ProjectedSet",
    "TIE_RTOL",
    "TIE_ATOL",
]

# Two points of a finite S are tied nearest points of x when their distances agree to this.
TIE_RTOL = 1e-9
TIE_ATOL = 1e-12


# Methods whose first argument is points x (..., dim), and whose results must be finite.
_POINT_METHODS = ("project", "candidates", "distance", "contains", "solve", "certificate",
                  "permutations")


def _checking_points(fn):
    @functools.wraps(fn)
    def method(self, x, *args, **kwargs):
        xv = as_points(x, self.dim)
        if fn.__name__ == "contains" and (args or "atol" in kwargs):
            atol = kwargs.pop("atol") if "atol" in kwargs else args[0]
            args = (as_finite_float(atol, "atol", low=0.0),)
        try:
            with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
                out = fn(self, xv, *args, **kwargs)
        except np.linalg.LinAlgError as exc:
            raise ValueError(_not_finite(self, fn.__name__, xv, f" ({exc})")) from None
        for part in out if isinstance(out, tuple) else (out,):
            part = np.asarray(part)
            if part.dtype.kind == "f" and not np.all(np.isfinite(part)):
                raise ValueError(_not_finite(self, fn.__name__, xv))
        return out

    method._checks_points = True
    return method


def _checking_sample(fn):
    @functools.wraps(fn)
    def sample(self, rng, size):
        rng = as_rng(rng, "rng", default_seed=None)
        size = as_int(size, "size", low=0)
        check_memory(8 * size * max(self.dim, 1), f"a sample of size {size}")
        return fn(self, rng, size)

    sample._checks_points = True
    return sample


def _not_finite(S, what, x, detail="") -> str:
    big = float(np.max(np.abs(x))) if x.size else 0.0
    return (f"{type(S).__name__}.{what}: the result is not finite in float64 at x with "
            f"max |x_j| = {big:.3g}{detail}: x lies outside the range where the set's "
            "projection is computable (README \"Limits\")")


class MinimizerSet:
    """Base of the minimizer sets; subclasses implement ``project`` and ``sample``."""

    dim: int
    is_finite: bool = False
    # How the set was obtained and how far its points may be from the true S.
    error: float = 0.0

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _wrap_methods(cls)

    def project(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def candidates(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        p = self.project(x)
        return p[..., None, :], np.ones(p.shape[:-1] + (1,), dtype=bool)

    def distance(self, x: np.ndarray) -> np.ndarray:
        return np.linalg.norm(x - self.project(x), axis=-1)

    def contains(self, x: np.ndarray, atol: float = 1e-8) -> np.ndarray:
        return self.distance(x) <= atol

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        raise NotImplementedError

    def to_json(self) -> dict:
        raise NotImplementedError


def _wrap_methods(cls) -> None:
    for name in _POINT_METHODS:
        fn = cls.__dict__.get(name)
        if fn is not None and not getattr(fn, "_checks_points", False):
            setattr(cls, name, _checking_points(fn))
    fn = cls.__dict__.get("sample")
    if fn is not None and not getattr(fn, "_checks_points", False):
        cls.sample = _checking_sample(fn)


_wrap_methods(MinimizerSet)


class PointSet(MinimizerSet):
    """A finite set of points, ``points`` of shape ``(m, dim)``.

    ``project`` returns the nearest point; among points tied to within ``TIE_RTOL`` it returns
    the one listed first, so the choice is deterministic. ``candidates`` returns every point with
    the tied nearest ones marked.

    Examples
    --------
    >>> S = PointSet([[0.0, 0.0], [2.0, 0.0]])
    >>> S.project(np.array([1.5, 1.0])).tolist()
    [2.0, 0.0]
    >>> S.candidates(np.array([1.0, 3.0]))[1].tolist()  # on the bisector: both are nearest
    [True, True]
    """

    is_finite = True

    def __init__(self, points, *, error: float = 0.0):
        pts = np.atleast_2d(as_finite_array(points, "points")).copy()
        if pts.ndim != 2 or pts.shape[0] == 0 or pts.shape[1] == 0:
            raise ValueError(f"points must have shape (m, dim) with m, dim >= 1, got {pts.shape}")
        pts.setflags(write=False)
        self.points = pts
        self.dim = pts.shape[1]
        self.error = as_finite_float(error, "error", low=0.0)

    def _sq_dists(self, x):
        # (..., m): expanded form keeps memory at (..., m) instead of (..., m, dim).
        x2 = np.einsum("...d,...d->...", x, x)[..., None]
        p2 = np.einsum("md,md->m", self.points, self.points)
        return np.maximum(x2 - 2.0 * (x @ self.points.T) + p2, 0.0)

    def _nearest_mask(self, x):
        d = np.sqrt(self._sq_dists(x))
        dmin = d.min(axis=-1, keepdims=True)
        return d <= dmin * (1 + TIE_RTOL) + TIE_ATOL, d

    def project(self, x):
        mask, _ = self._nearest_mask(x)
        return self.points[np.argmax(mask, axis=-1)]

    def candidates(self, x):
        mask, _ = self._nearest_mask(x)
        pts = np.broadcast_to(self.points, mask.shape + (self.dim,))
        return pts, mask

    def distance(self, x):
        # Direct differences: the expanded form loses digits for x near S.
        diff = x[..., None, :] - self.points
        return np.sqrt(np.min(np.einsum("...md,...md->...m", diff, diff), axis=-1))

    def sample(self, rng, size):
        return self.points[rng.integers(0, len(self.points), size)]

    def to_json(self):
        return {"kind": "points", "points": self.points.tolist(), "error": self.error}

    def __repr__(self):
        return f"PointSet({self.points.tolist()})"


class AffineSet(MinimizerSet):
    r"""The affine set ``{p + B t : t ∈ R^k}``; ``B`` is made orthonormal here.

    ``Proj(x) = p + B Bᵀ (x − p)``, exact and unique. ``sample`` draws ``t ~ N(0, scale² I)``.

    Examples
    --------
    >>> S = AffineSet(point=[0.0, -0.5], directions=[[1.0, -1.0]])   # the line y = -x - 1/2
    >>> np.round(S.project(np.array([0.0, 0.0])), 12).tolist()
    [-0.25, -0.25]
    """

    def __init__(self, point, directions, *, scale: float = 10.0, error: float = 0.0):
        p = as_finite_array(point, "point").reshape(-1)
        if p.size == 0:
            raise ValueError("point must have at least one coordinate")
        dirs = as_finite_array(directions, "directions")
        if dirs.size % p.size:
            raise ValueError(f"directions must be vectors of length {p.size}, got shape "
                             f"{dirs.shape}")
        dirs = dirs.reshape(-1, p.size)
        check_memory(8.0 * 3 * p.size * max(dirs.shape[0], 1), "the basis of the affine set")
        if dirs.shape[0]:
            # SVD, not QR: it finds the span reliably when the directions are dependent.
            u, sv, _ = np.linalg.svd(dirs.T, full_matrices=False)
            basis = u[:, sv > 1e-12 * max(1.0, sv.max(initial=0.0))]
        else:
            basis = np.zeros((p.size, 0))
        p = p - basis @ (basis.T @ p)  # the point of S nearest the origin
        p.setflags(write=False)
        basis.setflags(write=False)
        self.point, self.basis = p, basis
        self.dim = p.size
        self.scale = as_finite_float(scale, "scale", low=0.0)
        self.error = as_finite_float(error, "error", low=0.0)
        self.is_finite = basis.shape[1] == 0

    @property
    def rank(self) -> int:
        return self.basis.shape[1]

    def project(self, x):
        return self.point + ((x - self.point) @ self.basis) @ self.basis.T

    def distance(self, x):
        r = x - self.point
        r = r - (r @ self.basis) @ self.basis.T
        return np.linalg.norm(r, axis=-1)

    def sample(self, rng, size):
        t = rng.normal(scale=self.scale, size=(size, self.rank))
        return self.point + t @ self.basis.T

    def to_json(self):
        return {
            "kind": "affine",
            "point": self.point.tolist(),
            "directions": self.basis.T.tolist(),
            "error": self.error,
        }

    def __repr__(self):
        return f"AffineSet(dim={self.dim}, rank={self.rank})"


class UnionSet(MinimizerSet):
    """A finite union of sets (e.g. two parallel hyperplanes when a 1-D minimum is tied).

    ``candidates`` returns each component's projection, the tied nearest ones marked;
    ``project`` the nearest, the first listed among ties.
    """

    def __init__(self, components):
        try:
            self.components = tuple(components)
        except TypeError:
            raise TypeError("components must be an iterable of MinimizerSets") from None
        if not self.components:
            raise ValueError("components: a union needs at least one component")
        if not all(isinstance(c, MinimizerSet) for c in self.components):
            raise TypeError("components must all be MinimizerSets")
        if len({c.dim for c in self.components}) != 1:
            raise ValueError("components must all have the same dimension")
        self.dim = self.components[0].dim
        self.is_finite = all(c.is_finite for c in self.components)
        self.error = max(c.error for c in self.components)

    def candidates(self, x):
        pts = np.stack([c.project(x) for c in self.components], axis=-2)
        d = np.linalg.norm(pts - x[..., None, :], axis=-1)
        dmin = d.min(axis=-1, keepdims=True)
        return pts, d <= dmin * (1 + TIE_RTOL) + TIE_ATOL

    def project(self, x):
        pts, mask = self.candidates(x)
        idx = np.argmax(mask, axis=-1)
        return np.take_along_axis(pts, idx[..., None, None], axis=-2)[..., 0, :]

    def sample(self, rng, size):
        parts = [c.sample(rng, size) for c in self.components]
        which = rng.integers(0, len(parts), size)
        return np.choose(which[:, None], parts)

    def to_json(self):
        return {"kind": "union", "components": [c.to_json() for c in self.components]}


class ProjectedSet(MinimizerSet):
    """A set known only through a user's projection callable.

    ``sample`` projects random points of ``domain``: every projection is a point of S.
    """

    def __init__(self, project: Callable, dim: int, domain, *, error: float = 0.0):
        from .domain import as_box
        if not callable(project):
            raise TypeError(f"project must be callable, got {type(project).__name__}")
        self._project = project
        self.dim = as_int(dim, "dim", low=1)
        self.domain = as_box(domain, "domain", self.dim)
        self.error = as_finite_float(error, "error", low=0.0)

    def project(self, x):
        p = np.asarray(self._project(x), dtype=np.float64)
        if p.shape != x.shape:
            raise ValueError(f"user projection returned shape {p.shape} for input shape {x.shape}")
        if not np.all(np.isfinite(p)):
            raise ValueError("project: the user's projection returned NaN or inf")
        return p

    def sample(self, rng, size):
        return self.project(self.domain.sample(rng, size))

    def to_json(self):
        return {"kind": "user projection", "error": self.error}
