"""The working copy (what the officer typed and has not saved as figures: an autosave, a save with
errors) is the officer's alone: the page gives it back, nothing else ever reads it."""
import io
import json
import re

import openpyxl
import pytest
from django.urls import reverse

from reports import compute, services
from reports.consolidation import consolidate
from reports.forms_spec import FORMS
from reports.models import Report
from reports.selectors import status_board
from tests.conftest import GOOD_FORMS, content, form_post, save_report, text

from .test_views import page

pytestmark = pytest.mark.django_db


def autosave(client, period, unit, data):
    return client.post(reverse("report_autosave", args=[period.code, unit.code]), data)


@pytest.fixture
def typed_over(client, officer_stc, stc, period, stc_report, good_forms):
    """STC's draft (good figures) with a working copy on top: 999 files, a suspicious row, a typo."""
    client.force_login(officer_stc)
    good_forms["II.06a"]["rows"][1].update(c4="999", c9="999")
    good_forms["II.06a"]["rows"][0]["c8"] = "29"  # (3) = 43 ≠ (7) + (11) = 42: a warning
    good_forms["II.08"]["rows"][0]["c3"] = "bốn"
    response = autosave(client, period, stc, form_post(good_forms, 1, **{"narrative|I.1": "Bản đang viết"}))
    assert response.status_code == 200 and response.json()["errors"] == 1
    return Report.objects.get(pk=stc_report.pk)


def test_autosave_answers_the_version_and_the_time(typed_over):
    assert typed_over.version == 2 and typed_over.has_errors
    assert typed_over.working_copy["forms"]["II.06a"]["rows"][1]["c4"] == "999"


def test_the_page_gives_the_working_copy_back_with_its_errors(client, typed_over, officer_stc, stc, period):
    body = text(page(client, period, stc))
    assert re.search(r'name="II.06a\|rows\|1\|c4" value="999"', body)
    assert re.search(r'name="II.08\|rows\|0\|c3" value="bốn"', body)
    assert "Bản đang viết" in body
    assert 'id="working-copy"' in body and "còn lỗi" in body
    assert re.search(rf"bản đang nhập</strong>, lưu lúc [\d:/ ]+ \({officer_stc.display_name}\)", body)
    assert 'data-goto-name="II.08|rows|0|c3"' in body  # the error list links to the cell
    assert 'data-unsaved' in body  # the leave-page guard is on


def test_the_reviewer_never_sees_the_working_copy(client, typed_over, reviewer, stc, period):
    client.force_login(reviewer)
    body = text(page(client, period, stc))
    assert "999" not in body and "bốn" not in body and "Bản đang viết" not in body
    assert 'id="working-copy"' not in body


def test_exports_print_the_saved_figures_not_the_working_copy(client, typed_over, stc, period, good_forms):
    document = json.loads(client.get(reverse("report_download", args=[period.code, stc.code, "json"])).content)
    assert document["forms"]["II.06a"]["rows"][1]["c4"] == 377
    assert document["narrative"] == {}
    workbook = openpyxl.load_workbook(io.BytesIO(
        content(client.get(reverse("report_download", args=[period.code, stc.code, "xlsx"])))))
    values = {cell.value for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row}
    assert 377 in values and 999 not in values and "bốn" not in values


def test_the_board_and_the_consolidation_read_the_saved_figures(typed_over, stc, period):
    rows, _ = status_board(period)
    assert rows[0]["report"].warning_count == 0  # the working copy's warning is not counted
    # Even a report counted by the consolidation with a working copy left on it (it cannot be sent
    # with one: see test_services) is consolidated from its saved rows.
    Report.objects.filter(pk=typed_over.pk).update(status=Report.Status.APPROVED)
    assert consolidate(period).totals == {code: compute.form_totals(code, GOOD_FORMS.get(code, {})) for code in FORMS}


def test_saving_valid_figures_makes_them_the_report_and_drops_the_working_copy(client, typed_over, stc, period,
                                                                              good_forms):
    good_forms["II.06a"]["rows"][1].update(c4=999, c9=999)
    good_forms["II.06a"]["rows"][0]["c8"] = 30
    good_forms["II.08"]["rows"][0]["c3"] = 4
    response = client.post(reverse("report", args=[period.code, stc.code]), form_post(good_forms, 2))
    assert response.status_code == 302
    report = Report.objects.get(pk=typed_over.pk)
    assert report.working_copy is None and not report.has_errors and report.revisions.count() == 2
    document = json.loads(client.get(reverse("report_download", args=[period.code, stc.code, "json"])).content)
    assert document["forms"]["II.06a"]["rows"][1]["c4"] == 999


