"""`manage.py close_period 2023-Q3`: close a period (nothing in it changes any more).
A malformed or unknown code exits 2."""
from django.core.management.base import BaseCommand

from reports import services


class Command(BaseCommand):
    help = "Đóng một kỳ báo cáo: các đơn vị không nhập, không gửi được nữa."

    def add_arguments(self, parser):
        parser.add_argument("period", metavar="PERIOD", help="mã kỳ, ví dụ 2023-Q3")

    def handle(self, *args, **options):
        try:
            period = services.period_close(options["period"])
        except (ValueError, services.ReportError) as error:
            self.stderr.write(str(error))
            raise SystemExit(2) from None
        self.stdout.write(f"Đã đóng kỳ {period.label} {period.window_text}.")
