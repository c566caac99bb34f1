"""The PEP bridge (theory.pep): worst case over the α-β class against Theorem 1's proof.

Small SDPs only (n = 2, K ≤ 3); the larger ones are in test_pep_slow.py. Solver tolerances: the
values are accurate to ~1e-7 relative (Clarabel), so comparisons use rtol 1e-6 on quantities of
order one (never an absolute 0 tolerance).
"""

from __future__ import annotations

import json
import math

import pytest

pytest.importorskip("PEPit", reason="the pep extra (PEPit, cvxpy) is not installed")
pytest.importorskip("cvxpy", reason="the pep extra (PEPit, cvxpy) is not installed")

from theory.optim import bounds as B  # noqa: E402
from theory.pep import (  # noqa: E402
    SGD,
    PEPResult,
    PEPSolveError,
    b_of_a,
    telescoped,
    worst_case,
)
from theory.pep.result import combine_max  # noqa: E402

RTOL = 1e-6
# Theorem 1's instance of the issue: α = 2, β = 1, L = 1, γ = (α − β)/(2L) = 0.5, D₀² = 1, σ² = 0.1
BASE = dict(alpha=2.0, beta=1.0, L=1.0, D0_sq=1.0, sigma2=0.1)


def thm1(K, gamma=0.5, **kw):
    c = {**BASE, **kw}
    return B.theorem1_sgd(alpha=c["alpha"], beta=c["beta"], L=c["L"], gamma=gamma, K=K,
                          D0_sq=c["D0_sq"], sigma_int2=c["sigma2"]).value


def close(a, b, rtol=RTOL):
    return abs(a - b) <= rtol * max(abs(a), abs(b), 1.0)


# ---- K = 1: the worst case is L·D₀²/2 --------------------------------------------------------
@pytest.mark.parametrize("L, D0_sq, sigma2", [(1.0, 1.0, 0.1), (3.0, 0.7, 0.0), (0.25, 4.0, 2.0)])
def test_one_step_is_half_L_D0sq(L, D0_sq, sigma2):
    # K = 1: max f(x⁰) − f* over L-smooth f with ∇f = 0 on S and dist(x⁰, S)² ≤ D₀²: the
    # descent lemma gives L D₀²/2, attained by f_i = (L/2) dist(x, S)² (α − β ≤ 2 admits it).
    r = worst_case(SGD(0.1), alpha=2.0, beta=1.0, L=L, K=1, D0_sq=D0_sq, sigma2=sigma2)
    assert r.ok, r.reason
    assert close(r.bound(), L * D0_sq / 2), r.value
    assert r.solver == "clarabel" and r.status == "optimal"
    assert abs(r.accuracy["gap"]) < 1e-6


# ---- the proof-only class reproduces Theorem 1 ---------------------------------------------------
@pytest.mark.parametrize("K", [1, 2, 3])
def test_proof_only_kstep_is_not_above_theorem1(K):
    r = worst_case(SGD(0.5), K=K, model="proof", **BASE)
    bound = thm1(K)
    assert r.ok, r.reason
    # not above the theorem (its proof holds inside this model) ...
    assert r.bound() <= bound * (1 + RTOL)
    # ... and within 2% of it: the model is exactly the proof's information, the PEP only adds
    # ‖x^K − x_p‖² ≥ 0 for the best multiple of the last step (the proof uses the step itself)
    assert r.bound() >= 0.98 * bound


@pytest.mark.parametrize("K", [1, 1000])
@pytest.mark.parametrize("model", ["proof", "class"])
def test_potential_recovers_theorem1_constants(K, model):
    # at γ = (α − β)/(2L) the best one-step potential is the proof's: a = γ(α − β),
    # b = 2γ(β + Lγ), and its telescoped bound is Theorem 1's, for the proof's class and for the
    # whole class alike (the one-step inequality of the proof is tight over the class)
    g, a, b = 0.5, 0.5 * (2 - 1), 2 * 0.5 * (1 + 0.5)
    r = telescoped(SGD(g), K=K, model=model, **BASE)
    assert r.ok, r.reason
    assert close(r.bound(), thm1(K), 1e-5)
    assert close(r.duals["a"], a, 1e-5) and close(r.duals["b"], b, 1e-5)


def test_b_of_a_is_flat_up_to_the_best_a_then_infinite():
    # proof-only class, γ = 0.25 < (α − β)/(2L): b(a) = 2γ(β + Lγ) for every a up to
    # a* = 2γ(α − β − Lγ) = 0.375, infinite beyond. The proof's own a = γ(α − β) = 0.25 is
    # valid but not the best: the proof loses a factor a*/a = 2(1 − Lγ/(α − β)) = 1.5 here.
    g = 0.25
    b_proof, a_proof, a_star = 2 * g * (1 + g), g * (2 - 1), 2 * g * (2 - 1 - g)
    for a in (0.0, a_proof, a_star):
        r = b_of_a(SGD(g), a, alpha=2, beta=1, L=1, model="proof")
        assert r.ok, (a, r.reason)
        assert close(r.bound(), b_proof, 1e-5), (a, r.value)
    over = b_of_a(SGD(g), a_star * 1.05, alpha=2, beta=1, L=1, model="proof")
    assert over.status == "unbounded" and over.value is None
    with pytest.raises(PEPSolveError):
        over.bound()


