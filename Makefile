# Two commands set everything up: `make demo` and `make test` (see README).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# Every package the venv gets, pip and setuptools included, pinned with its hashes.
LOCK   := requirements.lock

.PHONY: demo test bench lint install lock clean

# Installs exactly the locked set (pip refuses any file whose hash differs), then this
# project itself without dependencies or a build sandbox (setuptools comes from the lock).
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

# Re-resolves the lock after a change to pyproject.toml, keeping the pins still allowed;
# `make lock UPGRADE=1` moves every package to its newest allowed release.
lock: $(STAMP)
	printf 'pip\nsetuptools\n' | $(VENV)/bin/uv pip compile pyproject.toml - --extra dev \
		--universal --python-version 3.11 --generate-hashes --quiet \
		--custom-compile-command 'make lock' $(if $(UPGRADE),--upgrade) -o $(LOCK)

demo: $(STAMP)
	$(VENV)/bin/mestring demo --home demo-home

test: $(STAMP)
	$(PY) -m pytest -q -n 2 --dist loadgroup --durations=10

bench: $(STAMP)
	$(VENV)/bin/mestring bench --quick

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy cli models sync kiosk bench
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .hypothesis
