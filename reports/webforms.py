"""The report page's inputs ↔ the `forms` shape of the JSON document.

Inputs are named `FORM|SECTION|INDEX|KEY` (e.g. `II.06a|rows|3|c4`); rows keep the order of
their index, so a row added in the browser comes last and a removed one simply disappears.
"""
from django import forms

from .document_meta import KEYS as META_KEYS
from .forms_spec import FORMS
from .narrative import KEYS as NARRATIVE_KEYS

SEP = "|"


def _index(text):
    """A row index or row number as typed in a field name: plain digits, not "²" nor 5.000 digits."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 6 else None


def input_name(form_code, section_key, index, key):
    return SEP.join((form_code, section_key, str(index), key))


def error_target(issue):
    """The input an issue is about (its name on the page), or "" when it is about a total or the
    report as a whole: the error list links to it."""
    if not issue.form or not issue.section or not issue.row:
        return ""
    section = FORMS[issue.form].section(issue.section)
    column = issue.column if issue.column in [c.key for c in section.entered] else None
    if column is None and (issue.column or section.fixed_caps):
        return ""  # a computed cell, or a fixed row's label: nothing to type there
    return input_name(issue.form, issue.section, issue.row - 1, column or section.label_key)


def forms_from_post(post):
    rows = {}
    for name in post:
        parts = name.split(SEP)
        if len(parts) != 4 or parts[0] not in FORMS or _index(parts[2]) is None:
            continue
        form_code, section_key, _, key = parts
        index = _index(parts[2])
        if section_key not in [s.key for s in FORMS[form_code].sections]:
            continue
        rows.setdefault((form_code, section_key), {}).setdefault(index, {})[key] = post.get(name)
    raw = {code: {s.key: [] for s in form.sections} for code, form in FORMS.items()}
    for (form_code, section_key), by_index in rows.items():
        raw[form_code][section_key] = [by_index[i] for i in sorted(by_index)]
    return raw


def meta_from_post(post, keys=META_KEYS):
    return {key: post.get(f"meta{SEP}{key}", "") for key in keys}


def narrative_from_post(post):
    return {key: post.get(f"narrative{SEP}{key}", "") for key in NARRATIVE_KEYS}


def explanation_name(issue):
    return SEP.join(("expl", issue.code, issue.form, issue.section or "", str(issue.row or "")))


def explanations_from_post(post):
    explanations = []
    for name in post:
        parts = name.split(SEP)
        if len(parts) == 5 and parts[0] == "expl":
            _, code, form, section, row = parts
            explanations.append({
                "code": code, "form": form, "section": section or None,
                "row": _index(row), "text": post.get(name, ""),
            })
    return explanations


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Tệp Excel (.xlsx) hoặc JSON (tthc-report/1) của báo cáo",
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Lý do", widget=forms.Textarea(attrs={"rows": 3}))
