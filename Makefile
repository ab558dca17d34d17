# reformlib: every target sets itself up (virtual environment, kernel, fonts) on first use.
# `make help` lists the targets.

SHELL := /bin/bash
PYTHON_BASE ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
KERNEL := reformlib
MONTH ?=
# LANG on the command line picks the brief's language; the locale variable of the same name is ignored.
BRIEF_LANG := $(if $(filter command line,$(origin LANG)),$(LANG),zh)
UNIT ?=
WORKERS ?=
DATA ?=

.DEFAULT_GOAL := help
.PHONY: help setup fonts chromium memo-tools data brief briefs templates lint test test-fast lab bench bench-national calibrate clean clean-venv clean-reports

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-13s %s\n", $$1, $$2}'
	@echo "  variables: MONTH=YYYY-MM LANG=zh|en UNIT=<unit code> WORKERS=<n> DATA=<data folder or .duckdb store>"

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON_BASE) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || { echo "reformlib needs Python 3.11 as $(PYTHON_BASE) (found $$($(PYTHON_BASE) --version)); run make PYTHON_BASE=python3.11 ..." >&2; exit 1; }
	@$(PY) -c 'import sys' 2>/dev/null || { rm -rf $(VENV); $(PYTHON_BASE) -m venv $(VENV) 2>/dev/null; } || { rm -rf $(VENV); bash scripts/ensure_apt.sh python3-venv /usr/share/doc/python3-venv && $(PYTHON_BASE) -m venv $(VENV); }
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip 2>&1 | grep -v "is ignored" || true
	@set -o pipefail; $(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt 2>&1 | { grep -v "is ignored" || true; }
	@set -o pipefail; $(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e . 2>&1 | { grep -v "is ignored" || true; }
	@$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (reformlib)" > /dev/null
	@touch $(STAMP)
	@echo "environment ready: $(VENV) (kernel '$(KERNEL)')"

setup: $(STAMP) fonts ## Create or refresh the virtual environment, kernel and fonts

fonts: ## Install the Chinese font package (fonts-noto-cjk) when missing
	@bash scripts/ensure_apt.sh fonts-noto-cjk /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc

chromium: ## Install headless Chromium for the browser tests when missing
	@bash scripts/ensure_apt.sh chromium /usr/bin/chromium

memo-tools: ## Install LibreOffice, poppler-utils and the free 楷体 face for the memo's PDF when missing
	@bash scripts/ensure_apt.sh libreoffice-writer-nogui /usr/bin/soffice
	@bash scripts/ensure_apt.sh poppler-utils /usr/bin/pdffonts
	@bash scripts/ensure_apt.sh fonts-arphic-ukai /usr/share/fonts/truetype/arphic/ukai.ttc

data: $(STAMP) ## Rebuild the synthetic demonstration data in data/demo_synthetic and its store data/demo_synthetic.duckdb
	$(PY) -m reformlib data

brief: setup ## Run the monthly brief (MONTH=YYYY-MM, default the latest; LANG=zh|en; UNIT=code; DATA=folder or store)
	@LANG=C.UTF-8 $(PY) -m reformlib brief $(if $(MONTH),--month $(MONTH)) --lang $(BRIEF_LANG) $(if $(UNIT),--unit $(UNIT)) $(if $(DATA),--data $(DATA))

briefs: setup ## Run every brief due in briefs.yml that is not yet published
	@LANG=C.UTF-8 $(PY) -m reformlib briefs --config briefs.yml $(if $(WORKERS),--workers $(WORKERS))

templates: setup ## Write the xlsx templates every unit fills in for a month (MONTH=YYYY-MM required; DATA=folder or store)
	@test -n "$(MONTH)" || { echo "make templates needs MONTH=YYYY-MM, e.g. make templates MONTH=2017-12" >&2; exit 2; }
	@LANG=C.UTF-8 $(PY) -m reformlib template --month $(MONTH) $(if $(DATA),--data $(DATA))

lint: setup ## Check style (ruff), the import layers (import-linter) and the architecture's rules
	$(VENV)/bin/ruff check reformlib tests notebooks bench scripts
	$(VENV)/bin/lint-imports --no-cache
	$(PY) scripts/check_architecture.py

# Tests run on two workers, a test file per worker (module fixtures such as a published brief are built once).
# Compiled modules are kept (__pycache__/, removed by `make clean`) even where the environment sets
# PYTHONDONTWRITEBYTECODE: the suite starts some hundred Python processes (kernels, commands, workers),
# each of which would otherwise compile reformlib again (about 1 CPU-s a kernel)
PYTEST := LANG=C.UTF-8 PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -q -n 2 --dist loadfile

test: lint chromium memo-tools ## Run the whole test suite (after make lint)
	$(PYTEST)

test-fast: setup ## Run every test except the notebook and browser runs (under a minute)
	$(PYTEST) -m "not slow"

lab: setup ## Open JupyterLab on notebooks/explore.ipynb with the project kernel (as root too)
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root) \
		--LabApp.default_url=/lab/tree/explore.ipynb

bench: setup ## Run the benchmarks and print their figures (compiled modules kept, as for make test)
	@for b in bench/bench_*.py; do echo "== $$b"; PYTHONDONTWRITEBYTECODE= $(PY) $$b $$([ $$b = bench/bench_batch.py ] && echo --national --whole) || exit 1; done

bench-national: setup ## National data path, SYNTHETIC: build the store, load + score a month at 9, 285 and 2,850 units, 24 and 120 months
	$(PY) bench/bench_national.py

calibrate: setup ## Null simulations: each test's rejection rate at 5 %, interval coverage, staggered bias (REPS=200)
	$(PY) bench/bench_calibrate.py $(if $(REPS),--reps $(REPS))

# Build artefacts and caches that every target makes again; never the environment, data, stores or reports
CLEAN := build .pytest_cache .hypothesis .ruff_cache .import_linter_cache

clean: ## Remove build artefacts and caches: build/, __pycache__/, .ipynb_checkpoints/, .pytest_cache/, .hypothesis/, .ruff_cache/, .import_linter_cache/ (keeps .venv, data, stores and reports/)
	rm -rf $(CLEAN)
	find reformlib tests notebooks bench scripts -depth \( -name __pycache__ -o -name .ipynb_checkpoints \) -type d -exec rm -rf {} +

clean-venv: ## Remove the virtual environment (.venv); the next target builds it again
	rm -rf $(VENV)

clean-reports: ## Delete every published brief, its versions and the index (reports/); needs CONFIRM=yes
	@test "$(CONFIRM)" = yes || { echo "make clean-reports deletes every published brief in reports/; run make clean-reports CONFIRM=yes" >&2; exit 2; }
	rm -rf reports
