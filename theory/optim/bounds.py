r"""The convergence theorems of [AB §4, App. C.2] and the local PL* theorem of [PL*], one
function each (MATHEMATICS.md §6, §3).

Every function returns a :class:`Bound`: the theorem's right-hand side (an **upper bound** on
``min_{0≤k<K} E[f(x^k) − f*]``; for the PL* theorem, on ``L(w_t)``), its terms, and the constants
it used. Each checks the theorem's hypotheses first and raises :class:`HypothesisError` (a
``ValueError``) naming the hypothesis that fails. Hypotheses that are properties of the landscape
(the α-β-condition on the set the iterates visit, L-smoothness) are the caller's to certify:
:mod:`theory.optim.compare` takes (α, β) from the region / certificate and L from the landscape's
certified smoothness bound, and reports iterates that leave the certified domain.

Common notation: ``D0_sq = E dist(x⁰, S)²``, ``sigma_int2 = f* − (1/n) Σ f_i*``,
``sigma_pos2 = (1/n) Σ f_i*``, K the number of steps.

Corrections to the printed paper (MATHEMATICS.md §6, §9) applied here: Theorem 3's last term uses β
(not 2β); Corollary 1 needs α − β ≥ 1 (c₀ = 1) and is the corollary of Theorem 5 (printed "Theorem
4"); Theorem 7 uses dist(x⁰, S)² in its first term and reads the printed ``D² = max_i ‖∇f_i(x⁰)‖²``
as ``min_i`` (the proof uses D² as a lower bound on c_k²; min is the safe reading).
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field

import numpy as np

from toylands._validate import as_flag, as_int

__all__ = [
    "HypothesisError",
    "Bound",
    "theorem1_sgd",
    "theorem2_sps_max",
    "theorem3_ngn",
    "theorem4_sgd_dec",
    "theorem5_dec_sps",
    "corollary1_dec_sps",
    "theorem6_ngn_dec",
    "theorem7_adagrad_norm_max",
    "local_plstar",
    "THEOREMS",
]


class HypothesisError(ValueError):
    """A theorem's hypothesis fails; ``hypothesis`` names it, ``theorem`` says which theorem."""

    def __init__(self, theorem: str, hypothesis: str, detail: str = ""):
        self.theorem, self.hypothesis, self.detail = theorem, hypothesis, detail
        msg = f"{theorem}: hypothesis fails: {hypothesis}"
        super().__init__(msg + (f" ({detail})" if detail else ""))


@dataclass(frozen=True)
class Bound:
    """A theorem's right-hand side ``value`` with its ``terms`` and the ``constants`` used."""

    theorem: str
    value: float
    terms: dict = field(default_factory=dict)
    constants: dict = field(default_factory=dict)

    def __post_init__(self):
        bad = [k for k, v in {"value": self.value, **self.terms}.items()
               if not math.isfinite(float(v))]
        if bad:
            raise HypothesisError(
                self.theorem, "a bound representable in float64",
                f"{', '.join(bad)} overflow for {_show(self.constants)}; rescale the problem",
            )

    def __float__(self) -> float:
        return float(self.value)

    def to_json(self) -> dict:
        return {
            "theorem": self.theorem,
            "value": self.value,
            "terms": dict(self.terms),
            "constants": dict(self.constants),
        }


def _show(consts: dict) -> str:
    return ", ".join(f"{k} = {v:.3g}" if isinstance(v, float) else f"{k} = {v}"
                     for k, v in consts.items())


def _guarded(fn):
    """Turn float overflow or underflow to zero inside a theorem's arithmetic (Python floats
    raise ZeroDivisionError / OverflowError) into a HypothesisError naming the constants."""
    m = re.match(r"(theorem|corollary)(\d)", fn.__name__)
    label = f"{m.group(1).capitalize()} {m.group(2)}" if m else "local PL* theorem"

    @functools.wraps(fn)
    def bound(**kwargs):
        try:
            return fn(**kwargs)
        except (ZeroDivisionError, OverflowError):
            raise HypothesisError(
                label, "constants within the float64 range",
                f"the bound over- or underflows for {_show(kwargs)}; rescale the problem",
            ) from None

    return bound


