from django import forms
from django.contrib import admin

from . import periods
from .models import ExportFile, Report, ReportingPeriod, Transition


class ReportingPeriodForm(forms.ModelForm):
    """Admins type the code (2023-Q3); year, kind and, when left blank, the default data window
    and deadline follow from it."""

    class Meta:
        model = ReportingPeriod
        fields = ["code", "start", "end", "deadline", "is_open"]
        help_texts = {"start": "Để trống: theo mặc định của loại kỳ.", "end": "Để trống: theo mặc định của loại kỳ.",
                      "deadline": "Để trống: 2 ngày làm việc sau ngày chốt số liệu."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("start", "end", "deadline"):
            self.fields[name].required = False

    def clean(self):
        data = super().clean()
        try:
            year, kind = periods.parse_code(data.get("code") or "")
        except ValueError as error:
            raise forms.ValidationError({"code": str(error)}) from None
        start, end = periods.default_window(year, kind)
        data["code"] = f"{year}-{kind}"
        data["start"] = data.get("start") or start
        data["end"] = data.get("end") or end
        data["deadline"] = data.get("deadline") or periods.default_deadline(data["end"])
        if data["start"] > data["end"]:
            raise forms.ValidationError({"end": "Ngày chốt số liệu phải sau ngày bắt đầu."})
        self.instance.year, self.instance.kind = year, kind
        return data


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    form = ReportingPeriodForm
    list_display = ["code", "label", "start", "end", "deadline", "is_open"]
    list_filter = ["is_open", "kind", "year"]
    list_editable = ["is_open"]


class TransitionInline(admin.TabularInline):
    model = Transition
    fields = ["at", "from_status", "to_status", "actor", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Read-only here: figures change through the report pages and their rules, never by hand."""

    list_display = ["unit", "period", "status", "submitted_at", "version"]
    list_filter = ["status", "period", "unit__kind"]
    search_fields = ["unit__code", "unit__name"]
    inlines = [TransitionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ExportFile)
class ExportFileAdmin(admin.ModelAdmin):
    """The export jobs and their files, to see what failed and why. A file is only ever made by
    its job; deleting one here only means it is made again when asked for."""

    list_display = ["filename", "fmt", "period", "unit", "status", "created_at", "finished_at"]
    list_filter = ["status", "fmt", "period"]
    search_fields = ["filename", "unit__code", "error"]
    readonly_fields = ["key", "fmt", "period", "unit", "include_submitted", "status", "file", "filename", "error",
                       "created_at", "started_at", "finished_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
