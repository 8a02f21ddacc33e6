"""`manage.py export_report --unit CODE --period PERIOD --format json -o FILE`

Only JSON (tthc-report/1) for now; `-o -` or no `-o` writes to stdout. Unusable input exits 2.
"""
import json

from django.core.management.base import BaseCommand

from reports import periods
from reports.interchange import report_document
from reports.models import Report, ReportingPeriod
from units.models import Unit

FORMATS = ("json",)  # xlsx, docx, pdf: later, from the same form declarations


class Command(BaseCommand):
    help = "Xuất báo cáo của một đơn vị trong một kỳ (JSON tthc-report/1)."

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, metavar="CODE", help="mã đơn vị, ví dụ STC")
        parser.add_argument("--period", required=True, metavar="PERIOD", help="mã kỳ, ví dụ 2023-Q3")
        parser.add_argument("--format", choices=FORMATS, default="json", help="định dạng tệp xuất")
        parser.add_argument("-o", "--output", default="-", metavar="FILE", help="tệp ghi ra (mặc định: màn hình)")

    def handle(self, *args, **options):
        report = self._report(options["unit"].strip(), options["period"])
        text = json.dumps(report_document(report), ensure_ascii=False, indent=2)
        output = options["output"]
        if output in ("", "-"):
            self.stdout.write(text)
            return
        try:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text + "\n")
        except OSError as error:
            self._unusable(f"Không ghi được tệp {output}: {error.strerror}.")
        self.stdout.write(f"Đã xuất báo cáo {report.unit.code} — {report.period.label} ra tệp {output}.")

    def _unusable(self, message):
        self.stderr.write(" ".join(str(message).split()))
        raise SystemExit(2)

    def _report(self, unit_code, period_code):
        unit = Unit.objects.filter(code=unit_code).first()
        if unit is None:
            self._unusable(f'Không có đơn vị mã "{unit_code}".')
        try:
            year, kind = periods.parse_code(period_code)
        except ValueError as error:
            self._unusable(str(error))
        period = ReportingPeriod.objects.filter(code=f"{year}-{kind}").first()
        if period is None:
            self._unusable(f"Chưa có kỳ báo cáo {year}-{kind}.")
        report = Report.objects.select_related("unit", "period").filter(unit=unit, period=period).first()
        if report is None:
            self._unusable(f"{unit.code} chưa có báo cáo {period.label}.")
        return report
