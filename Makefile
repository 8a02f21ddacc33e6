# The two commands of the README: `make run` and `make test`. Everything installs into .venv.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=
# CI runs the suite a second time against this PostgreSQL server, in a throwaway database.
PG_URL ?= postgres://postgres@127.0.0.1:5432

.PHONY: worker install run serve test test-sqlite test-postgres system-deps bench-deps bench check-deploy lint clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@# The exports' worker beside the server (the queue is a table of the same database).
	$(PY) manage.py db_worker & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
		DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

# One worker of the export jobs; run as many as wanted, on any machine that reaches the database
# (TASKS_BACKEND=database) or Redis (TASKS_BACKEND=rq, REDIS_URL): see README, Exports.
worker: install
	@if [ "$${TASKS_BACKEND:-database}" = rq ]; then \
		$(PY) manage.py rqworker --job-class django_tasks_rq.Job default; \
	else \
		$(PY) manage.py db_worker; \
	fi

# Debian's packages the tests need: chromium drives the browser tests (Playwright never downloads a
# browser of its own); poppler-utils reads the PDFs back; Liberation Serif 2 (fonts-liberation2:
# version 1 lacks ơ, ư, ạ …) carries every Vietnamese glyph of the PDF export (DejaVu as fallback);
# LibreOffice Calc recalculates an exported workbook, as a clerk's Excel would.
DEBIAN_PACKAGES = chromium poppler-utils fonts-liberation fonts-liberation2 fonts-dejavu-core libreoffice-calc
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v pdffonts >/dev/null 2>&1 \
		|| ! dpkg -s fonts-liberation2 >/dev/null 2>&1 || ! command -v soffice >/dev/null 2>&1; then \
		$(call apt_install,$(DEBIAN_PACKAGES)); \
	fi

# Debian's packages $(1) installed when root, else the command that would, and what they are for
# ($(2), optional): one shell command.
apt_install = if [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null; \
	else \
		echo "missing Debian packages: run 'sudo apt-get install $(1)'$(if $(2), ($(2)))" >&2; exit 1; \
	fi

test: install system-deps lint
	$(PY) -m pytest $(PYTEST_ARGS)

test-sqlite: test

test-postgres: install system-deps
	DATABASE_URL=$(PG_URL)/tthc_ci_$$$$ $(PY) -m pytest $(PYTEST_ARGS)

# Production server: gunicorn, static files served by WhiteNoise (hashed and compressed by
# collectstatic). Needs SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL in the environment (README).
BIND ?= 127.0.0.1:8000
WORKERS ?= 3
serve: install
	@test -n "$$SECRET_KEY" || { echo "SECRET_KEY is not set: see README, Production" >&2; exit 1; }
	$(PY) manage.py migrate --noinput
	STATIC_MANIFEST=1 $(PY) manage.py collectstatic --noinput -v0
	STATIC_MANIFEST=1 DEBUG=0 $(VENV)/bin/gunicorn tthc_portal.wsgi --bind $(BIND) --workers $(WORKERS) \
		--access-logfile - --forwarded-allow-ips="$${FORWARDED_ALLOW_IPS:-127.0.0.1}"

# The load benchmark's HTTP client: wrk (Debian's, built with LuaJIT: bench/load.lua times each
# request through its FFI).
bench-deps:
	@if ! command -v wrk >/dev/null 2>&1; then $(call apt_install,wrk,the load benchmark's client); fi

# Benchmarks print their tables; they use a throwaway database (BENCH_DATABASE_URL, else a new
# database on the local PostgreSQL server, else a temp SQLite).
bench: install system-deps bench-deps
	$(PY) -u bench/run.py $(BENCH)

check-deploy: install
	DEBUG=0 HTTPS=1 SECRET_KEY=$$(openssl rand -hex 32) ALLOWED_HOSTS=tthc.example.vn $(PY) manage.py check --deploy --fail-level WARNING

# Style and forgotten migrations: a model changed without its migration fails here, not in production.
lint: install
	$(PY) -m ruff check .
	$(PY) manage.py makemigrations --check --dry-run >/dev/null

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis staticfiles
