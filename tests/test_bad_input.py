"""Random and hostile input to every form of the project, as hypothesis makes it up.

The forms: the report page (save, submit), the JSON and Excel uploads, the reviewer's return and
approve, the login form, and the query strings of the pages with filters. Whatever arrives:
- the answer is never a server error (status < 500);
- a refused save changes nothing (version, figures, narrative, explanations, lĩnh vực catalogue);
- every message shown is Vietnamese, never a Django default in English nor a traceback;
- stored text comes back escaped on every page that shows it.

The inputs that once crashed the application are also kept as cases of their own, at the end.
"""
import html
import io
import json
import re
import zipfile
from urllib.parse import urlencode

import pytest
from django.utils.html import escape
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from reports.forms_spec import FORMS
from reports.interchange import report_document
from reports.models import Report, Transition
from reports.narrative import KEYS as NARRATIVE_KEYS
from reports.rules import clean_text
from reports.services import report_submit
from tests.conftest import GOOD_FORMS, content, form_post, make_unit, save_report, text
from units.models import LinhVuc

BOUNDED = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
REPORT_URL = "/bao-cao/2023-Q3/STC/"
UPLOAD_URL = "/bao-cao/2023-Q3/STC/nhap-json/"

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
RAW_PAYLOADS = ("<script>alert(1)", "<img src=x onerror=alert(1)>")
HUGE = str(10**400)
HOSTILE = [
    "", " ", "\t\n ", "0", "-", "–", "-1", "−5", "- 3", "1.5", "12,5", "55%", "1e400", "NaN", "Infinity", "-0",
    "2.718", "1.000.000", "0x10", "1_000", "+7", "١٢", "１２", "²", "½", HUGE, "9" * 100_000, "x" * 100_000,
    SCRIPT, IMG, "'; DROP TABLE reports_report; --", "1 OR 1=1", "' OR '1'='1", "1; SELECT * FROM units_user",
    "مرحبا بالعالم", "\u202eabc\u202c", "שלום", "👍🏽🇻🇳", "Quản lý công sản", "Cấp tỉnh", "tinh", "A", "B",
    "None", "null", "true", "[]", "{}", "\x00", "a\x00b", "\r\n", "\ufeff1", " 12 ", "10000001",
]
hostile_value = st.one_of(
    st.sampled_from(HOSTILE),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats().map(str),
    st.text(max_size=40),
)
VIETNAMESE_LETTERS = set("ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")
ENGLISH = (
    "This field is required", "Enter a whole number", "Enter a valid", "Ensure this value", "Traceback",
    "Server Error", "Bad Request", "Forbidden", "Not Found", "CSRF verification failed", "invalid literal",
    "NoneType", "KeyError", "ValueError", "TypeError", "RecursionError", "The submitted file", "No file was submitted",
)






SECTION_KEYS = sorted({s.key for form in FORMS.values() for s in form.sections})
CELL_KEYS = sorted({k for form in FORMS.values() for s in form.sections for k in (*s.label_keys, *s.column_keys)})
index_text = st.one_of(
    st.integers(0, 40).map(str),
    st.sampled_from(["-1", "1.5", "", " 1", "0x1", "01", "00", "١", "abc", "9" * 30]),
    st.text(max_size=4),
)
field_name = st.one_of(
    st.builds("{}|{}|{}|{}".format, st.sampled_from([*FORMS, "II.99", "", "ii.06a"]),
              st.sampled_from([*SECTION_KEYS, "x", ""]), index_text,
              st.one_of(st.sampled_from(CELL_KEYS), st.text(max_size=6))),
    st.builds("expl|{}|{}|{}|{}".format, st.sampled_from(["II.06a.balance", "x", ""]),
              st.sampled_from([*FORMS, ""]), st.sampled_from([*SECTION_KEYS, ""]), index_text),
    st.builds("narrative|{}".format, st.one_of(st.sampled_from(NARRATIVE_KEYS), st.text(max_size=5))),
    st.sampled_from(["tab", "csrfmiddlewaretoken", "version", "action", "reason", "|||", "expl||||"]),
    st.text(max_size=20),
)


