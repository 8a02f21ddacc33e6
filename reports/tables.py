"""The prepared table model of a biểu: header rows, column-number row, data rows, TỔNG CỘNG.

Built from the declarations in forms_spec; the web page renders it, and so will the exports.
"""
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from .compute import complete_form, form_totals
from .formatting import fmt_int, fmt_pct
from .forms_spec import (
    CAP_LABELS,
    FORMS,
    NHOM_LABELS,
    ROMAN,
    abolished_levels,
    abolished_on,
    abolished_since,
    abolished_text,
)


@dataclass
class HeaderCell:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass
class Cell:
    column: object  # forms_spec.Column
    value: object  # as typed (entered) or as computed
    error: str = ""
    warning: str = ""
    changed: bool = False  # differs from the previous submission
    previous: object = None  # …where it read this
    highlight: bool = False  # a value to look at (the annual view: derived ≠ direct)
    # Why the cell takes no figure in this period ("cấp huyện không còn từ 01/07/2025"), "" when it
    # does: the page greys it as "không áp dụng", the exports leave it blank.
    abolished: str = ""

    @property
    def key(self):
        return self.column.key

    @property
    def printed(self):
        """The figure as every page and export prints it: 2.718, a rate 97,45%, nothing for None."""
        value = self.value
        if self.abolished or value is None or value == "":
            return ""
        if self.column.rate:
            return fmt_pct(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return fmt_int(value)
        return str(value)


@dataclass
class Row:
    index: int  # position in the section list, 0-based (names the inputs)
    number: int  # 1-based, printed in column (1) and used in messages
    labels: dict  # label key → value
    label: str  # what column (2) prints
    cells: list
    errors: list = field(default_factory=list)  # row-level errors (no column)
    warnings: list = field(default_factory=list)
    heading: list = field(default_factory=list)  # sub-headings (kind, text) printed before this row
    # "row" a data row; a summary row otherwise: "subtotal" (a unit's block in the consolidation),
    # "derived" / "direct" / "difference" (the annual view).
    kind: str = "row"


@dataclass
class SectionTable:
    form: object
    section: object
    header: list  # rows of HeaderCell
    numbers: list  # "(1)", "(2)", "(3)=(4)+(5)+(6)", …
    rows: list
    total: list  # Cell per column
    blank_row: Row | None = None  # the empty row the page's "Thêm dòng" button copies
    view: str = "report"  # "report", "units" / "linh_vuc" (consolidation), "annual"

    @property
    def width(self):
        return 2 + len(self.section.columns)


def numeric_widths(section, total):
    """`total` (a width in any unit) shared by the columns (3)… of `section` as they print
    (Column.print_width): the Word and PDF exports lay out their tables with it."""
    weights = [column.print_width for column in section.columns]
    return [total * weight / sum(weights) for weight in weights]


def header_rows(form, section):
    """The grouped column headers: outer groups span their columns, a leaf spans the rows below.
    Worked out once per section of the declaration; a new list each time (a view may put another
    cell in it)."""
    return [list(row) for row in _header_rows(form.code, section.key)]


@cache
def _header_rows(form_code, section_key):
    form = FORMS[form_code]
    section = form.section(section_key)
    depth = 1 + max((len(c.groups) for c in section.columns), default=0)
    rows = [[HeaderCell("STT", rowspan=depth), HeaderCell(form.label_header, rowspan=depth)]]
    rows += [[] for _ in range(depth - 1)]
    for level in range(depth):
        previous_path = None
        for column in section.columns:
            if level < len(column.groups):
                path = column.groups[: level + 1]
                if path == previous_path:
                    rows[level][-1].colspan += 1
                else:
                    rows[level].append(HeaderCell(column.groups[level]))
                previous_path = path
            else:
                previous_path = None
                if level == len(column.groups):
                    rows[level].append(HeaderCell(column.label, rowspan=depth - level))
    return tuple(tuple(row) for row in rows)


def header_placements(header):
    """(row, column, rowspan, colspan, text) of each cell of `header` (header_rows), as an HTML table
    places them: the Word and PDF exports draw their grids from it."""
    taken = set()
    placed = []
    for r, header_row in enumerate(header):
        c = 0
        for cell in header_row:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, cell.rowspan, cell.colspan, cell.text))
            taken.update((r + i, c + j) for i in range(cell.rowspan) for j in range(cell.colspan))
            c += cell.colspan
    return placed


def _ordered_08(rows):
    """II.08 prints rows grouped by nhóm, then cấp, each group under its heading."""
    cap_order = list(CAP_LABELS)
    return sorted(rows, key=lambda r: (r.labels.get("nhom") or "Z", cap_order.index(r.labels["cap"])
                                       if r.labels.get("cap") in cap_order else 9, r.index))


def _add_headings_08(rows):
    last_nhom = last_cap = None
    cap_numbers = {}
    for row in rows:
        nhom, cap = row.labels.get("nhom"), row.labels.get("cap")
        if nhom != last_nhom:
            row.heading.append(("group", f"{nhom}. {NHOM_LABELS.get(nhom, '')}"))
            last_nhom, last_cap = nhom, None
            cap_numbers = {}
        if cap != last_cap:
            numeral = ROMAN[len(cap_numbers) % len(ROMAN)]
            cap_numbers[cap] = numeral
            row.heading.append(("level", f"{numeral}. {CAP_LABELS.get(cap, '').upper()}"))
            last_cap = cap
    return rows


