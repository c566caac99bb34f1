"""theory.certify: MATHEMATICS.md §4's check values, the paper's claims inside our regions, bad
input."""

from __future__ import annotations

import numpy as np
import pytest

import toylands
from theory.certification import available_methods, certify, point_slack, region_map, sample_points
from theory.claims import CLAIMS, check_values

EXAMPLES = ["example1", "example2", "example3", "example6"]
CHECKS = [
    pytest.param(ch, id=f"{ch.landscape}-{ch.alpha:.6g}-{ch.beta:.6g}-{ch.expect}")
    for name in EXAMPLES
    for ch in check_values(name)
]


@pytest.fixture(scope="module")
def lands():
    return {name: toylands.get(name) for name in EXAMPLES}


@pytest.mark.parametrize("check", CHECKS)
def test_spec4_check_values_by_sampling(check, lands):
    f = lands[check.landscape]
    cert = certify(f, check.alpha, check.beta, method="sample", domain=check.box, budget=5000)
    if check.expect == "holds":
        assert cert.verdict == "holds_on_samples", cert
    else:
        assert cert.verdict == "refuted", cert
        # the counterexample is real: re-evaluated, its slack is negative beyond rounding
        s, tol = point_slack(f, cert.worst_point[None], check.alpha, check.beta)
        assert s[0] < -tol[0] and s[0] == pytest.approx(cert.min_slack)
        assert toylands.Box.cube(*check.box, 2).contains(cert.worst_point)


@pytest.mark.parametrize("name", EXAMPLES)
def test_paper_claims_inside_our_region_which_is_much_larger(name, lands):
    f = lands[name]
    reg = region_map(f, budget=4000, rounds=2, domain=CLAIMS[name].box)
    assert reg.paper_claim is not None and reg.claim_inside() is True
    # tight region: the smallest workable alpha is far below the paper's
    assert reg.alpha_min < reg.paper_claim["alpha"] / 2
    assert reg.info["rounds"] >= 1 and reg.info["points"] >= 3000


def test_adversarial_finds_what_sampling_misses():
    # Just below the true frontier of example1 at α ≈ 0.566: 500 samples miss the violation,
    # the local search from the worst samples finds it.
    f = toylands.get("example1")
    alpha, beta = 0.5662, 0.5375
    s = certify(f, alpha, beta, method="sample", budget=500)
    a = certify(f, alpha, beta, method="adversarial", budget=500)
    assert s.verdict == "holds_on_samples" and a.verdict == "refuted"
    assert a.budget["local_search_evals"] > 0
    sl, tol = point_slack(f, a.worst_point[None], alpha, beta)
    assert sl[0] < -tol[0]


@pytest.mark.parametrize("check", CHECKS)
def test_spec4_check_values_with_the_strongest_method(check, lands):
    f = lands[check.landscape]
    if not {"symbolic", "interval"} & set(available_methods(f)):
        pytest.skip("no rigorous method for this landscape yet")
    cert = certify(f, check.alpha, check.beta, domain=check.box)
    assert cert.verdict == ("proved" if check.expect == "holds" else "refuted"), cert
    assert cert.method in ("symbolic", "interval")


def test_certificates_are_reproducible_and_json():
    f = toylands.get("example6")
    c1 = certify(f, 5.0, 4.0, method="adversarial", budget=800, rng=3)
    c2 = certify(f, 5.0, 4.0, method="adversarial", budget=800, rng=3)
    assert c1.min_slack == c2.min_slack
    np.testing.assert_array_equal(c1.worst_point, c2.worst_point)
    js = c1.to_json()
    assert {"verdict", "min_slack", "worst_point", "method", "domain"} <= set(js)


def test_default_method_is_the_strongest_available():
    f = toylands.get("example1")
    methods = available_methods(f)
    cert = certify(f, 2.5, 2.0)
    if "symbolic" in methods or "interval" in methods:
        assert cert.method in ("symbolic", "interval") and cert.verdict == "proved"
    else:
        assert cert.method == "adversarial"
    # a landscape without a rigorous method falls back to the adversarial search
    ls = toylands.get("least-squares")
    if "interval" not in available_methods(ls) and "symbolic" not in available_methods(ls):
        assert certify(ls, 1.0, 0.0, budget=300).method == "adversarial"


