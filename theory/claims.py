r"""The paper's claimed (α, β) for each landscape and the check values of MATHEMATICS.md §4, as
data.

One place for every number the paper states about the α-β-condition on a landscape:

- ``rule``: the sufficient condition as the paper states it (with our corrections, MATHEMATICS.md
  §9);
- ``pair(landscape)``: the claimed pair at the rule's boundary (computed from the landscape's
  exact constants where the rule depends on them, e.g. ``c = min_i min_{x∈S} f_i(x)``);
- ``holds`` / ``fails``: MATHEMATICS.md §4's check values with the box they refer to;
- ``family``: the paper's own family of pairs, on which its constants are compared with ours
  (MATHEMATICS.md §2, "tightness is measured inside the admissible set"): ``("ratio", 4/5)`` for
  Example 1's ``β = 4α/5``, ``("gap", g)`` for the fixed gap ``α − β = g`` of Examples 2, 3, 6.

Examples
--------
>>> import toylands
>>> from theory.claims import claim_for, check_values
>>> claim_for(toylands.get("example1"))["alpha"]
2.5
>>> [(c.alpha, c.beta, c.expect) for c in check_values("example1")][:2]
[(2.5, 2.0, 'holds'), (2.5, 2.4, 'holds')]
>>> claim_family("example2")
('gap', 8.0)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from toylands._checked import checked

__all__ = ["Claim", "Check", "CLAIMS", "claim_for", "claim_domain", "claim_family", "check_values"]


@dataclass(frozen=True)
class Check:
    """One check value of MATHEMATICS.md §4: ``(α, β)`` is expected to ``holds`` or ``fails`` on the
    box."""

    landscape: str
    alpha: float
    beta: float
    expect: str  # "holds" | "fails"
    box: tuple[float, float]


@dataclass(frozen=True)
class Claim:
    landscape: str
    rule: str
    source: str
    pair: Callable | None = None  # landscape -> (alpha, beta)
    holds: Callable | tuple = ()  # pairs, or landscape -> pairs
    fails: Callable | tuple = ()
    box: tuple[float, float] | None = None
    note: str = ""
    family: tuple | None = None  # ("gap", g): β = α − g; ("ratio", r): β = r α


def _c(land) -> float:
    """``c = min_i min_{x∈S} f_i(x)`` from the landscape's exact S."""
    return float(land.losses(land.minimizers.points).min())


def _ex2_pair(land):
    a = 8.0 / _c(land)
    return a, a - 8.0


