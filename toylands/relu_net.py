r"""Two-layer network, [AB] Example 5, Eq. (8) (spec §4.7).

    f_i(W, v) = φ(y_i vᵀ σ(W x_i)) + λ₁ ‖v‖² + λ₂ ‖W‖_F²,   W ∈ R^{k×d},  v ∈ R^k,  y_i ∈ {−1, +1}

- ``loss="logistic"``: ``φ(t) = log(1 + e^{−t})``, computed as ``logaddexp(0, −t)`` (finite and
  accurate for margins ±1e4); ``loss="square"``: ``φ(t) = ½ (1 − t)²`` = ``½ (vᵀσ(Wx_i) − y_i)²``.
- ``activation="relu"``: ``σ(z) = max(z, 0)`` with the derivative convention ``σ'(z) = 1[z ≥ 0]``
  (ReLU is not differentiable at 0; at z = 0 we use 1); ``activation="softplus"``:
  ``σ(z) = log(1 + e^z)``.

Parameter layout: ``x = (vec W, v)``, W row-major, ``dim = k (d + 1)``; hidden unit j is
``(W_j, v_j)`` (``toylands.orbits.split_units``).

Ground truth, by case:

- ``λ₁, λ₂ > 0`` (the paper's case): f_i* by the exact 1-D reduction (relu; closed form below) or
  by a global search on the exact reduced problem (softplus); S by multi-start global search,
  polished by Newton to a stationarity residual near 1e−15 (relu: kinks ``W_j·x_i = 0`` are held
  exactly and the residual is the distance of 0 to the generalized gradient,
  ``stationarity_residual``), then the orbit of the minimizer under permutations of the hidden
  units (``PermutationOrbitSet``, projection by linear assignment, exact). [derived] With ReLU,
  when the minimizer has a dead unit or two parallel units, S is a continuum: a unit can be split
  into parallel copies ``s_j U`` with ``Σ s_j² = 1`` at the same output and penalty. Then S is the
  ``SplitOrbitSet`` (exact projection by enumerating the groupings, for ``(m+1)^k ≤ 1e5``); beyond
  that the permutation orbit of one minimizer is returned and the provenance says it is a subset
  of S whose projection is not the nearest point of S.
- ``λ₁ = λ₂ = 0`` with the square loss (the PL\* case): f_i* = 0 (½ where a ReLU sample is
  x_i = 0); f* = 0 when the global search interpolates the data (else a ValueError); S is the
  interpolation manifold ``{F(θ) = y}``, projected locally by Gauss–Newton (not certified global).
- Refused, because S is empty (the infimum is not attained): the logistic loss with λ₁ = λ₂ = 0,
  and any case with exactly one of λ₁, λ₂ zero.

Relu exact reduction (spec §4.7, [derived]): by AM-GM, ``|vᵀσ(Wx)| ≤ ‖x‖ Σ_j |v_j| ‖W_j‖ ≤
‖x‖ (λ₁‖v‖² + λ₂‖W‖²) / (2√(λ₁λ₂))``, with equality for one balanced unit along x, so
``f_i* = min_{t} φ(t) + c_i |t|``, ``c_i = 2√(λ₁λ₂)/‖x_i‖``. In closed form:
logistic ``f_i* = −log(1 − c) + c log((1 − c)/c)`` for c < ½ and ``log 2`` otherwise; square
``f_i* = c − c²/2`` for c < 1 and ``½`` otherwise.
"""

from __future__ import annotations

import functools

import numpy as np
from scipy.linalg import null_space
from scipy.optimize import lsq_linear, minimize
from scipy.special import expit

from ._landscape import CLOSED_FORM, GLOBAL_SEARCH, Landscape, Provenance, Smoothness
from ._registry import register
from ._validate import as_finite_float, as_int, as_labelled_data
from .domain import Box
from .orbits import PermutationOrbitSet, SplitOrbitSet, join_units, split_units
from .sets import MinimizerSet, UnionSet

__all__ = [
    "TwoLayerNet",
    "two_layer_relu",
    "phi",
    "dphi",
    "relu_f_i_star",
    "stationarity_residual",
]

LOSSES = ("logistic", "square")
ACTIVATIONS = ("relu", "softplus")


