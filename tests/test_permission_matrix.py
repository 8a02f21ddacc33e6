"""Who reaches what: every URL of the project × every kind of user × GET and POST.

The URLs are read from the resolver, not listed by hand, so a view added tomorrow is in the
matrix without anybody remembering it. Its kwargs are filled from KWARG_VALUES by name; a kwarg
nobody gave a value for fails the test ("add a value for …") instead of being skipped.

What each user may expect (workflow.md, "People and what they may do"):
- anonymous: sent to the login page (302), except the login page itself;
- an officer of another unit: 403 or 404 on every URL naming a unit, 403 on the provincial
  office's pages, and no response says anything of STC (name, lĩnh vực, figures);
- the unit's own officer: its unit's URLs answer (200; 405 for a GET of a POST-only URL; 302
  after a refused POST), the office's pages answer 403;
- the reviewer and the admin: 200 on every page (405 for a GET of a POST-only URL).
A unit URL whose view forgets `report_for` answers 200 to the foreign officer; an office URL
whose view forgets `require_overview` answers 200 to officers: both fail here.
"""
import re

import pytest
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse

from reports.models import Report, Transition
from reports.services import report_submit
from tests.conftest import text

KWARG_VALUES = {
    "period_code": ["2023-Q3"],
    "unit_code": ["STC"],
    "fmt": ["json", "xlsx", "docx", "pdf"],
    "year": [2023],
    "span": ["6-thang", "9-thang"],  # the derived views beside the annual one
}
# Pages every user has, with their own rules (below); everything else without a unit_code is
# the provincial office's.
GENERAL = {"home", "login", "logout", "consolidation_latest"}
# Unit URLs that act for the provincial office: the unit's own officer is refused (403).
REVIEW_ACTIONS = {"report_return", "report_approve"}
# The page's background requests answer JSON: a refused POST is a 403, not a redirect to the page
# (STC's report in the matrix is submitted, so nobody may change it).
BACKGROUND = {"report_autosave"}
ROLES = ("anonymous", "foreign_officer", "own_officer", "reviewer", "admin")
# What STC's submitted report would give away: the unit, its lĩnh vực, its figures.
STC_SECRETS = ("Sở Tài chính", "Quản lý công sản", "Đăng ký mã số", "377", "420")
# Sent with every POST: what would change the report if a view let it through.
POST_DATA = {"version": "1", "action": "save", "II.06a|rows|0|c4": "9", "II.06a|rows|0|linh_vuc": "Quản lý công sản",
             "reason": "Số liệu chưa khớp", "narrative|I.1": "Đã sửa"}


def _kwarg_names(pattern):
    converters = getattr(pattern.pattern, "converters", None)
    if converters is not None:
        return list(converters)
    return list(pattern.pattern.regex.groupindex)


def _is_static(pattern):
    module = getattr(pattern.callback, "__module__", "") or ""
    return module.startswith(("django.views.static", "django.contrib.staticfiles"))


def project_urls(patterns=None, namespace=None, inherited=()):
    """(qualified name or None, kwarg names, route) of every URL pattern, outside the admin."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django's own admin: its index is tested on its own, below
            inner = ":".join(filter(None, [namespace, entry.namespace])) or None
            yield from project_urls(entry.url_patterns, inner, inherited + tuple(_kwarg_names(entry)))
        elif isinstance(entry, URLPattern):
            if _is_static(entry):
                continue
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield name, [*inherited, *_kwarg_names(entry)], str(entry.pattern)


def url_cases(patterns=None):
    """One case per URL and value of its kwargs; a case with a `problem` fails when run."""
    cases = []
    for name, kwarg_names, route in project_urls(patterns):
        if name is None:
            cases.append(pytest.param(route, None, f"give the URL {route!r} a name", id=route))
            continue
        unknown = [k for k in kwarg_names if k not in KWARG_VALUES]
        if unknown:
            cases.append(pytest.param(name, None, f"add a value for {unknown[0]}", id=name))
            continue
        combos = [{}]
        for kwarg in kwarg_names:
            combos = [{**combo, kwarg: value} for combo in combos for value in KWARG_VALUES[kwarg]]
        for kwargs in combos:
            label = "-".join([name, *(str(kwargs[k]) for k in kwarg_names if len(KWARG_VALUES[k]) > 1)])
            cases.append(pytest.param(name, kwargs, None, id=label))
    return cases


URL_CASES = url_cases()


def category(name, kwargs):
    if "unit_code" in kwargs:
        return "unit"
    if name in GENERAL:
        return "general"
    return "office"


@pytest.fixture
def world(stc, skhdt, period, officer_stc, officer_skhdt, reviewer, admin_user, stc_report):
    """STC's report for 2023-Q3, submitted: every page has something to show."""
    report_submit(report=stc_report, actor=officer_stc)
    return {
        "anonymous": None,
        "foreign_officer": officer_skhdt,
        "own_officer": officer_stc,
        "reviewer": reviewer,
        "admin": admin_user,
    }