# ---------------------------------------------------------------------------------------------
# What the user sees, what is stored


def messages_shown(body):
    """The texts of the alerts (Django messages) and of the error summary's items."""
    alerts = re.findall(r'<div class="alert alert-\w+" role="alert">(.*?)</div>', body, re.S)
    summary = re.search(r'id="error-summary".*?<ul[^>]*>(.*?)</ul>', body, re.S)
    items = re.findall(r"<li>(.*?)</li>", summary.group(1), re.S) if summary else []
    return [html.unescape(a) for a in alerts], [html.unescape(re.sub(r"<[^>]+>", "", i)) for i in items]


def assert_vietnamese(body, summary_prefixes=("Biểu ",)):
    english = [phrase for phrase in ENGLISH if phrase in body]
    assert not english, f"English on the page: {english}"
    alerts, items = messages_shown(body)
    for message in alerts + items:
        outside_quotes = re.sub(r'"[^"]*"', "", message)
        assert VIETNAMESE_LETTERS & set(outside_quotes.lower()), f"not a Vietnamese message: {message[:300]!r}"
    for item in items:
        assert item.startswith(summary_prefixes), f"error summary item: {item[:300]!r}"


def assert_escaped(body, where):
    for raw in RAW_PAYLOADS:
        assert raw not in body, f"{where}: {raw!r} printed unescaped"


def snapshot():
    """Everything a save may change, to compare a refused save's before and after."""
    report = Report.objects.select_related("unit", "period").filter(unit__code="STC", period__code="2023-Q3").first()
    catalogue = sorted(LinhVuc.objects.filter(unit__code="STC").values_list("name", flat=True))
    if report is None:
        return {"version": 0, "catalogue": catalogue}
    return {
        "version": report.version,
        "status": report.status,
        "has_errors": report.has_errors,
        "document": report_document(report),
        "revisions": report.revisions.count(),
        "transitions": report.transitions.count(),
        "catalogue": catalogue,
    }


def assert_all_or_nothing(before, after, saved_ok_statuses, response):
    """Saved whole (True), or the figures untouched (False): refused, or kept as the working copy
    ("còn lỗi", answered 422) without a change to the rows, the revisions or the catalogue."""
    if after["version"] == before["version"]:
        assert after == before, "a refused save changed the report"
        return False
    assert after["version"] == before["version"] + 1
    if response.status_code == 422:
        assert after["has_errors"], "a save with errors is kept as the working copy, marked còn lỗi"
        assert {**after, "version": 0, "has_errors": 0} == {**before, "version": 0, "has_errors": 0}, (
            "a save with errors changed the report's figures")
        return False
    assert after["revisions"] == before["revisions"] + 1
    report = Report.objects.get(unit__code="STC", period__code="2023-Q3")
    assert report.revisions.order_by("-version").first().document == report_document(report)
    assert response.status_code in saved_ok_statuses
    return True


def reset_to(status):
    Report.objects.filter(unit__code="STC", period__code="2023-Q3").update(status=status)


def post_form(client, url, pairs):
    """A urlencoded POST, as the browser sends the report page (any name, repeated names)."""
    return client.post(url, urlencode(pairs), content_type="application/x-www-form-urlencoded")


def follow(client, response):
    """The page a redirect leads to (it shows the messages of the refused or accepted action)."""
    return client.get(response["Location"]) if response.status_code == 302 else response


@pytest.fixture
def draft(client, officer_stc, stc_report):
    """STC's draft for 2023-Q3 (good figures), the STC officer logged in."""
    client.force_login(officer_stc)
    return stc_report


def test_snapshot_sees_what_the_service_saved(stc, period, officer_stc, good_forms):
    """The snapshot sees what the service saved (a guard for the helpers of this file)."""
    save_report(stc, period, good_forms, actor=officer_stc)
    assert snapshot()["version"] == 1 and snapshot()["document"]["forms"]["II.06a"]["rows"][1]["c3"] == 377


