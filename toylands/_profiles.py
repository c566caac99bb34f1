r"""Radial profiles ``h(u)``, exact sup bounds by root isolation, and a batched critical search.

Used by ``toylands.radial`` (MATHEMATICS.md §4.2–4.5). A radial loss is ``f_i(x) = h(‖x − c‖²)``
with ``h`` strictly increasing on ``u ≥ 0``; then (u = ‖x − c‖², r = x − c)

    ∇f_i = 2 h'(u) r,        ∇²f_i = 2 h'(u) I + 4 h''(u) r rᵀ,

whose eigenvalues are ``2h'(u)`` (on r's orthogonal complement) and ``2h'(u) + 4u h''(u)``
(along r). The profiles are written in forms that neither overflow nor lose digits near 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

__all__ = ["Profile", "PROFILES", "sup_abs", "critical_search", "dedupe", "classify"]


def _gauss_h(u):
    return -np.expm1(-u)


def _gauss_dh(u):
    return np.exp(-u)


def _gauss_d2h(u):
    return -np.exp(-u)


def _recip(u, shift):
    # 1 / (shift + u); u may be +inf (overflowed ‖x − c‖²), giving 0 without a warning.
    return 1.0 / (shift + u)


def _frac_h(u):
    u = np.asarray(u)
    if u.size and np.maximum.reduce(u, axis=None) < np.inf:  # every u finite: one rounding
        return u / (1.0 + u)
    q = _recip(u, 1.0)  # u = +inf (an overflowed ‖x − c‖²) gives 1 without a warning
    small = u < 1.0
    return np.where(small, np.where(small, u, 0.0) * q, 1.0 - q)  # u/(1+u) = 1 − 1/(1+u)


def _frac_dh(u):
    q = _recip(u, 1.0)
    return q * q


def _frac_d2h(u):
    q = _recip(u, 1.0)
    return -2.0 * q * q * q


def _shifted_h(u):
    return 1.0 - 3.0 * _recip(u, 4.0)  # (1+u)/(4+u) ≥ 1/4: no cancellation


def _shifted_dh(u):
    w = _recip(u, 4.0)
    return 3.0 * w * w


def _shifted_d2h(u):
    w = _recip(u, 4.0)
    return -6.0 * w * w * w


@dataclass(frozen=True)
class Profile:
    """A strictly increasing profile ``h`` on ``[0, ∞)`` with ``h, h', h''`` and a sympy form.

    ``h0 = h(0) = min h`` is the exact infimum of ``f_i = h(‖x − c‖²)`` (attained at ``x = c``).
    """

    key: str
    formula: str
    h: Callable
    dh: Callable
    d2h: Callable
    h0: float

    def expr(self, u):
        """The sympy expression ``h(u)`` (exact rationals)."""
        import sympy as sp

        return {
            "gauss": lambda: 1 - sp.exp(-u),
            "frac": lambda: u / (1 + u),
            "shifted": lambda: (1 + u) / (4 + u),
        }[self.key]()

    def hessian_sup(self, ulo: float, uhi: float) -> float:
        r"""Certified ``max(|2h'|, |2h' + 4u h''|)`` over ``u ∈ [ulo, uhi]`` (the Hessian norm)."""
        return max(_hessian_sup(self.key, ulo, uhi))


PROFILES = {
    "gauss": Profile("gauss", "1 - exp(-u)", _gauss_h, _gauss_dh, _gauss_d2h, 0.0),
    "frac": Profile("frac", "u / (1 + u)", _frac_h, _frac_dh, _frac_d2h, 0.0),
    "shifted": Profile("shifted", "(1 + u) / (4 + u)", _shifted_h, _shifted_dh, _shifted_d2h, 0.25),
}


# ---- certified sup of |φ| on an interval by exact root isolation ---------------------------
@lru_cache(maxsize=64)
def _critical_roots(expr_srepr: str, var_name: str):
    """The real zeros of φ' (φ given by its srepr), as sympy algebraic numbers (CRootOf)."""
    import sympy as sp

    var = sp.Symbol(var_name, real=True)
    phi = sp.sympify(expr_srepr).subs(sp.Symbol(var_name), var)
    d = sp.diff(phi, var)
    if d.has(sp.exp):
        # Every profile here has a single factor exp(−var): it is positive, so drop it.
        d = sp.simplify(d * sp.exp(var))
    num = sp.fraction(sp.cancel(sp.together(d)))[0]
    poly = sp.Poly(num, var)
    return tuple(poly.real_roots()) if poly.degree() > 0 else ()


