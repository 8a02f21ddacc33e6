"""`manage.py export_consolidated --period PERIOD --format json|xlsx|docx|pdf [--include-submitted] -o FILE`

The province's consolidation of a period: JSON is `tthc-consolidated/1` (interchange.md; `-o -` or
no `-o` writes it to stdout); Excel, Word and PDF are the provincial office's version of the report.
Unusable input exits 2 with a one-line message.
"""
import json

from reports import exports
from reports.consolidation import consolidate, consolidated_document
from reports.exports.document import province_document
from reports.management.exporting import ExportCommand


class Command(ExportCommand):
    help = "Xuất báo cáo tổng hợp toàn tỉnh của một kỳ (JSON tthc-consolidated/1, Excel, Word hoặc PDF)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--include-submitted", action="store_true",
                            help="tổng hợp cả các báo cáo đã gửi nhưng chưa duyệt")

    def handle(self, *args, **options):
        self.check_output(options)
        period = self.period(options["period"])
        fmt = options["format"]
        with exports.without_cycle_collection():  # as the export job does it (reports/export_jobs.py)
            consolidated = consolidate(period, include_submitted=options["include_submitted"])
            if fmt == "json":
                body = json.dumps(consolidated_document(consolidated), ensure_ascii=False, indent=2)
            else:
                body = exports.render(province_document(consolidated), fmt)
        self.write(body, options["output"],
                   f"Đã xuất báo cáo tổng hợp {period.label} ({len(consolidated.reports)} đơn vị)")
