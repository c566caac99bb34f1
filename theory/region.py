r"""The exact feasible (α, β) region of the α-β-condition over a finite set of rows (MATHEMATICS.md
§2).

Each row ``(a, b, c)`` (one point x, one index i, one projection candidate x_p) asks

    T = a − α b + β c ≥ 0,    a = <∇f_i(x), x − x_p>,  b = f_i(x) − f_i(x_p),  c = f_i(x) − f_i*.

For fixed α the row holds iff ``β ≥ (α b − a) / c`` when ``c > 0``; when ``c = 0`` it bounds α
alone (``α ≤ a/b`` if ``b > 0``, ``α ≥ a/b`` if ``b < 0``; if ``b = 0`` it holds for every α when
``a ≥ 0`` and for none when ``a < 0``).
So, for one projection candidate, the least feasible β is an **upper envelope of lines**

    F_{x,p}(α) = max_i (α b_i − a_i) / c_i        (+∞ where a c = 0 row cuts α off),

a convex piecewise-linear (PL) function of α. Definition 1 asks for *some* nearest point x_p, so a
point with tied nearest points is feasible iff one of its candidates is: ``min_p F_{x,p}``. Over a
set of points every point must be feasible:

    F(α) = max_x min_{p ∈ Proj(x, S)} F_{x,p}(α).

Because feasibility is monotone in β, the region is exactly

    R = {(α, β) : β ≥ F(α),  β ≥ 0,  β < α}       and      β_min(α) = max(F(α), 0).

This module computes F exactly (up to float rounding) as a PL function: the envelope of the rows of
single-candidate points by an upper-hull ("convex hull trick") pass in O(N log N), vectorised, and
the points with ties folded in by exact PL ``min``/``max`` (breakpoints merged, crossings inserted).
``alpha_min = inf{α : β_min(α) < α}`` (an infimum: β = α is excluded, so it is not attained when
β_min(alpha_min) = alpha_min).

Diagonal monotonicity [AB p.5] is the statement that every row has slope ``b/c ≤ 1`` (``c ≥ b``
because f_i(x_p) ≥ f_i*), so ``F(α) − α`` is non-increasing and the feasible α form a half-line.
The code does not rely on it: rows from user-supplied lower bounds or rounding are handled as given.

Rows from finitely many sample points give a **sampled region (an outer bound: it contains the
true region)** over the domain they were drawn from (MATHEMATICS.md §2): its ``β_min(α)`` is a
lower bound on the true frontier, and a pair read off it is not known to hold. What is known to
hold comes from a rigorous method: a :class:`FrontierBracket` (``β_lo ≤ β_min ≤ β_hi`` per α,
computed by ``theory.certification.certified_frontier``) and certified best pairs can be attached
to a region (:meth:`Region.with_certificates`) and travel in its JSON.

Examples
--------
>>> import numpy as np
>>> r = Region.from_arrays(a=[1.0, 0.0], b=[1.0, 0.5], c=[1.0, 1.0])   # β ≥ α − 1, β ≥ α/2
>>> r.alpha_min
0.0
>>> r.beta_min([1.0, 4.0]).tolist()
[0.5, 3.0]
>>> bool(r.contains(4.0, 3.5)), bool(r.contains(4.0, 2.9))
(True, False)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from toylands._checked import checked
from toylands._validate import _as_numeric_array, as_finite_array, as_finite_float, as_int

__all__ = [
    "Region",
    "BestPair",
    "FrontierBracket",
    "PiecewiseLinear",
    "THEOREMS",
    "theorem_term",
    "upper_envelope",
    "combine",
    "SAMPLED",
    "NOT_CERTIFIED",
]

# How a sampled region is named wherever it is shown (MATHEMATICS.md §2).
SAMPLED = "sampled region (an outer bound: it contains the true region)"
# The verdict of a pair read off a sampled region before any certificate.
NOT_CERTIFIED = "not certified"

# Rows whose c is below this fraction of max(|a|, |b|, |c|) are treated as c = 0 (α-bounds):
# the slope b/c of such a row would not be representable anyway.
C_ZERO_RTOL = 1e-280


# ---- piecewise-linear functions with +∞ pieces -----------------------------------------------
@dataclass(frozen=True)
class PiecewiseLinear:
    r"""A lower-semicontinuous piecewise-linear function on R, possibly +∞ on some pieces.

    ``xs`` (k,) strictly increasing breakpoints; piece ``j`` (0..k) lies between ``xs[j-1]`` and
    ``xs[j]`` (with ``xs[-1] = −∞``, ``xs[k] = +∞``) and carries the line ``s[j] α + q[j]``; a
    piece with ``q = ±∞`` (and ``s = 0``) is infinite. At a breakpoint the value is the smaller
    of the two one-sided limits (every constraint here is closed, so F is lsc).
    """

    xs: np.ndarray
    s: np.ndarray
    q: np.ndarray

    @classmethod
    def constant(cls, value: float) -> PiecewiseLinear:
        return cls(np.empty(0), np.zeros(1), np.array([_end(value, "value")]))

    @property
    def finite(self) -> np.ndarray:
        return np.isfinite(self.q)

    def _line(self, j, x):
        with np.errstate(invalid="ignore", over="ignore"):
            v = self.s[j] * x + self.q[j]
        return np.where(np.isfinite(self.q[j]), v, self.q[j])

    def __call__(self, x) -> np.ndarray:
        x = as_finite_array(x, "x")
        j = np.searchsorted(self.xs, x, side="left")  # xs[j-1] < x <= xs[j]
        v = self._line(j, x)
        k = self.xs.size
        jj = np.minimum(j, k - 1) if k else j
        at_bp = (j < k) & (self.xs[jj] == x) if k else np.zeros(x.shape, bool)
        if np.any(at_bp):
            v = np.where(at_bp, np.minimum(v, self._line(np.minimum(j + 1, k), x)), v)
        return v

    def clip_domain(self, lo: float, hi: float) -> PiecewiseLinear:
        """+∞ outside ``[lo, hi]`` (closed; ±inf ends allowed); the empty interval gives +∞
        everywhere."""
        lo, hi = _end(lo, "lo"), _end(hi, "hi")
        if lo > hi:
            return PiecewiseLinear.constant(np.inf)
        out = self
        if np.isfinite(lo):
            out = combine(out, _step(lo, left=True), np.maximum)
        if np.isfinite(hi):
            out = combine(out, _step(hi, left=False), np.maximum)
        return out

    def simplified(self) -> PiecewiseLinear:
        """Merge neighbouring pieces that carry the same line."""
        if self.xs.size == 0:
            return self
        same = (self.s[1:] == self.s[:-1]) & (self.q[1:] == self.q[:-1])
        keep = np.r_[True, ~same]
        return PiecewiseLinear(self.xs[~same], self.s[keep], self.q[keep])


def _end(value, name) -> float:
    """An end of an interval: a real number or ±inf, never NaN."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        try:
            v = float(value)
        except OverflowError:
            v = math.inf if value > 0 else -math.inf
        if not math.isnan(v):
            return v
    shown = repr(value) if isinstance(value, (int, float)) else f"a {type(value).__name__}"
    raise ValueError(f"{name} must be a real number or ±inf, got {shown}")


