"""theory.region: the exact (α, β) region against brute force, LPs and the edge cases."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
from scipy.optimize import linprog
from tolerance import assert_rounding_close

from theory.region import PiecewiseLinear, Region, combine, upper_envelope

ALPHAS = np.linspace(-3.0, 12.0, 601)


def _brute(a, b, c, mask=None):
    """β_min(α) on ALPHAS by the definition: max over points of min over candidates of
    max over rows of the per-row bound, then max(·, 0)."""
    a, b, c = (np.asarray(v, float) for v in (a, b, c))
    if mask is None:
        a, b, c = a.reshape(-1, 1, 1), b.reshape(-1, 1, 1), c.reshape(-1, 1, 1)
        mask = np.ones(a.shape[:2], bool)
    al = ALPHAS[:, None, None, None]
    num = al * b - a
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(c > 0, num / np.where(c > 0, c, 1), np.where(num <= 0, -np.inf, np.inf))
    per_c = np.where(mask, r.max(axis=-1), np.inf)
    return np.maximum(per_c.min(axis=-1).max(axis=-1), 0.0)


def _random_rows(rng, N, zero_c=0.2):
    a = rng.normal(size=N)
    c = np.abs(rng.normal(size=N))
    b = rng.normal(size=N) * 2
    c[rng.random(N) < zero_c] = 0.0
    return a, b, c


def _agree(got, want):
    fin = np.isfinite(want)
    assert np.array_equal(np.isfinite(got), fin)
    np.testing.assert_allclose(got[fin], want[fin], rtol=1e-9, atol=1e-9)


def test_docstring_example():
    r = Region.from_arrays(a=[1.0, 0.0], b=[1.0, 0.5], c=[1.0, 1.0])
    assert r.alpha_min == 0.0
    assert r.beta_min([1.0, 4.0]).tolist() == [0.5, 3.0]


@pytest.mark.parametrize("seed", range(40))
def test_beta_min_matches_brute_force_random_rows(seed):
    rng = np.random.default_rng(seed)
    a, b, c = _random_rows(rng, int(rng.integers(1, 12)))
    _agree(Region.from_arrays(a, b, c).beta_min(ALPHAS), _brute(a, b, c))


@pytest.mark.parametrize("seed", range(25))
def test_union_over_tied_candidates_matches_brute_force(seed):
    rng = np.random.default_rng(100 + seed)
    P, m, n = int(rng.integers(1, 6)), int(rng.integers(1, 4)), int(rng.integers(1, 4))
    a, b, c = (v.reshape(P, m, n) for v in _random_rows(rng, P * m * n, zero_c=0.1))
    mask = rng.random((P, m)) < 0.7
    mask[np.arange(P), rng.integers(0, m, P)] = True
    _agree(Region.from_arrays(a, b, c, mask).beta_min(ALPHAS), _brute(a, b, c, mask))


@pytest.mark.parametrize("seed", range(15))
def test_alpha_min_matches_linear_program(seed):
    # Physical rows (c ≥ b, c > 0): alpha_min = min α s.t. all rows, β ≥ 0, α − β ≥ ε (ε → 0).
    rng = np.random.default_rng(200 + seed)
    N = int(rng.integers(1, 30))
    c = rng.random(N) + 0.05
    b = c - 2 * rng.random(N)
    a = rng.normal(size=N)
    r = Region.from_arrays(a, b, c)
    eps = 1e-9
    # variables (α, β): minimise α; rows: −a + α b − β c ≤ 0; β − α ≤ −ε; β ≥ 0
    A = np.c_[b, -c]
    A = np.vstack([A, [-1.0, 1.0]])
    ub = np.r_[a, -eps]
    res = linprog([1.0, 0.0], A_ub=A, b_ub=ub, bounds=[(None, None), (0, None)], method="highs")
    assert res.status == 0
    assert r.alpha_min == pytest.approx(res.x[0], abs=1e-6)


def test_c_zero_rows_bound_alpha():
    # c = 0, b < 0: α ≥ a/b; c = 0, b > 0: α ≤ a/b; c = 0, b = 0, a ≥ 0: no constraint.
    r = Region.from_arrays(a=[-2.0, 0.0, 1.0], b=[-1.0, 0.0, 0.1], c=[0.0, 0.0, 0.0])
    assert r.alpha_min == 2.0  # attained: β = 0 < α = 2
    assert np.isinf(r.beta_min(1.999)) and r.beta_min(2.0) == 0.0
    assert r.beta_min(10.0) == 0.0 and np.isinf(r.beta_min(10.0001))
    assert bool(r.contains(5.0, 0.0)) and not bool(r.contains(11.0, 1.0))


def test_infeasible_row_gives_empty_region():
    r = Region.from_arrays(a=[-1.0, 1.0], b=[0.0, 0.5], c=[0.0, 1.0])
    assert r.empty and np.isinf(r.alpha_min)
    assert r.vertices().shape == (0, 2)
    assert not r.contains(10.0, 5.0)


def test_all_rows_vacuous_gives_whole_quadrant():
    r = Region.from_arrays(a=[0.0, 1.0], b=[0.0, -1.0], c=[0.0, 0.0])
    assert r.alpha_min == 0.0  # every α > 0 works with β = 0 (α ≥ -1 from the second row)
    assert r.beta_min(3.0) == 0.0


def test_rows_scale_freely():
    rng = np.random.default_rng(7)
    a, b, c = _random_rows(rng, 20, zero_c=0.0)
    s = 10.0 ** rng.uniform(-200, 200, 20)
    r1, r2 = Region.from_arrays(a, b, c), Region.from_arrays(a * s, b * s, c * s)
    _agree(r2.beta_min(ALPHAS), r1.beta_min(ALPHAS))


@pytest.mark.parametrize(
    "kw, err",
    [
        ({"a": [np.nan], "b": [0.0], "c": [1.0]}, "finite"),
        ({"a": [0.0], "b": [0.0], "c": [-1.0]}, ">= 0"),
        ({"a": [0.0, 1.0], "b": [0.0], "c": [1.0]}, "one shape"),
    ],
)
def test_bad_rows_raise(kw, err):
    with pytest.raises(ValueError, match=err):
        Region.from_arrays(**kw)


def test_mask_must_match_and_be_nonempty():
    a = np.zeros((2, 2, 1))
    with pytest.raises(ValueError, match="mask"):
        Region.from_arrays(a, a, a + 1, np.ones((3, 2), bool))
    with pytest.raises(ValueError, match="candidate"):
        Region.from_arrays(a, a, a + 1, np.array([[True, False], [False, False]]))


def test_vertices_lie_on_frontier_and_it_is_linear_between():
    rng = np.random.default_rng(3)
    c = rng.random(200) + 0.1
    b = c - 3 * rng.random(200)
    r = Region.from_arrays(rng.normal(size=200), b, c)
    v = r.vertices()
    np.testing.assert_allclose(r.beta_min(v[:, 0]), v[:, 1])
    mid = (v[1:, 0] + v[:-1, 0]) / 2
    np.testing.assert_allclose(r.beta_min(mid), (v[1:, 1] + v[:-1, 1]) / 2, rtol=1e-9)
    assert v[0, 0] == r.alpha_min


def test_contains_agrees_with_beta_min():
    rng = np.random.default_rng(4)
    a, b, c = _random_rows(rng, 30, zero_c=0.0)
    r = Region.from_arrays(a, b, c)
    al = rng.uniform(0, 20, 500)
    be = rng.uniform(0, 20, 500)
    want = (be >= r.beta_min(al)) & (be < al)
    np.testing.assert_array_equal(r.contains(al, be), want)


@pytest.mark.parametrize("theorem", [1, 2, 3, 7])
def test_best_pair_is_no_worse_than_a_dense_search(theorem):
    rng = np.random.default_rng(11)
    c = rng.random(50) + 0.1
    b = c - 2 * rng.random(50)
    r = Region.from_arrays(rng.normal(size=50), b, c)
    bp = r.best_pair(theorem)
    assert r.contains(bp.alpha, bp.beta) or not bp.attained or theorem == 3
    al = np.geomspace(max(r.alpha_min, 1e-6) * 1.000001, 1e4, 20001)
    be = r.beta_min(al)
    num = {1: be, 3: be, 2: al, 7: al}[theorem]
    den = {1: al - be, 3: al - be, 2: 2 * (al - be) - 1, 7: al - be}[theorem]
    gap = {1: 0.0, 3: 1.0, 2: 0.5, 7: 0.0}[theorem]
    ok = (al - be >= gap) & (den > 0)
    assert bp.value <= np.min(num[ok] / den[ok]) * (1 + 1e-9) + 1e-12


def test_best_pair_at_infinity_is_flagged():
    # β_min(α) = 0.8 α + 0.1: β/(α−β) decreases to 0.8/0.2 = 4 as α → ∞
    r = Region.from_arrays(a=[-0.1], b=[0.8], c=[1.0])
    bp = r.best_pair(1)
    assert not bp.attained and bp.value == pytest.approx(4.0)
    with pytest.raises(ValueError, match="unknown theorem"):
        r.best_pair(99)


def test_best_pair_ties_take_the_largest_alpha():
    r = Region.from_arrays(a=[0.1], b=[0.8], c=[1.0])  # β_min = 0 for α ≤ 1/8
    bp = r.best_pair(1)
    assert bp.attained and bp.value == 0.0 and bp.alpha == pytest.approx(0.125)


def test_combine_is_exact_on_crossing_lines():
    f = upper_envelope(np.array([1.0]), np.array([0.0]), np.array([1.0]))  # β = α
    g = PiecewiseLinear.constant(2.0)
    h = combine(f, g, np.minimum)
    assert h.xs.tolist() == [2.0]
    assert h([0.0, 2.0, 5.0]).tolist() == [0.0, 2.0, 2.0]


def test_million_rows_well_under_a_second():
    rng = np.random.default_rng(0)
    N = 10**6
    c = rng.random(N)
    b = c - rng.random(N)
    a = rng.normal(size=N)
    Region.from_arrays(a[:1000], b[:1000], c[:1000])  # warm-up
    # CPU time of this process, not wall time: other jobs on a shared machine do not count
    t0 = time.process_time()
    r = Region.from_arrays(a, b, c)
    dt = time.process_time() - t0
    assert np.isfinite(r.alpha_min)
    assert dt < 2.0  # ~0.4 s measured on the 2-core CI machine class; generous for noise
    # a family whose lines are all on the envelope (no pruning possible)
    s = np.linspace(-50, 50, N)
    t0 = time.process_time()
    r = Region.from_arrays(np.cos(s), np.sin(s), np.full(N, 2.0))
    assert time.process_time() - t0 < 2.0
    assert r.envelope.xs.size > 1000


def test_alpha_for_gap_is_the_first_alpha_on_the_line():
    r = Region.from_arrays(a=[-0.1], b=[0.8], c=[1.0])  # β_min = 0.8 α + 0.1
    # 0.8 α + 0.1 ≤ α − 1  <=>  α ≥ 5.5
    assert r.alpha_for_gap(1.0) == pytest.approx(5.5)
    with pytest.raises(ValueError):
        r.alpha_for_gap(0.0)


def test_slowly_peeling_rows_from_a_landscape_are_fast_and_exact():
    # example1's rows form long gently curved runs: the vectorised passes stall and the
    # sequential monotone chain finishes (this took 2 500 passes before).
    import toylands
    from theory.conditions import alpha_beta_rows

    f = toylands.get("example1")
    x = f.domain.sample(np.random.default_rng(0), 200_000)
    rows = alpha_beta_rows(f, x)
    t0 = time.process_time()
    r = Region.from_rows(rows)
    assert time.process_time() - t0 < 2.0
    al = np.geomspace(0.3, 50.0, 40)[:, None]
    a, b, c = rows.a[:, 0], rows.b[:, 0], rows.c[:, 0]
    per_row = (al[..., None] * b - a) / c
    direct = np.maximum(per_row.max(axis=(-1, -2)), 0.0)
    # rounding is relative to the terms combined at the row that sets the maximum, |α b/c| +
    # |a/c|, not to the result (the two routes divide and subtract in different orders)
    k = per_row.reshape(al.shape[0], -1).argmax(axis=1)
    bb, aa, cc = b.ravel()[k], a.ravel()[k], c.ravel()[k]
    scale = np.abs(al[:, 0] * bb / cc) + np.abs(aa / cc)
    assert_rounding_close(r.beta_min(al[:, 0]), direct, scale, 64, what="beta_min vs rows")


def test_to_json_is_strict_json_even_with_an_alpha_upper_bound():
    import json

    # c = 0, b > 0 bounds α above (only from rounding or user rows): β_min = +inf beyond it
    r = Region.from_arrays(a=[1.0, -0.1], b=[0.5, 0.0], c=[0.0, 1.0])
    js = json.dumps(r.to_json(alpha_max=5.0), allow_nan=False)
    assert r.alpha_min == 0.1 and "null" in js


# ---- the sampled region's JSON: an outer bound, with certificates attached --------------------
def test_json_names_the_region_an_outer_bound_and_reaches_twice_the_paper_alpha():
    r = Region.from_arrays(a=[-0.1], b=[0.8], c=[1.0]).with_claim({"alpha": 40.0, "beta": 39.0})
    js = r.to_json()
    assert js["kind"].startswith("sampled region (an outer bound")
    assert js["frontier"][-1][0] >= 80.0 and js["asymptote"] == [0.8, 0.1]
    assert js["certified_frontier"] is None
    # pairs read off a sampled region are never called certified
    assert all(v["verdict"] == "not certified" for v in js["best_pairs"].values())


def test_json_carries_the_bracket_and_the_certified_pairs():
    from theory.region import BestPair, FrontierBracket

    r = Region.from_arrays(a=[-0.1], b=[0.8], c=[1.0])
    br = FrontierBracket(np.array([1.0, 10.0]), np.array([0.9, 8.1]), np.array([0.95, np.nan]),
                         ("proved", "inconclusive"), "interval", {"lo": [0.0], "hi": [1.0]})
    bp = BestPair(1, 10.0, 8.2, 4.555, True, "Thm 1", verdict="proved", method="interval")
    js = r.with_certificates(bracket=br, pairs={1: bp}).to_json()
    assert js["certified_frontier"] == [[1.0, 0.9, 0.95, "proved"], [10.0, 8.1, None,
                                                                      "inconclusive"]]
    assert js["certified_frontier_info"]["method"] == "interval"
    assert js["best_pairs"]["1"]["verdict"] == "proved" and js["best_pairs"]["1"]["method"] == (
        "interval")
    json.dumps(js, allow_nan=False)


def test_theorem_term_matches_best_pair_and_refuses_outside_the_constraints():
    from theory.region import theorem_term

    r = Region.from_arrays(a=[0.5], b=[0.8], c=[1.0])
    bp = r.best_pair(1)
    assert theorem_term(1, bp.alpha, bp.beta) == pytest.approx(bp.value)
    assert np.isinf(theorem_term(1, 1.0, 1.0)) and np.isinf(theorem_term(3, 2.0, 1.5))
    assert np.isinf(theorem_term(1, 2.0, -0.1))
    with pytest.raises(ValueError, match="unknown theorem"):
        theorem_term(42, 2.0, 1.0)


def test_alpha_for_ratio_is_the_first_alpha_on_the_ray():
    r = Region.from_arrays(a=[-0.1], b=[0.7], c=[1.0])  # β_min = 0.7 α + 0.1
    # 0.7 α + 0.1 ≤ 0.8 α  <=>  α ≥ 1
    assert r.alpha_for_ratio(0.8) == pytest.approx(1.0)
    assert np.isinf(r.alpha_for_ratio(0.5))
    with pytest.raises(ValueError, match="ratio"):
        r.alpha_for_ratio(1.5)