def test_convex_least_squares_holds_with_one_zero():
    ls = toylands.get("least-squares")
    cert = certify(ls, 1.0, 0.0, method="sample", budget=600)
    assert cert.verdict == "holds_on_samples"


def test_sample_points_cover_the_kinds_and_stay_in_the_box():
    f = toylands.get("example6")
    box = toylands.Box.cube(-20.0, 20.0, 2)
    x = sample_points(f, box, 2000, np.random.default_rng(0))
    assert box.contains(x).all()
    assert np.min(f.distance(x)) < 1e-6  # near S
    sad = f.critical_points[0].point
    assert np.min(np.linalg.norm(x - sad, axis=-1)) < 1e-6  # near the saddle
    assert np.any(np.all(np.abs(x) == 20.0, axis=-1))  # corners


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"alpha": 1.0, "beta": 1.0}, ValueError, "alpha > beta"),
        ({"alpha": 1.0, "beta": 2.0}, ValueError, "alpha > beta"),
        ({"alpha": 2.0, "beta": -0.5}, ValueError, "beta must be >= 0"),
        ({"alpha": float("nan"), "beta": 0.0}, ValueError, "finite"),
        ({"alpha": float("inf"), "beta": 0.0}, ValueError, "finite"),
        ({"alpha": "2", "beta": 0.0}, TypeError, "real number"),
        ({"alpha": 2.0, "beta": 1.0, "domain": (3.0, -3.0)}, ValueError, "inverted"),
        ({"alpha": 2.0, "beta": 1.0, "domain": (1.0, 1.0)}, ValueError, "empty"),
        ({"alpha": 2.0, "beta": 1.0, "domain": "box"}, TypeError, "domain"),
        ({"alpha": 2.0, "beta": 1.0, "method": "magic"}, ValueError, "unknown method"),
        ({"alpha": 2.0, "beta": 1.0, "budget": 0}, ValueError, "budget"),
        ({"alpha": 2.0, "beta": 1.0, "rng": "seed"}, TypeError, "rng"),
    ],
)
def test_bad_input_is_refused(kwargs, exc, match):
    f = toylands.get("example6")
    kw = {"method": "sample", **kwargs}
    alpha, beta = kw.pop("alpha"), kw.pop("beta")
    with pytest.raises(exc, match=match):
        certify(f, alpha, beta, **kw)


def test_domain_of_wrong_dimension_is_refused():
    with pytest.raises(ValueError, match="dimension"):
        certify(toylands.get("example6"), 2.0, 1.0, domain=toylands.Box.cube(0, 1, 3))


@pytest.mark.parametrize("method", ["interval", "symbolic"])
def test_rigorous_method_that_does_not_apply_is_refused(method):
    mf = toylands.get("matrix-factorization")  # 22-dimensional, no closed-form reduction
    assert method not in available_methods(mf)
    with pytest.raises(ValueError, match="does not apply"):
        certify(mf, 2.0, 1.0, method=method)


def test_region_map_alpha_min_matches_the_exact_symbolic_value():
    # example1 on [−50, 50]²: the sampled region refined adversarially reaches the exact
    # alpha_min of theory.certification.symbolic.exact_region (root isolation) to rounding.
    symbolic = pytest.importorskip("theory.certification.symbolic")
    f = toylands.get("example1")
    exact = symbolic.exact_region(f, f.domain).alpha_min
    reg = region_map(f, budget=1000, rounds=1)
    assert reg.alpha_min == pytest.approx(exact, rel=1e-9)
    assert reg.alpha_min <= exact * (1 + 1e-12)  # an inner approximation of the region


@pytest.mark.slow
def test_cli_region_exact_frontier(capsys):
    import json

    from theory.cli import main

    rc = main(["region", "example1", "--exact", "--json", "--quiet", "--budget", "2000"])
    res = json.loads(capsys.readouterr().out)
    assert rc == 0 and res["method"].startswith("exact")
    assert res["alpha_min"] == pytest.approx(res["sampled"]["alpha_min"], rel=1e-9)
    assert res["frontier"][-1][0] >= 10 * res["alpha_min"] * 0.999


