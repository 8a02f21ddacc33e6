"""Levels that no longer exist (workflow.md): from LEVEL_HUYEN_ABOLISHED (01/07/2025) the cấp huyện
cells of II.03b and II.07b take no figure — refused on import, greyed on the page, blank in exports."""
import copy
import io
import re
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports import services
from reports.exports import document as export_document
from reports.exports import xlsx
from reports.rules import check
from tests.conftest import GOOD_FORMS, form_post, save_report, text

HUYEN = "cấp huyện không còn từ 01/07/2025, không nhập số liệu"


def without_huyen(forms):
    """GOOD_FORMS with every cấp huyện figure at 0 (totals still agree: 6 TTHC on both forms)."""
    forms = copy.deepcopy(forms)
    forms["II.03b"]["dia_phuong"][1] = {"cap": "huyen"}
    for row in forms["II.07b"]["rows"]:
        row.update(c5=0, c9=0, c13=0)
    return forms


def document(unit, period_code, forms):
    return {"format": "tthc-report/1", "unit": unit.code, "period": period_code, "forms": forms,
            "narrative": {}, "explanations": []}


@pytest.mark.django_db
def test_a_2025_q3_import_refuses_cap_huyen_figures(stc, officer_stc):
    services.period_open("2025-Q3")
    forms = copy.deepcopy(GOOD_FORMS)
    forms["II.07b"]["bon_tai_cho"][0]["c5"] = 1
    result = services.report_import(document=document(stc, "2025-Q3", forms), actor=officer_stc)
    assert (result.ok, result.saved) == (False, False)
    refused = [(e.form, e.section, e.row, e.column) for e in result.errors if e.code == "level.abolished"]
    assert refused == [
        ("II.03b", "dia_phuong", 2, "c11"),
        ("II.07b", "rows", 1, "c5"), ("II.07b", "rows", 1, "c9"), ("II.07b", "rows", 1, "c13"),
        ("II.07b", "bon_tai_cho", 1, "c5"),
    ]
    messages = [e.message for e in result.errors if e.code == "level.abolished"]
    assert messages[0] == f'Biểu II.03b, mục II, dòng "Cấp huyện", cột (11): {HUYEN}'
    assert messages[1] == f'Biểu II.07b, mục I, dòng "Quản lý công sản", cột (5): {HUYEN}'


@pytest.mark.django_db
def test_a_2025_q3_import_with_blank_cap_huyen_cells_is_saved(stc, officer_stc):
    services.period_open("2025-Q3")
    result = services.report_import(document=document(stc, "2025-Q3", without_huyen(GOOD_FORMS)), actor=officer_stc)
    assert (result.ok, result.saved) == (True, True)


@pytest.mark.django_db
def test_a_2024_q4_import_accepts_cap_huyen_figures(stc, officer_stc):
    services.period_open("2024-Q4")
    result = services.report_import(document=document(stc, "2024-Q4", copy.deepcopy(GOOD_FORMS)), actor=officer_stc)
    assert (result.ok, result.saved) == (True, True)
    assert not [e for e in result.errors if e.code == "level.abolished"]


@pytest.mark.django_db
def test_the_date_is_a_setting(stc, officer_stc, settings):
    settings.LEVEL_HUYEN_ABOLISHED = date(2026, 1, 1)
    services.period_open("2025-Q3")
    result = services.report_import(document=document(stc, "2025-Q3", copy.deepcopy(GOOD_FORMS)), actor=officer_stc)
    assert result.ok


def test_the_rule_is_a_plain_function():
    _, errors, _ = check(copy.deepcopy(GOOD_FORMS), abolished={"huyen": date(2025, 7, 1)})
    assert {e.code for e in errors} == {"level.abolished"}
    _, errors, _ = check(copy.deepcopy(GOOD_FORMS))
    assert errors == []


def page(client, period_code, unit):
    return text(client.get(reverse("report", args=[period_code, unit.code])))


@pytest.mark.django_db
def test_the_2025_q3_page_greys_the_cap_huyen_cells(client, stc, officer_stc):
    services.period_open("2025-Q3")
    client.force_login(officer_stc)
    body = page(client, "2025-Q3", stc)
    assert 'title="Không áp dụng: cấp huyện không còn từ 01/07/2025, không nhập số liệu"' in body
    assert "cell-abolished" in body and '<span class="abolished-text"' in body and ">không áp dụng</span>" in body
    for name in ("II.07b|rows|0|c5", "II.07b|rows|0|c9", "II.07b|rows|0|c13", "II.07b|bon_tai_cho|0|c5",
                 "II.03b|dia_phuong|1|c3", "II.03b|dia_phuong|1|c11"):
        assert f'name="{name}"' not in body
    for name in ("II.07b|rows|0|c4", "II.07b|rows|0|c6", "II.03b|dia_phuong|0|c3", "II.03b|dia_phuong|2|c11"):
        assert f'name="{name}"' in body


