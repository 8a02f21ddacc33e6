"""Saving figures and moving a report through its workflow (services.py)."""
import copy

import pytest

from reports import selectors, services
from reports.models import Report, Transition
from reports.workflow import WorkflowError
from tests.conftest import GOOD_FORMS, save_report
from units.models import LinhVuc

S = Report.Status

BALANCE_EXPLANATION = {
    "code": "II.06a.balance", "form": "II.06a", "row": 1,
    "text": "Một hồ sơ được chuyển sang cơ quan khác giải quyết.",
}


def figures(report):
    return selectors.report_forms(Report.objects.get(pk=report.pk))


def unbalanced(forms):
    """Quản lý công sản: 43 received, 42 resolved, 2 pending — an II.06a.balance warning."""
    forms["II.06a"]["rows"][0]["c13"] = 1
    return forms


# ---------------------------------------------------------------------------------------------
# Saving


@pytest.mark.django_db
def test_save_creates_the_report_with_version_1_and_its_rows(stc, period, officer_stc, good_forms):
    report, judgement = services.report_save(
        unit=stc, period=period, raw_forms=good_forms, narrative={"I.1": " Không phát sinh. ", "I.2": ""},
        explanations=[], actor=officer_stc, expected_version=0,
    )
    report.refresh_from_db()
    assert (report.version, report.status, report.updated_by) == (1, S.DRAFT, officer_stc)
    assert judgement.errors == [] and judgement.warnings == []
    assert report.narrative == {"I.1": "Không phát sinh."}
    data = figures(report)
    assert [(r["linh_vuc"], r["c5"], r["c9"]) for r in data["II.06a"]["rows"]] == [
        ("Quản lý công sản", 41, 12), ("Đăng ký mã số", 0, 377)]
    assert [r["cap"] for r in data["II.03b"]["dia_phuong"]] == ["tinh", "huyen", "xa"]
    assert data["II.03b"]["dia_phuong"][1]["c11"] == 4
    assert data["II.08"]["rows"] == [{"nhom": "B", "cap": "tinh", "linh_vuc": "Quản lý công sản", "c3": 4, "c4": 4,
                                      "c5": 40, "c6": 0, "c7": 0, "c8": 0, "c9": 1}]


@pytest.mark.django_db
def test_saving_again_bumps_the_version_and_replaces_the_figures(stc_report, stc, period, officer_stc, good_forms):
    good_forms["II.06a"]["rows"].pop()
    report = save_report(stc, period, good_forms, actor=officer_stc, version=1)
    assert Report.objects.get(pk=report.pk).version == 2
    assert [r["linh_vuc"] for r in figures(report)["II.06a"]["rows"]] == ["Quản lý công sản"]


@pytest.mark.django_db
def test_stale_save_is_refused_and_changes_nothing(stc_report, stc, period, officer_stc, good_forms):
    good_forms["II.06a"]["rows"][1].update(c4=400, c9=400)
    save_report(stc, period, good_forms, actor=officer_stc, version=1)  # someone else saved: version 2

    good_forms["II.06a"]["rows"][1].update(c4=999, c9=999)
    with pytest.raises(services.StaleReport) as raised:
        save_report(stc, period, good_forms, actor=officer_stc, version=1)

    assert "Dữ liệu của bạn CHƯA được lưu" in str(raised.value)
    assert "stc" in str(raised.value)  # who saved in between
    assert Report.objects.get(pk=stc_report.pk).version == 2
    assert figures(stc_report)["II.06a"]["rows"][1]["c4"] == 400


@pytest.mark.django_db
def test_a_save_with_errors_keeps_what_was_typed_as_the_working_copy(stc, period, officer_stc, good_forms):
    good_forms["II.08"]["rows"][0]["c3"] = "55%"
    good_forms["II.06a"]["rows"].append({"linh_vuc": "Tin học hóa", "c5": 1, "c12": 1})
    report, judgement = services.report_save(
        unit=stc, period=period, raw_forms=good_forms, narrative={"I.1": "Đã rà soát"},
        explanations=[], actor=officer_stc, expected_version=0)
    assert [e.code for e in judgement.errors] == ["value.not_integer"]
    report.refresh_from_db()
    assert report.has_errors and report.version == 1 and report.status == Report.Status.DRAFT
    assert report.working_copy["forms"]["II.08"]["rows"][0]["c3"] == "55%"
    assert report.working_copy["narrative"] == {"I.1": "Đã rà soát"}
    # The report's own figures are untouched: no rows, no revision, no new lĩnh vực.
    assert figures(report)["II.06a"]["rows"] == [] and not report.revisions.exists()
    assert report.narrative == {}
    assert not LinhVuc.objects.filter(name="Tin học hóa").exists()


