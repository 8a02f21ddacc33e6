"""The report as JSON (`tthc-report/1`, interchange.md): written by the export, read by the import."""
from .compute import complete_form
from .forms_spec import FORMS
from .narrative import KEYS as NARRATIVE_KEYS
from .rules import ERROR, Issue
from .selectors import report_forms

FORMAT = "tthc-report/1"
TOP_KEYS = ("format", "unit", "period", "forms", "narrative", "explanations")
EXPLANATION_KEYS = ("code", "form", "section", "row", "text")


def forms_document(data):
    """Forms data → the `forms` object, each row with its computed columns, in column order."""
    document = {}
    for code, form in FORMS.items():
        completed = complete_form(code, data[code])
        document[code] = {
            section.key: [
                {**{key: row.get(key) for key in section.label_keys}, **{c.key: row[c.key] for c in section.columns}}
                for row in completed[section.key]
            ]
            for section in form.sections
        }
    return document


def report_document(report, data=None):
    """The report as tthc-report/1; `data` (its forms, as just saved) spares reading them back."""
    return {
        "format": FORMAT,
        "unit": report.unit.code,
        "period": report.period.code,
        "forms": forms_document(report_forms(report) if data is None else data),
        "narrative": dict(report.narrative),
        "explanations": [dict(e) for e in report.explanations],
    }


def _schema_error(code, message):
    return Issue(code, ERROR, None, None, None, None, message)


def document_errors(document):
    """Errors of the document's own structure (not of its figures): unknown keys, wrong types."""
    errors = []
    for key in document:
        if key not in TOP_KEYS:
            errors.append(_schema_error("schema.unknown_key", f'Khóa "{key}" không có trong định dạng {FORMAT}'))
    narrative = document.get("narrative") or {}
    if not isinstance(narrative, dict):
        errors.append(_schema_error("schema.invalid", '"narrative" phải là một đối tượng JSON'))
    else:
        for key, text in narrative.items():
            if key not in NARRATIVE_KEYS:
                errors.append(_schema_error(
                    "schema.unknown_key",
                    f'Báo cáo không có mục "{key}" (các mục: {", ".join(NARRATIVE_KEYS)})'))
            elif not isinstance(text, (str, type(None))):
                errors.append(_schema_error("schema.invalid", f'Mục "{key}" của báo cáo phải là văn bản'))
    explanations = document.get("explanations") or []
    if not isinstance(explanations, list) or not all(isinstance(e, dict) for e in explanations):
        errors.append(_schema_error("schema.invalid", '"explanations" phải là một danh sách đối tượng'))
    else:
        for n, item in enumerate(explanations, 1):
            for key in item:
                if key not in EXPLANATION_KEYS:
                    errors.append(_schema_error("schema.unknown_key", f'Giải trình thứ {n}: khóa "{key}" không hợp lệ'))
    return errors