def test_a_stale_autosave_is_refused_and_changes_nothing(client, typed_over, stc, period, good_forms):
    response = autosave(client, period, stc, form_post(good_forms, 1))  # based on version 1; now 2
    assert response.status_code == 409
    assert response.json()["conflict"] and "CHƯA được lưu" in response.json()["message"]
    report = Report.objects.get(pk=typed_over.pk)
    assert report.version == 2 and report.working_copy == typed_over.working_copy


def test_discarding_the_working_copy_shows_the_saved_figures_again(client, typed_over, stc, period):
    response = client.post(reverse("report_discard", args=[period.code, stc.code]), {"version": "2"})
    assert response.status_code == 302
    body = text(page(client, period, stc))
    assert re.search(r'name="II.06a\|rows\|1\|c4" value="377"', body)
    assert 'id="working-copy"' not in body and "data-unsaved" not in body
    assert "Đã bỏ các thay đổi chưa lưu" in body


def test_discarding_the_only_typing_of_a_new_report_gives_back_its_prefilled_forms(client, officer_stc, stc,
                                                                                    period, good_forms):
    client.force_login(officer_stc)
    good_forms["II.06a"]["rows"][0]["c4"] = "55%"
    assert client.post(reverse("report", args=[period.code, stc.code]), form_post(good_forms, 0)).status_code == 422
    response = client.post(reverse("report_discard", args=[period.code, stc.code]), {"version": "1"})
    assert response.status_code == 302
    body = text(page(client, period, stc))
    # The unit's lĩnh vực, as on a report never opened, not empty tables; and nothing "saved".
    assert re.search(r'name="II.06a\|rows\|0\|linh_vuc" value="Quản lý công sản"', body)
    assert re.search(r'name="II.06a\|rows\|0\|c4" value="0"', body)
    assert "Lưu lần cuối" not in body and 'id="working-copy"' not in body


def test_submit_with_errors_keeps_the_typing_and_sends_nothing(client, typed_over, stc, period, good_forms):
    good_forms["II.08"]["rows"][0]["c3"] = "55%"
    response = client.post(reverse("report", args=[period.code, stc.code]), form_post(good_forms, 2, action="submit"))
    assert response.status_code == 422
    report = Report.objects.get(pk=typed_over.pk)
    assert report.status == Report.Status.DRAFT and report.has_errors
    assert report.working_copy["forms"]["II.08"]["rows"][0]["c3"] == "55%"
    assert "chưa gửi được" in text(response)


def test_the_message_after_a_save_counts_only_the_warnings_still_unexplained(client, officer_stc, stc, period,
                                                                            good_forms):
    client.force_login(officer_stc)
    good_forms["II.06a"]["rows"][0]["c8"] = 29  # II.06a.balance on row 1
    good_forms["II.08"]["rows"][0]["c4"] = 5  # II.08.deployed_over_assigned
    response = client.post(reverse("report", args=[period.code, stc.code]), form_post(good_forms, 0), follow=True)
    assert "Còn 2 cảnh báo chưa có giải trình" in text(response)
    explained = form_post(good_forms, 1, **{
        "expl|II.06a.balance|II.06a|rows|1": "Một hồ sơ chuyển sang Sở Xây dựng.",
        "expl|II.08.deployed_over_assigned|II.08|rows|1": "Thêm một DVCTT theo Quyết định 12.",
    })
    response = client.post(reverse("report", args=[period.code, stc.code]), explained, follow=True)
    body = text(response)
    assert "Đã lưu nháp." in body and "cảnh báo chưa có giải trình" not in body


