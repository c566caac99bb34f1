r"""Each theorem covered, as PEPit's examples have it: ``(worst case over the class, theorem)``.

A theorem of [AB §4] bounds ``min_{0≤k<K} E[f(x^k) − f*]`` over the α-β class; the PEPs of this
package compute (an upper bound on) the true worst case over the same class. An
:class:`Instance` fixes the class and the method; :func:`exact` and :func:`potential` compute the
worst case, :meth:`Instance.bound` the theorem's bound (:mod:`theory.optim.bounds`, never
re-derived here), :func:`wc` returns the pair and :func:`triangle` the rows of the
"bound / worst case" table against K.

Theorems covered (MATHEMATICS.md §6):

- **Theorem 1**, SGD with constant γ: exact K-step and potential (both exact in γ);
- **Theorem 4**, SGD with ``γ_k = γ₀/√(k+1)``: exact K-step only (the step changes with k);
- **Theorem 2**, SPS_max, and **Theorem 3**, NGN: the step size is enclosed in cells of its
  interval (:mod:`theory.pep.steps`), a relaxation: an upper bound on the worst case.

Examples
--------
>>> inst = Instance("1", alpha=2, beta=1, L=1, D0_sq=1, sigma2=0.1, gamma=0.5)
>>> round(inst.bound(1).value, 12)  # Theorem 1 at K = 1: D₀²/(γ(α−β)) + 2(Lγ + β)σ²/(α−β)
2.3
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..optim import bounds as B
from . import _validate as V
from .kstep import worst_case
from .potential import telescoped
from .result import PEPResult
from .steps import NGN, SGD, SPSMax

__all__ = ["Instance", "COVERED", "METHODS", "exact", "potential", "potential_curve", "wc",
           "triangle"]

COVERED = ("1", "4", "2", "3")
METHODS = {"1": "sgd", "4": "sgd-dec", "2": "sps-max", "3": "ngn"}
_NEEDS = {"1": ("gamma",), "4": ("gamma",), "2": ("c", "gamma_b"), "3": ("gamma",)}


@dataclass(frozen=True)
class Instance:
    r"""One theorem's setting as a PEP instance.

    ``gamma`` is γ for Theorems 1 and 3 and γ₀ for Theorem 4; ``c``, ``gamma_b`` are SPS_max's
    (Theorem 2); ``sigma_pos2`` bounds ``σ_pos² = (1/n) Σ f_i*`` (Theorem 3; its class has every
    ``f_i ≥ 0``). ``n`` is the number of functions of the PEP (the theorems hold for every n).
    """

    theorem: str
    alpha: float
    beta: float
    L: float
    D0_sq: float
    sigma2: float
    gamma: float | None = None
    c: float | None = None
    gamma_b: float | None = None
    sigma_pos2: float = 0.0
    n: int = 2

    def __post_init__(self):
        t = str(self.theorem).strip()
        if t not in COVERED:
            raise ValueError(f"theorem must be one of {', '.join(COVERED)} (the PEP covers "
                             f"SGD, SGD with decreasing steps, SPS_max and NGN); got {t!r}")
        object.__setattr__(self, "theorem", t)
        a, b, L, D, s = V.constants(alpha=self.alpha, beta=self.beta, L=self.L,
                                    D0_sq=self.D0_sq, sigma2=self.sigma2)
        for k, v in dict(alpha=a, beta=b, L=L, D0_sq=D, sigma2=s).items():
            object.__setattr__(self, k, v)
        for name in _NEEDS[t]:
            if getattr(self, name) is None:
                raise ValueError(f"Theorem {t} needs {name}")
            object.__setattr__(self, name, V.real(name, getattr(self, name), positive=True))
        object.__setattr__(self, "sigma_pos2",
                           V.real("sigma_pos2", self.sigma_pos2, nonneg=True))
        object.__setattr__(self, "n", V.integer("n", self.n, low=1, high=V.MAX_N))

    @property
    def method(self) -> str:
        return METHODS[self.theorem]

    def rule(self, K: int = 1):
        r"""The method as a step rule; Theorem 4's schedule ``γ₀/√(k+1)`` for ``k < K``."""
        t = self.theorem
        if t == "1":
            return SGD(self.gamma)
        if t == "4":
            return SGD.decreasing(self.gamma, max(int(K) - 1, 1))
        if t == "2":
            return SPSMax(self.c, self.gamma_b)
        return NGN(self.gamma)

    def bound(self, K: int) -> B.Bound:
        r"""The theorem's bound at K (:mod:`theory.optim.bounds`); raises
        :class:`theory.optim.bounds.HypothesisError` (a ``ValueError``) when a hypothesis
        fails."""
        common = dict(alpha=self.alpha, beta=self.beta, L=self.L, K=K,
                      sigma_int2=self.sigma2)
        t = self.theorem
        if t == "1":
            return B.theorem1_sgd(**common, gamma=self.gamma, D0_sq=self.D0_sq)
        if t == "4":
            return B.theorem4_sgd_dec(**common, gamma0=self.gamma, D0_sq=self.D0_sq)
        if t == "2":
            return B.theorem2_sps_max(**common, c=self.c, gamma_b=self.gamma_b,
                                      D0_sq=self.D0_sq)
        return B.theorem3_ngn(**common, gamma=self.gamma, D0_sq=self.D0_sq,
                              sigma_pos2=self.sigma_pos2, positive=True)

    def to_json(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}


def _kw(inst: Instance) -> dict:
    kw = dict(alpha=inst.alpha, beta=inst.beta, L=inst.L, n=inst.n, D0_sq=inst.D0_sq,
              sigma2=inst.sigma2)
    if inst.theorem == "3":
        kw["sigma_pos2"] = inst.sigma_pos2
    return kw


