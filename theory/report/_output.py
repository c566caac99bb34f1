r"""Plain, deterministic output: JSON text, versions, scrubbing run times, atomic folders.

The report folder ``R`` is replaced in one atomic step (:func:`write_atomically`): the new
report is built in a hidden sibling ``.R.tmp-<token>`` and then *exchanged* with ``R``
(``renameat2(RENAME_EXCHANGE)`` on Linux, ``renamex_np(RENAME_SWAP)`` on macOS), so that at every
instant ``R`` is either the whole old report or the whole new one; a run killed at any point
(SIGINT, SIGTERM, even SIGKILL) leaves ``R`` as it was. Where the file system cannot exchange
(rare), two renames are used and the next run restores ``R`` if a kill fell between them.

Concurrent runs on the same ``R`` are serialised by a lock on ``R``'s parent folder for the short
moments that touch ``R`` or the temporaries; each build holds a lock on its own temporary
folder while it runs (its forked workers inherit it). At its start every run removes the
temporaries whose owner is gone (a killed run), so nothing stays behind for long.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import sys
import tempfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import numpy as np

__all__ = ["dumps", "versions", "write_atomically", "scrub"]


# ---- JSON -------------------------------------------------------------------------------------
def _clean(obj):
    """Plain JSON data: numpy to Python, non-finite floats to strings ('inf', 'nan')."""
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _clean(obj.tolist())
    if isinstance(obj, np.generic):
        return _clean(obj.item())
    if isinstance(obj, float) and not np.isfinite(obj):
        return "nan" if np.isnan(obj) else ("inf" if obj > 0 else "-inf")
    if hasattr(obj, "to_json"):
        return _clean(obj.to_json())
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    return repr(obj)


def dumps(obj) -> str:
    """Deterministic JSON text (fixed key order as built, 2-space indent, trailing newline)."""
    return json.dumps(_clean(obj), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def versions() -> dict:
    """Versions of Python and of the packages the numbers depend on."""
    out = {"python": platform.python_version()}
    for pkg in ("toylands", "numpy", "scipy", "sympy", "matplotlib", "hypothesis", "mpmath"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = None
    return out


# ---- locks ------------------------------------------------------------------------------------
try:  # POSIX advisory locks; without them (Windows) runs are not serialised
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None


def _open_locked(path: Path, *, block: bool):
    """An fd of ``path`` (a folder) holding an exclusive ``flock``; None if it is held elsewhere
    (``block=False``) or cannot be opened. Closing the fd releases the lock; so does the death
    of every process holding the fd (even by SIGKILL)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    if fcntl is None:  # pragma: no cover - not POSIX
        return fd
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if block else fcntl.LOCK_NB))
    except BlockingIOError:
        os.close(fd)
        return None
    except OSError:  # a file system without flock: go on unlocked
        pass
    return fd


@contextlib.contextmanager
def _parent_lock(parent: Path):
    fd = _open_locked(parent, block=True)
    try:
        yield
    finally:
        if fd is not None:
            os.close(fd)


def _clean_stale(parent: Path, name: str, out: Path) -> None:
    """Remove the temporaries of ``out`` left by killed runs (their lock is free); if ``out`` is
    missing but a saved old report is there (a kill between two renames), put it back first.
    Call with the parent lock held."""
    mine = [p for p in parent.iterdir() if p.name.startswith((f".{name}.tmp-", f".{name}.old-"))]
    stale = []
    for p in mine:
        fd = _open_locked(p, block=False) if p.is_dir() and not p.is_symlink() else None
        if fd is not None:
            stale.append((p, fd))
    try:
        olds = sorted((p for p, _ in stale if ".old-" in p.name), key=lambda p: p.stat().st_mtime)
        if olds and not os.path.lexists(out):
            os.rename(olds[-1], out)
        for p, _ in stale:
            if p.exists():
                shutil.rmtree(p, ignore_errors=True)
    finally:
        for _, fd in stale:
            os.close(fd)


