r"""The relative cost of each report job, and the ``k/N`` progress lines with the time left."""

from __future__ import annotations

import threading
import time

from ._model import format_step

__all__ = ["job_cost"]


# Relative cost of each job (seconds of the default report in one of two workers on a quiet 2-core
# machine, with the ground truth, proofs, region maps and PEP solves cached: measured 2026-11-26
# in a report's second run; a section made of parts is listed part by part, "section/key").
# They order the jobs, longest first, so that two workers finish together, and turn the jobs
# done into an estimate of the time left.
_COST = {
    "experiments/batch": 10.0,
    "experiments/width": 8.5,
    "fig_rates": 5.5,
    "fig_regions": 5.5,
    "fig_proxy": 5.0,
    "theorems/informative": 5.0,
    "regions/least-squares": 4.5,
    "fig_halfspace": 4.0,
    "fig_pep": 4.0,
    "fig_surfaces": 3.5,
    "theorems/least-squares": 3.5,
    "theorems/two-layer-relu": 3.5,
    "experiments/depth": 3.0,
    "experiments/teacher": 3.0,
    "theorems/example3": 3.0,
    "fig_trajectories": 2.5,
    "protocol/half-space": 2.5,
    "theorems/matrix-factorization": 2.5,
    "paper_claims/batch": 2.0,
    "protocol/example6": 2.0,
    "theorems/example1": 2.0,
    "theorems/example2": 2.0,
    "theorems/half-space": 2.0,
    "fig_experiments": 1.5,
    "fig_overparam": 1.5,
    "protocol/example2": 1.5,
    "protocol/matrix-factorization": 1.5,
    "theorems/example6": 1.5,
    "overparam": 1.0,
    "paper_claims/half-space": 1.0,
    "paper_claims/matrix-factorization": 1.0,
    "protocol/example1": 1.0,
    "protocol/example3": 1.0,
    "regions/example3-printed": 1.0,
    "regions/remark1-bumps": 1.0,
    "ground_truth": 0.5,
    "pep/1": 0.5,
    "pep/2": 0.5,
    "pep/3": 0.5,
    "regions/example1": 0.5,
    "regions/example2": 0.5,
    "regions/example6": 0.5,
    "regions/matrix-factorization": 0.5,
    "regions/remark1-valley": 0.5,
    "certification": 0.5,
    "paper_claims/two-layer-relu": 0.5,
    "paper_text": 0.1,
    "regions/example3": 0.5,
    "regions/half-space": 0.5,
    "regions/two-layer-relu": 0.5,
}
_DEFAULT_COST = 2.0

# The same for ``--quick`` (its budgets shrink some jobs far more than others: the experiments
# 4x, the figures 1.6x), measured in the same way.
_COST_QUICK = {
    "fig_proxy": 3.5,
    "fig_rates": 3.5,
    "fig_regions": 3.5,
    "fig_halfspace": 3.0,
    "experiments/batch": 2.5,
    "fig_pep": 2.5,
    "theorems/matrix-factorization": 2.5,
    "experiments/width": 2.0,
    "experiments/teacher": 1.5,
    "fig_surfaces": 1.5,
    "paper_claims/batch": 1.5,
    "paper_claims/matrix-factorization": 1.5,
    "regions/least-squares": 1.5,
    "experiments/depth": 1.0,
    "fig_experiments": 1.0,
    "fig_overparam": 1.0,
    "fig_trajectories": 1.0,
    "regions/example3-printed": 1.0,
    "theorems/example3": 1.0,
    "theorems/half-space": 1.0,
    "theorems/least-squares": 1.0,
    "ground_truth": 0.5,
    "protocol/example6": 0.5,
    "protocol/half-space": 0.5,
    "protocol/matrix-factorization": 0.5,
    "regions/matrix-factorization": 0.5,
    "theorems/example1": 0.5,
    "theorems/example2": 0.5,
    "theorems/example6": 0.5,
    "theorems/informative": 0.5,
    "theorems/two-layer-relu": 0.5,
    "certification": 0.5,
    "overparam": 0.5,
    "paper_claims/half-space": 0.5,
    "paper_claims/two-layer-relu": 0.5,
    "paper_text": 0.1,
    "pep/1": 0.5,
    "pep/2": 0.5,
    "pep/3": 0.5,
    "protocol/example1": 0.5,
    "protocol/example2": 0.5,
    "protocol/example3": 0.5,
    "regions/example1": 0.5,
    "regions/example2": 0.5,
    "regions/example3": 0.5,
    "regions/example6": 0.5,
    "regions/half-space": 0.5,
    "regions/remark1-bumps": 0.5,
    "regions/remark1-valley": 0.5,
    "regions/two-layer-relu": 0.5,
}


def _cost(job, quick: bool = False) -> float:
    """A job's cost (``quick``: in the ``--quick`` report); a section made of parts run as one
    job costs the sum of its parts."""
    table = _COST_QUICK if quick else _COST
    if job[1] in table:
        return table[job[1]]
    parts = [v for k, v in table.items() if k.startswith(f"{job[1]}/")]
    return sum(parts) if parts else _DEFAULT_COST


class _Tally:
    """Counts finished jobs and writes ``k/N`` lines with the time left: the elapsed time scaled
    by the cost still to run over the cost run so far (``_COST``), which is exact when the
    costs are proportional to the true times."""

    def __init__(self, jobs, progress, quick: bool = False):
        self.quick = quick
        self.total = len(jobs)
        self.cost_total = sum(_cost(j, quick) for j in jobs)
        self.cost_done = 0.0
        self.done = 0
        self.t0 = time.perf_counter()
        self.progress = progress
        self.lock = threading.Lock()  # pool callbacks arrive on the pool's result thread

    def finished(self, job) -> None:
        with self.lock:
            self.done += 1
            self.cost_done += _cost(job, self.quick)
            elapsed = time.perf_counter() - self.t0
            left = elapsed * (self.cost_total - self.cost_done) / max(self.cost_done, 1e-9)
            self.progress(format_step(self.done, self.total, f"{job[0]} {job[1]}", left))


def job_cost(job) -> float:
    """The cost of a job ``(kind, name)`` (see ``_COST``)."""
    return _cost(job)
