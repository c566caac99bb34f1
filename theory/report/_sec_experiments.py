r"""Section ``experiments``: the paper's §5 on small networks (torch), CPU-sized
(MATHEMATICS.md §8)."""

from __future__ import annotations

from ._common import fmt, run_parts, section, table
from ._model import NOT_MEASURED, Claim, Config, Section
from ._output import scrub

__all__ = ["experiments"]


_EXPERIMENTS = ("width", "batch", "depth", "teacher")


def _experiment_keys(cfg: Config) -> list:
    try:
        import torch  # noqa: F401
    except ImportError:
        return []
    return list(_EXPERIMENTS)


def _experiment_part(cfg: Config, key: str, progress):
    """One sweep (one torch thread: the report's two workers share the cores)."""
    from ..studies.experiments import mlp, teacher
    from ..studies.experiments._common import torch_threads

    run = {"width": mlp.width_sweep, "batch": mlp.batch_sweep, "depth": mlp.depth_sweep,
           "teacher": teacher.teacher_student}[key]
    with torch_threads(1):
        return run(quick=cfg.quick, seed=cfg.seed, progress=progress)


@section("experiments", "The paper's §5 at toy scale: networks through the x^K protocol",
         parts=(_experiment_keys, _experiment_part))
def experiments(cfg: Config, ctx: dict, progress) -> Section:
    try:
        import torch  # noqa: F401
    except ImportError:
        return Section("experiments", "", data={"skipped": "torch is not installed"},
                       markdown="torch is not installed (`pip install 'toylands[torch]'`): the "
                       "network experiments were not run.\n",
                       claims=[Claim("ab-width-peak", "[AB] §5; MATHEMATICS.md §8",
                                     "§5 experiments", "torch not installed", NOT_MEASURED)])
    from ..studies.experiments import mlp
    from ..studies.experiments.claims import claims

    width, batch, depth, ts = run_parts(experiments, cfg, ctx, progress)
    t2 = mlp.table2(quick=cfg.quick, seed=cfg.seed, width=width, batch=batch, depth=depth)
    data = scrub({"mlp-width": width, "batch-size": batch, "table2": t2, "teacher-student": ts})
    out = []
    for name, res in data.items():
        out += claims(name, res)
    md = ["All numbers use the paper's proxies (x^K for Proj(x^k, S), f_i* = 0) on networks "
          "whose S is unknown, except the teacher–student's exact projection. α*, β*: the "
          "smallest workable pair of the proxy region on the paper's grid (α ≥ β + 0.1); "
          "σ_int² ≈ f(x^K). CPU-sized: digits subsets of "
          f"{width['n']} images.\n",
          table(["width", "params", "f(x^K)", "train acc.", "α*", "β*", "β* σ²"],
                [[r["width"], r["params"], fmt(r["final_loss"], 3), fmt(r["train_accuracy"], 3),
                  fmt(r["alpha"], 4), fmt(r["beta"], 4), fmt(r["term"], 3)]
                 for r in width["rows"]]),
          table(["batch", "α*", "β*", "gap at α = 10", "β* σ²"],
                [[r["batch"], fmt(r["alpha"], 4), fmt(r["beta"], 4),
                  fmt(r["gap_at_alpha_ref"], 4), fmt(r["term"], 3)] for r in batch["rows"]]),
          table(["depth", "β* σ²"], [[r["depth"], fmt(r["term"], 3)]
                                     for r in t2["depth"]["rows"]]),
          table(["teacher–student", "α*", "β*", "α_min"],
                [[k, fmt(ts[k]["alpha"], 4), fmt(ts[k]["beta"], 4), fmt(ts[k]["alpha_min"], 4)]
                 for k in ("proxy", "exact")])]
    return Section("experiments", "", data=data, markdown="\n".join(md),
                   claims=[Claim(c["id"], c["source"], c["claim"], c["measured"], c["verdict"])
                           for c in out])



