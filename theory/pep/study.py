r"""The triangle per theorem: measured on a landscape ≤ worst case over the class ≤ the bound.

:func:`triangle_study` is what the report's ``pep`` section and ``figures/fig_pep.py`` show: for
each theorem covered, every landscape that fits a PEP instance (:func:`theory.pep.landscape.
fitting`) with its measured value, the class's worst case and the bound at small K; on the best
landscape (the largest measured/worst-case ratio at K = 2), the three against K; and what the
gap says about the proof (:func:`verdict`).

- **measured** ``min_{k<K} E[f(x^k) − f*]`` from the landscape's start x⁰: exact up to
  ``EXACT_TREE_K`` (branching over the n indices, :func:`theory.pep.landscape.expectations`),
  beyond by :func:`theory.optim.simulate.simulate` from the same x⁰ (Monte Carlo, with the 95%
  interval of :func:`theory.optim.compare.measure`);
- **worst case**: the exact K-step PEP where tractable, and the telescoped one-step potential
  bound for every K (an upper bound on the worst case);
- **bound**: the theorem's (:mod:`theory.optim.bounds`), and the potential constants it implies
  (:func:`implied_constants`), set beside the best ones over the class.

Everything returned is JSON-able and holds no timings (the report must be byte-stable).
"""

from __future__ import annotations

import math

import numpy as np

from . import landscape as PL
from . import theorems as T

__all__ = ["triangle_study", "implied_constants", "verdict", "EXACT_TREE_K", "STUDY_THEOREMS"]

EXACT_TREE_K = 12  # 2^11 leaves: exact expectations up to here, Monte Carlo beyond
STUDY_THEOREMS = ("1", "2", "3")
_NAMES = ("example1", "example2", "example3", "example6")


def implied_constants(inst: T.Instance, K: int) -> dict | None:
    r"""The potential ``(a, b[, b_pos])`` whose telescoped bound is the theorem's bound:
    ``a = D₀²/(K · initial term)`` and ``b σ² / a`` = the terms in σ_int² (``b_pos`` likewise
    for σ_pos²). For Theorem 1, ``a = γ(α − β)`` and ``b = 2γ(β + Lγ)`` (the proof's)."""
    try:
        bd = inst.bound(K)
    except ValueError:
        return None
    terms = dict(bd.terms)
    a = inst.D0_sq / (K * terms.pop("initial"))
    pos = terms.pop("positivity", 0.0)
    out = {"a": a, "b": a * sum(terms.values()) / inst.sigma2 if inst.sigma2 > 0 else 0.0}
    if inst.theorem == "3":
        out["b_pos"] = a * pos / inst.sigma_pos2 if inst.sigma_pos2 > 0 else 0.0
    return out


def _rel(x, y):
    return abs(x - y) / max(abs(x), abs(y), 1e-300)


def verdict(theorem: str, curve: dict) -> str:
    r"""What the gap between the bound and the worst case says about the theorem's proof, in
    words, from the numbers of one curve (the largest K and the exact PEP's largest K)."""
    Ks, bd, pot, ex = curve["K"], curve["bound"], curve["potential"], curve["exact"]
    j = len(Ks) - 1
    if bd[j] is None or pot[j] is None:
        return "no comparison (the bound or the potential PEP is missing)."
    ratio = bd[j] / pot[j]
    imp, best = curve["implied"], curve["best_pair"]
    pair = (f"the theorem's bound is the telescoped bound of the potential a = {imp['a']:.4g}, "
            f"b = {imp['b']:.4g}; the best over the class is a = {best['a']:.4g}, "
            f"b = {best['b']:.4g}")
    jx = max((i for i, v in enumerate(ex) if v is not None), default=None)
    tail = ""
    top = curve["half_L_D0sq"]
    if all(b is not None and b >= top for b in bd):
        tail += (f" Every bound shown exceeds L·D₀²/2 = {top:.4g}, the class's worst case at "
                 "K = 1, which min_{k<K} never exceeds: on this instance the theorem is "
                 "vacuous.")
    if jx is not None and bd[jx] is not None:
        tail += (f" The exact worst case at K = {Ks[jx]} is {ex[jx]:.4g}, {bd[jx] / ex[jx]:.3g}× "
                 "below the bound: what the potential argument (telescoping a distance, then "
                 "min ≤ average) gives away at small K.")
    if ratio < 1 + 1e-4:
        return (f"Tight as a one-step potential argument: at K = {Ks[j]} the bound equals the "
                f"best telescoped potential over the class ({pair}). No per-step inequality of "
                "this form can improve the theorem; only a different argument can." + tail)
    return (f"The proof is loose: at K = {Ks[j]} the bound is {ratio:.3g}× the best telescoped "
            f"potential over the class ({pair}). A proof with the best per-step constants "
            "would give the smaller bound." + tail)


def _measured_curve(land, inst, x0, Ks, *, runs, seed):
    from ..optim import compare as C
    from ..optim import optimizers as O
    from ..optim.simulate import simulate

    small = [k for k in Ks if k <= EXACT_TREE_K]
    big = [k for k in Ks if k > EXACT_TREE_K]
    out = {}
    if small:
        e = PL.expectations(land, inst.rule(max(small)), x0, max(small))
        for k in small:
            out[k] = {"value": float(np.min(e[:k])), "lo": None, "hi": None, "how": "exact"}
    if big:
        opt = {"1": lambda: O.sgd(inst.gamma), "2": lambda: O.sps_max(inst.c, inst.gamma_b),
               "3": lambda: O.ngn(inst.gamma)}[inst.theorem]()
        X0 = np.repeat(np.asarray(x0, dtype=float)[None, :], runs, axis=0)
        sim = simulate(land, opt, X0, steps=max(big), rng=np.random.default_rng(seed),
                       quiet=True)
        for k in big:
            m, (lo, hi), _, _ = C.measure(sim, K=k)
            out[k] = {"value": m, "lo": lo, "hi": hi, "how": f"Monte Carlo ({runs} runs)"}
    return [out[k] for k in Ks]


