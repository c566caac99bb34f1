r"""``from_module``: a ``torch.nn.Module`` and in-memory data as a landscape (design.md "Torch").

The landscape lives on the flat parameter vector θ of the module (its parameters in
``named_parameters()`` order, each flattened row-major): ``f_i(θ) = ℓ(module_θ(x_i), y_i)``,
``f = (1/n) Σ_i f_i``. Everything is evaluated functionally (``torch.func.functional_call``), so
the module's own parameters are never modified:

- ``losses``: one forward pass over the data (in chunks of rows), per-sample losses;
- ``directional(θ, v) = <∇f_i(θ), v>`` for all i by forward-mode AD (``torch.func.jvp``): one
  forward pass, never the ``(n, dim)`` per-sample gradients;
- ``grad_at(θ, i)``: per-sample gradients by ``vmap(grad)`` in chunks of points;
- ``value``, ``gradient``, ``batch_loss``, ``batch_gradient``: one (backward) pass.

Batches of parameter vectors ``θ (..., dim)`` are handled with ``vmap`` over θ.

**S is unknown** for a real network: ``f*`` is NaN (unknown), ``minimizers`` refuses to project,
and ``f_i_star`` holds a *lower bound* ``l_i`` (the one supplied, or 0: every built-in loss is
≥ 0), not the infimum. Such a landscape supports the paper's protocol ([AB §5],
MATHEMATICS.md §7): the last iterate x^K as the proxy of Proj(x^k, S) and ``l_i`` in place of f_i*
(``theory.studies.protocol.stream_two_pass``); every verdict on it carries ``proxy_note``.

Per-sample losses must not depend on the other samples of the batch: BatchNorm in train mode and
dropout in train mode are refused (put the module in ``eval()`` mode, or use GroupNorm or
LayerNorm).
"""

from __future__ import annotations

import math

import numpy as np

from ._landscape import USER, Landscape, Provenance
from ._xp import const, is_torch
from .domain import Box
from .sets import MinimizerSet

__all__ = ["from_module", "ModuleLandscape", "UnknownMinimizers", "LOSSES", "PROXY_NOTE"]

LOSSES = ("cross_entropy", "mse", "logistic")
PROXY_NOTE = ("S unknown (a network): the paper's proxies are used, x^K for Proj(x^k, S) and "
              "a lower bound l_i for f_i*; the constants are those of the proxy condition, "
              "not of Definition 1")
# Rows of data per forward pass, and points per vmap chunk: memory, not results, depend on them.
_ROWS = 4096
_POINTS = 64


class UnknownMinimizers(MinimizerSet):
    """The minimizer set of a network: unknown. Every query raises with what to do instead."""

    is_finite = False

    def __init__(self, dim: int):
        self.dim = dim

    def _refuse(self, *_, **__):
        raise ValueError(
            "S is unknown for a network landscape (from_module): there is no projection. Use "
            "the paper's x^K proxy: theory.studies.protocol.stream_two_pass(landscape, ...), or "
            "theory.alpha_beta_rows(landscape, x, reference=x_K, f_i_lower=0)"
        )

    project = candidates = distance = contains = sample = _refuse

    def to_json(self) -> dict:
        return {"kind": "unknown", "dim": self.dim, "note": PROXY_NOTE}


def _refusals(module) -> list[str]:
    """What makes per-sample losses ill defined: BatchNorm or dropout in train mode."""
    import torch.nn as nn

    bad = []
    for name, mod in module.named_modules():
        label = name or type(module).__name__
        if isinstance(mod, nn.modules.batchnorm._BatchNorm) and mod.training:
            bad.append(f"{label} ({type(mod).__name__} in train mode: its output for one sample "
                       "depends on the batch; call module.eval() to use the running statistics, "
                       "or use GroupNorm/LayerNorm)")
        if isinstance(mod, nn.modules.dropout._DropoutNd) and mod.training and mod.p > 0:
            bad.append(f"{label} ({type(mod).__name__} in train mode makes f_i random; call "
                       "module.eval() or remove the dropout)")
    return bad


def _loss_fn(loss):
    import torch
    import torch.nn.functional as F

    if callable(loss):
        return loss
    if loss == "cross_entropy":
        return lambda out, y: F.cross_entropy(out, y, reduction="none")
    if loss == "mse":
        def mse(out, y):
            r = (out - y.reshape(out.shape)) ** 2
            return r.reshape(r.shape[0], -1).mean(dim=1)
        return mse
    if loss == "logistic":
        def logistic(out, y):
            return torch.nn.functional.softplus(-y * out.reshape(y.shape))
        return logistic
    raise ValueError(f"loss must be one of {LOSSES} or a callable (outputs, targets) -> "
                     f"per-sample losses, got {loss!r}")


