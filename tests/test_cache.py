"""toylands._cache: the on-disk ground-truth cache (content-addressed, atomic, never stale)."""

from __future__ import annotations

import json
import multiprocessing as mp
import pickle
import sys
from pathlib import Path

import numpy as np
import pytest

from toylands import _cache, halfspace, relu_net
from toylands._cache import CacheWarning, cache_dir, cache_key, cached


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("TOYLANDS_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("TOYLANDS_NO_CACHE", raising=False)
    return tmp_path


class Counter:
    def __init__(self, value):
        self.calls = 0
        self.value = value

    def __call__(self):
        self.calls += 1
        return self.value


def _entries(folder: Path, name: str):
    return sorted((folder / name).glob("*.pkl"))


# ---- the mechanism -------------------------------------------------------------------------
def test_second_call_reads_the_same_bits(folder):
    arr = np.random.default_rng(0).normal(size=(4, 3))
    arr.setflags(write=False)
    value = (0.1 + 0.2, arr, {"note": "x"})
    c = Counter(value)
    first = cached("t", (1, 2.5, b"abc"), c)
    second = cached("t", (1, 2.5, b"abc"), c)
    assert c.calls == 1
    assert first is value  # the computed value itself on a miss
    assert second[0] == value[0] and second[2] == value[2]
    assert second[1].tobytes() == arr.tobytes() and second[1].dtype == arr.dtype
    assert not second[1].flags.writeable  # read-only arrays stay read-only
    assert len(_entries(folder, "t")) == 1
    assert not list((folder / "t").glob("*.tmp"))  # no temporary file left behind


def test_every_input_and_the_code_version_reach_a_new_entry(folder, monkeypatch):
    c = Counter(1.0)
    base = ("name", (3, 0.5, "relu", b"\x00\x01"))
    cached(*base, c)
    for name, key in [("name", (4, 0.5, "relu", b"\x00\x01")),
                      ("name", (3, 0.5000000000000001, "relu", b"\x00\x01")),
                      ("name", (3, 0.5, "softplus", b"\x00\x01")),
                      ("name", (3, 0.5, "relu", b"\x00\x02")),
                      ("other", (3, 0.5, "relu", b"\x00\x01"))]:
        before = c.calls
        cached(name, key, c)
        assert c.calls == before + 1, (name, key)
    before = c.calls
    cached(*base, c)
    assert c.calls == before  # the original key still hits
    monkeypatch.setattr(_cache, "code_version", lambda: "another version of the code")
    cached(*base, c)
    assert c.calls == before + 1  # edited code never reads the old entry


def test_key_encoding_is_unambiguous():
    pairs = [
        (("ab", "c"), ("a", "bc")),
        ((1,), (1.0,)),
        ((1,), (True,)),
        ((b"a",), ("a",)),
        (((1, 2), 3), (1, (2, 3))),
        ((np.array([1.0, 2.0]),), (np.array([[1.0, 2.0]]),)),
        ((np.array([1.0, 2.0]),), (np.array([1.0, 2.0], dtype=np.float32),)),
        ((0.0,), (-0.0,)),
        ((None,), ((),)),
    ]
    for k1, k2 in pairs:
        assert cache_key("n", k1) != cache_key("n", k2), (k1, k2)
    assert cache_key("n", (1, 2.0, "s")) == cache_key("n", (1, 2.0, "s"))


@pytest.mark.parametrize("key", [{"a": 1}, object(), {1, 2}])
def test_key_types_are_checked(key):
    with pytest.raises(TypeError, match="cache keys"):
        cache_key("n", key)


def test_name_is_checked():
    with pytest.raises(TypeError, match="name"):
        cache_key("", (1,))


def test_a_damaged_entry_is_recomputed_and_replaced(folder):
    c = Counter([1, 2, 3])
    cached("t", (7,), c)
    (path,) = _entries(folder, "t")
    path.write_bytes(path.read_bytes()[:10])  # truncated, as after a crash
    assert cached("t", (7,), c) == [1, 2, 3] and c.calls == 2
    assert cached("t", (7,), c) == [1, 2, 3] and c.calls == 2
    path.write_bytes(pickle.dumps({"key": "someone else's", "value": 0}))
    assert cached("t", (7,), c) == [1, 2, 3] and c.calls == 3


def test_an_unwritable_folder_warns_and_computes(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("TOYLANDS_CACHE_DIR", str(blocker))
    monkeypatch.setattr(_cache, "_warned", set())
    c = Counter(5)
    with pytest.warns(CacheWarning, match="not writable"):
        assert cached("t", (1,), c) == 5
    assert cached("t", (1,), c) == 5 and c.calls == 2


def test_no_cache_switch(folder, monkeypatch):
    monkeypatch.setenv("TOYLANDS_NO_CACHE", "1")
    assert cache_dir() is None
    c = Counter(0)
    cached("t", (1,), c)
    cached("t", (1,), c)
    assert c.calls == 2 and not (folder / "t").exists()


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="the XDG location is Linux's")
def test_default_location_follows_xdg(tmp_path, monkeypatch):
    monkeypatch.delenv("TOYLANDS_CACHE_DIR", raising=False)
    monkeypatch.delenv("TOYLANDS_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "toylands"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_dir() == Path.home() / ".cache" / "toylands"


def _race(folder, start, out):
    import os

    os.environ["TOYLANDS_CACHE_DIR"] = folder
    start.wait()
    value = cached("race", ("same key",), lambda: np.arange(200_000, dtype=np.float64))
    out.put(float(value.sum()))


@pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="needs fork")
def test_concurrent_writers_leave_one_complete_entry(folder):
    ctx = mp.get_context("fork")
    start, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_race, args=(str(folder), start, out)) for _ in range(4)]
    for p in procs:
        p.start()
    start.set()
    results = [out.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert results == [float(np.arange(200_000).sum())] * 4
    (path,) = _entries(folder, "race")
    c = Counter(None)
    assert cached("race", ("same key",), c).sum() == results[0] and c.calls == 0
    assert not list((folder / "race").glob("*.tmp"))


# ---- the landscapes that use it --------------------------------------------------------------
def _json(land) -> str:
    """Every ground-truth number, exactly (JSON floats round-trip to the same bits)."""
    return json.dumps(land.describe(), sort_keys=True)


def _count_searches(monkeypatch, module):
    calls = []
    search = module._search

    def counting(key):
        calls.append(key)
        return search(key)

    monkeypatch.setattr(module, "_search", counting)
    module._ground_truth.cache_clear()
    return calls


def test_two_layer_relu_from_the_cache_is_the_fresh_instance(folder, monkeypatch):
    calls = _count_searches(monkeypatch, relu_net)
    fresh = relu_net.two_layer_relu(n=8, d=2, k=3, seed=5, starts=4)
    relu_net._ground_truth.cache_clear()  # a new process: only the disk remains
    again = relu_net.two_layer_relu(n=8, d=2, k=3, seed=5, starts=4)
    assert len(calls) == 1
    assert _json(fresh) == _json(again)
    assert fresh.f_star == again.f_star and fresh.f_i_star.tobytes() == again.f_i_star.tobytes()
    np.testing.assert_array_equal(fresh.minimizers.base, again.minimizers.base)
    x = fresh.domain.sample(np.random.default_rng(0), 5)
    np.testing.assert_array_equal(fresh.project(x), again.project(x))
    relu_net._ground_truth.cache_clear()
    relu_net.two_layer_relu(n=8, d=2, k=3, seed=6, starts=4)  # another seed: another search
    relu_net._ground_truth.cache_clear()
    relu_net.two_layer_relu(n=8, d=2, k=3, seed=5, starts=5)  # more starts: another search
    assert len(calls) == 3
    relu_net._ground_truth.cache_clear()


def test_half_space_from_the_cache_is_the_fresh_instance(folder, monkeypatch):
    calls = _count_searches(monkeypatch, halfspace)
    fresh = halfspace.half_space(n=8, d=2, seed=1, lam=1e-3, starts=20)
    halfspace._ground_truth.cache_clear()
    again = halfspace.half_space(n=8, d=2, seed=1, lam=1e-3, starts=20)
    assert len(calls) == 1
    assert _json(fresh) == _json(again)
    assert fresh.sgd_saddle == again.sgd_saddle
    halfspace._ground_truth.cache_clear()
    halfspace.half_space(n=8, d=2, seed=1, lam=2e-3, starts=20)
    assert len(calls) == 2
    halfspace._ground_truth.cache_clear()


def test_source_digest_follows_every_python_file(tmp_path):
    """Callers outside toylands (theory's exact regions) key their entries on their own code."""
    from toylands._cache import source_digest

    a, b = tmp_path / "a", tmp_path / "b"
    for root, text in ((a, "x = 1\n"), (b, "x = 2\n")):
        (root / "sub").mkdir(parents=True)
        (root / "sub" / "m.py").write_text(text)
        (root / "notes.txt").write_text("not code")
    assert source_digest(a) != source_digest(b)
    (b / "sub" / "m.py").write_text("x = 1\n")
    (b / "notes.txt").write_text("other text, same code")
    source_digest.cache_clear()
    assert source_digest(a) == source_digest(b)


def test_memo_helpers_keep_the_last_entries_and_skip_what_cannot_be_weakly_referenced():
    import weakref

    import numpy as np

    from toylands._memo import keep_last, memo_for, points_key

    class Owner:
        pass

    store = weakref.WeakKeyDictionary()
    owner = Owner()
    memo = memo_for(store, owner)
    assert memo_for(store, owner) is memo
    for k in range(5):
        keep_last(memo, k, k * k, 3)
    assert list(memo) == [2, 3, 4]
    assert memo_for(store, 1.5) is None  # a float cannot be weakly referenced
    x = np.arange(6.0).reshape(3, 2)
    assert points_key(x) == points_key(x.copy()) != points_key(x.reshape(2, 3))
    del owner, memo
    assert len(store) == 0  # the memo went with its owner


def test_keep_decides_which_values_are_stored(folder):
    c = Counter({"verdict": "inconclusive"})
    cached("k", (1,), c, keep=lambda v: v["verdict"] != "inconclusive")
    cached("k", (1,), c, keep=lambda v: v["verdict"] != "inconclusive")
    assert c.calls == 2 and not _entries(folder, "k")  # not stored: computed again
    d = Counter({"verdict": "proved"})
    cached("k", (2,), d, keep=lambda v: v["verdict"] != "inconclusive")
    cached("k", (2,), d, keep=lambda v: v["verdict"] != "inconclusive")
    assert d.calls == 1 and len(_entries(folder, "k")) == 1


# ---- which landscapes results may be cached for ----------------------------------------------
def test_builtin_identity_names_what_get_built_and_nothing_else():
    import copy

    import toylands
    from toylands._registry import builtin_identity

    a, b = toylands.get("example3"), toylands.get("example3")
    assert a is not b and builtin_identity(a) is not None
    assert builtin_identity(a) == builtin_identity(b)  # the same across objects (and runs)
    assert builtin_identity(toylands.get("example2")) != builtin_identity(a)
    small = toylands.get("least-squares", n=3, d=2)
    assert builtin_identity(small) != builtin_identity(toylands.get("least-squares"))
    # changed after it was built: another identity
    b.f_star = b.f_star + 1e-3
    assert builtin_identity(b) != builtin_identity(a)
    # a copy (not what get built), a user's factory's landscape, anything else: none
    assert builtin_identity(copy.copy(a)) is None
    toylands.register("my-example3", lambda: copy.copy(toylands.get("example3")))
    try:
        assert builtin_identity(toylands.get("my-example3")) is None
    finally:
        from toylands import _registry

        _registry._REGISTRY.pop("my-example3", None)
    assert builtin_identity(object()) is None and builtin_identity([1]) is None


def test_builtin_identity_tells_large_arrays_apart():
    """Parameters are encoded by their bytes: repr would elide the middle of a large array."""
    import numpy as np

    from toylands._registry import _canonical

    a = np.zeros(5000)
    b = a.copy()
    b[2500] = 1.0
    assert repr(a) == repr(b) and _canonical({"A": a}) != _canonical({"A": b})
    assert _canonical({"k": [1, 2.5], "s": "x"}) == _canonical({"s": "x", "k": [1, 2.5]})


def test_a_full_folder_loses_its_least_recently_used_entries(folder, monkeypatch):
    """Beyond the byte limit of a name, the entries used longest ago go (a hit marks its entry
    used), down to three quarters of the limit; the values are computed again when asked."""
    import os
    import time

    monkeypatch.setattr(_cache, "_PRUNED", set())
    for i in range(6):
        cached("lru", (i,), Counter(np.zeros(1000)))  # ~8 KB each
    files = _entries(folder, "lru")
    assert len(files) == 6
    size = max(p.stat().st_size for p in files)
    # entry ages: key 0 the oldest ... key 5 the newest; then key 0 is used again
    now = time.time()
    for k in range(6):
        path = folder / "lru" / f"{cache_key('lru', (k,))}.pkl"
        os.utime(path, (now - 100 + k, now - 100 + k))
    c = Counter(None)
    cached("lru", (0,), c)
    assert c.calls == 0  # a hit: key 0 is now the most recently used
    _cache._PRUNED.clear()  # (the stores above checked the folder against MAX_BYTES)
    _cache._prune(folder / "lru", limit=4 * size)  # 6 entries > 4: down to 3 entries
    left = {p.name for p in _entries(folder, "lru")}
    want = {f"{cache_key('lru', (k,))}.pkl" for k in (0, 4, 5)}
    assert left == want
    _cache._prune(folder / "lru", limit=size)  # once per process and folder: nothing more
    assert {p.name for p in _entries(folder, "lru")} == want