def _remembered(what: str, inst: Instance, K, options: dict, compute) -> PEPResult:
    """``compute()``, remembered on disk (``toylands._cache``): an SDP solve costs about a
    second, mostly cvxpy's compilation, and the report asks the same ones in every run. The key
    holds everything the result depends on: the instance (every field), K, the options, the
    versions of PEPit, cvxpy and the solvers, and the code of toylands and theory, so an entry is
    never stale. ``seconds`` is that of the solve that was stored."""
    from importlib.metadata import PackageNotFoundError, version

    from toylands._cache import cached

    from .._digest import theory_digest

    def ver(pkg):
        try:
            return version(pkg)
        except PackageNotFoundError:
            return ""

    key = (what, repr(sorted(asdict(inst).items())), repr(K), repr(sorted(options.items())),
           tuple(ver(p) for p in ("pepit", "cvxpy", "clarabel", "scs")),
           theory_digest())
    return cached("pep-result", key, compute)


def exact(inst: Instance, K: int, *, model="class", solver="clarabel",
          cells_per_step: int = 2) -> PEPResult:
    r"""The exact K-step PEP of the instance (:func:`theory.pep.kstep.worst_case`)."""
    def compute():
        return worst_case(inst.rule(K), K=K, model=model, solver=solver,
                          cells_per_step=cells_per_step, **_kw(inst))

    return _remembered("exact", inst, K, dict(model=model, solver=solver,
                                              cells_per_step=cells_per_step), compute)


def potential(inst: Instance, K: int, *, model="class", solver="clarabel",
              cells_per_step: int = 1) -> PEPResult:
    r"""The telescoped one-step potential bound (:func:`theory.pep.potential.telescoped`);
    not for Theorem 4 (its step changes with k)."""
    if inst.theorem == "4":
        raise ValueError("Theorem 4's step changes with k: no constant one-step potential; use "
                         "the exact K-step PEP")
    def compute():
        return telescoped(inst.rule(), K=K, model=model, solver=solver,
                          cells_per_step=cells_per_step, **_kw(inst))

    return _remembered("potential", inst, K, dict(model=model, solver=solver,
                                                  cells_per_step=cells_per_step), compute)


def _telescope(inst: Instance, K: int, d: dict) -> float:
    v = inst.D0_sq / (d["a"] * K) + d["b"] * inst.sigma2 / d["a"]
    if "b_pos" in d:
        v += d["b_pos"] * inst.sigma_pos2 / d["a"]
    return v


def potential_curve(inst: Instance, Ks, *, anchors=None, model="class", solver="clarabel",
                    cells_per_step: int = 1) -> tuple[list, list]:
    r"""Telescoped bounds for every K in ``Ks`` from a few SDPs.

    Every pair (a, b) found at an anchor horizon is valid for the class, so
    ``D₀²/(aK) + bσ²/a`` bounds ``min_{k<K} E[f(x^k) − f*]`` at *every* K; the curve is the
    smallest over the anchors' pairs (at an anchor it is that anchor's SDP value). Returns
    ``(values, results)``: the values (None everywhere if an anchor's solve is not optimal) and
    the anchors' :class:`PEPResult`.
    """
    Ks = [V.integer("K", k, low=1, high=10**12) for k in Ks]
    if anchors is None:
        lo, hi = min(Ks), max(Ks)
        mid = int(round((lo * hi) ** 0.5))
        anchors = sorted({lo, mid, hi})
    results = [potential(inst, k, model=model, solver=solver, cells_per_step=cells_per_step)
               for k in anchors]
    if not all(r.ok and "a" in r.duals for r in results):
        return [None] * len(Ks), results
    return [min(_telescope(inst, k, r.duals) for r in results) for k in Ks], results


def wc(inst: Instance, K: int, *, method="exact", **kw):
    r"""``(worst case, theorem's bound)`` at K, in PEPit's style: the worst case a
    :class:`PEPResult` (``exact`` or ``potential``), the bound a float or None where the
    theorem's hypotheses fail."""
    res = (exact if method == "exact" else potential)(inst, K, **kw)
    try:
        bd = inst.bound(K).value
    except B.HypothesisError:
        bd = None
    return res, bd


def triangle(inst: Instance, Ks, *, exact_K: int = 3, solver="clarabel",
             cells_per_step: int = 2, progress=None) -> list[dict]:
    r"""Rows ``{K, bound, bound_reason, exact, potential}`` for every K of ``Ks``: the theorem's
    bound, the exact K-step worst case where ``K ≤ exact_K`` (and tractable), and the telescoped
    potential bound (not for Theorem 4). PEP entries are :meth:`PEPResult.to_json` dicts."""
    Ks = sorted({V.integer("K", k, low=1, high=10**12) for k in Ks})
    pot_vals = [None] * len(Ks)
    pot_status = None
    if inst.theorem != "4":
        pot_vals, pot_res = potential_curve(inst, Ks, solver=solver)
        bad = [r for r in pot_res if not r.ok]
        pot_status = ("optimal", "") if not bad else (bad[0].status, bad[0].reason)
    rows = []
    for j, K in enumerate(Ks):
        try:
            bd, why = inst.bound(K).value, ""
        except B.HypothesisError as exc:
            bd, why = None, str(exc)
        ex = None
        if K <= exact_K:
            if progress is not None:
                progress(f"Theorem {inst.theorem}: exact {K}-step PEP")
            ex = exact(inst, K, solver=solver, cells_per_step=cells_per_step).to_json()
        pot = None
        if pot_status is not None:
            pot = {"worst_case": pot_vals[j], "status": pot_status[0], "reason": pot_status[1]}
        rows.append({"K": K, "bound": bd, "bound_reason": why, "exact": ex, "potential": pot})
    return rows
