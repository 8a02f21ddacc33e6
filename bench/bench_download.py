"""The province's PDF of 300 units downloaded from the page, as a reviewer does it: gunicorn with
its 30 s request timeout and the production settings, one export worker (database backend) beside
it. The reviewer asks for the file (the job starts), the page polls as its script does, the file
comes down once the worker has made it; asked again, it comes from the store at once. Prints the
time to the file, the slowest single request (it must stay far under gunicorn's timeout) and the
PDF's pages. BENCH_DOWNLOAD_UNITS changes the number of units."""
import io
import os
import subprocess
import sys
import tempfile
import time

from bench.bench_load import _free_port, _login, _start_server, server_env
from bench.common import ROOT, populate, print_table

PERIOD = "2024-Q3"  # of this benchmark only (bench.common.populate)
UNITS = int(os.environ.get("BENCH_DOWNLOAD_UNITS", "300"))
GUNICORN_TIMEOUT = 30


def run():
    from django.contrib.auth.hashers import make_password
    from pypdf import PdfReader

    from units.models import User

    period = populate(UNITS, PERIOD)
    User.objects.update_or_create(username="benchtonghop", defaults={
        "role": User.Role.REVIEWER, "password": make_password("bench")})
    database_url = os.environ["DATABASE_URL"]
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    shared = {"MEDIA_ROOT": tempfile.mkdtemp(prefix="tthc-bench-media-"), "TASKS_BACKEND": "database"}
    server = _start_server(database_url, port, **shared)
    worker = subprocess.Popen([sys.executable, "manage.py", "db_worker"], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, env=server_env(database_url, **shared))
    try:
        session = _login(base, "benchtonghop")
        url = f"{base}/tong-hop/{period.code}/tai-ve.pdf"
        slowest, polls, start = 0.0, 0, time.perf_counter()
        first = _timed(session.get, url)
        slowest = first[1]
        assert "Đang tạo tệp" in first[0].text, first[0].text[:500]
        while time.perf_counter() - start < 600:
            response, seconds = _timed(session.get, f"{url}?cho=1", headers={"Accept": "application/json"})
            slowest, polls = max(slowest, seconds), polls + 1
            state = response.json()["state"]
            if state != "waiting":
                break
            time.sleep(1)
        assert state == "ready", state
        response, seconds = _timed(session.get, url)
        ready = time.perf_counter() - start
        slowest = max(slowest, seconds)
        assert response.headers["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
        pages = len(PdfReader(io.BytesIO(response.content)).pages)
        again, again_seconds = _timed(session.get, url)
        assert again.content == response.content
    finally:
        for process in (worker, server):
            process.terminate()
            process.wait(timeout=30)
    rows = [(UNITS, f"{ready:.1f}", f"{slowest:.2f}", polls, pages, f"{len(response.content) / 2 ** 20:.1f}",
             f"{again_seconds:.2f}",
             "đạt" if slowest < GUNICORN_TIMEOUT else "CHƯA ĐẠT")]
    print_table(f"Tải PDF tổng hợp từ trang: gunicorn (timeout {GUNICORN_TIMEOUT} s) và 1 worker xuất tệp",
                ["đơn vị", "giây đến khi có tệp", "yêu cầu lâu nhất s", "lần hỏi", "số trang", "MB",
                 "tải lại s", f"mọi yêu cầu < {GUNICORN_TIMEOUT} s"], rows)
    return rows


def _timed(get, url, **kwargs):
    start = time.perf_counter()
    response = get(url, timeout=GUNICORN_TIMEOUT + 5, **kwargs)
    response.raise_for_status()
    return response, time.perf_counter() - start
