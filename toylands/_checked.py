r"""Arguments checked by their names: the ``@checked`` decorator of every public function.

A parameter called ``landscape`` must be a landscape, ``x`` finite points of its dimension,
``alpha`` a finite real number, ``steps`` a count, ``rng`` a generator or seed, ``domain`` a box
of the landscape's dimension, ... (:data:`CONVENTIONS`); a function adds or overrides names.
The checks themselves are the helpers of ``toylands._validate``; this module only adds the two
that know toylands' own types (landscapes, boxes), which is why it is separate: ``_validate``
imports none of them, so every module of the package can import it.
"""

from __future__ import annotations

import numpy as np

from ._landscape import as_landscape
from ._validate import (
    _as_numeric_array,
    as_finite_array,
    as_finite_float,
    as_flag,
    as_int,
    as_points,
    as_rng,
)
from ._xp import is_torch
from .domain import as_box

__all__ = ["checked", "CONVENTIONS", "KINDS"]


# ---- checking a function's arguments by their names ---------------------------------------------
def _real(v, name, ctx):
    return as_finite_float(v, name)


def _count(v, name, ctx):
    return as_int(v, name, low=0)


def _seed(v, name, ctx):
    return as_int(v, name, low=0)


def _flag(v, name, ctx):
    return as_flag(v, name)


def _rng(v, name, ctx):
    return as_rng(v, name)


def _points(v, name, ctx):
    if is_torch(v):  # the function (or the landscape's array-API kernels) checks tensors
        return v
    dim = ctx.get("dim")
    if dim is None:
        arr = _as_numeric_array(v, name).astype(np.float64, copy=False)
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} contains NaN or inf")
        return arr
    return as_points(v, dim, name)


def _reals(v, name, ctx):
    return as_finite_array(v, name)


def _landscape(v, name, ctx):
    land = as_landscape(v, name)
    ctx.setdefault("dim", land.dim)
    return land


def _box(v, name, ctx):
    return as_box(v, name, ctx.get("dim"))


def _level(v, name, ctx):
    return as_finite_float(v, name, low=0.0, high=1.0, low_open=True, high_open=True)


# What each parameter name means wherever it appears (a function may override a name).
CONVENTIONS = {
    "landscape": _landscape,
    **dict.fromkeys(("x", "x0", "v", "reference", "x_star"), _points),
    **dict.fromkeys(
        ("alpha", "beta", "L", "gamma", "gamma0", "gamma_b", "c", "b0", "eta", "mu", "L_F",
         "beta_F", "residual0", "scale", "c_scale", "sigma_int2", "sigma_pos2", "D0_sq", "D_sq",
         "dist0_sq", "G_sq", "margin", "gap_max", "min_gap", "delta", "eps", "rtol", "atol",
         "diverge_norm", "progress_every", "radius", "max_alpha", "alpha_max", "gap", "f_lower",
         "min_residual", "gamma_L", "c_sps", "f_star", "noise", "spread", "variance", "lam",
         "lam1", "lam2", "tol", "error"),
        _real,
    ),
    **dict.fromkeys(
        ("K", "steps", "runs", "budget", "rounds", "samples", "starts", "batch", "keep_x",
         "max_snapshots", "every", "dist_every", "t", "size", "per_axis"),
        _count,
    ),
    "seed": _seed,
    "rng": _rng,
    **dict.fromkeys(
        ("quiet", "positive", "plstar_on_ball", "refine", "whole_space", "allow_inconclusive",
         "require_certified_L", "mean", "per_sample", "beta_zero", "quick"),
        _flag,
    ),
    **dict.fromkeys(("domain", "x0_box", "box"), _box),
    "level": _level,
    **dict.fromkeys(
        ("loss", "grad_sq", "f_i_star", "c_gamma_prev", "c_sq_prev", "b_sq_prev", "alphas",
         "betas", "c_k", "horizons", "f_i_lower"),
        _reals,
    ),
}

KINDS = {
    "real": _real, "count": _count, "seed": _seed, "flag": _flag, "rng": _rng,
    "points": _points, "reals": _reals, "landscape": _landscape, "box": _box, "level": _level,
}


def checked(_fn=None, /, **kinds):
    """Decorator: check a public function's arguments by their names, before it runs.

    Every parameter whose name is in :data:`CONVENTIONS` (``landscape``, ``x``, ``alpha``,
    ``steps``, ``rng``, ``domain``, ...) is validated and converted (a float, an int, a finite
    float64 array, a ``Box`` of the landscape's dimension, a ``Generator``); ``kinds`` override
    or add names (``@checked(points="count")``; a kind is a key of :data:`KINDS` or a callable
    ``(value, name, ctx) -> value``; ``None`` leaves a name unchecked). A value that *is* the
    parameter's default is passed through unchecked (``None`` for "not given"). The landscape
    (or, for a method, ``self.dim``) gives the dimension that points and boxes must have.

    Examples
    --------
    >>> @checked()
    ... def f(landscape=None, *, steps=10, alpha=1.0):
    ...     return steps, alpha
    >>> f(steps=1000, alpha=2)
    (1000, 2.0)
    >>> f(steps=-1)
    Traceback (most recent call last):
    ...
    ValueError: steps must be >= 0, got -1
    """
    import functools
    import inspect

    def wrap(fn):
        sig = inspect.signature(fn)
        plan = []
        for p in sig.parameters.values():
            kind = kinds[p.name] if p.name in kinds else CONVENTIONS.get(p.name)
            if isinstance(kind, str):
                kind = KINDS[kind]
            if kind is not None:
                plan.append((p.name, kind, p.default))
        plan.sort(key=lambda t: t[1] is not _landscape)  # the landscape first: it gives dim
        has_self = next(iter(sig.parameters), None) == "self"
        # Without *args, **kwargs or positional-only parameters the arguments are bound by
        # name directly (1 µs; Signature.bind costs 13 µs, and internal calls run by the
        # hundred thousand in a report); anything unusual goes to Signature.bind, whose
        # TypeError names the problem.
        params = sig.parameters.values()
        simple = all(p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) for p in params)
        positional = [p.name for p in params if p.kind is p.POSITIONAL_OR_KEYWORD]
        names = frozenset(sig.parameters)
        required = [p.name for p in params if p.default is p.empty]

        def bind(args, kwargs):
            if simple and len(args) <= len(positional):
                given = dict(zip(positional, args))
                if not kwargs or (names.issuperset(kwargs) and given.keys().isdisjoint(kwargs)):
                    given.update(kwargs)
                    if all(r in given for r in required):
                        return given, None
            try:
                bound = sig.bind(*args, **kwargs)
            except TypeError as exc:
                raise TypeError(f"{fn.__name__}(): {exc}") from None
            return bound.arguments, bound

        @functools.wraps(fn)
        def call(*args, **kwargs):
            given, bound = bind(args, kwargs)
            ctx = {}
            if has_self and "self" in given:
                dim = getattr(given["self"], "dim", None)
                if isinstance(dim, int):
                    ctx["dim"] = dim
            for name, kind, default in plan:
                if name in given and given[name] is not default:
                    given[name] = kind(given[name], name, ctx)
            if bound is None:
                return fn(**given)
            return fn(*bound.args, **bound.kwargs)

        call.__signature__ = sig
        return call

    return wrap if _fn is None else wrap(_fn)
