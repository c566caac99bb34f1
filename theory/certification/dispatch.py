r"""``certify``: choose the method and run it (the strongest available by default).

``method=None`` takes the strongest available: symbolic, else interval, else adversarial; an
``inconclusive`` rigorous answer is followed by the adversarial search (which may refute).
"""

from __future__ import annotations

import math

from toylands._checked import checked

from ..conditions import check_constants
from .certificate import PROVED, REFUTED, Certificate
from .inputs import _check_budget, _check_domain, _default_budget, _rng
from .inputs import progress as _progress
from .sampling import _adversarial, _sampled

__all__ = ["certify", "available_methods", "METHODS"]

METHODS = ("sample", "adversarial", "interval", "symbolic")


# ---- rigorous back-ends (another module; imported lazily) ------------------------------------
def _backend(kind: str):
    """``(module, supports)`` for ``interval`` / ``symbolic``, or ``(None, None)`` if missing."""
    import importlib

    try:
        mod = importlib.import_module(f"theory.certification.{kind}")
    except ImportError:
        return None, None
    return mod, getattr(mod, f"supports_{kind}", None)


def _supports(kind: str, landscape) -> tuple[bool, str]:
    mod, sup = _backend(kind)
    if mod is None:
        return False, f"theory.certification.{kind} is not available"
    if sup is None:
        return False, f"theory.certification.{kind} has no supports_{kind}()"
    res = sup(landscape)
    if isinstance(res, tuple):
        return bool(res[0]), str(res[1]) if len(res) > 1 else ""
    return bool(res), "" if res else f"{kind} does not apply to {landscape.name}"


@checked()
def available_methods(landscape) -> list[str]:
    """The methods that apply to ``landscape``, strongest first."""
    out = [k for k in ("symbolic", "interval") if _supports(k, landscape)[0]]
    return out + ["adversarial", "sample"]


# ---- certify ---------------------------------------------------------------------------------
@checked(alpha=None, beta=None, domain=None, budget=None, rng=None)
def certify(
    landscape, alpha, beta, *, method=None, domain=None, budget=None, rng=None, quiet=True
) -> Certificate:
    r"""Check the α-β-condition (MATHEMATICS.md §2, [AB Definition 1]) for ``(α, β)`` on ``domain``.

    Parameters
    ----------
    landscape : toylands.Landscape
    alpha, beta : float
        Constants with ``α > β ≥ 0``.
    method : {None, "sample", "adversarial", "interval", "symbolic"}
        ``None`` = the strongest that applies (see the module docstring).
    domain : toylands.Box or (lo, hi), optional
        Default: the landscape's domain.
    budget : int, optional
        Sample points (``sample``); sample points and as many local-search evaluations
        (``adversarial``); passed on to the rigorous methods (boxes).
    rng : numpy.random.Generator or int, optional
        Default ``default_rng(0)``: the same call gives the same certificate.

    Returns
    -------
    Certificate
        ``min_slack`` is the least slack found (``worst_point`` where), ``budget`` what was spent.
    """
    alpha, beta = check_constants(alpha, beta)
    box = _check_domain(landscape, domain)
    gen = _rng(rng)
    if method is not None and method not in METHODS:
        raise ValueError(f"unknown method {method!r}; known: {', '.join(METHODS)}")
    if method in ("interval", "symbolic"):
        ok, why = _supports(method, landscape)
        if not ok:
            raise ValueError(f"method {method!r} does not apply to {landscape.name}: {why}")
        return _rigorous(method, landscape, alpha, beta, box, budget)
    n = _check_budget(budget, _default_budget(landscape))
    if method == "sample":
        return _sampled(landscape, alpha, beta, box, n, gen)
    if method == "adversarial":
        return _adversarial(landscape, alpha, beta, box, n, gen, quiet)
    # strongest available
    for kind in ("symbolic", "interval"):
        if _supports(kind, landscape)[0]:
            _progress(f"certify: {kind} method", quiet)
            cert = _rigorous(kind, landscape, alpha, beta, box, budget)
            if cert.verdict in (PROVED, REFUTED):
                return cert
            _progress(f"certify: {kind} inconclusive; adversarial search", quiet)
            adv = _adversarial(landscape, alpha, beta, box, n, gen, quiet)
            details = dict(adv.details)
            details[kind] = {"verdict": cert.verdict, "reason": cert.reason}
            return Certificate(adv.verdict, adv.condition, adv.constants, adv.method, adv.domain,
                               adv.min_slack, adv.worst_point, adv.budget,
                               f"{kind} method inconclusive: {cert.reason}", details)
    _progress(f"certify: no rigorous method for {landscape.name}; adversarial search", quiet)
    return _adversarial(landscape, alpha, beta, box, n, gen, quiet)


def _rigorous(kind, landscape, alpha, beta, box, budget) -> Certificate:
    """The rigorous method's certificate. A proof (or refutation) is a function of the
    landscape, the pair, the box, the budget and the code alone: for toylands' own landscapes
    (:func:`toylands._registry.builtin_identity`) it is remembered on disk (``toylands._cache``,
    keyed by all of them and the code of toylands and theory, never stale): the report asks the
    same two thousand questions in every run, up to seconds of branch and bound each. An
    inconclusive interval certificate that ran past its time limit (``budget["seconds"]``) is
    not remembered: another machine, or a quieter moment, might decide it; one that spent its
    boxes is (the box count is in the key)."""
    mod, _ = _backend(kind)

    def compute():
        if kind == "interval":
            return mod.certify_interval(landscape, alpha, beta, domain=box, budget=budget)
        return mod.certify_symbolic(landscape, alpha, beta, domain=box)

    from toylands._cache import cached
    from toylands._registry import builtin_identity

    ident = builtin_identity(landscape)
    if ident is None:  # a user's landscape: its content is not fixed by the code
        return compute()
    from .._digest import theory_digest

    spent = tuple(sorted(budget.items())) if isinstance(budget, dict) else budget
    key = (kind, ident, float(alpha), float(beta), box.lo, box.hi, repr(spent), theory_digest())
    limit = mod.DEFAULT_BUDGET["seconds"] if kind == "interval" else math.inf
    if isinstance(budget, dict):
        limit = budget.get("seconds", limit)

    def keep(cert):
        return cert.verdict in (PROVED, REFUTED) or cert.budget.get("seconds", math.inf) <= limit

    return cached("rigorous-certificate", key, compute, keep=keep)
