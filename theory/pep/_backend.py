r"""The one module that talks to PEPit, cvxpy and the SDP solvers.

- :func:`require` imports PEPit and cvxpy, or raises an ``ImportError`` that names the ``pep``
  extra; :func:`available` says whether they import.
- :func:`new_problem` starts a PEP whose feasibility check records the accuracy of the solve
  (PEPit keeps class-level state: build and solve one problem at a time).
- :func:`solve` solves it with an open-source solver (Clarabel, an interior-point method, or
  SCS, a first-order one) and returns a :class:`theory.pep.result.PEPResult` with the solver's
  status and every accuracy measure; PEPit's and the solver's printing is captured, never left
  on stdout.

What "accurate" means (:data:`TOLERANCES`), checked by us whatever the solver's status says
(a solver's "optimal_inaccurate" passes when these pass; its "optimal" fails when they fail):
the problems are solved in normalised units (L = 1 and an initial distance of order 1, see
:mod:`theory.pep.alpha_beta`), so absolute tolerances apply to quantities of order one: the
duality gap, the primal constraint violation, the most negative eigenvalue of the Gram matrix
and of the dual residual matrix, the most negative multiplier of an inequality, and the largest
coefficient of the objective that the dual certificate does not reproduce (``proof_residual``).
"""

from __future__ import annotations

import contextlib
import io
import time
import warnings

import numpy as np

from .result import PEPResult

__all__ = ["require", "available", "SOLVERS", "TOLERANCES", "new_problem", "solve",
           "installed_solvers"]

# Our name -> cvxpy's name and the options that make the solver as accurate as it can be.
SOLVERS = {
    "clarabel": ("CLARABEL", {}),
    "scs": ("SCS", {"eps": 1e-8, "max_iters": 200_000}),
}

# Tolerances per solver, relative to max(1, |value|) in normalised units; the first-order SCS is
# allowed less accuracy. Clarabel's dual side (the certificate's leftover at the primal point)
# is held to 1e-5: its interior-point duals are accurate to ~1e-6 relative on these problems.
TOLERANCES = {
    "clarabel": {"gap": 1e-6, "primal": 1e-6, "dual": 1e-5},
    "scs": {"gap": 1e-4, "primal": 1e-4, "dual": 1e-4},
}


def require():
    """Import PEPit and cvxpy, or raise an ``ImportError`` that says how to install them."""
    try:
        import cvxpy
        import PEPit
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise ImportError(
            "theory.pep needs the optional extra 'pep' (PEPit, cvxpy and an open-source SDP "
            "solver): pip install 'toylands[pep]'"
        ) from exc
    return PEPit, cvxpy


def available() -> bool:
    """True when PEPit and cvxpy are installed (the ``pep`` extra), found without importing
    them: importing them takes 2-3 s (cvxpy imports scipy.stats), which a report whose PEP
    results are all remembered (``theory.pep.theorems``) never needs. A broken installation
    fails in :func:`require`, with its ImportError."""
    from importlib.util import find_spec

    return all(find_spec(m) is not None for m in ("PEPit", "cvxpy"))


def installed_solvers() -> tuple[str, ...]:
    """Our names of the solvers of :data:`SOLVERS` that cvxpy can call here."""
    _, cp = require()
    have = set(cp.installed_solvers())
    return tuple(name for name, (cvx, _) in SOLVERS.items() if cvx in have)


def _check_solver(solver: str) -> str:
    if not isinstance(solver, str):
        raise TypeError(f"solver must be a string, got {type(solver).__name__}")
    s = solver.strip().lower()
    if s not in SOLVERS:
        raise ValueError(f"solver must be one of {', '.join(SOLVERS)}; got {solver!r}")
    if s not in installed_solvers():
        raise ValueError(f"solver {s!r} is not installed (pip install 'toylands[pep]')")
    return s


def new_problem():
    """A fresh PEP (PEPit's ``PEP``) whose feasibility check records accuracy measures."""
    PEPit, _ = require()
    return _metered_class(PEPit)()


_METERED = None


def _metered_class(PEPit):
    global _METERED
    if _METERED is None:

        class MeteredPEP(PEPit.PEP):
            """PEPit's PEP with a feasibility check that stores its measures in ``accuracy``."""

            accuracy: dict

            def check_feasibility(self, wc_value, verbose=0):
                self.accuracy, dual = _accuracy(self, wc_value)
                return dual

        _METERED = MeteredPEP
    return _METERED


def _accumulate(expr, weight, F, G, const):
    """Add ``weight · expr`` to the coefficient arrays (F over leaf expressions, G over pairs)."""
    from PEPit import Expression

    if expr.get_is_leaf():
        F[expr.counter] += weight
        return const
    for key, w in expr.decomposition_dict.items():
        if isinstance(key, Expression):
            F[key.counter] += weight * w
        elif isinstance(key, tuple):
            p, q = key
            G[p.counter, q.counter] += weight * w / 2
            G[q.counter, p.counter] += weight * w / 2
        else:  # the constant 1
            const += weight * w
    return const


