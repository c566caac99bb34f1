r"""Shared pieces of the §5 experiments at toy scale: data that ships in a package, small MLPs,
and one protocol run summarised (MATHEMATICS.md §7–§8).

- ``digits(n, seed)``: scikit-learn's ``load_digits`` (1797 8×8 images, 10 classes; the data is
  inside the wheel, nothing is downloaded), a seeded class-balanced subset of n images, pixels
  scaled to [0, 1].
- ``mlp(widths, seed)``: ``Linear → ReLU → … → Linear`` in float64, initialised by
  ``torch.manual_seed``-free seeded generators (the same seed gives the same bits).
- ``protocol_summary``: train by mini-batch SGD (run 1), repeat (run 2) recording the rows of
  T (``theory.studies.protocol_stream``), and read off the proxy region: the smallest workable pair
  on the paper's grid (``α ≥ β + 0.1``), the gap at α = 10, the neighbourhood term
  ``β σ_int²`` with ``σ_int²`` replaced by ``f(x^K)`` (with ``l_i = 0`` Theorem 1's term is
  ``E[f* − l_i] = f*``, and ``f(x^K) ≥ f*`` stands in for it; MATHEMATICS.md §2).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["digits", "mlp", "protocol_summary", "GAP", "ALPHA_REF", "torch_device",
           "torch_threads", "works_fraction"]

GAP = 0.1  # the paper's grid keeps α ≥ β + 0.1
ALPHA_REF = 10.0  # the right edge of the paper's heat maps: the gap α − β_min(α) is read there


def torch_threads(threads: int | None):
    """Run the body with ``torch.set_num_threads(threads)`` and restore the previous count.

    The networks here are tiny: with torch's default intra-op pool, each small product waits on
    the other threads, which on a loaded two-core machine made a step ~10× slower than with
    one thread (measured: 13 s against 1.2 s of CPU for the same 200 steps). ``None`` leaves
    torch's setting alone. (The one context manager of ``theory.optim.arrays``.)
    """
    from ...optim.arrays import torch_threads as threads_ctx

    return threads_ctx(threads)


def works_fraction(rows) -> float:
    """Fraction of the paper's (α, β) grid (``α ≥ β + 0.1``) where ``min T ≥ 0`` (its heat map)."""
    from ..protocol import HEATMAP_ALPHAS, HEATMAP_BETAS, min_T_grid

    H = min_T_grid(rows, HEATMAP_ALPHAS, HEATMAP_BETAS)
    valid = ~np.isnan(H)
    return float(np.sum((H >= 0) & valid) / max(int(valid.sum()), 1))


def torch_device(device: str):
    """``torch.device(device)`` after checking it exists (``cuda`` without a GPU is an error;
    the one check of ``theory.optim.arrays.torch_device``)."""
    from ...optim.arrays import torch_device as check

    return check(device)


def _all_digits():
    """scikit-learn's digits (``X (1797, 64)`` in [0, 1], ``y``), remembered on disk by
    scikit-learn's version (``toylands._cache``): importing scikit-learn to read them costs
    1.6 s in each report worker, reading them back 2 ms."""
    from importlib.metadata import PackageNotFoundError, version
    from importlib.util import find_spec

    from toylands._cache import cached

    def load():
        from sklearn.datasets import load_digits

        data = load_digits()
        return data.data / 16.0, data.target.astype(np.int64)

    try:
        found = find_spec("sklearn") is not None
        release = version("scikit-learn") if found else None
    except (ImportError, ValueError, PackageNotFoundError):
        found = False
    if not found:  # pragma: no cover - the extra is missing
        raise ImportError("the digits experiments need scikit-learn: pip install "
                          "'toylands[torch]'")
    return cached("sklearn-digits", (release,), load)


def digits(n: int, seed: int):
    """A seeded class-balanced subset of ``n`` digits: ``X (n, 64)`` in [0, 1], ``y (n,)``."""
    X, y = _all_digits()
    rng = np.random.default_rng(seed)
    per = int(math.ceil(n / 10))
    idx = np.concatenate([rng.permutation(np.flatnonzero(y == c))[:per] for c in range(10)])
    idx = rng.permutation(idx)[:n]
    return X[idx], y[idx]


def mlp(sizes, seed: int, device="cpu"):
    """A ReLU MLP with layer sizes ``sizes`` (input, hidden…, output) in float64; weights and
    biases uniform in ±1/√fan_in (torch's default law) from ``numpy.random.default_rng(seed)``."""
    import torch

    rng = np.random.default_rng(seed)
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        lin = torch.nn.Linear(a, b, dtype=torch.float64)
        bound = 1.0 / math.sqrt(a)
        with torch.no_grad():
            lin.weight.copy_(torch.as_tensor(rng.uniform(-bound, bound, (b, a))))
            lin.bias.copy_(torch.as_tensor(rng.uniform(-bound, bound, b)))
        layers += [lin, torch.nn.ReLU()]
    return torch.nn.Sequential(*layers[:-1]).to(device)


def protocol_summary(landscape, *, gamma, epochs, batch, seed, device="cpu", runs=1) -> dict:
    """One two-pass protocol run from the module's initial parameters (``runs`` copies with
    different index streams would need different starts; the paper uses one run per model)."""
    import torch

    from ..protocol_stream import stream_two_pass

    steps = max(1, int(epochs * landscape.n // batch))
    x0 = landscape.initial().to(device)[None].repeat(runs, 1)
    sp = stream_two_pass(landscape, x0, gamma=gamma, steps=steps, seed=seed, batch=batch)
    reg = sp.rows.region()
    a_star = reg.alpha_for_gap(GAP)
    b_star = float(reg.beta_min(a_star)) if math.isfinite(a_star) else math.inf
    b_ref = float(reg.beta_min(ALPHA_REF))
    f_K = float(np.max(sp.final_loss))
    with torch.no_grad():
        acc = _train_accuracy(landscape, sp.x_K[0])
    return {
        "params": landscape.dim,
        "steps": steps,
        "final_loss": f_K,
        "train_accuracy": acc,
        "alpha": a_star if math.isfinite(a_star) else None,
        "beta": b_star if math.isfinite(b_star) else None,
        "alpha_min": reg.alpha_min if math.isfinite(reg.alpha_min) else None,
        "gap_at_alpha_ref": (ALPHA_REF - b_ref) if b_ref < ALPHA_REF else None,
        "works_fraction": works_fraction(sp.rows),
        "term": (b_star * f_K) if math.isfinite(b_star) else None,
        "log_2mu": sp.pl[0].log_2mu if math.isfinite(sp.pl[0].log_2mu) else None,
        "min_aiming_cos": _finite_min(sp.aiming[0].cos),
        "reproduced": sp.reproduced,
        "diverged": int(sp.diverged.sum()),
    }


def _finite_min(v):
    v = np.asarray(v, dtype=np.float64)
    v = v[np.isfinite(v)]
    return float(v.min()) if v.size else None


def _train_accuracy(landscape, theta):
    """Fraction of training samples whose logits' argmax is the label (cross entropy only)."""
    import torch
    from torch.func import functional_call

    if landscape.loss != "cross_entropy":
        return None
    X = torch.as_tensor(landscape.X, dtype=theta.dtype, device=theta.device)
    y = torch.as_tensor(landscape.y, device=theta.device)
    out = functional_call(landscape.module, landscape.unflatten(theta), (X,))
    return float((out.argmax(dim=1) == y).double().mean())
