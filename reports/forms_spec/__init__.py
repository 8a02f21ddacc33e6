"""The six biểu of Thông tư 01/2020/TT-VPCP, each declared once (see base.py)."""
from . import ii_03b, ii_04, ii_05a, ii_06a, ii_07b, ii_08
from .base import CAP_LABELS, NHOM_LABELS, ROMAN, Column, FormSpec, Rate, Section
from .levels import abolished_levels, abolished_on, abolished_since, abolished_text

FORMS: dict[str, FormSpec] = {f.code: f for f in (ii_03b.FORM, ii_04.FORM, ii_05a.FORM, ii_06a.FORM, ii_07b.FORM, ii_08.FORM)}


def all_sections():
    """(form, section) for every section of every form, in printing order."""
    return [(form, section) for form in FORMS.values() for section in form.sections]


def stock_text():
    """Which columns a span of quarters reads at one end rather than summing (Column.stock), as the
    annual page says it: `cột (6) Biểu II.06a, … lấy ở quý đầu tiên; cột (11) Biểu II.03b, … lấy ở
    quý cuối cùng`."""
    parts = []
    for end, where in (("first", "quý đầu tiên"), ("last", "quý cuối cùng")):
        found = []
        for form in FORMS.values():
            numbers = sorted({c.number for s in form.sections for c in s.entered if c.stock == end})
            if numbers:
                found.append(f"cột {', '.join(f'({n})' for n in numbers)} Biểu {form.code}")
        if found:
            parts.append(f"{', '.join(found)} lấy ở {where}")
    return "; ".join(parts)


__all__ = ["CAP_LABELS", "FORMS", "NHOM_LABELS", "ROMAN", "Column", "FormSpec", "Rate", "Section", "abolished_levels",
           "abolished_on", "abolished_since", "abolished_text", "all_sections", "stock_text"]
