r"""``from_sympy``: a landscape from sympy expressions, one per f_i, under the full contract.

Everything is generated from the expressions: the losses, the gradients and the directional
derivative ``<∇f_i(x), v>`` (lambdified, vectorised over points; the JVP never materialises the
per-sample gradients), the Hessian of f for the critical-point search, and a smoothness bound L
certified by interval arithmetic on the expression tree of each ``∇²f_i`` over the domain
(``toylands._intervals``; MATHEMATICS.md §1). f_i*, f* and S are the user's when given and
otherwise solved by a numerical global search (``toylands._sympy_truth``), with provenance.
"""

from __future__ import annotations

import numbers
import time

import numpy as np

from ._ground_truth import FAST_POINTS
from ._ground_truth import validate as _validate_ground_truth
from ._landscape import (
    CLOSED_FORM,
    GLOBAL_SEARCH,
    USER,
    Landscape,
    Provenance,
    Smoothness,
    Symbolic,
)
from ._sympy_truth import exact_point, solve_f_i_star, solve_minimizers
from .domain import Box
from .sets import MinimizerSet, PointSet, ProjectedSet

__all__ = ["from_sympy", "SympyLandscape", "NON_DIFFERENTIABLE"]

# Functions whose presence in a derivative means the loss is not (known to be) differentiable.
NON_DIFFERENTIABLE = ("sign", "Heaviside", "DiracDelta", "Derivative", "Subs", "Piecewise",
                      "Abs", "Max", "Min", "floor", "ceiling", "frac", "re", "im", "arg")


def _vectorised(fn, count):
    """``fn(*columns)`` -> ``(..., count)`` with constant entries broadcast."""

    def call(*cols):
        shape = np.broadcast_shapes(*(np.shape(c) for c in cols))
        with np.errstate(all="ignore"):
            out = fn(*cols)
        return np.stack([np.broadcast_to(np.asarray(c, dtype=np.float64), shape)
                         for c in out], axis=-1) if count else np.zeros(shape + (0,))

    return call


def _fmt(x):
    return "[" + ", ".join(f"{v:.6g}" for v in np.asarray(x, float).reshape(-1)[:6]) + "]"


class _Compiled:
    """The lambdified functions of a list of expressions (built once per landscape)."""

    def __init__(self, X, exprs):
        import sympy as sp

        V = tuple(sp.Symbol(f"_v{k}", real=True) for k in range(len(X)))
        self.X, self.exprs = X, tuple(exprs)
        self.grad_exprs = tuple(tuple(sp.diff(f, v) for v in X) for f in exprs)
        F = sum(exprs) / len(exprs)
        gF = [sp.diff(F, v) for v in X]
        hF = [sp.diff(g, v) for g in gF for v in X]
        jvp = [sum(g * v for g, v in zip(row, V)) for row in self.grad_exprs]
        lam = sp.lambdify
        n, d = len(exprs), len(X)
        self.gF_exprs = tuple(gF)
        self.f = _vectorised(lam(X, list(exprs), "numpy", cse=True), n)
        self.g = _vectorised(lam(X, [g for row in self.grad_exprs for g in row], "numpy",
                                 cse=True), n * d)
        self.jvp = _vectorised(lam(X + V, jvp, "numpy", cse=True), n)
        self.gF = _vectorised(lam(X, gF, "numpy", cse=True), d)
        self.hF = _vectorised(lam(X, hF, "numpy", cse=True), d * d)


