r"""PL* on a square-loss two-layer softplus network across widths ([PL*]; MATHEMATICS.md §3).

The system is ``F: R^m → R^N``, ``F_i(w) = s · Σ_j v_j σ(W_j·x_i)`` with ``σ`` = softplus,
``w = (vec W, v)`` (W row-major, the layout of ``toylands.relu_net``), ``s = 1/√k`` (``scale=
"ntk"``, the scaling under which the wide-network theory of [PL*] holds) or ``s = 1``
(``scale="standard"``, the ``two-layer-relu`` landscape with ``activation="softplus"``,
``loss="square"``, ``λ₁ = λ₂ = 0``, whose ``f_i = ½(F_i − y_i)²``). The loss is
``L(w) = ½‖F(w) − y‖²`` and the tangent kernel ``K(w) = DF(w) DF(w)ᵀ`` (N × N).

Normalisation [PL*, Def. of μ-PL*; derived and tested]: μ-PL* on a set means
``½‖∇L(w)‖² ≥ μ L(w)``; since ``∇L = DFᵀ(F − y)``,
``‖∇L‖² = (F − y)ᵀ K (F − y) ≥ 2 λ_min(K) L``, so ``λ_min(K(w)) ≥ μ`` on the set gives μ-PL*
there, and GD with ``η ≤ 1/(L_F² + β_F‖F(w₀) − y‖)`` then satisfies
``L(w_t) ≤ (1 − ημ)^t L(w₀)`` while it stays in the ball (:func:`theory.optim.bounds.local_plstar`).
λ_min(K) > 0 needs ``m ≥ N`` (over-parameterization).

What is estimated, not certified: ``min λ_min(K)``, ``L_F = sup ‖DF‖`` and
``β_F = sup ‖D²F‖`` over the ball are maxima/minima over sampled points of the ball (uniform)
and of the GD trajectory; the verdicts say ``holds_on_samples``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from toylands._checked import checked
from toylands._validate import (
    as_choice,
    as_finite_array,
    as_finite_float,
    as_int,
    as_points,
    check_work,
)

from ..optim.bounds import HypothesisError, local_plstar

__all__ = [
    "SoftplusNet",
    "net_from_landscape",
    "tangent_kernel",
    "plstar_ratio",
    "ball_constants",
    "gd_losses",
    "width_point",
    "width_sweep",
    "PL_WIDTHS",
    "AB_WIDTHS",
    "alpha_beta_sweep",
    "width_study",
]


def _softplus(z):
    return np.logaddexp(0.0, z)


@dataclass(frozen=True)
class SoftplusNet:
    """``F_i(w) = s Σ_j v_j softplus(W_j·x_i)``; ``X (N, d)``, ``y (N,)``, width ``k``."""

    X: np.ndarray
    y: np.ndarray
    k: int
    scale: str = "ntk"

    def __post_init__(self):
        X = as_finite_array(self.X, "X", ndim=2)
        if min(X.shape) < 1:
            raise ValueError(f"X must have shape (N, d) with N, d >= 1, got {X.shape}")
        y = as_finite_array(self.y, "y", shape=(X.shape[0],))
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "k", as_int(self.k, "k", low=1, high=1_000_000))
        as_choice(self.scale, "scale", ("ntk", "standard"))

    @property
    def N(self) -> int:
        return self.X.shape[0]

    @property
    def d(self) -> int:
        return self.X.shape[1]

    @property
    def dim(self) -> int:
        return self.k * (self.d + 1)

    @property
    def s(self) -> float:
        return 1.0 / math.sqrt(self.k) if self.scale == "ntk" else 1.0

    def split(self, w):
        w = np.asarray(w, dtype=np.float64)
        return w[..., : self.k * self.d].reshape(w.shape[:-1] + (self.k, self.d)), w[..., -self.k:]

    def init(self, rng) -> np.ndarray:
        """A standard Gaussian initialisation ``w₀ ~ N(0, I_m)``."""
        return rng.standard_normal(self.dim)

    def forward(self, w) -> np.ndarray:
        """``F(w)``, shape ``(..., N)``."""
        W, v = self.split(w)
        Z = np.einsum("nd,...kd->...nk", self.X, W)
        return self.s * np.einsum("...nk,...k->...n", _softplus(Z), v)

    def loss(self, w):
        """``L(w) = ½‖F(w) − y‖²``."""
        r = self.forward(w) - self.y
        return 0.5 * np.sum(r * r, axis=-1)

    def jacobian(self, w) -> np.ndarray:
        """``DF(w)``, shape ``(N, m)`` (one point)."""
        W, v = self.split(w)
        Z = self.X @ W.T  # (N, k)
        dW = (expit(Z) * v)[:, :, None] * self.X[:, None, :]  # (N, k, d)
        dv = _softplus(Z)
        return self.s * np.concatenate([dW.reshape(self.N, -1), dv], axis=1)

    def hessian_bound(self, w) -> float:
        r"""``(Σ_i ‖∇²F_i(w)‖²)^{1/2} ≥ ‖D²F(w)‖`` (one point).

        ∇²F_i is block diagonal over hidden units; unit j's block on ``(W_j, v_j)`` is
        ``s [[v_j σ''(z) x xᵀ, σ'(z) x], [σ'(z) xᵀ, 0]]`` with ``z = W_j·x_i``, whose spectral
        norm is the largest |root| of ``λ² − a‖x‖² λ − b²‖x‖² = 0`` (a = v_jσ'', b = σ').
        """
        W, v = self.split(w)
        Z = self.X @ W.T
        sig = expit(Z)
        a = v * sig * (1 - sig)  # v_j σ''(z)
        b = sig
        x2 = np.sum(self.X * self.X, axis=1)[:, None]
        lam = (np.abs(a) * x2 + np.sqrt(a * a * x2 * x2 + 4 * b * b * x2)) / 2
        per_i = self.s * lam.max(axis=1)
        return float(np.sqrt(np.sum(per_i * per_i)))


def _net(value, name, ctx):
    if not isinstance(value, SoftplusNet):
        raise TypeError(f"{name} must be a SoftplusNet, got {type(value).__name__}")
    ctx["dim"] = value.dim
    return value


def _point(value, name, ctx):
    return as_points(value, ctx["dim"], name)


def _generator(value, name, ctx):
    if not isinstance(value, np.random.Generator):
        raise TypeError(f"{name} must be a numpy.random.Generator, got {type(value).__name__}")
    return value


@checked(land="landscape")
def net_from_landscape(land) -> SoftplusNet:
    """The system of a ``two-layer-relu`` landscape with softplus, square loss and λ = 0."""
    if getattr(land, "activation", None) != "softplus" or getattr(land, "loss", None) != "square":
        raise ValueError("land must be two-layer-relu with activation='softplus', loss='square'")
    if land.lam1 != 0 or land.lam2 != 0:
        raise ValueError("land must have λ₁ = λ₂ = 0 (the PL* theorem's case)")
    return SoftplusNet(np.asarray(land.data), np.asarray(land.labels, float), land.k, "standard")


@checked(net=_net, w=_point)
def tangent_kernel(net: SoftplusNet, w) -> np.ndarray:
    """``K(w) = DF(w) DF(w)ᵀ`` (N × N)."""
    J = net.jacobian(w)
    return J @ J.T


@checked(net=_net, w=_point)
def plstar_ratio(net: SoftplusNet, w) -> float:
    """``½‖∇L(w)‖² / L(w)`` (μ-PL* at w means this is ≥ μ; it is ≥ λ_min(K(w))); a
    ``ValueError`` at an interpolating w (L(w) = 0), where the ratio is undefined."""
    r = net.forward(w) - net.y
    g = net.jacobian(w).T @ r
    loss, grad2 = 0.5 * float(r @ r), 0.5 * float(g @ g)
    if not (loss > 0 and np.isfinite(loss) and np.isfinite(grad2)):
        raise ValueError(f"w: the ratio is undefined or overflows there (L(w) = {loss:g})")
    return grad2 / loss


def _ball_points(rng, w0, R, count):
    m = w0.size
    u = rng.standard_normal((count, m))
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    rad = R * rng.random(count) ** (1.0 / m)
    return w0 + u * rad[:, None]


@checked(net=_net, w0=_point, R=lambda v, n, c: as_finite_float(v, n, low=0.0), rng=_generator,
         samples="count", extra=_point)
def ball_constants(net, w0, R, *, rng, samples=64, extra=None) -> dict:
    """Sampled ``min λ_min(K)``, ``L_F = max ‖DF‖₂``, ``β_F`` bound over ``B(w0, R)`` (+extra)."""
    check_work(50 * (samples + 1) * net.N * net.dim * min(net.N, net.dim),
               f"ball_constants with {samples} samples")
    pts = _ball_points(rng, w0, R, samples)
    pts = np.concatenate([w0[None], pts] + ([extra] if extra is not None else []))
    lam, LF, bF = np.inf, 0.0, 0.0
    for w in pts:  # one eigen-decomposition per point (N × N); a loop over sample points
        J = net.jacobian(w)
        sv = np.linalg.svd(J, compute_uv=False)
        lam = min(lam, float(sv[-1] ** 2) if J.shape[1] >= J.shape[0] else 0.0)
        LF = max(LF, float(sv[0]))
        bF = max(bF, net.hessian_bound(w))
    return {"min_lambda": lam, "L_F": LF, "beta_F": bF, "points": len(pts)}


def _gd_work(net, steps) -> None:
    check_work(20 * (steps + 1) * net.N * net.dim * min(net.N, net.dim), f"{steps} GD steps")


@checked(net=_net, w0=_point, eta=lambda v, n, c: as_finite_float(v, n, low=0.0, low_open=True))
def gd_losses(net, w0, eta, steps):
    """Full-batch GD ``w ← w − η ∇L(w)``: losses ``(steps+1,)`` and ``max_t ‖w_t − w₀‖``."""
    _gd_work(net, steps)
    losses, far, _ = _gd_track(net, w0, eta, steps)
    return losses, far


@checked(net=_net, rng=_generator, steps=lambda v, n, c: as_int(v, n, low=1),
         samples=lambda v, n, c: as_int(v, n, low=1))
def width_point(net, *, rng, steps=300, samples=32) -> dict:
    r"""PL* at one width: λ_min(K(w₀)), the μ-PL* ball, GD's rate against ``(1 − ημ)^t``.

    Theorem check: μ = ``λ_min(K(w₀))/2``; ``R₀ = 2 L_F(w₀)‖F(w₀) − y‖/μ``; ``L_F``, ``β_F``
    are re-estimated on ``B(w₀, R₀)`` and ``R = 2 L_F‖F(w₀) − y‖/μ``; PL* on ``B(w₀, R)`` holds
    on samples if the sampled ``min λ_min(K) ≥ μ``; then
    :func:`theory.optim.bounds.local_plstar` with
    ``η = 1/(L_F² + β_F‖F(w₀) − y‖)`` gives the rate ``1 − ημ`` (else it refuses, with the reason).

    GD measurement: GD with the local step ``η_loc = 1/(L_F(w₀)² + β_F(w₀)‖F(w₀) − y‖)`` (the
    theorem's formula with the constants at w₀) for ``steps`` steps; ``measured_rate =
    (L(w_T)/L(w₀))^{1/T}`` against ``1 − η_loc μ_traj`` with ``μ_traj`` the least λ_min(K) seen
    along the trajectory; ``rate_bound_ok`` says whether ``L(w_t) ≤ (1 − η_loc μ_traj)^t L(w₀)``
    at every t.
    """
    _gd_work(net, steps + 2 * samples)
    w0 = net.init(rng)
    r0 = float(np.linalg.norm(net.forward(w0) - net.y))
    over = net.dim >= net.N
    lam0 = max(float(np.linalg.eigvalsh(tangent_kernel(net, w0))[0]), 0.0) if over else 0.0
    row = {"width": net.k, "params": net.dim, "N": net.N, "over_parameterized": over,
           "lambda_min_init": lam0, "loss0": 0.5 * r0 * r0}
    c0 = ball_constants(net, w0, 0.0, rng=rng, samples=0)
    LF0, bF0 = c0["L_F"], c0["beta_F"]
    mu = lam0 / 2
    LF, bF, min_lam, R = LF0, bF0, 0.0, math.inf
    if mu > 0:
        R0 = 2 * LF0 * r0 / mu
        c1 = ball_constants(net, w0, R0, rng=rng, samples=samples)
        LF, bF = max(LF0, c1["L_F"]), max(bF0, c1["beta_F"])
        R = 2 * LF * r0 / mu
        min_lam = ball_constants(net, w0, R, rng=rng, samples=samples)["min_lambda"]
    on_ball = bool(mu > 0 and min_lam >= mu)
    row.update(mu=mu, R=R, L_F_ball=LF, beta_F_ball=bF, min_lambda_ball=min_lam,
               plstar_on_ball=on_ball)
    try:
        b = local_plstar(mu=mu if mu > 0 else 1e-300, L_F=LF, beta_F=bF, residual0=r0,
                         eta=1 / (LF * LF + bF * r0), t=0, plstar_on_ball=on_ball)
        row.update(theorem_rate=b.terms["rate"], theorem_eta=b.constants["eta"],
                   hypotheses_ok=True, reason="mu-PL* on the ball holds on samples")
    except HypothesisError as exc:
        row.update(theorem_rate=None, theorem_eta=None, hypotheses_ok=False, reason=str(exc))
    eta = 1 / (LF0 * LF0 + bF0 * r0)
    losses, far, mu_traj = _gd_track(net, w0, eta, steps)
    t = np.arange(steps + 1)
    env = losses[0] * (1 - eta * mu_traj) ** t
    row.update(
        eta_local=eta,
        mu_trajectory=mu_traj,
        predicted_rate=1 - eta * mu_traj,
        measured_rate=float((losses[-1] / losses[0]) ** (1 / steps)) if losses[-1] > 0 else 0.0,
        final_loss=float(losses[-1]),
        gd_max_distance=far,
        gd_inside_ball=bool(far <= R),
        rate_bound_ok=bool(np.all(losses <= env * (1 + 1e-9))),
    )
    return row


def _gd_track(net, w0, eta, steps):
    """GD losses ``(steps+1,)``, ``max ‖w_t − w₀‖`` and ``min_t λ_min(K(w_t))`` (0 if m < N)."""
    w = np.array(w0, dtype=np.float64)
    out = np.empty(steps + 1)
    far, mu = 0.0, np.inf
    for t in range(steps + 1):
        J = net.jacobian(w)
        r = net.forward(w) - net.y
        out[t] = 0.5 * float(r @ r)
        if net.dim >= net.N:
            mu = min(mu, float(np.linalg.eigvalsh(J @ J.T)[0]))
        else:
            mu = 0.0
        if t < steps:
            w = w - eta * (J.T @ r)
            far = max(far, float(np.linalg.norm(w - w0)))
    return out, far, max(mu, 0.0)


def width_sweep(widths=(1, 2, 8, 32, 128, 512), *, N=16, d=8, seed=0, steps=300, samples=16,
                scale="ntk") -> list[dict]:
    """:func:`width_point` for each width on one seeded data set (``x_i`` uniform on the unit
    sphere of R^d, ``y_i ~ N(0, 1)``); under-parameterized (k(d+1) < N) to over-parameterized."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, d))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    y = rng.standard_normal(N)
    rows = []
    for k in widths:
        net = SoftplusNet(X, y, int(k), scale)
        rows.append(width_point(net, rng=np.random.default_rng([seed, int(k)]), steps=steps,
                                samples=samples))
    return rows


# The width study of [AB §5] (MATHEMATICS.md §8) as the report and ``figures/fig_overparam.py`` run
# it.
PL_WIDTHS = (1, 2, 4, 8, 16, 32, 64, 128)
AB_WIDTHS = (1, 2, 4, 8, 16, 32)


def alpha_beta_sweep(widths, *, budget: int, seed: int, progress=None) -> list[dict]:
    """``alpha_min`` of the sampled region (an outer bound: ``theory.certification.region_map``
    over ``budget`` sampled points, one refinement round; so a lower bound on the true one) and
    Theorem 1's best pair (the one minimising β/(α − β)) of the ``two-layer-relu`` landscape of
    width k, for each k of ``widths``, taken from the certified side: no rigorous method applies
    to the network, so the pair holds on samples (``verdict``, ``method``) and no more.
    ``params`` is its parameter count, ``n`` its number of samples, ``sigma_int2`` its σ_int²
    (the neighbourhood term of Theorem 1 is ``2·term·σ_int²``)."""
    import toylands

    from ..certification import certified_best_pairs, region_map

    out = []
    for k in widths:
        if progress is not None:
            progress(f"  two-layer-relu, width {k}")
        f = toylands.get("two-layer-relu", k=int(k))
        reg = region_map(f, budget=budget, rng=seed, rounds=1)
        bp = certified_best_pairs(f, reg, theorems=(1,), method="sample", budget=budget,
                                  rng=seed)[1]
        if isinstance(bp, dict):  # no pair held on the samples
            row = {"alpha": None, "beta": None, "term": None, "verdict": bp["verdict"],
                   "method": bp["method"]}
        else:
            row = {"alpha": bp.alpha, "beta": bp.beta, "term": bp.value, "verdict": bp.verdict,
                   "method": bp.method}
        out.append({"width": int(k), "params": f.dim, "n": f.n, "alpha_min": reg.alpha_min,
                    **row, "sigma_int2": float(f.sigma_int2)})
    return out


def width_study(*, quick: bool = False, seed: int = 0, alpha_beta: bool = True,
                progress=None) -> dict:
    """PL* and the α-β-condition as width grows: ``{"plstar": width_sweep(...), "alpha_beta":
    alpha_beta_sweep(...)}`` on ``PL_WIDTHS`` (N = 16 points in R^8) and ``AB_WIDTHS`` (the
    first four and three of them, with smaller budgets, when ``quick``); ``alpha_beta=False``
    skips the second (an empty list)."""
    if progress is not None:
        progress("  PL* width sweep")
    pl = width_sweep(PL_WIDTHS[:4] if quick else PL_WIDTHS, N=16, d=8, seed=seed,
                     steps=60 if quick else 300, samples=8 if quick else 16)
    ab = []
    if alpha_beta:
        ab = alpha_beta_sweep(AB_WIDTHS[:3] if quick else AB_WIDTHS,
                              budget=300 if quick else 1000, seed=seed, progress=progress)
    return {"plstar": pl, "alpha_beta": ab}
