r"""Half-space learning with the sigmoid loss, [AB] §2.2, Fig. 2 and App. D.1, Fig. 9
(MATHEMATICS.md §4.8); the problem of Daneshmand, Kohler, Lucchi, Hofmann (ICML 2018).

    f(x) = (1/n) Σ_i s(−b_i a_iᵀ x) + (λ/2) ‖x‖²,   f_i(x) = s(−b_i a_iᵀ x) + (λ/2) ‖x‖²,
    s(z) = 1 / (1 + e^{−z}),   b_i ∈ {−1, +1}

(**[correction]** the paper writes the labels in {0, 1}; the loss needs ±1.)

Data (defaults follow the paper: n = 40, 20 per class, d = 4, class variance 2, λ = 1e−5): the two
class means are ``μ₊, μ₋ = default_rng(seed).normal(size=(2, d))`` (the paper does not give
them), then ``a_i = μ_{b_i} + √2 · N(0, I)`` from the same generator; the first half of the
samples has b = +1.

Ground truth:

- ``f_i* = min_u s(−u) + (λ / (2‖a_i‖²)) u²`` (x along ``b_i a_i``; [derived]); the derivative
  ``−s'(−u) + κu`` is negative for u ≤ 0 and changes sign exactly once on u > 0 (s'(−u)
  decreases there), so the root is bracketed and solved by Brent to machine precision;
- S by numerical global search (multi-start BFGS at several scales, Newton-polished with the exact
  Hessian ``∇²f = (1/n) Σ s''(−b_i a_iᵀx) a_i a_iᵀ + λ I``); the landscape has many local minima;
- other stationary points by batched Newton on ∇f = 0 from the SGD trajectory of the paper's
  protocol (step 1/4, batch 1, 4000 steps) and random starts, listed with Hessian eigenvalues;
  ``critical_points[0]`` is the saddle nearest the point where SGD's full gradient is smallest
  (while the loss is still 0.05 above f*), described in ``sgd_saddle`` (step, gradient norm,
  loss, distance); the others follow by value (at most 12 listed).

The search's result is cached in memory and on disk (:mod:`toylands._cache`, keyed by the data,
λ, the seed, the starts and the code version).

The kernels are written once in the array API (numpy arrays or torch tensors; ``toylands._xp``).
"""

from __future__ import annotations

import functools

import numpy as np
from scipy.optimize import brentq, minimize
from scipy.special import expit

from ._cache import cached
from ._landscape import GLOBAL_SEARCH, SOLVED, CriticalPoint, Landscape, Provenance, Smoothness
from ._threads import one_blas_thread
from ._validate import (
    as_finite_float,
    as_int,
    as_labelled_data,
    as_points,
    check_finite_output,
    check_memory,
    check_work,
)
from ._xp import const, namespace, vdot
from ._xp import expit as _xexpit
from .domain import Box
from .sets import PointSet

__all__ = ["HalfSpace", "half_space", "halfspace_f_i_star"]

# max |s''(z)| = 1/(6√3), at z = ±log(2 ± √3)
_S2MAX = 1.0 / (6.0 * np.sqrt(3.0))


def _ds(z):
    e = expit(z)
    return e * (1.0 - e)


def halfspace_f_i_star(norm_a: float, lam: float) -> tuple[float, float]:
    r"""``(f_i*, u*)`` for ``min_u s(−u) + (κ/2) u²``, ``κ = λ/‖a_i‖²`` (module docstring).

    Examples
    --------
    >>> fs, u = halfspace_f_i_star(1.0, 1.0)
    >>> bool(abs(-_ds(-u) + u) < 1e-15)
    True
    """
    norm_a = as_finite_float(norm_a, "norm_a", low=0.0, high=1e150)
    if 0.0 < norm_a < 1e-100:
        raise ValueError(f"norm_a must be 0 or >= 1e-100, got {norm_a:g} (rescale the data)")
    lam = as_finite_float(lam, "lam", low=0.0, low_open=True, high=1e100)
    if norm_a == 0.0:
        return 0.5, 0.0
    kappa = lam / norm_a**2
    if kappa == 0.0:
        raise ValueError(f"lam / norm_a² underflows to 0 (lam = {lam:g}, norm_a = {norm_a:g}): "
                         "rescale the data")

    def dg(u):
        return -_ds(-u) + kappa * u

    hi = 1.0
    while dg(hi) <= 0.0:
        hi *= 2.0
    u = brentq(dg, 0.0, hi, xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=500)
    return float(expit(-u) + 0.5 * kappa * u * u), float(u)


