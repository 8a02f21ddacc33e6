"""The deadline rush under load, measured by wrk: gunicorn with the production settings on
PostgreSQL, four runs of BENCH_SECONDS each, every user on a connection of its own (wrk -t N -c N,
bench/load.lua):

  floor          N sessions asking a minimal authenticated view with one write (the stack's own
                 floor on this machine);
  page           N officers opening their own draft report;
  rush           N officers each opening their report and saving it (every input of the page, the
                 version it showed, one file moved between II.06a (8) and (9) so that each save
                 really rewrites a section), again and again;
  consolidation  R reviewers opening the province's consolidation of C units, biểu after biểu.

The users log in (Python requests) before wrk starts; wrk's CPU a request (0.2 ms for the floor,
1-2 ms for a page of 150-500 kB, in the table's last column) leaves the two cores to the server.
Loopback only; wrk stops at its -d, every request times out after 30 s."""
import os
import re
import resource
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

from bench.common import ROOT, populate, print_table

SECONDS = float(os.environ.get("BENCH_SECONDS", "30"))
OFFICERS = int(os.environ.get("BENCH_OFFICERS", "30"))
REVIEWERS = int(os.environ.get("BENCH_REVIEWERS", "10"))
CONSOLIDATION_UNITS = int(os.environ.get("BENCH_CONSOLIDATION_UNITS", "300"))
# Not PREVIOUS_PERIOD: the officers' reports carry over from there, what they left pending only.
CONSOLIDATION_PERIOD = "2023-Q1"
# The officers' quarter, and the one before it, approved, whose pending files their reports carry
# over (as every real report after its first does: the page reads them, in two queries more); no
# other benchmark fills either.
PREVIOUS_PERIOD, OFFICERS_PERIOD = "2023-Q2", "2023-Q3"
WORKERS = os.environ.get("BENCH_WORKERS", "3")
SCRIPT = Path(__file__).with_name("load.lua")
REQUEST_TIMEOUT = 30
# Targets (issue 10).
PAGE_RATIO, RUSH_PAGE_P50_MS, CONSOLIDATION_P50_MS = 0.2, 500, 1000
PAGE_MARKER = "Biểu số II.06a"
# The figure each save changes: one file of the first lĩnh vực moved between "trước hạn" (8) and
# "đúng hạn" (9), so that (7) and the row's balance, hence every rule, stay as they were.
TOGGLE = ("II.06a|rows|0|c8", "II.06a|rows|0|c9")

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
    # The log goes to an unnamed file: a pipe nobody reads would stop the workers once full.
    log = tempfile.TemporaryFile()
    server = subprocess.Popen(
        [gunicorn, "tthc_portal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", WORKERS, "--timeout", "30",
         "--log-level", "warning"],
        cwd=ROOT, env=server_env(database_url, **extra), stdout=subprocess.DEVNULL, stderr=log,
    )
    server.log = log
    deadline = time.time() + 30
    while time.time() < deadline and server.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    server.wait()
    raise RuntimeError("gunicorn did not start: " + _server_log(server))


def _server_log(server, size=2000):
    server.log.seek(0)
    return server.log.read().decode(errors="replace")[-size:]


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


def _cookie_header(session):
    """The session's cookies (sessionid, csrftoken) as wrk sends them."""
    return "; ".join(f"{name}={value}" for name, value in session.cookies.items())


def _save_template(html):
    """(the save's URL-encoded form with __VERSION__, __C8__ and __C9__ in place, the toggle file:
    the input read on the page, the figures as they are, the figures moved by one file)."""
    values = _form_values(html)
    c8, c9 = (int(values[name]) for name in TOGGLE)
    assert c9 >= 1, "II.06a (9) has no file to move to (8)"
    values.update({"version": "__VERSION__", TOGGLE[0]: "__C8__", TOGGLE[1]: "__C9__"})
    body = urlencode(values)
    assert all(body.count(p) == 1 for p in ("__VERSION__", "__C8__", "__C9__")), "placeholder not unique"
    return body, f"{TOGGLE[0]}\n{c8} {c9}\n{c8 + 1} {c9 - 1}\n", c8