# ---- scalar pieces ------------------------------------------------------------------------
def phi(t, loss: str = "logistic"):
    """φ(t): ``logaddexp(0, −t)`` (logistic, stable for |t| ≤ 1e300) or ``½(1 − t)²``."""
    t = np.asarray(t, dtype=np.float64)
    return np.logaddexp(0.0, -t) if loss == "logistic" else 0.5 * (1.0 - t) ** 2


def dphi(t, loss: str = "logistic"):
    """φ'(t): ``−expit(−t)`` or ``t − 1``."""
    t = np.asarray(t, dtype=np.float64)
    return -expit(-t) if loss == "logistic" else t - 1.0


def _act(z, activation):
    return np.maximum(z, 0.0) if activation == "relu" else np.logaddexp(0.0, z)


def _dact(z, activation):
    # ReLU convention: σ'(z) = 1[z ≥ 0].
    return (z >= 0.0).astype(np.float64) if activation == "relu" else expit(z)


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
        dh = expit(a * s) * a
        g_s = -lam1 * t * t / H**2 * 2.0 * h * dh + 2.0 * lam2 * s
        g_t = float(dphi(t, loss)) + 2.0 * lam1 * t / H
        return val, np.append(g_s, g_t)

    # s < 0 is dominated by |s| (σ increasing, same penalty): minimise over all of R^k.
    best = np.inf
    for z0 in [np.zeros(k + 1)] + [rng.uniform(0, 3, k + 1) for _ in range(5)]:
        r = minimize(fun, z0, jac=True, method="BFGS", options={"gtol": 1e-12, "maxiter": 2000})
        best = min(best, float(r.fun))
    return best


