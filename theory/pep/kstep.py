r"""The exact K-step PEP: the worst case of ``min_{0≤k<K} E[f(x^k) − f*]`` over the α-β class.

The expectation over the sampled indices is exact: the PEP branches over the n indices at every
step, so the iterates form a tree with ``n^k`` nodes at depth k, each of probability ``n^{−k}``,
and

.. math:: E[f(x^k) - f^*] = n^{-k} \sum_{\text{depth-}k\text{ nodes } x} (f(x) - f^*).

The PEP maximises ``min_{k<K}`` of these (PEPit's several performance metrics) over members of
the class (:mod:`theory.pep.alpha_beta`), with ``dist(x⁰, S)² ≤ D₀²`` and ``σ_int² ≤ σ²``. Every
iterate of depth ``< K`` has its own projection point; the iterates of depth K do not enter the
metric and are left out (adding them could only lower the value: the relaxation stays valid).

For SPS_max and NGN the step of every branch lies in a cell of its step-size interval
(:mod:`theory.pep.steps`); the worst case is the largest over all assignments of cells to
branches (one SDP each), and it is ``optimal`` only when every one of them is.
"""

from __future__ import annotations

import itertools

from . import _validate as V
from ._backend import new_problem, solve
from .alpha_beta import AlphaBetaClass, Units
from .result import PEPResult, combine_max
from .steps import NGN, SGD, SPSMax, apply, cells, is_adaptive

__all__ = ["worst_case", "MAX_SDPS"]

# Assignments of cells to branches beyond which an adaptive K-step PEP is refused.
MAX_SDPS = 64


def _build(rule, units, *, alpha, beta, K, n, D, s2, sp2, model, assignment):
    pb = new_problem()
    ngn = isinstance(rule, NGN)
    cls = AlphaBetaClass(pb, n=n, alpha=alpha, beta=beta, L=1.0, model=model, nonnegative=ngn)
    x0 = pb.set_initial_point()
    xp0 = cls.iterate(x0)
    pb.set_initial_condition((x0 - xp0) ** 2 <= units.dist2(D))
    level = [(x0, xp0)]
    branch = 0
    for k in range(K):
        pb.set_performance_metric(sum(cls.f(x) for x, _ in level) / len(level) - cls.fstar)
        if k == K - 1:
            break
        nxt = []
        for x, xp in level:
            for i in range(n):
                cell = assignment[branch] if assignment else None
                branch += 1
                xn = apply(rule, cls, x, xp, i, k, cell)
                nxt.append((xn, cls.iterate(xn, parent=xp)))
        level = nxt
    pb.add_constraint(cls.sigma_int2() <= units.value(s2))
    if ngn:
        _sigma_pos(pb, cls, units.value(sp2))
    cls.finalize()
    return pb, cls


def _sigma_pos(pb, cls, bound):
    """``σ_pos² ≤ bound``; at 0 as equalities ``f_i* = 0`` (no interior: kinder to the solver)."""
    if bound == 0.0:
        for fi in cls.fi_star:
            pb.add_constraint(fi == 0)
        return None
    c = cls.sigma_pos2() <= bound
    pb.add_constraint(c)
    return c


def worst_case(rule, *, alpha, beta, L, K, n=2, D0_sq, sigma2, sigma_pos2=None, model="class",
               solver="clarabel", cells_per_step=4) -> PEPResult:
    r"""The worst case of ``min_{k<K} E[f(x^k) − f*]`` over the α-β class (an upper bound on it,
    up to the solver's accuracy, exact where the class's constraints are interpolation
    conditions; see :mod:`theory.pep.alpha_beta`).

    Parameters
    ----------
    rule : SGD, SPSMax or NGN
        The method (:mod:`theory.pep.steps`), in the caller's units.
    alpha, beta, L : float
        The class: α > β ≥ 0, every f_i L-smooth.
    K : int
        Iterates ``x⁰ … x^{K−1}`` in the minimum.
    n : int
        Number of functions (the tree has ``Σ_{k<K} n^k`` iterates; the Gram matrix's order
        is at most :data:`theory.pep._validate.MAX_GRAM`: n = 2 up to K = 4, n = 3 and 4 up to
        K = 2).
    D0_sq, sigma2 : float
        ``dist(x⁰, S)² ≤ D0_sq``, ``σ_int² ≤ sigma2``.
    sigma_pos2 : float, optional
        NGN only: ``σ_pos² = (1/n) Σ f_i* ≤ sigma_pos2`` (default: sigma2's value is not
        assumed; it is required for NGN).
    model : {"class", "proof"}
        Every constraint of the class, or only those of Theorem 1's proof.
    solver : {"clarabel", "scs"}
    cells_per_step : int
        SPS_max / NGN: cells per step-size interval (one SDP per assignment of cells to
        branches; at most :data:`MAX_SDPS`).

    Returns
    -------
    PEPResult
        ``value`` in the caller's units; ``size`` with the tree's nodes and the SDP's size.

    With one iterate (K = 1) the worst case is ``L·D₀²/2`` (``tests/test_pep.py``).
    """
    alpha, beta, L, D, s2 = V.constants(alpha=alpha, beta=beta, L=L, D0_sq=D0_sq, sigma2=sigma2)
    K, n, nodes = V.tree_size(K, n)
    model = V.check_model(model)
    if not isinstance(rule, SGD | SPSMax | NGN):
        raise TypeError(f"rule must be SGD, SPSMax or NGN, got {type(rule).__name__}")
    sp2 = None
    if isinstance(rule, NGN):
        if sigma_pos2 is None:
            raise ValueError("sigma_pos2 is required for NGN (sigma_pos^2 = mean f_i*)")
        sp2 = V.real("sigma_pos2", sigma_pos2, nonneg=True)
    if isinstance(rule, SGD) and isinstance(rule.gamma, tuple) and len(rule.gamma) < K - 1:
        raise ValueError(f"the step schedule has {len(rule.gamma)} entries; K = {K} needs "
                         f"{K - 1}")
    units = Units(L, D)
    nrule = rule.normalized(L)
    what = f"min_(k<{K}) E[f(x^k) - f*] over the alpha-beta class ({model}), {rule.name}"
    kw = dict(alpha=alpha, beta=beta, K=K, n=n, D=D, s2=s2, sp2=sp2, model=model)
    if not is_adaptive(nrule):
        return _one(nrule, units, kw, None, solver, what, nodes)
    cs = cells(nrule, cells_per_step)
    branches = n * sum(n**k for k in range(K - 1))
    count = len(cs) ** branches
    if count > MAX_SDPS:
        raise ValueError(f"cells_per_step = {len(cs)} over {branches} branches gives {count} SDPs "
                         f"(at most {MAX_SDPS}); lower K or cells_per_step")
    parts = [_one(nrule, units, kw, a, solver, what, nodes)
             for a in itertools.product(cs, repeat=branches)]
    out = combine_max(parts, what=what)
    return out.with_(size={**out.size, "nodes": nodes, "cells_per_step": len(cs)})


def _one(rule, units, kw, assignment, solver, what, nodes):
    pb, cls = _build(rule, units, assignment=assignment, **kw)
    from PEPit import Point

    res = solve(pb, solver=solver, scale=units.value_scale, what=what)
    size = {"nodes": nodes, "gram": Point.counter,
            "constraints": len(getattr(pb, "_list_of_prepared_constraints", [])), **cls.size()}
    return res.with_(size=size)
