# The two commands of the README: `make report` and `make test`.
# Each creates .venv when it is missing and installs what it needs into it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= report

.PHONY: report test test-slow lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

report: $(VENV)/.installed
	$(BIN)/toylands report --out $(OUT)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

test: lint
	HYPOTHESIS_PROFILE=ci $(BIN)/python -m pytest -q -m "not slow"

test-slow: $(VENV)/.installed-test
	HYPOTHESIS_PROFILE=ci $(BIN)/python -m pytest -q -m slow

# The peers the benchmarks compare with: torch (torch.func.jvp under vmap) and python-flint (arb).
# `make bench` installs them into .venv (torch pinned: the CPU wheel, not a range that would pull
# several GB of CUDA packages); each benchmark prints "skipped (not installed)" without them.
$(VENV)/.installed-bench: $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet 'torch==2.13.0' 'python-flint>=0.6'
	touch $@

bench: $(VENV)/.installed-bench
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) report .pytest_cache .hypothesis build *.egg-info
