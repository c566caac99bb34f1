r"""The paper's empirical protocol for (α, β) [AB §5; MATHEMATICS.md §7], and what its proxies cost.

[AB §5] measures, along an SGD trajectory,

    T(x^k) = <∇f_{i_k}(x^k), x^k − x^K> − α (f_{i_k}(x^k) − f_{i_k}(x^K)) + β f_{i_k}(x^k),

with two proxies: the last iterate ``x^K`` stands in for ``Proj(x^k, S)`` and ``f_i* = 0``.
Run 1 trains to get ``x^K``; run 2 repeats the same seeded run and records T. For every (α, β)
of a grid with ``α ≥ β + 0.1`` the minimum of T over runs and iterations is taken; the pair
"works" where it is ≥ 0 (the heat maps of the paper). ``f_{i_k}`` is the mini-batch loss.

On a toy landscape S and f_i* are exact, so the same rows can be formed with the true
projection (all tied nearest points, the best one used) and the true ``f_i*``:
``protocol_comparison`` builds the four variants (proxy / exact projection × f_i* = 0 / true),
their exact (α, β) regions (``theory.region``) and heat maps, and reports the differences.

**Sign of the β term.** MATHEMATICS.md §7 prints ``− β f_{i_k}(x^k)``. Definition 1 (Eq. (2)) with
``x_p = x^K`` and ``f_i* = 0`` gives the slack ``a − α b + β f_{i_k}(x^k)``, i.e. ``+ β``; with
``− β`` a larger β would make the condition harder, contradicting the diagonal monotonicity
[AB p.5]. We use ``+ β`` (the slack of Definition 1), consistently with ``theory.conditions``.

The SGD loop here is deliberately small and local (vectorised over runs, one Python loop over
steps): ``x^{k+1} = x^k − γ ∇f_{B_k}(x^k)`` with ``B_k`` drawn uniformly with replacement from
an explicit seeded generator, so run 2 reproduces run 1 bit for bit.

Examples
--------
>>> import toylands
>>> from theory.studies.protocol import two_pass, min_T_grid
>>> f = toylands.get("example6")
>>> res = two_pass(f, [[0.9, 0.2]], gamma=0.5, steps=200, seed=0)
>>> res.proxy.a.shape            # (runs, steps, candidates)
(1, 200, 1)
>>> bool(res.reproduced)
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from toylands._checked import checked
from toylands._validate import as_finite_array, as_finite_float, as_int, check_memory
from toylands._xp import is_torch, to_numpy64

from ..region import Region

__all__ = [
    "Trajectory",
    "ProtocolRows",
    "TwoPass",
    "sgd_trajectory",
    "protocol_rows",
    "two_pass",
    "min_T_grid",
    "protocol_comparison",
    "PROTOCOL_SETTINGS",
    "VARIANTS",
    "HEATMAP_ALPHAS",
    "HEATMAP_BETAS",
    "protocol_settings",
    "protocol_two_pass",
    "ProtocolVariants",
    "ProtocolSummary",
    "protocol_variants",
    "Aiming",
    "aiming_along",
    "PLEstimate",
    "pl_estimate_along",
]


@dataclass(frozen=True)
class Trajectory:
    """``x (runs, K+1, dim)`` iterates, ``idx (runs, K, batch)`` sampled indices, the step γ,
    the seed, and ``diverged (runs,)`` (a run that left the finite numbers is frozen there)."""

    x: np.ndarray
    idx: np.ndarray
    gamma: float
    seed: int
    diverged: np.ndarray


class ProtocolRows(NamedTuple):
    r"""Rows of T per (run, step, candidate): ``T = a − α b + β c`` with, for the mini-batch
    ``B_k``, ``a = <∇f_B(x^k), x^k − x_p>``, ``b = f_B(x^k) − f_B(x_p)``, ``c = f_B(x^k) − l_B``;
    shapes ``(runs, K, m)``, ``mask (runs, K, m)`` marks the nearest candidates."""

    a: np.ndarray
    b: np.ndarray
    c: np.ndarray
    mask: np.ndarray

    def region(self) -> Region:
        return Region.from_arrays(self.a[..., None], self.b[..., None], self.c[..., None],
                                  self.mask)

    def min_T(self, alpha: float, beta: float) -> float:
        T = self.a - alpha * self.b + beta * self.c
        return float(np.where(self.mask, T, -np.inf).max(axis=-1).min())


def _positive(value, name, ctx):
    return as_finite_float(value, name, low=0.0, low_open=True)


def _at_least_one(value, name, ctx):
    return as_int(value, name, low=1)


def _trajectory(value, name, ctx):
    if not isinstance(value, Trajectory):
        raise TypeError(f"{name} must be a Trajectory (sgd_trajectory), got {type(value).__name__}")
    return value


def _protocol_rows(value, name, ctx):
    if not isinstance(value, ProtocolRows):
        raise TypeError(f"{name} must be ProtocolRows (protocol_rows), got {type(value).__name__}")
    return value


def _lower(value, name, ctx):
    if isinstance(value, str):
        if value != "true":
            raise ValueError(f"{name} must be None, 'true', a number or an array, got {value!r}")
        return value
    return as_finite_array(value, name)


def _vector(value, name, ctx):
    return as_finite_array(value, name, ndim=1)


def _x0(landscape, x0):
    x0 = np.asarray(x0, dtype=np.float64)
    if x0.ndim == 1:
        x0 = x0[None]
    if x0.ndim != 2 or x0.shape[1] != landscape.dim or not np.all(np.isfinite(x0)):
        raise ValueError(f"x0 must be finite with shape (runs, {landscape.dim})")
    return x0


@checked(gamma=_positive, steps=_at_least_one, batch=_at_least_one)
def sgd_trajectory(landscape, x0, *, gamma: float, steps: int, seed: int, batch: int = 1):
    r"""Mini-batch SGD with constant step, vectorised over runs (MATHEMATICS.md §5, [AB Alg. 1]).

    ``x0`` is ``(runs, dim)`` or ``(dim,)``; indices ``B_k`` are drawn by
    ``numpy.random.default_rng(seed).integers(0, n, (runs, batch))`` at each step.
    """
    gamma = float(gamma)
    if not (np.isfinite(gamma) and gamma > 0):
        raise ValueError(f"gamma must be positive and finite, got {gamma}")
    steps, batch = int(steps), int(batch)
    if steps < 1 or batch < 1:
        raise ValueError("steps and batch must be >= 1")
    x = _x0(landscape, x0)
    rng = np.random.default_rng(seed)
    runs, dim = x.shape
    check_memory(8 * runs * (steps + 1) * (dim + batch),
                 f"a trajectory of {runs} runs x {steps} steps (dim {dim}, batch {batch})")
    xs = np.empty((runs, steps + 1, dim))
    idx = np.empty((runs, steps, batch), dtype=np.intp)
    xs[:, 0] = x
    dead = np.zeros(runs, dtype=bool)
    xb_shape = (runs, batch, dim)
    for k in range(steps):  # time is sequential; runs and the batch are vectorised
        i = rng.integers(0, landscape.n, (runs, batch))
        idx[:, k] = i
        g = landscape.grad_at(np.broadcast_to(x[:, None, :], xb_shape), i).mean(axis=1)
        nxt = x - gamma * g
        bad = ~np.all(np.isfinite(nxt), axis=-1)
        dead |= bad
        x = np.where(dead[:, None], x, nxt)
        xs[:, k + 1] = x
    return Trajectory(xs, idx, gamma, int(seed), dead)


def _batch_loss(landscape, x, idx):
    """``f_B(x)`` for x (runs, K, dim) or (runs, K, m, dim) and idx (runs, K, batch)."""
    extra = x.ndim - 3
    i = idx.reshape(idx.shape[:2] + (1,) * extra + idx.shape[2:])
    xb = np.broadcast_to(x[..., None, :], x.shape[:-1] + (idx.shape[-1], x.shape[-1]))
    i = np.broadcast_to(i, xb.shape[:-1])
    return landscape.loss_at(xb, i).mean(axis=-1)


@checked(traj=_trajectory, f_i_lower=_lower, candidates=None)
def protocol_rows(landscape, traj: Trajectory, *, projection: str = "proxy",
                  f_i_lower=None, candidates=None) -> ProtocolRows:
    r"""The rows of T along ``traj`` (steps 0..K−1).

    Parameters
    ----------
    projection : {"proxy", "exact"}
        ``proxy``: ``x_p = x^K`` of the same run [AB §5]; ``exact``: every nearest point of S
        (``minimizers.candidates``).
    f_i_lower : None, float or array (n,)
        ``l_i`` in ``c``. Default: 0 for ``proxy`` (the paper's choice) and the true f_i* for
        ``exact``; pass ``"true"`` or ``0.0`` to cross them.
    candidates : (points, mask), optional
        ``minimizers.candidates`` of the iterates, when already computed (projections can be
        the expensive part, e.g. matrix factorization).
    """
    if projection not in ("proxy", "exact"):
        raise ValueError(f"projection must be 'proxy' or 'exact', got {projection!r}")
    xk = traj.x[:, :-1]  # (runs, K, dim)
    idx = traj.idx
    runs, K, dim = xk.shape
    if isinstance(f_i_lower, str):
        if f_i_lower != "true":
            raise ValueError("f_i_lower must be None, 'true', a number or an array")
        lower = np.asarray(landscape.f_i_star, dtype=np.float64)
    elif f_i_lower is None:
        lower = (np.zeros(landscape.n) if projection == "proxy"
                 else np.asarray(landscape.f_i_star, dtype=np.float64))
    else:
        lower = np.broadcast_to(np.asarray(f_i_lower, dtype=np.float64), (landscape.n,))
    if projection == "proxy":
        xp = np.broadcast_to(traj.x[:, -1][:, None, None, :], (runs, K, 1, dim))
        mask = np.ones((runs, K, 1), dtype=bool)
    else:
        xp, mask = landscape.minimizers.candidates(xk) if candidates is None else candidates
        xp = np.asarray(xp, dtype=np.float64)
    m = xp.shape[2]
    # mini-batch gradient at x^k (the one the step used), then <g, x^k − x_p>
    batch = idx.shape[-1]
    xb = np.broadcast_to(xk[:, :, None, :], (runs, K, batch, dim))
    g = landscape.grad_at(xb, idx).mean(axis=2)  # (runs, K, dim)
    a = np.einsum("rkd,rkmd->rkm", g, xk[:, :, None, :] - xp)
    fx = _batch_loss(landscape, xk, idx)  # (runs, K)
    fp = _batch_loss(landscape, xp, idx)  # (runs, K, m)
    lb = lower[idx].mean(axis=-1)  # (runs, K)
    b = fx[..., None] - fp
    c = np.broadcast_to(np.maximum(fx - lb, 0.0)[..., None], (runs, K, m)).copy()
    return ProtocolRows(a, b, c, np.asarray(mask, dtype=bool))


@dataclass(frozen=True)
class TwoPass:
    """The two-pass protocol: ``traj`` (run 2), ``x_K`` from run 1, ``reproduced`` (run 2's
    iterates equal run 1's bit for bit), and the rows ``proxy`` (x^K, f_i* = 0) and ``exact``
    (true projection, true f_i*)."""

    traj: Trajectory
    x_K: np.ndarray
    reproduced: bool
    proxy: ProtocolRows
    exact: ProtocolRows
    candidates: tuple = ()


@checked(gamma=_positive, steps=_at_least_one, batch=_at_least_one)
def two_pass(landscape, x0, *, gamma: float, steps: int, seed: int, batch: int = 1) -> TwoPass:
    """Run 1 to get ``x^K``; run 2 with the same seed records the rows (MATHEMATICS.md §7)."""
    run1 = sgd_trajectory(landscape, x0, gamma=gamma, steps=steps, seed=seed, batch=batch)
    run2 = sgd_trajectory(landscape, x0, gamma=gamma, steps=steps, seed=seed, batch=batch)
    same = bool(np.array_equal(run1.x, run2.x))
    traj = Trajectory(run2.x.copy(), run2.idx, run2.gamma, run2.seed, run2.diverged)
    # the proxy uses run 1's last iterate
    traj.x[:, -1] = run1.x[:, -1]
    cand = landscape.minimizers.candidates(traj.x[:, :-1])
    return TwoPass(traj, run1.x[:, -1].copy(), same, protocol_rows(landscape, traj),
                   protocol_rows(landscape, traj, projection="exact", candidates=cand), cand)


@checked(rows=_protocol_rows, alphas=_vector, betas=_vector)
def min_T_grid(rows: ProtocolRows, alphas, betas, *, gap: float = 0.1) -> np.ndarray:
    r"""``min T`` over all runs and steps on the grid, shape ``(len(betas), len(alphas))``.

    Cells with ``α < β + gap`` are NaN (the paper's grid keeps ``α ≥ β + 0.1``). Per step the
    best nearest candidate counts (for the proxy there is one). Vectorised over the grid,
    chunked over rows.
    """
    al = np.asarray(alphas, dtype=np.float64)
    be = np.asarray(betas, dtype=np.float64)
    A, B = np.meshgrid(al, be)  # (nb, na)
    a = rows.a.reshape(-1, rows.a.shape[-1])
    b = rows.b.reshape(a.shape)
    c = rows.c.reshape(a.shape)
    mk = rows.mask.reshape(a.shape)
    out = np.full(A.shape, np.inf)
    step = max(1, (1 << 22) // max(A.size * a.shape[1], 1))
    for s in range(0, a.shape[0], step):  # chunks of rows, each vectorised over the grid
        T = (a[s : s + step, :, None, None] - b[s : s + step, :, None, None] * A
             + c[s : s + step, :, None, None] * B)
        T = np.where(mk[s : s + step, :, None, None], T, -np.inf).max(axis=1)
        out = np.minimum(out, T.min(axis=0))
    return np.where(A >= B + gap, out, np.nan)


# Settings of the protocol for the landscapes it is reported on (x0: a box to draw starts from).
PROTOCOL_SETTINGS = {
    "example2": {"gamma": 0.5, "steps": 2000, "runs": 4, "batch": 1, "x0_box": (-1.0, 3.0)},
    "example6": {"gamma": 0.5, "steps": 2000, "runs": 4, "batch": 1, "x0_box": (-1.5, 2.5)},
    "half-space": {"gamma": 0.25, "steps": 4000, "runs": 4, "batch": 1, "x0_box": (-2.0, 2.0)},
    "matrix-factorization": {"gamma": 0.2, "steps": 1000, "runs": 4, "batch": 1,
                             "x0_box": (-1.0, 1.0)},
}
_DEFAULT = {"gamma": 0.1, "steps": 1000, "runs": 4, "batch": 1, "x0_box": None}


def _region_summary(reg: Region, grid) -> dict:
    a0 = reg.alpha_min
    return {
        "alpha_min": a0 if np.isfinite(a0) else None,
        "beta_min": [float(v) if np.isfinite(v) else None for v in reg.beta_min(grid)],
    }


# The paper's (α, β) grid for the heat maps: α ≥ β + 0.1 on [0.1, 10] × [0, 9.9] [AB §5].
HEATMAP_ALPHAS = np.linspace(0.1, 10.0, 45)
HEATMAP_BETAS = np.linspace(0.0, 9.9, 45)
# The four variants of the rows: (x^K proxy | exact projection) × (f_i* = 0 | true f_i*).
VARIANTS = ("paper", "proxy_true_fstar", "exact_zero_fstar", "exact")


@checked(gamma=_positive, steps=_at_least_one, runs=_at_least_one, batch=_at_least_one)
def protocol_settings(landscape, *, gamma=None, steps=None, runs=None, batch=None) -> dict:
    """``PROTOCOL_SETTINGS`` of the landscape (a default for the others), with the non-None
    arguments in place of the stored values.

    >>> import toylands
    >>> protocol_settings(toylands.get("example6"), steps=10)["steps"]
    10
    """
    cfg = dict(PROTOCOL_SETTINGS.get(landscape.name, _DEFAULT))
    for k, v in (("gamma", gamma), ("steps", steps), ("runs", runs), ("batch", batch)):
        if v is not None:
            cfg[k] = v
    return cfg


def protocol_two_pass(landscape, *, gamma=None, steps=None, runs=None, batch=None, seed=0,
                      x0=None) -> TwoPass:
    """``two_pass`` with the landscape's protocol settings (``protocol_settings``) and, unless
    ``x0`` is given, ``runs`` starts drawn uniformly from the settings' ``x0_box`` (the domain
    where it is None) by ``numpy.random.default_rng(seed)``."""
    cfg = protocol_settings(landscape, gamma=gamma, steps=steps, runs=runs, batch=batch)
    if x0 is None:
        rng = np.random.default_rng(seed)
        box = cfg["x0_box"]
        if box is None:
            x0 = landscape.domain.sample(rng, cfg["runs"])
        else:
            x0 = rng.uniform(box[0], box[1], (cfg["runs"], landscape.dim))
    return two_pass(landscape, x0, gamma=cfg["gamma"], steps=cfg["steps"], seed=seed,
                    batch=cfg["batch"])


@dataclass(frozen=True)
class ProtocolVariants:
    """The four variants of the protocol rows along one two-pass run (keys of ``VARIANTS``):

    - ``paper``: ``x^K`` proxy, ``f_i* = 0`` [AB §5];
    - ``proxy_true_fstar``: ``x^K`` proxy, true f_i*;
    - ``exact_zero_fstar``: true projection, ``f_i* = 0``;
    - ``exact``: true projection, true f_i*;

    with the exact (α, β) region of each (``regions``) and the settings used."""

    two_pass: TwoPass
    settings: dict
    rows: dict
    regions: dict
    _heat: dict = field(default_factory=dict, repr=False, compare=False)  # grid -> heat maps

    def heatmaps(self, alphas=HEATMAP_ALPHAS, betas=HEATMAP_BETAS) -> dict:
        """``min_T_grid`` of every variant on the (α, β) grid (computed once per grid)."""
        al = np.asarray(alphas, dtype=np.float64)
        be = np.asarray(betas, dtype=np.float64)
        key = (al.tobytes(), be.tobytes())
        if key not in self._heat:
            self._heat[key] = {k: min_T_grid(r, al, be) for k, r in self.rows.items()}
        return self._heat[key]

    def summary(self, alphas=HEATMAP_ALPHAS, betas=HEATMAP_BETAS) -> ProtocolSummary:
        """What a figure draws of these variants (``ProtocolSummary``), without the rows."""
        traj = self.two_pass.traj
        return ProtocolSummary(dict(self.regions), self.heatmaps(alphas, betas),
                               np.asarray(alphas, float), np.asarray(betas, float),
                               traj.x.shape[0], traj.x.shape[1] - 1, traj.gamma)


class ProtocolSummary(NamedTuple):
    """The regions and heat maps of the four variants (``ProtocolVariants``) on the grid
    ``alphas × betas``, and the runs, steps and step size that produced them: what the report's
    protocol section hands to the figures that draw it (small: no rows)."""

    regions: dict
    heatmaps: dict
    alphas: np.ndarray
    betas: np.ndarray
    runs: int
    steps: int
    gamma: float


def protocol_variants(landscape, *, gamma=None, steps=None, runs=None, batch=None, seed=0,
                      x0=None) -> ProtocolVariants:
    """The four variants of the rows (``ProtocolVariants``) along ``protocol_two_pass``.

    Examples
    --------
    >>> import toylands
    >>> pv = protocol_variants(toylands.get("example6"), steps=50, runs=2)
    >>> list(pv.rows) == list(VARIANTS)
    True
    """
    cfg = protocol_settings(landscape, gamma=gamma, steps=steps, runs=runs, batch=batch)
    tp = protocol_two_pass(landscape, gamma=cfg["gamma"], steps=cfg["steps"], runs=cfg["runs"],
                           batch=cfg["batch"], seed=seed, x0=x0)
    rows = {
        "paper": tp.proxy,
        "proxy_true_fstar": protocol_rows(landscape, tp.traj, f_i_lower="true"),
        "exact_zero_fstar": protocol_rows(landscape, tp.traj, projection="exact", f_i_lower=0.0,
                                          candidates=tp.candidates),
        "exact": tp.exact,
    }
    return ProtocolVariants(tp, cfg, rows, {k: v.region() for k, v in rows.items()})


def protocol_comparison(landscape, *, gamma=None, steps=None, runs=None, batch=None, seed=0,
                        x0=None, alphas=None, betas=None, variants=None) -> dict:
    r"""The paper's protocol and its exact counterpart on one landscape.

    The four variants of ``protocol_variants`` along the same two-pass trajectories. For each:
    the region its rows admit (exact for those rows, an outer bound of the landscape's;
    ``alpha_min``, ``β_min`` on an α grid), the heat map
    ``min T`` on the (α, β) grid (default ``HEATMAP_ALPHAS × HEATMAP_BETAS``) and the fraction
    of grid cells that "work". The report gives the differences ``paper − exact``. Returns a
    JSON-able dict. ``variants``: the ``protocol_variants`` of these arguments, where already
    computed (their heat maps are then reused).
    """
    pv = variants if variants is not None else protocol_variants(
        landscape, gamma=gamma, steps=steps, runs=runs, batch=batch, seed=seed, x0=x0)
    tp, cfg, variants, regions = pv.two_pass, pv.settings, pv.rows, pv.regions
    a_ref = [r.alpha_min for r in regions.values() if np.isfinite(r.alpha_min)]
    base = max(min(a_ref), 1e-3) if a_ref else 1.0
    grid = base * np.geomspace(1.0 + 1e-3, 100.0, 9)
    al = HEATMAP_ALPHAS if alphas is None else np.asarray(alphas, float)
    be = HEATMAP_BETAS if betas is None else np.asarray(betas, float)
    out = {
        "landscape": landscape.name,
        "settings": {**{k: cfg[k] for k in ("gamma", "steps", "runs", "batch")}, "seed": seed},
        "reproduced": tp.reproduced,
        "diverged": int(tp.traj.diverged.sum()),
        "final_gap": float(np.max(landscape.value(tp.x_K) - landscape.f_star)),
        "final_dist": float(np.max(landscape.distance(tp.x_K))),
        "alpha_grid": grid.tolist(),
        "heatmap_alphas": al.tolist(),
        "heatmap_betas": be.tolist(),
        "variants": {},
    }
    works = {}
    heat = pv.heatmaps(al, be)
    for k, rows in variants.items():
        H = heat[k]
        valid = ~np.isnan(H)
        works[k] = (H >= 0) & valid
        out["variants"][k] = {
            **_region_summary(regions[k], grid),
            "works_fraction": float(works[k].sum() / max(valid.sum(), 1)),
            "min_T_at": {"alpha": 5.0, "beta": 4.0, "value": rows.min_T(5.0, 4.0)},
        }
    p, e = out["variants"]["paper"], out["variants"]["exact"]
    diff_beta = [None if (x is None or y is None) else x - y
                 for x, y in zip(p["beta_min"], e["beta_min"])]
    out["difference"] = {
        "alpha_min": (None if p["alpha_min"] is None or e["alpha_min"] is None
                      else p["alpha_min"] - e["alpha_min"]),
        "beta_min": diff_beta,
        "heatmap_cells_disagree": float(np.mean(works["paper"] != works["exact"])),
    }
    return out


# ---- the paper's other diagnostics along a run [AB §5, Eq. (13); MATHEMATICS.md §7] --------------
class Aiming(NamedTuple):
    r"""``cos`` = cos∠(∇f(x^k), x^k − x_ref) (NaN where either vector is 0) and
    ``coefficient`` = <∇f(x^k), x^k − x_ref> / (f(x^k) − f_lower) (NaN where
    ``f(x^k) = f_lower``), one value per iterate."""

    cos: np.ndarray
    coefficient: np.ndarray


@checked()
def aiming_along(landscape, x, reference=None, *, f_lower: float = 0.0) -> Aiming:
    r"""The aiming diagnostics of [AB §5] (MATHEMATICS.md §7) at the iterates ``x`` (shape ``(K,
    dim)``).

    With ``x_ref = Proj(x^k, S)`` (``reference=None``, exact) or a fixed point ``reference``
    (the paper's proxy ``x^K``):

    .. math::
        \cos_k = \frac{\langle \nabla f(x^k), x^k - x_{ref}\rangle}
                     {\|\nabla f(x^k)\| \, \|x^k - x_{ref}\|}, \qquad
        \theta_k = \frac{\langle \nabla f(x^k), x^k - x_{ref}\rangle}{f(x^k) - f_{lower}}.

    ``x`` may be a torch tensor of a landscape with torch kernels (e.g. ``from_module``): the
    gradients are evaluated on its device and the diagnostics returned as float64 numpy.

    Aiming [Liu et al. 2023] asks ``θ_k ≥ θ > 0`` with ``x_ref = Proj(x^k, S)`` and
    ``f_lower = f*`` (the paper, like MATHEMATICS.md §7, divides by ``f(x^k)``: ``f_lower = 0``). A
    negative cosine means the gradient points away from ``x_ref``.

    Examples
    --------
    >>> import numpy as np, toylands
    >>> f = toylands.get("example1")      # S: the line y = −x − ½, f convex
    >>> a = aiming_along(f, np.array([[1.0, 1.0]]))
    >>> bool(a.cos[0] > 0)
    True
    """
    xt, x = x, to_numpy64(x)  # a tensor is evaluated on its device, the rest is float64 numpy
    if x.ndim != 2 or x.shape[1] != landscape.dim:
        raise ValueError(f"x must have shape (K, {landscape.dim})")
    ref = to_numpy64(landscape.project(xt) if reference is None else reference)
    g = to_numpy64(landscape.gradient(xt))
    d = x - ref
    inner = np.einsum("kd,kd->k", g, np.broadcast_to(d, g.shape))
    ng = np.linalg.norm(g, axis=-1)
    nd = np.linalg.norm(np.broadcast_to(d, g.shape), axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.where((ng > 0) & (nd > 0), inner / (ng * nd), np.nan)
        den = to_numpy64(landscape.value(xt)) - float(f_lower)
        coef = np.where(den != 0, inner / np.where(den != 0, den, 1.0), np.nan)
    return Aiming(cos, coef)


class PLEstimate(NamedTuple):
    """``k``: the iterations used (one per epoch); ``value``: the estimate there (NaN where
    ``f(x^k) ≤ f_ref``); ``log_2mu``: its minimum over the finite values (an admissible
    log(2μ) is at most this), NaN if none."""

    k: np.ndarray
    value: np.ndarray
    log_2mu: float


@checked(every=_at_least_one)
def pl_estimate_along(landscape, x, reference=None, *, delta: float = 2.0,
                      every: int | None = None) -> PLEstimate:
    r"""The PL estimate of [AB Eq. (13)] (MATHEMATICS.md §7) at every ``every``-th iterate of ``x
    (K, dim)``.

    .. math::
        e_k = 2 \log\|\nabla f(x^k)\| - \tfrac{2}{\delta}\log\bigl(f(x^k) - f_{ref}\bigr)
            = \log \frac{\|\nabla f(x^k)\|^2}{(f(x^k) - f_{ref})^{2/\delta}},

    with ``f_ref = f*`` (``reference=None``, exact) or ``f(reference)`` (the paper's proxy
    ``x^K``). If f satisfies ``‖∇f‖^2 ≥ 2μ (f − f*)^{2/δ}`` along the run then
    ``log(2μ) ≤ min_k e_k``. ``every`` defaults to ``landscape.n`` (one point per epoch of
    single-sample SGD, as the paper). ``x`` may be a torch tensor (as in ``aiming_along``).

    Examples
    --------
    >>> import numpy as np, toylands
    >>> f = toylands.get("example1")
    >>> e = pl_estimate_along(f, np.array([[1.0, 1.0], [0.5, 0.0]]), every=1)
    >>> e.k.tolist()
    [0, 1]
    """
    delta = float(delta)
    if not (np.isfinite(delta) and delta > 0):
        raise ValueError(f"delta must be positive and finite, got {delta}")
    if not is_torch(x):
        x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != landscape.dim:
        raise ValueError(f"x must have shape (K, {landscape.dim})")
    every = landscape.n if every is None else int(every)
    if every < 1:
        raise ValueError("every must be >= 1")
    k = np.arange(0, x.shape[0], every)
    xs = x[k] if isinstance(x, np.ndarray) else x[list(k)]
    f_ref = (landscape.f_star if reference is None
             else float(to_numpy64(landscape.value(reference))))
    gn = np.linalg.norm(to_numpy64(landscape.gradient(xs)), axis=-1)
    gap = to_numpy64(landscape.value(xs)) - f_ref
    with np.errstate(divide="ignore", invalid="ignore"):
        val = np.log(gn**2 / gap ** (2.0 / delta))
    val = np.where(gap > 0, val, np.nan)
    fin = val[np.isfinite(val)]
    return PLEstimate(k, val, float(fin.min()) if fin.size else float("nan"))
