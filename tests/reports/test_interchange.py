"""The report as JSON (`tthc-report/1`): export, import, round trip."""
import json

import pytest

from reports import services
from reports.forms_spec import FORMS
from reports.interchange import report_document
from reports.models import Report
from tests.conftest import save_report

NARRATIVE = {
    "I.1": "Không phát sinh dự thảo văn bản QPPL có quy định TTHC.",
    "I.6": "Tổng số hồ sơ tiếp nhận: 2.718 hồ sơ; tỷ lệ đúng hạn 97,45%.",
    "IV": "Đề nghị Văn phòng UBND tỉnh hướng dẫn \"4 tại chỗ\".",
}
EXPLANATION = {"code": "II.06a.balance", "form": "II.06a", "row": 1,
               "text": "Một hồ sơ chuyển cơ quan khác giải quyết."}


def as_file(document):
    """The document as it travels: through JSON text."""
    return json.loads(json.dumps(document, ensure_ascii=False))


@pytest.mark.django_db
def test_document_of_a_saved_report(stc_report):
    document = report_document(stc_report)
    assert (document["format"], document["unit"], document["period"]) == ("tthc-report/1", "STC", "2023-Q3")
    rows = document["forms"]["II.06a"]["rows"]
    assert [(r["linh_vuc"], r["c3"], r["c7"], r["c11"]) for r in rows] == [
        ("Quản lý công sản", 43, 42, 1), ("Đăng ký mã số", 377, 377, 0)]
    assert document["forms"]["II.07b"]["bon_tai_cho"] == [
        {"linh_vuc": "Quản lý công sản", "c3": 2, "c4": 33.33, "c5": 0, "c6": 0.0}]
    assert document["forms"]["II.03b"]["dia_phuong"][1] == {
        "cap": "huyen", "c3": 0, "c4": 0, "c5": 0, "c6": 0, "c7": 0, "c8": 0, "c9": 0, "c10": 0, "c11": 4}


@pytest.mark.django_db
def test_every_computed_column_of_the_document_follows_its_formula(stc_report):
    document = report_document(stc_report)
    for code, form in FORMS.items():
        for section in form.sections:
            for row in document["forms"][code][section.key]:
                assert list(row)[len(section.label_keys):] == list(section.column_keys)
                for column in section.columns:
                    if column.sum_of:
                        assert row[column.key] == sum(row[f"c{n}"] for n in column.sum_of)


@pytest.mark.django_db
def test_round_trip_gives_back_the_same_document(stc, period, officer_stc, good_forms):
    good_forms["II.06a"]["rows"][0]["c13"] = 1  # a balance warning, explained
    report = save_report(stc, period, good_forms, actor=officer_stc, narrative=NARRATIVE,
                         explanations=[EXPLANATION])
    exported = report_document(report)
    assert exported["narrative"] == NARRATIVE
    assert exported["explanations"] == [{**EXPLANATION, "section": "rows"}]

    # Someone changes the figures, narrative and explanations; importing the export restores them.
    good_forms["II.06a"]["rows"][0]["c13"] = 0
    good_forms["II.06a"]["rows"].append({"linh_vuc": "Quản lý giá", "c5": 7, "c9": 7})
    save_report(stc, period, good_forms, actor=officer_stc, narrative={"II": "Khác."})
    assert report_document(report) != exported

    result = services.report_import(document=as_file(exported), actor=officer_stc, dry_run=False)
    assert (result.ok, result.saved) == (True, True)
    assert [w.code for w in result.warnings] == ["II.06a.balance"]
    assert report_document(Report.objects.get(pk=report.pk)) == exported


@pytest.mark.django_db
def test_round_trip_into_an_empty_database_row(stc, period, officer_stc, good_forms):
    report = save_report(stc, period, good_forms, actor=officer_stc, narrative=NARRATIVE)
    exported = report_document(report)
    Report.objects.filter(pk=report.pk).delete()

    result = services.report_import(document=as_file(exported), actor=officer_stc, dry_run=False)
    assert result.saved
    assert report_document(Report.objects.get(unit=stc, period=period)) == exported


@pytest.mark.django_db
def test_dry_run_writes_nothing(stc_report, officer_stc):
    document = as_file(report_document(stc_report))
    document["forms"]["II.06a"]["rows"][1].update(c3=400, c4=400, c7=400, c9=400)
    result = services.report_import(document=document, actor=officer_stc, dry_run=True)
    assert (result.ok, result.saved) == (True, False)
    assert report_document(Report.objects.get(pk=stc_report.pk))["forms"]["II.06a"]["rows"][1]["c4"] == 377


@pytest.mark.django_db
def test_import_with_a_wrong_computed_column_saves_nothing(stc_report, officer_stc):
    document = as_file(report_document(stc_report))
    document["forms"]["II.06a"]["rows"][1]["c4"] = 400  # c3 still says 377
    result = services.report_import(document=document, actor=officer_stc, dry_run=False)
    assert (result.ok, result.saved) == (False, False)
    [error] = result.errors
    assert (error.code, error.column) == ("formula.mismatch", "c3")
    assert error.message == (
        'Biểu II.06a, dòng "Đăng ký mã số", cột (3): giá trị ghi sẵn "377" khác công thức (3)=(4)+(5)+(6) = 400')
    assert Report.objects.get(pk=stc_report.pk).version == 1
