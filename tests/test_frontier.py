"""theory.certification.frontier: the certified bracket of the frontier, certified pairs, the
paper's families (MATHEMATICS.md §2, §4)."""

from __future__ import annotations

import numpy as np
import pytest

import toylands
from theory.certification import certified_frontier, certify, region_map
from theory.certification.frontier import bracket_alphas, certified_beta, rounding_safe_beta_lo
from theory.certification.pairs import certified_best_pairs, family_alpha
from theory.claims import check_values, claim_domain
from theory.conditions import alpha_beta_rows
from theory.region import FrontierBracket, Region


@pytest.fixture(scope="module")
def regions():
    """Sampled regions (with their points) on each paper example's claim box, built once."""
    out = {}
    for name in ("example1", "example2", "example3", "example6"):
        f = toylands.get(name)
        out[name] = (f, region_map(f, domain=claim_domain(f), budget=3000, rounds=1,
                                   keep_points=True))
    return out


def test_bracket_encloses_the_exact_frontier_of_example1(regions):
    # β_lo ≤ exact β_min(α) ≤ β_hi at every α, against theory.certification.symbolic's exact
    # region (root isolation) on the same box.
    symbolic = pytest.importorskip("theory.certification.symbolic")
    f, reg = regions["example1"]
    box = claim_domain(f)
    exact = symbolic.exact_region(f, domain=box)
    al = np.array([exact.alpha_min * 1.01, 0.7, 2.5])
    b = certified_frontier(f, al, domain=box, region=reg)
    assert b.verdicts == ("proved",) * 3 and b.method == "interval"
    want = exact.beta_min(al)
    assert np.all(b.beta_lo <= want), (b.beta_lo, want)
    assert np.all(want <= b.beta_hi), (want, b.beta_hi)
    # and the bracket is tight: the gap α − β is known to 1e-3 relative (rtol)
    assert np.all(b.width <= 1.01e-3 * (al - b.beta_hi))


@pytest.mark.parametrize("name", ["example1", "example2", "example3", "example6"])
def test_bracket_is_consistent_with_the_check_values(regions, name):
    # MATHEMATICS.md §4: a pair that holds has β ≥ β_min ≥ β_lo; a pair that fails has
    # β < β_min ≤ β_hi (else β_hi, which is proved, would prove it too).
    f, reg = regions[name]
    checks = check_values(name, f)
    al = sorted({c.alpha for c in checks})
    b = certified_frontier(f, al, domain=claim_domain(f), region=reg)
    lo = dict(zip(b.alphas.tolist(), b.beta_lo.tolist()))
    hi = dict(zip(b.alphas.tolist(), b.beta_hi.tolist()))
    for c in checks:
        if c.expect == "holds":
            assert c.beta >= lo[c.alpha], (c, lo[c.alpha])
            assert np.isfinite(hi[c.alpha]), c  # a pair holds there, so some β is proved
        else:
            assert not np.isfinite(hi[c.alpha]) or c.beta < hi[c.alpha], (c, hi[c.alpha])
    assert all(v in ("proved", "refuted") for v in b.verdicts), b.verdicts


def test_bracket_uses_diagonal_monotonicity_and_never_exceeds_alpha(regions):
    f, reg = regions["example6"]
    al = bracket_alphas(reg, 5)
    b = certified_frontier(f, al, domain=claim_domain(f), region=reg)
    ok = np.isfinite(b.beta_hi)
    assert ok.all() and np.all(b.beta_hi < b.alphas) and np.all(b.beta_lo <= b.beta_hi)
    # the gap α − β_hi never shrinks as α grows (diagonal monotonicity)
    gap = b.alphas - b.beta_hi
    assert np.all(np.diff(gap) >= -1e-3 * gap[1:])
    # the frontier reaches twice the paper's α (41.37 on example6)
    assert b.alphas.max() >= 2 * 41.36
    js = b.to_json()
    assert js["max_relative_width"] <= 1.01e-3 and js["rows"][0][3] == "proved"


def test_rounding_safe_lower_bound_sits_just_below_the_sampled_frontier(regions):
    f, reg = regions["example3"]
    al = np.array([2.0, 20.0, 1513.0])
    safe = rounding_safe_beta_lo(f, reg.info["points"], al)
    plain = reg.beta_min(al)
    assert np.all(safe <= plain)
    assert np.all(plain - safe <= 1e-12 * al)  # a rounding-level shift, not a loss


def test_refutations_raise_the_lower_bound_below_the_true_alpha_min(regions):
    # example3's true α_min lies in [1.07, 1.08] (the sampled one is lower: 1.05-1.065 by the
    # budget): the interval method refutes every β < α at α = 1.07, and certifies one at 1.08.
    f, reg = regions["example3"]
    b = certified_frontier(f, [1.07, 1.08], domain=claim_domain(f), region=reg)
    assert b.verdicts == ("refuted", "proved") and np.isnan(b.beta_hi[0])
    assert b.beta_lo[0] >= 1.07 * (1 - 1e-5)
    assert b.info["alpha_min"] == [1.07, 1.08]


