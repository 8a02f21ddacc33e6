"""The Excel export's computed cells are formulas carrying their results (exports/xlsx.py): a
viewer that does not calculate shows the totals, LibreOffice (as a clerk's Excel) makes them follow
a figure changed offline, and no text typed by a user ever becomes a formula or a link."""
import copy
import os
import re
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from reports import services
from reports.consolidation import consolidate
from reports.exports import document as export_document
from reports.exports import xlsx
from reports.interchange import report_document
from reports.models import Report
from reports.selectors import report_forms
from tests.conftest import save_report
from tests.reports.test_export_xlsx import find, saved, sections, with_more_rows, workbook_of
from tests.reports.test_forms_ii04_ii05a import II04, II05A

# Every formula the writer makes: a row's sum, a rate blank on a zero denominator, a column's SUBTOTAL.
WRITER_FORMULA = re.compile(
    r'^=(SUBTOTAL\(9,([A-Z]+)\d+:\2\d+\)|IF\(([A-Z]+\d+)=0,"",[A-Z]+\d+/\3\)|[A-Z]+\d+(\+[A-Z]+\d+)+|[A-Z]+\d+-[A-Z]+\d+)$'
)
# LibreOffice computes every formula when it opens an .xlsx, whoever wrote it (0: always).
RECALCULATE_ON_LOAD = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""


@pytest.fixture
def report(stc, period, officer_stc, good_forms):
    return save_report(stc, period, with_more_rows(good_forms), actor=officer_stc)


@pytest.fixture
def two_units(stc, skhdt, period, good_forms):
    """STC with the good figures, SKHĐT with two rows of II.06a only (its block of every other
    section is empty), both approved."""
    save_report(stc, period, good_forms)
    save_report(skhdt, period, {"II.06a": {"rows": [
        {"linh_vuc": "Thành lập và hoạt động doanh nghiệp", "c4": 100, "c5": 20, "c8": 60, "c9": 50, "c12": 10},
        {"linh_vuc": "Đầu tư tại Việt Nam", "c4": 7, "c9": 7},
    ]}})
    Report.objects.update(status=Report.Status.APPROVED)
    return period


def unit_data(report):
    return xlsx.render(export_document.unit_document(report))


def province_data(period):
    return xlsx.render(export_document.province_document(consolidate(period)))


def formulas(book):
    return [(sheet.title, cell.coordinate, cell.value) for sheet in book.worksheets for line in sheet.iter_rows()
            for cell in line if cell.data_type == "f"]


# ---------------------------------------------------------------------------------------------
# Formulas, with their results


def test_sums_rates_and_totals_are_formulas_with_their_results(report):
    data = unit_data(report)
    book, values = workbook_of(data), workbook_of(data, data_only=True)

    sheet = book["II.06a"]
    [(number_row, rows, _, total)] = sections(sheet)
    row = find(sheet, "Quản lý công sản", column=2).row
    assert sheet[f"C{row}"].value == f"=D{row}+E{row}+F{row}"  # (3)=(4)+(5)+(6)
    assert sheet[f"K{row}"].value == f"=L{row}+M{row}"  # (11)=(12)+(13)
    assert sheet[f"D{row}"].data_type == "n"  # entered
    assert sheet[f"C{total}"].value == f"=SUBTOTAL(9,C{number_row + 1}:C{total - 1})"
    assert sheet[f"D{total}"].value == f"=SUBTOTAL(9,D{number_row + 1}:D{total - 1})"
    shown = values["II.06a"]
    assert (shown[f"C{row}"].value, shown[f"K{row}"].value) == (43, 1)
    assert (shown[f"C{total}"].value, shown[f"D{total}"].value, shown[f"G{total}"].value) == (420, 377, 419)

    sheet, shown = book["II.07b"], values["II.07b"]
    (_, rows_i, _, total_i), (_, rows_ii, _, total_ii) = sections(sheet)
    base = find(sheet, "Quản lý công sản", column=2).row  # mục I
    row = next(r for r in rows_ii if sheet.cell(r, 2).value == "Quản lý công sản")
    assert sheet[f"D{row}"].value == f'=IF(D{base}=0,"",C{row}/D{base})'  # (4) = (3) / (4) mục I
    assert sheet[f"F{row}"].value == f'=IF(E{base}=0,"",E{row}/E{base})'  # (6) = (5) / (5) mục I
    assert sheet[f"D{total_ii}"].value == f'=IF(D{total_i}=0,"",C{total_ii}/D{total_i})'
    assert shown[f"D{row}"].value == pytest.approx(0.3333) and shown[f"D{row}"].number_format == "0.00%"
    assert shown[f"F{row}"].value == 0
    assert shown[f"D{total_ii}"].value == pytest.approx(0.3333)
    no_tthc = next(r for r in rows_ii if sheet.cell(r, 2).value == "Quản lý giá")  # mục I: 0 TTHC
    assert sheet[f"D{no_tthc}"].data_type == "f" and shown[f"D{no_tthc}"].value is None

    made = formulas(book)
    assert len(made) > 50 and all(WRITER_FORMULA.match(text) for _, _, text in made)


