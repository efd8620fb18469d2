# Two commands do everything on a fresh clone:  `make report` (the main job) and `make test` (all tests).
# Both create .venv inside the repo on first use; later runs reuse it: the install is redone only when the
# content of pyproject.toml or constraints.txt changes (a hash in .venv/.installed, not file times). An install that was
# interrupted (.venv/.installing left behind) is not patched up: the venv is rebuilt from scratch, so `make` heals itself.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CORPUS ?=
WORKERS ?= 2

.PHONY: setup browser report test test-fast export clean-nbs readme check-sync nbtest pytest pytest-fast

setup:
	@h=$$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1); \
	if [ -e $(VENV)/.installing ]; then echo "$(VENV) was left half-installed by an interrupted set-up: rebuilding it"; rm -rf $(VENV); fi; \
	if [ ! -x $(BIN)/python ] || [ "$$(cat $(STAMP) 2>/dev/null)" != "$$h" ]; then \
	  echo "setting up $(VENV) (torch pinned by constraints.txt)"; \
	  mkdir -p $(VENV) && touch $(VENV)/.installing && rm -f $(STAMP) && \
	  ( test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) ) && \
	  $(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]' && \
	  echo $$h > $(STAMP) && rm -f $(VENV)/.installing; \
	fi

# Headless Chromium and its WebDriver from Debian/Ubuntu apt, for tests/test_html_browser.py; installed only when missing
# (as root directly, otherwise through passwordless sudo).
browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
	  else echo "make browser: installing chromium needs root or passwordless sudo: apt-get install chromium chromium-driver"; exit 1; fi; \
	  echo "installing chromium and chromium-driver (apt)"; \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null; \
	fi

# ---- main job: build the code KG of the default corpus and render the report -----------------
STEPS ?= 500
report: setup
	$(BIN)/python -m graphmer.report --workers $(WORKERS) --steps $(STEPS) $(if $(CORPUS),--corpus $(CORPUS),)

# ---- tests ----------------------------------------------------------------------------------
test: setup check-sync nbtest pytest

# The edit loop: the library notebooks and the tests not marked `slow` (the integration tests: papermill runs of the
# runnable notebooks, the whole standard library's KG, a fresh environment, the browser), a few minutes.
test-fast: setup check-sync nbtest pytest-fast

# nbdev-export and nbdev-clean must be no-ops on a committed tree: run both on a copy and compare.
check-sync: setup
	@tmp=$$(mktemp -d) && cp -r nbs graphmer pyproject.toml $$tmp/ && \
	$(BIN)/nbdev-export && $(BIN)/nbdev-clean && \
	find graphmer -name __pycache__ -prune -o -type f -print | sort > $$tmp/after.txt && \
	(cd $$tmp && find graphmer -name __pycache__ -prune -o -type f -print | sort > before.txt) && \
	if ! diff -q $$tmp/before.txt $$tmp/after.txt >/dev/null || \
	   ! diff -r -q -x __pycache__ $$tmp/graphmer graphmer || ! diff -r -q $$tmp/nbs nbs || \
	   ! diff -q $$tmp/pyproject.toml pyproject.toml; then \
	  echo "nbdev-export or nbdev-clean changed files: edit the notebooks, export, clean, and commit."; exit 1; fi; \
	echo "nbdev-export and nbdev-clean: no changes"

# The library notebooks: not the prose pages (graphmer.core.DOC_PAGES; index.ipynb is the README's source) nor the
# runnable notebooks (graphmer.core.RUNNABLE), which the integration tests run with papermill.
nbtest: setup
	@skip=$$($(BIN)/python -c 'from graphmer.core import RUNNABLE, DOC_PAGES; print("|".join(RUNNABLE + tuple(DOC_PAGES)))') && \
	echo "nbdev-test: the library notebooks (not the prose pages or the runnable ones: $$skip)" && \
	$(BIN)/nbdev-test --n-workers 2 --skip-file-re "^($$skip)\.ipynb$$"

pytest: setup browser
	$(BIN)/python -m pytest tests -q --durations=20   # the slowest tests in the log: CI must stay well under 30 min on 2 cores

pytest-fast: setup
	$(BIN)/python -m pytest tests -q -m "not slow"

export: setup
	$(BIN)/nbdev-export && $(BIN)/nbdev-clean

readme: setup
	$(BIN)/python -c "from graphmer.report import write_readme; print(write_readme())"
