"""`manage.py close_period 2023-Q3`: close a period (nothing in it changes any more) and say what
was still in play: reports in draft or returned, submitted ones awaiting review (still reviewable).
A malformed or unknown code exits 2."""
from django.core.management.base import BaseCommand

from reports import selectors, services


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
        counts = selectors.closing_counts(period)
        self.stdout.write(f"Đã đóng kỳ {period.label} {period.window_text}.")
        self.stdout.write(f"Còn {counts['draft']} báo cáo nháp, {counts['returned']} báo cáo bị trả lại chưa gửi lại "
                          f"(đơn vị không gửi được nữa), {counts['submitted']} báo cáo đã gửi chờ duyệt "
                          f"(vẫn duyệt, trả lại được), {counts['missing']} đơn vị chưa nhập.")
