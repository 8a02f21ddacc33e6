"""The PDF export as a reader sees it, read back with poppler (pdftotext, pdffonts, pdfinfo): the
Vietnamese text intact, every font embedded, portrait pages for the report and landscape pages for
the biểu, page numbers from page 2, stored text printed as text."""
import copy
import re
import shutil
import subprocess
import unicodedata

import pytest

from reports import services
from reports.consolidation import consolidate
from reports.exports import pdf as pdf_export
from reports.exports import render
from reports.exports.document import province_document, unit_document
from tests.conftest import GOOD_FORMS, make_unit, make_user, save_report

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
MARKUP_LABEL = '<b>Sở</b> & "Ngành" <i>'  # a row's label: stored text, printed as it is
GIA = {"linh_vuc": "Quản lý giá", "c4": 2000, "c5": 298, "c6": 0, "c8": 1000, "c9": 1298, "c10": 0, "c12": 0, "c13": 0}


def run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pages_text(path):
    """The text of each page (pdftotext -layout), whitespace collapsed."""
    return [" ".join(page.split()) for page in run("pdftotext", "-layout", str(path), "-").split("\f")[:-1]]


def pages_lines(path):
    """The lines of each page (pdftotext -layout), each as its words."""
    return [[line.split() for line in page.splitlines() if line.strip()]
            for page in run("pdftotext", "-layout", str(path), "-").split("\f")[:-1]]


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
    good_forms["II.03b"]["trung_uong"][0]["ten"] = MARKUP_LABEL
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


def test_stored_text_is_printed_as_text(unit_pdf):
    text = " ".join(pages_text(unit_pdf))
    assert 'Hồ sơ "mẫu" <script>alert(1)</script> & <b>in đậm</b>' in text  # in the narrative
    assert f"1 {MARKUP_LABEL} 1 0" in text  # in a row of a biểu


def test_decomposed_vietnamese_prints_as_the_letters_it_spells(stc, period, officer_stc, good_forms, tmp_path):
    """Text pasted in decomposed form (e, ◌̣, ◌̂) prints as ệ, its marks in place."""
    good_forms["II.03b"]["trung_uong"][0]["ten"] = unicodedata.normalize("NFD", "Bộ Tư pháp, Sở Nội vụ")
    path = tmp_path / "nfd.pdf"
    path.write_bytes(pdf_export.render(unit_document(save_report(stc, period, good_forms, actor=officer_stc))))
    assert "1 Bộ Tư pháp, Sở Nội vụ 1 0" in " ".join(pages_text(path))


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


def approved_units(period, reviewer, count):
    """`count` units, unit n with n % 5 + 1 rows in II.06a (blocks of every length, so that the
    pages of the province's biểu end at every place of a block), their reports approved."""
    for n in range(count):
        names = [f"Lĩnh vực {k + 1} của sở {n + 1}" for k in range(n % 5 + 1)]
        unit = make_unit(f"SO{n:02d}", f"Sở thử nghiệm số {n + 1}", names)
        officer = make_user(f"so{n:02d}", units=[unit])
        forms = copy.deepcopy(GOOD_FORMS)
        forms["II.06a"]["rows"] = [{**forms["II.06a"]["rows"][0], "linh_vuc": name} for name in names]
        report = save_report(unit, period, forms, actor=officer)
        services.report_submit(report=report, actor=officer)
        services.report_approve(report=report, actor=reviewer)


def test_a_long_province_pdf_repeats_the_column_headers_and_keeps_each_unit_s_block_together(
        period, reviewer, tmp_path):
    approved_units(period, reviewer, 24)
    path = tmp_path / "tong_hop.pdf"
    path.write_bytes(render(province_document(consolidate(period)), "pdf"))
    texts, sizes = pages_text(path), page_sizes(path)
    lines = pages_lines(path)
    form_pages = [i for i, text in enumerate(texts) if "Đơn vị nhận báo cáo:" in text]
    continued = [i for i in range(form_pages[0], len(texts)) if i not in form_pages]
    assert len(continued) >= 6, "the biểu run over several pages"
    assert not texts[0].startswith("1 ")
    for number, text in enumerate(texts[1:], 2):
        assert text.startswith(f"{number} "), text[:40]
    assert sizes[0] == PORTRAIT and sizes[-1] == LANDSCAPE
    for i in continued:
        # the table goes on under its column headers and its column-number row
        head, numbers, _rows = texts[i].partition("(1) (2)")
        assert numbers and "STT" in head and ("Lĩnh vực" in head or "Tên cơ quan" in head), texts[i][:300]
        numbers_at = next(n for n, line in enumerate(lines[i]) if line[:2] == ["(1)", "(2)"])
        first_row = next(line for line in lines[i][numbers_at + 1:] if not line[0].startswith("("))
        # TỔNG CỘNG, and a unit's Cộng, go over to the next page with the row above them
        assert first_row[0] not in ("TỔNG", "Cộng"), f"page {i + 1} starts with {' '.join(first_row)!r}"
    for i in range(form_pages[0], len(texts)):
        last = " ".join(lines[i][-1])
        # a unit's heading, and II.08's group and level headings, stay with the row under them
        assert not re.match(r"(\d+\. Sở thử nghiệm|[AB]\. DVCTT|I+\. CẤP)", last), f"page {i + 1} ends with {last!r}"
    text = " ".join(texts)
    assert "24. Sở thử nghiệm số 24" in text and "Lĩnh vực 5 của sở 5" in text
    assert all(emb == "yes" for _name, emb in fonts(path))


def test_tong_cong_is_never_alone_at_the_top_of_a_page(period, tmp_path):
    """A unit with just as many II.06a rows as fill the biểu's first page: the last of them goes
    over to the next page with TỔNG CỘNG, which is never printed alone under the column headers."""
    def ii06a_pages(count):
        names = [f"Lĩnh vực thử số {k + 1}" for k in range(count)]
        unit = make_unit(f"T{count}", "Sở thử nghiệm", names)
        forms = copy.deepcopy(GOOD_FORMS)
        forms["II.06a"]["rows"] = [{**forms["II.06a"]["rows"][0], "linh_vuc": name} for name in names]
        path = tmp_path / f"{count}.pdf"
        report = save_report(unit, period, forms, actor=make_user(f"t{count}", units=[unit]))
        path.write_bytes(pdf_export.render(unit_document(report)))
        pages = pages_lines(path)
        first = next(i for i, page in enumerate(pages) if ["Biểu", "số", "II.06a/VPCP/KSTT"] in [p[:3] for p in page])
        return [[line for line in page if line[0].isdigit() and line[1:3] == ["Lĩnh", "vực"] or line[0] == "TỔNG"]
                for page in pages[first:first + 2]]

    fit = len(ii06a_pages(60)[0])  # the rows that fill the first page
    first, second = ii06a_pages(fit)
    assert len(first) == fit - 1
    assert [line[0] for line in second] == [str(fit), "TỔNG"]