def _num(name, v, thm, *, positive=False, nonneg=False, integer=False):
    if isinstance(v, bool):
        raise TypeError(f"{thm}: {name} must be a real number, got bool")
    try:
        x = float(v)
    except OverflowError:
        raise HypothesisError(thm, f"{name} finite", f"{name}: an integer beyond float64") from None
    except (TypeError, ValueError):
        raise TypeError(f"{thm}: {name} must be a real number, got {type(v).__name__}") from None
    if not math.isfinite(x):
        raise HypothesisError(thm, f"{name} finite", f"{name} = {x}")
    if positive and x <= 0:
        raise HypothesisError(thm, f"{name} > 0", f"{name} = {x}")
    if nonneg and x < 0:
        raise HypothesisError(thm, f"{name} >= 0", f"{name} = {x}")
    if integer and (x != int(x) or x < 1):
        raise HypothesisError(thm, f"{name} a positive integer", f"{name} = {v}")
    return int(x) if integer else x


def _common(thm, alpha, beta, L, K, sigma_int2, *, gap_one=False):
    alpha = _num("alpha", alpha, thm, positive=True)
    beta = _num("beta", beta, thm, nonneg=True)
    L = _num("L", L, thm, positive=True)
    K = _num("K", K, thm, integer=True)
    s = _num("sigma_int2", sigma_int2, thm, nonneg=True)
    if gap_one and alpha < beta + 1:
        raise HypothesisError(thm, "alpha >= beta + 1", f"alpha − beta = {alpha - beta:.6g}")
    if not alpha > beta:
        raise HypothesisError(thm, "alpha > beta", f"alpha = {alpha}, beta = {beta}")
    return alpha, beta, L, K, s


@_guarded
def theorem1_sgd(*, alpha, beta, L, gamma, K, D0_sq, sigma_int2) -> Bound:
    r"""Theorem 1 of [AB], Eq. (9): SGD with constant step (MATHEMATICS.md §6). An upper bound on
    ``min_{k<K} E[f(x^k) − f*]``:

    .. math:: \frac{D_0^2}{K\gamma(\alpha-\beta)} + \frac{2L\gamma\sigma_{int}^2}{\alpha-\beta}
              + \frac{2\beta\sigma_{int}^2}{\alpha-\beta}

    Hypotheses: α > β ≥ 0, ``0 < γ ≤ (α − β)/(2L)``.
    """
    t = "Theorem 1"
    a, b, L, K, s = _common(t, alpha, beta, L, K, sigma_int2)
    g = _num("gamma", gamma, t, positive=True)
    D = _num("D0_sq", D0_sq, t, nonneg=True)
    gmax = 0.5 * (a - b) / L  # (α − β)/(2L) without overflowing 2L
    if g > gmax * (1 + 1e-12):
        raise HypothesisError(t, "gamma <= (alpha − beta)/(2L)", f"gamma = {g}, max {gmax}")
    terms = {
        "initial": D / (K * g * (a - b)),
        "noise": 2 * L * g * s / (a - b),
        "neighbourhood": 2 * b * s / (a - b),
    }
    return Bound(t, sum(terms.values()), terms, dict(alpha=a, beta=b, L=L, gamma=g, K=K, D0_sq=D))


