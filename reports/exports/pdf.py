"""PDF of a unit's report or of the province's consolidation: the same document as the Word export,
rendered by weasyprint from templates/exports/report_pdf.html — A4 portrait pages for the report,
landscape pages for the biểu, page numbers from page 2, Liberation Serif (Times-compatible, all
Vietnamese glyphs) embedded, DejaVu Serif as the fallback."""
import re

from django.conf import settings
from django.template.loader import render_to_string

from ..narrative import HEADINGS
from .document import printed_value

TEMPLATE = "exports/report_pdf.html"


def render(document):
    """The prepared document (document.ExportDocument) as PDF bytes."""
    from weasyprint import HTML  # imported here: loading it (cairo, pango, fonts) costs ~0.5 s

    return HTML(string=render_html(document), base_url=str(settings.BASE_DIR)).write_pdf()


def render_html(document):
    """The HTML weasyprint lays out (autoescaped: stored text is printed as text)."""
    return render_to_string(TEMPLATE, {
        "document": document,
        "narrative": _narrative(document),
        "forms": [{"spec": form.spec, "tables": [_table(t) for t in form.tables]} for form in document.forms],
    })


def _narrative(document):
    """Sections in order, heading I printed before its first subsection."""
    printed = set()
    parts = []
    for part in document.narrative:
        group = part.key.split(".")[0]
        heading = ""
        if group in HEADINGS and group not in printed:
            printed.add(group)
            heading = HEADINGS[group]
        parts.append({
            "heading": heading, "title": part.title, "sub": group in HEADINGS,
            "lines": part.lines,
        })
    return parts


def _table(model):
    """A SectionTable as rows of printed text: sub-headings, data rows, subtotals, TỔNG CỘNG."""
    rows = []
    for row in model.rows:
        rows += [{"kind": "heading", "text": text} for _kind, text in row.heading]
        rows.append({"kind": row.kind, "number": "" if row.number in (None, "") else str(row.number),
                     "label": str(row.label or ""), "values": [printed_value(c) for c in row.cells]})
    if model.total:
        rows.append({"kind": "total", "number": "", "label": "TỔNG CỘNG", "values": [printed_value(c) for c in model.total]})
    return {
        "title": model.section.title,
        "header": model.header,
        # "(3)=(4)+(5)+(6)" may break after "=" and "+" in a narrow column
        "numbers": [re.split(r"(?<=[=+])", number) for number in model.numbers],
        "rows": rows,
        "width": model.width,
        "numeric_columns": range(model.width - 2),
    }