def sup_abs(phi, var, lo: float, hi: float) -> float:
    r"""A certified upper bound on ``max |φ(v)|`` over ``v ∈ [lo, hi]``.

    ``φ`` is a sympy expression in ``var``: a rational function, possibly times ``exp(−var)``.
    The maximum of ``|φ|`` on a closed interval is attained at an end point or at a zero of
    ``φ'``; those zeros are isolated exactly (``Poly.real_roots`` of the numerator of ``φ'``),
    every candidate is evaluated to 30 digits, and the result is rounded up by 1e-12 (relative).
    """
    import sympy as sp

    lo_q, hi_q = sp.Rational(float(lo)), sp.Rational(float(hi))
    cands = [lo_q, hi_q] + [r for r in _critical_roots(sp.srepr(phi), str(var)) if lo_q < r < hi_q]
    vals = [abs(float(sp.N(phi.subs(var, c), 30))) for c in cands]
    return max(vals) * (1 + 1e-12) + 1e-300


@lru_cache(maxsize=256)
def _hessian_sup(key: str, ulo: float, uhi: float) -> tuple[float, float]:
    # exact root isolation costs ~1 s a call: remembered on disk too (keyed by the code version)
    from ._cache import cached

    return cached("hessian-sup", (key, ulo, uhi), lambda: _hessian_sup_exact(key, ulo, uhi))


def _hessian_sup_exact(key: str, ulo: float, uhi: float) -> tuple[float, float]:
    import sympy as sp

    u = sp.Symbol("u", real=True)
    h = PROFILES[key].expr(u)
    h1, h2 = sp.diff(h, u), sp.diff(h, u, 2)
    return (sup_abs(2 * h1, u, ulo, uhi), sup_abs(sp.simplify(2 * h1 + 4 * u * h2), u, ulo, uhi))


# ---- batched critical-point search ---------------------------------------------------------
def _newton_step(g, H, *, saddle_free: bool, cap: float):
    lam, Q = np.linalg.eigh(H)
    lam = np.where(np.abs(lam) < 1e-12, np.where(lam < 0, -1e-12, 1e-12), lam)
    if saddle_free:
        lam = np.abs(lam)
    step = np.einsum("...ij,...j->...i", Q, np.einsum("...ji,...j->...i", Q, g) / lam)
    norm = np.linalg.norm(step, axis=-1, keepdims=True)
    return step * np.minimum(1.0, cap / np.maximum(norm, 1e-300))


def critical_search(grad, hess, starts, *, cap: float, iters: int = 200, gtol: float = 1e-11):
    """Stationary points reached from ``starts (m, d)`` by batched Newton iterations.

    Two runs from every start: saddle-free Newton (steps along ``|λ|`` of ∇²f, which flows to
    local minima) and pure Newton (which converges to any nearby critical point, saddles
    included); both polished by pure Newton. Steps are capped at ``cap``. Returns the points
    whose gradient norm is below ``gtol``, not yet deduplicated.
    """
    out = []
    for saddle_free in (True, False):
        x = np.array(starts, dtype=np.float64)
        active = np.arange(len(x))  # starts whose Newton steps have not yet settled
        for k in range(iters):
            if active.size == 0:
                break
            xa = x[active]
            sf = saddle_free and k < iters - 20
            step = _newton_step(grad(xa), hess(xa), saddle_free=sf, cap=cap)
            x[active] = xa - step
            moving = np.linalg.norm(step, axis=-1) > 1e-15 * (1.0 + np.linalg.norm(xa, axis=-1))
            active = active[moving]
        ok = np.linalg.norm(grad(x), axis=-1) <= gtol
        out.append(x[ok])
    return np.concatenate(out, axis=0)


def dedupe(points, values, *, tol: float = 1e-7):
    """Greedy clustering of points closer than ``tol`` (setup-time only; few points)."""
    order = np.argsort(values, kind="stable")
    kept: list[int] = []
    for k in order:
        if not kept or np.min(np.linalg.norm(points[kept] - points[k], axis=-1)) > tol:
            kept.append(int(k))
    return np.asarray(kept, dtype=np.intp)


def classify(eigs, tol: float = 1e-10) -> str:
    """``local minimum`` / ``local maximum`` / ``saddle`` from the Hessian eigenvalues."""
    if np.all(eigs > tol):
        return "local minimum"
    if np.all(eigs < -tol):
        return "local maximum"
    return "saddle"
