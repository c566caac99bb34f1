"""Evaluation in blocks of points (toylands._blocks, Landscape's public methods, the slack rows,
Region's row reduction): blocked = unblocked, memory bounded by the output."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import theory.region as region_mod
import toylands
from theory.conditions import alpha_beta_rows
from theory.region import Region
from toylands import _blocks, _registry
from toylands._blocks import block_points, blocked


# ---- the mechanism -------------------------------------------------------------------------
def test_blocked_matches_one_call_for_every_block_size():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 7, 3))
    v = rng.normal(size=(5, 7, 3))

    def kernel(a, b):
        return a * b, (a + b).sum(axis=-1), np.exp(a)[..., None, :] * b[..., :, None]

    want = kernel(x, v)
    for block in (1, 2, 3, 34, 35, 36, 1000):
        got = blocked(kernel, (x, v), block=block)
        assert len(got) == 3
        for g, w in zip(got, want):
            assert g.shape == w.shape
            np.testing.assert_array_equal(g, w)


def test_blocked_single_output_dtype_and_broadcast_inputs():
    x = np.broadcast_to(np.arange(3.0), (4, 6, 3))  # a broadcast view: flattened by copying
    got = blocked(lambda a: a * 2.0, (x,), block=5, dtype=np.float32)
    assert got.dtype == np.float32 and got.shape == (4, 6, 3)
    np.testing.assert_array_equal(got, np.broadcast_to(np.arange(3.0) * 2, (4, 6, 3)))
    small = blocked(lambda a: a * 2.0, (x[:1, :1],), block=5, dtype=np.float32)
    assert small.dtype == np.float32


def test_block_points():
    assert block_points(1, budget=80) == 10
    assert block_points(10**9, budget=80) == 1
    assert block_points(0, budget=16) == 2


@pytest.mark.parametrize("raw", ["abc", "0", "-5", "1.5"])
def test_block_bytes_environment_variable_is_validated(monkeypatch, raw):
    monkeypatch.setenv("TOYLANDS_BLOCK_BYTES", raw)
    with pytest.raises(ValueError, match="TOYLANDS_BLOCK_BYTES"):
        _blocks._block_bytes()


def test_block_bytes_environment_variable_is_read(monkeypatch):
    monkeypatch.setenv("TOYLANDS_BLOCK_BYTES", "12345")
    assert _blocks._block_bytes() == 12345
    monkeypatch.delenv("TOYLANDS_BLOCK_BYTES")
    assert _blocks._block_bytes() == 4 << 20


# ---- every landscape: blocked public methods = one kernel call --------------------------------
def _small_instances():
    out = []
    for entry in _registry.entries():
        params = entry.test_params[0] if entry.test_params else {}
        out.append(pytest.param(entry.name, params, id=entry.name))
    return out


_LAND: dict = {}


def _land(name, params):
    key = (name, tuple(sorted(params.items())))
    if key not in _LAND:
        _LAND[key] = toylands.get(name, **params)
    return _LAND[key]


def _close(got, want):
    scale = max(float(np.max(np.abs(want), initial=0.0)), 1e-300)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-13 * scale)


@pytest.mark.parametrize(("name", "params"), _small_instances())
def test_public_methods_blocked_equal_unblocked(monkeypatch, name, params):
    f = _land(name, params)
    rng = np.random.default_rng(1)
    x = f.domain.sample(rng, 15).reshape(3, 5, f.dim)
    v = rng.normal(size=(3, 1, f.dim))  # broadcasts against x
    calls = {
        "losses": lambda: f.losses(x),
        "value": lambda: f.value(x),
        "gradient": lambda: f.gradient(x),
        "directional": lambda: f.directional(x, v),
        "fused": lambda: f.losses_and_directional(x, v),
        "grads": lambda: f.grads(x[:1]),
    }
    monkeypatch.setattr(_blocks, "BLOCK_BYTES", 1 << 40)
    want = {k: fn() for k, fn in calls.items()}
    monkeypatch.setattr(_blocks, "BLOCK_BYTES", 8)  # one point per block
    for key, fn in calls.items():
        got = fn()
        if key == "fused":
            for g, w in zip(got, want[key]):
                assert g.shape == w.shape
                _close(g, w)
            _close(got[0], want["losses"])
            _close(got[1], want["directional"])
        else:
            assert got.shape == want[key].shape
            _close(got, want[key])


def test_float32_points_give_float32_results_when_blocked(monkeypatch):
    f = _land("two-layer-relu", {"n": 6, "d": 2, "k": 2, "seed": 1})
    x = f.domain.sample(np.random.default_rng(2), 9).astype(np.float32)
    monkeypatch.setattr(_blocks, "BLOCK_BYTES", 8)
    out = f.losses_and_directional(x, x)
    assert all(o.dtype == np.float32 and o.shape == (9, f.n) for o in out)


# ---- two-layer-relu: the fused kernel against per-sample references --------------------------
@pytest.mark.parametrize("activation", ["relu", "softplus"])
def test_relu_fused_kernel_matches_per_sample_references(activation):
    f = _land("two-layer-relu", {"n": 12, "d": 3, "k": 5, "activation": activation,
                                 "seed": 4, "starts": 4})
    rng = np.random.default_rng(3)
    x = f.domain.sample(rng, 7)
    u = rng.normal(size=x.shape)
    fx, a = f.losses_and_directional(x, u)
    ref_a = np.einsum("pnd,pd->pn", f.grads(x), u)
    ref_f = np.stack([f.loss_at(x, np.full(7, i)) for i in range(f.n)], axis=-1)
    _close(a, ref_a)
    _close(fx, ref_f)
    np.testing.assert_array_equal(a, f.directional(x, u))
    np.testing.assert_array_equal(fx, f.losses(x))


def test_relu_kink_convention_is_kept_by_the_fused_kernel():
    # A unit with W_j·x_i = 0 exactly: σ'(0) = 1 (the module's convention) in the JVP.
    f = _land("two-layer-relu", {"n": 6, "d": 2, "k": 2, "seed": 1})
    x = np.zeros(f.dim)
    x[-2:] = [1.0, -2.0]  # W = 0, v ≠ 0: every pre-activation is 0
    u = np.zeros(f.dim)
    u[: f.d] = 1.0  # move W_0 only
    a = f.losses_and_directional(x, u)[1]
    np.testing.assert_allclose(a, np.einsum("nd,d->n", f.grads(x), u), rtol=1e-14, atol=1e-15)
    assert np.any(a != 0.0)


# ---- the slack rows ------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "params"), _small_instances())
def test_alpha_beta_rows_blocked_equal_unblocked(monkeypatch, name, params):
    f = _land(name, params)
    x = f.domain.sample(np.random.default_rng(5), 12)
    monkeypatch.setattr(_blocks, "BLOCK_BYTES", 1 << 40)
    want = alpha_beta_rows(f, x)
    monkeypatch.setattr(_blocks, "BLOCK_BYTES", 8)
    got = alpha_beta_rows(f, x)
    for field in ("a", "b", "c", "fx", "fp", "candidates"):
        g, w = getattr(got, field), getattr(want, field)
        assert g.shape == w.shape, field
        _close(g, w)
    np.testing.assert_array_equal(got.mask, want.mask)
    # and against the formulas with separate calls (no fused pass)
    pts = want.candidates
    _close(want.a, f.directional(np.broadcast_to(x[:, None], pts.shape), x[:, None] - pts))
    _close(want.b, f.losses(x)[:, None] - f.losses(pts))


def test_rows_with_several_candidates_keep_every_candidate():
    f = toylands.get("example2")  # two global minima: a finite S, two candidates per point
    x = f.domain.sample(np.random.default_rng(6), 20)
    rows = alpha_beta_rows(f, x)
    m = rows.candidates.shape[-2]
    assert m >= 2
    for j in range(m):
        p = rows.candidates[:, j]
        _close(rows.a[:, j], f.directional(x, x - p))
        _close(rows.fp[:, j], f.losses(p))
        _close(rows.c[:, j], np.maximum(f.losses(x) - f.f_i_star, 0.0))


def _peak(fn) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_relu_memory_is_that_of_the_output(monkeypatch):
    f = _land("two-layer-relu", {"n": 64, "d": 3, "k": 16, "seed": 2, "starts": 2})
    x = f.domain.sample(np.random.default_rng(7), 600)
    v = np.ones_like(x)
    out_bytes = 2 * x.shape[0] * f.n * 8
    budget = 1 << 18
    monkeypatch.setattr(_blocks, "BLOCK_BYTES", budget)
    blocked_peak = _peak(lambda: f.losses_and_directional(x, v))
    bound = out_bytes * 1.25 + 4 * budget
    assert blocked_peak <= bound
    monkeypatch.setattr(_blocks, "BLOCK_BYTES", 1 << 40)  # the test can fail: one big block
    assert _peak(lambda: f.losses_and_directional(x, v)) > bound


# ---- Region's row reduction ------------------------------------------------------------------
def _region_rows(rng, P, m, n):
    c = rng.random((P, m, n)) + 0.05
    b = c - 2.0 * rng.random((P, m, n))
    a = rng.normal(size=(P, m, n)) + 2.0
    zero = rng.random(c.shape) < 0.01
    c[zero] = 0.0
    b[zero] = -np.abs(b[zero]) - 0.1  # c = 0 rows bound α from below
    mask = np.ones((P, m), dtype=bool)
    mask[:, 1:] = rng.random((P, m - 1)) < 0.02  # a few points with tied candidates
    return a, b, c, mask


@pytest.mark.parametrize(("P", "m", "n"), [(400, 1, 50), (300, 2, 7), (5, 3, 1)])
def test_region_rows_reduced_in_blocks_equal_one_block(monkeypatch, P, m, n):
    a, b, c, mask = _region_rows(np.random.default_rng(P + m + n), P, m, n)
    monkeypatch.setattr(region_mod, "ROW_BLOCK", 1 << 40)
    want = Region.from_arrays(a, b, c, mask)
    monkeypatch.setattr(region_mod, "ROW_BLOCK", 64)
    got = Region.from_arrays(a, b, c, mask)
    alphas = np.linspace(-2.0, 3.0 * max(want.alpha_min, 1.0), 3001)
    ew, eg = want.envelope(alphas), got.envelope(alphas)
    assert np.array_equal(np.isfinite(ew), np.isfinite(eg))
    fin = np.isfinite(ew)
    np.testing.assert_allclose(eg[fin], ew[fin], rtol=1e-12, atol=1e-12)
    assert got.alpha_min == pytest.approx(want.alpha_min, rel=1e-12)
    assert (got.n_points, got.n_rows, got.n_tied) == (want.n_points, want.n_rows, want.n_tied)


def test_region_from_landscape_rows_is_the_same_in_blocks(monkeypatch):
    f = _land("two-layer-relu", {"n": 6, "d": 2, "k": 2, "seed": 1})
    rows = alpha_beta_rows(f, f.domain.sample(np.random.default_rng(8), 400))
    monkeypatch.setattr(region_mod, "ROW_BLOCK", 1 << 40)
    want = Region.from_rows(rows)
    monkeypatch.setattr(region_mod, "ROW_BLOCK", 10)
    got = Region.from_rows(rows)
    alphas = np.linspace(0.0, 10.0 * max(want.alpha_min, 1.0), 2001)
    np.testing.assert_allclose(got.beta_min(alphas), want.beta_min(alphas), rtol=1e-12)


def test_region_errors_are_found_in_any_block(monkeypatch):
    a, b, c, mask = _region_rows(np.random.default_rng(9), 50, 1, 4)
    monkeypatch.setattr(region_mod, "ROW_BLOCK", 8)
    bad = a.copy()
    bad[-1, 0, -1] = np.nan
    with pytest.raises(ValueError, match="finite"):
        Region.from_arrays(bad, b, c, mask)
    neg = c.copy()
    neg[-1, 0, 0] = -1.0
    with pytest.raises(ValueError, match=">= 0"):
        Region.from_arrays(a, b, neg, mask)
    empty = mask.copy()
    empty[-1] = False
    with pytest.raises(ValueError, match="candidate"):
        Region.from_arrays(a, b, c, empty)


def test_region_temporaries_stay_below_the_rows(monkeypatch):
    a, b, c, mask = _region_rows(np.random.default_rng(10), 2000, 1, 64)
    mask[:] = True
    monkeypatch.setattr(region_mod, "ROW_BLOCK", 1 << 12)
    peak = _peak(lambda: Region.from_arrays(a, b, c, mask))
    assert peak < a.nbytes  # the rows themselves are three times that
    monkeypatch.setattr(region_mod, "ROW_BLOCK", 1 << 40)  # the test can fail: one block
    assert _peak(lambda: Region.from_arrays(a, b, c, mask)) > a.nbytes


def test_tensors_take_the_fused_kernel_in_one_call(monkeypatch):
    torch = pytest.importorskip("torch")
    f = _land("two-layer-relu", {"n": 6, "d": 2, "k": 2, "seed": 1})
    x = f.domain.sample(np.random.default_rng(11), 9)
    v = np.random.default_rng(12).normal(size=x.shape)
    monkeypatch.setattr(_blocks, "BLOCK_BYTES", 8)
    want = f.losses_and_directional(x, v)
    got = f.losses_and_directional(torch.from_numpy(x), torch.from_numpy(v))
    assert all(isinstance(g, torch.Tensor) and g.dtype == torch.float64 for g in got)
    for g, w in zip(got, want):
        _close(g.numpy(), w)


# ---- slack_terms: the three terms of the slack rows in one pass -------------------------------
@pytest.mark.parametrize(("name", "params"), _small_instances())
def test_slack_terms_are_the_separate_calls(monkeypatch, name, params):
    """``slack_terms(x, p) = (losses(x), losses(p), directional(x, x − p))`` on every landscape,
    blocked or not (the relu kernel's one product of 3k rows may round a product differently
    from the separate calls' products: an ulp)."""
    f = _land(name, params)
    rng = np.random.default_rng(7)
    x = f.domain.sample(rng, 12)
    p = f.project(x) if f.minimizers is not None else f.domain.sample(rng, 12)
    want = (f.losses(x), f.losses(p), f.directional(x, x - p))
    for budget in (1 << 40, 8):
        monkeypatch.setattr(_blocks, "BLOCK_BYTES", budget)
        got = f.slack_terms(x, p)
        for g, w in zip(got, want):
            assert g.shape == w.shape
            scale = max(float(np.max(np.abs(w), initial=0.0)), float(np.max(np.abs(want[0]))))
            np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-13 * scale)


def test_slack_terms_at_the_benchmark_size_and_bad_input():
    f = _land("two-layer-relu", {"n": 256, "d": 10, "k": 32, "seed": 0, "starts": 1})
    rng = np.random.default_rng(8)
    x = rng.normal(size=(40, f.dim))
    p = x + 0.1 * rng.normal(size=x.shape)
    got = f.slack_terms(x, p)
    fx2, a2 = f.losses_and_directional(x, x - p)
    for g, w in zip(got, (fx2, f.losses(p), a2)):
        _close(g, w)
    with pytest.raises(ValueError, match=r"x \(40, \d+\) and p \(3, \d+\) do not broadcast"):
        f.slack_terms(x, p[:3])