# ---- the landscape --------------------------------------------------------------------------
class TwoLayerNet(Landscape):
    """``f_i = φ(y_i vᵀσ(W x_i)) + λ₁‖v‖² + λ₂‖W‖_F²``; see the module docstring."""

    def __init__(self, data, labels, k, activation, loss, lam1, lam2, *, params, truth):
        self.data, self.labels = data, labels
        self.k, self.d = k, data.shape[1]
        self.activation, self.loss = activation, loss
        self.lam1, self.lam2 = lam1, lam2
        f_star, f_i_star, S, prov, bound = truth
        self.theta_star = getattr(S, "base", None)
        super().__init__(
            name="two-layer-relu",
            dim=k * (self.d + 1),
            n=data.shape[0],
            params=params,
            f_star=f_star,
            f_i_star=f_i_star,
            minimizers=S,
            domain=Box.cube(-bound, bound, k * (self.d + 1)),
            provenance=prov,
            summary="AB Example 5: two-layer network, logistic/square loss, L2 penalties",
            smooth=activation == "softplus",
            interpolation=bool(abs(f_star - float(np.mean(f_i_star))) <= 1e-14),
            positive=loss == "logistic",
        )

    # ---- kernels ----------------------------------------------------------------------
    def _forward(self, x):
        W, v = split_units(x, self.k, self.d)
        Z = self.data @ np.swapaxes(W, -1, -2)  # (..., n, k)
        H = _act(Z, self.activation)
        out = np.einsum("...nk,...k->...n", H, v)
        return W, v, Z, H, out

    def _reg(self, W, v):
        return self.lam1 * np.sum(v * v, axis=-1) + self.lam2 * np.sum(W * W, axis=(-2, -1))

    def _losses(self, x):
        W, v = split_units(x, self.k, self.d)
        Z = self.data @ np.swapaxes(W, -1, -2)  # (..., n, k): the one product needed
        H = np.maximum(Z, 0.0, out=Z) if self.activation == "relu" else _act(Z, "softplus")
        out = (H @ v[..., None])[..., 0]
        return phi(self.labels * out, self.loss) + self._reg(W, v)[..., None]

    def _directional(self, x, u):
        r"""Forward mode: ``d out = (σ'(Z) ∘ (X δWᵀ)) v + σ(Z) δv``, ``d reg = 2λ₁ v·δv +
        2λ₂ <W, δW>``. For relu, ``σ(Z) = 1[Z ≥ 0] Z``, so ``d out = Σ_j 1[Z_j ≥ 0] G_j`` with
        ``G = X (v∘δW + δv∘W)ᵀ``: two products and masked sums, no per-sample gradients."""
        W, v = split_units(x, self.k, self.d)
        dW, dv = split_units(u, self.k, self.d)
        Z = self.data @ np.swapaxes(W, -1, -2)
        if self.activation == "relu":
            G = self.data @ np.swapaxes(v[..., None] * dW + dv[..., None] * W, -1, -2)
            np.multiply(G, Z >= 0.0, out=G)  # (faster than copyto(where=) here)
            np.maximum(Z, 0.0, out=Z)  # Z is now σ(Z)
            dout = G.sum(axis=-1)
            out = (Z @ v[..., None])[..., 0]
        else:
            dZ = self.data @ np.swapaxes(dW, -1, -2)
            H = _act(Z, self.activation)
            out = (H @ v[..., None])[..., 0]
            dout = ((_dact(Z, self.activation) * dZ) @ v[..., None])[..., 0]
            dout += (H @ dv[..., None])[..., 0]
        dreg = 2 * self.lam1 * np.sum(v * dv, -1) + 2 * self.lam2 * np.sum(W * dW, (-2, -1))
        return dphi(self.labels * out, self.loss) * self.labels * dout + dreg[..., None]

    def _parts(self, x):
        W, v, Z, H, out = self._forward(x)
        c = dphi(self.labels * out, self.loss) * self.labels  # (..., n)
        return W, v, Z, H, c

    def _grads(self, x):
        W, v, Z, H, c = self._parts(x)
        gW = (c[..., None] * _dact(Z, self.activation) * v[..., None, :])[..., None] * self.data[
            :, None, :
        ]  # (..., n, k, d)
        gv = c[..., None] * H
        b = x.shape[:-1] + (self.n,)
        g = np.concatenate([gW.reshape(b + (-1,)), gv], axis=-1)
        reg = join_units(2 * self.lam2 * W, 2 * self.lam1 * v)
        return g + reg[..., None, :]

    def _gradient(self, x):
        W, v, Z, H, c = self._parts(x)
        A = c[..., None] * _dact(Z, self.activation) * v[..., None, :] / self.n  # (..., n, k)
        gW = np.swapaxes(A, -1, -2) @ self.data + 2 * self.lam2 * W
        gv = np.einsum("...n,...nk->...k", c, H) / self.n + 2 * self.lam1 * v
        return join_units(gW, gv)

    def _sample_forward(self, x, i):
        W, v = split_units(x, self.k, self.d)
        xi, yi = self.data[i], self.labels[i]  # (..., d), (...)
        z = np.einsum("...kd,...d->...k", W, xi)
        h = _act(z, self.activation)
        m = yi * np.einsum("...k,...k->...", h, v)
        return W, v, xi, yi, z, h, m

    def _loss_at(self, x, i):
        W, v, _, _, _, _, m = self._sample_forward(x, i)
        return phi(m, self.loss) + self._reg(W, v)

    def _grad_at(self, x, i):
        W, v, xi, yi, z, h, m = self._sample_forward(x, i)
        c = dphi(m, self.loss) * yi
        gW = (c[..., None] * _dact(z, self.activation) * v)[..., None] * xi[..., None, :]
        return join_units(gW + 2 * self.lam2 * W, c[..., None] * h + 2 * self.lam1 * v)

    def _smoothness(self, domain):
        r"""Bound on ``‖∇²f_i‖`` over the box: ``sup|φ''| ‖∇m‖² + sup|φ'| ‖∇²m‖ + 2 max(λ₁, λ₂)``.

        With ``V_j, Z_j`` the largest ``|v_j|`` and ``|W_j·x_i|`` on the box:
        ``‖∇m‖² ≤ Σ_j σ(Z_j)² + V_j² ‖x_i‖²`` and, ∇²m being block-diagonal over units,
        ``‖∇²m‖ ≤ max_j ‖x_i‖ + V_j sup|σ''| ‖x_i‖²`` (σ' ≤ 1; sup|σ''| = ¼ softplus, 0 relu
        inside an activation region). softplus: certified. relu: ∇f_i jumps across the surfaces
        ``W_j·x_i = 0``, so no Lipschitz constant of ∇f_i exists (L is not defined); the value
        returned bounds the Hessian inside every activation region (piecewise smoothness) and
        is marked not certified.
        """
        big = np.maximum(np.abs(domain.lo), np.abs(domain.hi))
        BW, Bv = split_units(big, self.k, self.d)
        Zmax = np.abs(self.data) @ BW.T  # (n, k) largest |W_j·x_i|
        sig = _act(Zmax, self.activation)
        xn2 = np.sum(self.data**2, axis=1)
        grad_m2 = np.sum(sig**2, axis=1) + np.sum(Bv**2) * xn2
        s2 = 0.25 if self.activation == "softplus" else 0.0
        hess_m = np.max(np.sqrt(xn2)[:, None] + Bv[None, :] * s2 * xn2[:, None], axis=1)
        if self.loss == "logistic":
            d2, d1 = 0.25, 1.0
        else:
            d2, d1 = 1.0, 1.0 + np.sum(Bv[None, :] * sig, axis=1)  # |φ'| ≤ 1 + |m|
        L = float(np.max(d2 * grad_m2 + d1 * hess_m) + 2 * max(self.lam1, self.lam2))
        if self.activation == "softplus":
            return Smoothness(L * (1 + 1e-12), "closed-form chain-rule bound over the box",
                              domain)
        return Smoothness(
            L * (1 + 1e-12),
            "ReLU: grad f_i is discontinuous, L is not defined; value = chain-rule bound on the "
            "Hessian inside each activation region (piecewise smoothness), not a global L",
            domain,
            certified=False,
        )