# ---- every pair the project recommends is certified (MATHEMATICS.md §2) ----------------------
def _two_d():
    from toylands import _registry

    return [e.name for e in _registry.entries() if e.shape is not None and e.shape[0] == 2]


# example3-printed's generic interval kernel encloses loosely: its certified search takes minutes
_SLOW_2D = ("example3-printed",)


def test_the_two_d_list_is_what_the_registry_says():
    names = _two_d()
    assert {"example1", "example2", "example3", "example3-printed", "example6",
            "remark1-bumps"} <= set(names)
    assert all(toylands.get(n).dim == 2 for n in names)


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=pytest.mark.slow) if n in _SLOW_2D else n for n in _two_d()]
)
def test_every_recommended_pair_of_a_2d_landscape_is_recertified(name):
    # The best pair per theorem (`toylands region`, the report's tables) and the default pair of
    # `toylands check`: each is proved, and an independent run of the rigorous method on the
    # stated box (the default, larger budget) proves it again.
    from theory.certification.pairs import certified_best_pairs
    from theory.claims import claim_domain
    from theory.optim.compare import check

    f = toylands.get(name)
    box = claim_domain(f)
    reg = region_map(f, domain=box, budget=2000, rounds=1)
    pairs = certified_best_pairs(f, reg, domain=box)
    assert set(pairs) == {1, 3, 7}
    for th, bp in pairs.items():
        assert bp.verdict == "proved" and bp.method == "interval", (th, bp)
        again = certify(f, bp.alpha, bp.beta, method=bp.method, domain=box)
        assert again.verdict == "proved", (th, bp, again.reason)
    if name == "example3":
        # the reproducer: the sampled region's best pair was refuted at (0.625, 0.625); the
        # recommended one sits above the true α_min (in [1.07, 1.08])
        bad = certify(f, 1.0491103406317837, 1.0454624808923896, domain=box)
        assert bad.verdict == "refuted" and np.allclose(bad.worst_point, [0.625, 0.625])
        assert pairs[1].alpha > 1.07
    for theorem, scale in (("1", 1.0), ("2", 10.0)):
        res = check(f, theorem, scale=scale, runs=16, steps=40)
        if res.alpha is None:
            continue
        assert res.pair_verdict == "proved", res.reason
        again = certify(f, res.alpha, res.beta, domain=f.domain)
        assert again.verdict == "proved" and again.method in ("interval", "symbolic")


def test_example1_sampled_best_pair_was_refuted_by_the_symbolic_method():
    from theory.certification.pairs import certified_best_pairs

    f = toylands.get("example1")
    assert certify(f, 0.590224, 0.471972, method="symbolic").verdict == "refuted"
    reg = region_map(f, budget=2000, rounds=1)
    bp = certified_best_pairs(f, reg, theorems=(1,))[1]
    # proved by the interval method, and again by the exact symbolic argument
    assert bp.verdict == "proved"
    assert certify(f, bp.alpha, bp.beta, method="symbolic").verdict == "proved"
    # β/(α − β) = 4 on β = 4α/5 over R²; on the box [−50, 50]² a little less
    assert 3.9 < bp.value < 4.0 * (1 + 1e-3)


def test_a_quick_pair_search_is_as_certified_and_at_most_as_good():
    """``refine=0`` and a coarse ``fine_rtol`` (the report's --quick): fewer certified β, the
    pair still proved (again, independently), its term no better than the full search's."""
    from theory.certification.pairs import certified_best_pairs
    from theory.claims import claim_domain

    f = toylands.get("example3")
    box = claim_domain(f)
    reg = region_map(f, domain=box, budget=1000, rounds=1)
    full = certified_best_pairs(f, reg, theorems=(1,), domain=box)[1]
    quick = certified_best_pairs(f, reg, theorems=(1,), domain=box, refine=0,
                                 fine_rtol=1e-2)[1]
    assert quick.verdict == "proved"
    assert certify(f, quick.alpha, quick.beta, domain=box).verdict == "proved"
    assert quick.value >= full.value * (1 - 1e-12)
    with pytest.raises(ValueError, match="refine"):
        certified_best_pairs(f, reg, theorems=(1,), domain=box, refine=-1)
    with pytest.raises(ValueError, match="fine_rtol"):
        certified_best_pairs(f, reg, theorems=(1,), domain=box, fine_rtol=0.0)


