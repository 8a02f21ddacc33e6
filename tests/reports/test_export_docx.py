"""The Word export as the department's officer opens it: Nghị định 30/2020 page and font, the header
block, BÁO CÁO, the narrative with its generated sentences, Nơi nhận and the signature, then the six
biểu in landscape sections with merged headers and the right TỔNG CỘNG; the province's version
with a block per unit."""
from io import BytesIO

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.table import Table

from reports import narrative, services
from reports.consolidation import consolidate
from reports.document_meta import unit_issuer
from reports.exports import docx as docx_export
from reports.exports import render
from reports.exports.document import province_document, unit_document
from reports.selectors import report_forms
from tests.conftest import save_report

OFFICER_TEXT = {
    "I.1": "Trong kỳ, Sở đã tham gia ý kiến đối với 03 dự thảo văn bản.\nKhông phát sinh TTHC mới.",
    "IV": "Đề nghị UBND tỉnh tiếp tục quan tâm, chỉ đạo.",
}
GIA = {"linh_vuc": "Quản lý giá", "c4": 2000, "c5": 298, "c6": 0, "c8": 1000, "c9": 1298, "c10": 0, "c12": 0, "c13": 0}


def open_docx(data):
    return Document(BytesIO(data))


def paragraph_texts(doc):
    return [p.text for p in doc.paragraphs]


def cell_texts(table):
    """Every distinct cell's text (a merged cell once)."""
    seen, texts = [], []  # the elements themselves: ids of freed lxml proxies are reused
    for row in table.rows:
        for cell in row.cells:
            if not any(cell._tc is tc for tc in seen):
                seen.append(cell._tc)
                texts.append(cell.text)
    return texts


def tables_by_section(doc):
    """[[Table, …] per section] in order: a section ends at the paragraph holding its w:sectPr."""
    sections, current = [], []
    for child in doc.element.body.iterchildren():
        if child.tag == qn("w:tbl"):
            current.append(Table(child, doc))
        elif child.tag == qn("w:p") and child.find(qn("w:pPr") + "/" + qn("w:sectPr")) is not None:
            sections.append(current)
            current = []
    sections.append(current)
    return sections


def total_row(table):
    for row in table.rows:
        texts = [cell.text for cell in row.cells]
        if texts[1] == "TỔNG CỘNG":
            return texts
    raise AssertionError("no TỔNG CỘNG row")


def mm(length):
    return round(length.mm, 1)


@pytest.fixture
def report(stc, period, officer_stc, good_forms):
    good_forms["II.06a"]["rows"].append(GIA)
    return save_report(stc, period, good_forms, actor=officer_stc, narrative=OFFICER_TEXT)


@pytest.fixture
def unit_docx(report):
    return open_docx(docx_export.render(unit_document(report)))


def test_page_and_font_follow_decree_30(unit_docx):
    normal = unit_docx.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert 13 <= normal.font.size.pt <= 14
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "Times New Roman"
    first = unit_docx.sections[0]
    assert (mm(first.page_width), mm(first.page_height)) == (210, 297)
    assert first.orientation == WD_ORIENT.PORTRAIT
    for section in unit_docx.sections:
        assert 20 <= mm(section.top_margin) <= 25 and 20 <= mm(section.bottom_margin) <= 25
        assert 30 <= mm(section.left_margin) <= 35 and 15 <= mm(section.right_margin) <= 20


def test_header_block_title_and_signature(unit_docx):
    header = unit_docx.tables[0]
    texts = cell_texts(header)
    assert texts[0].splitlines() == ["UBND TỈNH KHÁNH HÒA", "SỞ TÀI CHÍNH"]
    assert texts[1].splitlines() == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert texts[2].startswith("Số:") and texts[2].endswith("/BC-STC")
    assert "SỞ TÀI CHÍNH" in [r.text for p in header.cell(0, 0).paragraphs for r in p.runs if r.bold]
    date = header.cell(1, 1).paragraphs[0]
    assert date.text.startswith("Khánh Hòa, ngày ") and all(run.italic for run in date.runs)
    assert header.cell(0, 1).paragraphs[1].runs[0].bold

    paragraphs = unit_docx.paragraphs
    title = next(p for p in paragraphs if p.text == "BÁO CÁO")
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER and title.runs[0].bold
    summary = paragraphs[paragraphs.index(title) + 1]
    assert summary.text.startswith("Tình hình, kết quả thực hiện công tác kiểm soát thủ tục hành chính")
    assert summary.text.endswith("quý III năm 2023") and summary.runs[0].bold

    signature = unit_docx.tables[1]
    recipients, signer = signature.cell(0, 0), signature.cell(0, 1)
    label = recipients.paragraphs[0].runs[0]
    assert label.text == "Nơi nhận:" and label.bold and label.italic
    assert [p.text for p in recipients.paragraphs[1:]] == ["- Văn phòng UBND tỉnh (Phòng Kiểm soát TTHC);", "- Lưu: VT."]
    assert all(p.runs[0].font.size.pt == 11 for p in recipients.paragraphs[1:])
    assert signer.text.split() == ["GIÁM", "ĐỐC"]  # no placeholder: the space is for the signature


