r"""A landscape as a member of the α-β class: its exact expectation tree and a membership check.

For a start x⁰ and a method, the iterates of a finite sum form a tree (``n^k`` nodes at depth k,
one per sequence of sampled indices, each of probability ``n^{−k}``), so

.. math:: E[f(x^k) - f^*] = n^{-k} \sum_{\text{depth-}k\text{ nodes}} (f(x) - f^*)

is computed exactly, without Monte Carlo (:func:`expectations`; the step sizes come from the
rules of :mod:`theory.optim.optimizers`). :func:`member_check` evaluates every constraint of the
K-step PEP (:mod:`theory.pep.alpha_beta`) on the landscape's own data at that tree — the nodes,
their projections onto S, and each f_i's minimiser — so that, when it passes, the landscape is
a feasible point of the PEP and weak duality gives ``measured ≤ PEP worst case`` (up to the
solver's accuracy and the rounding of the data).

:func:`instance_for` and :func:`fitting` build a theorem's PEP instance from a landscape's
constants (α, β proved on a box by :func:`theory.certification.certify`, L certified, σ_int²,
σ_pos², ``D₀² = dist(x⁰, S)²``); a landscape fits when every constant is known and certified,
n is tractable, and each f_i's minimiser is known (radial bumps: the centres; valleys: the
hyperplanes).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from toylands._checked import checked

from ..optim import optimizers as O
from . import _validate as V
from .steps import NGN, SGD, SPSMax
from .theorems import Instance

__all__ = ["fi_minimizers", "tree", "expectations", "measured", "member_check", "instance_for",
           "Fit", "fitting", "best_start"]


def _radii(value, name):
    r = np.atleast_1d(np.asarray([V.real(f"{name}[{k}]", v, positive=True)
                                  for k, v in enumerate(np.ravel(_as_list(value, name)))]))
    if r.size == 0:
        raise ValueError(f"{name} must hold at least one radius")
    return r


def _as_list(value, name):
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__len__"):
        raise TypeError(f"{name} must be a sequence of positive radii, got {type(value).__name__}")
    try:
        return np.asarray(value, dtype=object)
    except ValueError:
        raise TypeError(f"{name} must be a flat sequence of positive radii") from None


def _rule(value, name, ctx):
    if not isinstance(value, SGD | SPSMax | NGN):
        raise TypeError(f"{name} must be a step rule of theory.pep (SGD, SPSMax, NGN), got "
                        f"{type(value).__name__}")
    return value


@checked(near="points")
def fi_minimizers(landscape, near) -> np.ndarray:
    r"""A minimiser ``x_i*`` of every f_i, shape ``(n, dim)`` (the one nearest to ``near`` where
    f_i has many). Radial bumps ``h_i(‖x − c_i‖²)`` (h_i increasing): ``c_i``; valleys
    ``g(Σ_j x_j + a_i)``: the projection of ``near`` onto ``Σ_j x_j = −a_i``. Other landscapes
    raise ``ValueError``."""
    from toylands.radial import RadialSum
    from toylands.valley import Valley

    if isinstance(landscape, RadialSum):
        return np.array(landscape.centres, dtype=float)
    if isinstance(landscape, Valley):
        near = np.asarray(near, dtype=float).reshape(-1)
        d = landscape.dim
        shift = (near.sum() + np.asarray(landscape.a, dtype=float)) / d
        return near[None, :] - shift[:, None] * np.ones(d)
    raise ValueError(f"{landscape.name}: the minimisers of the f_i are not known here "
                     "(radial-bump and valley landscapes only)")


def _step_sizes(landscape, rule, k, loss, fis, g2):
    if isinstance(rule, SGD):
        return np.full(loss.shape, rule.gamma_at(k))
    if isinstance(rule, SPSMax):
        return O.gamma_sps_max(loss, fis, g2, rule.c, rule.gamma_b)
    if isinstance(rule, NGN):
        return O.gamma_ngn(loss, g2, rule.gamma)
    raise TypeError(f"unknown step rule {type(rule).__name__}")


@checked(rule=_rule, K=None)
def tree(landscape, rule, x0, K: int) -> list:
    r"""The iterates of depth ``0 … K−1``: a list of arrays ``(n^k, dim)``; node ``j`` of depth
    ``k+1`` comes from node ``j // n`` of depth k with index ``j % n`` (the PEP's order)."""
    n = landscape.n
    K = V.integer("K", K, low=1, high=30)
    if n ** (K - 1) > 2**22:
        raise ValueError(f"n^(K-1) = {n ** (K - 1)} nodes: too many to enumerate")
    x0 = np.asarray(x0, dtype=float).reshape(1, landscape.dim)
    levels = [x0]
    for k in range(K - 1):
        X = levels[-1]
        xr = np.repeat(X, n, axis=0)
        idx = np.tile(np.arange(n), X.shape[0])
        g = landscape.grad_at(xr, idx)
        loss = landscape.loss_at(xr, idx)
        g2 = np.einsum("rd,rd->r", g, g)
        gam = _step_sizes(landscape, rule, k, loss, np.asarray(landscape.f_i_star)[idx], g2)
        levels.append(xr - gam[:, None] * g)
    return levels