@pytest.mark.django_db
def test_a_save_with_errors_keeps_the_saved_figures(stc_report, stc, period, officer_stc, good_forms):
    good_forms["II.06a"]["rows"][0]["c5"] = "12,5"
    report, judgement = services.report_save(
        unit=stc, period=period, raw_forms=good_forms, narrative={}, explanations=[], actor=officer_stc,
        expected_version=1)
    assert not judgement.ok
    report.refresh_from_db()
    assert report.version == 2 and report.has_errors and report.revisions.count() == 1
    assert figures(stc_report)["II.06a"]["rows"][0]["c5"] == 41
    # Corrected and saved: the figures change, the working copy goes.
    good_forms["II.06a"]["rows"][0]["c5"] = "42"
    good_forms["II.06a"]["rows"][0]["c9"] = 13
    save_report(stc, period, good_forms, actor=officer_stc, version=2)
    report.refresh_from_db()
    assert report.working_copy is None and not report.has_errors and report.revisions.count() == 2
    assert figures(report)["II.06a"]["rows"][0]["c5"] == 42


@pytest.mark.django_db
def test_autosave_keeps_the_working_copy_only(stc_report, stc, period, officer_stc, good_forms):
    good_forms["II.06a"]["rows"][0]["c5"] = "50"
    report, judgement = services.report_autosave(
        unit=stc, period=period, raw_forms=good_forms, narrative={}, explanations=[], actor=officer_stc,
        expected_version=1)
    assert judgement.ok
    report.refresh_from_db()
    assert report.version == 2 and report.working_copy["forms"]["II.06a"]["rows"][0]["c5"] == "50"
    assert not report.has_errors and report.working_saved_at is not None
    assert figures(report)["II.06a"]["rows"][0]["c5"] == 41 and report.revisions.count() == 1
    # Same version check as a save: an autosave based on version 1 is now stale.
    with pytest.raises(services.StaleReport):
        services.report_autosave(unit=stc, period=period, raw_forms=good_forms, narrative={}, explanations=[],
                                 actor=officer_stc, expected_version=1)
    # A working copy must become the figures (Lưu nháp) before the report can be sent.
    with pytest.raises(WorkflowError, match="còn thay đổi chưa lưu"):
        services.report_submit(report=report, actor=officer_stc)
    services.report_discard_working_copy(report=report, actor=officer_stc, expected_version=2)
    report.refresh_from_db()
    assert report.working_copy is None and report.version == 3


@pytest.mark.django_db
def test_a_new_linh_vuc_joins_the_units_catalogue(stc, skhdt, period, officer_stc, good_forms):
    good_forms["II.06a"]["rows"].append({"linh_vuc": "Tin học hóa", "c5": 1, "c12": 1})
    save_report(stc, period, good_forms, actor=officer_stc)
    names = list(LinhVuc.objects.filter(unit=stc).values_list("name", flat=True))
    assert names == ["Quản lý công sản", "Quản lý giá", "Đăng ký mã số", "Tài chính doanh nghiệp", "Tin học hóa"]
    assert not LinhVuc.objects.filter(unit=skhdt, name="Tin học hóa").exists()


@pytest.mark.django_db
def test_closed_period_is_not_editable(stc, closed_period, officer_stc, good_forms):
    with pytest.raises(services.NotEditable) as raised:
        save_report(stc, closed_period, good_forms, actor=officer_stc)
    assert "Kỳ báo cáo Quý IV năm 2022 đã đóng" in str(raised.value)
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_draft_of_a_period_closed_later_is_not_editable(stc_report, stc, officer_stc, good_forms):
    period = services.period_close("2023-Q3")
    good_forms["II.06a"]["rows"][1].update(c4=400, c9=400)
    with pytest.raises(services.NotEditable):
        save_report(stc, period, good_forms, actor=officer_stc, version=1)
    assert figures(stc_report)["II.06a"]["rows"][1]["c4"] == 377


