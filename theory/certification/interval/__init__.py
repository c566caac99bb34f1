r"""The ``interval`` method: rigorous branch-and-bound proofs of the α-β-condition.

One job per module: ``arithmetic`` (outward-rounded intervals), ``minimizers`` (Krawczyk
enclosures of S and of the slack's x_p-terms), ``kernels`` (the slack's enclosure per family),
``branch_and_bound`` (the proof search and the certificate).
"""

from .branch_and_bound import DEFAULT_BUDGET, certify_interval, supports_interval

__all__ = ["supports_interval", "certify_interval", "DEFAULT_BUDGET"]
