"""Exports on the real task queues: a worker in a subprocess (the database backend, and RQ on
Redis), the web server in another, the province's PDF asked for, waited for and downloaded."""
import contextlib
import http.cookiejar
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import free_port, wait_for_port

ROOT = Path(__file__).resolve().parent.parent
REDIS = ("127.0.0.1", 6379)
CLAIM = "tthc-tests:claimed"  # the key by which a test run holds one of Redis's databases


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory):
    """The demo province in a SQLite file that the server and the workers share."""
    path = tmp_path_factory.mktemp("workers") / "demo.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}"}
    for command in (["migrate", "-v0"], ["load_demo"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
    with sqlite3.connect(path) as db:
        (period,) = db.execute(
            "select p.code from reports_reportingperiod p join reports_report r on r.period_id = p.id "
            "where r.status = 'approved' group by p.code order by count(*) desc limit 1").fetchone()
    return path, period


def _start(args, env, log):
    """A manage.py process whose output goes to `log`, printed when the test fails."""
    return subprocess.Popen([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)


@contextlib.contextmanager
def _running(path, tmp_path, backend, workers, redis_db=0):
    """A web server and the worker commands `workers` on the demo file: yields the base URL."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(DATABASE_URL=f"sqlite:///{path}", TASKS_BACKEND=backend, MEDIA_ROOT=str(tmp_path / "media"),
               REDIS_URL=f"redis://{REDIS[0]}:{REDIS[1]}/{redis_db}", EXPORT_ON_APPROVAL="0")
    with sqlite3.connect(path) as db:
        db.execute("delete from reports_exportfile")
    logs = [(tmp_path / f"{name}.log").open("w") for name in ("server", *(f"worker{i}" for i in range(len(workers))))]
    processes = [_start(args, env, log) for args, log in zip(workers, logs[1:])]
    port = free_port()
    processes.append(_start(["runserver", f"127.0.0.1:{port}", "--noreload", "--nothreading"], env, logs[0]))
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
        for log in logs:  # pytest shows them when the test failed
            log.close()
            print(f"--- {Path(log.name).name}\n{Path(log.name).read_text()}")


@pytest.fixture
def portal(demo_database, tmp_path, request):
    """(base URL, database path, period) of a server and a worker of the backend asked for."""
    backend = request.param
    path, period = demo_database
    if backend == "rq":
        with _redis_database() as redis_db:
            worker = ["rqworker", "--job-class", "django_tasks_rq.Job", "default"]
            with _running(path, tmp_path, backend, [worker], redis_db) as base:
                yield base, path, period
    else:
        worker = ["db_worker", "--interval", "0.2", "--no-startup-delay"]
        with _running(path, tmp_path, backend, [worker]) as base:
            yield base, path, period


@contextlib.contextmanager
def _redis_database():
    """A database of the shared Redis that no other test run uses meanwhile (two suites on one
    machine would otherwise run, or empty, each other's queues): claimed with SET NX on one of
    databases 1-15, its queues emptied before and after."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis(host=REDIS[0], port=REDIS[1], socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis answers at {REDIS[0]}:{REDIS[1]}: the RQ backend is not tried")
    for number in range(15, 0, -1):
        db = redis.Redis(host=REDIS[0], port=REDIS[1], db=number)
        if db.set(CLAIM, os.getpid(), nx=True, ex=900):
            break
    else:
        pytest.fail("every Redis database 1-15 is claimed by another test run")
    def empty():
        for key in db.scan_iter("rq:*"):
            db.delete(key)

    try:
        empty()  # what a run that was killed left
        yield number
    finally:
        empty()
        db.delete(CLAIM)


def _client(base):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(f"{base}/dang-nhap/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"username": "tonghop", "password": "matkhau123", "csrfmiddlewaretoken": token})
    opener.open(urllib.request.Request(f"{base}/dang-nhap/", data.encode(), headers={"Referer": f"{base}/dang-nhap/"}),
                timeout=10)
    return opener


def _exports(path):
    with sqlite3.connect(path) as db:
        return db.execute("select key, status from reports_exportfile").fetchall()


@pytest.mark.parametrize("portal", ["database", "rq"], indirect=True)
def test_a_worker_makes_the_province_s_pdf_and_the_second_request_gets_it_at_once(portal):
    base, path, period = portal
    opener = _client(base)
    url = f"{base}/tong-hop/{period}/tai-ve.pdf"
    with opener.open(url, timeout=30) as response:
        first = response.read()
    # The job is queued, not run in the request: the page says so and refreshes itself.
    assert "Đang tạo tệp" in first.decode() and 'http-equiv="refresh"' in first.decode()
    deadline, state = time.time() + 180, None
    while time.time() < deadline:  # as the page script polls
        poll = urllib.request.Request(f"{url}?cho=1", headers={"Accept": "application/json"})
        state = json.loads(opener.open(poll, timeout=30).read())
        if state["state"] != "waiting":
            break
        time.sleep(0.5)
    assert state["state"] == "ready", state
    with opener.open(url, timeout=30) as response:
        first = response.read()
        assert response.headers["Content-Type"] == "application/pdf"
        assert f"tong_hop_{period}.pdf" in response.headers["Content-Disposition"]
    assert first.startswith(b"%PDF") and b"%%EOF" in first[-1024:]
    assert [status for _, status in _exports(path)] == ["ready"]
    # Asked again: the stored file, no new job.
    started = time.time()
    with opener.open(url, timeout=30) as response:
        assert response.read() == first
    assert time.time() - started < 5
    assert len(_exports(path)) == 1


def test_downloads_keep_answering_while_the_workers_look_for_jobs(demo_database, tmp_path):
    """The server and the database workers share the SQLite file: a worker looks for a job in an
    exclusive transaction, and a request that became a writer in the middle of its own
    transaction used to fail at once with "database is locked", a 500 for the reviewer."""
    path, _ = demo_database
    with sqlite3.connect(path) as db:
        periods = [code for (code,) in db.execute("select code from reports_reportingperiod order by code")]
    # Two workers that look as often as they can, on a queue nobody fills: every download below
    # asks for a new file, so each request writes while they hold their lock.
    looking = ["db_worker", "--interval", "0.001", "--no-startup-delay", "--queue-name", "nobody"]
    with _running(path, tmp_path, "database", [looking, looking]) as base:
        opener = _client(base)
        answers = []
        for period in periods[:8]:
            for fmt in ("pdf", "xlsx", "docx"):
                try:
                    with opener.open(f"{base}/tong-hop/{period}/tai-ve.{fmt}", timeout=60) as response:
                        answers.append(response.status)
                except urllib.error.HTTPError as error:
                    answers.append(error.code)
    assert len(answers) == 24 and set(answers) == {200}, answers
