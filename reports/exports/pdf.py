"""PDF of a unit's report or of the province's consolidation: the same document as the Word export,
rendered by weasyprint from templates/exports/report_pdf.html — A4 portrait pages for the report,
landscape pages for the biểu, page numbers from page 2, Liberation Serif (Times-compatible, all
Vietnamese glyphs) embedded, DejaVu Serif as the fallback."""
import io
import re
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.template.loader import render_to_string

from ..narrative import HEADINGS
from ..tables import numeric_widths
from . import pdf_worker
from .document import printed_value
from .pdf_worker import write_pdf

TEMPLATE = "exports/report_pdf.html"
NUMBERS_TEMPLATE = "exports/pdf_numbers.html"
# A landscape page's text width (297 mm less the 30 and 15 mm margins) less column (1); column
# (2) takes LABEL_MM, or WIDE_LABEL_MM in a table of WIDE_COLUMNS figures or more (II.04 has 13),
# whose text is also a point smaller.
TEXT_MM, STT_MM, LABEL_MM, WIDE_LABEL_MM, WIDE_COLUMNS = 297 - 30 - 15, 11, 55, 40, 12


def render(document):
    """The prepared document (document.ExportDocument) as PDF bytes.

    A long document (the province's) is laid out in parts of at most PDF_PART_ROWS table rows,
    cut between two units' blocks, in up to PDF_PROCESSES processes at once: WeasyPrint holds the
    layout of a whole document in memory (2 GB for 300 units) and uses one core. The parts are
    joined (pypdf) and every page but the first gets its number, counted over the whole document."""
    base_url = str(settings.BASE_DIR)
    parts = [render_to_string(TEMPLATE, context) for context in _parts(document, settings.PDF_PART_ROWS)]
    if len(parts) == 1:
        pieces = [write_pdf(parts[0], base_url)]
    else:
        pieces = _write_apart(parts, max(1, min(len(parts), settings.PDF_PROCESSES)))
    return _numbered(pieces, base_url)


def _write_apart(parts, processes):
    """The parts laid out by `processes` new interpreters (pdf_worker.py), each taking the next
    part as soon as it is done with one: their memory is returned when the export ends, and they
    never share the database connections of the worker that asked. Interpreter, weasyprint and
    fonts load once per process (0,8 s), not once per part."""
    pieces = [None] * len(parts)
    todo = iter(enumerate(parts))
    lock, failed = threading.Lock(), threading.Event()

    def lay_out():
        with tempfile.TemporaryFile() as errors:  # a pipe could fill up with weasyprint's warnings
            child = subprocess.Popen([sys.executable, "-m", "reports.exports.pdf_worker", str(settings.BASE_DIR)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors,
                                     cwd=settings.BASE_DIR)
            try:
                while not failed.is_set():
                    with lock:
                        index, html = next(todo, (None, None))
                    if index is None:
                        break
                    pdf_worker.send(child.stdin, html.encode())
                    status, body = pdf_worker.receive(child.stdout) or (None, b"")
                    if status != pdf_worker.OK:
                        if status is None:
                            child.wait()
                            errors.seek(0)
                            body = errors.read()
                        raise RuntimeError(f"pdf_worker: {body.decode(errors='replace')[-2000:]}")
                    pieces[index] = body
            except BaseException:
                failed.set()
                raise
            finally:
                child.stdin.close()
                child.stdout.close()
                if child.wait(timeout=10) is None:
                    child.kill()

    with ThreadPoolExecutor(processes) as pool:
        for done in [pool.submit(lay_out) for _ in range(processes)]:
            done.result()
    return pieces


def render_html(document):
    """The HTML of the whole document in one part (autoescaped: stored text is printed as text)."""
    return render_to_string(TEMPLATE, _parts(document, None)[0])


def _numbered(pieces, base_url):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    readers = [PdfReader(io.BytesIO(piece)) for piece in pieces]
    for reader in readers:
        writer.append(reader)
    if readers[0].metadata:
        writer.add_metadata(dict(readers[0].metadata))
    landscape = [page.mediabox.width > page.mediabox.height for page in writer.pages]
    numbers = PdfReader(io.BytesIO(write_pdf(render_to_string(NUMBERS_TEMPLATE, {"pages": landscape}), base_url)))
    for page, number in list(zip(writer.pages, numbers.pages))[1:]:
        page.merge_page(number)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _parts(document, part_rows):
    """The template's contexts, one per part: the first carries the narrative; the biểu follow, a
    part ending when the next unit's block would take it past `part_rows` table rows (None: one
    part). A block larger than a part is a part of its own; a biểu or a section that goes on in the
    next part says "(tiếp theo)" there."""
    parts, used = [], 0

    def new_part(with_narrative=False):
        nonlocal used
        parts.append({"document": document, "narrative": _narrative(document) if with_narrative else [],
                      "with_narrative": with_narrative, "forms": []})
        used = 0

    new_part(with_narrative=True)
    for form in document.forms:
        entry, head = None, True
        for model in form.tables:
            table, continued = _table(model), False
            rows = table["rows"]
            while True:
                room = len(rows) if part_rows is None else part_rows - used
                take = len(rows) if len(rows) <= room else _cut(rows, room)
                if take == 0:
                    if used or parts[-1]["with_narrative"] or parts[-1]["forms"]:
                        new_part()
                        entry = None
                        continue
                    take = _first_block(rows)
                if entry is None:
                    entry = {"spec": form.spec, "head": head, "tables": []}
                    parts[-1]["forms"].append(entry)
                    head = False
                entry["tables"].append({**table, "rows": rows[:take], "continued": continued})
                used += take
                rows = rows[take:]
                if not rows:
                    break
                new_part()
                entry, continued = None, True
    return parts


def _block_starts(rows):
    return [i for i, row in enumerate(rows) if row.get("unit") and i > 0]


def _cut(rows, room):
    """How many rows fit in `room` without cutting a unit's block: up to the last block starting
    within it; 0 when none does."""
    fitting = [i for i in _block_starts(rows) if i <= room]
    return fitting[-1] if fitting else 0


def _first_block(rows):
    starts = _block_starts(rows)
    return starts[0] if starts else len(rows)


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
        rows += [{"kind": "heading", "text": text, "unit": kind == "unit"} for kind, text in row.heading]
        rows.append({"kind": row.kind, "number": "" if row.number in (None, "") else str(row.number),
                     "label": str(row.label or ""), "values": [printed_value(c) for c in row.cells]})
    if model.total:
        rows.append({"kind": "total", "number": "", "label": "TỔNG CỘNG", "values": [printed_value(c) for c in model.total]})
    wide = len(model.section.columns) >= WIDE_COLUMNS
    label_mm = WIDE_LABEL_MM if wide else LABEL_MM
    return {
        "title": model.section.title,
        "header": model.header,
        # "(3)=(4)+(5)+(6)" may break after "=" and "+" in a narrow column
        "numbers": [re.split(r"(?<=[=+])", number) for number in model.numbers],
        "rows": rows,
        "width": model.width,
        "wide": wide,
        "label_width": f"{label_mm}mm",
        "numeric_widths": [f"{w:.1f}mm" for w in numeric_widths(model.section, TEXT_MM - STT_MM - label_mm)],
    }
