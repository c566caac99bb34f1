"""Tests of theory.certification.interval: ``arithmetic`` (outward rounding) and the
branch-and-bound proofs.

Spec §4's check values on their boxes: every "holds" pair is ``proved`` and every "fails" pair
``refuted`` by the interval method; enclosures contain sampled true values; a failing pair is
never proved.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

import toylands
from theory.certification.interval import certify_interval, supports_interval
from theory.certification.interval.arithmetic import Interval, from_mpi
from theory.certification.interval.kernels import _RadialKernel, _ValleyKernel
from toylands import Box


def _c2(L):
    return L.c_min


# ---- check values of MATHEMATICS.md §4 -----------------------------------------------------------
HOLDS = [
    ("example1", 2.5, 2.0, 50.0),
    ("example1", 2.5, 2.4, 50.0),
    ("example1", 5.0, 4.0, 50.0),
    ("example1", 10.0, 8.0, 50.0),
    ("example2", "8/c", "8/c-8", 6.0),
    ("example3", 1513.0, 1512.0, 20.0),
    ("example6", 41.37, 40.37, 20.0),
]
FAILS = [
    ("example1", 5.0, 3.9, 50.0),
    ("example1", 10.0, 7.0, 50.0),
    ("example2", 1e6, 1e6 - 8, 6.0),
    ("example2", 1e5, 1e5 - 8, 6.0),
    ("example3", 200.0, 199.0, 20.0),
    ("example3", 50.0, 49.0, 20.0),
    ("example6", 20.0, 19.0, 20.0),
    ("example6", 5.0, 4.0, 20.0),
    ("example6", 41.37, 0.0, 20.0),
]


def _constants(L, a, b):
    if a == "8/c":
        a = 8.0 / L.c_min
        b = a - 8.0
    return float(a), float(b)


@pytest.mark.parametrize("name, a, b, R", HOLDS)
def test_check_values_hold_are_proved(name, a, b, R):
    L = toylands.get(name)
    a, b = _constants(L, a, b)
    cert = certify_interval(L, a, b, domain=Box.cube(-R, R, 2), budget={"seconds": 60})
    assert cert.verdict == "proved", cert.reason
    assert cert.method == "interval"
    assert cert.budget["boxes"] >= 1 and cert.budget["seconds"] < 60
    assert cert.details["certified_lower_bound"] >= 0
    assert cert.min_slack >= cert.details["certified_lower_bound"]


@pytest.mark.parametrize("name, a, b, R", FAILS)
def test_check_values_fail_are_refuted(name, a, b, R):
    L = toylands.get(name)
    box = Box.cube(-R, R, 2)
    cert = certify_interval(L, a, b, domain=box, budget={"seconds": 60})
    assert cert.verdict == "refuted"
    x = np.asarray(cert.worst_point)
    assert box.contains(x)
    # The counterexample is a real one: the float slack there is clearly negative too.
    pts, mask = L.minimizers.candidates(x)
    slacks = []
    for j in np.flatnonzero(mask):
        p = pts[j]
        T = L.directional(x, x - p) - a * (L.losses(x) - L.losses(p)) + b * (
            L.losses(x) - L.f_i_star
        )
        slacks.append(T.min())
    assert max(slacks) < 0


def test_example2_slack_at_infinity_is_decided_exactly():
    # At α = 8/c the slack tends to C_1 = α c − 8 ≈ 2e−12 at infinity: the proof must see it.
    L = toylands.get("example2")
    a = 8.0 / L.c_min
    cert = certify_interval(L, a, a - 8.0)
    assert cert.verdict == "proved"
    assert 0 <= cert.details["certified_lower_bound"] < 1e-10


# ---- soundness -------------------------------------------------------------------------------
def _exact(op, *xs):
    with mpmath.workdps(60):
        v = [mpmath.mpf(float(x)) for x in xs]
        return {
            "add": lambda: v[0] + v[1],
            "sub": lambda: v[0] - v[1],
            "mul": lambda: v[0] * v[1],
            "div": lambda: v[0] / v[1],
            "sqr": lambda: v[0] ** 2,
            "exp": lambda: mpmath.exp(v[0]),
        }[op]()


@pytest.mark.parametrize("op", ["add", "sub", "mul", "div", "sqr", "exp"])
def test_interval_operations_contain_exact_results(op, rng):
    n = 400
    scale = 10.0 ** rng.integers(-8, 3, size=(2, n))
    lo = rng.normal(size=(2, n)) * scale
    hi = lo + rng.random((2, n)) * scale
    if op == "div":
        lo[1], hi[1] = np.abs(lo[1]) + 1e-3, np.abs(lo[1]) + 1e-3 + np.abs(hi[1] - lo[1])
    if op == "exp":
        lo[0], hi[0] = np.clip(lo[0], -700, 700), np.clip(hi[0], -700, 700)
    X, Y = Interval(lo[0], hi[0]), Interval(lo[1], hi[1])
    res = {
        "add": lambda: X + Y,
        "sub": lambda: X - Y,
        "mul": lambda: X * Y,
        "div": lambda: X / Y,
        "sqr": lambda: X.sqr(),
        "exp": lambda: X.exp(),
    }[op]()
    t = rng.random((2, n))
    t[:, :20] = 0.0  # the end points themselves
    t[:, 20:40] = 1.0
    x = lo + t * (hi - lo)
    x = np.clip(x, lo, hi)
    for k in range(n):
        e = _exact(op, x[0, k], x[1, k])
        assert mpmath.mpf(res.lo[k]) <= e <= mpmath.mpf(res.hi[k]), (op, k)


def test_interval_division_by_zero_raises():
    with pytest.raises(ZeroDivisionError):
        Interval(1.0) / Interval(-1.0, 1.0)


def test_iv_functions_of_the_sympy_kernel_enclose_the_point_values(rng):
    # the Krawczyk step evaluates ∇f and ∇²f of a sympy landscape in mpmath.iv: each function
    # lambdify prints must be an enclosure, not mpmath's point function
    import sympy as sp

    from theory.certification.interval.generated import _mp_functions
    from theory.certification.interval.minimizers import _IvPrec

    x, y = sp.symbols("x y", real=True)
    exprs = [sp.sin(x), sp.cos(x), sp.tan(x), sp.tanh(x), sp.atan(x), sp.sinh(x), sp.cosh(x),
             sp.Abs(x), sp.Min(x, y), sp.Max(x, y), sp.pi * sp.exp(x) - sp.log(4 + y)]
    with _IvPrec() as mpm:
        f_mp, f_iv = _mp_functions((x, y), exprs, mpm)
        for _ in range(40):
            lo = rng.uniform(-3, 3, 2)
            hi = lo + rng.uniform(0, 1e-3, 2) * rng.integers(0, 2)
            X = [mpm.iv.mpf([float(a), float(b)]) for a, b in zip(lo, hi)]
            for t in (0.0, 0.37, 1.0):
                pt = [mpm.mpf(float(a + t * (b - a))) for a, b in zip(lo, hi)]
                for e, enc, v in zip(exprs, f_iv(*X), f_mp(*pt)):
                    assert v in enc, (e, lo, hi, t)


def test_from_mpi_contains_the_mpmath_interval():
    with mpmath.workdps(50):
        v = mpmath.iv.mpf(1) / 3
    r = from_mpi(v)
    with mpmath.workdps(50):
        assert mpmath.mpf(float(r.lo)) < mpmath.mpf(1) / 3 < mpmath.mpf(float(r.hi))


def _reference_slack(L, x, a, b):
    """``(N, m, n)`` float slack for every point of S (the non-rigorous reference)."""
    out = []
    for p in L.minimizers.points:
        p = np.broadcast_to(p, x.shape)
        T = L.directional(x, x - p) - a * (L.losses(x) - L.losses(p)) + b * (
            L.losses(x) - L.f_i_star
        )
        out.append(T)
    return np.stack(out, axis=-2)


@pytest.mark.parametrize("name", ["example2", "example3", "example6"])
def test_radial_enclosure_contains_sampled_slack(name, rng):
    L = toylands.get(name)
    a, b = (12.0, 9.5) if name != "example2" else (8.0 / L.c_min, 8.0 / L.c_min - 8.0)
    K = _RadialKernel(L, a, b)
    centre = L.domain.sample(rng, 200)
    centre[:50] = L.minimizers.points[rng.integers(0, len(L.minimizers.points), 50)]
    width = 10.0 ** rng.uniform(-6, 0, size=(200, 1)) * rng.random((200, 2))
    lo, hi = centre - width, centre + width
    T, _ = K.slack(lo, hi)
    x = lo[:, None, :] + rng.random((200, 16, 2)) * (hi - lo)[:, None, :]
    ref = _reference_slack(L, x.reshape(-1, 2), a, b).reshape(200, 16, *T.shape[1:])
    tol = 1e-9 * (1.0 + a)
    assert np.all(ref >= T.lo[:, None] - tol)
    assert np.all(ref <= T.hi[:, None] + tol)


def test_valley_enclosure_contains_sampled_slack(rng):
    L = toylands.get("example1")
    a, b = 3.0, 2.0
    K = _ValleyKernel(L, a, b)
    s0 = rng.uniform(-100, 100, size=300)
    s0[:50] = -0.5 + rng.normal(size=50) * 1e-3
    w = 10.0 ** rng.uniform(-8, 1, size=300)
    lo, hi = (s0 - w)[:, None], (s0 + w)[:, None]
    T, _ = K.slack(lo, hi)
    s = lo + rng.random((300, 16)) * (hi - lo)
    x = np.stack([s / 2, s / 2], axis=-1)
    p = L.project(x)
    ref = L.directional(x, x - p) - a * (L.losses(x) - L.losses(p)) + b * L.losses(x)
    assert np.all(ref >= T.lo[:, 0][:, None, :] - 1e-12)
    assert np.all(ref <= T.hi[:, 0][:, None, :] + 1e-12)


def test_minimizer_enclosures_contain_the_landscape_points():
    for name in ("example2", "example3", "example6"):
        L = toylands.get(name)
        K = _RadialKernel(L, 2.0, 1.0)
        pts = L.minimizers.points
        err = L.minimizers.error + 1e-15
        assert np.all(K.P.lo <= pts + err) and np.all(pts - err <= K.P.hi)
        assert np.all(K.P.width < 1e-14)


@pytest.mark.parametrize("name", ["example1", "example2", "example3", "example6"])
def test_a_failing_pair_is_never_proved(name, rng):
    L = toylands.get(name)
    # Pairs far below the frontier: β = 0 and a small α fail on the default boxes.
    for a in (1.5, 3.0):
        cert = certify_interval(L, a, 0.0, budget={"boxes": 50_000, "seconds": 10})
        assert cert.verdict != "proved"


def test_undecided_boxes_are_reported():
    # One bump, interpolation: the slack is exactly 0 at the centre, so no box around it
    # can be proved by a first-order enclosure; the certificate says where.
    L = toylands.get("remark1-bumps", n=1, d=2, seed=0)
    c = L.centres[0]
    box = Box(c - 0.3, c + 0.3)
    cert = certify_interval(L, 1.5, 0.5, domain=box, budget={"boxes": 20_000})
    assert cert.verdict == "inconclusive"
    und = cert.details["undecided"]
    assert und and cert.details["n_undecided"] >= len(und)
    near = [np.all(np.asarray(u["lo"]) <= c + 1e-9) and np.all(c - 1e-9 <= np.asarray(u["hi"]))
            for u in und]
    assert any(near)
    assert "undecided" in cert.reason


def test_remark1_families_are_supported_and_decided():
    Lv = toylands.get("remark1-valley")
    Lb = toylands.get("remark1-bumps")
    assert supports_interval(Lv) and supports_interval(Lb)
    assert certify_interval(Lv, 300.0, 299.0).verdict == "proved"
    assert certify_interval(Lv, 3.0, 2.5).verdict == "refuted"
    assert certify_interval(Lb, 3.0, 2.5).verdict == "refuted"


def test_bad_input():
    L = toylands.get("example1")
    with pytest.raises(ValueError):
        certify_interval(L, 1.0, 1.0)
    with pytest.raises(ValueError):
        certify_interval(L, 2.0, -0.1)
    with pytest.raises(ValueError):
        certify_interval(L, float("nan"), 0.0)
    with pytest.raises(ValueError):
        certify_interval(L, 2.0, 1.0, domain=Box.cube(-1, 1, 3))
    with pytest.raises(ValueError):
        certify_interval(L, 2.0, 1.0, budget={"boxes": 0})
    ls = toylands.get("least-squares")
    assert not supports_interval(ls)
    with pytest.raises(ValueError, match="does not apply"):
        certify_interval(ls, 2.0, 1.0)


def test_generic_kernel_example3_printed(rng):
    from theory.certification.interval.kernels import _GenericKernel

    L = toylands.get("example3-printed")
    assert supports_interval(L)
    a, b = 1513.0, 1512.0
    K = _GenericKernel(L, a, b)
    centre = L.domain.sample(rng, 200)
    centre[:40] = L.minimizers.points[0]
    width = 10.0 ** rng.uniform(-6, 0, size=(200, 1)) * rng.random((200, 2))
    lo, hi = centre - width, centre + width
    T, _ = K.slack(lo, hi)
    x = lo[:, None, :] + rng.random((200, 16, 2)) * (hi - lo)[:, None, :]
    ref = _reference_slack(L, x.reshape(-1, 2), a, b).reshape(200, 16, *T.shape[1:])
    tol = 1e-9 * (1.0 + a)
    assert np.all(ref >= T.lo[:, None] - tol) and np.all(ref <= T.hi[:, None] + tol)
    # The misprinted f₂ is unbounded: (1513, 1512) fails far out; a larger α holds on the box.
    assert certify_interval(L, a, b).verdict == "refuted"
    assert certify_interval(L, 5000.0, 4999.0).verdict == "proved"


def test_generic_and_radial_kernels_agree_on_example3(rng):
    from theory.certification.interval.kernels import _GenericKernel

    L = toylands.get("example3")
    G, R = _GenericKernel(L, 1513.0, 1512.0), _RadialKernel(L, 1513.0, 1512.0)
    c = rng.uniform(-20, 20, (500, 2))
    w = rng.random((500, 2)) * 0.1
    Tg, _ = G.slack(c - w, c + w)
    Tr, _ = R.slack(c - w, c + w)
    assert np.all(Tg.lo <= Tr.hi) and np.all(Tr.lo <= Tg.hi)  # both contain the true range