@checked(rule=_rule, K=None)
def expectations(landscape, rule, x0, K: int) -> np.ndarray:
    r"""``E[f(x^k) − f*]`` for ``k < K``, exactly (the mean over the tree's depth-k nodes)."""
    return np.array([float(np.mean(landscape.value(X) - landscape.f_star))
                     for X in tree(landscape, rule, x0, K)])


@checked(rule=_rule, K=None)
def measured(landscape, rule, x0, K: int) -> float:
    r"""``min_{k<K} E[f(x^k) − f*]``, exactly (:func:`expectations`)."""
    return float(np.min(expectations(landscape, rule, x0, K)))


def _rel(viol, scale):
    return float(np.max(viol / np.maximum(scale, 1e-300))) if np.size(viol) else 0.0


@checked(rule=_rule, K=None)
def member_check(landscape, rule, x0, K: int, *, alpha, beta, L, box=None) -> dict:
    r"""The largest relative violation of each family of the K-step PEP's constraints on the
    landscape's data (≤ 0 holds; rounding gives ~1e-16); ``box``: where (α, β) is proved.

    Families: ``smooth`` (PEPit's interpolation conditions for L-smooth f_i between every two
    points), ``alpha_beta`` (at every node with its projection), ``nearest`` (each projection no
    farther than the other S-points), ``gradient_bound`` (``‖∇f_i‖² ≤ 2L(f_i − f_i*)`` and the
    same for f), ``s_points`` (``f = f*``, ``∇f = 0`` on S), ``minimizers`` (``∇f_i(x_i*) = 0``,
    ``f_i(x_i*) = f_i*``), ``box`` (nodes outside the box where (α, β) is proved).
    """
    levels = tree(landscape, rule, x0, K)
    X = np.concatenate(levels)
    P = landscape.project(X)
    M = fi_minimizers(landscape, x0)
    Y = np.concatenate([X, P, M])
    N, n = X.shape[0], landscape.n
    F = landscape.losses(Y)  # (m, n)
    G = landscape.grads(Y)  # (m, n, d)
    fis, fstar = np.asarray(landscape.f_i_star, dtype=float), float(landscape.f_star)
    out = {}
    # smooth: f_a − f_b ≥ −L/4‖Δx‖² + ½<g_a + g_b, Δx> + ‖Δg‖²/(4L), every ordered pair
    dX = Y[:, None, :] - Y[None, :, :]
    worst = -np.inf
    for i in range(n):
        gi, fi = G[:, i, :], F[:, i]
        dG = gi[:, None, :] - gi[None, :, :]
        sg = gi[:, None, :] + gi[None, :, :]
        dx2 = np.einsum("abd,abd->ab", dX, dX)
        rhs = (-L / 4 * dx2 + 0.5 * np.einsum("abd,abd->ab", sg, dX)
               + np.einsum("abd,abd->ab", dG, dG) / (4 * L))
        lhs = fi[:, None] - fi[None, :]
        np.fill_diagonal(rhs, -np.inf)  # a point with itself: 0 ≥ 0
        scale = (np.abs(fi)[:, None] + np.abs(fi)[None, :] + L * dx2
                 + np.linalg.norm(sg, axis=-1) * np.sqrt(dx2) + np.einsum("abd,abd->ab", dG, dG)
                 / L)
        worst = max(worst, _rel(rhs - lhs, scale))
    out["smooth"] = worst
    # alpha-beta at the nodes
    gx = G[:N]
    a = np.einsum("rid,rd->ri", gx, X - P)
    b = F[:N] - F[N:2 * N]
    c = F[:N] - fis
    T = a - alpha * b + beta * c
    out["alpha_beta"] = _rel(-T, np.abs(a) + alpha * np.abs(b) + beta * np.abs(c))
    # nearest: ‖x − x_p‖² ≤ ‖x − q‖² for every S-point q
    d_own = np.einsum("rd,rd->r", X - P, X - P)
    d_all = np.einsum("rqd,rqd->rq", X[:, None] - P[None], X[:, None] - P[None])
    np.fill_diagonal(d_all, np.inf)  # the node's own projection
    out["nearest"] = _rel(d_own - d_all.min(axis=1), d_own + 1e-300)
    # gradient bounds at every point (not f_i at its own minimiser; not f on S)
    g2 = np.einsum("mid,mid->mi", G, G)
    gap = F - fis
    own = np.zeros_like(g2, dtype=bool)
    own[2 * N + np.arange(n), np.arange(n)] = True
    v1 = np.where(own, -np.inf, g2 - 2 * L * gap)
    gf = G.mean(axis=1)
    v2 = np.einsum("md,md->m", gf, gf) - 2 * L * (F.mean(axis=1) - fstar)
    v2[N:2 * N] = -np.inf
    out["gradient_bound"] = max(_rel(v1, g2 + 2 * L * np.abs(gap)),
                                _rel(v2, np.einsum("md,md->m", gf, gf) + 2 * L
                                     * np.abs(F.mean(axis=1) - fstar)))
    # S-points: f = f*, ∇f = 0 (relative to the size of the f_i and their gradients there)
    fP, gP = F[N:2 * N], G[N:2 * N]
    out["s_points"] = max(
        _rel(np.abs(fP.mean(axis=1) - fstar), np.abs(fP).mean(axis=1) + 1e-300),
        _rel(np.linalg.norm(gP.mean(axis=1), axis=-1),
             np.linalg.norm(gP, axis=-1).mean(axis=1) + L * np.linalg.norm(P, axis=-1) + 1e-300),
    )
    fM, gM = F[2 * N + np.arange(n), np.arange(n)], G[2 * N + np.arange(n), np.arange(n)]
    out["minimizers"] = max(_rel(np.abs(fM - fis), np.abs(fis) + 1.0),
                            _rel(np.linalg.norm(gM, axis=-1),
                                 L * np.linalg.norm(M, axis=-1) + 1.0))
    if box is not None:
        inside = np.all((X >= box.lo) & (X <= box.hi), axis=1)
        out["box"] = float(np.count_nonzero(~inside))
    return out