def mark_abolished(table, levels):
    """Mark the cells of levels that no longer exist (`levels`: forms_spec.abolished_levels) as not
    entered: no value, the reason kept for the page. A column of such a level (II.07b's cấp huyện)
    is blank in every row, the summary rows and TỔNG CỘNG included; a row that is such a level
    (II.03b's Cấp huyện) is blank, and the total stays the sum of the others."""
    if not levels:
        return table
    rows = [*table.rows, *([table.blank_row] if table.blank_row else [])]  # and the row "Thêm dòng" copies
    # A summary row (a unit's Cộng, the annual view's) and TỔNG CỘNG have no level of their own.
    lines = [(row.labels if row.kind == "row" else {}, row.cells) for row in rows] + [({}, table.total)]
    for labels, cells in lines:
        for cell in cells:
            since = abolished_since(table.section, labels, cell.column, levels)
            if since:
                level = table.section.level_of(labels, cell.column)
                cell.abolished, cell.value = abolished_text(level, since), None
    return table


def build_tables(form_code, raw_form, data_form, issues=(), changes=None, period=None):
    """Tables of one form. `raw_form` is what to show in entered cells (as typed, or whole
    numbers), `data_form` the same rows parsed (for computed cells and totals), `issues` the
    errors and warnings to show next to their cells, `changes` the cells that differ from the
    previous submission (diff.changed_cells), `period` the report's (its levels that no longer
    exist take no figure)."""
    changes = changes or {}
    levels = abolished_levels(period)
    form = FORMS[form_code]
    completed = complete_form(form_code, data_form)
    totals = form_totals(form_code, data_form)
    by_cell = {}
    for issue in issues:
        if issue.form == form_code:
            by_cell.setdefault((issue.section, issue.row, issue.column), []).append(issue)
    tables = []
    for section in form.sections:
        raw_rows = raw_form.get(section.key) or []
        rows = []
        for i, full in enumerate(completed[section.key]):
            raw = raw_rows[i] if i < len(raw_rows) and isinstance(raw_rows[i], dict) else full
            labels = {key: raw.get(key, full.get(key)) for key in section.label_keys}
            identity = tuple(full.get(k) for k in section.label_keys)
            cells = []
            for column in section.columns:
                found = by_cell.get((section.key, i + 1, column.key))
                value = full.get(column.key) if column.computed else raw.get(column.key, 0)
                cell = Cell(column, value, *_texts(found)) if found else Cell(column, value)
                change_key = (form_code, section.key, identity, column.key)
                if change_key in changes:
                    cell.changed, cell.previous = True, changes[change_key]
                cells.append(cell)
            row_issues = by_cell.get((section.key, i + 1, None), [])
            rows.append(Row(
                index=i, number=i + 1, labels=labels, label=section.row_label(labels), cells=cells,
                errors=[_short(x.message) for x in row_issues if x.is_error],
                warnings=[_short(x.message) for x in row_issues if not x.is_error],
            ))
        if "nhom" in section.label_keys:
            rows = _add_headings_08(_ordered_08(rows))
        total = [
            Cell(c, totals[section.key][c.key], *_texts(by_cell.get((section.key, None, c.key), [])))
            for c in section.columns
        ]
        tables.append(mark_abolished(SectionTable(
            form=form, section=section, header=header_rows(form, section),
            numbers=["(1)", "(2)", *(c.formula for c in section.columns)], rows=rows, total=total,
            blank_row=None if section.fixed_caps else _blank_row(section),
        ), levels))
    return tables


def _blank_row(section):
    labels = {key: "" for key in section.label_keys}
    if "nhom" in labels:
        labels.update(nhom="B", cap="tinh")
    return Row(index="__i__", number="", labels=labels, label="",
               cells=[Cell(c, "") for c in section.columns])


def _short(message):
    """The message without its `Biểu …, dòng …, cột (n)` prefix, for display next to the cell."""
    return message.split(": ", 1)[1] if ": " in message else message


def _texts(issues):
    errors = " ".join(_short(i.message) for i in issues if i.is_error)
    warnings = " ".join(_short(i.message) for i in issues if not i.is_error)
    return errors, warnings


# ---------------------------------------------------------------------------------------------
# The province's tables (consolidation.py): one block per unit, by lĩnh vực, the annual view


def _cells(section, values, highlight=()):
    return [Cell(c, values.get(c.key) if values else None, highlight=c.key in highlight) for c in section.columns]


def _numbers(section):
    return ["(1)", "(2)", *(c.formula for c in section.columns)]


