"""The Excel writer (and reader) of the prepared document (document.py).

`render(document)` lays out one sheet per biểu like the paper form: the header block, then for each
section its title, the merged column headers (tables.HeaderCell), the column-number row with the
formulas, the rows (sub-headings merged across the width, subtotals and TỔNG CỘNG in bold).
Counts are numbers formatted `#,##0`; rates (Column.rate) are fractions formatted `0.00%`.
It writes with XlsxWriter (reading stays openpyxl), each cell format made once per workbook.

Computed cells are Excel formulas carrying their result, so that totals follow a figure changed
offline, and a viewer that does not calculate (a phone's preview, openpyxl with data_only=True)
still shows them. The results written are the table's values (tables.Cell.value, a rate as its
fraction), the figures of the page:

- a sum column in a data row adds its columns of the same row: (3)=(4)+(5)+(6) is `=D12+E12+F12`;
  a difference subtracts them: II.04 (13)=(11)-(12) is `=K12-L12`;
- a rate over a column of the same row (Rate.of_section None) divides within the row, in every
  row, `Cộng` and TỔNG CỘNG alike: II.04 (15)=(4)/(3) is `=IF(C12=0,"",D12/C12)`;
- a rate divides its numerator by the denominator of the row with the same label in section
  `rate.of_section` (as compute.complete_form; in the province's workbook, in the same unit's
  block), blank like the page when that is 0: II.07b mục II (4) is `=IF(D12=0,"",C20/D12)`. With
  no such row the rate has no formula, only its blank;
- TỔNG CỘNG sums each entered and sum column over the section's body (the lines between the
  column-number row and itself): `=SUBTOTAL(9,C12:C20)`. In the province's workbook each unit's
  `Cộng` row sums that unit's rows the same way and TỔNG CỘNG the whole body, subtotals included:
  SUBTOTAL leaves out the cells that are SUBTOTALs themselves, so nothing is counted twice. A unit
  or a section without rows has its plain 0s (there is no empty range to sum);
- a rate in a `Cộng` or TỔNG CỘNG row is the rate of the sums, as compute.complete_totals: the
  row's own numerator over the denominator in the same row of the other section (that unit's
  `Cộng`, or TỔNG CỘNG): `=IF(D15=0,"",C24/D15)`.

Text is always text: every text is written as a string to a workbook that turns no string into a
formula, a link or a number, so a lĩnh vực `=HYPERLINK(…)`, `+1` or `@SUM(A1)` prints as typed.

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
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

import xlsxwriter
import xlsxwriter.worksheet
from django.conf import settings
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from ..errors import InputTooLarge, UnusableInput
from ..formatting import fmt_int, fmt_megabytes
from ..forms_spec import CAP_LABELS, FORMS

REPORT_FORMAT = "tthc-report/1"
CONSOLIDATED_FORMAT = "tthc-consolidated/1"
MARKER_SHEET = "_tthc"
TAG = "tthc:"
TAG_COLUMN_GAP = 2  # the tag column is this many columns right of the table
# What a sheet of a unit's report can reach (_check_sheet): its sections' rows (each row with room
# for a sub-heading), the header block and column headers; the tag column is about column 20.
SHEET_ROWS_PER_ROW, SHEET_ROWS_EXTRA, SHEET_MAX_COLUMNS = 2, 200, 64

FONT_NAME = "Times New Roman"
COUNT_FORMAT = "#,##0"
RATE_FORMAT = "0.00%"
WIDTH_STT, WIDTH_LABEL, WIDTH_NUMBER = 6, 34, 12
WIDTH_MONEY = 20  # đồng up to 10^15: 1.000.000.000.000.000
LINE_HEIGHT = 15  # points per line of 11-point text
# XlsxWriter's set_column(w) stores w plus the cell padding; w × 7 pixels stores w itself.
PIXELS_PER_CHARACTER = 7
# No string becomes a formula, a link or a number, whatever it starts with (=, +, -, @, a tab …).
WORKBOOK_OPTIONS = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                    "strings_to_numbers": False}
# Horizontal alignments; every cell is centred vertically, and wraps unless aligned right.
CENTER, LEFT, RIGHT = "center", "left", "right"


# ---------------------------------------------------------------------------------------------
# Writing


class _FormulaSheet(xlsxwriter.worksheet.Worksheet):
    """XlsxWriter runs some 30 regular expressions over every formula to prefix Excel's newer
    functions (_xlfn.XLOOKUP …): a third of the time of the province's workbook, which holds tens of
    thousands of formulas. Ours use only SUM-like arithmetic, IF and SUBTOTAL, which need none."""

    def _prepare_formula(self, formula, expand_future_functions=False):
        return formula[1:] if formula.startswith("=") else formula


def render(document):
    """The prepared document (document.ExportDocument) as .xlsx bytes."""
    stream = io.BytesIO()
    workbook = xlsxwriter.Workbook(stream, WORKBOOK_OPTIONS)
    style = _styles(workbook)
    marked_rows = []
    for form_export in document.forms:
        sheet = _Sheet(workbook.add_worksheet(form_export.spec.code, worksheet_class=_FormulaSheet), style)
        marked_rows += _write_form(sheet, document, form_export)
        sheet.set_heights()
    _write_marker(workbook.add_worksheet(MARKER_SHEET), document, marked_rows)
    workbook.close()
    return stream.getvalue()


def _styles(workbook):
    """style(align, bold=…, …) → the workbook's Format for it, made on first use only."""
    made = {}

    def style(align, bold=False, italic=False, size=11, border=True, num_format=None):
        key = (bold, italic, size, align, border, num_format)
        if key not in made:
            properties = {"font_name": FONT_NAME, "font_size": size, "bold": bold, "italic": italic,
                          "align": align, "valign": "vcenter", "text_wrap": align != RIGHT, "border": int(border)}
            if num_format:
                properties["num_format"] = num_format
            made[key] = workbook.add_format(properties)
        return made[key]

    return style


