# The two commands of the README: `make run` (console with demo data) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask
export FLASK_APP := app:create_app
# A development instance: missing secrets are generated once into instance/secrets.json and the
# demo agency stands in for AGENZIA_* (models/settings.py). Production sets neither (README).
export CONSOLE_DEV ?= 1
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: install run db test test-pg lint translations clean scale scale-pg bench bench-pg bench-import bench-import-pg

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $@

install: $(VENV)/.installed

db: install
	$(FLASK) db upgrade
	$(FLASK) seed demo

run: db
	$(FLASK) run --host 127.0.0.1 --port 5000

test: lint
	$(PY) -m pytest $(PYTEST_ARGS)

test-pg: lint
	TEST_DATABASE_URL=$(PG_URL) $(PY) -m pytest $(PYTEST_ARGS)

# Benchmarks (README, "Benchmarks"): the synthetic regional data set, then the measurements.
FACTOR ?= 1
SCALE_DB ?= sqlite:///$(CURDIR)/instance/scale.db
PG_SERVER ?= postgresql+psycopg://postgres@127.0.0.1:5432
SCALE_PG ?= $(PG_SERVER)/scale
BENCH_ARGS ?=

scale: install
	$(PY) -m benchmarks.database $(SCALE_DB)
	DATABASE_URL=$(SCALE_DB) $(FLASK) db upgrade
	DATABASE_URL=$(SCALE_DB) $(FLASK) seed scale --factor $(FACTOR)

scale-pg: install
	$(PY) -m benchmarks.database $(SCALE_PG)
	DATABASE_URL=$(SCALE_PG) $(FLASK) db upgrade
	DATABASE_URL=$(SCALE_PG) $(FLASK) seed scale --factor $(FACTOR)

bench: install
	$(PY) benchmarks/run.py --database-url $(SCALE_DB) $(BENCH_ARGS)

bench-pg: install
	$(PY) benchmarks/run.py --database-url $(SCALE_PG) $(BENCH_ARGS)

# The import of 100 000 people (README, "Import"), each time into an emptied database of its own.
IMPORT_ROWS ?= 100000
bench-import: install
	$(PY) benchmarks/importazione.py --database-url sqlite:///$(CURDIR)/instance/bench-import.db --fresh --rows $(IMPORT_ROWS) $(BENCH_ARGS)

bench-import-pg: install
	$(PY) benchmarks/importazione.py --database-url $(PG_SERVER)/bench_import --fresh --rows $(IMPORT_ROWS) $(BENCH_ARGS)

lint: install
	$(VENV)/bin/ruff check .

# Extract (babel.cfg scans app.py, models/, views/, seed/ and the templates only), merge into the
# Italian catalog, then compile; translate any new empty msgstr and run it again. Commit .po and .mo.
# admin.po (Flask-Admin's own strings, corrected) is kept by hand and only compiled here.
translations: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k N_ --project "Console PAL" -o translations/messages.pot .
	test -f translations/it/LC_MESSAGES/messages.po || \
		$(VENV)/bin/pybabel init -i translations/messages.pot -d translations -l it
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching
	$(VENV)/bin/pybabel compile -d translations --statistics
	$(VENV)/bin/pybabel compile -d translations -D admin --statistics

clean:
	rm -rf $(VENV) instance
