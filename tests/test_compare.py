"""Measured versus bound (MATHEMATICS.md §6): every theorem holds where its hypotheses hold and is
refused where they do not; the proof's per-step inequality and the step-size lemmas."""

from __future__ import annotations

import numpy as np
import pytest
from test_optimizers import Quadratics

import toylands
from theory.optim import compare as C
from theory.optim import grid as G
from theory.optim import optimizers as O
from theory.optim.simulate import simulate


@pytest.fixture(scope="module")
def ex6():
    return toylands.get("example6")


@pytest.fixture(scope="module")
def ex1():
    return toylands.get("example1")


@pytest.fixture(scope="module")
def quad():
    # positive f_i (f_i* > 0): NGN's hypothesis; convex, so (1, 0) is in the region
    return Quadratics([[1.0, 0.0], [-1.0, 0.5], [0.0, -1.0]], [0.1, 0.2, 0.3])


def _assert_holds(res, *, on_samples=False):
    # hypotheses_ok: the pair is proved on the domain; a landscape without a rigorous method
    # (the user's quadratics here) gets "on samples" at best, never hypotheses_ok
    if on_samples:
        assert res.hypotheses == "on samples" and not res.hypotheses_ok, res.reason
        assert res.pair_verdict == "holds_on_samples"
    else:
        assert res.hypotheses_ok and res.hypotheses == "proved", res.reason
        assert res.pair_verdict == "proved" and res.pair_method in ("interval", "symbolic")
    assert res.measured is not None and res.bound is not None
    assert res.ci[1] <= res.bound, (res.ci, res.bound)  # the band's upper end: holds
    assert res.holds and res.within_ci
    assert res.ci[0] <= res.measured <= res.ci[1]
    assert res.ratio == pytest.approx(res.measured / res.bound)
    assert res.trivial_bound > 0 and res.vacuous == (res.bound >= res.trivial_bound)
    assert res.bound_over_trivial == pytest.approx(res.bound / res.trivial_bound)


@pytest.mark.parametrize("theorem", ["1", "4", "2", "5", "C1", "7"])
def test_measured_below_bound_example6(ex6, theorem):
    res = C.check(ex6, theorem, runs=60, steps=150, seed=1)
    _assert_holds(res)


@pytest.mark.parametrize("theorem", ["1", "2", "3", "6"])
def test_measured_below_bound_positive_quadratics(quad, theorem):
    res = C.check(quad, theorem, runs=60, steps=150, seed=2)
    _assert_holds(res, on_samples=True)


def test_example1_with_the_paper_pair_at_the_largest_step(ex1):
    # (10, 8) holds on [-50, 50]² (MATHEMATICS.md §4.1); γ = (α − β)/(2L), the largest Theorem 1
    # allows.
    res = C.check(ex1, "1", alpha=10.0, beta=8.0, runs=60, steps=150, seed=3)
    _assert_holds(res)
    assert res.params["gamma"] == pytest.approx(2.0 / (2 * res.L))


def test_refusals(ex6):
    neg = Quadratics([[1.0, 0.0], [-1.0, 0.5]], [-0.1, 0.2])  # f_0 < 0 near b_0
    res = C.check(neg, "3", alpha=1.0, beta=0.0, runs=10, steps=10)
    assert not res.hypotheses_ok and "every f_i >= 0" in res.reason and res.measured is None
    res = C.check(ex6, "1", alpha=41.37, beta=40.37, gamma=10.0, runs=10, steps=10)
    assert not res.hypotheses_ok and "gamma <=" in res.reason
    res = C.check(ex6, "1", alpha=1.0, beta=2.0, runs=10, steps=10)
    assert not res.hypotheses_ok and "alpha > beta" in res.reason
    res = C.check(ex6, "C1", alpha=41.37, beta=40.87, runs=10, steps=10)
    assert not res.hypotheses_ok and "alpha >= beta + 1" in res.reason


def test_a_pair_outside_the_region_is_reported(ex6):
    # (5, 4) fails on example6 (MATHEMATICS.md §4.4): the visited iterates expose it.
    res = C.check(ex6, "1", alpha=5.0, beta=4.0, runs=40, steps=100, refine=False)
    assert not res.hypotheses_ok and "alpha-beta-condition fails" in res.reason