class SympyLandscape(Landscape):
    """A landscape from sympy expressions; see :func:`from_sympy`."""

    def __init__(self, *, compiled: _Compiled, exact_minimizers=None, exact_f_i_star=None,
                 **kw):
        super().__init__(**kw)
        c = compiled
        self._X, self._exprs, self._grad_exprs = c.X, c.exprs, c.grad_exprs
        self._f_num, self._g_num, self._jvp_num = c.f, c.g, c.jvp
        self._gF_num, self._hF_num = c.gF, c.hF
        self.exact_minimizers = exact_minimizers
        self.exact_f_i_star = exact_f_i_star
        self._L_cache: dict = {}

    # ---- raw numeric functions (no checks; the ground-truth searches use them) -------------
    def _cols(self, x):
        return [x[..., k] for k in range(self.dim)]

    def raw_value(self, x):
        return self._f_num(*self._cols(x)).mean(axis=-1)

    def raw_gradient(self, x):
        return self._gF_num(*self._cols(x))

    def raw_hessian(self, x):
        return self._hF_num(*self._cols(x)).reshape(x.shape[:-1] + (self.dim, self.dim))

    def hessian(self, x):
        """``∇²f(x)``, shape ``(..., dim, dim)`` (from the expressions)."""
        from ._validate import as_points

        return self.raw_hessian(as_points(x, self.dim))

    # ---- kernels (checked: a non-finite value names the f_i and the point) -----------------
    def _finite(self, out, x, what):
        if not np.all(np.isfinite(out)):
            bad = ~np.isfinite(out)
            while bad.ndim > x.ndim - 1:
                bad = bad.any(axis=-1)
            k = np.argwhere(bad)[0]
            i = np.argwhere(~np.isfinite(out[tuple(k)]).reshape(self.n, -1).any(-1))[0][0]
            where = _fmt(x[tuple(k)])
            if what == "f":
                raise ValueError(f"f_{i + 1} = {self._exprs[i]} is not finite at x = {where}: "
                                 "the expression is undefined there")
            raise ValueError(f"∇f_{i + 1} is not finite at x = {where}: f_{i + 1} = "
                             f"{self._exprs[i]} is not differentiable there")
        return out

    def _losses(self, x):
        return self._finite(self._f_num(*self._cols(x)), x, "f")

    def _grads(self, x):
        g = self._g_num(*self._cols(x)).reshape(x.shape[:-1] + (self.n, self.dim))
        return self._finite(g, x, "grad")

    def _directional(self, x, v):
        out = self._jvp_num(*self._cols(x), *self._cols(v))
        if not np.all(np.isfinite(out)):
            self._grads(x)  # raises, naming the f_i and the point
        return out

    def _gradient(self, x):
        g = self._gF_num(*self._cols(x))
        if not np.all(np.isfinite(g)):
            self._grads(x)
        return g

    # ---- smoothness ----------------------------------------------------------------------
    def _smoothness(self, domain):
        key = (domain.lo.tobytes(), domain.hi.tobytes())
        if key not in self._L_cache:
            self._L_cache[key] = certified_smoothness(self, domain)
        return self._L_cache[key]

    def symbolic(self) -> Symbolic:
        """The expressions of the f_i, in real symbols with the user's names."""
        return Symbolic(self._X, self._exprs)