class ModuleLandscape(Landscape):
    """A network as a landscape; see the module docstring and ``from_module``."""

    _ARRAY_API = True
    proxy_only = True
    proxy_note = PROXY_NOTE

    def __init__(self, module, X, y, loss, f_i_lower, *, name, params, summary):
        self.module = module
        self.loss = loss if isinstance(loss, str) else getattr(loss, "__name__", "callable")
        self._ell = _loss_fn(loss)
        self._names, self._shapes, self._sizes = [], [], []
        for pname, p in module.named_parameters():
            self._names.append(pname)
            self._shapes.append(tuple(p.shape))
            self._sizes.append(p.numel())
        self.X, self.y = X, y
        theta0 = self.initial()
        dim = int(theta0.shape[0])
        R = max(1.0, 2.0 * float(theta0.abs().max()))
        n = X.shape[0]
        super().__init__(
            name=name,
            dim=dim,
            n=n,
            params=params,
            f_star=float("nan"),
            f_i_star=f_i_lower,
            minimizers=UnknownMinimizers(dim),
            domain=Box.cube(-R, R, dim),
            provenance={
                "f_star": Provenance(USER, math.inf, "unknown (a network)"),
                "f_i_star": Provenance(USER, math.inf, "a lower bound l_i, not the infimum"),
                "minimizers": Provenance(USER, math.inf, "unknown: use the x^K proxy"),
            },
            summary=summary,
            smooth=False,
            interpolation=False,
            positive=False,
        )

    # ---- what the module gives -----------------------------------------------------------
    def initial(self):
        """The module's current parameters as one flat tensor (a copy): the point to start from."""
        import torch

        with torch.no_grad():
            return torch.cat([p.detach().reshape(-1) for p in self.module.parameters()]).clone()

    def unflatten(self, theta) -> dict:
        """``{name: view}`` of a flat ``θ (dim,)`` in the module's parameter shapes."""
        out, o = {}, 0
        for name, shape, size in zip(self._names, self._shapes, self._sizes):
            out[name] = theta[o:o + size].reshape(shape)
            o += size
        return out

    @property
    def sigma_int2(self) -> float:
        raise ValueError("sigma_int2 = f* - mean f_i* is unknown for a network (f* unknown); "
                         "with the lower bound l_i the protocol's term is E[f* - l_i]")

    @property
    def sigma_pos2(self) -> float:
        raise ValueError("sigma_pos2 needs the exact f_i*, unknown for a network")

    def ground_truth(self) -> dict:
        return {"f_star": None, "f_i_lower": self.f_i_star.tolist(), "minimizers":
                self.minimizers.to_json(), "note": PROXY_NOTE}

    def describe(self) -> dict:
        return {"name": self.name, "dim": self.dim, "n": self.n, "loss": self.loss,
                "module": repr(self.module), **self.ground_truth(), "summary": self.summary}

    def _smoothness(self, domain):
        raise ValueError("no smoothness bound is computed for a network landscape")

    # ---- validation ----------------------------------------------------------------------
    def _points(self, x, name="x"):
        bad = _refusals(self.module)
        if bad:
            raise ValueError("per-sample losses are not well defined for this module: "
                             + "; ".join(bad))
        if not is_torch(x):
            raise TypeError(f"{name} must be a torch tensor (flat parameters, e.g. "
                            "landscape.initial()), got " + type(x).__name__)
        x = super()._points(x, name)
        for b in self.module.buffers():
            if b.device != x.device:
                raise ValueError(f"{name} is on {x.device} but the module's buffers are on "
                                 f"{b.device}: move the module (module.to(device))")
            break
        return x

    # ---- functional evaluation -----------------------------------------------------------
    def _data(self, x):
        return const(self, "X", x), const(self, "y", x)

    def _per_sample(self, theta, Xc, yc):
        from torch.func import functional_call

        out = functional_call(self.module, self.unflatten(theta), (Xc,))
        ell = self._ell(out, yc)
        if tuple(ell.shape) != (Xc.shape[0],):
            raise ValueError(f"the loss returned shape {tuple(ell.shape)}, expected per-sample "
                             f"losses of shape ({Xc.shape[0]},)")
        return ell

    def _over_points(self, fn, x, *extra):
        """Apply ``fn(θ, *extra_p) -> tensor`` to every point of ``x (..., dim)`` (vmap in
        chunks of points) and restore the batch shape."""
        import torch
        from torch.func import vmap

        batch = tuple(x.shape[:-1])
        if not batch:
            return fn(x, *extra)
        flat = x.reshape(-1, x.shape[-1])
        ex = [e.reshape((-1,) + tuple(e.shape[len(batch):])) for e in extra]
        if flat.shape[0] == 1:  # one point (an SGD run's step): vmap would only add its cost
            out = fn(flat[0], *[e[0] for e in ex])[None]
        else:
            out = torch.cat([vmap(fn)(flat[s:s + _POINTS], *[e[s:s + _POINTS] for e in ex])
                             for s in range(0, flat.shape[0], _POINTS)], dim=0)
        return out.reshape(batch + tuple(out.shape[1:]))

    def _losses(self, x):
        import torch

        X, y = self._data(x)

        def one(theta):
            return torch.cat([self._per_sample(theta, X[s:s + _ROWS], y[s:s + _ROWS])
                              for s in range(0, X.shape[0], _ROWS)])

        with torch.no_grad():
            return self._over_points(one, x)

    def _directional(self, x, v):
        import torch
        from torch.func import jvp

        X, y = self._data(x)

        def chunk(theta, u, Xc, yc):
            return jvp(lambda t: self._per_sample(t, Xc, yc), (theta,), (u,))[1]

        def one(theta, u):
            return torch.cat([chunk(theta, u, X[s:s + _ROWS], y[s:s + _ROWS])
                              for s in range(0, X.shape[0], _ROWS)])

        with torch.no_grad():
            return self._over_points(one, x, v)

    def _value(self, x):
        return self._losses(x).mean(dim=-1)

    def _mean_grad(self, theta, X, y):
        import torch

        theta = theta.detach().requires_grad_(True)
        with torch.enable_grad():
            total = sum(self._per_sample(theta, X[s:s + _ROWS], y[s:s + _ROWS]).sum()
                        for s in range(0, X.shape[0], _ROWS))
            (g,) = torch.autograd.grad(total, theta)
        return g / X.shape[0]

    def _gradient(self, x):
        """One backward pass per point (data in chunks of rows)."""
        import torch

        X, y = self._data(x)
        flat = x.reshape(-1, x.shape[-1])
        out = torch.stack([self._mean_grad(t, X, y) for t in flat]) if flat.shape[0] else flat
        return out.reshape(x.shape)

    def _grad_at(self, x, i):
        from torch.func import grad

        X, y = self._data(x)

        def one(theta, xi, yi):
            return self._per_sample(theta, xi[None], yi[None])[0]

        return self._over_points(grad(one), x, X[i], y[i])

    def _loss_at(self, x, i):
        import torch

        X, y = self._data(x)

        def one(theta, xi, yi):
            return self._per_sample(theta, xi[None], yi[None])[0]

        with torch.no_grad():
            return self._over_points(one, x, X[i], y[i])

    def _grads(self, x):
        import torch

        if self.n * self.dim > 50_000_000:
            raise ValueError(f"grads would materialise {self.n} x {self.dim} per-sample "
                             "gradients; use directional (a JVP) or grad_at")
        idx = torch.arange(self.n, device=x.device)
        xb = x[..., None, :].expand(tuple(x.shape[:-1]) + (self.n, self.dim))
        return self._grad_at(xb, idx.expand(tuple(x.shape[:-1]) + (self.n,)))

    def _batch_loss(self, x, idx):
        import torch

        X, y = self._data(x)
        with torch.no_grad():
            return self._over_points(lambda t, j: self._per_sample(t, X[j], y[j]).mean(), x, idx)

    def _batch_gradient(self, x, idx):
        import torch
        from torch.func import grad

        X, y = self._data(x)
        if x.numel() == x.shape[-1] and idx.numel() == idx.shape[-1]:  # one point (an SGD step):
            # plain autograd, the same numbers at half the cost of torch.func.grad (which also
            # imports torch._dynamo: seconds)
            theta = x.reshape(-1).detach().requires_grad_(True)
            j = idx.reshape(-1)
            with torch.enable_grad():
                loss = self._per_sample(theta, X[j], y[j]).mean()
            return torch.autograd.grad(loss, theta)[0].reshape(x.shape)
        return self._over_points(grad(lambda t, j: self._per_sample(t, X[j], y[j]).mean()),
                                 x, idx)