# ---- ground truth by global search ----------------------------------------------------------
def _canonical(theta, k, d):
    W, v = split_units(theta, k, d)
    U = np.concatenate([W, v[:, None]], axis=1)
    U = U[np.lexsort(U.T[::-1])]
    return join_units(U[:, :d], U[:, d])


def _kink_columns(net, theta, active):
    """Columns ``b_ij = (1/n) c_i v_j (e_{W_j} ⊗ x_i)`` of the active kinks ``(i, j)``."""
    W, v = split_units(theta, net.k, net.d)
    out = net._forward(theta)[-1]
    c = dphi(net.labels * out, net.loss) * net.labels
    ii, jj = np.nonzero(active)
    B = np.zeros((net.dim, ii.size))
    for col, (i, j) in enumerate(zip(ii, jj)):
        B[j * net.d : (j + 1) * net.d, col] = c[i] * v[j] * net.data[i] / net.n
    return B, ii, jj


def stationarity_residual(net, theta, active=None) -> float:
    r"""Distance from 0 to the generalized gradient of f at θ (relu: kinks allowed).

    At a kink ``W_j·x_i = 0`` the derivative of ``σ`` may be any ``α_ij ∈ [0, 1]``, so
    ``∂f(θ) ⊇ {g₀ + B α : α ∈ [0, 1]^m}`` with ``g₀`` the gradient for ``σ'(0) = 0`` and ``B`` the
    columns of ``_kink_columns``; the residual is ``min_α ‖g₀ + Bα‖`` (bounded least squares).
    Away from kinks (and for softplus) it is ``‖∇f(θ)‖``.
    """
    g = net._gradient(theta)
    if net.activation != "relu":
        return float(np.linalg.norm(g))
    W, _ = split_units(theta, net.k, net.d)
    Z = net.data @ W.T
    if active is None:  # kinks, up to rounding of the stored point
        active = np.abs(Z) <= 1e-12 * max(np.abs(Z).max(), 1.0)
    if not active.any():
        return float(np.linalg.norm(g))
    B, ii, jj = _kink_columns(net, theta, active)
    g0 = g - B[:, Z[ii, jj] >= 0.0].sum(axis=1)  # remove the σ'(0) = 1 convention's terms
    r = lsq_linear(B, -g0, bounds=(0.0, 1.0), lsmr_tol="auto", tol=1e-15)
    return float(np.linalg.norm(g0 + B @ r.x))


