"""The officer's pages, as a user sees them: statuses, numbers in cells, messages, 404s."""
import io
import json
import re

import pytest
from django.urls import reverse

from reports import urls as report_urls
from reports.interchange import report_document
from reports.models import Report
from reports.services import report_submit
from tests.conftest import form_post, save_report, text

# Every URL that names a (period, unit): the permission matrix covers them all, including
# the ones added later (exports), without anybody remembering to list them here.
FORMATS = ("json", "xlsx", "docx", "pdf")
REPORT_URLS = [
    (p.name, ["2023-Q3", "STC", fmt] if "<str:fmt>" in str(p.pattern) else ["2023-Q3", "STC"])
    for p in report_urls.urlpatterns if "unit_code" in str(p.pattern) and "period_code" in str(p.pattern)
    for fmt in (FORMATS if "<str:fmt>" in str(p.pattern) else [None])
]
REPORT_URL_IDS = ["-".join(filter(None, [name, args[-1] if len(args) == 3 else None])) for name, args in REPORT_URLS]


def page(client, period, unit):
    return client.get(reverse("report", args=[period.code, unit.code]))


def post_page(client, period, unit, data):
    return client.post(reverse("report", args=[period.code, unit.code]), data)


def test_login_required(client, stc, period):
    response = page(client, period, stc)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_vietnamese(client, db):
    response = client.get(reverse("login"))
    assert "Đăng nhập" in text(response) and "Mật khẩu" in text(response)


def test_home_lists_open_period_with_deadline(client, officer_stc, period):
    client.force_login(officer_stc)
    body = text(client.get(reverse("home")))
    assert "Quý III năm 2023" in body
    assert "18/09/2023" in body
    assert "Chưa nhập" in body
    assert "Sở Tài chính" in body


def test_new_report_is_prefilled_from_catalogue(client, officer_stc, period):
    client.force_login(officer_stc)
    body = text(page(client, period, officer_stc.units.get()))
    for name in ("Quản lý công sản", "Quản lý giá", "Đăng ký mã số", "Tài chính doanh nghiệp"):
        assert f'value="{name}"' in body
    assert "(3)=(4)+(5)+(6)" in body and "TỔNG CỘNG" in body
    assert not Report.objects.exists(), "opening the page must not create a report"


def test_save_shows_computed_totals(client, officer_stc, stc, period, good_forms):
    client.force_login(officer_stc)
    response = post_page(client, period, stc, form_post(good_forms, 0))
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.version == 1 and report.status == Report.Status.DRAFT
    body = text(page(client, period, stc))
    # II.06a TỔNG CỘNG (3) = 41 + 2 + 377 = 420, shown in the total row.
    total = re.search(r'data-form="II.06a".*?total-row(.*?)</tr>', body, re.S).group(1)
    assert re.search(r'data-total="c3"[^>]*>\s*<span data-value>420<', total)


def test_errors_shown_next_to_cells_and_nothing_lost(client, officer_stc, stc, period, good_forms):
    client.force_login(officer_stc)
    good_forms["II.06a"]["rows"][0]["c4"] = "55%"
    good_forms["II.08"]["rows"][0]["c9"] = "2"
    response = post_page(client, period, stc, form_post(good_forms, 0))
    assert response.status_code == 422
    body = text(response)
    assert "cột (4) là số hồ sơ tiếp nhận trực tuyến trong kỳ (số nguyên ≥ 0), không nhập tỷ lệ %" in body
    assert "chỉ nhập 1 (có tích hợp) hoặc 0 (không tích hợp), không nhập 2" in body
    # What was typed is still in the cells.
    assert re.search(r'name="II.06a\|rows\|0\|c4" value="55%"', body)
    assert re.search(r'name="II.06a\|rows\|1\|c4" value="377"', body)
    # Kept as the working copy, "còn lỗi"; the report has no figures yet.
    report = Report.objects.get()
    assert report.has_errors and report.working_copy["forms"]["II.06a"]["rows"][0]["c4"] == "55%"
    assert not report.revisions.exists() and not report.row06a_set.exists()


def test_a_count_of_thirty_digits_is_refused_in_words_not_with_a_server_error(client, officer_stc, stc, period,
                                                                               good_forms):
    client.force_login(officer_stc)
    typed = "1" + "0" * 29
    good_forms["II.07b"]["bon_tai_cho"][0]["c3"] = typed  # (4) is its rate over II.07b (3)
    response = post_page(client, period, stc, form_post(good_forms, 0))
    assert response.status_code == 422
    body = text(response)
    assert "vượt quá giới hạn 10.000.000" in body and f'value="{typed}"' in body


def test_a_refused_submit_names_the_whole_place_of_a_lĩnh_vực_with_a_colon(client, officer_stc, stc, period,
                                                                             good_forms):
    client.force_login(officer_stc)
    good_forms["II.06a"]["rows"][0].update(linh_vuc="Đất đai: cấp giấy chứng nhận", c8=29)  # (3)=43 ≠ 42
    post_page(client, period, stc, form_post(good_forms, 0))
    response = post_page(client, period, stc, form_post(good_forms, 1, action="submit"))
    body = text(client.get(response["Location"]))
    assert ("còn 1 cảnh báo chưa có giải trình (Biểu II.06a, dòng &quot;Đất đai: cấp giấy chứng nhận&quot;, "
            "cột (3))") in body


