r"""Teacher–student: a network whose minimizer set is known, so the paper's proxies can be
measured against the exact projection (what [AB §5] could not do on real networks;
MATHEMATICS.md §7).

The student is ``x ↦ Σ_j v_j relu(W_j·x)`` (no biases; ``W ∈ R^{k×d}``, ``v ∈ R^k``, the
``nn.Sequential(Linear(d, k, bias=False), ReLU(), Linear(k, 1, bias=False))`` of a
``toylands.from_module`` landscape with the square loss ``f_i = (out_i − y_i)²``); the labels
come from a seeded teacher of the same shape, ``y_i = Σ_j v*_j relu(W*_j·x_i)``. So f_i* = 0,
f* = 0 and the set of global minimizers contains the orbit of the teacher under permutations of
the hidden units and the rescalings ``(W_j, v_j) → (c_j W_j, v_j / c_j)``, ``c_j > 0``.
[assumption, standard] With n ≫ k(d + 1) generic inputs and a generic teacher (no two units
parallel, none zero) the zero-loss set is exactly that orbit (identifiability of bias-free ReLU
networks); ``dist(x^K, orbit)`` at an interpolating x^K is reported as the check.

Projection onto the orbit, exact up to a quartic root: for one unit pair,
``min_{c>0} ‖w − c w*‖² + (v − v*/c)²`` has stationarity ``‖w*‖² c⁴ − (w·w*) c³ + v v* c − v*²
= 0`` (multiply the derivative by c³/2); its positive real roots are the candidates (the cost
→ ∞ at c → 0 and c → ∞). The permutation is then a linear assignment on the k × k costs.

Measured along the same seeded SGD run: the rows of T with the proxy (x^K, l_i = 0) and with
the exact projection (f_i* = 0 is exact here), their regions, and ``‖x^K − Proj(x^k, S)‖``.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import linear_sum_assignment

from ._common import GAP, torch_device

__all__ = ["teacher_student", "orbit_projection", "unit_cost"]

SETTINGS = {
    "full": {"n": 200, "d": 5, "k": 3, "steps": 2000, "gamma": 0.1, "batch": 8},
    "quick": {"n": 100, "d": 5, "k": 3, "steps": 800, "gamma": 0.1, "batch": 8},
}


def unit_cost(w, v, ws, vs):
    r"""``min_{c>0} ‖w − c w*‖² + (v − v*/c)²`` and its minimiser ``c``, for arrays of unit
    pairs: ``w, ws (..., d)``, ``v, vs (...)``. Returns ``(cost, c)``.

    >>> cost, c = unit_cost(np.array([2.0, 0.0]), np.array(0.5), np.array([1.0, 0.0]),
    ...                     np.array(1.0))
    >>> round(float(cost), 12), round(float(c), 12)
    (0.0, 2.0)
    """
    w, ws = np.asarray(w, float), np.asarray(ws, float)
    v, vs = np.asarray(v, float), np.asarray(vs, float)
    shape = np.broadcast_shapes(w.shape[:-1], ws.shape[:-1], v.shape, vs.shape)
    w, ws = np.broadcast_to(w, shape + w.shape[-1:]), np.broadcast_to(ws, shape + ws.shape[-1:])
    v, vs = np.broadcast_to(v, shape), np.broadcast_to(vs, shape)
    a4 = np.sum(ws * ws, axis=-1)
    a3 = -np.sum(w * ws, axis=-1)
    a1 = v * vs
    a0 = -vs * vs
    # companion matrix of c⁴ + (a3/a4) c³ + 0 c² + (a1/a4) c + a0/a4 (a4 = ‖w*‖² > 0)
    C = np.zeros(shape + (4, 4))
    C[..., 0, 0] = -a3 / a4
    C[..., 0, 2] = -a1 / a4
    C[..., 0, 3] = -a0 / a4
    C[..., 1, 0] = C[..., 2, 1] = C[..., 3, 2] = 1.0
    roots = np.linalg.eigvals(C)
    ok = (np.abs(roots.imag) <= 1e-9 * np.maximum(1.0, np.abs(roots.real))) & (roots.real > 0)
    c = np.where(ok, roots.real, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        cost = (np.sum((w[..., None, :] - c[..., None] * ws[..., None, :]) ** 2, axis=-1)
                + (v[..., None] - vs[..., None] / c) ** 2)
    cost = np.where(ok, cost, np.inf)
    j = np.argmin(cost, axis=-1)[..., None]
    return np.take_along_axis(cost, j, -1)[..., 0], np.take_along_axis(c, j, -1)[..., 0]


def orbit_projection(x, W_star, v_star):
    """The nearest point of the permutation-and-rescaling orbit of ``(W*, v*)`` to each row of
    ``x (m, k(d+1))`` (layout ``(vec W, v)``), and the distances. One assignment per point."""
    x = np.atleast_2d(np.asarray(x, dtype=np.float64))
    k, d = W_star.shape
    W, v = x[:, :k * d].reshape(-1, k, d), x[:, k * d:]
    cost, c = unit_cost(W[:, :, None, :], v[:, :, None], W_star[None, None], v_star[None, None])
    P = np.empty_like(x)
    dist = np.empty(len(x))
    for p in range(len(x)):  # one k×k assignment per point (k is small)
        rows, cols = linear_sum_assignment(cost[p])
        Wp = c[p, rows, cols][:, None] * W_star[cols]
        vp = v_star[cols] / c[p, rows, cols]
        P[p] = np.concatenate([Wp.reshape(-1), vp])
        dist[p] = math.sqrt(max(float(cost[p, rows, cols].sum()), 0.0))
    return P, dist


def _student(d, k, rng, device):
    import torch

    net = torch.nn.Sequential(torch.nn.Linear(d, k, bias=False), torch.nn.ReLU(),
                              torch.nn.Linear(k, 1, bias=False)).to(torch.float64)
    with torch.no_grad():
        net[0].weight.copy_(torch.as_tensor(rng.normal(size=(k, d)) / math.sqrt(d)))
        net[2].weight.copy_(torch.as_tensor(rng.normal(size=(1, k)) / math.sqrt(k)))
    return net.to(device)


def teacher_student(*, quick=False, device="cpu", seed=0, progress=None, settings=None) -> dict:
    """The proxy (x^K, f_i* = 0) against the exact projection on a teacher–student net;
    ``settings`` overrides entries of ``SETTINGS``."""
    import torch

    import toylands

    from ..protocol import ProtocolRows
    from ..protocol_stream import sgd_run

    dev = torch_device(device)
    cfg = {**SETTINGS["quick" if quick else "full"], **(settings or {})}
    n, d, k = cfg["n"], cfg["d"], cfg["k"]
    rng = np.random.default_rng(seed)
    W_star = rng.normal(size=(k, d))
    W_star /= np.linalg.norm(W_star, axis=1, keepdims=True)
    v_star = rng.choice([-1.0, 1.0], k) * rng.uniform(0.5, 1.5, k)
    X = rng.normal(size=(n, d))
    y = np.maximum(X @ W_star.T, 0.0) @ v_star
    f = toylands.from_module(_student(d, k, rng, dev), X, y, loss="mse", name="teacher-student")
    if progress:
        progress("  teacher-student: two seeded SGD passes")
    x0 = f.initial()[None]
    kw = {"gamma": cfg["gamma"], "steps": cfg["steps"], "seed": seed, "batch": cfg["batch"]}
    x_K, dead, _ = sgd_run(f, x0, **kw)
    xs, idx, gs = [], [], []

    def on_step(step, x, i, g):
        xs.append(x[0].detach().cpu().double().numpy())
        idx.append(i[0])
        gs.append(g[0].detach().cpu().double().numpy())

    x_last, _, _ = sgd_run(f, x0, on_step=on_step, **kw)
    xs, idx, gs = np.array(xs), np.array(idx), np.array(gs)
    xK = x_K[0].detach().cpu().double().numpy()
    P, dist = orbit_projection(xs, W_star, v_star)
    PK, distK = orbit_projection(xK[None], W_star, v_star)
    xt = torch.as_tensor(xs, device=dev)
    it = torch.as_tensor(idx, device=dev)
    fx = f.batch_loss(xt, it).cpu().double().numpy()
    fK = f.batch_loss(x_K.expand(len(xs), -1), it).cpu().double().numpy()
    fP = f.batch_loss(torch.as_tensor(P, device=dev), it).cpu().double().numpy()
    a_proxy = np.einsum("kd,kd->k", gs, xs - xK)
    a_exact = np.einsum("kd,kd->k", gs, xs - P)

    def rows(a, b, c):
        return ProtocolRows(a[None, :, None], b[None, :, None], np.maximum(c, 0.0)[None, :, None],
                            np.ones((1, len(a), 1), dtype=bool))

    out = {"experiment": "teacher-student", "settings": {**cfg, "seed": seed},
           "reproduced": bool(torch.equal(x_last, x_K)), "diverged": int(dead.sum()),
           "final_loss": float(f.value(x_K)[0]), "dist_xK_to_S": float(distK[0]),
           "max_proxy_error": float(np.max(np.linalg.norm(P - xK, axis=1))),
           "max_f_at_projection": float(np.max(np.abs(fP))),
           "note": "S = permutation and rescaling orbit of the teacher (exact projection); "
                   "f_i* = 0 is exact here, so only the x^K proxy differs"}
    for name, rw in (("proxy", rows(a_proxy, fx - fK, fx)), ("exact", rows(a_exact, fx - fP, fx))):
        reg = rw.region()
        a_star = reg.alpha_for_gap(GAP)
        fin = math.isfinite(a_star)
        out[name] = {"alpha": a_star if fin else None,
                     "beta": float(reg.beta_min(a_star)) if fin else None,
                     "alpha_min": reg.alpha_min if math.isfinite(reg.alpha_min) else None,
                     "min_T_at_5_4": rw.min_T(5.0, 4.0)}
    # Definition 1 with the exact S and f_i* = 0 reads T = a − (α − β) c (b = c here): a step
    # with a < 0 < c refutes every pair (a mini-batch row is the mean of per-sample rows)
    tol = 1e-12 * np.maximum(np.abs(a_exact), np.abs(fx))
    bad = np.flatnonzero((a_exact < -tol) & (fx > 0))
    out["exact_steps_refuting_every_pair"] = int(bad.size)
    out["exact_first_refuting_step"] = int(bad[0]) if bad.size else None
    out["exact_last_refuting_step"] = int(bad[-1]) if bad.size else None
    # where along the run the proxy is far from the projection
    out["proxy_error_first_half"] = float(np.median(np.linalg.norm(P - xK, axis=1)[:len(xs) // 2]))
    out["proxy_error_last_tenth"] = float(np.median(
        np.linalg.norm(P - xK, axis=1)[-max(len(xs) // 10, 1):]))
    return out