def test_uncertified_L_warns_or_refuses():
    f = toylands.from_functions(
        name="bowl", dim=2, n=1, losses=lambda x: 0.5 * np.sum(x**2, axis=-1, keepdims=True),
        grads=lambda x: x[..., None, :], f_i_star=[0.0], f_star=0.0,
        project=lambda x: np.zeros_like(x), L=1.0,
    )
    with pytest.warns(UserWarning, match="not certified"):
        res = C.check(f, "1", alpha=1.0, beta=0.0, runs=10, steps=20)
    assert "L not certified" in res.reason
    res = C.check(f, "1", alpha=1.0, beta=0.0, runs=10, steps=20, require_certified_L=True)
    assert not res.hypotheses_ok and "not certified" in res.reason


def test_measure_is_cross_fitted_and_the_band_simultaneous(ex6):
    """The estimate of min_k E[f(x^k) − f*] from two independent halves of the runs, moved into
    the band; the band's ends by the formulas of the module docstring (Bonferroni upper end)."""
    from statistics import NormalDist

    x0 = C.default_start_box(ex6).sample(np.random.default_rng(0), 50)
    sim = simulate(ex6, O.sgd(0.3), x0, steps=60, rng=np.random.default_rng(0), record=())
    got = C.measure(sim)
    K, a = 60, 0.05
    m, s = sim.gap_mean[:K], np.sqrt(sim.gap_var[:K] / 50)
    lo = max(np.min(m - NormalDist().inv_cdf(1 - a / 2) * s), 0.0)
    hi = np.min(m + NormalDist().inv_cdf(1 - a / (2 * K)) * s)
    A, B = sim.gap_half_mean[:, :K]
    est = 0.5 * (B[np.argmin(A)] + A[np.argmin(B)])
    assert got.ci == pytest.approx((lo, hi), rel=1e-12)
    assert got.measured == pytest.approx(min(max(est, lo), hi), rel=1e-12)
    assert got.min_of_means == m.min() and got.k == np.argmin(m) and got.average >= m.min()
    assert lo <= got.min_of_means <= hi
    wider = C.measure(sim, level=0.99)
    assert wider.ci[0] < lo and wider.ci[1] > hi
    with pytest.raises(ValueError, match="level"):
        C.measure(sim, level=1.5)


def test_holds_reads_the_upper_end_of_the_band(ex6):
    """A bound between the estimate and the band's upper end is not reported as held; one below
    the band's lower end is a violation beyond the noise; the trivial bound names vacuity."""
    res = C.check(ex6, "1", alpha=37.88, beta=36.05, runs=40, steps=100, seed=0)
    (lo, hi), m = res.ci, res.measured
    assert lo < m < hi and res.hypotheses_ok
    v = C.verdict(m, res.ci, 0.5 * (m + hi), res.trivial_bound)
    assert not v["holds"] and v["within_ci"]
    v = C.verdict(m, res.ci, 0.5 * lo, res.trivial_bound)
    assert not v["holds"] and not v["within_ci"]
    assert C.verdict(m, res.ci, hi, res.trivial_bound)["holds"]
    assert C.verdict(m, res.ci, res.trivial_bound, res.trivial_bound)["vacuous"]
    assert not C.verdict(m, res.ci, 0.99 * res.trivial_bound, res.trivial_bound)["vacuous"]
    # example6's Theorem 1 bound (≈ 12.8) is far above E[f(x⁰) − f*] (< 0.7): vacuous
    assert res.vacuous and res.bound_over_trivial > 10
    assert res.trivial_bound == pytest.approx(
        np.mean(ex6.value(C.default_start_box(ex6).sample(np.random.default_rng(0), 40))
                - ex6.f_star))


