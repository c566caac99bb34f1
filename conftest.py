"""Root pytest configuration (doctests of toylands/ and theory/ and tests/ alike): the on-disk
ground-truth cache (``toylands._cache``) lives in a temporary folder for the session, never in
the user's cache folder, and is removed at the end."""

from __future__ import annotations

import os
import shutil
import tempfile

_CACHE = tempfile.mkdtemp(prefix="toylands-test-cache-")
os.environ["TOYLANDS_CACHE_DIR"] = _CACHE
os.environ.pop("TOYLANDS_NO_CACHE", None)


def pytest_unconfigure(config):
    shutil.rmtree(_CACHE, ignore_errors=True)
