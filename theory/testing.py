r"""A testing API for your own landscapes: assertions and hypothesis strategies that hunt
violations of the α-β-condition (MATHEMATICS.md §2).

``assert_alpha_beta(landscape, α, β)`` raises ``AssertionError`` with the counterexample when
the condition is refuted (and, unless ``allow_inconclusive``, when a rigorous method could not
decide). ``alpha_beta_slack(landscape, x, α, β)`` is the point slack
``max_{x_p} min_i T_i(x; α, β)``; ``check_point`` asserts it is non-negative and reports it to
``hypothesis.target`` so that hypothesis steers towards the worst points.

Use from pytest::

    from hypothesis import given
    from theory.testing import assert_alpha_beta, check_point, points

    f = toylands.get("example6")

    def test_claimed_pair():
        assert_alpha_beta(f, 41.37, 40.37, domain=(-20, 20))

    @given(points(f))
    def test_hunt(x):
        check_point(f, x, 41.37, 40.37)

Examples
--------
>>> import toylands
>>> f = toylands.get("example1")
>>> cert = assert_alpha_beta(f, 5.0, 4.0, method="sample", budget=2000)
>>> cert.verdict
'holds_on_samples'
>>> try:
...     assert_alpha_beta(f, 5.0, 3.9, method="sample", budget=2000)
... except AssertionError as err:
...     print(str(err).splitlines()[0])
alpha-beta condition refuted for example1 with alpha=5, beta=3.9 (method sample)
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis import target

from toylands._checked import checked
from toylands._validate import as_finite_float

from .certification import certify, point_slack
from .certification.certificate import INCONCLUSIVE, REFUTED, Certificate

__all__ = [
    "assert_alpha_beta",
    "alpha_beta_slack",
    "check_point",
    "points",
    "pairs",
    "violations",
]


@checked(alpha=None, beta=None, domain=None, budget=None, rng=None)
def assert_alpha_beta(
    landscape,
    alpha,
    beta,
    *,
    method="sample",
    domain=None,
    budget=None,
    rng=None,
    allow_inconclusive: bool = False,
) -> Certificate:
    r"""Assert that ``(α, β)`` satisfies the α-β-condition on ``domain`` (MATHEMATICS.md §2).

    Runs ``theory.certify`` with ``method`` (``"sample"`` by default; ``None`` = strongest).
    Returns the certificate; raises ``AssertionError`` naming the counterexample, its slack and
    the method when refuted, or the reason when inconclusive (unless ``allow_inconclusive``).
    """
    cert = certify(landscape, alpha, beta, method=method, domain=domain, budget=budget, rng=rng)
    if cert.verdict == REFUTED:
        wp = np.asarray(cert.worst_point).tolist()
        raise AssertionError(
            f"alpha-beta condition refuted for {landscape.name} with alpha={alpha:g}, "
            f"beta={beta:g} (method {cert.method})\n"
            f"  counterexample x = {wp}\n  slack min_i T_i(x) = {cert.min_slack!r}"
        )
    if cert.verdict == INCONCLUSIVE and not allow_inconclusive:
        raise AssertionError(
            f"alpha-beta condition inconclusive for {landscape.name} with alpha={alpha:g}, "
            f"beta={beta:g} (method {cert.method}): {cert.reason}"
        )
    return cert


@checked()
def alpha_beta_slack(landscape, x, alpha, beta) -> np.ndarray:
    """``max_{x_p nearest} min_i T_i(x; α, β)`` at points ``x (..., dim)``, shape ``(...)``."""
    x = np.asarray(x, dtype=np.float64)
    s, _ = point_slack(landscape, x.reshape(-1, landscape.dim), alpha, beta)
    return s.reshape(x.shape[:-1])


def check_point(landscape, x, alpha, beta, *, label: str = "alpha-beta slack") -> float:
    r"""Assert the condition at one point and feed ``−slack`` to ``hypothesis.target``.

    Inside a ``@given`` test hypothesis then maximises ``−slack``, i.e. hunts the most violated
    point. The assertion allows the rounding margin of ``theory.conditions.slack_tolerance``.
    """
    x = np.asarray(x, dtype=np.float64).reshape(1, landscape.dim)
    s, tol = point_slack(landscape, x, alpha, beta)
    s0, t0 = float(s[0]), float(tol[0])
    target(-s0 if np.isfinite(s0) else 0.0, label=label)
    assert s0 >= -t0, (
        f"alpha-beta condition violated at x = {x[0].tolist()}: slack {s0!r} "
        f"(alpha={alpha:g}, beta={beta:g})"
    )
    return s0


@checked(domain=None)
def points(landscape, *, domain=None) -> st.SearchStrategy:
    """Points of ``domain`` (default: the landscape's), shape ``(dim,)``: uniform coordinates
    mixed with points near S, which is where thin violation regions tend to sit."""
    from toylands.strategies import points as box_points
    from toylands.strategies import points_near_minimizers

    from .certification.inputs import _check_domain

    box = _check_domain(landscape, domain)
    radius = 1e-2 * float(np.max(box.width))
    if not radius <= 1e300:
        raise ValueError(f"domain is too wide (width {np.max(box.width):.3g}): points near S are "
                         "drawn within 1 % of it, at most 1e300")
    near = points_near_minimizers(landscape, radius=radius).map(box.clip)
    return st.one_of(box_points(landscape, domain=box), near)


def pairs(*, alpha_max: float = 100.0, min_gap: float = 0.0) -> st.SearchStrategy:
    """``(α, β)`` with ``0 ≤ β`` and ``α ≥ β + min_gap``, α ≤ ``alpha_max`` (α > β always).

    Needs ``0 < alpha_max ≤ 1e300`` and ``0 ≤ min_gap < alpha_max`` (else no pair exists).
    """
    alpha_max = as_finite_float(alpha_max, "alpha_max", low=0.0, low_open=True, high=1e300)
    min_gap = as_finite_float(min_gap, "min_gap", low=0.0, high=alpha_max, high_open=True,
                              why="no pair has alpha <= alpha_max and alpha - beta >= min_gap")
    fl = st.floats(0.0, 1.0, allow_nan=False, allow_infinity=False, exclude_max=True)

    def build(uv):
        u, v = uv
        a = alpha_max * max(u, 1e-9)
        b = max(0.0, v * (a - min_gap))
        b = min(b, np.nextafter(a, 0.0))
        return float(a), float(b)

    return st.tuples(fl, fl).map(build).filter(lambda p: p[0] > p[1] and p[0] - p[1] >= min_gap)


@checked()
def violations(landscape, alpha, beta, x) -> np.ndarray:
    """The points of ``x (N, dim)`` where the condition fails beyond rounding, ``(k, dim)``."""
    x = np.asarray(x, dtype=np.float64).reshape(-1, landscape.dim)
    s, tol = point_slack(landscape, x, alpha, beta)
    return x[s < -tol]