def _write_value(worksheet, row, column, value, cell_format=None):
    """A plain value at 0-based (row, column): nothing for None, a text always as a string."""
    if value is None or value == "":
        worksheet.write_blank(row, column, None, cell_format)
    elif isinstance(value, bool):
        worksheet.write_boolean(row, column, value, cell_format)
    elif isinstance(value, (int, float)):
        worksheet.write_number(row, column, value, cell_format)
    else:
        worksheet.write_string(row, column, str(value), cell_format)


class _Sheet:
    """A biểu's worksheet, addressed 1-based like the reader and the marker; row heights are
    gathered while writing (a row takes its tallest text) and set once at the end."""

    def __init__(self, worksheet, style):
        self.worksheet, self.style, self.heights = worksheet, style, {}

    def value(self, row, column, value, cell_format=None):
        _write_value(self.worksheet, row - 1, column - 1, value, cell_format)

    def formula(self, row, column, formula, cell_format, result):
        self.worksheet.write_formula(row - 1, column - 1, formula, cell_format, result)

    def merged(self, row, first_column, last_column, text, cell_format, last_row=None):
        """Text in a merged range (the format, borders included, on each of its cells)."""
        last_row = last_row or row
        if last_column > first_column or last_row > row:
            self.worksheet.merge_range(row - 1, first_column - 1, last_row - 1, last_column - 1, "", cell_format)
        self.worksheet.write_string(row - 1, first_column - 1, text, cell_format)

    def fit_height(self, row, text, width, bold=False, size=11):
        lines = _lines(text, width, bold, size)
        if lines > 1 or size > 11:
            height = lines * LINE_HEIGHT * size / 11 + 3
            self.heights[row] = max(self.heights.get(row, 0), math.ceil(height))

    def set_heights(self):
        for row, height in self.heights.items():
            self.worksheet.set_row(row - 1, height)


