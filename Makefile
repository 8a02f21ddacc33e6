# The two commands of the README: `make run` and `make test`. Everything installs into .venv.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=
# CI runs the suite a second time against this PostgreSQL server, in a throwaway database.
PG_URL ?= postgres://postgres@127.0.0.1:5432

.PHONY: install run test test-sqlite test-postgres chromium bench check-deploy lint clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

# Debian's chromium drives the browser tests; Playwright never downloads a browser of its own.
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation fonts-dejavu-core >/dev/null; \
		else \
			echo "chromium is missing: run 'sudo apt-get install chromium' for the browser tests" >&2; exit 1; \
		fi; \
	fi

test: install chromium lint
	$(PY) -m pytest $(PYTEST_ARGS)

test-sqlite: test

test-postgres: install chromium
	DATABASE_URL=$(PG_URL)/tthc_ci_$$$$ $(PY) -m pytest $(PYTEST_ARGS)

bench: install
	$(PY) -m pytest bench $(PYTEST_ARGS)

check-deploy: install
	DEBUG=0 HTTPS=1 SECRET_KEY=$$(openssl rand -hex 32) ALLOWED_HOSTS=tthc.example.vn $(PY) manage.py check --deploy --fail-level WARNING

# Style and forgotten migrations: a model changed without its migration fails here, not in production.
lint: install
	$(PY) -m ruff check .
	$(PY) manage.py makemigrations --check --dry-run >/dev/null

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis staticfiles
