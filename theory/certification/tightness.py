r"""How tight the paper's constants are, measured on the paper's own terms (MATHEMATICS.md §2, §4).

Tightness is measured inside the admissible set ``α > β``: ``alpha_min`` sits at ``β = α``, which
the definition excludes, so comparing the paper's α with it says nothing. Instead, for each
example with a claim:

- **on the paper's family** (Example 1: ``β = 4α/5`` on [−50, 50]²; Example 2: ``α − β = 8`` on
  [−6, 6]²; Examples 3 and 6: ``α − β = 1`` on [−20, 20]²) the smallest α proved
  (:func:`theory.certification.frontier.family_alpha`), beside the paper's α;
- **through Theorem 1's neighbourhood term** ``β/(α − β)``: at the paper's pair, and at the best
  pair proved (:func:`theory.certification.frontier.certified_best_pairs`).

A ratio close to 1 means the paper's rule is tight on its own terms; a large one says by how much
it is loose.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from toylands._checked import checked

from ..claims import claim_domain, claim_family, claim_for
from ..region import _best_pair_kind, _region_kind, theorem_term
from .frontier import SEARCH_KINDS
from .pairs import certified_best_pairs, certify_pair, family_alpha

__all__ = ["Tightness", "paper_tightness", "TIGHT_RTOL"]

# A rule counts as tight when its constant is within this relative distance of the smallest one
# proved (the bisections resolve 1e-8 for α on a family and 1e-4 of the gap for a best pair).
TIGHT_RTOL = 1e-3


@dataclass(frozen=True)
class Tightness:
    """The paper's constants against the smallest proved ones for one example (see module)."""

    landscape: str
    family: str
    domain: dict
    paper_alpha: float
    paper_beta: float
    paper_verdict: str  # the paper's pair certified on the domain
    alpha_lo: float  # a lower bound on the smallest α on the family (sampled + refutations)
    alpha_proved: float | None  # the smallest α proved on the family
    family_verdict: str
    paper_term: float  # β/(α − β) at the paper's pair
    best_alpha: float | None
    best_beta: float | None
    best_term: float | None
    best_verdict: str
    method: str

    @property
    def alpha_ratio(self) -> float | None:
        """Paper's α over the smallest α proved on the family (≥ 1 up to the bisection)."""
        return None if self.alpha_proved is None else self.paper_alpha / self.alpha_proved

    @property
    def term_ratio(self) -> float | None:
        """Theorem 1's term at the paper's pair over the best proved one."""
        if self.best_term is None or self.best_term <= 0:
            return None
        return self.paper_term / self.best_term

    @property
    def digits(self) -> int | None:
        """How many significant digits the paper's α and the true smallest α on the family are
        known to share: the distance from the paper's α to the far end of the bracket
        ``[alpha_lo, alpha_proved]``, relative."""
        if self.alpha_proved is None:
            return None
        far = max(abs(self.paper_alpha - self.alpha_proved), abs(self.paper_alpha - self.alpha_lo))
        d = far / self.alpha_proved
        return 16 if d <= 1e-16 else max(0, int(math.floor(-math.log10(d))))

    def summary(self) -> str:
        """One plain sentence: tight or loose, by how much, on each of the two terms."""
        if self.alpha_proved is None:
            fam = f"no α was proved on {self.family} (lower bound {self.alpha_lo:.10g})"
        else:
            r = self.alpha_ratio
            if abs(r - 1.0) <= TIGHT_RTOL:
                how = f"tight (the two agree to {self.digits} digits)"
            elif r > 1:
                how = f"loose by a factor {r:.3g}"
            else:
                how = f"below the smallest α we prove (ratio {r:.3g})"
            fam = (f"on {self.family} the smallest α proved is {self.alpha_proved:.10g} (the true "
                   f"one lies in [{self.alpha_lo:.10g}, {self.alpha_proved:.10g}]) and the "
                   f"paper's α is {self.paper_alpha:.10g}: {how}")
        if self.best_term is None:
            th = f"Theorem 1's β/(α − β) at the paper's pair is {self.paper_term:.6g}"
        else:
            r = self.term_ratio
            if abs(r - 1.0) <= TIGHT_RTOL:
                how = f"tight (ratio {r:.6f})"
            elif r > 1:
                how = f"the paper's is {r:.4g}× larger"
            else:
                how = f"the paper's is smaller (ratio {r:.3g}): its pair is better than ours"
            th = (f"Theorem 1's β/(α − β) is {self.paper_term:.7g} at the paper's pair and "
                  f"{self.best_term:.7g} at the best proved pair ({self.best_alpha:.7g}, "
                  f"{self.best_beta:.7g}): {how}")
        return f"{fam}; {th}"

    def to_json(self) -> dict:
        out = dict(self.__dict__)
        out["alpha_ratio"] = self.alpha_ratio
        out["term_ratio"] = self.term_ratio
        out["digits"] = self.digits
        out["summary"] = self.summary()
        return out


def _family_text(family) -> str:
    kind, v = family
    return f"β = α − {v:g}" if kind == "gap" else f"β = {v:g}·α"


@checked(region=_region_kind, best=_best_pair_kind, method=SEARCH_KINDS["method"],
         rng=SEARCH_KINDS["rng"])
def paper_tightness(landscape, *, region, method=None, rng=0, best=None) -> Tightness:
    r"""The paper's constants for ``landscape`` on the paper's own terms (see the module).

    ``region``: the sampled region of the claim's box (``theory.claims.claim_domain``), from
    ``region_map``; it gives the lower ends of the searches. ``best``: Theorem 1's certified best
    pair on that box when already computed (``certified_best_pairs(...)[1]``). Raises
    ``ValueError`` for a landscape without a claimed pair and family (``theory.claims``).
    """
    claim = claim_for(landscape)
    family = claim_family(landscape.name)
    if claim is None or claim.get("alpha") is None or family is None:
        raise ValueError(f"landscape {landscape.name!r} has no pair and family in the paper "
                         "(theory.claims)")
    box = claim_domain(landscape)
    a, b = float(claim["alpha"]), float(claim["beta"])
    cert = certify_pair(landscape, a, b, domain=box, method=method, rng=rng)
    fam = family_alpha(landscape, family, region=region, alpha_hi=a, domain=box, method=method,
                       rng=rng)
    if best is None:
        best = certified_best_pairs(landscape, region, theorems=(1,), domain=box, method=method,
                                    rng=rng)[1]
    ok = not isinstance(best, dict)
    return Tightness(
        landscape=landscape.name,
        family=_family_text(family),
        domain=box.to_json(),
        paper_alpha=a,
        paper_beta=b,
        paper_verdict=cert.verdict,
        alpha_lo=float(fam.alpha_lo),
        alpha_proved=fam.alpha_hi,
        family_verdict=fam.verdict,
        paper_term=float(theorem_term(1, a, b)),
        best_alpha=best.alpha if ok else None,
        best_beta=best.beta if ok else None,
        best_term=best.value if ok else None,
        best_verdict=best.verdict if ok else best.get("verdict", "inconclusive"),
        method=fam.method,
    )
