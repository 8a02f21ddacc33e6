from django.contrib import admin

from .models import Report, ReportingPeriod, Transition


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "start", "end", "deadline", "is_open"]
    list_filter = ["is_open", "kind", "year"]
    list_editable = ["is_open"]
    fields = ["code", "year", "kind", "start", "end", "deadline", "is_open"]


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