def _any_rows(value, name):
    """Rows as a float64 array (NaN/inf are refused by the caller with its own message)."""
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise TypeError(f"{name} must be a real array, not {type(value).__name__}") from None


def _pwl(value, name, ctx):
    if not isinstance(value, PiecewiseLinear):
        raise TypeError(f"{name} must be a PiecewiseLinear, got {type(value).__name__}")
    return value


def _op(value, name, ctx):
    if value is not np.maximum and value is not np.minimum:
        raise ValueError(f"{name} must be np.maximum or np.minimum, got {value!r}")
    return value


def _step(x0: float, *, left: bool) -> PiecewiseLinear:
    """+∞ strictly left (``left=True``) or strictly right of x0, −∞ elsewhere (for clipping)."""
    inf = np.array([np.inf, -np.inf]) if left else np.array([-np.inf, np.inf])
    return PiecewiseLinear(np.array([float(x0)]), np.zeros(2), inf)


def _piece_index(f: PiecewiseLinear, left_ends: np.ndarray) -> np.ndarray:
    """Index of f's piece containing the open piece that starts at ``left_ends`` (−∞ first)."""
    idx = np.searchsorted(f.xs, left_ends, side="right")
    idx[0] = 0
    return idx


@checked(f=_pwl, g=_pwl, op=_op)
def combine(f: PiecewiseLinear, g: PiecewiseLinear, op) -> PiecewiseLinear:
    r"""Exact ``op(f, g)`` for ``op`` in ``{np.maximum, np.minimum}``.

    Breakpoints are merged; inside every merged piece both are single lines, and where two finite
    lines cross strictly inside a piece the crossing becomes a breakpoint. The winner on each
    final piece is decided by the sign of ``f − g`` inside it: on a bounded piece the sign of
    ``d(left) + d(right)`` (twice the midpoint value), on a half-line the sign at its infinite
    end (from the slopes), so a crossing sitting at an end never decides it.
    """
    xs = np.union1d(f.xs, g.xs)
    left = np.r_[-np.inf, xs]
    right = np.r_[xs, np.inf]
    jf, jg = _piece_index(f, left), _piece_index(g, left)
    sf, qf, sg, qg = f.s[jf], f.q[jf], g.s[jg], g.q[jg]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        xc = (qg - qf) / (sf - sg)
    ok = np.isfinite(qf) & np.isfinite(qg) & (sf != sg) & (xc > left) & (xc < right)
    if np.any(ok):
        xs = np.union1d(xs, xc[ok])
        left = np.r_[-np.inf, xs]
        right = np.r_[xs, np.inf]
        jf, jg = _piece_index(f, left), _piece_index(g, left)
        sf, qf, sg, qg = f.s[jf], f.q[jf], g.s[jg], g.q[jg]
    # sign of (f − g) inside each piece
    with np.errstate(invalid="ignore", over="ignore"):
        ds, dq = sf - sg, qf - qg
        both_fin = np.isfinite(qf) & np.isfinite(qg)
        dl = np.where(np.isfinite(left), ds * left + dq, np.nan)
        dr = np.where(np.isfinite(right), ds * right + dq, np.nan)
        sign = np.sign(np.where(np.isfinite(left) & np.isfinite(right), dl + dr, np.nan))
        # On a half-line without interior crossing the sign is the one at its infinite end,
        # given by the slopes (exact; the value at the finite end may be a rounded zero).
        only_r = ~np.isfinite(left) & np.isfinite(right)
        sign = np.where(only_r, np.where(ds != 0, -np.sign(ds), np.sign(dq)), sign)
        only_l = np.isfinite(left) & ~np.isfinite(right)
        sign = np.where(only_l, np.where(ds != 0, np.sign(ds), np.sign(dq)), sign)
        none = ~np.isfinite(left) & ~np.isfinite(right)
        sign = np.where(none, np.where(ds != 0, np.sign(ds), np.sign(dq)), sign)
        sign = np.where(both_fin, sign, np.sign(np.nan_to_num(qf - qg, nan=0.0)))
    sign = np.nan_to_num(sign, nan=0.0)
    take_f = sign >= 0 if op is np.maximum else sign <= 0
    out = PiecewiseLinear(xs, np.where(take_f, sf, sg), np.where(take_f, qf, qg))
    return out.simplified()


# ---- the upper envelope of lines -------------------------------------------------------------
def _rows_1d(value, name, ctx):
    return as_finite_array(value, name).ravel()


@checked(b=_rows_1d, a=_rows_1d, c=_rows_1d)
def upper_envelope(b, a, c) -> PiecewiseLinear:
    r"""``max_j (α b_j − a_j) / c_j`` over rows with ``c_j > 0``, as a PL function, in O(N log N).

    Lines ``β = m α + q`` with ``m = b/c``, ``q = −a/c`` are points ``(m, q)`` of the dual plane and
    the envelope is their upper convex hull. Sorted by slope (ties: keep the largest q), the
    chain is pruned in vectorised passes: a line lying on or below the segment joining its two
    neighbours is never on the hull, so every such line of a pass can be dropped at once; the
    passes stop when the chain turns strictly at every line. Orientation tests and breakpoints
    use the homogeneous rows ``(b, −a, c)`` (no division), so they do not overflow.
    """
    if not (b.size == a.size == c.size):
        raise ValueError(f"b, a, c must have one size, got {b.size}, {a.size}, {c.size}")
    if np.any(c <= 0):
        raise ValueError("c must be > 0 in every row (rows with c = 0 bound alpha, not beta)")
    b, a, c = _hull_rows(b, a, c)
    if b.size == 0:
        return PiecewiseLinear.constant(-np.inf)
    if b.size > 1:
        # crossing of consecutive hull lines: α = (a_i c_k − a_k c_i) / (b_i c_k − b_k c_i)
        with np.errstate(divide="ignore", invalid="ignore"):
            xs = (a[:-1] * c[1:] - a[1:] * c[:-1]) / (b[:-1] * c[1:] - b[1:] * c[:-1])
            bad = ~np.isfinite(xs)
            if np.any(bad):  # slopes equal in homogeneous form but not as doubles: use m, q
                m, q = b / c, -a / c
                xs = np.where(bad, (q[:-1] - q[1:]) / (m[1:] - m[:-1]), xs)
        xs = np.maximum.accumulate(xs)  # guards against rounding making it non-monotone
        uniq = np.r_[xs[1:] > xs[:-1], True]
        # drop lines whose piece collapsed to a point (rounding), keeping the chain consistent
        keep_line = np.r_[True, uniq]
        xs = xs[uniq]
        b, a, c = b[keep_line], a[keep_line], c[keep_line]
    else:
        xs = np.empty(0)
    return PiecewiseLinear(xs, b / c, -a / c)


