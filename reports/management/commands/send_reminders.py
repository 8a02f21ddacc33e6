"""`manage.py send_reminders [--dry-run]`, run each working day from cron: remind the officers of
every unit that has not submitted a report of an open period whose deadline is at most three days
away or past. Exit 0; an email the server refused is named on stderr (details in the log)."""
from django.core.management.base import BaseCommand
from django.utils import timezone

from reports import notifications


class Command(BaseCommand):
    help = (
        "Gửi thư nhắc cán bộ đầu mối của các đơn vị chưa gửi báo cáo khi còn từ "
        f"{notifications.REMIND_DAYS_BEFORE} ngày trở xuống đến hạn gửi, hoặc đã quá hạn."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="chỉ liệt kê các đơn vị sẽ được nhắc, không gửi thư")

    def handle(self, *args, **options):
        dry_run = options["dry_run"]
        today = timezone.localdate()
        reminders = notifications.send_reminders(today, dry_run=dry_run)
        if not reminders:
            self.stdout.write("Không có đơn vị nào cần nhắc gửi báo cáo.")
            return
        self.stdout.write("Các đơn vị sẽ được nhắc (chạy thử):" if dry_run else "Các đơn vị được nhắc:")
        period = None
        for reminder in reminders:
            if reminder.period != period:
                period = reminder.period
                self.stdout.write(
                    f"{period.label} — hạn gửi {period.deadline:%d/%m/%Y}, "
                    f"{notifications.days_text(period.deadline, today)}:"
                )
            line = (f"  {reminder.unit.code} {reminder.unit.name} ({reminder.status_label}) → "
                    f"{', '.join(reminder.recipients)}")
            if dry_run or reminder.sent:
                self.stdout.write(line)
            else:
                self.stderr.write(f"{line}: KHÔNG gửi được thư (xem nhật ký)")
        if dry_run:
            self.stdout.write(f"Chạy thử: sẽ gửi {len(reminders)} thư nhắc; chưa gửi thư nào.")
        else:
            sent = sum(reminder.sent for reminder in reminders)
            failed = f", {len(reminders) - sent} thư không gửi được" if sent < len(reminders) else ""
            self.stdout.write(f"Đã gửi {sent} thư nhắc{failed}.")
