"""The Excel writer (and reader) of the prepared document (document.py).

`render(document)` lays out one sheet per biểu like the paper form: the header block, then for each
section its title, the merged column headers (tables.HeaderCell), the column-number row with the
formulas, the rows (sub-headings merged across the width, subtotals and TỔNG CỘNG in bold).
Counts are numbers formatted `#,##0`; rates (Column.rate) are fractions formatted `0.00%`.
Computed cells are written as values, not Excel formulas.

`read(file)` reads back a workbook written for a unit's report, so that an officer can fill the
biểu offline and import it (services.report_import_xlsx).

Markers (how the workbook is recognised and read back):

- A hidden sheet `_tthc`: `format` / `unit` / `period` / `kind` as key-value pairs in columns A:B
  (`tthc-report/1` for a unit's report; `tthc-consolidated/1` for the province's, which is not
  read back), then a table `form | section | position | sheet_row | labels` with one line per data
  row: its 1-based position in the section list of the report and its label keys as JSON (for
  II.08 the nhóm and cấp, which the sheet only shows as sub-headings). `sheet_row` is where the row
  was written; it is informative only.
- On each biểu sheet, a hidden column right of the table (TAG_COLUMN_GAP columns after the widest
  section) tags the rows that matter: `tthc:section:<key>` on the column-number row of a section,
  `tthc:row:<key>:<position>` on each data row, `tthc:total:<key>` on its TỔNG CỘNG row. The tags
  move with their rows when the officer inserts or deletes lines in Excel, so reading does not
  depend on row numbers.

Reading a section takes the lines between its column-number row and its TỔNG CỘNG row: a tagged
line is that row of the report (label keys from `_tthc`, the printed label from column B); an
untagged line with a label or a figure is a row the officer added (it takes the hidden label keys
of the row above and is placed after it); empty lines and sub-headings are skipped. Entered cells
are taken as they are held (numbers, or text such as "55%") so that rules.check judges them as it
judges JSON; whole-number floats become ints; a number in a percentage-formatted cell comes back as
the percentage text ("55%") and is refused like a typed one. Computed columns are ignored: the
import recomputes them (an officer who edits (4) offline cannot be expected to update (3)).
"""
import io
import json
import math
import textwrap
from datetime import date, datetime, time

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from ..forms_spec import CAP_LABELS, FORMS

REPORT_FORMAT = "tthc-report/1"
CONSOLIDATED_FORMAT = "tthc-consolidated/1"
MARKER_SHEET = "_tthc"
TAG = "tthc:"
TAG_COLUMN_GAP = 2  # the tag column is this many columns right of the table

FONT_NAME = "Times New Roman"
COUNT_FORMAT = "#,##0"
RATE_FORMAT = "0.00%"
WIDTH_STT, WIDTH_LABEL, WIDTH_NUMBER = 6, 34, 12
LINE_HEIGHT = 15  # points per line of 11-point text

_thin = Side(style="thin")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")


def _font(bold=False, italic=False, size=11):
    return Font(name=FONT_NAME, size=size, bold=bold, italic=italic)


# ---------------------------------------------------------------------------------------------
# Writing