def _hull_rows(b, a, c) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows ``(b, a, c)`` (``c > 0``) whose lines are on the upper envelope, by slope.

    The envelope of any set of rows is that of its hull rows, so the hull of a union is the hull
    of the union of hulls: ``Region.from_arrays`` reduces rows block by block with it.
    """
    b, a, c = (np.asarray(v, dtype=np.float64).ravel() for v in (b, a, c))
    if b.size == 0:
        return b, a, c
    m, q = b / c, -a / c
    if b.size > 4096:
        sel = _prefilter(m, q)
        b, a, c, m, q = b[sel], a[sel], c[sel], m[sel], q[sel]
    order = np.argsort(m)
    if np.any(m[order][1:] == m[order][:-1]):
        order = np.lexsort((q, m))  # slope ascending, then intercept ascending
    b, a, c, m = b[order], a[order], c[order], m[order]
    keep = np.r_[m[1:] != m[:-1], True]  # among equal slopes the last has the largest intercept
    b, a, c = b[keep], a[keep], c[keep]
    idx = np.arange(b.size)
    while idx.size >= 3:
        i, j, k = idx[:-2], idx[1:-1], idx[2:]
        # c_i² c_j c_k·[(m_j − m_i)(q_i − q_k) + (q_j − q_i)(m_k − m_i)]: > 0 iff line j is
        # strictly above the crossing of lines i and k. Written without division.
        bij = b[j] * c[i] - b[i] * c[j]
        aik = -a[i] * c[k] + a[k] * c[i]
        aji = -a[j] * c[i] + a[i] * c[j]
        bki = b[k] * c[i] - b[i] * c[k]
        turn = bij * aik + aji * bki
        bad = turn <= 0
        nbad = int(np.count_nonzero(bad))
        if nbad == 0:
            break
        idx = np.r_[idx[0], j[~bad], idx[-1]]
        if nbad < max(2, idx.size // 100):
            # the passes peel slowly (a long gently curved run): finish sequentially
            idx = _monotone_chain(b, a, c, idx)
            break
    return b[idx], a[idx], c[idx]


def _monotone_chain(b, a, c, idx) -> np.ndarray:
    """Andrew's monotone chain (upper hull) over ``idx`` (sorted by slope), sequentially, with
    the same division-free orientation test as the vectorised passes. Used only on the few
    lines that survive pruning when the passes stall."""
    B, A, C = b[idx].tolist(), a[idx].tolist(), c[idx].tolist()
    hull: list[int] = []
    for k in range(len(B)):  # amortised O(K): every line is pushed and popped at most once
        while len(hull) >= 2:
            i, j = hull[-2], hull[-1]
            turn = (B[j] * C[i] - B[i] * C[j]) * (-A[i] * C[k] + A[k] * C[i]) + (
                -A[j] * C[i] + A[i] * C[j]
            ) * (B[k] * C[i] - B[i] * C[k])
            if turn > 0:
                break
            hull.pop()
        hull.append(k)
    return idx[np.asarray(hull, dtype=np.intp)]


def _prefilter(m, q) -> np.ndarray:
    """Akl–Toussaint pruning: drop lines strictly below the hull of a few extreme ones.

    The extreme points of the dual point set ``(m, q)`` in 17 directions are on the upper hull;
    any point strictly below the upper hull of those (with a relative margin of 1e-9, so that
    rounding never drops a hull point) is not on the envelope. Returns a boolean keep-mask.
    """
    span_m, span_q = np.ptp(m), np.ptp(q)
    scale = span_q / span_m if span_m > 0 and span_q > 0 else 1.0
    idx = [int(np.argmin(m)), int(np.argmax(m))]
    for t in np.tan(np.linspace(-1.5, 1.5, 15)) * scale:
        idx.append(int(np.argmax(m * t + q)))
    pm, pq = m[idx], q[idx]
    o = np.lexsort((pq, pm))
    pm, pq = pm[o], pq[o]
    hm, hq = [], []
    for x, y in zip(pm.tolist(), pq.tolist()):  # monotone chain on ≤ 17 points
        if hm and hm[-1] == x:
            hm.pop(), hq.pop()
        while len(hm) >= 2 and (
            (hm[-1] - hm[-2]) * (y - hq[-2]) - (hq[-1] - hq[-2]) * (x - hm[-2]) >= 0
        ):
            hm.pop(), hq.pop()
        hm.append(x), hq.append(y)
    if len(hm) < 2:
        return np.ones(m.shape, bool)
    hm, hq = np.asarray(hm), np.asarray(hq)
    j = np.clip(np.searchsorted(hm, m), 1, hm.size - 1)
    t = (m - hm[j - 1]) / (hm[j] - hm[j - 1])
    hull_q = hq[j - 1] + t * (hq[j] - hq[j - 1])
    inside = (m > hm[0]) & (m < hm[-1])
    below = q < hull_q - 1e-9 * (np.abs(hq[j - 1]) + np.abs(hq[j]) + np.abs(q))
    return ~(inside & below)


class _Frontier:
    """``F`` of one candidate built from its rows block by block: the hull rows of the ``c > 0``
    rows (``_hull_rows``) and the α-range the ``c = 0`` rows allow, folded as blocks arrive."""

    def __init__(self):
        self.parts: list = []
        self.lo, self.hi = -np.inf, np.inf
        self.infeasible = False

    def add(self, a, b, c) -> None:
        """Fold in normalised rows (any shape, one candidate)."""
        a, b, c = (np.ravel(v) for v in (a, b, c))
        pos = c > 0
        if np.any(pos):
            self.parts.append(_hull_rows(b[pos], a[pos], c[pos]))
        if np.all(pos):
            return
        zb, za = b[~pos], a[~pos]
        if np.any((zb == 0) & (za < 0)):
            self.infeasible = True
        with np.errstate(divide="ignore", invalid="ignore"):
            r = za / zb
        self.lo = max(self.lo, float(np.max(r[zb < 0], initial=-np.inf)))
        self.hi = min(self.hi, float(np.min(r[zb > 0], initial=np.inf)))

    def result(self) -> PiecewiseLinear:
        if self.infeasible:
            return PiecewiseLinear.constant(np.inf)
        if self.parts:
            env = upper_envelope(*(np.concatenate(p) for p in zip(*self.parts)))
        else:
            env = PiecewiseLinear.constant(-np.inf)
        return env.clip_domain(self.lo, self.hi)


def _candidate_frontier(a, b, c) -> PiecewiseLinear:
    """F for rows (a, b, c) (1-D, same candidate): envelope, cut to the α-range of c = 0 rows."""
    acc = _Frontier()
    acc.add(a, b, c)
    return acc.result()


def _normalised(a, b, c):
    """Rows divided by ``max(|a|, |b|, c)`` (1 where that is 0); ``c`` below ``C_ZERO_RTOL``
    becomes 0."""
    scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), c)
    scale = np.where(scale > 0, scale, 1.0)
    a, b, c = a / scale, b / scale, c / scale
    return a, b, np.where(c < C_ZERO_RTOL, 0.0, c)


def _check_rows(a, b, c) -> None:
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b)) and np.all(np.isfinite(c))):
        raise ValueError("rows must be finite (got NaN or inf)")
    if np.any(c < 0):
        raise ValueError("c = f_i(x) − f_i* must be >= 0 (clip rounding before)")


#: Rows normalised and reduced per block in ``Region.from_arrays``: 2¹⁶ rows keep the block's
#: temporaries (about a dozen float64 arrays of that length) near 8 MiB.
ROW_BLOCK = 1 << 16


# ---- theorems' neighbourhood terms -----------------------------------------------------------
# Each entry: (numerator (p1, p2, p3), denominator (r1, r2, r3), gap κ, strict, description) for
# minimising (p1 α + p2 β + p3) / (r1 α + r2 β + r3) subject to α − β ≥ κ (> κ when strict).
# All are increasing in β, so the best β for a given α is β_min(α).
def _theorems(gamma_L: float, c_sps: float) -> dict:
    g = 1.0 + 2.0 * gamma_L
    return {
        1: ((0, 1, 0), (1, -1, 0), 0.0, True, "Thm 1 (SGD, Eq. (9)): 2βσ²/(α−β) -> min β/(α−β)"),
        4: ((0, 1, 0), (1, -1, 0), 0.0, True, "Thm 4 (SGD dec.): 2βσ²/(α−β) -> min β/(α−β)"),
        5: ((0, 1, 0), (1, -1, 0), 0.0, True, "Thm 5 (DecSPS): 2βσ²/(α−β) -> min β/(α−β)"),
        6: ((0, 1, 0), (1, -1, 0), 0.0, True, "Thm 6 (NGN dec.): C₃βσ²/(α−β) -> min β/(α−β)"),
        2: (
            (1, 0, 0),
            (2 * c_sps, -2 * c_sps, -1),
            1.0 / (2 * c_sps),
            True,
            f"Thm 2 (SPS_max, Eq. (10)): 2αc₁γ_bσ² ∝ α/(2c(α−β)−1), c = {c_sps:g}",
        ),
        3: (
            (0, 1, 0),
            (g, -g, -2 * gamma_L),
            1.0,
            False,
            f"Thm 3 (NGN, Eq. (11), β corrected): βσ²/c₂, c₂ = 2γL(α−β−1)+α−β, γL = {gamma_L:g}",
        ),
        7: ((1, 0, 0), (1, -1, 0), 0.0, True, "Thm 7 (AdaGrad-norm-max, Eq. (44)): ∝ α/(α−β)"),
    }


THEOREMS = tuple(sorted(_theorems(0.0, 1.0)))


def _theorem_number(value, name) -> int:
    """A theorem number of :data:`THEOREMS` (an int; not a bool, not a string)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a theorem number, one of {list(THEOREMS)}; got "
                        f"{type(value).__name__}")
    if int(value) not in THEOREMS:
        shown = int(value) if abs(int(value)) < 10**6 else "a large integer"
        raise ValueError(f"unknown theorem {shown}: {name} must be one of {list(THEOREMS)}")
    return int(value)


