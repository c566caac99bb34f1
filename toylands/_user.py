"""``from_functions``: a landscape built from a user's callables, under the same contract."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._ground_truth import FAST_POINTS, GroundTruthError
from ._ground_truth import validate as _validate_ground_truth
from ._landscape import USER, Landscape, Provenance, Smoothness
from ._validate import as_finite_array, as_finite_float, as_int, check_memory
from .domain import Box, as_box
from .sets import MinimizerSet, ProjectedSet

__all__ = ["from_functions"]


def _checked(out, shape, what, x):
    out = np.asarray(out, dtype=np.float64)
    if out.shape != shape:
        raise ValueError(f"user {what} returned shape {out.shape}, expected {shape}")
    if not np.all(np.isfinite(out)):
        big = float(np.max(np.abs(x))) if x.size else 0.0
        raise ValueError(f"user {what} returned NaN or inf at x with max |x_j| = {big:.3g}")
    return out


class UserLandscape(Landscape):
    """A landscape from callables; see ``from_functions``."""

    def __init__(self, *, losses, grads, directional, L, L_certified=False, **kw):
        super().__init__(**kw)
        self._f, self._g, self._jvp, self._L = losses, grads, directional, L
        self._L_certified = bool(L_certified)

    @property
    def user_L(self) -> bool:
        """Whether L was stated by the user (``toylands.validate`` then checks it on samples)."""
        return self._L is not None

    def _losses(self, x):
        return _checked(self._f(x), x.shape[:-1] + (self.n,), "losses", x)

    def _grads(self, x):
        if self._g is not None:
            return _checked(self._g(x), x.shape[:-1] + (self.n, self.dim), "grads", x)
        # Only a JVP was given: one JVP per coordinate direction.
        eye = np.eye(self.dim)
        cols = [self._directional(x, np.broadcast_to(e, x.shape)) for e in eye]
        return np.stack(cols, axis=-1)

    def _directional(self, x, v):
        if self._jvp is not None:
            return _checked(self._jvp(x, v), x.shape[:-1] + (self.n,), "directional", x)
        return np.einsum("...nd,...d->...n", self._grads(x), v)

    def _smoothness(self, domain):
        if self._L is not None:
            how = USER + (" (certified by the user)" if self._L_certified else " (not certified)")
            return Smoothness(float(self._L), how, domain, certified=self._L_certified,
                              user_supplied=True)
        return _sampled_smoothness(self, domain)


def _sampled_smoothness(land, domain, samples=2048, seed=0) -> Smoothness:
    """max ‖∇f_i(x) − ∇f_i(y)‖ / ‖x − y‖ over close random pairs: an estimate, not a bound."""
    rng = np.random.default_rng(seed)
    x = domain.sample(rng, samples)
    h = 1e-3 * np.max(domain.width)
    y = domain.clip(x + rng.normal(scale=h, size=x.shape))
    num = np.linalg.norm(land._grads(x) - land._grads(y), axis=-1).max(axis=-1)
    den = np.maximum(np.linalg.norm(x - y, axis=-1), 1e-300)
    return Smoothness(float(np.max(num / den)), "sampled estimate (not certified)", domain, False)


def from_functions(
    *,
    name: str,
    dim: int,
    n: int,
    losses: Callable,
    grads: Callable | None = None,
    directional: Callable | None = None,
    f_i_star,
    f_star: float,
    project: Callable | MinimizerSet,
    domain: Box | None = None,
    L: float | None = None,
    L_certified: bool = False,
    validate: bool = True,
) -> Landscape:
    r"""Build a landscape from your own callables; every checker, optimizer and plot accepts it.

    Parameters
    ----------
    losses : callable
        ``losses(x) -> (..., n)`` for ``x`` of shape ``(..., dim)`` (numpy in, numpy out).
    grads : callable, optional
        ``grads(x) -> (..., n, dim)``.
    directional : callable, optional
        ``directional(x, v) -> (..., n)`` = ``<∇f_i(x), v>``. At least one of ``grads`` and
        ``directional`` is required; the other is derived from it.
    f_i_star, f_star
        The exact infima of each f_i and of f.
    project : callable or MinimizerSet
        ``project(x) -> (..., dim)``, a nearest point of S; or a ready MinimizerSet.
    domain : Box, optional
        Default ``[-1, 1]^dim``.
    L : float, optional
        Your smoothness constant (positive, finite); without it ``smoothness()`` is a sampled
        estimate, marked not certified.
    L_certified : bool
        Whether your L is a proven upper bound (default False). ``theory.check`` reports its
        smoothness hypothesis as "assumed (user-supplied L)" for an uncertified user L.
    validate : bool
        Run a fast ``toylands.validate`` (default True): a wrong f*, f_i*, gradient or
        projection raises ``toylands.GroundTruthError`` here instead of giving wrong answers
        later. ``validate=False`` skips it.

    Raises
    ------
    ValueError
        For ground truth that cannot be right: a non-finite ``f_star`` or ``f_i_star``, an
        ``f_star`` below the mean of ``f_i_star`` (f* ≥ (1/n) Σ f_i* always), ``L ≤ 0``. Your
        callables are checked when called: a result of the wrong shape, or with NaN or inf
        (losses, gradients, a projection), raises a ``ValueError`` naming the callable.
    toylands.GroundTruthError
        When ``validate`` finds the ground truth wrong on samples.

    Examples
    --------
    >>> import numpy as np, toylands
    >>> f = toylands.from_functions(
    ...     name="bowl", dim=2, n=1,
    ...     losses=lambda x: 0.5 * np.sum(x**2, axis=-1, keepdims=True),
    ...     grads=lambda x: x[..., None, :],
    ...     f_i_star=[0.0], f_star=0.0, project=lambda x: np.zeros_like(x))
    >>> float(f.value([3.0, 4.0]))
    12.5
    """
    if not isinstance(name, str) or not name:
        raise TypeError("name must be a non-empty string")
    dim = as_int(dim, "dim", low=1)
    n = as_int(n, "n", low=1)
    check_memory(8 * n * dim, f"a landscape with n = {n} samples in dim = {dim}")
    if not callable(losses):
        raise TypeError("losses must be callable")
    if grads is None and directional is None:
        raise ValueError("give grads or directional (or both)")
    for label, fn in (("grads", grads), ("directional", directional)):
        if fn is not None and not callable(fn):
            raise TypeError(f"{label} must be callable")
    domain = Box.cube(-1.0, 1.0, dim) if domain is None else as_box(domain, "domain", dim)
    if isinstance(project, MinimizerSet):
        if project.dim != dim:
            raise ValueError(f"project has dimension {project.dim}, the landscape {dim}")
        S = project
    elif callable(project):
        S = ProjectedSet(project, dim, domain)
    else:
        raise TypeError("project must be callable or a MinimizerSet")
    fis = as_finite_array(f_i_star, "f_i_star").reshape(-1)
    if fis.shape != (n,):
        raise ValueError(f"f_i_star must be {n} finite numbers, got shape {fis.shape}")
    f_star = as_finite_float(f_star, "f_star")
    if L is not None:
        L = as_finite_float(L, "L", low=0.0, low_open=True, why="a smoothness constant")
    user = Provenance(USER)
    land = UserLandscape(
        losses=losses,
        grads=grads,
        directional=directional,
        L=L,
        L_certified=L_certified,
        name=name,
        dim=dim,
        n=n,
        params={"user": True},
        f_star=f_star,
        f_i_star=fis,
        minimizers=S,
        domain=domain,
        provenance={"f_star": user, "f_i_star": user, "minimizers": user},
        summary="user-defined landscape",
        interpolation=bool(np.isclose(f_star, fis.mean())),
        positive=bool(np.all(fis > 0)),
    )
    if validate:  # first: its message says where the functions contradict the numbers
        _validate_ground_truth(land, points=FAST_POINTS, search=4)
    # f* = min (1/n) Σ f_i ≥ (1/n) Σ min f_i: a smaller f_star is not the infimum of f.
    floor = float(np.mean(fis))
    if f_star < floor - 1e-12 * max(1.0, abs(floor)):
        raise GroundTruthError(name, [("f_star", f"f_star = {f_star:g} is below the mean of "
                                       f"f_i_star ({floor:g}); f* >= (1/n) sum_i f_i* always")])
    return land