def login_redirect(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def _general_expected(name, role, method):
    """(status, where a 302 must lead or None) for the pages every user has."""
    if name == "login":
        if role == "anonymous":
            return 200, None  # the form (a POST without fields shows it again)
        return 302, reverse("home")  # redirect_authenticated_user
    if name == "logout":
        return (405, None) if method == "get" else (302, reverse("login"))
    if role == "anonymous":
        return 302, reverse("login")
    if name == "home":
        if role in ("reviewer", "admin"):
            return 302, reverse("board", args=["2023-Q3"])
        return 200, None
    if name == "consolidation_latest":
        if role in ("reviewer", "admin"):
            return 302, reverse("consolidation", args=["2023-Q3"])
        return 403, None
    raise AssertionError(f"no expectation for {name}")


def test_every_url_pattern_is_in_the_matrix():
    """The walk finds the project's URLs (a broken walk would make the matrix vacuous)."""
    names = {case.values[0] for case in URL_CASES}
    assert {"home", "login", "logout", "report", "report_upload", "report_download", "report_return",
            "report_approve", "board", "consolidation", "consolidation_download", "annual"} <= names
    assert not any(name.startswith("admin:") for name in names)


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name, kwargs, problem", URL_CASES)
def test_permission_matrix(client, world, name, kwargs, problem, role, method):
    if problem:
        pytest.fail(problem)
    check_access(client, world, name, kwargs, role, method)


def check_access(client, world, name, kwargs, role, method):
    user = world[role]
    if user is not None:
        client.force_login(user)
    report = Report.objects.get(unit__code="STC", period__code="2023-Q3")
    before = (report.version, report.status, Transition.objects.count())
    url = reverse(name, kwargs=kwargs)
    response = getattr(client, method)(url, POST_DATA if method == "post" else None)
    status = response.status_code
    where = f"{method.upper()} {url} as {role}: {status}"
    body = text(response, errors="replace")
    kind = category(name, kwargs)

    assert status < 500, where
    if kind == "general":
        expected, target = _general_expected(name, role, method)
        assert status == expected, where
        if target:
            assert response["Location"].startswith(target), f"{where} → {response['Location']}"
    elif role == "anonymous":
        assert login_redirect(response), f"{where} (expected a redirect to the login page)"
    elif role in ("foreign_officer", "own_officer") and kind == "office":
        assert status == 403, f"{where} (the provincial office's page)"
    elif role == "foreign_officer":
        assert status in (403, 404), f"{where} (another unit's URL)"
    elif role == "own_officer":
        if method == "get":
            assert status in (200, 405), where
        elif name in REVIEW_ACTIONS:
            assert status == 403, f"{where} (only the reviewer acts)"
        elif name in BACKGROUND:
            assert status == 403, f"{where} (a submitted report is not editable)"
        else:
            assert status in (200, 302), where
    elif role in ("reviewer", "admin"):
        if method == "get":
            assert status in (200, 405), where
        elif kind == "office":
            assert status in (200, 302, 405), where
        elif role == "admin" and name in REVIEW_ACTIONS:
            assert status == 403, f"{where} (admins see, but do not review)"
        elif name in BACKGROUND:
            assert status == 403, f"{where} (reviewers and admins never type units' figures)"
        else:
            assert status in (200, 302), where

    if role != "anonymous" and status == 302 and kind in ("unit", "office"):
        # Back to the report, or to the page itself for a page of its own (a unit's profile).
        own_page = "period_code" not in kwargs or kind == "office"
        page = url if own_page else reverse("report", args=[kwargs["period_code"], kwargs["unit_code"]])
        assert response["Location"].startswith(page), f"{where} → {response['Location']} (back to the page)"
    if role == "foreign_officer":
        # The CSRF token is random letters and digits: "420" in it once in a few thousand pages.
        visible = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)
        leaked = [secret for secret in STC_SECRETS if secret in visible]
        assert not leaked, f"{where} reveals {leaked}"
    if kind == "unit" and status == 200 and role != "foreign_officer" and response["Content-Type"].startswith("text/html"):
        assert "Sở Tài chính" in body, f"{where}: the report should be shown"

    report.refresh_from_db()
    after = (report.version, report.status, Transition.objects.count())
    if role == "reviewer" and name in REVIEW_ACTIONS:
        assert after[0] == before[0], f"{where}: the reviewer never changes figures"
    else:
        assert after == before, f"{where} changed the report: {before} → {after}"


