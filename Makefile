# The targets CI runs. `make run` = demo on SQLite; `make test` = the whole suite.
VENV   ?= .venv
PY     := $(VENV)/bin/python
APP    := $(VENV)/bin/survey-app
PYTEST := $(PY) -m pytest
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
HOST   ?= 127.0.0.1
TRANSLATIONS := survey_app/translations

.PHONY: install run test test-sqlite test-postgres test-faults lint translations extract-messages bench clean

install: $(VENV)/.installed translations

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

translations: $(VENV)/.installed
	$(VENV)/bin/pybabel compile -d $(TRANSLATIONS) -D messages

extract-messages: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -o $(TRANSLATIONS)/messages.pot .
	$(VENV)/bin/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -D messages

run: install
	$(APP) demo
	$(APP) serve --host $(HOST) --port 5000

# SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (CI sets it).
test: install
	env -u TEST_DATABASE_URL $(PYTEST) -q
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== PostgreSQL: $$TEST_DATABASE_URL"; \
		$(PYTEST) -q -m "not e2e and not faults"; \
	fi

test-sqlite: install
	env -u TEST_DATABASE_URL $(PYTEST) -q

test-postgres: install
	TEST_DATABASE_URL=$(PG_URL) $(PYTEST) -q -m "not e2e and not faults"

# The fault suite alone (its own PostgreSQL, Redis and gunicorn; about 1.5 minutes).
test-faults: install
	$(PYTEST) -q -m faults tests/faults

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

bench: install
	$(PY) benchmarks/survey_throughput.py

clean:
	rm -rf $(VENV) instance .pytest_cache