def _real_values(value, name, ctx):
    """Real numbers as a float64 array; ±inf and NaN pass (they stand for "no β works")."""
    return _as_numeric_array(value, name).astype(np.float64, copy=False)


@checked(theorem=lambda v, n, c: _theorem_number(v, n), alpha=_real_values, beta=_real_values,
         gamma_L=lambda v, n, c: as_finite_float(v, n, low=0.0),
         c_sps=lambda v, n, c: as_finite_float(v, n, low=0.0, low_open=True))
def theorem_term(theorem: int, alpha, beta, *, gamma_L: float = 0.0, c_sps: float = 1.0):
    r"""The α, β-dependent factor of a theorem's neighbourhood term (MATHEMATICS.md §6),
    vectorised; ``+∞`` where the theorem's gap constraint or ``0 ≤ β < α`` fails.

    Thm 1, 4, 5, 6: ``β/(α − β)``; Thm 2: ``α/(2c(α − β) − 1)`` (needs ``α − β > 1/(2c)``);
    Thm 3: ``β/c₂``, ``c₂ = 2γL(α − β − 1) + α − β`` (needs ``α ≥ β + 1``); Thm 7: ``α/(α − β)``.

    >>> float(theorem_term(1, 5.0, 4.0)), float(theorem_term(3, 5.0, 4.5))
    (4.0, inf)
    """
    table = _theorems(float(gamma_L), float(c_sps))
    (p1, p2, p3), (r1, r2, r3), kappa, strict, _ = table[theorem]
    al, be = np.broadcast_arrays(np.asarray(alpha, float), np.asarray(beta, float))
    den = r1 * al + r2 * be + r3
    gap = al - be
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        val = (p1 * al + p2 * be + p3) / den
        ok = ((gap > kappa) if strict else (gap >= kappa)) & (den > 0) & (be >= 0) & (gap > 0)
    return np.where(ok & np.isfinite(val), val, np.inf)


