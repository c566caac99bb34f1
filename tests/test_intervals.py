"""``toylands._intervals``: the enclosures of sin, cos, tan, sinh, cosh, tanh, atan and |x|
contain the exact value (mpmath, 60 digits) and the float value at sampled points of every box
(wide, tiny, degenerate, straddling extremes and poles, at 1e15), shrink with the box, and the
containment check is shown to catch an enclosure that forgets the extremes of sin or a pole of
tan. (The interval *method* of ``theory.certification`` is tested in ``test_interval.py``.)"""

from __future__ import annotations

import functools

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import example, given
from hypothesis import strategies as st

import toylands._intervals as ti
from toylands._intervals import compile_intervals, unsupported_functions

X, Y = sp.symbols("x y", real=True)
# name: (sympy function, numpy function, mpmath function)
FUNCS = {
    "sin": (sp.sin, np.sin, mpmath.sin),
    "cos": (sp.cos, np.cos, mpmath.cos),
    "tan": (sp.tan, np.tan, mpmath.tan),
    "sinh": (sp.sinh, np.sinh, mpmath.sinh),
    "cosh": (sp.cosh, np.cosh, mpmath.cosh),
    "tanh": (sp.tanh, np.tanh, mpmath.tanh),
    "atan": (sp.atan, np.arctan, mpmath.atan),
    "Abs": (sp.Abs, np.abs, abs),
}
T_SAMPLES = np.array([0.0, 1.0, 0.5, 0.25, 0.75, 0.1, 0.9, 0.01, 0.99, 0.5 + 1e-9])
MP_SAMPLES = 3  # of the points above, the first few are also evaluated in 60-digit mpmath


@functools.cache
def _compiled(name):
    return compile_intervals([FUNCS[name][0](X)], (X,))


def _enclose(name, lo, hi):
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    return _compiled(name)(lo[:, None], hi[:, None])[0]


def _check_contains(name, lo, hi, mp_samples=MP_SAMPLES):
    """Assert that the enclosure of ``name`` over each box ``[lo_k, hi_k]`` contains the float
    value at the sampled points of the box and the 60-digit value at the first few."""
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    enc = _enclose(name, lo, hi)
    _, fnp, fmp = FUNCS[name]
    pts = np.clip(lo[:, None] + T_SAMPLES * (hi - lo)[:, None], lo[:, None], hi[:, None])
    with np.errstate(all="ignore"):
        vals = fnp(pts)
    ok = (enc.lo[:, None] <= vals) & (vals <= enc.hi[:, None])
    assert ok.all(), (name, [(lo[k], hi[k], enc.lo[k], enc.hi[k], vals[k][~ok[k]])
                             for k in np.flatnonzero(~ok.all(axis=1))][:3])
    with mpmath.workdps(60):
        for k in range(len(lo)):
            for x in pts[k, :mp_samples]:
                v = fmp(mpmath.mpf(float(x)))
                assert mpmath.mpf(enc.lo[k]) <= v <= mpmath.mpf(enc.hi[k]), (name, lo[k], hi[k],
                                                                             x, v)
    return enc


# ---- boxes ---------------------------------------------------------------------------------
def _near_multiple_of_half_pi(k, eps):
    """A double near kπ/2 (an extreme of sin or cos, a zero, or a pole of tan)."""
    with mpmath.workdps(40):
        return float(k * mpmath.pi / 2) + eps


CENTRES = st.one_of(
    st.floats(-10, 10),
    st.builds(_near_multiple_of_half_pi, st.integers(-40, 40),
              st.sampled_from([0.0, 1e-15, -1e-15, 1e-9, -1e-9, 1e-3, -1e-3])),
    st.floats(-1e15, 1e15),
    st.sampled_from([1e15, -1e15, 2.0**30, 7e12, 1e300, 710.0, -710.0]),
)
WIDTHS = st.one_of(st.just(0.0), st.floats(0, 1e-12), st.floats(0, 1.0), st.floats(0, 20.0))
BOXES = st.lists(st.tuples(CENTRES, WIDTHS), min_size=1, max_size=24).map(
    lambda cw: (np.array([c - w / 2 for c, w in cw]), np.array([c + w / 2 for c, w in cw])))
STRADDLING = ((np.array([1.5, 4.6, -1.6, 1.5, -4.8, 3.1, 7.8]),
               np.array([1.6, 4.8, -1.5, 1.6 + 2e-16, -4.6, 3.2, 7.9])),)