# ---------------------------------------------------------------------------------------------
# The report page: save and submit


@BOUNDED
@given(
    edits=st.lists(st.tuples(st.sampled_from(sorted(form_post(GOOD_FORMS, 0))), hostile_value), max_size=6),
    drops=st.lists(st.sampled_from(sorted(form_post(GOOD_FORMS, 0))), max_size=6),
    extras=st.lists(st.tuples(field_name, hostile_value), max_size=5),
    wrong_version=st.sampled_from([False, False, False, True]),
    version=hostile_value,
    action=st.sampled_from(["save", "submit", "", "approve", SCRIPT]),
)
def test_report_save_never_fails_nor_saves_half(client, draft, edits, drops, extras, wrong_version, version, action):
    reset_to(Report.Status.DRAFT)
    before = snapshot()
    data = form_post(GOOD_FORMS, before["version"], action=action)
    if wrong_version:
        data["version"] = version
    for name, value in edits:
        data[name] = value
    for name in drops:
        data.pop(name, None)
    pairs = [*data.items(), *extras]
    response = post_form(client, REPORT_URL, pairs)

    assert response.status_code < 500
    saved = assert_all_or_nothing(before, snapshot(), (302,), response)
    event(f"status {response.status_code}")
    if not saved:
        assert response.status_code in (409, 422), response.status_code
    assert_vietnamese(text(follow(client, response), errors="replace"))


@BOUNDED
@given(value=st.sampled_from(HOSTILE), cell=st.sampled_from(sorted(
    name for name in form_post(GOOD_FORMS, 0) if re.search(r"\|c\d+$", name))))
def test_a_bad_count_is_refused_with_a_vietnamese_message(client, draft, value, cell):
    """Every hostile value in a count cell: either a count (saved) or an error next to the cell."""
    before = snapshot()
    data = form_post(GOOD_FORMS, before["version"])
    data[cell] = value
    response = post_form(client, REPORT_URL, list(data.items()))
    assert response.status_code in (302, 422)
    saved = assert_all_or_nothing(before, snapshot(), (302,), response)
    event("saved" if saved else "refused")
    body = text(follow(client, response), errors="replace")
    assert_vietnamese(body)
    if not saved:
        _, items = messages_shown(body)
        assert items and all(item.startswith("Biểu ") for item in items)
    assert_escaped(body, "the report page")


def test_missing_and_unknown_fields_are_refused_in_vietnamese(client, draft):
    before = snapshot()
    data = {
        "version": str(before["version"]),
        "II.06a|rows|0|c4": "",  # a row without its lĩnh vực
        "II.06a|rows|abc|c4": "5",  # not a row index: ignored
        "II.06a|rows|1|c99": "5",  # no such column
        "II.08|rows|0|nhom": "C",
        "II.08|rows|0|cap": "vu_tru",
        "II.99|rows|0|c4": "5",
        "narrative|I.99": "x",
        "expl|a|b|c|d": SCRIPT,
    }
    response = post_form(client, REPORT_URL, list(data.items()))
    assert response.status_code == 422
    assert_all_or_nothing(before, snapshot(), (), response)
    body = text(response, errors="replace")
    assert_vietnamese(body)
    _, items = messages_shown(body)
    assert any("chưa ghi tên lĩnh vực" in item for item in items)
    assert any('không có cột "c99"' in item for item in items)
    assert_escaped(body, "the report page")


@pytest.mark.parametrize("version", ["0", "2", "-1", "abc", "", HUGE, "9" * 5000, "1.0"])
def test_wrong_version_is_refused_and_keeps_both_sides(client, draft, version):
    before = snapshot()
    forms = json.loads(json.dumps(GOOD_FORMS))
    forms["II.06a"]["rows"][0]["c5"] = 40
    forms["II.06a"]["rows"][0]["c12"] = 0
    response = post_form(client, REPORT_URL, list({**form_post(forms, 0), "version": version}.items()))
    assert response.status_code == 409
    assert snapshot() == before
    body = text(response, errors="replace")
    assert "CHƯA được lưu" in body and 'name="II.06a|rows|0|c5" value="40"' in body
    assert_vietnamese(body)