@_guarded
def theorem4_sgd_dec(*, alpha, beta, L, gamma0, K, D0_sq, sigma_int2) -> Bound:
    r"""Theorem 4 of [AB], Eqs. (24)–(25): SGD with ``γ_k = γ₀/√(k+1)``. An upper bound on
    ``min_{k<K} E[f(x^k) − f*]``:

    .. math:: \frac{5 D_0^2}{4(\alpha-\beta)\gamma_0\sqrt K}
              + \frac{5\gamma_0 L \sigma_{int}^2 \log(K+1)}{(\alpha-\beta)\sqrt K}
              + \frac{2\beta\sigma_{int}^2}{\alpha-\beta}

    Hypotheses: α > β ≥ 0, ``0 < γ₀ ≤ (α − β)/(2L)``.
    """
    t = "Theorem 4"
    a, b, L, K, s = _common(t, alpha, beta, L, K, sigma_int2)
    g = _num("gamma0", gamma0, t, positive=True)
    D = _num("D0_sq", D0_sq, t, nonneg=True)
    if g > 0.5 * (a - b) / L * (1 + 1e-12):  # (α − β)/(2L) without overflowing 2L
        raise HypothesisError(t, "gamma0 <= (alpha − beta)/(2L)", f"gamma0 = {g}")
    rk = math.sqrt(K)
    terms = {
        "initial": 5 * D / (4 * (a - b) * g * rk),
        "noise": 5 * g * L * s * math.log(K + 1) / ((a - b) * rk),
        "neighbourhood": 2 * b * s / (a - b),
    }
    return Bound(t, sum(terms.values()), terms, dict(alpha=a, beta=b, L=L, gamma0=g, K=K, D0_sq=D))


@_guarded
def theorem2_sps_max(*, alpha, beta, L, c, gamma_b, K, D0_sq, sigma_int2) -> Bound:
    r"""Theorem 2 of [AB], Eq. (10): SPS_max. An upper bound on ``min_{k<K} E[f(x^k) − f*]``:

    .. math:: \frac{c_1 D_0^2}{K} + 2\alpha c_1\gamma_b\sigma_{int}^2,\quad
              c_1 = \frac{c}{\gamma_{min}(2(\alpha-\beta)c - 1)},\quad
              \gamma_{min} = \min\{1/(2cL), \gamma_b\}

    Hypotheses: α > β ≥ 0, ``c > 1/(2(α − β))``, ``γ_b > 0``.
    """
    t = "Theorem 2"
    a, b, L, K, s = _common(t, alpha, beta, L, K, sigma_int2)
    c = _num("c", c, t, positive=True)
    gb = _num("gamma_b", gamma_b, t, positive=True)
    D = _num("D0_sq", D0_sq, t, nonneg=True)
    if not c > 1 / (2 * (a - b)):
        raise HypothesisError(t, "c > 1/(2(alpha − beta))", f"c = {c}, need > {1 / (2 * (a - b))}")
    gmin = min(1 / (2 * c * L), gb)
    c1 = c / (gmin * (2 * (a - b) * c - 1))
    terms = {"initial": c1 * D / K, "neighbourhood": 2 * a * c1 * gb * s}
    consts = dict(alpha=a, beta=b, L=L, c=c, gamma_b=gb, K=K, D0_sq=D, gamma_min=gmin, c1=c1)
    return Bound(t, sum(terms.values()), terms, consts)


