r"""Tiny matrices by the thousand, batch axes last: the kernels of ``GLOrbitSet``'s projection.

The projection (``toylands.orbits``) solves thousands of tiny problems at once (k×k matrices
and their k²×k² Hessians, k ≤ 4). numpy's batched LAPACK calls and matmul cost 0.1-2.5 µs per
tiny matrix, so these kernels keep the batch on the last axes, ``(k, k, ...)``, and loop over
the few matrix entries instead (each numpy call then runs over the whole batch); LAPACK is
used only where no short closed form exists.
"""

from __future__ import annotations

import numpy as np

__all__ = ["FLOOR", "det", "inv", "inv2", "mm", "mv", "saddle_free_step", "take"]

# |λ| floor of the saddle-free Newton step, absolute: ∇²‖A − P‖² = 2I sets the scale, and a floor
# relative to max|λ| would stall the well-conditioned directions when the A^{−T} term is stiff.
FLOOR = 1e-9
_SMALL = 4  # batches below _SMALL · k² problems go to eigh directly (see saddle_free_step)


def mm(X, Y):
    """Matrix product of ``X (k, l, ...)`` and ``Y (l, m, ...)`` (batch axes last)."""
    return np.einsum("ij...,jl...->il...", X, Y)


def take(X, idx):
    """``X[..., idx]`` in C order (plain indexing there puts the batch axis first in memory)."""
    return np.take(X, idx, axis=-1)


def inv2(A):
    """``(A⁻¹, det A)`` for ``A (2, 2, ...)`` (batch axes last), by the adjugate."""
    if A.ndim == 2:
        C, det = inv2(A[..., None])
        return C[..., 0], det[0]
    a, b, c, d = A[0, 0], A[0, 1], A[1, 0], A[1, 1]
    det = a * d - b * c
    r = 1.0 / det
    C = np.empty(A.shape)
    np.multiply(d, r, out=C[0, 0])
    np.multiply(a, r, out=C[1, 1])
    r = -r
    np.multiply(b, r, out=C[0, 1])
    np.multiply(c, r, out=C[1, 0])
    return C, det


def mv(X, v):
    """``X v`` for ``X (k, l, ...)``, ``v (l, ...)`` (batch axes last)."""
    return np.einsum("ij...,j...->i...", X, v)


def det(A):
    """``det A`` for ``A (k, k, ...)`` (batch axes last): closed form for k ≤ 3, LAPACK above."""
    k = A.shape[0]
    if k == 1:
        return A[0, 0].copy()
    if k == 2:
        return A[0, 0] * A[1, 1] - A[0, 1] * A[1, 0]
    if k == 3:
        return (
            A[0, 0] * (A[1, 1] * A[2, 2] - A[1, 2] * A[2, 1])
            + A[0, 1] * (A[1, 2] * A[2, 0] - A[1, 0] * A[2, 2])
            + A[0, 2] * (A[1, 0] * A[2, 1] - A[1, 1] * A[2, 0])
        )
    return np.linalg.det(np.moveaxis(A, (0, 1), (-2, -1)))


def inv(A):
    """``A⁻¹`` for ``A (k, k, ...)`` (batch axes last): adjugate / determinant for k ≤ 3, LAPACK
    above. A singular matrix gives non-finite entries, not an exception (under the callers'
    ``np.errstate(all="ignore")``)."""
    k = A.shape[0]
    if k == 1:
        return 1.0 / A
    if k == 2:
        return inv2(A)[0]
    if k == 3:  # cofactors with cyclic indices carry their signs
        cof = [
            [
                A[(i + 1) % 3, (j + 1) % 3] * A[(i + 2) % 3, (j + 2) % 3]
                - A[(i + 1) % 3, (j + 2) % 3] * A[(i + 2) % 3, (j + 1) % 3]
                for j in range(3)
            ]
            for i in range(3)
        ]
        r = 1.0 / (A[0, 0] * cof[0][0] + A[0, 1] * cof[0][1] + A[0, 2] * cof[0][2])
        return np.array([[cof[j][i] * r for j in range(3)] for i in range(3)])
    Am = np.moveaxis(A, (0, 1), (-2, -1))
    try:
        C = np.linalg.inv(Am)
    except np.linalg.LinAlgError:  # an exactly singular matrix in the batch
        sing = ~(np.abs(np.linalg.det(Am)) > 0.0)
        C = np.linalg.inv(np.where(sing[..., None, None], np.eye(k), Am))
        C[sing] = np.nan
    return np.moveaxis(C, (-2, -1), (0, 1))


