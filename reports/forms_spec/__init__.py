"""The four biểu of Thông tư 01/2020/TT-VPCP, each declared once (see base.py)."""
from . import ii_03b, ii_06a, ii_07b, ii_08
from .base import CAP_LABELS, NHOM_LABELS, ROMAN, Column, FormSpec, Rate, Section
from .levels import abolished_levels, abolished_since, abolished_text

FORMS: dict[str, FormSpec] = {f.code: f for f in (ii_03b.FORM, ii_06a.FORM, ii_07b.FORM, ii_08.FORM)}


def all_sections():
    """(form, section) for every section of every form, in printing order."""
    return [(form, section) for form in FORMS.values() for section in form.sections]


__all__ = ["CAP_LABELS", "FORMS", "NHOM_LABELS", "ROMAN", "Column", "FormSpec", "Rate", "Section", "abolished_levels",
           "abolished_since", "abolished_text", "all_sections"]