def _polish(net, theta, *, rounds: int = 4, iters: int = 25):
    r"""Newton polish of a local minimum, kink-aware for relu.

    relu: pre-activations with ``|W_j·x_i| < 1e−4 · max|Z|`` are taken as kinks and held at 0
    (a linear constraint ``C θ = 0``; f is smooth on that subspace near θ); Newton runs in a
    null-space basis of C with a central-difference Hessian of the exact gradient. Then the kink
    multipliers ``α`` (``g₀ + Bα = 0``) are read off; kinks with α outside [0, 1] are released
    (f decreases off them) and the polish repeats. Returns ``(θ, residual, active)``.
    """
    h = 1e-6
    relu = net.activation == "relu"
    released = np.zeros((net.n, net.k), dtype=bool)
    active = np.zeros((net.n, net.k), dtype=bool)
    for _ in range(rounds):
        if relu:
            W, v = split_units(theta, net.k, net.d)
            Z = net.data @ W.T
            active = (np.abs(Z) < 1e-4 * max(np.abs(Z).max(), 1.0)) & ~released
            ii, jj = np.nonzero(active)
            C = np.zeros((ii.size, net.dim))
            for row, (i, j) in enumerate(zip(ii, jj)):
                C[row, j * net.d : (j + 1) * net.d] = net.data[i]
        else:
            C = np.zeros((0, net.dim))
        if C.shape[0]:
            theta = theta - np.linalg.pinv(C) @ (C @ theta)
            N = null_space(C)
        else:
            N = np.eye(net.dim)
        for _ in range(iters):
            g = N.T @ net._gradient(theta)
            if np.max(np.abs(g), initial=0.0) < 1e-14 or N.shape[1] == 0:
                break
            E = N.T * h
            Hs = N.T @ ((net._gradient(theta + E) - net._gradient(theta - E)) / (2 * h)).T
            Hs = 0.5 * (Hs + Hs.T)
            lam, vec = np.linalg.eigh(Hs)
            lam = np.maximum(np.abs(lam), 1e-12 * max(np.abs(lam).max(), 1e-300))
            step = -N @ (vec @ ((vec.T @ g) / lam))
            f0 = net._value(theta)
            for t in 0.5 ** np.arange(30):
                if net._value(theta + t * step) <= f0 + 4e-16 * abs(f0):
                    theta = theta + t * step
                    break
            else:
                break
        if not (relu and active.any()):
            break
        # kink multipliers: g₀ + B α = 0 (least squares); release those outside [0, 1]
        B, ii, jj = _kink_columns(net, theta, active)
        Zs = (net.data @ split_units(theta, net.k, net.d)[0].T)[ii, jj]
        g0 = net._gradient(theta) - B[:, Zs >= 0.0].sum(axis=1)
        alpha = np.linalg.lstsq(B, -g0, rcond=None)[0]
        bad = (alpha < -1e-9) | (alpha > 1 + 1e-9)
        bad &= np.abs(B).sum(axis=0) > 0  # a dead unit's kinks carry no force
        if not bad.any():
            break
        released[ii[bad], jj[bad]] = True
        # step off the released kinks, to the side where f decreases
        theta = theta - 1e-4 * B[:, bad] @ np.sign(alpha[bad])
    return theta, stationarity_residual(net, theta, active if relu else None), active


def _merged_units(theta, k, d):
    """Distinct balanced units of θ: dead units dropped, parallel ones merged (norms added in
    quadrature, the splitting invariant). Returns ``(U (m, d+1) sorted, m < k)``."""
    W, v = split_units(theta, k, d)
    u = np.concatenate([W, v[:, None]], axis=1)
    nrm = np.linalg.norm(u, axis=1)
    alive = nrm > 1e-7 * max(nrm.max(), 1e-300)
    groups: list[list[int]] = []
    for j in np.flatnonzero(alive):
        for g in groups:
            if u[j] @ u[g[0]] > (1 - 1e-9) * nrm[j] * nrm[g[0]]:
                g.append(j)
                break
        else:
            groups.append([j])
    U = np.array([u[g[0]] / nrm[g[0]] * np.sqrt(np.sum(nrm[g] ** 2)) for g in groups])
    U = U.reshape(-1, d + 1)
    if len(U):
        U = U[np.lexsort(U.T[::-1])]
    return U, len(groups) < k