def saddle_free_step(H, g):
    """``−V |Λ|⁻¹ Vᵀ g`` (``H = V Λ Vᵀ``, |λ| floored at ``FLOOR``) for ``H (n, n, B)``,
    ``g (n, B)``.

    Where H is positive definite with ``λ_min ≥ FLOOR`` (with margin) this is Newton's step
    ``−H⁻¹ g``: a Cholesky factorisation ``H = L Lᵀ`` gives it, and its pivots ``d_j`` the floor
    check ``λ_min ≥ det H ((n − 1) / tr H)^{n−1}`` (AM-GM on the other n − 1 eigenvalues,
    ``det H = Π d_j``). The remaining problems (H indefinite or nearly singular) get the
    eigendecomposition. The factorisation runs entry by entry over (B,) rows of the batch
    (n = k² ≤ 16 here): a few hundred numpy calls however small B is, where LAPACK's eigh
    costs ~3 µs a 4×4 matrix; below ``_SMALL · n`` problems eigh does all.
    """
    n, nb = g.shape
    if nb < _SMALL * n:
        return _eigh_step(H, g, np.arange(nb), np.empty_like(g))
    diag = np.arange(n)
    Hd = H[diag, diag]
    tr = Hd.sum(axis=0)
    c = (n - 1) / tr if n > 1 else 1.0
    # Newton's step is the saddle-free one where λ_min ≥ FLOOR, which holds where
    # det H · c^{n−1} > FLOOR + a margin for the rounding of the factorisation; both sides · c
    floor = c * (FLOOR + 1e-12 * np.abs(Hd).max(axis=0))
    if n == 4:  # k = 2: 2×2 blocks and their closed-form inverses, fewer numpy calls
        step, pd, bound = _newton_step4(H, g, c)
        return _eigh_step(H, g, np.flatnonzero(~(pd & (bound > floor))), step)
    L = [[None] * n for _ in range(n)]  # the Cholesky factor, lower triangle
    R = [None] * n  # 1 / L_jj
    # failed pivots (nan, inf) only reach problems that go to eigh
    bound = 1.0
    for j in range(n):
        d = Hd[j]
        for q in range(j):
            d = d - L[j][q] * L[j][q]
        bound = bound * (d * c)  # scaled so that it cannot overflow
        r = R[j] = 1.0 / np.sqrt(d)
        for i in range(j + 1, n):
            s = H[i, j]
            for q in range(j):
                s = s - L[i][q] * L[j][q]
            L[i][j] = s * r
    y = []  # L y = g
    for i in range(n):
        s = g[i]
        for q in range(i):
            s = s - L[i][q] * y[q]
        y.append(s * R[i])
    step = np.empty_like(g)
    for j in reversed(range(n)):  # Lᵀ z = y, step = −z
        s = y[j]
        for i in range(j + 1, n):
            s = s + L[i][j] * step[i]  # step[i] = −z_i
        np.multiply(s, -R[j], out=step[j])
    # λ_min ≥ det H · c^{n−1} = bound / c; a pivot ≤ 0 or nan makes the bound ≤ 0 or nan
    return _eigh_step(H, g, np.flatnonzero(~((bound > floor) & (tr > 0.0))), step)


def _newton_step4(H, g, c):
    """``(−H⁻¹ g, H positive definite, det H · c⁴)`` for ``H (4, 4, B)``, by 2×2 block
    elimination.

    H is positive definite iff its leading block ``H₁₁`` and the Schur complement
    ``S = H₂₂ − H₂₁ H₁₁⁻¹ H₁₂`` are (2×2: positive corner and determinant); ``det H = det H₁₁ ·
    det S``.
    """
    I11, d1 = inv2(H[:2, :2])
    X = mm(I11, H[:2, 2:])  # H₁₁⁻¹ H₁₂
    S = H[2:, 2:] - mm(H[2:, :2], X)
    IS, d2 = inv2(S)
    y1 = mv(I11, g[:2])
    s2 = mv(IS, g[2:] - mv(H[2:, :2], y1))
    step = np.concatenate([mv(X, s2) - y1, -s2])
    pd = (H[0, 0] > 0.0) & (d1 > 0.0) & (S[0, 0] > 0.0) & (d2 > 0.0)
    c2 = c * c
    return step, pd, (d1 * c2) * (d2 * c2)  # det H c⁴, in this order it cannot overflow


def _eigh_step(H, g, idx, step):
    """``step[:, idx]`` ← the saddle-free step of problems ``idx`` by eigendecomposition.

    ``H`` from ``_grad_hess_t`` is symmetric term by term and eigh reads one triangle: it is not
    symmetrised again.
    """
    if idx.size:
        Hb, gb = H[..., idx].transpose(2, 0, 1), g[:, idx].T
        try:
            lam, vec = np.linalg.eigh(Hb)
        except np.linalg.LinAlgError:  # non-finite H (a singular A is never accepted): no step
            fin = np.isfinite(Hb).all(axis=(1, 2)) & np.isfinite(gb).all(axis=1)
            Hb, gb = np.where(fin[:, None, None], Hb, np.eye(g.shape[0])), gb * fin[:, None]
            lam, vec = np.linalg.eigh(Hb)
        c = np.einsum("bj,bji->bi", gb, vec) / np.maximum(np.abs(lam), FLOOR)
        step[:, idx] = np.einsum("bij,bj->ib", vec, -c)
    return step