class Run:
    """One wrk run's results: latencies (ms) and outcomes per kind, per thread (1 … N)."""

    def __init__(self, name, directory, output, cpu):
        self.name, self.output, self.cpu = name, output, cpu
        self.samples, self.outcomes, self.inflight = {}, {}, {}
        for line in (directory / "results.tsv").read_text().splitlines():
            fields = line.split("\t")
            if fields[0] == "duration":
                self.duration = float(fields[1])
            elif fields[0] == "ms":
                self.samples.setdefault(fields[1], []).append(float(fields[2]))
            elif fields[0] == "count":
                kind, outcome = fields[2].split(" ", 1)
                per_kind = self.outcomes.setdefault(kind, {})
                per_kind.setdefault(outcome, {})[int(fields[1])] = int(fields[3])
            elif fields[0] == "inflight":
                self.inflight[int(fields[1])] = fields[2]
        match = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
        self.socket_errors = sum(map(int, match.groups())) if match else 0

    def count(self, kind, outcome=None, thread=None):
        per_outcome = self.outcomes.get(kind, {})
        return sum(n for o, threads in per_outcome.items() if outcome in (None, o)
                   for t, n in threads.items() if thread in (None, t))

    def errors(self, kind):
        """"0", or the count and what went wrong ("3 (HTTP 409: 3)")."""
        wrong = {o: self.count(kind, o) for o in self.outcomes.get(kind, {}) if o != "ok"}
        total = sum(wrong.values())
        detail = ", ".join(f"{o}: {n}" for o, n in sorted(wrong.items()))
        return f"{total} ({detail})" if total else "0"

    def rate(self, kind):
        return len(self.samples.get(kind, [])) / self.duration

    def cpu_ms(self):
        """wrk's own CPU time per request of the run (user + system)."""
        answered = sum(len(v) for v in self.samples.values())
        return self.cpu / answered * 1000 if answered else 0