@pytest.mark.parametrize("name, pair", [("example1", (10.0, 8.0)), ("example6", (41.37, 40.37))])
def test_theorem1_per_step_inequality_exact(name, pair):
    f = toylands.get(name)
    L = f.smoothness().L
    a, b = pair
    x = f.domain.sample(np.random.default_rng(5), 3000)
    for gamma in [(a - b) / (2 * L), 0.1 * (a - b) / (2 * L)]:
        out = C.theorem1_step_inequality(f, x, gamma=gamma, alpha=a, beta=b, L=L)
        assert np.all(out["lhs_dist"] <= out["lhs_proof"] + 1e-9)
        scale = 1 + np.abs(out["rhs"])
        assert np.all(out["slack"] >= -1e-9 * scale), out["slack"].min()


@pytest.mark.parametrize(
    "opt", [O.sps_max(0.5, 0.8), O.dec_sps(0.8), O.ngn(1.5), O.ngn_dec(1.5)], ids=lambda o: o.name
)
def test_step_size_lemmas_along_trajectories(opt):
    f = toylands.get("example3")  # f_1* = 1/4: the true f_i* matters
    L = f.smoothness().L
    x0 = f.domain.sample(np.random.default_rng(0), 64) / 4
    out = C.step_size_lemmas(f, opt, x0, steps=100, rng=np.random.default_rng(1), L=L)
    assert out and all(v >= -1e-12 for v in out.values()), out


def test_grid_rows_and_table():
    rows = G.comparison_grid(["example6", "not-a-landscape"], ["1", "C1"], scales=(1.0,),
                             runs=30, steps=60)
    table = G.format_table(rows)
    assert "not registered" in table and "vacuous" in table
    r1 = [r for r in rows if r.get("theorem") == "1"][0]
    assert r1["holds"] and r1["hypotheses_ok"]


def test_paper_pair_fallback_without_the_region_module(ex6, monkeypatch):
    def no_region(*args, **kwargs):
        raise ImportError("theory.region unavailable")

    monkeypatch.setattr(C, "_region", no_region)
    res = C.check(ex6, "1", runs=30, steps=60)
    assert (res.alpha, res.beta) == C.PAPER_PAIRS["example6"]
    assert "paper pair" in res.pair_source
    _assert_holds(res)


def test_a_given_region_is_used(ex6):
    x = ex6.domain.sample(np.random.default_rng(0), 500)
    region = C._region(ex6, x)
    a, b, src = C.choose_pair(ex6, "1", ex6.smoothness().L, x[:20], 100, region=region)
    assert region.contains(a, b) and a - b <= 2.0 + 1e-9


def test_sps_max_default_is_not_sgd(ex6):
    """With γ_b at the floor 1/(2cL) of the Polyak step SPS_max is SGD (MATHEMATICS.md §6): the
    default setting of Theorem 2 must make the Polyak step bind, so its trajectory differs."""
    L = ex6.smoothness().L
    a, b = 37.88, 36.05
    name, p = C.step_settings("2", a, b, L)
    assert p["gamma_b"] > 1 / (2 * p["c"] * L)
    x0 = C.default_start_box(ex6).sample(np.random.default_rng(0), 50)
    sps = simulate(ex6, O.make(name, **p), x0, steps=200, rng=np.random.default_rng(1))
    sgd = simulate(ex6, O.sgd(p["gamma_b"]), x0, steps=200, rng=np.random.default_rng(1))
    assert not np.array_equal(sps.x_final, sgd.x_final)
    assert not np.array_equal(sps.gap_mean, sgd.gap_mean)
    assert 0.1 < sps.polyak_active_fraction() < 1.0
    # the contrast: at the floor, SPS_max is SGD step for step
    _, p0 = C.step_settings("2", a, b, L, scale=0.5)
    floor = simulate(ex6, O.make(name, **p0), x0, steps=200, rng=np.random.default_rng(1))
    same = simulate(ex6, O.sgd(p0["gamma_b"]), x0, steps=200, rng=np.random.default_rng(1))
    np.testing.assert_allclose(floor.x_final, same.x_final, rtol=1e-12, atol=1e-14)
    assert floor.polyak_active_fraction() == 0.0