def test_warning_needs_explanation_before_submit(client, officer_stc, stc, period, good_forms):
    client.force_login(officer_stc)
    good_forms["II.06a"]["rows"][0]["c8"] = 29  # (3)=43 ≠ (7)+(11)=42
    post_page(client, period, stc, form_post(good_forms, 0))
    body = text(page(client, period, stc))
    assert "tổng số hồ sơ tiếp nhận (3) = 43 khác số đã giải quyết (7) = 41" in body
    response = post_page(client, period, stc, form_post(good_forms, 1, action="submit"))
    assert response.status_code == 302
    assert Report.objects.get().status == Report.Status.DRAFT
    body = text(client.get(response["Location"]))
    assert "còn 1 cảnh báo chưa có giải trình (Biểu II.06a, dòng &quot;Quản lý công sản&quot;, cột (3))" in body
    assert body.count("data-unexplained>Chưa có giải trình</span>") == 1  # the box to fill is marked
    name = "expl|II.06a.balance|II.06a|rows|1"
    response = post_page(client, period, stc, form_post(good_forms, 2, action="submit",
                                                         **{name: "Một hồ sơ chuyển cơ quan khác"}))
    report = Report.objects.get()
    assert report.status == Report.Status.SUBMITTED
    assert report.explanations[0]["text"] == "Một hồ sơ chuyển cơ quan khác"
    assert "Đã gửi báo cáo" in text(client.get(response["Location"]))


def test_stale_save_is_refused_and_typed_data_kept(client, officer_stc, stc, period, good_forms):
    client.force_login(officer_stc)
    post_page(client, period, stc, form_post(good_forms, 0))  # version 1
    other = {**good_forms, "II.06a": {"rows": [dict(good_forms["II.06a"]["rows"][0], c5=40, c12=0)]}}
    post_page(client, period, stc, form_post(other, 1))  # someone else: version 2
    mine = json.loads(json.dumps(good_forms))
    mine["II.06a"]["rows"][0]["c5"] = 99
    response = post_page(client, period, stc, form_post(mine, 1))  # based on version 1: stale
    assert response.status_code == 409
    body = text(response)
    assert "CHƯA được lưu" in body
    assert re.search(r'name="II.06a\|rows\|0\|c5" value="99"', body)
    report = Report.objects.get()
    assert report.version == 2
    assert report_document(report)["forms"]["II.06a"]["rows"][0]["c5"] == 40


def test_submitted_report_is_read_only(client, officer_stc, stc, period, good_forms):
    report = save_report(stc, period, good_forms, actor=officer_stc)
    report_submit(report=report, actor=officer_stc)
    client.force_login(officer_stc)
    body = text(page(client, period, stc))
    assert "Báo cáo chỉ để xem" in body and 'name="II.06a|rows|0|c4"' not in body
    response = post_page(client, period, stc, form_post(good_forms, 2))
    assert Report.objects.get().version == 1
    assert "Bạn không sửa được báo cáo này" in text(client.get(response["Location"]))


def test_closed_period_is_read_only(client, officer_stc, stc, closed_period, good_forms):
    Report.objects.create(unit=stc, period=closed_period, version=1)
    client.force_login(officer_stc)
    body = text(page(client, closed_period, stc))
    assert "kỳ báo cáo đã đóng" in body
    post_page(client, closed_period, stc, form_post(good_forms, 1))
    assert Report.objects.get().version == 1


def test_upload_json_fills_report(client, officer_stc, stc, period, good_forms):
    client.force_login(officer_stc)
    document = {"format": "tthc-report/1", "unit": "STC", "period": "2023-Q3", "forms": good_forms,
                "narrative": {"I.1": "Không có dự thảo."}}
    upload = io.BytesIO(json.dumps(document, ensure_ascii=False).encode())
    upload.name = "stc.json"
    response = client.post(reverse("report_upload", args=["2023-Q3", "STC"]), {"file": upload})
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.narrative == {"I.1": "Không có dự thảo."}
    assert report_document(report)["forms"]["II.06a"]["rows"][1]["c3"] == 377


def test_upload_with_error_changes_nothing(client, officer_stc, stc, period, good_forms, stc_report):
    client.force_login(officer_stc)
    good_forms["II.06a"]["rows"][0]["c4"] = "12.5"
    document = {"format": "tthc-report/1", "unit": "STC", "period": "2023-Q3", "forms": good_forms}
    upload = io.BytesIO(json.dumps(document).encode())
    upload.name = "stc.json"
    response = client.post(reverse("report_upload", args=["2023-Q3", "STC"]), {"file": upload})
    body = text(client.get(response["Location"]))
    assert "không nhập số thập phân" in body and "chưa nhập gì" in body
    assert Report.objects.get().version == stc_report.version