@_guarded
def theorem5_dec_sps(*, alpha, beta, L, c_k, gamma_b, K, D_sq, sigma_int2) -> Bound:
    r"""Theorem 5 of [AB], Eq. (29): DecSPS. An upper bound on ``min_{k<K} E[f(x^k) − f*]``:

    .. math:: \frac{2\tilde L D^2 c_{K-1}}{K(\alpha-\beta)}
              + \frac{2\beta\sigma_{int}^2}{\alpha-\beta}
              + \frac1K\sum_{k<K}\frac{\sigma_{int}^2}{(\alpha-\beta)c_k},\quad
              \tilde L = \max\{L, 1/(2c_0\gamma_b)\}

    ``c_k``: the sequence ``c_0 … c_{K−1}`` (array of length ≥ K). ``D_sq``: a bound on
    ``max_{k≤K} dist(x^k, S)²`` along every run (bounded iterates).

    Hypotheses: α > β ≥ 0, {c_k} positive and non-decreasing, ``c_k ≥ 1/(α − β)`` (i.e.
    ``c_0 ≥ 1/(α − β)``), ``γ_b > 0``, D² finite.
    """
    t = "Theorem 5"
    a, b, L, K, s = _common(t, alpha, beta, L, K, sigma_int2)
    gb = _num("gamma_b", gamma_b, t, positive=True)
    D = _num("D_sq", D_sq, t, nonneg=True)
    ck = np.asarray(c_k, dtype=np.float64).reshape(-1)
    if ck.size < K:
        raise ValueError(f"{t}: c_k needs at least K = {K} entries, got {ck.size}")
    ck = ck[:K]
    if not np.all(np.isfinite(ck)) or np.any(ck <= 0):
        raise HypothesisError(t, "c_k positive")
    if np.any(np.diff(ck) < 0):
        raise HypothesisError(t, "c_k non-decreasing")
    if ck[0] < 1 / (a - b) * (1 - 1e-12):
        raise HypothesisError(
            t, "c_k >= 1/(alpha − beta)", f"c_0 = {ck[0]}, alpha − beta = {a - b}"
        )
    Lt = max(L, 1 / (2 * ck[0] * gb))
    terms = {
        "initial": 2 * Lt * D * ck[-1] / (K * (a - b)),
        "neighbourhood": 2 * b * s / (a - b),
        "noise": float(np.mean(s / ((a - b) * ck))),
    }
    consts = dict(alpha=a, beta=b, L=L, L_tilde=Lt, gamma_b=gb, K=K, D_sq=D, c0=float(ck[0]))
    return Bound(t, sum(terms.values()), terms, consts)


@_guarded
def corollary1_dec_sps(*, alpha, beta, L, gamma_b, K, D_sq, sigma_int2) -> Bound:
    r"""Corollary 1 of [AB] (of Theorem 5; the paper cites "Theorem 4" — corrected): DecSPS with
    ``c_k = √(k+1)``. An upper bound on ``min_{k<K} E[f(x^k) − f*]``:

    .. math:: \frac{2\tilde L D^2 + 2\sigma_{int}^2}{\sqrt K(\alpha-\beta)}
              + \frac{2\beta\sigma_{int}^2}{\alpha-\beta},\quad \tilde L = \max\{L, 1/(2\gamma_b)\}

    Hypotheses: **α − β ≥ 1** (correction: c₀ = 1 must be ≥ 1/(α − β), Theorem 5), γ_b > 0.
    """
    t = "Corollary 1"
    a, b, L, K, s = _common(t, alpha, beta, L, K, sigma_int2, gap_one=True)
    gb = _num("gamma_b", gamma_b, t, positive=True)
    D = _num("D_sq", D_sq, t, nonneg=True)
    Lt = max(L, 1 / (2 * gb))
    terms = {
        "initial": (2 * Lt * D + 2 * s) / (math.sqrt(K) * (a - b)),
        "neighbourhood": 2 * b * s / (a - b),
    }
    consts = dict(alpha=a, beta=b, L=L, L_tilde=Lt, gamma_b=gb, K=K, D_sq=D)
    return Bound(t, sum(terms.values()), terms, consts)


def _ngn_common(t, alpha, beta, L, gamma, K, D0_sq, sigma_int2, sigma_pos2, nonnegative,
                positive):
    a, b, L, K, s = _common(t, alpha, beta, L, K, sigma_int2, gap_one=True)
    g = _num("gamma", gamma, t, positive=True)
    D = _num("D0_sq", D0_sq, t, nonneg=True)
    p = _num("sigma_pos2", sigma_pos2, t, nonneg=True)
    if nonnegative is None and positive is None:
        raise TypeError(f"{t}: say whether every f_i >= 0 (nonnegative=True/False)")
    nonnegative = None if nonnegative is None else as_flag(nonnegative, "nonnegative")
    positive = None if positive is None else as_flag(positive, "positive")
    if not (bool(nonnegative) or bool(positive)):
        raise HypothesisError(t, "every f_i >= 0 (non-negative)")
    return a, b, L, K, s, g, D, p


