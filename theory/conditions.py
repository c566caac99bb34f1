r"""Slack rows of the α-β-condition and the constants of PL, δ-PL, PL\*, Aiming and QCvx.

The α-β-condition [AB Definition 1, Eq. (2); MATHEMATICS.md §2] in slack form:

    T_i(x; α, β) = a_i − α b_i + β c_i ≥ 0,
    a_i = <∇f_i(x), x − x_p>,   b_i = f_i(x) − f_i(x_p),   c_i = f_i(x) − f_i*  (≥ 0),

for **some** ``x_p ∈ Proj(x, S)`` and **every** i. ``a_i`` comes from one directional derivative
(``landscape.directional(x, x − x_p)``, a JVP), never from the ``(…, n, dim)`` per-sample
gradients. Where S is finite and x has several nearest points, rows are returned for every
candidate with a mask of the nearest ones; a point satisfies the condition iff one of its
nearest candidates satisfies all n rows.

The other conditions (MATHEMATICS.md §3), each reduced to the best constant over the given points:

- PL: ``‖∇f‖² ≥ 2μ (f − f*)``; relaxed δ-PL [AB App. A, Eq. (12)]: ``‖∇f‖^δ ≥ (2μ)^{δ/2}(f − f*)``;
- PL\* [Liu–Zhu–Belkin]: ``‖∇f‖² ≥ μ f`` (a loss with inf 0; PL\*_ε only where ``f ≥ ε``), and
  the tangent-kernel bound ``‖∇L‖² = rᵀ K r ≥ 2 λ_min(K) L`` for ``L = ½‖F(w) − y‖²``;
- Aiming: ``<∇f(x), x − Proj(x, S)> ≥ θ (f(x) − f*)`` (the original assumes f* = 0; we use
  ``f − f*`` so that it is meaningful when f* > 0);
- QCvx: ``<∇f(x), x − x*> ≥ θ (f(x) − f*)`` for one fixed ``x* ∈ S``.

Every function of points accepts a torch tensor for a landscape with torch kernels (the ported
built-ins, ``toylands.from_module``): the landscape is evaluated on the tensor's device through
its array-API methods, and the rows and constants come back as float64 numpy (the ground truth,
S and its projections, stays float64 numpy on the host).

Examples
--------
>>> import numpy as np, toylands
>>> from theory.conditions import alpha_beta_rows, slack
>>> f = toylands.get("example1")
>>> rows = alpha_beta_rows(f, np.array([[3.0, 1.0], [-2.0, 0.5]]))
>>> rows.a.shape, rows.mask.shape          # (points, candidates, n)
((2, 1, 2), (2, 1))
>>> bool(np.all(slack(rows, 2.5, 2.0) >= 0))
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from toylands._checked import checked
from toylands._validate import _as_numeric_array, as_finite_array, as_finite_float

__all__ = [
    "Rows",
    "alpha_beta_rows",
    "check_constants",
    "slack",
    "slack_tolerance",
    "slack_error_coefficients",
    "ConditionConstant",
    "pl_constant",
    "pl_star_constant",
    "tangent_kernel",
    "pl_star_kernel",
    "square_loss_jacobian",
    "aiming_constant",
    "qcvx_constant",
    "EVAL_ULPS",
    "stationary_witness",
]

# The accuracy that the evaluation error bound of ``slack_tolerance`` assumes of a landscape:
# f_i(x), f_i(x_p), the lower bound l_i and a_i = <∇f_i(x), x − x_p> each within EVAL_ULPS units
# in the last place of their own magnitude (true of the built-in closed-form kernels, which
# evaluate each f_i with a handful of correctly rounded operations in stable form).
EVAL_ULPS = 4
_EPS = float(np.finfo(np.float64).eps)


class Rows(NamedTuple):
    r"""The slack rows at points x (MATHEMATICS.md §2).

    Attributes
    ----------
    a, b, c : ndarray (..., m, n)
        ``<∇f_i(x), x − x_p>``, ``f_i(x) − f_i(x_p)``, ``f_i(x) − l_i`` (clipped at 0) for every
        candidate x_p (axis −2) and sample i (axis −1).
    mask : ndarray of bool (..., m)
        Which candidates are nearest points of S (``m = 1`` where S is a continuum).
    candidates : ndarray (..., m, dim)
        The candidate points x_p.
    fx : ndarray (..., n)
        ``f_i(x)``.
    fp : ndarray (..., m, n)
        ``f_i(x_p)``.
    lower : ndarray (n,)
        The ``l_i`` used in c: ``f_i*`` or the lower bound passed as ``f_i_lower``.
    """

    a: np.ndarray
    b: np.ndarray
    c: np.ndarray
    mask: np.ndarray
    candidates: np.ndarray
    fx: np.ndarray
    fp: np.ndarray
    lower: np.ndarray


def _rows(value, name, ctx):
    if not isinstance(value, Rows):
        raise TypeError(f"{name} must be the Rows of alpha_beta_rows(), got {type(value).__name__}")
    return value


def _grad_norms(value, name, ctx):
    """``(G_x, G_p)``: two arrays of gradient norms, ``>= 0`` (``+inf`` allowed: an overflowed
    norm only weakens the bound; NaN is refused)."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        got = f"of length {len(value)}" if isinstance(value, (tuple, list)) else \
            f"got {type(value).__name__}"
        raise TypeError(f"{name} must be a pair (G_x, G_p) of arrays of gradient norms, {got}")
    out = []
    for v, part in zip(value, ("G_x", "G_p")):
        arr = _as_numeric_array(v, f"{name}'s {part}").astype(np.float64, copy=False)
        if np.any(np.isnan(arr)) or np.any(arr < 0):
            raise ValueError(f"{name}'s {part} must be >= 0 (norms), got NaN or a negative")
        out.append(arr)
    return tuple(out)


