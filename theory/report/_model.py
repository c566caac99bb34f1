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
    "HOLDS_VACUOUS",
    "REPRODUCED",
    "NOT_REPRODUCED",
    "NOT_MEASURED",
    "VERDICTS",
    "WRONG",
    "Config",
    "Claim",
    "Section",
    "Progress",
    "format_step",
]

# Verdicts of the claims table.
CONFIRMED = "confirmed"
CORRECTED = "confirmed (corrected)"  # the paper prints it wrong; our corrected version holds
PRINTED_WRONG = "printed value wrong"
REFUTED = "refuted"
# a bound that holds only because it is at or above the trivial bound E[f(x⁰) − f*]: it
# confirms nothing (MATHEMATICS.md §6), so it is never counted as a confirmation
HOLDS_VACUOUS = "holds (vacuous)"
# a toy that reproduces a finding of the paper's real networks in kind, not in its numbers
REPRODUCED = "reproduced qualitatively"
NOT_REPRODUCED = "not reproduced at toy scale"
NOT_MEASURED = "not measured"
VERDICTS = (CONFIRMED, CORRECTED, PRINTED_WRONG, REFUTED, HOLDS_VACUOUS, REPRODUCED,
            NOT_REPRODUCED, NOT_MEASURED)
# what the paper got wrong (the summary lists these first)
WRONG = (CORRECTED, PRINTED_WRONG, REFUTED)


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
        return cls(seed=seed, quick=True, samples=2_000, runs=32, steps=200, figure_smoke=True)

    @classmethod
    def tiny(cls, seed: int = 0, **kw) -> Config:
        base = cls(seed=seed, quick=True, samples=1_000, runs=16, steps=100, figure_smoke=True)
        return replace(base, **kw)


@dataclass
class Claim:
    """One row of the claims table: a claim of the paper, our measurement, a verdict.

    ``summary`` (optional) is the one line the report's first screen shows for it; without it
    the first screen shortens ``measured``."""

    id: str
    source: str  # where the paper says it (and the MATHEMATICS.md section)
    claim: str
    measured: str
    verdict: str
    numbers: dict = field(default_factory=dict)
    summary: str = ""

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got {self.verdict!r}")


@dataclass
class Section:
    """What a section contributes: numbers, Markdown and claims; ``headline`` (optional) is its
    one-line takeaway for the report's first screen; ``plots`` (optional): objects the figure
    scripts that plot this section draw (``_jobs.FIGURE_INPUTS``), kept in memory, never
    written."""

    name: str
    title: str
    data: dict = field(default_factory=dict)
    markdown: str = ""
    claims: list = field(default_factory=list)
    status: str = "ok"  # "ok" | "error"
    reason: str = ""
    headline: str = ""
    plots: dict = field(default_factory=dict)


def format_step(done: int, total: int, label: str, left: float | None = None) -> str:
    """``"3/14 done (theorems), about 25 s left"``: a progress line for counted work."""
    text = f"{done}/{total} done ({label})"
    if left is not None and done < total:
        text += f", about {left:.0f} s left" if left >= 1 else ", under a second left"
    return text


class Progress:
    """Progress lines on stderr: ``[report  12.3s] message``; silent when ``quiet``.

    ``step(k, N, label, left)`` writes a ``k/N`` line with an estimate of the time left
    (``format_step``).
    """

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

    def step(self, done: int, total: int, label: str, left: float | None = None) -> None:
        """Say that ``done`` of ``total`` are done, and about how long the rest will take."""
        self(format_step(done, total, label, left))

    def tagged(self, prefix: str) -> Progress:
        """The same clock and stream, with ``prefix`` before each message."""
        out = Progress(self.quiet, self._stream, prefix)
        out.t0 = self.t0
        return out

    @property
    def elapsed(self) -> float:
        return time.time() - self.t0