@_guarded
def theorem3_ngn(*, alpha, beta, L, gamma, K, D0_sq, sigma_int2, sigma_pos2, nonnegative=None,
                 positive=None) -> Bound:
    r"""Theorem 3 of [AB], Eq. (11) / (40): NGN with constant γ. An upper bound on
    ``min_{k<K} E[f(x^k) − f*]``; with ``c₂ = 2γL(α − β − 1) + α − β``:

    .. math:: \frac{D_0^2(1+2\gamma L)^2}{2\gamma K c_2}
              + \frac{3L\gamma\alpha(1+\gamma L)\sigma_{int}^2}{c_2}
              + \frac{\gamma L\max\{2\gamma L-1, 0\}\sigma_{pos}^2}{c_2}
              + \frac{\beta\sigma_{int}^2}{c_2}

    **Corrections** (MATHEMATICS.md §6, §9.4, §9.10): the main text prints ``2βσ_int²`` in the
    last term; the appendix and the algebra give ``βσ_int²`` (used here). The paper asks for
    every f_i > 0; the proof (Lemmas 4–5) needs only f_i ≥ 0, f_i* = 0 included, with
    ``σ_pos² = (1/n) Σ f_i*`` (0 when every f_i* = 0).

    Hypotheses: α ≥ β + 1, every f_i ≥ 0 (``nonnegative``; ``positive=True``, every f_i > 0, is
    accepted as well), any γ > 0.
    """
    t = "Theorem 3"
    a, b, L, K, s, g, D, p = _ngn_common(
        t, alpha, beta, L, gamma, K, D0_sq, sigma_int2, sigma_pos2, nonnegative, positive
    )
    c2 = 2 * g * L * (a - b - 1) + a - b
    terms = {
        "initial": D * (1 + 2 * g * L) ** 2 / (2 * g * K * c2),
        "noise": 3 * L * g * a * (1 + g * L) * s / c2,
        "positivity": g * L * max(2 * g * L - 1, 0.0) * p / c2,
        "neighbourhood": b * s / c2,
    }
    consts = dict(alpha=a, beta=b, L=L, gamma=g, K=K, D0_sq=D, sigma_pos2=p, c2=c2)
    return Bound(t, sum(terms.values()), terms, consts)


@_guarded
def theorem6_ngn_dec(*, alpha, beta, L, gamma, K, D0_sq, sigma_int2, sigma_pos2, nonnegative=None,
                     positive=None) -> Bound:
    r"""Theorem 6 of [AB], Eqs. (41)–(43): NGN with ``γ̃_k = γ/√(k+1)``. An upper bound on
    ``min_{k<K} E[f(x^k) − f*]``:

    .. math:: \frac{C_1 D_0^2}{\sqrt K} + \frac{C_2\alpha\sigma_{int}^2\log(K+1)}{\sqrt K}
              + \frac{C_3\beta\sigma_{int}^2}{\alpha-\beta}
              + \frac{C_4\sigma_{pos}^2\log(K+1)}{\sqrt K}

    with ``C₁ = 5(1+γL)(1+2γL)/(8γ)``, ``C₂ = 15Lγ(1+γL)(1+2γL)/2``, ``C₃ = (1+γL)(1+2γL)``,
    ``C₄ = 5(1+γL)(1+2γL)γL max{2γL − 1, 0}/2``.

    Hypotheses: as Theorem 3 (α ≥ β + 1, every f_i ≥ 0, γ > 0); the decreasing-step proof
    reuses Theorem 3's inequalities.
    """
    t = "Theorem 6"
    a, b, L, K, s, g, D, p = _ngn_common(
        t, alpha, beta, L, gamma, K, D0_sq, sigma_int2, sigma_pos2, nonnegative, positive
    )
    u = (1 + g * L) * (1 + 2 * g * L)
    C1, C2, C3 = 5 * u / (8 * g), 15 * L * g * u / 2, u
    C4 = 5 * u * g * L * max(2 * g * L - 1, 0.0) / 2
    rk, lg = math.sqrt(K), math.log(K + 1)
    terms = {
        "initial": C1 * D / rk,
        "noise": C2 * a * s * lg / rk,
        "neighbourhood": C3 * b * s / (a - b),
        "positivity": C4 * p * lg / rk,
    }
    consts = dict(alpha=a, beta=b, L=L, gamma=g, K=K, D0_sq=D, sigma_pos2=p)
    return Bound(t, sum(terms.values()), terms, consts)


