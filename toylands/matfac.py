r"""Matrix factorization, [AB] Example 4, Eq. (7) (MATHEMATICS.md §4.6).

    f(W, S) = 1/(2nm) ‖X − Wᵀ S‖_F²,   f_ij(W, S) = ½ (X_ij − w_iᵀ s_j)²,
    W ∈ R^{k×n} (columns w_i),   S ∈ R^{k×m} (columns s_j).

The ``n·m`` entries are the samples, numbered ``i·m + j`` (row-major). The parameter vector is
``x = (vec W, vec S)`` row-major, ``dim = k (n + m)`` (``toylands.orbits.split_pair``).

Ground truth:

- ``f_ij* = 0`` (take ``w_i = 0`` except one coordinate, and solve for ``s_j``), so
  ``σ_int² = f*``;
- ``f* = Σ_{l>k} σ_l² / (2nm)`` from the singular values of X (Eckart–Young);
- ``S = {(W, S) : Wᵀ S = X_k}``, the GL(k) orbit of the balanced pair; projections by
  ``toylands.orbits.GLOrbitSet`` (k×k Newton, certified by its first-order residual);
- ``fixed_pair``: the single pair the proof of [AB] App. C.1.5 uses as x_p, kept apart because it
  is not the projection.

The kernels are written once in the array API (numpy arrays or torch tensors; ``toylands._xp``).
"""

from __future__ import annotations

import numpy as np

from ._landscape import CLOSED_FORM, SOLVED, Landscape, Provenance, Smoothness
from ._validate import as_data, as_finite_array, as_finite_float, as_int, check_memory, check_work
from ._xp import const, namespace, vdot
from .domain import Box
from .orbits import FixedPairSet, GLOrbitSet, split_pair

__all__ = ["MatrixFactorization", "matrix_factorization"]


