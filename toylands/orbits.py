r"""Minimizer sets that are group orbits: GL(k) factor pairs and permutations of hidden units.

- ``GLOrbitSet``: all factor pairs ``(W, S)`` with ``Wᵀ S = X_k`` (``X_k`` of rank k), the orbit
  of one pair under ``G · (W, S) = (G W, G^{−T} S)``, ``G ∈ GL(k)`` (MATHEMATICS.md §4.6, [AB]
  Example 4). The projection solves a k×k problem to tolerance (batched Newton, multi-start) and
  returns the first-order optimality residual as its certificate.
- ``FixedPairSet``: the single reference pair the proof of [AB] Example 4 (App. C.1.5) uses as
  ``x_p``. It lies in S but is *not* the projection; it exists so the difference can be measured.
- ``PermutationOrbitSet``: the ``k!`` points obtained from one point by permuting k hidden units
  (MATHEMATICS.md §4.7); the projection is a linear assignment problem, solved exactly.

Layouts (row-major throughout):

- factor pairs: ``x = (vec W, vec S)``, ``W ∈ R^{k×n}``, ``S ∈ R^{k×m}``, ``dim = k (n + m)``;
  ``W`` is ``x[..., :k*n].reshape(..., k, n)``;
- hidden units: ``x = (vec W, v)`` with ``W ∈ R^{k×d}``, ``v ∈ R^k``, ``dim = k (d + 1)``; unit j
  is the row ``(W_j, v_j) ∈ R^{d+1}``.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

from . import _batch_linalg as bl
from ._validate import as_finite_array
from ._xp import namespace
from .sets import MinimizerSet, PointSet

_TS = 0.5 ** np.arange(0, 30)  # line-search grid
_PHASE1, _PHASE2 = 12, 400  # Newton steps from all starts, then on the best start only
_BLOCK = 1 << 18  # Hessian entries per block of the projection (memory bound)

__all__ = [
    "GLOrbitSet",
    "FixedPairSet",
    "PermutationOrbitSet",
    "SplitOrbitSet",
    "split_pair",
    "join_pair",
    "split_units",
    "join_units",
]


# ---- layouts --------------------------------------------------------------------------------
def split_pair(x: np.ndarray, k: int, n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """``x (..., k(n+m)) -> (W (..., k, n), S (..., k, m))`` (views, row-major)."""
    W = x[..., : k * n].reshape(x.shape[:-1] + (k, n))
    S = x[..., k * n :].reshape(x.shape[:-1] + (k, m))
    return W, S


def join_pair(W: np.ndarray, S: np.ndarray) -> np.ndarray:
    """Inverse of ``split_pair``."""
    b = np.broadcast_shapes(W.shape[:-2], S.shape[:-2])
    W, S = np.broadcast_to(W, b + W.shape[-2:]), np.broadcast_to(S, b + S.shape[-2:])
    return np.concatenate([W.reshape(b + (-1,)), S.reshape(b + (-1,))], axis=-1)


def split_units(x: np.ndarray, k: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    """``x (..., k(d+1)) -> (W (..., k, d), v (..., k))``."""
    return x[..., : k * d].reshape(x.shape[:-1] + (k, d)), x[..., k * d :]


def join_units(W, v):
    """Inverse of ``split_units`` (numpy arrays or torch tensors)."""
    return namespace(W, v).concat([W.reshape(tuple(W.shape[:-2]) + (-1,)), v], axis=-1)


# ---- the GL(k) orbit ------------------------------------------------------------------------
class GLOrbitSet(MinimizerSet):
    r"""``S = {(W, S) : Wᵀ S = X_k}``, the GL(k) orbit of the balanced pair (MATHEMATICS.md §4.6).

    With the thin SVD ``X_k = U Σ Vᵀ`` (``U ∈ R^{n×k}``, ``V ∈ R^{m×k}``, ``σ_k > 0``) every
    point of S is ``(A Uᵀ, A^{−T} Σ Vᵀ)`` for one invertible ``A = G Σ^{1/2}``; ``A = Σ^{1/2}`` is
    the balanced pair ``(W₀, S₀) = (Σ^{1/2} Uᵀ, Σ^{1/2} Vᵀ)``. Since U and V have orthonormal
    columns,

        ‖W − A Uᵀ‖² + ‖S − A^{−T} Σ Vᵀ‖² = ‖P − A‖² + ‖Q − A^{−T} Σ‖² + const,
        P = W U,  Q = S V   (both k×k),

    so the projection is the k×k problem ``min_A φ(A)``, ``φ(A) = ‖P − A‖² + ‖Q − A^{−T}Σ‖²``.
    φ → ∞ as A tends to a singular matrix or to infinity, so a minimiser exists in each of the two
    components (det A > 0, det A < 0) of GL(k); φ is not convex and may have several local minima.

    Algorithm: saddle-free Newton on A (the exact Hessian with its eigenvalues replaced by
    ``max(|λ|, 1e−9)``) and a halving grid line search where the full step does not decrease φ,
    batched over all points and over ``starts`` initialisations (``P``, ``Σ^{1/2}``,
    ``Q^{−T}Σ``, the mean of ``P`` and ``Q^{−T}Σ``, and seeded random well-conditioned matrices
    of both determinant signs): 12 steps from every start, then Newton on the best start of each
    point until ``‖∇φ‖_max ≤ tol (1 + σ₁ max|A|)``. The tiny problems are evaluated together,
    batch axis last, with closed-form inverses for k ≤ 3. Where the Hessian is positive definite
    with ``λ_min ≥ 1e−9`` (a Cholesky or, for k = 2, a 2×2-block factorisation with a determinant
    bound certifies it) the step is Newton's ``−H⁻¹∇φ`` and no eigendecomposition is computed;
    only the other problems (indefinite or nearly singular Hessians, mostly in the first steps
    from the random starts) go to LAPACK's ``eigh``. ``certificate(x)`` returns the first-order
    optimality residual ``‖(W − W')W'ᵀ − S'(S − S')ᵀ‖_F``: it vanishes exactly when x − x_p is
    normal to S at x_p (the tangent space at ``(W', S')`` is ``{(H W', −Hᵀ S') : H ∈ R^{k×k}}``).
    Global optimality over A is checked by the multi-start only (tests compare it with 20
    random-restart local searches); the residual certifies stationarity, not globality.
    Known limits (visible in ``certificate``): points far outside the orbit's scale
    (``‖x‖ ≳ 100 √σ₁``) may stop before convergence, and near ``x = 0`` the nearest point is
    almost non-unique (a whole O(k) family is nearly equidistant), where the residual stalls
    around 1e−6. On the default domain of ``matrix-factorization`` residuals are below 1e−11.

    Examples
    --------
    >>> X = np.diag([3.0, 2.0, 1.0])
    >>> S = GLOrbitSet(X, k=2)
    >>> x = S.reference
    >>> bool(S.distance(x) < 1e-12)
    True
    """

    def __init__(self, X, k: int, *, starts: int = 12, seed: int = 0, tol: float = 1e-12):
        X = np.asarray(X, dtype=np.float64)
        n, m = X.shape
        U, sv, Vt = np.linalg.svd(X, full_matrices=False)
        if sv[k - 1] <= 1e-12 * sv[0]:
            raise ValueError(f"rank(X) < k = {k}: the best rank-k approximation is degenerate")
        if k < len(sv) and sv[k - 1] - sv[k] <= 1e-10 * sv[0]:
            raise ValueError(
                f"σ_k = σ_(k+1) (to 1e-10): the best rank-{k} approximation is not unique"
            )
        self.k, self.n, self.m = k, n, m
        self.dim = k * (n + m)
        self.U, self.sv, self.V = U[:, :k], sv[:k], Vt[:k].T
        self.Xk = (self.U * self.sv) @ self.V.T
        rs = np.sqrt(self.sv)
        self.W0 = rs[:, None] * self.U.T
        self.S0 = rs[:, None] * self.V.T
        ref = join_pair(self.W0, self.S0)
        ref.setflags(write=False)
        self.reference = ref
        self.tol = float(tol)
        self.error = 0.0
        rng = np.random.default_rng(seed)
        inits = []
        for t in range(max(starts - 4, 0)):
            Q1, _ = np.linalg.qr(rng.normal(size=(k, k)))
            Q2, _ = np.linalg.qr(rng.normal(size=(k, k)))
            if t % 2:
                Q1[:, 0] *= -1.0
            inits.append((Q1 * np.exp(rng.uniform(-0.7, 0.7, k))) @ Q2)
        self._random_G = np.array(inits).reshape(-1, k, k)
        self._sv_shaped = {}  # σ reshaped by _sig
        # the point-independent starts Σ^{1/2}, G Σ^{1/2}, batch axis last: (k, k, 1 + len(G))
        fixed = np.concatenate([np.diag(rs)[None], self._random_G * rs])
        self._fixed = np.ascontiguousarray(np.moveaxis(fixed, 0, -1))

    # -- the reduced problem -------------------------------------------------------------
    # The kernels below take A, C = A⁻¹, P, Q as (k, k, ...) arrays, batch axes last
    # (toylands._batch_linalg).
    def _reduce(self, x):
        W, S = split_pair(x, self.k, self.n, self.m)
        return W @ self.U, S @ self.V  # P, Q  (..., k, k)

    def _sig(self, A, axis):
        """σ shaped to scale axis 0 (rows) or 1 (columns) of a batch-last ``(k, k, ...)`` array."""
        key = (axis, A.ndim)
        s = self._sv_shaped.get(key)
        if s is None:
            shape = [1] * A.ndim
            shape[axis] = self.k
            s = self._sv_shaped[key] = self.sv.reshape(shape)
        return s

    def _phi_t(self, A, C, P, Q):
        """φ(A) given ``C = A⁻¹`` (batch axes last); +inf where A is singular."""
        n = self.k * self.k
        D = A - P
        D *= D
        E = self._sig(C, 0) * C  # ‖Q − A^{−T}Σ‖ = ‖Qᵀ − Σ A⁻¹‖: no strided transposes
        E -= np.swapaxes(Q, 0, 1)
        E *= E
        val = D.reshape((n,) + D.shape[2:]).sum(axis=0)
        val += E.reshape((n,) + E.shape[2:]).sum(axis=0)
        return np.fmin(val, np.inf)  # nan → inf

    def _grad_hess_t(self, A, C, P, Q, hess=True):
        """``(∇φ (k, k, ...), ∇²φ (k², k², ...) or None)`` given ``C = A⁻¹`` (batch axes last)."""
        k = self.k
        sr = self._sig(C, 0)
        Ct = np.swapaxes(C, 0, 1)
        E = sr * C
        D = E - np.swapaxes(Q, 0, 1)  # Σ C − Qᵀ
        D *= sr
        K = bl.mm(bl.mm(Ct, D), Ct)  # Cᵀ Σ D Cᵀ
        g = A - P
        g -= K
        g *= 2.0  # ∇φ
        if not hess:
            return g, None
        S2 = bl.mm(np.swapaxes(E, 0, 1), E)  # Cᵀ Σ² C
        T = bl.mm(C, Ct)  # C Cᵀ
        # H[p,q,a,b] = ∂g_pq / ∂A_ab
        #   = 2 (C_bp K_aq + (CᵀΣ²C)_pa (CCᵀ)_bq + K_pb C_qa) + 2 δ_pa δ_qb
        # (tested by finite differences). H is symmetric term by term: the first and last terms
        # are each other's transposes, the middle one is symmetric (S2 and T are).
        H = np.multiply(Ct[:, None, None, :], np.swapaxes(K, 0, 1)[None, :, :, None], order="C")
        H += K[:, None, None, :] * C[None, :, :, None]
        H += S2[:, None, :, None] * T[None, :, None, :]
        H *= 2.0
        H = H.reshape((k * k, k * k) + A.shape[2:])
        diag = np.arange(k * k)
        H[diag, diag] += 2.0
        return g, H

    def _phi(self, A, P, Q):
        """φ(A) for ``A, P, Q (..., k, k)`` (batch axes first)."""
        A, P, Q = (np.moveaxis(M, (-2, -1), (0, 1)) for M in np.broadcast_arrays(A, P, Q))
        with np.errstate(all="ignore"):
            return self._phi_t(A, bl.inv(A), P, Q)

    def _grad_hess(self, A, P, Q):
        """``(∇φ (..., k, k), ∇²φ (..., k², k²))`` for ``A, P, Q (..., k, k)`` (batch first)."""
        A, P, Q = (np.moveaxis(M, (-2, -1), (0, 1)) for M in np.broadcast_arrays(A, P, Q))
        with np.errstate(all="ignore"):
            g, H = self._grad_hess_t(A, bl.inv(A), P, Q)
        return np.moveaxis(g, (0, 1), (-2, -1)), np.moveaxis(H, (0, 1), (-2, -1))

    def _newton_step(self, A, C, f, g, H, P, Q):
        """One damped saddle-free Newton step on every problem of a flat batch ``(k, k, B)``.

        ``C = A⁻¹``, ``f = φ(A)``, ``(g, H)`` its gradient and Hessian; returns the new
        ``(A, C, f)``. The full step is taken where φ does not increase (up to rounding: near the
        solution φ's decrease is below it); elsewhere the best point of a halving grid, or none.
        """
        k, nb = self.k, A.shape[-1]
        step = bl.saddle_free_step(H, g.reshape(k * k, nb)).reshape(k, k, nb)
        A1 = A + step
        C1 = bl.inv(A1)
        f1 = self._phi_t(A1, C1, P, Q)
        take = f1 <= f * (1.0 + 1e-13) + 1e-300
        A, C, f = np.where(take, A1, A), np.where(take, C1, C), np.where(take, f1, f)
        redo = np.flatnonzero(~take)
        if redo.size:  # grid line search where the full step fails
            Ar, sr, Pr, Qr = (bl.take(X, redo)[..., None, :] for X in (A, step, P, Q))
            cand = Ar + _TS[1:, None] * sr  # (k, k, 29, r): the grid below t = 1
            Cc = bl.inv(cand)
            vals = self._phi_t(cand, Cc, Pr, Qr)
            best = np.argmin(vals, axis=0)
            i = np.flatnonzero(vals[best, np.arange(redo.size)] <= f[redo])
            b, r = best[i], redo[i]
            A[..., r], C[..., r], f[r] = cand[..., b, i], Cc[..., b, i], vals[b, i]
        return A, C, f

    def _converged(self, g, A):
        gmax = np.abs(g).max(axis=(0, 1))
        return gmax <= self.tol * (1.0 + np.abs(A).max(axis=(0, 1)) * self.sv.max())

    def solve(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(A, φ(A))`` of the best stationary point found, batched over ``x (..., dim)``.

        Phase 1: ``_PHASE1`` Newton steps from every start; phase 2: Newton on the best start of
        each point until ``‖∇φ‖_max ≤ tol (1 + σ₁ max|A|)`` or ``_PHASE2`` steps.
        """
        batch = x.shape[:-1]
        P, Q = self._reduce(x.reshape(-1, self.dim))
        P, Q = (np.ascontiguousarray(np.moveaxis(X, 0, -1)) for X in (P, Q))  # (k, k, N)
        k, N = self.k, P.shape[-1]
        out, vals = np.empty((k, k, N)), np.empty(N)
        ns = self._fixed.shape[-1] + 3
        step = max(1, _BLOCK // (ns * k**4))  # points per block: bounds the Hessians' memory
        with np.errstate(all="ignore"):  # a singular or overflowing candidate gets φ = inf
            for lo in range(0, N, step):
                blk = slice(lo, lo + step)
                Pb, Qb = P[..., blk], Q[..., blk]
                out[..., blk], vals[blk] = self._solve_block(self._starts(Pb, Qb), Pb, Qb)
        return np.moveaxis(out, -1, 0).reshape(batch + (k, k)), vals.reshape(batch)

    def _starts(self, P, Q):
        """The initial A of every start, ``(k, k, N, starts)``: P, Σ^{1/2}, ``Q^{−T}Σ``, the mean
        of the first and third, the random ones; singular ones replaced by Σ^{1/2}."""
        k, sig = self.k, self.sv
        cq = np.abs(bl.det(Q)) > 1e-12 * np.prod(sig)
        Qs = np.where(cq, Q, Q + np.eye(k)[..., None] * sig.max())
        alt = np.swapaxes(bl.inv(Qs), 0, 1) * self._sig(Qs, 1)  # Q^{−T} Σ
        A = np.empty((k, k, P.shape[-1], self._fixed.shape[-1] + 3))
        A[..., 0], A[..., 2], A[..., 3] = P, alt, 0.5 * (P + alt)
        A[..., 1:2], A[..., 4:] = self._fixed[:, :, None, :1], self._fixed[:, :, None, 1:]
        # Keep starts invertible: a singular start (P = 0, say) is replaced by Σ^{1/2}.
        bad = np.abs(bl.det(A)) <= 1e-10 * np.prod(sig)
        return np.where(bad, self._fixed[:, :, None, :1], A)

    def _solve_block(self, A, P, Q):
        """Both phases for starts ``A (k, k, N, starts)`` and ``P, Q (k, k, N)``."""
        k = self.k
        N, ns = A.shape[-2:]
        A = A.reshape(k, k, N * ns)
        Ps, Qs = np.repeat(P, ns, axis=-1), np.repeat(Q, ns, axis=-1)
        C = bl.inv(A)
        f = self._phi_t(A, C, Ps, Qs)
        for _ in range(_PHASE1):
            g, H = self._grad_hess_t(A, C, Ps, Qs)
            A, C, f = self._newton_step(A, C, f, g, H, Ps, Qs)
        best = np.argmin(f.reshape(N, ns), axis=1) + ns * np.arange(N)
        A, C, f = bl.take(A, best), bl.take(C, best), f[best]
        act = np.arange(N)
        for it in range(_PHASE2 + 1):
            a = [bl.take(X, act) for X in (A, C, P, Q)]
            g, H = self._grad_hess_t(*a, hess=it < _PHASE2)  # H costs no more calls than g
            keep = ~self._converged(g, a[0])
            if not keep.any() or it == _PHASE2:
                break
            if not keep.all():
                i = np.flatnonzero(keep)
                act, a, g, H = act[i], [bl.take(X, i) for X in a], bl.take(g, i), bl.take(H, i)
            A[..., act], C[..., act], f[act] = self._newton_step(a[0], a[1], f[act], g, H, *a[2:])
        return A, f

    def point(self, A: np.ndarray) -> np.ndarray:
        """The orbit point ``(A Uᵀ, A^{−T} Σ Vᵀ)`` for invertible ``A (..., k, k)``."""
        A = as_finite_array(A, "A")
        if A.ndim < 2 or A.shape[-2:] != (self.k, self.k):
            raise ValueError(f"A must have shape (..., {self.k}, {self.k}), got {A.shape}")
        try:
            inv = np.linalg.inv(A)
        except np.linalg.LinAlgError:
            raise ValueError("A must be invertible (an element of GL(k))") from None
        W = A @ self.U.T
        S = (np.swapaxes(inv, -1, -2) * self.sv) @ self.V.T
        return join_pair(W, S)

    def project(self, x):
        A, _ = self.solve(x)
        return self.point(A)

    def certificate(self, x: np.ndarray, p: np.ndarray | None = None) -> np.ndarray:
        r"""First-order residual of ``p = project(x)``: ``‖(W − W')W'ᵀ − S'(S − S')ᵀ‖_F``.

        Zero iff ``x − p`` is orthogonal to the tangent space of S at p.
        """
        p = self.project(x) if p is None else p
        W, S = split_pair(x, self.k, self.n, self.m)
        Wp, Sp = split_pair(p, self.k, self.n, self.m)
        R = (W - Wp) @ np.swapaxes(Wp, -1, -2) - Sp @ np.swapaxes(S - Sp, -1, -2)
        return np.sqrt(np.sum(R * R, axis=(-2, -1)))

    def contains(self, x, atol: float = 1e-8):
        return self.distance(x) <= atol

    def sample(self, rng, size):
        """Points ``(G W₀, G^{−T} S₀)`` with ``G = O₁ diag(e^z) O₂``, ``z ~ U(−log 2, log 2)``."""
        k = self.k
        O1, _ = np.linalg.qr(rng.normal(size=(size, k, k)))
        O2, _ = np.linalg.qr(rng.normal(size=(size, k, k)))
        z = rng.uniform(-np.log(2.0), np.log(2.0), size=(size, k))
        G = (O1 * np.exp(z)[:, None, :]) @ O2
        return self.point(G * np.sqrt(self.sv))

    def to_json(self):
        return {
            "kind": "GL(k) orbit",
            "k": self.k,
            "description": "all (W, S) with W^T S = X_k, X_k the best rank-k approximation",
            "singular_values": self.sv.tolist(),
            "reference": self.reference.tolist(),
            "projection": "k x k Newton, multi-start; certificate = first-order residual",
            "error": self.error,
        }

    def __repr__(self):
        return f"GLOrbitSet(n={self.n}, m={self.m}, k={self.k})"


class FixedPairSet(PointSet):
    r"""One fixed factor pair ``x_ref ∈ S`` used as ``x_p`` for every x: the choice of the proof of
    [AB] Example 4 (App. C.1.5), **not** the projection onto S (MATHEMATICS.md §4.6).

    ``project(x)`` always returns ``x_ref``; ``distance(x) = ‖x − x_ref‖ ≥ dist(x, S)``. Use it to
    measure how much the paper's choice of x_p changes the α-β slack.
    """

    def __init__(self, reference):
        super().__init__(np.asarray(reference, dtype=np.float64)[None, :])

    def to_json(self):
        return {"kind": "fixed pair (not the projection)", "points": self.points.tolist()}


# ---- the permutation orbit ------------------------------------------------------------------
class PermutationOrbitSet(MinimizerSet):
    r"""All points obtained from ``base`` by permuting its k hidden units (MATHEMATICS.md §4.7).

    With unit rows ``u_j = (W_j, v_j)`` of ``x`` and ``b_j`` of ``base``,
    ``‖x − π·base‖² = ‖x‖² + ‖base‖² − 2 Σ_j <u_j, b_{π(j)}>``, so the nearest permutation solves
    the linear assignment problem with profit matrix ``U Bᵀ`` (``linear_sum_assignment``, exact,
    O(k³)). scipy solves one assignment per call, so ``project`` loops over points in Python
    (about 10 µs a point for k = 32); every other operation is vectorised.

    ``candidates`` returns the projection only: tied optimal assignments (a measure-zero event;
    always present when two units of ``base`` coincide, e.g. dead units at 0, but then they give
    the same point) are not enumerated.

    Examples
    --------
    >>> S = PermutationOrbitSet([1.0, 2.0, 3.0, 4.0], k=2, d=1)   # units (1, 3) and (2, 4)
    >>> S.project(np.array([2.1, 0.9, 4.0, 3.0])).tolist()
    [2.0, 1.0, 4.0, 3.0]
    """

    is_finite = True

    def __init__(self, base, k: int, d: int, *, error: float = 0.0):
        base = np.asarray(base, dtype=np.float64).reshape(-1)
        if base.size != k * (d + 1):
            raise ValueError(f"base must have k(d+1) = {k * (d + 1)} entries, got {base.size}")
        base.setflags(write=False)
        self.base = base
        self.k, self.d = k, d
        self.dim = base.size
        self.error = float(error)
        W, v = split_units(base, k, d)
        self._B = np.concatenate([W, v[:, None]], axis=1)  # (k, d+1)

    def _units(self, x):
        W, v = split_units(x, self.k, self.d)
        return np.concatenate([W, v[..., None]], axis=-1)

    def permutations(self, x: np.ndarray) -> np.ndarray:
        """``perm (..., k)``: unit j of the projection is unit ``perm[j]`` of ``base``."""
        Ux = self._units(x).reshape(-1, self.k, self.d + 1)
        with np.errstate(over="ignore", invalid="ignore"):
            profit = Ux @ self._B.T  # (N, k, k)
        if not np.all(np.isfinite(profit)):
            raise ValueError("x is too large: the assignment's inner products overflow float64")
        out = np.empty((Ux.shape[0], self.k), dtype=np.intp)
        for t in range(Ux.shape[0]):  # scipy has no batched assignment
            _, out[t] = linear_sum_assignment(profit[t], maximize=True)
        return out.reshape(x.shape[:-1] + (self.k,))

    def apply(self, perm: np.ndarray) -> np.ndarray:
        """The orbit point ``π·base`` for permutations ``perm (..., k)``."""
        perm = np.asarray(perm) if not isinstance(perm, (str, bytes, dict)) else None
        if perm is None or perm.dtype.kind not in "iu" or perm.ndim < 1 or perm.shape[-1] != self.k:
            raise TypeError(f"perm must be an integer array of shape (..., {self.k})")
        if not np.array_equal(np.sort(perm, axis=-1),
                              np.broadcast_to(np.arange(self.k), perm.shape)):
            raise ValueError(f"perm must hold permutations of 0 .. {self.k - 1}")
        Bp = self._B[perm]  # (..., k, d+1)
        return join_units(Bp[..., : self.d], Bp[..., self.d])

    def project(self, x):
        return self.apply(self.permutations(x))

    def sample(self, rng, size):
        return self.apply(rng.permuted(np.tile(np.arange(self.k), (size, 1)), axis=1))

    def to_json(self):
        return {
            "kind": "permutation orbit",
            "k": self.k,
            "base": self.base.tolist(),
            "projection": "linear assignment (exact)",
            "error": self.error,
        }

    def __repr__(self):
        return f"PermutationOrbitSet(k={self.k}, d={self.d})"


# ---- the splitting orbit of a ReLU network with weight decay --------------------------------
class SplitOrbitSet(MinimizerSet):
    r"""Minimizers of a two-layer ReLU net with L2 penalties whose m < k distinct units can be
    split among the k slots (MATHEMATICS.md §4.7, [derived]).

    With balanced units ``U_g = (W_g, v_g) ∈ R^{d+1}`` (g = 1..m, pairwise non-parallel), the units
    ``s_j U_g`` with ``s_j ≥ 0``, ``Σ_{j∈G_g} s_j² = 1`` compute the same output
    (``Σ s_j v_g relu(s_j W_g·x) = v_g relu(W_g·x)``) at the same penalty, so

        S = {θ : the slots split into non-empty groups G_1..G_m and a zero group; unit j ∈ G_g
             is s_j U_g with s ≥ 0, ‖s_{G_g}‖ = 1; units in the zero group are 0},

    a union of spherical pieces (a continuum whenever m < k). For a fixed grouping the nearest
    point is explicit: with ``p_j = <y_j, U_g>``, ``s = p₊/‖p₊‖`` (or the best single slot when no
    p_j > 0) and the squared distance is ``Σ_j ‖y_j‖² + Σ_g (‖U_g‖² − 2 h_g)``, ``h_g = ‖p₊‖`` (or
    ``max_j p_j``). ``project`` enumerates all ``≤ (m+1)^k`` groupings (vectorised), so it is
    exact; construction refuses more than ``MAX_GROUPINGS``.
    """

    MAX_GROUPINGS = 100_000

    def __init__(self, units, k: int, d: int, *, error: float = 0.0):
        U = np.asarray(units, dtype=np.float64).reshape(-1, d + 1)
        m = U.shape[0]
        if not 1 <= m <= k:
            raise ValueError(f"need 1 <= m <= k distinct units, got m = {m}, k = {k}")
        if (m + 1) ** k > self.MAX_GROUPINGS:
            raise ValueError(f"(m+1)^k = {(m + 1) ** k} groupings: too many to enumerate")
        grid = np.array(np.meshgrid(*[np.arange(-1, m)] * k, indexing="ij")).reshape(k, -1).T
        full = np.all([(grid == g).any(axis=1) for g in range(m)], axis=0)
        self.groupings = grid[full]  # (na, k): group of each slot, −1 = zero
        self._M = self.groupings[..., None] == np.arange(m)  # (na, k, m)
        U.setflags(write=False)
        self.units, self.k, self.d, self.m = U, k, d, m
        self.dim = k * (d + 1)
        self.error = float(error)
        base = np.zeros((k, d + 1))
        base[:m] = U
        self.base = join_units(base[:, :d], base[:, d])

    def _solve(self, y):
        # y (N, k, d+1) -> best grouping index (N,), P (N, k, m)
        P = y @ self.units.T
        Pp = np.maximum(P, 0.0)[:, None] * self._M  # (N, na, k, m)
        norm = np.sqrt(np.sum(Pp * Pp, axis=2))  # (N, na, m)
        anypos = np.any(Pp > 0.0, axis=2)
        maxp = np.max(np.where(self._M, P[:, None], -np.inf), axis=2)
        h = np.where(anypos, norm, maxp)
        cost = np.sum(np.sum(self.units**2, axis=1) - 2.0 * h, axis=-1)  # (N, na)
        return np.argmin(cost, axis=1), P

    def project(self, x):
        W, v = split_units(x.reshape(-1, self.dim), self.k, self.d)
        y = np.concatenate([W, v[..., None]], axis=-1)  # (N, k, d+1)
        out = np.zeros_like(y)
        for lo in range(0, y.shape[0], 256):  # blocks bound the (N, na, k, m) work array
            yb = y[lo : lo + 256]
            best, P = self._solve(yb)
            M = self._M[best]  # (Nb, k, m)
            Pp = np.maximum(P, 0.0) * M
            nrm = np.sqrt(np.sum(Pp * Pp, axis=1, keepdims=True))  # (Nb, 1, m)
            s_pos = np.divide(Pp, nrm, out=np.zeros_like(Pp), where=nrm > 0)
            Pm = np.where(M, P, -np.inf)
            top = (np.arange(self.k)[None, :, None] == np.argmax(Pm, axis=1)[:, None, :]) & M
            s = np.where(nrm > 0, s_pos, top.astype(np.float64))  # (Nb, k, m)
            out[lo : lo + 256] = s @ self.units
        return join_units(out[..., : self.d], out[..., self.d]).reshape(x.shape)

    def sample(self, rng, size):
        a = self.groupings[rng.integers(0, len(self.groupings), size)]  # (size, k)
        z = np.abs(rng.normal(size=(size, self.k))) + 1e-3
        M = a[..., None] == np.arange(self.m)  # (size, k, m)
        nz = np.sqrt(np.einsum("sk,skm->sm", z * z, M))  # (size, m)
        s = M * (z[..., None] / nz[:, None, :])
        y = s @ self.units
        return join_units(y[..., : self.d], y[..., self.d])

    def to_json(self):
        return {
            "kind": "ReLU splitting orbit",
            "k": self.k,
            "units": self.units.tolist(),
            "projection": f"exact: enumeration of {len(self.groupings)} groupings",
            "error": self.error,
        }

    def __repr__(self):
        return f"SplitOrbitSet(m={self.m}, k={self.k}, d={self.d})"
