"""The larger PEPs (tens of seconds each): `make test-slow`."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("PEPit", reason="the pep extra (PEPit, cvxpy) is not installed")

from theory import cli  # noqa: E402
from theory.optim import bounds as B  # noqa: E402
from theory.pep import SGD, SPSMax, telescoped, worst_case  # noqa: E402

pytestmark = pytest.mark.slow
BASE = dict(alpha=2.0, beta=1.0, L=1.0, D0_sq=1.0, sigma2=0.1)


def thm1(K):
    return B.theorem1_sgd(alpha=2, beta=1, L=1, gamma=0.5, K=K, D0_sq=1, sigma_int2=0.1).value


def test_cli_steps_2_3_4_lie_strictly_below_theorem1(capsys):
    vals = []
    for K in (2, 3, 4):
        argv = ["pep", "--theorem", "1", "--alpha", "2", "--beta", "1", "--L", "1", "--gamma",
                "0.5", "--steps", str(K), "--d0sq", "1", "--sigma2", "0.1", "--json"]
        assert cli.main(argv) == 0
        out = json.loads(capsys.readouterr().out)
        assert out["status"] == "optimal"
        assert out["worst_case"] < out["theorem_bound"] * (1 - 1e-3), out
        vals.append(out["worst_case"])
    assert vals[0] >= vals[1] * (1 - 1e-6) >= vals[2] * (1 - 2e-6)  # non-increasing in K


def test_proof_only_four_steps_not_above_theorem1():
    r = worst_case(SGD(0.5), K=4, model="proof", **BASE)
    assert thm1(4) * 0.98 <= r.bound() <= thm1(4) * (1 + 1e-6)


@pytest.mark.parametrize("n", [3, 4])
def test_more_functions_two_steps(n):
    from theory.pep._validate import gram_order

    r = worst_case(SGD(0.5), K=2, n=n, **BASE)
    assert r.size["nodes"] == 1 + n and r.size["gram"] == gram_order(2, n)
    assert r.bound() < thm1(2)


def test_cells_do_not_change_the_sps_potential():
    # the potential over the class is already reached with one cell: finer cells (3 blocks)
    # give the same telescoped bound within the solver's accuracy
    one = telescoped(SPSMax(1.0, 1.0), K=10, cells_per_step=1, **BASE).bound()
    two = telescoped(SPSMax(1.0, 1.0), K=10, cells_per_step=2, **BASE).bound()
    assert two <= one * (1 + 1e-6)
    assert two == pytest.approx(one, rel=1e-4)
