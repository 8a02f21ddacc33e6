"""The Excel export (exports/xlsx.py) as a user opens it, and the Excel import of a report filled
offline (services.report_import_xlsx, `import_report FILE.xlsx`)."""
import io
import json
from io import StringIO

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from reports import services
from reports.consolidation import consolidate
from reports.exports import document as export_document
from reports.exports import xlsx
from reports.forms_spec import FORMS
from reports.interchange import report_document
from reports.models import Report
from tests.conftest import save_report

FORM_CODES = ["II.03b", "II.04", "II.05a", "II.06a", "II.07b", "II.08"]


def workbook_of(data, data_only=False):
    """The workbook as openpyxl reads it: computed cells are formulas, or with `data_only` the
    results the writer stored with them (what a viewer that does not calculate shows)."""
    return load_workbook(io.BytesIO(data), data_only=data_only)


def unit_workbook(report, data_only=False):
    return workbook_of(xlsx.render(export_document.unit_document(report)), data_only)


def saved(workbook):
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def texts(sheet):
    return [cell.value for line in sheet.iter_rows() for cell in line if isinstance(cell.value, str)]


def find(sheet, text, column=None):
    """The first cell holding exactly `text` (in `column` if given)."""
    for line in sheet.iter_rows():
        for cell in line:
            if cell.value == text and (column is None or cell.column == column):
                return cell
    raise AssertionError(f"{text!r} not found in {sheet.title}")


def merged_range(sheet, cell):
    return next((str(r) for r in sheet.merged_cells.ranges if cell.coordinate in r), None)


def sections(sheet):
    """[(number-row, [data rows], [subtotal rows], total row)] for each section of a sheet: a data
    row has its STT in column A, a subtotal says "Cộng" in column B, a total "TỔNG CỘNG" in A."""
    found, current = [], None
    for row in range(1, sheet.max_row + 1):
        a, b = sheet.cell(row, 1).value, sheet.cell(row, 2).value
        if a == "(1)":
            current = (row, [], [])
        elif current and a == "TỔNG CỘNG":
            found.append((*current, row))
            current = None
        elif current and isinstance(a, int):
            current[1].append(row)
        elif current and b == "Cộng":
            current[2].append(row)
    return found


def with_more_rows(forms):
    """The good figures plus a II.07b lĩnh vực without TTHC (its rates are blank) and a II.08 row
    of group A after a row of group B (the sheet prints A first)."""
    forms["II.07b"]["rows"].append({"linh_vuc": "Quản lý giá"})
    forms["II.07b"]["bon_tai_cho"].append({"linh_vuc": "Quản lý giá", "c3": 0, "c5": 0})
    forms["II.08"]["rows"].append({"nhom": "A", "cap": "trung_uong", "linh_vuc": "Đăng ký mã số", "c3": 2, "c4": 1,
                                   "c5": 1234, "c6": 1, "c7": 1, "c8": 5, "c9": 0})
    return forms


@pytest.fixture
def report(stc, period, officer_stc, good_forms):
    return save_report(stc, period, with_more_rows(good_forms), actor=officer_stc,
                       narrative={"I.1": "Không có dự thảo văn bản QPPL quy định TTHC.", "II": "Đã công bố đầy đủ."})


# ---------------------------------------------------------------------------------------------
# The unit's workbook as the paper form


def test_one_sheet_per_form_and_the_header_block(report):
    book = unit_workbook(report)

    assert book.sheetnames == [*FORM_CODES, "_tthc"]
    assert book["_tthc"].sheet_state == "hidden"
    sheet = book["II.06a"]
    assert sheet["A1"].value == "Biểu số II.06a/VPCP/KSTT"
    assert sheet["A2"].value == FORMS["II.06a"].title and sheet["A2"].font.b
    lines = texts(sheet)[:8]
    assert "Kỳ báo cáo: Quý III năm 2023" in lines
    assert "(Từ ngày 15 tháng 06 năm 2023 đến ngày 14 tháng 09 năm 2023)" in lines
    assert "Đơn vị báo cáo: Sở Tài chính" in lines
    assert "Đơn vị nhận báo cáo: Văn phòng UBND tỉnh" in lines
    assert "Đơn vị tính: Số hồ sơ TTHC" in lines
    assert book["II.03b"]["A1"].value == "Biểu số II.03b/VPCP/KSTT"
    assert "Đơn vị tính: TTHC, VB" in texts(book["II.03b"])


