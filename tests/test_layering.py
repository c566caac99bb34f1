"""The layering of the packages, kept true by a test (README "Architecture").

    toylands  →  theory math  →  certification  →  optim  →  studies  →  figures  →  report / cli
                 (conditions,                               (protocol,
                  region, claims)                            plstar, testing, pep, experiments)

A module may import its own layer and the layers to its left, never one to its right; and no
two modules import each other, directly or through others (function-level imports count: a
lazy import still ties the modules together). Every module of the three packages must be placed
in a layer, so that a new module is a decision, not an accident.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("toylands", "theory", "figures")

# (prefix, layer); the longest matching prefix wins.
LAYERS = (
    ("toylands", 0),
    ("theory.conditions", 1),
    ("theory.region", 1),
    ("theory.claims", 1),
    ("theory._digest", 1),  # the code version in the keys of cached results
    ("theory.certification", 2),
    ("theory.optim", 3),
    ("theory.studies", 4),
    ("theory.testing", 4),
    ("theory.pep", 4),
    ("theory", 4),  # the package facade (theory/__init__.py) re-exports the layers below it
    ("figures", 5),
    ("theory.report", 6),
    ("theory.cli", 6),
    ("theory.__main__", 6),
)
NAMES = {0: "toylands", 1: "theory math", 2: "certification", 3: "optim", 4: "studies",
         5: "figures", 6: "report/cli"}


def layer_of(module: str) -> int | None:
    best = None
    for prefix, layer in LAYERS:
        if module == prefix or module.startswith(prefix + "."):
            if best is None or len(prefix) > len(best[0]):
                best = (prefix, layer)
    return None if best is None else best[1]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_sources() -> dict[str, str]:
    out = {}
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            out[module_name(path)] = path.read_text(encoding="utf-8")
    return out


def imports_of(module: str, source: str, is_package: bool, known: set[str]) -> set[str]:
    """The project modules that ``module`` imports anywhere in its source."""
    found = set()
    base = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                stem = base[: len(base) - (node.level - 1)]
                mod = ".".join(stem + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            targets = [f"{mod}.{a.name}" if f"{mod}.{a.name}" in known else mod
                       for a in node.names]
        else:
            continue
        for t in targets:
            # the longest known prefix: ``import theory.optim.compare`` is that module
            parts = t.split(".")
            while parts and ".".join(parts) not in known:
                parts.pop()
            if parts and ".".join(parts) != module:
                found.add(".".join(parts))
    return found


def graph(sources: dict[str, str], packages: set[str]) -> dict[str, set[str]]:
    known = set(sources)
    return {m: imports_of(m, src, m in packages, known) for m, src in sources.items()}


def wrong_way(g: dict[str, set[str]]) -> list[str]:
    bad = []
    for m, targets in sorted(g.items()):
        lm = layer_of(m)
        for t in sorted(targets):
            lt = layer_of(t)
            if lm is not None and lt is not None and lt > lm:
                bad.append(f"{m} ({NAMES[lm]}) imports {t} ({NAMES[lt]})")
    return bad


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in g.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


def _packages(sources):
    return {m for m in sources if (ROOT / m.replace(".", "/") / "__init__.py").exists()}


def _without_package_edges(g):
    # ``import a.b`` runs ``a/__init__``; that edge from a submodule to its own package's facade
    # is how Python works, not a cycle of ours. Edges *into* a package's own submodules from its
    # ``__init__`` (re-exports) are kept.
    return {m: {t for t in ts if not m.startswith(t + ".")} for m, ts in g.items()}


@pytest.fixture(scope="module")
def project():
    sources = project_sources()
    return sources, graph(sources, _packages(sources))


def test_every_module_has_a_layer(project):
    sources, _ = project
    missing = [m for m in sources if layer_of(m) is None]
    assert not missing, f"place these modules in LAYERS: {missing}"


def test_no_import_points_the_wrong_way(project):
    _, g = project
    bad = wrong_way(g)
    assert not bad, "wrong-way imports:\n" + "\n".join(bad)


def test_no_import_cycles(project):
    _, g = project
    found = cycles(_without_package_edges(g))
    assert not found, f"import cycles: {found}"


def test_toylands_imports_nothing_of_theory_or_figures(project):
    _, g = project
    bad = [(m, t) for m, ts in g.items() if m.startswith("toylands") for t in ts
           if not t.startswith("toylands")]
    assert not bad


# ---- the checker itself fails where it must ----------------------------------------------------
def test_a_wrong_way_import_is_caught():
    sources = {
        "theory.conditions": "import numpy as np\nfrom figures import plotting\n",
        "figures.plotting": "from theory.conditions import alpha_beta_rows\n",
        "theory.optim.grid": "def f():\n    from theory.report import build_report\n",
        "theory.report": "",
    }
    bad = wrong_way(graph(sources, {"theory.report"}))
    assert any("theory.conditions (theory math) imports figures.plotting" in b for b in bad)
    assert any("theory.optim.grid (optim) imports theory.report" in b for b in bad)


def test_a_lazy_cycle_is_caught():
    sources = {
        "theory.optim.compare": "from .grid import table\n",
        "theory.optim.grid": "def f():\n    from .compare import check\n",
    }
    assert cycles(graph(sources, set())) == [["theory.optim.compare", "theory.optim.grid"]]


def test_former_module_names_still_import():
    # Code written against the earlier layout keeps working: the old names are the new modules.
    import importlib

    import theory.studies.experiments.claims as claims
    import theory.studies.paper as paper
    import theory.studies.protocol as protocol

    assert importlib.import_module("theory.protocol") is protocol
    assert importlib.import_module("theory.paper_studies") is paper
    assert importlib.import_module("theory.experiments.claims") is claims
    from theory.certify import region_map
    from theory.plstar import alpha_beta_sweep

    assert callable(region_map) and callable(alpha_beta_sweep)
    import theory

    assert callable(theory.conditions_table)  # the function, not the module it lives in
