r"""The convexity argument for quadratic losses (theory.certification.symbolic's helper).

One job: recognise landscapes whose f_i are polynomials of degree ≤ 2, test their exact
Hessians for positive semidefiniteness, and write the certificate of the convexity argument
for ``theory.certification.symbolic``.

**Convex quadratics** (``least-squares``, any landscape whose f_i are polynomials of degree ≤ 2):
if every exact Hessian is positive semidefinite (sympy's exact test), each f_i is convex, so
``<∇f_i(x), x − y> ≥ f_i(x) − f_i(y)`` for every ``y ∈ S``: (α, β) = (1, 0) holds on R^d
([AB] after Theorem 2, MATHEMATICS.md §2), and by diagonal monotonicity and ``c_i ≥ 0`` so does
every ``α ≥ 1``, ``β ≥ α − 1``. Other pairs are ``inconclusive`` for this argument.
"""

from __future__ import annotations

import time
import weakref
from fractions import Fraction

import numpy as np

from ..certificate import INCONCLUSIVE, PROVED, Certificate

__all__ = ["_quadratic_losses", "_certify_quadratic"]

_QUAD_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _memo(landscape, what, compute):
    """``compute()`` once per landscape object (``toylands._memo``: kept weakly, with it)."""
    from toylands._memo import memo_for

    memo = memo_for(_QUAD_CACHE, landscape)
    if memo is None:  # (not weakly referenceable)
        return compute()
    if what not in memo:
        memo[what] = compute()
    return memo[what]


def _quadratic_losses(landscape):
    """Exact Hessians (lists of Fractions) if every f_i is a polynomial of total degree ≤ 2,
    else None. Cached per landscape object."""
    return _memo(landscape, "hessians", lambda: _quadratic_hessians(landscape))


def _quadratic_hessians(landscape):
    if not getattr(landscape, "closed_form", False) or landscape.dim > 200:
        return None
    try:
        sym = landscape.symbolic()
    except NotImplementedError:
        return None
    d = len(sym.symbols)
    to_ring = _polynomial_ring(sym.symbols)
    hessians = []
    for f in sym.losses:
        poly = to_ring(f)
        if poly is None or any(sum(m) > 2 for m in poly.keys()):
            return None
        H = [[Fraction(0)] * d for _ in range(d)]
        for mon, coef in poly.items():
            if sum(mon) != 2:
                continue
            idx = [j for j, e in enumerate(mon) for _ in range(e)]
            c = Fraction(int(coef.numerator), int(coef.denominator))
            j, k = idx
            if j == k:
                H[j][j] += 2 * c
            else:
                H[j][k] += c
                H[k][j] += c
        hessians.append(H)
    return hessians


def _polynomial_ring(symbols):
    """``to_ring(expr)``: ``expr`` as an element of ``QQ[symbols]`` (a dict from exponent tuples
    to exact rationals), or ``None`` if it is not a polynomial with rational coefficients.

    The expression tree is evaluated in the ring's arithmetic: 50× faster than ``sp.Poly``,
    which expands the sympy expression first (0.65 s for least-squares' 20 squares of linear
    forms in 10 variables, 0.013 s so).
    """
    from sympy.polys.domains import QQ
    from sympy.polys.rings import ring

    R, *gens = ring(list(symbols), QQ)
    gen_of = dict(zip(symbols, gens))

    def to_ring(e):
        if e.is_Symbol:
            return gen_of.get(e)
        if e.is_Rational:
            return R(QQ(int(e.p), int(e.q)))
        if e.is_Add or e.is_Mul:
            out = None
            for arg in e.args:
                r = to_ring(arg)
                if r is None:
                    return None
                out = r if out is None else out + r if e.is_Add else out * r
            return out
        if e.is_Pow and e.exp.is_Integer and e.exp >= 0:
            base = to_ring(e.base)
            return None if base is None else base ** int(e.exp)
        return None  # a function, a float, π, a negative or fractional power: not ours

    return to_ring


def _is_psd(H) -> bool:
    """Exact positive-semidefiniteness of a symmetric rational matrix (Fractions).

    Symmetric elimination: a negative diagonal entry refutes; a zero diagonal entry needs a
    zero row; a positive one is eliminated by its Schur complement, which is PSD iff H is.
    """
    H = [row[:] for row in H]
    idx = list(range(len(H)))
    while idx:
        k = max(idx, key=lambda j: H[j][j])
        if H[k][k] < 0:
            return False
        if H[k][k] == 0:
            if any(H[k][j] != 0 for j in idx):
                return False
            idx.remove(k)
            continue
        idx.remove(k)
        p = H[k][k]
        for a in idx:
            f = H[a][k] / p
            if f:
                for b in idx:
                    H[a][b] -= f * H[k][b]
    return True


def _convex(landscape) -> list[bool]:
    """Whether each f_i's exact Hessian is positive semidefinite; the same for every pair, so
    computed once per landscape object (a report's bisections ask a hundred pairs)."""
    return _memo(landscape, "psd", lambda: [_is_psd(H) for H in _quadratic_losses(landscape)])


def _certify_quadratic(landscape, a_f, b_f, common, t0):
    import sympy as sp

    psd = _convex(landscape)
    seconds = time.perf_counter() - t0
    if not all(psd):
        return Certificate(
            verdict=INCONCLUSIVE,
            min_slack=np.nan,
            worst_point=None,
            budget={"seconds": seconds},
            reason="some f_i is not convex: the convexity argument does not apply",
            **common,
        )
    A, B = sp.Rational(a_f), sp.Rational(b_f)
    if A >= 1 and B >= A - 1:
        return Certificate(
            verdict=PROVED,
            min_slack=0.0,
            worst_point=None,
            budget={"seconds": seconds},
            details={
                "argument": "every f_i is a convex quadratic (exact PSD Hessian), so (1, 0) "
                "holds on R^d; alpha >= 1 and beta >= alpha - 1 follow by diagonal "
                "monotonicity and c_i >= 0 (MATHEMATICS.md §2)"
            },
            **common,
        )
    return Certificate(
        verdict=INCONCLUSIVE,
        min_slack=np.nan,
        worst_point=None,
        budget={"seconds": seconds},
        reason="convexity proves exactly the pairs alpha >= 1, beta >= alpha - 1; "
        f"({a_f}, {b_f}) is not one of them",
        **common,
    )
