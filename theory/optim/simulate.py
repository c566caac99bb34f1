r"""Many runs of an optimizer at once, vectorised over runs.

:func:`simulate` advances ``R`` runs (``x`` of shape ``(R, dim)``) for ``K`` steps with one
index per run and step drawn from an explicit ``numpy.random.Generator``. The only Python loop
is over the steps k. It records

- per step, reduced over the live runs (memory ``O(K)``): the mean and variance of
  ``f(x^k) − f*``, the mean / min / max of ``γ_k``, and the mean of ``dist(x^k, S)²`` (every
  ``dist_every`` steps: projections onto orbits cost far more than a step);
- per run (memory ``O(R)``): running minima of ``f(x^k) − f*``, running maxima of
  ``dist(x^k, S)²`` and of ``‖∇f_{i_k}(x^k)‖²``, whether the run left the landscape's domain,
  and whether it diverged;
- a thinned history (at most ``max_snapshots`` snapshots of every run): ``f(x^k) − f*``,
  ``γ_k`` and the sampled ``i_k``; with ``K + 1 ≤ max_snapshots`` every step is kept; and,
  on request (``keep_x``), a few snapshots of the iterates themselves.

Diverging runs (a non-finite iterate or ``‖x^k‖ > diverge_norm``) are flagged and frozen at their
last finite iterate: they are kept in the result, never averaged in as NaN; the per-step
statistics are over the runs that have not diverged, and ``n_diverged`` says how many did.

Long simulations print progress on stderr (about once a second) unless ``quiet``.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field

import numpy as np

from toylands._checked import checked
from toylands._validate import as_finite_float, as_int, check_memory, check_work

from .optimizers import Optimizer

__all__ = ["Simulation", "simulate", "initial_points"]


@dataclass
class Simulation:
    """The record of :func:`simulate`; arrays indexed by step have length ``K + 1``
    (iterates ``x⁰ … x^K``) except the step-size ones (length ``K``).

    Attributes
    ----------
    gap_mean, gap_var : (K+1,)
        Mean and (unbiased) variance over live runs of ``f(x^k) − f*``.
    dist2_steps, dist2_mean : (T_d,)
        The steps where ``dist(x^k, S)²`` was evaluated (``0``, every ``dist_every``-th, and
        ``K``) and its mean over live runs there.
    gamma_mean, gamma_min, gamma_max : (K,)
        Statistics of ``γ_k`` over live runs.
    n_live : (K+1,)
        Live (not diverged) runs at each k.
    run_min_gap, run_max_dist2, run_max_grad_sq : (R,)
        Per-run running min of ``f(x^k) − f*``, max of ``dist(x^k, S)²`` (over ``dist2_steps``)
        and max of ``‖∇f_{i_k}(x^k)‖²``.
    run_max_anchor_dist2 : (R,)
        ``max_k ‖x^k − Proj(x⁰, S)‖²`` over every step: an upper bound on
        ``max_k dist(x^k, S)²`` that costs no projection (Theorem 5's bounded-iterates D²).
    max_anchor_dist2_by_step : (K+1,)
        ``max_{j≤k} max_runs ‖x^j − Proj(x⁰, S)‖²``: the running maximum of the above, so that
        a prefix ``x⁰ … x^{K'}`` of the run has its own D² (``theory.optim.compare.check_curve``).
    max_grad_sq_by_step : (K,)
        ``max_{j≤k} max_runs ‖∇f_{i_j}(x^j)‖²``: the running maximum of ``run_max_grad_sq``.
    diverged, left_domain : (R,) bool
    history_steps : (T,)
        The steps k kept in the thinned history; ``history_gap`` is
        ``(T, R)`` at those iterates; ``history_gamma``, ``history_index`` are ``(T', R)`` for
        the kept steps ``k < K``.
    history_x_steps, history_x : (T_x,), (T_x, R, dim)
        Thinned iterates (only with ``keep_x > 0``).
    x0, x_final : (R, dim)
    """

    landscape: object
    optimizer: Optimizer
    steps: int
    runs: int
    seed_info: str
    gap_mean: np.ndarray
    gap_var: np.ndarray
    dist2_mean: np.ndarray
    gamma_mean: np.ndarray
    gamma_min: np.ndarray
    gamma_max: np.ndarray
    n_live: np.ndarray
    run_min_gap: np.ndarray
    run_max_dist2: np.ndarray
    run_max_anchor_dist2: np.ndarray
    run_max_grad_sq: np.ndarray
    diverged: np.ndarray
    left_domain: np.ndarray
    history_steps: np.ndarray
    history_gap: np.ndarray
    dist2_steps: np.ndarray
    history_gamma_steps: np.ndarray
    history_gamma: np.ndarray
    history_index: np.ndarray
    history_x_steps: np.ndarray
    history_x: np.ndarray
    x0: np.ndarray
    x_final: np.ndarray
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)
    max_anchor_dist2_by_step: np.ndarray | None = None
    max_grad_sq_by_step: np.ndarray | None = None

    @property
    def n_diverged(self) -> int:
        return int(np.count_nonzero(self.diverged))

    @property
    def D0_sq(self) -> float:
        """``E dist(x⁰, S)²`` over the runs (the D₀² of MATHEMATICS.md §6)."""
        return float(self.dist2_mean[0]) if self.n_live[0] else float("nan")

    def summary(self) -> dict:
        """JSON-able summary (no per-step arrays).

        ``min_gap_mean`` / ``argmin_step`` are over the steps with live runs (step 0 always has
        every run live, so they are finite). When every run diverged (``n_diverged == runs``)
        the final means are NaN: there is no live run to average.
        """
        live = self.n_live > 0
        k = int(np.argmin(np.where(live, self.gap_mean, np.inf)))
        used = np.isfinite(self.gamma_min)
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
            "gamma_range": (
                [float(np.min(self.gamma_min[used])), float(np.max(self.gamma_max[used]))]
                if np.any(used)
                else []
            ),
            "n_diverged": self.n_diverged,
            "n_left_domain": int(np.count_nonzero(self.left_domain)),
            "seconds": self.seconds,
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


def _masked_stats(v, live):
    m = int(np.count_nonzero(live))
    if m == 0:
        return np.nan, np.nan
    w = v[live]
    mean = float(np.mean(w))
    var = float(np.var(w, ddof=1)) if m > 1 else 0.0
    return mean, var


def _optimizer(value, name, ctx):
    if not isinstance(value, Optimizer):
        raise TypeError(f"{name} must be a theory.optim.optimizers.Optimizer (e.g. "
                        f"optimizers.make('sgd', gamma=0.1)), got {type(value).__name__}")
    return value


def _check_size(K: int, R: int, dim: int, n_hist: int, keep_x: int) -> None:
    """Refuse a simulation that would not fit in memory or would run for hours."""
    # integers throughout: K may be huge
    what = f"a simulation of {R} runs x {K} steps (dim {dim})"
    check_memory(8 * (K + 1) * 11 + 8 * R * (4 * dim + 16) + 8 * n_hist * R * 3
                 + 8 * keep_x * R * dim, what)
    check_work(40 * K * R * max(dim, 1), what)


@checked(optimizer=_optimizer, rng=_generator, diverge_norm=None)
def simulate(
    landscape,
    optimizer: Optimizer,
    x0,
    *,
    steps: int,
    rng: np.random.Generator,
    max_snapshots: int = 512,
    diverge_norm: float = 1e12,
    quiet: bool = True,
    progress_every: float = 1.0,
    keep_x: int = 0,
    dist_every: int | None = None,
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
    max_snapshots : int
        Bound on the thinned history (every ``ceil((K+1)/max_snapshots)``-th step is kept).
    diverge_norm : float
        A run whose iterate is non-finite or has norm above this is flagged and frozen.
    quiet : bool
        Silence the progress lines on stderr.
    dist_every : int, optional
        Evaluate ``dist(x^k, S)²`` every this many steps (and at k = K); default the history
        thinning. Projections can be costly (orbits); 1 gives every step.
    keep_x : int
        Keep at most this many snapshots of the iterates themselves (``history_x``,
        ``(T_x, R, dim)``, thinned evenly over ``0 … K``); 0 keeps none.

    Returns
    -------
    Simulation
    """
    K = steps
    x = np.array(x0, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != landscape.dim or x.shape[0] < 1:
        raise ValueError(f"x0 must have shape (R, {landscape.dim}) with R >= 1, got {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("x0 contains NaN or inf")
    diverge_norm = as_finite_float(diverge_norm, "diverge_norm", low=0.0, low_open=True)
    max_snapshots = as_int(max_snapshots, "max_snapshots", low=1)
    R = x.shape[0]
    _check_size(K, R, landscape.dim, min(K + 1, max_snapshots), keep_x)
    n, f_star, dom = landscape.n, landscape.f_star, landscape.domain
    thin = max(1, -(-(K + 1) // max(1, int(max_snapshots))))
    dist_every = thin if dist_every is None else max(1, int(dist_every))
    dist_steps = np.unique(np.r_[np.arange(0, K + 1, dist_every), K])
    d_pos = {int(k): j for j, k in enumerate(dist_steps)}

    gap_mean, gap_var = np.empty(K + 1), np.empty(K + 1)
    dist2_mean, n_live = np.empty(dist_steps.size), np.empty(K + 1, dtype=np.int64)
    g_mean, g_min, g_max = np.full(K, np.nan), np.full(K, np.nan), np.full(K, np.nan)
    hist_steps = np.arange(0, K + 1, thin)
    hist_gstep = hist_steps[hist_steps < K]
    h_gap = np.empty((hist_steps.size, R))
    h_gamma = np.empty((hist_gstep.size, R))
    h_index = np.empty((hist_gstep.size, R), dtype=np.int64)
    thin_x = max(1, -(-(K + 1) // int(keep_x))) if keep_x > 0 else 0
    x_steps = np.arange(0, K + 1, thin_x) if thin_x else np.empty(0, dtype=np.int64)
    h_x = np.empty((x_steps.size, R, landscape.dim))

    diverged = np.zeros(R, dtype=bool)
    left = np.zeros(R, dtype=bool)
    run_min_gap = np.full(R, np.inf)
    run_max_dist2 = np.zeros(R)
    anchor = landscape.project(x)  # Proj(x⁰, S): ‖x^k − anchor‖ ≥ dist(x^k, S) at every k
    run_max_anchor = np.zeros(R)
    run_max_g2 = np.zeros(R)
    anchor_by_step, g2_by_step = np.empty(K + 1), np.empty(K)

    state = optimizer.init(x)
    x_init = x.copy()
    t0 = last = time.perf_counter()

    def record(k, x):
        live = ~diverged
        gap = landscape.value(x) - f_star
        gap_mean[k], gap_var[k] = _masked_stats(gap, live)
        n_live[k] = np.count_nonzero(live)
        np.minimum(run_min_gap, np.where(live, gap, np.inf), out=run_min_gap)
        da = np.einsum("rd,rd->r", x - anchor, x - anchor)
        np.maximum(run_max_anchor, np.where(live, da, 0.0), out=run_max_anchor)
        anchor_by_step[k] = run_max_anchor.max()
        left[:] |= live & ~dom.contains(x)
        if k % thin == 0:
            h_gap[k // thin] = gap
        j = d_pos.get(k)
        if j is not None:
            d2 = landscape.distance(x) ** 2
            dist2_mean[j] = _masked_stats(d2, live)[0]
            np.maximum(run_max_dist2, np.where(live, d2, 0.0), out=run_max_dist2)
        if thin_x and k % thin_x == 0:
            h_x[k // thin_x] = x

    record(0, x)
    for k in range(K):
        i = rng.integers(0, n, size=R)
        x_new, state, info = optimizer.step(landscape, x, state, i)
        with np.errstate(over="ignore", invalid="ignore"):
            norm = np.sqrt(np.einsum("rd,rd->r", x_new, x_new))
        bad = ~np.isfinite(norm) | (norm > diverge_norm)
        stepped = ~diverged  # the runs that took step k (γ_k is theirs, even if it diverged)
        if np.any(bad & ~diverged):
            diverged |= bad
        live = ~diverged
        x = np.where(live[:, None], x_new, x)
        gam = info.gamma
        if np.any(stepped):
            g_mean[k] = float(np.mean(gam[stepped]))
            g_min[k] = float(np.min(gam[stepped]))
            g_max[k] = float(np.max(gam[stepped]))
        np.maximum(run_max_g2, np.where(live, info.grad_sq, 0.0), out=run_max_g2)
        g2_by_step[k] = run_max_g2.max()
        if k % thin == 0:
            h_gamma[k // thin], h_index[k // thin] = gam, i
        record(k + 1, x)
        if not quiet:
            now = time.perf_counter()
            if now - last >= progress_every:
                last = now
                print(
                    f"simulate {optimizer.name} on {landscape.name}: step {k + 1}/{K}, "
                    f"E gap {gap_mean[k + 1]:.3e}, diverged {int(diverged.sum())}/{R}",
                    file=sys.stderr,
                    flush=True,
                )
    return Simulation(
        landscape=landscape,
        optimizer=optimizer,
        steps=K,
        runs=R,
        seed_info=repr(rng.bit_generator.state.get("bit_generator", "")),
        gap_mean=gap_mean,
        gap_var=gap_var,
        dist2_mean=dist2_mean,
        gamma_mean=g_mean,
        gamma_min=g_min,
        gamma_max=g_max,
        n_live=n_live,
        run_min_gap=run_min_gap,
        run_max_dist2=run_max_dist2,
        run_max_anchor_dist2=run_max_anchor,
        run_max_grad_sq=run_max_g2,
        diverged=diverged,
        left_domain=left,
        history_steps=hist_steps,
        history_gap=h_gap,
        dist2_steps=dist_steps,
        history_gamma_steps=hist_gstep,
        history_gamma=h_gamma,
        history_index=h_index,
        history_x_steps=x_steps,
        history_x=h_x,
        x0=x_init,
        x_final=x,
        seconds=time.perf_counter() - t0,
        max_anchor_dist2_by_step=anchor_by_step,
        max_grad_sq_by_step=g2_by_step,
    )
