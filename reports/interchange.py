"""The report as JSON (`tthc-report/1`, interchange.md): written by the export, read by the import."""
import json

from django.conf import settings

from tthc_portal.text import clean as stored_text

from .compute import complete_form
from .errors import InputTooLarge, UnusableInput
from .formatting import fmt_int
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


# A tthc-report/1 document nests five deep (forms → form → section → rows → row); twenty leaves
# room for what a person may add, and keeps every reader of the document off Python's recursion limit.
MAX_DEPTH = 20


def parse_json(content, name="Tệp"):
    """The document a JSON file holds, its text as the portal stores it (tthc_portal.text), or
    UnusableInput saying in plain words what is wrong with the file."""
    try:
        # utf-8-sig: files saved by Windows editors often start with a BOM.
        text = bytes(content).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnusableInput(f"{name} không đọc được: không phải JSON (văn bản UTF-8) hay Excel (.xlsx).") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise UnusableInput(f"{name} không phải JSON hợp lệ: sai cú pháp ở dòng {error.lineno}, cột {error.colno}.") from None
    except RecursionError:
        raise UnusableInput(f"{name} là JSON lồng nhau quá sâu (một báo cáo chỉ lồng {MAX_DEPTH} cấp là nhiều nhất).") from None
    except ValueError:  # int() refuses more than sys.get_int_max_str_digits() digits
        raise UnusableInput(f"{name} có một con số dài hàng nghìn chữ số: không phải số liệu của báo cáo.") from None
    return _cleaned(document, name)


def _cleaned(document, name):
    """The document with every text (keys included) as stored; iterative, so that no depth of
    nesting reaches the recursion limit."""
    def clean(value):
        return stored_text(value) if isinstance(value, str) else value

    root = [clean(document)]
    stack = [(root, 0, 0)]
    while stack:
        container, key, depth = stack.pop()
        value = container[key]
        if isinstance(value, (dict, list)) and depth >= MAX_DEPTH:
            raise UnusableInput(f"{name} là JSON lồng nhau quá sâu (một báo cáo chỉ lồng {MAX_DEPTH} cấp là nhiều nhất).")
        if isinstance(value, dict):
            value = container[key] = {clean(k): clean(v) for k, v in value.items()}
            stack.extend((value, k, depth + 1) for k in value)
        elif isinstance(value, list):
            value = container[key] = [clean(v) for v in value]
            stack.extend((value, i, depth + 1) for i in range(len(value)))
    return root[0]


def check_bounds(document):
    """InputTooLarge when the document is larger than any report: more rows in a section than
    IMPORT_MAX_ROWS, or a text longer than IMPORT_MAX_TEXT_CHARS characters. Nothing is read
    further: a flood is refused before the rules look at it."""
    max_rows, max_chars = settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_TEXT_CHARS
    forms = document.get("forms") if isinstance(document, dict) else None
    for code, form in (forms or {}).items() if isinstance(forms, dict) else ():
        for key, rows in (form or {}).items() if isinstance(form, dict) else ():
            if isinstance(rows, list) and len(rows) > max_rows:
                raise InputTooLarge(
                    f"Biểu {code}, phần “{key}” có {fmt_int(len(rows))} dòng, quá giới hạn {fmt_int(max_rows)} dòng của một phần: "
                    "không nhập. Một báo cáo thường chỉ có vài chục dòng; hãy kiểm tra lại tệp.")
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, str) and len(value) > max_chars:
            raise InputTooLarge(
                f"Tệp có một đoạn văn bản dài {fmt_int(len(value))} ký tự, quá giới hạn {fmt_int(max_chars)} ký tự: không nhập. "
                f"Bắt đầu bằng: “{value[:60]}…”")
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


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