def test_check_example3_theorem2_scale10_claims_only_what_is_proved():
    # The reproducer: hypotheses_ok was True with a pair the interval method refutes on
    # [−20, 20]²; now hypotheses_ok means the pair is proved on the domain.
    from theory.optim.compare import check

    f = toylands.get("example3")
    res = check(f, "2", scale=10, runs=40, steps=200)
    assert res.pair_verdict == "proved" and res.pair_method == "interval"
    assert res.hypotheses_ok == (res.hypotheses == "proved")
    cert = certify(f, res.alpha, res.beta, method="interval", domain=(-20, 20))
    assert cert.verdict == "proved"


# ---- the rounding allowance (MATHEMATICS.md §2; theory.conditions.slack_tolerance) -----------
def test_a_violation_of_5e_8_at_example2s_claimed_alpha_is_a_refutation():
    f = toylands.get("example2")
    c = float(f.losses(f.minimizers.points).min())
    a = 8.0 / c  # ≈ 8.8e6; (a, a − 8) holds (MATHEMATICS.md §4.2), with slack → 0 at infinity
    held = certify(f, a, a - 8.0, method="sample", domain=(-6, 6), budget=5000)
    assert held.verdict == "holds_on_samples"
    cert = certify(f, a, a - 8.0 - 5e-8, method="sample", domain=(-6, 6), budget=5000)
    assert cert.verdict == "refuted", cert.details
    assert cert.details["tolerance_at_worst"] < 5e-8
    s, tol = point_slack(f, cert.worst_point[None], a, a - 8.0 - 5e-8)
    assert s[0] < -tol[0] and np.isfinite(tol[0])


def test_huge_alpha_never_passes_by_an_infinite_allowance():
    f = toylands.get("example2")
    # (1.7e308, 1.6e308) fails (the frontier's slope is 1 − 9e-7): the allowance stays finite
    cert = certify(f, 1.7e308, 1.6e308, method="sample", budget=2000)
    assert cert.verdict == "refuted" and np.isfinite(cert.details["tolerance_at_worst"])
    s, tol = point_slack(f, f.domain.sample(np.random.default_rng(0), 100), 1.7e308, 1.69e308)
    assert np.all(np.isfinite(tol))


def test_an_overflowing_slack_is_an_error_not_a_pass():
    # f_i ~ 1e300: α b and β c both overflow, the slack is NaN; no verdict may be given
    big = toylands.from_functions(
        name="huge", dim=1, n=1, losses=lambda x: 1e300 * (1.0 + x**2),
        grads=lambda x: 2e300 * x[..., None, :], f_i_star=[1e300], f_star=1e300,
        project=lambda x: np.zeros_like(x), validate=False,
    )
    with pytest.raises(ValueError, match="overflow"):
        certify(big, 1e10, 5e9, method="sample", budget=200)


def test_an_overflowing_allowance_raises():
    from theory.conditions import Rows, slack_tolerance

    one = np.ones((1, 1, 1))
    rows = Rows(a=0 * one, b=0 * one, c=one, mask=np.ones((1, 1), bool),
                candidates=np.zeros((1, 1, 1)), fx=np.full((1, 1), 1.7e308),
                fp=np.full((1, 1, 1), 1.7e308), lower=np.zeros(1))
    with pytest.raises(ValueError, match="overflows"):
        slack_tolerance(rows, 1e10, 0.5)