@pytest.mark.parametrize("name", sorted(FUNCS))
@given(box=BOXES)
@example(box=STRADDLING[0])  # π/2, 3π/2, −π/2, −3π/2 (extremes of sin, poles of tan), π, 5π/2
def test_enclosures_contain_float_and_exact_values(name, box):
    _check_contains(name, *box)


def _lipschitz(name, lo, hi):
    """A bound of |f'| over [lo, hi] (tan: a box without a pole)."""
    mag = np.maximum(np.abs(lo), np.abs(hi))
    with np.errstate(over="ignore"):
        return {"sinh": np.cosh(mag), "cosh": np.cosh(mag),
                "tan": 1 + np.maximum(np.tan(lo) ** 2, np.tan(hi) ** 2)}.get(name, np.ones_like(lo))


def _pole_distance(x):
    """Distance of x from the nearest pole π/2 + kπ of tan (60 digits)."""
    with mpmath.workdps(60):
        t = (mpmath.mpf(float(x)) - mpmath.pi / 2) / mpmath.pi
        return float(abs(t - mpmath.nint(t)) * mpmath.pi)


@pytest.mark.parametrize("name", sorted(FUNCS))
@given(box=BOXES)
def test_enclosures_shrink_with_the_box(name, box):
    lo, hi = box
    keep = np.maximum(np.abs(lo), np.abs(hi)) < 700  # no overflow of sinh and cosh
    if name == "tan":
        dist = np.array([min(_pole_distance(a), _pole_distance(b)) for a, b in zip(lo, hi)])
        keep &= (dist > 1e-12 * (np.abs(lo) + 4)) & (hi - lo < 1.0)
        keep &= np.array([_pole_distance(0.5 * a + 0.5 * b) > 0.5 * (b - a)
                          for a, b in zip(lo, hi)])
    lo, hi = lo[keep], hi[keep]
    if not len(lo):
        return
    enc = _enclose(name, lo, hi)
    assert np.all(np.isfinite(enc.lo) & np.isfinite(enc.hi)), name
    # the range of f over the box is at most |f'|·width, plus the rounding of the end points
    # and of the range reduction
    vmax = np.maximum(np.abs(enc.lo), np.abs(enc.hi))
    slack = 2.0**-38 * (1 + vmax) + 1e-290
    assert np.all(enc.hi - enc.lo <= _lipschitz(name, lo, hi) * (hi - lo) * (1 + 1e-9) + slack)


def test_tiny_boxes_are_tight_and_wide_boxes_are_the_range():
    c = np.array([0.3, 1.0, -2.0, 1e3, 1e6, 1e15])
    for name in ("sin", "cos", "tan", "tanh", "atan", "sinh", "cosh", "Abs"):
        enc = _check_contains(name, c, c)
        with np.errstate(over="ignore"):
            v = FUNCS[name][1](c)
        assert np.all(enc.hi - enc.lo <= 2.0**-38 * np.abs(v) + 1e-290), name
    for name in ("sin", "cos"):
        enc = _enclose(name, np.array([0.0, -1e9, 3.0]), np.array([6.3, 1e9, 3.0 + 2 * np.pi]))
        assert enc.lo.tolist() == [-1.0] * 3 and enc.hi.tolist() == [1.0] * 3
    tan = _enclose("tan", np.array([1.0, 1.0, -np.inf]), np.array([1.5, 4.2, 0.0]))
    assert np.isfinite(tan.hi[0]) and tan.lo[1:].tolist() == [-np.inf] * 2
    assert tan.hi[1:].tolist() == [np.inf] * 2


