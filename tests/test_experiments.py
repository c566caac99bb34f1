"""The §5 experiments at toy scale: their pieces (exact orbit projection, data, verdicts) and one
tiny end-to-end run through the command line."""

import json

import numpy as np
import pytest

from theory.cli import main

torch = pytest.importorskip("torch", reason="the torch extra is not installed")
pytest.importorskip("sklearn", reason="scikit-learn (load_digits) is not installed")

from theory.studies.experiments import claims as C  # noqa: E402
from theory.studies.experiments import mlp, teacher  # noqa: E402
from theory.studies.experiments._common import digits, torch_threads  # noqa: E402


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    with torch_threads(1):
        yield


def test_unit_cost_is_the_minimum_over_rescalings():
    rng = np.random.default_rng(0)
    w, ws = rng.normal(size=(20, 4)), rng.normal(size=(20, 4))
    v, vs = rng.normal(size=20), rng.normal(size=20)
    cost, c = teacher.unit_cost(w, v, ws, vs)
    grid = np.geomspace(1e-3, 1e3, 200_001)
    brute = np.min(np.sum((w[:, None] - grid[:, None] * ws[:, None]) ** 2, -1)
                   + (v[:, None] - vs[:, None] / grid) ** 2, axis=1)
    assert np.all(cost <= brute + 1e-12)
    np.testing.assert_allclose(cost, brute, rtol=1e-6, atol=1e-9)


def test_orbit_projection_is_exact_on_the_orbit_and_nearest_among_samples():
    rng = np.random.default_rng(1)
    k, d = 3, 4
    Ws, vs = rng.normal(size=(k, d)), rng.normal(size=k)
    perm, c = rng.permutation(k), rng.uniform(0.5, 2.0, k)
    on = np.concatenate([(c[:, None] * Ws[perm]).reshape(-1), vs[perm] / c])
    P, dist = teacher.orbit_projection(on, Ws, vs)
    np.testing.assert_allclose(P[0], on, atol=1e-10)
    assert dist[0] < 1e-8
    x = on + 0.3 * rng.normal(size=on.size)
    P, dist = teacher.orbit_projection(x, Ws, vs)
    assert abs(np.linalg.norm(x - P[0]) - dist[0]) < 1e-9
    for _ in range(200):  # no sampled orbit point is nearer than the projection
        q, cc = rng.permutation(k), rng.uniform(0.2, 5.0, k)
        pt = np.concatenate([(cc[:, None] * Ws[q]).reshape(-1), vs[q] / cc])
        assert np.linalg.norm(x - pt) >= dist[0] - 1e-12


def test_digits_is_seeded_balanced_and_in_unit_range():
    X, y = digits(50, 0)
    X2, y2 = digits(50, 0)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    assert X.shape == (50, 64) and 0 <= X.min() and X.max() <= 1
    assert set(np.bincount(y, minlength=10)) == {5}


def test_digits_read_back_from_the_cache_are_scikit_learns(tmp_path, monkeypatch):
    from sklearn.datasets import load_digits

    from theory.studies.experiments import _common

    monkeypatch.setenv("TOYLANDS_CACHE_DIR", str(tmp_path))
    first, again = _common._all_digits(), _common._all_digits()
    assert list((tmp_path / "sklearn-digits").glob("*.pkl"))  # stored, then read back
    data = load_digits()
    for X, y in (first, again):
        assert np.array_equal(X, data.data / 16.0) and np.array_equal(y, data.target)
        assert y.dtype == np.int64


def test_rise_then_fall_and_the_verdicts_are_never_confirmed():
    assert mlp.rise_then_fall([0.1, 0.5, 0.2]) and not mlp.rise_then_fall([0.1, 0.2, 0.5])
    res = {"rows": [{"width": 2, "alpha": 0.2, "works_fraction": 0.5},
                    {"width": 8, "alpha": 0.5, "works_fraction": 0.1},
                    {"width": 32, "alpha": 0.3, "works_fraction": 0.3}],
           "peak_width": 8, "alpha_peak_width": 8, "interpolation_threshold": 8, "n": 50,
           "rise_then_fall": True}
    (cl,) = C.claims("mlp-width", res)
    assert cl["verdict"] == C.REPRODUCED and "peak at width 8" in cl["measured"]
    res["rise_then_fall"] = False
    assert C.claims("mlp-width", res)[0]["verdict"] == C.NOT_REPRODUCED


def test_cli_experiment_mlp_width_tiny(monkeypatch, capsys):
    monkeypatch.setitem(mlp.SETTINGS, "quick", {**mlp.SETTINGS["quick"], "n": 20,
                                                "widths": (2, 4), "epochs": 2})
    assert main(["experiment", "mlp-width", "--quick", "--json", "--quiet"]) in (0, 1)
    res = json.loads(capsys.readouterr().out)
    assert [r["width"] for r in res["rows"]] == [2, 4]
    assert all(r["reproduced"] for r in res["rows"])
    assert res["claims"][0]["verdict"] in (C.REPRODUCED, C.NOT_REPRODUCED)
    assert res["device"] == "cpu"


def test_cli_experiment_refuses_cuda_without_a_gpu_and_unknown_names(capsys):
    if not torch.cuda.is_available():
        assert main(["experiment", "teacher-student", "--device", "cuda", "--quick"]) == 2
        assert "cuda" in capsys.readouterr().err
    assert main(["experiment", "nope"]) == 2
    assert "unknown experiment" in capsys.readouterr().err


def test_teacher_student_tiny(monkeypatch):
    monkeypatch.setitem(teacher.SETTINGS, "quick", {**teacher.SETTINGS["quick"], "n": 30,
                                                    "steps": 60})
    res = teacher.teacher_student(quick=True)
    assert res["reproduced"] and res["max_f_at_projection"] < 1e-20
    for key in ("proxy", "exact"):
        assert set(res[key]) == {"alpha", "beta", "alpha_min", "min_T_at_5_4"}
    assert res["exact_steps_refuting_every_pair"] >= 0
    (cl,) = C.claims("teacher-student", res)
    assert cl["verdict"] in (C.REPRODUCED, C.NOT_REPRODUCED)


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device on this machine")
def test_teacher_student_on_cuda_matches_cpu(monkeypatch):
    monkeypatch.setitem(teacher.SETTINGS, "quick", {**teacher.SETTINGS["quick"], "n": 30,
                                                    "steps": 40})
    cpu = teacher.teacher_student(quick=True, device="cpu")
    gpu = teacher.teacher_student(quick=True, device="cuda")
    assert gpu["reproduced"]
    assert abs(gpu["final_loss"] - cpu["final_loss"]) <= 1e-9 * max(1.0, cpu["final_loss"])
