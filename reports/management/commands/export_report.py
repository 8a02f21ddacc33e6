"""`manage.py export_report --unit CODE --period PERIOD --format json|xlsx|docx|pdf -o FILE`

JSON is tthc-report/1 (`-o -` or no `-o` writes it to stdout); Excel, Word and PDF are laid out like
the paper forms (reports/exports). Unusable input exits 2 with a one-line message.
"""
import json

from reports import exports
from reports.exports.document import unit_document
from reports.interchange import report_document
from reports.management.exporting import ExportCommand
from reports.models import Report
from units.models import Unit


class Command(ExportCommand):
    help = "Xuất báo cáo của một đơn vị trong một kỳ (JSON tthc-report/1, Excel, Word hoặc PDF)."

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, metavar="CODE", help="mã đơn vị, ví dụ STC")
        super().add_arguments(parser)

    def handle(self, *args, **options):
        self.check_output(options)
        report = self._report(options["unit"].strip(), options["period"])
        fmt = options["format"]
        if fmt == "json":
            body = json.dumps(report_document(report), ensure_ascii=False, indent=2)
        else:
            body = exports.render(unit_document(report), fmt)
        self.write(body, options["output"], f"Đã xuất báo cáo {report.unit.code} — {report.period.label}")

    def _report(self, unit_code, period_code):
        unit = Unit.objects.filter(code=unit_code).first()
        if unit is None:
            self.unusable(f'Không có đơn vị mã "{unit_code}".')
        period = self.period(period_code)
        report = Report.objects.select_related("unit", "period").filter(unit=unit, period=period).first()
        if report is None:
            self.unusable(f"{unit.code} chưa có báo cáo {period.label}.")
        return report