def _write_marker(worksheet, document, marked_rows):
    unit = document.kind == "unit"
    lines = [
        ("format", REPORT_FORMAT if unit else CONSOLIDATED_FORMAT),
        ("unit", document.code if unit else ""),
        ("period", document.period.code),
        ("kind", document.kind),
        (),
        ("form", "section", "position", "sheet_row", "labels"),
        *((form_code, section_key, position, sheet_row, json.dumps(labels, ensure_ascii=False))
          for form_code, section_key, position, sheet_row, labels in marked_rows),
    ]
    for row, line in enumerate(lines):
        for column, value in enumerate(line):
            _write_value(worksheet, row, column, value)
    worksheet.hide()


@dataclass
class _Placed:
    """Where a section's table goes on its sheet (1-based rows), and what its formulas look up."""

    table: object  # tables.SectionTable
    title: int | None  # the section title's row
    header: int  # the first row of the column headers
    rows: list  # the sheet row of each table row
    total: int | None  # the TỔNG CỘNG row
    blocks: list  # the unit's block of each table row (province); all 0 in a unit's workbook
    columns: dict = field(init=False)  # column number → sheet column
    by_label: dict = field(init=False)  # (block, label) → sheet row of the data row (the last)
    subtotals: dict = field(init=False)  # block → sheet row of its `Cộng`
    block_rows: dict = field(init=False)  # block → sheet rows of its data rows

    def __post_init__(self):
        section = self.table.section
        self.columns = {column.number: n for n, column in enumerate(section.columns, 3)}
        self.by_label, self.subtotals, self.block_rows = {}, {}, {}
        for table_row, row, block in zip(self.table.rows, self.rows, self.blocks):
            if table_row.kind == "row":
                self.by_label[(block, table_row.labels.get(section.label_key))] = row
                self.block_rows.setdefault(block, []).append(row)
            elif table_row.kind == "subtotal":
                self.subtotals[block] = row

    @property
    def numbers(self):
        """The column-number row."""
        return self.header + len(self.table.header)


def _place(tables, row):
    """Where each section table goes, from the row after `row` on; returns (placed, the last row).
    Placed before anything is written: a rate refers to cells of another section."""
    placed = []
    for table in tables:
        row += 2  # a blank line before each section
        title = row if table.section.title else None
        header = row + 1 if title else row
        row = header + len(table.header)  # the column-number row
        rows, blocks, block = [], [], 0
        for table_row in table.rows:
            row += 1 + len(table_row.heading)  # sub-headings first
            rows.append(row)
            blocks.append(block)
            block += table_row.kind == "subtotal"  # a unit's block ends with its `Cộng`
        total = row + 1 if table.total else None
        row = total or row
        placed.append(_Placed(table, title, header, rows, total, blocks))
    return placed, row