def test_a_rate_without_its_row_in_the_other_section_stays_blank(report):
    # The rules refuse such a report; the writer still prints what it is given.
    data = report_forms(report)
    data["II.07b"]["bon_tai_cho"].append({"linh_vuc": "Tài chính doanh nghiệp", "c3": 1, "c5": 0})
    sheet = workbook_of(xlsx.render(export_document.unit_document(report, data)))["II.07b"]

    _, (_, rows, _, _) = sections(sheet)
    row = next(r for r in rows if sheet.cell(r, 2).value == "Tài chính doanh nghiệp")
    assert sheet[f"C{row}"].value == 1
    assert sheet[f"D{row}"].value is None and sheet[f"F{row}"].value is None  # no mục I row to divide by


def test_province_subtotals_and_total_are_subtotals(two_units):
    data = province_data(two_units)
    book, values = workbook_of(data), workbook_of(data, data_only=True)

    sheet, shown = book["II.06a"], values["II.06a"]
    [(number_row, rows, (first, second), total)] = sections(sheet)
    skhdt_rows = [r for r in rows if r < first]
    assert sheet[f"C{first}"].value == f"=SUBTOTAL(9,C{skhdt_rows[0]}:C{skhdt_rows[-1]})"
    assert sheet[f"C{total}"].value == f"=SUBTOTAL(9,C{number_row + 1}:C{total - 1})"  # subtotals skipped
    assert (shown[f"C{first}"].value, shown[f"C{second}"].value, shown[f"C{total}"].value) == (127, 420, 547)

    sheet, shown = book["II.07b"], values["II.07b"]
    (_, _, (empty_i, stc_i), total_i), (_, rows_ii, (empty_ii, stc_ii), total_ii) = sections(sheet)
    # SKHĐT has no II.07b row: its `Cộng` holds plain 0s (there is nothing to sum) and a blank rate.
    assert sheet[f"C{empty_i}"].value == 0 and sheet[f"C{empty_ii}"].value == 0
    assert sheet[f"D{empty_ii}"].value == f'=IF(D{empty_i}=0,"",C{empty_ii}/D{empty_i})'
    assert shown[f"D{empty_ii}"].value is None
    # STC's rates: its row and its `Cộng` over its own mục I; TỔNG CỘNG over mục I's.
    [row] = [r for r in rows_ii if r > empty_ii]
    base = next(r for r in range(empty_i + 1, stc_i) if sheet.cell(r, 2).value == "Quản lý công sản")
    assert sheet[f"D{row}"].value == f'=IF(D{base}=0,"",C{row}/D{base})'
    assert sheet[f"D{stc_ii}"].value == f'=IF(D{stc_i}=0,"",C{stc_ii}/D{stc_i})'
    assert sheet[f"D{total_ii}"].value == f'=IF(D{total_i}=0,"",C{total_ii}/D{total_i})'
    assert shown[f"D{stc_ii}"].value == pytest.approx(0.3333) == shown[f"D{total_ii}"].value

    assert all(WRITER_FORMULA.match(text) for _, _, text in formulas(book))


