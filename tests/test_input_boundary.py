"""Issue 11: what text the portal stores, how large a file it reads, and who a lockout locks.

Each case here failed before: a 500 on a download after a lĩnh vực with U+FFFE was saved, a 500 on
a JSON upload holding a lone surrogate, uploads read whatever their size, a deeply nested JSON
called "not JSON", a lockout of everybody behind the province's proxy."""
import io
import json
import zipfile

import pytest
from openpyxl import load_workbook

from reports import services
from reports.models import ROW_MODELS, Report
from reports.narrative import KEYS as NARRATIVE_KEYS
from tests.conftest import GOOD_FORMS, content, form_post, make_user, text
from tests.test_bad_input import (
    REPORT_URL,
    follow,
    good_document,
    messages_shown,
    post_form,
    snapshot,
    upload,
)
from tthc_portal.text import clean
from units.models import Unit


@pytest.fixture
def draft(client, officer_stc, stc_report):
    """STC's draft for 2023-Q3 (good figures), the STC officer logged in."""
    client.force_login(officer_stc)
    return stc_report


REFUSED = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\ud800", "\udfff", "\ufdd0", "\ufffe", "\uffff", "\U0001fffe",
           "\U0010ffff"]


# ---------------------------------------------------------------------------------------------
# 2. Text that every writer can print


@pytest.mark.parametrize("bad", REFUSED)
def test_stored_text_has_no_character_that_xml_or_unicode_refuses(bad):
    assert clean(f"Tư{bad}pháp") == "Tưpháp"


def test_stored_text_keeps_what_people_write():
    written = "Quản lý giá\tdòng 1\ndòng 2 👍🏽🇻🇳 «Trích» ½ \u200b\ufeff"
    assert clean(written) == written
    assert clean("a\r\nb\rc") == "a\nb\nc"


def _row_labels(report):
    return list(ROW_MODELS[("II.06a", "rows")].objects.filter(report=report).values_list("label", flat=True))


