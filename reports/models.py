from django.conf import settings
from django.db import models

from units.models import Unit

from . import periods
from .forms_spec import CAP_LABELS, all_sections


class ReportingPeriod(models.Model):
    class Kind(models.TextChoices):
        Q1 = "Q1", "Quý I"
        Q2 = "Q2", "Quý II"
        Q3 = "Q3", "Quý III"
        Q4 = "Q4", "Quý IV"
        H1 = "H1", "6 tháng đầu năm"
        Y = "Y", "Năm"

    code = models.CharField("mã kỳ", max_length=10, unique=True, help_text="Ví dụ 2023-Q3, 2023-H1, 2023-Y")
    year = models.PositiveSmallIntegerField("năm")
    kind = models.CharField("loại kỳ", max_length=2, choices=Kind.choices)
    start = models.DateField("số liệu từ ngày")
    end = models.DateField("số liệu đến ngày")
    deadline = models.DateField("hạn gửi báo cáo")
    is_open = models.BooleanField("đang mở", default=False)
    # The province's report of the period as a document: who issues it (UBND tỉnh or its Văn
    # phòng), số, ngày, trích yếu, nơi nhận, người ký … (document_meta.PROVINCE_FIELDS).
    province_meta = models.JSONField("thông tin văn bản tổng hợp của tỉnh", default=dict, blank=True)

    class Meta:
        ordering = ["-end", "kind"]
        constraints = [models.UniqueConstraint(fields=["year", "kind"], name="period_unique_kind_per_year")]
        verbose_name = "kỳ báo cáo"
        verbose_name_plural = "kỳ báo cáo"

    def __str__(self):
        return self.label

    @property
    def label(self):
        if self.kind == self.Kind.H1:
            return f"6 tháng đầu năm {self.year}"
        if self.kind == self.Kind.Y:
            return f"Năm {self.year}"
        return f"{self.get_kind_display()} năm {self.year}"

    @property
    def window_text(self):
        s, e = self.start, self.end
        return (
            f"(Từ ngày {s.day:02d} tháng {s.month:02d} năm {s.year} "
            f"đến ngày {e.day:02d} tháng {e.month:02d} năm {e.year})"
        )

    @property
    def is_quarter(self):
        return self.kind.startswith("Q")

    @property
    def first_day(self):
        """The first day of the quarter, half or year (not of the data window)."""
        return periods.calendar_span(self.year, self.kind)[0]

    @property
    def last_day(self):
        return periods.calendar_span(self.year, self.kind)[1]


class Report(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Nháp"
        SUBMITTED = "submitted", "Đã gửi"
        RETURNED = "returned", "Trả lại"
        APPROVED = "approved", "Đã duyệt"

    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="reports")
    period = models.ForeignKey(ReportingPeriod, verbose_name="kỳ báo cáo", on_delete=models.PROTECT, related_name="reports")
    status = models.CharField("trạng thái", max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Bumped by every save: a save based on an older version is refused (no silent overwrite).
    version = models.PositiveIntegerField("phiên bản", default=0)
    narrative = models.JSONField("nội dung báo cáo", default=dict, blank=True)
    explanations = models.JSONField("giải trình cảnh báo", default=list, blank=True)
    # Số, ngày ban hành, trích yếu, kính gửi, mở đầu, câu kết, nơi nhận, người ký (document_meta.py).
    document_meta = models.JSONField("thông tin văn bản", default=dict, blank=True)
    # How many warnings the saved figures raise (one per row and rule), for the status board.
    warning_count = models.PositiveSmallIntegerField("số cảnh báo", default=0)
    # The unit's name as printed when submitted: renaming the unit later does not rewrite it.
    unit_name = models.CharField("tên đơn vị trên báo cáo", max_length=255, blank=True)
    submitted_at = models.DateTimeField("gửi lúc", null=True, blank=True)
    # What the officer typed and has not saved as the report's figures (autosave, or a save with
    # errors): the raw strings per cell, the narrative and the explanations. The row tables and the
    # revisions keep the last valid figures, which are all the reviewer, the consolidation and the
    # exports ever read. None when the page holds nothing beyond the saved figures.
    working_copy = models.JSONField("bản đang nhập", null=True, blank=True)
    working_saved_at = models.DateTimeField("bản đang nhập lưu lúc", null=True, blank=True)
    # The working copy holds errors ("còn lỗi"): it cannot become the report's figures yet.
    has_errors = models.BooleanField("còn lỗi", default=False)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người cập nhật", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-period__end", "unit__code"]
        constraints = [models.UniqueConstraint(fields=["unit", "period"], name="report_unique_per_unit_period")]
        verbose_name = "báo cáo"
        verbose_name_plural = "báo cáo"

    def __str__(self):
        return f"{self.unit.code} — {self.period.label}"

    @property
    def printed_unit_name(self):
        return self.unit_name or self.unit.name

    @property
    def is_late(self):
        if self.submitted_at is None:
            return False
        from django.utils import timezone

        return timezone.localdate(self.submitted_at) > self.period.deadline


