r"""Set-up of the report's forked worker processes: their BLAS threads and their lifetime."""

from __future__ import annotations

import os
import time

__all__ = ["pin_threads", "worker_init"]


def pin_threads(threads: int) -> None:
    """Worker initializer: at most ``threads`` BLAS/OpenMP threads in this process."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(threads)  # for libraries loaded from now on
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - a dependency; without it the threads are not pinned
        return
    threadpool_limits(limits=threads)  # the libraries already loaded (numpy's, scipy's BLAS)


def worker_init(threads: int | None = None) -> None:
    """Set up a forked worker: at most ``threads`` BLAS threads (:func:`pin_threads`); it dies
    with the report process and leaves signals to it.

    A worker must never outlive its parent (a killed report must not leave processes writing
    into its temporary folder): a daemon thread watches the parent's pid and ends the worker
    within 0.2 s of the parent's death, however it died. (The kernel's ``PR_SET_PDEATHSIG``
    fires when the parent *thread* exits, and the pool forks replacement workers from a
    helper thread, so it would kill workers at the wrong moment.) Ctrl-C reaches the whole
    process group: the parent handles it and terminates the pool, so the workers ignore SIGINT;
    SIGTERM (``Pool.terminate``) keeps its default action, whatever handler the parent set.
    """
    import multiprocessing as mp
    import signal
    import threading

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if threads is not None:
        pin_threads(threads)
    known = mp.parent_process()
    parent = known.pid if known is not None else os.getppid()  # dead already: exits at once

    def watch():
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()