# ---------------------------------------------------------------------------------------------
# A figure changed offline: LibreOffice recalculates


@pytest.fixture(scope="session")
def libreoffice(tmp_path_factory):
    """soffice and a profile of its own (parallel runs must not share one) that recalculates on
    load. Without LibreOffice the tests are skipped, except on CI, where they fail."""
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice (Debian's libreoffice-calc) is missing: `make system-deps` installs it")
        pytest.skip("LibreOffice is not installed (Debian's libreoffice-calc; `make test` installs it as root)")
    profile = tmp_path_factory.mktemp("libreoffice-profile")
    (profile / "user").mkdir()
    (profile / "user" / "registrymodifications.xcu").write_text(RECALCULATE_ON_LOAD)
    return soffice, profile


def recalculated(libreoffice, book, tmp_path):
    """`book` (a figure edited with openpyxl, which drops every formula's result) as LibreOffice
    computes and saves it, read back with those results."""
    soffice, profile = libreoffice
    source = tmp_path / "sua.xlsx"
    source.write_bytes(saved(book))
    done = subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--calc", "--convert-to", "xlsx",
         "--outdir", str(tmp_path / "out"), str(source)],
        capture_output=True, text=True, timeout=300,
    )
    result = tmp_path / "out" / "sua.xlsx"
    assert done.returncode == 0 and result.exists(), done.stdout + done.stderr
    return load_workbook(result, data_only=True)


def test_totals_follow_an_edited_figure_in_libreoffice(report, libreoffice, tmp_path):
    book = workbook_of(unit_data(report))
    sheet = book["II.06a"]
    [(_, _, _, total)] = sections(sheet)
    row = find(sheet, "Quản lý công sản", column=2).row
    sheet[f"E{row}"] = 51  # (5): 41 → 51
    sheet = book["II.07b"]
    (_, _, _, total_i), (_, rows_ii, _, total_ii) = sections(sheet)
    base = find(sheet, "Quản lý công sản", column=2).row
    rate_row = next(r for r in rows_ii if sheet.cell(r, 2).value == "Quản lý công sản")
    sheet[f"D{base}"] = 8  # mục I (4): 6 → 8 TTHC cấp tỉnh

    shown = recalculated(libreoffice, book, tmp_path)

    sheet = shown["II.06a"]
    assert (sheet[f"E{row}"].value, sheet[f"C{row}"].value) == (51, 53)  # the row's (3): 43 + 10
    assert (sheet[f"E{total}"].value, sheet[f"C{total}"].value) == (51, 430)  # TỔNG CỘNG: 420 + 10
    assert sheet[f"G{total}"].value == 419  # untouched
    sheet = shown["II.07b"]
    assert (sheet[f"C{base}"].value, sheet[f"D{total_i}"].value, sheet[f"C{total_i}"].value) == (12, 8, 12)
    assert sheet[f"D{rate_row}"].value == pytest.approx(0.25)  # (4) = 2 / 8, was 2 / 6
    assert sheet[f"D{total_ii}"].value == pytest.approx(0.25)