class MatrixFactorization(Landscape):
    """``f_ij = ½ (X_ij − w_iᵀ s_j)²``; see the module docstring.

    Attributes
    ----------
    X : ndarray (n, m)
        The data.
    minimizers : GLOrbitSet
        S with its projection and ``certificate(x)`` (first-order residual of the projection).
    fixed_pair : FixedPairSet
        The balanced pair ``(Σ^{1/2} Uᵀ, Σ^{1/2} Vᵀ)`` as a constant "projection" (the proof's
        x_p, [AB] App. C.1.5); ``fixed_pair.project(x)`` is that pair for every x.
    """

    def __init__(self, X, k: int, *, params: dict, summary: str):
        X = np.asarray(X, dtype=np.float64)
        n, m = X.shape
        self.X, self.k, self.rows, self.cols = X, k, n, m
        S = GLOrbitSet(X, k)
        sv = np.linalg.svd(X, compute_uv=False)
        tail = float(np.sum(sv[k:] ** 2))
        f_star = tail / (2.0 * n * m)
        self.fixed_pair = FixedPairSet(S.reference)
        bound = 2.0 * max(1.0, float(np.abs(S.reference).max()))
        super().__init__(
            name="matrix-factorization",
            dim=k * (n + m),
            n=n * m,
            params=params,
            f_star=f_star,
            f_i_star=np.zeros(n * m),
            minimizers=S,
            domain=Box.cube(-bound, bound, k * (n + m)),
            provenance={
                "f_star": Provenance(
                    SOLVED,
                    8 * np.finfo(float).eps * max(f_star, sv[0] ** 2 / (2 * n * m) * 1e-4),
                    "Eckart-Young: sum of squared singular values beyond the k-th / (2nm), "
                    "LAPACK SVD",
                ),
                "f_i_star": Provenance(CLOSED_FORM, 0.0, "f_ij = 0 at w_i = e_1, s_j = X_ij e_1"),
                "minimizers": Provenance(
                    SOLVED,
                    0.0,
                    "S = {W^T S = X_k}, the GL(k) orbit of (Σ^½Uᵀ, Σ^½Vᵀ); projection = k×k "
                    "Newton to ‖∇‖ ≤ 1e-12, multi-start, residual via minimizers.certificate",
                ),
            },
            summary=summary,
            interpolation=bool(tail == 0.0),
            positive=False,
        )

    # ---- kernels (array API: numpy or torch, see toylands._xp) ---------------------------
    _ARRAY_API = True

    def _split(self, x):
        return split_pair(x, self.k, self.rows, self.cols)

    def _resid(self, x):
        W, S = self._split(x)
        return W.mT @ S - const(self, "X", x)  # R = WᵀS − X  (..., n, m)

    def _losses(self, x):
        R = self._resid(x)
        return 0.5 * (R * R).reshape(tuple(x.shape[:-1]) + (-1,))

    def _directional(self, x, v):
        # <∇f_ij, v> = r_ij (δw_iᵀ s_j + w_iᵀ δs_j) = r ∘ (δWᵀ S + Wᵀ δS): two matrix products.
        W, S = self._split(x)
        dW, dS = self._split(v)
        R = W.mT @ S - const(self, "X", x)
        J = dW.mT @ S + W.mT @ dS
        return (R * J).reshape(tuple(x.shape[:-1]) + (-1,))

    def _losses_and_directional(self, x, v):
        W, S = self._split(x)
        dW, dS = self._split(v)
        R = W.mT @ S - const(self, "X", x)  # shared: three products instead of four
        J = dW.mT @ S + W.mT @ dS
        shape = tuple(x.shape[:-1]) + (-1,)
        return 0.5 * (R * R).reshape(shape), (R * J).reshape(shape)

    def _point_floats(self):
        return 6 * self.n

    def _grads(self, x):
        xp = namespace(x)
        k, n, m = self.k, self.rows, self.cols
        W, S = self._split(x)
        R = W.mT @ S - const(self, "X", x)
        b = tuple(x.shape[:-1])
        eye_n = xp.eye(n, dtype=x.dtype, device=getattr(x, "device", None))
        eye_m = xp.eye(m, dtype=x.dtype, device=getattr(x, "device", None))
        # ∂f_ij/∂W[:, p] = r_ij s_j δ_ip,  ∂f_ij/∂S[:, q] = r_ij w_i δ_jq  (the slow reference)
        gW = xp.einsum("...ij,...kj,ip->...ijkp", R, S, eye_n)
        gS = xp.einsum("...ij,...ki,jq->...ijkq", R, W, eye_m)
        g = xp.concat([gW.reshape(b + (n, m, k * n)), gS.reshape(b + (n, m, k * m))], axis=-1)
        return g.reshape(b + (n * m, k * (n + m)))

    def _gradient(self, x):
        xp = namespace(x)
        W, S = self._split(x)
        R = W.mT @ S - const(self, "X", x)
        c = 1.0 / (self.rows * self.cols)
        gW = c * S @ R.mT  # (k, n)
        gS = c * W @ R  # (k, m)
        b = tuple(x.shape[:-1])
        return xp.concat([gW.reshape(b + (-1,)), gS.reshape(b + (-1,))], axis=-1)

    def _ij(self, i):
        return i // self.cols, i % self.cols

    def _pair_at(self, x, i):
        xp = namespace(x)
        W, S = self._split(x)
        ii, jj = self._ij(i)
        w = xp.take_along_axis(W, ii[..., None, None], axis=-1)[..., 0]  # (..., k)
        s = xp.take_along_axis(S, jj[..., None, None], axis=-1)[..., 0]
        r = vdot(xp, w, s) - const(self, "X", x)[ii, jj]
        return xp, w, s, r, ii, jj

    def _loss_at(self, x, i):
        r = self._pair_at(x, i)[3]
        return 0.5 * r * r

    def _grad_at(self, x, i):
        n, m = self.rows, self.cols
        xp, w, s, r, ii, jj = self._pair_at(x, i)
        dev = getattr(x, "device", None)
        gW = (r[..., None] * s)[..., :, None] * (ii[..., None] == xp.arange(n, device=dev))[
            ..., None, :]
        gS = (r[..., None] * w)[..., :, None] * (jj[..., None] == xp.arange(m, device=dev))[
            ..., None, :]
        b = tuple(x.shape[:-1])
        return xp.concat([gW.reshape(b + (-1,)), gS.reshape(b + (-1,))], axis=-1)

    def _smoothness(self, domain):
        r"""Certified: with ``u = (s_j, w_i)``, ``∇²f_ij = u uᵀ + r_ij [[0, I], [I, 0]]`` in the
        variables ``(w_i, s_j)``, so ``‖∇²f_ij‖ ≤ ‖w_i‖² + ‖s_j‖² + |r_ij|``; each term is bounded
        over the box by its coordinate-wise maxima (triangle inequality), then rounded up."""
        k, n, m = self.k, self.rows, self.cols
        big = np.maximum(np.abs(domain.lo), np.abs(domain.hi))
        bW, bS = split_pair(big, k, n, m)
        w2 = np.sum(bW**2, axis=0)  # (n,) max ‖w_i‖²
        s2 = np.sum(bS**2, axis=0)  # (m,)
        rmax = np.abs(self.X) + bW.T @ bS  # (n, m) max |r_ij|
        L = float(np.max(w2[:, None] + s2[None, :] + rmax))
        return Smoothness(
            L * (1 + 1e-12),
            "closed form: ‖∇²f_ij‖ ≤ ‖w_i‖² + ‖s_j‖² + |r_ij|, maximised coordinate-wise over "
            "the box (certified upper bound, rounded up)",
            domain,
        )


