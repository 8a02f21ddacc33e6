"""The narrative report (workflow.md): its outline, and the sentences that only restate figures,
which the application writes itself from the biểu."""
from .compute import form_totals, rates_06a
from .formatting import fmt_int as n
from .formatting import fmt_pct
from .forms_spec import CAP_LABELS, abolished_levels

HEADINGS = {
    "I": "I. TÌNH HÌNH, KẾT QUẢ KIỂM SOÁT THỦ TỤC HÀNH CHÍNH",
}
# (key, title) of every free-text section, in printing order; "I.x" sit under heading I.
SECTIONS = (
    ("I.1", "1. Đánh giá tác động TTHC quy định tại dự thảo văn bản quy phạm pháp luật"),
    ("I.2", "2. Thẩm định, thẩm tra TTHC quy định tại dự thảo văn bản QPPL"),
    ("I.3", "3. Công bố, công khai TTHC"),
    ("I.4", "4. Rà soát, đơn giản hóa TTHC"),
    ("I.5", "5. Tiếp nhận, xử lý phản ánh, kiến nghị về quy định, TTHC"),
    ("I.6", "6. Tình hình, kết quả giải quyết TTHC"),
    ("I.7", "7. Triển khai cơ chế một cửa, một cửa liên thông"),
    ("I.8", "8. Thực hiện TTHC trên môi trường điện tử"),
    ("I.9", "9. Truyền thông hỗ trợ hoạt động kiểm soát TTHC"),
    ("I.10", "10. Nghiên cứu, đề xuất sáng kiến cải cách TTHC"),
    ("I.11", "11. Kiểm tra thực hiện kiểm soát TTHC"),
    ("I.12", "12. Nội dung khác"),
    ("II", "II. ĐÁNH GIÁ CHUNG"),
    ("III", "III. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TIẾP THEO"),
    ("IV", "IV. KIẾN NGHỊ, ĐỀ XUẤT"),
)
KEYS = tuple(key for key, _ in SECTIONS)
# What the form asks a section to say: help on the page, never printed in the document.
HELP = {"II": "1. Thuận lợi / Ưu điểm; 2. Khó khăn / Tồn tại, hạn chế"}
# What a section with neither generated sentences nor text prints, as real reports do.
NOTHING = "Không có."


def _attached(code):
    return f"(Đính kèm Biểu số {code}/VPCP/KSTT)"


def _levels(figures, gone, sep=": "):
    """"cấp tỉnh: 6, cấp huyện: 4, cấp xã: 0" from {level: figure text}, without the levels that no
    longer exist in the period (`gone`): their cells take no figure."""
    return ", ".join(f"{CAP_LABELS[level].lower()}{sep}{text}" for level, text in figures.items()
                     if level not in gone)


def _i3(data, gone):
    t = form_totals("II.03b", data["II.03b"])
    local, central = t["dia_phuong"], t["trung_uong"]
    decisions = local["c3"] + central["c3"]
    published = local["c5"] + central["c5"]
    levels = _levels({cap: n(_cap_c11(data, cap)) for cap in ("tinh", "huyen", "xa")}, gone)
    return (
        f"Trong kỳ, đã ban hành {n(decisions)} quyết định công bố với {n(published)} TTHC được công bố "
        f"(quy định mới: {n(local['c6'] + central['c6'])}, sửa đổi, bổ sung: {n(local['c7'] + central['c7'])}, "
        f"bãi bỏ: {n(local['c8'] + central['c8'])}). "
        f"Tổng số TTHC thuộc thẩm quyền giải quyết: {n(local['c11'])} ({levels}).\n{_attached('II.03b')}"
    )


def _cap_c11(data, cap):
    """(11) of one level: summed over the rows of that level (one per unit in the province's data)."""
    return sum(row["c11"] for row in data["II.03b"]["dia_phuong"] if row.get("cap") == cap)


def _rate(value):
    """A rate as the sentences print it: 100,00%, or "—" when it is blank (a denominator of 0)."""
    return fmt_pct(value) if value is not None else "—"


def _i4(data, gone):
    t = form_totals("II.04", data["II.04"])["rows"]
    return (
        f"Tổng số TTHC cần rà soát, đơn giản hóa theo Kế hoạch: {n(t['c3'])} TTHC; đã rà soát, thông qua "
        f"phương án đơn giản hóa: {n(t['c4'])} TTHC. Phương án đơn giản hóa cụ thể: số TTHC giữ nguyên: "
        f"{n(t['c5'])}; bãi bỏ: {n(t['c6'])}; sửa đổi, bổ sung: {n(t['c7'])}; thay thế: {n(t['c8'])}; "
        f"liên thông: {n(t['c9'])}; có giải pháp để thực hiện trên môi trường điện tử: {n(t['c10'])}. "
        f"Số tiền tiết kiệm được: {n(t['c13'])} đồng; tỷ lệ chi phí tiết kiệm được: {_rate(t['c14'])}. "
        f"Tỷ lệ hoàn thành kế hoạch rà soát, đơn giản hóa: {_rate(t['c15'])}.\n{_attached('II.04')}"
    )