def _download_ok(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return content(response)


def test_a_label_and_a_narrative_with_non_characters_are_stored_printable(client, draft, reviewer):
    """Typed on the page: U+FFFE in a lĩnh vực, U+FFFF and a control character in the narrative.
    The report's and then the province's Excel and Word answer, and show the text without them."""
    forms = json.loads(json.dumps(GOOD_FORMS))
    forms["II.06a"]["rows"][0]["linh_vuc"] = "Quản lý giá\ufffe"
    data = {**form_post(forms, snapshot()["version"]), f"narrative|{NARRATIVE_KEYS[0]}": "Đã rà soát\uffff 12\x07 thủ tục."}
    response = post_form(client, REPORT_URL, list(data.items()))
    assert response.status_code == 302, text(response)[:500]
    report = Report.objects.get(unit__code="STC")
    assert report.narrative[NARRATIVE_KEYS[0]] == "Đã rà soát 12 thủ tục."
    assert _row_labels(report) == ["Quản lý giá", "Đăng ký mã số"]

    book = load_workbook(io.BytesIO(_download_ok(client, "/bao-cao/2023-Q3/STC/tai-ve.xlsx")))
    assert any(cell.value == "Quản lý giá" for row in book["II.06a"].iter_rows() for cell in row)
    assert b"%PDF" not in _download_ok(client, "/bao-cao/2023-Q3/STC/tai-ve.docx")[:4]
    services.report_submit(report=report, actor=report.updated_by)
    services.report_approve(report=Report.objects.get(pk=report.pk), actor=reviewer)
    client.force_login(reviewer)
    for fmt in ("xlsx", "docx"):
        _download_ok(client, f"/tong-hop/2023-Q3/tai-ve.{fmt}")


def test_a_lone_surrogate_in_a_json_upload_is_dropped_not_a_500(client, draft):
    document = good_document()
    document["forms"]["II.06a"]["rows"][0]["linh_vuc"] = "X\ud800X"
    body = json.dumps(document, ensure_ascii=True)
    assert "X\\ud800X" in body
    response = upload(client, body.encode())
    assert response.status_code == 302
    alerts, _ = messages_shown(text(follow(client, response)))
    assert any("Đã nhập" in alert for alert in alerts), alerts
    assert _row_labels(Report.objects.get(unit__code="STC")) == ["XX", "Đăng ký mã số"]


def test_any_form_of_the_portal_stores_clean_text(client, draft, officer_stc):
    """The boundary is the request: the unit's profile (another form, another service) too."""
    response = client.get("/don-vi/STC/ho-so/")
    assert response.status_code == 200
    response = client.post("/don-vi/STC/ho-so/", {"ky_hieu": "STC\ufffe", "signer_name": "Nguyễn\x1b Văn A\uffff"})
    assert response.status_code in (200, 302)
    unit = Unit.objects.get(code="STC")
    assert (unit.ky_hieu, unit.signer_name) == ("STC", "Nguyễn Văn A")


# ---------------------------------------------------------------------------------------------
# 3. and 4. Bounded uploads: the request, the unzipped workbook, rows and characters


def _refused_as_too_large(response, *phrases):
    assert response.status_code == 413, response.status_code
    page = text(response)
    assert "Tệp quá lớn" in page and "Chưa có gì thay đổi" in page
    for phrase in phrases:
        assert phrase in page, page[page.find("alert"):][:800]
    return page


def test_an_upload_larger_than_the_limit_is_refused_unread(client, draft, settings):
    settings.UPLOAD_MAX_BYTES = 100_000
    before = snapshot()
    response = upload(client, b" " * 400_000 + json.dumps(good_document()).encode())
    _refused_as_too_large(response, "quá giới hạn 0,1 MB")
    assert snapshot() == before


def test_an_upload_a_little_over_the_limit_is_refused_by_the_view(client, draft, settings):
    """Within the room the request may take for the other fields, the file itself is measured."""
    settings.UPLOAD_MAX_BYTES = 10_000
    response = upload(client, b" " * 20_000 + json.dumps(good_document()).encode())
    _refused_as_too_large(response, "quá giới hạn 0,0 MB")


def test_a_section_with_more_rows_than_the_limit_is_refused(client, draft, settings):
    settings.IMPORT_MAX_ROWS = 50
    document = good_document()
    row = document["forms"]["II.06a"]["rows"][0]
    document["forms"]["II.06a"]["rows"] = [{**row, "linh_vuc": f"Lĩnh vực {n}"} for n in range(51)]
    before = snapshot()
    _refused_as_too_large(upload(client, json.dumps(document).encode()), "51 dòng", "giới hạn 50 dòng")
    assert snapshot() == before


def test_a_20_000_row_flood_never_reaches_the_report_or_the_catalogue(client, draft):
    document = good_document()
    row = document["forms"]["II.06a"]["rows"][0]
    document["forms"]["II.06a"]["rows"] = [{**row, "linh_vuc": f"Lĩnh vực {n}"} for n in range(20_000)]
    before = snapshot()
    _refused_as_too_large(upload(client, json.dumps(document).encode()), "20.000 dòng", "giới hạn 1.000 dòng")
    assert snapshot() == before


def test_a_text_longer_than_the_limit_is_refused(client, draft, settings):
    settings.IMPORT_MAX_TEXT_CHARS = 500
    document = good_document()
    document["narrative"] = {NARRATIVE_KEYS[0]: "Dài " * 200}
    _refused_as_too_large(upload(client, json.dumps(document).encode()), "800 ký tự", "giới hạn 500 ký tự")


@pytest.fixture
def workbook(client, draft):
    return content(client.get("/bao-cao/2023-Q3/STC/tai-ve.xlsx"))


def _rezipped(workbook, extra=(), change=None):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, change(item.filename, data) if change else data)
        for name, data in extra:
            target.writestr(name, data)
    return out.getvalue()


def test_a_workbook_that_unzips_larger_than_the_limit_is_refused_before_it_is_opened(client, workbook):
    bomb = _rezipped(workbook, [("xl/media/image1.bin", b"\0" * (40 * 2 ** 20))])
    assert len(bomb) < 2 ** 20
    _refused_as_too_large(upload(client, bomb, "bao_cao.xlsx"), "khi giải nén lớn 40,", "quá giới hạn 30,0 MB")


def test_a_workbook_of_too_many_parts_is_refused(client, workbook):
    many = _rezipped(workbook, [(f"customXml/item{n}.xml", b"<a/>") for n in range(300)])
    _refused_as_too_large(upload(client, many, "bao_cao.xlsx"), "phần, quá giới hạn 200 phần")