@checked(alpha=None, beta=None, gamma=None, c=None, gamma_b=None)
def instance_for(landscape, theorem, *, alpha, beta, x0, gamma=None, c=None,
                 gamma_b=None) -> Instance:
    r"""The theorem's PEP instance with the landscape's constants: L its certified smoothness
    bound, ``D₀² = dist(x⁰, S)²``, ``σ² = σ_int²``, ``σ_pos²``, n its number of f_i."""
    sm = landscape.smoothness()
    if not sm.certified:
        raise ValueError(f"{landscape.name}: L = {sm.L:g} is not certified ({sm.method})")
    x0 = np.asarray(x0, dtype=float).reshape(1, landscape.dim)
    D0 = float(landscape.distance(x0)[0] ** 2)
    return Instance(str(theorem), alpha=alpha, beta=beta, L=float(sm.L), D0_sq=D0,
                    sigma2=max(float(landscape.sigma_int2), 0.0), gamma=gamma, c=c,
                    gamma_b=gamma_b, sigma_pos2=max(float(landscape.sigma_pos2), 0.0),
                    n=landscape.n)


@dataclass(frozen=True)
class Fit:
    """A landscape's fit to a theorem's PEP: ``instance`` (None when it does not fit, with
    ``reason``), the proved pair, its box, and the start x⁰."""

    name: str
    instance: Instance | None
    reason: str = ""
    alpha: float | None = None
    beta: float | None = None
    box: object = None
    x0: np.ndarray | None = None


def _params(theorem, alpha, beta, L):
    gap = alpha - beta
    if theorem in ("1", "4"):
        return {"gamma": gap / (2 * L)}
    if theorem == "2":  # c = 1/(α − β); γ_b twice γ_min, so that the Polyak step is active
        c = 1.0 / gap
        return {"c": c, "gamma_b": 2.0 / (2 * c * L)}
    return {"gamma": 1.0 / L}


@checked(L=lambda v, n, c: V.real(n, v, positive=True), seed="seed",
         directions=lambda v, n, c: V.integer(n, v, low=1, high=100_000),
         radii=lambda v, n, c: _radii(v, n))
