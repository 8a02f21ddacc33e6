from django import template

from ..formatting import fmt_int, fmt_pct
from ..webforms import input_name

register = template.Library()


@register.filter
def vn_int(value):
    """2718 → 2.718 (the template's own localization would also group years and ids)."""
    return fmt_int(value) if isinstance(value, int) else value


@register.filter
def vn_pct(value):
    return fmt_pct(value)


@register.simple_tag
def cell_name(table, row, key):
    return input_name(table.form.code, table.section.key, row.index, key)


@register.simple_tag
def template_name(table, key):
    """Input name inside the <template> of a new row; the script replaces __i__ by a fresh index."""
    return input_name(table.form.code, table.section.key, "__i__", key)


@register.filter
def entered_value(value):
    """What an entered cell shows: the text as typed, or the whole number without grouping."""
    if value is None:
        return ""
    return str(value)


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
def download_formats():
    return [("xlsx", "Excel"), ("docx", "Word"), ("pdf", "PDF"), ("json", "JSON")]
