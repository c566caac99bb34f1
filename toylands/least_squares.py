r"""Linear least squares, ``least-squares``: the convex baseline of both regimes.

``f_i(x) = ½ (a_iᵀx − b_i)²``, ``f = (1/n) Σ_i f_i = ‖Ax − b‖² / (2n)``, with a seeded Gaussian
``A (n × d)`` and ``b = A x_true + noise · ε``. Every f_i is convex, so the α-β-condition holds
with ``(α, β) = (1, 0)`` (MATHEMATICS.md §2, [AB] after Theorem 2).

Ground truth, closed form (pseudo-inverse by SVD):

- ``S = {x : AᵀA x = Aᵀb} = x† + null(A)``, ``x† = A⁺ b`` (``AffineSet``); a single point when
  ``rank A = d`` (the under-parameterized regime n > d), an affine set of dimension
  ``d − rank A`` otherwise.
- ``f_i* = 0`` (attained on the hyperplane ``a_iᵀx = b_i``; ``½ b_i²`` if ``a_i = 0``).
- Over-parameterized (``rank A = n``, e.g. d ≥ n generic): ``b ∈ range A``, so ``f* = 0`` and
  interpolation holds. Otherwise ``f* = ‖A x† − b‖² / (2n) > 0`` (for noise > 0) and
  ``σ_int² = f*``.
- Smoothness: ``∇²f_i = a_i a_iᵀ``, so ``L = max_i ‖a_i‖²`` exactly, on any domain.

The kernels are written once in the array API: numpy arrays and torch tensors (float32/float64,
any device) alike (``toylands._xp``).
"""

from __future__ import annotations

import numpy as np

from ._builtins import SUMMARY
from ._landscape import CLOSED_FORM, Landscape, Provenance, Smoothness, Symbolic
from ._validate import as_data, as_finite_array, as_finite_float, as_int, check_memory, check_work
from ._xp import const, namespace, vdot
from .domain import Box
from .sets import AffineSet

__all__ = ["LeastSquares", "least_squares"]

_EPS = np.finfo(np.float64).eps


class LeastSquares(Landscape):
    r"""``f_i(x) = ½ (a_iᵀx − b_i)²`` for a given ``A (n, d)`` and ``b (n,)``.

    Examples
    --------
    >>> f = LeastSquares(np.eye(2), np.array([1.0, 2.0]), name="ls", params={})
    >>> f.f_star, f.minimizers.point.tolist()
    (0.0, [1.0, 2.0])
    """

    def __init__(self, A, b, *, name, params, interpolating=None, summary=""):
        A = np.array(as_data(as_finite_array(A, "A"), "A"), dtype=np.float64, ndmin=2)
        b = as_data(as_finite_array(b, "b"), "b").copy().reshape(-1)
        if A.ndim != 2 or min(A.shape) < 1:
            raise ValueError(f"A must have shape (n, d) with n, d >= 1, got {A.shape}")
        n, d = A.shape
        check_memory(8.0 * (3 * n * d + n * min(n, d) + d * d), f"least squares of {n} x {d}")
        check_work(10.0 * n * d * min(n, d), f"least squares of {n} x {d}")
        if b.shape != (n,):
            raise ValueError(f"b must have shape ({n},), got {b.shape}")
        A.setflags(write=False)
        b.setflags(write=False)
        self.A, self.b = A, b
        self._At = np.ascontiguousarray(A.T)  # x @ Aᵀ is the hot product

        U, sv, Vt = np.linalg.svd(A, full_matrices=d > n)  # full Vt only for null(A) when d > n
        tol = max(n, d) * _EPS * (sv.max(initial=0.0))
        rank = int(np.sum(sv > tol))
        self.rank = rank
        coef = (U[:, :rank].T @ b) / sv[:rank]
        x_dag = Vt[:rank].T @ coef
        null = Vt[rank:]
        r = A @ x_dag - b
        if interpolating is None:
            interpolating = rank == n
        f_star = 0.0 if interpolating else float(r @ r / (2 * n))
        kappa = float(sv[0] / sv[rank - 1]) if rank else 1.0
        xnorm = float(np.linalg.norm(x_dag))
        # the perturbation estimate of x_dag; rank 0: x_dag = 0 and S = R^d exactly
        with np.errstate(over="ignore"):
            rel = (np.float64(kappa) + np.float64(kappa) ** 2 * float(np.linalg.norm(r))
                   / max(sv[0] * xnorm, 1e-300)) if rank else 0.0
            err = float(10 * max(n, d) * _EPS * rel * max(xnorm, 1.0))
            spread = np.float64(sv[0]) ** 2 * np.float64(err) ** 2 / n
            f_err = 0.0 if interpolating else float(8 * n * _EPS * f_star + spread)
        if not (np.isfinite(err) and np.isfinite(f_err)):
            raise ValueError(f"A is too ill-conditioned (cond {kappa:.3g}): the error bound of "
                             "its minimizer set overflows float64")
        S = AffineSet(x_dag, null, error=err)
        R = max(10.0, float(np.ceil(2 * np.max(np.abs(x_dag), initial=0.0))))
        row2 = np.einsum("nd,nd->n", A, A)
        super().__init__(
            name=name,
            dim=d,
            n=n,
            params=params,
            f_star=f_star,
            f_i_star=np.where(row2 > 0, 0.0, 0.5 * b * b),
            minimizers=S,
            domain=Box.cube(-R, R, d),
            provenance={
                "f_star": Provenance(
                    CLOSED_FORM,
                    f_err,
                    "0: b in range(A)" if interpolating else "|A x_dag - b|^2 / (2n)",
                ),
                "f_i_star": Provenance(CLOSED_FORM, 0.0, "0 on the hyperplane a_i.x = b_i"),
                "minimizers": Provenance(
                    CLOSED_FORM,
                    err,
                    f"x_dag = pinv(A) b + null(A) by SVD (rank {rank}, cond {kappa:.3g}); "
                    "error is the standard perturbation estimate",
                ),
            },
            summary=summary,
            interpolation=bool(interpolating),
            positive=False,
            closed_form=True,
        )

    # ---- kernels (array API: numpy or torch, see toylands._xp) ---------------------------
    _ARRAY_API = True

    def _r(self, x):
        r = x @ const(self, "_At", x)
        r -= const(self, "b", x)  # in place: at 10⁵ points the temporaries cost as much as x @ Aᵀ
        return r

    def _losses(self, x):
        r = self._r(x)
        r *= r
        r *= 0.5
        return r

    def _grads(self, x):
        return self._r(x)[..., None] * const(self, "A", x)

    def _directional(self, x, v):
        r = self._r(x)
        r *= v @ const(self, "_At", x)
        return r

    def _losses_and_directional(self, x, v):
        r = self._r(x)  # shared: two products instead of three
        return 0.5 * r * r, r * (v @ const(self, "_At", x))

    def _point_floats(self):
        return 4 * self.n

    def _gradient(self, x):
        return (self._r(x) @ const(self, "A", x)) / self.A.shape[0]

    def _loss_at(self, x, i):
        A, b = const(self, "A", x), const(self, "b", x)
        r = vdot(namespace(x), x, A[i]) - b[i]
        return 0.5 * r * r

    def _grad_at(self, x, i):
        a = const(self, "A", x)[i]
        return (vdot(namespace(x), x, a) - const(self, "b", x)[i])[..., None] * a

    def _loss_grad_at(self, x, i):
        a = const(self, "A", x)[i]
        r = vdot(namespace(x), x, a) - const(self, "b", x)[i]
        return 0.5 * r * r, r[..., None] * a

    def _smoothness(self, domain):
        L = float(np.max(np.einsum("nd,nd->n", self.A, self.A)))
        return Smoothness(
            L * (1 + 1e-12),
            "closed form: Hessian of f_i is a_i a_i^T, L = max_i |a_i|^2 (any domain), rounded up",
            domain,
        )

    def symbolic(self):
        import sympy as sp

        syms = sp.symbols("x y") if self.dim == 2 else sp.symbols(f"x0:{self.dim}")
        R = sp.Rational  # exact: Rational(float) is the double itself
        losses = tuple(
            sp.Rational(1, 2)
            * (sum(R(float(a)) * s for a, s in zip(row, syms)) - R(float(bi))) ** 2
            for row, bi in zip(self.A, self.b)
        )
        return Symbolic(tuple(syms), losses)