def _as_tensor(a, name):
    import torch

    if is_torch(a):
        return a.detach().to("cpu")
    try:
        return torch.as_tensor(np.asarray(a))
    except Exception as exc:
        raise TypeError(f"{name} must be an array or tensor, got {type(a).__name__}: {exc}") \
            from None


def from_module(module, X, y, *, loss, f_i_star=None, name=None) -> ModuleLandscape:
    r"""A landscape over the flat parameters of ``module`` on the data ``(X, y)``.

    Parameters
    ----------
    module : torch.nn.Module
        Its parameters (``named_parameters()`` order) are the coordinates; it is never modified.
        BatchNorm and dropout must be in eval mode (per-sample losses must not depend on the
        batch or on chance).
    X : array or tensor (n, ...)
        Inputs, one row per sample.
    y : array or tensor (n, ...)
        Targets: class indices for ``"cross_entropy"``, values of the output's shape for
        ``"mse"``, labels ±1 for ``"logistic"``.
    loss : {"cross_entropy", "mse", "logistic"} or callable
        Per-sample ``ℓ``: cross entropy of the logits; ``mean_j (out_j − y_j)²`` (torch's
        ``MSELoss`` per sample); ``log(1 + e^{−y·out})``; or ``(outputs, targets) ->
        per-sample losses (n,)``.
    f_i_star : float or array (n,), optional
        Lower bounds ``l_i ≤ inf f_i`` used in place of f_i* (default 0, valid for the three
        built-in losses; a callable loss that can be negative needs its own).
    name : str, optional

    Returns
    -------
    ModuleLandscape
        ``initial()`` gives the module's parameters as a flat tensor; evaluation takes tensors
        ``θ (..., dim)`` in the module's dtype (float32 or float64) on any device.

    Examples
    --------
    >>> import torch, toylands
    >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1))
    >>> f = toylands.from_module(net, torch.ones(4, 2), torch.ones(4), loss="mse")
    >>> f.dim, f.n, tuple(f.losses(f.initial()).shape)
    (13, 4, (4,))
    """
    try:
        import torch
    except ImportError:  # pragma: no cover - the extra is missing
        raise ImportError("from_module needs torch: pip install 'toylands[torch]'") from None
    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"module must be a torch.nn.Module, got {type(module).__name__}")
    params = list(module.parameters())
    if not params:
        raise ValueError("module has no parameters: there is no landscape to study")
    dtypes = {p.dtype for p in params}
    if len(dtypes) > 1 or not dtypes <= {torch.float32, torch.float64}:
        raise TypeError(f"module parameters must all be float32 or all float64, got "
                        f"{sorted(map(str, dtypes))}; use module.float() or module.double()")
    if len({p.device for p in params}) > 1:
        raise ValueError("module parameters are on several devices; move it to one device")
    bad = _refusals(module)
    if bad:
        raise ValueError("per-sample losses are not well defined for this module: "
                         + "; ".join(bad))
    if not (callable(loss) or loss in LOSSES):
        raise ValueError(f"loss must be one of {LOSSES} or a callable (outputs, targets) -> "
                         f"per-sample losses, got {loss!r}")
    Xt, yt = _as_tensor(X, "X"), _as_tensor(y, "y")
    if Xt.ndim < 1 or Xt.shape[0] < 1:
        raise ValueError(f"X must have one row per sample, got shape {tuple(Xt.shape)}")
    if Xt.dtype.is_complex or Xt.dtype == torch.bool:
        raise TypeError(f"X must be real, got dtype {Xt.dtype}")
    if yt.ndim < 1 or yt.shape[0] != Xt.shape[0]:
        raise ValueError(f"y must have {Xt.shape[0]} rows (one per row of X), got shape "
                         f"{tuple(yt.shape)}")
    if not bool(torch.isfinite(Xt.double()).all()):
        raise ValueError("X contains NaN or inf")
    n = int(Xt.shape[0])
    Xn = Xt.double().numpy()
    if loss == "cross_entropy":
        if yt.dtype.is_floating_point:
            if not bool((yt == yt.round()).all()):
                raise TypeError("y must hold integer class indices for cross_entropy")
        yn = yt.to(torch.int64).numpy()
        if yn.ndim != 1:
            raise ValueError(f"y must have shape ({n},) for cross_entropy, got {yn.shape}")
        if yn.min() < 0:
            raise ValueError("class indices y must be >= 0")
    else:
        yn = yt.double().numpy()
        if not np.all(np.isfinite(yn)):
            raise ValueError("y contains NaN or inf")
        if loss == "logistic" and not np.all(np.abs(yn) == 1.0):
            raise ValueError("labels y must be -1 or +1 for the logistic loss (map {0, 1} "
                             "labels with 2*y - 1)")
    if f_i_star is None:
        lower = np.zeros(n)
    else:
        lower = np.broadcast_to(np.asarray(f_i_star, dtype=np.float64), (n,)).copy()
        if not np.all(np.isfinite(lower)):
            raise ValueError("f_i_star must be finite lower bounds")
    name = "module" if name is None else str(name)
    loss_name = loss if isinstance(loss, str) else getattr(loss, "__name__", "callable")
    landscape = ModuleLandscape(
        module, Xn, yn, loss, lower, name=name,
        params={"module": type(module).__name__, "n": n, "loss": loss_name},
        summary=f"{type(module).__name__} on {n} samples, loss {loss_name}",
    )
    # one evaluation now, so that a module/data/loss mismatch is reported here, clearly
    theta = landscape.initial()
    try:
        landscape._losses(theta)
    except ValueError:
        raise
    except Exception as exc:
        raise ValueError(f"the module cannot be evaluated on X with loss {landscape.loss!r}: "
                         f"{type(exc).__name__}: {exc}") from None
    return landscape
