"""theory: everything that reasons about a landscape. It imports toylands, never the reverse.

The main entry points, re-exported here:

- ``alpha_beta_rows(landscape, x)``: the slack rows (a, b, c) of the α-β-condition
  (MATHEMATICS.md §2);
- ``Region`` and ``region_map``: the feasible (α, β) region over rows or a sample (a sampled
  region is an outer bound: it contains the true region);
- ``certified_frontier(landscape, alphas, domain=...)``: the certified bracket
  ``β_lo(α) ≤ β_min(α) ≤ β_hi(α)`` of the true frontier (MATHEMATICS.md §2);
- ``certify(landscape, alpha, beta, method=...)``: a ``Certificate`` (proved / holds on samples /
  refuted / inconclusive);
- ``simulate`` and ``check``: optimizers over many runs, set beside the theorems;
- ``conditions_table(landscape)``: the α-β region, PL, δ-PL, PL*, Aiming and QCvx side by side.

The package is grouped by job (the layering, lowest first; a test keeps it true):

- ``conditions``, ``region``, ``claims``: the mathematics of the condition and the paper's claims;
- ``certification/``: certify, refute or map (α, β) (sampled, adversarial, interval, symbolic);
- ``optim/``: the optimizers, the simulator, the theorems' bounds and measured-versus-bound;
- ``studies/``: the paper's measurements re-run with exact ground truth (the T(x^k) protocol, the
  PL* and width studies, the conditions side by side, the network experiments); ``pep/``: the
  worst case over the α-β class; ``testing``: helpers for users' own test suites;
- ``report/`` and ``cli/``: the top floor (they alone may import ``figures``).

``theory.certify`` is the *function*; the package of the certification methods is
``theory.certification`` (a different name, so that neither shadows the other). For code written
against the earlier flat layout, ``from theory.certify import region_map`` still resolves: the
module name ``theory.certify`` is an alias of ``theory.certification`` in ``sys.modules``. The
same holds for the studies' former places (``theory.protocol``, ``theory.protocol_stream``,
``theory.plstar``, ``theory.paper_studies``, ``theory.experiments``): importing one imports its
module under ``theory.studies`` (a finder below, so nothing is imported before it is asked for).
"""

import importlib as _importlib
import importlib.abc as _abc
import importlib.util as _util
import sys as _sys

from . import certification as _certification
from .certification import Certificate, certified_frontier, certify, region_map
from .conditions import alpha_beta_rows
from .optim.compare import check
from .optim.simulate import simulate
from .region import Region
from .studies.conditions_table import conditions_table

_sys.modules[__name__ + ".certify"] = _certification

# Former module names -> their place now (imported lazily, on first use).
_MOVED = {
    "theory.protocol": "theory.studies.protocol",
    "theory.protocol_stream": "theory.studies.protocol_stream",
    "theory.plstar": "theory.studies.plstar",
    "theory.paper_studies": "theory.studies.paper",
    "theory.experiments": "theory.studies.experiments",
}


class _MovedLoader(_abc.Loader):
    def __init__(self, target: str):
        self.target = target

    def create_module(self, spec):
        return _importlib.import_module(self.target)  # the module itself, not a copy

    def exec_module(self, module):
        pass


class _MovedFinder(_abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        new = _MOVED.get(name)
        if new is None:
            for old, moved in _MOVED.items():  # a submodule of a moved package
                if name.startswith(old + "."):
                    new = moved + name[len(old):]
                    break
        return None if new is None else _util.spec_from_loader(name, _MovedLoader(new))


if not any(isinstance(f, _MovedFinder) for f in _sys.meta_path):
    _sys.meta_path.insert(0, _MovedFinder())


def __getattr__(name):
    # ``theory.testing`` imports hypothesis (slow to import); load it only when asked for.
    if name == "assert_alpha_beta":
        from .testing import assert_alpha_beta

        return assert_alpha_beta
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "Certificate",
    "Region",
    "alpha_beta_rows",
    "assert_alpha_beta",
    "certified_frontier",
    "certify",
    "check",
    "conditions_table",
    "region_map",
    "simulate",
]
