"""The report page's inputs ↔ the `forms` shape of the JSON document.

Inputs are named `FORM|SECTION|INDEX|KEY` (e.g. `II.06a|rows|3|c4`); rows keep the order of
their index, so a row added in the browser comes last and a removed one simply disappears.
"""
from django import forms

from .forms_spec import FORMS
from .narrative import KEYS as NARRATIVE_KEYS

SEP = "|"


def input_name(form_code, section_key, index, key):
    return SEP.join((form_code, section_key, str(index), key))


def forms_from_post(post):
    rows = {}
    for name in post:
        parts = name.split(SEP)
        if len(parts) != 4 or parts[0] not in FORMS or not parts[2].isdigit():
            continue
        form_code, section_key, index, key = parts
        if section_key not in [s.key for s in FORMS[form_code].sections]:
            continue
        rows.setdefault((form_code, section_key), {}).setdefault(int(index), {})[key] = post.get(name)
    raw = {code: {s.key: [] for s in form.sections} for code, form in FORMS.items()}
    for (form_code, section_key), by_index in rows.items():
        raw[form_code][section_key] = [by_index[i] for i in sorted(by_index)]
    return raw


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
                "row": int(row) if row.isdigit() else None, "text": post.get(name, ""),
            })
    return explanations


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Tệp Excel (.xlsx) hoặc JSON (tthc-report/1) của báo cáo",
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Lý do", widget=forms.Textarea(attrs={"rows": 3}))
