"""The PDF export as a reader sees it, read back with poppler (pdftotext, pdffonts, pdfinfo): the
Vietnamese text intact, every font embedded, portrait pages for the report and landscape pages for
the biểu, page numbers from page 2, stored text printed as text."""
import re
import shutil
import subprocess

import pytest

from reports import services
from reports.consolidation import consolidate
from reports.exports import pdf as pdf_export
from reports.exports import render
from reports.exports.document import province_document, unit_document
from tests.conftest import save_report

POPPLER = ("pdftotext", "pdffonts", "pdfinfo")
pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in POPPLER),
    reason="poppler-utils (pdftotext, pdffonts, pdfinfo) is not installed: apt-get install poppler-utils",
)
PORTRAIT, LANDSCAPE = ("595.28", "841.89"), ("841.89", "595.28")
OFFICER_TEXT = {
    "I.1": "Trong kỳ, Sở đã tham gia ý kiến đối với 03 dự thảo văn bản.",
    "I.12": 'Hồ sơ "mẫu" <script>alert(1)</script> & <b>in đậm</b>',
}
GIA = {"linh_vuc": "Quản lý giá", "c4": 2000, "c5": 298, "c6": 0, "c8": 1000, "c9": 1298, "c10": 0, "c12": 0, "c13": 0}


def run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pages_text(path):
    """The text of each page (pdftotext -layout), whitespace collapsed."""
    return [" ".join(page.split()) for page in run("pdftotext", "-layout", str(path), "-").split("\f")[:-1]]


def page_sizes(path):
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", run("pdfinfo", "-f", "1", "-l", "99", str(path)))
    return [(f"{float(w):.2f}", f"{float(h):.2f}") for w, h in sizes]


def fonts(path):
    """(name, emb) of each font pdffonts lists; emb is the fifth column from the right."""
    lines = run("pdffonts", str(path)).splitlines()[2:]
    return [(line.split()[0], line.split()[-5]) for line in lines if line.strip()]


@pytest.fixture
def report(stc, period, officer_stc, good_forms):
    good_forms["II.06a"]["rows"].append(GIA)
    return save_report(stc, period, good_forms, actor=officer_stc, narrative=OFFICER_TEXT)


@pytest.fixture
def unit_pdf(report, tmp_path):
    path = tmp_path / "STC_2023-Q3.pdf"
    path.write_bytes(pdf_export.render(unit_document(report)))
    return path


def test_vietnamese_text_and_numbers_read_back(unit_pdf):
    text = " ".join(pages_text(unit_pdf))
    for expected in (
        "UBND TỈNH KHÁNH HÒA", "SỞ TÀI CHÍNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "BÁO CÁO", "I. TÌNH HÌNH, KẾT QUẢ KIỂM SOÁT THỦ TỤC HÀNH CHÍNH", "6. Tình hình, kết quả giải quyết TTHC",
        "Tổng số hồ sơ tiếp nhận: 2.718 hồ sơ", "tỷ lệ giải quyết đúng hạn và trước hạn: 100,00%",
        OFFICER_TEXT["I.1"], "Nơi nhận:", "GIÁM ĐỐC",
        "Biểu số II.06a/VPCP/KSTT", "Kỳ báo cáo: Quý III năm 2023", "Đơn vị tính: Số hồ sơ TTHC",
        "Quản lý công sản", 'KẾT QUẢ THỰC HIỆN "4 TẠI CHỖ"', "33,33%",
    ):
        assert expected in text, expected
    assert re.search(r"Số: +/BC-STC", text)
    assert "(Ký, ghi rõ họ tên, đóng dấu)" not in text  # a placeholder is not for the signed document
    assert re.search(r"TỔNG CỘNG 2.718 2.377 339 2 2.717 1.030 1.687 0 1 1 0", text)


def test_fonts_are_embedded_serif(unit_pdf):
    used = fonts(unit_pdf)
    assert used, "the PDF lists its fonts"
    assert all(emb == "yes" for _name, emb in used), used
    # Liberation Serif (Times-compatible), DejaVu Serif where a glyph is missing — never a sans fallback
    assert all(re.search(r"(Liberation|DejaVu)-?Serif", name) for name, _emb in used), used
    assert any("Liberation" in name for name, _emb in used) or any("DejaVu" in name for name, _emb in used)


def test_report_pages_portrait_form_pages_landscape_numbered_from_page_2(unit_pdf):
    texts, sizes = pages_text(unit_pdf), page_sizes(unit_pdf)
    assert len(texts) == len(sizes) >= 7
    form_pages = [i for i, text in enumerate(texts) if "Đơn vị nhận báo cáo:" in text]
    assert len(form_pages) >= 6
    for i, size in enumerate(sizes):
        assert size == (LANDSCAPE if i >= form_pages[0] else PORTRAIT), (i + 1, size)
    report_pages = [text for i, text in enumerate(texts) if i < form_pages[0]]
    assert "BÁO CÁO" in report_pages[0] and "Nơi nhận:" in report_pages[-1]
    # one biểu from the top of a page each, in order
    starts = [re.search(r"Biểu số (\S+)/VPCP/KSTT", texts[i]).group(1) for i in form_pages if "Biểu số" in texts[i]]
    assert starts == ["II.03b", "II.04", "II.05a", "II.06a", "II.07b", "II.08"]
    # numbers at the top centre, none on the first page
    assert not texts[0].startswith("1 ")
    for number, text in enumerate(texts[1:], 2):
        assert text.startswith(f"{number} "), text[:40]


