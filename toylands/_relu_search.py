r"""Ground truth of the two-layer network by global search (MATHEMATICS.md §4.7; see
toylands.relu_net).

- :func:`global_search`: multi-start BFGS / L-BFGS-B, each local minimum Newton-polished
  (``_polish``, kink-aware for relu); f* is the best value and S the orbit(s) of the minimizers
  within 1e−10 of it (``_minimizer_set``: permutation orbits, or ReLU splitting orbits when a unit
  is dead or two are parallel); with λ = 0 (square loss) S is the interpolation manifold
  (``_InterpolationSet``, local Gauss–Newton projection).
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

# Kink columns up to which stationarity_residual solves its bounded least squares exactly.
_EXACT_KINKS = 4096


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
    B, ii, jj = _kink_columns(net, theta, active)
    g0 = g - B[:, Z[ii, jj] >= 0.0].sum(axis=1)  # remove the σ'(0) = 1 convention's terms
    # lsq_linear's exact solver builds a (kinks × kinks) factor: 8 GB for the 32879 kinks of
    # n = 4096 when half the units have W_j = 0 (every sample on their kink). Beyond 4096 kinks
    # (128 MB) it iterates with LSMR instead, whose memory is that of B.
    solver = "exact" if B.shape[1] <= _EXACT_KINKS else "lsmr"
    r = lsq_linear(B, -g0, bounds=(0.0, 1.0), lsq_solver=solver, lsmr_tol="auto", tol=1e-15)
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
