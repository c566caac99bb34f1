r"""Input checks of the PEP bridge: a clear ``TypeError``/``ValueError`` naming the argument.

Nothing reaches cvxpy unchecked: α > β ≥ 0, L > 0, step sizes > 0, D₀² > 0, σ² ≥ 0, all finite;
K and n positive integers within what is tractable (:data:`MAX_NODES`), the class model one of
:data:`MODELS`.
"""

from __future__ import annotations

import math
import numbers

__all__ = ["real", "integer", "constants", "tree_size", "check_model", "MODELS", "MAX_NODES",
           "MAX_N", "MAX_CONDITION"]

# The class models: "class" = every constraint of the α-β class (smooth interpolation included);
# "proof" = only the inequalities Theorem 1's proof uses.
MODELS = ("class", "proof")
# Iterates of the K-step tree (Σ_{k<K} n^k) beyond which the SDP is not attempted: n = 2, K = 4
# (15 nodes, Gram matrix of order 65) takes about 30 s; K = 5 (order 129) takes many minutes.
MAX_NODES = 15
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
    x = float(v)
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


def tree_size(K, n):
    """Number of iterates ``Σ_{k<K} n^k`` of the exact K-step tree; checks it is tractable."""
    n = integer("n", n, low=1, high=MAX_N)
    K = integer("K", K, low=1, high=64)
    nodes = sum(n**k for k in range(K))
    if nodes > MAX_NODES:
        raise ValueError(f"K = {K} steps with n = {n} functions give {nodes} iterates in the "
                         f"exact tree (at most {MAX_NODES} are tractable); lower K or n, or use "
                         "the potential bound (theory.pep.potential)")
    return K, n, nodes


def check_model(model):
    """The class model, one of :data:`MODELS`."""
    if model not in MODELS:
        raise ValueError(f"model must be one of {MODELS}, got {model!r}")
    return model