def _write_form(sheet, document, form_export):
    """One biểu on its sheet; returns the marker lines of its data rows (unit's report only)."""
    spec, tables, style = form_export.spec, form_export.tables, sheet.style
    width = max(table.width for table in tables)
    tag_column = width + TAG_COLUMN_GAP
    unit = document.kind == "unit"
    _set_widths(sheet.worksheet, width)
    for column in sorted({n for table in tables for n, c in enumerate(table.section.columns, 3) if c.money}):
        sheet.worksheet.set_column_pixels(column - 1, column - 1, WIDTH_MONEY * PIXELS_PER_CHARACTER)
    sheet.worksheet.set_column(tag_column - 1, tag_column - 1, None, None, {"hidden": True})

    placed, last_row = _place(tables, _write_header_block(sheet, document, spec, width))
    by_section = {part.table.section.key: part for part in placed}
    marked = []
    for part in placed:
        table, key = part.table, part.table.section.key
        if part.title:
            sheet.merged(part.title, 1, width, table.section.title, style(LEFT, bold=True, border=False))
            sheet.fit_height(part.title, table.section.title, _span_width(1, width), bold=True)
        _write_column_headers(sheet, table, part.header)
        for n, text in enumerate(table.numbers, 1):
            sheet.value(part.numbers, n, text, style(CENTER, italic=True, size=10))
        if unit:
            sheet.value(part.numbers, tag_column, f"{TAG}section:{key}")
        for at, (table_row, row) in enumerate(zip(table.rows, part.rows)):
            for offset, (_kind, text) in enumerate(table_row.heading, row - len(table_row.heading)):
                sheet.merged(offset, 1, table.width, text, style(LEFT, bold=True))
            bold = table_row.kind != "row"
            sheet.value(row, 1, table_row.number, style(CENTER, bold=bold))
            sheet.value(row, 2, table_row.label, style(LEFT, bold=bold))
            if table_row.label:
                sheet.fit_height(row, table_row.label, WIDTH_LABEL, bold=bold)
            _write_figures(sheet, row, table_row.cells, [_formula(part, by_section, c.column, at) for c in table_row.cells],
                           bold)
            if unit and table_row.kind == "row":
                position = table_row.index + 1
                sheet.value(row, tag_column, f"{TAG}row:{key}:{position}")
                marked.append((spec.code, key, position, row, table_row.labels))
        if part.total:
            sheet.merged(part.total, 1, 2, "TỔNG CỘNG", style(CENTER, bold=True))
            _write_figures(sheet, part.total, table.total,
                           [_formula(part, by_section, c.column, None) for c in table.total], bold=True)
            if unit:
                sheet.value(part.total, tag_column, f"{TAG}total:{key}")

    first = placed[0]
    _page_setup(sheet.worksheet, width, last_row, (first.header, first.numbers))
    return marked


def _write_header_block(sheet, document, spec, width):
    """Rows 1…7 (the form's header block); returns the last row written."""
    lines = [
        (f"Biểu số {spec.number}", LEFT, {"bold": True}),
        (spec.title, CENTER, {"bold": True, "size": 12}),
        (f"Kỳ báo cáo: {document.period.label}", CENTER, {"bold": True}),
        (document.period.window_text, CENTER, {"italic": True}),
        (f"Đơn vị báo cáo: {document.agency}", LEFT, {}),
        (f"Đơn vị nhận báo cáo: {document.receiving}", LEFT, {}),
        (f"Đơn vị tính: {spec.unit_of_measure}", RIGHT, {"italic": True}),
    ]
    span = _span_width(1, width)
    for row, (text, align, font) in enumerate(lines, 1):
        sheet.merged(row, 1, width, text, sheet.style(align, border=False, **font))
        sheet.fit_height(row, text, span, bold=font.get("bold", False), size=font.get("size", 11))
    return len(lines)


def _write_column_headers(sheet, table, top):
    """The merged header cells (tables.header_rows), from row `top` on."""
    cell_format = sheet.style(CENTER, bold=True)
    occupied = set()
    needs = []  # (first row, rowspan, lines needed)
    for level, header_row in enumerate(table.header):
        row, column = top + level, 1
        for header in header_row:
            while (row, column) in occupied:
                column += 1
            last_row, last_column = row + header.rowspan - 1, column + header.colspan - 1
            sheet.merged(row, column, last_column, header.text, cell_format, last_row=last_row)
            for r in range(row, last_row + 1):
                for c in range(column, last_column + 1):
                    occupied.add((r, c))
            needs.append((row, header.rowspan, _lines(header.text, _span_width(column, last_column), bold=True)))
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
        sheet.heights[row] = height + 4