def matrix_factorization(
    *,
    n: int = 6,
    m: int = 5,
    k: int = 2,
    rank: int = 2,
    noise: float = 0.1,
    seed: int = 0,
    X=None,
) -> MatrixFactorization:
    r"""[AB] Example 4 (MATHEMATICS.md §4.6) on a seeded instance or on a user matrix.

    Parameters
    ----------
    n, m : int
        Size of X (n × m); the n·m entries are the samples.
    k : int
        Factorization rank, ``1 ≤ k ≤ min(n, m)``.
    rank, noise, seed
        ``X = W*ᵀ S* / √rank + noise · E`` with ``W* ∈ R^{rank×n}``, ``S* ∈ R^{rank×m}``, E standard
        normal, all drawn from ``default_rng(seed)``. The paper needs noise > 0 (so f* > 0).
    X : array (n, m), optional
        Use this matrix instead (then n, m are taken from it; rank, noise, seed are ignored).

    Raises
    ------
    ValueError
        If k > min(n, m), rank(X) < k, or σ_k = σ_{k+1} (S would not be one orbit).

    Examples
    --------
    >>> f = matrix_factorization(n=4, m=3, k=1, seed=0)
    >>> sv = np.linalg.svd(f.X, compute_uv=False)
    >>> bool(abs(f.f_star - np.sum(sv[1:] ** 2) / 24) < 1e-15)
    True
    """
    k = as_int(k, "k", low=1)
    if X is not None:
        X = as_data(as_finite_array(X, "X", ndim=2).copy(), "X")
        if min(X.shape) < 1:
            raise ValueError(f"X must be a 2-D array with n, m >= 1, got shape {X.shape}")
        n, m = X.shape
        params = {"n": n, "m": m, "k": k, "X": X.tolist()}
    else:
        n = as_int(n, "n", low=1, high=2000)
        m = as_int(m, "m", low=1, high=2000)
        rank = as_int(rank, "rank", low=0, high=min(n, m))
        noise = as_finite_float(noise, "noise", low=0.0, high=1e50,
                                why="the losses grow like noise²·(n m): beyond 1e50 they overflow")
        seed = as_int(seed, "seed", low=0)
        rng = np.random.default_rng(seed)
        Ws, Ss = rng.normal(size=(rank, n)), rng.normal(size=(rank, m))
        X = Ws.T @ Ss / np.sqrt(max(rank, 1)) + noise * rng.normal(size=(n, m))
        params = {"n": n, "m": m, "k": k, "rank": rank, "noise": noise, "seed": seed}
    if k > min(n, m):
        raise ValueError(f"k must be <= min(n, m) = {min(n, m)}, got {k}")
    # X and its SVD, and the GL(k) orbit's multi-start Newton projections (k × k systems).
    what = f"matrix-factorization with n = {n}, m = {m}, k = {k}"
    check_memory(8.0 * 6 * n * m, what)
    check_work(40.0 * n * m * min(n, m) + 1e3 * k**3, what)
    return MatrixFactorization(
        X, k, params=params, summary="AB Example 4: matrix factorization, S = GL(k) orbit"
    )
