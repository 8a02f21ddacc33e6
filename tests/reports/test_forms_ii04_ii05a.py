"""Biểu II.04 and II.05a everywhere a biểu goes: the page, the carry-over, the JSON interchange,
the Excel export and upload, Word and PDF, of a unit and of the province."""
import io
import json
import shutil
import subprocess

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from reports import rules, services
from reports.consolidation import consolidate
from reports.exports import docx as docx_export
from reports.exports import pdf as pdf_export
from reports.exports import xlsx
from reports.exports.document import province_document, unit_document
from reports.forms_spec import FORMS
from reports.interchange import report_document
from reports.models import Report
from reports.selectors import initial_forms, previous_context
from tests.conftest import save_report

SIX = ["II.03b", "II.04", "II.05a", "II.06a", "II.07b", "II.08"]
II04 = {"rows": [
    {"linh_vuc": "Quản lý công sản", "c3": 12, "c4": 9, "c5": 4, "c6": 1, "c7": 3, "c8": 1, "c9": 1, "c10": 2,
     "c11": 123_456_789_000, "c12": 100_000_000_000},
    {"linh_vuc": "Quản lý giá", "c3": 0, "c4": 0},
]}
II05A = {"rows": [
    {"linh_vuc": "Quản lý công sản", "c4": 0, "c5": 3, "c6": 2, "c7": 1, "c8": 2, "c9": 1, "c10": 1},
]}


@pytest.fixture
def six_forms(good_forms):
    return {**good_forms, "II.04": json.loads(json.dumps(II04)), "II.05a": json.loads(json.dumps(II05A))}


@pytest.fixture
def report(stc, period, officer_stc, six_forms):
    return save_report(stc, period, six_forms, actor=officer_stc)


def test_the_forms_are_declared_in_printing_order():
    assert list(FORMS) == SIX


def test_saved_figures_keep_big_money_and_the_json_always_writes_every_form(report):
    document = report_document(report)
    assert list(document["forms"]) == SIX
    row = document["forms"]["II.04"]["rows"][0]
    assert (row["c11"], row["c12"], row["c13"]) == (123_456_789_000, 100_000_000_000, 23_456_789_000)
    assert (row["c14"], row["c15"]) == (19.0, 75.0)
    assert document["forms"]["II.04"]["rows"][1]["c15"] is None
    assert document["forms"]["II.05a"]["rows"][0]["c3"] == 3


def test_a_json_document_without_the_new_forms_still_imports(stc, period, officer_stc, good_forms):
    document = {"format": "tthc-report/1", "unit": "STC", "period": "2023-Q3", "forms": good_forms}
    result = services.report_import(document=document, actor=officer_stc)
    assert result.ok and result.saved, result.as_json()
    saved = report_document(Report.objects.get(unit=stc, period=period))
    assert saved["forms"]["II.04"] == {"rows": []} and saved["forms"]["II.05a"] == {"rows": []}


def test_an_imported_json_with_the_computed_columns_is_checked(stc, period, officer_stc, report):
    document = report_document(report)
    document["forms"]["II.04"]["rows"][0]["c13"] = 1
    result = services.report_import(document=document, actor=officer_stc)
    assert not result.saved
    assert [(e.code, e.form, e.column) for e in result.errors] == [("formula.mismatch", "II.04", "c13")]


def test_ii05a_carries_over_the_previous_reports_pending_pakn(stc, previous_period, period, officer_stc, six_forms):
    save_report(stc, previous_period, six_forms, actor=officer_stc)
    new = initial_forms(stc, period)
    assert {r["linh_vuc"]: r["c4"] for r in new["II.05a"]["rows"]}["Quản lý công sản"] == 1
    previous = previous_context(stc, period)
    assert previous.pending_05a == {"Quản lý công sản": 1}
    # The saved Q3 figures carry over 0 where Q2 left 1 pending: a warning, not an error. (II.06a
    # carries over as before: the good figures leave (11) = (6) of the next quarter.)
    _, errors, warnings = rules.check(six_forms, previous)
    assert errors == []
    assert [(w.code, w.column) for w in warnings if w.form == "II.05a"] == [("II.05a.carry_over", "c4")]
    six_forms["II.05a"]["rows"][0].update(c4=1, c6=3, c8=3)
    _, errors, warnings = rules.check(six_forms, previous)
    assert [w for w in warnings if w.form == "II.05a"] == []


def test_the_page_shows_the_forms_with_their_live_formulas(client, officer_stc, report, period):
    client.force_login(officer_stc)
    body = client.get(reverse("report", args=[period.code, "STC"])).content.decode()
    for code in SIX:
        assert f'data-form="{code}"' in body
    assert 'data-diff="c11 c12"' in body
    assert 'data-rate="c13 c11"' in body and 'data-rate="c4 c3"' in body
    assert "(13)=(11)-(12)" in body and "(15)=(4)/(3)" in body
    assert "123.456.789.000" in body  # money grouped like every count


