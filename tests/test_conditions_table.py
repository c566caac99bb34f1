"""``theory.studies.conditions_table`` and ``toylands conditions``: six conditions side by side,
each holding with a (sampled or proved) constant or failing with a witness."""

from __future__ import annotations

import json

import numpy as np
import pytest

import theory
import toylands
from theory.cli import main
from theory.conditions import pl_constant
from theory.studies.conditions_table import KEYS


@pytest.fixture(scope="module")
def ex6_table():
    return theory.conditions_table(toylands.get("example6"), points=600, prove=False)


def test_a_saddle_is_an_exact_witness_for_every_condition_but_alpha_beta(ex6_table):
    saddle = [c for c in toylands.get("example6").critical_points if c.kind == "saddle"][0]
    for key in ("PL", "delta_PL", "aiming", "QCvx"):
        row = ex6_table.rows[key]
        assert row.verdict == "fails" and row.constant == 0.0, key
        assert row.witness["kind"] == "saddle"
        np.testing.assert_allclose(row.witness["point"], saddle.point)
        assert row.witness["value"] == pytest.approx(1 / 3)
    assert ex6_table.rows["alpha_beta"].verdict == "holds_on_samples"
    assert ex6_table.rows["PL_star"].verdict == "not applicable"  # f* = (3 − √3)/4 ≠ 0


def test_sampled_constants_are_labelled_as_upper_bounds():
    t = theory.conditions_table(toylands.get("least-squares", n=4, d=7, seed=1), points=500,
                                prove=False)
    for key in ("PL", "delta_PL", "aiming", "QCvx"):
        row = t.rows[key]
        assert row.verdict == "holds_on_samples" and row.constant > 0
        assert "upper bound" in row.method
    assert t.rows["PL_star"].verdict == "holds_on_samples"  # underdetermined: f* = 0
    assert t.rows["PL_star"].constant > 0


def test_the_alpha_beta_pair_is_proved_where_a_rigorous_method_applies():
    t = theory.conditions_table(toylands.get("example6"), points=600, seconds=20)
    row = t.rows["alpha_beta"]
    assert row.verdict == "proved" and row.constant["alpha"] > row.constant["beta"] >= 0
    assert theory.certify(toylands.get("example6"), row.constant["alpha"],
                          row.constant["beta"], method="interval").verdict == "proved"


def test_pl_constant_is_exactly_zero_with_the_saddle_not_a_tiny_sample():
    f = toylands.get("example2")
    x = f.domain.sample(np.random.default_rng(0), 500)
    res = pl_constant(f, x)
    assert res.constant == 0.0 and res.witness == "saddle"
    np.testing.assert_allclose(res.worst_point, [1.0, 1.0], atol=1e-12)
    plain = pl_constant(f, x, witnesses=False)
    assert 0 < plain.constant < 1e-10 and plain.witness == ""  # what sampling alone gives


def test_cli_example2_json_says_pl_fails_at_the_saddle(capsys):
    code = main(["conditions", "example2", "--json", "--points", "800", "--no-prove"])
    raw = capsys.readouterr().out
    out = json.loads(raw)
    assert code == 0 and set(KEYS) <= set(out)
    for key in KEYS:
        assert {"verdict", "constant", "witness"} <= set(out[key])
    assert out["PL"]["verdict"] == "fails" and out["PL"]["constant"] == 0.0
    np.testing.assert_allclose(out["PL"]["witness"]["point"], [1.0, 1.0], atol=1e-12)
    assert out["PL_star"]["verdict"] == "not applicable"
    assert out["alpha_beta"]["method"].startswith("sampled region")  # never "exact" from samples
    # the same seed gives the same bytes (no elapsed time in the JSON)
    main(["conditions", "example2", "--json", "--points", "800", "--no-prove"])
    assert capsys.readouterr().out == raw


def test_cli_human_output_and_errors(capsys):
    assert main(["conditions", "example6", "--points", "300", "--no-prove"]) == 0
    text = capsys.readouterr().out
    assert "PL" in text and "saddle at (0.5, 0.5)" in text
    assert main(["conditions", "example6", "--delta", "3"]) == 2
    assert "--delta" in capsys.readouterr().err
