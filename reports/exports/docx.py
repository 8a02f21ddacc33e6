"""Word (.docx) of a unit's report or of the province's consolidation, as a department sends it:
Nghị định 30/2020 layout (A4 portrait, Times New Roman, the header block, BÁO CÁO, the narrative,
Nơi nhận and the signature), then each biểu in its own landscape section, laid out like the paper
form. Everything printed comes from the prepared document (document.py) and its tables (tables.py)."""
from copy import deepcopy
from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from ..narrative import HEADINGS
from ..tables import header_placements, numeric_widths
from .document import printed_value

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 11
HEADER_PT = 10  # the grouped column headers of a biểu
PAGE = (Mm(210), Mm(297))  # A4, portrait (width, height)
MARGINS = {"top_margin": Mm(20), "bottom_margin": Mm(20), "left_margin": Mm(30), "right_margin": Mm(15)}
STT_WIDTH, LABEL_WIDTH = Mm(11), Mm(55)  # columns (1) and (2) of a biểu
# Children of w:pPr that must follow w:pBdr (the schema fixes their order; Word refuses others).
_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
    "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)
CENTER, RIGHT, JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.JUSTIFY


def render(document):
    """The prepared document (document.ExportDocument) as .docx bytes."""
    doc = Document()
    _set_fonts(doc)
    section = doc.sections[0]
    _page(section, landscape=False)
    _page_numbers(section)
    _header_block(doc, document, section)
    _title(doc, document)
    _narrative(doc, document)
    _signature(doc, document, section)
    for form in document.forms:
        section = doc.add_section(WD_SECTION.NEW_PAGE)
        _page(section, landscape=True)
        _form(doc, document, form, section)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Page, fonts, small helpers


def _set_fonts(doc):
    """Times New Roman everywhere: on Normal and the document defaults, for every script slot
    (w:eastAsia included, or Word substitutes its own East-Asian font for some characters)."""
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    fmt = normal.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0
    _all_scripts(normal.element.get_or_add_rPr())
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is not None:
            _all_scripts(rpr)


def _all_scripts(rpr):
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)


def _page(section, landscape):
    width, height = PAGE
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.different_first_page_header_footer = False  # a new section numbers its first page too
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    for name, value in MARGINS.items():
        setattr(section, name, value)


def _page_numbers(section):
    """The page number at the top centre from page 2 (the later sections inherit this header)."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = paragraph.add_run("2")
    run.font.size = Pt(13)
    field.append(run._r)  # the run holds the field's last computed value
    paragraph._p.append(field)


def _text_width(section):
    return section.page_width - section.left_margin - section.right_margin


def _para(container, text="", *, bold=False, italic=False, size=None, align=None, after=0, before=0,
          indent=None, keep=False):
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.space_after, fmt.space_before = Pt(after), Pt(before)
    if align is not None:
        paragraph.alignment = align
    if indent is not None:
        fmt.first_line_indent = indent
    if keep:
        fmt.keep_with_next = True
    if text:
        _run(paragraph, text, bold=bold, italic=italic, size=size)
    return paragraph


def _run(paragraph, text, *, bold=False, italic=False, size=None):
    run = paragraph.add_run(text)
    run.bold, run.italic = bold or None, italic or None
    if size:
        run.font.size = Pt(size)
    return run


def _cell_text(cell, text, *, bold=False, italic=False, size=None, align=None, pad=0):
    """Write into a cell's first (empty) paragraph."""
    paragraph = cell.paragraphs[0]
    if pad:
        paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(pad)
    if align is not None:
        paragraph.alignment = align
    if text:
        _run(paragraph, text, bold=bold, italic=italic, size=size)
    return paragraph


def _rule(cell, width, cell_width):
    """The short line under the agency name and under Độc lập - Tự do - Hạnh phúc: the top border
    of an empty, 2 pt high paragraph, narrowed to `width` by indents."""
    paragraph = cell.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.line_spacing = Pt(2)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.left_indent = fmt.right_indent = max(int((cell_width - width) / 2), 0)
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(key), value)
    borders.append(top)
    paragraph._p.get_or_add_pPr().insert_element_before(borders, *_AFTER_PBDR)