CLAIMS: dict[str, Claim] = {
    c.landscape: c
    for c in (
        Claim(
            "example1",
            "alpha >= 5/2 and beta in [4 alpha/5, alpha)",
            "AB Example 1, App. C.1.1; MATHEMATICS.md §4.1 (the proof prints [4α/5, α], §9.3)",
            pair=lambda land: (2.5, 2.0),
            holds=((2.5, 2.0), (2.5, 2.4), (5.0, 4.0), (10.0, 8.0)),
            fails=((5.0, 3.9), (10.0, 7.0)),
            box=(-50.0, 50.0),
            family=("ratio", 0.8),
        ),
        Claim(
            "example2",
            "alpha - beta = 8 and alpha >= 8/c, c = min_i min_S f_i = 1 - exp(-2 t1^2)",
            "AB Example 2, App. C.1.2; MATHEMATICS.md §4.2 [correction: the paper prints "
            "alpha >~ 72e7]",
            pair=_ex2_pair,
            holds=lambda land: (_ex2_pair(land),),
            fails=((1e6, 1e6 - 8.0), (1e5, 1e5 - 8.0)),
            box=(-6.0, 6.0),
            note="the slack tends to 0 at infinity",
            family=("gap", 8.0),
        ),
        Claim(
            "example3",
            "beta = alpha - 1 and alpha >~ 1512.46 (c = f_2(2.471, 2.471) = 0.00167918)",
            "AB Example 3, App. C.1.3; MATHEMATICS.md §4.3 (f_2 denominator corrected)",
            pair=lambda land: (1512.46, 1511.46),
            holds=((1513.0, 1512.0),),
            fails=((200.0, 199.0), (50.0, 49.0)),
            box=(-20.0, 20.0),
            note="at the exact minimizer c = 0.0015969; the rule is loose either way",
            family=("gap", 1.0),
        ),
        Claim(
            "example6",
            "alpha >= 2/c ~ 41.37 and beta = alpha - 1; fails with beta = 0",
            "AB Example 6 (App. B, Eq. (14)), App. C.1.4; MATHEMATICS.md §4.4",
            pair=lambda land: (2.0 / _c(land), 2.0 / _c(land) - 1.0),
            holds=((41.37, 40.37),),
            fails=((20.0, 19.0), (5.0, 4.0), (41.37, 0.0)),
            box=(-20.0, 20.0),
            family=("gap", 1.0),
        ),
        Claim(
            "matrix-factorization",
            "alpha = beta + 1, some beta > 0 (alpha >= 2C/c, c = min_ij eps_ij^2)",
            "AB Example 4, App. C.1.5; MATHEMATICS.md §4.6",
            note="the paper's proof uses a fixed factor pair, not the projection",
        ),
        Claim(
            "two-layer-relu",
            "beta = alpha - 1, alpha >= max{2 max_i log(1 + exp(R r |x_i|)) / (c - f_i*), 1}",
            "AB Example 5, App. C.1.6; MATHEMATICS.md §4.7",
            note="depends on the bounded domain through R, r",
        ),
        Claim(
            "half-space",
            "holds only with large constants (~3.3e4 in the paper's experiment)",
            "AB §2.2, Fig. 2; App. D.1; MATHEMATICS.md §4.8",
        ),
        Claim(
            "least-squares",
            "convex f_i: (alpha, beta) = (1, 0)",
            "AB after Theorem 2; MATHEMATICS.md §2",
            pair=lambda land: (1.0, 0.0),
            holds=((1.0, 0.0),),
        ),
    )
}


@checked()
def claim_for(landscape) -> dict | None:
    """The paper's claim for ``landscape`` as JSON-able data (None if the paper states none)."""
    claim = CLAIMS.get(landscape.name)
    if claim is None:
        return None
    alpha = beta = None
    if claim.pair is not None:
        alpha, beta = (float(v) for v in claim.pair(landscape))
    return {
        "rule": claim.rule,
        "alpha": alpha,
        "beta": beta,
        "source": claim.source,
        "note": claim.note,
    }


@checked()
def claim_domain(landscape):
    """The box ``[lo, hi]^dim`` the paper's claim for ``landscape`` refers to (MATHEMATICS.md §4),
    or the landscape's default domain where the paper names none.

    >>> import toylands
    >>> claim_domain(toylands.get("example1")).lo.tolist()
    [-50.0, -50.0]
    """
    from toylands import Box

    claim = CLAIMS.get(landscape.name)
    if claim is not None and claim.box is not None:
        return Box.cube(claim.box[0], claim.box[1], landscape.dim)
    return landscape.domain


def _landscape_name(value, name, ctx):
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a landscape name (a string), got {type(value).__name__}")
    return value


@checked(name=_landscape_name)
def claim_family(name: str) -> tuple | None:
    """The paper's family of pairs for landscape ``name`` (see the module docstring), or None."""
    claim = CLAIMS.get(name)
    return None if claim is None else claim.family


@checked(name=_landscape_name)
def check_values(name: str, landscape=None) -> list[Check]:
    """Spec §4's check values for landscape ``name`` (built with defaults if not given)."""
    claim = CLAIMS.get(name)
    if claim is None or claim.box is None and not claim.holds:
        return []
    land = landscape
    out = []
    for expect, pairs in (("holds", claim.holds), ("fails", claim.fails)):
        if callable(pairs):
            if land is None:
                import toylands

                land = toylands.get(name)
            pairs = pairs(land)
        box = claim.box if claim.box is not None else (-1.0, 1.0)
        out += [Check(name, float(a), float(b), expect, box) for a, b in pairs]
    return out