# ---------------------------------------------------------------------------------------------
# Carry-over from the previous quarter


@pytest.fixture
def q2_report(stc, previous_period, officer_stc):
    """STC's 2023-Q2 report: 5 files of Quản lý công sản still pending at the end (c12=3, c13=2)."""
    forms = copy.deepcopy(GOOD_FORMS)
    forms["II.06a"]["rows"][0].update(c9=8, c12=3, c13=2)
    return save_report(stc, previous_period, forms, actor=officer_stc)


@pytest.mark.django_db
def test_new_report_is_prefilled_with_the_previous_pending_files(q2_report, stc, period):
    rows = selectors.initial_forms(stc, period)["II.06a"]["rows"]
    assert [(r["linh_vuc"], r["c6"]) for r in rows] == [
        ("Quản lý công sản", 5), ("Quản lý giá", 0), ("Đăng ký mã số", 0), ("Tài chính doanh nghiệp", 0)]
    assert all(r[key] == 0 for r in rows for key in ("c4", "c5", "c8", "c12"))


@pytest.mark.django_db
def test_without_previous_report_nothing_is_carried_over(stc, period):
    rows = selectors.initial_forms(stc, period)["II.06a"]["rows"]
    assert len(rows) == 4 and all(r["c6"] == 0 for r in rows)


@pytest.mark.django_db
def test_carry_over_warning_when_column_6_differs(q2_report, stc, period, good_forms):
    judgement = services.judge(unit=stc, period=period, raw_forms=good_forms)  # (6) = 2, Q2 left 5 pending
    assert judgement.errors == []
    [warning] = judgement.warnings
    assert (warning.code, warning.row, warning.column) == ("II.06a.carry_over", 1, "c6")
    assert warning.message == (
        'Biểu II.06a, dòng "Quản lý công sản", cột (6): số hồ sơ từ kỳ trước (6) = 2 khác số hồ sơ đang '
        "giải quyết cuối kỳ trước (Quý II năm 2023, cột (11)) = 5"
    )


@pytest.mark.django_db
def test_no_carry_over_warning_when_column_6_matches(q2_report, stc, period, good_forms):
    good_forms["II.06a"]["rows"][0].update(c6=5, c12=4)  # 46 received = 42 resolved + 4 pending
    judgement = services.judge(unit=stc, period=period, raw_forms=good_forms)
    assert judgement.warnings == []


# ---------------------------------------------------------------------------------------------
# Workflow


@pytest.mark.django_db
def test_submit_of_figures_that_break_a_rule_says_what_to_do(stc, period, officer_stc, good_forms):
    """Saved figures that a rule refuses (a figure changed outside the page, a rule added since
    the save) are not sent."""
    from reports.models import ROW_MODELS

    report = save_report(stc, period, good_forms, actor=officer_stc)
    # II.07b mục II names a lĩnh vực mục I does not have: an error (four_on_site_unknown). The
    # figures are stored twice, in the rows and in the latest revision, which the report reads.
    ROW_MODELS[("II.07b", "bon_tai_cho")].objects.filter(report=report).update(label="Lĩnh vực không có ở mục I")
    revision = report.revisions.latest("version")
    for row in revision.document["forms"]["II.07b"]["bon_tai_cho"]:
        row["linh_vuc"] = "Lĩnh vực không có ở mục I"
    revision.save()
    with pytest.raises(services.ValidationFailed) as raised:
        services.report_submit(report=report, actor=officer_stc)
    assert str(raised.value).startswith("Chưa gửi được: còn ") and "“Lưu nháp”" in str(raised.value)
    assert Report.objects.get(pk=report.pk).status == S.DRAFT


def test_submit_is_refused_while_a_warning_is_unexplained(stc, period, officer_stc, good_forms):
    report = save_report(stc, period, unbalanced(good_forms), actor=officer_stc)
    with pytest.raises(WorkflowError) as raised:
        services.report_submit(report=report, actor=officer_stc)
    assert "còn 1 cảnh báo chưa có giải trình" in str(raised.value)
    report.refresh_from_db()
    assert (report.status, report.submitted_at) == (S.DRAFT, None)
    assert not Transition.objects.exists()