def _write_figures(sheet, row, cells, formulas, bold):
    """Columns (3)… of a row: each cell's value, or its formula (None: none) with the value as
    its result."""
    count = sheet.style(RIGHT, bold=bold, num_format=COUNT_FORMAT)
    rate = sheet.style(RIGHT, bold=bold, num_format=RATE_FORMAT)
    for column, (cell, formula) in enumerate(zip(cells, formulas), 3):
        if cell.column.rate:
            value, cell_format = None if cell.value is None else _fraction(cell.value), rate
        else:
            value, cell_format = cell.value, count
        if formula and not cell.abolished:  # a level that no longer exists: blank
            sheet.formula(row, column, formula, cell_format, "" if value is None else value)
        else:
            sheet.value(row, column, value, cell_format)


def _formula(part, by_section, column, at):
    """The formula of a cell of `column` in table row `at` of `part` (None: its TỔNG CỘNG row), or
    None for an entered cell of a data row and wherever there is nothing to refer to (see the
    module docstring)."""
    kind = "total" if at is None else part.table.rows[at].kind
    row = part.total if at is None else part.rows[at]
    if column.rate and column.rate.of_section is None:  # over a column of the same row
        if kind not in ("row", "subtotal", "total"):
            return None
        numerator = _ref(part.columns[column.rate.numerator], row)
        denominator = _ref(part.columns[column.rate.denominator], row)
        return f'=IF({denominator}=0,"",{numerator}/{denominator})'
    if column.rate:
        other = by_section[column.rate.of_section]
        if kind == "row":
            label = part.table.rows[at].labels.get(part.table.section.label_key)
            base = other.by_label.get((part.blocks[at], label))
        elif kind == "subtotal":
            base = other.subtotals.get(part.blocks[at])
        else:
            base = other.total if kind == "total" else None
        if base is None:
            return None
        numerator = _ref(part.columns[column.rate.numerator], row)
        denominator = _ref(other.columns[column.rate.denominator], base)
        return f'=IF({denominator}=0,"",{numerator}/{denominator})'
    if kind == "row":
        if column.difference:
            return "=" + "-".join(_ref(part.columns[n], row) for n in column.difference)
        return "=" + "+".join(_ref(part.columns[n], row) for n in column.sum_of) if column.sum_of else None
    if kind == "subtotal":
        rows = part.block_rows.get(part.blocks[at])
        first, last = (rows[0], rows[-1]) if rows else (None, None)
    elif kind == "total":
        first, last = part.numbers + 1, part.total - 1
    else:
        return None
    if first is None or last < first:
        return None
    letter = get_column_letter(part.columns[column.number])
    return f"=SUBTOTAL(9,{letter}{first}:{letter}{last})"


def _ref(column, row):
    return f"{get_column_letter(column)}{row}"


def _fraction(percentage):
    """97.45 (a percentage) → 0.9745, shown as 97,45% by the `0.00%` format."""
    return round(percentage / 100, 6)


def _column_width(column):
    return WIDTH_STT if column == 1 else WIDTH_LABEL if column == 2 else WIDTH_NUMBER


def _set_widths(worksheet, width):
    for column in range(1, width + 1):
        worksheet.set_column_pixels(column - 1, column - 1, _column_width(column) * PIXELS_PER_CHARACTER)


def _span_width(first_column, last_column):
    return sum(_column_width(c) for c in range(first_column, last_column + 1))


def _lines(text, width, bold=False, size=11):
    """How many lines `text` wraps to in a cell `width` characters wide (an estimate)."""
    per_line = max(int(width * (0.95 if bold else 1.05) * 11 / size) - 1, 4)
    return max(1, len(textwrap.wrap(str(text), per_line)))


def _page_setup(worksheet, width, last_row, title_rows):
    worksheet.set_landscape()
    worksheet.set_paper(9)  # A4
    worksheet.fit_to_pages(1, 0)  # one page wide, as many long as it takes
    worksheet.center_horizontally()
    worksheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    worksheet.print_area(0, 0, last_row - 1, width - 1)
    # The column headers of the first section, repeated at the top of each printed page.
    worksheet.repeat_rows(title_rows[0] - 1, title_rows[1] - 1)


