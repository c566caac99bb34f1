r"""The paper's two-pass protocol streamed, for landscapes too big to store a trajectory
([AB §5]; MATHEMATICS.md §7): networks from ``toylands.from_module`` and the array-API
landscapes on torch.

``theory.studies.protocol.two_pass`` keeps every iterate ``(runs, K+1, dim)``; for a network of 10⁵
parameters and thousands of steps that is gigabytes. Here run 1 trains and keeps only ``x^K``;
run 2 repeats the same seeded run (the same ``numpy.random.Generator`` stream of mini-batch
indices, so the same iterates bit for bit) and forms the rows of

    T(x^k) = <∇f_{B_k}(x^k), x^k − x^K> − α (f_{B_k}(x^k) − f_{B_k}(x^K)) + β (f_{B_k}(x^k) − l_B)

as it goes (``+ β``: the sign correction of MATHEMATICS.md §7, see ``theory.studies.protocol``),
with ``l_B`` the mean of the lower bounds ``l_i`` of the batch (0, the paper's choice, by default).
``B_k`` is drawn as in ``theory.studies.protocol.sgd_trajectory``
(``rng.integers(0, n, (runs, batch))`` per step), so on a numpy landscape the rows equal
``protocol_rows(..., projection="proxy")``.

Every ``record_every`` steps (default one epoch, ``n // batch``) the iterate is kept for the
full-batch diagnostics of MATHEMATICS.md §7: the PL estimate ``2 log‖∇f(x^k)‖ − (2/δ) log(f(x^k) −
f(x^K))`` and the aiming cosine and coefficient (``theory.studies.protocol.pl_estimate_along``,
``aiming_along``, with ``x^K`` as the reference).

The SGD step and the rows run on the landscape's arrays (numpy, or torch on its device); the
rows are gathered once and returned as float64 numpy (``ProtocolRows``), whose region
(``theory.region``) and heat map (``theory.studies.protocol.min_T_grid``) are exact geometry on the
host.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from toylands._checked import checked
from toylands._validate import as_finite_float, as_int
from toylands._xp import is_torch, namespace, to_numpy64

from .protocol import ProtocolRows, aiming_along, pl_estimate_along

__all__ = ["StreamedProtocol", "stream_two_pass", "sgd_run"]


@dataclass(frozen=True)
class StreamedProtocol:
    """The streamed two-pass protocol.

    Attributes
    ----------
    rows : ProtocolRows
        ``(runs, K, 1)`` rows of T with ``x^K`` as ``x_p`` (float64 numpy).
    x_K : array or tensor (runs, dim)
        Run 1's last iterates.
    reproduced : bool
        Run 2's iterates equal run 1's bit for bit (checked on the last iterate).
    diverged : ndarray of bool (runs,)
    recorded_steps : ndarray (E,)
        The steps whose iterates were kept for the diagnostics.
    pl, aiming : list of theory.studies.protocol.PLEstimate / Aiming, one per run
        The diagnostics of MATHEMATICS.md §7 along the recorded iterates, reference ``x^K``.
    final_loss : ndarray (runs,)
        ``f(x^K)``.
    settings : dict
    note : str
        What the rows are (proxy, lower bound), to be carried into every verdict.
    """

    rows: ProtocolRows
    x_K: object
    reproduced: bool
    diverged: np.ndarray
    recorded_steps: np.ndarray
    pl: list
    aiming: list
    final_loss: np.ndarray
    settings: dict
    note: str


def _check(gamma, steps, batch, runs_x0, landscape):
    gamma = float(gamma)
    if not (np.isfinite(gamma) and gamma > 0):
        raise ValueError(f"gamma must be positive and finite, got {gamma}")
    steps, batch = int(steps), int(batch)
    if steps < 1 or batch < 1:
        raise ValueError("steps and batch must be >= 1")
    shape = tuple(runs_x0.shape)
    if len(shape) != 2 or shape[1] != landscape.dim:
        raise ValueError(f"x0 must have shape (runs, {landscape.dim}), got {shape}")
    return gamma, steps, batch


def _x0(landscape, x0):
    if is_torch(x0):
        x0 = x0.detach().clone()
        return x0[None] if x0.ndim == 1 else x0
    x0 = np.array(x0, dtype=np.float64)
    return x0[None] if x0.ndim == 1 else x0


def _positive(value, name, ctx):
    return as_finite_float(value, name, low=0.0, low_open=True)


def _at_least_one(value, name, ctx):
    return as_int(value, name, low=1)


def _callback(value, name, ctx):
    if not callable(value):
        raise TypeError(f"{name} must be callable, got {type(value).__name__}")
    return value


@checked(gamma=_positive, steps=_at_least_one, batch=_at_least_one, on_step=_callback,
         record_every=_at_least_one)
def sgd_run(landscape, x0, *, gamma, steps, seed, batch=1, on_step=None, record_every=None):
    """Mini-batch SGD with constant step from ``x0 (runs, dim)``, vectorised over runs.

    ``on_step(k, x, i, g)`` is called before each step with the iterate, the batch indices
    ``(runs, batch)`` and the batch gradient. Returns ``(x_K, diverged, recorded)`` with the
    iterates at steps ``0, record_every, …`` (``None`` without ``record_every``).
    """
    x = _x0(landscape, x0)
    gamma, steps, batch = _check(gamma, steps, batch, x, landscape)
    xp = namespace(x)
    rng = np.random.default_rng(seed)
    runs = x.shape[0]
    dead = np.zeros(runs, dtype=bool)
    rec = []
    for k in range(steps):  # time is sequential; runs and the batch are vectorised
        i = rng.integers(0, landscape.n, (runs, batch))
        if record_every and k % record_every == 0:
            rec.append(x)
        g = landscape.batch_gradient(x, i)
        if on_step is not None:
            on_step(k, x, i, g)
        nxt = x - gamma * g
        bad = ~np.asarray(to_numpy64(xp.all(xp.isfinite(nxt), axis=-1)), dtype=bool)
        if bad.any():
            dead |= bad
        if dead.any():
            keep = dead[:, None] if xp is np else _mask_like(dead, x)
            nxt = xp.where(keep, x, nxt)
        x = nxt
    return x, dead, rec


def _mask_like(mask, x):
    import torch

    return torch.as_tensor(mask[:, None], device=x.device)


@checked(gamma=_positive, steps=_at_least_one, batch=_at_least_one, record_every=_at_least_one,
         f_i_lower=None)
def stream_two_pass(landscape, x0, *, gamma: float, steps: int, seed: int, batch: int = 1,
                    f_i_lower=0.0, record_every=None, delta: float = 2.0) -> StreamedProtocol:
    r"""The two-pass protocol of MATHEMATICS.md §7 without storing the trajectory (module
    docstring).

    Parameters
    ----------
    landscape : toylands.Landscape
        Any landscape with ``batch_gradient``/``batch_loss``: a network (``from_module``; then
        ``x0`` is a tensor, e.g. ``landscape.initial()[None]``), or a built-in one.
    x0 : array or tensor (runs, dim) or (dim,)
    gamma, steps, seed, batch
        SGD step, number of steps, the seed of the index stream, mini-batch size.
    f_i_lower : float or array (n,) or "true"
        ``l_i`` in ``c``: 0 (the paper's choice; default), lower bounds, or the landscape's
        ``f_i_star`` (``"true"``).
    record_every : int, optional
        Keep every ``record_every``-th iterate for the PL and Aiming diagnostics (default: once
        per epoch, ``max(n // batch, 1)``).
    delta : float
        δ of the relaxed PL estimate (2: PL).
    """
    n = landscape.n
    if isinstance(f_i_lower, str):
        if f_i_lower != "true":
            raise ValueError("f_i_lower must be a number, an array (n,) or 'true'")
        lower = np.asarray(landscape.f_i_star, dtype=np.float64)
    else:
        lower = np.broadcast_to(np.asarray(f_i_lower, dtype=np.float64), (n,)).copy()
    every = max(n // int(batch), 1) if record_every is None else int(record_every)
    if every < 1:
        raise ValueError("record_every must be >= 1")
    x_K, dead1, _ = sgd_run(landscape, x0, gamma=gamma, steps=steps, seed=seed, batch=batch)
    xp = namespace(x_K)
    a_l, fx_l, fp_l, lb_l = [], [], [], []

    def on_step(k, x, i, g):
        a_l.append(xp.sum(g * (x - x_K), axis=-1))
        fx_l.append(landscape.batch_loss(x, i))
        fp_l.append(landscape.batch_loss(x_K, i))
        lb_l.append(lower[i].mean(axis=-1))

    x_last, dead2, rec = sgd_run(landscape, x0, gamma=gamma, steps=steps, seed=seed, batch=batch,
                                 on_step=on_step, record_every=every)
    same = bool(np.array_equal(to_numpy64(x_last), to_numpy64(x_K)))
    stack = (np.stack if xp is np else _torch_stack)
    a = to_numpy64(stack(a_l, axis=1))  # (runs, K)
    fx = to_numpy64(stack(fx_l, axis=1))
    fp = to_numpy64(stack(fp_l, axis=1))
    lb = np.stack(lb_l, axis=1)
    rows = ProtocolRows(a[..., None], (fx - fp)[..., None], np.maximum(fx - lb, 0.0)[..., None],
                        np.ones(a.shape + (1,), dtype=bool))
    steps_rec = np.arange(0, int(steps), every)
    pl, aim = [], []
    runs = a.shape[0]
    for r in range(runs):  # a handful of runs; each call is vectorised over the recorded steps
        xr = stack([z[r] for z in rec], axis=0)
        ref = x_K[r]
        pl.append(pl_estimate_along(landscape, xr, reference=ref, delta=delta, every=1))
        aim.append(aiming_along(landscape, xr, reference=ref, f_lower=0.0))
    note = getattr(landscape, "proxy_note", None) or (
        "proxy rows: x^K for Proj(x^k, S), l_i for f_i* (MATHEMATICS.md §7)")
    return StreamedProtocol(
        rows=rows, x_K=x_K, reproduced=same and bool(np.array_equal(dead1, dead2)),
        diverged=dead2, recorded_steps=steps_rec, pl=pl, aiming=aim,
        final_loss=to_numpy64(landscape.value(x_K)),
        settings={"gamma": float(gamma), "steps": int(steps), "batch": int(batch),
                  "seed": int(seed), "runs": runs, "record_every": every},
        note=note,
    )


def _torch_stack(arrays, axis=0):
    import torch

    return torch.stack(list(arrays), dim=axis)

