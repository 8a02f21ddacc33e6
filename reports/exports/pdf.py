"""PDF of a unit's report or of the province's consolidation: the same document as the Word export.

The report itself (header block, narrative, Nơi nhận and signature; A4 portrait) is rendered by
WeasyPrint from templates/exports/report_pdf.html. The biểu (A4 landscape, laid out like the paper
form) are drawn by ReportLab from the same tables (tables.py): WeasyPrint costs about 1 ms a table
cell, whatever the CSS (69 s for the 140 000 cells of the province's 300 units), ReportLab fifteen
times less. pypdf joins the two. Every page but the first has its number at the top centre; the
fonts are Liberation Serif (Times-compatible, every Vietnamese glyph), DejaVu Serif where it is
missing, embedded."""
import io
import re
import subprocess
import unicodedata
from functools import cache
from xml.sax.saxutils import escape

from django.conf import settings
from django.template.loader import render_to_string
from pypdf import PdfReader, PdfWriter
from reportlab import rl_config
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageBreak, PageTemplate, Paragraph, Spacer, Table

from ..narrative import HEADINGS
from ..tables import header_placements, numeric_widths
from .document import printed_value

TEMPLATE = "exports/report_pdf.html"
rl_config.useA85 = 0  # page streams compressed only, not also spelt in ASCII (a fifth of the drawing time)
# Nghị định 30/2020: A4, margins top and bottom 20 mm, left 30 mm, right 15 mm (as in the template).
PAGE, TOP, BOTTOM, LEFT, RIGHT = landscape(A4), 20 * mm, 20 * mm, 30 * mm, 15 * mm
# A landscape page's text width less column (1); column (2) takes LABEL_MM, or WIDE_LABEL_MM in a
# table of WIDE_COLUMNS figures or more (II.04 has 13), whose text is also a point smaller.
TEXT_MM, STT_MM, LABEL_MM, WIDE_LABEL_MM, WIDE_COLUMNS = 297 - 30 - 15, 11, 55, 40, 12
PAD_V, PAD_H = 0.8 * mm, 1.2 * mm  # inside a cell of the grid
LINE = 1.1  # line height of the grid's text, in font sizes
# ReportLab puts a line's baseline one font size below its top, WeasyPrint (the report's pages, and
# the biểu before) 0.89 of it for Liberation Serif: the grid's text is raised by the difference, or
# it sits low in its cell.
RAISE = 0.11
FAMILIES = ("Liberation Serif", "DejaVu Serif")
STYLES = {"regular": "Regular", "bold": "Bold", "italic": "Italic", "bold_italic": "Bold Italic"}
# Liberation Serif 1 lacks some of these (ơ, ư, ạ …); version 2 has them all.
VIETNAMESE = "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"


def render(document):
    """The prepared document (document.ExportDocument) as PDF bytes."""
    from weasyprint import HTML

    html = render_to_string(TEMPLATE, {"document": document, "narrative": _narrative(document)})
    report = HTML(string=html, base_url=str(settings.BASE_DIR)).render()
    front = PdfReader(io.BytesIO(report.write_pdf()))
    writer = PdfWriter()
    writer.append(front)
    writer.append(PdfReader(io.BytesIO(_forms(document, first_page=len(report.pages) + 1))))
    if front.metadata:
        writer.add_metadata(dict(front.metadata))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


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


# ---------------------------------------------------------------------------------------------
# Fonts and text


@cache
def _fonts():
    """{style: name} of the serif fonts registered with ReportLab (which embeds the glyphs used):
    Liberation Serif when fontconfig finds its four styles with every Vietnamese glyph, else
    DejaVu Serif."""
    for family in FAMILIES:
        fonts = {}
        for style, fc_style in STYLES.items():
            path = _font_file(family, fc_style)
            font = TTFont(f"{family.replace(' ', '')}-{fc_style.replace(' ', '')}", path) if path else None
            if font is None or any(ord(char) not in font.face.charToGlyph for char in VIETNAMESE + VIETNAMESE.upper()):
                break
            fonts[style] = font
        else:
            for font in fonts.values():
                pdfmetrics.registerFont(font)
            return {style: font.fontName for style, font in fonts.items()}
    raise RuntimeError("PDF: no Liberation Serif 2 or DejaVu Serif font (apt-get install fonts-liberation2)")