# ---------------------------------------------------------------------------------------------
# Reading back a unit's report


def read(source):
    """A workbook written by render() for a unit's report → (tthc-report/1 document without
    narrative, cell_refs {(form, section, row, column_key): "II.06a!F12"}).

    `row` is the 1-based position in the document's section list; `column_key` None names the
    row's label cell; `row` None names the section's TỔNG CỘNG row. Raises
    errors.UnusableInput when the file is not one of our workbooks."""
    values, formulas = _open(source)
    marker = _marker(values)
    document = {"format": REPORT_FORMAT, "unit": marker["unit"], "period": marker["period"], "forms": {}}
    cell_refs = {}
    for code, form in FORMS.items():
        if code not in values.sheetnames:
            _unusable(f"thiếu trang tính {code}")
        document["forms"][code] = {}
        sheet, formula_sheet = values[code], formulas[code]
        _check_sheet(code, sheet)
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
            raise UnusableInput(f"Không đọc được tệp {source}: {error.strerror}.") from None
    if not data.startswith(b"PK"):
        _unusable("không phải tệp .xlsx")
    _check_archive(data)
    try:
        values = load_workbook(io.BytesIO(data), data_only=True)
        formulas = load_workbook(io.BytesIO(data), data_only=False)
    except Exception:  # a damaged zip, a zip that is not a workbook, an .xls renamed …
        _unusable("không mở được như một tệp .xlsx")
    return values, formulas


def _check_archive(data):
    """Refuse, before opening it, a workbook larger than any report once unzipped (XLSX_MAX_UNZIPPED_BYTES,
    XLSX_MAX_PARTS): a 1 MiB file can hold a 1 GiB text. Python's zipfile never unzips more than the
    sizes the archive declares, so the declared sizes bound what load_workbook reads."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        _unusable("không mở được như một tệp .xlsx")
    limit = settings.XLSX_MAX_UNZIPPED_BYTES
    if len(parts) > settings.XLSX_MAX_PARTS:
        raise InputTooLarge(f"Tệp Excel gồm {fmt_int(len(parts))} phần, quá giới hạn {fmt_int(settings.XLSX_MAX_PARTS)} "
                            "phần của một biểu báo cáo: không mở.")
    unzipped = sum(part.file_size for part in parts)
    if unzipped > limit:
        raise InputTooLarge(f"Tệp Excel khi giải nén lớn {fmt_megabytes(unzipped)}, quá giới hạn {fmt_megabytes(limit)} "
                            "của một biểu báo cáo: không mở. Hãy tải biểu Excel của báo cáo từ cổng rồi điền vào đó.")


def _check_sheet(code, sheet):
    """Refuse a sheet reaching further than a report can (a cell on row 1 000 000 000 makes every
    row up to it exist for openpyxl) before reading it row by row."""
    max_rows = settings.IMPORT_MAX_ROWS * SHEET_ROWS_PER_ROW + SHEET_ROWS_EXTRA
    if sheet.max_row > max_rows or sheet.max_column > SHEET_MAX_COLUMNS:
        raise InputTooLarge(
            f"Trang tính {code} dùng tới dòng {fmt_int(sheet.max_row)}, cột {fmt_int(sheet.max_column)}: quá giới hạn "
            f"{fmt_int(max_rows)} dòng, {SHEET_MAX_COLUMNS} cột của một biểu báo cáo (mỗi phần tối đa "
            f"{fmt_int(settings.IMPORT_MAX_ROWS)} dòng): không nhập.")


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
        if len(found) == settings.IMPORT_MAX_ROWS:
            raise InputTooLarge(f"Trang tính {code}: phần “{section.title or section.key}” có hơn "
                                f"{fmt_int(settings.IMPORT_MAX_ROWS)} dòng, quá giới hạn của một phần: không nhập.")
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
