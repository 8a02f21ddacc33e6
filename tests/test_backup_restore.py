"""The backup and restore of README “Sao lưu và khôi phục”: a database filled through the services
(reports saved, submitted, returned, corrected, approved — so with revisions and transitions) is
backed up, restored into an empty database, and every row comes back, with the same totals.

PostgreSQL: `pg_dump -Fc` then `pg_restore` into a new database. SQLite: the `backup()` API of
Python's sqlite3 (the test database may live in memory), restored with the README's one-liner.
"""
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection

from reports import services
from reports.consolidation import consolidate
from reports.forms_spec import all_sections
from reports.models import ROW_MODELS, Revision, Transition
from tests.conftest import GOOD_FORMS, SKHDT_LINH_VUC, STC_LINH_VUC, make_unit, make_user, save_report
from units.models import Unit, User

pytestmark = pytest.mark.django_db(transaction=True)  # committed: visible to pg_dump and backup()

README = Path(__file__).resolve().parent.parent / "README.md"
APPS = ("units", "reports", "auth", "contenttypes")
# The README's SQLite one-liner, restoring direction (the backup is the same with the files swapped).
SQLITE_RESTORE = "import sqlite3; sqlite3.connect('backup.sqlite3').backup(sqlite3.connect('db.sqlite3'))"


def app_tables():
    """[(table, primary key column)] of every model of APPS, many-to-many tables included."""
    return sorted({
        (model._meta.db_table, model._meta.pk.column)
        for label in APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    } | {("django_migrations", "id")})


def fill_database():
    """Three units, two users each side, a report through its whole life, one submitted, one draft."""
    period = services.period_open("2023-Q3")[0]
    stc = make_unit("STC", "Sở Tài chính", STC_LINH_VUC)
    skhdt = make_unit("SKHDT", "Sở Kế hoạch và Đầu tư", SKHDT_LINH_VUC)
    nhatrang = make_unit("NHATRANG", "UBND thành phố Nha Trang", STC_LINH_VUC, kind=Unit.Kind.HUYEN)
    officer = make_user("stc", units=[stc])
    reviewer = make_user("tonghop", role=User.Role.REVIEWER)

    report = save_report(stc, period, GOOD_FORMS, actor=officer, narrative={"I.1": "Không phát sinh."})
    services.report_submit(report=report, actor=officer)
    services.report_return(report=report, actor=reviewer, reason="Kiểm tra lại số hồ sơ trực tuyến.")
    corrected = {**GOOD_FORMS, "II.06a": {"rows": [GOOD_FORMS["II.06a"]["rows"][0],
                                                   {**GOOD_FORMS["II.06a"]["rows"][1], "c4": 380, "c9": 380}]}}
    report = save_report(stc, period, corrected, actor=officer)
    services.report_submit(report=report, actor=officer)
    services.report_approve(report=report, actor=reviewer)

    other = save_report(skhdt, period, GOOD_FORMS, actor=make_user("skhdt", units=[skhdt]))
    services.report_submit(report=other, actor=other.updated_by)
    save_report(nhatrang, period, GOOD_FORMS)

    assert Revision.objects.count() == 4 and Transition.objects.count() == 5
    return period


def sum_queries(period_id, mark="%s"):
    """[(label, SQL, params)]: the province's totals of every entered column, approved reports only
    and with the submitted ones, in plain SQL (`mark`: the driver's placeholder) — to run on the
    original and on the restored database."""
    queries = []
    for form, section in all_sections():
        table = ROW_MODELS[(form.code, section.key)]._meta.db_table
        sums = ", ".join(f'COALESCE(SUM(r."{c.key}"), 0)' for c in section.entered)
        for statuses in (("approved",), ("approved", "submitted")):
            sql = (f'SELECT {sums} FROM "{table}" r JOIN "reports_report" p ON p.id = r.report_id '
                   f"WHERE p.period_id = {mark} AND p.status IN ({', '.join([mark] * len(statuses))})")
            queries.append(((form.code, section.key, statuses), sql, [period_id, *statuses]))
    return queries


def assert_same_sums(period_id, source, restored, mark="%s"):
    for label, sql, params in sum_queries(period_id):
        source.execute(sql, params)
        restored.execute(sql.replace("%s", mark), params)
        assert restored.fetchall() == source.fetchall(), label


def rows_of(cursor, table, pk):
    cursor.execute(f'SELECT * FROM "{table}" ORDER BY "{pk}"')
    return [column[0] for column in cursor.description], cursor.fetchall()


