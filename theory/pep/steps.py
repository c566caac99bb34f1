r"""The step rules of the PEPs: SGD (constant or scheduled), SPS_max and NGN (MATHEMATICS.md §5).

Each rule moves an iterate along ``−∇f_i(x)``: ``x⁺ = x − s`` with ``s = γ_k ∇f_i(x)``.

- :class:`SGD`: ``γ_k`` given (a constant, or a schedule such as ``γ₀/√(k+1)``): ``s`` is linear
  in the PEP's variables and the step is exact.
- :class:`SPSMax`: ``γ_k = min{(f_i(x) − f_i*)/(c‖∇f_i(x)‖²), γ_b}``;
  :class:`NGN`: ``γ_k = γ/(1 + γ‖∇f_i(x)‖²/(2 f_i(x)))``. The step size depends on the function,
  so ``s = γ_k ∇f_i(x)`` is not linear in the Gram matrix. Every value of γ_k lies in a known
  interval (SPS_max: ``[min{1/(2cL), γ_b}, γ_b]``; NGN: ``[γ/(1+γL), γ]``, the step-size
  lemmas of MATHEMATICS.md §6). The interval is cut into *cells*; in a cell ``[lo, hi]`` the
  step is a free vector s with

  - ``<s − lo·g, s − hi·g> ≤ 0`` (s lies in the ball with diameter ``[lo·g, hi·g]``, which
    contains every ``γ g`` with ``γ ∈ [lo, hi]``), so ``<s, g> = γ‖g‖²`` for some γ in the cell;
  - the rule's defining relation, linear once written with ``<s, g> = γ_k‖g‖²``: SPS_max
    ``c<s, g> ≤ f_i − f_i*`` (γ_k never exceeds the Polyak step), ``c·lo‖g‖² ≤ f_i − f_i*``, and
    ``c<s, g> = f_i − f_i*`` when ``hi < γ_b`` (the Polyak step is the one taken); NGN
    ``2 lo f_i ≤ 2γ f_i − γ<s, g> ≤ 2 hi f_i`` (from ``γ_k(2f_i + γ‖g‖²) = 2γ f_i``, f_i ≥ 0).

  Every member's step satisfies the constraints of the cell its γ_k lies in, so the worst case
  over all cells is an upper bound on the worst case over the class (a relaxation; it tightens
  as the cells shrink). A cell of zero width ``lo = hi = t`` is PEPit's "equality trick": the step
  ``s = t g`` is exact and the relation is imposed as an equality.

All rules here are in normalised units (L = 1, :class:`theory.pep.alpha_beta.Units`); use
:meth:`normalized` to convert.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ._validate import integer, real

__all__ = ["SGD", "SPSMax", "NGN", "interval", "cells", "apply", "is_adaptive"]


@dataclass(frozen=True)
class SGD:
    r"""SGD with step ``γ_k = gamma`` (a float) or ``gamma[k]`` (a tuple: a schedule)."""

    gamma: float | tuple

    name = "sgd"

    def __post_init__(self):
        if isinstance(self.gamma, tuple | list):
            g = tuple(real(f"gamma[{k}]", v, positive=True) for k, v in enumerate(self.gamma))
            if not g:
                raise ValueError("gamma: an empty schedule")
        else:
            g = real("gamma", self.gamma, positive=True)
        object.__setattr__(self, "gamma", g)

    def gamma_at(self, k: int) -> float:
        if isinstance(self.gamma, tuple):
            if k >= len(self.gamma):
                raise ValueError(f"the step schedule has {len(self.gamma)} entries; step {k} "
                                 "needs more")
            return self.gamma[k]
        return self.gamma

    def normalized(self, L):
        g = self.gamma
        return SGD(tuple(v * L for v in g) if isinstance(g, tuple) else g * L)

    @staticmethod
    def decreasing(gamma0, K) -> SGD:
        r"""``γ_k = γ₀/√(k+1)`` for ``k < K`` (Theorem 4's schedule)."""
        g0 = real("gamma0", gamma0, positive=True)
        K = integer("K", K)
        return SGD(tuple(g0 / math.sqrt(k + 1) for k in range(K)))


@dataclass(frozen=True)
class SPSMax:
    r"""SPS_max: ``γ_k = min{(f_i(x) − f_i*)/(c‖∇f_i(x)‖²), γ_b}`` (MATHEMATICS.md §5)."""

    c: float
    gamma_b: float

    name = "sps-max"

    def __post_init__(self):
        object.__setattr__(self, "c", real("c", self.c, positive=True))
        object.__setattr__(self, "gamma_b", real("gamma_b", self.gamma_b, positive=True))

    def normalized(self, L):
        return SPSMax(self.c, self.gamma_b * L)


@dataclass(frozen=True)
class NGN:
    r"""NGN: ``γ_k = γ/(1 + γ‖∇f_i(x)‖²/(2 f_i(x)))``, every f_i ≥ 0 (MATHEMATICS.md §5)."""

    gamma: float

    name = "ngn"

    def __post_init__(self):
        object.__setattr__(self, "gamma", real("gamma", self.gamma, positive=True))

    def normalized(self, L):
        return NGN(self.gamma * L)


def is_adaptive(rule) -> bool:
    """True for the rules whose step size depends on the function (SPS_max, NGN)."""
    return isinstance(rule, SPSMax | NGN)


def interval(rule, L: float = 1.0, k: int = 0) -> tuple[float, float]:
    r"""The interval of step sizes γ_k the rule can take on an L-smooth member.

    SGD: ``[γ_k, γ_k]``; SPS_max: ``[min{1/(2cL), γ_b}, γ_b]`` (``‖∇f_i‖² ≤ 2L(f_i − f_i*)``);
    NGN: ``[γ/(1+γL), γ]`` (``‖∇f_i‖² ≤ 2L f_i`` for ``f_i ≥ 0``).
    """
    if isinstance(rule, SGD):
        g = rule.gamma_at(k)
        return g, g
    if isinstance(rule, SPSMax):
        return min(1 / (2 * rule.c * L), rule.gamma_b), rule.gamma_b
    if isinstance(rule, NGN):
        return rule.gamma / (1 + rule.gamma * L), rule.gamma
    raise TypeError(f"unknown step rule {type(rule).__name__}")


def cells(rule, m: int, L: float = 1.0) -> tuple[tuple[float, float], ...]:
    r"""``m`` cells of equal width covering :func:`interval` (one cell for SGD)."""
    lo, hi = interval(rule, L)
    if not is_adaptive(rule) or hi <= lo:
        return ((lo, hi),)
    m = integer("cells", m, low=1, high=64)
    edges = [lo + (hi - lo) * j / m for j in range(m + 1)]
    edges[-1] = hi
    return tuple((edges[j], edges[j + 1]) for j in range(m))


def apply(rule, cls, x, xp, i: int, k: int, cell):
    r"""``x⁺ = x − γ_k ∇f_i(x)`` in the PEP of ``cls`` (:class:`AlphaBetaClass`), where ``xp`` is
    the projection point of x; for adaptive rules, with γ_k in ``cell = (lo, hi)`` (see the module
    docstring). Returns x⁺."""
    g = cls.grad(i, x)
    if isinstance(rule, SGD):
        return x - rule.gamma_at(k) * g
    lo, hi = cell
    if hi - lo <= 1e-15 * hi:
        _exact_step(rule, cls, x, i, hi)
        return x - hi * g
    if isinstance(rule, SPSMax):
        s = _sps_cell(rule, cls, x, xp, i, lo, hi)
    else:
        s = _ngn_cell(rule, cls, x, xp, i, lo, hi)
    return x - s


def _exact_step(rule, cls, x, i, t):
    """The equality trick: the step size is t, and the rule's relation says so."""
    pb, g, fi = cls.problem, cls.grad(i, x), cls.value(i, x)
    if isinstance(rule, SPSMax):
        gap = fi - cls.fi_star[i]
        if t < rule.gamma_b * (1 - 1e-12):
            pb.add_constraint(rule.c * t * g**2 == gap)  # the Polyak step is taken
        else:
            pb.add_constraint(rule.c * t * g**2 <= gap)  # the cap γ_b is taken
    else:
        pb.add_constraint(2 * t * fi + rule.gamma * t * g**2 == 2 * rule.gamma * fi)


def _between(pb, lo, hi, lifted, base):
    """``lo·base ≤ lifted ≤ hi·base`` (γ_k·base with γ_k ∈ [lo, hi] and base ≥ 0)."""
    pb.add_constraint(lo * base <= lifted)
    pb.add_constraint(lifted <= hi * base)


def _sps_cell(rule, cls, x, xp, i, lo, hi):
    from PEPit import Expression, Point

    pb, c = cls.problem, rule.c
    g, fi, fp, fs = cls.grad(i, x), cls.value(i, x), cls.value(i, xp), cls.fi_star[i]
    s = Point()
    Phi, Psi = Expression(), Expression()  # γ_k (f_i(x) − f_i*), γ_k (f_i(x_p) − f_i*)
    gap, gap_p = fi - fs, fp - fs
    polyak = hi < rule.gamma_b * (1 - 1e-12)
    pb.add_constraint((s - lo * g) * (s - hi * g) <= 0)
    sg, ss = s * g, s**2
    if polyak:  # γ_k is the Polyak step: c γ_k ‖g‖² = f_i − f_i*, and times γ_k
        pb.add_constraint(c * sg == gap)
        pb.add_constraint(c * ss == Phi)
    else:  # γ_k ≤ the Polyak step, and times γ_k; (γ_k − lo)(gap − cγ_k‖g‖²) ≥ 0
        pb.add_constraint(c * sg <= gap)
        pb.add_constraint(c * ss <= Phi)
        pb.add_constraint(Phi - c * ss - lo * gap + lo * c * sg >= 0)
        pb.add_constraint(hi * gap - hi * c * sg - Phi + c * ss >= 0)
    pb.add_constraint(c * lo * g**2 <= gap)
    _between(pb, lo, hi, Phi, gap)
    _between(pb, lo, hi, Psi, gap_p)
    # the α-β inequality at (x, x_p) times γ_k, and ‖g‖² ≤ 2L(f_i − f_i*) times γ_k
    pb.add_constraint(s * (x - xp) >= cls.alpha * (Phi - Psi) - cls.beta * Phi)
    pb.add_constraint(sg <= 2 * cls.L * Phi)
    return s


def _ngn_cell(rule, cls, x, xp, i, lo, hi):
    from PEPit import Expression, Point

    pb, gam = cls.problem, rule.gamma
    g, fi, fp, fs = cls.grad(i, x), cls.value(i, x), cls.value(i, xp), cls.fi_star[i]
    s = Point()
    # γ_k f_i(x), γ_k f_i(x_p), γ_k f_i*, γ_k² f_i(x)
    phi, psi, omega, chi = Expression(), Expression(), Expression(), Expression()
    pb.add_constraint((s - lo * g) * (s - hi * g) <= 0)
    sg, ss = s * g, s**2
    # γ_k (2 f_i + γ‖g‖²) = 2γ f_i, and the same times γ_k
    pb.add_constraint(2 * phi + gam * sg == 2 * gam * fi)
    pb.add_constraint(2 * chi + gam * ss == 2 * gam * phi)
    _between(pb, lo, hi, phi, fi)
    _between(pb, lo, hi, psi, fp)
    _between(pb, lo, hi, omega, fs)
    _between(pb, lo, hi, phi - omega, fi - fs)
    _between(pb, lo, hi, psi - omega, fp - fs)
    _between(pb, lo, hi, chi, phi)
    pb.add_constraint((lo + hi) * phi - chi - lo * hi * fi >= 0)  # (γ_k − lo)(hi − γ_k) f_i ≥ 0
    pb.add_constraint(s * (x - xp) >= cls.alpha * (phi - psi) - cls.beta * (phi - omega))
    pb.add_constraint(sg <= 2 * cls.L * (phi - omega))
    return s