def _data_rows(section, completed, start=0):
    """Rows (computed columns already filled) as table rows, numbered 1…n as printed;
    II.08 grouped under its nhóm and cấp headings."""
    rows = [
        Row(index=start + i, number=i + 1, labels={key: full.get(key) for key in section.label_keys},
            label=section.row_label(full), cells=_cells(section, full))
        for i, full in enumerate(completed)
    ]
    if "nhom" in section.label_keys:
        rows = _add_headings_08(_ordered_08(rows))
        for number, row in enumerate(rows, 1):
            row.number = number
    return rows


def _summary_row(index, kind, label, section, values, unit_code="", highlight=()):
    return Row(index=index, number="", labels={"unit": unit_code}, label=label,
               cells=_cells(section, values, highlight), kind=kind)


def build_consolidated_tables(form_code, consolidated):
    """The province's table of each section of a form: per unit, a heading, its rows and a
    `Cộng` subtotal row; the TỔNG CỘNG row of the province. `consolidated` is a
    consolidation.Consolidation."""
    form = FORMS[form_code]
    tables = []
    for section in form.sections:
        part = consolidated.forms[form_code][section.key]
        rows = []
        for n, block in enumerate(part.blocks, 1):
            block_rows = _data_rows(section, block.rows, start=len(rows))
            subtotal = _summary_row(len(rows) + len(block_rows), "subtotal", "Cộng", section, block.subtotal,
                                    block.unit.code)
            first = (block_rows or [subtotal])[0]
            first.heading.insert(0, ("unit", f"{n}. {block.report.printed_unit_name}"))
            rows += [*block_rows, subtotal]
        tables.append(mark_abolished(SectionTable(
            form=form, section=section, header=header_rows(form, section), numbers=_numbers(section),
            rows=rows, total=_cells(section, part.total), view="units",
        ), abolished_levels(consolidated.period)))
    return tables


def build_unit_summary_tables(form_code, consolidated):
    """The province at a glance: one line per unit (its `Cộng`), then TỔNG CỘNG — what a reviewer
    reads first; the blocks of rows are a click away (build_consolidated_tables)."""
    form = FORMS[form_code]
    tables = []
    for section in form.sections:
        part = consolidated.forms[form_code][section.key]
        rows = [
            Row(index=n - 1, number=n, labels={"unit": block.unit.code}, label=block.report.printed_unit_name,
                cells=_cells(section, block.subtotal))
            for n, block in enumerate(part.blocks, 1)
        ]
        header = header_rows(form, section)
        header[0][1] = HeaderCell("Đơn vị", rowspan=header[0][1].rowspan)  # the rows are units here
        tables.append(mark_abolished(SectionTable(
            form=form, section=section, header=header, numbers=_numbers(section),
            rows=rows, total=_cells(section, part.total), view="summary",
        ), abolished_levels(consolidated.period)))
    return tables


def build_linh_vuc_tables(form_code, consolidated):
    """The same sections with each lĩnh vực (cơ quan, cấp) summed across units."""
    form = FORMS[form_code]
    return [
        mark_abolished(SectionTable(
            form=form, section=section, header=header_rows(form, section), numbers=_numbers(section),
            rows=_data_rows(section, consolidated.forms[form_code][section.key].by_linh_vuc),
            total=_cells(section, consolidated.forms[form_code][section.key].total), view="linh_vuc",
        ), abolished_levels(consolidated.period))
        for section in form.sections
    ]


def build_annual_tables(form_code, annual):
    """Section totals of a year: for the province then each unit, the totals derived from the
    quarters, the annual report sent directly, and their difference — differing cells highlighted.
    `annual` is a consolidation.Annual."""
    form = FORMS[form_code]
    tables = []
    for section in form.sections:
        rows = []
        for part in [annual.province, *annual.units]:
            code = part.unit.code if part.unit else ""
            name = part.unit.name if part.unit else "TOÀN TỈNH"
            derived = part.derived[form_code][section.key] if part.derived else None
            direct = part.direct[form_code][section.key] if part.direct else None
            diff = part.differences[form_code][section.key] if part.differences else None
            differing = {key for key, value in (diff or {}).items() if value != 0}
            block = [
                _summary_row(len(rows), "derived",
                             f"Cộng từ các quý ({part.quarters_label})" if part.quarters else "Cộng từ các quý: chưa có quý nào",
                             section, derived, code, differing),
                _summary_row(len(rows) + 1, "direct",
                             "Báo cáo năm" if direct is not None else "Báo cáo năm: chưa có", section, direct, code,
                             differing),
            ]
            if diff is not None:
                block.append(_summary_row(len(rows) + 2, "difference", "Chênh lệch", section, diff, code, differing))
            elif part.unmatched and derived is not None and direct is not None:
                codes = ", ".join(unit.code for unit in part.unmatched)
                block.append(_summary_row(len(rows) + 2, "difference",
                                          f"Chênh lệch: không so sánh được — chỉ có một trong hai loại báo cáo: {codes}",
                                          section, None, code))
            block[0].heading.append(("unit", name))
            rows += block
        tables.append(mark_abolished(SectionTable(
            form=form, section=section, header=header_rows(form, section), numbers=_numbers(section),
            rows=rows, total=[], view="annual",
        ), abolished_on(date(annual.year, 1, 1))))  # every span starts with the year
    return tables
