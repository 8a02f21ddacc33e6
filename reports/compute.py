"""Computed columns and TỔNG CỘNG rows, derived from the declarations in forms_spec.

Works on plain data: a form's data is {section_key: [row, …]} where a row maps label keys
(`linh_vuc`, `cap`, …) and entered column keys (`c4`, …) to values.
"""
from .formatting import percent
from .forms_spec import FORMS


def _fill_row(section, row):
    """Fill a row's sums, differences and same-row rates, in column order (a rate may divide a
    difference declared before it: (14)=(13)/(11))."""
    for column in section.columns:
        if column.sum_of or column.difference:
            row[column.key] = column.value_in(row)
        elif column.rate and column.rate.of_section is None:
            row[column.key] = percent(row.get(f"c{column.rate.numerator}") or 0,
                                      row.get(f"c{column.rate.denominator}"))
    return row


def complete_form(form_code, form_data):
    """Every row of every section of a form with its computed columns filled in."""
    form = FORMS[form_code]
    completed = {}
    for section in form.sections:
        rows = []
        for row in form_data.get(section.key, []):
            rows.append(_fill_row(section, dict(row)))
        completed[section.key] = rows
    # Rates of another section's row with the same label: filled once all sums exist.
    for section in form.sections:
        for column in section.columns:
            if column.rate and column.rate.of_section:
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
    computed columns by their formulas. Sums and differences are linear, so this equals summing
    rows; a rate is the rate of the sums."""
    form = FORMS[form_code]
    totals = {}
    for section in form.sections:
        entered = summed.get(section.key, {})
        row = {c.key: entered.get(c.key) or 0 for c in section.entered}
        totals[section.key] = _fill_row(section, row)
    for section in form.sections:
        for column in section.columns:
            if column.rate and column.rate.of_section:
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
