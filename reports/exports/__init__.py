"""Exports of a report and of the province's consolidation: one prepared document
(document.py), one writer per format (xlsx.py, docx.py, pdf.py), each turning it into bytes."""
from importlib import import_module

CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
DOCUMENT_FORMATS = ("xlsx", "docx", "pdf")  # the formats written from the prepared document


def render(document, fmt):
    """The prepared document as bytes in `fmt` (one of DOCUMENT_FORMATS)."""
    if fmt not in DOCUMENT_FORMATS:
        raise ValueError(f"Định dạng không hỗ trợ: {fmt}")
    return import_module(f"{__name__}.{fmt}").render(document)