def _nonneg_reals(value, name, ctx):
    return as_finite_array(value, name, low=0.0)


def _system(value, name, ctx):
    if not callable(value) and not callable(getattr(value, "jacobian", None)):
        raise TypeError(f"{name} must be a callable w -> DF(w) or have .jacobian(w), got "
                        f"{type(value).__name__}")
    return value


def _points(landscape, x) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 0 or x.shape[-1] != landscape.dim:
        raise ValueError(f"x must have shape (..., {landscape.dim}), got {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("x contains NaN or inf")
    return x


def _eval_points(landscape, x):
    """``(xt, x)``: the points as the landscape evaluates them (a tensor stays a tensor, on its
    device and in its dtype) and as validated float64 numpy (for reductions and ground truth)."""
    from toylands._xp import is_torch, to_numpy64

    if not is_torch(x):
        x = _points(landscape, x)
        return x, x
    xn = _points(landscape, to_numpy64(x))
    return x, xn


def _host(a) -> np.ndarray:
    from toylands._xp import to_numpy64

    return to_numpy64(a)


@checked()
def alpha_beta_rows(landscape, x, *, f_i_lower=None, reference=None) -> Rows:
    r"""Slack rows ``(a, b, c)`` of the α-β-condition at points ``x (..., dim)``, for all i.

    Parameters
    ----------
    landscape : toylands.Landscape
    x : array_like or torch tensor (..., dim)
        A tensor is evaluated by the landscape's torch kernels on its device; the rows come
        back as float64 numpy arrays (the region is exact geometry on the host).
    f_i_lower : array_like (n,) or float, optional
        Replace ``f_i*`` in ``c`` by lower bounds ``l_i ≤ f_i*`` (the paper's experiments use
        0). The slack grows by ``β (f_i* − l_i) ≥ 0``, so the check is weaker (MATHEMATICS.md §2).
    reference : array_like or tensor (..., dim), optional
        A point standing in for ``Proj(x, S)`` (the paper's proxy ``x^K``, MATHEMATICS.md §7);
        needed where S is unknown (``toylands.from_module``). The rows are then those of the
        proxy condition, not of Definition 1.

    Returns
    -------
    Rows
        Arrays of shape ``(..., m, n)``; see ``Rows``. ``c`` is clipped at 0 (it is ≥ 0 exactly;
        rounding can make it −1e-17).
    """
    from toylands._xp import is_torch, like, namespace, to_numpy64

    tensor = is_torch(x)
    xt = x if tensor else _points(landscape, x)
    x = to_numpy64(xt) if tensor else xt
    if not tensor:
        xt = x
    elif x.shape[-1:] != (landscape.dim,):
        raise ValueError(f"x must have shape (..., {landscape.dim}), got {x.shape}")
    n = landscape.n
    fis = np.asarray(landscape.f_i_star, dtype=np.float64)
    if f_i_lower is None:
        lower = fis
    else:
        lower = np.broadcast_to(np.asarray(f_i_lower, dtype=np.float64), (n,)).copy()
        if not np.all(np.isfinite(lower)):
            raise ValueError("f_i_lower must be finite")
        if np.any(lower > fis + 1e-12 * np.maximum(1.0, np.abs(fis))):
            raise ValueError("f_i_lower must be a lower bound: some l_i exceeds f_i*")
    if reference is None:
        pts, mask = landscape.minimizers.candidates(x)
        pts = np.asarray(pts, dtype=np.float64)
    else:
        ref = to_numpy64(reference)
        if ref.shape[-1:] != (landscape.dim,):
            raise ValueError(f"reference must have shape (..., {landscape.dim}), got {ref.shape}")
        pts = np.broadcast_to(ref, x.shape).copy()[..., None, :]
        mask = np.ones(pts.shape[:-1], dtype=bool)
    pts_t = like(pts, xt)
    # The first candidate shares the forward pass of f_i(x) (``losses_and_directional``); the
    # landscape evaluates in blocks of points, so its temporaries are those of one block.
    first = pts_t[..., 0, :]
    fused = getattr(landscape, "losses_and_directional", None)
    if getattr(landscape, "fused_slack_terms", False) and pts.shape[-2] == 1:
        # one candidate and a kernel for the three terms: f(x), f(p) and the JVP in one pass
        fx, fp, a0 = landscape.slack_terms(xt, first)
        fp = fp[..., None, :]
    elif fused is not None:
        fx, a0 = fused(xt, xt - first)
        fp = landscape.losses(pts_t)
    else:  # a duck-typed landscape without the fused methods
        fx, a0 = landscape.losses(xt), landscape.directional(xt, xt - first)
        fp = landscape.losses(pts_t)
    fx, a0, fp = to_numpy64(fx), to_numpy64(a0), to_numpy64(fp)
    if pts.shape[-2] == 1:
        a = a0[..., None, :]
    else:  # finite S with several candidates: one more JVP per further candidate
        a = np.empty(fp.shape)
        a[..., 0, :] = a0
        rest = pts_t[..., 1:, :]
        xb = namespace(xt).broadcast_to(xt[..., None, :], tuple(rest.shape))
        a[..., 1:, :] = to_numpy64(landscape.directional(xb, xb - rest))
    b = fx[..., None, :] - fp
    c = np.maximum(fx - lower, 0.0)[..., None, :]
    if c.shape != b.shape:
        c = np.broadcast_to(c, b.shape).copy()
    return Rows(a, b, c, np.asarray(mask, dtype=bool), pts, fx, fp, lower)


def check_constants(alpha, beta) -> tuple[float, float]:
    """Validate the constants of Definition 1: real, finite, ``α > β ≥ 0``."""
    alpha, beta = as_finite_float(alpha, "alpha"), as_finite_float(beta, "beta")
    if beta < 0:
        raise ValueError(f"beta must be >= 0, got {beta}")
    if not alpha > beta:
        raise ValueError(f"the condition needs alpha > beta, got alpha={alpha}, beta={beta}")
    return alpha, beta


def _check_pair(alpha, beta):
    return as_finite_float(alpha, "alpha"), as_finite_float(beta, "beta")


@checked(rows=_rows)
def slack(rows: Rows, alpha: float, beta: float, *, per_sample: bool = False):
    r"""The slack of each point: ``max_{x_p nearest} min_i T_i(x; α, β)``, shape ``(...)``.

    With ``per_sample=True`` returns ``T`` itself, shape ``(..., m, n)`` (non-nearest
    candidates included; use ``rows.mask``).
    """
    alpha, beta = _check_pair(alpha, beta)
    with np.errstate(over="ignore", invalid="ignore"):  # see slack_tolerance on overflow
        T = rows.a - alpha * rows.b + beta * rows.c
    if per_sample:
        return T
    per_cand = np.where(rows.mask, T.min(axis=-1), -np.inf)
    return per_cand.max(axis=-1)


@checked(rows=_rows, grad_norms=_grad_norms)
def slack_tolerance(rows: Rows, alpha: float, beta: float, *, x=None,
                    grad_norms=None) -> np.ndarray:
    r"""The rounding allowance of ``slack`` at each point, shape ``(...)``: a computed slack
    ``s < −tol`` proves that the true slack is negative.

    Derived from an error bound of the evaluation (MATHEMATICS.md §2, slack form
    ``T_i = a_i − α b_i + β c_i``). Assume the landscape returns ``f_i(x)``, ``f_i(x_p)``, ``l_i``
    and ``a_i`` each within ``K = EVAL_ULPS`` ulps of a magnitude (ε = 2⁻⁵²): ``|f_i|``,
    ``|l_i|`` and ``|a_i|`` by default. Then, to first order in ε, with ``M_b = |f_i(x)| +
    |f_i(x_p)|`` and ``M_c = |f_i(x)| + |l_i|``:

    - ``b = fl(f_i(x) − f_i(x_p))`` is off by at most ``(K + 1) ε M_b``, ``c`` by ``(K + 1) ε M_c``;
    - ``fl(α b)`` and ``fl(β c)`` add one rounding each (``ε α |b| ≤ ε α M_b``, ``ε β M_c``);
    - ``fl(a − αb)`` adds ``ε |a − αb| ≤ ε (|a| + α M_b)`` and the last addition ``ε |T_i|``; so

          e_i = ε [(K + 1)|a_i| + (K + 3) α M_b + (K + 2) β M_c + |T̃_i|] ≥ |T̃_i − T_i|.

    Rounding of the *inputs* moves a function by up to its gradient times the rounding (the
    scale of ``tests/tolerance.py``): with ``x`` and ``grad_norms = (G_x (..., n), G_p (..., m,
    n))``, the norms ``‖∇f_i(x)‖`` and ``‖∇f_i(x_p)‖``, the magnitudes become ``|a_i| + G_x
    (‖x − x_p‖ + ‖x_p‖)`` (the direction ``x − x_p`` is rounded, and x_p is computed to K ulps of
    ``‖x_p‖``), ``|f_i(x)| + G_x ‖x‖`` and ``|f_i(x_p)| + 2 G_p ‖x_p‖``. That bound is never
    smaller; it matters near S, where the function values are tiny but their inputs are not
    (``theory.certification.point_slack`` applies it to the points the first bound flags).

    The true point slack is ``max_p min_i T_i ≤ ŝ = max_p min_i (T̃_i + e_i)`` (nearest candidates
    p), so ``ŝ < 0`` proves a violation; the allowance returned is ``tol = ŝ − s`` (≥ 0), so that
    ``s < −tol`` is that test. Each row carries its own error: at Example 2's claimed pair
    (``α = 8/c ≈ 8.8·10⁶``, where the violated row has ``M_b ≈ 1``) the allowance is about
    ``2.5·10⁻⁸``, so a violation of ``5·10⁻⁸`` is a refutation. (The earlier allowance,
    ``32 ε`` times the largest magnitude over all rows, was about ``1.3·10⁻⁷`` there.)

    Overflow: the products are formed as ``(ε α) · M_b``, finite for every finite ``α``, ``β``.
    An infinite ``T̃_i`` (``α b`` or ``β c`` overflowed alone) has the true sign and gets no
    allowance; an allowance that is not finite where the slack is (``|f_i|`` near the overflow
    threshold) raises ``ValueError``: a non-finite allowance would let every slack pass.
    """
    alpha, beta = _check_pair(alpha, beta)
    e0, e1 = slack_error_coefficients(rows, alpha, x=x, grad_norms=grad_norms)
    with np.errstate(over="ignore", invalid="ignore"):
        T = rows.a - alpha * rows.b + beta * rows.c
        e = e0 + beta * e1 + _EPS * np.where(np.isfinite(T), np.abs(T), 0.0)
        upper = np.where(np.isfinite(T), T + e, T)
        s = np.where(rows.mask, T.min(axis=-1), -np.inf).max(axis=-1)
        s_hat = np.where(rows.mask, upper.min(axis=-1), -np.inf).max(axis=-1)
        tol = np.where(np.isfinite(s), s_hat - s, 0.0)
    bad = np.isfinite(s) & ~np.isfinite(tol)
    if np.any(bad):
        raise ValueError(
            f"the rounding allowance of the slack overflows at alpha={alpha:g}, beta={beta:g}: "
            "the condition cannot be decided in double precision there"
        )
    return np.maximum(tol, 0.0)


@checked(rows=_rows, alpha=_nonneg_reals, grad_norms=_grad_norms)
def slack_error_coefficients(rows: Rows, alpha, *, x=None, grad_norms=None):
    r"""``(e0, e1)``, shape ``(..., m, n)`` (``alpha`` broadcasts against the rows): the error
    bound of ``slack_tolerance`` without its last term, ``e0 + β e1 ≥ |T̃_i − T_i| − ε |T̃_i|``,

        e0 = ε [(K + 1) A + (K + 3) α (F_x + F_p)],    e1 = ε (K + 2) (F_x + |l_i|),

    with the magnitudes ``A = |a_i|``, ``F_x = |f_i(x)|``, ``F_p = |f_i(x_p)|`` (plus the input
    terms ``G_x (‖x − x_p‖ + ‖x_p‖)``, ``G_x ‖x‖`` and ``2 G_p ‖x_p‖`` when ``x`` and
    ``grad_norms`` are given). Affine in β, so a rounding-safe least β of a row is
    ``(α b − a − e0) / (c + e1)`` (``theory.certification.frontier``).
    """
    K = float(EVAL_ULPS)
    try:
        np.broadcast_shapes(alpha.shape, rows.a.shape)
    except ValueError:
        raise ValueError(f"alpha of shape {alpha.shape} does not broadcast against the rows, "
                         f"shape {rows.a.shape}") from None
    mag_a = np.abs(rows.a)
    mag_x = np.abs(rows.fx)[..., None, :]
    mag_p = np.abs(rows.fp)
    if grad_norms is not None:
        if x is None:
            raise ValueError("grad_norms needs the points x")
        gx, gp = grad_norms
        x = np.asarray(x, dtype=np.float64)
        want = rows.candidates.shape[:-2] + rows.candidates.shape[-1:]
        for v, part, shape in ((x, "x", want), (gx, "grad_norms's G_x", rows.fx.shape),
                               (gp, "grad_norms's G_p", rows.fp.shape)):
            if v.shape != shape:
                raise ValueError(f"{part} must have shape {shape} (that of the rows), got "
                                 f"{v.shape}")
        nx = np.linalg.norm(x, axis=-1)[..., None, None]
        npn = np.linalg.norm(rows.candidates, axis=-1)[..., None]
        nv = np.linalg.norm(x[..., None, :] - rows.candidates, axis=-1)[..., None]
        gx = gx[..., None, :]
        mag_a = mag_a + gx * (nv + npn)
        mag_x = mag_x + gx * nx
        mag_p = mag_p + 2.0 * gp * npn
    alpha = np.asarray(alpha, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        e0 = ((K + 1.0) * _EPS) * mag_a + ((K + 3.0) * _EPS * alpha) * (mag_x + mag_p)
        e1 = ((K + 2.0) * _EPS) * (mag_x + np.abs(rows.lower))
    return e0, e1


# ---- other conditions ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ConditionConstant:
    """The best constant of a condition over given points, and where it is attained.

    ``values`` holds the per-point constant (NaN where the inequality is vacuous, e.g. on S);
    ``constant`` is their minimum (the largest constant valid at every point); ``worst_point``
    is the point attaining it. Where the landscape lists a non-global stationary point inside
    the points' bounding box (``stationary_witness``), the condition fails there for every
    positive constant: ``constant`` is exactly 0, ``worst_point`` that point and ``witness``
    its kind ("saddle", "local minimum", ...); otherwise ``witness`` is "" and ``constant`` is
    a sampled value, an upper bound on the true constant over the region.
    """

    condition: str
    constant: float
    worst_point: np.ndarray | None
    values: np.ndarray
    note: str = ""
    witness: str = ""

    def to_json(self) -> dict:
        wp = None if self.worst_point is None else np.asarray(self.worst_point).tolist()
        c = self.constant
        return {
            "condition": self.condition,
            "constant": c if np.isfinite(c) else None,
            "worst_point": wp,
            "points": int(self.values.size),
            "vacuous": int(np.sum(np.isnan(self.values))),
            "note": self.note,
            "witness": self.witness,
        }


def _reduce(name, x, vals, note) -> ConditionConstant:
    flat = vals.reshape(-1)
    pts = x.reshape(-1, x.shape[-1])
    if flat.size == 0 or np.all(np.isnan(flat)):
        return ConditionConstant(name, np.inf, None, vals, note + " (vacuous at every point)")
    k = int(np.nanargmin(flat))
    return ConditionConstant(name, float(flat[k]), pts[k].copy(), vals, note)


@checked()
def stationary_witness(landscape, x=None, *, domain=None, min_value=None):
    r"""A non-global stationary point of ``landscape.critical_points`` in the region, or None.

    The region is ``domain`` (a ``toylands.Box``) or else the bounding box of the points ``x``.
    At such a point ``∇f = 0`` while ``f − f* > 0``, so PL, δ-PL, PL\*, Aiming and QCvx fail
    there for every positive constant (MATHEMATICS.md §3: they force every stationary point to
    be global). ``min_value`` (PL\*_ε: ``ε``) skips points with ``f`` below it. The first in
    order of value is returned (a ``toylands.CriticalPoint``).
    """
    if domain is not None:
        lo, hi = np.asarray(domain.lo), np.asarray(domain.hi)
    elif x is not None:
        pts = np.asarray(x, dtype=np.float64).reshape(-1, landscape.dim)
        lo, hi = pts.min(axis=0), pts.max(axis=0)
    else:
        lo, hi = np.asarray(landscape.domain.lo), np.asarray(landscape.domain.hi)
    tol = 1e-9 * (1.0 + abs(landscape.f_star))
    best = None
    for cp in getattr(landscape, "critical_points", ()):
        p = np.asarray(cp.point, dtype=np.float64)
        if p.shape != (landscape.dim,) or not np.all((p >= lo) & (p <= hi)):
            continue
        if cp.kind == "global minimum" or cp.value <= landscape.f_star + tol:
            continue
        if min_value is not None and cp.value < min_value:
            continue
        if best is None or cp.value < best.value:
            best = cp
    return best


def _witnessed(res: ConditionConstant, cp, what: str) -> ConditionConstant:
    p = np.asarray(cp.point, dtype=np.float64)
    note = (f"{res.note}; fails: {cp.kind} at {np.round(p, 9).tolist()} with "
            f"f = {cp.value:.9g} > f*, where ∇f = 0, so {what} holds for no positive constant")
    return ConditionConstant(res.condition, 0.0, p.copy(), res.values, note, cp.kind)


def _gap(landscape, fx, min_gap):
    gap = fx - landscape.f_star
    tol = min_gap if min_gap is not None else 1e-12 * max(1.0, abs(landscape.f_star))
    return gap, gap > tol


@checked()
def pl_constant(landscape, x, *, delta: float = 2.0, min_gap: float | None = None,
                witnesses: bool = True):
    r"""PL / relaxed δ-PL constant μ over the points (MATHEMATICS.md §3; [AB App. A, Eq. (12)]).

    Per point ``μ(x) = ½ (‖∇f(x)‖^δ / (f(x) − f*))^{2/δ}``, the largest μ with
    ``‖∇f‖^δ ≥ (2μ)^{δ/2} (f − f*)``; δ = 2 is PL. Points with ``f − f* ≤ min_gap`` (default
    ``1e-12·max(1, |f*|)``) are vacuous. μ = 0 means PL fails (a non-global stationary point).
    With ``witnesses`` (default), a listed non-global stationary point in the points' bounding
    box (:func:`stationary_witness`) makes the constant exactly 0, at that point.
    """
    delta = float(delta)
    if not 1.0 <= delta <= 2.0:
        raise ValueError(f"delta must lie in [1, 2], got {delta}")
    xt, x = _eval_points(landscape, x)
    gap, ok = _gap(landscape, _host(landscape.value(xt)), min_gap)
    gn = np.linalg.norm(_host(landscape.gradient(xt)), axis=-1)
    safe = np.where(ok, gap, 1.0)
    mu = 0.5 * (gn**delta / safe) ** (2.0 / delta)
    name = "PL" if delta == 2.0 else f"{delta:g}-PL"
    res = _reduce(name, x, np.where(ok, mu, np.nan), "mu = min ½(‖∇f‖^δ/(f − f*))^{2/δ}")
    cp = stationary_witness(landscape, x) if witnesses else None
    return res if cp is None else _witnessed(res, cp, name)


@checked()
def pl_star_constant(landscape, x, *, eps: float = 0.0, witnesses: bool = True):
    r"""PL\* constant ``μ = min ‖∇f‖² / f`` over points with ``f ≥ eps`` (PL\*_ε; MATHEMATICS.md
    §3).

    PL\* is stated for a loss with ``inf = 0`` [Liu–Zhu–Belkin]; ``f`` is used as it is, so
    where ``f* > 0`` the constant tends to 0 near S (the condition fails without
    interpolation), which is the point of PL\*_ε. With ``witnesses``, a listed non-global
    stationary point with ``f ≥ max(eps, 0⁺)`` in the points' bounding box makes it exactly 0.
    """
    xt, x = _eval_points(landscape, x)
    fx = _host(landscape.value(xt))
    ok = (fx >= float(eps)) & (fx > 0)
    g2 = np.sum(_host(landscape.gradient(xt)) ** 2, axis=-1)
    mu = g2 / np.where(ok, fx, 1.0)
    note = "mu = min ‖∇f‖²/f" + (f" where f >= {eps:g}" if eps > 0 else "")
    if landscape.f_star > 0:
        note += f"; f* = {landscape.f_star:.6g} > 0: no interpolation, PL* fails near S"
    name = "PL*" if eps <= 0 else "PL*_eps"
    res = _reduce(name, x, np.where(ok, mu, np.nan), note)
    cp = stationary_witness(landscape, x, min_value=max(float(eps), 1e-300)) if witnesses else None
    return res if cp is None else _witnessed(res, cp, name)


def _jacobian_fn(system) -> Callable:
    if callable(system) and not hasattr(system, "jacobian"):
        return system
    jac = getattr(system, "jacobian", None)
    if callable(jac):
        return jac
    raise TypeError("system must be a callable w -> DF(w) (..., N, m) or expose .jacobian(w)")


@checked(system=_system, w="points")
def tangent_kernel(system, w) -> np.ndarray:
    r"""``K(w) = DF(w) DF(w)ᵀ`` (``(..., N, N)``) for a system ``F: R^m → R^N`` [PL\*].

    ``system`` is a callable ``w -> DF(w)`` of shape ``(..., N, m)`` or an object (e.g. a
    landscape) with a ``jacobian(w)`` method of that shape.
    """
    J = np.asarray(_jacobian_fn(system)(np.asarray(w, dtype=np.float64)), dtype=np.float64)
    return J @ np.swapaxes(J, -1, -2)


@checked(system=_system, w="points")
def pl_star_kernel(system, w, *, mean: bool = False) -> ConditionConstant:
    r"""PL\* constant from the tangent kernel: ``μ = 2 min_w λ_min(K(w))`` (MATHEMATICS.md §3,
    [derived]).

    For ``L(w) = ½‖F(w) − y‖²``, ``∇L = DFᵀ r`` with ``r = F − y``, so
    ``‖∇L‖² = rᵀ K r ≥ λ_min(K) ‖r‖² = 2 λ_min(K) L``: μ-PL\* with ``μ = 2 λ_min``. With
    ``mean=True`` the loss is the average ``f = L/N``: then ``‖∇f‖² = ‖∇L‖²/N²`` and
    ``μ_f = 2 λ_min / N``. ``λ_min > 0`` needs ``m ≥ N`` (over-parameterization).
    """
    w = np.asarray(w, dtype=np.float64)
    if w.ndim == 1:
        w = w[None]
    K = tangent_kernel(system, w)
    lam = np.linalg.eigvalsh(K)[..., 0]
    N = K.shape[-1]
    mu = 2.0 * lam / (N if mean else 1.0)
    note = "mu = 2 λ_min(DF DFᵀ)" + (" / N (mean loss)" if mean else " (L = ½‖F − y‖²)")
    return _reduce("PL* (tangent kernel)", w, mu, note)


@checked()
def square_loss_jacobian(landscape, *, min_residual: float = 1e-150) -> Callable:
    r"""The rows of DF, up to signs, of a square-loss landscape ``f_i = ½ (F_i(w) − y_i)²``.

    ``∇f_i = r_i ∇F_i`` with ``|r_i| = √(2 f_i)``, so ``∇f_i / √(2 f_i) = ± ∇F_i``. The signs do
    not matter for the tangent kernel: ``K' = D K D`` with ``D = diag(±1)`` orthogonal has the
    same eigenvalues. Needs every ``f_i* = 0`` (pure square loss, no penalty) and ``f_i > 0`` at
    the points (``min_residual``); e.g. ``two-layer-relu`` with ``loss="square"``,
    ``lam1 = lam2 = 0``. Uses per-sample gradients (``landscape.grads``): a reference path.
    """
    if np.any(np.asarray(landscape.f_i_star) != 0):
        raise ValueError("landscape must have every f_i* = 0 (a pure square loss), as "
                         "square_loss_jacobian needs")

    def jac(w):
        w = _points(landscape, w)
        r = np.sqrt(2.0 * landscape.losses(w))
        if np.any(r <= min_residual):
            raise ValueError("a residual is 0 at some point: the Jacobian rows are not recovered")
        return landscape.grads(w) / r[..., None]

    return jac


def _inner_best(landscape, x, xt=None):
    """``<∇f(x), x − x_p>`` maximised over the nearest candidates, shape ``(...)`` (evaluated
    at ``xt``, the same points as a tensor, where given)."""
    from toylands._xp import like, namespace

    pts, mask = landscape.minimizers.candidates(x)
    xt = x if xt is None else xt
    pts = like(np.asarray(pts), xt)
    xb = namespace(xt).broadcast_to(xt[..., None, :], tuple(pts.shape))
    d = _host(landscape.directional(xb, xb - pts)).mean(axis=-1)
    return np.where(mask, d, -np.inf).max(axis=-1)


@checked()
def aiming_constant(landscape, x, *, min_gap: float | None = None, witnesses: bool = True):
    r"""Aiming constant ``θ = min <∇f(x), x − Proj(x, S)> / (f(x) − f*)`` (MATHEMATICS.md §3).

    The original (Liu–Drusvyatskiy–Belkin–Davis–Ma) assumes ``min f = 0`` and divides by f;
    we divide by ``f − f*`` so that it means something when ``f* > 0`` (it equals the original
    when f* = 0). With tied projections the best nearest point is used.
    """
    xt, x = _eval_points(landscape, x)
    gap, ok = _gap(landscape, _host(landscape.value(xt)), min_gap)
    th = _inner_best(landscape, x, xt) / np.where(ok, gap, 1.0)
    note = "theta = min <∇f, x − Proj(x,S)>/(f − f*)"
    if landscape.f_star != 0:
        note += " (f − f* used since f* ≠ 0)"
    res = _reduce("Aiming", x, np.where(ok, th, np.nan), note)
    cp = stationary_witness(landscape, x) if witnesses else None
    return res if cp is None else _witnessed(res, cp, "Aiming")


@checked()
def qcvx_constant(landscape, x, *, x_star=None, min_gap: float | None = None,
                  witnesses: bool = True):
    r"""Quasar-convexity constant ``θ = min <∇f(x), x − x*> / (f(x) − f*)`` (MATHEMATICS.md §3).

    ``x_star`` fixes the minimizer. Without it, for a finite S every point of S is tried and
    the best (largest θ) is returned; for a continuum the projection of the domain's centre.
    With ``witnesses``, a listed non-global stationary point in the points' bounding box makes
    it exactly 0 (``<∇f, x − x*> = 0 < θ (f − f*)`` there, whatever x*).
    """
    from toylands._xp import like

    xt, x = _eval_points(landscape, x)
    gap, ok = _gap(landscape, _host(landscape.value(xt)), min_gap)
    if x_star is not None:
        stars = np.atleast_2d(np.asarray(x_star, dtype=np.float64))
    elif getattr(landscape.minimizers, "points", None) is not None:
        stars = np.asarray(landscape.minimizers.points)
    else:
        stars = np.atleast_2d(landscape.project(landscape.domain.center))
    best = None
    for xs in stars:  # a handful of candidate minimizers, each vectorised over the points
        d = _host(landscape.directional(xt, xt - like(xs, xt))).mean(axis=-1)
        th = d / np.where(ok, gap, 1.0)
        res = _reduce("QCvx", x, np.where(ok, th, np.nan), f"x* = {np.round(xs, 12).tolist()}")
        if best is None or res.constant > best.constant:
            best = res
    cp = stationary_witness(landscape, x) if witnesses else None
    return best if cp is None else _witnessed(best, cp, "QCvx")
