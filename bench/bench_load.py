"""The deadline rush: gunicorn with the production settings on PostgreSQL, N officers opening and
saving their reports for BENCH_SECONDS; then the same load on the stack's floor (a minimal
authenticated view with one write), so that the result reads as a ratio to what the stack itself
can do on this machine. Loopback only; every loop stops at its deadline."""
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.common import ROOT, populate, print_table

SECONDS = float(os.environ.get("BENCH_SECONDS", "60"))
OFFICERS = int(os.environ.get("BENCH_OFFICERS", "30"))
WORKERS = os.environ.get("BENCH_WORKERS", "3")
_INPUT = re.compile(r'<input[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"', re.S)
_TEXTAREA = re.compile(r'<textarea[^>]*?name="([^"]+)"[^>]*>(.*?)</textarea>', re.S)
_SELECTED = re.compile(r'<select[^>]*?name="([^"]+)"[^>]*>.*?<option value="([^"]*)" selected', re.S)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(database_url, **extra):
    """The production settings of a bench's server (and of its export worker)."""
    # CONN_MAX_AGE as in production (setup_django sets 0 for the bench's own process).
    return {**os.environ, "DATABASE_URL": database_url, "CONN_MAX_AGE": "60", "DEBUG": "0", "HTTPS": "0",
            "SECRET_KEY": _SECRET_KEY, "ALLOWED_HOSTS": "127.0.0.1", "BENCH_ENDPOINTS": "1", "STATIC_MANIFEST": "0",
            "LOG_LEVEL": "ERROR", **extra}


_SECRET_KEY = secrets.token_hex(32)


def _start_server(database_url, port, **extra):
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "tthc_portal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", WORKERS, "--timeout", "30",
         "--log-level", "warning"],
        cwd=ROOT, env=server_env(database_url, **extra), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start: " + server.stderr.read().decode()[-2000:])


def _login(base, username):
    import requests

    session = requests.Session()
    page = session.get(f"{base}/dang-nhap/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(f"{base}/dang-nhap/", data={"csrfmiddlewaretoken": token, "username": username,
                                                          "password": "bench"}, timeout=30,
                            headers={"Referer": f"{base}/dang-nhap/"})
    assert response.ok and "dang-nhap" not in response.url, f"login failed for {username}"
    return session


def _form_values(html):
    """What the browser would send back: every input, textarea and selected option of the page."""
    values = {name: value for name, value in _INPUT.findall(html)}
    values.update({name: text for name, text in _TEXTAREA.findall(html)})
    values.update({name: value for name, value in _SELECTED.findall(html)})
    values["action"] = "save"
    return {k: v for k, v in values.items() if k != "file"}


_VERSION = re.compile(r'name="version" value="(\d+)"')


def _officer_loop(base, username, url, until, samples, errors):
    session = _login(base, username)
    values = None
    while time.time() < until:
        start = time.perf_counter()
        page = session.get(url, timeout=30)
        samples["page"].append(time.perf_counter() - start)
        if page.status_code != 200:
            errors.append(page.status_code)
            continue
        # The inputs are read once (the client shares the server's two cores: parsing 100 kB of
        # HTML at every loop would be measured as the server's slowness); the version every time.
        values = values or _form_values(page.text)
        values["version"] = _VERSION.search(page.text).group(1)
        start = time.perf_counter()
        saved = session.post(url, data=values, allow_redirects=False, timeout=30,
                             headers={"Referer": url})
        samples["save"].append(time.perf_counter() - start)
        if saved.status_code != 302:
            errors.append(saved.status_code)


def _floor_loop(base, username, until, samples, errors):
    session = _login(base, username)
    while time.time() < until:
        start = time.perf_counter()
        response = session.get(f"{base}/_bench/floor/", timeout=30)
        samples["floor"].append(time.perf_counter() - start)
        if response.status_code != 200:
            errors.append(response.status_code)


def _run_threads(target, args_for, seconds):
    until = time.time() + seconds
    samples, errors = {"page": [], "save": [], "floor": []}, []
    threads = [threading.Thread(target=target, args=(*args_for(i), until, samples, errors)) for i in range(OFFICERS)]
    start = time.time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    return samples, errors, time.time() - start


def _ms(values, q):
    if not values:
        return "—"
    return f"{statistics.quantiles(values, n=100)[q - 1] * 1000:.0f}" if len(values) > 1 else f"{values[0] * 1000:.0f}"


def run():
    from django.conf import settings
    from django.contrib.auth.hashers import make_password

    from reports.models import Report
    from units.models import User

    period = populate(OFFICERS)
    User.objects.filter(username__startswith="bench").update(password=make_password("bench"))
    # Drafts: the officers' saves are real saves (an approved report refuses them with a redirect
    # that would count as a success). The versions tell afterwards how many saves were kept.
    reports = Report.objects.filter(period=period, unit__code__startswith="BENCH")
    reports.update(status=Report.Status.DRAFT, working_copy=None)
    versions_before = sum(reports.values_list("version", flat=True))
    database = settings.DATABASES["default"]
    url = os.environ["DATABASE_URL"]
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _start_server(url, port)
    try:
        names = [f"bench{i:03d}" for i in range(OFFICERS)]
        rush, rush_errors, rush_time = _run_threads(
            _officer_loop, lambda i: (base, names[i], f"{base}/bao-cao/{period.code}/BENCH{i:03d}/"), SECONDS)
        floor, floor_errors, floor_time = _run_threads(_floor_loop, lambda i: (base, names[i]), SECONDS)
    finally:
        server.terminate()
        server.wait(timeout=30)
    kept = sum(reports.values_list("version", flat=True)) - versions_before
    requests_rush = len(rush["page"]) + len(rush["save"])
    throughput = requests_rush / rush_time
    floor_throughput = len(floor["floor"]) / floor_time
    page_rate, save_rate = len(rush["page"]) / rush_time, len(rush["save"]) / rush_time

    def ratio(rate, target):
        value = rate / floor_throughput
        return f"{value:.3f} (≥ {target}: {'đạt' if value >= target else 'CHƯA ĐẠT'})"

    rows = [
        ("mở trang báo cáo (GET)", len(rush["page"]), f"{page_rate:.1f}", _ms(rush["page"], 50),
         _ms(rush["page"], 95), "", ratio(page_rate, 0.2)),
        ("lưu báo cáo (POST)", len(rush["save"]), f"{save_rate:.1f}", _ms(rush["save"], 50),
         _ms(rush["save"], 95), f"{len(rush['save']) - kept} không được lưu", ratio(save_rate, 0.2)),
        ("cả hai", requests_rush, f"{throughput:.1f}", "", "", len(rush_errors), ""),
        ("sàn: 1 lần ghi (GET)", len(floor["floor"]), f"{floor_throughput:.1f}", _ms(floor["floor"], 50),
         _ms(floor["floor"], 95), len(floor_errors), "1"),
    ]
    print_table(
        f"Cao điểm hạn nộp: {OFFICERS} cán bộ, báo cáo nháp, {SECONDS:.0f} s mỗi lượt, gunicorn {WORKERS} worker, "
        f"CONN_MAX_AGE=60, {database['ENGINE'].rsplit('.', 1)[-1]}; p50 mở trang < 500 ms: "
        f"{'đạt' if rush['page'] and statistics.median(rush['page']) < 0.5 else 'CHƯA ĐẠT'}",
        ["thao tác", "số yêu cầu", "yêu cầu/s", "p50 ms", "p95 ms", "lỗi", "tỷ lệ so với sàn"], rows)
    return rows
