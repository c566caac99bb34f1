r"""The ``symbolic`` method: exact proofs and the exact region with sympy.

One job per module: ``valley`` (the exact 1-D reduction of valley landscapes and its root
isolation), ``convex`` (the convexity argument for quadratic losses), ``exact`` (which
landscapes, the certificate, and the exact region).
"""

from .exact import ExactRegion, certify_symbolic, exact_region, supports_symbolic

__all__ = ["supports_symbolic", "certify_symbolic", "exact_region", "ExactRegion"]