def test_potential_with_smaller_step_is_strictly_below_theorem1():
    g = 0.25
    r = telescoped(SGD(g), K=10, model="proof", **BASE)
    a_star = 2 * g * (1 - g)
    expect = (1.0 / 10 + 2 * g * (1 + g) * 0.1) / a_star
    assert close(r.bound(), expect, 1e-5)
    assert r.bound() < thm1(10, gamma=g) * (1 - 1e-3)


# ---- the whole class ---------------------------------------------------------------------------
def test_kstep_is_below_theorem1_and_non_increasing_in_K():
    from theory.pep._validate import gram_order

    res = [worst_case(SGD(0.5), K=K, **BASE) for K in (1, 2, 3)]
    assert [r.size["gram"] for r in res] == [gram_order(K, 2) for K in (1, 2, 3)]
    vals = [r.bound() for r in res]
    assert close(vals[0], 0.5)
    for K, v in zip((1, 2, 3), vals):
        assert v < thm1(K) * (1 - 1e-3)
    # min over more iterates of the same runs cannot be larger (the K-step PEP's constraints
    # contain the (K−1)-step ones)
    assert vals[1] <= vals[0] * (1 + RTOL) and vals[2] <= vals[1] * (1 + RTOL)


def test_class_is_below_proof_only():
    for K in (1, 2):
        cls = worst_case(SGD(0.5), K=K, **BASE).bound()
        prf = worst_case(SGD(0.5), K=K, model="proof", **BASE).bound()
        assert cls <= prf * (1 + RTOL)


def test_invariance_under_rescaling():
    # x → t x, f → u f maps the class (α, β, L) to (α, β, uL/t²); values scale by u
    t2, u = 4.0, 3.0
    a = worst_case(SGD(0.5), K=2, **BASE).bound()
    b = worst_case(SGD(0.5 * t2 / u), alpha=2, beta=1, L=u / t2, K=2, D0_sq=t2,
                   sigma2=0.1 * u).bound()
    assert close(b, u * a, 1e-5)


def test_two_solvers_agree():
    from theory.pep import installed_solvers

    if "scs" not in installed_solvers():
        pytest.skip("SCS is not installed")
    a = worst_case(SGD(0.5), K=2, solver="clarabel", **BASE)
    b = worst_case(SGD(0.5), K=2, solver="scs", **BASE)
    assert a.ok and b.ok, (a.reason, b.reason)
    assert b.solver == "scs"
    # SCS (first order) is accurate to ~1e-6 here: compare within its tolerance
    assert close(a.bound(), b.bound(), 1e-4)


def test_json_is_byte_identical_between_runs():
    a = worst_case(SGD(0.5), K=1, **BASE).to_json()
    b = worst_case(SGD(0.5), K=1, **BASE).to_json()
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    assert "seconds" not in a and "accuracy" not in a
    full = worst_case(SGD(0.5), K=1, **BASE).to_json(timings=True)
    assert full["seconds"] > 0 and "gap" in full["accuracy"]


# ---- honest results ------------------------------------------------------------------------------
def test_a_failed_part_makes_the_maximum_no_bound():
    good = PEPResult("x", 1.0, 1.0, "optimal", "clarabel", accuracy={"gap": 1e-9})
    bad = PEPResult("x", None, None, "inaccurate", "clarabel", "duality gap 0.1")
    out = combine_max([good, bad], what="both")
    assert out.value is None and out.status == "inaccurate" and "duality gap" in out.reason
    with pytest.raises(PEPSolveError, match="inaccurate"):
        out.bound()
    assert combine_max([good, good], what="both").bound() == 1.0


@pytest.mark.parametrize(
    "kw, exc, word",
    [
        (dict(alpha=1.0, beta=1.0), ValueError, "alpha"),
        (dict(alpha=1.0, beta=2.0), ValueError, "alpha"),
        (dict(beta=-0.5), ValueError, "beta"),
        (dict(L=-1.0), ValueError, "L"),
        (dict(L=float("nan")), ValueError, "L"),
        (dict(D0_sq=math.inf), ValueError, "D0_sq"),
        (dict(sigma2=-1e-3), ValueError, "sigma2"),
        (dict(alpha="2"), TypeError, "alpha"),
        (dict(K=0), ValueError, "K"),
        (dict(K=2.5), TypeError, "K"),
        (dict(K=6), ValueError, "tractable"),
        (dict(n=9), ValueError, "n"),
        (dict(n=3, K=3), ValueError, "tractable"),
        (dict(alpha=1e7, beta=1e7 - 1), ValueError, "ill-conditioned"),
        (dict(model="tight"), ValueError, "model"),
        (dict(solver="mosek"), ValueError, "solver"),
    ],
)
def test_bad_input_is_a_clear_error(kw, exc, word):
    args = dict(K=1, n=2, **BASE)
    args.update(kw)
    with pytest.raises(exc, match=word):
        worst_case(SGD(0.5), **args)


@pytest.mark.parametrize("g", [0.0, -1.0, float("nan"), True])
def test_bad_step_is_a_clear_error(g):
    with pytest.raises((ValueError, TypeError), match="gamma"):
        SGD(g)
