"""theory: everything that reasons about a landscape. It imports toylands, never the reverse.

The main entry points, re-exported here:

- ``alpha_beta_rows(landscape, x)``: the slack rows (a, b, c) of the α-β-condition (spec §2);
- ``Region`` and ``region_map``: the exact feasible (α, β) region over rows or a sample;
- ``certify(landscape, alpha, beta, method=...)``: a ``Certificate`` (proved / holds on samples /
  refuted / inconclusive);
- ``simulate`` and ``compare.check``: optimizers over many runs, set beside the theorems.

Note that ``theory.certify`` is the function; the module of the same name is
``theory.certify`` in ``sys.modules`` (``from theory.certify import region_map`` works).
"""

from .certificate import Certificate
from .certify import certify, region_map
from .conditions import alpha_beta_rows
from .region import Region
from .simulate import simulate
from .testing import assert_alpha_beta

__all__ = [
    "Certificate",
    "Region",
    "alpha_beta_rows",
    "assert_alpha_beta",
    "certify",
    "region_map",
    "simulate",
]