def test_export_json_download(client, officer_stc, stc_report):
    client.force_login(officer_stc)
    response = client.get(reverse("report_download", args=["2023-Q3", "STC", "json"]))
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content)["forms"]["II.06a"]["rows"][0]["c3"] == 43


@pytest.mark.parametrize("name, args", REPORT_URLS, ids=REPORT_URL_IDS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_officer_cannot_reach_another_units_report(client, officer_skhdt, stc_report, name, args, method):
    client.force_login(officer_skhdt)
    url = reverse(name, args=args)
    response = getattr(client, method)(url, {"version": "1", "II.06a|rows|0|c4": "9"})
    assert response.status_code in (403, 404)
    assert "Sở Tài chính" not in text(response) and "Quản lý công sản" not in text(response)
    stc_report.refresh_from_db()
    assert stc_report.version == 1


@pytest.mark.parametrize("name, args", REPORT_URLS, ids=REPORT_URL_IDS)
def test_anonymous_is_sent_to_login(client, stc_report, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_reviewer_sees_but_cannot_type(client, reviewer, stc, period, stc_report, good_forms):
    client.force_login(reviewer)
    body = text(page(client, period, stc))
    assert "Quản lý công sản" in body and 'name="II.06a|rows|0|c4"' not in body
    post_page(client, period, stc, form_post(good_forms, 1))
    stc_report.refresh_from_db()
    assert stc_report.version == 1


def test_unknown_report_is_404(client, officer_stc, period):
    client.force_login(officer_stc)
    assert client.get(reverse("report", args=["2023-Q3", "NOPE"])).status_code == 404
    assert client.get(reverse("report", args=["2031-Q3", "STC"])).status_code == 404


def test_read_only_report_shows_totals_and_rates(client, reviewer, stc, period, stc_report):
    client.force_login(reviewer)
    body = text(page(client, period, stc))
    total = re.search(r'data-form="II.06a".*?total-row(.*?)</tr>', body, re.S).group(1)
    assert re.search(r'data-total="c3"[^>]*>\s*<span data-value>420<', total)
    # online = 377/(377+41) = 90,19%; on time = (30+12+0+377)/(42+377) = 100,00%
    assert "<strong data-rate-online>90,19%</strong>" in body
    assert "<strong data-rate-ontime>100,00%</strong>" in body


def test_names_print_in_vietnamese_order(officer_stc):
    officer_stc.first_name, officer_stc.last_name = "Lan", "Phạm Thị"
    assert officer_stc.display_name == "Phạm Thị Lan"


@pytest.mark.parametrize("change, count", [
    # Values that are not counts: read first, each reported.
    (lambda f: (f["II.06a"]["rows"][0].update(c4="55%", c9="12,5"), f["II.08"]["rows"][0].update(c9=2)), 3),
    # Figures that read well but cannot be right: the rules over whole numbers.
    (lambda f: (f["II.07b"]["bon_tai_cho"][0].update(c3=9),
                f["II.07b"]["bon_tai_cho"].append({"linh_vuc": "Quản lý giá", "c3": 1})), 2),
])
def test_web_form_and_import_judge_the_same_data_the_same_way(client, officer_stc, stc, period, good_forms,
                                                                tmp_path, change, count):
    """One validate(): the errors listed on the page are the import's errors, word for word."""
    import html
    from io import StringIO

    from django.core.management import call_command

    change(good_forms)
    path = tmp_path / "stc.json"
    path.write_text(json.dumps({"format": "tthc-report/1", "unit": "STC", "period": "2023-Q3", "forms": good_forms}))
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("import_report", str(path), "--dry-run", "--format", "json", stdout=out)
    imported = [issue["message"] for issue in json.loads(out.getvalue())["errors"]]

    client.force_login(officer_stc)
    body = text(post_page(client, period, stc, form_post(good_forms, 0)))
    summary = re.search(r'id="error-summary".*?<ul[^>]*>(.*?)</ul>', body, re.S).group(1)
    on_page = [html.unescape(re.sub(r"<[^>]+>", "", item)) for item in re.findall(r"<li>(.*?)</li>", summary, re.S)]

    assert len(imported) == count
    assert on_page == imported


def test_the_report_page_asks_the_same_few_queries_however_many_rows_and_saves(
        client, officer_stc, stc, previous_period, period, good_forms):
    """The page reads its figures from the latest save in one query and the previous period's
    pending files in a fixed few: forty lĩnh vực and twelve saves later it asks no more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    save_report(stc, previous_period, good_forms, actor=officer_stc)
    save_report(stc, period, good_forms, actor=officer_stc)
    client.force_login(officer_stc)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            body = text(page(client, period, stc))
        return len(captured), body

    few, _ = queries()
    good_forms["II.06a"]["rows"] += [{"linh_vuc": f"Lĩnh vực thêm {n}", "c5": n, "c9": n} for n in range(40)]
    for _ in range(12):
        save_report(stc, period, good_forms, actor=officer_stc)
    many, body = queries()
    assert 'value="Lĩnh vực thêm 39"' in body and "và 3 lần lưu trước đó." in body
    assert many == few <= 8
