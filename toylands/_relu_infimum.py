r"""Per-sample pieces of [AB] Example 5, Eq. (8), and the exact f_i* (MATHEMATICS.md §4.7).

- :func:`phi`, :func:`dphi`: the loss φ and φ' (logistic or square); ``_act``, ``_dact``: the
  activation σ and σ' (relu with ``σ'(0) = 1``, or softplus). See :mod:`toylands.relu_net`.
- :func:`exact_f_i_star`: ``f_i* = inf f_i`` and its provenance, by case (relu: closed form;
  softplus: global search on the exact reduced problem; λ = 0: each sample can be fitted).

Relu exact reduction (MATHEMATICS.md §4.7, [derived]): by AM-GM, ``|vᵀσ(Wx)| ≤ ‖x‖ Σ_j |v_j| ‖W_j‖ ≤
‖x‖ (λ₁‖v‖² + λ₂‖W‖²) / (2√(λ₁λ₂))``, with equality for one balanced unit along x, so
``f_i* = min_{t} φ(t) + c_i |t|``, ``c_i = 2√(λ₁λ₂)/‖x_i‖``. In closed form:
logistic ``f_i* = −log(1 − c) + c log((1 − c)/c)`` for c < ½ and ``log 2`` otherwise; square
``f_i* = c − c²/2`` for c < 1 and ``½`` otherwise.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit as _np_expit

from ._landscape import CLOSED_FORM, GLOBAL_SEARCH, Provenance
from ._xp import expit, is_torch, namespace

__all__ = ["phi", "dphi", "phi_dphi_np", "relu_f_i_star", "exact_f_i_star"]


# ---- scalar pieces ------------------------------------------------------------------------
def phi(t, loss: str = "logistic"):
    """φ(t): ``logaddexp(0, −t)`` (logistic, stable for |t| ≤ 1e300) or ``½(1 − t)²``.

    A torch tensor stays a tensor (same formula through the array API, ``toylands._xp``)."""
    if is_torch(t):
        xp = namespace(t)
        return xp.logaddexp(0.0, -t) if loss == "logistic" else 0.5 * (1.0 - t) ** 2
    t = np.asarray(t, dtype=np.float64)
    return np.logaddexp(0.0, -t) if loss == "logistic" else 0.5 * (1.0 - t) ** 2


def dphi(t, loss: str = "logistic"):
    """φ'(t): ``−expit(−t)`` or ``t − 1`` (tensors stay tensors)."""
    if is_torch(t):
        return -expit(namespace(t), -t) if loss == "logistic" else t - 1.0
    t = np.asarray(t, dtype=np.float64)
    return -_np_expit(-t) if loss == "logistic" else t - 1.0


def phi_dphi_np(t, loss: str = "logistic", *, value: bool = True, slope: bool = True):
    r"""``(φ(t), φ'(t))`` of a float64 numpy array in one pass over ``e = exp(−|t|)`` (either may
    be skipped: ``None`` in its place); ``t`` is not modified.

    The row kernels of two-layer-relu need φ and φ' at every (point, sample): the logistic
    loss's exponential and ``log1p`` are most of their elementwise time, so the two share ``e``
    (16 ns per element for both against 23 ns for :func:`phi` and :func:`dphi`, one thread):

    - ``φ(t) = log1p(e) − min(t, 0)``: ``logaddexp(0, −t)``'s own formula (numpy computes
      ``max + log1p(exp(−|Δ|))``), the same bits as :func:`phi` where ``np.exp`` and
      ``np.log1p`` are libm's (a scalar loop with branches in ``logaddexp``: 15 % slower);
      finite for |t| up to 1e308, ``log 2`` at 0, NaN for NaN.
    - ``φ'(t) = −expit(−t)`` with ``expit(−t) = e/(1 + e)`` for t ≥ 0 and ``1/(1 + e)`` for
      t < 0: no second exponential, never overflowing. Three roundings after ``exp`` as in
      scipy's ``expit`` (``1/(1 + exp(t))``): relative error below 3·2⁻⁵³ (measured 2.8·2⁻⁵³
      against mpmath), the same bits as :func:`dphi` for t < 0 and at most 4 ulp from them for
      t ≥ 0 (where it keeps the subnormal values that ``1/(1 + exp(t))`` flushes to 0); −1 at
      t = −∞, −0 at +∞, NaN for NaN.

    The square loss: ``½(1 − t)²`` and ``t − 1``, as :func:`phi` and :func:`dphi`.
    """
    if loss != "logistic":
        return (0.5 * (1.0 - t) ** 2 if value else None), (t - 1.0 if slope else None)
    e = np.copysign(t, -1.0)  # −|t|
    np.exp(e, out=e)  # e = exp(−|t|) ∈ [0, 1]
    val = None
    if value:
        val = np.log1p(e)
        val -= np.minimum(t, 0.0)
    der = None
    if slope:
        der = np.where(t >= 0.0, e, 1.0)
        e += 1.0
        der /= e  # expit(−t): one rounding after exp, as scipy's 1/(1 + exp(t))
        np.negative(der, out=der)
    return val, der