def test_theorem2_check_binds_and_the_grid_has_a_majority_setting(ex6):
    t1 = C.check(ex6, "1", runs=60, steps=200, seed=0)
    t2 = C.check(ex6, "2", runs=60, steps=200, seed=0)
    assert t2.polyak_active_fraction > 0 and t2.measured != t1.measured
    assert 5.0 in G.GRID_SCALES["2"]
    big = C.check(ex6, "2", scale=5.0, runs=40, steps=1000, seed=0)
    assert big.polyak_active_fraction > 0.5 and big.hypotheses_ok and big.holds
    for t in ("5", "C1"):
        assert C.check(ex6, t, runs=30, steps=100, seed=0).polyak_active_fraction > 0


@pytest.mark.slow
def test_band_covers_the_truth_and_the_estimate_is_not_biased_low(ex6):
    """Coverage of the 95% band over 100 seeds against the truth from 10⁵ runs (example6,
    Theorem 1's step, 200 runs, K = 1000): at least the nominal level minus twice its Monte Carlo
    error; the cross-fitted estimate is not biased low, while the minimum of the means is
    (by ~15 %: the bias this estimator removes)."""
    a, b = 37.881426676818485, 36.047063699395515  # check's pair for this setting (seed 0)
    L = ex6.smoothness().L
    gamma = (a - b) / (2 * L)
    box, K, R, seeds, truth_runs = C.default_start_box(ex6), 1000, 200, 100, 100_000
    x = box.sample(np.random.default_rng(12345), truth_runs)
    truth = simulate(ex6, O.sgd(gamma), x, steps=K, rng=np.random.default_rng(999), record=(),
                     dist_every=K)
    theta = float(truth.gap_mean[:K].min())
    theta_se = float(np.sqrt(truth.gap_var[:K][np.argmin(truth.gap_mean[:K])] / truth_runs))
    assert theta_se < 0.01 * theta
    covered, est, naive = 0, [], []
    for seed in range(seeds):
        res = C.check(ex6, "1", alpha=a, beta=b, runs=R, steps=K, seed=seed, refine=False)
        assert res.hypotheses_ok and res.params["gamma"] == pytest.approx(gamma)
        covered += res.ci[0] <= theta <= res.ci[1]
        est.append(res.measured)
        naive.append(res.min_of_means)
    p, mc = covered / seeds, 2 * np.sqrt(0.95 * 0.05 / seeds)
    assert p >= 0.95 - mc, (p, mc)
    est, naive = np.array(est), np.array(naive)
    se = lambda v: v.std(ddof=1) / np.sqrt(seeds)  # noqa: E731
    assert est.mean() >= theta - 3 * se(est) - 3 * theta_se
    assert naive.mean() < theta - 3 * se(naive)  # the bias the old estimate had


@pytest.mark.slow
def test_every_theorem_has_an_informative_setting():
    rows = G.informative_checks()
    assert {r["theorem"] for r in rows} == set(G.GRID_THEOREMS)
    for r in rows:
        assert r["hypotheses_ok"] and r["holds"], G.format_table([r])
        assert not r["vacuous"] and r["bound"] < r["trivial_bound"], G.format_table([r])


@pytest.mark.slow
def test_full_grid_no_violation_beyond_ci():
    rows = G.comparison_grid(runs=100, steps=300)
    checked = [r for r in rows if r.get("bound") is not None and r.get("measured") is not None]
    assert checked
    bad = [r for r in checked if not r["within_ci"]]
    assert not bad, G.format_table(bad)


def test_measure_on_a_prefix_equals_a_shorter_run(ex6):
    x0 = C.default_start_box(ex6).sample(np.random.default_rng(0), 30)
    long = simulate(ex6, O.sgd(0.3), x0, steps=60, rng=np.random.default_rng(4))
    short = simulate(ex6, O.sgd(0.3), x0, steps=25, rng=np.random.default_rng(4))
    assert C.measure(long, K=25) == C.measure(short)
    with pytest.raises(ValueError):
        C.measure(long, K=61)


def test_rate_horizons():
    assert C.rate_horizons(1000, 6).tolist() == [10, 25, 63, 158, 398, 1000]
    assert C.rate_horizons(60, 3).tolist() == [2, 10, 60]


