"""SPS_max and NGN in the PEP (step sizes enclosed in cells), and SGD with decreasing steps."""

from __future__ import annotations

import pytest

pytest.importorskip("PEPit", reason="the pep extra (PEPit, cvxpy) is not installed")

from theory.optim import bounds as B  # noqa: E402
from theory.pep import NGN, SGD, SPSMax, telescoped, worst_case  # noqa: E402
from theory.pep import steps as S  # noqa: E402
from theory.pep import theorems as T  # noqa: E402

BASE = dict(alpha=2.0, beta=1.0, L=1.0, D0_sq=1.0, sigma2=0.1)
RTOL = 1e-6


def close(a, b, rtol=RTOL):
    return abs(a - b) <= rtol * max(abs(a), abs(b), 1.0)


def test_step_intervals_are_the_lemmas_of_the_theorems():
    # SPS_max: [min{1/(2cL), γ_b}, γ_b]; NGN: [γ/(1 + γL), γ] (MATHEMATICS.md §6, lemmas)
    assert S.interval(SPSMax(1.0, 1.0), L=1.0) == (0.5, 1.0)
    assert S.interval(SPSMax(1.0, 0.2), L=1.0) == (0.2, 0.2)
    assert S.interval(NGN(2.0), L=1.5) == (2.0 / 4.0, 2.0)
    cs = S.cells(NGN(1.0), 4)
    assert len(cs) == 4 and cs[0][0] == 0.5 and cs[-1][1] == 1.0
    assert all(a[1] == b[0] for a, b in zip(cs, cs[1:]))


def test_sps_with_the_cap_always_binding_is_sgd():
    # γ_b ≤ 1/(2cL): the Polyak step never binds, SPS_max is SGD with step γ_b, and the PEP's
    # equality trick (a zero-width cell) must give SGD's worst case exactly
    for K in (1, 2):
        a = worst_case(SPSMax(1.0, 0.5), K=K, **BASE).bound()
        b = worst_case(SGD(0.5), K=K, **BASE).bound()
        assert close(a, b, 1e-5), (K, a, b)


@pytest.mark.parametrize("rule, extra", [(SPSMax(1.0, 1.0), {}), (NGN(1.0), {"sigma_pos2": 0.05})])
def test_one_step_is_half_L_D0sq_for_adaptive_methods(rule, extra):
    r = worst_case(rule, K=1, **BASE, **extra)
    assert close(r.bound(), 0.5)


@pytest.mark.slow
@pytest.mark.parametrize("rule, extra", [(SPSMax(1.0, 1.0), {}), (NGN(1.0), {"sigma_pos2": 0.0})])
def test_finer_cells_can_only_lower_the_worst_case(rule, extra):
    # each finer cell's constraints imply the coarser cell's, so the maximum cannot grow
    one = worst_case(rule, K=2, cells_per_step=1, **BASE, **extra).bound()
    two = worst_case(rule, K=2, cells_per_step=2, **BASE, **extra)
    assert two.size["sdps"] == 4
    assert two.bound() <= one * (1 + RTOL)
    assert two.bound() < one * (1 - 1e-3)  # and here it does lower it


def test_sps_max_worst_case_is_below_theorem2():
    inst = T.Instance("2", c=1.0, gamma_b=1.0, **BASE)
    res, bound = T.wc(inst, 2, cells_per_step=1)
    assert res.bound() < bound
    for K in (100,):
        res, bound = T.wc(inst, K, method="potential")
        assert res.bound() <= bound * (1 + RTOL)
        # the best potential has the proof's a = γ_min(2(α − β) − 1/c) = 0.5 and a smaller b
        # than the b = 2αγ_b = 4 the proof's bound implies
        assert close(res.duals["a"], 0.5, 1e-4) and res.duals["b"] < 4.0 * (1 - 1e-2)


def test_ngn_worst_case_is_below_theorem3():
    inst = T.Instance("3", gamma=1.0, sigma_pos2=0.05, **BASE)
    res, bound = T.wc(inst, 2, cells_per_step=1)
    assert res.bound() < bound
    res, bound = T.wc(inst, 10, method="potential")
    # Theorem 3 is loose by almost 2x as a potential argument here
    assert res.bound() < 0.6 * bound
    assert set(res.duals) >= {"a", "b", "b_pos"}


def test_decreasing_steps_theorem4():
    inst = T.Instance("4", gamma=0.5, **BASE)
    assert inst.rule(3).gamma == pytest.approx((0.5, 0.5 / 2**0.5))
    res, bound = T.wc(inst, 2)
    assert res.bound() < bound
    with pytest.raises(ValueError, match="Theorem 4"):
        T.potential(inst, 3)
    with pytest.raises(ValueError, match="schedule"):
        worst_case(SGD((0.5,)), K=3, **BASE)


def test_potential_needs_a_constant_step_and_ngn_needs_sigma_pos():
    with pytest.raises(ValueError, match="constant step"):
        telescoped(SGD((0.5, 0.4)), K=2, **BASE)
    with pytest.raises(ValueError, match="sigma_pos2"):
        worst_case(NGN(1.0), K=1, **BASE)
    with pytest.raises(ValueError, match="Theorem 2 needs c"):
        T.Instance("2", gamma_b=1.0, **BASE)
    with pytest.raises(ValueError, match="theorem must be one of"):
        T.Instance("7", gamma=1.0, **BASE)


def test_implied_constants_are_theorem1s_per_step_constants():
    from theory.pep.study import implied_constants

    g = 0.25
    inst = T.Instance("1", gamma=g, **BASE)
    imp = implied_constants(inst, 7)
    assert close(imp["a"], g * (2 - 1)) and close(imp["b"], 2 * g * (1 + 1 * g))
    bound = B.theorem1_sgd(alpha=2, beta=1, L=1, gamma=g, K=7, D0_sq=1, sigma_int2=0.1).value
    assert close(1.0 / (imp["a"] * 7) + imp["b"] * 0.1 / imp["a"], bound)


def test_solves_are_remembered_on_disk_by_every_input(tmp_path, monkeypatch):
    """The same instance and K are solved once (the report asks them in every run); another
    field of the instance, K or option is another entry."""
    monkeypatch.setenv("TOYLANDS_CACHE_DIR", str(tmp_path))
    calls = []
    real = T.worst_case

    def spy(*a, **k):
        calls.append(k["K"])
        return real(*a, **k)

    monkeypatch.setattr(T, "worst_case", spy)
    inst = T.Instance("1", gamma=0.5, **BASE)
    first = T.exact(inst, 1)
    assert T.exact(inst, 1) == first and calls == [1]
    T.exact(T.Instance("1", gamma=0.25, **BASE), 1)
    T.exact(inst, 2)
    T.exact(inst, 1, solver="scs")
    assert calls == [1, 1, 2, 1]