def test_a_submitted_report_refuses_any_post(client, draft, officer_stc):
    report_submit(report=draft, actor=officer_stc)
    before = snapshot()
    data = {**form_post(GOOD_FORMS, before["version"]), "II.06a|rows|0|c4": "9", "narrative|I.1": SCRIPT}
    response = post_form(client, REPORT_URL, list(data.items()))
    assert response.status_code == 302
    assert snapshot() == before
    assert "Bạn không sửa được báo cáo này" in text(follow(client, response), errors="replace")


# ---------------------------------------------------------------------------------------------
# The JSON upload


def json_value(max_leaves=12):
    return st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**400), max_value=10**400),
                  st.floats(), st.sampled_from(HOSTILE), st.text(max_size=20)),
        lambda children: st.one_of(st.lists(children, max_size=4),
                                   st.dictionaries(st.one_of(st.sampled_from([*CELL_KEYS, *SECTION_KEYS, *FORMS,
                                                                              *NARRATIVE_KEYS]),
                                                             st.text(max_size=8)), children, max_size=4)),
        max_leaves=max_leaves,
    )


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*prefix, i))


def _replace(node, path, value):
    if not path:
        return value
    node[path[0]] = _replace(node[path[0]], path[1:], value)
    return node


def good_document():
    return {"format": "tthc-report/1", "unit": "STC", "period": "2023-Q3",
            "forms": json.loads(json.dumps(GOOD_FORMS)), "narrative": {"I.1": "Không có dự thảo."},
            "explanations": []}




@st.composite
def mutated_documents(draw):
    """A good document with a few of its parts (anything, from a cell to the whole) replaced."""
    document = good_document()
    for _ in range(draw(st.integers(0, 4))):
        paths = list(_paths(document)) if isinstance(document, (dict, list)) else [()]
        path = draw(st.sampled_from(paths))
        document = _replace(document, path, draw(json_value()))
    return document


def upload(client, content, name="bao_cao.json"):
    file = io.BytesIO(content)
    file.name = name
    return client.post(UPLOAD_URL, {"file": file})


def assert_upload_all_or_nothing(client, before, response):
    if response.status_code == 413:  # larger than any report (a text of 100 000 characters): refused unread
        assert snapshot() == before
        body = text(response)
        assert_vietnamese(body)
        assert "Tệp quá lớn" in body
        return body
    assert response.status_code == 302, response.status_code
    after = snapshot()
    body = text(follow(client, response), errors="replace")
    assert_vietnamese(body)
    if after["version"] == before["version"]:
        assert after == before, "a refused upload changed the report"
        assert "Đã nhập báo cáo" not in body
    else:
        assert_all_or_nothing(before, after, (302,), response)
        assert "Đã nhập báo cáo" in body
    return body


@BOUNDED
@given(document=st.one_of(mutated_documents(), json_value(20)))
def test_json_upload_never_fails_nor_saves_half(client, draft, document):
    reset_to(Report.Status.DRAFT)
    before = snapshot()
    response = upload(client, json.dumps(document, ensure_ascii=False).encode())
    assert_upload_all_or_nothing(client, before, response)
    event("saved" if snapshot()["version"] != before["version"] else "refused")


@BOUNDED
@given(content=st.one_of(st.binary(max_size=300), st.text(max_size=100).map(str.encode),
                         st.sampled_from([b"", b"\xef\xbb\xbf{}", b"\xff\xfe{\x00}\x00", b"null", b"[]", b"NaN",
                                          b'{"unit": "STC"', b"PK\x03\x04garbage", b"\x00" * 50])),
       name=st.sampled_from(["bao_cao.json", "a.xlsx", "../../etc/passwd", f"{SCRIPT}.json", "x" * 300, "tệp.JSON"]))