@pytest.mark.parametrize("theorem", ["1", "5", "7"])
def test_check_curve_is_check_at_every_horizon_from_one_run(ex6, theorem):
    """The curve's points equal separate checks at K' ≤ K with the same pair and steps (5 uses
    D² and 7 uses G², which the prefix must supply), without re-simulating."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        cur = C.check_curve(ex6, theorem, runs=16, steps=60, points=3, seed=0)
        top = cur.check
        assert cur.K.tolist() == [2, 10, 60]
        assert (cur.measured[-1], cur.bound[-1]) == (top.measured, top.bound)
        assert (cur.lo[-1], cur.hi[-1]) == tuple(top.ci)
        p = top.params
        ov = {"gamma": p.get("gamma", p.get("gamma0")), "c": p.get("c", p.get("c_scale")),
              "gamma_b": p.get("gamma_b"), "b0": p.get("b0")}
        ov = {k: v for k, v in ov.items() if v is not None}
        for j, K in enumerate(cur.K[:-1]):
            ref = C.check(ex6, theorem, alpha=top.alpha, beta=top.beta, runs=16, steps=int(K),
                          seed=0, refine=False, **ov)
            assert cur.measured[j] == ref.measured and cur.bound[j] == ref.bound
            assert (cur.lo[j], cur.hi[j]) == tuple(ref.ci)
    assert np.all(np.diff(cur.measured) <= 0)  # a running minimum
    assert np.all(cur.lo <= cur.measured) and np.all(cur.measured <= cur.hi)


def test_check_curve_of_a_refused_check_is_empty(ex6):
    cur = C.check_curve(ex6, "C1", alpha=1.5, beta=1.0, runs=4, steps=10)
    assert not cur.check.hypotheses_ok and cur.K.size == 0 and cur.bound.size == 0


def test_non_smooth_landscape_never_claims_its_hypotheses():
    # ReLU: the f_i are not L-smooth, so Theorem 1 does not apply even though the run is measured.
    import toylands

    net = toylands.get("two-layer-relu")
    with pytest.warns(UserWarning, match="not certified"):
        res = C.check(net, "1", runs=8, steps=20)
    assert res.measured is not None
    assert not res.hypotheses_ok and "not smooth" in res.reason


def test_row_verdict_tells_a_pair_on_samples_from_a_failing_hypothesis():
    base = {"bound": 1.0, "measured": 0.1, "holds": True, "vacuous": False, "within_ci": True}
    proved = dict(base, hypotheses_ok=True, hypotheses="proved", reason="hypotheses hold")
    assert G.row_verdict(proved) == "holds"
    on_samples = dict(base, hypotheses_ok=False, hypotheses="on samples",
                      reason="no rigorous method applies")
    v = G.row_verdict(on_samples)
    assert v.startswith("holds (the pair holds on samples only") and "fails" not in v
    failed = dict(base, hypotheses_ok=False, hypotheses="failed", reason="3 runs diverged")
    assert G.row_verdict(failed) == "holds (hypothesis fails along the run: 3 runs diverged)"
    assert G.row_verdict({"bound": None, "reason": "gamma too large"}).startswith("refused")


def test_the_coarse_candidate_pass_finds_the_same_best_pair(ex6, monkeypatch):
    """Beyond ``_MAX_CANDIDATES`` the bound is evaluated on a coarse pass along the frontier,
    then around its best candidates: on example6 (a smooth bound along the frontier) it finds
    the pair of the full evaluation."""
    x = ex6.domain.sample(np.random.default_rng(0), 2000)
    region = C._region(ex6, x)
    L = ex6.smoothness().L
    full = C._candidates(ex6, "1", L, x[:20], 100, scale=1.0, points=None, margin=1e-3,
                         gap_max=2.0, overrides=None, region=region)[0]
    assert len(full) > 40
    monkeypatch.setattr(C, "_MAX_CANDIDATES", 40)
    coarse = C._candidates(ex6, "1", L, x[:20], 100, scale=1.0, points=None, margin=1e-3,
                           gap_max=2.0, overrides=None, region=region)[0]
    assert len(coarse) < len(full)
    assert coarse[0] == full[0]
