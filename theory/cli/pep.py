r"""``toylands pep``: the worst case over the α-β class beside a bound (MATHEMATICS.md §6).

    toylands pep --theorem 1 --alpha A --beta B --L L --gamma G --steps K --d0sq D --sigma2 S
                 [--n N] [--method exact|potential] [--model class|proof] [--solver S]
                 [--timings] [--json]

Theorem 1 (SGD, ``--gamma``), Theorem 4 (SGD with ``γ₀/√(k+1)``, ``--gamma`` is γ₀), Theorem 2
(SPS_max, ``--c`` and ``--gamma-b``), Theorem 3 (NGN, ``--gamma``, ``--sigma-pos2``). The JSON
holds ``worst_case`` (None unless the solve is accurate), ``theorem_bound``, ``solver``,
``status`` and the instance; the same input gives byte-identical JSON (no timings unless
``--timings``). Exit status 1 when the solve gave no bound, 2 for a bad command line.
"""

from __future__ import annotations

from .common import UserError, add_common

__all__ = ["add_parser", "run"]


def _round(v):
    return None if v is None else float(f"{float(v):.9g}")


def run(args) -> dict:
    """The JSON object of ``toylands pep``."""
    try:
        from ..pep import _backend
        from ..pep import theorems as T
    except ImportError as exc:  # pragma: no cover - the package itself imports without PEPit
        raise UserError(str(exc)) from None
    if not _backend.available():
        raise UserError("toylands pep needs the optional extra 'pep' (PEPit, cvxpy and an "
                        "open-source SDP solver): pip install 'toylands[pep]'")
    inst = T.Instance(args.theorem, alpha=args.alpha, beta=args.beta, L=args.L,
                      D0_sq=args.d0sq, sigma2=args.sigma2, gamma=args.gamma, c=args.c,
                      gamma_b=args.gamma_b, sigma_pos2=args.sigma_pos2, n=args.n)
    K = args.steps
    if isinstance(K, int) and K < 1:
        raise UserError("--steps must be >= 1")
    if args.method == "exact":
        res = T.exact(inst, K, model=args.model, solver=args.solver,
                      cells_per_step=args.cells or 2)
    else:
        res = T.potential(inst, K, model=args.model, solver=args.solver,
                          cells_per_step=args.cells or 1)
    try:
        bound, why = inst.bound(K).value, ""
    except ValueError as exc:  # the theorem's hypothesis fails: no bound to compare
        bound, why = None, str(exc)
    pj = res.to_json(timings=args.timings)
    out = {
        "theorem": inst.theorem,
        "method": args.method,
        "model": args.model,
        "steps": K,
        "n": inst.n,
        "constants": inst.to_json(),
        "worst_case": pj["worst_case"],
        "theorem_bound": _round(bound),
        "theorem_bound_reason": why,
        "below_bound": None if res.value is None or bound is None else bool(res.value < bound),
        "solver": res.solver,
        "status": res.status,
        "solver_status": res.solver_status,
        "reason": res.reason,
        "size": pj["size"],
        "ok": res.ok,
    }
    if "duals" in pj:
        out["potential"] = {k: v for k, v in pj["duals"].items() if k != "t"}
    if args.timings:
        out.update(primal=pj["primal"], accuracy=pj["accuracy"], seconds=pj["seconds"])
    return out


def human(res: dict) -> str:
    wc = res["worst_case"]
    lines = [f"Theorem {res['theorem']} ({res['constants']}), K = {res['steps']}, "
             f"n = {res['n']}, {res['method']} PEP over the {res['model']} model"]
    if wc is None:
        lines.append(f"  no bound: {res['status']} ({res['reason']})")
    else:
        lines.append(f"  worst case over the class: {wc:.9g}   ({res['solver']}, "
                     f"{res['status']})")
    if res["theorem_bound"] is None:
        lines.append(f"  theorem's bound: none ({res['theorem_bound_reason']})")
    else:
        lines.append(f"  theorem's bound:           {res['theorem_bound']:.9g}")
    if "potential" in res:
        lines.append(f"  potential constants: {res['potential']}")
    if "seconds" in res:
        lines.append(f"  solved in {res['seconds']:.2f} s; accuracy {res['accuracy']}")
    return "\n".join(lines)


def add_parser(sub) -> None:
    p = sub.add_parser("pep", help="worst case over the alpha-beta class (PEP) beside a bound",
                       description=__doc__.splitlines()[0])
    p.add_argument("--theorem", required=True, choices=("1", "2", "3", "4"))
    p.add_argument("--alpha", type=float, required=True)
    p.add_argument("--beta", type=float, required=True)
    p.add_argument("--L", type=float, required=True, help="smoothness of every f_i")
    p.add_argument("--gamma", type=float, help="step (Theorems 1, 3) or gamma_0 (Theorem 4)")
    p.add_argument("--c", type=float, help="SPS_max's c (Theorem 2)")
    p.add_argument("--gamma-b", dest="gamma_b", type=float, help="SPS_max's gamma_b")
    p.add_argument("--steps", type=int, required=True, help="K: iterates x^0 .. x^(K-1)")
    p.add_argument("--d0sq", type=float, required=True, help="dist(x^0, S)^2 <= D0^2")
    p.add_argument("--sigma2", type=float, required=True, help="sigma_int^2 <= sigma^2")
    p.add_argument("--sigma-pos2", dest="sigma_pos2", type=float, default=0.0,
                   help="sigma_pos^2 (NGN, Theorem 3)")
    p.add_argument("--n", type=int, default=2, help="number of functions f_i (default 2)")
    p.add_argument("--method", choices=("exact", "potential"), default="exact",
                   help="exact K-step PEP (small K) or the telescoped one-step potential")
    p.add_argument("--model", choices=("class", "proof"), default="class",
                   help="the whole class, or only the inequalities of Theorem 1's proof")
    p.add_argument("--solver", choices=("clarabel", "scs"), default="clarabel")
    p.add_argument("--cells", type=int, help="SPS_max/NGN: step-size cells per step")
    p.add_argument("--timings", action="store_true",
                   help="add solve time and accuracy measures (not byte-stable)")
    add_common(p)
    p.set_defaults(func=run, human=human)