@dataclass(frozen=True)
class BestPair:
    """The feasible pair minimising a theorem's neighbourhood term (``value`` is the term's
    α, β-dependent factor). ``attained`` is False when the infimum is only approached as α → ∞;
    then ``alpha``/``beta`` are a finite pair within 1e-6 (relative) of the infimum.

    ``verdict`` and ``method`` say how strong the pair is: a pair read off a sampled region is
    ``"not certified"`` (the region is an outer bound, the pair may fail); a pair from
    ``theory.certification.certified_best_pairs`` carries its certificate's verdict (``proved``
    by ``interval`` / ``symbolic``, or ``holds_on_samples`` by ``adversarial``) and ``domain``.
    """

    theorem: int
    alpha: float
    beta: float
    value: float
    attained: bool
    description: str
    verdict: str = NOT_CERTIFIED
    method: str = SAMPLED
    domain: dict | None = None

    def to_json(self) -> dict:
        def fin(v):
            return v if math.isfinite(v) else None

        return {
            "theorem": self.theorem,
            "alpha": fin(self.alpha),
            "beta": fin(self.beta),
            "value": fin(self.value),
            "attained": self.attained,
            "description": self.description,
            "verdict": self.verdict,
            "method": self.method,
            "domain": self.domain,
        }


@dataclass(frozen=True)
class FrontierBracket:
    r"""A certified bracket of the frontier, ``β_lo(α) ≤ β_min(α) ≤ β_hi(α)`` at each α
    (MATHEMATICS.md §2), as computed by ``theory.certification.certified_frontier``.

    Attributes
    ----------
    alphas, beta_lo, beta_hi : ndarray (k,)
        ``beta_lo``: a lower bound on the true β_min(α) (the sampled region's, rounded down by
        the evaluation error bound, raised by rigorous refutations); ``beta_hi``: the least β
        shown to work (NaN where none was).
    verdicts : tuple of str
        Per α: ``proved`` (β_hi by a rigorous method), ``holds_on_samples`` (β_hi from
        adversarial search, where no rigorous method applies), ``refuted`` (every β up to
        ``beta_lo`` refuted, none proved: α is below the true α_min or too close to it) or
        ``inconclusive``.
    method : str
        The method that decided β_hi (``interval``, ``symbolic`` or ``adversarial``).
    domain : dict
        The box, as ``Box.to_json()``.
    info : dict
        ``rtol``, ``calls``, ``alpha_min`` (a bracket ``[lo, hi]`` of the true α_min: lo from
        the sampled region and refutations, hi the least α with a certified β), …

    >>> b = FrontierBracket(np.array([1.0, 2.0]), np.array([0.5, 1.4]), np.array([0.6, 1.5]),
    ...                     ("proved", "proved"), "interval", None)
    >>> b.rows()
    [[1.0, 0.5, 0.6, 'proved'], [2.0, 1.4, 1.5, 'proved']]
    >>> float(b.upper(3.0)[0])   # diagonal monotonicity: (2, 1.5) proved ⇒ (3, 2.5) proved
    2.5
    """

    alphas: np.ndarray
    beta_lo: np.ndarray
    beta_hi: np.ndarray
    verdicts: tuple
    method: str
    domain: dict | None
    info: dict = field(default_factory=dict)

    @property
    def width(self) -> np.ndarray:
        """``β_hi − β_lo`` (NaN where no β was certified)."""
        return self.beta_hi - self.beta_lo

    def upper(self, alpha) -> tuple[np.ndarray, np.ndarray]:
        r"""``(β, verdict)``: the least β certified at each α from the rows at ``α_k ≤ α`` by
        diagonal monotonicity (``(α_k, β_k)`` works ⇒ ``(α, β_k + α − α_k)`` works, MATHEMATICS.md
        §2); ``(NaN, "")`` where no row below α has a certified β."""
        al = np.atleast_1d(np.asarray(alpha, dtype=np.float64))
        ok = np.isfinite(self.beta_hi)
        A, B = self.alphas[ok], self.beta_hi[ok]
        V = np.asarray(self.verdicts, dtype=object)[ok]
        cand = np.where(A[None, :] <= al[:, None], B[None, :] + (al[:, None] - A[None, :]), np.inf)
        k = np.argmin(cand, axis=1) if A.size else np.zeros(al.size, int)
        best = cand[np.arange(al.size), k] if A.size else np.full(al.size, np.inf)
        verdict = np.where(np.isfinite(best), V[k] if A.size else "", "").astype(str)
        best = np.where(np.isfinite(best), best, np.nan)
        if np.ndim(alpha) == 0:
            return best[0], verdict[0]
        return best.reshape(np.shape(alpha)), verdict.reshape(np.shape(alpha))

    def rows(self) -> list:
        """``[[α, β_lo, β_hi, verdict], …]`` (None for a missing β_hi)."""
        return [
            [float(a), float(lo), float(hi) if np.isfinite(hi) else None, v]
            for a, lo, hi, v in zip(self.alphas, self.beta_lo, self.beta_hi, self.verdicts)
        ]

    def to_json(self) -> dict:
        w = self.width
        gap = self.alphas - self.beta_hi
        ok = np.isfinite(w)
        return {
            "rows": self.rows(),
            "columns": ["alpha", "beta_lo", "beta_hi", "verdict"],
            "method": self.method,
            "domain": self.domain,
            "max_width": float(np.max(w[ok])) if ok.any() else None,
            "max_relative_width": float(np.max(w[ok] / gap[ok])) if ok.any() else None,
            "info": _json_safe(self.info),
        }