def _borderless(table):
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
                                 "w:tblDescription", "w:tblPrChange")


def _widths(table, widths):
    table.autofit = False  # w:tblLayout fixed: the widths below hold
    for column, width in zip(table.columns, widths):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width


def _repeat_header(row):
    tr_pr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):
        tr_pr.append(OxmlElement(tag))


def _cant_split(row):
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


# ---------------------------------------------------------------------------------------------
# The report (portrait)


def _header_block(doc, document, section):
    """Agency and Số on the left, Quốc hiệu / Tiêu ngữ and the place and date on the right."""
    width = _text_width(section)
    left_w = Mm(65)
    right_w = width - left_w
    table = doc.add_table(rows=2, cols=2)
    _borderless(table)
    _widths(table, [left_w, right_w])
    agency, nation = table.cell(0, 0), table.cell(0, 1)
    if document.parent_agency:
        _cell_text(agency, document.parent_agency.upper(), size=13, align=CENTER)
        _para(agency, document.agency.upper(), bold=True, size=13, align=CENTER)
    else:
        _cell_text(agency, document.agency.upper(), bold=True, size=13, align=CENTER)
    _rule(agency, Mm(22), left_w)
    _cell_text(nation, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12, align=CENTER)
    _para(nation, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13, align=CENTER)
    _rule(nation, Mm(62), right_w)
    number = _cell_text(table.cell(1, 0), document.number_line, size=13, align=CENTER)
    number.paragraph_format.space_before = Pt(6)
    number.runs[0]._r.t_lst[0].set(qn("xml:space"), "preserve")  # the blank left for the number
    date = _cell_text(table.cell(1, 1), document.date_line, italic=True, size=14, align=CENTER)
    date.paragraph_format.space_before = Pt(6)


def _title(doc, document):
    _para(doc, document.title, bold=True, align=CENTER, before=18)
    summary = _para(doc, document.summary, bold=True, align=CENTER, after=12)
    summary.paragraph_format.keep_with_next = True
    if document.kinh_gui:
        _para(doc, f"Kính gửi: {document.kinh_gui}", align=CENTER, after=12)
    if document.opening:
        _body(doc, document.opening)


def _body(doc, text):
    """A paragraph of the narrative: justified, first line indented, 6 pt after."""
    paragraph = _para(doc, text, align=JUSTIFY, after=6, indent=Mm(10))
    paragraph.paragraph_format.line_spacing = 1.15
    return paragraph


def _narrative(doc, document):
    printed = set()
    for part in document.narrative:
        group = part.key.split(".")[0]
        if group in HEADINGS and group not in printed:
            printed.add(group)
            _para(doc, HEADINGS[group], bold=True, align=JUSTIFY, before=6, after=6, keep=True)
        heading = _para(doc, part.title, bold=True, align=JUSTIFY, after=6, keep=True,
                        indent=Mm(10) if group in HEADINGS else None)
        if group not in HEADINGS:
            heading.paragraph_format.space_before = Pt(6)
        for line in part.lines:
            _body(doc, line)
    if document.closing:
        _body(doc, document.closing)
    if document.attachments:
        _body(doc, "Hồ sơ kèm theo: " + "; ".join(document.attachments) + ".").runs[0].italic = True


def _signature(doc, document, section):
    width = _text_width(section)
    left_w = Mm(80)
    table = doc.add_table(rows=1, cols=2)
    _borderless(table)
    _widths(table, [left_w, width - left_w])
    _cant_split(table.rows[0])
    recipients, signer = table.cell(0, 0), table.cell(0, 1)
    label = _cell_text(recipients, "Nơi nhận:", bold=True, italic=True, size=12)
    label.paragraph_format.space_before = Pt(12)
    for name in document.recipients:
        _para(recipients, f"- {name}", size=11)
    first, *others = document.signature
    _cell_text(signer, first, bold=True, size=14, align=CENTER).paragraph_format.space_before = Pt(12)
    for line in others:
        _para(signer, line, bold=True, size=14, align=CENTER)
    # The space for the signature and the seal, then the signer's name (blank: written by hand).
    _para(signer, document.signer_name, bold=True, size=14, align=CENTER, before=72)


