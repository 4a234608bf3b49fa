# Zhengtong. Two set-up commands: `make demo` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.lock | cut -c1-12)
# WeasyPrint's libraries and the CJK fonts the document layout uses (docs/admin-guide.md).
LAYOUT_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fonts-arphic-ukai
TEST_DEBS := gettext chromium $(LAYOUT_DEBS)
HOST ?= 127.0.0.1
PORT ?= 8000
# Unit tests run in parallel, one worker per core (pytest-xdist); TEST_WORKERS=0 runs them in one process.
TEST_WORKERS ?= auto
# The demo and the tests run with a development key and plain HTTP; production sets
# SECRET_KEY and HTTPS (docs/admin-guide.md).
DEV_ENV := ZT_INSECURE_DEV_KEY=1 HTTPS=0 STATIC_MANIFEST=0

.PHONY: demo test bench lint format messages venv debs-venv debs-demo debs-test clean

$(STAMP): requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	rm -f $(VENV)/.installed-*
	touch $@

venv: $(STAMP)

# Debian's python3 needs python3-venv for `python3 -m venv`; other Pythons bring it.
debs-venv:
	@$(PYTHON) -c "import ensurepip, venv" 2>/dev/null || bash scripts/debs.sh python3-venv

debs-demo: debs-venv
	@bash scripts/debs.sh $(LAYOUT_DEBS)

debs-test: debs-venv
	@bash scripts/debs.sh $(TEST_DEBS)

messages: $(STAMP)
	@if command -v msgfmt >/dev/null; then $(DEV_ENV) $(PY) manage.py compilemessages --ignore '.venv' -v 0; \
	else echo "msgfmt not found: using the compiled translations in locale/ as committed"; fi

demo: debs-demo $(STAMP) messages
	$(DEV_ENV) $(PY) manage.py migrate --no-input -v 0
	$(DEV_ENV) HOST=$(HOST) PORT=$(PORT) bash scripts/serve-demo.sh

test: debs-test $(STAMP) messages
	$(PY) -m pytest -q -p no:randomly -n $(TEST_WORKERS) zhengtong
	$(PY) -m pytest -q e2e

bench: $(STAMP)
	$(DEV_ENV) $(PY) bench/run.py

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) -m mypy zhengtong

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf var/test-media .pytest_cache