def test_narrative_outline_generated_sentences_and_officer_text(unit_docx, report):
    texts = paragraph_texts(unit_docx)
    titles = [texts.index(title) for _key, title in narrative.SECTIONS]
    assert titles == sorted(titles), "sections in the order of the outline"
    assert texts.index(narrative.HEADINGS["I"]) < titles[0]
    generated = narrative.generated(report_forms(report))
    for key, sentences in generated.items():
        for line in sentences.splitlines():
            assert line in texts, (key, line)
    i6 = texts[texts.index("6. Tình hình, kết quả giải quyết TTHC") + 1]
    assert i6.startswith("Tổng số hồ sơ tiếp nhận: 2.718 hồ sơ (tiếp nhận mới trong kỳ: 2.716 hồ sơ")
    assert "Đã giải quyết: 2.717 hồ sơ (trước hạn: 1.030, đúng hạn: 1.687, quá hạn: 0)" in i6
    assert "tỷ lệ hồ sơ tiếp nhận trực tuyến: 87,52%" in i6.lower()
    # the officer's text, one paragraph per line, after the section's title
    i1 = texts.index("1. Đánh giá tác động TTHC quy định tại dự thảo văn bản quy phạm pháp luật")
    assert texts[i1 + 1: i1 + 3] == OFFICER_TEXT["I.1"].splitlines()
    assert texts[texts.index("IV. KIẾN NGHỊ, ĐỀ XUẤT") + 1] == OFFICER_TEXT["IV"]


def test_good_forms_total_received(stc_report):
    """conftest's good figures: 420 files received in II.06a, as the sentence and the table say."""
    doc = open_docx(docx_export.render(unit_document(stc_report)))
    assert any(p.text.startswith("Tổng số hồ sơ tiếp nhận: 420 hồ sơ") for p in doc.paragraphs)
    ii06a = tables_by_section(doc)[4][1]
    assert total_row(ii06a)[2] == "420"


def test_six_landscape_sections_with_the_forms(unit_docx):
    sections = tables_by_section(unit_docx)
    assert len(unit_docx.sections) == len(sections) == 7
    for section in unit_docx.sections[1:]:
        assert section.orientation == WD_ORIENT.LANDSCAPE
        assert (mm(section.page_width), mm(section.page_height)) == (297, 210)
    heads = [cell_texts(tables[0]) for tables in sections[1:]]
    assert [head[0] for head in heads] == [
        "Biểu số II.03b/VPCP/KSTT", "Biểu số II.04/VPCP/KSTT", "Biểu số II.05a/VPCP/KSTT", "Biểu số II.06a/VPCP/KSTT",
        "Biểu số II.07b/VPCP/KSTT", "Biểu số II.08/VPCP/KSTT",
    ]
    assert heads[3][1].splitlines() == [
        "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
        "Kỳ báo cáo: Quý III năm 2023",
        "(Từ ngày 15 tháng 06 năm 2023 đến ngày 14 tháng 09 năm 2023)",
    ]
    assert heads[3][2].splitlines() == [
        "Đơn vị báo cáo: Sở Tài chính", "Đơn vị nhận báo cáo: Văn phòng UBND tỉnh", "Đơn vị tính: Số hồ sơ TTHC",
    ]
    # one table per section of the form after its header block
    assert [len(tables) - 1 for tables in sections[1:]] == [2, 1, 1, 1, 2, 1]

    ii06a = sections[4][1]
    assert total_row(ii06a)[2:] == ["2.718", "2.377", "339", "2", "2.717", "1.030", "1.687", "0", "1", "1", "0"]
    assert [c.text for c in ii06a.rows[3].cells][:3] == ["(1)", "(2)", "(3)=(4)+(5)+(6)"]
    data = [[c.text for c in row.cells] for row in ii06a.rows[4:]]
    assert data[2][:4] == ["3", "Quản lý giá", "2.298", "2.000"]
    total = ii06a.rows[-1]
    assert all(run.bold for cell in total.cells for p in cell.paragraphs for run in p.runs)
    assert total.cells[2].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT

    rates = sections[5][2]  # II.07b "4 tại chỗ": rates printed as percentages
    assert total_row(rates)[2:] == ["2", "33,33%", "0", "0,00%"]
    ii08 = sections[6][1]
    headings = [row.cells[0].text for row in ii08.rows if len({id(c._tc) for c in row.cells}) == 1]
    assert headings == ["B. DVCTT DO BỘ, CƠ QUAN, UBND TỈNH CHỦ ĐỘNG TRIỂN KHAI", "I. CẤP TỈNH"]