def _wrk(base, name, users, marker, workdir):
    """One run of wrk: a thread and a connection per user, each user a dict of cookie, paths and,
    for the rush, body and toggle (bench/load.lua reads them from files)."""
    directory = workdir / name
    directory.mkdir()
    (directory / "mode").write_text(name)
    (directory / "marker").write_text(marker)
    for i, user in enumerate(users, start=1):
        own = directory / f"thread-{i}"
        own.mkdir()
        (own / "cookie").write_text(user["cookie"])
        (own / "paths").write_text("".join(f"{path}\n" for path in user["paths"]))
        for key in ("body", "toggle"):
            if key in user:
                (own / key).write_text(user[key])
    n = str(len(users))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = subprocess.Popen(
        ["wrk", "-t", n, "-c", n, "-d", f"{SECONDS:g}s", "--timeout", f"{REQUEST_TIMEOUT}s", "-s", str(SCRIPT),
         f"{base}/"], env={**os.environ, "BENCH_WRK_DIR": str(directory)}, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    try:
        output, _ = process.communicate(timeout=SECONDS + REQUEST_TIMEOUT + 30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode or not (directory / "results.tsv").exists():
        raise RuntimeError(f"wrk failed ({process.returncode}) in the {name} run:\n{output[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(name, directory, output, cpu)


def _wait_idle(port, seconds=REQUEST_TIMEOUT + 5):
    """Wait until the server has answered every request wrk left behind: when wrk stops, up to one
    request a user is still queued or being served, and gunicorn serves it (a save is kept).
    Idle is no connection to the server's port any more, waiting to be accepted or being served
    (established, or closed by wrk and not yet by gunicorn), as /proc/net/tcp shows them."""
    local = f":{port:04X}"
    busy = {"01", "03", "08"}  # ESTABLISHED, SYN_RECV, CLOSE_WAIT
    deadline = time.time() + seconds
    while time.time() < deadline:
        with open("/proc/net/tcp") as table:
            rows = [line.split() for line in table.readlines()[1:]]
        if not any(row[1].endswith(local) and row[3] in busy for row in rows):
            return
        time.sleep(0.1)
    raise RuntimeError(f"the server still had requests of the last run after {seconds} s")


def _ms(values, q):
    if not values:
        return "—"
    if len(values) == 1:
        return f"{values[0]:.0f}"
    return f"{statistics.quantiles(values, n=100)[q - 1]:.0f}"


def _verdict(ok):
    return "đạt" if ok else "CHƯA ĐẠT"


def _check_wrk():
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is missing: the load benchmark's client is Debian's package wrk "
                           "(`make bench-deps`, or `sudo apt-get install wrk`)")


def run():
    from django.conf import settings
    from django.contrib.auth.hashers import make_password

    from reports.forms_spec import FORMS
    from reports.models import Report
    from reports.selectors import report_forms
    from units.models import User

    _check_wrk()
    populate(OFFICERS, PREVIOUS_PERIOD)
    period = populate(OFFICERS, OFFICERS_PERIOD)
    consolidation_period = populate(CONSOLIDATION_UNITS, period_code=CONSOLIDATION_PERIOD)
    password = make_password("bench")
    User.objects.filter(username__startswith="bench").update(password=password)
    reviewers = [f"benchduyet{i:02d}" for i in range(REVIEWERS)]
    for username in reviewers:
        User.objects.update_or_create(username=username, defaults={"role": User.Role.REVIEWER, "password": password})
    officers = [f"bench{i:03d}" for i in range(OFFICERS)]
    units = [f"BENCH{i:03d}" for i in range(OFFICERS)]
    # Drafts: the officers' saves are real saves (an approved report refuses them with a redirect
    # that would count as a success). The versions tell afterwards how many saves were kept.
    reports = Report.objects.filter(period=period, unit__code__in=units)
    reports.update(status=Report.Status.DRAFT, working_copy=None)
    assert reports.count() == OFFICERS

    def versions():
        return dict(reports.values_list("unit__code", "version"))

    database = settings.DATABASES["default"]
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    workdir = Path(tempfile.mkdtemp(prefix="tthc-bench-wrk-"))
    server = _start_server(os.environ["DATABASE_URL"], port)
    try:
        # Before the timed window: the logins, and what each officer's save sends.
        with ThreadPoolExecutor(int(WORKERS)) as pool:
            sessions = list(pool.map(lambda name: _login(base, name), officers + reviewers))
        officer_sessions, reviewer_sessions = sessions[:OFFICERS], sessions[OFFICERS:]
        paths = [f"/bao-cao/{period.code}/{unit}/" for unit in units]
        officer_users, originals = [], []
        for session, path in zip(officer_sessions, paths):
            page = session.get(base + path, timeout=REQUEST_TIMEOUT)
            assert page.status_code == 200 and PAGE_MARKER in page.text, (path, page.status_code)
            body, toggle, c8 = _save_template(page.text)
            originals.append(c8)
            officer_users.append({"cookie": _cookie_header(session), "paths": [path], "body": body,
                                  "toggle": toggle})
        codes = list(FORMS)
        consolidation_marker = f"Sở thử nghiệm số {CONSOLIDATION_UNITS}"
        reviewer_users = []
        for i, session in enumerate(reviewer_sessions):
            order = codes[i % len(codes):] + codes[:i % len(codes)]
            reviewer_users.append({"cookie": _cookie_header(session),
                                   "paths": [f"/tong-hop/{consolidation_period.code}/?bieu={code}" for code in order]})
        for path in reviewer_users[0]["paths"]:  # each biểu once: it answers, with every unit
            page = reviewer_sessions[0].get(base + path, timeout=REQUEST_TIMEOUT)
            assert page.status_code == 200 and consolidation_marker in page.text, (path, page.status_code)

        floor = _wrk(base, "floor", [{"cookie": u["cookie"], "paths": ["/_bench/floor/"]} for u in officer_users],
                     "", workdir)
        _wait_idle(port)  # each run starts on an idle server
        page = _wrk(base, "page", [{"cookie": u["cookie"], "paths": u["paths"]} for u in officer_users],
                    PAGE_MARKER, workdir)
        _wait_idle(port)
        before = versions()
        rush = _wrk(base, "rush", officer_users, PAGE_MARKER, workdir)
        _wait_idle(port)
        after = versions()
        consolidation = _wrk(base, "consolidation", reviewer_users, consolidation_marker, workdir)
    except BaseException:
        print(f"gunicorn's log:\n{_server_log(server)}", file=sys.stderr)
        raise
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)

    # The saves against the database, officer by officer (thread i is officer i - 1): each answer
    # 302 is one version more; a save still in flight when wrk stopped may have been kept too.
    lost = extra = wrong_figure = moved = 0
    for i, unit in enumerate(units):
        grown, answered = after[unit] - before[unit], rush.count("save", "ok", thread=i + 1)
        in_flight = 1 if rush.inflight.get(i + 1) == "save" else 0
        lost += max(0, answered - grown)
        extra += max(0, grown - answered - in_flight)
        figure = report_forms(reports.get(unit__code=unit))["II.06a"]["rows"][0]["c8"]
        # Each kept save moved the file one way or back: an even number leaves (8) as it was.
        wrong_figure += figure != originals[i] + grown % 2
        moved += figure != originals[i]
    kept = sum(after.values()) - sum(before.values())

    floor_rate = floor.rate("floor")

    def ratio(rate):
        return rate / floor_rate if floor_rate else 0

    def row(label, run, kind, target="", errors=None):
        samples = run.samples.get(kind, [])
        return (label, len(samples), f"{run.rate(kind):.1f}", _ms(samples, 50), _ms(samples, 95),
                errors or run.errors(kind), f"{ratio(run.rate(kind)):.3f}", target, f"{run.cpu_ms():.2f}")

    page_ratio = ratio(page.rate("page"))
    rush_p50 = statistics.median(rush.samples.get("page") or [float("inf")])
    consolidation_p50 = statistics.median(consolidation.samples.get("consolidation") or [float("inf")])
    socket_errors = {run.name: run.socket_errors for run in (floor, page, rush, consolidation) if run.socket_errors}
    rows = [
        row(f"sàn: 1 lần ghi (GET), {OFFICERS} phiên", floor, "floor", "1 (so sánh)"),
        row(f"mở trang báo cáo (GET), {OFFICERS} cán bộ", page, "page",
            f"tỷ lệ ≥ {PAGE_RATIO}: {_verdict(page_ratio >= PAGE_RATIO)}"),
        row("cao điểm: mở trang (GET)", rush, "page",
            f"p50 < {RUSH_PAGE_P50_MS} ms: {_verdict(rush_p50 < RUSH_PAGE_P50_MS)}"),
        row("cao điểm: lưu (POST → 302)", rush, "save", "(tỷ lệ để tham khảo)",
            f"{rush.errors('save')}; {lost} không được lưu"),
        row(f"tổng hợp {CONSOLIDATION_UNITS} đơn vị (GET), {REVIEWERS} người duyệt", consolidation, "consolidation",
            f"p50 < {CONSOLIDATION_P50_MS / 1000:g} s: {_verdict(consolidation_p50 < CONSOLIDATION_P50_MS)}"),
    ]
    print_table(
        f"Cao điểm hạn nộp, đo bằng wrk ({OFFICERS} luồng × 1 kết nối; {REVIEWERS} cho trang tổng hợp): "
        f"gunicorn {WORKERS} worker, {SECONDS:g} s mỗi lượt, CONN_MAX_AGE=60, "
        f"{database['ENGINE'].rsplit('.', 1)[-1]}, báo cáo nháp",
        ["thao tác", "số yêu cầu", "yêu cầu/s", "p50 ms", "p95 ms", "lỗi", "tỷ lệ so với sàn", "mục tiêu",
         "CPU wrk ms/yêu cầu"], rows)
    print(f"Kiểm tra lượt cao điểm: phiên bản tăng {kept}, lưu trả 302: {rush.count('save', 'ok')} "
          f"(+ {sum(v == 'save' for v in rush.inflight.values())} đang gửi khi wrk dừng); "
          f"{lost} không được lưu, {extra} lưu thừa; con số II.06a (8) dòng 1: khác ban đầu ở {moved}, "
          f"sai ở {wrong_figure}/{OFFICERS} báo cáo"
          + (f"; lỗi socket của wrk: {socket_errors}" if socket_errors else ""))
    return rows