def _minimizer_set(found, f_star, theta, res, k, d, activation):
    """S from the polished minima within 1e−10 of f*: permutation orbits, or ReLU splitting
    orbits when a minimizer has dead or parallel units (then S is a continuum)."""
    good = [th for val, th, r in found if val <= f_star + 1e-10 and r < 1e-8] or [theta]
    reps = []
    for th in good:
        if activation == "relu":
            U, degenerate = _merged_units(th, k, d)
        else:
            U, degenerate = _canonical(th, k, d), False
        if all(np.shape(U) != np.shape(R) or np.max(np.abs(U - R), initial=0.0) > 1e-6
               for R, _ in reps):
            reps.append((U, degenerate))
    sets, notes = [], []
    for U, degenerate in reps:
        if len(U) == 0:  # every unit dead: S = {0}
            sets.append(PermutationOrbitSet(np.zeros(k * (d + 1)), k, d, error=res))
            notes.append("the single point 0 (every unit dead)")
        elif not degenerate:
            base = U if activation != "relu" else join_units(U[:, :d], U[:, d])
            sets.append(PermutationOrbitSet(base, k, d, error=res))
            notes.append("permutation orbit (linear assignment, exact)")
        elif (len(U) + 1) ** k <= SplitOrbitSet.MAX_GROUPINGS:
            sets.append(SplitOrbitSet(U, k, d, error=res))
            notes.append(f"ReLU splitting orbit of {len(U)} < k units (continuum; exact "
                         "projection by enumeration)")
        else:
            sets.append(PermutationOrbitSet(theta, k, d, error=res))
            notes.append("S is a continuum (ReLU unit splitting) too large to enumerate: the "
                         "set returned is the permutation orbit of one minimizer, a SUBSET of S; "
                         "its projection is not the nearest point of S")
    S = sets[0] if len(sets) == 1 else UnionSet(sets)
    return S, f"{len(sets)} orbit(s): " + "; ".join(sorted(set(notes)))


@functools.lru_cache(maxsize=32)
def _ground_truth(key):
    data_b, labels_b, shape, k, activation, loss, lam1, lam2, starts, seed = key
    data = np.frombuffer(data_b).reshape(shape)
    labels = np.frombuffer(labels_b)
    n, d = shape
    net = TwoLayerNet.__new__(TwoLayerNet)  # kernels only: no ground truth yet
    net.data, net.labels, net.k, net.d, net.n = data, labels, k, d, n
    net.activation, net.loss, net.lam1, net.lam2 = activation, loss, lam1, lam2
    net.dim = k * (d + 1)
    norms = np.linalg.norm(data, axis=1)
    regularised = lam1 > 0
    if regularised and activation == "relu":
        f_i_star = relu_f_i_star(norms, lam1, lam2, loss)
        prov_i = Provenance(CLOSED_FORM, 1e-15, "exact 1-D reduction, spec §4.7 (AM-GM)")
    elif regularised:
        uniq, inv = np.unique(norms, return_inverse=True)
        vals = np.array([_softplus_f_i_star(a, k, lam1, lam2, loss, seed) for a in uniq])
        f_i_star = vals[inv]
        prov_i = Provenance(GLOBAL_SEARCH, 1e-9, "multi-start BFGS on the exact reduction")
    else:  # square loss, λ = 0
        f_i_star = np.where((norms == 0) & (activation == "relu"), 0.5, 0.0)
        prov_i = Provenance(CLOSED_FORM, 0.0, "λ = 0: each sample can be fitted exactly")

    rng = np.random.default_rng(seed)

    def fun(th):
        return float(net._value(th)), net._gradient(th)

    found = []
    for t in range(starts):
        th0 = rng.normal(scale=(1.0 / np.sqrt(d), 1.0)[t % 2], size=net.dim)
        # small problems: BFGS (L-BFGS-B's per-call overhead dominates there); large: L-BFGS-B
        if net.dim <= 64:
            r = minimize(fun, th0, jac=True, method="BFGS",
                         options={"gtol": 1e-9, "maxiter": 2000})
        else:
            r = minimize(fun, th0, jac=True, method="L-BFGS-B",
                         options={"ftol": 1e-15, "gtol": 1e-9, "maxiter": 3000})
        th = r.x
        if activation == "relu" and regularised:
            W, v = split_units(th, k, d)
            dead = np.sqrt(np.sum(W * W, 1) + v * v) < 1e-3
            W[dead], v[dead] = 0.0, 0.0  # dead units: exactly 0 (their kinks are then exact)
            th = join_units(W, v)
        if regularised:
            budget = {} if net.dim <= 128 else {"rounds": 2, "iters": 8}
            th, res_t, _ = _polish(net, th, **budget)
        else:
            res_t = float(np.linalg.norm(net._gradient(th)))
        found.append((float(net._value(th)), th, res_t))
    found.sort(key=lambda p: p[0])
    f_star, theta, res = found[0]
    if not regularised:
        if f_star > 1e-20:
            raise ValueError(
                f"the square loss with λ = 0 did not interpolate the data (best f = {f_star:.3g} "
                f"after {starts} starts): f* and S are unknown; increase k or reduce n"
            )
        f_star = 0.0
        S = _InterpolationSet(net, theta)
        prov = {
            "f_star": Provenance(CLOSED_FORM, 0.0, "f >= 0 and f = 0 is attained (interpolation)"),
            "f_i_star": prov_i,
            "minimizers": Provenance(
                GLOBAL_SEARCH, 0.0,
                "S = {F(theta) = y}, a manifold; projection by Gauss-Newton (local, not certified)",
            ),
        }
    else:
        S, note = _minimizer_set(found, f_star, theta, res, k, d, activation)
        prov = {
            "f_star": Provenance(GLOBAL_SEARCH, max(res * res, 1e-15),
                                 f"best of {starts} BFGS starts, Newton-polished; "
                                 f"stationarity residual {res:.2e} (distance of 0 to the "
                                 "generalized gradient; kinks W_j.x_i = 0 held exactly)"),
            "f_i_star": prov_i,
            "minimizers": Provenance(GLOBAL_SEARCH, res, f"{note}; residual {res:.2e}"),
        }
    bound = float(np.ceil(max(2.0 * np.abs(theta).max(), 1.0)))
    return f_star, f_i_star, S, prov, bound


