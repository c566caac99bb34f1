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

# `make report` installs the extras its sections use (torch: the network experiments; pep: the
# worst case over the class). `toylands report` without them marks those sections skipped.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[torch,pep]'
	touch $@

# The test extras include the torch extra (a pinned CPU build) so CI runs the torch tests;
# without torch those tests skip with the reason and the rest of the suite runs.
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,torch,pep]'
	touch $@

report: $(VENV)/.installed
	$(BIN)/toylands report --out $(OUT)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

# Two workers (pytest-xdist), one test file each at a time so that module fixtures are built
# once: about half the wall time on the two cores of the project's machines.
JOBS ?= 2

test: lint
	HYPOTHESIS_PROFILE=ci $(BIN)/python -m pytest -q -m "not slow" -n $(JOBS) --dist loadfile

test-slow: $(VENV)/.installed-test
	HYPOTHESIS_PROFILE=ci $(BIN)/python -m pytest -q -m slow

# The peers the benchmarks compare with: torch (torch.func.jvp under vmap; the test extras
# install the pinned CPU build) and python-flint (arb), which `make bench` installs into .venv.
# Each benchmark prints "skipped (not installed)" for a peer that is missing.
$(VENV)/.installed-bench: $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet 'python-flint>=0.6'
	touch $@

bench: $(VENV)/.installed-bench
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) report .pytest_cache .hypothesis build *.egg-info
