r"""The interval kernel generated from a landscape's sympy expressions (``toylands.from_sympy``),
with a local second-order argument at S for interpolating rows.

One job: ``slack(lo, hi)`` encloses the α-β slack of MATHEMATICS.md §2 ([AB] Definition 1,
Eq. (2)) over N boxes at once for every candidate nearest point ``p_j`` of a finite S, as the
branch-and-bound of ``branch_and_bound`` expects; nothing is written by hand per landscape.
Three enclosures of the same number are intersected (each is rigorous, so their intersection is):

1. **Natural extension** of ``T_i = <∇f_i(x), x − p> − (α − β) f_i(x) + K_ij``,
   ``K_ij = α f_i(p_j) − β f_i*`` (``α`` multiplies only the constant ``f_i(p_j)``, enclosed in
   40-digit interval arithmetic, as the built-in kernels do), evaluated by
   ``toylands._intervals`` after common subexpression elimination.
2. **Exact factored form** where S is exact (rational coordinates) and the f_i are rational
   functions: ``T_ij`` with ``α, β`` as the exact rationals their doubles denote, put over one
   denominator and factored by sympy. A square factor (``(a·x − b)²``) is enclosed as a square,
   so a slack that vanishes to second order on a whole set (``T_i ≡ 0`` where ``f_i = f_i*``,
   common when the landscape interpolates) keeps a lower bound ≥ 0 across it.
3. **Second-order Taylor bound** for a row that is *tangent* at ``p_j``: where
   ``f_i(p_j) = f_i*`` (interpolation at ``p_j``), ``∇f_i(p_j) = 0``, so ``T_i(p_j) = 0`` and
   ``∇_x T_i(p_j) = 0``, and for ``d = x − p_j``

       T_i(x) = ∫₀¹ (1 − t) dᵀ ∇²T_i(p_j + t d) d dt ≥ ½ λ ‖d‖²,

   ``∇²T_i = Σ_k ∂³f_i/∂x·∂x·∂x_k (x_k − p_k) + (2 − α + β) ∇²f_i``, with λ a rigorous lower
   bound (Gershgorin, interval entries) of its smallest eigenvalue over the hull of the box and
   p_j. Without it, the natural extension of a slack with a double zero at S never gets a
   lower bound ≥ 0 on the boxes around S, and the proof stays ``inconclusive`` there.

Which rows are tangent: with exact S and exact f_i*, ``f_i(p_j) = f_i*`` is decided exactly
(sympy); otherwise all rows are, when the landscape's ground truth says it interpolates
(``f* = (1/n) Σ f_i*`` forces ``f_i = f_i*`` on S, since each ``f_i(p) ≥ f_i*``). That S, f_i*
and f* are right is the landscape's ground truth (its provenance), not re-proved here, as for
every kernel of this method.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from .arithmetic import from_mpi
from .minimizers import _IvPrec, _krawczyk, _stack

__all__ = ["SympyKernel", "supports_generated", "MAX_DIM"]

MAX_DIM = 3


class _Enc:
    """``lo, hi`` arrays (what ``branch_and_bound`` reads of a slack enclosure)."""

    __slots__ = ("lo", "hi")

    def __init__(self, lo, hi):
        self.lo, self.hi = lo, hi


def supports_generated(landscape) -> tuple[bool, str]:
    """Whether :class:`SympyKernel` applies: a ``from_sympy`` landscape in dimension ≤ 3 with a
    finite S, whose expressions the interval evaluation can enclose."""
    from toylands._intervals import unsupported_functions
    from toylands.sets import PointSet

    if type(landscape).__name__ != "SympyLandscape":
        return False, "not a landscape built by toylands.from_sympy"
    if landscape.dim > MAX_DIM:
        return False, f"dimension {landscape.dim} > {MAX_DIM}"
    if not isinstance(landscape.minimizers, PointSet):
        return False, "S is not a finite set of points"
    bad = unsupported_functions(landscape.symbolic().losses)
    if bad:
        return False, f"the interval evaluation cannot enclose {', '.join(bad)}"
    return True, ""


def _iv_number(iv, v):
    """An ``mpmath.iv`` interval containing the sympy real number ``v`` (exact if rational)."""
    import sympy as sp

    if v.is_Rational:
        return iv.mpf(int(v.p)) / int(v.q)
    mid = sp.N(v, 60)
    rad = abs(mid) * sp.Rational(1, 10**50) + sp.Rational(1, 10**300)
    return iv.mpf([str(sp.N(mid - rad, 60)), str(sp.N(mid + rad, 60))])


def _mp_functions(X, exprs, mpm):
    """``(F_mp, F_iv)``: the expressions as functions of lists of mpmath mp / iv numbers."""
    import sympy as sp

    iv = mpm.iv
    f_mp = sp.lambdify(X, list(exprs), modules="mpmath")
    f_iv = sp.lambdify(X, list(exprs), modules=[{"mpf": iv.mpf, "exp": iv.exp, "log": iv.log,
                                                  "sqrt": iv.sqrt, "pi": iv.pi, "e": iv.e},
                                                 "mpmath"])
    return f_mp, f_iv


class SympyKernel:
    """Slack enclosures over boxes ``(N, d)``: T ``(N, m, n)``, candidates ``(N, m)``; see the
    module docstring. ``details`` says which arguments were available."""

    def __init__(self, landscape, alpha, beta):
        import sympy as sp

        from toylands._intervals import compile_intervals

        sym = landscape.symbolic()
        X, f = tuple(sym.symbols), list(sym.losses)
        d, n = len(X), len(f)
        A, B = sp.Rational(float(alpha)), sp.Rational(float(beta))
        P = tuple(sp.Symbol(f"_p{k}", real=True) for k in range(d))
        grads = [[sp.diff(fi, v) for v in X] for fi in f]
        a_exprs = [sum(g * (x - p) for g, x, p in zip(row, X, P)) for row in grads]
        self.dim, self.n = d, n
        self._natural = compile_intervals(a_exprs + f, X + P)
        gap = Fraction(float(alpha)) - Fraction(float(beta))  # exact
        g = float(gap)
        exact_gap = Fraction(g) == gap
        self.gap_lo = g if exact_gap else float(np.nextafter(g, -np.inf))
        self.gap_hi = g if exact_gap else float(np.nextafter(g, np.inf))
        exact_pts = getattr(landscape, "exact_minimizers", None)
        exact_fis = getattr(landscape, "exact_f_i_star", None)
        pts = np.asarray(landscape.minimizers.points)
        self.m = len(pts)
        # ---- the candidates p_j and the constants K_ij = α f_i(p_j) − β f_i* ----------------
        with _IvPrec() as mpm:
            iv = mpm.iv
            if exact_pts is not None:
                Pj = [[iv.mpf(sp.Rational(v).p) / sp.Rational(v).q for v in row]
                      for row in exact_pts]
                how = "exact (rational)"
            else:
                gF = [sum(row[k] for row in grads) / n for k in range(d)]
                hF = [[sp.diff(g, v) for v in X] for g in gF]
                g_mp, g_iv = _mp_functions(X, gF, mpm)
                h_mp = sp.lambdify(X, hF, modules="mpmath")
                _, h_iv = _mp_functions(X, [e for row in hF for e in row], mpm)

                def F(x, ctx, g_mp=g_mp, g_iv=g_iv):
                    return list((g_iv if ctx is iv else g_mp)(*x))

                def J(x, ctx, h_mp=h_mp, h_iv=h_iv):
                    if ctx is iv:
                        flat = list(h_iv(*x))
                        return [flat[k * d:(k + 1) * d] for k in range(d)]
                    return [list(r) for r in h_mp(*x)]

                Pj = [_krawczyk(F, J, list(p0), mpm.mp, iv) for p0 in pts]
                how = "Krawczyk-verified zero of ∇f (40 digits)"
            _, f_iv = _mp_functions(X, f, mpm)
            fis = [_iv_number(iv, sp.nsimplify(exact_fis[i]) if exact_fis is not None
                              else sp.Rational(float(v)))
                   for i, v in enumerate(landscape.f_i_star)]
            Aiv = iv.mpf(A.p) / A.q
            Biv = iv.mpf(B.p) / B.q
            K = [[from_mpi(Aiv * fv - Biv * fs) for fv, fs in zip(f_iv(*row), fis)]
                 for row in Pj]
            self.P = _stack([[from_mpi(v) for v in row] for row in Pj])  # (m, d)
        self.K = _stack(K)  # (m, n)
        # ---- tangent rows and the exact factored forms --------------------------------------
        tangent = np.zeros((self.m, n), dtype=bool)
        self._factored = {}
        rational = all(fi.is_rational_function(*X) for fi in f)
        if exact_pts is not None and exact_fis is not None:
            for j, row in enumerate(exact_pts):
                env = dict(zip(X, row))
                for i, fi in enumerate(f):
                    tangent[j, i] = sp.simplify(fi.subs(env) - sp.nsimplify(exact_fis[i])) == 0
        elif getattr(landscape, "interpolation", False):
            tangent[:] = True
        self.tangent = tangent
        if exact_pts is not None and rational:
            for j, row in enumerate(exact_pts):
                env = dict(zip(X, row))
                for i, fi in enumerate(f):
                    fs = sp.Rational(float(landscape.f_i_star[i])) if exact_fis is None \
                        else sp.nsimplify(exact_fis[i])
                    T = (sum(g * (x - p) for g, x, p in zip(grads[i], X, row))
                         - A * (fi - fi.subs(env)) + B * (fi - fs))
                    num, den = sp.fraction(sp.together(T))
                    form = sp.factor(num) / sp.factor(den)
                    self._factored[(j, i)] = compile_intervals([form], X)
        # ---- Hessians of the tangent rows ---------------------------------------------------
        self._taylor = None
        if tangent.any():
            H = []
            for fi in f:
                for r in range(d):
                    for c in range(r, d):
                        h2 = sp.diff(fi, X[r], X[c])
                        third = sum(sp.diff(h2, X[k]) * (X[k] - P[k]) for k in range(d))
                        H.append(third + (2 - A + B) * h2)
            self._taylor = compile_intervals(H, X + P)
        self.details = {
            "assumes": "the landscape's ground truth (S is every global minimizer, f_i* the "
                       "infima); the local argument at S uses f_i = f_i* there on the tangent "
                       "rows (" + ("decided exactly" if exact_pts is not None and
                                   exact_fis is not None else "from interpolation") + ")",
            "minimizers": how,
            "factored_rows": len(self._factored),
            "tangent_rows": int(tangent.sum()),
        }

    # ---- the enclosure ----------------------------------------------------------------------
    def _env(self, lo, hi, j):
        Pl = np.broadcast_to(self.P.lo[j], lo.shape)
        Ph = np.broadcast_to(self.P.hi[j], lo.shape)
        return np.concatenate([lo, Pl], axis=-1), np.concatenate([hi, Ph], axis=-1)

    def _d2(self, lo, hi, j):
        """``‖x − p_j‖²`` over each box (and p_j in its enclosure)."""
        from toylands._intervals import IntervalArrays

        out = None
        for k in range(self.dim):
            t = (IntervalArrays(lo[:, k], hi[:, k])
                 - IntervalArrays(self.P.lo[j, k], self.P.hi[j, k])).sqr()
            out = t if out is None else out + t
        return out

    def _taylor_lower(self, lo, hi, j, i, d2):
        """½ λ ‖d‖² (Gershgorin λ over the hull of the box and p_j), per box."""
        d = self.dim
        hlo = np.minimum(lo, self.P.lo[j])
        hhi = np.maximum(hi, self.P.hi[j])
        enc = self._taylor(*self._env(hlo, hhi, j))
        per = d * (d + 1) // 2
        entries = enc[i * per:(i + 1) * per]
        M = {}
        k = 0
        for r in range(d):
            for c in range(r, d):
                M[r, c] = M[c, r] = entries[k]
                k += 1
        lam = None
        for r in range(d):
            off = sum((np.maximum(np.abs(M[r, c].lo), np.abs(M[r, c].hi))
                       for c in range(d) if c != r), np.zeros(len(lo)))
            g = M[r, r].lo - np.nextafter(off * (1 + 4 * d * 2.0**-52), np.inf)
            lam = g if lam is None else np.minimum(lam, g)
        with np.errstate(invalid="ignore", over="ignore"):
            low = 0.5 * np.where(lam >= 0, lam * d2.lo, lam * d2.hi)
        low = np.where(np.isnan(low), -np.inf, np.nextafter(low, -np.inf))
        return np.where(lam >= 0, np.maximum(low, 0.0), low)  # λ ≥ 0, ‖d‖² ≥ 0: exactly ≥ 0

    def slack(self, lo, hi):
        lo = np.asarray(lo, dtype=np.float64)
        hi = np.asarray(hi, dtype=np.float64)
        N, n, m = lo.shape[0], self.n, self.m
        Tlo = np.empty((N, m, n))
        Thi = np.empty((N, m, n))
        d2lo = np.empty((N, m))
        d2hi = np.empty((N, m))
        for j in range(m):
            enc = self._natural(*self._env(lo, hi, j))
            d2 = self._d2(lo, hi, j)
            d2lo[:, j], d2hi[:, j] = d2.lo, d2.hi
            for i in range(n):
                a, fx = enc[i], enc[n + i]
                # a − gap·f + K, with gap ∈ [gap_lo, gap_hi] ≥ 0 (rounded outwards)
                with np.errstate(invalid="ignore", over="ignore"):
                    gf_lo = np.minimum(fx.lo * self.gap_lo, fx.lo * self.gap_hi)
                    gf_hi = np.maximum(fx.hi * self.gap_lo, fx.hi * self.gap_hi)
                    tl = np.nextafter(np.nextafter(a.lo - np.nextafter(gf_hi, np.inf), -np.inf)
                                      + self.K.lo[j, i], -np.inf)
                    th = np.nextafter(np.nextafter(a.hi - np.nextafter(gf_lo, -np.inf), np.inf)
                                      + self.K.hi[j, i], np.inf)
                tl = np.where(np.isnan(tl), -np.inf, tl)
                th = np.where(np.isnan(th), np.inf, th)
                fac = self._factored.get((j, i))
                if fac is not None:
                    e = fac(lo, hi)[0]
                    tl, th = np.maximum(tl, e.lo), np.minimum(th, e.hi)
                if self.tangent[j, i]:
                    need = tl < 0
                    if need.any():
                        sub = np.flatnonzero(need)
                        t2 = self._taylor_lower(lo[sub], hi[sub], j, i, _Sub(d2, sub))
                        tl[sub] = np.maximum(tl[sub], t2)
                Tlo[:, j, i], Thi[:, j, i] = tl, th
        cand = d2lo <= d2hi.min(axis=-1, keepdims=True)
        return _Enc(Tlo, Thi), cand


class _Sub:
    def __init__(self, d2, idx):
        self.lo, self.hi = d2.lo[idx], d2.hi[idx]
