r"""The α-β class on the points of one PEP (MATHEMATICS.md §2, §6).

A member is a finite sum ``f = (1/n) Σ_i f_i`` with

- every ``f_i`` L-smooth (PEPit's interpolation conditions for smooth, not necessarily convex,
  functions, Taylor–Hendrickx–Glineur 2017, Thm 3.10), with a minimiser ``x_i*``
  (``∇f_i(x_i*) = 0``, ``f_i(x_i*) = f_i*``);
- the set S of global minimisers of f: every *S-point* ``x_p`` has ``f(x_p) = f*`` and
  ``∇f(x_p) = 0`` (built in: ``f_n``'s value and gradient at ``x_p`` are defined from the
  others'), and ``f ≥ f*`` at every point of the PEP;
- the α-β-condition [AB Definition 1, Eq. (2)] at every iterate x with its own projection point
  ``x_p`` (an S-point no farther from x than any other S-point of the PEP): for every i,
  ``<∇f_i(x), x − x_p> ≥ α (f_i(x) − f_i(x_p)) − β (f_i(x) − f_i*)``;
- ``σ_int² = f* − (1/n) Σ f_i*`` (bounded by the caller), and for NGN ``f_i* ≥ 0`` with
  ``σ_pos² = (1/n) Σ f_i*``.

Every constraint is a property of every member, so the PEP is a *relaxation*: its value is an
upper bound on the worst case over the class (up to the solver's accuracy). Two further valid
consequences are imposed at every point y: ``‖∇f_i(y)‖² ≤ 2L (f_i(y) − f_i*)`` and
``‖∇f(y)‖² ≤ 2L (f(y) − f*)`` (an L-smooth function bounded below by its minimum; MATHEMATICS.md
§1); they imply ``f_i ≥ f_i*`` and ``f ≥ f*``.

``model="proof"`` keeps only what Theorem 1's proof uses: the α-β inequality at each iterate
with its x_p, ``‖∇f_i(x)‖² ≤ 2L (f_i(x) − f_i*)`` and ``f(x) ≥ f*`` at the iterates, and
``dist(x^{k+1}, S) ≤ ‖x^{k+1} − x_p^k‖`` (each x_p no farther than its parent's x_p); the f_i
are otherwise arbitrary (no interpolation conditions, no minimiser points).

**Units.** The class is invariant under ``x → t x, f → u f`` (L → uL/t², step sizes → γ t²/u),
so the PEPs are built with L = 1 and a length unit of order one (see :class:`Units`), which
keeps the SDPs well scaled; values are scaled back by the callers.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._backend import require
from ._validate import check_model

__all__ = ["AlphaBetaClass", "Units"]


@dataclass(frozen=True)
class Units:
    r"""Normalisation ``L' = 1``, ``D' = D/length²``: values scale by ``value_scale = L·length²``.

    With ``x = t x'`` and ``f = u f'`` (``t² = length2``, ``u = L·length2``): L' = 1, a
    squared distance ``D`` becomes ``D/length2``, a function value or σ² becomes ``/u``, a step
    size becomes ``γ·L`` (SPS_max's ``c`` and NGN's ratio are invariant).
    """

    L: float
    length2: float

    @property
    def value_scale(self) -> float:
        return self.L * self.length2

    def dist2(self, D):
        return D / self.length2

    def value(self, v):
        return v / self.value_scale

    def step(self, g):
        return g * self.L


_FREE = None


def _free_function_class():
    """A PEPit function with no class constraint: gradients and values are free variables."""
    global _FREE
    if _FREE is None:
        PEPit, _ = require()

        class FreeFunction(PEPit.Function):
            """Oracle values with no interpolation condition (the proof-only model)."""

            def __init__(self, is_leaf=True, decomposition_dict=None, reuse_gradient=True,
                         name=None):
                super().__init__(is_leaf=is_leaf, decomposition_dict=decomposition_dict,
                                 reuse_gradient=True, name=name)

            def add_class_constraints(self):
                pass

        _FREE = FreeFunction
    return _FREE


class AlphaBetaClass:
    r"""The α-β class on the points of one PEP; see the module docstring.

    Parameters
    ----------
    problem : PEPit.PEP
        The problem (from :func:`theory.pep._backend.new_problem`).
    n : int
        Number of functions f_i.
    alpha, beta : float
        The α-β constants (α > β ≥ 0).
    L : float
        Smoothness of every f_i (normalised units: usually 1).
    model : {"class", "proof"}
        Every constraint of the class, or only those of Theorem 1's proof.
    nonnegative : bool
        Impose ``f_i* ≥ 0`` (so every ``f_i ≥ 0``: NGN's hypothesis).
    """

    def __init__(self, problem, *, n, alpha, beta, L, model="class", nonnegative=False):
        PEPit, _ = require()
        from PEPit.functions import SmoothFunction

        self.problem, self.n, self.model = problem, int(n), check_model(model)
        self.alpha, self.beta, self.L = float(alpha), float(beta), float(L)
        self.nonnegative = bool(nonnegative)
        if model == "class":
            self.fs = [problem.declare_function(SmoothFunction, L=self.L) for _ in range(n)]
        else:
            free = _free_function_class()
            self.fs = [problem.declare_function(free) for _ in range(n)]
        self.fstar = PEPit.Expression()
        if model == "class":
            trip = [f.stationary_point(return_gradient_and_function_value=True) for f in self.fs]
            self.minimizers = [t[0] for t in trip]
            self.fi_star = [t[2] for t in trip]
        else:
            self.minimizers = []
            self.fi_star = [PEPit.Expression() for _ in range(n)]
        self.S = []  # S-points
        self.iterates = []  # (x, x_p, parent x_p or None)
        self._PEPit = PEPit
        if self.nonnegative:
            for fi in self.fi_star:
                problem.add_constraint(fi >= 0)

    # ---- values ---------------------------------------------------------------------------------
    def grad(self, i, x):
        """``∇f_i(x)`` (a PEPit Point)."""
        return self.fs[i].gradient(x)

    def value(self, i, x):
        """``f_i(x)`` (a PEPit Expression)."""
        return self.fs[i].value(x)

    def f(self, x):
        """``f(x) = (1/n) Σ f_i(x)``."""
        return sum(self.value(i, x) for i in range(self.n)) / self.n

    def full_grad(self, x):
        """``∇f(x) = (1/n) Σ ∇f_i(x)``."""
        gs = [self.grad(i, x) for i in range(self.n)]
        return sum(gs[1:], gs[0]) / self.n

    def sigma_int2(self):
        """``σ_int² = f* − (1/n) Σ f_i*`` (an Expression)."""
        return self.fstar - sum(self.fi_star) / self.n

    def sigma_pos2(self):
        """``σ_pos² = (1/n) Σ f_i*`` (an Expression)."""
        return sum(self.fi_star) / self.n

    # ---- S-points and iterates ------------------------------------------------------------------
    def s_point(self):
        r"""A new point of S: ``f(x_p) = f*`` and ``∇f(x_p) = 0`` by construction."""
        P = self._PEPit
        xp = P.Point()
        gs, vs = [], []
        for i in range(self.n - 1):
            g, v = self.fs[i].oracle(xp)
            gs.append(g)
            vs.append(v)
        if gs:
            g_last = -sum(gs[1:], gs[0])
            v_last = self.n * self.fstar - sum(vs)
        else:
            g_last = P.Point(is_leaf=False, decomposition_dict={})
            v_last = self.fstar
        self.fs[-1].add_point((xp, g_last, v_last))
        self.S.append(xp)
        return xp

    def iterate(self, x, parent=None):
        r"""Register the iterate ``x``: a projection point ``x_p`` (returned) and the α-β
        inequality at (x, x_p) for every i. ``parent`` is the projection point of the iterate x
        came from (the proof's ``dist(x^{k+1}, S) ≤ ‖x^{k+1} − x_p^k‖``)."""
        xp = self.s_point()
        for i in range(self.n):
            g, fx = self.grad(i, x), self.value(i, x)
            fp = self.value(i, xp)
            self.problem.add_constraint(
                g * (x - xp) >= self.alpha * (fx - fp) - self.beta * (fx - self.fi_star[i])
            )
        self.iterates.append((x, xp, parent))
        return xp

    def finalize(self):
        r"""Add the nearest-point and lower-bound constraints (call once, after every iterate)."""
        pb = self.problem
        for x, xp, parent in self.iterates:
            others = self.S if self.model == "class" else ([parent] if parent is not None else [])
            d2 = (x - xp) ** 2
            for q in others:
                if q is not xp:
                    pb.add_constraint(d2 <= (x - q) ** 2)
        twoL = 2 * self.L
        if self.model == "proof":
            for x, _, _ in self.iterates:
                for i in range(self.n):
                    pb.add_constraint(self.grad(i, x) ** 2 <= twoL * (self.value(i, x)
                                                                      - self.fi_star[i]))
                pb.add_constraint(self.f(x) >= self.fstar)
            return
        pts = [x for x, _, _ in self.iterates] + list(self.S) + list(self.minimizers)
        s_ids = {id(p) for p in self.S}
        for y in pts:
            for i in range(self.n):
                if self.minimizers and y is self.minimizers[i]:
                    continue
                pb.add_constraint(self.grad(i, y) ** 2 <= twoL * (self.value(i, y)
                                                                  - self.fi_star[i]))
            if id(y) not in s_ids:
                pb.add_constraint(self.full_grad(y) ** 2 <= twoL * (self.f(y) - self.fstar))

    def size(self) -> dict:
        """Points of the model (iterates, S-points, minimisers)."""
        return {"iterates": len(self.iterates), "s_points": len(self.S),
                "minimizers": len(self.minimizers)}
