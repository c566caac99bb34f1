r"""Input checks of the PEP bridge: a clear ``TypeError``/``ValueError`` naming the argument.

Nothing reaches cvxpy unchecked: α > β ≥ 0, L > 0, step sizes > 0, D₀² > 0, σ² ≥ 0, all finite;
K and n positive integers within what is tractable (:data:`MAX_GRAM`), the class model one of
:data:`MODELS`.
"""

from __future__ import annotations

import math
import numbers

__all__ = ["real", "integer", "constants", "tree_size", "gram_order", "check_model", "MODELS",
           "MAX_GRAM", "MAX_N", "MAX_CONDITION"]

# The class models: "class" = every constraint of the α-β class (smooth interpolation included);
# "proof" = only the inequalities Theorem 1's proof uses.
MODELS = ("class", "proof")
# Order of the Gram matrix beyond which the exact K-step SDP is not attempted. The solvers' cost
# grows like the cube of the order squared: n = 2, K = 4 (order 65) takes about 30 s on one
# busy core; n = 3, K = 3 (order 88) took 12 minutes on a loaded machine; n = 2, K = 5 (129)
# is out of reach.
MAX_GRAM = 65
MAX_N = 4
# α/(α − β) beyond this makes the α-β constraint ill-conditioned for double-precision solvers.
MAX_CONDITION = 1e6


def real(name, v, *, positive=False, nonneg=False):
    """``float(v)``, finite, with the sign asked for; else TypeError/ValueError naming ``name``."""
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        try:
            import numpy as np

            if isinstance(v, np.ndarray) and v.shape == ():
                v = v.item()
            else:
                raise TypeError
        except TypeError:
            raise TypeError(f"{name} must be a real number, got {type(v).__name__}") from None
    try:
        x = float(v)
    except OverflowError:
        raise ValueError(f"{name} must be finite, got an integer too large for a float") from None
    if not math.isfinite(x):
        raise ValueError(f"{name} must be finite, got {x}")
    if positive and x <= 0:
        raise ValueError(f"{name} must be > 0, got {x}")
    if nonneg and x < 0:
        raise ValueError(f"{name} must be >= 0, got {x}")
    return x


def integer(name, v, *, low=1, high=None):
    """``int(v)`` in ``[low, high]``; else a TypeError/ValueError naming ``name``."""
    if isinstance(v, bool) or not isinstance(v, numbers.Integral):
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        else:
            raise TypeError(f"{name} must be an integer, got {type(v).__name__}")
    k = int(v)
    if k < low or (high is not None and k > high):
        hi = "" if high is None else f", at most {high}"
        raise ValueError(f"{name} must be at least {low}{hi}; got {k}")
    return k


def constants(*, alpha, beta, L, D0_sq, sigma2):
    """Check and return ``(alpha, beta, L, D0_sq, sigma2)`` (α > β ≥ 0, L > 0, D₀² > 0, σ² ≥ 0)."""
    a = real("alpha", alpha, positive=True)
    b = real("beta", beta, nonneg=True)
    if not a > b:
        raise ValueError(f"alpha must be > beta (the alpha-beta-condition), got alpha = {a}, "
                         f"beta = {b}")
    if a / (a - b) > MAX_CONDITION:
        raise ValueError(f"alpha/(alpha - beta) = {a / (a - b):.3g} exceeds {MAX_CONDITION:g}: "
                         "the SDP would be too ill-conditioned for the solvers to be trusted")
    Lv = real("L", L, positive=True)
    D = real("D0_sq", D0_sq, positive=True)
    s = real("sigma2", sigma2, nonneg=True)
    return a, b, Lv, D, s


def gram_order(K, n) -> int:
    r"""Order of the Gram matrix of the exact K-step PEP over the class, for SGD: with
    ``N = Σ_{k<K} n^k`` iterates, the start, N projection points, n minimisers, n gradients per
    iterate, n − 1 per projection point (the last is fixed by ∇f = 0) and n − 1 per minimiser:
    ``1 + N + n + nN + (n − 1)N + n(n − 1)``. Adaptive steps add one vector per branch."""
    N = sum(n**k for k in range(K))
    return 1 + N + n + n * N + (n - 1) * N + n * (n - 1)


def tree_size(K, n):
    """Number of iterates ``Σ_{k<K} n^k`` of the exact K-step tree; checks it is tractable
    (:data:`MAX_GRAM`)."""
    n = integer("n", n, low=1, high=MAX_N)
    K = integer("K", K, low=1, high=64)
    nodes = sum(n**k for k in range(K))
    order = gram_order(K, n)
    if order > MAX_GRAM:
        raise ValueError(f"K = {K} steps with n = {n} functions give {nodes} iterates and a Gram "
                         f"matrix of order {order} (at most {MAX_GRAM} is tractable); lower K or "
                         "n, or use the potential bound (--method potential)")
    return K, n, nodes


def check_model(model):
    """The class model, one of :data:`MODELS`."""
    if model not in MODELS:
        raise ValueError(f"model must be one of {MODELS}, got {model!r}")
    return model
