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

from ._validate import as_finite_array
from ._xp import namespace
from .sets import MinimizerSet, PointSet

_TS = 0.5 ** np.arange(0, 30)  # line-search grid
_PHASE1, _PHASE2 = 12, 400  # Newton steps from all starts, then on the best start only

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

    Algorithm: Newton on A with the exact Hessian (negative curvature flipped, |λ|), a grid line
    search, batched over all points and over ``starts`` initialisations (``P``, ``Q^{−T}Σ``,
    ``Σ^{1/2}``, their mean, and seeded random well-conditioned matrices of both determinant
    signs); the best stationary point is kept. ``certificate(x)`` returns the first-order
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

    # -- the reduced problem -------------------------------------------------------------
    def _reduce(self, x):
        W, S = split_pair(x, self.k, self.n, self.m)
        return W @ self.U, S @ self.V  # P, Q  (..., k, k)

    def _phi(self, A, P, Q):
        sig = self.sv
        with np.errstate(all="ignore"):
            C = np.linalg.inv(A)
        B = np.swapaxes(C, -1, -2) * sig  # A^{-T} Σ
        val = np.sum((A - P) ** 2, axis=(-2, -1)) + np.sum((Q - B) ** 2, axis=(-2, -1))
        return np.where(np.isfinite(val), val, np.inf)

    def _grad_hess(self, A, P, Q):
        k, sig = self.k, self.sv
        C = np.linalg.inv(A)
        Ct = np.swapaxes(C, -1, -2)
        D = sig[:, None] * C - np.swapaxes(Q, -1, -2)  # Σ C − Qᵀ
        M = sig[:, None] * D @ Ct  # Σ D Cᵀ
        g = 2.0 * (A - P) - 2.0 * Ct @ M  # ∇φ
        N = Ct @ (sig[:, None] * D)  # Cᵀ Σ D
        CtM = Ct @ M
        CS2C = Ct @ ((sig**2)[:, None] * C)
        CCt = C @ Ct
        NCt = N @ Ct
        # H[p,q,a,b] = ∂g_pq / ∂A_ab (derived in the module notes; tested by finite differences)
        H = 2.0 * (
            np.einsum("...bp,...aq->...pqab", C, CtM)
            + np.einsum("...pa,...bq->...pqab", CS2C, CCt)
            + np.einsum("...pb,...qa->...pqab", NCt, C)
        )
        eye = np.eye(k * k).reshape(k, k, k, k)
        H = H + 2.0 * eye
        return g, H.reshape(A.shape[:-2] + (k * k, k * k))

    def _newton_step(self, A, P, Q):
        """One damped Newton step on every problem of the batch; returns (A, ‖∇φ‖_max)."""
        k = self.k
        g, H = self._grad_hess(A, P, Q)
        H = 0.5 * (H + np.swapaxes(H, -1, -2))
        lam, vec = np.linalg.eigh(H)
        # |λ| (saddle-free Newton) with an absolute floor: ∇²‖A − P‖² = 2I sets the scale, and a
        # floor relative to max|λ| would stall the well-conditioned directions when the
        # A^{−T} term is stiff.
        lam = np.maximum(np.abs(lam), 1e-9)
        gv = g.reshape(g.shape[:-2] + (k * k,))
        step = -np.einsum("...ij,...j,...kj,...k->...i", vec, 1.0 / lam, vec, gv)
        step = step.reshape(A.shape)
        f0 = self._phi(A, P, Q)
        # Near the solution φ's decrease is below rounding: accept the full step there too.
        t = np.where(self._phi(A + step, P, Q) <= f0 * (1.0 + 1e-13) + 1e-300, 1.0, 0.0)
        redo = np.flatnonzero(t.reshape(-1) == 0.0)
        if redo.size:  # grid line search where the full step fails
            Ab, sb = A.reshape(-1, k, k)[redo], step.reshape(-1, k, k)[redo]
            Pb = np.broadcast_to(P, A.shape).reshape(-1, k, k)[redo]
            Qb = np.broadcast_to(Q, A.shape).reshape(-1, k, k)[redo]
            cand = Ab[:, None] + _TS[1:, None, None] * sb[:, None]
            vals = self._phi(cand, Pb[:, None], Qb[:, None])
            best = np.argmin(vals, axis=-1)
            ok = vals[np.arange(redo.size), best] <= f0.reshape(-1)[redo]
            t.reshape(-1)[redo] = np.where(ok, _TS[1:][best], 0.0)
        return A + t[..., None, None] * step, np.abs(gv).max(axis=-1)

    def _converged(self, A, P, Q):
        g, _ = self._grad_hess(A, P, Q)
        gmax = np.abs(g).max(axis=(-2, -1))
        return gmax <= self.tol * (1.0 + np.abs(A).max(axis=(-2, -1)) * self.sv.max())

    def solve(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(A, φ(A))`` of the best stationary point found, batched over ``x (..., dim)``.

        Phase 1: ``_PHASE1`` Newton steps from every start; phase 2: Newton on the best start of
        each point until ``‖∇φ‖_max ≤ tol (1 + σ₁ max|A|)`` or ``_PHASE2`` steps.
        """
        batch = x.shape[:-1]
        P, Q = self._reduce(x.reshape(-1, self.dim))
        k, sig = self.k, self.sv
        eye = np.eye(k)
        inits = [P, np.diag(np.sqrt(sig)) + 0 * P]
        with np.errstate(all="ignore"):
            cq = np.abs(np.linalg.det(Q)) > 1e-12 * np.prod(sig)
            Qs = np.where(cq[..., None, None], Q, Q + eye * sig.max())
            alt = np.swapaxes(np.linalg.inv(Qs), -1, -2) * sig
        inits += [alt, 0.5 * (P + alt)]
        inits += [self._random_G[t] * np.sqrt(sig) + 0 * P for t in range(len(self._random_G))]
        A = np.stack(inits, axis=-3)  # (N, starts, k, k)
        # Keep starts invertible: a singular start (P = 0, say) is replaced by Σ^{1/2}.
        bad = np.abs(np.linalg.det(A)) <= 1e-10 * np.prod(sig)
        A = np.where(bad[..., None, None], np.diag(np.sqrt(sig)), A)
        Ps, Qs = P[:, None], Q[:, None]
        for _ in range(_PHASE1):
            A, _ = self._newton_step(A, Ps, Qs)
        best = np.argmin(self._phi(A, Ps, Qs), axis=-1)
        A = np.take_along_axis(A, best[:, None, None, None], axis=1)[:, 0]
        active = ~self._converged(A, P, Q)
        for _ in range(_PHASE2):
            if not active.any():
                break
            idx = np.flatnonzero(active)
            A[idx], _ = self._newton_step(A[idx], P[idx], Q[idx])
            active[idx] = ~self._converged(A[idx], P[idx], Q[idx])
        vals = self._phi(A, P, Q)
        return A.reshape(batch + (k, k)), vals.reshape(batch)

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