def test_stored_text_is_escaped(report, unit_pdf):
    html = pdf_export.render_html(unit_document(report))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert "&lt;b&gt;in đậm&lt;/b&gt;" in html
    text = " ".join(pages_text(unit_pdf))
    assert 'Hồ sơ "mẫu" <script>alert(1)</script> & <b>in đậm</b>' in text


def test_province_pdf_has_a_block_per_unit(stc, skhdt, period, officer_stc, officer_skhdt, reviewer, good_forms, tmp_path):
    for unit, officer in ((stc, officer_stc), (skhdt, officer_skhdt)):
        report = save_report(unit, period, good_forms, actor=officer)
        services.report_submit(report=report, actor=officer)
        services.report_approve(report=report, actor=reviewer)
    path = tmp_path / "tong_hop.pdf"
    path.write_bytes(render(province_document(consolidate(period)), "pdf"))
    texts = pages_text(path)
    text = " ".join(texts)
    assert "Số: /BC-UBND" in text and "trên địa bàn tỉnh Khánh Hòa quý III năm 2023" in text
    assert "Đơn vị báo cáo: UBND TỈNH" in text
    ii06a = next(t for t in texts if "Đơn vị nhận báo cáo" in t and "Biểu số II.06a" in t)
    assert re.search(r"1\. Sở Kế hoạch và Đầu tư 1 Quản lý công sản 43 .* Cộng 420 .* "
                     r"2\. Sở Tài chính 1 Quản lý công sản 43 .* Cộng 420 .* TỔNG CỘNG 840", ii06a)
    assert all(emb == "yes" for _name, emb in fonts(path))
    assert [s for s in page_sizes(path)].count(LANDSCAPE) >= 4


def test_a_long_pdf_is_laid_out_in_parts_and_reads_as_one(stc, skhdt, period, officer_stc, officer_skhdt, reviewer,
                                                          good_forms, tmp_path, settings):
    """Parts of a few rows, laid out by processes of their own (pdf_worker), joined: the pages are
    numbered over the whole document, no unit's block is cut, a biểu going on says so."""
    for unit, officer in ((stc, officer_stc), (skhdt, officer_skhdt)):
        report = save_report(unit, period, good_forms, actor=officer)
        services.report_submit(report=report, actor=officer)
        services.report_approve(report=report, actor=reviewer)
    document = province_document(consolidate(period))
    whole = tmp_path / "whole.pdf"
    whole.write_bytes(render(document, "pdf"))
    settings.PDF_PART_ROWS, settings.PDF_PROCESSES = 4, 2
    assert len(pdf_export._parts(document, 4)) > 4
    parted = tmp_path / "parted.pdf"
    parted.write_bytes(render(document, "pdf"))
    texts, sizes = pages_text(parted), page_sizes(parted)
    assert not texts[0].startswith("1 ")
    for number, text in enumerate(texts[1:], 2):
        assert text.startswith(f"{number} "), text[:40]
    assert sizes[0] == PORTRAIT and sizes[-1] == LANDSCAPE
    assert "(tiếp theo)" in " ".join(texts)
    for part in pdf_export._parts(document, 4)[1:]:  # a part holds whole unit blocks
        for form in part["forms"]:
            for table in form["tables"]:
                rows = table["rows"]
                assert rows[0].get("unit") and rows[-1]["kind"] in ("subtotal", "total"), [r["kind"] for r in rows]
    whole_text = " ".join(pages_text(whole))
    for figure in ("TỔNG CỘNG 840", "Cộng 420"):
        assert figure in whole_text and figure in " ".join(texts)
    assert all(emb == "yes" for _name, emb in fonts(parted))


def test_the_part_processes_lay_out_many_parts_each_in_order(tmp_path):
    """Two processes, five parts: every part comes back, in the order asked, each a PDF of its own."""
    parts = [f"<p>Phần số {n}</p>" for n in range(1, 6)]
    pieces = pdf_export._write_apart(parts, 2)
    for n, piece in enumerate(pieces, 1):
        path = tmp_path / f"{n}.pdf"
        path.write_bytes(piece)
        assert pages_text(path) == [f"Phần số {n}"]


def test_a_part_process_that_dies_fails_the_export(monkeypatch):
    """A part process that ends without answering (killed, out of memory) stops the export with an
    error, never a PDF with pages missing."""
    monkeypatch.setattr(pdf_export.sys, "executable", shutil.which("false"))
    with pytest.raises((RuntimeError, BrokenPipeError)):
        pdf_export._write_apart(["<p>một</p>", "<p>hai</p>", "<p>ba</p>"], 2)