def least_squares(
    *, n: int = 20, d: int = 10, noise: float = 0.1, rank=None, seed: int = 0
) -> LeastSquares:
    r"""Seeded least squares: ``A_ij ~ N(0, 1/d)``, ``b = A x_true + noise · ε``.

    Parameters
    ----------
    n, d : int
        Samples and dimension: ``n > d`` is under-parameterized (S a point, f* > 0 when
        noise > 0), ``d ≥ n`` over-parameterized (S affine of dimension d − n, f* = 0).
    noise : float
        Standard deviation of the label noise ε ~ N(0, 1).
    rank : int, optional
        Build a rank-deficient ``A = G H / √d`` (G n×rank, H rank×d) instead.
    seed : int
        Seed of ``numpy.random.default_rng``.
    """
    n = as_int(n, "n", low=1, high=1_000_000)
    d = as_int(d, "d", low=1, high=100_000)
    noise = as_finite_float(noise, "noise", low=0.0, high=1e100,
                            why="f* grows like noise²: beyond 1e100 it is not a float64")
    seed = as_int(seed, "seed", low=0)
    # A (n × d) and its SVD (U n × min, Vt d × d when d > n): memory and O(n d min(n, d)) time.
    what = f"least-squares with n = {n}, d = {d}"
    check_memory(8.0 * (3 * n * d + n * min(n, d) + d * d), what)
    check_work(10.0 * n * d * min(n, d), what)
    if rank is not None:
        rank = as_int(rank, "rank", low=1, high=min(n, d))
    rng = np.random.default_rng(seed)
    if rank is None:
        A = rng.normal(size=(n, d)) / np.sqrt(d)
    else:
        A = rng.normal(size=(n, rank)) @ rng.normal(size=(rank, d)) / np.sqrt(rank * d)
    x_true = rng.normal(size=d)
    b = A @ x_true + noise * rng.normal(size=n)
    full_row = (rank if rank is not None else min(n, d)) == n
    return LeastSquares(
        A,
        b,
        name="least-squares",
        params={"n": n, "d": d, "noise": noise, "rank": rank, "seed": seed},
        interpolating=True if (full_row or noise == 0.0) else None,
        summary=SUMMARY["least-squares"],
    )
