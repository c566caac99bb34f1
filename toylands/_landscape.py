r"""The landscape contract and its one shallow base class.

A landscape is a finite sum ``f(x) = (1/n) Σ_i f_i(x)`` on ``R^dim`` (MATHEMATICS.md §1) with its
ground truth as data: ``f_star``, ``f_i_star``, the minimizer set, and where each came from.

Subclasses implement the private kernels on validated float64 input of shape ``(..., dim)``:

- ``_losses(x) -> (..., n)`` (required);
- ``_directional(x, v) -> (..., n)`` = ``<∇f_i(x), v>`` for all i, without materialising the
  per-sample gradients; ``_grads(x) -> (..., n, dim)`` as the slow reference;
- optionally ``_loss_at``, ``_grad_at``, ``_loss_grad_at`` (both at once, what a stochastic step
  needs), ``_gradient`` where the structure makes them cheaper,
  ``_losses_and_directional(x, v)`` where the two share their forward pass, and
  ``_point_floats()`` (the float64 temporaries of a kernel per point) where they differ from the
  default's ``n (dim + 4)``.

The public methods validate and call them; validation lives in ``toylands._validate`` only.
Methods whose result grows with n call the kernels on blocks of points sized by
``_point_floats()`` (``toylands._blocks``): their memory is that of their output (numpy
input; a tensor goes to its kernel in one call, its device's memory being the caller's to size).

Torch: a subclass whose kernels are written once in the array API (``xp = namespace(x)``,
``toylands._xp``) sets ``_ARRAY_API = True``; its public methods then take torch tensors
(float32 or float64, any device) and return tensors of the same device and dtype; a float32
tensor is computed in float32 (numpy float32 input is computed in float64 and rounded). The ground
truth stays float64 numpy: ``project`` and ``distance`` of a tensor are computed on the host in
float64 and returned on the tensor's device. Other landscapes refuse tensors with a TypeError.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._blocks import block_points, blocked
from ._validate import as_indices, as_points, check_finite_output, out_dtype, same_library
from ._xp import is_torch, like, namespace, to_numpy64
from .domain import Box, as_box
from .sets import MinimizerSet

__all__ = [
    "Landscape",
    "as_landscape",
    "Provenance",
    "Smoothness",
    "CriticalPoint",
    "Symbolic",
    "CLOSED_FORM",
    "SOLVED",
    "GLOBAL_SEARCH",
    "USER",
]

CLOSED_FORM = "closed form"
SOLVED = "solved to tolerance"
GLOBAL_SEARCH = "numerical global search"
USER = "user supplied"


@dataclass(frozen=True)
class Provenance:
    """Where a ground-truth value came from and a bound on its absolute error."""

    method: str
    error: float = 0.0
    detail: str = ""

    def to_json(self) -> dict:
        return {"method": self.method, "error": self.error, "detail": self.detail}


@dataclass(frozen=True)
class Smoothness:
    """An upper bound ``L`` on the smoothness constant of every f_i over ``domain``.

    ``certified`` is True only when ``L`` is a proven upper bound (closed form, exact root
    isolation, interval arithmetic); a sampled estimate says so in ``method`` and is not certified.
    ``user_supplied`` marks an L the user stated (``from_functions(..., L=...)``): the theorem
    checks then report their smoothness hypothesis as assumed, not verified.
    """

    L: float
    method: str
    domain: Box | None
    certified: bool = True
    user_supplied: bool = False

    def to_json(self) -> dict:
        return {
            "L": self.L,
            "method": self.method,
            "certified": self.certified,
            "user_supplied": self.user_supplied,
            "domain": None if self.domain is None else self.domain.to_json(),
        }


@dataclass(frozen=True)
class CriticalPoint:
    """A stationary point of f listed as data: its kind and the eigenvalues of ∇²f there."""

    point: np.ndarray
    value: float
    kind: str  # "global minimum" | "local minimum" | "saddle" | "local maximum"
    hessian_eigenvalues: np.ndarray

    def to_json(self) -> dict:
        return {
            "point": np.asarray(self.point).tolist(),
            "value": self.value,
            "kind": self.kind,
            "hessian_eigenvalues": np.asarray(self.hessian_eigenvalues).tolist(),
        }


@dataclass(frozen=True)
class Symbolic:
    """Sympy expressions of each f_i in the named symbols ``symbols``."""

    symbols: tuple
    losses: tuple

    def lambdify(self):
        """A numpy function of ``x (..., dim)`` returning ``(..., n)`` from the expressions."""
        import sympy as sp

        fn = sp.lambdify(self.symbols, list(self.losses), modules="numpy")

        def losses(x):
            x = np.asarray(x, dtype=np.float64)
            cols = [np.broadcast_to(c, x.shape[:-1]) for c in fn(*np.moveaxis(x, -1, 0))]
            return np.stack(cols, axis=-1)

        return losses


@dataclass(eq=False)
class Landscape:
    """Base of every landscape. See the module docstring for what subclasses implement.

    Attributes
    ----------
    name, dim, n, params
        What it is and what built it (``params`` includes the seed where there is one).
    f_star : float
        ``min f``.
    f_i_star : ndarray (n,)
        ``min f_i`` for each i (exact infima, never a silent 0).
    minimizers : MinimizerSet
        ``S``, the set of all global minimizers of f.
    domain : Box
        The default bounded box used for sampling and certification.
    provenance : dict
        ``Provenance`` of ``f_star``, ``f_i_star`` and ``minimizers``.
    critical_points : tuple of CriticalPoint
        Other stationary points (saddles, non-global minima) where they are known.
    """

    name: str
    dim: int
    n: int
    params: dict
    f_star: float
    f_i_star: np.ndarray
    minimizers: MinimizerSet
    domain: Box
    provenance: dict = field(default_factory=dict)
    critical_points: tuple = ()
    summary: str = ""
    # Flags the theorems and contract tests read.
    smooth: bool = True
    interpolation: bool = False
    positive: bool = False  # every f_i > 0 (NGN's hypothesis)
    closed_form: bool = False

    def __post_init__(self):
        fis = np.asarray(self.f_i_star, dtype=np.float64).reshape(-1)
        if fis.shape != (self.n,):
            raise ValueError(f"f_i_star must have shape ({self.n},), got {fis.shape}")
        fis.setflags(write=False)
        self.f_i_star = fis
        self.f_star = float(self.f_star)

    # ---- ground truth -------------------------------------------------------------------
    @property
    def sigma_int2(self) -> float:
        """Interpolation error ``σ_int² = f* − (1/n) Σ f_i*`` (MATHEMATICS.md §1), clipped at 0."""
        return max(self.f_star - float(np.mean(self.f_i_star)), 0.0)

    @property
    def sigma_pos2(self) -> float:
        """Positivity error ``σ_pos² = (1/n) Σ f_i*`` (MATHEMATICS.md §1; NGN only)."""
        return float(np.mean(self.f_i_star))

    def ground_truth(self) -> dict:
        """Every ground-truth number with its provenance, as plain JSON-able data."""
        prov = {k: v.to_json() for k, v in self.provenance.items()}
        err = sum(self.provenance[k].error for k in ("f_star", "f_i_star") if k in self.provenance)
        prov.setdefault("sigma_int2", {"method": "derived", "error": err, "detail": ""})
        return {
            "f_star": self.f_star,
            "f_i_star": self.f_i_star.tolist(),
            "sigma_int2": self.sigma_int2,
            "sigma_pos2": self.sigma_pos2,
            "minimizers": self.minimizers.to_json(),
            "provenance": prov,
            "critical_points": [c.to_json() for c in self.critical_points],
        }

    # ---- public evaluation API (validates, then calls the kernels) ------------------------
    # Kernels that take torch tensors (see the module docstring).
    _ARRAY_API = False

    def _points(self, x, name="x"):
        return as_points(x, self.dim, name, tensors=self._ARRAY_API)

    @staticmethod
    def _out(result, x):
        if isinstance(result, np.ndarray) or not is_torch(result):
            return result.astype(out_dtype(x), copy=False)
        return result

    # Every numpy result is checked to be finite: far outside its data a formula overflows, and
    # a ValueError that says so is better than a silent inf or NaN (README "Limits"). Kernels
    # run with floating-point warnings silenced; the check reports what went wrong. (Tensor
    # results are not checked: that would synchronise the device on every call.)
    def _checked(self, what, res, points):
        """``res`` (an array or a tuple of arrays) once every numpy part is finite; ``points``
        (the validated inputs) only name the size of x in the error."""
        for r in res if isinstance(res, tuple) else (res,):
            if isinstance(r, np.ndarray):
                # a kernels-only instance (the ground-truth searches, the benchmarks) has no name
                check_finite_output(r, points, what, getattr(self, "name", type(self).__name__))
        return res

    def _eval(self, what, kernel, x, xv, *args):
        """``kernel(xv, *args)`` in one call (results that do not grow with n), checked."""
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            res = kernel(xv, *args)
        res = tuple(self._out(r, x) for r in res) if isinstance(res, tuple) else \
            self._out(res, x)
        return self._checked(what, res, (xv,))

    def _blocked(self, kernel, *args, like=None, what=None):
        """``kernel(*args)`` on blocks of points (``toylands._blocks.blocked``), in the output
        dtype of ``like`` (default ``args[0]``); a tensor goes to the kernel in one call. With
        ``what`` (the public method's name) floating-point warnings are silenced and a
        non-finite numpy result raises a ValueError (:meth:`_checked`)."""
        like = args[0] if like is None else like
        if what is None:
            return self._blocked_raw(kernel, args, like)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            res = self._blocked_raw(kernel, args, like)
        return self._checked(what, res, args)

    def _blocked_raw(self, kernel, args, like):
        if not isinstance(args[0], np.ndarray):
            res = kernel(*args)
            return tuple(self._out(r, like) for r in res) if isinstance(res, tuple) else \
                self._out(res, like)
        return blocked(kernel, args, block=block_points(self._point_floats()),
                       dtype=out_dtype(like))

    def losses(self, x) -> np.ndarray:
        """``(f_1(x), …, f_n(x))``, shape ``(..., n)``."""
        return self._blocked(self._losses, self._points(x), like=x, what="losses")

    def value(self, x) -> np.ndarray:
        """``f(x) = (1/n) Σ_i f_i(x)``, shape ``(...)``."""
        return self._blocked(self._value, self._points(x), like=x, what="value")

    def gradient(self, x) -> np.ndarray:
        """``∇f(x)``, shape ``(..., dim)``."""
        return self._blocked(self._gradient, self._points(x), like=x, what="gradient")

    def grads(self, x) -> np.ndarray:
        """All per-sample gradients ``(..., n, dim)``: the slow reference; prefer the others."""
        return self._blocked(self._grads, self._points(x), like=x, what="grads")

    def loss_at(self, x, i) -> np.ndarray:
        """``f_{i}(x)`` with one index per point: x ``(..., dim)``, i ``(...)`` -> ``(...)``."""
        xv = self._points(x)
        iv = as_indices(i, xv.shape[:-1], self.n, like=xv)
        return self._eval("loss_at", self._loss_at, x, xv, iv)

    def grad_at(self, x, i) -> np.ndarray:
        """``∇f_{i}(x)`` with one index per point: -> ``(..., dim)``."""
        xv = self._points(x)
        iv = as_indices(i, xv.shape[:-1], self.n, like=xv)
        return self._eval("grad_at", self._grad_at, x, xv, iv)

    def batch_loss(self, x, i) -> np.ndarray:
        """Mini-batch loss ``f_B(x) = (1/b) Σ_{j} f_{i_j}(x)``: x ``(..., dim)``, i ``(..., b)``
        -> ``(...)``."""
        xv = self._points(x)
        iv = self._batch_indices(i, xv)
        return self._eval("batch_loss", self._batch_loss, x, xv, iv)

    def batch_gradient(self, x, i) -> np.ndarray:
        """``∇f_B(x) = (1/b) Σ_j ∇f_{i_j}(x)``: x ``(..., dim)``, i ``(..., b)`` -> ``(..., dim)``
        (one backward pass for a network; the mean of ``grad_at`` otherwise)."""
        xv = self._points(x)
        iv = self._batch_indices(i, xv)
        return self._eval("batch_gradient", self._batch_gradient, x, xv, iv)

    def _batch_indices(self, i, xv):
        shape = getattr(i, "shape", np.shape(i))
        if len(shape) < 1:
            raise ValueError("i must have shape (..., b): one row of b sample indices per point")
        return as_indices(i, tuple(xv.shape[:-1]) + (shape[-1],), self.n, like=xv)

    def loss_grad_at(self, x, i):
        """``(f_{i}(x), ∇f_{i}(x))`` with one index per point, in one call: ``(...)``,
        ``(..., dim)``. The same numbers as ``loss_at`` and ``grad_at``; a landscape may fuse the
        two evaluations (what every stochastic step needs)."""
        xv = self._points(x)
        iv = as_indices(i, xv.shape[:-1], self.n, like=xv)
        return self._eval("loss_grad_at", self._loss_grad_at, x, xv, iv)

    def directional(self, x, v) -> np.ndarray:
        """``<∇f_i(x), v>`` for all i, shape ``(..., n)``, without per-sample gradients (a JVP).

        ``v`` has shape ``(..., dim)`` and broadcasts against ``x``.
        """
        return self._blocked(self._directional, *self._point_pairs(x, v), like=x,
                             what="directional")

    def losses_and_directional(self, x, v) -> tuple[np.ndarray, np.ndarray]:
        """``(losses(x), directional(x, v))`` in one pass: the forward products that both need
        are computed once (three matrix products instead of four for ``two-layer-relu``).

        ``v`` has shape ``(..., dim)`` and broadcasts against ``x``; both results have shape
        ``(..., n)``.
        """
        return self._blocked(self._losses_and_directional, *self._point_pairs(x, v), like=x,
                             what="losses_and_directional")

    #: Whether ``_slack_terms`` is a kernel of its own (``theory.conditions.alpha_beta_rows``
    #: then calls :meth:`slack_terms`; otherwise ``losses_and_directional`` and ``losses``).
    fused_slack_terms = False

    def slack_terms(self, x, p) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(losses(x), losses(p), directional(x, x − p))`` in one pass over blocks of points:
        the three terms of the α-β slack rows (``theory.conditions.alpha_beta_rows``) for a
        point ``x`` and its projection ``p``, without the whole ``x − p`` in memory (and, for
        ``two-layer-relu``, the three forward products as one). ``p`` broadcasts against ``x``;
        each result has shape ``(..., n)``.
        """
        return self._blocked(self._slack_terms, *self._point_pairs(x, p, "p"), like=x,
                             what="slack_terms")

    def _slack_terms(self, x, p):
        fx, a = self._losses_and_directional(x, x - p)
        return fx, self._losses(p), a

    def _point_pairs(self, x, v, name="v"):
        xv = self._points(x)
        vv = self._points(v, name=name)
        same_library(xv, vv)
        xp = namespace(xv, vv)
        try:
            shape = tuple(np.broadcast_shapes(tuple(xv.shape), tuple(vv.shape)))
        except ValueError:
            raise ValueError(
                f"x {tuple(xv.shape)} and {name} {tuple(vv.shape)} do not broadcast") from None
        return xp.broadcast_to(xv, shape), xp.broadcast_to(vv, shape)

    def project(self, x) -> np.ndarray:
        """One nearest point of S (deterministic tie-break); shortcut for ``minimizers``.

        A tensor is projected on the host in float64 and returned on its device and dtype."""
        xv = self._points(x)
        return like(self.minimizers.project(to_numpy64(xv)), xv)

    def distance(self, x) -> np.ndarray:
        """``dist(x, S)`` (for a tensor: computed in float64 on the host, returned like x)."""
        xv = self._points(x)
        return like(self.minimizers.distance(to_numpy64(xv)), xv)

    def smoothness(self, domain: Box | None = None) -> Smoothness:
        """A certified upper bound on L, the smoothness constant of every f_i, over ``domain``
        (a Box, or a pair ``(lo, hi)`` for the cube; default the landscape's domain)."""
        domain = self.domain if domain is None else as_box(domain, "domain", self.dim)
        with np.errstate(over="ignore", invalid="ignore"):
            sm = self._smoothness(domain)
        if not np.isfinite(sm.L):
            big = float(np.max(np.maximum(np.abs(domain.lo), np.abs(domain.hi))))
            raise ValueError(f"{self.name}: the smoothness bound over the domain overflows "
                             f"float64 (max |x_j| = {big:.3g} on the box): use a smaller domain")
        return sm

    def symbolic(self) -> Symbolic:
        """Sympy expressions of the f_i (closed-form landscapes only)."""
        raise NotImplementedError(f"{self.name} has no closed form")

    def describe(self) -> dict:
        """What ``toylands show`` prints: the ground truth, L and the set, as JSON-able data."""
        L = self.smoothness()
        out = {"name": self.name, "dim": self.dim, "n": self.n, "params": _jsonable(self.params)}
        out.update(self.ground_truth())
        out["L"] = L.L
        out["smoothness"] = L.to_json()
        out["domain"] = self.domain.to_json()
        out["summary"] = self.summary
        out["flags"] = {
            "smooth": self.smooth,
            "interpolation": self.interpolation,
            "positive": self.positive,
            "closed_form": self.closed_form,
        }
        return out

    # ---- kernels: defaults that subclasses override where structure makes them cheaper -----
    def _losses(self, x):
        raise NotImplementedError

    def _grads(self, x):
        raise NotImplementedError

    def _value(self, x):
        return namespace(x).mean(self._losses(x), axis=-1)

    def _gradient(self, x):
        return namespace(x).mean(self._grads(x), axis=-2)

    def _directional(self, x, v):
        return namespace(x).einsum("...nd,...d->...n", self._grads(x), v)

    def _losses_and_directional(self, x, v):
        return self._losses(x), self._directional(x, v)

    def _point_floats(self) -> int:
        """Float64 temporaries of the costliest kernel per point; sizes the blocks. The default
        covers the reference path through ``_grads`` (``n × dim`` per point)."""
        return self.n * (self.dim + 4)

    def _loss_at(self, x, i):
        xp = namespace(x)
        return xp.take_along_axis(self._losses(x), i[..., None], axis=-1)[..., 0]

    def _grad_at(self, x, i):
        xp = namespace(x)
        g = self._grads(x)
        return xp.take_along_axis(g, i[..., None, None], axis=-2)[..., 0, :]

    def _batch_loss(self, x, i):
        xb = namespace(x).broadcast_to(x[..., None, :], tuple(i.shape) + (self.dim,))
        return namespace(x).mean(self._loss_at(xb, i), axis=-1)

    def _batch_gradient(self, x, i):
        xb = namespace(x).broadcast_to(x[..., None, :], tuple(i.shape) + (self.dim,))
        return namespace(x).mean(self._grad_at(xb, i), axis=-2)

    def _loss_grad_at(self, x, i):
        return self._loss_at(x, i), self._grad_at(x, i)

    def _smoothness(self, domain):
        raise NotImplementedError

    def __repr__(self):
        shown = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"<{type(self).__name__} {self.name}({shown}) dim={self.dim} n={self.n}>"


def _jsonable(obj: Any):
    if isinstance(obj, dict):
        return {k: _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    return obj


def as_landscape(value, name: str = "landscape"):
    """A ``toylands.Landscape`` (built-in or from ``toylands.from_functions``)."""
    if not isinstance(value, Landscape):
        raise TypeError(
            f"{name} must be a toylands landscape (toylands.get(...) or "
            f"toylands.from_functions(...)), got {type(value).__name__}"
        )
    return value
