# The two commands a newcomer needs: `make site` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEPS := $(VENV)/.installed
NODE := node_modules/.installed
PORT ?= 8000

.PHONY: site test lint golden validate serve preview bench lock clean ci linkcheck import

## site: install pinned dependencies into .venv, validate data/, build the site into output/
site: $(DEPS) $(NODE)
	$(BIN)/python -m scripts.build

## test: the lint gate, then the whole test suite on every core (needs Debian's chromium; .ci/run installs it)
test: lint $(NODE)
	$(BIN)/python -m pytest -n auto

## lint: ruff check and ruff format --check (fix with: .venv/bin/ruff check --fix . && .venv/bin/ruff format .)
lint: $(DEPS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## golden: rebuild the site and rewrite tests/golden/site.json, the snapshot of what it says (commit its diff)
golden: $(DEPS) $(NODE)
	$(BIN)/python -m tests.golden

## import: regenerate data/day-care-spend/ from the official files in raw/ (the same bytes on every run)
import: $(DEPS)
	$(BIN)/python -m scripts.imports.pss_ex1

## validate: check every data package under data/ (errors as file:line:field: message)
validate: $(DEPS)
	$(BIN)/python -m scripts.validate

## ci: the GitHub workflow's checks, in its order (validate, test, build, link check), to reproduce a red run
ci: $(DEPS) $(NODE)
	$(BIN)/python -m scripts.validate --format github --json build-report.json
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n auto
	$(BIN)/python -m scripts.build --publish
	$(BIN)/python -m scripts.linkcheck output

## linkcheck: check every internal link of the built site in output/
linkcheck: $(DEPS)
	$(BIN)/python -m scripts.linkcheck output

## serve: preview the built site on http://127.0.0.1:$(PORT)/
serve: site
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory output

## preview: rebuild one changed Markdown page into output/ in seconds: make preview FILE=content/reports/x.md
preview: $(DEPS)
	$(BIN)/python -m scripts.preview $(FILE)

## bench: build the real site and synthetic sizes, print each stage against bare Pelican and the budgets (BENCH=--check: exit 1 on a FAIL)
bench: $(DEPS) $(NODE)
	$(BIN)/python -m scripts.tools.bench $(BENCH)

## lock: re-resolve requirements.in into requirements.txt: exact pins, each with its sha256 hashes (pip-tools)
# pip-compile keeps every pin already in requirements.txt that still satisfies requirements.in; to move
# one, change it in requirements.in (or delete its lines from requirements.txt) and run make lock again.
# It needs only PyPI. The install (below and in the workflow) then checks every download against its hash.
PIP_TOOLS := pip-tools==7.6.2
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet --disable-pip-version-check $(PIP_TOOLS)
	.venv-lock/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
	  --header --output-file requirements.txt requirements.in
	rm -rf .venv-lock

clean:
	rm -rf output .output-* .output.lock .pytest_cache .cache

$(DEPS): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes --requirement requirements.txt
	touch $@

$(NODE): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@
