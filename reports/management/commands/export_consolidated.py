"""`manage.py export_consolidated --period PERIOD --format json [--include-submitted] -o FILE`

The province's consolidation of a period as `tthc-consolidated/1` (interchange.md). Only JSON for
now; `-o -` or no `-o` writes to stdout. Unusable input exits 2 with a one-line message.
"""
import json

from django.core.management.base import BaseCommand

from reports import periods
from reports.consolidation import consolidate, consolidated_document
from reports.models import ReportingPeriod

FORMATS = ("json",)  # xlsx, docx, pdf: later, from the same prepared tables


class Command(BaseCommand):
    help = "Xuất báo cáo tổng hợp toàn tỉnh của một kỳ (JSON tthc-consolidated/1)."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, metavar="PERIOD", help="mã kỳ, ví dụ 2023-Q3")
        parser.add_argument("--format", choices=FORMATS, default="json", help="định dạng tệp xuất")
        parser.add_argument("--include-submitted", action="store_true",
                            help="tổng hợp cả các báo cáo đã gửi nhưng chưa duyệt")
        parser.add_argument("-o", "--output", default="-", metavar="FILE", help="tệp ghi ra (mặc định: màn hình)")

    def handle(self, *args, **options):
        period = self._period(options["period"])
        consolidated = consolidate(period, include_submitted=options["include_submitted"])
        text = json.dumps(consolidated_document(consolidated), ensure_ascii=False, indent=2)
        output = options["output"]
        if output in ("", "-"):
            self.stdout.write(text)
            return
        try:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text + "\n")
        except OSError as error:
            self._unusable(f"Không ghi được tệp {output}: {error.strerror}.")
        self.stdout.write(
            f"Đã xuất báo cáo tổng hợp {period.label} ({len(consolidated.reports)} đơn vị) ra tệp {output}."
        )

    def _unusable(self, message):
        self.stderr.write(" ".join(str(message).split()))
        raise SystemExit(2)

    def _period(self, period_code):
        try:
            year, kind = periods.parse_code(period_code)
        except ValueError as error:
            self._unusable(str(error))
        period = ReportingPeriod.objects.filter(code=f"{year}-{kind}").first()
        if period is None:
            self._unusable(f"Chưa có kỳ báo cáo {year}-{kind}.")
        return period
