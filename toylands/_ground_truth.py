r"""``validate``: the landscape contract as a function users call on their own landscapes.

The most common bug in a test-function library is a wrong stated optimum (BoTorch checks every
function's declared optimum for this reason). ``validate`` checks the ground truth a landscape
declares (MATHEMATICS.md §1) against its own functions, on sampled points:

- ``gradient``: ``grads`` against central finite differences of ``losses``;
- ``directional``: ``directional(x, v)`` against ``grads(x) · v``;
- ``stationary``: ``∇f`` vanishes on S (every global minimizer is a stationary point);
- ``f_star_on_S``: ``f(Proj(x, S)) = f*``;
- ``f_i_star``: ``f_i(x) ≥ f_i*`` and ``f(x) ≥ f*`` at every sample, and ``f* ≥ (1/n) Σ f_i*``
  (so σ_int² ≥ 0);
- ``projection``: ``Proj`` is idempotent and no sampled point of S is nearer than the projection;
- ``search``: a short multi-start local search finds no value of f below f*, nor of any f_i
  below f_i*;
- ``smoothness``: a user-supplied L (or any L when ``points`` is large) is not exceeded by
  ``‖∇f_i(x) − ∇f_i(y)‖ / ‖x − y‖`` on close pairs.

Each failure names the check, the sample index i where it applies, and the point. Tolerances are
scaled to the magnitudes combined (the values, the gradients, the stated provenance errors), so a
correct landscape passes on any machine and a wrong one fails by orders of magnitude.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._checked import checked
from ._validate import as_int

__all__ = ["GroundTruthError", "ValidationReport", "validate", "FAST_POINTS"]

FAST_POINTS = 96  # what ``from_functions`` and ``from_sympy`` check at construction

_EPS = float(np.finfo(np.float64).eps)


class GroundTruthError(ValueError):
    """The ground truth a landscape states (f*, f_i*, S, its gradients, L) contradicts its
    functions. ``failures`` lists ``(check, message)`` pairs; the message names where."""

    def __init__(self, name: str, failures):
        self.failures = list(failures)
        body = "; ".join(f"[{k}] {m}" for k, m in self.failures)
        super().__init__(f"landscape {name!r}: ground truth contradicted: {body}")


@dataclass
class ValidationReport:
    """What ``validate`` checked: ``checks`` maps each check to a one-line summary."""

    name: str
    points: int
    checks: dict = field(default_factory=dict)

    def __repr__(self):
        done = ", ".join(self.checks)
        return f"<ValidationReport {self.name}: {self.points} points; passed {done}>"


def _fmt(x) -> str:
    x = np.asarray(x, dtype=float).reshape(-1)
    body = ", ".join(f"{v:.6g}" for v in x[:6])
    return "[" + body + (", …]" if x.size > 6 else "]")


def _sample(landscape, rng, points):
    """Uniform points of the domain plus points of S perturbed at scales 1e-1 … 1e-4 of it."""
    dom = landscape.domain
    x = dom.sample(rng, points)
    k = max(4, points // 4)
    try:
        s = np.asarray(landscape.minimizers.sample(rng, k), dtype=np.float64).reshape(-1, dom.dim)
    except NotImplementedError:
        s = landscape.project(dom.sample(rng, k))
    width = float(np.max(dom.width))
    scale = width * 10.0 ** -rng.integers(1, 5, size=(len(s), 1))
    near = s + scale * rng.normal(size=s.shape) / np.sqrt(dom.dim)
    return x, s, np.concatenate([x, near], axis=0)


def _prov_error(landscape, key) -> float:
    p = landscape.provenance.get(key)
    return 0.0 if p is None else float(p.error)


def _evaluate(landscape, what, fn, *args):
    """Call a landscape function; turn its own complaint about NaN or shape into a failure."""
    try:
        return fn(*args), None
    except (ValueError, FloatingPointError, ZeroDivisionError) as exc:
        return None, (what, str(exc))


def _check_gradient(landscape, x, fail, report):
    """Central differences with step ``h_j = 1e-6·max(1, |x_j|)``; agreement to 1e-4 of the
    magnitudes (the truncation error is O(h²), the rounding error O(ε |f| / h))."""
    g, err = _evaluate(landscape, "gradient", landscape.grads, x)
    if err:
        return fail.append(err)
    f0 = landscape.losses(x)
    h = 1e-6 * np.maximum(1.0, np.abs(x))
    fd = np.empty_like(g)
    for j in range(landscape.dim):  # a loop over coordinates, vectorised over points
        e = np.zeros(landscape.dim)
        e[j] = 1.0
        hj = h[:, j : j + 1]
        fd[:, :, j] = (landscape.losses(x + hj * e) - landscape.losses(x - hj * e)) / (2 * hj)
    gn = np.linalg.norm(g, axis=-1)
    fdn = np.linalg.norm(fd, axis=-1)
    rounding = 1e-8 * (np.abs(f0) + 1.0) / h.min(axis=-1, keepdims=True)
    tol = 1e-4 * (gn + fdn) + rounding
    bad = np.linalg.norm(g - fd, axis=-1) > tol  # (N, n)
    frac = bad.any(axis=-1).mean()
    allowed = 0.0 if landscape.smooth else 0.1  # kinks of a non-smooth landscape
    if frac > allowed:
        k, i = np.argwhere(bad)[0]
        ratio = gn[k, i] / max(fdn[k, i], 1e-300)
        fail.append(("gradient", f"∇f_{i + 1} disagrees with finite differences of f_{i + 1} "
                     f"at x = {_fmt(x[k])}: grads gives {_fmt(g[k, i])}, finite differences "
                     f"{_fmt(fd[k, i])} (norm ratio {ratio:.3g}); at {int(bad.any(-1).sum())} "
                     f"of {len(x)} points"))
        return
    report["gradient"] = f"matches central differences at {len(x)} points"
    v = np.random.default_rng(1).normal(size=x.shape)
    d, err = _evaluate(landscape, "directional", landscape.directional, x, v)
    if err:
        return fail.append(err)
    ref = np.einsum("knd,kd->kn", g, v)
    tol = 1e-9 * gn * np.linalg.norm(v, axis=-1, keepdims=True) + 1e-300
    bad = np.abs(d - ref) > tol
    if bad.any():
        k, i = np.argwhere(bad)[0]
        fail.append(("directional", f"directional(x, v) = {d[k, i]:.9g} but <∇f_{i + 1}(x), v> "
                     f"= {ref[k, i]:.9g} at x = {_fmt(x[k])}, v = {_fmt(v[k])}"))
    else:
        report["directional"] = "equals grads·v"


def _check_values(landscape, x, fail, report):
    fx, err = _evaluate(landscape, "losses", landscape.losses, x)
    if err:
        return fail.append(err)
    fis = landscape.f_i_star
    tol_i = 1e-9 * (1.0 + np.abs(fis)) + _prov_error(landscape, "f_i_star")
    below = fx < fis - tol_i
    if below.any():
        k, i = np.argwhere(below)[0]
        fail.append(("f_i_star", f"f_{i + 1}(x) = {fx[k, i]:.12g} < f_{i + 1}* = {fis[i]:.12g} "
                     f"at x = {_fmt(x[k])} (f_i* must be the infimum of f_i)"))
    fv = fx.mean(axis=-1)
    tol = 1e-9 * (1.0 + abs(landscape.f_star)) + _prov_error(landscape, "f_star")
    k = int(np.argmin(fv))
    if fv[k] < landscape.f_star - tol:
        fail.append(("f_star", f"f(x) = {fv[k]:.12g} < f* = {landscape.f_star:.12g} at "
                     f"x = {_fmt(x[k])} (f* must be the minimum of f)"))
    if fis.mean() > landscape.f_star + tol + tol_i.max():
        fail.append(("f_i_star", f"(1/n) Σ f_i* = {fis.mean():.12g} exceeds f* = "
                     f"{landscape.f_star:.12g}: some f_i* is above the infimum of its f_i"))
    if not below.any():
        report["f_i_star"] = f"f_i >= f_i* and f >= f* at {len(x)} points"


def _check_minimizers(landscape, x, s, rng, fail, report):
    p, err = _evaluate(landscape, "projection", landscape.project, x)
    if err:
        return fail.append(err)
    fp = landscape.value(p)
    fstar = landscape.f_star
    gp = np.linalg.norm(landscape.gradient(p), axis=-1)
    g_scale = float(np.median(np.linalg.norm(landscape.gradient(x), axis=-1))) + 1e-300
    # f(p) − f* is second order in the error of p; the gradient first order.
    s_err = _prov_error(landscape, "minimizers")
    tol_f = 1e-8 * (1.0 + abs(fstar)) + _prov_error(landscape, "f_star") + g_scale * s_err
    off = np.abs(fp - fstar) > tol_f
    if off.any():
        k = int(np.argmax(np.abs(fp - fstar)))
        fail.append(("f_star_on_S", f"f(Proj(x, S)) = {fp[k]:.12g} but f* = {fstar:.12g}, at "
                     f"Proj(x, S) = {_fmt(p[k])} for x = {_fmt(x[k])} (either f* or the "
                     "projection is wrong)"))
    else:
        report["f_star_on_S"] = f"f(Proj(x, S)) = f* at {len(x)} projections"
    tol_g = 1e-6 * g_scale + 1e-12 + 10 * s_err * g_scale
    moving = gp > tol_g
    if moving.any() and not off.any():
        k = int(np.argmax(gp))
        fail.append(("stationary", f"S is not stationary: ‖∇f‖ = {gp[k]:.3g} at the point "
                     f"{_fmt(p[k])} of S (typical ‖∇f‖ on the domain: {g_scale:.3g})"))
    elif not moving.any():
        report["stationary"] = "∇f = 0 on S"
    pp = landscape.project(p)
    scale = 1.0 + np.linalg.norm(p, axis=-1)
    drift = np.linalg.norm(pp - p, axis=-1) > 1e-8 * scale + s_err
    if drift.any():
        k = int(np.argmax(drift))
        fail.append(("projection", f"Proj is not idempotent: Proj(p) = {_fmt(pp[k])} for the "
                     f"projection p = {_fmt(p[k])} of x = {_fmt(x[k])}"))
        return
    dproj = np.linalg.norm(x - p, axis=-1)
    ds = np.linalg.norm(x[:, None, :] - s[None, :, :], axis=-1)
    j = np.argmin(ds, axis=1)
    dmin = ds[np.arange(len(x)), j]
    nearer = dmin < dproj * (1 - 1e-9) - 1e-9 * scale - s_err
    if nearer.any():
        k = int(np.argmax(np.where(nearer, dproj - dmin, -np.inf)))
        fail.append(("projection", f"the point {_fmt(s[j[k]])} of S is nearer to "
                     f"x = {_fmt(x[k])} ({dmin[k]:.9g}) than Proj(x, S) = {_fmt(p[k])} "
                     f"({dproj[k]:.9g})"))
    else:
        report["projection"] = f"idempotent, no nearer point among {len(s)} points of S"


def _local_min(fun, jac, starts, box, maxiter):
    from scipy.optimize import minimize

    bounds = list(zip(box.lo, box.hi))
    best_x, best_f = None, np.inf
    for x0 in starts:  # a few starts; each a short L-BFGS-B run
        res = minimize(fun, x0, jac=jac, method="L-BFGS-B", bounds=bounds,
                       options={"maxiter": maxiter})
        z = box.clip(res.x)
        fz = fun(z)
        if fz < best_f:
            best_x, best_f = z, float(fz)
    return best_x, best_f


def _check_search(landscape, x, rng, starts, maxiter, fail, report):
    """A short multi-start L-BFGS-B search of f and of each f_i over the domain."""
    box = landscape.domain
    fx = landscape.losses(x)
    tol = 1e-9 * (1.0 + abs(landscape.f_star)) + _prov_error(landscape, "f_star")

    def f(z):
        return float(landscape.value(z))

    def g(z):
        return landscape.gradient(z)

    pick = np.argsort(fx.mean(axis=-1))[: max(1, starts // 2)]
    st = np.concatenate([x[pick], box.sample(rng, starts - len(pick))])
    xb, fb = _local_min(f, g, st, box, maxiter)
    if fb < landscape.f_star - tol:
        fail.append(("search", f"a local search found f(x) = {fb:.12g} < f* = "
                     f"{landscape.f_star:.12g} at x = {_fmt(xb)}"))
        return
    tol_i = 1e-9 * (1.0 + np.abs(landscape.f_i_star)) + _prov_error(landscape, "f_i_star")
    for i in range(landscape.n if landscape.n <= 8 else 0):  # per sample: small n only
        def fi(z, i=i):
            return float(landscape.loss_at(z, i))

        def gi(z, i=i):
            return landscape.grad_at(z, i)

        st = x[np.argsort(fx[:, i])[:2]]
        xi, vi = _local_min(fi, gi, st, box, maxiter)
        if vi < landscape.f_i_star[i] - tol_i[i]:
            fail.append(("search", f"a local search found f_{i + 1}(x) = {vi:.12g} < "
                         f"f_{i + 1}* = {landscape.f_i_star[i]:.12g} at x = {_fmt(xi)}"))
            return
    report["search"] = f"no value below f* (or f_i*) from {len(st)} local searches"


def _check_smoothness(landscape, x, rng, fail, report):
    sm = landscape.smoothness()
    if not np.isfinite(sm.L) or sm.L <= 0:
        return fail.append(("smoothness", f"L = {sm.L!r} must be a positive finite number"))
    dom = landscape.domain
    y = dom.clip(x + 1e-3 * float(np.max(dom.width)) * rng.normal(size=x.shape))
    dx = np.linalg.norm(x - y, axis=-1)
    keep = dx > 0
    x, y, dx = x[keep], y[keep], dx[keep]
    ratio = np.linalg.norm(landscape.grads(x) - landscape.grads(y), axis=-1) / dx[:, None]
    k, i = np.unravel_index(np.argmax(ratio), ratio.shape)
    if ratio[k, i] > sm.L * (1 + 1e-6):
        fail.append(("smoothness", f"L = {sm.L:.6g} ({sm.method}) is exceeded: "
                     f"‖∇f_{i + 1}(x) − ∇f_{i + 1}(y)‖/‖x − y‖ = {ratio[k, i]:.6g} at "
                     f"x = {_fmt(x[k])}"))
    else:
        report["smoothness"] = f"L = {sm.L:.6g} not exceeded on {len(x)} close pairs"


@checked(points=lambda v, n, c: as_int(v, n, low=1, high=10_000_000),
         search=lambda v, n, c: as_int(v, n, low=0, high=100_000), smoothness="flag")
def validate(landscape, *, rng=None, points: int = 1000, search: int | None = None,
             smoothness: bool | None = None) -> ValidationReport:
    r"""Check a landscape's stated ground truth against its functions (see the module docstring).

    Parameters
    ----------
    landscape : toylands.Landscape
    rng : numpy.random.Generator or int, optional
        Default ``default_rng(0)``: the same call checks the same points.
    points : int
        Uniform sample points of the domain (plus a quarter as many near S).
    search : int, optional
        Starts of the local search for values below f* (default ``max(4, points // 100)``).
    smoothness : bool, optional
        Check L on close pairs. Default: when L is user-supplied, or when ``points >= 1000``
        (computing a certified L can take seconds; a certified L is never exceeded unless the
        code that certified it is wrong).

    Returns
    -------
    ValidationReport
        The checks that passed.

    Raises
    ------
    GroundTruthError
        Naming every check that failed, the sample i and the point (MATHEMATICS.md §1).

    Examples
    --------
    >>> import numpy as np, toylands
    >>> bowl = toylands.from_functions(
    ...     name="bowl", dim=2, n=1, validate=False,
    ...     losses=lambda x: 0.5 * np.sum(x**2, axis=-1, keepdims=True),
    ...     grads=lambda x: 3 * x[..., None, :],          # 3 times too large
    ...     f_i_star=[0.0], f_star=0.0, project=lambda x: np.zeros_like(x))
    >>> try:
    ...     toylands.validate(bowl)
    ... except toylands.GroundTruthError as exc:
    ...     print(exc.failures[0][0])
    gradient
    """
    if isinstance(points, bool) or not isinstance(points, (int, np.integer)) or points < 8:
        raise ValueError(f"points must be an integer >= 8, got {points!r}")
    if rng is None or isinstance(rng, (int, np.integer)):
        rng = np.random.default_rng(0 if rng is None else int(rng))
    elif not isinstance(rng, np.random.Generator):
        raise TypeError("rng must be a numpy.random.Generator, an int seed or None")
    starts = max(4, points // 100) if search is None else int(search)
    fail: list = []
    report: dict = {}
    x, s, xs = _sample(landscape, rng, int(points))
    _check_values(landscape, xs, fail, report)
    _check_gradient(landscape, xs[: min(len(xs), 400)], fail, report)
    if not fail:
        _check_minimizers(landscape, x[: min(len(x), 300)], s, rng, fail, report)
    if not fail and starts > 0:
        _check_search(landscape, xs, rng, starts, 60 if points >= 1000 else 25, fail, report)
    user_L = bool(getattr(landscape, "user_L", False))
    if smoothness is None:
        smoothness = user_L or points >= 1000
    if not fail and smoothness and landscape.smooth:
        _check_smoothness(landscape, x[: min(len(x), 400)], rng, fail, report)
    if fail:
        raise GroundTruthError(landscape.name, fail)
    return ValidationReport(landscape.name, int(len(xs)), report)
