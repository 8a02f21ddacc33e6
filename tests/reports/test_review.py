"""The provincial office's side: status board, return/approve, what changed (issue 3)."""
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from reports import services
from reports.diff import diff_documents
from reports.interchange import report_document
from reports.models import Report, ReportingPeriod, Revision, Transition
from tests.conftest import make_unit, save_report, text
from units.models import Unit

S = Report.Status


@pytest.fixture
def submitted(stc_report, officer_stc):
    return services.report_submit(report=stc_report, actor=officer_stc)


def board(client, period, **params):
    return text(client.get(reverse("board", args=[period.code]), params))


# ---------------------------------------------------------------------------------------------
# Status board


def test_reviewer_home_is_the_board_of_the_open_period(client, reviewer, period):
    client.force_login(reviewer)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("board", args=[period.code])


def test_board_lists_every_active_unit_with_status_and_counts(client, reviewer, stc, skhdt, period, submitted):
    make_unit("SCU", "Sở Cũ").__class__.objects.filter(code="SCU").update(is_active=False)
    client.force_login(reviewer)
    body = board(client, period)
    assert 'data-unit="STC"' in body and 'data-unit="SKHDT"' in body and 'data-unit="SCU"' not in body
    assert re.search(r'data-count="submitted">Đã gửi: <strong>1<', body)
    assert re.search(r'data-count="missing">Chưa nhập: <strong>1<', body)
    stc_row = re.search(r'data-unit="STC">(.*?)</tr>', body, re.S).group(1)
    assert "Đã gửi" in stc_row and "0 (0)" in stc_row


def test_board_filters_by_status_and_kind(client, reviewer, stc, skhdt, period, submitted):
    make_unit("NHATRANG", "UBND thành phố Nha Trang", kind=Unit.Kind.HUYEN)
    client.force_login(reviewer)
    body = board(client, period, trang_thai="missing")
    assert 'data-unit="SKHDT"' in body and 'data-unit="STC"' not in body and 'data-unit="NHATRANG"' in body
    body = board(client, period, loai="huyen")
    assert 'data-unit="NHATRANG"' in body and 'data-unit="SKHDT"' not in body


def test_board_marks_late_and_missing_past_deadline(client, reviewer, stc, skhdt, officer_stc, good_forms):
    past = ReportingPeriod.objects.create(code="2023-Q1", year=2023, kind="Q1", start=date(2022, 12, 15),
                                          end=date(2023, 3, 14), deadline=date(2023, 3, 16), is_open=True)
    report = save_report(stc, past, good_forms, actor=officer_stc)
    services.report_submit(report=report, actor=officer_stc)  # today, long after the deadline
    client.force_login(reviewer)
    body = board(client, past)
    assert "Gửi trễ hạn" in re.search(r'data-unit="STC">(.*?)</tr>', body, re.S).group(1)
    assert "Quá hạn, chưa gửi" in re.search(r'data-unit="SKHDT">(.*?)</tr>', body, re.S).group(1)


def test_board_shows_warnings_and_explanations(client, reviewer, stc, period, officer_stc, good_forms):
    good_forms["II.06a"]["rows"][0]["c13"] = 1  # balance warning
    explanation = {"code": "II.06a.balance", "form": "II.06a", "row": 1, "text": "Chuyển cơ quan khác."}
    save_report(stc, period, good_forms, actor=officer_stc, explanations=[explanation])
    client.force_login(reviewer)
    assert "1 (1)" in re.search(r'data-unit="STC">(.*?)</tr>', board(client, period), re.S).group(1)


@pytest.mark.parametrize("name, args", [("board", ["2023-Q3"])])
def test_officer_cannot_see_the_board(client, officer_stc, period, name, args):
    client.force_login(officer_stc)
    assert client.get(reverse(name, args=args)).status_code == 403


# ---------------------------------------------------------------------------------------------
# Review actions


def post_action(client, name, data=None):
    return client.post(reverse(name, args=["2023-Q3", "STC"]), data or {})


def test_return_with_reason_then_officer_sees_it(client, reviewer, officer_stc, submitted):
    client.force_login(reviewer)
    response = post_action(client, "report_return", {"reason": "Cột (10) chưa khớp với sổ theo dõi."})
    assert "Đã trả lại báo cáo" in text(client.get(response["Location"]))
    submitted.refresh_from_db()
    assert submitted.status == S.RETURNED
    last = submitted.transitions.last()
    assert (last.from_status, last.to_status, last.actor, last.reason) == (
        S.SUBMITTED, S.RETURNED, reviewer, "Cột (10) chưa khớp với sổ theo dõi.")
    client.force_login(officer_stc)
    body = text(client.get(reverse("report", args=["2023-Q3", "STC"])))
    assert 'id="returned-reason"' in body and "Cột (10) chưa khớp với sổ theo dõi." in body
    assert 'name="II.06a|rows|0|c4"' in body  # editable again