def render(document):
    """The prepared document (document.ExportDocument) as .xlsx bytes."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    marked_rows = []
    for form_export in document.forms:
        sheet = workbook.create_sheet(form_export.spec.code)
        marked_rows += _write_form(sheet, document, form_export)
    _write_marker(workbook.create_sheet(MARKER_SHEET), document, marked_rows)
    workbook.active = 0
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def _write_marker(sheet, document, marked_rows):
    unit = document.kind == "unit"
    pairs = [
        ("format", REPORT_FORMAT if unit else CONSOLIDATED_FORMAT),
        ("unit", document.code if unit else ""),
        ("period", document.period.code),
        ("kind", document.kind),
    ]
    for key, value in pairs:
        sheet.append([key, value])
    sheet.append([])
    sheet.append(["form", "section", "position", "sheet_row", "labels"])
    for form_code, section_key, position, sheet_row, labels in marked_rows:
        sheet.append([form_code, section_key, position, sheet_row, json.dumps(labels, ensure_ascii=False)])
    sheet.sheet_state = "hidden"


def _write_form(sheet, document, form_export):
    """One biểu on its sheet; returns the marker lines of its data rows (unit's report only)."""
    spec, tables = form_export.spec, form_export.tables
    width = max(table.width for table in tables)
    tag_column = width + TAG_COLUMN_GAP
    unit = document.kind == "unit"
    _set_widths(sheet, width)
    sheet.column_dimensions[get_column_letter(tag_column)].hidden = True

    row = _write_header_block(sheet, document, spec, width) + 1  # the next row to write
    marked, title_rows = [], None
    for table in tables:
        row += 1  # a blank line before each section
        if table.section.title:
            _merged(sheet, row, 1, width, table.section.title, _font(bold=True), LEFT, border=False)
            _fit_height(sheet, row, table.section.title, _span_width(sheet, 1, width), bold=True)
            row += 1
        first_header = row
        row = _write_column_headers(sheet, table, row)
        for n, text in enumerate(table.numbers, 1):
            _cell(sheet, row, n, text, _font(italic=True, size=10), CENTER)
        if unit:
            sheet.cell(row, tag_column, f"{TAG}section:{table.section.key}")
        if title_rows is None:
            title_rows = f"{first_header}:{row}"
        row += 1
        for table_row in table.rows:
            for _kind, text in table_row.heading:
                _merged(sheet, row, 1, table.width, text, _font(bold=True), LEFT)
                row += 1
            _write_row(sheet, row, table_row.number, table_row.label, table_row.cells, bold=table_row.kind != "row")
            if unit and table_row.kind == "row":
                position = table_row.index + 1
                sheet.cell(row, tag_column, f"{TAG}row:{table.section.key}:{position}")
                marked.append((spec.code, table.section.key, position, row, table_row.labels))
            row += 1
        if table.total:
            _write_row(sheet, row, None, None, table.total, bold=True)
            _merged(sheet, row, 1, 2, "TỔNG CỘNG", _font(bold=True), CENTER)
            if unit:
                sheet.cell(row, tag_column, f"{TAG}total:{table.section.key}")
            row += 1

    _page_setup(sheet, width, row - 1, title_rows)
    return marked


def _write_header_block(sheet, document, spec, width):
    """Rows 1…7 (the form's header block); returns the last row written."""
    lines = [
        (f"Biểu số {spec.number}", _font(bold=True), LEFT),
        (spec.title, _font(bold=True, size=12), CENTER),
        (f"Kỳ báo cáo: {document.period.label}", _font(bold=True), CENTER),
        (document.period.window_text, _font(italic=True), CENTER),
        (f"Đơn vị báo cáo: {document.agency}", _font(), LEFT),
        (f"Đơn vị nhận báo cáo: {document.receiving}", _font(), LEFT),
        (f"Đơn vị tính: {spec.unit_of_measure}", _font(italic=True), Alignment(horizontal="right", vertical="center")),
    ]
    span = _span_width(sheet, 1, width)
    for row, (text, font, alignment) in enumerate(lines, 1):
        _merged(sheet, row, 1, width, text, font, alignment, border=False)
        _fit_height(sheet, row, text, span, bold=font.b, size=font.sz)
    return len(lines)


def _write_column_headers(sheet, table, top):
    """The merged header cells (tables.header_rows); returns the row after them."""
    occupied = set()
    needs = []  # (first row, rowspan, lines needed)
    for level, header_row in enumerate(table.header):
        row, column = top + level, 1
        for header in header_row:
            while (row, column) in occupied:
                column += 1
            last_row, last_column = row + header.rowspan - 1, column + header.colspan - 1
            _merged(sheet, row, column, last_column, header.text, _font(bold=True), CENTER, last_row=last_row)
            for r in range(row, last_row + 1):
                for c in range(column, last_column + 1):
                    occupied.add((r, c))
            needs.append((row, header.rowspan, _lines(header.text, _span_width(sheet, column, last_column), bold=True)))
            column = last_column + 1
    # Row heights: one-row cells first, then a taller cell spanning rows stretches its last row.
    heights = {top + level: LINE_HEIGHT for level in range(len(table.header))}
    for row, span, lines in needs:
        if span == 1:
            heights[row] = max(heights[row], lines * LINE_HEIGHT)
    for row, span, lines in needs:
        if span > 1:
            have = sum(heights[r] for r in range(row, row + span))
            if lines * LINE_HEIGHT > have:
                heights[row + span - 1] += lines * LINE_HEIGHT - have
    for row, height in heights.items():
        sheet.row_dimensions[row].height = height + 4
    return top + len(table.header)


def _write_row(sheet, row, number, label, cells, bold=False):
    _cell(sheet, row, 1, number if number not in (None, "") else None, _font(bold=bold), CENTER)
    _cell(sheet, row, 2, label or None, _font(bold=bold), LEFT)
    for n, cell in enumerate(cells, 3):
        target = _cell(sheet, row, n, None, _font(bold=bold), RIGHT)
        if cell.column.rate:
            target.value = None if cell.value is None else _fraction(cell.value)
            target.number_format = RATE_FORMAT
        else:
            target.value = cell.value if cell.value not in ("",) else None
            target.number_format = COUNT_FORMAT
    if label:
        _fit_height(sheet, row, label, _span_width(sheet, 2, 2), bold=bold)


def _fraction(percentage):
    """97.45 (a percentage) → 0.9745, shown as 97,45% by the `0.00%` format."""
    return round(percentage / 100, 6)


def _cell(sheet, row, column, value, font, alignment, border=True):
    cell = sheet.cell(row, column)
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        # openpyxl takes a text starting with "=" for a formula: a lĩnh vực "=HYPERLINK(…)" typed
        # by someone must stay text in every workbook, never become a live formula.
        cell.data_type = "s"
    cell.font, cell.alignment = font, alignment
    if border:
        cell.border = BORDER
    return cell


def _merged(sheet, row, first_column, last_column, text, font, alignment, border=True, last_row=None):
    """Text in a merged range; the border set on its first cell is carried to its edges."""
    last_row = last_row or row
    _cell(sheet, row, first_column, text, font, alignment, border)
    if last_column > first_column or last_row > row:
        sheet.merge_cells(start_row=row, start_column=first_column, end_row=last_row, end_column=last_column)


def _set_widths(sheet, width):
    sheet.column_dimensions["A"].width = WIDTH_STT
    sheet.column_dimensions["B"].width = WIDTH_LABEL
    for column in range(3, width + 1):
        sheet.column_dimensions[get_column_letter(column)].width = WIDTH_NUMBER


def _span_width(sheet, first_column, last_column):
    return sum(sheet.column_dimensions[get_column_letter(c)].width or WIDTH_NUMBER
               for c in range(first_column, last_column + 1))


def _lines(text, width, bold=False, size=11):
    """How many lines `text` wraps to in a cell `width` characters wide (an estimate)."""
    per_line = max(int(width * (0.95 if bold else 1.05) * 11 / size) - 1, 4)
    return max(1, len(textwrap.wrap(str(text), per_line)))


def _fit_height(sheet, row, text, width, bold=False, size=11):
    lines = _lines(text, width, bold, size)
    height = lines * LINE_HEIGHT * size / 11 + 3
    current = sheet.row_dimensions[row].height or 0
    if lines > 1 or size > 11:
        sheet.row_dimensions[row].height = max(current, math.ceil(height))


def _page_setup(sheet, width, last_row, title_rows):
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.print_area = f"A1:{get_column_letter(width)}{last_row}"
    if title_rows:
        # The column headers of the (first) section, repeated at the top of each printed page.
        sheet.print_title_rows = title_rows


# ---------------------------------------------------------------------------------------------
# Reading back a unit's report


def read(source):
    """A workbook written by render() for a unit's report → (tthc-report/1 document without
    narrative, cell_refs {(form, section, row, column_key): "II.06a!F12"}).

    `row` is the 1-based position in the document's section list; `column_key` None names the
    row's label cell; `row` None names the section's TỔNG CỘNG row. Raises
    services.UnusableInput when the file is not one of our workbooks."""
    values, formulas = _open(source)
    marker = _marker(values)
    document = {"format": REPORT_FORMAT, "unit": marker["unit"], "period": marker["period"], "forms": {}}
    cell_refs = {}
    for code, form in FORMS.items():
        if code not in values.sheetnames:
            _unusable(f"thiếu trang tính {code}")
        document["forms"][code] = {}
        sheet, formula_sheet = values[code], formulas[code]
        bounds, tagged = _tags(sheet)
        for section in form.sections:
            rows = _read_section(code, section, sheet, formula_sheet, bounds, tagged, marker["labels"])
            document["forms"][code][section.key] = [data for data, _ in rows]
            for n, (_, sheet_row) in enumerate(rows, 1):
                cell_refs[(code, section.key, n, None)] = f"{code}!B{sheet_row}"
                for i, column in enumerate(section.columns, 3):
                    cell_refs[(code, section.key, n, column.key)] = f"{code}!{get_column_letter(i)}{sheet_row}"
            total_row = bounds[("total", section.key)]
            for i, column in enumerate(section.columns, 3):
                cell_refs[(code, section.key, None, column.key)] = f"{code}!{get_column_letter(i)}{total_row}"
    return document, cell_refs


def _unusable(reason):
    from ..services import UnusableInput

    raise UnusableInput(
        f"Tệp Excel không phải biểu mẫu xuất từ cổng báo cáo ({reason}). Hãy tải biểu Excel của báo cáo "
        "từ cổng, điền số liệu vào đó rồi nhập lại."
    )


def _open(source):
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        try:
            with open(source, "rb") as file:
                data = file.read()
        except OSError as error:
            from ..services import UnusableInput

            raise UnusableInput(f"Không đọc được tệp {source}: {error.strerror}.") from None
    if not data.startswith(b"PK"):
        _unusable("không phải tệp .xlsx")
    try:
        values = load_workbook(io.BytesIO(data), data_only=True)
        formulas = load_workbook(io.BytesIO(data), data_only=False)
    except Exception:  # a damaged zip, a zip that is not a workbook, an .xls renamed …
        _unusable("không mở được như một tệp .xlsx")
    return values, formulas


def _marker(workbook):
    if MARKER_SHEET not in workbook.sheetnames:
        _unusable(f"không có trang tính ẩn {MARKER_SHEET}")
    sheet = workbook[MARKER_SHEET]
    pairs, labels, table = {}, {}, False
    for line in sheet.iter_rows(values_only=True):
        line = (*line, None, None, None, None, None)[:5]
        if line[0] == "form" and line[1] == "section":
            table = True
        elif table and line[0]:
            try:
                hidden = json.loads(line[4] or "{}")
                if not isinstance(hidden, dict):
                    raise ValueError("not an object")
                labels[(str(line[0]), str(line[1]), int(line[2]))] = hidden
            except (TypeError, ValueError, RecursionError):
                _unusable(f"trang tính {MARKER_SHEET} bị sửa")
        elif not table and line[0]:
            pairs[str(line[0])] = "" if line[1] is None else str(line[1])
    if pairs.get("format") == CONSOLIDATED_FORMAT:
        from ..services import UnusableInput

        raise UnusableInput(
            "Tệp Excel là báo cáo tổng hợp của tỉnh, không phải báo cáo của một đơn vị: không nhập được."
        )
    if pairs.get("format") != REPORT_FORMAT:
        _unusable(f'trang tính {MARKER_SHEET} không ghi định dạng "{REPORT_FORMAT}"')
    if not pairs.get("unit") or not pairs.get("period"):
        _unusable(f"trang tính {MARKER_SHEET} thiếu mã đơn vị hoặc mã kỳ báo cáo")
    return {"unit": pairs["unit"], "period": pairs["period"], "labels": labels}


def _tags(sheet):
    """From the tag column (found by its `tthc:` texts, wherever the officer's edits moved it):
    ({("section" | "total", key): sheet row}, {sheet row: (section key, position)})."""
    bounds, lines = {}, {}
    for line in sheet.iter_rows():
        for cell in line:
            if isinstance(cell.value, str) and cell.value.startswith(TAG):
                parts = cell.value[len(TAG):].split(":")
                if parts[0] == "row" and len(parts) == 3 and parts[2].isascii() and parts[2].isdigit():
                    lines[cell.row] = (parts[1], int(parts[2]))
                elif parts[0] in ("section", "total") and len(parts) == 2:
                    bounds[(parts[0], parts[1])] = cell.row
    return bounds, lines


def _read_section(code, section, sheet, formula_sheet, bounds, tagged, marker_labels):
    """[(row as in the JSON document, sheet row)] of one section, in the report's order."""
    start, end = bounds.get(("section", section.key)), bounds.get(("total", section.key))
    if start is None or end is None or end <= start:
        _unusable(f"trang tính {code} thiếu dòng số thứ tự cột hoặc dòng TỔNG CỘNG")
    entered = [(i, column) for i, column in enumerate(section.columns, 3) if not column.computed]
    found = []  # (order key, row, sheet row)
    after, added, hidden_labels = 0, 0, {}
    for line in range(start + 1, end):
        label = _label(sheet.cell(line, 2).value)
        figures = {column.key: _entered(sheet.cell(line, i), formula_sheet.cell(line, i)) for i, column in entered}
        tag = tagged.get(line)
        known = tag is not None and tag[0] == section.key
        if known:
            hidden_labels = dict(marker_labels.get((code, section.key, tag[1]), hidden_labels))
        if label is None and all(value is None for value in figures.values()):
            continue  # an empty line, a sub-heading
        labels = {key: hidden_labels.get(key) for key in section.label_keys}
        labels[section.label_key] = _label_value(section, label, labels.get(section.label_key))
        row = {**labels, **{key: value for key, value in figures.items() if value is not None}}
        if known:
            after, added = tag[1], 0
            found.append(((after, 0), row, line))
        else:
            added += 1
            found.append(((after, added), row, line))
    found.sort(key=lambda item: item[0])
    return [(row, line) for _, row, line in found]


def _label(value):
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _label_value(section, printed, hidden):
    """Column (2) as the JSON key it prints: a level label ("Cấp tỉnh") back to its code."""
    if section.label_key != "cap":
        return printed or ""
    if printed is None:
        return hidden
    by_label = {label.casefold(): code for code, label in CAP_LABELS.items()}
    return by_label.get(printed.casefold(), printed)


def _entered(cell, formula_cell):
    """An entered cell as the officer left it, in the terms of the JSON document."""
    value = cell.value
    if value is None:
        formula = formula_cell.value
        return formula if isinstance(formula, str) and formula.startswith("=") else None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        if "%" in (cell.number_format or ""):
            return f"{round(value * 100, 8):g}%"  # a percentage, refused as such by the rules
        return int(value) if isinstance(value, float) and value.is_integer() else value
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return value if isinstance(value, str) else str(value)