def test_excel_of_a_unit_has_six_biểu_with_formulas_and_reads_back(report, officer_stc):
    data = xlsx.render(unit_document(report))
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == [*SIX, "_tthc"]
    sheet = book["II.04"]
    row = next(c.row for c in sheet["B"] if c.value == "Quản lý công sản")
    assert sheet.cell(row, 13).value == f"=K{row}-L{row}"
    assert sheet.cell(row, 14).value == f'=IF(K{row}=0,"",M{row}/K{row})'
    assert sheet.cell(row, 15).value == f'=IF(C{row}=0,"",D{row}/C{row})'
    values = load_workbook(io.BytesIO(data), data_only=True)["II.04"]
    assert values.cell(row, 11).value == 123_456_789_000 and values.cell(row, 11).number_format == "#,##0"
    assert values.cell(row, 15).value == 0.75

    before = report_document(report)
    document, _ = xlsx.read(data)
    assert document["forms"]["II.04"]["rows"][0]["c11"] == 123_456_789_000
    assert document["forms"]["II.05a"]["rows"][0]["c10"] == 1
    result = services.report_import_xlsx(data=data, actor=officer_stc)
    assert result.ok and result.saved, result.as_json()
    assert report_document(Report.objects.get(pk=report.pk)) == before


def test_excel_upload_of_money_above_the_limit_is_refused(report, officer_stc):
    book = load_workbook(io.BytesIO(xlsx.render(unit_document(report))))
    sheet = book["II.04"]
    row = next(c.row for c in sheet["B"] if c.value == "Quản lý công sản")
    sheet.cell(row, 12).value = 10**15 + 1
    stream = io.BytesIO()
    book.save(stream)
    result = services.report_import_xlsx(data=stream.getvalue(), actor=officer_stc)
    assert not result.saved
    assert [(e.code, e.form, e.column) for e in result.errors] == [("value.too_large", "II.04", "c12")]


@pytest.fixture
def province(report, skhdt, period, officer_skhdt):
    save_report(skhdt, period, {"II.04": {"rows": [{"linh_vuc": "Đầu tư tại Việt Nam", "c3": 132, "c4": 132}]}},
                actor=officer_skhdt)
    Report.objects.update(status=Report.Status.APPROVED)
    return consolidate(period)


def test_excel_of_the_province_has_six_biểu(province):
    book = load_workbook(io.BytesIO(xlsx.render(province_document(province))), data_only=True)
    assert book.sheetnames[:6] == SIX
    sheet = book["II.04"]
    total = next(c.row for c in sheet["A"] if c.value == "TỔNG CỘNG")
    assert sheet.cell(total, 3).value == 144 and sheet.cell(total, 4).value == 141
    assert sheet.cell(total, 13).value == 23_456_789_000


def _docx_text(data):
    doc = Document(io.BytesIO(data))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_word_of_a_unit_and_of_the_province_has_six_biểu(report, province):
    unit_text = _docx_text(docx_export.render(unit_document(report)))
    province_text = _docx_text(docx_export.render(province_document(province)))
    for text in (unit_text, province_text):
        for code in SIX:
            assert f"Biểu số {code}/VPCP/KSTT" in text
        assert "KẾT QUẢ RÀ SOÁT, ĐƠN GIẢN HÓA THỦ TỤC HÀNH CHÍNH" in text
        assert "(13)=(11)-(12)" in text
    assert "Số tiền tiết kiệm được: 23.456.789.000 đồng; tỷ lệ chi phí tiết kiệm được: 19,00%." in unit_text
    assert "Tổng số TTHC cần rà soát, đơn giản hóa theo Kế hoạch: 144 TTHC" in province_text


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_pdf_of_a_unit_and_of_the_province_has_six_biểu(report, province, tmp_path):
    for name, document in (("unit", unit_document(report)), ("province", province_document(province))):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(pdf_export.render(document))
        text = " ".join(subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                                       text=True).stdout.split())
        for code in SIX:
            assert f"Biểu số {code}/VPCP/KSTT" in text, (name, code)
        assert "Tổng số phản ánh, kiến nghị (PAKN) đã tiếp nhận trong kỳ báo cáo: 3 PAKN" in text


def test_the_reviewers_diff_names_the_changed_money_and_its_computed_cells(report, stc, period, officer_stc,
                                                                           six_forms):
    from reports.diff import changed_cells, diff_documents

    before = report_document(report)
    six_forms["II.04"]["rows"][0]["c12"] = 90_000_000_000
    after = report_document(save_report(stc, period, six_forms, actor=officer_stc))
    changes = [(c.form, c.label, c.column, c.old, c.new) for c in diff_documents(before, after)]
    assert changes == [
        ("II.04", "Quản lý công sản", "c12", 100_000_000_000, 90_000_000_000),
        ("II.04", "Quản lý công sản", "c13", 23_456_789_000, 33_456_789_000),
        ("II.04", "Quản lý công sản", "c14", 19.0, 27.1),
    ]
    assert ("II.04", "rows", ("Quản lý công sản",), "c12") in changed_cells(diff_documents(before, after))