def _i5(data, gone):
    t = form_totals("II.05a", data["II.05a"])["rows"]
    return (
        f"Tổng số phản ánh, kiến nghị (PAKN) đã tiếp nhận trong kỳ báo cáo: {n(t['c3'])} PAKN, trong đó: "
        f"số tiếp nhận mới trong kỳ: {n(t['c5'])} PAKN; số từ kỳ trước chuyển qua: {n(t['c4'])} PAKN; "
        f"số PAKN về quy định hành chính: {n(t['c6'])} PAKN; số PAKN về hành vi hành chính: {n(t['c7'])} PAKN. "
        f"Số PAKN đã xử lý: {n(t['c8'])} PAKN, trong đó số đã được đăng tải công khai: {n(t['c9'])} PAKN. "
        f"Số PAKN đang xử lý: {n(t['c10'])} PAKN.\n{_attached('II.05a')}"
    )


def _i6(data, gone):
    t = form_totals("II.06a", data["II.06a"])["rows"]
    rate = rates_06a(t)
    rates = []
    if rate["online"] is not None:
        rates.append(f"tỷ lệ hồ sơ tiếp nhận trực tuyến: {fmt_pct(rate['online'])}")
    if rate["on_time"] is not None:
        rates.append(f"tỷ lệ giải quyết đúng hạn và trước hạn: {fmt_pct(rate['on_time'])}")
    return (
        f"Tổng số hồ sơ tiếp nhận: {n(t['c3'])} hồ sơ (tiếp nhận mới trong kỳ: {n(t['c4'] + t['c5'])} hồ sơ, "
        f"gồm trực tuyến: {n(t['c4'])}, trực tiếp và qua dịch vụ bưu chính: {n(t['c5'])}; "
        f"từ kỳ trước chuyển sang: {n(t['c6'])}). "
        f"Đã giải quyết: {n(t['c7'])} hồ sơ (trước hạn: {n(t['c8'])}, đúng hạn: {n(t['c9'])}, "
        f"quá hạn: {n(t['c10'])}). Đang giải quyết: {n(t['c11'])} hồ sơ (trong hạn: {n(t['c12'])}, "
        f"quá hạn: {n(t['c13'])})."
        + (f" {'; '.join(rates).capitalize()}." if rates else "")
        + f"\n{_attached('II.06a')}"
    )


def _i7(data, gone):
    t = form_totals("II.07b", data["II.07b"])
    i, ii = t["rows"], t["bon_tai_cho"]
    competent = _levels({"tinh": n(i["c4"]), "huyen": n(i["c5"]), "xa": n(i["c6"])}, gone)
    one_stop = _levels({"tinh": n(i["c8"]), "huyen": n(i["c9"]), "xa": n(i["c10"])}, gone)
    at_desk = _levels({level: n(ii[count]) + (f" ({fmt_pct(ii[rate])})" if ii[rate] is not None else "")
                       for level, count, rate in (("tinh", "c3", "c4"), ("huyen", "c5", "c6"))}, gone, sep=" ")
    return (
        f"Tổng số TTHC thuộc thẩm quyền giải quyết: {n(i['c3'])} ({competent}); "
        f"số TTHC thực hiện theo cơ chế một cửa, một cửa liên thông: {n(i['c7'])} "
        f"(tại Bộ phận Một cửa {one_stop}); "
        f"số quy trình nội bộ được ban hành: {n(i['c11'])}. "
        f'Số TTHC thực hiện "4 tại chỗ": {at_desk}.\n{_attached("II.07b")}'
    )


def _i8(data, gone):
    rows = data["II.08"]["rows"]
    t = form_totals("II.08", data["II.08"])["rows"]
    integrated = sum(1 for row in rows if row.get("c9") == 1)
    return (
        f"DVCTT một phần (mức độ 3): được giao {n(t['c3'])}, đã triển khai {n(t['c4'])}, "
        f"phát sinh {n(t['c5'])} hồ sơ. DVCTT toàn trình (mức độ 4): được giao {n(t['c6'])}, "
        f"đã triển khai {n(t['c7'])}, phát sinh {n(t['c8'])} hồ sơ. "
        f"Đã tích hợp với Cổng Dịch vụ công quốc gia: {n(integrated)}/{n(len(rows))} dòng dịch vụ.\n"
        f"{_attached('II.08')}"
    )


GENERATORS = {"I.3": _i3, "I.4": _i4, "I.5": _i5, "I.6": _i6, "I.7": _i7, "I.8": _i8}
# "mục 3, 4, 5, 6, 7, 8": the subsections whose sentences the biểu write (said on the page).
GENERATED_NUMBERS = ", ".join(key.split(".")[1] for key in GENERATORS)


def generated(data, period=None):
    """{section key: generated sentences} for the sections that restate figures; a level that no
    longer exists in `period` (forms_spec.abolished_levels) is not named."""
    gone = abolished_levels(period)
    return {key: generate(data, gone) for key, generate in GENERATORS.items()}
