"""Studies: the paper's measurements re-run on landscapes whose ground truth is exact.

- ``protocol``: the paper's T(x^k) protocol (two seeded SGD passes, the x^K proxy, f_i* = 0)
  beside its exact counterpart (MATHEMATICS.md §7); ``protocol_stream``: the same protocol
  streamed for networks (torch landscapes, rows kept, iterates not);
- ``plstar``: the PL* width study of [PL*] and the α-β width sweep of [AB §5] (MATHEMATICS.md §8);
- ``paper``: the paper's claims that need a study rather than a formula (half-space, the
  neighbourhood terms, Examples 4 and 5);
- ``conditions_table``: the α-β region, PL, δ-PL, PL*, Aiming and QCvx side by side;
- ``experiments/``: the paper's §5 network experiments at toy scale (torch).

Studies import the layers below them (``certification``, ``optim``) and one another; ``figures``,
``report`` and ``cli`` import studies, never the reverse.
"""