class HalfSpace(Landscape):
    """The sigmoid half-space loss; see the module docstring."""

    def __init__(self, A, b, lam, *, params, truth):
        self.A, self.b, self.lam = A, b, lam
        self.BA = b[:, None] * A
        f_star, f_i_star, xs, crit, res, starts, sgd = truth
        self.sgd_saddle = sgd
        bound = float(10.0 * np.ceil(2.0 * np.abs(xs).max() / 10.0))
        super().__init__(
            name="half-space",
            dim=A.shape[1],
            n=A.shape[0],
            params=params,
            f_star=f_star,
            f_i_star=f_i_star,
            minimizers=PointSet(xs, error=res),
            domain=Box.cube(-bound, bound, A.shape[1]),
            provenance={
                "f_star": Provenance(
                    GLOBAL_SEARCH, max(res * res, 1e-16),
                    f"best of {starts} BFGS starts, Newton-polished, ‖∇f‖ = {res:.1e}",
                ),
                "f_i_star": Provenance(SOLVED, 1e-16, "exact 1-D reduction, Brent"),
                "minimizers": Provenance(GLOBAL_SEARCH, res, "unique best minimum found"),
            },
            critical_points=crit,
            summary="AB §2.2 half-space learning (sigmoid loss), saddles and local minima",
            positive=True,
        )

    # ---- kernels (array API: numpy or torch, see toylands._xp) ---------------------------
    _ARRAY_API = True

    def _u(self, x):
        return x @ const(self, "BA", x).T  # (..., n)

    def _reg(self, x):
        return 0.5 * self.lam * namespace(x).sum(x * x, axis=-1)

    def _ds(self, xp, z):
        e = _xexpit(xp, z)
        return e * (1.0 - e)

    def _losses(self, x):
        return _xexpit(namespace(x), -self._u(x)) + self._reg(x)[..., None]

    def _directional(self, x, v):
        xp = namespace(x)
        return (-self._ds(xp, -self._u(x)) * (v @ const(self, "BA", x).T)
                + self.lam * xp.sum(x * v, axis=-1)[..., None])

    def _losses_and_directional(self, x, v):
        xp = namespace(x)
        u = self._u(x)  # shared: two products instead of three
        losses = _xexpit(xp, -u) + self._reg(x)[..., None]
        return losses, (-self._ds(xp, -u) * (v @ const(self, "BA", x).T)
                        + self.lam * xp.sum(x * v, axis=-1)[..., None])

    def _point_floats(self):
        return 6 * self.n

    def _grads(self, x):
        ds = self._ds(namespace(x), -self._u(x))
        return -ds[..., None] * const(self, "BA", x) + self.lam * x[..., None, :]

    def _gradient(self, x):
        return -self._ds(namespace(x), -self._u(x)) @ const(self, "BA", x) / self.n + self.lam * x

    def _loss_at(self, x, i):
        xp = namespace(x)
        u = vdot(xp, x, const(self, "BA", x)[i])
        return _xexpit(xp, -u) + self._reg(x)

    def _grad_at(self, x, i):
        xp = namespace(x)
        ba = const(self, "BA", x)[i]
        u = vdot(xp, x, ba)
        return -self._ds(xp, -u)[..., None] * ba + self.lam * x

    def hessian(self, x) -> np.ndarray:
        """``∇²f(x) = (1/n) Σ s''(−u_i) a_i a_iᵀ + λ I``, shape ``(..., dim, dim)``."""
        xv = as_points(x, self.dim)
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            H = _hessian(self.A, self.BA, self.lam, xv)
        return check_finite_output(H, xv, "hessian", self.name)

    def _smoothness(self, domain):
        r"""``‖∇²f_i‖ ≤ max|s''| ‖a_i‖² + λ`` with ``max|s''| = 1/(6√3)``: certified everywhere."""
        L = _S2MAX * float(np.max(np.sum(self.A**2, axis=1))) + self.lam
        return Smoothness(L * (1 + 1e-12), "closed form: max|s''| ‖a_i‖² + λ (global)", domain)