def best_start(landscape, L, *, seed=0, radii=(0.1, 0.25, 0.5, 1.0), directions=16):
    r"""A start near S where f rises fastest relative to L: the candidate ``p + r u`` (p a point
    of S, r in ``radii``, u one of ``directions`` seeded unit vectors) maximising
    ``(f(x⁰) − f*)/(L dist(x⁰, S)²/2)`` — the ratio of the measured value at K = 1 to the class's
    worst case there. Deterministic in ``seed``."""
    rng = np.random.default_rng(seed)
    p = landscape.project(landscape.domain.center[None, :])[0]
    u = rng.normal(size=(directions, landscape.dim))
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    with np.errstate(over="ignore", invalid="ignore"):  # huge radii: candidates beyond float64
        cand = (p[None, None, :] + np.asarray(radii)[:, None, None] * u[None]).reshape(
            -1, landscape.dim)
    cand = cand[np.all(np.isfinite(cand), axis=-1)]
    cand = cand[landscape.domain.contains(cand)]
    d2 = landscape.distance(cand) ** 2
    ok = d2 > 1e-12
    cand, d2 = cand[ok], d2[ok]
    if cand.size == 0:
        raise ValueError(f"radii: no candidate p + r u lies in the domain of {landscape.name} "
                         "away from S (radii too large or too small)")
    ratio = (landscape.value(cand) - landscape.f_star) / (L * d2 / 2)
    return cand[int(np.argmax(ratio))]


@lru_cache(maxsize=64)
def _proved(name: str, alpha: float, beta: float, lo: float, hi: float) -> bool:
    """Whether :func:`theory.certification.certify` proves (α, β) for the landscape on the cube
    ``[lo, hi]^d``. The same question comes back once per theorem, in the report from several
    processes: remembered in memory and on disk (``toylands._cache``, keyed by the question and
    the code of toylands and theory, never stale)."""
    import toylands
    from toylands import Box
    from toylands._cache import cached
    from toylands._registry import is_builtin

    from .._digest import theory_digest
    from ..certification import certify

    land = toylands.get(name)

    def compute():
        return certify(land, alpha, beta, domain=Box.cube(lo, hi, land.dim)).verdict == "proved"

    if not is_builtin(name):  # a user's landscape: its code is not in the key
        return compute()
    key = (name, repr(sorted(land.params.items())), alpha, beta, lo, hi,
           theory_digest())
    return cached("pep-proved-pair", key, compute)


def fitting(theorem, names=None, *, certify_pairs=True, seed=0) -> list[Fit]:
    r"""Every landscape (of ``names``, default every registered one) as a PEP instance of the
    theorem, or the reason it does not fit. The pair is the first of the paper's check values
    (:func:`theory.claims.check_values`) that holds, that the theorem admits (α ≥ β + 1 for
    NGN) and that :func:`theory.certification.certify` proves on its box."""
    import toylands
    from toylands import Box

    from ..claims import check_values

    t = str(theorem)
    out = []
    for name in (toylands.names() if names is None else names):
        pairs = [cv for cv in check_values(name) if cv.expect == "holds"]
        if not pairs:
            out.append(Fit(name, None, "no (alpha, beta) pair of the paper to prove"))
            continue
        land = toylands.get(name)
        if land.n > V.MAX_N:
            out.append(Fit(name, None, f"n = {land.n} functions (the PEP takes at most "
                                       f"{V.MAX_N})"))
            continue
        sm = land.smoothness()
        if not (land.smooth and sm.certified):
            out.append(Fit(name, None, "L-smoothness not certified"))
            continue
        try:
            fi_minimizers(land, land.domain.center)
        except ValueError as exc:
            out.append(Fit(name, None, str(exc)))
            continue
        chosen, why = None, "no check pair fits"
        for cv in pairs:
            if t == "3" and cv.alpha < cv.beta + 1:
                why = "NGN needs alpha >= beta + 1"
                continue
            if cv.alpha / (cv.alpha - cv.beta) > V.MAX_CONDITION:
                why = (f"alpha/(alpha - beta) = {cv.alpha / (cv.alpha - cv.beta):.3g} too "
                       "ill-conditioned for the SDP")
                continue
            box = Box.cube(cv.box[0], cv.box[1], land.dim)
            if certify_pairs and not _proved(name, cv.alpha, cv.beta, *cv.box):
                why = f"({cv.alpha}, {cv.beta}) not proved on {cv.box}"
                continue
            chosen = (cv, box)
            break
        if chosen is None:
            out.append(Fit(name, None, why))
            continue
        cv, box = chosen
        x0 = best_start(land, sm.L, seed=seed)
        inst = instance_for(land, t, alpha=cv.alpha, beta=cv.beta, x0=x0,
                            **_params(t, cv.alpha, cv.beta, sm.L))
        out.append(Fit(name, inst, "", cv.alpha, cv.beta, box, x0))
    return out