def _font_file(family, style):
    """The file fontconfig has for `family` in `style`; None when it would substitute another family."""
    try:
        found = subprocess.run(["fc-match", "-f", "%{family}\t%{file}", f"{family}:style={style}"],
                               capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    families, _, path = found.partition("\t")
    return path if family in families.split(",") else None


def _style(font, size, **kwargs):
    return ParagraphStyle(font, fontName=font, fontSize=size, leading=size * kwargs.pop("line", LINE), **kwargs)


def _plain(text):
    """Text as printed: NFC (ReportLab places no combining mark: a decomposed ệ would print its
    marks beside the letter), white space folded as in HTML."""
    return " ".join(unicodedata.normalize("NFC", str(text)).split())


def _para(text, style):
    """A Paragraph of stored text: escaped, so that it is printed as text, never read as markup."""
    return Paragraph(escape(_plain(text)), style)


def _fitted(text, style, width):
    """A cell's text: a plain string where it fits on one line (a Paragraph costs far more), else
    a Paragraph that wraps at words. The table's style gives a plain string the same font."""
    text = _plain(text)
    if pdfmetrics.stringWidth(text, style.fontName, style.fontSize) <= width:
        return text
    return Paragraph(escape(text), style)


def _broken(parts, font, size, width):
    """A column number as printed: its parts ("(3)=", "(4)+", "(5)") on as few lines as `width`
    allows, a line ending after "=" or "+"."""
    lines = [""]
    for part in parts:
        if lines[-1] and pdfmetrics.stringWidth(lines[-1] + part, font, size) > width:
            lines.append("")
        lines[-1] += part
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# The biểu (ReportLab)


def _forms(document, first_page):
    """The biểu as PDF bytes: landscape pages numbered from `first_page`, each biểu from the top of
    a page."""
    fonts = _fonts()
    width, height = PAGE
    frame = Frame(LEFT, BOTTOM, width - LEFT - RIGHT, height - TOP - BOTTOM,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

    def number(canvas, doc):
        """At the top centre of the text, in the middle of the top margin, 13 pt (as the report's)."""
        canvas.setFont(fonts["regular"], 13)
        canvas.drawCentredString(LEFT + frame.width / 2, height - TOP / 2 - 4.4, str(first_page + doc.page - 1))

    out = io.BytesIO()
    doc = BaseDocTemplate(out, pagesize=PAGE, pageTemplates=[PageTemplate(frames=[frame], onPage=number)],
                          initialFontName=fonts["regular"])  # not Helvetica, which is never embedded
    story = []
    for form in document.forms:
        if story:
            story.append(PageBreak())
        story.append(_form_head(document, form.spec, frame.width))
        for model in form.tables:
            if not model.section.title:
                story.append(Spacer(1, 8))
            story.append(_grid(model))
    doc.build(story)
    return out.getvalue()


def _form_head(document, spec, width):
    """Biểu số on the left; the title, the period and its dates in the middle; who reports to whom
    and the unit of measure on the right."""
    fonts = _fonts()
    left, right = 50 * mm, 72 * mm
    text = _style(fonts["regular"], 11, line=1.2)
    centred = _style(fonts["regular"], 11, line=1.2, alignment=TA_CENTER)
    table = Table([[
        _plain(f"Biểu số {spec.number}"),  # on one line
        [_para(spec.title, _style(fonts["bold"], 12, line=1.2, alignment=TA_CENTER)),
         _para(f"Kỳ báo cáo: {document.period.label}", centred),
         _para(document.period.window_text, _style(fonts["italic"], 11, line=1.2, alignment=TA_CENTER))],
        [_para(f"Đơn vị báo cáo: {document.agency}", text),
         _para(f"Đơn vị nhận báo cáo: {document.receiving}", text),
         _para(f"Đơn vị tính: {spec.unit_of_measure}", text)],
    ]], colWidths=[left, width - left - right, right])
    table.setStyle([
        ("FONT", (0, 0), (-1, -1), fonts["regular"], 11),  # not Helvetica
        ("FONT", (0, 0), (0, 0), fonts["bold"], 11),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ("LEFTPADDING", (0, 0), (-1, -1), 3 * mm), ("RIGHTPADDING", (0, 0), (-1, -1), 3 * mm),
        ("LEFTPADDING", (0, 0), (0, 0), 0), ("RIGHTPADDING", (-1, 0), (-1, 0), 0),
    ])
    return table


def _grid(model):
    """One section of a biểu: its title, the header rows and the column-number row (repeated at
    the top of every page the table goes on to), the rows with their sub-headings, TỔNG CỘNG."""
    fonts = _fonts()
    wide = len(model.section.columns) >= WIDE_COLUMNS
    size = 10 if wide else 11
    label_mm = WIDE_LABEL_MM if wide else LABEL_MM
    widths = [STT_MM * mm, label_mm * mm,
              *(w * mm for w in numeric_widths(model.section, TEXT_MM - STT_MM - label_mm))]
    blank = [""] * (len(widths) - 1)

    head, spans = [[""] * len(widths) for _ in model.header], []
    # a word too long for its column overflows it, as on the paper form, rather than being cut
    head_style = _style(fonts["bold"], size - 1, alignment=TA_CENTER, splitLongWords=False)
    for r, c, rowspan, colspan, text in header_placements(model.header):
        head[r][c] = _para(text, head_style)
        if rowspan > 1 or colspan > 1:
            spans.append(((c, r), (c + colspan - 1, r + rowspan - 1)))
    # "(3)=(4)+(5)+(6)" may break after "=" and "+" in a narrow column
    head.append([_broken(re.split(r"(?<=[=+])", number), fonts["italic"], size - 2, w - 2 * PAD_H)
                 for number, w in zip(model.numbers, widths)])

    label, bold_label = _style(fonts["regular"], size), _style(fonts["bold"], size)
    label_width, full_width = widths[1] - 2 * PAD_H, sum(widths) - 2 * PAD_H
    body, kinds = [], []
    for row in model.rows:
        for _kind, text in row.heading:
            body.append([_fitted(text, bold_label, full_width), *blank])
            kinds.append("heading")
        bold = row.kind != "row"
        body.append(["" if row.number in (None, "") else str(row.number),
                     _fitted(row.label or "", bold_label if bold else label, label_width),
                     *(printed_value(cell) for cell in row.cells)])
        kinds.append("subtotal" if row.kind == "subtotal" else "bold" if bold else "row")
    if model.total:
        body.append(["", "TỔNG CỘNG", *(printed_value(cell) for cell in model.total)])
        kinds.append("total")
    title = _para(model.section.title, _style(fonts["bold"], 12, line=1.2)) if model.section.title else None
    return _Grid(_Section(widths, size, title, head, spans, body, kinds))


class _Grid(Flowable):
    """A section's table from body row `start` on, laid out a page at a time: each page gets a
    Table of its own (the title on the first page only, the head on every page, the rows that
    fit). A row is never split. ReportLab's own LongTable rebuilds the rest of a table at every
    page it goes on to, a cost growing with the square of its rows (59 s for the biểu of 300
    units); here every row is measured once and each page's cut is found by walking its rows."""

    def __init__(self, section, start=0, title=True):
        super().__init__()
        self.section, self.start, self.with_title = section, start, title and section.title is not None

    def _above(self):
        return (self.section.title_height if self.with_title else 0) + sum(self.section.head_heights)

    def wrap(self, available_width, available_height):
        section = self.section
        self.width = sum(section.widths)
        self.height = self._above() + section.tops[-1] - section.tops[self.start]
        return self.width, self.height

    def split(self, available_width, available_height):
        section = self.section
        room = available_height - self._above() + section.tops[self.start]
        end, cut = self.start, None
        while end < len(section.body) and section.tops[end + 1] <= room:
            end += 1
            if end == len(section.body) or section.may_cut(end):
                cut = end
        if cut is None:
            if end == self.start or not getattr(getattr(self, "_frame", None), "_atTop", False):
                return []  # on the next page; or, on an empty page, as much as fits
            cut = end
        piece = section.table(self.start, cut, self.with_title)
        return [piece, _Grid(section, cut, title=False)] if cut < len(section.body) else [piece]

    def draw(self):
        table = self.section.table(self.start, len(self.section.body), self.with_title)
        table.wrapOn(self.canv, self.width, self.height)
        table.drawOn(self.canv, 0, 0)


class _Section:
    """What every page of a section's table shares: the column widths, the font size, the title,
    the head (header rows and column-number row) and the body rows with their kinds ("heading",
    "row", "subtotal" (a unit's Cộng), "bold" (the annual view's summary rows), "total"),
    measured once: `tops[i]` is where body row i starts, `tops[-1]` the height of them all."""

    def __init__(self, widths, size, title, head, spans, body, kinds):
        self.widths, self.size, self.title, self.head, self.spans = widths, size, title, head, spans
        self.body, self.kinds = body, kinds
        full = sum(widths)
        measure = Table(head, colWidths=widths, style=self.style(0, 0, 0))
        measure.wrap(full, PAGE[1])
        self.head_heights = measure._rowHeights
        self.title_height = title.wrap(full, PAGE[1])[1] + 14 if title else 0
        leading = size * LINE
        self.tops = [0]
        for cells, kind in zip(body, kinds):
            height = leading
            for cell, width in zip(cells, widths if kind != "heading" else [full]):
                if isinstance(cell, Paragraph):
                    height = max(height, cell.wrap(width - 2 * PAD_H, PAGE[1])[1])
            self.tops.append(self.tops[-1] + height + 2 * PAD_V)

    def may_cut(self, i):
        """Whether a page may end before body row i: not after a sub-heading, not before a unit's
        Cộng or TỔNG CỘNG (each goes over with the row it closes)."""
        return self.kinds[i - 1] != "heading" and self.kinds[i] not in ("subtotal", "total")

    def table(self, start, end, title):
        """The Table of body rows start…end under the head, with the title above when `title`."""
        top = 1 if title else 0
        data = [[self.title, *[""] * (len(self.widths) - 1)]] if title else []
        data += self.head + self.body[start:end]
        heights = [self.title_height] if title else []
        heights += [*self.head_heights, *(b - a for a, b in zip(self.tops[start:end], self.tops[start + 1:end + 1]))]
        return Table(data, colWidths=self.widths, rowHeights=heights, style=self.style(top, start, end))

    def style(self, top, start, end):
        """The commands of a Table of body rows start…end: the title in row 0 when `top` is 1, the
        head from row `top`, the body rows under it."""
        fonts, size = _fonts(), self.size
        numbers = top + len(self.head) - 1
        body = numbers + 1
        commands = [
            ("FONT", (0, 0), (-1, -1), fonts["regular"], size, size * LINE),  # not Helvetica
            ("FONT", (0, numbers), (-1, numbers), fonts["italic"], size - 2, (size - 2) * LINE),
            ("GRID", (0, top), (-1, -1), 0.5, "black"),
            ("VALIGN", (0, top), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, top), (-1, -1), PAD_V - RAISE * size),
            ("BOTTOMPADDING", (0, top), (-1, -1), PAD_V + RAISE * size),
            ("LEFTPADDING", (0, top), (-1, -1), PAD_H), ("RIGHTPADDING", (0, top), (-1, -1), PAD_H),
            ("ALIGN", (0, numbers), (-1, numbers), "CENTER"),
            ("ALIGN", (0, body), (0, -1), "CENTER"),
            ("ALIGN", (2, body), (-1, -1), "RIGHT"),
            *(("SPAN", (c0, top + r0), (c1, top + r1)) for (c0, r0), (c1, r1) in self.spans),
        ]
        if top:
            commands += [("SPAN", (0, 0), (-1, 0)), ("VALIGN", (0, 0), (0, 0), "TOP"),
                         ("LEFTPADDING", (0, 0), (0, 0), 0), ("RIGHTPADDING", (0, 0), (0, 0), 0),
                         ("TOPPADDING", (0, 0), (0, 0), 10), ("BOTTOMPADDING", (0, 0), (0, 0), 4)]
        for r, kind in enumerate(self.kinds[start:end], body):
            if kind == "heading":
                commands += [("SPAN", (0, r), (-1, r)), ("FONTNAME", (0, r), (0, r), fonts["bold"]),
                             ("ALIGN", (0, r), (0, r), "LEFT")]
            elif kind != "row":
                commands.append(("FONTNAME", (0, r), (-1, r), fonts["bold"]))
                if kind == "total":
                    commands.append(("ALIGN", (1, r), (1, r), "CENTER"))
        return commands
