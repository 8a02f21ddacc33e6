"""What a report carries as a document (Nghị định 30/2020), entered once on the report page:
số, ngày ban hành, trích yếu, kính gửi, the opening and closing paragraphs, nơi nhận, người ký.
A blank field prints its default, taken from the period and the unit's profile."""
from datetime import date

from django.utils import timezone

from .rules import clean_text

# (key, label, widget) in the order of the page; "ngay" is an ISO date, the others text.
FIELDS = (
    ("so", "Số văn bản", "text"),
    ("ngay", "Ngày ban hành", "date"),
    ("trich_yeu", "Trích yếu (dòng dưới chữ BÁO CÁO)", "textarea"),
    ("kinh_gui", "Kính gửi (không bắt buộc)", "text"),
    ("mo_dau", "Đoạn mở đầu (căn cứ)", "textarea"),
    ("ket_thuc", "Câu kết", "textarea"),
    ("noi_nhan", "Nơi nhận (mỗi dòng một nơi)", "textarea"),
    ("nguoi_ky", "Họ tên người ký", "text"),
)
KEYS = tuple(key for key, _, _ in FIELDS)
MAX_LENGTH = 2000
NOI_NHAN = "Văn phòng UBND tỉnh (Phòng Kiểm soát TTHC);\nLưu: VT."  # when the unit's profile has none


def clean(meta):
    """The fields as stored: known keys, text cleaned, a date that reads as a date (else blank)."""
    cleaned = {}
    for key in KEYS:
        value = clean_text((meta or {}).get(key) or "")[:MAX_LENGTH]
        if key == "ngay" and value:
            try:
                value = date.fromisoformat(value).isoformat()
            except ValueError:
                value = ""
        if value:
            cleaned[key] = value
    return cleaned


def _phrase(period):
    label = period.label
    return label[0].lower() + label[1:]


def trich_yeu(period, where=""):
    """The usual line under BÁO CÁO; `where` is " trên địa bàn tỉnh …" for the province."""
    return (
        "Tình hình, kết quả thực hiện công tác kiểm soát thủ tục hành chính, triển khai cơ chế một cửa, "
        f"một cửa liên thông và thực hiện thủ tục hành chính trên môi trường điện tử{where} {_phrase(period)}"
    )


def recipient_lines(text):
    """Nơi nhận as typed (one a line, with or without the leading "- ") → the lines to print."""
    lines = [line.strip().lstrip("-").strip() for line in text.splitlines()]
    return [line for line in lines if line]


def defaults(unit, period, unit_name=None):
    """What a blank field prints for this unit and period."""
    name = unit_name or unit.name
    return {
        "so": "",
        "ngay": "",
        "trich_yeu": trich_yeu(period),
        "kinh_gui": "",
        "mo_dau": (
            "Thực hiện Thông tư số 01/2020/TT-VPCP của Văn phòng Chính phủ và chế độ báo cáo định kỳ về công "
            f"tác kiểm soát thủ tục hành chính, {name} báo cáo kết quả thực hiện {_phrase(period)} như sau:"
        ),
        "ket_thuc": f"Trên đây là báo cáo {_phrase(period)} của {name}, kính gửi Văn phòng UBND tỉnh tổng hợp./.",
        "noi_nhan": "\n".join(recipient_lines(unit.noi_nhan)) or NOI_NHAN,
        "nguoi_ky": unit.signer_name,
    }


def effective(report, meta=None):
    """Every field as it prints: what the report holds, else its default."""
    meta = report.document_meta if meta is None else meta
    values = defaults(report.unit, report.period, report.printed_unit_name)
    values.update({key: value for key, value in meta.items() if value})
    return values


def issue_date(report, meta=None):
    """Ngày ban hành: as entered, else the day of submission, else today."""
    meta = report.document_meta if meta is None else meta
    if meta.get("ngay"):
        return date.fromisoformat(meta["ngay"])
    if report.submitted_at:
        return timezone.localdate(report.submitted_at)
    return timezone.localdate()
