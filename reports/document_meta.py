"""What a report carries as a document (Nghị định 30/2020): số, ngày ban hành, trích yếu, kính gửi,
the opening and closing paragraphs, nơi nhận and người ký — for a unit's report (entered on the
report page, kept in Report.document_meta) and for the province's (entered on the consolidation's
document page, kept in ReportingPeriod.province_meta).

A blank field prints its default, taken from the period and the issuer: the unit's profile
(units.Unit), or the province signing as its People's Committee or as the Văn phòng UBND tỉnh."""
from dataclasses import asdict, dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from units.models import Unit

from .rules import clean_text

# Thẩm quyền ký as stored in a document's fields: "TT" is the head signing in person (the unit's
# profile stores it blank, which in a document's fields means "as the profile says").
DIRECT = "TT"
AUTHORITIES = tuple((value or DIRECT, label) for value, label in Unit.Authority.choices)

# (key, label, widget) in the order of the page; "ngay" is an ISO date, "tham_quyen" one of
# AUTHORITIES, the others text.
FIELDS = (
    ("so", "Số văn bản", "text"),
    ("ngay", "Ngày ban hành", "date"),
    ("trich_yeu", "Trích yếu (dòng dưới chữ BÁO CÁO)", "textarea"),
    ("kinh_gui", "Kính gửi (không bắt buộc)", "text"),
    ("mo_dau", "Đoạn mở đầu (căn cứ)", "textarea"),
    ("ket_thuc", "Câu kết", "textarea"),
    ("noi_nhan", "Nơi nhận (mỗi dòng một nơi)", "textarea"),
    ("tham_quyen", "Thẩm quyền ký", "select"),
    ("chuc_vu", "Chức vụ người đứng đầu (in sau KT., TL., …)", "text"),
    ("chuc_vu_ky", "Chức vụ người ký thay", "text"),
    ("nguoi_ky", "Họ tên người ký", "text"),
)
# The province chooses first who issues its report.
ISSUERS = (("UBND", "UBND tỉnh (TM. Ủy ban nhân dân)"), ("VP", "Văn phòng UBND tỉnh (báo cáo nhân danh Văn phòng)"))
PROVINCE_FIELDS = (("co_quan", "Cơ quan ban hành", "select"), *FIELDS)
CHOICES = {"tham_quyen": AUTHORITIES, "co_quan": ISSUERS}
KEYS = tuple(key for key, _, _ in FIELDS)
PROVINCE_KEYS = tuple(key for key, _, _ in PROVINCE_FIELDS)
MAX_LENGTH = 2000
NOI_NHAN = "Văn phòng UBND tỉnh (Phòng Kiểm soát TTHC);\nLưu: VT."  # when the unit's profile has none


@dataclass(frozen=True)
class Issuer:
    """Who issues a document: its header block, ký hiệu, usual signer and nơi nhận."""

    name: str  # as the sentences name it: "Sở Tài chính", "UBND tỉnh Khánh Hòa"
    agency: str  # the header block's bold line
    parent_agency: str  # the line above it (cơ quan chủ quản), or ""
    ky_hieu: str  # in "Số: …/BC-<ký hiệu>"
    receiving: str  # who the report goes to (Đơn vị nhận báo cáo, the closing sentence)
    tham_quyen: str  # one of AUTHORITIES
    chuc_vu: str  # the head's title
    chuc_vu_ky: str  # the title of who signs for the head
    nguoi_ky: str
    noi_nhan: str  # one a line
    where: str = ""  # in the trích yếu: " trên địa bàn tỉnh …" for the province
    co_quan: str = ""  # the province's issuer (ISSUERS); "" for a unit

    @property
    def signature(self):
        """The lines above the signature, as this issuer usually signs."""
        return signature(asdict(self))


def unit_issuer(unit, name=None):
    """A unit as its profile describes it; `name` is the name printed on the report."""
    province = settings.PROVINCE_NAME
    return Issuer(
        name=name or unit.name,
        agency=name or unit.name,
        parent_agency=unit.parent_agency or (f"UBND TỈNH {province.upper()}" if unit.kind == Unit.Kind.SO else ""),
        ky_hieu=unit.printed_ky_hieu,
        receiving="Văn phòng UBND tỉnh",
        tham_quyen=unit.signer_authority or DIRECT,
        chuc_vu=unit.printed_head_title,
        chuc_vu_ky=unit.signer_title.upper(),
        nguoi_ky=unit.signer_name,
        noi_nhan="\n".join(recipient_lines(unit.noi_nhan)) or NOI_NHAN,
    )


def province_issuer(meta):
    """The province's report as its fields (`meta`, ReportingPeriod.province_meta) say who issues
    it: for the People's Committee (TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH, the default)
    or, when the office reports in its own name, the Văn phòng UBND tỉnh."""
    co_quan = meta.get("co_quan") or "UBND"
    province = settings.PROVINCE_NAME
    receiving, where = "Văn phòng Chính phủ", f" trên địa bàn tỉnh {province}"
    if co_quan == "VP":
        return Issuer(
            name=f"Văn phòng UBND tỉnh {province}", agency="VĂN PHÒNG", parent_agency=f"UBND TỈNH {province.upper()}",
            ky_hieu="VPUBND", receiving=receiving, tham_quyen="KT", chuc_vu="CHÁNH VĂN PHÒNG",
            chuc_vu_ky="PHÓ CHÁNH VĂN PHÒNG", nguoi_ky="",
            noi_nhan="Văn phòng Chính phủ (Cục Kiểm soát TTHC);\nLãnh đạo Văn phòng;\nLưu: VT, KSTT.", where=where,
            co_quan=co_quan,
        )
    return Issuer(
        name=f"UBND tỉnh {province}", agency=f"UBND TỈNH {province.upper()}", parent_agency="", ky_hieu="UBND",
        receiving=receiving, tham_quyen="TM_KT", chuc_vu="CHỦ TỊCH", chuc_vu_ky="PHÓ CHỦ TỊCH", nguoi_ky="",
        noi_nhan="Văn phòng Chính phủ (Cục Kiểm soát TTHC);\nChủ tịch, các PCT UBND tỉnh;\nLưu: VT, KSTT.", where=where,
        co_quan=co_quan,
    )


