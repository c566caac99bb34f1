r"""The MLP experiments of [AB §5] at toy scale on scikit-learn's digits (MATHEMATICS.md §8).

- ``width_sweep``: one hidden layer of width k, k from well below to well above the
  interpolation threshold (the least width whose trained net fits every training label);
  against k: the fraction of the paper's (α, β) grid that fails (1 − the working cells of its
  heat map: the larger, the larger the pairs needed) and the smallest workable pair (α*, β*)
  of the proxy region (``α ≥ β + 0.1``). [AB]'s finding: α and β first grow with width, then
  shrink (peak around width 512 for its MLP). The verdict reads the failing fraction (it sees
  the whole heat map; α* alone sits near the grid's corner and is noisy) and reports both.
- ``batch_sweep``: a fixed net trained for the same number of epochs with growing batch;
  [AB]: larger batch, smaller α, β and a larger gap α − β.
- ``depth_sweep``: 1, 2, 3 hidden layers of one width.
- ``table2``: the neighbourhood term β* σ_int² (σ_int² ≈ f(x^K), see ``_common``) against width,
  depth and batch; [AB Table 2]: it shrinks as each grows.

Every number comes from the paper's proxies (x^K, f_i* = 0) on a network whose S is unknown:
the verdicts say "reproduced qualitatively" at most, with the numbers.
"""

from __future__ import annotations

import numpy as np

from ._common import digits, mlp, protocol_summary, torch_device

__all__ = ["width_sweep", "batch_sweep", "depth_sweep", "table2", "SETTINGS",
           "interpolation_threshold", "rise_then_fall"]

# CPU-sized settings (full / quick); a GPU run can pass larger widths and samples.
SETTINGS = {
    "full": {"n": 100, "widths": (1, 2, 4, 8, 16, 32, 64, 128), "width": 16,
             "batches": (2, 5, 10, 25), "depths": (1, 2, 3), "epochs": 30, "gamma": 0.3,
             "batch": 10},
    "quick": {"n": 50, "widths": (2, 8, 32), "width": 16, "batches": (5, 25),
              "depths": (1, 2), "epochs": 20, "gamma": 0.3, "batch": 10},
}


def _landscape(sizes, X, y, seed, device):
    import toylands

    net = mlp(sizes, seed, device)
    return toylands.from_module(net, X, y, loss="cross_entropy", name=f"mlp{list(sizes)}")


def _cfg(quick, settings=None, **over):
    cfg = dict(SETTINGS["quick" if quick else "full"])
    cfg.update(settings or {})
    cfg.update({k: v for k, v in over.items() if v is not None})
    return cfg


def width_sweep(*, quick=False, device="cpu", seed=0, widths=None, progress=None,
                settings=None) -> dict:
    """(α*, β*) of the proxy region against the hidden width (module docstring); ``settings``
    overrides entries of ``SETTINGS`` (e.g. a GPU run's larger widths)."""
    dev = torch_device(device)
    cfg = _cfg(quick, settings, widths=widths)
    X, y = digits(cfg["n"], seed)
    rows = []
    for k in cfg["widths"]:
        if progress:
            progress(f"  mlp-width: width {k}")
        f = _landscape((64, int(k), 10), X, y, seed, dev)
        rows.append({"width": int(k), **protocol_summary(
            f, gamma=cfg["gamma"], epochs=cfg["epochs"], batch=cfg["batch"], seed=seed,
            device=dev)})
    thr = interpolation_threshold(rows, "width")
    fails = [1.0 - r["works_fraction"] for r in rows]
    return {"experiment": "mlp-width", "n": cfg["n"], "classes": 10, "settings": cfg,
            "rows": rows, "interpolation_threshold": thr,
            "peak_width": rows[int(np.argmax(fails))]["width"],
            "rise_then_fall": rise_then_fall(fails),
            "alpha_peak_width": _peak(rows, "width"),
            "alpha_rise_then_fall": rise_then_fall([r["alpha"] for r in rows])}