class Transition(models.Model):
    """One step in the life of a report: who moved it from which status to which, when, why."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField("từ", max_length=10, choices=Report.Status.choices)
    to_status = models.CharField("sang", max_length=10, choices=Report.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người thực hiện", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("lúc", auto_now_add=True)
    reason = models.TextField("lý do", blank=True)
    # The report as JSON at this moment: what the reviewer compares between two submissions.
    snapshot = models.JSONField("dữ liệu lúc chuyển", null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "lịch sử trạng thái"
        verbose_name_plural = "lịch sử trạng thái"

    def __str__(self):
        return f"{self.report}: {self.get_from_status_display()} → {self.get_to_status_display()}"


class Revision(models.Model):
    """The report as saved: every save keeps the whole document, with who and when, so that any
    change of a figure or a narrative text can be shown later (see diff.py)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField("phiên bản")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người lưu", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("lúc", auto_now_add=True)
    document = models.JSONField("báo cáo (JSON)")

    class Meta:
        ordering = ["report", "version"]
        constraints = [models.UniqueConstraint(fields=["report", "version"], name="revision_unique_version")]
        verbose_name = "phiên bản báo cáo"
        verbose_name_plural = "phiên bản báo cáo"

    def __str__(self):
        return f"{self.report} — phiên bản {self.version}"


class FormRow(models.Model):
    """A row of one section of one biểu. The count columns come from forms_spec."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="%(class)s_set")
    position = models.PositiveSmallIntegerField("thứ tự")
    label = models.CharField("tên (lĩnh vực, cơ quan)", max_length=255, blank=True)
    cap = models.CharField("cấp", max_length=10, blank=True, choices=list(CAP_LABELS.items()))
    nhom = models.CharField("nhóm", max_length=1, blank=True)

    class Meta:
        abstract = True


# Which model field holds each label key of the JSON rows.
LABEL_FIELDS = {"ten": "label", "linh_vuc": "label", "cap": "cap", "nhom": "nhom"}


def _row_model(form, section):
    # Amounts of money (đồng) reach 10^15: a big integer; counts stay PositiveIntegerField.
    fields = {
        column.key: (models.PositiveBigIntegerField if column.money else models.PositiveIntegerField)(
            f"({column.number}) {column.label}", default=0)
        for column in section.entered
    }
    meta = type("Meta", (), {
        "ordering": ["report", "position"],
        "verbose_name": f"dòng biểu {form.code} {section.key}",
        "verbose_name_plural": f"dòng biểu {form.code} {section.key}",
        "constraints": [
            models.UniqueConstraint(fields=["report", "position"], name=f"{section.model_name.lower()}_unique_position")
        ],
    })
    return type(section.model_name, (FormRow,), {"__module__": __name__, "Meta": meta, **fields})


# One table per section of each biểu, its integer columns declared by the biểu itself.
ROW_MODELS = {(form.code, section.key): _row_model(form, section) for form, section in all_sections()}
globals().update({model.__name__: model for model in ROW_MODELS.values()})


class ExportFile(models.Model):
    """A generated .xlsx/.docx/.pdf, kept under the key of what it was made from (export_jobs.py):
    a second request for the same key gets the stored file at once, from any web server."""

    class Status(models.TextChoices):
        PENDING = "pending", "Đang chờ"
        RUNNING = "running", "Đang tạo"
        READY = "ready", "Sẵn sàng"
        FAILED = "failed", "Lỗi"

    key = models.CharField("khóa nội dung", max_length=64, unique=True)
    fmt = models.CharField("định dạng", max_length=5)
    period = models.ForeignKey(ReportingPeriod, verbose_name="kỳ báo cáo", on_delete=models.CASCADE,
                               related_name="export_files")
    # A unit's report; None: the province's consolidation.
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="export_files")
    include_submitted = models.BooleanField("gồm báo cáo đã gửi", default=False)
    status = models.CharField("trạng thái", max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField("tệp", upload_to="exports/", blank=True)
    filename = models.CharField("tên tệp tải về", max_length=120, blank=True)
    error = models.TextField("lỗi", blank=True)
    created_at = models.DateTimeField("yêu cầu lúc", auto_now_add=True)
    started_at = models.DateTimeField("bắt đầu lúc", null=True, blank=True)
    finished_at = models.DateTimeField("xong lúc", null=True, blank=True)

    class Meta:
        verbose_name = "tệp xuất"
        verbose_name_plural = "tệp xuất"

    def __str__(self):
        return self.filename or self.key