def _hessian(A, BA, lam, x):
    z = -(x @ BA.T)
    e = expit(z)
    s2 = e * (1 - e) * (1 - 2 * e)
    return np.einsum("...n,ni,nj->...ij", s2, A, A) / A.shape[0] + lam * np.eye(A.shape[1])


def _newton_stationary(A, BA, lam, X, iters=80):
    """Batched plain Newton on ∇f = 0 (finds minima, saddles and maxima alike)."""
    n = A.shape[0]
    for _ in range(iters):
        g = -_ds(-(X @ BA.T)) @ BA / n + lam * X
        H = _hessian(A, BA, lam, X)
        det_ok = np.abs(np.linalg.det(H)) > 1e-300
        Hs = np.where(det_ok[:, None, None], H, np.eye(A.shape[1]))
        step = -np.linalg.solve(Hs, g[..., None])[..., 0]
        nrm = np.linalg.norm(step, axis=-1, keepdims=True)
        X = X + step * np.minimum(1.0, 5.0 / np.maximum(nrm, 1e-300))
    g = -_ds(-(X @ BA.T)) @ BA / n + lam * X
    return X, np.linalg.norm(g, axis=-1)


@functools.lru_cache(maxsize=16)
def _ground_truth(key):
    with one_blas_thread():  # scalar-sized BLAS calls; bits independent of the cores
        return cached("half-space", key, functools.partial(_search, key))


def _search(key):
    A_b, b_b, shape, lam, seed, starts = key
    A = np.frombuffer(A_b).reshape(shape)
    b = np.frombuffer(b_b)
    n, d = shape
    BA = b[:, None] * A
    norms = np.linalg.norm(A, axis=1)
    f_i_star = np.array([halfspace_f_i_star(a, lam)[0] for a in norms])
    rng = np.random.default_rng(seed + 1)

    def f(x):
        return expit(-(x @ BA.T)).mean(-1) + 0.5 * lam * np.sum(x * x, -1)

    def g(x):
        return -_ds(-(x @ BA.T)) @ BA / n + lam * x

    cands = []
    for t in range(starts):
        x0 = rng.normal(size=d) * (1.0, 10.0, 100.0)[t % 3]
        r = minimize(lambda z: (f(z), g(z)), x0, jac=True, method="BFGS",
                     options={"gtol": 1e-12})
        cands.append(r.x)
    X, gn = _newton_stationary(A, BA, lam, np.array(cands), iters=10)
    vals = f(X)
    best = int(np.argmin(np.where(gn < 1e-9, vals, np.inf)))
    xs, res = X[best], float(gn[best])
    # SGD as in the paper (step 1/4, batch 1, 4000 steps) from a seeded start.
    x = rng.normal(size=d)
    traj = np.empty((4000, d))
    idx = rng.integers(0, n, 4000)
    for k in range(4000):  # one short trajectory, built once and cached
        u = BA[idx[k]] @ x
        x = x - 0.25 * (-_ds(-u) * BA[idx[k]] + lam * x)
        traj[k] = x
    gtraj = np.linalg.norm(g(traj), axis=-1)
    k_sad = int(np.argmin(np.where(f(traj) > f(xs) + 0.05, gtraj, np.inf)))
    seeds = np.vstack([traj[k_sad], traj[::40], rng.normal(size=(200, d)) * 10.0])
    Y, gy = _newton_stationary(A, BA, lam, seeds)
    ok = gy <= 1e-10
    if ok.any() and f(Y[ok]).min() < f(xs):  # Newton found a better minimum: take it
        j = np.flatnonzero(ok)[np.argmin(f(Y[ok]))]
        if np.all(np.linalg.eigvalsh(_hessian(A, BA, lam, Y[j])) > 0):
            xs, res = Y[j], float(gy[j])
    crit, seen = [], [xs]
    for y, gv in zip(Y, gy):
        if gv > 1e-10 or any(np.linalg.norm(y - s) < 1e-6 * (1 + np.linalg.norm(s)) for s in seen):
            continue
        seen.append(y)
        eig = np.linalg.eigvalsh(_hessian(A, BA, lam, y))
        neg = int(np.sum(eig < 0))
        kind = "local minimum" if neg == 0 else ("local maximum" if neg == d else "saddle")
        crit.append(CriticalPoint(y, float(f(y)), kind, eig))
    # the saddle SGD passes: the saddle nearest the trajectory point of smallest full gradient
    sad = [c for c in crit if c.kind == "saddle"]
    sgd = None
    if sad:
        near = min(sad, key=lambda c: float(np.linalg.norm(c.point - traj[k_sad])))
        crit = [near] + [c for c in crit if c is not near]
        sgd = {"step": k_sad, "sgd_point": traj[k_sad].tolist(),
               "grad_norm": float(gtraj[k_sad]), "loss": float(f(traj[k_sad])),
               "distance_to_saddle": float(np.linalg.norm(near.point - traj[k_sad]))}
    crit = sorted(crit[1:13], key=lambda c: c.value) if sgd is None else [crit[0]] + sorted(
        crit[1:12], key=lambda c: c.value)
    return float(f(xs)), f_i_star, xs[None, :], tuple(crit), res, starts, sgd