class _InterpolationSet(MinimizerSet):
    r"""``{θ : F(θ) = y}`` (square loss, λ = 0): projected by Gauss–Newton from x,
    ``θ ← x − Jᵀ (J Jᵀ)⁺ (F(θ) − y − J (θ − x))`` (the nearest point of the linearised set); this
    is a local projection (a stationary point of the distance), not certified global. Points where
    it does not converge get the stored interpolating point (in S, but not the nearest)."""

    def __init__(self, net, theta):
        self.net, self.theta = net, theta
        self.dim = net.dim
        self.error = 0.0

    def _F(self, x):
        return self.net._forward(x)[-1]

    def _J(self, x):
        W, v, Z, H, _ = self.net._forward(x)
        gW = (_dact(Z, self.net.activation) * v[..., None, :])[..., None] * self.net.data[:, None]
        b = x.shape[:-1] + (self.net.n,)
        return np.concatenate([gW.reshape(b + (-1,)), H], axis=-1)

    def project(self, x):
        y = self.net.labels
        th = x.copy()
        for _ in range(50):
            J = self._J(th)
            r = self._F(th) - y - np.einsum("...nd,...d->...n", J, th - x)
            K = J @ np.swapaxes(J, -1, -2)
            z = np.linalg.solve(K + 1e-14 * np.eye(K.shape[-1]), r[..., None])[..., 0]
            th = x - np.einsum("...nd,...n->...d", J, z)
        ok = np.max(np.abs(self._F(th) - y), axis=-1) < 1e-9
        return np.where(ok[..., None], th, self.theta)

    def sample(self, rng, size):
        return self.project(self.theta + 0.05 * rng.normal(size=(size, self.dim)))

    def to_json(self):
        return {"kind": "interpolation manifold (local Gauss-Newton projection)",
                "point": self.theta.tolist(), "error": self.error}


