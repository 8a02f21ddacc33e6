"""The prepared document every writer reads: the header block, the narrative with its generated
sentences, and the tables of the biểu (tables.py) — for one unit's report or the province."""
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.utils import timezone

from .. import document_meta, narrative
from ..compute import form_totals, rates_06a
from ..forms_spec import FORMS
from ..selectors import report_forms
from ..tables import build_consolidated_tables, build_tables


@dataclass
class NarrativeSection:
    key: str
    title: str
    generated: str  # sentences the application writes from the figures ("" when none)
    text: str  # what the officer wrote

    @property
    def lines(self):
        """The paragraphs to print: the generated sentences first, then the officer's text, or
        "Không có." when there is neither (a bare heading reads as a forgotten section)."""
        lines = [line.strip() for line in f"{self.generated}\n{self.text}".splitlines() if line.strip()]
        return lines or [narrative.NOTHING]


def printed_value(cell):
    """A figure of a table cell as every writer prints it (tables.Cell.printed): blank for a cell
    of a level that no longer exists in the period (its value is None too, for the workbook)."""
    return cell.printed


@dataclass
class FormExport:
    spec: object  # forms_spec.FormSpec
    tables: list  # tables.SectionTable


@dataclass
class ExportDocument:
    kind: str  # "unit" or "province"
    period: object  # ReportingPeriod
    agency: str  # the reporting agency, as printed in the header block and on every biểu
    parent_agency: str  # the line above it in the header block (cơ quan chủ quản)
    receiving: str  # Đơn vị nhận báo cáo
    code: str  # short code in "Số: …/BC-<code>"
    forms: list
    narrative: list
    rates_06a: dict
    place: str = ""
    day: date = field(default_factory=timezone.localdate)
    recipients: list = field(default_factory=list)  # Nơi nhận
    signature: list = field(default_factory=list)  # lines above the signature: KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC
    signer_name: str = ""  # printed under the space left for the signature and the seal
    ky_hieu: str = ""  # in "Số: …/BC-<ký hiệu>", as the unit writes it (SKHĐT)
    number: str = ""  # the number given by the clerk's register; blank: left for it
    summary: str = ""  # trích yếu: the line under BÁO CÁO
    kinh_gui: str = ""
    opening: str = ""  # the căn cứ paragraph before the narrative
    closing: str = ""  # the last sentence, ending "./."
    attachments: list = field(default_factory=list)  # Hồ sơ kèm theo: the biểu
    include_submitted: bool = False  # the province's: submitted reports counted too

    @property
    def filename_stem(self):
        if self.kind == "unit":
            return f"{self.code}_{self.period.code}"
        return consolidated_stem(self.period, self.include_submitted)

    @property
    def title(self):
        return "BÁO CÁO"

    @property
    def number_line(self):
        """`Số: 12/BC-STC`, or `Số:       /BC-STC` with room for the number."""
        return f"Số: {self.number}/BC-{self.ky_hieu}" if self.number else f"Số:        /BC-{self.ky_hieu}"

    @property
    def date_line(self):
        """`Khánh Hòa, ngày 18 tháng 9 năm 2023`: Nghị định 30/2020 writes a leading zero only on
        days 1 to 9 and on months 1 and 2 (`ngày 05 tháng 02`)."""
        d = self.day
        month = f"{d.month:02d}" if d.month < 3 else str(d.month)
        return f"{self.place}, ngày {d.day:02d} tháng {month} năm {d.year}"


def consolidated_stem(period, include_submitted):
    """The name of the province's files: tong_hop_2023-Q3, tong_hop_2023-Q3_gom_da_gui."""
    return f"tong_hop_{period.code}{'_gom_da_gui' if include_submitted else ''}"


def _narrative(data, texts, period):
    generated = narrative.generated(data, period)
    return [NarrativeSection(key, title, generated.get(key, ""), texts.get(key, "")) for key, title in narrative.SECTIONS]


def _fields(issuer, period, meta, day):
    """The ExportDocument fields every writer prints from the document's fields (document_meta)."""
    values = document_meta.effective(issuer, period, meta)
    return {
        "period": period,
        "agency": issuer.agency,
        "parent_agency": issuer.parent_agency,
        "receiving": issuer.receiving,
        "place": settings.PROVINCE_NAME,
        "day": day,
        "recipients": document_meta.recipient_lines(values["noi_nhan"]),
        "signature": document_meta.signature(values),
        "signer_name": values["nguoi_ky"],
        "ky_hieu": issuer.ky_hieu,
        "number": values["so"],
        "summary": values["trich_yeu"],
        "kinh_gui": values["kinh_gui"],
        "opening": values["mo_dau"],
        "closing": values["ket_thuc"],
        "attachments": [f"Biểu số {spec.number}" for spec in FORMS.values()],
    }


def unit_document(report, data=None):
    """The document of a unit's report: its saved figures, or `data` (the blank forms of a report
    not saved yet), with the document's fields as the report holds them (document_meta.py). A
    working copy is never printed."""
    if data is None:
        data = report_forms(report)
    meta = report.document_meta
    issuer = document_meta.unit_issuer(report.unit, report.printed_unit_name)
    return ExportDocument(
        kind="unit",
        code=report.unit.code,
        forms=[FormExport(spec, build_tables(code, data[code], data[code], period=report.period))
               for code, spec in FORMS.items()],
        narrative=_narrative(data, report.narrative, report.period),
        rates_06a=rates_06a(form_totals("II.06a", data["II.06a"])["rows"]),
        **_fields(issuer, report.period, meta, document_meta.issue_date(meta, report.submitted_at)),
    )


def province_document(consolidated):
    """The provincial office's version: the province reports, one block per unit in each biểu,
    signed as the period's province document says (ReportingPeriod.province_meta): for the
    People's Committee, or by the Văn phòng UBND tỉnh in its own name."""
    data = {
        code: {key: [row for block in part.blocks for row in block.rows] for key, part in sections.items()}
        for code, sections in consolidated.forms.items()
    }
    period = consolidated.period
    meta = period.province_meta
    last_approval = max((r.updated_at for r in consolidated.reports if r.status == r.Status.APPROVED), default=None)
    return ExportDocument(
        kind="province",
        code="UBND",
        forms=[FormExport(spec, build_consolidated_tables(code, consolidated)) for code, spec in FORMS.items()],
        narrative=_narrative(data, {}, period),
        rates_06a=consolidated.rates_06a,
        include_submitted=consolidated.include_submitted,
        **_fields(document_meta.province_issuer(meta), period, meta, document_meta.issue_date(meta, last_approval)),
    )