def test_merged_column_headers_and_the_formula_row(report):
    sheet = unit_workbook(report)["II.06a"]

    received = find(sheet, "Số lượng hồ sơ tiếp nhận")
    top = received.row
    assert merged_range(sheet, received) == f"C{top}:F{top}"  # (3)…(6)
    assert merged_range(sheet, find(sheet, "Trong kỳ")) == f"D{top + 1}:E{top + 1}"  # (4), (5)
    assert merged_range(sheet, find(sheet, "Số lượng hồ sơ đã giải quyết")) == f"G{top}:J{top}"
    assert merged_range(sheet, find(sheet, "Số lượng hồ sơ đang giải quyết")) == f"K{top}:M{top}"
    assert merged_range(sheet, find(sheet, "STT")) == f"A{top}:A{top + 2}"
    assert merged_range(sheet, find(sheet, "Lĩnh vực giải quyết")) == f"B{top}:B{top + 2}"
    assert merged_range(sheet, find(sheet, "Tổng số", column=3)) == f"C{top + 1}:C{top + 2}"
    assert received.alignment.wrap_text and received.font.b
    assert received.border.top.style == "thin"

    numbers = [cell.value for cell in sheet[top + 3]][:13]
    assert numbers[:2] == ["(1)", "(2)"]
    assert numbers[2] == "(3)=(4)+(5)+(6)"
    assert numbers[6] == "(7)=(8)+(9)+(10)"
    assert numbers[10] == "(11)=(12)+(13)"
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["C"].width > 6


def test_sections_have_their_titles_and_ii08_its_sub_headings(report):
    book = unit_workbook(report)

    assert "I. SỐ LƯỢNG TTHC TRIỂN KHAI TẠI BỘ PHẬN MỘT CỬA" in texts(book["II.07b"])
    assert 'II. KẾT QUẢ THỰC HIỆN "4 TẠI CHỖ" TẠI BỘ PHẬN MỘT CỬA CẤP TỈNH, HUYỆN' in texts(book["II.07b"])
    sheet = book["II.08"]
    group_a = find(sheet, "A. DVCTT DO TRUNG ƯƠNG TRIỂN KHAI")
    group_b = find(sheet, "B. DVCTT DO BỘ, CƠ QUAN, UBND TỈNH CHỦ ĐỘNG TRIỂN KHAI")
    assert group_a.row < group_b.row and group_a.font.b
    assert merged_range(sheet, group_a) == f"A{group_a.row}:I{group_a.row}"  # across the table
    assert sheet.cell(group_a.row + 1, 1).value == "I. CẤP TRUNG ƯƠNG"
    assert sheet.cell(group_a.row + 2, 2).value == "Đăng ký mã số"
    assert sheet.cell(group_b.row + 1, 1).value == "I. CẤP TỈNH"
    assert find(sheet, "DVCTT mức độ 3 (một phần)").row == find(sheet, "STT").row


def test_numbers_are_numbers_and_totals_add_up(report):
    book = unit_workbook(report, data_only=True)

    sheet = book["II.06a"]
    row = find(sheet, "Quản lý công sản", column=2).row
    values = [sheet.cell(row, c) for c in range(3, 14)]
    assert [c.value for c in values] == [43, 0, 41, 2, 42, 30, 12, 0, 1, 1, 0]
    for cell in values:
        assert cell.data_type == "n" and type(cell.value) is int and cell.number_format == "#,##0"
    large = book["II.08"].cell(find(book["II.08"], "Đăng ký mã số", column=2).row, 5)
    assert large.value == 1234 and large.number_format == "#,##0"

    checked = 0
    for code in FORM_CODES:
        sheet = book[code]
        form_sections = sections(sheet)
        assert len(form_sections) == len(FORMS[code].sections)
        for (_, rows, _, total), section in zip(form_sections, FORMS[code].sections):
            assert sheet.cell(total, 1).font.b
            for i, column in enumerate(section.columns, 3):
                if column.rate:
                    continue
                assert sheet.cell(total, i).value == sum(sheet.cell(r, i).value for r in rows), (code, column.key)
                checked += 1
    assert checked > 40


def test_rates_are_percentages_blank_when_undefined(report):
    sheet = unit_workbook(report, data_only=True)["II.07b"]
    (_, _, _, _), (_, rows, _, total) = sections(sheet)
    by_label = {sheet.cell(r, 2).value: r for r in rows}

    row = by_label["Quản lý công sản"]
    assert sheet.cell(row, 3).value == 2
    rate = sheet.cell(row, 4)  # (4) = 2 / 6
    assert rate.value == pytest.approx(0.3333) and rate.number_format == "0.00%" and rate.data_type == "n"
    assert sheet.cell(row, 6).value == 0 and sheet.cell(row, 6).number_format == "0.00%"  # 0 / 4
    assert sheet.cell(by_label["Quản lý giá"], 4).value is None  # no TTHC of the level: no rate
    assert sheet.cell(total, 4).value == pytest.approx(0.3333)


