"""Issue 11 against the production server: gunicorn (3 workers, 30 s timeout, DEBUG=0).

- The oversized uploads that once held a worker for its whole timeout (and its memory in GB) are
  each answered with a clear 413 within seconds, the workers' peak memory stays under
  WORKER_MEMORY_MB, and the login page answers meanwhile.
- After the database drops every connection (as a PostgreSQL restart does), the next requests
  answer as before: Django checks a kept connection before using it (CONN_HEALTH_CHECKS).
"""
import io
import os
import re
import secrets
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
import requests

from tests.conftest import free_port, wait_for_port

ROOT = Path(__file__).resolve().parent.parent
WORKER_MEMORY_MB = 400  # a worker at rest holds about 90 MB
ANSWER_SECONDS = 10
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
SETUP = """
from reports import services
from units.models import Unit, User
unit = Unit.objects.create(code="STC", name="Sở Tài chính")
user = User.objects.create_user(username="stc", password="matkhau-123", role=User.Role.OFFICER)
user.units.add(unit)
services.period_open("2023-Q3")
"""


def _env(database_url, **extra):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(DEBUG="0", SECRET_KEY=secrets.token_hex(32), ALLOWED_HOSTS="127.0.0.1", DATABASE_URL=database_url,
               STATIC_MANIFEST="0", TASKS_BACKEND="immediate", EXPORT_ON_APPROVAL="0", LOG_LEVEL="CRITICAL", **extra)
    return env


