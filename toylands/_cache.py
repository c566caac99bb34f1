r"""A content-addressed on-disk cache for expensive ground truth (global searches).

An entry is a pickle named by the SHA-256 of

- what is computed (a name, e.g. ``"two-layer-relu"``) and every input it depends on (the data
  bytes, the sizes, the seeds, the number of starts: the key the factory builds), encoded
  unambiguously (type-tagged, floats by their hex form), and
- the code version: the SHA-256 of every source file of the ``toylands`` package and the
  versions of Python, numpy and scipy, so that an edit anywhere in the package, or a new library
  version, reaches a new entry: an entry is never stale, it is only unused.

The cached value is the computed value pickled and read back, so it has the same bits; nothing
random happens on a hit because the computation is seeded by the key. Writes go to a temporary
file in the cache folder, are flushed to disk, then renamed into place (atomic on POSIX and
Windows): concurrent processes computing the same entry each write a complete file and the last
rename wins; a reader never sees a half-written entry. An entry that cannot be read back (a
truncated file from a crash, another format) is recomputed and replaced.

Each name's folder holds at most :data:`MAX_BYTES` (512 MiB): beyond it the entries used least
recently are deleted (entries of an older code version are never used again).

Location: ``$TOYLANDS_CACHE_DIR`` if set, else the user cache folder (``$XDG_CACHE_HOME/toylands``
or ``~/.cache/toylands`` on Linux, ``~/Library/Caches/toylands`` on macOS,
``%LOCALAPPDATA%\toylands\Cache`` on Windows). ``TOYLANDS_NO_CACHE=1`` turns it off. A folder
that cannot be written is reported once (``CacheWarning``) and the value is computed as usual.
Pickles run code when loaded: the folder must be the user's own, as any cache folder.

Examples
--------
>>> import tempfile
>>> from unittest import mock
>>> calls = []
>>> def compute():
...     calls.append(1)
...     return {"f_star": 0.25}
>>> with mock.patch.dict("os.environ", {"TOYLANDS_CACHE_DIR": tempfile.mkdtemp()}):
...     first = cached("doc-example", (3, 0.5, b"data"), compute)
...     again = cached("doc-example", (3, 0.5, b"data"), compute)
>>> first == again == {"f_star": 0.25}, len(calls)
(True, 1)
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import platform
import struct
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

__all__ = ["cached", "cache_dir", "cache_key", "code_version", "CacheWarning"]

# Bump when the layout of an entry changes.
FORMAT = 1


class CacheWarning(UserWarning):
    """The on-disk cache could not be used (the value is computed as usual)."""


def cache_dir() -> Path | None:
    """The cache folder, or None when ``TOYLANDS_NO_CACHE`` is set to a true value."""
    if os.environ.get("TOYLANDS_NO_CACHE", "").strip().lower() in ("1", "true", "yes", "on"):
        return None
    env = os.environ.get("TOYLANDS_CACHE_DIR", "").strip()
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "toylands" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "toylands"
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base) / "toylands"


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """SHA-256 of every ``.py`` file of the ``toylands`` package (by relative path) and of the
    Python, numpy and scipy versions: the part of each key that makes entries never stale."""
    import scipy

    h = hashlib.sha256()
    h.update(f"format {FORMAT}; python {platform.python_version()}; numpy {np.__version__}; "
             f"scipy {scipy.__version__}".encode())
    h.update(source_digest(Path(__file__).resolve().parent).encode())
    return h.hexdigest()


@functools.cache
def source_digest(root) -> str:
    """SHA-256 of every ``.py`` file under ``root`` (by relative path): what a caller outside
    ``toylands`` (``theory``'s symbolic regions) puts in its keys, so that its entries too are
    never stale."""
    root = Path(root).resolve()
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def _feed(h, obj) -> None:
    """Type-tagged, length-prefixed encoding: distinct keys never share a byte stream."""
    if obj is None:
        h.update(b"N")
    elif isinstance(obj, bool):
        h.update(b"T" if obj else b"F")
    elif isinstance(obj, (int, np.integer)):
        s = str(int(obj)).encode()
        h.update(b"i" + struct.pack("<Q", len(s)) + s)
    elif isinstance(obj, (float, np.floating)):
        h.update(b"f" + float(obj).hex().encode() + b";")
    elif isinstance(obj, str):
        s = obj.encode()
        h.update(b"s" + struct.pack("<Q", len(s)) + s)
    elif isinstance(obj, (bytes, bytearray, memoryview)):
        b = bytes(obj)
        h.update(b"b" + struct.pack("<Q", len(b)) + b)
    elif isinstance(obj, np.ndarray):
        arr = np.ascontiguousarray(obj)
        _feed(h, ("ndarray", arr.dtype.str, arr.shape, arr.tobytes()))
    elif isinstance(obj, (tuple, list)):
        h.update(b"(" + struct.pack("<Q", len(obj)))
        for item in obj:
            _feed(h, item)
        h.update(b")")
    else:
        raise TypeError(f"cache keys are built from None, bool, int, float, str, bytes, ndarray "
                        f"and tuples of them; got {type(obj).__name__}")


def cache_key(name: str, key) -> str:
    """The entry's name: SHA-256 of ``(name, key)`` and :func:`code_version` (hex)."""
    if not isinstance(name, str) or not name:
        raise TypeError("name must be a non-empty string")
    h = hashlib.sha256()
    _feed(h, (name, code_version(), key))
    return h.hexdigest()


_warned: set = set()


def _warn_once(msg: str) -> None:
    if msg not in _warned:
        _warned.add(msg)
        warnings.warn(msg, CacheWarning, stacklevel=3)


def cached(name: str, key, compute, *, keep=None):
    r"""``compute()``, read from the on-disk cache when an entry for ``(name, key)`` and this
    code version exists, else computed and stored (where ``keep(value)`` is true, if given: a
    result that also depends on something outside the key, such as a time limit, is only
    stored when it does not).

    Parameters
    ----------
    name : str
        What is computed (one folder per name).
    key : None, bool, int, float, str, bytes, ndarray or tuples of them
        Every input the result depends on.
    compute : callable
        ``compute() -> value``; the value must pickle.
    keep : callable, optional
        ``keep(value) -> bool``: whether a computed value may be stored.
    """
    digest = cache_key(name, key)
    folder = cache_dir()
    if folder is None:
        return compute()
    path = folder / name / f"{digest}.pkl"
    try:
        with open(path, "rb") as fh:
            entry = pickle.load(fh)
        if isinstance(entry, dict) and entry.get("key") == digest:
            _touch(path)
            return entry["value"]
    except FileNotFoundError:
        pass
    except Exception:  # noqa: BLE001 - a damaged entry is recomputed and replaced
        pass
    value = compute()
    if keep is None or keep(value):
        _store(path, digest, value)
        _prune(path.parent)
    return value


#: Bytes the entries of one name (one folder) may hold: beyond it the least recently used go
#: (entries of an older code version are never used again, and each edit adds a set).
MAX_BYTES = 512 << 20
_PRUNED: set = set()


def _touch(path: Path) -> None:
    """Mark an entry used (its modification time orders the pruning)."""
    try:
        os.utime(path)
    except OSError:
        pass


def _prune(folder: Path, limit: int | None = None) -> None:
    """Once per process and folder: if its entries exceed ``limit`` bytes (:data:`MAX_BYTES`),
    delete the least recently used until three quarters of it remain. Safe beside other
    processes: one that finds an entry gone computes it again."""
    limit = MAX_BYTES if limit is None else limit
    if folder in _PRUNED:
        return
    _PRUNED.add(folder)
    entries = []
    for p in folder.glob("*.pkl"):
        try:
            st = p.stat()
        except OSError:
            continue
        entries.append((st.st_mtime, st.st_size, p))
    total = sum(size for _, size, _ in entries)
    if total <= limit:
        return
    for _, size, p in sorted(entries):  # oldest use first
        try:
            p.unlink()
        except OSError:
            pass
        total -= size
        if total <= 0.75 * limit:
            break


def _frozen(arr: np.ndarray) -> np.ndarray:
    arr.setflags(write=False)
    return arr


class _Pickler(pickle.Pickler):
    """Keeps read-only arrays read-only (plain pickling makes every array writable again)."""

    def reducer_override(self, obj):
        if isinstance(obj, np.ndarray) and not obj.flags.writeable and obj.dtype.hasobject is False:
            return _frozen, (np.array(obj),)
        return NotImplemented


def _store(path: Path, digest: str, value) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{digest[:16]}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        _warn_once(f"toylands cache folder {path.parent} is not writable ({exc}); ground truth "
                   "is recomputed each time (set TOYLANDS_CACHE_DIR)")
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            _Pickler(fh, protocol=pickle.HIGHEST_PROTOCOL).dump({"key": digest, "value": value})
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if not isinstance(exc, OSError):
            raise
        _warn_once(f"could not write the toylands cache entry {path} ({exc})")
