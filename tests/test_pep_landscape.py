"""Every built-in landscape whose constants fit a PEP instance is a member of the class:
its data satisfy the PEP's constraints, and its measured value is not above the worst case."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("PEPit", reason="the pep extra (PEPit, cvxpy) is not installed")

import toylands  # noqa: E402
from theory.pep import landscape as PL  # noqa: E402
from theory.pep import theorems as T  # noqa: E402

K = 2


@pytest.fixture(scope="module", params=["1", "2", "3"])
def fits(request):
    return request.param, PL.fitting(request.param)


def test_which_landscapes_fit(fits):
    t, fs = fits
    ok = {f.name for f in fs if f.instance is not None}
    assert {"example1", "example3", "example6"} <= ok
    why = {f.name: f.reason for f in fs if f.instance is None}
    assert "ill-conditioned" in why["example2"]  # α/(α − β) ≈ 1.1e6
    for name in ("least-squares", "two-layer-relu", "half-space"):
        assert name in why  # no proved pair of the paper, or n too large, or not smooth


def test_measured_is_not_above_the_worst_case_of_its_instance(fits):
    t, fs = fits
    for f in fs:
        if f.instance is None:
            continue
        land, inst = toylands.get(f.name), f.instance
        chk = PL.member_check(land, inst.rule(K), f.x0, K, alpha=inst.alpha, beta=inst.beta,
                              L=inst.L, box=f.box)
        # the landscape's own data satisfy every constraint of the PEP up to rounding
        assert chk.pop("box") == 0, (f.name, "a node left the box where (alpha, beta) is proved")
        assert max(chk.values()) <= 1e-12, (f.name, chk)
        measured = PL.measured(land, inst.rule(K), f.x0, K)
        res = T.exact(inst, K, cells_per_step=1)
        wc = res.bound()
        # weak duality: a feasible point's objective is at most the optimum (solver accuracy)
        assert measured <= wc * (1 + 1e-6), (f.name, measured, wc)
        assert wc <= inst.bound(K).value, (f.name, wc)


def test_exact_expectations_agree_with_simulate():
    from theory.optim import optimizers as O
    from theory.optim.simulate import simulate

    land = toylands.get("example6")
    x0 = np.array([0.4, -0.3])
    rule = T.Instance("2", alpha=41.37, beta=40.37, L=2.0, D0_sq=1.0, sigma2=0.3, c=1.0,
                      gamma_b=0.5).rule()
    exact = PL.expectations(land, rule, x0, 5)
    R = 4000
    sim = simulate(land, O.sps_max(1.0, 0.5), np.repeat(x0[None], R, 0), steps=4,
                   rng=np.random.default_rng(3), quiet=True)
    se = np.sqrt(sim.gap_var[:5] / R)
    assert np.all(np.abs(sim.gap_mean[:5] - exact) <= 4 * se + 1e-12), (sim.gap_mean, exact)
    assert exact[0] == pytest.approx(land.value(x0[None])[0] - land.f_star, rel=1e-15)


def test_tree_follows_the_library_step_rules():
    land = toylands.get("example1")
    x0 = np.array([0.3, 0.1])
    levels = PL.tree(land, T.Instance("3", alpha=5, beta=4, L=4, D0_sq=1, sigma2=0.2,
                                      gamma=0.25).rule(), x0, 3)
    assert [X.shape[0] for X in levels] == [1, 2, 4]
    # node j of depth 1 is x0 − γ_k ∇f_j(x0) with NGN's γ_k
    from theory.optim.optimizers import gamma_ngn

    for j in range(2):
        g = land.grad_at(x0[None], np.array([j]))[0]
        gam = gamma_ngn(land.loss_at(x0[None], np.array([j])), np.array([g @ g]), 0.25)[0]
        np.testing.assert_allclose(levels[1][j], x0 - gam * g, rtol=0, atol=1e-15)


def test_unknown_fi_minimisers_refuse():
    with pytest.raises(ValueError, match="minimisers"):
        PL.fi_minimizers(toylands.get("least-squares"), np.zeros(10))


def test_proved_pairs_are_remembered_on_disk_for_builtins_only(tmp_path, monkeypatch):
    """The pair's proof is computed once across processes (the report's parts), never for a
    landscape whose code is not in the key (a user's, or a re-registered built-in name)."""
    import theory.certification as TC

    monkeypatch.setenv("TOYLANDS_CACHE_DIR", str(tmp_path))
    calls = []
    real = TC.certify

    def spy(*a, **k):
        calls.append(a[0].name)
        return real(*a, **k)

    monkeypatch.setattr(TC, "certify", spy)
    proved = PL._proved.__wrapped__  # without the in-process lru_cache
    assert proved("example1", 5.0, 3.0, -2.0, 2.0) is proved("example1", 5.0, 3.0, -2.0, 2.0)
    assert calls == ["example1"]
    monkeypatch.setattr(toylands._registry, "_REGISTRY", dict(toylands._registry._REGISTRY))
    toylands.register("example1", toylands._registry._REGISTRY["example1"].resolve())
    proved("example1", 5.0, 3.0, -2.0, 2.0)
    assert calls == ["example1", "example1"]
