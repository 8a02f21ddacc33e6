"""`manage.py open_period 2023-Q3`: create the period with its default window and deadline if
needed, and open it. A malformed code exits 2."""
from django.core.management.base import BaseCommand

from reports import services


class Command(BaseCommand):
    help = "Mở một kỳ báo cáo (tạo kỳ với thời gian chốt số liệu và hạn gửi mặc định nếu chưa có)."

    def add_arguments(self, parser):
        parser.add_argument("period", metavar="PERIOD", help="mã kỳ, ví dụ 2023-Q3, 2023-H1, 2023-Y")

    def handle(self, *args, **options):
        try:
            period, created = services.period_open(options["period"])
        except ValueError as error:
            self.stderr.write(str(error))
            raise SystemExit(2) from None
        verb = "Đã tạo và mở kỳ" if created else "Đã mở kỳ"
        self.stdout.write(
            f"{verb} {period.label} {period.window_text}, hạn gửi {period.deadline:%d/%m/%Y}."
        )
