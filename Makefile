# The two commands of the README:
#   make render   build _site/ (HTML book + versioned PDF); installs what it needs
#   make test     run every test, browser tests included; installs what it needs
#                 (with a quarto >= 1.9 on PATH, the Quarto parity tests too; skipped without one)
#   make test-quarto  only the parity tests against the quarto on PATH (fails without one)
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install render render-fresh test test-fast test-quarto benchmark chromium clean release

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

render: $(STAMP)
	$(PY) -m bookrender render $(RENDER_ARGS)

render-fresh: $(STAMP)
	$(PY) -m bookrender render --no-cache $(RENDER_ARGS)

# Debian's Chromium serves the browser tests (Playwright's own browser download does not work offline).
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
	  echo "The browser tests need Debian's Chromium at /usr/bin/chromium: run 'sudo apt-get install chromium'."; exit 1; \
	fi

test: $(STAMP) chromium
	$(PY) -m pytest $(PYTEST_ARGS)

test-quarto: $(STAMP) chromium
	@command -v quarto >/dev/null || { echo "make test-quarto: no quarto on PATH (Quarto >= 1.9; see the README, 'Rendering with real Quarto')."; exit 1; }
	$(PY) -m pytest -m quarto tests/quarto $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(PY) -m pytest -m "not render and not browser" $(PYTEST_ARGS)

# Record a release of this version (pyproject.toml): its data in releases/<version>/data/, its date in
# releases/DATES, CHANGELOG.md recomputed from all releases; then commit and tag v<version>.
release: $(STAMP)
	$(PY) -m analysis.audit.changes --snapshot
	$(PY) -m analysis.audit.changes --date $(or $(RELEASE_DATE),$$(date -u +%F))
	$(PY) -m analysis.audit.changes > CHANGELOG.md

benchmark: $(STAMP)
	$(PY) benchmarks/run.py

clean:
	rm -rf _site _site.tmp-* .bookcache test-artifacts _freeze .quarto _metadata.yml
