"""`manage.py import_report FILE.json|FILE.xlsx [--dry-run] [--submit] [--format text|json] [--user USERNAME]`

FILE is a `tthc-report/1` JSON document, or the Excel workbook of a report exported by the portal
(recognised by its `.xlsx` extension or by its content, a zip: "PK"), filled offline.

Exit status (interchange.md): 0 saved (or a dry run without error), 1 validation errors,
2 unusable input, with a one-line message on stderr.
"""
import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from reports import services
from reports.errors import UnusableInput
from reports.interchange import parse_json
from reports.workflow import WorkflowError


class Command(BaseCommand):
    help = (
        "Nhập một báo cáo từ tệp JSON (định dạng tthc-report/1) hoặc tệp Excel xuất từ cổng báo cáo: "
        "kiểm tra bằng đúng các quy tắc của biểu mẫu rồi lưu."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE.json|FILE.xlsx", help="tệp JSON hoặc tệp Excel của báo cáo")
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không lưu")
        parser.add_argument("--submit", action="store_true", help="lưu rồi gửi báo cáo (cảnh báo phải có giải trình)")
        parser.add_argument("--format", choices=("text", "json"), default="text", help="cách in kết quả")
        parser.add_argument("--user", metavar="USERNAME", help="người nhập (ghi vào lịch sử báo cáo)")

    def handle(self, *args, **options):
        actor = self._user(options["user"])
        kind, content = self._read(options["file"])
        run = {"dry_run": options["dry_run"], "submit": options["submit"], "actor": actor}
        try:
            if kind == "xlsx":
                result = services.report_import_xlsx(data=content, **run)
            else:
                result = services.report_import(document=content, **run)
        except (services.ReportError, WorkflowError) as error:
            # UnusableInput, or the report changed state between the check and the save.
            self._unusable(str(error))

        if options["format"] == "json":
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
        else:
            self._print_text(result, options["dry_run"])
        if not result.ok:
            raise SystemExit(1)

    def _unusable(self, message):
        self.stderr.write(" ".join(str(message).split()))
        raise SystemExit(2)

    def _user(self, username):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            self._unusable(f'Không có người dùng "{username}".')
        return user

    def _read(self, path):
        """("xlsx", bytes) for a workbook, ("json", document) otherwise."""
        try:
            with open(path, "rb") as file:
                content = file.read()
        except FileNotFoundError:
            self._unusable(f"Không tìm thấy tệp {path}.")
        except OSError as error:
            self._unusable(f"Không đọc được tệp {path}: {error.strerror}.")
        if str(path).lower().endswith(".xlsx") or content.startswith(b"PK"):
            return "xlsx", content
        try:
            return "json", parse_json(content, name=f"Tệp {path}")
        except UnusableInput as error:
            self._unusable(str(error))

    def _print_text(self, result, dry_run):
        for issue in result.errors:
            self.stdout.write(f"LỖI: {issue.message}")
        for issue in result.warnings:
            self.stdout.write(f"CẢNH BÁO: {issue.message}")
        if result.errors:
            self.stdout.write(f"Chưa lưu: còn {len(result.errors)} lỗi.")
        elif dry_run:
            self.stdout.write("Kiểm tra xong (--dry-run): không có lỗi.")
        else:
            report = result.report
            self.stdout.write(
                f"Đã lưu báo cáo {report.unit.code} — {report.period.label}, "
                f"trạng thái: {report.get_status_display()}."
            )
