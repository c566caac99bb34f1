r"""What a PEP solve returns: the value with its status and accuracy, never a bare number.

A :class:`PEPResult` carries ``value`` only when the solver says ``optimal`` and every accuracy
measure is within tolerance (:data:`theory.pep._backend.TOLERANCES`); otherwise ``value`` is
None, ``status`` is ``"inaccurate"``, ``"unbounded"``, ``"infeasible"`` or ``"failed"`` and
``reason`` says why. :meth:`PEPResult.bound` is the way to use the value as a bound: it raises
:class:`PEPSolveError` when there is none.

``to_json`` leaves out the solve time and the accuracy measures unless asked (``timings=True``),
so that the JSON of the same input is byte-identical between runs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

__all__ = ["PEPResult", "PEPSolveError", "combine_max"]

# Significant digits kept in JSON values (the solvers are accurate to ~1e-7 relative at best).
JSON_DIGITS = 9


class PEPSolveError(RuntimeError):
    """A PEP had no accurate optimal solution, so it gives no bound."""


def _round(v):
    if v is None or not isinstance(v, float):
        return v
    if not math.isfinite(v):
        return None
    return float(f"{v:.{JSON_DIGITS}g}")


@dataclass(frozen=True)
class PEPResult:
    r"""One worst-case value of a performance-estimation problem.

    Attributes
    ----------
    what : str
        What was maximised, in words.
    value : float or None
        The dual objective (an upper bound on the worst case over the class, up to the accuracy
        below), in the caller's units; None unless ``status == "optimal"``.
    primal : float or None
        The objective at the primal solution found (the same number up to the duality gap).
    status : str
        ``"optimal"`` (accurate), ``"inaccurate"``, ``"unbounded"``, ``"infeasible"``,
        ``"failed"``.
    solver : str
        ``"clarabel"`` or ``"scs"``.
    reason : str
        Why the status is not ``"optimal"`` (empty otherwise).
    accuracy : dict
        Duality gap, primal violation, smallest eigenvalues of the Gram and residual matrices,
        most negative multiplier, proof residual (normalised units).
    seconds : float
        Wall time of the solve (with PEPit's set-up).
    size : dict
        Gram matrix order, number of scalar constraints, points, tree nodes.
    duals : dict
        Named multipliers the caller asked for (e.g. the potential constants).
    log : str
        What PEPit and the solver printed (captured, never on stdout).
    solver_status : str
        The solver's own status (cvxpy's words); ``status`` is ours, from the checks above.
    """

    what: str
    value: float | None
    primal: float | None
    status: str
    solver: str
    reason: str = ""
    accuracy: dict = field(default_factory=dict)
    seconds: float = 0.0
    size: dict = field(default_factory=dict)
    duals: dict = field(default_factory=dict)
    log: str = ""
    solver_status: str = ""

    @property
    def ok(self) -> bool:
        """True when the value is an accurate optimum."""
        return self.status == "optimal" and self.value is not None

    def bound(self) -> float:
        """The value, or :class:`PEPSolveError` when the solve gave none."""
        if not self.ok:
            raise PEPSolveError(f"{self.what}: no bound ({self.status}: {self.reason})")
        return float(self.value)

    def with_(self, **changes) -> PEPResult:
        """A copy with some fields changed."""
        return replace(self, **changes)

    def to_json(self, *, timings: bool = False) -> dict:
        """JSON-able dict; the solve time and accuracy measures only with ``timings``."""
        out = {
            "what": self.what,
            "worst_case": _round(self.value),
            "status": self.status,
            "solver": self.solver,
            "solver_status": self.solver_status,
            "reason": self.reason,
            "size": dict(self.size),
        }
        if self.duals:
            out["duals"] = {k: _round(float(v)) for k, v in self.duals.items()}
        if timings:
            out["primal"] = self.primal
            out["accuracy"] = dict(self.accuracy)
            out["seconds"] = self.seconds
        return out


def combine_max(results, *, what: str) -> PEPResult:
    r"""The largest of several results (a worst case over a union of cases).

    Optimal only when every part is optimal (a maximum that skips an inaccurate part is not a
    bound); sizes and times are summed, the accuracy is the worst over the parts.
    """
    results = list(results)
    if not results:
        raise ValueError("combine_max needs at least one result")
    bad = [r for r in results if not r.ok]
    seconds = sum(r.seconds for r in results)
    size = {"sdps": len(results)}
    for key in ("gram", "constraints"):
        vals = [r.size.get(key, 0) for r in results]
        size[key + "_max"] = max(vals)
    acc = {}
    for r in results:
        for k, v in r.accuracy.items():
            if k in ("primal", "dual"):
                continue
            if k in ("gram_min_eig", "residual_min_eig"):
                acc[k] = min(acc.get(k, math.inf), v)
            elif k == "gap":
                acc[k] = max(acc.get(k, 0.0), abs(v))
            else:
                acc[k] = max(acc.get(k, -math.inf), v)
    solver = results[0].solver
    statuses = sorted({r.solver_status for r in results})
    sstat = statuses[0] if len(statuses) == 1 else ", ".join(statuses)
    if bad:
        worst = bad[0]
        return PEPResult(what, None, None, worst.status, solver,
                         f"{len(bad)} of {len(results)} cases: {worst.reason}", acc, seconds, size,
                         solver_status=sstat)
    top = max(results, key=lambda r: r.value)
    return PEPResult(what, top.value, top.primal, "optimal", solver, "", acc, seconds, size,
                     dict(top.duals), solver_status=sstat)
