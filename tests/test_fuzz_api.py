"""Fuzz every public function and method of ``toylands`` and ``theory`` (tests/fuzzing.py says
what is fuzzed and the contract checked).

``make test`` runs a small deterministic sample (a few examples per target); ``make test-slow``
runs :data:`SLOW_EXAMPLES` per target, at least 10⁴ inputs in all (the last test checks the
count). Every failing call is reported with its arguments, reproducible from the seed.
"""

from __future__ import annotations

import os
from collections import Counter

import fuzzing as F
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

# Examples per target: a quick deterministic sample in `make test`, many in `make test-slow`.
QUICK_EXAMPLES = 2
SLOW_EXAMPLES = 60
# Targets whose calls are slow (simulations, searches): fewer examples in the slow run.
COSTLY = {
    "theory.certification.certify": 15,
    "theory.certification.region_map": 10,
    "theory.optim.check": 10,
    "theory.optim.check_curve": 10,
    "theory.optim.compare.choose_pair": 15,
    "theory.testing.assert_alpha_beta": 15,
    "theory.studies.plstar.width_point": 10,
    "theory.studies.plstar.ball_constants": 15,
    "theory.studies.protocol.two_pass": 15,
    "theory.studies.protocol.sgd_trajectory": 20,
    "theory.certification.interval.certify_interval": 15,
    "theory.certification.symbolic.certify_symbolic": 10,
    "theory.certification.symbolic.exact_region": 10,
    "theory.certification.symbolic.exact.exact_region": 10,
    "toylands.get": 40,
    "toylands.halfspace.half_space": 20,
    "toylands.relu_net.two_layer_relu": 20,
    "toylands.matfac.matrix_factorization": 30,
    "toylands.radial.remark1_bumps": 30,
    "theory.studies.paper.halfspace_study": 10,
    "theory.studies.paper.gap_one_study": 10,
}

# Targets left out of the quick sample (a single call takes seconds: sympy, simulations); the
# slow run fuzzes them (COSTLY).
QUICK_SKIP = {
    "theory.certification.symbolic.exact_region",
    "theory.certification.symbolic.certify_symbolic",
    "theory.optim.check_curve",
    "theory.optim.check",
    "theory.check",
    "theory.region_map",
    "theory.studies.plstar.width_point",
}

TRIED: Counter = Counter()

FUNCTIONS = F.discover()
METHODS = F.method_targets(F.public_classes())
TARGETS = FUNCTIONS + METHODS


def _examples(target, slow: bool) -> int:
    if not slow:
        return 0 if target.qualname in QUICK_SKIP else QUICK_EXAMPLES
    base = target.qualname.split("[")[0]
    return COSTLY.get(base, SLOW_EXAMPLES)


def _nonfinite_ok(target) -> bool:
    base = target.qualname.split("[")[0]
    return any(base == k or base.startswith(k + ".") for k in F.NONFINITE_OK)


def _fuzz(target, examples):
    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(call=F.arguments(target), data=st.data())
    def run(call, data):
        args, kwargs = call
        TRIED[target.qualname] += 1
        outcome = F.run_with_timeout(lambda: target.fn(*args, **kwargs))
        if outcome.error is None and isinstance(outcome.value, SearchStrategy):
            strat = outcome.value  # a strategy of toylands.strategies: draw from it too
            outcome = F.run_with_timeout(lambda: data.draw(strat))
        problem = F.judge(target, args, kwargs, outcome, nonfinite_ok=_nonfinite_ok(target))
        assert problem is None, f"{F.describe_call(target, args, kwargs)}: {problem}"

    run()


@pytest.mark.parametrize("target", [t for t in TARGETS if t.qualname not in QUICK_SKIP],
                         ids=lambda t: t.qualname)
def test_fuzz_quick(target):
    _fuzz(target, _examples(target, slow=False))


@pytest.mark.slow
@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.qualname)
def test_fuzz_slow(target):
    _fuzz(target, _examples(target, slow=True))


def test_discovery_finds_the_public_api():
    names = {t.qualname for t in TARGETS}
    for must in ("toylands.get", "toylands.from_functions", "theory.certify", "theory.simulate",
                 "theory.optim.bounds.theorem1_sgd", "toylands.strategies.alpha_beta_pairs"):
        assert must in names
    assert any(".Region[region].best_pair" in n for n in names)
    assert any("[two-layer-relu].losses" in n for n in names)


@pytest.mark.slow
def test_zz_slow_run_tried_at_least_ten_thousand_inputs():
    ran = [t for t in TARGETS if t.qualname in TRIED]
    if len(ran) < len(TARGETS) or os.environ.get("PYTEST_XDIST_WORKER"):
        pytest.skip("only meaningful after the whole slow fuzz run")
    total = sum(TRIED.values())
    print(f"\nfuzz: {total} inputs over {len(TARGETS)} targets")
    assert total >= 10_000