@login_required
def _leaky_unit_view(request, period_code, unit_code):
    """What the matrix must catch: a unit URL that forgets report_for."""
    report = Report.objects.get(unit__code=unit_code, period__code=period_code)
    return HttpResponse(f"{report.unit.name}: {report.version}")


@login_required
def _leaky_office_view(request, period_code):
    """… and an office page that forgets require_overview."""
    return HttpResponse(f"Tổng hợp {period_code}")


def _unguarded_view(request, period_code, unit_code):
    return HttpResponse("")


class LeakyUrlconf:
    """The project's URLs plus three views without their permission check (a urlconf object)."""

    urlpatterns = [
        *get_resolver("tthc_portal.urls").url_patterns,
        path("ro-ri/<str:period_code>/<str:unit_code>/", _leaky_unit_view, name="leaky_unit"),
        path("thong-ke/<str:period_code>/", _leaky_office_view, name="leaky_office"),
        path("mo/<str:period_code>/<str:unit_code>/", _unguarded_view, name="unguarded"),
    ]


@pytest.mark.parametrize("name, kwargs, role, complaint", [
    ("leaky_unit", {"period_code": "2023-Q3", "unit_code": "STC"}, "foreign_officer", "another unit's URL"),
    ("leaky_office", {"period_code": "2023-Q3"}, "foreign_officer", "the provincial office's page"),
    ("leaky_office", {"period_code": "2023-Q3"}, "own_officer", "the provincial office's page"),
    ("unguarded", {"period_code": "2023-Q3", "unit_code": "STC"}, "anonymous", "redirect to the login page"),
])
def test_the_matrix_catches_a_view_without_permission_check(client, world, settings, name, kwargs, role, complaint):
    settings.ROOT_URLCONF = LeakyUrlconf
    assert name in {case.values[0] for case in url_cases()}, "a new URL joins the matrix by itself"
    with pytest.raises(AssertionError, match=complaint):
        check_access(client, world, name, kwargs, role, "get")


def test_review_actions_act_for_the_reviewer(client, world):
    """The matrix's POSTs are real: the reviewer's approve and return do change the report."""
    client.force_login(world["reviewer"])
    client.post(reverse("report_return", args=["2023-Q3", "STC"]), {"reason": "Thiếu số liệu"})
    assert Report.objects.get().status == Report.Status.RETURNED


@pytest.mark.parametrize("role, expected", [
    ("anonymous", 302), ("foreign_officer", 302), ("own_officer", 302), ("reviewer", 302), ("admin", 200),
])
def test_admin_index(client, world, role, expected):
    if world[role] is not None:
        client.force_login(world[role])
    response = client.get(reverse("admin:index"))
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(reverse("admin:login"))
    else:
        assert "Quản trị cổng báo cáo kiểm soát TTHC" in text(response, errors="replace")
    assert not any(secret in text(response, errors="replace") for secret in STC_SECRETS)


def test_a_kwarg_without_a_value_fails_the_matrix():
    """The guard itself: a URL with a kwarg missing from the table becomes a failing case."""
    fake = [
        path("x/<str:district>/", lambda request, district: None, name="x"),
        path("y/<str:period_code>/", lambda request, period_code: None),
    ]
    assert [case.values[2] for case in url_cases(fake)] == [
        "add a value for district", "give the URL 'y/<str:period_code>/' a name"]
