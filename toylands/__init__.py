"""toylands: toy loss landscapes whose ground truth is exact.

Each landscape is a finite sum ``f = (1/n) Σ f_i`` with exact ``f*``, ``f_i*``, minimizer set
``S`` and projections onto it: the contract is in ``toylands._landscape``. The mathematics is in
``theory/MATHEMATICS.md``; docstrings cite it as "MATHEMATICS.md §N".

>>> import toylands
>>> f = toylands.get("example1")
>>> f.dim, f.n
(2, 2)
"""

from ._ground_truth import GroundTruthError, ValidationReport, validate
from ._landscape import CriticalPoint, Landscape, Provenance, Smoothness, Symbolic
from ._registry import get, names, register
from ._sympy import SympyLandscape, from_sympy
from ._user import from_functions
from .domain import Box
from .sets import AffineSet, MinimizerSet, PointSet
from .torch_module import from_module

__all__ = [
    "get",
    "names",
    "register",
    "from_functions",
    "from_sympy",
    "SympyLandscape",
    "validate",
    "GroundTruthError",
    "ValidationReport",
    "from_module",
    "Landscape",
    "Provenance",
    "Smoothness",
    "CriticalPoint",
    "Symbolic",
    "Box",
    "MinimizerSet",
    "PointSet",
    "AffineSet",
]