def test_ii04_and_ii05a_follow_an_edited_figure_in_libreoffice(stc, period, officer_stc, good_forms, libreoffice,
                                                               tmp_path):
    forms = {**good_forms, "II.04": copy.deepcopy(II04), "II.05a": copy.deepcopy(II05A)}
    book = workbook_of(unit_data(save_report(stc, period, forms, actor=officer_stc)))
    sheet = book["II.04"]
    [(_, _, _, total)] = sections(sheet)
    row = find(sheet, "Quản lý công sản", column=2).row
    sheet[f"D{row}"] = 6  # (4) simplified: 9 → 6 of (3) 12
    sheet[f"L{row}"] = 80_000_000_000  # (12) cost after: 100 → 80 billion
    sheet = book["II.05a"]
    [(_, _, _, total_05a)] = sections(sheet)
    row_05a = find(sheet, "Quản lý công sản", column=2).row
    sheet[f"E{row_05a}"] = 5  # (5) received in the quarter: 3 → 5

    shown = recalculated(libreoffice, book, tmp_path)

    sheet = shown["II.04"]
    assert sheet[f"M{row}"].value == 43_456_789_000  # (13) = (11) − (12)
    assert sheet[f"N{row}"].value == pytest.approx(43_456_789_000 / 123_456_789_000)  # (14) = (13) / (11)
    assert sheet[f"O{row}"].value == pytest.approx(0.5)  # (15) = (4) / (3)
    assert (sheet[f"D{total}"].value, sheet[f"M{total}"].value) == (6, 43_456_789_000)
    sheet = shown["II.05a"]
    assert (sheet[f"C{row_05a}"].value, sheet[f"C{total_05a}"].value) == (5, 5)  # (3) = (4) + (5)


def test_province_subtotal_and_total_follow_an_edited_figure_in_libreoffice(two_units, libreoffice, tmp_path):
    book = workbook_of(province_data(two_units))
    sheet = book["II.06a"]
    [(_, rows, (first, second), total)] = sections(sheet)
    row = find(sheet, "Thành lập và hoạt động doanh nghiệp", column=2).row  # SKHĐT's
    sheet[f"D{row}"] = 110  # (4): 100 → 110

    shown = recalculated(libreoffice, book, tmp_path)["II.06a"]

    assert (shown[f"C{row}"].value, shown[f"D{row}"].value) == (130, 110)
    assert (shown[f"C{first}"].value, shown[f"D{first}"].value) == (137, 117)  # SKHĐT's `Cộng`: +10
    assert (shown[f"C{second}"].value, shown[f"D{second}"].value) == (420, 377)  # STC's: unchanged
    assert (shown[f"C{total}"].value, shown[f"D{total}"].value) == (557, 494)  # 547 + 10, counted once


# ---------------------------------------------------------------------------------------------
# Text is text


@pytest.mark.parametrize("label", [
    '=HYPERLINK("http://evil.example/","x")', "=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1)", "=A1+B1",
])
def test_a_label_that_looks_like_a_formula_stays_text_in_both_workbooks(stc, period, officer_stc, good_forms, label):
    good_forms["II.03b"]["trung_uong"][0]["ten"] = label
    good_forms["II.06a"]["rows"][0]["linh_vuc"] = label
    good_forms["II.07b"]["rows"][0]["linh_vuc"] = label
    good_forms["II.07b"]["bon_tai_cho"][0]["linh_vuc"] = label
    good_forms["II.08"]["rows"][0]["linh_vuc"] = label
    good_forms["II.04"] = {"rows": [{"linh_vuc": label, "c3": 2, "c4": 2, "c11": 10**12, "c12": 10**11}]}
    good_forms["II.05a"] = {"rows": [{"linh_vuc": label, "c5": 1, "c6": 1, "c8": 1}]}
    report = save_report(stc, period, good_forms, actor=officer_stc)
    data = unit_data(report)
    Report.objects.update(status=Report.Status.APPROVED)

    for book in workbook_of(data), workbook_of(province_data(period)):
        made = formulas(book)
        assert made, "the computed cells are formulas"
        assert [f for f in made if not WRITER_FORMULA.match(f[2])] == []
        for code in ("II.03b", "II.04", "II.05a", "II.06a", "II.07b", "II.08"):
            cell = find(book[code], label, column=2)
            assert cell.data_type == "s" and cell.hyperlink is None
        assert not any(sheet._hyperlinks for sheet in book.worksheets)

    Report.objects.update(status=Report.Status.DRAFT)
    result = services.report_import_xlsx(data=data, actor=officer_stc)
    assert result.ok and result.saved, result.as_json()
    forms = report_document(Report.objects.get())["forms"]
    assert forms["II.06a"]["rows"][0]["linh_vuc"] == label
    assert forms["II.07b"]["bon_tai_cho"][0]["linh_vuc"] == label

