r"""The paper's §5 at toy scale: (α, β) of small MLPs on digits, and the proxy against S.

Top left: the smallest workable α* of the proxy region (x^K, f_i* = 0; α ≥ β + 0.1) and the
fraction of the paper's (α, β) grid that fails, against the hidden width, with the interpolation
threshold (the least width fitting every training label).
Top right: α* and the gap α − β_min(α) at α = 10 against the batch size. Bottom left: the
neighbourhood term β* σ_int² (σ_int² ≈ f(x^K)) against width, depth and batch ([AB Table 2]).
Bottom right: teacher–student, ‖x^K − Proj(x^k, S)‖ is not small while f(x^K) is; the numbers
are in the report. Needs torch; without it the figure only says so.
"""

from __future__ import annotations

from pathlib import Path

from . import plotting as P

__all__ = ["main"]


# smoke: the smallest runs that exercise every panel (seconds), not a measurement
_SMOKE = {"n": 20, "widths": (2, 4), "width": 4, "batches": (5, 10), "depths": (1, 2),
          "epochs": 2}
_SMOKE_TEACHER = {"n": 20, "steps": 40}


def _compute(smoke, seed):
    from theory.studies.experiments import mlp, teacher
    from theory.studies.experiments._common import torch_threads

    mset, tset = (_SMOKE, _SMOKE_TEACHER) if smoke else (None, None)
    with torch_threads(1):
        width = mlp.width_sweep(quick=True, seed=seed, settings=mset)
        batch = mlp.batch_sweep(quick=True, seed=seed, settings=mset)
        t2 = mlp.table2(quick=True, seed=seed, width=width, batch=batch, settings=mset)
        ts = teacher.teacher_student(quick=True, seed=seed, settings=tset)
    return {"mlp-width": width, "batch-size": batch, "table2": t2, "teacher-student": ts}


@P.styled
def main(out_dir, smoke: bool = False, *, seed: int = 0, data=None) -> list[Path]:
    """Draw ``experiments.png`` from ``data`` (the report's ``experiments`` section) or compute
    the quick versions (smoke: the tiniest); without torch the figure says so and nothing
    else."""
    try:
        import torch  # noqa: F401
    except ImportError:
        fig, ax = P.figure(1, 1, figsize=(6, 2))
        ax.axis("off")
        ax.text(0.5, 0.5, "torch is not installed: the network experiments were not run\n"
                "(pip install 'toylands[torch]')", ha="center", va="center")
        return [P.save(fig, Path(out_dir) / "experiments.png")]
    data = data or _compute(smoke, seed)
    fig, axes = P.figure(2, 2, figsize=(10, 7.5))
    w = data["mlp-width"]
    ax = axes[0, 0]
    rows = [r for r in w["rows"] if r["alpha"] is not None]
    ax.plot([r["width"] for r in rows], [r["alpha"] for r in rows], "o-", label="α* (proxy)")
    ax.plot([r["width"] for r in rows], [r["beta"] for r in rows], "s--", label="β*")
    if w.get("interpolation_threshold"):
        ax.axvline(w["interpolation_threshold"], color="grey", ls=":",
                   label="interpolation threshold")
    ax.set(xscale="log", xlabel="hidden width", ylabel="smallest workable pair",
           title="width sweep")
    ax.legend(fontsize=8, loc="upper left")
    tw = ax.twinx()
    tw.plot([r["width"] for r in w["rows"]], [1 - r["works_fraction"] for r in w["rows"]],
            "^:", color="tab:green", label="failing fraction of the grid")
    tw.set(ylabel="failing fraction of the (α, β) grid", ylim=(0, 1))
    tw.legend(fontsize=8, loc="upper right")
    b = data["batch-size"]
    ax = axes[0, 1]
    ax.plot([r["batch"] for r in b["rows"]], [r["alpha"] for r in b["rows"]], "o-", label="α*")
    ax.plot([r["batch"] for r in b["rows"]],
            [r["gap_at_alpha_ref"] for r in b["rows"]], "s--", label="gap at α = 10")
    ax.set(xscale="log", xlabel="batch size", title="batch sweep")
    ax.set_yscale("symlog", linthresh=1.0)
    ax.set_ylim(bottom=0.0)
    ax.legend(fontsize=8)
    t2 = data["table2"]
    ax = axes[1, 0]
    for key, marker in (("width", "o"), ("depth", "s"), ("batch", "^")):
        rr = [r for r in t2[key]["rows"] if r["term"] is not None]
        ax.plot(range(len(rr)), [r["term"] for r in rr], marker + "-",
                label=f"{key}: " + ", ".join(str(r[key]) for r in rr))
    ax.set(xlabel="step of the sweep", ylabel="β* σ_int²", title="Table 2 at toy scale",
           yscale="symlog")
    ax.set_yscale("symlog", linthresh=1e-4)
    ax.legend(fontsize=7)
    ts = data["teacher-student"]
    ax = axes[1, 1]
    ax.axis("off")
    ax.text(0.0, 0.95, "teacher–student (exact S: permutation + rescaling orbit)",
            va="top", fontsize=9, transform=ax.transAxes)
    lines = [f"f(x^K) = {ts['final_loss']:.3g},  dist(x^K, S) = {ts['dist_xK_to_S']:.3g}",
             f"max ‖x^K − Proj(x^k, S)‖ = {ts['max_proxy_error']:.3g}"]
    for k in ("proxy", "exact"):
        a = ts[k]["alpha"]
        lines.append(f"{k:>5}: α* = " + ("none works" if a is None else f"{a:.4g}"))
    ax.text(0.0, 0.8, "\n".join(lines), va="top", family="monospace", fontsize=8,
            transform=ax.transAxes)
    fig.tight_layout()
    return [P.save(fig, Path(out_dir) / "experiments.png")]