def _prepare(env):
    for args in (["migrate", "-v0"], ["shell", "-c", SETUP]):
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def _serve(env, workers):
    port = free_port()
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen([str(gunicorn), "tthc_portal.wsgi", "--bind", f"127.0.0.1:{port}",
                               "--workers", str(workers), "--timeout", "30"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port)
    return server, f"http://127.0.0.1:{port}"


def _stop(server):
    server.terminate()
    server.wait(timeout=30)


def _login(base):
    session = requests.Session()
    page = session.get(f"{base}/dang-nhap/", timeout=10).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    answer = session.post(f"{base}/dang-nhap/", data={"username": "stc", "password": "matkhau-123",
                                                       "csrfmiddlewaretoken": token},
                          headers={"Referer": f"{base}/dang-nhap/"}, timeout=10)
    assert answer.ok and "dang-nhap" not in answer.url, "logged in"
    return session


def _workers(server):
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return [int(pid) for pid in children]


def _peak_mb(pid):
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


# ---------------------------------------------------------------------------------------------
# The uploads


def _json_flood(rows, size=None):
    row = b'{"linh_vuc": "L\xc4\xa9nh v\xe1\xbb\xb1c", "c4": 1, "c5": 1, "c8": 1, "c9": 1},'
    if size:
        rows = size // len(row)
    head = b'{"format": "tthc-report/1", "unit": "STC", "period": "2023-Q3", "forms": {"II.06a": {"rows": ['
    return head + row * rows + b'{"linh_vuc": "cu\xe1\xbb\x91i"}]}}}'


def _workbook(base, session):
    response = session.get(f"{base}/bao-cao/2023-Q3/STC/tai-ve.xlsx", timeout=30)
    assert response.status_code == 200 and response.content.startswith(b"PK")
    return response.content


def _with_member(workbook, name, write):
    """The workbook with one member replaced (or added), written by write(file) as a stream."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            if item.filename != name:
                target.writestr(item, source.read(item.filename))
        with target.open(name, "w", force_zip64=True) as member:
            write(member)
    return out.getvalue()


def _gigabyte_string(member):
    member.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                 b"<si><t>")
    chunk = b"a" * 2 ** 22
    for _ in range(256):
        member.write(chunk)
    member.write(b"</t></si></sst>")


def _billion_rows(workbook):
    with zipfile.ZipFile(io.BytesIO(workbook)) as source:
        sheet = source.read("xl/worksheets/sheet2.xml")
    far = sheet.replace(b"</sheetData>", b'<row r="1000000000"><c r="A1000000000"><v>1</v></c></row></sheetData>')
    return _with_member(workbook, "xl/worksheets/sheet2.xml", lambda member: member.write(far))


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    env = _env(f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'db.sqlite3'}")
    _prepare(env)
    server, base = _serve(env, workers=3)
    yield server, base
    _stop(server)


def test_oversized_uploads_are_refused_quickly_in_little_memory_and_the_login_page_answers(production):
    server, base = production
    session = _login(base)
    workbook = _workbook(base, session)
    uploads = {
        "JSON 32 MiB, một triệu dòng": ("bao_cao.json", _json_flood(0, size=32 * 2 ** 20), "quá giới hạn 5,0 MB"),
        "JSON 4,8 MiB, 60 nghìn dòng": ("bao_cao.json", _json_flood(0, size=int(4.8 * 2 ** 20)), "giới hạn 1.000 dòng"),
        "Excel 1 MiB, một chuỗi 1 GiB": ("bao_cao.xlsx", _with_member(workbook, "xl/sharedStrings.xml", _gigabyte_string),
                                         "khi giải nén lớn 1.024,"),
        "Excel, một tỷ dòng": ("bao_cao.xlsx", _billion_rows(workbook), "dòng 1.000.000.000"),
    }
    assert len(uploads["Excel 1 MiB, một chuỗi 1 GiB"][1]) < 2 * 2 ** 20
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"',
                      session.get(f"{base}/bao-cao/2023-Q3/STC/", timeout=30).text).group(1)
    answers, login_times, done = {}, [], threading.Event()

    def send(label, name, body):
        start = time.perf_counter()
        response = session.post(f"{base}/bao-cao/2023-Q3/STC/nhap-json/", files={"file": (name, body)},
                                data={"csrfmiddlewaretoken": token}, timeout=40,
                                headers={"Referer": f"{base}/bao-cao/2023-Q3/STC/"}, allow_redirects=False)
        answers[label] = (response.status_code, time.perf_counter() - start, response.text)

    def watch_login():
        while not done.is_set():
            start = time.perf_counter()
            assert requests.get(f"{base}/dang-nhap/", timeout=30).status_code == 200
            login_times.append(time.perf_counter() - start)
            time.sleep(0.2)

    watcher = threading.Thread(target=watch_login)
    watcher.start()
    senders = [threading.Thread(target=send, args=(label, name, body)) for label, (name, body, _) in uploads.items()]
    for thread in senders:
        thread.start()
    for thread in senders:
        thread.join(timeout=60)
    done.set()
    watcher.join(timeout=60)

    for label, (_, _, says) in uploads.items():
        status, seconds, page = answers[label]
        assert status == 413, (label, status, page[:300])
        assert seconds < ANSWER_SECONDS, (label, seconds)
        assert "Tệp quá lớn" in page and says in page, (label, re.sub(r"\s+", " ", page)[-1500:])
    assert login_times and max(login_times) < 5, login_times
    peaks = [_peak_mb(pid) for pid in _workers(server)]
    assert max(peaks) < WORKER_MEMORY_MB, peaks


# ---------------------------------------------------------------------------------------------
# A database that drops its connections


@pytest.fixture
def postgres_database():
    """A throwaway database on the local PostgreSQL server, dropped afterwards."""
    psycopg2 = pytest.importorskip("psycopg2")
    try:
        admin = psycopg2.connect(f"{PG_SERVER}/postgres", connect_timeout=3)
    except psycopg2.OperationalError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no PostgreSQL answers at {PG_SERVER}: a restart cannot be tried on SQLite")
    admin.autocommit = True
    name = f"tthc_restart_{os.getpid()}"
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin, name
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_after_the_database_drops_every_connection_the_next_requests_answer(postgres_database):
    admin, name = postgres_database
    env = _env(f"{PG_SERVER}/{name}", CONN_MAX_AGE="600")
    _prepare(env)
    server, base = _serve(env, workers=1)
    try:
        session = _login(base)
        assert session.get(f"{base}/", timeout=10).status_code == 200
        cursor = admin.cursor()
        cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s", [name])
        assert cursor.fetchone()[0] >= 1, "the worker kept its connection"
        for _ in range(3):
            response = session.get(f"{base}/", timeout=10)
            assert response.status_code == 200, response.status_code
        assert "Sở Tài chính" in response.text
    finally:
        _stop(server)