def test_grouped_headers_are_merged_and_repeat_on_each_page(unit_docx):
    ii06a = tables_by_section(unit_docx)[4][1]
    first = ii06a.rows[0]
    tcs = first._tr.tc_lst
    assert tcs[0].vMerge == "restart" and cell_texts(ii06a)[0] == "STT"
    spans = {tc.xpath("string(.)"): tc.grid_span for tc in tcs}
    assert spans["Số lượng hồ sơ tiếp nhận"] == 4
    assert spans["Số lượng hồ sơ đã giải quyết"] == 4
    assert spans["Số lượng hồ sơ đang giải quyết"] == 3
    second = {tc.xpath("string(.)"): tc.grid_span for tc in ii06a.rows[1]._tr.tc_lst}
    assert second["Trong kỳ"] == 2
    for row in ii06a.rows[:4]:  # three header rows and the column numbers
        assert row._tr.trPr.find(qn("w:tblHeader")) is not None
    assert ii06a.rows[4]._tr.trPr.find(qn("w:tblHeader")) is None


def test_stored_text_is_written_as_text(stc, period, officer_stc, good_forms):
    report = save_report(stc, period, good_forms, actor=officer_stc, narrative={"I.12": "<b>A & B</b> <script>x</script>"})
    doc = open_docx(render(unit_document(report), "docx"))
    assert "<b>A & B</b> <script>x</script>" in paragraph_texts(doc)


def test_province_document_has_a_block_per_unit(stc, skhdt, period, officer_stc, officer_skhdt, reviewer, good_forms):
    for unit, officer in ((stc, officer_stc), (skhdt, officer_skhdt)):
        report = save_report(unit, period, good_forms, actor=officer)
        services.report_submit(report=report, actor=officer)
        services.report_approve(report=report, actor=reviewer)
    doc = open_docx(docx_export.render(province_document(consolidate(period))))
    header = cell_texts(doc.tables[0])
    assert header[0].splitlines() == ["UBND TỈNH KHÁNH HÒA"] and header[2].endswith("/BC-UBND")
    sections = tables_by_section(doc)
    assert len(sections) == 7
    assert cell_texts(sections[4][0])[2].splitlines()[0] == "Đơn vị báo cáo: UBND TỈNH KHÁNH HÒA"
    ii06a = sections[4][1]
    rows = [[c.text for c in row.cells] for row in ii06a.rows]
    unit_headings = [r[0] for r in rows if len(set(r)) == 1 and r[0][:1].isdigit()]
    assert unit_headings == ["1. Sở Kế hoạch và Đầu tư", "2. Sở Tài chính"]
    subtotals = [r for r in rows if r[1] == "Cộng"]
    assert [r[2] for r in subtotals] == ["420", "420"]
    assert total_row(ii06a)[2] == "840"
    assert any(p.text.startswith("Tổng số hồ sơ tiếp nhận: 840 hồ sơ") for p in doc.paragraphs)


def test_headings_print_the_outline_only_and_empty_sections_say_so(unit_docx):
    texts = paragraph_texts(unit_docx)
    assert "II. ĐÁNH GIÁ CHUNG" in texts
    assert not any("Thuận lợi / Ưu điểm" in text for text in texts)  # the form's guidance stays on the page
    i2 = texts.index("2. Thẩm định, thẩm tra TTHC quy định tại dự thảo văn bản QPPL")
    assert texts[i2 + 1] == "Không có."
    iv = texts.index("IV. KIẾN NGHỊ, ĐỀ XUẤT")
    assert texts[iv + 1] == OFFICER_TEXT["IV"]  # a section with text prints its text, no "Không có."


