r"""Ground truth of the two-layer network by global search (MATHEMATICS.md §4.7; see
toylands.relu_net).

- :func:`global_search`: multi-start BFGS / L-BFGS-B, each local minimum Newton-polished
  (``_polish``, kink-aware for relu; ``_polish_structured`` above 128 parameters); f* is the best
  value and S the orbit(s) of the minimizers within 1e−10 of it (``_minimizer_set``: permutation
  orbits, or ReLU splitting orbits when a unit is dead or two are parallel); with λ = 0 (square
  loss) S is the interpolation manifold (``_InterpolationSet``, local Gauss–Newton projection).
- :func:`stationarity_residual`: the distance of 0 to the generalized gradient (relu kinks).
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
from scipy.optimize import lsq_linear, minimize
from scipy.special import expit

from ._landscape import CLOSED_FORM, GLOBAL_SEARCH, Provenance
from ._relu_infimum import _dact, dphi
from .orbits import PermutationOrbitSet, SplitOrbitSet, join_units, split_units
from .sets import MinimizerSet, UnionSet

__all__ = ["global_search", "stationarity_residual"]

# Kink columns up to which stationarity_residual solves its bounded least squares exactly, as one
# problem; beyond, one problem per unit (``_unitwise_residual``), exactly up to _EXACT_UNIT_KINKS
# columns (the exact solver's QR is (d + m) × m: 2.4 s at m = 4096, against 0.7 s for LSMR).
_EXACT_KINKS = 4096
_EXACT_UNIT_KINKS = 1024


def _canonical(theta, k, d):
    W, v = split_units(theta, k, d)
    U = np.concatenate([W, v[:, None]], axis=1)
    U = U[np.lexsort(U.T[::-1])]
    return join_units(U[:, :d], U[:, d])


def _unit_columns(net, ii, jj):
    """Indices ``(m, d)`` into θ of the weights ``W_j`` of the kinks ``(i, j)``."""
    return jj[:, None] * net.d + np.arange(net.d)


def _kink_columns(net, theta, active):
    """Columns ``b_ij = (1/n) c_i v_j (e_{W_j} ⊗ x_i)`` of the active kinks ``(i, j)``."""
    W, v = split_units(theta, net.k, net.d)
    out = net._forward(theta)[-1]
    c = dphi(net.labels * out, net.loss) * net.labels
    ii, jj = np.nonzero(active)
    B = np.zeros((net.dim, ii.size))
    B[_unit_columns(net, ii, jj), np.arange(ii.size)[:, None]] = (
        (c[ii] * v[jj])[:, None] * net.data[ii] / net.n
    )
    return B, ii, jj


def _kink_constraints(net, active):
    """``C`` with one row per active kink (i, j): ``C θ = W_j · x_i``."""
    ii, jj = np.nonzero(active)
    C = np.zeros((ii.size, net.dim))
    C[np.arange(ii.size)[:, None], _unit_columns(net, ii, jj)] = net.data[ii]
    return C


def _null_space(C):
    """Orthonormal basis ``(dim, dim − rank)`` of ``{θ : C θ = 0}``: ``scipy.linalg.null_space``
    (same LAPACK driver, same rank cut, the same bits) without its ``m × m`` factor, which a
    tall C does not need (``V`` of the thin SVD is all of V) and which overflows LAPACK's 32-bit
    sizes when C has tens of thousands of kink rows (dead units at n = 4096)."""
    m, dim = C.shape
    _, sv, Vt = scipy.linalg.svd(C, full_matrices=m < dim)  # Vt is (dim, dim) either way
    rank = int(np.sum(sv > np.amax(sv, initial=0.0) * np.finfo(float).eps * max(m, dim)))
    return Vt[rank:].T


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
    if np.count_nonzero(active) > _EXACT_KINKS:
        return _unitwise_residual(net, theta, active, g, Z)
    B, ii, jj = _kink_columns(net, theta, active)
    g0 = g - B[:, Z[ii, jj] >= 0.0].sum(axis=1)  # remove the σ'(0) = 1 convention's terms
    r = lsq_linear(B, -g0, bounds=(0.0, 1.0), lsq_solver="exact", lsmr_tol="auto", tol=1e-15)
    return float(np.linalg.norm(g0 + B @ r.x))


def _unitwise_residual(net, theta, active, g=None, Z=None):
    r""":func:`stationarity_residual` with many kinks, one hidden unit at a time.

    A kink column ``b_ij`` lives in the rows of ``W_j`` only, so ``min_α ‖g₀ + Bα‖²`` splits
    into one bounded least squares per unit, ``min ‖g₀(W_j) + B_j α_j‖²`` (d rows, the unit's
    kinks as columns), plus ``‖g₀(v)‖²``: the same minimum as the whole problem. A unit with
    ``v_j = 0`` has zero columns (a dead unit, every sample on its kink: tens of thousands of
    kinks at n = 4096) and is its own term. lsq_linear's exact solver on the whole B would build a
    (kinks × kinks) factor (8 GB for 32879 kinks), and LSMR on the whole B took 34 s there; per
    unit the exact solver runs on up to ``_EXACT_UNIT_KINKS`` columns, LSMR beyond."""
    k, d = net.k, net.d
    W, v = split_units(theta, k, d)
    g = net._gradient(theta) if g is None else g
    Z = net.data @ W.T if Z is None else Z
    c = dphi(net.labels * net._forward(theta)[-1], net.loss) * net.labels
    gW, gv = split_units(g, k, d)
    total = float(gv @ gv)
    for j in range(k):
        rows = np.flatnonzero(active[:, j])
        g0 = gW[j].copy()
        if rows.size and v[j] != 0.0:
            Bj = ((c[rows] * v[j])[:, None] * net.data[rows] / net.n).T  # (d, kinks of j)
            g0 -= Bj[:, Z[rows, j] >= 0.0].sum(axis=1)
            solver = "exact" if rows.size <= _EXACT_UNIT_KINKS else "lsmr"
            r = lsq_linear(Bj, -g0, bounds=(0.0, 1.0), lsq_solver=solver, lsmr_tol="auto",
                           tol=1e-15)
            g0 = g0 + Bj @ r.x
        total += float(g0 @ g0)
    return float(np.sqrt(total))


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
            C = _kink_constraints(net, active)
        else:
            C = np.zeros((0, net.dim))
        if C.shape[0]:
            theta = theta - np.linalg.pinv(C) @ (C @ theta)  # pinv: a thin SVD of C
            N = _null_space(C)
        else:
            N = np.eye(net.dim)
        for _ in range(iters):
            g = N.T @ net._gradient(theta)
            if np.max(np.abs(g), initial=0.0) < 1e-14 or N.shape[1] == 0:
                break
            E = N.T * h
            # central differences of the exact gradient, in blocks of points (large n)
            grad = net._blocked(net._gradient, np.concatenate([theta + E, theta - E]))
            Hs = N.T @ ((grad[: E.shape[0]] - grad[E.shape[0] :]) / (2 * h)).T
            Hs = 0.5 * (Hs + Hs.T)
            moved = _newton_step(net, theta, g, Hs, N)
            if moved is None:
                break
            theta = moved[0]
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


def _d2phi(t, loss):
    """φ''(t): ``expit(t) expit(−t)`` (logistic) or 1 (square)."""
    return expit(t) * expit(-t) if loss == "logistic" else np.ones_like(t)


def _unit_bases(net, active):
    """Null space of the kink constraints, unit by unit: ``C`` touches the rows of ``W_j`` only
    with ``X_j = (x_i)_{(i, j) active}``, so ``{Cθ = 0}`` is the product of the null spaces of
    the ``X_j`` (``_null_space`` of an ``m_j × d`` matrix each) and all of v. A unit whose
    ``W_j`` is pinned to 0 (rank d: a dead unit) also has its ``v_j`` fixed at 0, its exact
    minimizer there (``σ(0) = 0``: v_j enters f through λ₁ v_j² only).
    Returns ``(bases, N)``: ``bases[j]`` is ``(d, q_j)``, N the ``(dim, p)`` basis of θ."""
    k, d = net.k, net.d
    bases = [np.eye(d) if not active[:, j].any() else _null_space(net.data[active[:, j]])
             for j in range(k)]
    free_v = np.array([b.shape[1] > 0 for b in bases])
    N = np.zeros((net.dim, sum(b.shape[1] for b in bases) + int(free_v.sum())))
    col = 0
    for j, b in enumerate(bases):
        N[j * d : (j + 1) * d, col : col + b.shape[1]] = b
        col += b.shape[1]
    N[k * d + np.flatnonzero(free_v), col + np.arange(free_v.sum())] = 1.0
    return bases, N


def _reduced_hessian(net, theta, bases, N):
    r"""``Nᵀ ∇²f(θ) N``, analytic, for the basis of :func:`_unit_bases` (σ'(0) = 1 at a kink;
    inside an activation region ReLU's σ'' = 0).

    With ``m_i = y_i out_i``, ``out_i = Σ_j v_j σ(W_j·x_i)`` and ``J`` the ``(n, dim)`` rows
    ``∇out_i``: ``∇²f = (1/n) Jᵀ diag(φ''(m_i)) J + (1/n) Σ_i φ'(m_i) y_i ∇²out_i + 2 diag(λ)``,
    where ``∇²out_i`` has the blocks ``∂²/∂W_j∂v_j = σ'(z_ij) x_i`` and
    ``∂²/∂W_j² = v_j σ''(z_ij) x_i x_iᵀ``. Everything is reduced unit by unit (N is block
    diagonal with orthonormal blocks): ``J N`` is ``X N_j`` scaled by ``v_j σ'(z_ij)`` (``O(n d
    p)``), then ``(JN)ᵀ D (JN)`` (``O(n p²)``, one matrix product) — the cost of a few
    gradients, where central differences take 2p of them."""
    n = net.n
    W, v, Z, H, out = net._forward(theta)
    m = net.labels * out
    c1 = dphi(m, net.loss) * net.labels  # φ'(m_i) y_i
    c2 = _d2phi(m, net.loss)
    S1 = _dact(Z, net.activation)  # (n, k)
    free_v = np.array([b.shape[1] > 0 for b in bases])
    cols, col = [], 0  # the columns of unit j's W_j in the reduced coordinates
    for b in bases:
        cols.append(slice(col, col + b.shape[1]))
        col += b.shape[1]
    vcol = dict(zip(np.flatnonzero(free_v), range(col, N.shape[1])))
    owner = np.repeat(np.arange(len(bases)), [b.shape[1] for b in bases])  # unit of a column
    JW = net.data @ np.concatenate(bases, axis=1)  # (n, col): x_i·N_j, all units in one product
    JW *= S1[:, owner] * v[owner]
    JN = np.concatenate([JW, H[:, free_v]], axis=1)
    Hs = JN.T @ (c2[:, None] * JN) / n
    # the penalty (Nᵀ N = I) and the second-order term, unit by unit
    diag = np.arange(N.shape[1])
    Hs[diag[:col], diag[:col]] += 2 * net.lam2
    Hs[diag[col:], diag[col:]] += 2 * net.lam1
    Mwv = (c1[:, None] * S1).T @ net.data / n  # (k, d): Σ_i φ'y_i σ'(z_ij) x_i / n
    for j, b in enumerate(bases):
        if j in vcol:
            Hs[cols[j], vcol[j]] += b.T @ Mwv[j]
            Hs[vcol[j], cols[j]] += b.T @ Mwv[j]
        if net.activation != "relu" and b.shape[1]:
            s2 = expit(Z[:, j]) * expit(-Z[:, j])  # softplus σ''
            Xb = net.data @ b
            Hs[cols[j], cols[j]] += v[j] * (Xb.T * (c1 * s2)) @ Xb / n
    return 0.5 * (Hs + Hs.T)


def _polish_structured(net, theta, *, rounds: int = 3, iters: int = 16):
    r""":func:`_polish` for large networks (``dim > 128``): the same kink-aware Newton polish,
    using the structure of the problem (a kink touches the weights of one unit only). The kink
    constraints, their null space and the multipliers are computed unit by unit
    (:func:`_unit_bases`: d-column problems, where one SVD of all kinks took seconds with dead
    units' n kinks each), the Hessian is analytic (:func:`_reduced_hessian`: a few gradients'
    cost, where central differences take 2p gradients), the residual is the unit-by-unit one
    (:func:`_unitwise_residual`), and the Newton loop also stops once a step changes θ by less
    than 1e−13 relative (converged to rounding). It differs from :func:`_polish` by the
    central differences' error and rounding, and by setting the ``v_j`` of a unit pinned at
    ``W_j = 0`` to its exact minimizer 0 (where Newton reaches about 1e−17), so it is not bit
    for bit: the small instances keep :func:`_polish`. Its budget, 3 rounds of up to 16 Newton
    iterations, is between the small instances' 4 × 25 and the 2 × 8 that large ones had when
    an iteration cost 2p gradients; at n = 4096 (dim 352) it takes about 1.5 s, where the
    L-BFGS-B run before it often stops short of a kink-free minimum (about 1e−7 of f is left
    for the polish, 1e−5 at n = 256, where L-BFGS-B reaches its 3000 iterations).
    Returns ``(θ, residual, active)``."""
    k, d = net.k, net.d
    relu = net.activation == "relu"
    released = np.zeros((net.n, k), dtype=bool)
    active = np.zeros((net.n, k), dtype=bool)
    for _ in range(rounds):
        if relu:
            W, v = split_units(theta, k, d)
            Z = net.data @ W.T
            active = (np.abs(Z) < 1e-4 * max(np.abs(Z).max(), 1.0)) & ~released
        bases, N = _unit_bases(net, active)
        W, v = split_units(theta.copy(), k, d)
        for j, b in enumerate(bases):  # project onto {Cθ = 0}: W_j onto its null space
            W[j] = b @ (b.T @ W[j]) if b.shape[1] < d else W[j]
            if b.shape[1] == 0:
                v[j] = 0.0
        theta = join_units(W, v)
        for _ in range(iters):
            g = N.T @ net._gradient(theta)
            if np.max(np.abs(g), initial=0.0) < 1e-14 or N.shape[1] == 0:
                break
            moved = _newton_step(net, theta, g, _reduced_hessian(net, theta, bases, N), N)
            if moved is None:
                break
            theta, taken = moved
            if taken <= 1e-13 * max(np.linalg.norm(theta), 1e-300):
                break
        if not (relu and active.any()):
            break
        # kink multipliers, unit by unit: g₀(W_j) + B_j α_j = 0 (least squares); release those
        # outside [0, 1] (a dead unit's kinks carry no force: B_j = 0, α_j = 0)
        W, v = split_units(theta, k, d)
        Z = net.data @ W.T
        c = dphi(net.labels * net._forward(theta)[-1], net.loss) * net.labels
        gW = split_units(net._gradient(theta), k, d)[0]
        shift, any_bad = np.zeros_like(W), False
        for j in range(k):
            rows = np.flatnonzero(active[:, j])
            if not rows.size or v[j] == 0.0:
                continue
            Bj = ((c[rows] * v[j])[:, None] * net.data[rows] / net.n).T
            if not np.abs(Bj).any():
                continue
            g0 = gW[j] - Bj[:, Z[rows, j] >= 0.0].sum(axis=1)
            alpha = np.linalg.lstsq(Bj, -g0, rcond=None)[0]
            bad = ((alpha < -1e-9) | (alpha > 1 + 1e-9)) & (np.abs(Bj).sum(axis=0) > 0)
            released[rows[bad], j] = True
            shift[j] = Bj[:, bad] @ np.sign(alpha[bad])
            any_bad |= bool(bad.any())
        if not any_bad:
            break
        # step off the released kinks, to the side where f decreases
        theta = theta - 1e-4 * join_units(shift, np.zeros(k))
    if relu and active.any():
        return theta, _unitwise_residual(net, theta, active), active
    return theta, float(np.linalg.norm(net._gradient(theta))), active


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


class _Objective:
    r"""The search's objective ``θ ↦ (f(θ), ∇f(θ))``, bit for bit ``net._value_and_gradient``
    (the same operations in the same order), with its three ``(n, k)`` arrays (Z, σ(Z), the
    gradient's weights) written into buffers kept across calls. At n = 4096 a fresh megabyte
    array per operation made each call 3-5 times slower than its arithmetic: the allocator
    returns the freed memory to the system and every call faults it back in."""

    def __init__(self, net):
        self.net = net
        self.Z, self.H, self.A = (np.empty((net.n, net.k)) for _ in range(3))

    def __call__(self, th):
        net = self.net
        W, v = split_units(th, net.k, net.d)
        Z = np.matmul(net.data, W.T, out=self.Z)
        if net.activation == "relu":
            H = np.maximum(Z, 0.0, out=self.H)
            A = np.greater_equal(Z, 0.0, out=self.A)  # σ'(Z) = 1[Z ≥ 0] as 0.0 / 1.0
        else:
            H = np.logaddexp(0.0, Z, out=self.H)
            A = expit(Z, out=self.A)
        out = np.einsum("...nk,...k->...n", H, v)
        y = net.labels
        c = dphi(y * out, net.loss) * y
        np.multiply(c[..., None], A, out=A)
        np.multiply(A, v[..., None, :], out=A)
        np.divide(A, net.n, out=A)
        gW = A.mT @ net.data + 2 * net.lam2 * W
        gv = np.einsum("...n,...nk->...k", c, H) / net.n + 2 * net.lam1 * v
        return float(net._mean_loss(W, v, H, th)), join_units(gW, gv)


def global_search(net, f_i_star, prov_i, *, starts: int, seed: int):
    """``(f*, f_i*, S, provenance, domain bound)`` of ``net`` (kernels only, no ground truth
    yet) by ``starts`` seeded starts; ``f_i_star``, ``prov_i`` from
    :func:`toylands._relu_infimum.exact_f_i_star`."""
    k, d, activation = net.k, net.d, net.activation
    regularised = net.lam1 > 0
    rng = np.random.default_rng(seed)

    fun = _Objective(net)
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
        if regularised and net.dim <= 128:
            th, res_t, _ = _polish(net, th)
        elif regularised:
            th, res_t, _ = _polish_structured(net, th)
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


def _newton_step(net, theta, g, H, N):
    """One safeguarded Newton step in the subspace ``N``: ``−H⁻¹g`` with |eigenvalues| (floored
    at 10⁻¹² of the largest), halved until f does not rise. ``(θ + t·step, ‖t·step‖)``, or None
    when 30 halvings find no such point."""
    lam, vec = np.linalg.eigh(H)
    lam = np.maximum(np.abs(lam), 1e-12 * max(np.abs(lam).max(), 1e-300))
    step = -N @ (vec @ ((vec.T @ g) / lam))
    f0 = net._value(theta)
    for t in 0.5 ** np.arange(30):
        if net._value(theta + t * step) <= f0 + 4e-16 * abs(f0):
            return theta + t * step, t * np.linalg.norm(step)
    return None
