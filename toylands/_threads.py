r"""One BLAS thread for the scalar-sized work of the ground-truth searches.

A global search calls BLAS and LAPACK millions of times on vectors of a few hundred entries
(L-BFGS-B's updates, the objective's small products). A multi-threaded BLAS wakes its threads
for such calls; on a busy machine the wake-ups cost more than the work (L-BFGS-B on 352
variables measured 0.13 ms of CPU an iteration with one thread, 7.7 ms with two on a loaded
2-core machine). One thread is also what makes the search's bits independent of the number of
cores: a threaded reduction adds in another order.

Examples
--------
>>> import numpy as np
>>> with one_blas_thread():
...     float(np.ones(3) @ np.ones(3))
3.0
"""

from __future__ import annotations

import contextlib

__all__ = ["one_blas_thread"]


@contextlib.contextmanager
def one_blas_thread():
    """Limit the BLAS/OpenMP libraries loaded in this process to one thread inside the block
    (``threadpoolctl``; without it the block runs unchanged)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - a dependency
        yield
        return
    with threadpool_limits(limits=1):
        yield