def _accuracy(problem, wc_value):
    """The primal and dual accuracy of a solved PEP, and its dual objective.

    The dual certificate says ``objective = dual + Σ λ_c e_c − <R, G>`` identically in
    (F, G), where ``e_c ≤ 0`` (or ``= 0``) are the constraints, ``λ_c ≥ 0`` their multipliers
    and ``R ⪰ 0`` the residual matrix; then ``objective ≤ dual`` at every feasible point.
    ``proof_residual`` is the largest absolute coefficient left over in that identity (the
    largest, not the sum, so that the tolerance does not depend on the problem's size), and
    ``certificate_error`` the leftover evaluated at the primal solution.
    """
    from PEPit import Expression, Point

    cons = problem._list_of_prepared_constraints
    nF, nG = Expression.counter, Point.counter
    F, G = np.zeros(nF), np.zeros((nG, nG))
    const = _accumulate(problem.objective, 1.0, F, G, 0.0)
    viol, neg_dual = 0.0, 0.0
    for c in cons:
        lam = float(c.eval_dual())
        v = float(c.eval())
        if c.equality_or_inequality == "inequality":
            viol = max(viol, v)
            neg_dual = max(neg_dual, -lam)
        else:
            viol = max(viol, abs(v))
        if lam != 0.0:
            const = _accumulate(c.expression, -lam, F, G, const)
    R = np.asarray(problem.residual, dtype=float)
    G += R
    dual = const
    Gv = np.asarray(problem.G_value, dtype=float)
    # smallest eigenvalues relative to the matrices' size (their largest diagonal entry, ≥ 1)
    eig_G = float(np.min(np.linalg.eigvalsh(Gv)) / max(1.0, np.max(np.diag(Gv)))) if nG else 0.0
    eig_R = float(np.min(np.linalg.eigvalsh(R)) / max(1.0, np.max(np.diag(R)))) if nG else 0.0
    acc = {
        "primal": float(wc_value),
        "dual": float(dual),
        "gap": float(dual - wc_value),
        "primal_violation": viol,
        "gram_min_eig": eig_G,
        "residual_min_eig": eig_R,
        "dual_negativity": neg_dual,
        "proof_residual": float(max(np.abs(F).max(initial=0.0), np.abs(G).max(initial=0.0))),
        # the leftover terms at the primal solution: how far the dual value is from a certificate
        # there (relative to the objective's size in the report's tolerance)
        "certificate_error": float(abs(F @ np.asarray(problem.F_value, dtype=float)
                                       + np.sum(G * Gv))) if nG else 0.0,
    }
    return acc, dual


def _ok(acc: dict, tol: dict) -> tuple[bool, str]:
    scale = max(1.0, abs(acc["dual"]))
    bad = []
    if abs(acc["gap"]) > tol["gap"] * scale:
        bad.append(f"duality gap {acc['gap']:.3g}")
    if acc["primal_violation"] > tol["primal"] * scale or acc["gram_min_eig"] < -tol["primal"]:
        bad.append(f"primal infeasibility {max(acc['primal_violation'], -acc['gram_min_eig']):.3g}")
    dual_err = max(acc["dual_negativity"], -acc["residual_min_eig"], acc["proof_residual"],
                   acc["certificate_error"])
    if dual_err > tol["dual"] * scale:
        bad.append(f"dual infeasibility {dual_err:.3g}")
    return not bad, "; ".join(bad)


def solve(problem, *, solver: str = "clarabel", scale: float = 1.0, size: dict | None = None,
          what: str = "") -> PEPResult:
    r"""Solve a PEP built on :func:`new_problem`; never raises for a failed or inaccurate solve.

    ``scale`` multiplies every value to undo the normalisation (see
    :mod:`theory.pep.alpha_beta`); accuracy measures stay in normalised units. The returned
    result has ``value`` None unless the status is ``"optimal"`` and every accuracy measure is
    within :data:`TOLERANCES` (then ``status`` is ``"inaccurate"`` and ``reason`` says which).
    """
    s = _check_solver(solver)
    _, cp = require()
    cvx_name, opts = SOLVERS[s]
    out = io.StringIO()
    t0 = time.perf_counter()
    status, reason, wc, acc = "failed", "", None, {}
    try:
        with contextlib.redirect_stdout(out), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            wc = problem.solve(wrapper="cvxpy", solver=cvx_name, verbose=0,
                               return_primal_or_dual="dual", **opts)
        for w in caught:  # cvxpy's "may be inaccurate": the status says it; keep it in the log
            out.write(f"warning: {w.message}\n")
        raw = str(problem.wrapper.prob.status)
    except cp.error.SolverError as exc:
        raw, reason = "solver_error", f"the solver failed: {exc}"
    seconds = time.perf_counter() - t0
    if wc is not None and raw in ("optimal", "optimal_inaccurate"):
        acc = dict(problem.accuracy)
        good, why = _ok(acc, TOLERANCES[s])
        # "optimal_inaccurate" (the solver met only its reduced tolerances) is accepted when our
        # own checks, stricter than those, pass: the value is then as good as any "optimal".
        status = "optimal" if good else "inaccurate"
        reason = "" if good else why
    elif raw in ("unbounded", "unbounded_inaccurate"):
        status, reason = "unbounded", "the worst case is unbounded (no finite bound over the class)"
    elif raw in ("infeasible", "infeasible_inaccurate"):
        status, reason = "infeasible", "the constraints admit no point (an empty class)"
    elif raw != "solver_error":
        reason = f"solver status {raw}"
    value = float(wc) * scale if status == "optimal" else None
    primal = acc.get("primal")
    return PEPResult(
        what=what,
        value=value,
        primal=None if primal is None else float(primal) * scale,
        status=status,
        solver=s,
        reason=reason,
        accuracy=acc,
        seconds=seconds,
        size=dict(size or {}),
        log=out.getvalue(),
        solver_status=raw,
    )