def test_an_import_lists_new_linh_vuc_and_only_proposes_them(client, officer_stc, stc, period, good_forms):
    client.force_login(officer_stc)
    good_forms["II.06a"]["rows"].append({"linh_vuc": "Tin học hóa", "c5": 1, "c12": 1})
    upload = io.BytesIO(json.dumps({"format": "tthc-report/1", "unit": "STC", "period": period.code,
                                    "forms": good_forms}).encode())
    upload.name = "stc.json"
    response = client.post(reverse("report_upload", args=[period.code, stc.code]), {"file": upload}, follow=True)
    body = text(response)
    assert "Đã nhập báo cáo từ tệp JSON." in body
    assert "Tệp có 1 lĩnh vực chưa có trong danh mục lĩnh vực của Sở Tài chính: “Tin học hóa”" in body
    assert "chỉ được gợi ý trên trang báo cáo sau khi Quản trị chấp nhận" in body
    assert stc.linh_vuc.get(name="Tin học hóa").get_state_display() == "Đề xuất"
    assert Report.objects.get().row06a_set.filter(label="Tin học hóa").exists()  # the report keeps the row


def test_a_lĩnh_vực_typed_on_the_page_still_joins_the_catalogue(client, officer_stc, stc, period, good_forms):
    good_forms["II.06a"]["rows"].append({"linh_vuc": "Tin học hóa", "c5": 1, "c12": 1})
    save_report(stc, period, good_forms, actor=officer_stc)
    assert stc.linh_vuc.filter(name="Tin học hóa").exists()


def test_a_blank_draft_downloads_its_blank_forms(client, officer_stc, stc, period):
    client.force_login(officer_stc)
    body = text(page(client, period, stc))
    assert 'data-download="xlsx"' in body  # the buttons exist before the first save
    response = client.get(reverse("report_download", args=[period.code, stc.code, "json"]))
    assert response.status_code == 200
    rows = json.loads(response.content)["forms"]["II.06a"]["rows"]
    assert [row["linh_vuc"] for row in rows] == ["Quản lý công sản", "Quản lý giá", "Đăng ký mã số",
                                                 "Tài chính doanh nghiệp"]
    assert all(row["c4"] == 0 for row in rows)
    for fmt in ("xlsx", "docx"):
        assert client.get(reverse("report_download", args=[period.code, stc.code, fmt])).status_code == 200
    assert not Report.objects.exists()


def test_a_report_never_saved_downloads_its_prefilled_forms_not_empty_tables(client, officer_stc, stc, period,
                                                                             good_forms):
    client.force_login(officer_stc)
    good_forms["II.06a"]["rows"][0]["c4"] = "55%"  # a first save with an error: only a working copy
    assert client.post(reverse("report", args=[period.code, stc.code]), form_post(good_forms, 0)).status_code == 422
    response = client.get(reverse("report_download", args=[period.code, stc.code, "json"]))
    rows = json.loads(response.content)["forms"]["II.06a"]["rows"]
    assert [row["linh_vuc"] for row in rows] == ["Quản lý công sản", "Quản lý giá", "Đăng ký mã số",
                                                 "Tài chính doanh nghiệp"]
    assert all(row["c4"] == 0 for row in rows)  # the working copy is never printed
    assert client.get(reverse("report_download", args=[period.code, stc.code, "xlsx"])).status_code == 200


def test_a_returned_report_says_when_and_what_is_left(client, officer_stc, reviewer, stc, period, stc_report):
    services.report_submit(report=stc_report, actor=officer_stc)
    services.report_return(report=stc_report, actor=reviewer, reason="Sửa dòng Quản lý giá.")
    client.force_login(officer_stc)
    body = text(page(client, period, stc))
    assert "Đã gửi đúng hạn" not in body and "Đã gửi trễ hạn" not in body
    assert re.search(r"Bị trả lại lúc \d\d:\d\d \d\d/\d\d/\d{4}; hạn gửi lại 18/09/2023: đã quá hạn \d+ ngày", body)


def test_the_home_page_says_when_each_report_was_returned_in_a_fixed_number_of_queries(
        client, reviewer, stc, skhdt, period, good_forms):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import make_user

    officer = make_user("hai_don_vi", units=[stc, skhdt])
    client.force_login(officer)

    def returned(unit):
        report = save_report(unit, period, good_forms, actor=officer)
        services.report_submit(report=report, actor=officer)
        services.report_return(report=report, actor=reviewer, reason="Sửa lại.")

    returned(stc)
    with CaptureQueriesContext(connection) as one:
        body = text(client.get(reverse("home")))
    assert body.count("Bị trả lại lúc ") == 1
    returned(skhdt)
    with CaptureQueriesContext(connection) as two:
        body = text(client.get(reverse("home")))
    assert body.count("Bị trả lại lúc ") == 2 and len(two) == len(one)