def _act(z, activation):
    xp = namespace(z)
    return xp.maximum(z, 0.0) if activation == "relu" else xp.logaddexp(0.0, z)


def _dact(z, activation):
    # ReLU convention: σ'(z) = 1[z ≥ 0].
    xp = namespace(z)
    return xp.astype(z >= 0.0, z.dtype) if activation == "relu" else expit(xp, z)


def relu_f_i_star(norms, lam1: float, lam2: float, loss: str) -> np.ndarray:
    r"""Exact ``f_i* = min_t φ(t) + c_i |t|``, ``c_i = 2√(λ₁λ₂)/‖x_i‖`` (relu, λ₁λ₂ > 0).

    Examples
    --------
    >>> float(relu_f_i_star(np.array([1.0]), 0.25, 0.25, "logistic")[0])  # c = 1/2: t* = 0
    0.6931471805599453
    """
    norms = np.asarray(norms, dtype=np.float64)
    safe = np.where(norms > 0, norms, 1.0)
    c = np.where(norms > 0, 2.0 * np.sqrt(lam1 * lam2) / safe, np.inf)
    if loss == "logistic":
        cc = np.clip(c, 1e-300, 0.25)
        val = -np.log1p(-cc) + cc * np.log((1.0 - cc) / cc)
        return np.where(c < 0.5, val, np.log(2.0))
    cc = np.minimum(c, 1.0)
    return np.where(c < 1.0, cc - 0.5 * cc * cc, 0.5)


def _softplus_f_i_star(a: float, k: int, lam1: float, lam2: float, loss: str, seed: int):
    r"""``min_{s ≥ 0, t} φ(t) + λ₁ t² / Σ_j σ(a s_j)² + λ₂ ‖s‖²``: the exact reduction for softplus.

    For fixed hidden weights, the cheapest v reaching output t costs ``λ₁ t² / ‖h‖²``; for a
    fixed ``‖W_j‖ = s_j`` the largest ``h_j = σ(W_j·x)`` is reached along x (σ increasing). Solved
    by multi-start BFGS (numerical global search on k + 1 variables).
    """
    rng = np.random.default_rng(seed)

    def fun(z):
        s, t = z[:k], z[k]
        h = np.logaddexp(0.0, a * s)
        H = np.sum(h * h)
        val = float(phi(t, loss)) + lam1 * t * t / H + lam2 * np.sum(s * s)
        dh = _np_expit(a * s) * a
        g_s = -lam1 * t * t / H**2 * 2.0 * h * dh + 2.0 * lam2 * s
        g_t = float(dphi(t, loss)) + 2.0 * lam1 * t / H
        return val, np.append(g_s, g_t)

    # s < 0 is dominated by |s| (σ increasing, same penalty): minimise over all of R^k.
    best = np.inf
    for z0 in [np.zeros(k + 1)] + [rng.uniform(0, 3, k + 1) for _ in range(5)]:
        r = minimize(fun, z0, jac=True, method="BFGS", options={"gtol": 1e-12, "maxiter": 2000})
        best = min(best, float(r.fun))
    return best


def exact_f_i_star(norms, k: int, activation: str, loss: str, lam1: float, lam2: float,
                   seed: int):
    """``(f_i*, provenance)`` for samples of norms ``norms`` (see the module docstring)."""
    regularised = lam1 > 0
    if regularised and activation == "relu":
        f_i_star = relu_f_i_star(norms, lam1, lam2, loss)
        prov_i = Provenance(CLOSED_FORM, 1e-15, "exact 1-D reduction, MATHEMATICS.md §4.7 (AM-GM)")
    elif regularised:
        uniq, inv = np.unique(norms, return_inverse=True)
        vals = np.array([_softplus_f_i_star(a, k, lam1, lam2, loss, seed) for a in uniq])
        f_i_star = vals[inv]
        prov_i = Provenance(GLOBAL_SEARCH, 1e-9, "multi-start BFGS on the exact reduction")
    else:  # square loss, λ = 0
        f_i_star = np.where((norms == 0) & (activation == "relu"), 0.5, 0.0)
        prov_i = Provenance(CLOSED_FORM, 0.0, "λ = 0: each sample can be fitted exactly")
    return f_i_star, prov_i
