"""What export_report and export_consolidated share: the period argument, the output file, exit 2."""
from django.core.management.base import BaseCommand

from reports import exports, periods
from reports.models import ReportingPeriod

FORMATS = tuple(exports.CONTENT_TYPES)  # json, xlsx, docx, pdf


class ExportCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, metavar="PERIOD", help="mã kỳ, ví dụ 2023-Q3")
        parser.add_argument("--format", choices=FORMATS, default="json", help="định dạng tệp xuất")
        parser.add_argument("-o", "--output", default="-", metavar="FILE",
                            help="tệp ghi ra (mặc định: màn hình, chỉ với json)")

    def unusable(self, message):
        self.stderr.write(" ".join(str(message).split()))
        raise SystemExit(2)

    def period(self, period_code):
        try:
            year, kind = periods.parse_code(period_code)
        except ValueError as error:
            self.unusable(str(error))
        period = ReportingPeriod.objects.filter(code=f"{year}-{kind}").first()
        if period is None:
            self.unusable(f"Chưa có kỳ báo cáo {year}-{kind}.")
        return period

    def check_output(self, options):
        if options["format"] != "json" and options["output"] in ("", "-"):
            self.unusable(f"Tệp {options['format']} cần được ghi ra một tệp: thêm -o TÊN_TỆP.{options['format']}")

    def write(self, body, output, done):
        """`body` (str for json, bytes otherwise) to stdout or to `output`; then say `done`."""
        if output in ("", "-"):
            self.stdout.write(body)
            return
        try:
            if isinstance(body, str):
                with open(output, "w", encoding="utf-8") as file:
                    file.write(body + "\n")
            else:
                with open(output, "wb") as file:
                    file.write(body)
        except OSError as error:
            self.unusable(f"Không ghi được tệp {output}: {error.strerror}.")
        self.stdout.write(f"{done} ra tệp {output}.")