@_guarded
def theorem7_adagrad_norm_max(
    *, alpha, beta, L, gamma, b0, K, dist0_sq, G_sq, D_sq, sigma_int2
) -> Bound:
    r"""Theorem 7 of [AB], Eq. (44): AdaGrad-norm-max. An upper bound on
    ``min_{k<K} E[f(x^k) − f*]``:

    .. math:: \frac{\mathrm{dist}(x^0,S)^2\sqrt{b_{-1}^2 + G^2K}}{\gamma K(\alpha-\beta)}
              + \frac{2\alpha\sigma_{int}^2\sqrt{b_{-1}^2+G^2K}\sqrt{b_{-1}^2+D^2(K+1)}}
                     {(\alpha-\beta)KD^2}

    ``G_sq`` bounds ``‖∇f_{i_k}(x^k)‖²`` along the runs; ``D_sq`` is ``min_i ‖∇f_i(x⁰)‖²``.

    **Corrections** (MATHEMATICS.md §6, §9.6): the first term has ``dist(x⁰, S)²`` (printed
    ``dist(x^k, S)²``); the paper defines ``D² = max_i ‖∇f_i(x⁰)‖²`` but the proof uses D² as a
    lower bound on ``c_k² ≥ ‖∇f_{i_0}(x⁰)‖²``, which only ``min_i`` guarantees — pass the min
    (the bound decreases in D², so min is the safe reading). With a random x⁰, pass
    ``E dist(x⁰,S)²`` and the min over runs of ``min_i ‖∇f_i(x⁰)‖²``.

    Hypotheses: α > β ≥ 0, ``b_{−1} ≥ 2Lγ/(α − β)``, ``0 < D² ≤ G²``.
    """
    t = "Theorem 7"
    a, b, L, K, s = _common(t, alpha, beta, L, K, sigma_int2)
    g = _num("gamma", gamma, t, positive=True)
    b0 = _num("b0", b0, t, positive=True)
    d0 = _num("dist0_sq", dist0_sq, t, nonneg=True)
    G = _num("G_sq", G_sq, t, positive=True)
    D = _num("D_sq", D_sq, t, nonneg=True)
    if D <= 0:
        raise HypothesisError(t, "D² = min_i ‖∇f_i(x⁰)‖² > 0", "a sample gradient vanishes at x⁰")
    if D > G * (1 + 1e-12):
        raise HypothesisError(t, "D² <= G² (G bounds the gradients)", f"D² = {D}, G² = {G}")
    if b0 < 2 * L * g / (a - b) * (1 - 1e-12):
        raise HypothesisError(t, "b_{-1} >= 2 L gamma/(alpha − beta)", f"b0 = {b0}")
    root_g = math.sqrt(b0 * b0 + G * K)
    terms = {
        "initial": d0 * root_g / (g * K * (a - b)),
        "neighbourhood": 2 * a * s * root_g * math.sqrt(b0 * b0 + D * (K + 1)) / ((a - b) * K * D),
    }
    consts = dict(alpha=a, beta=b, L=L, gamma=g, b0=b0, K=K, dist0_sq=d0, G_sq=G, D_sq=D)
    return Bound(t, sum(terms.values()), terms, consts)


