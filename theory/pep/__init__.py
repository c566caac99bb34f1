r"""Worst case over the α-β class by performance estimation (PEP): a bridge between the theorems'
bounds and the measurements on toy landscapes (MATHEMATICS.md §2, §5, §6).

A theorem's bound holds over a whole class of functions; a landscape is one member. Between the
two lies the worst case over the class, computed here as a semidefinite program (PEPit over an
open-source solver), so that for every theorem covered

    measured on a landscape  ≤  worst case over the class  ≤  the theorem's bound.

- :func:`worst_case` (:mod:`theory.pep.kstep`): the exact K-step PEP of
  ``min_{k<K} E[f(x^k) − f*]`` (the expectation over the sampled indices exact, by branching);
- :func:`telescoped` and :func:`b_of_a` (:mod:`theory.pep.potential`): the best one-step
  potential ``E dist(x^{k+1}, S)² ≤ dist(x^k, S)² − a (f(x^k) − f*) + b σ²`` and the bound it
  gives for every K;
- :class:`SGD`, :class:`SPSMax`, :class:`NGN` (:mod:`theory.pep.steps`): the methods;
- :class:`PEPResult` (:mod:`theory.pep.result`): every value with its solver status and accuracy.

Everything needs the optional extra ``pep`` (PEPit, cvxpy, Clarabel, SCS), imported only when a
PEP is built; :func:`available` says whether it is installed.
"""

from ._backend import SOLVERS, available, installed_solvers
from .kstep import worst_case
from .potential import b_of_a, telescoped
from .result import PEPResult, PEPSolveError
from .steps import NGN, SGD, SPSMax

__all__ = [
    "SOLVERS",
    "available",
    "installed_solvers",
    "worst_case",
    "telescoped",
    "b_of_a",
    "PEPResult",
    "PEPSolveError",
    "SGD",
    "SPSMax",
    "NGN",
]
