"""One heading and one table renderer for every page that shows a biểu: the report (editable or not),
the consolidation, the annual view."""
import re

from django.urls import reverse

from tests.conftest import text

HEADING = re.compile(r'<div class="form-heading text-center mb-2">(.*?)</div>\s*</div>', re.S)


def headings(body):
    """The biểu headings of a page, as the lines a reader sees."""
    return [[" ".join(re.sub(r"<[^>]+>", " ", line).split()) for line in re.split(r"</(?:div|h2)>", block) if line.strip()]
            for block in HEADING.findall(body)]


def test_the_three_pages_print_one_heading(client, reviewer, stc, period, stc_report):
    client.force_login(reviewer)
    bodies = [text(client.get(reverse("report", args=[period.code, stc.code]))),
              text(client.get(reverse("consolidation", args=[period.code]), {"bieu": "II.06a"})),
              text(client.get(reverse("annual", args=[period.year])))]
    assert not any("{#" in body or "{%" in body for body in bodies)  # the partial's own comment stays out
    report, consolidation, year = map(headings, bodies)
    number = "Biểu số II.06a/VPCP/KSTT"
    title = "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
    kỳ = "Kỳ báo cáo: Quý III năm 2023 (Từ ngày 15 tháng 06 năm 2023 đến ngày 14 tháng 09 năm 2023)"
    assert [number, title, f"{kỳ} · Đơn vị tính: Số hồ sơ TTHC"] in report
    assert consolidation == [[number, title, kỳ, "Đơn vị báo cáo: Văn phòng UBND tỉnh (tổng hợp) · Đơn vị tính: Số hồ sơ TTHC"]]
    assert [number, title, "Năm 2023 · Dòng TỔNG CỘNG của từng đơn vị · Đơn vị tính: Số hồ sơ TTHC"] in year
    assert len(report) == len(year) == 6


def test_read_only_tables_of_the_province(client, reviewer, stc, period, stc_report):
    """The draft counts nowhere: the consolidation's tables are empty and say so; the annual view has
    summary rows and no TỔNG CỘNG; neither has an input."""
    client.force_login(reviewer)
    body = text(client.get(reverse("consolidation", args=[period.code]), {"bieu": "II.06a", "xem": "don-vi"}))
    assert '<table class="table table-bordered table-sm form-table align-middle" data-form="II.06a" data-section="rows" ' \
           'data-view="units">' in body
    assert '<tr><td colspan="13" class="text-muted text-center">Không có dòng nào.</td></tr>' in body
    assert '<tr class="total-row"><td></td><td>TỔNG CỘNG</td>' in body and "<input type=\"text\"" not in body
    body = text(client.get(reverse("annual", args=[period.year])))
    assert body.count('data-view="annual"') == 8 and "<tfoot>" not in body and "<input type=\"text\"" not in body
    assert '<tr class="derived-row" data-kind="derived"><td></td><td>Cộng từ các quý: chưa có quý nào</td>' in body
