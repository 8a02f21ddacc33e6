"""Computed columns and TỔNG CỘNG rows, derived from the declarations in forms_spec.

Works on plain data: a form's data is {section_key: [row, …]} where a row maps label keys
(`linh_vuc`, `cap`, …) and entered column keys (`c4`, …) to values.
"""
from .formatting import percent
from .forms_spec import FORMS


def _sum_column(column, row):
    return sum(row.get(f"c{n}") or 0 for n in column.sum_of)


def complete_form(form_code, form_data):
    """Every row of every section of a form with its computed columns filled in."""
    form = FORMS[form_code]
    completed = {}
    for section in form.sections:
        rows = []
        for row in form_data.get(section.key, []):
            full = dict(row)
            for column in section.columns:
                if column.sum_of:
                    full[column.key] = _sum_column(column, full)
            rows.append(full)
        completed[section.key] = rows
    # Rates refer to another section's row with the same label: fill them once all sums exist.
    for section in form.sections:
        for column in section.columns:
            if column.rate:
                other = section_index(form.section(column.rate.of_section), completed[column.rate.of_section])
                for full in completed[section.key]:
                    base = other.get(full.get(section.label_key))
                    denominator = base.get(f"c{column.rate.denominator}") if base else None
                    full[column.key] = percent(full.get(f"c{column.rate.numerator}") or 0, denominator)
    return completed


def section_index(section, rows):
    """Rows of a section by their label (the lĩnh vực), for cross-section lookups."""
    return {row.get(section.label_key): row for row in rows}


def form_totals(form_code, form_data):
    """The TỔNG CỘNG row of each section of a form: {section_key: {column_key: value}}."""
    form = FORMS[form_code]
    summed = {
        section.key: {c.key: sum(row.get(c.key) or 0 for row in form_data.get(section.key, [])) for c in section.entered}
        for section in form.sections
    }
    return complete_totals(form_code, summed)


def complete_totals(form_code, summed):
    """Totals from sums of entered columns only (as the database returns them): fill the
    computed columns by their formulas. Sum columns are linear, so this equals summing rows."""
    form = FORMS[form_code]
    totals = {}
    for section in form.sections:
        entered = summed.get(section.key, {})
        row = {c.key: entered.get(c.key) or 0 for c in section.entered}
        for column in section.columns:
            if column.sum_of:
                row[column.key] = _sum_column(column, row)
        totals[section.key] = row
    for section in form.sections:
        for column in section.columns:
            if column.rate:
                totals[section.key][column.key] = percent(
                    totals[section.key][f"c{column.rate.numerator}"],
                    totals[column.rate.of_section][f"c{column.rate.denominator}"],
                )
    return totals


def rates_06a(total):
    """The two rates shown beside II.06a (not stored), from a TỔNG CỘNG (or any) row:
    online = (4)/((4)+(5)); on time = ((8)+(9))/(7). None when undefined."""
    return {
        "online": percent(total["c4"], total["c4"] + total["c5"]),
        "on_time": percent(total["c8"] + total["c9"], total["c7"]),
    }
