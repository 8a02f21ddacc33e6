"""Factories and role fixtures shared by the whole suite.

Users log in with `client.force_login` (django-axes makes `client.login` need a request).
"""
import copy
import socket
import time
from datetime import date

import pytest

from reports import services
from reports.models import ReportingPeriod
from units.models import LinhVuc, Unit, User

STC_LINH_VUC = ["Quản lý công sản", "Quản lý giá", "Đăng ký mã số", "Tài chính doanh nghiệp"]
SKHDT_LINH_VUC = ["Thành lập và hoạt động doanh nghiệp", "Đầu tư tại Việt Nam"]

# A complete, consistent report of STC for one quarter, in the `forms` shape of tthc-report/1:
# no error and no warning (each row balances, II.03b (11) total = II.07b (3) total).
GOOD_FORMS = {
    "II.03b": {
        "trung_uong": [{"ten": "Bộ Tài chính", "c3": 1, "c4": 0, "c6": 0, "c7": 2, "c8": 0, "c9": 2, "c10": 0, "c11": 14}],
        "dia_phuong": [
            {"cap": "tinh", "c3": 1, "c4": 0, "c6": 0, "c7": 0, "c8": 4, "c9": 0, "c10": 4, "c11": 6},
            {"cap": "huyen", "c11": 4},
            {"cap": "xa"},
        ],
    },
    "II.06a": {
        "rows": [
            {"linh_vuc": "Quản lý công sản", "c4": 0, "c5": 41, "c6": 2, "c8": 30, "c9": 12, "c10": 0, "c12": 1, "c13": 0},
            {"linh_vuc": "Đăng ký mã số", "c4": 377, "c5": 0, "c6": 0, "c8": 0, "c9": 377, "c10": 0, "c12": 0, "c13": 0},
        ]
    },
    "II.07b": {
        "rows": [{"linh_vuc": "Quản lý công sản", "c4": 6, "c5": 4, "c6": 0, "c8": 6, "c9": 4, "c10": 0,
                  "c12": 6, "c13": 4, "c14": 0}],
        "bon_tai_cho": [{"linh_vuc": "Quản lý công sản", "c3": 2, "c5": 0}],
    },
    "II.08": {
        "rows": [{"nhom": "B", "cap": "tinh", "linh_vuc": "Quản lý công sản", "c3": 4, "c4": 4, "c5": 40,
                  "c6": 0, "c7": 0, "c8": 0, "c9": 1}]
    },
}


@pytest.fixture
def good_forms():
    return copy.deepcopy(GOOD_FORMS)


def make_unit(code, name, linh_vuc=(), kind=Unit.Kind.SO):
    unit = Unit.objects.create(code=code, name=name, kind=kind)
    LinhVuc.objects.bulk_create(LinhVuc(unit=unit, name=n, order=i) for i, n in enumerate(linh_vuc))
    return unit


def make_user(username, role=User.Role.OFFICER, units=()):
    user = User.objects.create_user(username=username, password="matkhau123", role=role,
                                    is_staff=role == User.Role.ADMIN)
    user.units.set(units)
    return user


@pytest.fixture
def stc(db):
    return make_unit("STC", "Sở Tài chính", STC_LINH_VUC)


@pytest.fixture
def skhdt(db):
    return make_unit("SKHDT", "Sở Kế hoạch và Đầu tư", SKHDT_LINH_VUC)


@pytest.fixture
def period(db):
    """Quý III năm 2023, open."""
    return services.period_open("2023-Q3")[0]


@pytest.fixture
def previous_period(db):
    """Quý II năm 2023, open (so that a report can be saved in it)."""
    return services.period_open("2023-Q2")[0]


@pytest.fixture
def closed_period(db):
    return ReportingPeriod.objects.create(
        code="2022-Q4", year=2022, kind="Q4", start=date(2022, 9, 15), end=date(2022, 12, 14),
        deadline=date(2022, 12, 16), is_open=False,
    )


@pytest.fixture
def officer_stc(stc):
    return make_user("stc", units=[stc])


@pytest.fixture
def officer_skhdt(skhdt):
    return make_user("skhdt", units=[skhdt])


@pytest.fixture
def reviewer(db):
    return make_user("tonghop", role=User.Role.REVIEWER)


@pytest.fixture
def admin_user(db):
    return make_user("quantri", role=User.Role.ADMIN)


def form_post(forms, version, action="save", **extra):
    """The report page's inputs for these forms, as the browser would send them."""
    data = {"version": str(version), "action": action}
    for code, sections in forms.items():
        for key, rows in sections.items():
            for i, row in enumerate(rows):
                for field, value in row.items():
                    data[f"{code}|{key}|{i}|{field}"] = "" if value is None else str(value)
    data.update(extra)
    return data


def content(response):
    """The body of a test client's response as bytes, a streamed one (a download) read to its end."""
    return b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content


def text(response, errors="strict"):
    """The body as text. `errors="replace"` where the body may not be UTF-8 (a download's bytes, a
    page fed hostile input)."""
    return content(response).decode(errors=errors)


def save_report(unit, period, forms, actor=None, narrative=None, explanations=(), version=None):
    """Save a report through the service, as the web form does; returns the report."""
    from reports.models import Report

    if version is None:
        existing = Report.objects.filter(unit=unit, period=period).first()
        version = existing.version if existing else 0
    report, _ = services.report_save(
        unit=unit, period=period, raw_forms=forms, narrative=narrative or {}, explanations=list(explanations),
        actor=actor, expected_version=version,
    )
    return report


@pytest.fixture
def stc_report(stc, period, officer_stc, good_forms):
    """STC's draft for 2023-Q3 with the good figures."""
    return save_report(stc, period, good_forms, actor=officer_stc)


@pytest.fixture(autouse=True)
def exports_in_the_request(settings, tmp_path_factory):
    """Export jobs run inside the request that starts them (the immediate task backend), so a
    download answers its file at once; files go to a temporary MEDIA_ROOT. Tests of the real
    queues (tests/test_export_jobs.py) start workers of their own."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    settings.EXPORT_ON_APPROVAL = False


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2 at full strength makes every demo user cost a third of a second."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def free_port():
    """A TCP port nobody listens on, for a server a test starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, seconds=30):
    """Wait until a server a test started answers on `port`."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing answers on port {port}")