def clean(meta, keys=KEYS):
    """The fields as stored: known keys, text cleaned, a date that reads as a date and a choice
    that is one of its choices (else blank)."""
    cleaned = {}
    for key in keys:
        value = clean_text((meta or {}).get(key) or "")[:MAX_LENGTH]
        if key == "ngay" and value:
            try:
                value = date.fromisoformat(value).isoformat()
            except ValueError:
                value = ""
        if key in CHOICES and value not in dict(CHOICES[key]):
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


def defaults(issuer, period):
    """What a blank field prints for this issuer and period."""
    return {
        "so": "",
        "ngay": "",
        "trich_yeu": trich_yeu(period, issuer.where),
        "kinh_gui": "",
        "mo_dau": (
            "Thực hiện Thông tư số 01/2020/TT-VPCP của Văn phòng Chính phủ và chế độ báo cáo định kỳ về công "
            f"tác kiểm soát thủ tục hành chính, {issuer.name} báo cáo kết quả thực hiện {_phrase(period)} như sau:"
        ),
        "ket_thuc": f"Trên đây là báo cáo {_phrase(period)} của {issuer.name}, kính gửi {issuer.receiving} tổng hợp./.",
        "noi_nhan": issuer.noi_nhan,
        "tham_quyen": issuer.tham_quyen,
        "chuc_vu": issuer.chuc_vu,
        "chuc_vu_ky": issuer.chuc_vu_ky,
        "nguoi_ky": issuer.nguoi_ky,
        "co_quan": issuer.co_quan,
    }


def effective(issuer, period, meta):
    """Every field as it prints: what the document holds, else its default."""
    values = defaults(issuer, period)
    values.update({key: value for key, value in meta.items() if value and key in values})
    return values


def signature(values):
    """The lines above the signature from the fields (tham_quyen, chuc_vu, chuc_vu_ky), as Nghị định
    30/2020 (Phụ lục I) prints them: `KT. GIÁM ĐỐC` / `PHÓ GIÁM ĐỐC`, or `TM. ỦY BAN NHÂN DÂN` /
    `KT. CHỦ TỊCH` / `PHÓ CHỦ TỊCH`; the head alone when signing in person (DIRECT)."""
    authority, head, signer = values["tham_quyen"], values["chuc_vu"].upper(), values["chuc_vu_ky"].upper()
    if authority in ("KT", "TL", "TUQ"):
        return [f"{authority}. {head}", signer or head]
    if authority == "Q":
        return [f"Q. {head}"]
    if authority == "TM":
        return ["TM. ỦY BAN NHÂN DÂN", head]
    if authority == "TM_KT":
        return ["TM. ỦY BAN NHÂN DÂN", f"KT. {head}", signer or f"PHÓ {head}"]
    return [head]


def issue_date(meta, fallback=None):
    """Ngày ban hành: as entered, else `fallback` (the day of submission, for a unit's report;
    the day of the last approval, for the province's), else today."""
    if meta.get("ngay"):
        return date.fromisoformat(meta["ngay"])
    if fallback:
        return timezone.localdate(fallback)
    return timezone.localdate()


def page_fields(fields, values, meta, hints=None, default_label="Theo hồ sơ đơn vị"):
    """The fields as a page shows them: the texts pre-filled with what prints (to be edited); the
    number, the date, the titles and the name blank with the default as a hint; the thẩm quyền
    ký a choice whose first option, blank, follows the default (`default_label`)."""
    hints = {"so": "Để trống nếu văn thư ghi số sau khi ký", "ngay": "Để trống: ngày gửi báo cáo",
             "kinh_gui": "Ví dụ: Văn phòng UBND tỉnh", **(hints or {})}
    shown_fields = []
    for key, label, widget in fields:
        prefilled = widget == "textarea" or key == "co_quan"
        value = meta.get(key) or (values.get(key, "") if prefilled else "")
        hint = hints.get(key) or ("" if prefilled or key in CHOICES else values.get(key, ""))
        if key == "nguoi_ky" and not hint:
            hint = "Để trống: ký và ghi tên bằng tay"
        choices = CHOICES.get(key, ())
        if key == "tham_quyen":
            choices = (("", f"{default_label}: {dict(AUTHORITIES)[values[key]]}"), *choices)
        if widget == "date" and value:
            shown = f"{date.fromisoformat(value):%d/%m/%Y}"
        elif choices:
            shown = dict(choices).get(value or values.get(key, ""), value)
        else:
            shown = value
        shown_fields.append({"key": key, "label": label, "widget": widget, "value": value, "shown": shown,
                             "hint": hint, "choices": choices})
    return shown_fields