def test_page_setup_landscape_fit_to_width_header_repeated(report):
    book = unit_workbook(report)
    for code in FORM_CODES:
        sheet = book[code]
        assert sheet.page_setup.orientation == "landscape"
        assert int(sheet.page_setup.paperSize) == 9  # A4
        # fitToWidth 1 is the default of the format, which XlsxWriter leaves out (openpyxl: None).
        assert sheet.page_setup.fitToWidth in (None, 1) and sheet.page_setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        stt = find(sheet, "STT").row
        number_row = find(sheet, "(1)").row
        assert sheet.print_title_rows == f"${stt}:${number_row}"


# ---------------------------------------------------------------------------------------------
# The province's workbook


def test_consolidated_workbook_has_a_block_per_unit(stc, skhdt, period, good_forms):
    save_report(stc, period, good_forms)
    save_report(skhdt, period, {"II.06a": {"rows": [
        {"linh_vuc": "Thành lập và hoạt động doanh nghiệp", "c4": 100, "c5": 20, "c8": 60, "c9": 50, "c12": 10},
        {"linh_vuc": "Đầu tư tại Việt Nam", "c4": 7, "c9": 7},
    ]}})
    Report.objects.update(status=Report.Status.APPROVED)

    book = workbook_of(xlsx.render(export_document.province_document(consolidate(period))), data_only=True)

    assert book.sheetnames[:6] == FORM_CODES
    sheet = book["II.06a"]
    assert "Đơn vị báo cáo: UBND TỈNH KHÁNH HÒA" in texts(sheet)
    assert "Đơn vị nhận báo cáo: Văn phòng Chính phủ" in texts(sheet)
    first, second = find(sheet, "1. Sở Kế hoạch và Đầu tư"), find(sheet, "2. Sở Tài chính")
    assert first.font.b and first.row < second.row
    assert sheet.cell(first.row + 1, 2).value == "Thành lập và hoạt động doanh nghiệp"
    [(_, rows, subtotals, total)] = sections(sheet)
    assert len(rows) == 4 and len(subtotals) == 2
    assert all(sheet.cell(r, 2).font.b for r in subtotals)
    for column in range(3, 14):
        unit_rows = [[r for r in rows if r < subtotals[0]], [r for r in rows if subtotals[0] < r < subtotals[1]]]
        for block, subtotal in zip(unit_rows, subtotals):
            assert sheet.cell(subtotal, column).value == sum(sheet.cell(r, column).value for r in block)
        assert sheet.cell(total, column).value == sum(sheet.cell(r, column).value for r in subtotals)
    assert sheet.cell(total, 3).value == 43 + 377 + 120 + 7

    with pytest.raises(services.UnusableInput, match="tổng hợp"):
        xlsx.read(saved(book))


# ---------------------------------------------------------------------------------------------
# Reading back: the Excel import


def test_unchanged_workbook_imports_as_the_same_report(report, officer_stc):
    before = report_document(report)
    data = xlsx.render(export_document.unit_document(report))

    document, cell_refs = xlsx.read(data)
    assert (document["format"], document["unit"], document["period"]) == ("tthc-report/1", "STC", "2023-Q3")
    assert cell_refs[("II.06a", "rows", 1, "c5")] == f"II.06a!E{find(workbook_of(data)['II.06a'], 'Quản lý công sản').row}"

    result = services.report_import_xlsx(data=data, actor=officer_stc)

    assert result.ok and result.saved and result.warnings == []
    report.refresh_from_db()
    assert report.version == 2
    after = report_document(report)
    assert after == before
    assert after["narrative"]["I.1"] == "Không có dự thảo văn bản QPPL quy định TTHC."
    assert [r["nhom"] for r in after["forms"]["II.08"]["rows"]] == ["B", "A"]  # the report's own order


def test_edited_figures_and_an_added_row_are_imported(report, officer_stc):
    book = unit_workbook(report)
    sheet = book["II.06a"]
    row = find(sheet, "Quản lý công sản", column=2).row
    sheet.cell(row, 4).value = 3  # (4) online: 0 → 3 …
    sheet.cell(row, 8).value = 33  # … (8) before the deadline: 30 → 33; (3) and (7) left stale
    total = find(sheet, "TỔNG CỘNG").row
    # A new line just above TỔNG CỘNG, as an officer inserts it in Excel (which, unlike openpyxl,
    # moves the merged cells along).
    sheet.unmerge_cells(f"A{total}:B{total}")
    sheet.insert_rows(total)
    sheet.merge_cells(f"A{total + 1}:B{total + 1}")
    sheet.cell(total, 2).value = "Quản lý giá"
    sheet.cell(total, 5).value = 5.0
    sheet.cell(total, 9).value = 5

    result = services.report_import_xlsx(data=saved(book), actor=officer_stc)

    assert result.ok and result.saved, result.as_json()
    rows = report_document(Report.objects.get(pk=report.pk))["forms"]["II.06a"]["rows"]
    assert [r["linh_vuc"] for r in rows] == ["Quản lý công sản", "Đăng ký mã số", "Quản lý giá"]
    assert (rows[0]["c3"], rows[0]["c4"], rows[0]["c7"], rows[0]["c8"]) == (46, 3, 45, 33)
    assert (rows[2]["c3"], rows[2]["c5"], rows[2]["c9"]) == (5, 5, 5)