def test_upload_of_random_bytes_is_refused_in_vietnamese(client, draft, content, name):
    before = snapshot()
    response = upload(client, content, name)
    body = assert_upload_all_or_nothing(client, before, response)
    assert snapshot() == before
    assert_escaped(body, "the report page after an upload")


@pytest.mark.parametrize("doc_unit, doc_period", [("SKHDT", "2023-Q3"), ("STC", "2023-Q2"), ("STC", "2031-Q3"),
                                          (None, "2023-Q3"), ("stc", "2023-q3"), (SCRIPT, IMG), (5, ["2023-Q3"])])
def test_upload_for_another_unit_or_period_is_refused(client, draft, skhdt, previous_period, doc_unit, doc_period):
    before = snapshot()
    document = {**good_document(), "unit": doc_unit, "period": doc_period}
    response = upload(client, json.dumps(document).encode())
    body = assert_upload_all_or_nothing(client, before, response)
    assert snapshot() == before
    assert "không nhập" in body
    assert_escaped(body, "the report page after an upload")
    assert not Report.objects.filter(unit__code="SKHDT").exists()


def test_upload_without_a_file_is_refused_in_vietnamese(client, draft):
    before = snapshot()
    response = client.post(UPLOAD_URL, {"file": "not a file", "other": SCRIPT})
    body = assert_upload_all_or_nothing(client, before, response)
    alerts, _ = messages_shown(body)
    assert any(alert.startswith("Chọn một tệp") for alert in alerts), alerts


# ---------------------------------------------------------------------------------------------
# The Excel upload (the report's own workbook, filled offline)


@pytest.fixture
def workbook(client, draft):
    response = client.get("/bao-cao/2023-Q3/STC/tai-ve.xlsx")
    assert response.status_code == 200
    return content(response)


excel_value = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**20), 10**20), st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([h for h in HOSTILE if "\x00" not in h and "\r" not in h and len(h) < 30_000]),
    st.sampled_from(["=1/0", "=A1", "=SUM(C1:C9)", '=HYPERLINK("http://x","y")', "tthc:row:rows:1",
                     "tthc:row:rows:x", "tthc:section:rows", "tthc:total:rows", "tthc:", "#REF!"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=30),
)


label_json = st.one_of(
    st.sampled_from(['{}', '{"linh_vuc": [1]}', '{"linh_vuc": 5}', '{"cap": "vu_tru"}', '{"nhom": "C", "cap": "tinh"}',
                     f'{{"ten": "{SCRIPT}"}}', "không phải JSON", "{", "", 5, None]),
    st.dictionaries(st.sampled_from(CELL_KEYS), st.one_of(st.none(), st.integers(), st.text(max_size=10)),
                    max_size=3).map(json.dumps),
)




def _saved_workbook(book):
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@settings(BOUNDED, max_examples=15)
@given(edits=st.lists(st.tuples(st.integers(0, 5), st.integers(1, 40), st.integers(1, 16), excel_value),
                      min_size=1, max_size=8),
       label_edits=st.lists(st.tuples(st.integers(7, 20), label_json), max_size=2),
       drop_sheet=st.one_of(st.none(), st.integers(0, 5)))
def test_excel_upload_never_fails_nor_saves_half(client, workbook, edits, label_edits, drop_sheet):
    book = load_workbook(io.BytesIO(workbook))
    sheets = book.worksheets
    for sheet_index, row, column, value in edits:
        sheet = sheets[sheet_index % len(sheets)]
        try:
            sheet.cell(row, column).value = value
        except (AttributeError, ValueError):  # a merged cell, or a value openpyxl will not write
            continue
    for row, value in label_edits:  # the hidden sheet's labels of the report's rows
        book["_tthc"].cell(row, 5).value = value
    if drop_sheet is not None and len(book.worksheets) > 1:
        book.remove(book.worksheets[drop_sheet % len(book.worksheets)])
    content = _saved_workbook(book)
    reset_to(Report.Status.DRAFT)
    before = snapshot()
    response = upload(client, content, "bao_cao.xlsx")
    body = assert_upload_all_or_nothing(client, before, response)
    event("saved" if snapshot()["version"] != before["version"] else "refused")
    assert_escaped(body, "the report page after an Excel upload")


