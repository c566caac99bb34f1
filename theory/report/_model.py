r"""The report's data model: the configuration, a claim, a section, the verdicts, progress."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field, replace

__all__ = [
    "CONFIRMED",
    "CORRECTED",
    "PRINTED_WRONG",
    "REFUTED",
    "NOT_MEASURED",
    "VERDICTS",
    "Config",
    "Claim",
    "Section",
    "Progress",
]

# Verdicts of the claims table.
CONFIRMED = "confirmed"
CORRECTED = "confirmed (corrected)"  # the paper prints it wrong; our corrected version holds
PRINTED_WRONG = "printed value wrong"
REFUTED = "refuted"
NOT_MEASURED = "not measured"
# A toy network showing a finding of [AB §5] about real networks: never "confirmed".
REPRODUCED = "reproduced qualitatively"
NOT_REPRODUCED = "not reproduced at toy scale"
VERDICTS = (CONFIRMED, CORRECTED, PRINTED_WRONG, REFUTED, NOT_MEASURED, REPRODUCED,
            NOT_REPRODUCED)


@dataclass(frozen=True)
class Config:
    """What the report computes and how hard it tries.

    ``quick`` is the ``--quick`` configuration (small budgets, smoke figures); ``tiny`` is for
    tests. ``sections`` limits the report to the named sections (None: all).
    """

    seed: int = 0
    quick: bool = False
    samples: int = 20_000  # sample points per certificate / region
    runs: int = 100  # Monte Carlo runs per theorem check
    steps: int = 1_000  # steps per run
    figures: bool = True
    figure_smoke: bool = False
    only_figures: tuple | None = None
    sections: tuple | None = None
    landscapes: tuple | None = None  # None: every registered landscape
    workers: int = 2  # processes (sections and figures run as independent jobs)

    @classmethod
    def default(cls, seed: int = 0) -> Config:
        return cls(seed=seed)

    @classmethod
    def quick_config(cls, seed: int = 0) -> Config:
        return cls(seed=seed, quick=True, samples=4_000, runs=64, steps=500, figure_smoke=True)

    @classmethod
    def tiny(cls, seed: int = 0, **kw) -> Config:
        base = cls(seed=seed, quick=True, samples=1_000, runs=16, steps=100, figure_smoke=True)
        return replace(base, **kw)


@dataclass
class Claim:
    """One row of the claims table: a claim of the paper, our measurement, a verdict."""

    id: str
    source: str  # where the paper says it (and the MATHEMATICS.md section)
    claim: str
    measured: str
    verdict: str
    numbers: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got {self.verdict!r}")


@dataclass
class Section:
    """What a section contributes: numbers, Markdown and claims."""

    name: str
    title: str
    data: dict = field(default_factory=dict)
    markdown: str = ""
    claims: list = field(default_factory=list)
    status: str = "ok"  # "ok" | "error"
    reason: str = ""


class Progress:
    """Progress lines on stderr: ``[report  12.3s] message``; silent when ``quiet``."""

    def __init__(self, quiet: bool = False, stream=None, prefix: str = ""):
        self.quiet = quiet
        self._stream = stream  # None: sys.stderr at call time (picklable for worker processes)
        self.t0 = time.time()  # wall clock, shared by worker processes
        self.prefix = prefix

    def __call__(self, msg: str) -> None:
        if not self.quiet:
            stream = sys.stderr if self._stream is None else self._stream
            print(
                f"[report {time.time() - self.t0:6.1f}s] {self.prefix}{msg}",
                file=stream,
                flush=True,
            )

    def tagged(self, prefix: str) -> Progress:
        """The same clock and stream, with ``prefix`` before each message."""
        out = Progress(self.quiet, self._stream, prefix)
        out.t0 = self.t0
        return out

    @property
    def elapsed(self) -> float:
        return time.time() - self.t0
