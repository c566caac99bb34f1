r"""The optimizers and the theorems, set side by side.

One job per module: ``optimizers`` (pure ``init``/``step`` step-size rules), ``simulate`` (many
runs at once), ``bounds`` (one function per theorem), ``lemmas`` (the proofs' per-step
inequalities), ``settings`` (the step sizes each theorem allows), ``compare`` (measured versus
bound: :func:`check`), ``grid`` (every theorem × landscape × step size; a client of ``check``).

(``simulate`` the function lives in ``theory.optim.simulate``; it is not re-exported here, where
it would shadow its module.)
"""

from .compare import check, check_curve

__all__ = ["check", "check_curve"]
