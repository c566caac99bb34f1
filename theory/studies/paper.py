r"""Toy versions of three findings of [AB]: half-space learning along SGD, "α = β + 1 for some
β" (Examples 4 and 5), and the neighbourhood term against the batch size (MATHEMATICS.md §4.6–4.8,
§8). One function per study; the report's claims and the figures read the same numbers from
them (same seed, same result).

- :func:`halfspace_study`: one SGD run on ``half-space`` (step 1/4, batch 1) from near the
  saddle [AB §2.2, Fig. 2; App. D.1, Fig. 9]: the loss, the gradient norm, the aiming cosine and
  the PL estimate, with the exact S beside the paper's x^K proxy, and the (α, β) regions of both
  along the run.
- :func:`gap_one_study`: the smallest α of the region over a sample of a box with ``α − β ≥ 1``,
  and ``(α, α − 1)`` certified at increasing α until a pair holds (Examples 4, 5 claim that such
  a pair exists on any bounded set containing S).
- :func:`batch_study`: the bump family of Remark 1 with its ``n`` bumps grouped into batches of
  ``b``; each batch loss ``f_B = (1/b) Σ_{i∈B} f_i`` is itself a sum of bumps, so ``f_B*`` is
  exact (a global search), ``σ_int²(b) = f* − mean_B f_B*``, and the best Theorem 1 pair of the
  batch landscape gives the neighbourhood term ``2βσ_int²/(α − β)`` (the paper's Table 2 reports
  βσ_int² shrinking with batch size).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from toylands._checked import checked
from toylands._validate import as_int

__all__ = [
    "PAPER_HALFSPACE_ALPHA",
    "HalfspaceStudy",
    "halfspace_study",
    "gap_one_study",
    "batch_landscape",
    "batch_study",
]

# [AB §2.2]: the α-β-condition holds along SGD on half-space "only with large constants",
# α ≈ 3.3·10⁴ in the paper's run (MATHEMATICS.md §4.8)
PAPER_HALFSPACE_ALPHA = 3.3e4


@dataclass
class HalfspaceStudy:
    """The run and its diagnostics (arrays per iterate ``k = 0 … K−1``) and the summary numbers.

    ``summary``: ``alpha_min_proxy``/``alpha_min_exact`` (the regions along the run), ``min_cos``
    and ``share_cos_negative`` (aiming, exact projection and proxy), ``min_pl_exact`` (the
    minimum over epochs of ‖∇f‖²/(2(f − f*)): an admissible PL constant μ is at most it), the
    gradient norm and the gap ``f − f*`` at the iterate where the gradient is smallest.
    """

    landscape: object
    gamma: float
    steps: int
    seed: int
    k: np.ndarray
    loss: np.ndarray
    grad_norm: np.ndarray
    cos_proxy: np.ndarray
    cos_exact: np.ndarray
    pl_proxy: object
    pl_exact: object
    region_proxy: object
    region_exact: object
    rows_proxy: object
    rows_exact: object
    summary: dict = field(default_factory=dict)


def _at_least_one(value, name, ctx):
    return as_int(value, name, low=1)


@checked(steps=_at_least_one)
def halfspace_study(*, seed: int = 0, steps: int | None = None, landscape=None) -> HalfspaceStudy:
    r"""One SGD run on half-space from the saddle SGD passes in the paper's protocol, plus
    N(0, 0.3²) noise (MATHEMATICS.md §4.8, §7), with its diagnostics; see :class:`HalfspaceStudy`.

    ``steps`` defaults to the protocol's (4000, as the paper).
    """
    import toylands

    from .protocol import aiming_along, pl_estimate_along, protocol_settings, two_pass

    f = toylands.get("half-space") if landscape is None else landscape
    cfg = protocol_settings(f)
    steps = int(cfg["steps"]) if steps is None else int(steps)
    rng = np.random.default_rng(seed)
    saddles = [c for c in f.critical_points if c.kind == "saddle"]
    if not saddles:
        raise ValueError(f"landscape {f.name} has no saddle among its critical points (the "
                         "study starts near one, as the paper's half-space run)")
    x0 = np.asarray(saddles[0].point)[None, :] + 0.3 * rng.standard_normal((1, f.dim))
    tp = two_pass(f, x0, gamma=cfg["gamma"], steps=steps, seed=seed, batch=1)
    xs = tp.traj.x[0, :-1]
    xK = tp.x_K[0]
    fx = f.value(xs)
    gn = np.linalg.norm(f.gradient(xs), axis=-1)
    cos_p, cos_e = aiming_along(f, xs, xK).cos, aiming_along(f, xs).cos
    pl_p, pl_e = pl_estimate_along(f, xs, xK), pl_estimate_along(f, xs)
    reg_p, reg_e = tp.proxy.region(), tp.exact.region()
    j = int(np.argmin(gn))
    fin_e = cos_e[np.isfinite(cos_e)]
    fin_p = cos_p[np.isfinite(cos_p)]
    summary = {
        "steps": steps,
        "gamma": float(tp.traj.gamma),
        "f_star": float(f.f_star),
        "saddle_value": float(saddles[0].value),
        "alpha_min_proxy": float(reg_p.alpha_min),
        "alpha_min_exact": float(reg_e.alpha_min),
        "paper_alpha": PAPER_HALFSPACE_ALPHA,
        "min_cos_exact": float(fin_e.min()) if fin_e.size else None,
        "share_cos_negative_exact": float(np.mean(fin_e < 0)) if fin_e.size else None,
        "min_cos_proxy": float(fin_p.min()) if fin_p.size else None,
        "share_cos_negative_proxy": float(np.mean(fin_p < 0)) if fin_p.size else None,
        "min_pl_exact": float(np.exp(pl_e.log_2mu) / 2) if np.isfinite(pl_e.log_2mu) else None,
        "min_grad_norm": float(gn[j]),
        "gap_at_min_grad": float(fx[j] - f.f_star),
        "step_at_min_grad": j,
        "final_gap": float(fx[-1] - f.f_star),
    }
    return HalfspaceStudy(f, float(tp.traj.gamma), steps, int(seed), np.arange(xs.shape[0]), fx,
                          gn, cos_p, cos_e, pl_p, pl_e, reg_p, reg_e, tp.proxy, tp.exact, summary)


@checked(budget=_at_least_one, tries=lambda v, name, ctx: as_int(v, name, low=1, high=30),
         certify_budget=_at_least_one)
def gap_one_study(landscape, *, domain, budget: int = 400, seed: int = 0, tries: int = 4,
                  certify_budget: int = 1000) -> dict:
    r"""Does some ``(α, β) = (β + 1, β)`` hold on ``domain``? (Examples 4, 5; MATHEMATICS.md
    §4.6, §4.7.)

    The region over ``budget`` sampled points (``theory.certification.region_map``, an outer
    bound: a pair outside it is refuted) gives ``alpha_gap1``, the smallest α with
    ``β_min(α) ≤ α − 1``; ``(α, α − 1)`` is then certified (``theory.certification.certify``,
    the strongest method that applies) at ``α = alpha_gap1 · 10^j``, ``j = 0 … tries − 1``,
    until one is not refuted. Returns ``{"alpha_min", "alpha_gap1", "tried": [{alpha, beta,
    verdict, method, min_slack}], "holds": the first pair not refuted or None}``.
    """
    from ..certification import certify, region_map

    reg = region_map(landscape, domain=domain, budget=budget, rng=seed, rounds=0)
    a0 = float(reg.alpha_min)
    out = {"alpha_min": a0, "alpha_gap1": None, "tried": [], "holds": None,
           "points": int(reg.n_points)}
    if not np.isfinite(a0):
        return out
    grid = np.geomspace(max(a0, 1e-6) * (1 + 1e-9), max(a0, 1.0) * 1e9, 2000)
    bm = reg.beta_min(grid)
    ok = np.flatnonzero(np.isfinite(bm) & (bm <= grid - 1.0) & (grid >= 1.0))
    if ok.size == 0:
        return out
    a1 = float(grid[ok[0]])
    out["alpha_gap1"] = a1
    for j in range(int(tries)):
        a = a1 * 10.0**j
        cert = certify(landscape, a, a - 1.0, domain=domain, budget=certify_budget, rng=seed)
        out["tried"].append({"alpha": a, "beta": a - 1.0, "verdict": cert.verdict,
                             "method": cert.method, "min_slack": float(cert.min_slack)})
        if cert.verdict != "refuted":
            out["holds"] = out["tried"][-1]
            break
    return out


def _bumps(value, name, ctx):
    from toylands.radial import RadialSum

    if not isinstance(value, RadialSum):
        raise TypeError(f"{name} must be a bump landscape (toylands.radial.RadialSum, e.g. "
                        f"remark1-bumps), got {type(value).__name__}")
    return value


@checked(base=_bumps, b=_at_least_one)
def batch_landscape(base, b: int):
    r"""The bump landscape ``base`` (a ``toylands.radial.RadialSum``) with its n bumps grouped
    into ``n/b`` consecutive batches: ``f_B = (1/b) Σ_{i∈B} f_i``. Each ``f_B`` is a sum of bumps,
    so ``f_B* `` is the ground truth of ``RadialSum(centres[B])`` (exact up to its global
    search); f, f* and S are those of ``base`` (MATHEMATICS.md §1: a finite sum of the batch
    losses)."""
    import toylands
    from toylands.radial import RadialSum

    n = base.n
    if b < 1 or n % b:
        raise ValueError(f"b must divide n = {n}, got {b}")
    groups = np.arange(n).reshape(n // b, b)
    keys = [p.key for p in base.profiles]
    f_B = []
    for g in groups:
        sub = RadialSum(base.centres[g], [keys[i] for i in g], name="batch", params={},
                        domain=base.domain, summary="")
        f_B.append(sub.f_star)

    def losses(x):
        return base.losses(x).reshape(x.shape[:-1] + groups.shape).mean(axis=-1)

    def grads(x):
        g = base.grads(x)
        return g.reshape(x.shape[:-1] + groups.shape + (base.dim,)).mean(axis=-2)

    def directional(x, v):
        return base.directional(x, v).reshape(x.shape[:-1] + groups.shape).mean(axis=-1)

    return toylands.from_functions(
        name=f"{base.name}-batch{b}", dim=base.dim, n=n // b, losses=losses, grads=grads,
        directional=directional, f_i_star=f_B, f_star=base.f_star, project=base.minimizers,
        domain=base.domain, L=base.smoothness().L)


def _batches(value, name, ctx):
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise TypeError(f"{name} must be a sequence of batch sizes, got {type(value).__name__}")
    return tuple(as_int(v, f"{name}[{j}]", low=1) for j, v in enumerate(value))


@checked(n=lambda v, name, ctx: as_int(v, name, low=1, high=64),
         d=lambda v, name, ctx: as_int(v, name, low=1, high=20), batches=_batches,
         budget=_at_least_one)
def batch_study(*, n: int = 8, d: int = 2, spread: float = 2.0, seed: int = 0,
                batches=(1, 2, 4, 8), budget: int = 2000) -> list[dict]:
    r"""The neighbourhood term against the batch size on ``remark1-bumps`` (see the module
    docstring): per batch size ``b``, ``σ_int²(b)``, the region's ``alpha_min`` and its best
    Theorem 1 pair (minimising ``β/(α − β)``, ``theory.region.Region.best_pair``), and
    ``neighbourhood = 2βσ_int²/(α − β)`` and ``beta_sigma2 = βσ_int²`` there."""
    import toylands

    from ..certification import region_map

    base = toylands.get("remark1-bumps", n=n, d=d, spread=spread, seed=seed)
    for b in batches:
        if n % b:
            raise ValueError(f"batches: {b} does not divide n = {n}")
    out = []
    for b in batches:
        land = base if b == 1 else batch_landscape(base, int(b))
        s2 = float(land.sigma_int2)
        row = {"batch": int(b), "n_batches": int(land.n), "sigma_int2": s2}
        if s2 <= 0.0:  # full batch: interpolation, the term is 0 for every pair
            row.update(alpha_min=None, alpha=None, beta=None, neighbourhood=0.0, beta_sigma2=0.0)
        else:
            reg = region_map(land, budget=budget, rng=seed, rounds=1)
            bp = reg.best_pair(1)
            row.update(alpha_min=float(reg.alpha_min), alpha=float(bp.alpha),
                       beta=float(bp.beta), neighbourhood=2.0 * float(bp.value) * s2,
                       beta_sigma2=float(bp.beta) * s2)
        out.append(row)
    return out
