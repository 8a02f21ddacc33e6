"""`manage.py prune_exports [--keep-days N]`: delete the generated files nobody will ask for again
(run it daily, e.g. from cron, beside `prune_db_task_results` of the database queue)."""
from django.core.management.base import BaseCommand

from reports import export_jobs


class Command(BaseCommand):
    help = "Xóa các tệp xuất đã cũ: mỗi báo cáo, mỗi định dạng chỉ giữ tệp mới nhất."

    def add_arguments(self, parser):
        parser.add_argument("--keep-days", type=int, default=30, help="không giữ tệp nào cũ hơn số ngày này (mặc định 30)")

    def handle(self, *args, **options):
        deleted = export_jobs.prune(keep_days=options["keep_days"])
        self.stdout.write(f"Đã xóa {deleted} tệp xuất cũ.")
