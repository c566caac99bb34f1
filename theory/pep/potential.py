r"""The one-step potential PEP: the best ``(a, b)`` in the per-step inequality of the proofs,

.. math:: E\,\mathrm{dist}(x^{k+1}, S)^2 \le \mathrm{dist}(x^k, S)^2 - a\,(f(x^k) - f^*)
          + b\,\sigma^2 \qquad (\sigma_{int}^2 \le \sigma^2),

valid for every member of the α-β class and every point x^k (MATHEMATICS.md §6, Theorem 1's
per-step inequality). Summing it over ``k < K`` (telescoping, with expectations):
``min_{k<K} E[f(x^k) − f*] ≤ D₀²/(aK) + bσ²/a`` for every K — with ``D₀² = E dist(x⁰, S)²``, so
a random start is covered.

**The best pair for a horizon K is one SDP** [derived]. The class is a cone (every constraint is
homogeneous in the PEP's variables), so a pair is valid iff a dual certificate
``f − f* ≤ t (d² − E d⁺²) + b' σ_int²`` exists (``t = 1/a``, ``b' = b/a``); minimising the
telescoped bound ``t D₀²/K + b' σ²`` over certificates is the dual of

.. math:: T(K) = \max\ f(x) - f^* \quad\text{s.t.}\quad d^2 - E\,d_+^2 \le D_0^2/K,\
          \ \sigma_{int}^2 \le \sigma^2

over one step of the method from a point x (``d = dist(x, S)``, ``d₊`` the distance after the
step, E the average over the n branches). :func:`telescoped` solves it and reads ``a = 1/t`` and
``b = b'/t`` off the multipliers of the two constraints. For NGN, ``σ_pos² ≤ σ_pos²`` adds a
third term ``b_pos σ_pos²``.

**b as a function of a.** :func:`b_of_a` solves ``b(a) = max E d₊² − d² + a (f − f*)`` subject to
``σ_int² ≤ 1``: the smallest b that makes ``(a, b)`` valid. It is convex and non-decreasing in a,
finite up to some ``a_max`` and ``+∞`` (status ``"unbounded"``) beyond.

**Adaptive steps** (SPS_max, NGN): one block of the one-step construction per assignment of
step-size cells to the n branches (up to relabelling the f_i, which leaves the class unchanged);
a valid pair must hold in every block, so the blocks share the normalisation constraints and
the objective is their sum (the dual of "one certificate for all blocks").
"""

from __future__ import annotations

import itertools

from . import _validate as V
from ._backend import new_problem, solve
from .alpha_beta import AlphaBetaClass, Units
from .result import PEPResult
from .steps import NGN, SGD, SPSMax, apply, cells, is_adaptive

__all__ = ["telescoped", "b_of_a", "blocks"]


def blocks(rule, n: int, cells_per_step: int):
    r"""The assignments of step-size cells to the n branches, up to relabelling (multisets)."""
    cs = cells(rule, cells_per_step)
    return list(itertools.combinations_with_replacement(cs, n))


def _one_step(pb, rule, *, n, alpha, beta, model, cellset):
    """One block: a point x, its projection, the n successors and theirs. Returns the pieces."""
    cls = AlphaBetaClass(pb, n=n, alpha=alpha, beta=beta, L=1.0, model=model,
                         nonnegative=isinstance(rule, NGN))
    from PEPit import Point

    x = Point()
    xp = cls.iterate(x)
    dplus = []
    for i in range(n):
        xn = apply(rule, cls, x, xp, i, 0, cellset[i] if cellset else None)
        xpn = cls.iterate(xn, parent=xp)
        dplus.append((xn - xpn) ** 2)
    cls.finalize()
    d2 = (x - xp) ** 2
    Ed2 = sum(dplus) / n
    return cls, d2, Ed2, cls.f(x) - cls.fstar


def _prepare(rule, alpha, beta, L, n, model, cells_per_step):
    if not isinstance(rule, SGD | SPSMax | NGN):
        raise TypeError(f"rule must be SGD, SPSMax or NGN, got {type(rule).__name__}")
    if isinstance(rule, SGD) and isinstance(rule.gamma, tuple):
        raise ValueError("the potential PEP needs a constant step (one step of the method)")
    n = V.integer("n", n, low=1, high=V.MAX_N)
    model = V.check_model(model)
    nrule = rule.normalized(L)
    bl = blocks(nrule, n, cells_per_step) if is_adaptive(nrule) else [None]
    if len(bl) > 64:
        raise ValueError(f"{len(bl)} blocks of cells (at most 64): lower cells_per_step")
    return n, model, nrule, bl


def _sigma_pos_sum(pb, classes, bound):
    """``Σ_blocks σ_pos² ≤ bound``; at 0 as equalities ``f_i* = 0`` (no interior otherwise)."""
    if bound == 0.0:
        for cls in classes:
            for fi in cls.fi_star:
                pb.add_constraint(fi == 0)
        return None
    c = sum(cls.sigma_pos2() for cls in classes) <= bound
    pb.add_constraint(c)
    return c