@pytest.mark.django_db
def test_the_2024_q4_page_keeps_the_cap_huyen_cells(client, stc, officer_stc):
    services.period_open("2024-Q4")
    client.force_login(officer_stc)
    body = page(client, "2024-Q4", stc)
    assert "cell-abolished" not in body
    assert 'name="II.07b|rows|0|c5"' in body and 'name="II.03b|dia_phuong|1|c3"' in body


@pytest.mark.django_db
def test_a_page_post_with_a_cap_huyen_figure_is_refused(client, stc, officer_stc):
    services.period_open("2025-Q3")
    client.force_login(officer_stc)
    forms = without_huyen(GOOD_FORMS)
    forms["II.07b"]["rows"][0]["c9"] = 3
    response = client.post(reverse("report", args=["2025-Q3", stc.code]), form_post(forms, 0))
    assert response.status_code == 422
    assert HUYEN in text(response)


def sheet_values(report, code):
    workbook = load_workbook(io.BytesIO(xlsx.render(export_document.unit_document(report))), data_only=True)
    return workbook[code]


def row_of(sheet, label, nth=0):
    return [line for line in sheet.iter_rows() if line[1].value == label][nth]


@pytest.mark.django_db
def test_the_2025_q3_excel_export_leaves_cap_huyen_cells_blank(stc, officer_stc):
    period, _ = services.period_open("2025-Q3")
    report = save_report(stc, period, without_huyen(GOOD_FORMS), actor=officer_stc)
    sheet = sheet_values(report, "II.07b")
    section_i, section_ii = row_of(sheet, "Quản lý công sản"), row_of(sheet, "Quản lý công sản", 1)
    # Sheet columns 3… are the form's columns in order: (5) is column E, (9) I, (13) M.
    assert [section_i[n - 1].value for n in (5, 9, 13)] == [None, None, None]
    assert [section_i[n - 1].value for n in (3, 4, 6)] == [6, 6, 0]  # (3)=(4)+(5)+(6) unaffected
    assert section_ii[5 - 1].value is None and section_ii[6 - 1].value in (None, "")  # section II (5), (6)
    huyen = row_of(sheet_values(report, "II.03b"), "Cấp huyện")
    assert [cell.value for cell in huyen[2:11] if cell.column != 5] == [None] * 8  # entered (3)…(11)
    # TỔNG CỘNG: blank under the level's columns too; the other columns add up as ever.
    total_i, total_ii = [line for line in sheet.iter_rows() if line[0].value == "TỔNG CỘNG"]
    assert [total_i[n - 1].value for n in (5, 9, 13)] == [None, None, None]
    assert [total_i[n - 1].value for n in (3, 4, 6)] == [6, 6, 0]
    assert total_ii[5 - 1].value is None and total_ii[6 - 1].value in (None, "")
    ii03b_totals = [line for line in sheet_values(report, "II.03b").iter_rows() if line[0].value == "TỔNG CỘNG"]
    assert ii03b_totals[1][11 - 1].value == 6  # II.03b mục II (11): 6 TTHC, the Cấp huyện row blank


@pytest.mark.django_db
def test_the_2024_q4_excel_export_prints_cap_huyen_figures(stc, officer_stc):
    period, _ = services.period_open("2024-Q4")
    report = save_report(stc, period, copy.deepcopy(GOOD_FORMS), actor=officer_stc)
    section_i = row_of(sheet_values(report, "II.07b"), "Quản lý công sản")
    assert [section_i[n - 1].value for n in (5, 9, 13)] == [4, 4, 4]


@pytest.mark.django_db
def test_the_provinces_2025_q3_tables_leave_cap_huyen_blank(client, stc, officer_stc, reviewer):
    period, _ = services.period_open("2025-Q3")
    report = save_report(stc, period, without_huyen(GOOD_FORMS), actor=officer_stc)
    services.report_submit(report=report, actor=officer_stc)
    services.report_approve(report=report, actor=reviewer)
    client.force_login(reviewer)
    url = reverse("consolidation", args=["2025-Q3"])
    for view in ("tom-tat", "don-vi", "linh-vuc"):
        body = text(client.get(url, {"bieu": "II.07b", "xem": view}))
        table = re.search(r'data-form="II.07b" data-section="rows".*?</table>', body, re.S).group(0)
        total = re.search(r'<tr class="total-row">.*?</tr>', table, re.S).group(0)
        assert '<td class="cell-abolished" data-total="c5" data-abolished' in total, view
        assert '<td class="text-end" data-total="c3"><span data-value>6</span></td>' in total, view
    body = text(client.get(url, {"bieu": "II.03b", "xem": "linh-vuc"}))
    huyen = re.search(r'<tr data-row>\s*<td[^>]*>\d+</td>\s*<td class="row-label">Cấp huyện</td>.*?</tr>', body, re.S)
    assert huyen and "không áp dụng" in huyen.group(0) and 'data-col="c11">0<' not in huyen.group(0)
