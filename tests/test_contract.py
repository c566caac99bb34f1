"""The contract suite: every registered landscape (and a user-built one) against the landscape
contract (``toylands._landscape``).

The most common bug in test-function libraries is a wrong stated optimum, so most checks here
test the ground truth (f*, f_i*, S, projections) against the functions themselves.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from tolerance import assert_rounding_close, grad_scale, loss_scale, ulps_for

import toylands
from toylands import _registry


def _user_landscape():
    # A bowl plus a tilted bowl: f_1 = ½‖x‖², f_2 = ½‖x − e‖²; S = {e/2}, f* = ‖e‖²/8.
    e = np.array([1.0, 2.0, -1.0])
    return toylands.from_functions(
        name="user-bowls",
        dim=3,
        n=2,
        losses=lambda x: np.stack(
            [0.5 * np.sum(x**2, axis=-1), 0.5 * np.sum((x - e) ** 2, axis=-1)], axis=-1
        ),
        grads=lambda x: np.stack([x, x - e], axis=-2),
        f_i_star=[0.0, 0.0],
        f_star=float(e @ e / 8),
        project=lambda x: np.broadcast_to(e / 2, x.shape).copy(),
        domain=toylands.Box.cube(-3.0, 3.0, 3),
        L=1.0,
    )


def _sympy_landscape():
    # f_i = r_i²/(1 + r_i²), r_i = a_i·x − b_i (the README's landscape); S and f* solved.
    import sympy as sp

    x, y = sp.symbols("x y")
    r = [x - 1, y + 1, x + y - 1]
    return toylands.from_sympy("user-sympy", (x, y), [ri**2 / (1 + ri**2) for ri in r],
                               f_i_star=[0, 0, 0], domain=(-3, 3))


def _cases():
    cases = []
    for entry in _registry.entries():
        cases.append(pytest.param((entry.name, {}), id=entry.name))
        for k, p in enumerate(entry.test_params):
            cases.append(pytest.param((entry.name, p), id=f"{entry.name}-{k}"))
    cases.append(pytest.param(("user", {}), id="from_functions"))
    cases.append(pytest.param(("sympy", {}), id="from_sympy"))
    return cases


_CACHE: dict = {}


def _build(name, params):
    key = (name, tuple(sorted(params.items())))
    if key not in _CACHE:
        if name == "sympy":
            _CACHE[key] = _sympy_landscape()
        else:
            _CACHE[key] = _user_landscape() if name == "user" else toylands.get(name, **params)
    return _CACHE[key]


@pytest.fixture(params=_cases())
def land(request):
    name, params = request.param
    return _build(name, params)


def _points(land, rng, k=48):
    """Random points of the domain, points near S, and points well inside S's neighbourhood."""
    x = land.domain.sample(rng, k)
    s = land.minimizers.sample(rng, k // 2)
    near = s + 1e-2 * rng.normal(size=s.shape)
    return np.concatenate([x, near], axis=0)


def _tol(land, key):
    prov = land.provenance.get(key)
    return 1e-10 + (prov.error if prov is not None else 0.0)


# ---- ground truth ---------------------------------------------------------------------------
def test_value_at_projection_is_f_star(land, rng):
    p = land.project(_points(land, rng))
    np.testing.assert_allclose(land.value(p), land.f_star, atol=_tol(land, "f_star") + 1e-9)


def test_f_star_is_a_lower_bound_on_samples(land, rng):
    x = _points(land, rng, 256)
    assert land.value(x).min() >= land.f_star - 1e-9


def test_losses_above_f_i_star(land, rng):
    x = _points(land, rng, 256)
    assert np.all(land.losses(x) >= land.f_i_star - 1e-9)


def test_sigma_quantities(land):
    assert land.sigma_int2 == pytest.approx(land.f_star - land.f_i_star.mean(), abs=1e-12)
    assert land.sigma_pos2 == pytest.approx(land.f_i_star.mean())
    assert land.sigma_int2 >= 0
    assert land.interpolation == (land.sigma_int2 <= 1e-12)


def test_gradient_vanishes_on_S(land, rng):
    if not land.smooth:
        pytest.skip("non-smooth landscape")
    p = land.minimizers.sample(rng, 16)
    scale = max(1.0, land.smoothness().L)
    assert np.abs(land.gradient(p)).max() <= 1e-7 * scale


def test_provenance_is_declared(land):
    for key in ("f_star", "f_i_star", "minimizers"):
        assert key in land.provenance, key
        assert land.provenance[key].error >= 0


# ---- evaluation consistency -----------------------------------------------------------------
def test_mean_of_losses_is_value(land, rng):
    x = _points(land, rng)
    scale = loss_scale(land, x).max(axis=-1)
    assert_rounding_close(land.value(x), land.losses(x).mean(axis=-1), scale, ulps_for(land),
                          what="value vs mean of losses")


def test_gradient_is_mean_of_grads(land, rng):
    x = _points(land, rng)
    scale = grad_scale(land, x).max(axis=-2)
    assert_rounding_close(land.gradient(x), land.grads(x).mean(axis=-2), scale, ulps_for(land),
                          rtol=1e-10, what="gradient vs mean of grads")


def test_directional_agrees_with_grads(land, rng):
    x = _points(land, rng)
    v = rng.normal(size=x.shape)
    expect = np.einsum("knd,kd->kn", land.grads(x), v)
    scale = grad_scale(land, x)[..., 0] * np.linalg.norm(v, axis=-1, keepdims=True)
    assert_rounding_close(land.directional(x, v), expect, scale, ulps_for(land), rtol=1e-10,
                          what="directional vs grads·v")


def test_loss_at_and_grad_at_pick_the_index(land, rng):
    x = _points(land, rng)
    i = rng.integers(0, land.n, size=len(x))
    rows = np.arange(len(x))
    assert_rounding_close(land.loss_at(x, i), land.losses(x)[rows, i],
                          loss_scale(land, x)[rows, i], ulps_for(land), what="loss_at")
    assert_rounding_close(land.grad_at(x, i), land.grads(x)[rows, i],
                          grad_scale(land, x)[rows, i], ulps_for(land), rtol=1e-10,
                          what="grad_at")


def test_grads_match_finite_differences(land, rng):
    x = land.domain.sample(rng, 12)
    h = 1e-6 * np.maximum(1.0, np.abs(x))
    fd = np.empty((len(x), land.n, land.dim))
    for j in range(land.dim):  # loop over coordinates, vectorised over points
        e = np.zeros(land.dim)
        e[j] = 1.0
        hj = h[:, j : j + 1]
        fd[:, :, j] = (land.losses(x + hj * e) - land.losses(x - hj * e)) / (2 * hj)
    g = land.grads(x)
    close = np.isclose(g, fd, rtol=1e-5, atol=1e-6 * max(1.0, np.abs(g).max()))
    ok = close.reshape(len(x), -1).all(axis=1)
    if land.smooth:
        assert ok.all(), np.argwhere(~close)[:5]
    else:  # kinks: most random points are away from them
        assert ok.mean() >= 0.9


def test_grads_match_sympy(land, rng):
    if not land.closed_form:
        pytest.skip("no closed form")
    if land.n * land.dim > 64:
        pytest.skip("exact sympy is slow at this size; the small test_params instances cover it")
    import sympy as sp

    sym = land.symbolic()
    assert len(sym.losses) == land.n and len(sym.symbols) == land.dim
    grad_exprs = [[sp.diff(f, s) for s in sym.symbols] for f in sym.losses]
    fn = sp.lambdify(sym.symbols, grad_exprs, modules="numpy")
    x = land.domain.sample(rng, 8)
    for xk in x:
        expect = np.asarray(fn(*xk), dtype=float)
        np.testing.assert_allclose(land.grads(xk), expect, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(sym.lambdify()(x), land.losses(x), rtol=1e-12, atol=1e-14)


# ---- minimizer set and projection -----------------------------------------------------------
def test_projection_is_idempotent_and_on_S(land, rng):
    x = _points(land, rng)
    p = land.project(x)
    tol = 1e-8 + land.provenance["minimizers"].error
    np.testing.assert_allclose(land.project(p), p, atol=tol)
    assert np.all(land.minimizers.contains(p, atol=1e-7 + tol))
    np.testing.assert_allclose(land.distance(x), np.linalg.norm(x - p, axis=-1), atol=1e-9)


def test_projection_is_no_farther_than_sampled_points_of_S(land, rng):
    x = _points(land, rng, 32)
    s = land.minimizers.sample(rng, 256)
    d_samples = np.linalg.norm(x[:, None, :] - s[None, :, :], axis=-1).min(axis=1)
    assert np.all(land.distance(x) <= d_samples * (1 + 1e-9) + 1e-9)


def test_candidates_contain_projection_and_ties_are_equidistant(land, rng):
    x = _points(land, rng)
    pts, mask = land.minimizers.candidates(x)
    assert pts.shape[:-1] == mask.shape and mask.any(axis=-1).all()
    d = np.linalg.norm(pts - x[:, None, :], axis=-1)
    dmin = np.where(mask, d, np.inf).min(axis=-1)
    assert np.all(np.where(mask, np.abs(d - dmin[:, None]), 0) <= 1e-8 * (1 + dmin[:, None]))
    p = land.project(x)
    assert np.all((np.linalg.norm(pts - p[:, None, :], axis=-1) <= 1e-12)[mask.nonzero()[0]].any())


def test_ties_are_reported_on_bisectors(land):
    S = land.minimizers
    if not S.is_finite or len(getattr(S, "points", ())) < 2:
        pytest.skip("no finite S with several points")
    p0, p1 = S.points[0], S.points[1]
    mid = (p0 + p1) / 2
    d = np.linalg.norm(S.points - mid, axis=-1)
    if d.min() < np.linalg.norm(p0 - mid) * (1 - 1e-9):
        pytest.skip("the midpoint has a strictly nearer point")
    _, mask = S.candidates(mid)
    assert mask[0] and mask[1]
    np.testing.assert_array_equal(S.project(mid), S.project(mid.copy()))  # deterministic


# ---- smoothness -----------------------------------------------------------------------------
def test_smoothness_bound_holds_on_samples(land, rng):
    sm = land.smoothness()
    assert sm.L > 0 and np.isfinite(sm.L) and sm.method
    if not land.smooth:
        pytest.skip("non-smooth landscape")
    x = land.domain.sample(rng, 128)
    y = land.domain.clip(x + 1e-3 * np.max(land.domain.width) * rng.normal(size=x.shape))
    ratio = np.linalg.norm(land.grads(x) - land.grads(y), axis=-1) / np.linalg.norm(
        x - y, axis=-1
    )[:, None]
    assert ratio.max() <= sm.L * (1 + 1e-9)


# ---- shapes, dtypes, validation -------------------------------------------------------------
def test_batch_shape_and_dtype_are_preserved(land, rng):
    x = land.domain.sample(rng, 6).reshape(2, 3, land.dim)
    assert land.losses(x).shape == (2, 3, land.n)
    assert land.value(x).shape == (2, 3)
    assert land.gradient(x).shape == (2, 3, land.dim)
    assert land.directional(x, x).shape == (2, 3, land.n)
    assert land.loss_at(x, np.zeros((2, 3), dtype=int)).shape == (2, 3)
    assert land.grad_at(x, 0).shape == (2, 3, land.dim)
    assert land.losses(x[0, 0]).shape == (land.n,)
    assert land.project(x).shape == x.shape
    assert land.losses(x).dtype == np.float64
    x32 = x.astype(np.float32)
    assert land.losses(x32).dtype == np.float32
    assert land.gradient(x32).dtype == np.float32
    assert land.losses(x.astype(int)).dtype == np.float64


def test_bad_input_is_rejected(land):
    d = land.dim
    good = np.zeros(d)
    with pytest.raises(ValueError, match="shape"):
        land.losses(np.zeros(d + 1))
    with pytest.raises(ValueError, match="shape"):
        land.value(np.float64(1.0))
    with pytest.raises(ValueError, match="NaN"):
        land.losses(np.full(d, np.nan))
    with pytest.raises(ValueError, match="NaN"):
        land.gradient(np.full(d, np.inf))
    with pytest.raises(TypeError):
        land.losses(["a"] * d)
    with pytest.raises(TypeError):
        land.losses(np.zeros(d, dtype=complex))
    with pytest.raises(ValueError, match=r"\[0, "):
        land.loss_at(good, land.n)
    with pytest.raises(TypeError, match="integer"):
        land.grad_at(good, 0.5)
    with pytest.raises(ValueError, match="v"):
        land.directional(good, np.zeros(d + 1))


def test_unknown_and_bad_parameters_are_rejected():
    for entry in _registry.entries():
        with pytest.raises(ValueError, match="unknown parameter"):
            toylands.get(entry.name, no_such_parameter=1)
        if "seed" in entry.parameters:
            with pytest.raises(ValueError, match="seed"):
                toylands.get(entry.name, seed=-1)
            with pytest.raises(TypeError, match="seed"):
                toylands.get(entry.name, seed="one")
    with pytest.raises(ValueError, match="unknown landscape"):
        toylands.get("no-such-landscape")


# ---- description and reproducibility --------------------------------------------------------
def test_describe_is_strict_json(land):
    out = json.loads(json.dumps(land.describe(), allow_nan=False))
    assert out["dim"] == land.dim and out["n"] == land.n
    assert out["f_star"] == land.f_star


@pytest.mark.parametrize("entry", _registry.entries(), ids=lambda e: e.name)
def test_same_parameters_same_bits(entry, rng):
    a, b = toylands.get(entry.name), toylands.get(entry.name)
    x = a.domain.sample(rng, 8)
    assert a.losses(x).tobytes() == b.losses(x).tobytes()
    assert a.f_star == b.f_star and a.f_i_star.tobytes() == b.f_i_star.tobytes()


def test_registry_shape_matches_the_default_instance():
    # ``toylands list`` reads the declared (dim, n) instead of building every landscape.
    for entry in _registry.entries():
        if entry.shape is not None:
            f = _build(entry.name, {})
            assert (f.dim, f.n) == entry.shape, entry.name
