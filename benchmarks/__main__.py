"""Run every benchmark: ``python -m benchmarks``."""

import importlib
import pkgutil

import benchmarks

for mod in sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__)):
    if mod.startswith("bench_"):
        print(f"== {mod}")
        importlib.import_module(f"benchmarks.{mod}").main([])
