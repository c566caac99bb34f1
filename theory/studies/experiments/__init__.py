r"""The paper's §5 experiments at toy scale (MATHEMATICS.md §7–§8): networks through
``toylands.from_module`` and the streamed protocol (``theory.studies.protocol_stream``). Needs the
``torch`` extra.

``run(name, quick=False, device="cpu", seed=0)`` runs one of ``EXPERIMENTS`` and returns a
JSON-able dict; ``verdicts(results)`` turns results into claims with the numbers.
"""

from __future__ import annotations

__all__ = ["EXPERIMENTS", "run"]

EXPERIMENTS = ("mlp-width", "batch-size", "table2", "teacher-student")


def run(name: str, *, quick: bool = False, device: str = "cpu", seed: int = 0,
        progress=None, threads: int | None = 1) -> dict:
    """Run the experiment ``name`` (one of ``EXPERIMENTS``) with ``threads`` torch threads
    (default 1: the networks are tiny; see ``_common.torch_threads``)."""
    if name not in EXPERIMENTS:
        raise ValueError(f"unknown experiment {name!r}; known: {', '.join(EXPERIMENTS)}")
    try:
        import torch  # noqa: F401
    except ImportError:
        raise ValueError("the experiments need torch: pip install 'toylands[torch]'") from None
    from . import mlp, teacher
    from ._common import torch_threads

    fn = {"mlp-width": mlp.width_sweep, "batch-size": mlp.batch_sweep, "table2": mlp.table2,
          "teacher-student": teacher.teacher_student}[name]
    with torch_threads(threads):
        return fn(quick=quick, device=device, seed=seed, progress=progress)