# ---------------------------------------------------------------------------------------------
# The biểu (landscape)


def _form(doc, document, form, section):
    spec = form.spec
    width = _text_width(section)
    left_w, right_w = Mm(50), Mm(72)
    table = doc.add_table(rows=1, cols=3)
    _borderless(table)
    _widths(table, [left_w, width - left_w - right_w, right_w])
    left, middle, right = table.rows[0].cells
    _cell_text(left, f"Biểu số {spec.number}", bold=True, size=11)
    _cell_text(middle, spec.title, bold=True, size=12, align=CENTER)
    _para(middle, f"Kỳ báo cáo: {document.period.label}", size=11, align=CENTER, before=3)
    _para(middle, document.period.window_text, italic=True, size=11, align=CENTER)
    _cell_text(right, f"Đơn vị báo cáo: {document.agency}", size=11)
    _para(right, f"Đơn vị nhận báo cáo: {document.receiving}", size=11)
    _para(right, f"Đơn vị tính: {spec.unit_of_measure}", size=11)
    for table_model in form.tables:
        if table_model.section.title:
            _para(doc, table_model.section.title, bold=True, size=12, before=10, after=4, keep=True)
        else:
            _para(doc, "", size=6, after=4)
        _section_table(doc, table_model, width)


def _section_table(doc, model, width):
    n_cols = model.width
    widths = [STT_WIDTH, LABEL_WIDTH] + [int(w) for w in numeric_widths(model.section, width - STT_WIDTH - LABEL_WIDTH)]
    header_rows = len(model.header) + 1  # the grouped headers and the column-number row
    table = doc.add_table(rows=header_rows, cols=n_cols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, widths)
    for r, c, rowspan, colspan, text in header_placements(model.header):
        cell = table.cell(r, c)
        if rowspan > 1 or colspan > 1:
            cell = cell.merge(table.cell(r + rowspan - 1, c + colspan - 1))
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        _cell_text(cell, text, bold=True, size=HEADER_PT, align=CENTER, pad=1)
    for cell, number in zip(table.rows[header_rows - 1].cells, model.numbers):
        _cell_text(cell, number, italic=True, size=HEADER_PT - 1, align=CENTER)
    for row in table.rows:
        _repeat_header(row)

    # Body rows are copies of one prototype row of each look, texts filled in: building every cell
    # through python-docx's API took seconds for a province of 30 units.
    prototypes = {}

    def append(key, texts):
        if key not in prototypes:
            prototypes[key] = _prototype(table, key)
        tr = deepcopy(prototypes[key])
        for element, text in zip(tr.iter(qn("w:t")), texts):
            element.text = text
        table._tbl.append(tr)

    for row in model.rows:
        for _kind, text in row.heading:
            append("heading", [text])
        number = "" if row.number in (None, "") else str(row.number)
        append("bold" if row.kind != "row" else "plain",
               [number, str(row.label or ""), *(printed_value(cell) for cell in row.cells)])
    if model.total:
        append("total", ["", "TỔNG CỘNG", *(printed_value(cell) for cell in model.total)])


def _prototype(table, key):
    """A detached row of the given look (heading, plain, bold, total), each cell holding one run."""
    row = _new_row(table)
    cells = row.cells
    if key == "heading":
        _cell_text(cells[0].merge(cells[-1]), "x", bold=True, size=TABLE_PT, pad=1)
    else:
        bold = key != "plain"
        _cell_text(cells[0], "x", bold=bold, size=TABLE_PT, align=CENTER, pad=1)
        _cell_text(cells[1], "x", bold=bold, size=TABLE_PT, align=CENTER if key == "total" else None, pad=1)
        for cell in cells[2:]:
            _cell_text(cell, "x", bold=bold, size=TABLE_PT, align=RIGHT, pad=1)
    tr = row._tr
    tr.getparent().remove(tr)
    return tr


def _new_row(table):
    row = table.add_row()
    _cant_split(row)
    return row
