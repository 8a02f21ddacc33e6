from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import LinhVuc, Unit, User


class LinhVucInline(admin.TabularInline):
    model = LinhVuc
    extra = 1


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    inlines = [LinhVucInline]
    fieldsets = (
        (None, {"fields": ["code", "name", "kind", "parent", "is_active"]}),
        ("Văn bản báo cáo (mặc định khi in)", {
            "description": "Thể thức theo Nghị định 30/2020/NĐ-CP: ký hiệu, cơ quan chủ quản, người ký, nơi nhận.",
            "fields": Unit.PROFILE_FIELDS,
        }),
    )

    def has_delete_permission(self, request, obj=None):
        # A unit that has reports is deactivated, never deleted (the reports keep pointing at it).
        if obj is not None and obj.reports.exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active", "units"]
    filter_horizontal = ["units", "groups", "user_permissions"]
    fieldsets = UserAdmin.fieldsets + (("Vai trò trong cổng báo cáo", {"fields": ["role", "units"]}),)
    add_fieldsets = UserAdmin.add_fieldsets + (("Vai trò trong cổng báo cáo", {"fields": ["role", "units"]}),)