def test_extremes_and_poles_near_1e15_are_found():
    # the 1150-bit reduction of huge arguments: boxes of width 0.5 around an extreme or a pole
    # near 1e15, where the double reduction (and its margin) cannot tell
    with mpmath.workdps(60):
        k = int(mpmath.nint(mpmath.mpf(10) ** 15 / (2 * mpmath.pi)))
        top = (2 * k + mpmath.mpf(1) / 2) * mpmath.pi  # sin = 1, tan has a pole
        bottom = (2 * k + 1) * mpmath.pi  # cos = −1
        away = 2 * k * mpmath.pi + mpmath.mpf(0.8)  # sin ≈ 0.72, no extreme or pole nearby
    for c, name, which in ((top, "sin", "hi"), (bottom, "cos", "lo")):
        lo, hi = np.array([float(c) - 0.25]), np.array([float(c) + 0.25])
        enc = _check_contains(name, lo, hi)
        assert getattr(enc, which)[0] == (1.0 if which == "hi" else -1.0)
        assert enc.hi[0] - enc.lo[0] < 0.06  # the double c is within 1/16 of the extreme
    lo, hi = np.array([float(top) - 0.25]), np.array([float(top) + 0.25])
    assert _enclose("tan", lo, hi).lo[0] == -np.inf
    lo, hi = np.array([float(away) - 0.25]), np.array([float(away) + 0.25])
    enc = _check_contains("sin", lo, hi)
    assert enc.hi[0] < 0.95 and enc.lo[0] > 0.4
    assert np.isfinite(_check_contains("tan", lo, hi).hi[0])


def _bracket(c):
    """The doubles just below and just above the real number c (mpmath)."""
    f = float(c)
    return (f, float(np.nextafter(f, np.inf))) if f < c else (float(np.nextafter(f, -np.inf)), f)