@pytest.mark.django_db
def test_submit_is_accepted_once_the_warning_is_explained(stc, period, officer_stc, good_forms):
    report = save_report(stc, period, unbalanced(good_forms), actor=officer_stc)
    report = save_report(stc, period, unbalanced(good_forms), actor=officer_stc, version=1,
                         explanations=[BALANCE_EXPLANATION])
    services.report_submit(report=report, actor=officer_stc)

    report.refresh_from_db()
    assert report.status == S.SUBMITTED
    assert report.unit_name == "Sở Tài chính"
    assert report.submitted_at is not None
    assert report.explanations == [{**BALANCE_EXPLANATION, "section": "rows"}]
    [transition] = Transition.objects.filter(report=report)
    assert (transition.from_status, transition.to_status, transition.actor) == (S.DRAFT, S.SUBMITTED, officer_stc)
    assert transition.snapshot["explanations"][0]["text"] == BALANCE_EXPLANATION["text"]


@pytest.mark.django_db
def test_explanation_of_another_row_does_not_count(stc, period, officer_stc, good_forms):
    report = save_report(stc, period, unbalanced(good_forms), actor=officer_stc,
                         explanations=[{**BALANCE_EXPLANATION, "row": 2}])
    assert Report.objects.get(pk=report.pk).explanations == []
    with pytest.raises(WorkflowError):
        services.report_submit(report=report, actor=officer_stc)


@pytest.fixture
def submitted(stc_report, officer_stc):
    return services.report_submit(report=stc_report, actor=officer_stc)


@pytest.mark.django_db
def test_report_is_not_editable_after_submit(submitted, stc, period, officer_stc, good_forms):
    good_forms["II.06a"]["rows"][1].update(c4=400, c9=400)
    with pytest.raises(services.NotEditable) as raised:
        save_report(stc, period, good_forms, actor=officer_stc, version=1)
    assert "“Đã gửi”" in str(raised.value)
    assert figures(submitted)["II.06a"]["rows"][1]["c4"] == 377


@pytest.mark.django_db
def test_submit_twice_is_refused(submitted, officer_stc):
    with pytest.raises(WorkflowError):
        services.report_submit(report=submitted, actor=officer_stc)
    assert Transition.objects.filter(report=submitted).count() == 1


@pytest.mark.django_db
def test_return_requires_a_reason(submitted, reviewer):
    with pytest.raises(WorkflowError) as raised:
        services.report_return(report=submitted, actor=reviewer, reason="   ")
    assert "Phải ghi lý do trả lại báo cáo." in str(raised.value)
    assert Report.objects.get(pk=submitted.pk).status == S.SUBMITTED
    assert not Transition.objects.filter(to_status=S.RETURNED).exists()


@pytest.mark.django_db
def test_approving_a_draft_is_refused_and_changes_nothing(stc_report, reviewer):
    with pytest.raises(WorkflowError) as raised:
        services.report_approve(report=stc_report, actor=reviewer)
    assert "“Nháp”" in str(raised.value) and "“Đã duyệt”" in str(raised.value)
    assert Report.objects.get(pk=stc_report.pk).status == S.DRAFT
    assert not Transition.objects.exists()


@pytest.mark.django_db
def test_submitted_report_is_approved(submitted, reviewer):
    services.report_approve(report=submitted, actor=reviewer)
    assert Report.objects.get(pk=submitted.pk).status == S.APPROVED
    last = Transition.objects.filter(report=submitted).last()
    assert (last.from_status, last.to_status, last.actor) == (S.SUBMITTED, S.APPROVED, reviewer)


@pytest.mark.django_db
def test_approved_report_is_returned_with_a_reason_and_editable_again(
    submitted, reviewer, stc, period, officer_stc, good_forms
):
    services.report_approve(report=submitted, actor=reviewer)
    services.report_return(report=submitted, actor=reviewer, reason=" Sai số liệu cột (5). ")
    report = Report.objects.get(pk=submitted.pk)
    assert report.status == S.RETURNED
    last = Transition.objects.filter(report=report).last()
    assert (last.from_status, last.to_status, last.actor, last.reason) == (
        S.APPROVED, S.RETURNED, reviewer, "Sai số liệu cột (5).")

    good_forms["II.06a"]["rows"][1].update(c4=400, c9=400)
    save_report(stc, period, good_forms, actor=officer_stc, version=1)
    assert figures(report)["II.06a"]["rows"][1]["c4"] == 400
    services.report_submit(report=report, actor=officer_stc)
    assert Report.objects.get(pk=report.pk).status == S.SUBMITTED


