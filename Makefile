# Two commands do all set-up:  make run  and  make test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# Test processes (pytest-xdist): one per core.
PYTEST_WORKERS ?= auto

.PHONY: run test install system-deps migrate seed lint format bench check-deploy clean messages openapi

$(VENV)/.installed: requirements.txt requirements-dev.txt
	bin/system-deps browser
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
	$(PY) manage.py compilemessages $(MESSAGES_IGNORE) --verbosity 0

# Our own catalogue only (LOCALE_PATHS = locale/); never the packages' in the virtualenv.
# config/tests/test_translations.py runs the same extraction and fails on a missing or
# fuzzy translation.
MESSAGES_IGNORE := --ignore=.venv --ignore=staticfiles --ignore=static/vendor --ignore=artifacts \
	--ignore=media --ignore=bench --ignore=tests --ignore='*/tests' --ignore=node_modules

# Find new and changed marked strings and merge them into locale/hi/LC_MESSAGES/*.po.
messages: install
	$(PY) manage.py makemessages -l hi --no-obsolete --add-location=file $(MESSAGES_IGNORE)
	$(PY) manage.py makemessages -d djangojs -l hi --no-obsolete --add-location=file $(MESSAGES_IGNORE)

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: seed
	$(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(PY) manage.py collectstatic --noinput --verbosity 0 --settings=config.settings.test
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The committed OpenAPI schema of /api/v1/ (a test fails when it drifts from the code).
openapi: install
	$(PY) manage.py spectacular --settings=config.settings.test --validate --fail-on-warn --file docs/openapi.yaml

bench: install
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles artifacts .pytest_cache
