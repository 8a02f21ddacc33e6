"""Exports of a report and of the province's consolidation: one prepared document
(document.py), one writer per format (xlsx.py, docx.py, pdf.py), each turning it into bytes."""
import gc
from contextlib import contextmanager
from importlib import import_module

CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
DOCUMENT_FORMATS = ("xlsx", "docx", "pdf")  # the formats written from the prepared document


@contextmanager
def without_cycle_collection():
    """Python's collector of reference cycles off while an export is made. The province's tables
    are hundreds of thousands of small objects that live until the file is written, and the
    collector scanned them all again and again: a fifth of the time of a workbook of 300 units,
    and more at 1000 (the writers leave no cycles behind worth collecting midway; the collector
    runs again afterwards)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def render(document, fmt):
    """The prepared document as bytes in `fmt` (one of DOCUMENT_FORMATS)."""
    if fmt not in DOCUMENT_FORMATS:
        raise ValueError(f"Định dạng không hỗ trợ: {fmt}")
    with without_cycle_collection():
        return import_module(f"{__name__}.{fmt}").render(document)