def test_sampled_certificates_reuse_their_rows_and_agree_with_a_fresh_computation(
        lands, monkeypatch):
    import theory.certification.sampling as S

    f = lands["example6"]
    first = certify(f, 2.0, 1.0, method="sample", budget=800, rng=3)
    calls = []
    real = S.alpha_beta_rows
    monkeypatch.setattr(S, "alpha_beta_rows", lambda *a, **k: calls.append(1) or real(*a, **k))
    again = [certify(f, a, b, method="sample", budget=800, rng=3)
             for a, b in [(2.0, 1.0), (2.0, 1.99), (5.0, 0.0)]]
    assert not calls  # the same seeded sample: its rows are remembered
    assert again[0].to_json() | {"budget": None} == first.to_json() | {"budget": None}
    S._ROWS_MEMO.clear()
    for cert, (a, b) in zip(again, [(2.0, 1.0), (2.0, 1.99), (5.0, 0.0)]):
        fresh = certify(f, a, b, method="sample", budget=800, rng=3)
        assert (fresh.verdict, fresh.min_slack) == (cert.verdict, cert.min_slack)
        assert np.array_equal(fresh.worst_point, cert.worst_point)
    assert calls  # recomputed once the memo is gone


def test_rigorous_certificates_of_builtin_landscapes_are_remembered(tmp_path, monkeypatch):
    """A proof is a function of the landscape, the pair, the box, the budget and the code: for
    toylands' own landscapes it is read back from the disk cache, bit for bit, by another
    object (another process, another run); a user's landscape, and an inconclusive certificate
    that ran past its time limit, are computed every time."""
    import copy

    from theory.certification import dispatch

    monkeypatch.setenv("TOYLANDS_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("TOYLANDS_NO_CACHE", raising=False)
    calls = []
    mod, _ = dispatch._backend("interval")
    real = mod.certify_interval

    def spy(*a, **k):
        calls.append(a[1:3])
        return real(*a, **k)

    monkeypatch.setattr(mod, "certify_interval", spy)
    first = certify(toylands.get("example3"), 2.0, 1.0, method="interval")
    again = certify(toylands.get("example3"), 2.0, 1.0, method="interval")
    assert first.verdict == "refuted" and len(calls) == 1
    assert again.to_json() == first.to_json()
    certify(toylands.get("example3"), 2.0, 0.5, method="interval")  # another pair: computed
    assert len(calls) == 2
    mine = copy.copy(toylands.get("example3"))  # not built by get: no identity
    certify(mine, 2.0, 1.0, method="interval")
    certify(mine, 2.0, 1.0, method="interval")
    assert len(calls) == 4
    boxes = {"boxes": 1, "seconds": 30.0}  # inconclusive when its boxes are spent: stored
    for _ in range(2):
        assert certify(toylands.get("example1"), 2.5, 2.0, method="interval",
                       budget=boxes).verdict == "inconclusive"
    assert len(calls) == 5
    hurried = {"boxes": 10**6, "seconds": 1e-9}  # past its time limit: not stored
    for _ in range(2):
        assert certify(toylands.get("example1"), 2.5, 2.0, method="interval",
                       budget=hurried).verdict == "inconclusive"
    assert len(calls) == 7


def test_region_maps_of_builtin_landscapes_are_remembered(tmp_path, monkeypatch):
    """A seeded region map of one of toylands' own landscapes is read back, bit for bit, by
    another object; a Generator (its state is not in the key) or a user's landscape computes."""
    import copy

    from theory.certification import mapping

    monkeypatch.setenv("TOYLANDS_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("TOYLANDS_NO_CACHE", raising=False)
    calls = []
    real = mapping._region_map

    def spy(landscape, *a):
        calls.append(landscape.name)
        return real(landscape, *a)

    monkeypatch.setattr(mapping, "_region_map", spy)
    kw = dict(budget=200, rounds=1, rng=3, keep_points=True)
    a = region_map(toylands.get("example2"), **kw)
    b = region_map(toylands.get("example2"), **kw)
    assert len(calls) == 1
    assert a.alpha_min == b.alpha_min and np.array_equal(a.info["points"], b.info["points"])
    for k in ("xs", "s", "q"):
        assert np.array_equal(getattr(a.envelope, k), getattr(b.envelope, k))
    region_map(toylands.get("example2"), **{**kw, "rng": 4})  # another seed: computed
    assert len(calls) == 2
    region_map(toylands.get("example2"), **{**kw, "rng": np.random.default_rng(3)})
    region_map(copy.copy(toylands.get("example2")), **kw)
    assert len(calls) == 4