# ---- factory --------------------------------------------------------------------------------
def _default_data(n, d, seed):
    """``x_i ~ N(0, I_d)``; labels from a random teacher ``sign(Σ_j a_j relu(t_j·x) − median)``."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    T = rng.normal(size=(3, d))
    a = np.array([1.0, -1.0, 1.0])
    s = np.maximum(X @ T.T, 0.0) @ a
    y = np.where(s >= np.median(s), 1.0, -1.0)
    return X, y


def two_layer_relu(
    *,
    n: int = 16,
    d: int = 3,
    k: int = 4,
    activation: str = "relu",
    loss: str = "logistic",
    lam1: float = 0.03,
    lam2: float = 0.03,
    seed: int = 3,
    starts: int = 32,
    X=None,
    y=None,
) -> TwoLayerNet:
    r"""[AB] Example 5 (spec §4.7): ``f_i = φ(y_i vᵀσ(Wx_i)) + λ₁‖v‖² + λ₂‖W‖²``.

    Parameters
    ----------
    n, d : int
        Number of samples and input dimension of the seeded data (``x_i ~ N(0, I)``, labels from a
        random ReLU teacher, balanced by its median); ignored when ``X`` is given.
    k : int
        Width (hidden units).
    activation : {"relu", "softplus"}
    loss : {"logistic", "square"}
    lam1, lam2 : float
        Penalties ≥ 0; both positive, or both zero with the square loss (else S is empty).
    seed : int
        Data and global-search seed.
    starts : int
        Number of global-search starts.
    X, y : arrays (n, d) and (n,), optional
        Your data; labels must be ±1.

    Notes
    -----
    With ReLU the global minimum often lies on a kink (some ``W_j·x_i = 0``) and then the
    gradient with the convention ``σ'(0) = 1`` does not vanish there; the stationarity residual in
    ``provenance["f_star"]`` says how well the minimizer is pinned down. The global search is a
    heuristic (``starts`` BFGS runs, each polished): for the default instance 12 starts stop at
    f = 0.5513343 while 24, 32 and 48 starts all find f = 0.5513199; raise ``starts`` for a more
    reliable f*. Parallel ReLU units can also make S
    a continuum (splitting one unit into two parallel ones costs the same); this is not detected.

    Examples
    --------
    >>> f = two_layer_relu(n=6, d=2, k=2, seed=1)
    >>> f.dim, f.n
    (6, 6)
    """
    k = as_int(k, "k", low=1, high=4096)
    seed = as_int(seed, "seed", low=0)
    starts = as_int(starts, "starts", low=1, high=10_000)
    lam1 = as_finite_float(lam1, "lam1", low=0.0)
    lam2 = as_finite_float(lam2, "lam2", low=0.0)
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")
    if (lam1 > 0) != (lam2 > 0):
        raise ValueError("lam1 and lam2 must be both positive or both zero: with exactly one "
                         "zero the infimum of f is not attained (S is empty)")
    if lam1 == 0 and loss == "logistic":
        raise ValueError("the logistic loss with lam1 = lam2 = 0 has inf f_i = 0 not attained "
                         "(S is empty); use positive penalties or loss='square'")
    if (X is None) != (y is None):
        raise ValueError("give both X and y, or neither")
    if X is None:
        n = as_int(n, "n", low=1, high=100_000)
        d = as_int(d, "d", low=1, high=10_000)
        data, labels = _default_data(n, d, seed)
        params = {"n": n, "d": d, "k": k}
    else:
        data, labels = as_labelled_data(X, y)
        n, d = data.shape
        params = {"n": n, "d": d, "k": k, "X": data.tolist(), "y": labels.tolist()}
    params.update(activation=activation, loss=loss, lam1=lam1, lam2=lam2, seed=seed,
                  starts=starts)
    data = np.ascontiguousarray(data)
    labels = np.ascontiguousarray(labels)
    key = (data.tobytes(), labels.tobytes(), data.shape, k, activation, loss, lam1, lam2,
           starts, seed)
    truth = _ground_truth(key)
    return TwoLayerNet(data, labels, k, activation, loss, lam1, lam2, params=params, truth=truth)


register(
    "two-layer-relu",
    two_layer_relu,
    summary="AB Example 5: two-layer ReLU net, logistic loss, L2 penalties; S = permutation orbit",
    test_params=(
        {"n": 6, "d": 2, "k": 2, "seed": 1},
        {"n": 5, "d": 2, "k": 2, "activation": "softplus", "loss": "square", "lam1": 0.05,
         "lam2": 0.05, "seed": 2},
    ),
)
