"""Set-up shared by the benchmarks: a throwaway database filled with N units' approved reports.

The benchmarks never touch db.sqlite3: they use BENCH_DATABASE_URL, or a new SQLite file in /tmp.
"""
import os
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")


def throwaway_postgres():
    """A new empty database on the local PostgreSQL server, dropped when the process exits;
    None when no server answers."""
    import atexit

    import psycopg2

    name = f"tthc_bench_{os.getpid()}"
    try:
        admin = psycopg2.connect(f"{PG_SERVER}/postgres", connect_timeout=3)
    except psycopg2.OperationalError:
        return None
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')

    def drop():
        from django.db import connections

        connections.close_all()
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    atexit.register(drop)
    return f"{PG_SERVER}/{name}"


def setup_django(database_url=None):
    """Django on a throwaway database: BENCH_DATABASE_URL, else a new PostgreSQL database on the
    local server, else a temporary SQLite file."""
    if database_url is None:
        database_url = os.environ.get("BENCH_DATABASE_URL") or throwaway_postgres() or (
            f"sqlite:///{tempfile.mkdtemp(prefix='tthc-bench-')}/bench.sqlite3"
        )
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("CONN_MAX_AGE", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tthc_portal.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return database_url


def populate(n_units, period_code, rows=5):
    """n_units departments (BENCH000 …), each with `rows` lĩnh vực and an approved report for the
    period, written straight into the tables (the services' own cost is measured elsewhere), with
    the revision every save writes beside its rows (the report page reads its figures there). Units
    made by an earlier call for another period get their report of this one too, carrying over the
    files its previous period left pending when that period was filled first. Returns the period.
    Each benchmark has periods of its own: a period another one filled with more units would be
    measured with those."""
    from django.contrib.auth.hashers import make_password

    from reports import services
    from reports.interchange import report_document
    from reports.models import ROW_MODELS, Report, Revision
    from reports.rules import check
    from reports.selectors import previous_context
    from units.management.commands.load_demo import demo_forms
    from units.models import LinhVuc, Unit, User

    period, _ = services.period_open(period_code)
    password = make_password("bench")  # once: the production hasher costs ½ s a password
    existing = Unit.objects.filter(code__startswith="BENCH").count()
    for i in range(existing, n_units):
        unit = Unit.objects.create(code=f"BENCH{i:03d}", name=f"Sở thử nghiệm số {i + 1}")
        names = [f"Lĩnh vực {k + 1} của sở {i + 1}" for k in range(rows)]
        LinhVuc.objects.bulk_create(LinhVuc(unit=unit, name=n, order=k) for k, n in enumerate(names))
        officer = User.objects.create(username=f"bench{i:03d}", role=User.Role.OFFICER, password=password)
        officer.units.add(unit)
    wanted = Unit.objects.filter(code__in=[f"BENCH{i:03d}" for i in range(n_units)]).exclude(reports__period=period)
    for unit in wanted.order_by("code"):
        names = list(LinhVuc.objects.filter(unit=unit).order_by("order").values_list("name", flat=True))
        # (6) carries over the previous period's (11) when a benchmark filled that period first
        data, errors, _ = check(demo_forms(names, "Bộ Tài chính", previous_context(unit, period)))
        assert not errors, errors
        report = Report.objects.create(unit=unit, period=period, status=Report.Status.APPROVED, version=1,
                                       unit_name=unit.name)
        services._write_rows(report, data)
        Revision.objects.create(report=report, version=1, document=report_document(report, data))
    assert sum(m.objects.count() for m in ROW_MODELS.values()) > 0
    return period


@contextmanager
def timer(result, key):
    start = time.perf_counter()
    yield
    result[key] = time.perf_counter() - start


def count_queries(fn):
    """(result, number of SQL queries) of fn()."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        value = fn()
    return value, len(queries)


def print_table(title, header, rows):
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows)]
    print(f"\n{title}")
    print("  ".join(str(h).ljust(w) for h, w in zip(header, widths)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths)))
