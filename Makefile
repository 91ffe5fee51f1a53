# Community ECG: the two commands a user needs are `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
ECG_PORT ?= 8501
# `make test` runs the test files on this many processes (a file stays on one)
TEST_PROCESSES ?= 2

.PHONY: run test lint bench install clean i18n

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/ecg run --port $(ECG_PORT)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: lint
	$(VENV)/bin/pytest -n $(TEST_PROCESSES) --dist loadfile

bench: $(STAMP)
	$(PY) bench/ingest.py
	$(PY) bench/pages.py
	$(PY) bench/nab.py
	$(PY) bench/forecast.py
	$(PY) bench/alerts.py
	$(PY) bench/weekly.py
	$(PY) bench/exports.py
	$(PY) bench/ingest_server.py
	$(PY) bench/sentiment.py
	$(PY) bench/kinds.py
	$(PY) bench/discovery.py

clean:
	rm -rf $(VENV) test-artifacts

LOCALE := dashboard/i18n/locale

# The interface's strings: extract them from the code, add the new ones to each language's
# catalog (translate them there), compile the catalogs the app reads.
i18n: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k N_ --no-location --sort-output --omit-header \
		-o $(LOCALE)/messages.pot .
	$(VENV)/bin/pybabel update -i $(LOCALE)/messages.pot -d $(LOCALE) -l zh_CN \
		--no-fuzzy-matching --ignore-obsolete --width 100
	$(VENV)/bin/pybabel compile -d $(LOCALE) -l zh_CN