@pytest.mark.parametrize("day, printed", [
    ((2023, 9, 18), "Khánh Hòa, ngày 18 tháng 9 năm 2023"),
    ((2024, 2, 5), "Khánh Hòa, ngày 05 tháng 02 năm 2024"),
    ((2024, 1, 31), "Khánh Hòa, ngày 31 tháng 01 năm 2024"),
    ((2024, 12, 1), "Khánh Hòa, ngày 01 tháng 12 năm 2024"),
])
def test_date_line_follows_decree_30(report, day, printed):
    from datetime import date

    document = unit_document(report)
    document.day = date(*day)
    assert document.date_line == printed
    header = cell_texts(open_docx(docx_export.render(document)).tables[0])
    assert printed in header


def test_province_sentences_take_every_units_figures(stc, skhdt, period, officer_stc, officer_skhdt, reviewer,
                                                     good_forms):
    """Mục 3 of the province adds every unit's cấp tỉnh/huyện/xã, as the consolidated II.03b does."""
    import re

    skhdt_forms = {**good_forms, "II.03b": {"trung_uong": [], "dia_phuong": [
        {"cap": "tinh", "c11": 30}, {"cap": "huyen", "c11": 5}, {"cap": "xa", "c11": 2}]}}
    from reports.models import Report

    for unit, officer, forms in ((stc, officer_stc, good_forms), (skhdt, officer_skhdt, skhdt_forms)):
        save_report(unit, period, forms, actor=officer)
    Report.objects.update(status=Report.Status.APPROVED)
    consolidated = consolidate(period)
    totals = consolidated.totals["II.03b"]["dia_phuong"]
    by_cap = {row["cap"]: 0 for row in good_forms["II.03b"]["dia_phuong"]}
    for forms in (good_forms, skhdt_forms):
        for row in forms["II.03b"]["dia_phuong"]:
            by_cap[row["cap"]] += row.get("c11", 0)
    i3 = next(p.generated for p in province_document(consolidated).narrative if p.key == "I.3")
    figures = re.search(r"thẩm quyền giải quyết: ([\d.]+) \(cấp tỉnh: ([\d.]+), cấp huyện: ([\d.]+), "
                        r"cấp xã: ([\d.]+)\)", i3).groups()
    assert [int(f.replace(".", "")) for f in figures] == [totals["c11"], by_cap["tinh"], by_cap["huyen"], by_cap["xa"]]
    assert by_cap["tinh"] == 36 and totals["c11"] == 47


def test_the_units_profile_heads_and_signs_the_document(report):
    unit = report.unit
    unit.ky_hieu, unit.signer_authority, unit.signer_title = "SKHĐT", "KT", "Phó Giám đốc"
    unit.signer_name, unit.noi_nhan = "Đoàn Văn Mẫu", "- Văn phòng UBND tỉnh (Phòng KSTTHC);\n- Lưu: VT, VP."
    unit.save()
    report.refresh_from_db()
    doc = open_docx(docx_export.render(unit_document(report)))
    assert cell_texts(doc.tables[0])[2].endswith("/BC-SKHĐT")
    recipients, signer = doc.tables[1].cell(0, 0), doc.tables[1].cell(0, 1)
    assert [p.text for p in recipients.paragraphs[1:]] == ["- Văn phòng UBND tỉnh (Phòng KSTTHC);", "- Lưu: VT, VP."]
    lines = [p.text for p in signer.paragraphs]
    assert lines == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Đoàn Văn Mẫu"]
    assert all(run.bold for p in signer.paragraphs for run in p.runs)
    assert signer.paragraphs[2].paragraph_format.space_before.pt >= 60  # room for the signature and seal


@pytest.mark.parametrize("authority, kind, expected", [
    ("", "so", ["GIÁM ĐỐC"]),
    ("Q", "so", ["Q. GIÁM ĐỐC"]),
    ("TL", "so", ["TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"]),
    ("TM", "xa", ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]),
    ("TM_KT", "xa", ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
])
def test_signature_lines_follow_decree_30(authority, kind, expected):
    from units.models import Unit

    title = "Chánh Văn phòng" if authority == "TL" else ""
    assert unit_issuer(Unit(kind=kind, signer_authority=authority, signer_title=title)).signature == expected


def test_the_province_signs_on_behalf_of_its_peoples_committee(stc, period, officer_stc, good_forms):
    from reports.models import Report

    save_report(stc, period, good_forms, actor=officer_stc)
    Report.objects.update(status=Report.Status.APPROVED)
    doc = open_docx(docx_export.render(province_document(consolidate(period))))
    signer = doc.tables[1].cell(0, 1)
    assert [p.text for p in signer.paragraphs if p.text] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