def certified_smoothness(land, domain, *, boxes: int = 20_000, rtol: float = 0.02) -> Smoothness:
    r"""``L ≥ max_i max_{x ∈ domain} ‖∇²f_i(x)‖₂`` by interval branch-and-bound.

    On every box the interval extension of each ``∇²f_i`` bounds its row sums
    ``Σ_k |∂²f_i/∂x_j∂x_k|``, and the largest row sum bounds the spectral norm (a symmetric
    matrix). Boxes whose bound exceeds ``(1 + rtol)`` times the best value at a box centre are
    bisected, up to ``boxes`` evaluations; the result is the largest bound over the final boxes,
    rounded up. Functions the interval evaluation cannot enclose give a sampled estimate,
    marked not certified.
    """
    import sympy as sp

    from ._intervals import compile_intervals

    t0 = time.perf_counter()
    X = land._X
    d, n = land.dim, land.n
    H = [sp.diff(g, v) for row in land._grad_exprs for g in row for v in X]  # (n, d, d)
    try:
        enclose = compile_intervals(H, X)
    except NotImplementedError as exc:
        from ._user import _sampled_smoothness

        sm = _sampled_smoothness(land, domain)
        return Smoothness(sm.L, f"sampled estimate (not certified): {exc}", domain, False)
    hnum = _vectorised(sp.lambdify(X, H, "numpy", cse=True), n * d * d)

    def bound(lo, hi):
        out = enclose(lo, hi)
        mag = np.stack([np.maximum(np.abs(o.lo), np.abs(o.hi)) for o in out], axis=-1)
        rows = mag.reshape(lo.shape[0], n, d, d).sum(axis=-1) * (1 + 8 * d * 2.0**-52)
        return rows.max(axis=(-1, -2))

    def point(x):
        with np.errstate(all="ignore"):
            h = np.abs(hnum(*[x[:, k] for k in range(d)])).reshape(len(x), n, d, d)
        return np.nan_to_num(h.sum(axis=-1).max(axis=(-1, -2)), nan=0.0)

    per = 4
    edges = [np.linspace(domain.lo[k], domain.hi[k], per + 1) for k in range(d)]
    idx = np.stack(np.meshgrid(*[np.arange(per)] * d, indexing="ij"), -1).reshape(-1, d)
    lo = np.stack([edges[k][idx[:, k]] for k in range(d)], -1)
    hi = np.stack([edges[k][idx[:, k] + 1] for k in range(d)], -1)
    lo[idx == 0] = np.broadcast_to(domain.lo, lo.shape)[idx == 0]
    hi[idx == per - 1] = np.broadcast_to(domain.hi, hi.shape)[idx == per - 1]
    best, done, used = 0.0, 0.0, 0
    while True:
        u = bound(lo, hi)
        used += len(lo)
        best = max(best, float(point(0.5 * lo + 0.5 * hi).max()))
        fine = u <= best * (1 + rtol)
        done = max(done, float(u[fine].max(initial=0.0)))
        lo, hi, u = lo[~fine], hi[~fine], u[~fine]
        if not len(lo) or used >= boxes:
            break
        ax = np.argmax((hi - lo) / domain.width, axis=-1)
        r = np.arange(len(lo))
        cut = 0.5 * lo[r, ax] + 0.5 * hi[r, ax]
        lhi, rlo = hi.copy(), lo.copy()
        lhi[r, ax], rlo[r, ax] = cut, cut
        lo, hi = np.concatenate([lo, rlo]), np.concatenate([lhi, hi])
    L = max(done, float(u.max(initial=0.0)))
    L = float(np.nextafter(L * (1 + 1e-12), np.inf))
    secs = time.perf_counter() - t0
    if not np.isfinite(L):
        from ._user import _sampled_smoothness

        sm = _sampled_smoothness(land, domain)
        return Smoothness(sm.L, "sampled estimate (not certified): the interval enclosure of "
                          "the Hessian is unbounded on some box of the domain", domain, False)
    return Smoothness(
        L,
        f"interval arithmetic on the expression tree of each Hessian over the domain: largest "
        f"row sum of |∇²f_i| on {used} boxes (branch and bound, {secs:.2f} s; the best value "
        f"at a box centre is {best:.6g})",
        domain,
    )