def _landscape_row(fit, exact_K, solver, progress):
    import toylands

    land, inst = toylands.get(fit.name), fit.instance
    row = {"landscape": fit.name, "instance": inst.to_json(), "x0": fit.x0.tolist(),
           "box": list(fit.box.lo[:1]) + list(fit.box.hi[:1]), "K": [], "measured": [],
           "worst_case": [], "status": [], "bound": [], "member": {}}
    chk = PL.member_check(land, inst.rule(exact_K), fit.x0, exact_K, alpha=inst.alpha,
                          beta=inst.beta, L=inst.L, box=fit.box)
    row["member"] = {k: float(v) for k, v in chk.items()}
    e = PL.expectations(land, inst.rule(exact_K), fit.x0, exact_K)
    for K in range(1, exact_K + 1):
        progress(f"Theorem {inst.theorem} on {fit.name}: exact {K}-step PEP")
        r = T.exact(inst, K, solver=solver)
        row["K"].append(K)
        row["measured"].append(float(np.min(e[:K])))
        row["worst_case"].append(r.value)
        row["status"].append(r.status)
        try:
            row["bound"].append(inst.bound(K).value)
        except ValueError:
            row["bound"].append(None)
    return row


def triangle_study(theorems=STUDY_THEOREMS, *, names=_NAMES, quick: bool = False,
                   exact_K: int | None = None, Ks=None, runs: int | None = None,
                   solver: str = "clarabel", seed: int = 0, progress=None) -> dict:
    r"""The triangle for each theorem (see the module docstring); JSON-able.

    For every theorem: ``landscapes`` (each fitting landscape's measured value, exact worst case
    and bound for ``K ≤ exact_K``, and its membership check), ``refused`` (with reasons),
    ``curves`` (per landscape, against ``Ks``), ``best`` (the largest measured/worst-case ratio
    at the largest exact K: the member nearest to the worst case) and ``verdict`` (on the best).
    ``quick`` lowers the budgets (exact PEPs at K = 1 only, Monte Carlo runs 64 instead of
    128, K up to 64 instead of 1024).
    Adaptive methods (SPS_max, NGN) take exact PEPs up to K = 2 (their tree needs one SDP per
    assignment of step-size cells).
    """
    progress = progress or (lambda msg: None)
    exact_K = (1 if quick else 3) if exact_K is None else int(exact_K)
    if Ks is None:
        Ks = [1, 2, 3, 4, 8, 16, 64] if quick else [1, 2, 3, 4, 8, 16, 64, 256, 1024]
    Ks = sorted({int(k) for k in Ks})
    runs = (64 if quick else 128) if runs is None else int(runs)
    out = {"exact_K": exact_K, "K": Ks, "theorems": {}}
    for t in theorems:
        fits = PL.fitting(t, list(names), seed=seed)
        rows, refused, curves = [], [], {}
        for fit in fits:
            if fit.instance is None:
                refused.append({"landscape": fit.name, "reason": fit.reason})
                continue
            ek = exact_K if t == "1" else min(exact_K, 2)
            row = _landscape_row(fit, ek, solver, progress)
            rows.append(row)
            curves[fit.name] = _curve(fit, Ks, row, runs=runs, seed=seed, solver=solver,
                                      progress=progress)
        entry = {"landscapes": rows, "refused": refused, "curves": curves, "best": None,
                 "verdict": ""}
        if rows:
            def score(r):
                v, w = r["measured"][-1], r["worst_case"][-1]
                return -math.inf if w is None or w <= 0 else v / w

            entry["best"] = max(rows, key=score)["landscape"]
            entry["verdict"] = verdict(t, curves[entry["best"]])
        out["theorems"][t] = entry
    return out


def _curve(fit, Ks, row, *, runs, seed, solver, progress):
    import toylands

    inst = fit.instance
    progress(f"Theorem {inst.theorem} on {fit.name}: potential PEP and measured curve")
    land = toylands.get(fit.name)
    pot, res = T.potential_curve(inst, Ks, solver=solver)
    meas = _measured_curve(land, inst, fit.x0, Ks, runs=runs, seed=seed)
    ex = {K: v for K, v in zip(row["K"], row["worst_case"])}
    bounds = []
    for K in Ks:
        try:
            bounds.append(inst.bound(K).value)
        except ValueError:
            bounds.append(None)
    pairs = [r.duals for r in res if r.ok and "a" in r.duals]
    best = min(pairs, key=lambda d: T._telescope(inst, Ks[-1], d)) if pairs else None
    return {
        "landscape": fit.name,
        "half_L_D0sq": inst.L * inst.D0_sq / 2,
        "K": Ks,
        "bound": bounds,
        "exact": [ex.get(K) for K in Ks],
        "potential": pot,
        "potential_status": [r.status for r in res],
        "measured": [m["value"] for m in meas],
        "measured_lo": [m["lo"] for m in meas],
        "measured_hi": [m["hi"] for m in meas],
        "measured_how": [m["how"] for m in meas],
        "implied": implied_constants(inst, Ks[-1]),
        "best_pair": None if best is None else {k: v for k, v in best.items() if k != "t"},
    }