@_guarded
def local_plstar(*, mu, L_F, beta_F, residual0, eta, t, plstar_on_ball: bool) -> Bound:
    r"""The local PL* theorem of [PL*] (Liu, Zhu, Belkin, ACHA 2022, Theorem 6; MATHEMATICS.md §3).

    For ``L(w) = ½‖F(w) − y‖²`` with F ``L_F``-Lipschitz and ``β_F``-smooth, μ-PL* on the ball
    ``B(w₀, R)``, ``R = 2 L_F ‖F(w₀) − y‖ / μ``: GD with ``η ≤ 1/(L_F² + β_F‖F(w₀) − y‖)``
    satisfies the **upper bound**

    .. math:: L(w_t) \le (1 - \eta\mu)^t L(w_0).

    Normalisation (checked against [PL*] and tested): μ-PL* means ``½‖∇L(w)‖² ≥ μ L(w)``;
    since ``‖∇L‖² = (F − y)ᵀ K (F − y) ≥ 2 λ_min(K) L``, ``μ = λ_min(K)`` on the ball suffices.
    (Spec §3 writes ``‖∇L‖² ≥ μL`` with ``λ_min ≥ μ/2``; with that μ the rate would be
    ``(1 − ημ/2)^t``. We use the paper's normalisation so that the rate ``(1 − ημ)^t`` is right.)

    **Caution**: ``theory.conditions.pl_star_kernel`` uses MATHEMATICS.md's normalisation
    (``‖∇L‖² ≥ μL``, ``μ = 2λ_min``); pass half of its μ here.

    ``plstar_on_ball`` says whether μ-PL* has been established on ``B(w₀, R)`` (the caller's
    check, e.g. ``min λ_min(K)`` over points of the ball). Returns the bound at step ``t`` with
    ``R`` and ``eta_max`` in ``constants``.
    """
    th = "local PL* theorem"
    mu = _num("mu", mu, th, positive=True)
    LF = _num("L_F", L_F, th, positive=True)
    bF = _num("beta_F", beta_F, th, nonneg=True)
    r0 = _num("residual0", residual0, th, nonneg=True)
    eta = _num("eta", eta, th, positive=True)
    t = as_int(t, "t", low=0)
    eta_max = 1 / (LF * LF + bF * r0)
    if eta > eta_max * (1 + 1e-12):
        raise HypothesisError(th, "eta <= 1/(L_F² + beta_F ‖F(w₀) − y‖)", f"eta max {eta_max}")
    if eta * mu > 1:
        raise HypothesisError(th, "eta mu <= 1", f"eta mu = {eta * mu}")
    R = 2 * LF * r0 / mu
    if not plstar_on_ball:
        raise HypothesisError(th, f"mu-PL* on the ball B(w0, R = {R:.4g})")
    loss0 = 0.5 * r0 * r0
    rate = 1 - eta * mu
    return Bound(
        th,
        rate**t * loss0,
        {"rate": rate, "loss0": loss0},
        dict(mu=mu, L_F=LF, beta_F=bF, eta=eta, t=t, R=R, eta_max=eta_max),
    )


# theorem key -> (function, optimizer name)
THEOREMS = {
    "1": (theorem1_sgd, "sgd"),
    "2": (theorem2_sps_max, "sps-max"),
    "3": (theorem3_ngn, "ngn"),
    "4": (theorem4_sgd_dec, "sgd-dec"),
    "5": (theorem5_dec_sps, "dec-sps"),
    "C1": (corollary1_dec_sps, "dec-sps"),
    "6": (theorem6_ngn_dec, "ngn-dec"),
    "7": (theorem7_adagrad_norm_max, "adagrad-norm-max"),
}
