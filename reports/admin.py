from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.template.response import TemplateResponse

from . import periods, selectors, services
from .models import ExportFile, Report, ReportingPeriod, Transition


def closing_warning(period, counts):
    return (f"{period.label}: còn {counts['draft']} báo cáo nháp, {counts['returned']} báo cáo bị trả lại "
            f"chưa gửi lại, {counts['submitted']} báo cáo đã gửi chờ duyệt và {counts['missing']} đơn vị chưa nhập. "
            "Đóng kỳ thì đơn vị không nhập, không gửi được nữa; báo cáo đã gửi vẫn được duyệt hoặc trả lại.")


class ReportingPeriodForm(forms.ModelForm):
    """Admins type the code (2023-Q3); year, kind and, when left blank, the default data window
    and deadline follow from it. Unticking “đang mở” of an open period asks for a confirmation
    that states what is still in play (selectors.closing_counts)."""

    confirm_close = forms.BooleanField(label="Xác nhận đóng kỳ", required=False, widget=forms.HiddenInput)

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
        if self.closing and not data.get("confirm_close"):
            counts = selectors.closing_counts(self.instance)
            self.fields["confirm_close"].widget = forms.CheckboxInput()
            self.fields["confirm_close"].help_text = "Đánh dấu rồi lưu lại để đóng kỳ."
            raise forms.ValidationError(closing_warning(self.instance, counts) + " Đánh dấu “Xác nhận đóng kỳ” "
                                        "rồi lưu lại để đóng.", code="confirm_close")
        return data

    @property
    def closing(self):
        """Whether this save closes a period that is open."""
        return bool(self.instance.pk and self.initial.get("is_open") and not self.cleaned_data.get("is_open"))


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    form = ReportingPeriodForm
    list_display = ["code", "name", "start", "end", "deadline", "is_open"]
    list_filter = ["is_open", "kind", "year"]
    # No list_editable “đang mở”: closing goes through a confirmation (the action, the change form).
    actions = ["open_periods", "close_periods"]

    @admin.display(description="Tên kỳ")
    def name(self, period):
        return period.label

    def save_model(self, request, obj, form, change):
        if change and form.closing:
            obj.is_open = True  # the other fields first; the closing itself through the service
            super().save_model(request, obj, form, change)
            services.period_close(obj.code)
            obj.is_open = False
            return
        super().save_model(request, obj, form, change)

    @admin.action(description="Mở các kỳ đã chọn", permissions=["change"])
    def open_periods(self, request, queryset):
        for period in queryset:
            services.period_open(period.code)
        self.message_user(request, f"Đã mở {queryset.count()} kỳ báo cáo.", messages.SUCCESS)

    @admin.action(description="Đóng các kỳ đã chọn…", permissions=["change"])
    def close_periods(self, request, queryset):
        periods_ = list(queryset.filter(is_open=True))
        if not periods_:
            self.message_user(request, "Các kỳ đã chọn đều đã đóng.", messages.WARNING)
            return None
        if request.POST.get("post") == "yes":
            for period in periods_:
                services.period_close(period.code)
            self.message_user(request, "Đã đóng " + ", ".join(p.label for p in periods_) + ".", messages.SUCCESS)
            return None
        return TemplateResponse(request, "admin/reports/reportingperiod/close.html", {
            **self.admin_site.each_context(request),
            "title": "Đóng kỳ báo cáo",
            "opts": self.model._meta,
            "rows": [{"period": period, "counts": selectors.closing_counts(period)} for period in periods_],
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across") == "1",
        })


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
