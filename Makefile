# The two commands of the README: `make run` (console with demo data) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask
export FLASK_APP := app:create_app
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: install run db test test-pg lint translations clean

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

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

test-pg: install
	TEST_DATABASE_URL=$(PG_URL) $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

# Extract (babel.cfg scans app.py, models/, views/, seed/ and the templates only), merge into the
# Italian catalog, then compile; translate any new empty msgstr and run it again. Commit .po and .mo.
translations: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k N_ --project "Console PAL" -o translations/messages.pot .
	test -f translations/it/LC_MESSAGES/messages.po || \
		$(VENV)/bin/pybabel init -i translations/messages.pot -d translations -l it
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching
	$(VENV)/bin/pybabel compile -d translations --statistics

clean:
	rm -rf $(VENV) instance
