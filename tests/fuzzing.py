r"""The fuzz suite's machinery: which public callables there are, how to draw hostile arguments
for them, and the contract every call must keep.

**Targets** are discovered, not listed: every name in the ``__all__`` of every public module of
``toylands`` and ``theory`` (a module whose dotted path has no ``_``-prefixed part), so that a
new public function is fuzzed the day it is exported. Classes are fuzzed through their
constructor and, where an instance can be built cheaply (:data:`INSTANCES`), through every
public method. What cannot be fuzzed generically is in :data:`EXCLUDED`, each with its reason.

**Arguments** are drawn per parameter name (:func:`argument`): a sensible value for the name
(the landscape instances below, a valid α, a small budget) or a hostile one (NaN, ±inf,
5e−324, ±1e308, 10**400, 10**12, a negative, a bool, a string, None, an array of the wrong
shape or dtype, ...).

**The contract** (:func:`judge`, :func:`run_with_timeout`): within :data:`TIME_LIMIT` seconds
(a ``SIGALRM`` timer) a call either returns a value with no NaN or inf anywhere in it, when
every input was finite (unless :data:`NONFINITE_OK` documents it), or raises a ``ValueError`` /
``TypeError`` (or a documented domain exception, :data:`DOMAIN_ERRORS`,
:data:`DOCUMENTED_ERRORS`) whose message is one non-empty line that names one of the call's
arguments (or a word of :data:`ARGUMENT_WORDS`).
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import math
import pkgutil
import re
import signal
import threading
from collections.abc import Callable

import numpy as np
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

# Seconds one API call may take (a hang is a failure); a CLI case gets CLI_TIME_LIMIT.
TIME_LIMIT = 20.0
CLI_TIME_LIMIT = 60.0

# ---- what is fuzzed --------------------------------------------------------------------------
PACKAGES = ("toylands", "theory")

# Modules not fuzzed through the Python API, with why.
EXCLUDED_MODULES = {
    # the command line is fuzzed as such (tests/test_fuzz_cli.py)
    "theory.cli": "fuzzed through the command line",
    # the report's sections take minutes by design; `toylands report` is fuzzed with bad
    # arguments and its atomicity is tested in tests/test_report_atomic.py
    "theory.report": "minutes per call; see test_report*.py and the CLI fuzz",
    "theory.__main__": "runs the command line on import",
}

# Public names that cannot be fuzzed generically, with why.
EXCLUDED = {
    # studies and grids: each call runs many simulations (tens of seconds to minutes at the
    # smallest settings); their arguments are checked by the functions they call, fuzzed here
    "theory.studies.plstar.width_study": "a study of minutes; built from width_point/width_sweep",
    "theory.studies.plstar.width_sweep": "a study of minutes (one training per width)",
    "theory.studies.plstar.alpha_beta_sweep": "a study of minutes (region_map per width)",
    "theory.optim.grid.comparison_grid": "every theorem x landscape: minutes",
    "theory.optim.grid.format_table": "formats the records of comparison_grid (excluded)",
    "theory.studies.protocol.protocol_comparison": "the paper's protocol at full size: minutes",
    "theory.studies.protocol.protocol_variants": "the paper's protocol at full size: minutes",
    "theory.studies.protocol.protocol_two_pass": "the paper's protocol at full size: minutes",
    # hypothesis strategies of theory.testing wrap toylands.strategies (fuzzed) and need a
    # @given context to draw from; check_point calls hypothesis.target (only inside @given)
    "theory.testing.check_point": "calls hypothesis.target: needs a @given test",
    # progress printing: no input to validate
    "theory.certification.inputs.progress": "prints a message",
    # constructors that take ground truth computed by their factory (a private `truth`
    # tuple): the factory is fuzzed instead
    "toylands.halfspace.HalfSpace": "built by half_space (fuzzed) from a private `truth`",
    "toylands.relu_net.TwoLayerNet": "built by two_layer_relu (fuzzed) from a private `truth`",
    "toylands.radial_printed.PrintedExample3": "no arguments; built by example3_printed",
    # the interval method's own arithmetic: its operands are built by the method (fuzzed
    # through certify_interval), never by users
    "theory.certification.interval.arithmetic.Interval": "internal arithmetic of the method",
    "theory.certification.interval.arithmetic.hull": "internal arithmetic of the method",
    "theory.certification.interval.arithmetic.from_mpi": "internal arithmetic of the method",
    # result records: built by the functions that return them (fuzzed), not by users
    "theory.certification.certificate.Certificate": "a result record",
    # constructors called by their factory with internal arguments (names, params dicts, the
    # ground truth); the factories (example1, remark1_valley, ...) are fuzzed instead
    "toylands.valley.Valley": "built by example1 / remark1_valley (fuzzed)",
    "toylands.radial.RadialSum": "built by example2/3/6, remark1_bumps (fuzzed)",
    "toylands.matfac.MatrixFactorization": "built by matrix_factorization (fuzzed)",
    # the orbit sets and their layouts are building blocks of those landscapes; their
    # methods are fuzzed through the landscapes' minimizers
    "toylands.orbits.GLOrbitSet": "built by matrix_factorization (fuzzed)",
    "toylands.orbits.FixedPairSet": "built by matrix_factorization (fuzzed)",
    "toylands.orbits.PermutationOrbitSet": "built by two_layer_relu (fuzzed)",
    "toylands.orbits.SplitOrbitSet": "built by two_layer_relu (fuzzed)",
    "toylands.orbits.split_pair": "layout helper on validated points",
    "toylands.orbits.join_pair": "layout helper on validated points",
    "toylands.orbits.split_units": "layout helper on validated points",
    "toylands.orbits.join_units": "layout helper on validated points",
    # numeric kernels in hot loops, called on validated input; fuzzed through the landscapes
    "toylands.valley.g": "kernel of the valley landscapes",
    "toylands.valley.dg": "kernel of the valley landscapes",
    "toylands.valley.d2g": "kernel of the valley landscapes",
    "toylands.relu_net.phi": "kernel of two-layer-relu",
    "toylands.relu_net.dphi": "kernel of two-layer-relu",
    "toylands.relu_net.relu_f_i_star": "ground-truth kernel of two-layer-relu",
    "toylands.relu_net.stationarity_residual": "ground-truth kernel of two-layer-relu",
    # result records (dataclasses with a consistency check)
    "theory.optim.bounds.Bound": "a result record, built by the theorems (fuzzed)",
    # merged from the network experiments: sweeps and studies take minutes per call (their
    # arguments are checked by the CLI, fuzzed with `toylands experiment`); the rest format or
    # post-process their results, or are internal steps of teacher_student
    "theory.studies.experiments.run": "runs an experiment: minutes (the CLI fuzz covers its name)",
    "theory.studies.experiments.mlp.width_sweep": "a study of minutes",
    "theory.studies.experiments.mlp.batch_sweep": "a study of minutes",
    "theory.studies.experiments.mlp.depth_sweep": "a study of minutes",
    "theory.studies.experiments.mlp.table2": "a study of minutes",
    "theory.studies.experiments.teacher.teacher_student": "a study of minutes",
    "theory.studies.experiments.teacher.orbit_projection": "internal step of teacher_student",
    "theory.studies.experiments.teacher.unit_cost": "internal step of teacher_student",
    "theory.studies.experiments.mlp.interpolation_threshold": "reads the results of width_sweep",
    "theory.studies.experiments.mlp.rise_then_fall": "reads the results of a sweep",
    "theory.studies.experiments.claims.claims": "formats the results of run()",
    # the PEP bridge: its solvers take an Instance (instance_for, fuzzed) or PEPit objects and
    # solve an SDP per call (seconds); the studies take minutes
    "theory.pep.alpha_beta.AlphaBetaClass": "needs a PEPit problem object",
    "theory.pep.steps.apply": "one step inside a PEPit problem",
    "theory.pep.result.combine_max": "combines the results of the solvers",
    "theory.pep.theorems.exact": "takes an Instance and solves an SDP",
    "theory.pep.theorems.potential": "takes an Instance and solves an SDP",
    "theory.pep.theorems.potential_curve": "takes an Instance and solves SDPs",
    "theory.pep.theorems.triangle": "takes an Instance and solves SDPs",
    "theory.pep.theorems.wc": "takes an Instance and solves an SDP",
    "theory.pep.study.triangle_study": "a study of minutes",
    "theory.pep.study.implied_constants": "reads the results of a study",
    "theory.pep.study.verdict": "reads the results of a study",
    "theory.pep.landscape.fitting": "builds every landscape and certifies pairs: minutes",
    # internal pieces of the rigorous methods, called by certify_interval / certify_symbolic
    # (fuzzed) with the landscape's own data
    "theory.certification.interval.generated.SympyKernel": "internal kernel of certify_interval",
    "theory.certification.symbolic.rational1d.certify_rational1d": "internal step of "
    "certify_symbolic for from_sympy landscapes",
    # built by toylands.from_module (fuzzed) from a torch module and its data
    "toylands.torch_module.ModuleLandscape": "built by toylands.from_module",
    # abstract bases
    "toylands.sets.MinimizerSet": "abstract base (project/sample not implemented)",
    "toylands._landscape.Landscape": "abstract base; every concrete landscape is fuzzed",
    # hypothesis's own exception type
    "theory.optim.bounds.HypothesisError": "an exception class",
    # merged from the theorem checks: a check per informative setting and a global search
    # per batch landscape take minutes; their arguments are checked at entry (@checked) and
    # what they call (check, region_map, batch_landscape) is fuzzed
    "theory.optim.grid.informative_checks": "a check per informative setting: minutes",
    "theory.studies.paper.batch_study": "a global search and a region per batch size: minutes",
    # the registry is global state: register() would add fuzz names for every later test
    "toylands._registry.register": "mutates the global registry (tested in test_contract)",
}

# Public methods of instances not fuzzed generically, with why.
EXCLUDED_METHODS = {
    "hessian_kernel": "RadialSum's kernel on validated points; hessian() is the checked entry",
}

# Exceptions a call may raise besides ValueError/TypeError: documented domain errors.
DOMAIN_ERRORS: tuple = ()
try:  # a landscape whose ground truth cannot be established (where the package defines it)
    from toylands import GroundTruthError  # type: ignore[attr-defined]

    DOMAIN_ERRORS += (GroundTruthError,)
except ImportError:
    pass

# Exceptions that are a target's documented answer (not a failure), with why.
DOCUMENTED_ERRORS = {
    # the assertion helper of users' test suites: AssertionError (with the counterexample on
    # its own lines) is what it is for
    "theory.testing.assert_alpha_beta": AssertionError,
    "theory.assert_alpha_beta": AssertionError,
}
# Methods whose documented answer may be an exception: ``symbolic()`` of a landscape without
# a closed form raises NotImplementedError (design.md: symbolic() "for the closed-form
# landscapes").
DOCUMENTED_METHOD_ERRORS = {"symbolic": NotImplementedError}

# Targets whose results may hold NaN/inf for finite input, and where that is documented.
NONFINITE_OK = {
    "theory.conditions": "ConditionConstant.values: NaN where the inequality is vacuous",
    "theory.studies.protocol.aiming_along": "cos/coefficient: NaN where a vector is 0 or "
                                            "f = f_lower",
    "theory.studies.protocol.pl_estimate_along": "value NaN where f <= f_ref; log_2mu NaN if none",
    "theory.optim.check_curve": "RateCurve.bound: NaN where the theorem refuses a horizon",
    "theory.optim.compare.check_curve": "RateCurve.bound: NaN where the theorem refuses",
    "theory.region.Region": "beta_min/alpha_min/envelope are +inf where no beta works",
    "theory.region.PiecewiseLinear": "pieces may be +/-inf by definition",
    "theory.region.upper_envelope": "-inf with no rows; +/-inf pieces by definition",
    "theory.region.combine": "+/-inf pieces by definition",
    "theory.region.theorem_term": "+inf where the theorem's gap constraint or 0 <= beta < alpha "
                                  "fails (documented; the searches take its argmin)",
    "theory.optim.optimizers.polyak_ratio": "+inf where the gradient is 0 (documented limit)",
    "theory.certification.sampling.beta_needed": "+/-inf for rows with c = 0 (documented)",
    "theory.certification.symbolic.exact.exact_region": "alpha_min +inf for an empty region",
    "theory.certification.mapping.region_map": "a Region: +inf where no beta works",
    "theory.optim.compare.verdict": "ratio/bound_over_trivial +inf where bound/trivial <= 0",
    "theory.studies.paper.halfspace_study": "carries aiming_along/pl_estimate_along (NaN there)",
}

# Words that name an argument in an error message about a nested value (e.g. a landscape's
# domain when the argument was the landscape).
ARGUMENT_WORDS = ("landscape", "domain", "box", "rows", "point", "shape", "dtype", "optimizer",
                  "theorem", "experiment")


# ---- discovery ------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Target:
    """A public callable: ``qualname`` (where it is exported) and how to call it."""

    qualname: str
    fn: Callable
    owner: object = None  # the instance for a bound method

    @property
    def params(self) -> list[inspect.Parameter]:
        try:
            sig = inspect.signature(self.fn)
        except (TypeError, ValueError):
            return []
        return [
            p
            for p in sig.parameters.values()
            if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) and p.name != "self"
        ]


def _public_modules():
    for pkg_name in PACKAGES:
        pkg = importlib.import_module(pkg_name)
        yield pkg_name, pkg
        for info in pkgutil.walk_packages(pkg.__path__, pkg_name + "."):
            name = info.name
            if any(part.startswith("_") for part in name.split(".")):
                continue
            if any(name == m or name.startswith(m + ".") for m in EXCLUDED_MODULES):
                continue
            try:
                yield name, importlib.import_module(name)
            except ImportError:  # an optional extra (torch, pepit) that is not installed
                continue


def _is_record(obj) -> bool:
    """Plain records (NamedTuples, dataclasses without checks): nothing to fuzz."""
    if not inspect.isclass(obj):
        return False
    if issubclass(obj, tuple) and hasattr(obj, "_fields"):
        return True
    if issubclass(obj, BaseException):
        return True
    return dataclasses.is_dataclass(obj) and not hasattr(obj, "__post_init__")


def discover() -> list[Target]:
    """Every public callable, once (the first module that exports it names it)."""
    seen: dict[int, Target] = {}
    for mod_name, mod in _public_modules():
        for name in getattr(mod, "__all__", ()):
            if name.startswith("_"):
                continue
            obj = getattr(mod, name, None)
            if obj is None or not callable(obj) or id(obj) in seen:
                continue
            home = f"{getattr(obj, '__module__', mod_name)}.{getattr(obj, '__qualname__', name)}"
            if home in EXCLUDED or f"{mod_name}.{name}" in EXCLUDED or _is_record(obj):
                seen[id(obj)] = None  # type: ignore[assignment]
                continue
            seen[id(obj)] = Target(f"{mod_name}.{name}", obj)
    return sorted((t for t in seen.values() if t is not None), key=lambda t: t.qualname)


def public_classes() -> list[type]:
    """Every public class (records included: their methods may do work, e.g. Region)."""
    out: dict[int, type] = {}
    for _, mod in _public_modules():
        for name in getattr(mod, "__all__", ()):
            obj = getattr(mod, name, None)
            if inspect.isclass(obj) and not name.startswith("_"):
                out.setdefault(id(obj), obj)
    return list(out.values())


# ---- instances ------------------------------------------------------------------------------
_CACHE: dict = {}


def _cached(key, build):
    if key not in _CACHE:
        _CACHE[key] = build()
    return _CACHE[key]


def _bowl():
    import toylands

    return toylands.from_functions(
        name="bowl", dim=2, n=1,
        losses=lambda x: 0.5 * np.sum(x**2, axis=-1, keepdims=True),
        grads=lambda x: x[..., None, :],
        f_i_star=[0.0], f_star=0.0, project=lambda x: np.zeros_like(x), L=1.0,
    )


# Cheap instances of every landscape family (a few seconds to build, once per session).
LANDSCAPES = {
    "example1": ("example1", {}),
    "example6": ("example6", {}),
    "example3-printed": ("example3-printed", {}),
    "remark1-valley": ("remark1-valley", {"n": 2, "d": 3, "seed": 1}),
    "remark1-bumps": ("remark1-bumps", {"n": 1, "d": 1, "seed": 2}),
    "least-squares": ("least-squares", {"n": 4, "d": 3, "seed": 1}),
    "matrix-factorization": ("matrix-factorization", {"n": 3, "m": 2, "k": 1, "rank": 1,
                                                      "noise": 0.3, "seed": 1}),
    "two-layer-relu": ("two-layer-relu", {"n": 6, "d": 2, "k": 2, "seed": 1}),
    "half-space": ("half-space", {"n": 8, "d": 2, "seed": 1, "lam": 1e-3, "starts": 30}),
}


def landscape(key: str):
    import toylands

    if key == "bowl":
        return _cached("bowl", _bowl)
    name, params = LANDSCAPES[key]
    return _cached(("land", key), lambda: toylands.get(name, **params))


LANDSCAPE_KEYS = (*LANDSCAPES, "bowl")


def _region():
    import theory

    f = landscape("example6")
    x = f.domain.sample(np.random.default_rng(0), 200)
    return theory.Region.from_rows(theory.alpha_beta_rows(f, x))


def _rows():
    import theory

    f = landscape("example1")
    return theory.alpha_beta_rows(f, f.domain.sample(np.random.default_rng(1), 50))


def _simulation():
    from theory.optim.optimizers import sgd
    from theory.optim.simulate import simulate

    f = landscape("example6")
    rng = np.random.default_rng(0)
    return simulate(f, sgd(0.1), f.domain.sample(rng, 8), steps=20, rng=rng)


def _net():
    from theory.studies.plstar import SoftplusNet

    rng = np.random.default_rng(0)
    return SoftplusNet(rng.normal(size=(4, 2)), rng.normal(size=4), 3)


def _pwl():
    from theory.region import PiecewiseLinear

    return PiecewiseLinear(np.array([0.0, 1.0]), np.array([1.0, 0.0, 2.0]),
                           np.array([0.0, 0.0, -2.0]))


# Instances whose public methods are fuzzed: class -> builders of instances.
def instances_of(cls) -> list[tuple[str, object]]:
    import toylands
    from theory.region import PiecewiseLinear, Region

    if issubclass(cls, toylands.Landscape):
        out = []
        for key in LANDSCAPE_KEYS:
            f = landscape(key)
            if isinstance(f, cls):
                out.append((key, f))
        return out
    if cls is Region:
        return [("region", _cached("region", _region))]
    if cls is PiecewiseLinear:
        return [("pwl", _cached("pwl", _pwl))]
    if cls is toylands.Box:
        return [("box", toylands.Box.cube(-1.0, 2.0, 2))]
    if issubclass(cls, toylands.MinimizerSet):
        out = []
        for key in LANDSCAPE_KEYS:
            S = landscape(key).minimizers
            if isinstance(S, cls):
                out.append((f"{key}.minimizers", S))
        return out
    return []


def method_targets(classes) -> list[Target]:
    """Public methods (and properties' getters are skipped) of the instances of ``classes``."""
    out, seen = [], set()
    for cls in classes:
        for label, inst in instances_of(cls):
            if id(inst) in seen:  # an instance is fuzzed once, under the first class found
                continue
            seen.add(id(inst))
            for name, member in inspect.getmembers(type(inst)):
                if name.startswith("_") or isinstance(member, property):
                    continue
                if name in EXCLUDED_METHODS:
                    continue
                if not callable(member) or inspect.isclass(member):
                    continue
                bound = getattr(inst, name)
                if not callable(bound):
                    continue
                out.append(Target(f"{cls.__module__}.{cls.__qualname__}[{label}].{name}", bound,
                                  inst))
    return out


# ---- hostile values -------------------------------------------------------------------------
HUGE_INT = 10**400
BAD_FLOATS = (math.nan, math.inf, -math.inf)
EXTREME_FLOATS = (0.0, -0.0, 5e-324, -5e-324, 1e-300, 1e308, -1e308, 1.7976931348623157e308,
                  1e154, -1e154, 1e15, -1.0, 1e-12)
EXTREME_INTS = (0, -1, -(2**63), 2**63, 10**12, 10**18, HUGE_INT, -HUGE_INT)


class _Opaque:
    """An object of no kind any function accepts."""

    def __repr__(self):
        return "<opaque>"


def hostile() -> SearchStrategy:
    """Values of the wrong kind or at the edge of float64, for any parameter."""
    return st.one_of(
        st.sampled_from(BAD_FLOATS + EXTREME_FLOATS),
        st.sampled_from(EXTREME_INTS),
        st.sampled_from([True, False, None, "", "x", "1.0", b"1", [], (), {}, [1.0, "a"],
                         [[1.0], [1.0, 2.0]], 1j, _Opaque()]),
        st.sampled_from([np.array([]), np.array([np.nan]), np.array([[1e308, -1e308]]),
                         np.array([1, 2], dtype=np.int8), np.array(["a"]), np.zeros((0, 2)),
                         np.array(1e308), np.array([HUGE_INT], dtype=object)]),
    )


def _floats(lo=-1e6, hi=1e6):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def _points_for(dim_hint=None) -> SearchStrategy:
    """Arrays of points: right shapes for the instances' dims and wrong ones, finite and not."""
    elements = st.one_of(_floats(-100, 100), st.sampled_from(BAD_FLOATS + EXTREME_FLOATS))
    dims = st.sampled_from([1, 2, 3, 4, 6, 16] if dim_hint is None else [dim_hint] * 4 + [1, 7])
    shapes = st.tuples(st.sampled_from([(), (1,), (3,), (2, 2)]), dims).map(
        lambda t: t[0] + (t[1],))
    from hypothesis.extra import numpy as hnp

    return shapes.flatmap(lambda s: hnp.arrays(np.float64, s, elements=elements))


def _landscapes() -> SearchStrategy:
    return st.sampled_from(LANDSCAPE_KEYS).map(landscape)


def _generators():
    return st.one_of(st.integers(0, 2**32), st.builds(np.random.default_rng, st.integers(0, 9)))


# Sensible values by parameter name (a regex on the whole name). The first match wins.
_SENSIBLE: list[tuple[str, Callable[[], SearchStrategy]]] = [
    (r"landscapes?|land|system", _landscapes),
    (r"net", lambda: st.just(_cached("net", _net))),
    (r"base", _landscapes),
    (r"b", lambda: st.one_of(st.integers(1, 4), _points_for(2))),
    (r"x|x0|v|w|w0|xk|x_star|reference|points?|x_K", lambda: _points_for()),
    (r"i|idx|index", lambda: st.integers(0, 3)),
    (r"alpha|alpha_max|max_alpha", lambda: st.sampled_from([1.0, 2.0, 5.0, 41.37, 1e3])),
    (r"beta|beta_F", lambda: st.sampled_from([0.0, 0.5, 1.0, 40.37])),
    (r"alphas|betas|horizons|widths|c_k", lambda: st.lists(_floats(0, 100), max_size=4)),
    (r"L|L_F|mu|gamma|gamma0|gamma_b|eta|c|c_sps|b0|scale|lam\d?|noise|spread|variance|radius",
     lambda: st.sampled_from([1e-3, 0.1, 0.5, 1.0, 2.0])),
    (r"gamma_L", lambda: st.sampled_from([0.0, 0.5, 2.0])),
    (r"K|k|steps|t|rounds|iters|every|dist_every|keep_x|max_snapshots",
     lambda: st.integers(0, 12)),
    (r"runs|budget|samples|starts|batch|num|n|m|d|dim|rank|N|points_|size",
     lambda: st.integers(1, 12)),
    (r"seed", lambda: st.integers(0, 5)),
    (r"rng", _generators),
    (r"D0_sq|D_sq|dist0_sq|G_sq|sigma_int2|sigma_pos2|residual0|f_star|min_gap|margin|gap|"
     r"gap_max|rtol|atol|tol|level|delta|eps|diverge_norm|error|min_residual|f_lower",
     lambda: st.sampled_from([0.0, 1e-6, 0.5, 0.95, 1.0, 10.0])),
    (r"theorem", lambda: st.sampled_from([1, 2, 3, 4, 5, 6, 7, "1", "C1", "Corollary 1", 8, "x"])),
    (r"method", lambda: st.sampled_from([None, "sample", "adversarial", "interval", "symbolic",
                                         "magic"])),
    (r"domain|box|x0_box", lambda: st.sampled_from([None, (-1.0, 1.0), (-20.0, 20.0),
                                                    (1.0, -1.0), (0.0, 1e308)])),
    (r"quiet|positive|plstar_on_ball|beta_zero|whole_space|refine|mean|per_sample|quick|"
     r"alpha_beta|strict|allow_inconclusive|require_certified_L|left",
     lambda: st.booleans()),
    (r"name", lambda: st.sampled_from(["example1", "example6", "nope", "", "sgd", "sps-max"])),
    (r"activation", lambda: st.sampled_from(["relu", "softplus", "tanh"])),
    (r"loss", lambda: st.one_of(st.sampled_from(["logistic", "square", "hinge"]),
                                _points_for(1))),
    (r"rows", lambda: st.just(_cached("rows", _rows))),
    (r"sim", lambda: st.just(_cached("sim", _simulation))),
    (r"region", lambda: st.sampled_from([None, _cached("region", _region)])),
    (r"lo|hi|ulo|uhi|u|value|norm_a|lam",
     lambda: st.one_of(_floats(-10, 10), _points_for(2))),
    (r"X|A|data|centres|points_arr|directions|point|a|b|y|labels|X_data",
     lambda: st.one_of(_points_for(2), st.builds(lambda s: np.random.default_rng(s).normal(
         size=(4, 2)), st.integers(0, 3)))),
]


def argument(param: inspect.Parameter) -> SearchStrategy:
    """Sensible or hostile values for one parameter (see the module docstring)."""
    name = param.name
    sensible = None
    for pattern, make in _SENSIBLE:
        if re.fullmatch(pattern, name):
            sensible = make()
            break
    options = [hostile()]
    if sensible is not None:
        options.insert(0, sensible)
    if param.default is not inspect.Parameter.empty and name not in ALWAYS_GIVEN:
        options.insert(0, st.just(param.default))
    return st.one_of(*options)


def arguments(target: Target) -> SearchStrategy:
    """``(args, kwargs)`` for a call of ``target``: every required parameter, and each optional
    one with probability 1/2."""
    pos, kw = [], {}
    for p in target.params:
        required = p.default is inspect.Parameter.empty or p.name in ALWAYS_GIVEN
        strategy = argument(p)
        if p.kind == p.POSITIONAL_ONLY:
            pos.append(strategy)
        elif required:
            kw[p.name] = strategy
        else:
            kw[p.name] = st.one_of(st.just(_OMIT), strategy)
    return st.tuples(st.tuples(*pos), st.fixed_dictionaries(kw)).map(
        lambda t: (t[0], {k: v for k, v in t[1].items() if v is not _OMIT}))


_OMIT = object()

# Cost parameters always given (a small value or a hostile one), never left at a default of
# many seconds (e.g. region_map's budget of 5000 points on matrix factorization).
ALWAYS_GIVEN = {"budget", "runs", "steps", "samples", "starts", "rounds"}


# ---- the contract ---------------------------------------------------------------------------
try:
    from hypothesis.errors import Frozen, StopTest

    _HYPOTHESIS_CONTROL: tuple = (StopTest, Frozen)
except ImportError:  # pragma: no cover - older hypothesis
    _HYPOTHESIS_CONTROL = ()


class Hang(BaseException):
    """A call exceeded its time limit (a BaseException, so that no ``except Exception`` of the
    code under test can swallow it)."""


@dataclasses.dataclass
class Outcome:
    value: object = None
    error: BaseException | None = None


def run_with_timeout(fn: Callable, limit: float = TIME_LIMIT) -> Outcome:
    """``fn()`` under a SIGALRM timer (main thread only); :class:`Hang` after ``limit`` s."""
    assert threading.current_thread() is threading.main_thread()

    def on_alarm(signum, frame):
        raise Hang(f"no result within {limit:g} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        return Outcome(value=fn())
    except Hang:
        raise
    except BaseException as exc:  # noqa: BLE001 - judged by the caller
        if isinstance(exc, (KeyboardInterrupt, SystemExit, *_HYPOTHESIS_CONTROL)):
            raise  # hypothesis's own control flow (an exhausted draw) is not an outcome
        return Outcome(error=exc)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def nonfinite(obj, path="", seen=None, depth=0) -> str | None:
    """The path of the first NaN/inf inside ``obj`` (numbers, arrays, containers, records,
    objects with ``to_json``), or None."""
    if seen is None:
        seen = set()
    if depth > 12 or id(obj) in seen:
        return None
    if isinstance(obj, (bool, np.bool_, int, str, bytes)) or obj is None:
        return None
    if isinstance(obj, (float, np.floating)):
        return None if math.isfinite(obj) else path or "/"
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind in "fc" and not np.all(np.isfinite(obj)):
            return path or "/"
        return None
    if isinstance(obj, SearchStrategy) or callable(obj) and not hasattr(obj, "to_json"):
        return None
    seen.add(id(obj))
    if isinstance(obj, dict):
        items = obj.items()
    elif isinstance(obj, (list, tuple)):
        items = enumerate(obj)
    elif _is_landscape(obj):
        items = [("ground_truth", obj.ground_truth()), ("domain", obj.domain.to_json())]
    elif hasattr(obj, "to_json"):
        try:
            items = [("to_json", obj.to_json())]
        except (ValueError, TypeError, NotImplementedError):
            items = []
    elif dataclasses.is_dataclass(obj):
        items = [(f.name, getattr(obj, f.name)) for f in dataclasses.fields(obj)]
    else:
        return None
    for k, v in items:
        bad = nonfinite(v, f"{path}/{k}", seen, depth + 1)
        if bad:
            return bad
    return None


def _is_landscape(obj) -> bool:
    import toylands

    return isinstance(obj, toylands.Landscape)


def inputs_finite(args, kwargs) -> bool:
    """Every number in the inputs is finite (landscapes and other objects count as finite)."""
    return all(
        nonfinite(v) is None and not (isinstance(v, int) and abs(v) > 2**1023)
        for v in (*args, *kwargs.values())
    )


def _names_an_argument(message: str, names) -> bool:
    # "x0" is also named by "x" (the point it is): strip trailing digits and underscores
    words = set(names) | {re.sub(r"[\d_]+$", "", n) for n in names} | set(ARGUMENT_WORDS)
    return any(re.search(rf"(?<![A-Za-z0-9_]){re.escape(w)}s?(?![A-Za-z0-9_])", message)
               for w in words if w)


def judge(target: Target, args, kwargs, outcome: Outcome, *, nonfinite_ok=False) -> str | None:
    """What is wrong with ``outcome`` (None when the contract holds)."""
    err = outcome.error
    documented = DOCUMENTED_ERRORS.get(target.qualname.split("[")[0])
    if documented is None and "[" in target.qualname:
        documented = DOCUMENTED_METHOD_ERRORS.get(target.qualname.rsplit(".", 1)[-1])
    if err is not None and documented is not None and isinstance(err, documented):
        return None if str(err).strip() else "documented error with an empty message"
    if err is not None:
        allowed = (ValueError, TypeError, *DOMAIN_ERRORS)
        if not isinstance(err, allowed):
            return f"raised {type(err).__name__}: {err}"
        msg = str(err)
        if not msg.strip():
            return f"raised {type(err).__name__} with an empty message"
        if "\n" in msg.strip():
            return f"{type(err).__name__} message is not one line: {msg!r}"
        names = [p.name for p in target.params]
        if not _names_an_argument(msg, names):
            return f"{type(err).__name__} message names no argument of {names}: {msg!r}"
        return None
    if nonfinite_ok or not inputs_finite(args, kwargs):
        return None
    bad = nonfinite(outcome.value)
    if bad is not None:
        return f"returned NaN/inf at {bad} for finite input"
    return None


def describe_call(target: Target, args, kwargs) -> str:
    def short(v):
        r = repr(v)
        return r if len(r) < 120 else r[:117] + "..."

    parts = [short(a) for a in args] + [f"{k}={short(v)}" for k, v in kwargs.items()]
    return f"{target.qualname}({', '.join(parts)})"
