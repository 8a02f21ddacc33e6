import re
from functools import cache
from html import escape as html_escape

from django import template
from django.utils.safestring import mark_safe

from ..formatting import fmt_int, fmt_pct
from ..forms_spec import CAP_LABELS, NHOM_LABELS
from ..webforms import input_name

register = template.Library()

INVALID = ' aria-invalid="true"'
TOOLS_CELL = '<td class="row-tools"></td>'  # the column of the "×" buttons, not printed


def escape(value):
    """Text made safe for HTML, as Django's escape does it, without its wrapper for lazy strings:
    called for every cell, that wrapper was a third of the cost of a report's rows."""
    return html_escape(str(value))


@register.filter
def vn_int(value):
    """2718 → 2.718 (the template's own localization would also group years and ids)."""
    return fmt_int(value) if isinstance(value, int) else value


@register.filter
def vn_pct(value):
    return fmt_pct(value)


@register.filter
def vn_value(value):
    """A figure of any column as printed: 2.718, 97,45% for a rate, — for nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return fmt_pct(value)
    if isinstance(value, int):
        return fmt_int(value)
    return value


@register.simple_tag
def form_heading(spec, period=None, year=None, note="", reporter=""):
    """The heading of a biểu as the official form prints it above the table, on every page that
    shows one (the report, the consolidation, the annual view): `period` the reporting period (or
    anything with a label and a window_text), else `year`; `note` a word on what the table holds;
    `reporter` the unit that reports, printed with the unit of measure on a line of its own.
    In Python, as the rows: an included template for each biểu cost a tenth of the report page."""
    if period:
        label, window = (period.get(key, "") if isinstance(period, dict) else getattr(period, key)
                         for key in ("label", "window_text"))
        when = f"Kỳ báo cáo: {label} {window}".rstrip()
    else:
        when = f"Năm {year}"
    line = escape(when) + (f" · {escape(note)}" if note else "")
    measure = f"Đơn vị tính: {escape(spec.unit_of_measure)}"
    if reporter:
        under = f'\n  <div class="small">Đơn vị báo cáo: {escape(reporter)} · {measure}</div>'
    else:
        line, under = f"{line} · {measure}", ""
    return mark_safe(
        f'<div class="form-heading text-center mb-2">\n  <div class="small">Biểu số {escape(spec.number)}</div>\n'
        f'  <h2 class="h6 fw-bold mb-1">{escape(spec.title)}</h2>\n  <div class="small">{line}</div>{under}\n</div>')


@register.simple_tag
def download_formats():
    return [("xlsx", "Excel"), ("docx", "Word"), ("pdf", "PDF"), ("json", "JSON")]


def _note_id(name, kind):
    """The id of the error or warning note under an input, for its aria-describedby."""
    return f"{kind}-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)


def _described(notes):
    """aria-describedby linking an input to the notes printed under it (`notes`: ids)."""
    return f' aria-describedby="{" ".join(notes)}"' if notes else ""


@register.simple_tag
def report_row(table, row, editable):
    """One row of a biểu on the report page. Written in Python rather than as an included template:
    a report is hundreds of cells, and the template engine made the page three times slower."""
    return mark_safe(_row_html(table, row, editable))


def _row_html(table, row, editable):
    section = table.section
    form, key, index = table.form.code, section.key, row.index
    # Screen readers hear the row with each cell: "Quản lý công sản, cột (4) Trực tuyến"
    # (report_keys.js renames a row's cells when its label is typed).
    row_name = row.label or (f"Dòng {row.number}" if row.number else "Dòng mới")
    line = f"dòng {row.number}" if row.number else "dòng mới"
    label_name = f"{escape(row_name)}, "
    width = _label_width(row.label) if editable else ""
    out = [f'<tr data-row{_unit_attr(row)}>\n  <td class="stt text-center" data-stt>{escape(row.number)}</td>\n'
           f'  <td class="row-label{width}">']
    if section.fixed_caps:
        out.append(escape(row.label))
        if editable:
            out.append(f'<input type="hidden" name="{input_name(form, key, index, "cap")}" value="{escape(row.labels.get("cap") or "")}">')
    elif editable:
        if "nhom" in section.label_keys:
            nhom = "".join(
                f'<option value="{code}"{" selected" if row.labels.get("nhom") == code else ""}>Nhóm {code}</option>'
                for code in NHOM_LABELS)
            cap = "".join(
                f'<option value="{code}"{" selected" if row.labels.get("cap") == code else ""}>{escape(text)}</option>'
                for code, text in CAP_LABELS.items())
            select = '<select class="form-select form-select-sm" name="{}" aria-label="{}, {}">{}</select>'
            out.append('<div class="d-flex gap-1 mb-1 row-selects">'
                       + select.format(input_name(form, key, index, "nhom"), "Nhóm", line, nhom)
                       + select.format(input_name(form, key, index, "cap"), "Cấp", line, cap) + "</div>")
        if section.label_key == "linh_vuc":
            extra, what = 'list="catalogue" placeholder="Tên lĩnh vực"', "Tên lĩnh vực"
        else:
            extra, what = 'placeholder="Tên cơ quan (Bộ, ngành)"', "Tên cơ quan"
        name = input_name(form, key, index, section.label_key)
        notes = [_note_id(name, "err") + f"-{n}" for n in range(len(row.errors))]
        notes += [_note_id(name, "warn") + f"-{n}" for n in range(len(row.warnings))]
        invalid = INVALID if row.errors else ""
        label = escape(row.label)
        out.append(
            f'<input type="text" class="form-control form-control-sm{" is-invalid" if row.errors else ""}" data-label '
            f'name="{name}" value="{label}" title="{label}" {extra} aria-label="{what}, {line}"'
            f"{invalid}{_described(notes)}>")
    else:
        out.append(escape(row.label))
    name = input_name(form, key, index, section.label_key)
    out += [f'<div class="cell-error text-danger small" id="{_note_id(name, "err")}-{n}">{escape(m)}</div>'
            for n, m in enumerate(row.errors)]
    out += [f'<div class="cell-warning small" id="{_note_id(name, "warn")}-{n}">⚠ {escape(m)}</div>'
            for n, m in enumerate(row.warnings)]
    out.append("</td>")
    for cell in row.cells:
        column = cell.column
        changed = (f' title="Lần gửi trước: {escape(vn_value(cell.previous))}" data-changed' if cell.changed else "")
        name = input_name(form, key, index, cell.key)
        notes, note_ids = "", []
        if cell.error:
            kind = "text-danger small text-start" if column.computed or not editable else "invalid-feedback d-block"
            note_ids.append(_note_id(name, "err"))
            notes += f'<div class="cell-error {kind}" id="{note_ids[-1]}">{escape(cell.error)}</div>'
        if cell.warning:
            note_ids.append(_note_id(name, "warn"))
            notes += (f'<div class="cell-warning small{" text-start" if column.computed else ""}" id="{note_ids[-1]}">'
                      f"⚠ {escape(cell.warning)}</div>")
        if cell.abolished:
            # Nothing to type nor to submit: words, not a box (a narrow column cuts a box's text).
            why = escape(f"Không áp dụng: {cell.abolished}, không nhập số liệu")
            box = (f'<span class="abolished-text" aria-label="{label_name}cột ({column.number}) {escape(column.label)}: '
                   f'{why}"{_described(note_ids)}>không áp dụng</span>')
            out.append(f'<td class="cell-abolished text-center{" table-danger" if cell.error else ""}" '
                       f'data-col="{cell.key}" data-abolished title="{why}">{box}{notes}</td>')
        elif column.computed:
            state = " table-danger" if cell.error else " table-warning" if cell.warning else ""
            formula = _formula_attrs(column)
            out.append(
                f'<td class="computed text-end{state}{" changed" if cell.changed else ""}" data-col="{cell.key}"{changed} '
                f'{formula}><span data-value>{escape(cell.printed)}</span>{notes}</td>')
        elif editable:
            value = "" if cell.value is None else str(cell.value)
            out.append(
                f'<td class="{"table-warning" if cell.warning else ""}{" changed" if cell.changed else ""}"{changed}>'
                f'<input type="text" inputmode="numeric" autocomplete="off" '
                f'class="form-control form-control-sm text-end{" is-invalid" if cell.error else ""}" '
                f'name="{name}" value="{escape(value)}" data-col="{cell.key}" '
                f'aria-label="{label_name}cột ({column.number}) {escape(column.label)}" '
                f'title="({column.number}) {escape(column.counts)}"'
                f"{INVALID if cell.error else ''}{_described(note_ids)}>"
                f"{notes}</td>")
        else:
            out.append(
                f'<td class="text-end{" table-warning" if cell.warning else ""}{" changed" if cell.changed else ""}" '
                f'data-col="{cell.key}"{changed}>{escape(cell.printed)}{notes}</td>')
    if editable:
        remove = ('<button type="button" class="btn btn-sm btn-outline-danger" data-remove-row title="Xóa dòng này" '
                  f'aria-label="Xóa {line}">×</button>') if not section.fixed_caps else ""
        out.append(f'<td class="text-center row-tools">{remove}</td>')
    out.append("</tr>")
    return "".join(out)


def _label_width(label):
    """A class widening the column of names for a long one: an input does not wrap, and two names
    cut after the same 26 letters read alike ("Thành lập và hoạt động của …")."""
    length = len(label or "")
    return " label-wide" if length > 36 else " label-long" if length > 24 else ""


def _formula_attrs(column):
    """What report_form.js recomputes a computed cell from: `data-sum="c4 c5 c6 "`,
    `data-diff="c11 c12"` (the first minus the second), `data-rate="c3 c4 rows"` (over the row with
    the same label in that section) or `data-rate="c4 c3"` (over the same row)."""
    if column.sum_of:
        return f'data-sum="{" ".join(f"c{n}" for n in column.sum_of)} "'
    if column.difference:
        return f'data-diff="{" ".join(f"c{n}" for n in column.difference)}"'
    rate = column.rate
    section = f" {rate.of_section}" if rate.of_section else ""
    return f'data-rate="c{rate.numerator} c{rate.denominator}{section}"'


def _unit_attr(row):
    """The code of the unit a row of the province stands for (a line per unit, a unit's Cộng)."""
    return f' data-unit="{escape(row.labels["unit"])}"' if row.labels.get("unit") else ""


def _summary_row_html(row):
    """A row that sums others, read-only: a unit's `Cộng` in the consolidation; the annual view's
    derived, direct and difference rows, the cells where the two differ highlighted."""
    cells = "".join(
        f'<td class="text-end{" table-danger" if cell.highlight else ""}" data-col="{cell.key}"'
        f'{" data-differs" if cell.highlight else ""}>{escape(cell.printed)}</td>'
        for cell in row.cells)
    return f'<tr class="{row.kind}-row" data-kind="{row.kind}"{_unit_attr(row)}><td></td><td>{escape(row.label)}</td>{cells}</tr>'


@cache
def _head_html(header, numbers, editable):
    """A table's <thead> and the opening <tbody>: the same for every table of a section, made once
    (`header`: its rows of (text, colspan, rowspan))."""
    out = ['<thead class="table-light">']
    for n, row in enumerate(header):
        cells = "".join(f'<th colspan="{colspan}" rowspan="{rowspan}">{escape(text)}</th>' for text, colspan, rowspan in row)
        spare = f'<th class="row-tools" rowspan="{len(header)}"></th>' if editable and n == 0 else ""
        out.append(f"<tr>{cells}{spare}</tr>")
    extra = '<th class="row-tools"></th>' if editable else ""
    numbers = "".join(f"<th>{escape(number)}</th>" for number in numbers)
    out.append(f'<tr class="col-numbers">{numbers}{extra}</tr></thead><tbody>')
    return "".join(out)


@register.simple_tag
def report_table(table, editable=False):
    """A section of a biểu as every page shows it (the report, the consolidation, the annual view):
    grouped headers, the column-number row, the rows, TỔNG CỘNG; on the report page being filled
    (editable) also the column of "×" buttons, the button and the empty row that "Thêm dòng" copies.
    Cells of a level that no longer exists in the report's period (tables.build_tables) are greyed."""
    width = table.width + (1 if editable else 0)
    out = []
    if table.section.title:
        out.append(f'<h3 class="h6 mt-3">{escape(table.section.title)}</h3>')
    out.append('<div class="table-responsive">'
               '<table class="table table-bordered table-sm form-table align-middle" '
               f'data-form="{table.form.code}" data-section="{table.section.key}" data-view="{table.view}">')
    out.append(_head_html(tuple(tuple((c.text, c.colspan, c.rowspan) for c in row) for row in table.header),
                          tuple(table.numbers), editable))
    for row in table.rows:
        # The text in its own box, so that it can stay in view while the table scrolls sideways.
        out += [f'<tr class="heading-{kind}"><td colspan="{width}"><span class="heading-text">'
                f"{escape(text)}</span></td></tr>"
                for kind, text in row.heading]
        out.append(_row_html(table, row, editable) if row.kind == "row" else _summary_row_html(row))
    if not table.rows and not editable:
        out.append(f'<tr><td colspan="{width}" class="text-muted text-center">Không có dòng nào.</td></tr>')
    out.append("</tbody>")
    if table.total:  # the annual view has none
        out.append('<tfoot><tr class="total-row"><td></td><td>TỔNG CỘNG</td>')
        for cell in table.total:
            if cell.abolished:  # the column of a level that no longer exists: blank, greyed, never summed
                why = escape(f"Không áp dụng: {cell.abolished}")
                out.append(f'<td class="cell-abolished" data-total="{cell.key}" data-abolished title="{why}">'
                           '<span data-value></span></td>')
                continue
            rate_attr = f" {_formula_attrs(cell.column)}" if cell.column.rate else ""
            warning = f'<div class="cell-warning small text-start">⚠ {escape(cell.warning)}</div>' if cell.warning else ""
            out.append(f'<td class="text-end{" table-warning" if cell.warning else ""}" data-total="{cell.key}"{rate_attr}>'
                       f"<span data-value>{escape(cell.printed)}</span>{warning}</td>")
        out.append(f"{TOOLS_CELL if editable else ''}</tr></tfoot>")
    out.append("</table></div>")
    if editable and table.blank_row:
        out.append('<button type="button" class="btn btn-sm btn-outline-primary mb-3" data-add-row>+ Thêm dòng</button>'
                   f"<template data-row-template>{_row_html(table, table.blank_row, editable)}</template>")
    return mark_safe("".join(out))
