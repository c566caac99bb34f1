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