def test_the_page_says_when_the_officer_last_saved_not_when_the_reviewer_returned(client, reviewer, officer_stc,
                                                                                   submitted):
    saved_at = datetime(2023, 10, 9, 8, 15, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    Revision.objects.filter(report=submitted).update(at=saved_at)
    services.report_return(report=submitted, actor=reviewer, reason="Cột (10) chưa khớp.")
    client.force_login(officer_stc)
    body = text(client.get(reverse("report", args=["2023-Q3", "STC"])))
    assert f"Lưu lần cuối 08:15 09/10/2023 bởi {officer_stc.display_name}" in body


def test_return_without_reason_is_refused_and_nothing_changes(client, reviewer, submitted):
    client.force_login(reviewer)
    response = post_action(client, "report_return", {"reason": "  "})
    assert "Phải ghi lý do trả lại báo cáo." in text(client.get(response["Location"]))
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED and submitted.transitions.count() == 1


def test_approving_a_draft_is_refused_and_the_page_says_why(client, reviewer, stc_report):
    client.force_login(reviewer)
    response = post_action(client, "report_approve")
    body = text(client.get(response["Location"]))
    assert "đang ở trạng thái “Nháp”, không thể chuyển sang “Đã duyệt”" in body
    stc_report.refresh_from_db()
    assert stc_report.status == S.DRAFT and not stc_report.transitions.exists()
    assert 'id="review-actions"' not in body  # no button for what the status does not allow


def test_approve_then_read_only_then_reopen_with_reason(client, reviewer, officer_stc, submitted):
    client.force_login(reviewer)
    post_action(client, "report_approve")
    submitted.refresh_from_db()
    assert submitted.status == S.APPROVED
    client.force_login(officer_stc)
    body = text(client.get(reverse("report", args=["2023-Q3", "STC"])))
    assert "đã được duyệt" in body and 'name="II.06a|rows|0|c4"' not in body
    client.force_login(reviewer)
    post_action(client, "report_approve")  # approving twice
    assert submitted.transitions.count() == 2
    post_action(client, "report_return", {"reason": "Mở lại để bổ sung số liệu quý."})
    submitted.refresh_from_db()
    assert submitted.status == S.RETURNED


@pytest.mark.parametrize("name", ["report_return", "report_approve"])
def test_officer_cannot_review_own_report(client, officer_stc, submitted, name):
    client.force_login(officer_stc)
    assert post_action(client, name, {"reason": "tự duyệt"}).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


def test_admin_sees_but_does_not_review(client, admin_user, submitted):
    client.force_login(admin_user)
    assert 'id="review-actions"' not in text(client.get(reverse("report", args=["2023-Q3", "STC"])))
    assert post_action(client, "report_approve").status_code == 403


def test_history_is_shown_on_the_report(client, reviewer, submitted):
    services.report_return(report=submitted, actor=reviewer, reason="Thiếu giải trình.")
    client.force_login(reviewer)
    body = text(client.get(reverse("report", args=["2023-Q3", "STC"])))
    history = re.search(r"Lịch sử báo cáo(.*?)</table>", body, re.S).group(1)
    assert "Nháp" in history and "Đã gửi" in history and "Trả lại" in history and "Thiếu giải trình." in history


# ---------------------------------------------------------------------------------------------
# What changed


def test_every_save_is_kept_with_who_and_when(stc, period, officer_stc, good_forms, stc_report):
    good_forms["II.06a"]["rows"][0]["c5"] = 40
    good_forms["II.06a"]["rows"][0]["c9"] = 11
    save_report(stc, period, good_forms, actor=officer_stc, narrative={"I.1": "Không có dự thảo."})
    first, second = Revision.objects.filter(report=stc_report).order_by("version")
    assert (first.version, second.version, second.actor) == (1, 2, officer_stc)
    changes = diff_documents(first.document, second.document)
    cells = {(c.form, c.label, c.column): (c.old, c.new) for c in changes if c.form}
    assert cells[("II.06a", "Quản lý công sản", "c5")] == (41, 40)
    assert cells[("II.06a", "Quản lý công sản", "c3")] == (43, 42)
    assert [c.identity for c in changes if c.form is None] == [("I.1",)]


def test_diff_matches_rows_by_linh_vuc_not_position(good_forms):
    old = {"forms": good_forms}
    new_forms = {**good_forms, "II.06a": {"rows": [
        {"linh_vuc": "Quản lý giá", "c4": 1}, *good_forms["II.06a"]["rows"]]}}
    changes = diff_documents(old, {"forms": new_forms})
    assert [(c.form, c.label, c.column, c.old) for c in changes] == [("II.06a", "Quản lý giá", None, None)]


def test_resubmitted_report_highlights_changed_cells(client, reviewer, officer_stc, stc, period, good_forms, submitted):
    services.report_return(report=submitted, actor=reviewer, reason="Kiểm tra lại cột (5).")
    good_forms["II.06a"]["rows"][0].update(c5=40, c9=11)
    report = save_report(stc, period, good_forms, actor=officer_stc)
    services.report_submit(report=report, actor=officer_stc)
    client.force_login(reviewer)
    body = text(client.get(reverse("report", args=["2023-Q3", "STC"])))
    assert "thay đổi so với lần gửi lúc" in body
    assert "Biểu II.06a, dòng “Quản lý công sản”, cột (5): <del>41</del> → <strong>40</strong>" in body
    cell = re.search(r'<td class="text-end[^"]*changed"[^>]*title="Lần gửi trước: 41"[^>]*>40<', body)
    assert cell, "the changed cell is highlighted with its previous value"
    assert body.count("data-changed") == 4  # (5), (3), (9), (7) of Quản lý công sản


def test_first_submission_shows_no_changes(client, reviewer, submitted):
    client.force_login(reviewer)
    assert 'id="changes"' not in text(client.get(reverse("report", args=["2023-Q3", "STC"])))


def test_snapshot_of_each_submission_is_kept(submitted):
    transition = Transition.objects.get(report=submitted, to_status=S.SUBMITTED)
    assert transition.snapshot == report_document(submitted)


def test_report_page_lists_every_save_with_who_and_when(client, reviewer, stc, period, officer_stc, good_forms,
                                                        stc_report):
    save_report(stc, period, good_forms, actor=officer_stc)
    client.force_login(reviewer)
    body = text(client.get(reverse("report", args=["2023-Q3", "STC"])))
    saves = re.search(r'id="revisions">(.*?)</table>', body, re.S).group(1)
    assert saves.count(officer_stc.display_name) == 2 and "<td>2</td>" in saves and "<td>1</td>" in saves


def test_a_save_whose_officer_was_deleted_is_listed_as_the_system(client, reviewer, stc, period, good_forms,
                                                                  stc_report):
    from tests.conftest import make_user

    leaver = make_user("nghiviec", units=[stc])
    leaver.first_name, leaver.last_name = "Lan", "Trần Thị"
    leaver.save()
    save_report(stc, period, good_forms, actor=leaver)
    client.force_login(reviewer)
    saves = re.search(r'id="revisions">(.*?)</table>', text(client.get(reverse("report", args=["2023-Q3", "STC"]))),
                      re.S).group(1)
    assert "<td>Trần Thị Lan</td>" in saves

    leaver.delete()
    saves = re.search(r'id="revisions">(.*?)</table>', text(client.get(reverse("report", args=["2023-Q3", "STC"]))),
                      re.S).group(1)
    assert "Trần Thị Lan" not in saves and re.search(r"<tr><td>2</td><td>[^<]+</td><td>Hệ thống</td></tr>", saves)


def test_report_page_lists_the_latest_ten_saves_and_counts_the_others(client, reviewer, stc, period, officer_stc,
                                                                        good_forms, stc_report):
    for _ in range(11):
        save_report(stc, period, good_forms, actor=officer_stc)
    client.force_login(reviewer)
    body = text(client.get(reverse("report", args=["2023-Q3", "STC"])))
    saves = re.search(r'id="revisions">(.*?)</table>', body, re.S).group(1)
    assert saves.count("<tr><td>") == 10 and "<td>12</td>" in saves and "<td>2</td>" not in saves
    assert "và 2 lần lưu trước đó." in body


def test_board_lists_departments_before_districts(client, reviewer, stc, period):
    make_unit("CAMLAM", "UBND huyện Cam Lâm", kind=Unit.Kind.HUYEN)
    client.force_login(reviewer)
    body = board(client, period)
    assert body.index('data-unit="STC"') < body.index('data-unit="CAMLAM"')