def test_certified_beta_first_and_caps():
    f = toylands.get("example6")
    # a β that holds is accepted as it is with refine=False (one call)
    r = certified_beta(f, 41.37, beta_lo=30.0, first=40.37, refine=False, domain=(-20, 20))
    assert r.verdict == "proved" and r.beta == 40.37 and r.calls == 1
    # a cap below the frontier: nothing can be certified, and it says refuted
    r = certified_beta(f, 5.0, beta_lo=4.9, beta_max=4.0, domain=(-20, 20))
    assert r.verdict == "refuted" and np.isnan(r.beta)


def test_no_rigorous_method_means_holds_on_samples_never_proved():
    # a user landscape (no symbolic form, no interval kernel): adversarial search only
    f = toylands.from_functions(
        name="bowl2", dim=2, n=2,
        losses=lambda x: np.stack([0.5 * np.sum(x**2, -1), 0.5 * np.sum((x - 1) ** 2, -1)], -1),
        grads=lambda x: np.stack([x, x - 1], -2),
        f_i_star=[0.0, 0.0], f_star=0.25, project=lambda x: np.full_like(x, 0.5),
        domain=toylands.Box.cube(-2.0, 2.0, 2),
    )
    x = f.domain.sample(np.random.default_rng(0), 300)
    reg = Region.from_rows(alpha_beta_rows(f, x))
    reg = Region(reg.envelope, reg.n_points, info={"points": x})
    b = certified_frontier(f, [1.5], region=reg, budget=300, rtol=0.2)
    assert b.method == "adversarial" and b.verdicts == ("holds_on_samples",)
    pairs = certified_best_pairs(f, reg, theorems=(1,), budget=300, rtol=0.2)
    assert pairs[1].verdict == "holds_on_samples" and pairs[1].method == "adversarial"


def test_family_alpha_example2_is_tight_to_seven_digits(regions):
    # MATHEMATICS.md §4.2: the paper's rule α ≥ 8/c on α − β = 8 is tight.
    f, reg = regions["example2"]
    c = float(f.losses(f.minimizers.points).min())
    fam = family_alpha(f, ("gap", 8.0), region=reg, alpha_hi=8.0 / c, domain=claim_domain(f))
    assert fam.verdict == "proved" and fam.alpha_lo <= fam.alpha_hi
    assert abs(fam.alpha_hi - 8.0 / c) <= 1e-7 * fam.alpha_hi


def test_family_alpha_example1_ray_is_loose(regions):
    # β = 4α/5 on [−50, 50]²: the paper's α ≥ 5/2 is about 4.2× the smallest α proved.
    f, reg = regions["example1"]
    fam = family_alpha(f, ("ratio", 0.8), region=reg, alpha_hi=2.5, domain=claim_domain(f),
                       rtol=1e-5)
    assert fam.verdict == "proved" and 0.58 < fam.alpha_lo <= fam.alpha_hi < 0.6
    assert certify(f, fam.alpha_hi, 0.8 * fam.alpha_hi, domain=claim_domain(f)).verdict == "proved"


def test_frontier_bracket_json_and_upper():
    b = FrontierBracket(np.array([1.0, 2.0]), np.array([0.5, 1.4]), np.array([0.6, np.nan]),
                        ("proved", "inconclusive"), "interval", None)
    assert b.rows()[1] == [2.0, 1.4, None, "inconclusive"]
    beta, verdict = b.upper(np.array([0.5, 2.0]))
    assert np.isnan(beta[0]) and beta[1] == pytest.approx(1.6) and verdict[1] == "proved"


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"alphas": []}, ValueError, "empty"),
        ({"alphas": [1.0, np.nan]}, ValueError, "finite"),
        ({"alphas": [-1.0]}, ValueError, "> 0"),
        ({"alphas": ["a"]}, (TypeError, ValueError), None),
        ({"alphas": [2.0], "method": "magic"}, ValueError, "unknown method"),
        ({"alphas": [2.0], "rtol": 2.0}, ValueError, "rtol"),
    ],
)
def test_bad_input_is_refused(regions, kwargs, exc, match):
    f, reg = regions["example6"]
    alphas = kwargs.pop("alphas")
    with pytest.raises(exc, match=match):
        certified_frontier(f, alphas, region=reg, **kwargs)


def test_rigorous_method_that_does_not_apply_is_refused():
    mf = toylands.get("matrix-factorization")
    with pytest.raises(ValueError, match="does not apply"):
        certified_beta(mf, 2.0, beta_lo=1.0, method="interval")


def test_region_without_points_is_refused(regions):
    f, reg = regions["example6"]
    with pytest.raises(ValueError, match="keep_points"):
        certified_frontier(f, [5.0], region=Region(reg.envelope))
