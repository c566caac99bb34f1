r"""Many runs of an optimizer at once, vectorised over runs (MATHEMATICS.md §5, §6).

:func:`simulate` advances ``R`` runs (``x`` of shape ``(R, dim)``) for ``K`` steps with one
index per run and step drawn from an explicit ``numpy.random.Generator``. The only Python loop
is over the steps k. Per step it does what a hand-written vectorised loop does — draw the
indices, evaluate ``f_i(x)`` and ``∇f_i(x)`` of the sampled indices in **one** fused call
(:func:`theory.optim.optimizers.sample_oracle`, unvalidated kernels: ``x⁰`` is validated once,
the indices are in range by construction), apply the step-size rule, move, evaluate
``f(x^k) − f*`` — plus a bounds check of two reductions; everything else is recorded only when
asked (``record``), so that recording costs what it records.

Always recorded (memory ``O(K + R)``):

- per step: the sum and the sum of squares of ``f(x^k) − f*`` over the live runs (hence the mean
  and the unbiased variance), the means over the even- and the odd-numbered live runs (two
  independent halves, for the cross-fitted estimate of ``min_k E[f(x^k) − f*]`` in
  :func:`theory.optim.compare.measure`), the live count, and for the Polyak-type rules the
  number of runs whose Polyak branch was active;
- per run: whether the run diverged;
- a thinned history (every ``thin``-th step, at most ``max_snapshots`` snapshots and at most
  ``history_budget`` numbers per array, so memory stays bounded at 10⁵ runs) of
  ``f(x^k) − f*``, ``γ_k`` and ``i_k``; ``dist(x^k, S)²`` every ``dist_every`` steps (projections
  can cost far more than a step); ``keep_x`` snapshots of the iterates on request.

Recorded on request (``record``, default all of :data:`RECORDS`):

- ``"run_min"``: the per-run running minimum of ``f(x^k) − f*``;
- ``"gamma"``: mean / min / max of ``γ_k`` over the live runs at every step;
- ``"domain"``: per run, whether an iterate left the landscape's domain (where L and (α, β)
  hold);
- ``"anchor"``: ``‖x^k − Proj(x⁰, S)‖²``, an upper bound on ``dist(x^k, S)²`` that costs no
  projection (Theorem 5's bounded-iterates D²), as per-run and per-step running maxima;
- ``"grad"``: ``‖∇f_{i_k}(x^k)‖²`` as per-run and per-step running maxima (Theorem 7's G²).

Diverging runs (a non-finite iterate or ``‖x^k‖ > diverge_norm``) are flagged and frozen at their
last finite iterate: they are kept in the result, never averaged in as NaN; the per-step
statistics are over the runs that have not diverged. The check that finds them is two
reductions per step (every iterate inside the domain box, or inside the divergence radius); the
per-run work runs only once that check fails.

The same generator state gives bit-identical results. Long simulations print progress on stderr
(about once a second) unless ``quiet``; no wall-clock time is stored in the result.

Torch (``device="cpu"`` or ``"cuda"``): the runs are stepped as one ``(R, dim)`` tensor on the
device, in float64 (or ``dtype=float32``), through the landscape's array-API kernels and the same
step-size rules (:mod:`theory.optim.optimizers` is written once against the array API; the loop
below is the same loop, its few library calls taken from :mod:`theory.optim.arrays`). The
indices are still drawn on the host from ``rng`` — the same calls in the same order as the numpy
path, so the same seed gives the same sample sequence — and moved to the device
``index_chunk`` steps at a time. What is recorded (per-run vectors of length R) comes back to the
host each step and the statistics are float64 numpy, as on numpy: the result is the same
:class:`Simulation` of numpy arrays. The ground truth (``f*``, ``f_i*``, projections) stays float64
numpy; ``dist(x^k, S)`` is computed on the host (``Landscape.distance``).

A landscape whose S is unknown (a network, ``toylands.from_module``: ``f*`` is NaN) is
simulated too: ``f(x^k) − f*`` is then replaced by ``f(x^k) − l̄`` with ``l̄`` the mean of its
lower bounds ``l_i`` (an upper bound on the unknown gap; ``extra["gap_reference"]`` says so), and
``dist(x^k, S)²`` and the ``"anchor"`` record are not available (NaN, not recorded).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field

import numpy as np

from toylands._checked import checked
from toylands._validate import (
    as_finite_float,
    as_int,
    check_finite_output,
    check_memory,
    check_work,
)

from .arrays import arrays_for
from .optimizers import Optimizer, sample_oracle

__all__ = ["Simulation", "simulate", "initial_points", "RECORDS", "HISTORY_BUDGET"]

_add = np.add.reduce

RECORDS = ("run_min", "gamma", "domain", "anchor", "grad")
# numbers per thinned-history array: 2²⁰ float64 = 8 MiB, whatever the number of runs
HISTORY_BUDGET = 1 << 20


@dataclass
class Simulation:
    """The record of :func:`simulate`; arrays indexed by step have length ``K + 1``
    (iterates ``x⁰ … x^K``) except the step-size ones (length ``K``). Arrays of a quantity not
    in ``recorded`` are None.

    Attributes
    ----------
    gap_mean, gap_var : (K+1,)
        Mean and (unbiased) variance over live runs of ``f(x^k) − f*``.
    gap_half_mean : (2, K+1)
        Means of ``f(x^k) − f*`` over the live even-numbered and odd-numbered runs (two
        independent halves of the runs).
    n_live : (K+1,)
        Live (not diverged) runs at each k; ``n_half_live (2, K+1)`` per half.
    polyak_count : (K,) or None
        Live runs whose Polyak branch was the active one at step k (SPS_max, DecSPS).
    dist2_steps, dist2_mean : (T_d,)
        The steps where ``dist(x^k, S)²`` was evaluated (``0``, every ``dist_every``-th, and
        ``K``) and its mean over live runs there.
    gamma_mean, gamma_min, gamma_max : (K,)
        Statistics of ``γ_k`` over live runs (``"gamma"``).
    run_min_gap : (R,)
        Per-run running min of ``f(x^k) − f*`` (``"run_min"``).
    run_max_dist2 : (R,)
        Per-run max of ``dist(x^k, S)²`` over ``dist2_steps``.
    run_max_anchor_dist2, max_anchor_dist2_by_step : (R,), (K+1,)
        ``max_k ‖x^k − Proj(x⁰, S)‖²`` per run, and ``max_{j≤k} max_runs ‖x^j − Proj(x⁰, S)‖²``
        (so that a prefix ``x⁰ … x^{K'}`` has its own D², ``compare.check_curve``) (``"anchor"``).
    run_max_grad_sq, max_grad_sq_by_step : (R,), (K,)
        ``max_k ‖∇f_{i_k}(x^k)‖²`` per run, and its running maximum over runs by step
        (``"grad"``).
    diverged, left_domain : (R,) bool
        ``left_domain`` is all False when ``"domain"`` was not recorded.
    history_steps : (T,)
        The steps k kept in the thinned history; ``history_gap`` is ``(T, R)`` at those
        iterates; ``history_gamma``, ``history_index`` are ``(T', R)`` for the kept steps
        ``k < K`` (``history_gamma_steps``).
    history_x_steps, history_x : (T_x,), (T_x, R, dim)
        Thinned iterates (only with ``keep_x > 0``).
    x0, x_final : (R, dim)
    recorded : tuple
        The optional records that were kept.
    """

    landscape: object
    optimizer: Optimizer
    steps: int
    runs: int
    seed_info: str
    gap_mean: np.ndarray
    gap_var: np.ndarray
    gap_half_mean: np.ndarray
    n_live: np.ndarray
    n_half_live: np.ndarray
    polyak_count: np.ndarray | None
    dist2_steps: np.ndarray
    dist2_mean: np.ndarray
    gamma_mean: np.ndarray | None
    gamma_min: np.ndarray | None
    gamma_max: np.ndarray | None
    run_min_gap: np.ndarray | None
    run_max_dist2: np.ndarray
    run_max_anchor_dist2: np.ndarray | None
    max_anchor_dist2_by_step: np.ndarray | None
    run_max_grad_sq: np.ndarray | None
    max_grad_sq_by_step: np.ndarray | None
    diverged: np.ndarray
    left_domain: np.ndarray
    history_steps: np.ndarray
    history_gap: np.ndarray
    history_gamma_steps: np.ndarray
    history_gamma: np.ndarray
    history_index: np.ndarray
    history_x_steps: np.ndarray
    history_x: np.ndarray
    x0: np.ndarray
    x_final: np.ndarray
    recorded: tuple = RECORDS
    extra: dict = field(default_factory=dict)

    @property
    def n_diverged(self) -> int:
        return int(np.count_nonzero(self.diverged))

    @property
    def D0_sq(self) -> float:
        """``E dist(x⁰, S)²`` over the runs (the D₀² of MATHEMATICS.md §6)."""
        return float(self.dist2_mean[0]) if self.n_live[0] else float("nan")

    def polyak_active_fraction(self, K: int | None = None) -> float | None:
        """Share of the live run-steps ``k < K`` where the Polyak step was the active branch
        of the rule's min (None for rules without one)."""
        if self.polyak_count is None:
            return None
        K = self.steps if K is None else int(K)
        total = int(np.sum(self.n_live[:K]))
        return float(np.sum(self.polyak_count[:K]) / total) if total else None

    def summary(self) -> dict:
        """JSON-able summary (no per-step arrays, no wall-clock time).

        ``min_gap_mean`` / ``argmin_step`` are over the steps with live runs (step 0 always has
        every run live, so they are finite). When every run diverged (``n_diverged == runs``)
        the final means are NaN: there is no live run to average.
        """
        live = self.n_live > 0
        k = int(np.argmin(np.where(live, self.gap_mean, np.inf)))
        gmin = self.gamma_min if self.gamma_min is not None else self.history_gamma.min(1)
        gmax = self.gamma_max if self.gamma_max is not None else self.history_gamma.max(1)
        used = np.isfinite(gmin) & np.isfinite(gmax)
        return {
            "landscape": self.landscape.name,
            "optimizer": self.optimizer.name,
            "params": dict(self.optimizer.params),
            "steps": self.steps,
            "runs": self.runs,
            "D0_sq": self.D0_sq,
            "final_gap_mean": float(self.gap_mean[-1]),
            "final_dist2_mean": float(self.dist2_mean[-1]),
            "min_gap_mean": float(self.gap_mean[k]),
            "argmin_step": k,
            "gamma_range": [float(np.min(gmin[used])), float(np.max(gmax[used]))]
            if np.any(used)
            else [],
            "polyak_active_fraction": self.polyak_active_fraction(),
            "n_diverged": self.n_diverged,
            "n_left_domain": int(np.count_nonzero(self.left_domain)),
        }


def _runs(value, name, ctx):
    runs = as_int(value, name, low=1)
    check_memory(8 * runs * max(ctx.get("dim", 1), 1), f"{name} = {runs} starting points")
    return runs


def _generator(value, name, ctx):
    if not isinstance(value, np.random.Generator):
        raise TypeError(f"{name} must be a numpy.random.Generator, got {type(value).__name__}")
    return value


@checked(runs=_runs, rng=_generator)
def initial_points(landscape, runs: int, rng: np.random.Generator, box=None) -> np.ndarray:
    """``runs`` starting points drawn uniformly from ``box`` (default the landscape's domain)."""
    box = landscape.domain if box is None else box
    return box.sample(rng, runs)


def _optimizer(value, name, ctx):
    if not isinstance(value, Optimizer):
        raise TypeError(f"{name} must be a theory.optim.optimizers.Optimizer (e.g. "
                        f"optimizers.make('sgd', gamma=0.1)), got {type(value).__name__}")
    return value


def _records(value, name, ctx):
    """``record``: None (all of :data:`RECORDS`) or an iterable of their names."""
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise TypeError(f"{name} must be None or a list of names among {', '.join(RECORDS)}, "
                        f"got {type(value).__name__}")
    value = list(value)
    for v in value:
        if not isinstance(v, str):
            raise TypeError(f"{name} must hold names among {', '.join(RECORDS)}, "
                            f"got a {type(v).__name__}")
    return value


def _check_size(K: int, R: int, dim: int, n_hist: int, keep_x: int) -> None:
    """Refuse a simulation that would not fit in memory or would run for hours."""
    # integers throughout: K may be huge
    what = f"a simulation of {R} runs x {K} steps (dim {dim})"
    check_memory(8 * (K + 1) * 16 + 8 * R * (4 * dim + 16) + 8 * n_hist * R * 3
                 + 8 * keep_x * R * dim, what)
    check_work(40 * K * R * max(dim, 1), what)


def _record_set(record) -> frozenset:
    rec = frozenset(RECORDS if record is None else record)
    unknown = rec - set(RECORDS)
    if unknown:
        raise ValueError(f"record: unknown {sorted(unknown)}; known: {', '.join(RECORDS)}")
    return rec


class _Stats:
    """Per-step sums of ``f(x^k) − f*`` over live runs, and over the two halves."""

    def __init__(self, K, R):
        self.s1, self.s2 = np.empty(K + 1), np.empty(K + 1)
        self.half = np.empty((2, K + 1))
        self.n = np.full(K + 1, R, dtype=np.int64)
        self.n_half = np.empty((2, K + 1), dtype=np.int64)
        self.n_half[0], self.n_half[1] = (R + 1) // 2, R // 2

    def add(self, k, gap, live=None):
        if live is None:  # nothing diverged: no mask
            self.s1[k] = s = _add(gap)
            self.s2[k] = np.einsum("r,r->", gap, gap)
            self.half[0, k] = a = _add(gap[::2])
            self.half[1, k] = s - a
            return
        g = gap[live]
        self.n[k] = g.size
        self.s1[k] = g.sum()
        self.s2[k] = np.einsum("r,r->", g, g)
        for h in (0, 1):
            m = live[h::2]
            self.n_half[h, k] = np.count_nonzero(m)
            self.half[h, k] = gap[h::2][m].sum()

    def finish(self):
        n = self.n.astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(n > 0, self.s1 / np.maximum(n, 1), np.nan)
            var = (self.s2 - self.s1 * mean) / np.maximum(n - 1, 1)
            var = np.where(n > 1, np.maximum(var, 0.0), np.where(n == 1, 0.0, np.nan))
            half = np.where(self.n_half > 0, self.half / np.maximum(self.n_half, 1), np.nan)
        return mean, var, half


@checked(optimizer=_optimizer, rng=_generator, record=_records, diverge_norm=None,
         history_budget=lambda v, name, ctx: as_int(v, name, low=1))
def simulate(
    landscape,
    optimizer: Optimizer,
    x0,
    *,
    steps: int,
    rng: np.random.Generator,
    record=None,
    max_snapshots: int = 512,
    history_budget: int = HISTORY_BUDGET,
    diverge_norm: float = 1e12,
    quiet: bool = True,
    progress_every: float = 1.0,
    keep_x: int = 0,
    dist_every: int | None = None,
    device=None,
    dtype=None,
    index_chunk: int = 64,
) -> Simulation:
    r"""Run ``optimizer`` from every row of ``x0`` for ``steps`` steps.

    Parameters
    ----------
    landscape : toylands.Landscape
    optimizer : Optimizer
        From :mod:`theory.optim.optimizers`.
    x0 : array (R, dim)
        One starting point per run.
    steps : int
        K, the number of steps.
    rng : numpy.random.Generator
        Draws the indices ``i_k ~ U{0..n−1}`` (one ``(R,)`` draw per step): the same generator
        state gives bit-identical results.
    record : iterable of str, optional
        The optional records to keep (subset of :data:`RECORDS`; default all).
    max_snapshots, history_budget : int
        Bounds on the thinned history: at most ``max_snapshots`` snapshots, and at most
        ``history_budget`` numbers per history array (at least the first and last iterate).
    diverge_norm : float
        A run whose iterate is non-finite or has norm above this is flagged and frozen.
    quiet : bool
        Silence the progress lines on stderr.
    dist_every : int, optional
        Evaluate ``dist(x^k, S)²`` every this many steps (and at k = K); default the history
        thinning. 1 gives every step.
    keep_x : int
        Keep at most this many snapshots of the iterates themselves (``history_x``,
        ``(T_x, R, dim)``, thinned evenly over ``0 … K``); 0 keeps none.
    device : {None, "cpu", "cuda"} or torch.device
        None (default): numpy. Otherwise the runs are one torch tensor on that device (the
        landscape must have array-API kernels: the ported built-ins and ``from_module``);
        ``"cuda"`` without a GPU is a ``ValueError``.
    dtype : {None, "float64", "float32"}
        The iterates' dtype on torch (default float64); numpy is always float64.
    index_chunk : int
        On torch, the indices of this many steps are drawn (one ``(R,)`` draw per step, as on
        numpy) and moved to the device at once.

    Notes
    -----
    On a small or loaded CPU, torch's intra-op thread pool can cost far more than it gives on
    the small per-step products (``benchmarks/bench_torch_results.md``); run with
    ``torch.set_num_threads(1)`` there (``toylands simulate --device cpu`` does, ``--threads``).

    Returns
    -------
    Simulation
    """
    rec = _record_set(record)
    K = int(steps)
    if K < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    ar = arrays_for(device, dtype)
    xp, host = ar.xp, ar.host
    x = ar.asarray(x0)
    if x.ndim != 2 or x.shape[1] != landscape.dim or x.shape[0] < 1:
        raise ValueError(f"x0 must have shape (R, {landscape.dim}) with R >= 1, got "
                         f"{tuple(x.shape)}")
    if not bool(xp.all(xp.isfinite(x))):
        raise ValueError("x0 contains NaN or inf")
    if not ar.is_numpy:
        if not getattr(landscape, "_ARRAY_API", False):
            raise TypeError(f"{landscape.name} has numpy kernels only (no torch): simulate it "
                            "on numpy (device=None; on the command line, without --device)")
        landscape._points(x, "x0")  # e.g. a module on another device refuses, with the fix
    diverge_norm = as_finite_float(diverge_norm, "diverge_norm", low=0.0, low_open=True)
    max_snapshots = as_int(max_snapshots, "max_snapshots", low=1)
    R, dim = x.shape
    n, f_star, dom = landscape.n, landscape.f_star, landscape.domain
    known_s = not getattr(landscape, "proxy_only", False)  # False: S unknown (a network)
    extra = {"device": ar.label}
    if not np.isfinite(f_star):  # f* unknown: measure against the mean lower bound of the f_i
        f_star = float(np.mean(landscape.f_i_star))
        extra["gap_reference"] = (f"f* unknown: the recorded gap is f(x^k) - mean(l_i) with "
                                  f"mean(l_i) = {f_star:.6g} (lower bounds of the f_i), an "
                                  "upper bound on f(x^k) - f*")
    if not known_s:
        rec = rec - {"anchor"}
    snaps = max(2, min(int(max_snapshots), int(history_budget) // R))
    _check_size(K, R, dim, min(K + 1, snaps), keep_x)
    thin = max(1, -(-(K + 1) // snaps))
    dist_every = thin if dist_every is None else max(1, int(dist_every))
    dist_steps = np.unique(np.r_[np.arange(0, K + 1, dist_every), K])
    d_pos = {int(k): j for j, k in enumerate(dist_steps)}

    # kernels, validated once here (x0 above; indices in range by construction)
    loss_grad, grad = sample_oracle(landscape, validate=False)
    value = getattr(landscape, "_value", None) or landscape.value
    f_i_star = np.asarray(landscape.f_i_star, dtype=np.float64)
    zero_fis = not np.any(f_i_star)  # every f_i* = 0: no gather of the sampled f_i* per step
    f_i_star = ar.put(f_i_star)
    rule, needs = optimizer.rule, optimizer.needs
    need_loss, need_fis = "loss" in needs, "f_i_star" in needs
    need_g2 = "grad_sq" in needs or "grad" in rec

    stats = _Stats(K, R)
    dist2_mean = np.empty(dist_steps.size)
    hist_steps = np.arange(0, K + 1, thin)
    hist_gstep = hist_steps[hist_steps < K]
    h_gap = np.empty((hist_steps.size, R))
    h_gamma = np.empty((hist_gstep.size, R))
    h_index = np.empty((hist_gstep.size, R), dtype=np.int64)
    thin_x = max(1, -(-(K + 1) // int(keep_x))) if keep_x > 0 else 0
    x_steps = np.arange(0, K + 1, thin_x) if thin_x else np.empty(0, dtype=np.int64)
    h_x = np.empty((x_steps.size, R, dim))
    polyak_count = None
    rec_gamma = "gamma" in rec
    g_mean, g_min, g_max = (np.full(K, np.nan) for _ in range(3)) if rec_gamma else (None,) * 3

    diverged = np.zeros(R, dtype=bool)
    any_diverged = False
    left = np.zeros(R, dtype=bool)
    rec_domain = "domain" in rec
    run_min = np.full(R, np.inf) if "run_min" in rec else None
    run_max_dist2 = np.zeros(R) if known_s else np.full(R, np.nan)
    if "anchor" in rec:
        anchor = landscape.project(x)  # Proj(x⁰, S): ‖x^k − anchor‖ ≥ dist(x^k, S) at every k
        run_max_anchor, anchor_by_step = np.zeros(R), np.empty(K + 1)
    else:
        anchor = run_max_anchor = anchor_by_step = None
    if "grad" in rec:
        run_max_g2, g2_by_step = np.zeros(R), np.empty(K)
    else:
        run_max_g2 = g2_by_step = None
    # The bounds check. With "domain": every iterate inside the domain box (two reductions; the
    # box must lie inside the divergence ball) means nothing to do. Without: the sum over runs of
    # ‖x‖² at most diverge_norm² (one reduction; it bounds every run's ‖x‖²).
    box_lo = box_hi = None
    if rec_domain:
        box_lo, box_hi = np.asarray(dom.lo, dtype=np.float64), np.asarray(dom.hi, dtype=np.float64)
        corner = np.maximum(np.abs(box_lo), np.abs(box_hi))
        if not float(np.sqrt(corner @ corner)) <= diverge_norm:
            box_lo = box_hi = None  # a box reaching past the ball: the norm check decides
        else:
            box_lo, box_hi = ar.put(box_lo), ar.put(box_hi)
    norm2_max = float(diverge_norm) ** 2

    in_box, total_sq, rowdot, move = ar.in_box, ar.total_sq, ar.rowdot, ar.move

    def inside(x):
        if box_lo is not None:
            return in_box(x, box_lo, box_hi)
        return bool(total_sq(x) <= norm2_max)  # NaN and inf fail

    state = optimizer.init(x)
    x_init = host(x).copy()
    last = time.perf_counter()

    def record(k, x):
        live = ~diverged if any_diverged else None
        gap = host(value(x) - f_star)
        stats.add(k, gap, live)
        # the unvalidated kernel: a non-finite f(x^k) (frozen runs included) is refused, as
        # landscape.value() would
        if not np.isfinite(stats.s1[k] if live is None else _add(gap)):
            check_finite_output(gap, x, "f(x^k) in simulate", landscape.name)
        if run_min is not None:
            np.minimum(run_min, gap, out=run_min)  # a frozen run repeats its last value
        if anchor is not None:
            da = x - anchor
            da = host(rowdot(da, da))  # a frozen run repeats its last value
            np.maximum(run_max_anchor, da, out=run_max_anchor)
            anchor_by_step[k] = da.max()
        if k % thin == 0:
            h_gap[k // thin] = gap
        j = d_pos.get(k)
        if j is not None and known_s:
            d2 = host(landscape.distance(x)) ** 2
            dist2_mean[j] = np.mean(d2 if live is None else d2[live]) if stats.n[k] else np.nan
            np.maximum(run_max_dist2, d2, out=run_max_dist2)
        elif j is not None:
            dist2_mean[j] = np.nan  # S unknown
        if thin_x and k % thin_x == 0:
            h_x[k // thin_x] = host(x)

    if rec_domain:
        left |= ~dom.contains(host(x))
    # the indices: one (R,) draw per step on the host (numpy: drawn in the loop); on a device,
    # the draws of index_chunk steps, moved at once (the same draws in the same order)
    on_device = not ar.is_numpy
    draws = _index_chunks(rng, n, R, K, ar.put, index_chunk) if on_device else None
    # A step may overflow (a diverging run): the bounds check flags and freezes it, so the
    # kernels run with floating-point warnings silenced (what the public methods do).
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        record(0, x)
        for k in range(K):
            if draws is None:
                i = i_host = rng.integers(0, n, size=R)
            else:
                i_host, i = next(draws)
            if rule is None:  # full batch (gd): the optimizer's own step
                x_new, state, info = optimizer.step(landscape, x, state, i)
                gam, g2, polyak = info.gamma, info.grad_sq, info.polyak
            else:
                if need_loss:
                    loss, g = loss_grad(x, i)
                else:
                    loss, g = None, grad(x, i)
                g2 = rowdot(g, g) if need_g2 else None
                fis = (0.0 if zero_fis else f_i_star[i]) if need_fis else None
                gam, state, polyak = rule(state, loss, fis, g2)
                # x − γ_k ∇f_i(x) in one temporary (the kernel's output is not written to)
                step = gam * g if isinstance(gam, (float, int)) else gam[:, None] * g
                x_new = move(x, step)
            if on_device:  # what is recorded comes back to the host
                gam = gam if isinstance(gam, (float, int)) else host(gam)
                g2 = None if g2 is None else host(g2)
                polyak = None if polyak is None else host(polyak).astype(bool)
            if rec_gamma:  # over the runs that took step k (γ_k is theirs, even if it diverges)
                stepped = ~diverged if any_diverged else None
                if not isinstance(gam, np.ndarray):
                    g_mean[k] = g_min[k] = g_max[k] = gam
                elif stepped is None:
                    g_mean[k], g_min[k], g_max[k] = gam.mean(), gam.min(), gam.max()
                elif np.any(stepped):
                    gl = gam[stepped]
                    g_mean[k], g_min[k], g_max[k] = gl.mean(), gl.min(), gl.max()
            if not inside(x_new):
                norm = host(xp.sqrt(rowdot(x_new, x_new)))
                bad = ~np.isfinite(norm) | (norm > diverge_norm)
                if np.any(bad):
                    diverged |= bad
                    any_diverged = True
                if any_diverged:
                    frozen = ar.put(diverged)
                    x_new[frozen] = x[frozen]  # frozen at the last finite iterate
                if rec_domain:
                    left |= ~dom.contains(host(x_new)) & ~diverged
            live = ~diverged if any_diverged else None
            if polyak is not None:
                if polyak_count is None:
                    polyak_count = np.zeros(K, dtype=np.int64)
                polyak_count[k] = np.count_nonzero(polyak if live is None else polyak & live)
            if run_max_g2 is not None:
                g2l = g2 if live is None else np.where(live, g2, 0.0)
                np.maximum(run_max_g2, g2l, out=run_max_g2)
                g2_by_step[k] = g2l.max()  # running maximum taken after the loop
            if k % thin == 0:
                h_gamma[k // thin], h_index[k // thin] = gam, i_host
            x = x_new
            record(k + 1, x)
            if not quiet:
                now = time.perf_counter()
                if now - last >= progress_every:
                    last = now
                    m = stats.s1[k + 1] / max(stats.n[k + 1], 1)
                    print(
                        f"simulate {optimizer.name} on {landscape.name}: step {k + 1}/{K}, "
                        f"E gap {m:.3e}, diverged {int(diverged.sum())}/{R}",
                        file=sys.stderr,
                        flush=True,
                    )
    gap_mean, gap_var, half = stats.finish()
    if anchor_by_step is not None:
        np.maximum.accumulate(anchor_by_step, out=anchor_by_step)
    if g2_by_step is not None:
        np.maximum.accumulate(g2_by_step, out=g2_by_step)
    return Simulation(
        landscape=landscape,
        optimizer=optimizer,
        steps=K,
        runs=R,
        seed_info=repr(rng.bit_generator.state.get("bit_generator", "")),
        gap_mean=gap_mean,
        gap_var=gap_var,
        gap_half_mean=half,
        n_live=stats.n,
        n_half_live=stats.n_half,
        polyak_count=polyak_count,
        dist2_steps=dist_steps,
        dist2_mean=dist2_mean,
        gamma_mean=g_mean,
        gamma_min=g_min,
        gamma_max=g_max,
        run_min_gap=run_min,
        run_max_dist2=run_max_dist2,
        run_max_anchor_dist2=run_max_anchor,
        max_anchor_dist2_by_step=anchor_by_step,
        run_max_grad_sq=run_max_g2,
        max_grad_sq_by_step=g2_by_step,
        diverged=diverged,
        left_domain=left,
        history_steps=hist_steps,
        history_gap=h_gap,
        history_gamma_steps=hist_gstep,
        history_gamma=h_gamma,
        history_index=h_index,
        history_x_steps=x_steps,
        history_x=h_x,
        x0=x_init,
        x_final=host(x),
        recorded=tuple(r for r in RECORDS if r in rec),
        extra=extra,
    )


def _index_chunks(rng, n, R, K, put, chunk):
    """``(i_host, i_device)`` for the steps ``0 … K−1``: ``rng.integers(0, n, size=R)`` once per
    step, in order (the numpy path's draws), moved to the device ``chunk`` steps at a time and
    never drawn past step K (the generator ends in the numpy path's state)."""
    chunk = max(1, int(chunk))
    for k0 in range(0, K, chunk):
        block = np.stack([rng.integers(0, n, size=R) for _ in range(min(chunk, K - k0))])
        dev = put(block)
        for j in range(block.shape[0]):
            yield block[j], dev[j]
