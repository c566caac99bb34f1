r"""Certify, refute or map the α-β-condition on a landscape (MATHEMATICS.md §2).

``certify(landscape, α, β, method=…)`` returns a
:class:`~theory.certification.certificate.Certificate`:

- ``sample``: a grid (dim ≤ 3), uniform points, points near S (``minimizers.sample`` plus
  perturbations at scales 10⁻¹…10⁻⁸ of the box), near the listed critical points (saddles,
  local minima), and on the faces and corners of the box ("far out"). Verdict
  ``holds_on_samples`` or ``refuted`` (with the worst point as counterexample).
- ``adversarial``: the samples, then a vectorised multi-start local search that minimises the
  point slack ``s(x) = max_{x_p} min_i T_i(x; α, β)`` from the worst samples (a (1+λ) evolution
  strategy over all starts at once, then Nelder–Mead (batched) or L-BFGS-B on the best few). It
  finds counterexamples that a grid misses (thin violation regions).
- ``interval`` / ``symbolic``: rigorous, in ``theory.certification.interval`` and
  ``theory.certification.symbolic`` (imported lazily); they alone may say ``proved``.

``method=None`` takes the strongest available: symbolic, else interval, else adversarial; an
``inconclusive`` rigorous answer is followed by the adversarial search (which may refute).

A sampled point counts as a counterexample only when its slack is below minus a rounding
allowance (``theory.conditions.slack_tolerance``).

``region_map`` computes the sampled (α, β) region (``theory.region``; an outer bound: it contains
the true region) over a sample set and refines it adversarially: for a grid of α it searches for
points that raise ``β_min(α)`` and adds them, until the frontier stops moving.

``certified_frontier`` brackets the true frontier, ``β_lo(α) ≤ β_min(α) ≤ β_hi(α)``: β_lo from the
sampled region (rounding-safe), β_hi proved by bisection with a rigorous method (or, where none
applies, found by adversarial search and labelled ``holds_on_samples``); ``certified_best_pairs``
and ``certified_beta`` give the pairs the project recommends; ``family_alpha`` the smallest α
certified on one of the paper's families.

Layout (one job per module): ``dispatch`` (``certify``: choose and run a method), ``sampling``
(point slack, sample sets, the sampled certificates), ``search`` (vectorised local search),
``mapping`` (``region_map``), ``frontier`` (the certified bracket), ``pairs`` (certified
recommended pairs), ``tightness`` (the paper's constants on its own terms), ``inputs``
(argument checks), ``certificate`` (the result type), ``interval/`` and ``symbolic/`` (the
rigorous methods).
"""

from __future__ import annotations

from .certificate import Certificate
from .dispatch import METHODS, available_methods, certify
from .frontier import certified_beta, certified_frontier, rigorous_method
from .mapping import region_map
from .pairs import certified_best_pairs, certify_pair, family_alpha
from .sampling import beta_needed, point_slack, sample_points

__all__ = [
    "Certificate",
    "certify",
    "region_map",
    "certified_frontier",
    "certified_beta",
    "certified_best_pairs",
    "certify_pair",
    "family_alpha",
    "rigorous_method",
    "sample_points",
    "point_slack",
    "beta_needed",
    "METHODS",
    "available_methods",
]
