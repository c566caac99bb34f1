"""Imports the modules of the built-in landscapes; each registers its own at its end."""

from __future__ import annotations

from . import valley  # noqa: F401