@pytest.mark.django_db
def test_no_submission_nor_reopening_in_a_closed_period(stc_report, officer_stc, reviewer):
    # Closing stops the units' entry; the review of what was sent goes on (tests/reports/test_closing.py).
    services.period_close("2023-Q3")
    with pytest.raises(WorkflowError) as raised:
        services.report_submit(report=stc_report, actor=officer_stc)
    assert "đã đóng" in str(raised.value)
    assert Report.objects.get(pk=stc_report.pk).status == S.DRAFT
    Report.objects.filter(pk=stc_report.pk).update(status=S.APPROVED)
    with pytest.raises(WorkflowError) as raised:
        services.report_return(report=stc_report, actor=reviewer, reason="Mở lại")
    assert "đã đóng" in str(raised.value)
    assert Report.objects.get(pk=stc_report.pk).status == S.APPROVED


@pytest.mark.django_db
def test_unit_name_on_the_report_survives_a_rename(submitted, stc):
    stc.name = "Sở Tài chính tỉnh Khánh Hòa"
    stc.save()
    assert Report.objects.get(pk=submitted.pk).printed_unit_name == "Sở Tài chính"



def test_two_first_saves_racing_one_is_refused_as_stale(stc, period, officer_stc, good_forms, monkeypatch):
    """Both officers opened the blank report; the other one's first save committed just before ours."""
    save_report(stc, period, good_forms, actor=officer_stc)
    monkeypatch.setattr(services, "_get_or_new_report", lambda unit, period: Report(unit=unit, period=period))
    good_forms["II.06a"]["rows"][0]["c5"] = 99
    with pytest.raises(services.StaleReport):
        services.report_save(unit=stc, period=period, raw_forms=good_forms, narrative={}, explanations=[],
                             actor=officer_stc, expected_version=0)
    report = Report.objects.get()
    assert report.version == 1
    assert selectors.report_forms(report)["II.06a"]["rows"][0]["c5"] == 41


def test_control_characters_are_dropped_from_stored_text(stc, period, officer_stc, good_forms):
    """PostgreSQL refuses NUL in text; nobody types it on purpose (it comes from pasted documents)."""
    good_forms["II.06a"]["rows"][0]["linh_vuc"] = "Quản lý\x00 công sản"
    report = save_report(stc, period, good_forms, actor=officer_stc, narrative={"I.1": "Không\x00 có\x1b."})
    assert report.narrative == {"I.1": "Không có."}
    assert figures(report)["II.06a"]["rows"][0]["linh_vuc"] == "Quản lý công sản"
    submitted = services.report_submit(report=report, actor=officer_stc)
    services.report_return(report=submitted, actor=officer_stc, reason="Sai\x00 số")
    assert Transition.objects.latest("pk").reason == "Sai số"


def test_a_save_rewrites_only_the_sections_that_changed(stc, period, officer_stc, good_forms):
    from reports.models import ROW_MODELS

    def row_ids():
        return {key: list(model.objects.filter(report__unit=stc).order_by("position").values_list("pk", flat=True))
                for key, model in ROW_MODELS.items()}

    save_report(stc, period, good_forms, actor=officer_stc)
    before = row_ids()
    changed = copy.deepcopy(good_forms)
    changed["II.06a"]["rows"][0]["c5"] += 1
    changed["II.06a"]["rows"][0]["c8"] += 1
    report = save_report(stc, period, changed, actor=officer_stc)
    after = row_ids()
    assert after[("II.06a", "rows")] != before[("II.06a", "rows")]  # written again
    assert {k: v for k, v in after.items() if k != ("II.06a", "rows")} == \
        {k: v for k, v in before.items() if k != ("II.06a", "rows")}  # left as they were
    assert selectors.report_forms(report)["II.06a"]["rows"][0]["c5"] == changed["II.06a"]["rows"][0]["c5"]
    assert report.revisions.count() == 2