def telescoped(rule, *, alpha, beta, L, K, n=2, D0_sq, sigma2, sigma_pos2=None, model="class",
               solver="clarabel", cells_per_step=3) -> PEPResult:
    r"""The telescoped bound ``T(K) ≥ min_{k<K} E[f(x^k) − f*]`` from the best one-step potential.

    See the module docstring. ``value`` is ``T(K)`` in the caller's units; ``duals`` holds the
    potential's constants in the caller's units: ``a``, ``b`` (and ``b_pos`` for NGN), so that
    ``T(K) = D₀²/(aK) + bσ² / a (+ b_pos σ_pos²/a)`` up to the solver's accuracy.

    Parameters are those of :func:`theory.pep.kstep.worst_case`; ``K`` may be any positive
    integer (one small SDP whatever K).
    """
    alpha, beta, L, D, s2 = V.constants(alpha=alpha, beta=beta, L=L, D0_sq=D0_sq, sigma2=sigma2)
    K = V.integer("K", K, low=1, high=10**12)
    n, model, nrule, bl = _prepare(rule, alpha, beta, L, n, model, cells_per_step)
    sp2 = None
    if isinstance(rule, NGN):
        if sigma_pos2 is None:
            raise ValueError("sigma_pos2 is required for NGN (sigma_pos^2 = mean f_i*)")
        sp2 = V.real("sigma_pos2", sigma_pos2, nonneg=True)
    # lengths in units of the largest right-hand side: every normalised quantity is O(1)
    units = Units(L, max(D / K, s2 / L, (sp2 or 0.0) / L))
    pb = new_problem()
    obj, dec, sig, poss = 0, 0, 0, []
    for cellset in bl:
        cls, d2, Ed2, gap = _one_step(pb, nrule, n=n, alpha=alpha, beta=beta, model=model,
                                      cellset=cellset)
        obj, dec, sig = obj + gap, dec + (d2 - Ed2), sig + cls.sigma_int2()
        poss.append(cls)
    c_dist = dec <= units.dist2(D) / K
    c_sig = sig <= units.value(s2)
    pb.add_constraint(c_dist)
    pb.add_constraint(c_sig)
    c_pos = None
    if sp2 is not None:
        c_pos = _sigma_pos_sum(pb, poss, units.value(sp2))
    pb.set_performance_metric(obj)
    what = (f"telescoped one-step potential bound on min_(k<{K}) E[f(x^k) - f*] ({model}), "
            f"{rule.name}")
    res = solve(pb, solver=solver, scale=units.value_scale, what=what)
    from PEPit import Point

    size = {"gram": Point.counter, "constraints": len(pb._list_of_prepared_constraints),
            "blocks": len(bl)}
    res = res.with_(size=size)
    if not res.ok:
        return res
    t = float(c_dist.eval_dual())
    duals = {"t": t}
    if t > 0:
        # a and b in the caller's units: a(f − f*) and bσ² are squared distances.
        duals["a"] = 1.0 / t / L
        duals["b"] = float(c_sig.eval_dual()) / t / L
        if c_pos is not None:
            duals["b_pos"] = float(c_pos.eval_dual()) / t / L
    return res.with_(duals=duals)


def b_of_a(rule, a, *, alpha, beta, L, n=2, model="class", solver="clarabel",
           cells_per_step=3) -> PEPResult:
    r"""``b(a)``: the smallest b such that ``(a, b)`` is a valid potential pair (see the module
    docstring), in the caller's units; status ``"unbounded"`` when no b works for this a.

    Solved as ``max E d₊² − d² + a (f − f*)`` subject to ``σ_int² ≤ 1`` (normalised units, where
    ``a`` becomes ``a·L``). SGD and SPS_max only (NGN's potential has a second noise term).
    """
    alpha = V.real("alpha", alpha, positive=True)
    beta = V.real("beta", beta, nonneg=True)
    L = V.real("L", L, positive=True)
    V.constants(alpha=alpha, beta=beta, L=L, D0_sq=1.0, sigma2=0.0)
    a = V.real("a", a, nonneg=True)
    if isinstance(rule, NGN):
        raise ValueError("b_of_a: NGN's potential has two noise terms; use telescoped")
    n, model, nrule, bl = _prepare(rule, alpha, beta, L, n, model, cells_per_step)
    pb = new_problem()
    obj, sig = 0, 0
    for cellset in bl:
        cls, d2, Ed2, gap = _one_step(pb, nrule, n=n, alpha=alpha, beta=beta, model=model,
                                      cellset=cellset)
        obj = obj + (Ed2 - d2) + (a * L) * gap
        sig = sig + cls.sigma_int2()
    pb.add_constraint(sig <= 1.0)
    pb.set_performance_metric(obj)
    res = solve(pb, solver=solver, scale=1.0 / L,
                what=f"b(a) of the one-step potential at a = {a:g} ({model}), {rule.name}")
    from PEPit import Point

    return res.with_(size={"gram": Point.counter,
                           "constraints": len(pb._list_of_prepared_constraints),
                           "blocks": len(bl)})
