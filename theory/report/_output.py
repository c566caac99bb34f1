r"""Plain, deterministic output: JSON text, versions, scrubbing run times, atomic folders."""

from __future__ import annotations

import json
import os
import platform
import shutil
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


# ---- atomic output ------------------------------------------------------------------------------
def write_atomically(out, build: Callable[[Path], object]):
    """Run ``build(tmp)`` in a fresh folder next to ``out``, then rename it to ``out``.

    If ``build`` raises (or the process is interrupted), ``out`` is left as it was and the
    temporary folder is removed. Returns what ``build`` returned.
    """
    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        result = build(tmp)
        os.chmod(tmp, 0o755)  # mkdtemp makes it 0o700
        old = None
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            os.rmdir(old)
            os.replace(out, old)
        os.replace(tmp, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return result
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


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