def _json_safe(v):
    if isinstance(v, dict):
        return {str(k): _json_safe(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_json_safe(x) for x in v]
    if isinstance(v, np.ndarray):
        return _json_safe(v.tolist())
    if isinstance(v, (float, np.floating)):
        return float(v) if np.isfinite(v) else None
    if isinstance(v, np.integer):
        return int(v)
    return v


# ---- argument kinds of the functions that take a region and its certificates (``@checked``) ---
def _region_kind(value, name, ctx):
    """A :class:`Region` (from ``region_map`` or ``Region.from_rows``)."""
    if not isinstance(value, Region):
        raise TypeError(f"{name} must be a theory.Region (from region_map or Region.from_rows), "
                        f"got {type(value).__name__}")
    return value


def _bracket_kind(value, name, ctx):
    """A :class:`FrontierBracket` (from ``theory.certification.certified_frontier``)."""
    if not isinstance(value, FrontierBracket):
        raise TypeError(f"{name} must be a FrontierBracket (from certified_frontier), got "
                        f"{type(value).__name__}")
    return value


def _best_pair_kind(value, name, ctx):
    """A :class:`BestPair`, or the dict with ``error`` that stands for a theorem without one."""
    if not isinstance(value, (BestPair, dict)):
        raise TypeError(f"{name} must be a BestPair or a dict with 'error' (as "
                        f"certified_best_pairs returns), got {type(value).__name__}")
    return value


def _pairs_kind(value, name, ctx):
    """``{theorem: BestPair or dict with 'error'}``, as ``certified_best_pairs`` returns."""
    if not isinstance(value, dict):
        raise TypeError(f"{name} must be a dict {{theorem: BestPair}} (from "
                        f"certified_best_pairs), got {type(value).__name__}")
    return {_theorem_number(k, f"a key of {name}"): _best_pair_kind(v, f"{name}[{k!r}]", ctx)
            for k, v in value.items()}


# ---- the region ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Region:
    r"""The exact feasible (α, β) set over a finite set of rows (see the module docstring).

    Over sample points of a domain this is the **sampled region (an outer bound: it contains the
    true region)**: ``beta_min`` and ``alpha_min`` are lower bounds on the true ones, and its
    pairs (``best_pair``) are ``"not certified"``. Certified numbers are attached with
    :meth:`with_certificates`.

    Attributes
    ----------
    envelope : PiecewiseLinear
        ``F(α) = max_x min_p max_i (α b − a)/c`` (+∞ where no β works).
    n_points, n_rows, n_tied : int
        Points, rows and points with tied projection candidates that built it.
    paper_claim : dict or None
        The paper's claimed pair/rule for the landscape (``theory.claims``), for comparison.
    bracket : FrontierBracket or None
        The certified bracket of the frontier, where computed.
    certified_pairs : dict or None
        ``{theorem: BestPair}`` with certificates, where computed (they replace the sampled
        best pairs in :meth:`to_json`).
    """

    envelope: PiecewiseLinear
    n_points: int = 0
    n_rows: int = 0
    n_tied: int = 0
    paper_claim: dict | None = None
    info: dict = field(default_factory=dict)
    bracket: FrontierBracket | None = None
    certified_pairs: dict | None = None

    # -- construction ----------------------------------------------------------------------------
    @classmethod
    def from_arrays(cls, a, b, c, mask=None, *, paper_claim=None) -> Region:
        r"""Region from rows of shape ``(..., m, n)`` with candidate mask ``(..., m)``.

        Without ``mask`` the arrays are ``(..., n)`` (one candidate per point) or flat (N,)
        (every row its own point; the same region). Rows scale freely: each is divided by
        ``max(|a|, |b|, |c|)`` first. ``c`` must be ≥ 0 (it is f_i(x) − f_i*); NaN/inf raise.
        """
        a, b, c = (_any_rows(v, k) for v, k in ((a, "a"), (b, "b"), (c, "c")))
        if not (a.shape == b.shape == c.shape):
            raise ValueError(f"a, b, c must have one shape, got {a.shape}, {b.shape}, {c.shape}")
        if mask is None:
            if a.ndim == 0:
                a, b, c = a[None], b[None], c[None]
            a, b, c = a[..., None, :], b[..., None, :], c[..., None, :]
            mask = np.ones(a.shape[:-1], dtype=bool)
        mask = np.asarray(mask, dtype=bool)
        if a.ndim < 2 or mask.shape != a.shape[:-1]:
            _check_rows(a, b, c)
            raise ValueError(f"mask must have shape {a.shape[:-1]}, got {mask.shape}")
        n, m = a.shape[-1], a.shape[-2]
        a, b, c = (v.reshape(-1, m, n) for v in (a, b, c))
        mask = mask.reshape(-1, m)
        k = mask.sum(axis=-1)
        first = np.argmax(mask, axis=-1)
        # Blocks of points: check, normalise (each row divided by max(|a|, |b|, c)) and reduce
        # the single-candidate rows to their hull rows, so that the temporaries are those of one
        # block; points with tied candidates (measure zero) are kept for exact PL min/max.
        acc = _Frontier()
        step = max(1, ROW_BLOCK // max(n * m, 1))
        for lo in range(0, a.shape[0], step):
            sl = slice(lo, lo + step)
            _check_rows(a[sl], b[sl], c[sl])
            one = np.flatnonzero(k[sl] == 1)
            if one.size == k[sl].size and m == 1:
                acc.add(*_normalised(a[sl, 0], b[sl, 0], c[sl, 0]))
            elif one.size:
                rows = (v[sl][one, first[sl][one]] for v in (a, b, c))
                acc.add(*_normalised(*rows))
        if np.any(k == 0):
            raise ValueError("every point needs at least one projection candidate")
        F = acc.result()
        tied = np.flatnonzero(k > 1)
        for p in tied:  # points with ties are rare (measure zero); each is a few small PL ops
            h = None
            for j in np.flatnonzero(mask[p]):
                hp = _candidate_frontier(*_normalised(a[p, j], b[p, j], c[p, j]))
                h = hp if h is None else combine(h, hp, np.minimum)
            F = combine(F, h, np.maximum)
        return cls(
            F,
            n_points=int(a.shape[0]),
            n_rows=int(np.sum(k) * n),
            n_tied=int(tied.size),
            paper_claim=paper_claim,
        )

    @classmethod
    def from_rows(cls, rows, *, paper_claim=None) -> Region:
        """Region from ``theory.conditions.Rows`` (``a, b, c (..., m, n)`` and ``mask``)."""
        if not all(hasattr(rows, k) for k in ("a", "b", "c", "mask")):
            raise TypeError(f"rows must be the Rows of theory.alpha_beta_rows, got "
                            f"{type(rows).__name__}")
        return cls.from_arrays(rows.a, rows.b, rows.c, rows.mask, paper_claim=paper_claim)

    def with_claim(self, paper_claim) -> Region:
        if paper_claim is not None and not isinstance(paper_claim, dict):
            raise TypeError(f"paper_claim must be a dict or None, got {type(paper_claim).__name__}")
        return replace(self, paper_claim=paper_claim, info=dict(self.info))

    @checked(bracket=_bracket_kind, pairs=_pairs_kind)
    def with_certificates(self, *, bracket: FrontierBracket | None = None,
                          pairs: dict | None = None) -> Region:
        """The same region with a certified frontier bracket and/or certified best pairs
        (``{theorem: BestPair}``, as ``theory.certification.certified_best_pairs`` returns)."""
        return replace(
            self,
            info=dict(self.info),
            bracket=self.bracket if bracket is None else bracket,
            certified_pairs=self.certified_pairs if pairs is None else dict(pairs),
        )

    # -- queries ---------------------------------------------------------------------------------
    @property
    def frontier(self) -> PiecewiseLinear:
        """``β_min(α) = max(F(α), 0)`` as a PL function."""
        return combine(self.envelope, PiecewiseLinear.constant(0.0), np.maximum)

    @checked(alpha="reals")
    def beta_min(self, alpha) -> np.ndarray:
        r"""The least admissible β for each α: ``max(F(α), 0)`` (vectorised; +∞ if none).

        The pair ``(α, β_min(α))`` is feasible iff ``β_min(α) < α``.
        """
        return np.maximum(self.envelope(alpha), 0.0)

    @checked(alpha="reals", beta="reals", rtol=lambda v, n, c: as_finite_float(v, n, low=0.0))
    def contains(self, alpha, beta, *, rtol: float = 0.0) -> np.ndarray:
        """``β ≥ β_min(α)`` and ``0 ≤ β < α`` (vectorised, broadcasting).

        ``rtol`` admits ``β ≥ β_min(α) − rtol·max(1, α)``: rows are computed in floating point,
        so a pair that holds exactly (e.g. (1, 0) for convex f_i, where ``a − b`` is a rounded
        0) can sit a few ulps outside; ``claim_inside`` uses 1e-9.
        """
        alpha, beta = np.broadcast_arrays(np.asarray(alpha, float), np.asarray(beta, float))
        ok = np.isfinite(alpha) & np.isfinite(beta) & (beta >= 0) & (beta < alpha)
        slack = float(rtol) * np.maximum(1.0, np.abs(alpha))
        return ok & (beta + slack >= self.envelope(alpha))

    def _first_below(self, kappa: float, strict: bool, ratio: float = 1.0) -> float:
        """``inf{α : β_min(α) ≤ ratio·α − κ}`` (``<`` when strict), exactly, piece by piece."""
        G = self.frontier
        left = np.r_[-np.inf, G.xs]
        right = np.r_[G.xs, np.inf]
        s, q = G.s, G.q
        fin = np.isfinite(q)
        # on a piece: (s − ratio) α + q + κ < 0  (or ≤)
        d = s - ratio
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # ±inf: beyond float64
            t = -(q + kappa) / d
        inf_piece = np.full(s.shape, np.inf)
        flat = fin & (d == 0)
        cond_flat = (q + kappa < 0) if strict else (q + kappa <= 0)
        inf_piece = np.where(flat & cond_flat, left, inf_piece)
        dec = fin & (d < 0)  # holds for α > t (α ≥ t if not strict)
        lo = np.maximum(left, t)
        ok_dec = dec & ((lo < right) | (~strict & (lo <= right)))
        inf_piece = np.where(ok_dec, lo, inf_piece)
        inc = fin & (d > 0)  # holds for α < t
        ok_inc = inc & ((left < t) | (~strict & (left <= t)))
        inf_piece = np.where(ok_inc, left, inf_piece)
        # breakpoint values (lsc: the value at a breakpoint may be below both open pieces)
        if G.xs.size:
            gv = G(G.xs)
            hit = (gv < ratio * G.xs - kappa) if strict else (gv <= ratio * G.xs - kappa)
            if np.any(hit):
                inf_piece = np.r_[inf_piece, G.xs[hit]]
        return float(np.min(inf_piece))

    @property
    def alpha_min(self) -> float:
        r"""``inf{α : β_min(α) < α}``: the smallest α admitting some β (+∞ if none)."""
        return self._first_below(0.0, strict=True)

    def alpha_for_gap(self, gap: float) -> float:
        r"""``inf{α : β_min(α) ≤ α − gap}``: the smallest α on the paper's lines ``β = α − gap``
        (Examples 2, 3, 6 state their claims with ``α − β`` fixed); +∞ if there is none."""
        gap = as_finite_float(gap, "gap", low=0.0, low_open=True)
        return self._first_below(gap, strict=False)

    def alpha_for_ratio(self, ratio: float) -> float:
        r"""``inf{α > 0 : β_min(α) ≤ ratio·α}``: the smallest α on the ray ``β = ratio·α``
        (Example 1's family ``β = 4α/5``); +∞ if there is none. ``0 < ratio < 1``."""
        ratio = as_finite_float(ratio, "ratio", low=0.0, high=1.0, low_open=True, high_open=True)
        return max(self._first_below(0.0, strict=False, ratio=ratio), 0.0)

    @property
    def empty(self) -> bool:
        return not np.isfinite(self.alpha_min)

    def vertices(self) -> np.ndarray:
        """Vertices ``(k, 2)`` of the frontier ``β = β_min(α)`` for α ≥ alpha_min, starting at
        ``(alpha_min, β_min(alpha_min))``; the last piece continues with slope ``asymptote``."""
        a0 = self.alpha_min
        if not np.isfinite(a0):
            return np.empty((0, 2))
        G = self.frontier
        xs = G.xs[G.xs > a0]
        al = np.r_[a0, xs]
        return np.stack([al, self.beta_min(al)], axis=-1)

    @property
    def asymptote(self) -> tuple[float, float]:
        """``(slope, intercept)`` of the frontier's last piece (α → ∞)."""
        G = self.frontier
        return float(G.s[-1]), float(G.q[-1])

    def default_alpha_max(self) -> float:
        """``max(10·alpha_min, alpha_min + 1, 2·α_paper)``: the frontier shown reaches twice the
        paper's α where the paper gives one (41.37 for Example 6, 1512 for Example 3)."""
        a0 = self.alpha_min
        hi = max(10.0 * a0, a0 + 1.0)
        claim = self.paper_claim or {}
        if claim.get("alpha") is not None and math.isfinite(claim["alpha"]):
            hi = max(hi, 2.0 * float(claim["alpha"]))
        return hi

    @checked(alpha_max=lambda v, n, c: as_finite_float(v, n, low=0.0, low_open=True),
             num=lambda v, n, c: as_int(v, n, low=1, high=1_000_000))
    def frontier_points(self, alpha_max: float | None = None, num: int = 64) -> np.ndarray:
        r"""``[[α, β_min(α)], …]`` from alpha_min to ``alpha_max`` (default
        :meth:`default_alpha_max`): every vertex in range plus ``num`` geometrically spaced α."""
        a0 = self.alpha_min
        if not np.isfinite(a0):
            return np.empty((0, 2))
        hi = self.default_alpha_max() if alpha_max is None else float(alpha_max)
        v = self.vertices()
        v = v[v[:, 0] <= hi]
        lo = max(a0, 1e-12)
        with np.errstate(over="ignore"):  # hi near the float64 limit: numpy's power overflows
            grid = np.minimum(np.geomspace(lo, hi, num), hi) if hi > lo else np.array([lo])
        al = np.unique(np.r_[v[:, 0], grid, hi])
        return np.stack([al, self.beta_min(al)], axis=-1)

    @checked(gamma_L=lambda v, n, c: as_finite_float(v, n, low=0.0),
             c_sps=lambda v, n, c: as_finite_float(v, n, low=0.0, low_open=True))
    def best_pair(self, theorem: int = 1, *, gamma_L: float = 0.0, c_sps: float = 1.0) -> BestPair:
        r"""The feasible pair minimising a theorem's neighbourhood term (MATHEMATICS.md §6).

        The term is a ratio of affine functions of (α, β), increasing in β, so the best β for each
        α is β_min(α); along a frontier piece the ratio is linear-fractional in α hence monotone,
        and the minimum sits at a vertex, at the start of the theorem's gap constraint, or is
        approached as α → ∞. Terms (``value`` is the factor shown):

        - Thm 1, 4, 5, 6: ``β/(α − β)`` (the ``2βσ²/(α−β)`` neighbourhood; α > β);
        - Thm 2: ``α / (2c(α − β) − 1)`` (``2αc₁γ_bσ²`` with c₁ ∝ 1/(2(α−β)c − 1); needs
          ``α − β > 1/(2c)``; ``c_sps`` = SPS's c);
        - Thm 3: ``β / c₂``, ``c₂ = 2γL(α − β − 1) + α − β`` (needs ``α ≥ β + 1``; ``gamma_L`` = γL,
          default 0, the small-step limit);
        - Thm 7: ``α/(α − β)`` (its neighbourhood scales with α, not β).
        """
        table = _theorems(float(gamma_L), float(c_sps))
        if isinstance(theorem, bool) or not isinstance(theorem, (int, np.integer)) or (
            int(theorem) not in table
        ):
            shown = repr(theorem) if isinstance(theorem, (int, str)) and len(repr(theorem)) < 40 \
                else f"of type {type(theorem).__name__}"
            raise ValueError(f"unknown theorem {shown}; known: {sorted(table)}")
        (p1, p2, p3), (r1, r2, r3), kappa, strict, desc = table[theorem]
        a_start = self._first_below(kappa, strict)
        if not np.isfinite(a_start):
            raise ValueError(f"no feasible pair with α − β {'>' if strict else '≥'} {kappa:g}")
        G = self.frontier

        def ratio(al):
            be = self.beta_min(al)
            return theorem_term(theorem, al, be, gamma_L=gamma_L, c_sps=c_sps), be

        cands = np.r_[a_start, G.xs[G.xs > a_start]]
        # pieces where the gap constraint starts holding inside a piece (non-monotone F − α)
        s, q = G.s, G.q
        with np.errstate(divide="ignore", invalid="ignore"):
            t = -(q + kappa) / (s - 1.0)
        t = t[np.isfinite(t) & (t > a_start)]
        cands = np.unique(np.r_[cands, t, np.nextafter(cands, np.inf)])
        vals, betas = ratio(cands)
        # ties (e.g. β_min = 0 on an interval): the largest α, which also allows the largest
        # step sizes (γ ≤ (α − β)/(2L) in Theorem 1)
        vmin = np.min(vals)
        k = int(np.flatnonzero(vals <= vmin + 1e-12 * abs(vmin))[-1])
        best_v, best_a, best_b, attained = float(vals[k]), float(cands[k]), float(betas[k]), True
        # α → ∞ along the last piece
        sl, ql = float(s[-1]), float(q[-1])
        if np.isfinite(ql) and (sl < 1 or (sl == 1 and ql + kappa < 0)):
            ns, ds = p1 + p2 * sl, r1 + r2 * sl
            if ds > 0:
                lim = ns / ds
                if not np.isfinite(best_v) or lim < best_v - 1e-15 * abs(best_v):
                    # a finite α within 1e-6 of the limit
                    al = max(cands.max(), 1.0) * 2.0
                    for _ in range(200):
                        v, b_ = ratio(np.array([al]))
                        if abs(v[0] - lim) <= 1e-6 * max(abs(lim), 1e-300) or v[0] <= lim:
                            break
                        al *= 4.0
                    best_v, best_a, best_b, attained = lim, float(al), float(b_[0]), False
        return BestPair(theorem, best_a, best_b, best_v, attained, desc)

    def claim_inside(self) -> bool | None:
        """Whether the paper's claimed pair lies in the region (None without a claim)."""
        if not self.paper_claim or self.paper_claim.get("alpha") is None:
            return None
        return bool(self.contains(self.paper_claim["alpha"], self.paper_claim["beta"], rtol=1e-9))

    @checked(alpha_max=lambda v, n, c: as_finite_float(v, n, low=0.0, low_open=True))
    def to_json(self, alpha_max: float | None = None) -> dict:
        """The region as JSON: the sampled frontier (from alpha_min to
        :meth:`default_alpha_max`), its vertices and asymptote, the paper's claim, the certified
        bracket (``certified_frontier``: ``[α, β_lo, β_hi, verdict]`` rows, or None) and the best
        pair per theorem with its ``verdict`` and ``method`` (certified where
        :meth:`with_certificates` attached them, else ``"not certified"``)."""
        a0 = self.alpha_min
        out = {
            "kind": SAMPLED,
            "alpha_min": a0 if math.isfinite(a0) else None,
            "beta_at_alpha_min": float(self.beta_min(a0)) if math.isfinite(a0) else None,
            "frontier": _json_pairs(self.frontier_points(alpha_max)),
            "vertices": _json_pairs(self.vertices()),
            "asymptote": ([v if math.isfinite(v) else None for v in self.asymptote]
                          if math.isfinite(a0) else None),
            "n_points": self.n_points,
            "n_rows": self.n_rows,
            "n_tied": self.n_tied,
            "paper_claim": self.paper_claim,
            "paper_claim_inside": self.claim_inside(),
            "certified_frontier": None if self.bracket is None else self.bracket.rows(),
            "certified_frontier_info": (None if self.bracket is None
                                        else {k: v for k, v in self.bracket.to_json().items()
                                              if k != "rows"}),
        }
        best = {}
        if self.certified_pairs is not None:
            for th, bp in sorted(self.certified_pairs.items()):
                best[str(th)] = bp.to_json() if isinstance(bp, BestPair) else dict(bp)
        elif math.isfinite(a0):
            for th in (1, 3, 7):
                try:
                    best[str(th)] = self.best_pair(th).to_json()
                except ValueError as exc:
                    best[str(th)] = {"error": str(exc), "verdict": NOT_CERTIFIED,
                                     "method": SAMPLED}
        out["best_pairs"] = best
        return out


def _json_pairs(arr: np.ndarray) -> list:
    """``[[α, β], …]`` with non-finite values as None (JSON has no inf)."""
    return [[float(v) if np.isfinite(v) else None for v in row] for row in np.asarray(arr)]