@pytest.mark.parametrize("value, number_format", [("55%", "General"), (0.55, "0%")])
def test_a_percentage_in_a_count_is_refused_naming_sheet_and_cell(report, officer_stc, value, number_format):
    before = report_document(report)
    book = unit_workbook(report)
    sheet = book["II.06a"]
    row = find(sheet, "Quản lý công sản", column=2).row
    sheet.cell(row, 5).value = value
    sheet.cell(row, 5).number_format = number_format

    result = services.report_import_xlsx(data=saved(book), actor=officer_stc)

    assert not result.ok and not result.saved
    [error] = result.errors
    assert (error.code, error.form, error.section, error.row, error.column) == (
        "value.not_integer", "II.06a", "rows", 1, "c5")
    assert error.message.startswith(
        f'Trang tính II.06a, ô E{row} — Biểu II.06a, dòng "Quản lý công sản", cột (5): "55%" không hợp lệ')
    assert "không nhập tỷ lệ %" in error.message
    report.refresh_from_db()
    assert report.version == 1 and report_document(report) == before


def test_a_missing_label_names_the_label_cell(report, officer_stc):
    book = unit_workbook(report)
    sheet = book["II.06a"]
    row = find(sheet, "Đăng ký mã số", column=2).row
    sheet.cell(row, 2).value = None

    result = services.report_import_xlsx(data=saved(book), actor=officer_stc, dry_run=True)

    assert [e.code for e in result.errors] == ["schema.missing_label"]
    assert result.errors[0].message.startswith(f"Trang tính II.06a, ô B{row} — Biểu II.06a, dòng 2: chưa ghi tên")


def test_workbooks_that_are_not_ours_are_unusable(report, officer_stc, tmp_path):
    other = Workbook()
    other.active["A1"] = "Danh sách cán bộ"
    other.active["B2"] = 12
    ours = unit_workbook(report)
    ours["_tthc"]["B1"] = "tthc-report/9"
    cases = [saved(other), b"khong phai excel", b"PK\x03\x04hong", saved(ours)]
    for data in cases:
        with pytest.raises(services.UnusableInput, match="Tệp Excel không phải biểu mẫu xuất từ cổng báo cáo"):
            services.report_import_xlsx(data=data, actor=officer_stc)
    path = tmp_path / "khac.xlsx"
    path.write_bytes(saved(other))
    with pytest.raises(services.UnusableInput, match="không có trang tính ẩn _tthc"):
        xlsx.read(str(path))
    assert Report.objects.get(pk=report.pk).version == 1


# ---------------------------------------------------------------------------------------------
# import_report FILE.xlsx


def run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def test_import_report_command_reads_xlsx(report, tmp_path):
    book = unit_workbook(report)
    good = tmp_path / "bao_cao.xlsx"
    good.write_bytes(saved(book))

    code, out, err = run("import_report", str(good), "--dry-run", "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out) == {"ok": True, "saved": False, "errors": [], "warnings": []}

    sheet = book["II.06a"]
    row = find(sheet, "Quản lý công sản", column=2).row
    sheet.cell(row, 5).value = "55%"
    bad = tmp_path / "bao_cao_sai.dat"  # recognised by its content
    bad.write_bytes(saved(book))
    code, out, err = run("import_report", str(bad), "--dry-run", "--format", "json")
    assert code == 1
    result = json.loads(out)
    assert not result["ok"] and not result["saved"]
    assert result["errors"][0]["message"].startswith(f"Trang tính II.06a, ô E{row} — ")
    assert (result["errors"][0]["row"], result["errors"][0]["column"]) == (1, "c5")

    other = tmp_path / "khac.xlsx"
    other.write_bytes(saved(Workbook()))
    code, out, err = run("import_report", str(other), "--dry-run", "--format", "json")
    assert (code, out) == (2, "")
    assert "Tệp Excel không phải biểu mẫu xuất từ cổng báo cáo" in err and "\n" not in err.strip()

    code, out, err = run("import_report", str(good), "--user", "stc")
    assert code == 0 and "Đã lưu báo cáo STC — Quý III năm 2023" in out
    assert Report.objects.get(pk=report.pk).version == 2


def test_the_rate_columns_name_the_section_they_divide_by(report):
    sheet = unit_workbook(report)["II.07b"]
    assert find(sheet, "(4)=(3)/(4) mục I") is not None and find(sheet, "(6)=(5)/(5) mục I") is not None
