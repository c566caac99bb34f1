r"""Two-layer network, [AB] Example 5, Eq. (8) (MATHEMATICS.md §4.7).

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

The exact f_i* and its 1-D reduction are in :mod:`toylands._relu_infimum`; the global search,
the kink-aware polish and the sets S in :mod:`toylands._relu_search`. The search's result is
cached in memory and on disk (:mod:`toylands._cache`, keyed by the data, every parameter and the
code version), so an instance is searched once per machine.

The kernels are written once in the array API (numpy arrays or torch tensors; ``toylands._xp``);
the ground truth is computed in float64 numpy. The rows that the slack conditions need at 10⁵
points (``losses``, ``directional``, ``losses_and_directional``) have one numpy-only path for
relu, ``TwoLayerNet._relu_rows``: the same formulas with fewer passes over the (k, n) arrays,
the same numbers up to rounding.
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np

from ._cache import cached
from ._landscape import Landscape, Smoothness
from ._relu_infimum import _act, _dact, dphi, exact_f_i_star, phi, phi_dphi_np, relu_f_i_star
from ._relu_search import global_search, stationarity_residual
from ._threads import one_blas_thread
from ._validate import (
    as_finite_float,
    as_int,
    as_labelled_data,
    check_memory,
    check_work,
    work_limit,
)
from ._xp import const, namespace, relu_, vdot
from .domain import Box
from .orbits import join_units, split_units

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

    # ---- kernels (array API: numpy or torch, see toylands._xp) ---------------------------
    _ARRAY_API = True

    def _forward(self, x):
        W, v = split_units(x, self.k, self.d)
        Z = const(self, "data", x) @ W.mT  # (..., n, k)
        H = _act(Z, self.activation)
        out = namespace(x).einsum("...nk,...k->...n", H, v)
        return W, v, Z, H, out

    def _reg(self, W, v):
        xp = namespace(W)
        return self.lam1 * xp.sum(v * v, axis=-1) + self.lam2 * xp.sum(W * W, axis=(-2, -1))

    def _point_floats(self):
        # one (3k, n) product per point (slack_terms), its (k, n) mask and the (n,) rows
        return 4 * self.k * self.n + 8 * self.n

    def _products(self, A, x):
        """``A Xᵀ`` for unit rows ``A (..., r, d)``: ``(..., r, n)``, as one matrix product
        ``(… r, d) @ (d, n)`` over the whole batch (one BLAS call, not one per point)."""
        data = const(self, "data", x)
        return (A.reshape(-1, self.d) @ data.T).reshape(tuple(A.shape[:-1]) + (self.n,))

    def _losses(self, x):
        if self._numpy_relu(x):
            return self._relu_rows(x)[0]
        W, v = split_units(x, self.k, self.d)
        Z = self._products(W, x)  # (..., k, n): the one product needed
        H = relu_(namespace(x), Z) if self.activation == "relu" else _act(Z, "softplus")
        out = (v[..., None, :] @ H)[..., 0, :]
        y = const(self, "labels", x)
        return phi(y * out, self.loss) + self._reg(W, v)[..., None]

    def _jvp(self, x, u):
        r"""``(W, v, dW, dv, out, dout)``: the network output ``out = vᵀσ(W x_i)`` and its
        derivative along u, ``dout = (σ'(Z) ∘ (δW Xᵀ))ᵀ v + σ(Z)ᵀ δv``, from one product
        ``[W; U] Xᵀ`` of 2k unit rows. For relu, ``σ(Z) = 1[Z ≥ 0] Z``, so
        ``dout = Σ_j 1[Z_j ≥ 0] G_j`` with ``G = (v∘δW + δv∘W) Xᵀ``: masked sums, no
        per-sample gradients."""
        xp = namespace(x)
        k = self.k
        W, v = split_units(x, k, self.d)
        dW, dv = split_units(u, k, self.d)
        if self.activation == "relu":
            ZG = self._products(xp.concat([W, v[..., None] * dW + dv[..., None] * W], axis=-2), x)
            Z, G = ZG[..., :k, :], ZG[..., k:, :]
            G *= Z >= 0.0  # (faster than copyto(where=) here)
            relu_(xp, Z)  # Z is now σ(Z)
            dout = xp.sum(G, axis=-2)
            out = (v[..., None, :] @ Z)[..., 0, :]
        else:
            ZD = self._products(xp.concat([W, dW], axis=-2), x)
            Z, dZ = ZD[..., :k, :], ZD[..., k:, :]
            H = _act(Z, self.activation)
            out = (v[..., None, :] @ H)[..., 0, :]
            dout = (v[..., None, :] @ (_dact(Z, self.activation) * dZ))[..., 0, :]
            dout += (dv[..., None, :] @ H)[..., 0, :]
        return W, v, dW, dv, out, dout

    # ---- the numpy relu rows (what the slack rows call at 10⁵ points) -------------------------
    def _numpy_relu(self, x):
        return self.activation == "relu" and isinstance(x, np.ndarray)

    def _relu_rows(self, x, u=None, *, value=True, p=None):
        r"""``(losses(x), directional(x, u))`` for numpy input and relu (None for what is not
        asked: the directional without u, the losses with ``value=False``): the formulas of
        ``_losses`` and ``_jvp``, written for the fewest passes over the (k, n) arrays of a
        block, the part of the time that is not the BLAS products (the limit of
        ``benchmarks/bench_relu_slack.py``).

        - One product ``[W; δW] Xᵀ`` of 2k unit rows per point (the rows are copies of x and u,
          no elementwise work on the (k, d) units); then ``dout = Σ_j 1[Z_j ≥ 0] (v_j δZ_j +
          δv_j σ(Z_j)) = δvᵀσ(Z) + vᵀ(1[Z ≥ 0] ∘ δZ)`` is one matrix-vector product
          ``[δv, v]ᵀ [σ(Z); 1[Z ≥ 0] ∘ δZ]`` over the block that also holds σ(Z), and
          ``out = vᵀσ(Z)`` another. Per point: the product, the mask, one masked multiply,
          one in-place relu and two BLAS reductions.
        - The penalties are one dot product with ``(λ₂, …, λ₂, λ₁, …, λ₁)`` per point.
        - φ and φ' share one exponential (:func:`phi_dphi_np`).

        The losses are computed the same way with and without u (the Z rows of the product
        and ``vᵀσ(Z)`` are the same BLAS calls; ``1[Z ≥ 0] Z`` and ``max(Z, 0)`` differ only in
        the sign of zeros, which φ and φ' do not see), so ``losses_and_directional`` gives the
        bits of ``losses`` and ``directional``.

        With ``p`` (``slack_terms``: ``u = x − p``) the losses at p come from the same product,
        ``[W; δW; W_p] Xᵀ`` of 3k unit rows, and are returned third: one BLAS call and one pass
        over the block for the three terms of the slack rows.
        """
        k, d, n = self.k, self.d, self.n
        kd = k * d
        batch = tuple(x.shape[:-1])
        x = x.reshape(-1, self.dim)
        b = x.shape[0]
        XT = self.data.T
        v = x[:, None, kd:]  # (b, 1, k)
        lam = np.empty(self.dim)
        lam[:kd], lam[kd:] = self.lam2, self.lam1
        if u is None:
            Z = x[:, :kd].reshape(b * k, d) @ XT  # (b k, n)
            np.maximum(Z, 0.0, out=Z)
            out = v @ Z.reshape(b, k, n)
        else:
            u = u.reshape(-1, self.dim)
            units = (x[:, :kd], u[:, :kd]) if p is None else (x[:, :kd], u[:, :kd],
                                                             p.reshape(-1, self.dim)[:, :kd])
            rows = len(units) * k
            ZDP = (np.concatenate(units, axis=1).reshape(b * rows, d) @ XT).reshape(b, rows, n)
            ZD = ZDP[:, : 2 * k]  # per point the rows Z = W Xᵀ, δZ = δW Xᵀ (and Z_p = W_p Xᵀ)
            Z = ZD[:, :k]
            # [σ(Z); σ'(Z) δZ] = 1[Z ≥ 0] [Z; δZ] (σ'(0) = 1): one multiply by the mask, 15 %
            # faster than the mask on δZ and np.maximum on Z (which also propagates NaN); the
            # mask written as float64 (a bool mask is cast in the multiply: 9.2 µs a point
            # against 7.1 at k = 32, n = 256)
            M = np.greater_equal(Z, 0.0, out=np.empty(Z.shape, Z.dtype), casting="unsafe")
            ZD.reshape(b, 2, k, n).__imul__(M[:, None])
            out = v @ Z
            dout = np.concatenate((u[:, kd:], x[:, kd:]), axis=1)[:, None, :] @ ZD
        y = self.labels
        m = out.reshape(b, n)
        m *= y
        val, der = phi_dphi_np(m, self.loss, value=value, slope=u is not None)
        if val is not None:
            val += ((x * x) @ lam)[:, None]
            val = val.reshape(batch + (n,))
        if der is not None:
            der *= y
            der *= dout.reshape(b, n)
            der += (2.0 * ((x * u) @ lam))[:, None]
            der = der.reshape(batch + (n,))
        if p is None:
            return val, der
        p = p.reshape(-1, self.dim)
        Zp = ZDP[:, 2 * k:]
        np.maximum(Zp, 0.0, out=Zp)
        mp = (p[:, None, kd:] @ Zp).reshape(b, n)
        mp *= y
        val_p = phi_dphi_np(mp, self.loss, slope=False)[0]
        val_p += ((p * p) @ lam)[:, None]
        return val, val_p.reshape(batch + (n,)), der

    def _dreg(self, W, v, dW, dv):
        xp = namespace(W)
        return 2 * self.lam1 * xp.sum(v * dv, axis=-1) + 2 * self.lam2 * xp.sum(
            W * dW, axis=(-2, -1))

    def _directional(self, x, u):
        if self._numpy_relu(x):
            return self._relu_rows(x, u, value=False)[1]
        W, v, dW, dv, out, dout = self._jvp(x, u)
        y = const(self, "labels", x)
        return dphi(y * out, self.loss) * y * dout + self._dreg(W, v, dW, dv)[..., None]

    fused_slack_terms = True  # (the relu kernel's one product of 3k unit rows)

    def _slack_terms(self, x, p):
        if self._numpy_relu(x):
            return self._relu_rows(x, x - p, p=p)
        return super()._slack_terms(x, p)

    def _losses_and_directional(self, x, u):
        """Losses at x and ``<∇f_i(x), u>`` from the same forward product (``_jvp``)."""
        if self._numpy_relu(x):
            return self._relu_rows(x, u)
        W, v, dW, dv, out, dout = self._jvp(x, u)
        y = const(self, "labels", x)
        m = y * out
        losses = phi(m, self.loss) + self._reg(W, v)[..., None]
        return losses, dphi(m, self.loss) * y * dout + self._dreg(W, v, dW, dv)[..., None]

    def _parts(self, x):
        W, v, Z, H, out = self._forward(x)
        y = const(self, "labels", x)
        c = dphi(y * out, self.loss) * y  # (..., n)
        return W, v, Z, H, c

    def _grads(self, x):
        xp = namespace(x)
        W, v, Z, H, c = self._parts(x)
        gW = (c[..., None] * _dact(Z, self.activation) * v[..., None, :])[..., None] * const(
            self, "data", x)[:, None, :]  # (..., n, k, d)
        gv = c[..., None] * H
        b = tuple(x.shape[:-1]) + (self.n,)
        g = xp.concat([gW.reshape(b + (-1,)), gv], axis=-1)
        reg = join_units(2 * self.lam2 * W, 2 * self.lam1 * v)
        return g + reg[..., None, :]

    def _value(self, x):
        # f through the (n, k) layout of ``_forward``, bit for bit the value the global search
        # was written against (its line search compares values at the level of rounding)
        W, v, _, H, _ = self._forward(x)
        return self._mean_loss(W, v, H, x)

    def _mean_loss(self, W, v, H, x):
        out = (H @ v[..., None])[..., 0]
        y = const(self, "labels", x)
        return namespace(x).mean(phi(y * out, self.loss) + self._reg(W, v)[..., None], axis=-1)

    def _value_and_gradient(self, x):
        """``(f(x), ∇f(x))`` from one forward pass: the global search's objective, bit for bit
        ``(_value(x), _gradient(x))``."""
        xp = namespace(x)
        W, v, Z, H, out = self._forward(x)
        y = const(self, "labels", x)
        c = dphi(y * out, self.loss) * y
        A = c[..., None] * _dact(Z, self.activation) * v[..., None, :] / self.n  # (..., n, k)
        gW = A.mT @ const(self, "data", x) + 2 * self.lam2 * W
        gv = xp.einsum("...n,...nk->...k", c, H) / self.n + 2 * self.lam1 * v
        return self._mean_loss(W, v, H, x), join_units(gW, gv)

    def _gradient(self, x):
        xp = namespace(x)
        W, v, Z, H, c = self._parts(x)
        A = c[..., None] * _dact(Z, self.activation) * v[..., None, :] / self.n  # (..., n, k)
        gW = A.mT @ const(self, "data", x) + 2 * self.lam2 * W
        gv = xp.einsum("...n,...nk->...k", c, H) / self.n + 2 * self.lam1 * v
        return join_units(gW, gv)

    def _sample_forward(self, x, i):
        xp = namespace(x)
        W, v = split_units(x, self.k, self.d)
        xi, yi = const(self, "data", x)[i], const(self, "labels", x)[i]  # (..., d), (...)
        z = xp.einsum("...kd,...d->...k", W, xi)
        h = _act(z, self.activation)
        m = yi * vdot(xp, h, v)
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


# ---- ground truth (cached per instance, in memory and on disk) ------------------------------
@functools.lru_cache(maxsize=32)
def _ground_truth(key):
    with one_blas_thread():  # scalar-sized BLAS calls; bits independent of the cores
        return cached("two-layer-relu", key, functools.partial(_search, key))


def _search(key):
    data_b, labels_b, shape, k, activation, loss, lam1, lam2, starts, seed = key
    data = np.frombuffer(data_b).reshape(shape)
    labels = np.frombuffer(labels_b)
    n, d = shape
    net = TwoLayerNet.__new__(TwoLayerNet)  # kernels only: no ground truth yet
    net.data, net.labels, net.k, net.d, net.n = data, labels, k, d, n
    net.activation, net.loss, net.lam1, net.lam2 = activation, loss, lam1, lam2
    net.dim = k * (d + 1)
    norms = np.linalg.norm(data, axis=1)
    f_i_star, prov_i = exact_f_i_star(norms, k, activation, loss, lam1, lam2, seed)
    return global_search(net, f_i_star, prov_i, starts=starts, seed=seed)


# ---- factory --------------------------------------------------------------------------------
# Starts of the global search: DEFAULT_STARTS, or as many as fit the work limit, at least
# MIN_STARTS (``starts=None``, ``_default_starts``).
DEFAULT_STARTS = 32
MIN_STARTS = 4


def _search_cost(n: int, d: int, k: int) -> tuple[float, float]:
    """``(bytes, operations per start)`` of the ground-truth search, by its two paths
    (``toylands._relu_search.global_search``), calibrated by timing on one core (1e11 ≈ a minute).

    - ``dim = k (d + 1) ≤ 128``: a BFGS / L-BFGS-B run (up to 2000 iterations of an O(n dim)
      gradient) and a Newton polish of up to 100 iterations whose ``dim × dim`` Hessian is built
      from 2 dim gradients (central differences).
    - ``dim > 128``: an L-BFGS-B run of up to 3000 iterations, each one evaluation of about
      ``3e5 + 100 n + 3 n dim`` operations (call overhead, the loss per sample, the products), and
      a polish of up to 48 Newton iterations, each an analytic Hessian (``n dim²`` flops of one
      matrix product, about 20 to an operation), its eigendecomposition (``dim³ / 2``) and a few
      evaluations (``_polish_structured``).
    """
    dim = k * (d + 1)
    if dim <= 128:
        memory = 8.0 * (4 * dim * dim + 3 * dim * n * k + 2 * n * d)
        return memory, 2000 * 30 * n * dim + 100 * (4.0 * n * dim * dim + 10.0 * dim**3)
    # the Hessian's J N (n × dim) twice, the objective's (n, k) arrays, the data, the per-unit
    # bounded least squares (an (m + d) × m factor, m ≤ min(n, 1024))
    memory = 8.0 * (4 * dim * dim + 2 * n * dim + 10 * n * k + 2 * n * d + min(n, 1024) ** 2)
    evaluation = 3e5 + 100.0 * n + 3.0 * n * dim
    newton = n * dim * dim / 20 + dim**3 / 2 + 3 * evaluation + 1e7
    return memory, 3000 * evaluation + 48 * newton


def _check_size(n: int, d: int, k: int, starts: int) -> None:
    """Refuse a ground-truth search that would not fit in memory or would run for hours
    (estimates: ``_search_cost``)."""
    memory, per_start = _search_cost(n, d, k)
    what = f"two-layer-relu with n = {n}, d = {d}, k = {k}, starts = {starts}"
    check_memory(memory, what)
    check_work(starts * per_start, what)


def _default_starts(n: int, d: int, k: int) -> int:
    """``DEFAULT_STARTS`` (32), or the most starts whose estimated work fits the limit
    (``TOYLANDS_MAX_WORK``), but at least ``MIN_STARTS`` (4; ``_check_size`` refuses a search
    where even these do not fit). At n = 4096, d = 10, k = 32 that is 5 starts."""
    per_start = _search_cost(n, d, k)[1]
    fit = int(work_limit() // per_start) if per_start > 0 else DEFAULT_STARTS
    return max(MIN_STARTS, min(DEFAULT_STARTS, fit))


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
    starts: int | None = None,
    X=None,
    y=None,
) -> TwoLayerNet:
    r"""[AB] Example 5 (MATHEMATICS.md §4.7): ``f_i = φ(y_i vᵀσ(Wx_i)) + λ₁‖v‖² + λ₂‖W‖²``.

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
    starts : int, optional
        Number of global-search starts. None (the default): 32, or fewer where 32 starts would
        exceed the work limit (``TOYLANDS_MAX_WORK``; the estimate is ``_search_cost``): the most
        that fit, but at least 4 (refused if even 4 do not fit). That is 32 up to n = 2 937 at
        d = 3, k = 4 (the default instance and the report's widths 1 to 32 at n = 16 keep 32) and
        up to n = 166 at d = 10, k = 32; 5 at n = 4096, d = 10, k = 32. ``params["starts"]`` is
        the number used. An explicit number is checked against the limit as given.
    X, y : arrays (n, d) and (n,), optional
        Your data; labels must be ±1.

    Notes
    -----
    With ReLU the global minimum often lies on a kink (some ``W_j·x_i = 0``) and then the
    gradient with the convention ``σ'(0) = 1`` does not vanish there; the stationarity residual in
    ``provenance["f_star"]`` says how well the minimizer is pinned down. The global search is a
    heuristic (``starts`` BFGS runs, each polished): for the default instance 12 starts stop at
    f = 0.5513343 while 24, 32 and 48 starts all find f = 0.5513199; raise ``starts`` for a more
    reliable f* (fewer starts, as the default takes at large sizes, are less reliable; the
    provenance says how many were used). Parallel ReLU units can also make S
    a continuum (splitting one unit into two parallel ones costs the same); this is not detected.

    Examples
    --------
    >>> f = two_layer_relu(n=6, d=2, k=2, seed=1)
    >>> f.dim, f.n
    (6, 6)
    """
    k = as_int(k, "k", low=1, high=4096)
    seed = as_int(seed, "seed", low=0)
    if starts is not None:
        starts = as_int(starts, "starts", low=1, high=10_000)
    lam1 = as_finite_float(lam1, "lam1", low=0.0, high=1e100)
    lam2 = as_finite_float(lam2, "lam2", low=0.0, high=1e100)
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
    by_default = starts is None
    if by_default:
        starts = _default_starts(n, d, k)
    params.update(activation=activation, loss=loss, lam1=lam1, lam2=lam2, seed=seed,
                  starts=starts)
    _check_size(n, d, k, starts)
    data = np.ascontiguousarray(data)
    labels = np.ascontiguousarray(labels)
    key = (data.tobytes(), labels.tobytes(), data.shape, k, activation, loss, lam1, lam2,
           starts, seed)
    truth = _ground_truth(key)
    if by_default and starts < DEFAULT_STARTS:  # say so: a less reliable global search
        f_star, f_i_star, S, prov, bound = truth
        note = (f"; {starts} starts, not {DEFAULT_STARTS}: the default is reduced at this size "
                "to fit the work limit (TOYLANDS_MAX_WORK), which makes the global search less "
                "reliable; pass starts= for more")
        prov = {**prov, "f_star": dataclasses.replace(prov["f_star"],
                                                     detail=prov["f_star"].detail + note)}
        truth = (f_star, f_i_star, S, prov, bound)
    return TwoLayerNet(data, labels, k, activation, loss, lam1, lam2, params=params, truth=truth)