@BOUNDED
@given(members=st.dictionaries(st.sampled_from(["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml",
                                                "_rels/.rels", "a.txt", "xl/sharedStrings.xml"]),
                               st.binary(max_size=200), max_size=4))
def test_a_zip_that_is_not_a_workbook_is_refused(client, draft, members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    before = snapshot()
    response = upload(client, buffer.getvalue(), "bao_cao.xlsx")
    assert_upload_all_or_nothing(client, before, response)
    assert snapshot() == before


# ---------------------------------------------------------------------------------------------
# The reviewer's return and approve


@pytest.fixture
def submitted(client, reviewer, draft, officer_stc):
    report_submit(report=draft, actor=officer_stc)
    client.force_login(reviewer)
    return draft


reason_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.builds(lambda a, payload, b: a + payload + b, st.text(max_size=10), st.sampled_from([SCRIPT, IMG]),
              st.text(max_size=10)),
    st.text(max_size=60),
)


@BOUNDED
@given(reason=reason_text, act=st.sampled_from(["tra-lai", "duyet"]),
       extras=st.lists(st.tuples(field_name, hostile_value), max_size=3))
def test_return_and_approve_take_any_reason(client, submitted, reason, act, extras):
    reset_to(Report.Status.SUBMITTED)
    before = snapshot()
    transitions = Transition.objects.count()
    pairs = [("reason", reason), *extras]
    reason = [value for name, value in pairs if name == "reason"][-1]  # a repeated name: the last one counts
    response = post_form(client, f"{REPORT_URL}{act}/", pairs)
    assert response.status_code == 302
    after = snapshot()
    assert after["version"] == before["version"] and after["document"] == before["document"]
    report = Report.objects.get()
    if act == "duyet":
        assert report.status == Report.Status.APPROVED
    elif clean_text(reason):  # control characters alone are no reason
        assert report.status == Report.Status.RETURNED
        assert Transition.objects.latest("pk").reason == clean_text(reason)
    else:
        assert report.status == Report.Status.SUBMITTED and Transition.objects.count() == transitions
    body = text(follow(client, response), errors="replace")
    assert_vietnamese(body)
    assert_escaped(body, "the report page after a review action")


# ---------------------------------------------------------------------------------------------
# The login form, and the query strings of the pages with filters


@BOUNDED
@given(username=hostile_value, password=hostile_value,
       next_url=st.sampled_from(["", "/", "//evil.example/", "javascript:alert(1)", f"/?x={SCRIPT}", IMG]))
def test_login_form_takes_anything(client, officer_stc, username, password, next_url):
    response = post_form(client, "/dang-nhap/", [("username", username), ("password", password), ("next", next_url)])
    assert response.status_code in (200, 302, 403, 429)
    if response.status_code == 302:
        location = response["Location"]
        assert location.startswith("/") and not location.startswith("//"), location
        client.logout()
    body = text(response, errors="replace")
    assert_vietnamese(body)
    assert_escaped(body, "the login page")