@pytest.mark.parametrize("name, s, p, which", [
    ("sin", 0.5, 2, "hi"), ("sin", -0.5, 2, "lo"), ("cos", 0, 2, "hi"), ("cos", 1, 2, "lo"),
    ("tan", 0.5, 1, "pole"),
])
def test_one_ulp_boxes_around_extremes_and_poles_hold_them(name, s, p, which, rng):
    # [below, above] holds the critical point (s + k·p)·π exactly; the reduction in doubles is
    # off by more than that ulp for |k| ≳ 1e4, so only its margin (or the exact reduction beyond
    # 2^20) keeps the extreme: a reduction without the margin fails here.
    ks = np.concatenate([np.arange(-50, 50), rng.integers(-2**20 // 6, 2**20 // 6, 400),
                         rng.integers(-10**14, 10**14, 20)])
    with mpmath.workdps(60):
        lo, hi = np.array([_bracket((s + int(k) * p) * mpmath.pi) for k in ks]).T
    enc = _enclose(name, lo, hi)
    if which == "pole":
        assert np.all(enc.lo == -np.inf) and np.all(enc.hi == np.inf)
    else:
        assert np.all(getattr(enc, which) == (1.0 if which == "hi" else -1.0))


# ---- the check catches a mutant ------------------------------------------------------------
def _never(a, b, s, p):
    return np.zeros(np.broadcast(a, b).shape, dtype=bool)


def test_the_containment_check_catches_a_sin_that_forgets_its_extremes(monkeypatch):
    # Mutant: the range reduction never finds an extreme or a pole. The box [1.5, 1.6] holds
    # π/2, where sin = 1 > max(sin 1.5, sin 1.6), and a pole of tan: the check must fail on it,
    # so the property test above (whose examples include this box) would catch the mutant.
    lo, hi = np.array([1.5]), np.array([1.6])
    for name in ("sin", "cos", "tan"):
        _check_contains(name, lo, hi)
    monkeypatch.setattr(ti, "_hits", _never)
    for name in ("sin", "tan"):
        with pytest.raises(AssertionError):
            _check_contains(name, lo, hi)
    with pytest.raises(AssertionError):  # cos: its minimum −1 at π
        _check_contains("cos", np.array([3.1]), np.array([3.2]))


# ---- expressions ---------------------------------------------------------------------------
@pytest.mark.parametrize("expr", [
    sp.sin(X) ** 2 + sp.tanh(X * Y) - sp.cos(X) / (2 + sp.sin(Y)),
    sp.atan(Y) * sp.cosh(X / 3) - sp.sinh(X - Y) ** 3,
    sp.tan(X / 4) + sp.Abs(sp.sin(3 * X)) * sp.cos(sp.pi * Y),
    sp.Min(X, sp.sin(Y)) + sp.Max(X**2, Y, 1) - sp.sin(1) * sp.cos(10**10),
    1 / (1 + sp.exp(-sp.tanh(X) * Y)),
])
def test_expression_enclosures_contain_exact_values(expr, rng):
    fn = compile_intervals([expr], (X, Y))
    f_np = sp.lambdify((X, Y), expr, "numpy")
    f_mp = sp.lambdify((X, Y), expr, "mpmath")
    lo = rng.uniform(-3, 3, size=(300, 2))
    hi = lo + rng.uniform(0, 1, size=lo.shape) ** 3
    enc = fn(lo, hi)[0]
    pts = lo[:, None, :] + rng.random((300, 8, 2)) * (hi - lo)[:, None, :]
    vals = f_np(pts[..., 0], pts[..., 1])
    assert np.all(enc.lo[:, None] <= vals) and np.all(vals <= enc.hi[:, None])
    with mpmath.workdps(60):
        for k in range(0, 300, 10):
            v = f_mp(mpmath.mpf(float(pts[k, 0, 0])), mpmath.mpf(float(pts[k, 0, 1])))
            assert mpmath.mpf(enc.lo[k]) <= v <= mpmath.mpf(enc.hi[k])
    point = fn(lo, lo)[0]  # degenerate boxes: nearly tight
    v = f_np(lo[:, 0], lo[:, 1])
    assert np.all(point.lo <= v) and np.all(v <= point.hi)
    assert np.all(point.hi - point.lo <= 1e-9 * (1 + np.abs(v)))


def test_min_max_abs_are_exact():
    fn = compile_intervals([sp.Min(X, Y), sp.Max(X, Y, 0), sp.Abs(X)], (X, Y))
    mn, mx, ab = fn(np.array([[-1.0, 0.5], [2.0, -3.0]]), np.array([[1.0, 0.75], [3.0, -2.0]]))
    assert mn.lo.tolist() == [-1.0, -3.0] and mn.hi.tolist() == [0.75, -2.0]
    assert mx.lo.tolist() == [0.5, 2.0] and mx.hi.tolist() == [1.0, 3.0]
    assert ab.lo.tolist() == [0.0, 2.0] and ab.hi.tolist() == [1.0, 3.0]


def test_unsupported_functions_are_named():
    assert unsupported_functions([sp.sin(X) * sp.tanh(Y) + sp.Min(X, Y) + sp.Abs(X)]) == []
    assert unsupported_functions([sp.erf(X) + sp.asin(Y), X**Y]) == [
        "Pow with a non-rational exponent", "asin", "erf"]
    with pytest.raises(NotImplementedError, match="cannot enclose asin.*supports.*tanh"):
        compile_intervals([sp.asin(X)], (X,))


# ---- one step outwards: at or beyond nextafter, never more than two ulps ---------------------
_TINY_SUB = 5e-324
_EDGES = [0.0, -0.0, _TINY_SUB, -_TINY_SUB, 2.0**-1022, -(2.0**-1022), 2.0**-1022 - _TINY_SUB,
          1.0, -1.0, 2.0, np.nextafter(2.0, 0.0), 0.1, -0.1, 2.0**-970, 1e300, -1e300,
          np.finfo(float).max, -np.finfo(float).max, np.inf, -np.inf]


@np.errstate(over="ignore")  # nextafter(±MAX) overflows to ±inf, as it should
def _check_outward(v):
    v = np.asarray(v, dtype=np.float64)
    down, up = ti.round_down(v), ti.round_up(v)
    assert np.all(down <= np.nextafter(v, -np.inf))
    assert np.all(up >= np.nextafter(v, np.inf))
    fin = np.isfinite(v) & (np.abs(v) < np.finfo(float).max)
    two_dn = np.nextafter(np.nextafter(v[fin], -np.inf), -np.inf)
    two_up = np.nextafter(np.nextafter(v[fin], np.inf), np.inf)
    assert np.all(down[fin] >= two_dn - 2.0**-1022)  # two ulps, and 2^-1022 near 0
    assert np.all(up[fin] <= two_up + 2.0**-1022)


def test_outward_rounding_edges():
    _check_outward(np.array(_EDGES))
    _check_outward(np.tile(_EDGES, 64))  # the vectorised path (small arrays use nextafter)
    assert ti.round_down(np.inf) == np.finfo(float).max  # as nextafter: never NaN
    assert ti.round_up(-np.inf) == -np.finfo(float).max
    assert np.isnan(ti.round_down(np.nan)) and np.isnan(ti.round_up(np.nan))


@given(st.floats(allow_nan=False, allow_infinity=True, allow_subnormal=True))
@example(2.0**-1074)
@example(-(2.0**-1022))
@example(2.0**53)
@example(float(np.finfo(float).max))
def test_outward_rounding_is_at_or_beyond_nextafter(v):
    _check_outward(np.full(1024, v))
