# Two commands do everything: `make run` and `make test`. Only Python 3.11+ and make are needed.
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.8

# uv installs exactly what uv.lock pins, with the Python that made the venv.
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_NO_PROGRESS := 1

.PHONY: run test lint pytest install install-dev bench audit clean help
.DEFAULT_GOAL := help

help:
	@echo "make run    install, migrate, load demo data once, serve http://$(HOST):$(PORT)"
	@echo "make test   lint, type-check and run the whole test suite"
	@echo "make lint   ruff, ruff format --check, makemigrations --check, mypy, import contracts"
	@echo "make bench  every benchmark on a seeded dataset, written to docs/benchmarks.md"
	@echo "make audit  known vulnerabilities in the versions uv.lock pins (pip-audit; needs the"
	@echo "            PyPI vulnerability API or OSV to be reachable)"

$(VENV)/.created:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "error: Python 3.11 or newer is needed (found " + sys.version.split()[0] + "); set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	@touch $@

# --inexact keeps uv itself (installed by pip above) in the venv.
$(VENV)/.installed: $(VENV)/.created pyproject.toml uv.lock
	$(UV) sync --frozen --inexact --no-dev --quiet
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.created pyproject.toml uv.lock
	$(UV) sync --frozen --inexact --quiet
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --first-run
	$(PY) manage.py serve --host $(HOST) --port $(PORT)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports --no-cache --no-logo

pytest: install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

# Every pinned package, development tools included, against PyPI's vulnerability data
# (pip-audit's default service; AUDIT_ARGS="-s osv" asks OSV instead). Fails on any known
# vulnerability, and on any package it could not look up.
audit: install-dev
	$(UV) export --frozen --format requirements-txt --no-hashes --no-emit-project --quiet -o $(VENV)/audit-requirements.txt
	$(VENV)/bin/pip-audit --strict --no-deps --disable-pip --progress-spinner off -r $(VENV)/audit-requirements.txt $(AUDIT_ARGS)

# The suite's summary line is the last thing printed.
test: lint pytest

# Seeds 100,000 posts per configuration and runs for a long while; smaller and quicker, e.g.
# make bench BENCH_ARGS="--posts 2000 --answers 6000 --people 200 --quick --report /tmp/b.md"
bench: install-dev
	$(PY) -m bench.run_all $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache
