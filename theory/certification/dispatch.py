r"""``certify``: choose the method and run it (the strongest available by default).

``method=None`` takes the strongest available: symbolic, else interval, else adversarial; an
``inconclusive`` rigorous answer is followed by the adversarial search (which may refute).
"""

from __future__ import annotations

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
    mod, _ = _backend(kind)
    if kind == "interval":
        return mod.certify_interval(landscape, alpha, beta, domain=box, budget=budget)
    return mod.certify_symbolic(landscape, alpha, beta, domain=box)


