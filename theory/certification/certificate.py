"""The Certificate every checker returns: how strong a verdict is, and the evidence for it."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Certificate", "VERDICTS", "PROVED", "HOLDS_ON_SAMPLES", "REFUTED", "INCONCLUSIVE"]

PROVED = "proved"
HOLDS_ON_SAMPLES = "holds_on_samples"
REFUTED = "refuted"
INCONCLUSIVE = "inconclusive"
VERDICTS = (PROVED, HOLDS_ON_SAMPLES, REFUTED, INCONCLUSIVE)

# Which methods may say `proved`: only rigorous ones.
RIGOROUS_METHODS = ("interval", "symbolic")


@dataclass(frozen=True)
class Certificate:
    """The outcome of checking a condition, with how strong it is.

    ``verdict`` is ``proved`` only from a rigorous method (outward-rounded interval arithmetic
    over the whole domain, or an exact symbolic argument); sampling never says more than
    ``holds_on_samples``. ``worst_point`` is a counterexample when ``refuted``.
    ``budget`` records what was spent: ``{"samples": …, "boxes": …, "seconds": …}``.
    """

    verdict: str
    condition: str
    constants: dict
    method: str
    domain: object  # a toylands.Box, or None for the whole space
    min_slack: float
    worst_point: np.ndarray | None
    budget: dict = field(default_factory=dict)
    reason: str = ""
    details: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got {self.verdict!r}")
        if self.verdict == PROVED and self.method not in RIGOROUS_METHODS:
            raise ValueError(f"method {self.method!r} is not rigorous and cannot prove")
        if self.verdict == INCONCLUSIVE and not self.reason:
            raise ValueError("an inconclusive certificate must say why (reason)")

    @property
    def holds(self) -> bool | None:
        """True if proved or held on samples, False if refuted, None if inconclusive."""
        return {PROVED: True, HOLDS_ON_SAMPLES: True, REFUTED: False}.get(self.verdict)

    def to_json(self) -> dict:
        dom = self.domain.to_json() if hasattr(self.domain, "to_json") else self.domain
        wp = None if self.worst_point is None else np.asarray(self.worst_point).tolist()
        ms = float(self.min_slack)
        return {
            "verdict": self.verdict,
            "condition": self.condition,
            "constants": dict(self.constants),
            "method": self.method,
            "domain": dom,
            "min_slack": ms if np.isfinite(ms) else None,
            "worst_point": wp,
            "budget": dict(self.budget),
            "reason": self.reason,
            "details": self.details,
        }