def batch_sweep(*, quick=False, device="cpu", seed=0, batches=None, progress=None,
                settings=None) -> dict:
    """(α*, β*) and the gap at α = 10 against the batch size, same epochs and step."""
    dev = torch_device(device)
    cfg = _cfg(quick, settings, batches=batches)
    X, y = digits(cfg["n"], seed)
    rows = []
    for b in cfg["batches"]:
        if progress:
            progress(f"  batch-size: batch {b}")
        f = _landscape((64, cfg["width"], 10), X, y, seed, dev)
        rows.append({"batch": int(b), **protocol_summary(
            f, gamma=cfg["gamma"], epochs=cfg["epochs"], batch=int(b), seed=seed, device=dev)})
    a = [r["alpha"] for r in rows]
    return {"experiment": "batch-size", "n": cfg["n"], "width": cfg["width"], "settings": cfg,
            "rows": rows, "alpha_decreases": _decreasing(a),
            "gap_increases": _decreasing([-g if g is not None else None
                                          for g in (r["gap_at_alpha_ref"] for r in rows)])}


def depth_sweep(*, quick=False, device="cpu", seed=0, progress=None, settings=None) -> dict:
    """The term and the pair against the number of hidden layers (one width)."""
    dev = torch_device(device)
    cfg = _cfg(quick, settings)
    X, y = digits(cfg["n"], seed)
    rows = []
    for depth in cfg["depths"]:
        if progress:
            progress(f"  depth: {depth} hidden layers")
        sizes = (64,) + (cfg["width"],) * int(depth) + (10,)
        f = _landscape(sizes, X, y, seed, dev)
        rows.append({"depth": int(depth), **protocol_summary(
            f, gamma=cfg["gamma"], epochs=cfg["epochs"], batch=cfg["batch"], seed=seed,
            device=dev)})
    return {"experiment": "depth", "n": cfg["n"], "width": cfg["width"], "rows": rows}


def table2(*, quick=False, device="cpu", seed=0, progress=None, width=None, batch=None,
           depth=None, settings=None) -> dict:
    """β* σ_int² (σ_int² ≈ f(x^K)) against width, depth and batch ([AB Table 2]); ``width``,
    ``batch`` and ``depth``: the results of the three sweeps when already computed."""
    kw = {"quick": quick, "device": device, "seed": seed, "progress": progress,
          "settings": settings}
    width = width or width_sweep(**kw)
    depth = depth or depth_sweep(**kw)
    batch = batch or batch_sweep(**kw)
    out = {"experiment": "table2"}
    for key, res, axis in (("width", width, "width"), ("depth", depth, "depth"),
                           ("batch", batch, "batch")):
        rows = [{axis: r[axis], "beta": r["beta"], "sigma_int2_proxy": r["final_loss"],
                 "term": r["term"]} for r in res["rows"]]
        out[key] = {"rows": rows, "shrinks": _shrinks([r["term"] for r in rows])}
    return out


# ---- reading the sweeps ---------------------------------------------------------------------
def interpolation_threshold(rows, axis):
    """The least ``axis`` value whose trained net fits every training label (None if none)."""
    for r in rows:
        if r.get("train_accuracy") == 1.0:
            return r[axis]
    return None


def _peak(rows, axis):
    vals = [(r["alpha"], r[axis]) for r in rows if r["alpha"] is not None]
    return max(vals)[1] if vals else None


def rise_then_fall(values) -> bool:
    """True when the largest value is strictly inside the sweep: above both ends.

    >>> rise_then_fall([1.0, 3.0, 2.0]), rise_then_fall([1.0, 2.0, 3.0])
    (True, False)
    """
    v = [x for x in values if x is not None]
    if len(v) < 3:
        return False
    j = int(np.argmax(v))
    return 0 < j < len(v) - 1 and v[j] > v[0] and v[j] > v[-1]


def _decreasing(values) -> bool:
    v = [x for x in values if x is not None]
    return len(v) >= 2 and v[-1] < v[0]


def _shrinks(values) -> bool:
    return _decreasing(values)