def test_a_sheet_reaching_row_a_million_is_refused_before_it_is_read(client, workbook):
    def far(name, data):
        if name != "xl/worksheets/sheet2.xml":
            return data
        return data.replace(b"</sheetData>", b'<row r="1000000"><c r="A1000000" t="n"><v>1</v></c></row></sheetData>')

    _refused_as_too_large(upload(client, _rezipped(workbook, change=far), "bao_cao.xlsx"), "dòng 1.000.000")


def test_a_workbook_section_with_more_rows_than_the_limit_stops_being_read(client, workbook, settings):
    settings.IMPORT_MAX_ROWS = 1  # the report has two rows in II.06a
    _refused_as_too_large(upload(client, workbook, "bao_cao.xlsx"), "hơn 1 dòng, quá giới hạn")


# ---------------------------------------------------------------------------------------------
# 8. What is wrong with a JSON file, said plainly


@pytest.mark.parametrize("body, says", [
    (b"[" * 100_000 + b"]" * 100_000, "lồng nhau quá sâu"),
    (b"[" * 25 + b"]" * 25, "lồng nhau quá sâu"),
    (b'{"unit": ' + b"1" * 4400 + b"}", "con số dài hàng nghìn chữ số"),
    (b'{"unit": "STC",\n "period": }', "không phải JSON hợp lệ: sai cú pháp ở dòng 2, cột 12"),
    (b"\xff\xfe{}", "không phải JSON (văn bản UTF-8)"),
])
def test_a_json_file_that_cannot_be_read_says_why(client, draft, body, says):
    before = snapshot()
    response = upload(client, body)
    assert response.status_code == 302
    alerts, _ = messages_shown(text(follow(client, response)))
    assert any(says in alert for alert in alerts), alerts
    assert snapshot() == before


def test_the_import_command_says_the_same(tmp_path, draft):
    from django.core.management import call_command

    path = tmp_path / "deep.json"
    path.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(SystemExit) as exit_status:
        call_command("import_report", str(path), stderr=(err := io.StringIO()))
    assert exit_status.value.code == 2
    assert "lồng nhau quá sâu" in err.getvalue()


# ---------------------------------------------------------------------------------------------
# 6. A lockout locks one person at one address, and behind the proxy the address is the client's


LOGIN = "/dang-nhap/"


def _login(client, password, **meta):
    return client.post(LOGIN, {"username": "snv", "password": password}, **meta)


def _logged_in(response):
    return response.status_code == 302 and LOGIN not in response["Location"]


@pytest.fixture
def snv(db):
    return make_user("snv")


def test_five_failures_behind_the_proxy_lock_the_attacker_s_address_only(client, snv, settings):
    settings.BEHIND_PROXY = True
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(5):
        _login(client, "sai-mat-khau", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    locked = _login(client, "matkhau123", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    assert not _logged_in(locked) and "tạm khóa" in text(locked).lower()
    assert _logged_in(_login(client, "matkhau123", HTTP_X_FORWARDED_FOR="198.51.100.20", **proxy)), \
        "snv at another address behind the same proxy logs in"


def test_behind_the_proxy_only_the_address_it_appended_counts(client, snv, settings):
    """A client that sends its own X-Forwarded-For: the proxy appends the real address after it."""
    settings.BEHIND_PROXY = True
    for n in range(5):
        _login(client, "sai", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.5", REMOTE_ADDR="10.0.0.1")
    assert not _logged_in(_login(client, "matkhau123", HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.5",
                                 REMOTE_ADDR="10.0.0.1"))


def test_without_a_proxy_a_made_up_forwarded_header_does_not_escape_the_lockout(client, snv, settings):
    settings.BEHIND_PROXY = False
    for n in range(5):
        _login(client, "sai", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}", REMOTE_ADDR="198.51.100.7")
    assert not _logged_in(_login(client, "matkhau123", HTTP_X_FORWARDED_FOR="192.0.2.200", REMOTE_ADDR="198.51.100.7"))
    assert _logged_in(_login(client, "matkhau123", REMOTE_ADDR="198.51.100.8"))