def assert_same_tables(source, restored):
    """Every table of APPS has the same columns and rows in both cursors' databases."""
    for table, pk in app_tables():
        columns, rows = rows_of(source, table, pk)
        assert rows_of(restored, table, pk) == (columns, rows), table
    assert rows_of(source, "reports_revision", "id")[1], "the comparison must not be of empty tables"


# ---------------------------------------------------------------------------------------------
# PostgreSQL


def pg_connect(settings, name):
    import psycopg2

    return psycopg2.connect(dbname=name, host=settings["HOST"] or None, port=settings["PORT"] or None,
                            user=settings["USER"] or None, password=settings["PASSWORD"] or None)


def pg_command(program, settings, *args):
    """Run a PostgreSQL client program against the test database's server, with its login."""
    options = [f"--{option}={settings[key]}" for option, key in (("host", "HOST"), ("port", "PORT"), ("username", "USER"))
               if settings[key]]
    password = {"PGPASSWORD": settings["PASSWORD"]} if settings["PASSWORD"] else {}
    subprocess.run([program, *options, *args], check=True, capture_output=True, text=True,
                   env={**os.environ, **password}, timeout=60)


def sequences(cursor):
    """{table: (last_value, is_called)} of the identity sequences: after a restore the next report
    or revision must get a new id."""
    values = {}
    for table, pk in app_tables():
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk])
        (name,) = cursor.fetchone()
        if name:
            cursor.execute(f"SELECT last_value, is_called FROM {name}")
            values[table] = cursor.fetchone()
    return values


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL leg of CI")
def test_pg_dump_restored_into_an_empty_database_gives_back_every_row(tmp_path):
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump/pg_restore not installed (Debian: postgresql-client)")
    period = fill_database()
    settings = connection.settings_dict
    dump = tmp_path / "tthc.dump"
    pg_command("pg_dump", settings, "-Fc", "-d", settings["NAME"], "-f", str(dump))

    restored_name = f"{settings['NAME']}_restored_{uuid.uuid4().hex[:8]}"[-63:]
    server = pg_connect(settings, "postgres")
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{restored_name}"')
    original = restored = None
    try:
        pg_command("pg_restore", settings, "-d", restored_name, str(dump))
        original, restored = pg_connect(settings, settings["NAME"]), pg_connect(settings, restored_name)
        with original.cursor() as source, restored.cursor() as copy:
            assert_same_tables(source, copy)
            assert_same_sums(period.pk, source, copy)
            assert sequences(copy) == sequences(source)
            # The restored sums are the consolidation's totals.
            totals = consolidate(period).totals
            for (code, key, statuses), sql, params in sum_queries(period.pk):
                if statuses == ("approved",):
                    copy.execute(sql, params)
                    section = next(s for f, s in all_sections() if (f.code, s.key) == (code, key))
                    assert copy.fetchone() == tuple(totals[code][key][c.key] for c in section.entered), (code, key)
    finally:
        for conn in (original, restored):
            if conn is not None:
                conn.close()
        with server.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')
        server.close()


# ---------------------------------------------------------------------------------------------
# SQLite


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite leg of CI")
def test_sqlite_backup_restored_into_an_empty_file_gives_back_every_row(tmp_path):
    period_id = fill_database().pk
    connection.ensure_connection()
    # The test database may be in memory: back it up through its own connection, as the
    # one-liner does for db.sqlite3.
    backup = sqlite3.connect(tmp_path / "backup.sqlite3")
    connection.connection.backup(backup)
    backup.close()

    assert SQLITE_RESTORE in README.read_text(encoding="utf-8"), "the README documents this restore"
    subprocess.run([sys.executable, "-c", SQLITE_RESTORE], cwd=tmp_path, check=True, timeout=60)
    restored_files = [tmp_path / "db.sqlite3"]
    if shutil.which("sqlite3"):  # the CLI's .restore, when installed, gives the same
        subprocess.run(["sqlite3", "cli.sqlite3", ".restore 'backup.sqlite3'"], cwd=tmp_path, check=True, timeout=60)
        restored_files.append(tmp_path / "cli.sqlite3")

    for path in restored_files:
        # Django reads dates and booleans through the converters of PARSE_DECLTYPES: read alike.
        restored = sqlite3.connect(path, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES)
        try:
            assert restored.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            with connection.cursor() as source:
                assert_same_tables(source, restored.cursor())
                assert_same_sums(period_id, source, restored.cursor(), mark="?")
        finally:
            restored.close()