# ---- from_sympy ------------------------------------------------------------------------------
def _as_domain(domain, dim) -> Box:
    if isinstance(domain, Box):
        box = domain
    else:
        try:
            arr = np.asarray(domain, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError("domain must be a toylands.Box, a pair (lo, hi) or one pair per "
                            "symbol") from None
        if arr.shape == (2,):
            box = Box.cube(arr[0], arr[1], dim)
        elif arr.shape == (dim, 2):
            box = Box(arr[:, 0], arr[:, 1])
        else:
            raise ValueError(f"domain must be (lo, hi) or {dim} pairs (lo, hi), got shape "
                             f"{arr.shape}")
    if box.dim != dim:
        raise ValueError(f"domain has dimension {box.dim}, but there are {dim} symbols")
    return box


def _number(v, what):
    import sympy as sp

    if isinstance(v, bool):
        raise TypeError(f"{what} must be a real number, got {v!r}")
    try:
        e = sp.nsimplify(v) if isinstance(v, str) else sp.sympify(v)
    except (sp.SympifyError, TypeError):
        raise TypeError(f"{what} must be a real number, got {v!r}") from None
    if not (e.is_number and e.is_real) or not e.is_finite:
        raise ValueError(f"{what} must be a finite real number, got {v!r}")
    return sp.Rational(e) if e.is_Float else e


def _exact(e):
    """Floats in an expression replaced by the exact rationals their doubles denote."""
    import sympy as sp

    return e.xreplace({a: sp.Rational(a) for a in e.atoms(sp.Float)})


def _check_differentiable(exprs, grads):
    import sympy as sp

    for i, (f, row) in enumerate(zip(exprs, grads)):
        for g in row:
            bad = sorted({type(a).__name__ for a in sp.preorder_traversal(g)
                          if type(a).__name__ in NON_DIFFERENTIABLE})
            if bad:
                raise ValueError(
                    f"f_{i + 1} = {f} is not differentiable everywhere: its derivative "
                    f"{g} contains {', '.join(bad)}; the landscape needs C² losses"
                )


def _parse(symbols, losses, params):
    import sympy as sp

    if isinstance(symbols, sp.Symbol):
        symbols = (symbols,)
    try:
        syms = tuple(symbols)
    except TypeError:
        raise TypeError("symbols must be a sequence of sympy Symbols") from None
    if not syms or not all(isinstance(s, sp.Symbol) for s in syms):
        raise TypeError(f"symbols must be a non-empty sequence of sympy Symbols, got {symbols!r}")
    if len({s.name for s in syms}) != len(syms):
        raise ValueError(f"symbols must have distinct names, got {[s.name for s in syms]}")
    if isinstance(losses, sp.Basic):
        losses = (losses,)
    try:
        losses = [sp.sympify(f) for f in losses]
    except (sp.SympifyError, TypeError) as exc:
        raise TypeError(f"losses must be sympy expressions: {exc}") from None
    if not losses:
        raise ValueError("losses must hold at least one expression")
    subs = {}
    for k, v in (params or {}).items():
        key = sp.Symbol(k) if isinstance(k, str) else k
        if not isinstance(key, sp.Symbol):
            raise TypeError(f"params keys must be symbols or names, got {k!r}")
        subs[key] = _number(v, f"params[{key.name}]")
    real = {s.name: sp.Symbol(s.name, real=True) for s in syms}
    values = {k.name: v for k, v in subs.items()}
    out = []
    for i, f in enumerate(losses):
        extra = sorted(s.name for s in f.free_symbols
                       if s.name not in real and s.name not in values)
        if extra:
            raise ValueError(
                f"f_{i + 1} = {f} uses {', '.join(extra)}, not among the {len(syms)} symbols "
                f"({', '.join(s.name for s in syms)}): add it to symbols or give its value in "
                "params"
            )
        f = f.xreplace({s: values.get(s.name, real.get(s.name)) for s in f.free_symbols})
        if f.has(sp.I, sp.zoo, sp.nan, sp.oo, -sp.oo):
            raise ValueError(f"f_{i + 1} = {f} is not a finite real expression")
        out.append(_exact(f))
    return tuple(real[s.name] for s in syms), out, {k: float(v) for k, v in values.items()}


def _points(minimizers, dim):
    """``(float points (m, dim), exact sympy rows or None)`` from the user's array of points."""
    arr = np.array(minimizers, dtype=object)
    if arr.ndim == 1:
        arr = arr.reshape(1, -1)
    if arr.ndim != 2 or arr.shape[1] != dim or arr.shape[0] == 0:
        raise ValueError(f"minimizers must be points of shape (m, {dim}) (one coordinate per "
                         f"symbol), got shape {arr.shape}")
    exact = [[_number(v, "a minimizer coordinate") for v in row] for row in arr]
    pts = np.array([[float(v) for v in row] for row in exact])
    inexact = any(isinstance(v, (float, np.floating)) or getattr(v, "is_Float", False)
                  for v in arr.ravel())
    rational = all(v.is_Rational for row in exact for v in row)
    # exact arithmetic at S is for rational points; others are enclosed numerically
    return pts, (None if inexact or not rational else tuple(tuple(row) for row in exact))


def from_sympy(name, symbols, losses, *, minimizers=None, f_star=None, f_i_star=None, domain,
               params=None, validate: bool = True, search: bool = True) -> SympyLandscape:
    r"""A landscape ``f = (1/n) Σ f_i`` from sympy expressions, one per f_i (MATHEMATICS.md §1).

    Parameters
    ----------
    name : str
    symbols : sequence of sympy.Symbol
        The coordinates ``x_1 … x_dim``, in order.
    losses : sequence of sympy expressions
        ``f_1 … f_n`` in ``symbols`` (and in the names of ``params``). They must be C² where
        evaluated (no ``Abs``, ``Max``, … in a derivative).
    minimizers : array (m, dim), MinimizerSet or callable, optional
        S: its points (integers, sympy Rationals or fractions allow exact arithmetic at S), a ready
        set, or a projection ``x -> Proj(x, S)``. Default: solved by a global search (isolated
        minimizers only).
    f_star : float, optional
        Default: f at the given minimizers, or the value of the search.
    f_i_star : sequence of n floats, optional
        Default: solved by a multi-start search per f_i (provenance "numerical global search").
    domain : toylands.Box, (lo, hi) or one (lo, hi) per symbol
        The box used for sampling, the smoothness bound and certification.
    params : dict, optional
        Values of other symbols in the expressions, substituted exactly.
    validate : bool
        Run a fast ``toylands.validate`` (default True); ``False`` skips it.
    search : bool
        Search the stationary points of f (saddles, non-global minima) even when S is given, so
        that ``critical_points`` lists them (default True).

    Returns
    -------
    SympyLandscape
        With ``symbolic()``, a certified ``smoothness()`` and ``hessian(x)``.

    Examples
    --------
    >>> import sympy as sp, toylands
    >>> x, y = sp.symbols("x y")
    >>> f = toylands.from_sympy("bowls", (x, y), [x**2 + y**2, (x - 1)**2 + y**2],
    ...                         minimizers=[[sp.Rational(1, 2), 0]], f_i_star=[0, 0],
    ...                         domain=(-2, 2))
    >>> f.f_star, f.grads([0.0, 1.0]).tolist()
    (0.25, [[0.0, 2.0], [-2.0, 2.0]])
    """
    import sympy as sp

    if not isinstance(name, str) or not name:
        raise TypeError("name must be a non-empty string")
    X, exprs, pvals = _parse(symbols, losses, params)
    d, n = len(X), len(exprs)
    box = _as_domain(domain, d)
    _check_differentiable(exprs, [[sp.diff(f, v) for v in X] for f in exprs])
    prov = {}
    exact_fis = None
    if f_i_star is not None:
        if isinstance(f_i_star, (numbers.Real, sp.Basic)) and not isinstance(f_i_star, bool):
            f_i_star = [f_i_star]
        vals = [_number(v, "f_i_star") for v in f_i_star]
        if len(vals) != n:
            raise ValueError(f"f_i_star must hold {n} numbers (one per loss), got {len(vals)}")
        fis = np.array([float(v) for v in vals])
        exact_fis = tuple(vals)
        prov["f_i_star"] = Provenance(USER)
    else:
        fis = None
    common = dict(name=name, dim=d, n=n, domain=box,
                  params={"user": True, "sympy": True, **pvals},
                  summary="user landscape from sympy expressions", closed_form=True)
    # a provisional landscape (no ground truth yet) gives the lambdified functions to the searches
    compiled = _Compiled(X, exprs)
    probe = SympyLandscape(compiled=compiled, f_star=0.0, f_i_star=np.zeros(n),
                           minimizers=PointSet(np.zeros((1, d))), **common)
    rng = np.random.default_rng(0)
    if fis is None:
        found = []
        errs = []
        for i in range(n):
            def loss_i(z, i=i):
                return probe._f_num(*probe._cols(np.asarray(z, float)))[..., i]

            def grad_i(z, i=i):
                z = np.asarray(z, float)
                return probe._g_num(*probe._cols(z)).reshape(z.shape[:-1] + (n, d))[..., i, :]

            v, _, e = solve_f_i_star(loss_i, grad_i, box, rng)
            found.append(v)
            errs.append(e)
        fis = np.array(found)
        prov["f_i_star"] = Provenance(GLOBAL_SEARCH, float(max(errs)),
                                      "multi-start L-BFGS-B per f_i over the domain widened x2")
    crit = ()
    exact_pts = None
    if minimizers is None:
        S_pts, fs, err, crit, detail = solve_minimizers(probe.raw_value, probe.raw_gradient,
                                                        probe.raw_hessian, box)
        ex = [exact_point(p, compiled.gF_exprs, X) for p in S_pts]
        if all(e is not None for e in ex):
            exact_pts, err = tuple(ex), 0.0
            S_pts = np.array([[float(v) for v in e] for e in ex])
            detail += "; made exact: ∇f = 0 exactly at rational points"
            fs = float(sp.N(sum(f.subs(dict(zip(X, ex[0]))) for f in exprs) / n, 30))
        S = PointSet(S_pts, error=err)
        prov["minimizers"] = Provenance(GLOBAL_SEARCH, err, detail)
        if f_star is None:
            f_star = fs
            how = ("f at the exact minimizer found" if exact_pts is not None
                   else "f on the solved S")
            prov["f_star"] = Provenance(GLOBAL_SEARCH, err * err + 1e-15, how)
    else:
        if isinstance(minimizers, MinimizerSet):
            S = minimizers
            if S.dim != d:
                raise ValueError(f"minimizers has dimension {S.dim}, but there are {d} symbols")
        elif callable(minimizers):
            S = ProjectedSet(minimizers, d, box)
        else:
            pts, exact_pts = _points(minimizers, d)
            S = PointSet(pts)
        prov["minimizers"] = Provenance(USER, float(S.error))
        if search:
            try:
                crit = solve_minimizers(probe.raw_value, probe.raw_gradient, probe.raw_hessian,
                                        box)[3]
            except ValueError:
                crit = ()
        if f_star is None:
            if exact_pts is not None:
                f_star = float(sp.N(sum(f.subs(dict(zip(X, exact_pts[0]))) for f in exprs) / n,
                                    30))
                prov["f_star"] = Provenance(CLOSED_FORM, 0.0, "f at the given exact minimizer")
            else:
                p0 = S.project(box.center[None])[0] if not isinstance(S, PointSet) else S.points[0]
                f_star = float(probe.raw_value(p0[None])[0])
                prov["f_star"] = Provenance(USER, 1e-15, "f at the given minimizers")
    if "f_star" not in prov:
        prov["f_star"] = Provenance(USER)
    f_star = float(_number(f_star, "f_star"))
    # keep only the stationary points that are not in S
    if crit and isinstance(S, PointSet):
        far = [c for c in crit if np.min(np.linalg.norm(S.points - c.point, axis=-1)) > 1e-6]
        crit = tuple(far)
    crit = tuple(c for c in crit if c.value > f_star + 1e-9 * (1 + abs(f_star)))
    interp = bool(abs(f_star - fis.mean()) <= 1e-12 * (1 + abs(f_star))
                  + prov["f_star"].error + prov["f_i_star"].error)
    land = SympyLandscape(compiled=compiled, exact_minimizers=exact_pts,
                          exact_f_i_star=exact_fis, f_star=f_star, f_i_star=fis, minimizers=S,
                          provenance=prov, critical_points=crit, interpolation=interp,
                          positive=bool(np.all(fis > 0)), **common)
    if validate:
        _validate_ground_truth(land, points=FAST_POINTS, search=4)
    return land