def test_login_form_still_logs_in(client, officer_stc):
    response = client.post("/dang-nhap/", {"username": "stc", "password": "matkhau123", "next": "//evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"


@BOUNDED
@given(params=st.dictionaries(st.sampled_from(["tab", "trang_thai", "loai", "include_submitted", "bieu", "xem", "next"]),
                              hostile_value, max_size=4),
       page=st.sampled_from(["/theo-doi/2023-Q3/", "/tong-hop/2023-Q3/", "/tong-hop-nam/2023/", REPORT_URL,
                             "/dang-nhap/"]))
def test_query_strings_take_anything(client, reviewer, stc_report, params, page):
    client.force_login(reviewer)
    response = client.get(f"{page}?{urlencode(params)}")
    assert response.status_code in (200, 302)
    body = text(response, errors="replace")
    assert_vietnamese(body)
    assert_escaped(body, page)


# ---------------------------------------------------------------------------------------------
# Stored text is escaped wherever it is shown


def test_stored_text_is_escaped_everywhere(client, stc, period, officer_stc, reviewer, good_forms):
    make_unit("XSS", f"Sở {SCRIPT}{IMG}")
    both = f"{SCRIPT} và {IMG}"
    forms = good_forms
    forms["II.06a"]["rows"][0]["linh_vuc"] = SCRIPT
    forms["II.06a"]["rows"][0]["c8"] = 29  # (3)=43 ≠ (7)+(11)=42: a warning to explain
    forms["II.06a"]["rows"][1]["linh_vuc"] = IMG
    for section in ("rows", "bon_tai_cho"):
        forms["II.07b"][section][0]["linh_vuc"] = SCRIPT
    forms["II.08"]["rows"][0]["linh_vuc"] = IMG
    client.force_login(officer_stc)
    data = form_post(forms, 0, action="submit", **{"narrative|I.1": both, "narrative|IV": both,
                                                    "expl|II.06a.balance|II.06a|rows|1": both})
    response = post_form(client, REPORT_URL, list(data.items()))
    assert response.status_code == 302
    report = Report.objects.get(unit=stc)
    assert report.status == Report.Status.SUBMITTED, text(follow(client, response), errors="replace")[:3000]
    assert report.narrative["I.1"] == both and report.explanations[0]["text"] == both
    assert SCRIPT in LinhVuc.objects.filter(unit=stc).values_list("name", flat=True)

    def page(url, *marks):
        response = client.get(url)
        assert response.status_code == 200, url
        body = text(response, errors="replace")
        assert_escaped(body, url)
        for mark in marks:
            assert escape(mark) in body, f"{url}: {mark!r} not shown (escaped)"
        return body

    def consolidation(query, *marks):
        """The consolidation shows one biểu and one view at a time: every one of them."""
        bodies = [page(f"/tong-hop/2023-Q3/?{query}&bieu={code}{view}")
                  for code in FORMS for view in ("", "&xem=linh-vuc")]
        for mark in marks:
            assert any(escape(mark) in body for body in bodies), f"consolidation: {mark!r} not shown (escaped)"

    escaped_script = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert escaped_script in page(REPORT_URL, SCRIPT, IMG)
    page("/")
    page(f"{REPORT_URL}?tab={SCRIPT}")

    def downloads(report_url, consolidation_url):
        """The downloads carry the text as data, never as a page a browser would run."""
        for url in (f"{report_url}.json", f"{consolidation_url}.json"):
            response = client.get(url)
            assert response["Content-Type"].startswith("application/json")
            assert response["Content-Disposition"].startswith("attachment")
            assert response["X-Content-Type-Options"] == "nosniff"
            assert SCRIPT in json.dumps(json.loads(response.content), ensure_ascii=False), url
        document = json.loads(client.get(f"{report_url}.json").content)
        assert document["narrative"]["I.1"] == both and document["explanations"][0]["text"] == both
        assert document["forms"]["II.06a"]["rows"][0]["linh_vuc"] == SCRIPT
        for url in (f"{report_url}.docx", f"{consolidation_url}.docx"):
            with zipfile.ZipFile(io.BytesIO(content(client.get(url)))) as archive:
                xml = archive.read("word/document.xml").decode()
            assert escaped_script in xml and "<script>" not in xml, url

    client.force_login(reviewer)
    page(REPORT_URL, SCRIPT, IMG)
    page("/theo-doi/2023-Q3/", SCRIPT)  # the unit named with a script, on the status board
    page(f"/theo-doi/2023-Q3/?trang_thai={SCRIPT}&loai={IMG}")
    consolidation("include_submitted=1", SCRIPT, IMG)
    assert client.post(f"{REPORT_URL}duyet/").status_code == 302
    assert Report.objects.get(unit=stc).status == Report.Status.APPROVED
    consolidation("", SCRIPT, IMG)
    page("/tong-hop-nam/2023/")
    downloads(f"{REPORT_URL}tai-ve", "/tong-hop/2023-Q3/tai-ve")
    assert client.post(f"{REPORT_URL}tra-lai/", {"reason": both}).status_code == 302
    page(REPORT_URL, SCRIPT, IMG, both)  # the reason of the return
    client.force_login(officer_stc)
    page("/")
    page(REPORT_URL, SCRIPT, IMG, both)


# ---------------------------------------------------------------------------------------------
# Inputs that once crashed the application (500), each kept as a case of its own


@pytest.mark.parametrize("index", ["²", "9" * 5000])
def test_row_index_that_is_a_digit_but_not_a_number(client, draft, index):
    before = snapshot()
    data = {**form_post(GOOD_FORMS, before["version"]), f"II.06a|rows|{index}|c4": "1"}
    response = post_form(client, REPORT_URL, list(data.items()))
    assert response.status_code < 500
    assert snapshot() == before or response.status_code == 302


def test_explanation_row_that_is_a_digit_but_not_a_number(client, draft):
    data = {**form_post(GOOD_FORMS, snapshot()["version"]), "expl|II.06a.balance|II.06a|rows|²": "x"}
    assert post_form(client, REPORT_URL, list(data.items())).status_code < 500


@pytest.mark.parametrize("content", [b"[" * 100_000 + b"]" * 100_000, b'{"unit": ' + b"1" * 5000 + b"}"],
                         ids=["deep-nesting", "5000-digit-integer"])
def test_json_upload_that_python_cannot_parse(client, draft, content):
    before = snapshot()
    response = upload(client, content)
    assert response.status_code == 302
    assert snapshot() == before


@pytest.mark.parametrize("value", [5, True, 1.5])
def test_json_upload_with_a_number_for_a_section(client, draft, value):
    document = good_document()
    document["forms"]["II.07b"]["bon_tai_cho"] = value
    before = snapshot()
    response = upload(client, json.dumps(document).encode())
    assert response.status_code == 302
    assert snapshot() == before


def test_an_oversized_post_is_refused_in_vietnamese(client, draft):
    data = {**form_post(GOOD_FORMS, snapshot()["version"]),
            **{f"narrative|{key}": "x" * 800_000 for key in NARRATIVE_KEYS}}  # 12 MB, over the 10 MB limit
    response = post_form(client, REPORT_URL, list(data.items()))
    assert response.status_code == 400
    assert_vietnamese(text(response, errors="replace"))


def _workbook_with(workbook, change):
    book = load_workbook(io.BytesIO(workbook))
    change(book)
    return _saved_workbook(book)


def _retag(book):
    sheet = book["II.06a"]
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == "tthc:row:rows:1":
                cell.value = "tthc:row:rows:²"
                return
    raise AssertionError("no row tag found in the exported workbook")


def test_excel_row_tag_that_is_a_digit_but_not_a_number(client, workbook):
    before = snapshot()
    response = upload(client, _workbook_with(workbook, _retag), "bao_cao.xlsx")
    assert_upload_all_or_nothing(client, before, response)


@pytest.mark.parametrize("labels", ["5", "[1]", '"x"', "null", "[" * 3000 + "]" * 3000],
                         ids=["number", "list", "string", "null", "deep-nesting"])
def test_excel_hidden_label_that_is_not_an_object(client, workbook, labels):
    def change(book):
        sheet = book["_tthc"]
        rows = [row for row in sheet.iter_rows() if row[0].value == "II.06a"]
        rows[0][4].value = labels

    before = snapshot()
    response = upload(client, _workbook_with(workbook, change), "bao_cao.xlsx")
    assert_upload_all_or_nothing(client, before, response)


@pytest.mark.django_db
def test_a_username_longer_than_any_account_is_refused_plainly(client):
    """django-axes records failed logins; a name too long for its table was a 500 on PostgreSQL."""
    response = client.post("/dang-nhap/", {"username": "1" * 5000, "password": "x"})
    assert response.status_code == 200
    assert "Hãy nhập tên đăng nhập và mật khẩu" in text(response, errors="replace")