def half_space(
    *,
    n: int = 40,
    d: int = 4,
    lam: float = 1e-5,
    variance: float = 2.0,
    seed: int = 0,
    starts: int = 150,
    A=None,
    b=None,
) -> HalfSpace:
    r"""[AB] §2.2 half-space learning (MATHEMATICS.md §4.8); see the module docstring.

    Parameters
    ----------
    n, d, variance, seed
        Seeded data: n samples (n/2 per class, n even), dimension d, class variance.
    lam : float
        The ridge penalty λ ≥ 0.
    starts : int
        Global-search starts.
    A, b : arrays (n, d) and (n,), optional
        Your data; labels ±1.

    Examples
    --------
    >>> f = half_space(n=8, d=2, seed=1, starts=30)
    >>> f.dim, f.n
    (2, 8)
    """
    lam = as_finite_float(lam, "lam", low=0.0, high=1e100)
    seed = as_int(seed, "seed", low=0)
    starts = as_int(starts, "starts", low=1, high=100_000)
    if (A is None) != (b is None):
        raise ValueError("give both A and b, or neither")
    if A is None:
        n = as_int(n, "n", low=2, high=100_000)
        d = as_int(d, "d", low=1, high=1000)
        variance = as_finite_float(variance, "variance", low=0.0, high=1e100)
        if n % 2:
            raise ValueError(f"n must be even (n/2 samples per class), got {n}")
        rng = np.random.default_rng(seed)
        mu = rng.normal(size=(2, d))
        b = np.r_[np.ones(n // 2), -np.ones(n // 2)]
        A = np.where(b[:, None] > 0, mu[0], mu[1]) + np.sqrt(variance) * rng.normal(size=(n, d))
        params = {"n": n, "d": d, "lam": lam, "variance": variance, "seed": seed,
                  "class_means": mu.tolist()}
    else:
        A, b = as_labelled_data(A, b, names=("A", "b"))
        n, d = A.shape
        params = {"n": n, "d": d, "lam": lam, "A": A.tolist(), "b": b.tolist()}
    if lam == 0.0:
        raise ValueError("lam must be > 0: with λ = 0 the infimum of the sigmoid loss is not "
                         "attained (S is empty)")
    params["starts"] = starts
    # BFGS from every start (O(n d) per iteration, plus scipy's own overhead), batched Newton on
    # about starts + 300 points (n d² + d³ each), and 4000 SGD steps in Python.
    what = f"half-space with n = {n}, d = {d}, starts = {starts}"
    check_memory(8.0 * ((starts + 400) * (n + d * d) + 4000 * d + 2 * n * d), what)
    check_work(starts * 300 * (1e5 + 20.0 * n * d) + (starts + 300) * 80 * 4.0 * (n * d * d + d**3)
               + 4000 * 200.0 * d, what)
    A, b = np.ascontiguousarray(A), np.ascontiguousarray(b)
    truth = _ground_truth((A.tobytes(), b.tobytes(), A.shape, lam, seed, starts))
    return HalfSpace(A, b, lam, params=params, truth=truth)