# ---- atomic exchange --------------------------------------------------------------------------
def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap the paths ``a`` and ``b`` (both exist); False where the platform or the
    file system cannot."""
    import ctypes
    import errno

    if sys.platform.startswith("linux"):
        name, flag, args = "renameat2", 2, (-100,)  # RENAME_EXCHANGE; AT_FDCWD
    elif sys.platform == "darwin":
        name, flag, args = "renamex_np", 2, ()  # RENAME_SWAP
    else:
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = getattr(libc, name)
    except (OSError, AttributeError):
        return False
    src, dst = os.fsencode(a), os.fsencode(b)
    call = (*args, src, *args, dst, flag) if args else (src, dst, flag)
    if fn(*call) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _check_target(out: Path, marker: str | None) -> None:
    parent = out.parent
    for p in (parent, *parent.parents):
        if os.path.lexists(p) and not p.is_dir():
            raise NotADirectoryError(20, f"cannot create {out}: {p} is not a folder", str(p))
    if os.path.lexists(out):
        if not out.is_dir():
            raise FileExistsError(17, f"{out} exists and is not a folder; refusing to replace it",
                                  str(out))
        if marker is not None and not (out / marker).exists() and any(out.iterdir()):
            raise FileExistsError(
                17, f"{out} is a folder that holds no {marker} (not a previous output); "
                "refusing to replace it", str(out))


def write_atomically(out, build: Callable[[Path], object], *, marker: str | None = None):
    """Run ``build(tmp)`` in a fresh folder next to ``out``, then swap it into place atomically.

    If ``build`` raises, or the process is interrupted or killed at any point, ``out`` is left
    as it was (the module docstring says how); a temporary folder left by a killed run is
    removed by the next run. Concurrent calls on the same ``out`` are safe: each builds its own
    folder and the last to finish wins.

    Parameters
    ----------
    out : path
        The folder to write; an existing one is replaced as a whole.
    build : callable
        ``build(tmp)`` writes the folder's content into ``tmp``; what it returns is returned.
    marker : str, optional
        A file every output of ``build`` contains (``results.json`` for the report): an existing
        non-empty ``out`` without it is not a previous output, and is refused, never deleted.

    Raises
    ------
    NotADirectoryError, FileExistsError
        ``out``'s parent is a file, or ``out`` is a file or a foreign folder.
    """
    out = Path(out).resolve()
    parent = out.parent
    _check_target(out, marker)
    parent.mkdir(parents=True, exist_ok=True)
    with _parent_lock(parent):
        _clean_stale(parent, out.name, out)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=parent))
        own = _open_locked(tmp, block=False)  # held while building; inherited by workers
    try:
        result = build(tmp)
        os.chmod(tmp, 0o755)  # mkdtemp makes it 0o700
        with _parent_lock(parent):
            _check_target(out, marker)
            if not os.path.lexists(out):
                os.rename(tmp, out)
            elif not _exchange(tmp, out):
                _swap_by_renames(tmp, out)
        return result
    finally:
        if own is not None:
            os.close(own)
        if tmp.exists():  # the old report after an exchange, or the unfinished new one
            shutil.rmtree(tmp, ignore_errors=True)


def _swap_by_renames(tmp: Path, out: Path) -> None:
    """Two renames, for file systems that cannot exchange: ``out`` is missing between them; if
    that is interrupted here it is put back here, and if the process is killed, by the next
    run (:func:`_clean_stale`)."""
    old = tmp.with_name(tmp.name.replace(".tmp-", ".old-"))
    os.rename(out, old)
    try:
        os.rename(tmp, out)
    except BaseException:
        if not os.path.lexists(out):
            os.rename(old, out)
        raise
    os.rename(old, tmp)  # removed with the temporary folder


_VOLATILE = ("seconds", "elapsed", "time", "wall_s")


def scrub(obj):
    """Drop run-time measurements (keys like ``seconds``) so that the files are reproducible."""
    if isinstance(obj, dict):
        return {k: scrub(v) for k, v in obj.items() if k not in _VOLATILE}
    if isinstance(obj, (list, tuple)):
        return [scrub(v) for v in obj]
    if hasattr(obj, "to_json") and not isinstance(obj, type):
        return scrub(obj.to_json())
    return obj
