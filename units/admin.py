from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html

from . import services
from .models import LinhVuc, Succession, Unit, User


def _count(n):
    """A count as Vietnamese write it (5.000), whether given a number or the things counted."""
    return number_format(n if isinstance(n, int) else len(n), force_grouping=True)


class ReorganiseForm(forms.Form):
    """The “Sắp xếp đơn vị” action's choices for the units selected in the list. Which of the
    fields count depends on the kind: a merger into an existing unit or a new one; a renaming is a
    new unit (new code and name) succeeding the old one; a split lists the new units, one a line."""

    kind = forms.ChoiceField(label="Hình thức", choices=Succession.Kind.choices, widget=forms.RadioSelect)
    date = forms.DateField(label="Từ ngày", help_text="Ngày đầu tiên của đơn vị kế tục; các đơn vị trước hoạt động "
                                                      "đến ngày hôm trước. Ví dụ 01/03/2025.")
    into = forms.ModelChoiceField(label="Sáp nhập vào đơn vị có sẵn", queryset=Unit.objects.all(), required=False,
                                  help_text="Sáp nhập: chọn đơn vị nhận, hoặc để trống và ghi đơn vị mới dưới đây.")
    new_code = forms.CharField(label="Mã đơn vị mới", max_length=20, required=False)
    new_name = forms.CharField(label="Tên đơn vị mới", max_length=255, required=False)
    new_kind = forms.ChoiceField(label="Loại đơn vị mới", choices=Unit.Kind.choices, required=False)
    parts = forms.CharField(
        label="Các đơn vị sau chia tách", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Chia tách: mỗi dòng một đơn vị, “MÃ; Tên đơn vị”. Một mã đã có là đơn vị có sẵn nhận một phần.")

    def __init__(self, *args, selected, **kwargs):
        super().__init__(*args, **kwargs)
        self.selected = selected
        self.fields["into"].queryset = Unit.objects.filter(is_active=True).in_print_order()

    def _new_unit(self, code, name, kind):
        if not code or not name:
            return None
        return Unit(code=code.strip().upper(), name=name.strip(), kind=kind or Unit.Kind.SO)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        selected = self.selected
        new_kind = data.get("new_kind") or (selected[0].kind if selected else Unit.Kind.SO)
        new = self._new_unit(data.get("new_code"), data.get("new_name"), new_kind)
        if kind == Succession.Kind.MERGE:
            into = data.get("into")
            if (into is None) == (new is None):
                raise forms.ValidationError("Sáp nhập: chọn một đơn vị có sẵn để nhập vào, hoặc ghi mã và tên đơn vị "
                                            "mới (không cả hai).")
            data["predecessors"] = [unit for unit in selected if into is None or unit.pk != into.pk]
            data["successors"] = [into or new]
        elif kind == Succession.Kind.RENAME:
            if new is None:
                raise forms.ValidationError("Đổi tên: ghi mã và tên mới của đơn vị.")
            data["predecessors"], data["successors"] = selected, [new]
        elif kind == Succession.Kind.SPLIT:
            successors = []
            for number, line in enumerate((data.get("parts") or "").splitlines(), 1):
                if not line.strip():
                    continue
                code, _, name = line.partition(";")
                existing = Unit.objects.filter(code__iexact=code.strip()).first()
                if existing is None and not name.strip():
                    raise forms.ValidationError(f"Dòng {number}: ghi “MÃ; Tên đơn vị”.")
                successors.append(existing or self._new_unit(code, name, new_kind))
            data["predecessors"], data["successors"] = selected, successors
        return data

    def plan_args(self):
        data = self.cleaned_data
        return {"kind": data["kind"], "date": data["date"], "predecessors": data["predecessors"],
                "successors": data["successors"]}


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent", "valid_from", "valid_to", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    actions = ["reorganise"]
    # The catalogue is not an inline: a unit may hold thousands of lĩnh vực (a big import once put
    # 20 000 there) and the page must still open. It links to the catalogue's own list instead.
    readonly_fields = ["linh_vuc_catalogue"]
    fieldsets = (
        (None, {"fields": ["code", "name", "kind", "parent", "valid_from", "valid_to", "is_active", "linh_vuc_catalogue"]}),
        ("Văn bản báo cáo (mặc định khi in)", {
            "description": "Thể thức theo Nghị định 30/2020/NĐ-CP: ký hiệu, cơ quan chủ quản, người ký, nơi nhận.",
            "fields": Unit.PROFILE_FIELDS,
        }),
    )

    @admin.display(description="Danh mục lĩnh vực")
    def linh_vuc_catalogue(self, unit):
        if unit is None or unit.pk is None:
            return "Lưu đơn vị trước, rồi thêm lĩnh vực vào danh mục."
        counts = unit.linh_vuc.aggregate(all=Count("pk"), proposed=Count("pk", filter=Q(state=LinhVuc.State.PROPOSED)))
        url = f"{reverse('admin:units_linhvuc_changelist')}?unit__id__exact={unit.pk}"
        link = format_html('<a href="{}">{} mục — xem và sửa</a>', url, _count(counts["all"]))
        if not counts["proposed"]:
            return link
        return format_html('{} (<a href="{}&amp;state__exact={}">{} đề xuất chờ chấp nhận</a>)', link, url,
                           LinhVuc.State.PROPOSED, _count(counts["proposed"]))

    @admin.action(description="Sắp xếp đơn vị (sáp nhập, đổi tên, chia tách)…", permissions=["change"])
    def reorganise(self, request, queryset):
        """Three pages: the choices (step absent), what changes (step "confirm"), done ("apply")."""
        selected = list(queryset.order_by("code"))
        step = request.POST.get("step")
        form = ReorganiseForm(request.POST if step in ("confirm", "apply") else None, selected=selected)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "selected": selected,
            "form": form,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across") == "1",
        }
        if form.is_bound and form.is_valid():
            try:
                if step == "apply":
                    plan = services.unit_reorganise(**form.plan_args(), actor=request.user)
                else:
                    plan = services.reorganisation_plan(**form.plan_args())
            except services.ReorganisationError as refused:
                form.add_error(None, str(refused))
            else:
                if step == "apply":
                    self.message_user(request, _done_message(plan), messages.SUCCESS)
                    return None
                return TemplateResponse(request, "admin/units/unit/reorganise_confirm.html", {
                    **context, "title": "Xác nhận sắp xếp đơn vị", "plan": plan,
                    "kind_label": Succession.Kind(plan.kind).label,
                })
        return TemplateResponse(request, "admin/units/unit/reorganise.html", {**context, "title": "Sắp xếp đơn vị"})

    def has_delete_permission(self, request, obj=None):
        # A unit that has reports is deactivated, never deleted (the reports keep pointing at it).
        if obj is not None and obj.reports.exists():
            return False
        return super().has_delete_permission(request, obj)


def _done_message(plan):
    moved = sum(len(units) for _, units in plan.officers)
    return (f"Đã {Succession.Kind(plan.kind).label.lower()} từ ngày {plan.date:%d/%m/%Y}: "
            f"{', '.join(unit.code for unit in plan.predecessors)} → {', '.join(unit.code for unit in plan.successors)}; "
            f"{_count(plan.predecessors)} đơn vị hoạt động đến ngày {plan.valid_to:%d/%m/%Y}, "
            f"{_count(moved)} lượt cán bộ được thêm vào đơn vị kế tục"
            + (f"; {_count(plan.open_reports)} báo cáo của các kỳ sau được giữ nguyên, không còn trong danh sách."
               if plan.open_reports else "."))


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(label="Gộp vào lĩnh vực", queryset=LinhVuc.objects.none(), empty_label=None)

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = unit.linh_vuc.filter(state=LinhVuc.State.ACTIVE)


@admin.register(LinhVuc)
class LinhVucAdmin(admin.ModelAdmin):
    """The catalogues of every unit, a page of 100 at a time. Accepting, retiring and merging go
    through units.services, which write the history of each entry."""

    list_display = ["name", "unit", "order", "state_shown"]
    list_filter = ["state", "unit__kind"]
    search_fields = ["name", "unit__code"]
    list_select_related = ["unit", "merged_into"]
    list_per_page = 100
    autocomplete_fields = ["unit"]
    fields = ["unit", "name", "order", "state", "merged_into"]
    actions = ["accept", "retire", "merge"]

    def get_readonly_fields(self, request, obj=None):
        # The state of an entry changes through the actions of the list, which keep it consistent.
        return ["state", "merged_into"] if obj is not None else ["merged_into"]

    @admin.display(description="trạng thái", ordering="state")
    def state_shown(self, entry):
        if entry.merged_into_id:
            return f"{entry.get_state_display()} (đã gộp vào “{entry.merged_into.name}”)"
        return entry.get_state_display()

    def changelist_view(self, request, extra_context=None):
        unit_id = request.GET.get("unit__id__exact", "")  # the link of the unit's page
        unit = Unit.objects.filter(pk=unit_id).first() if unit_id.isdigit() else None
        if unit is not None:
            extra_context = {**(extra_context or {}), "title": f"Danh mục lĩnh vực của {unit.code} — {unit.name}"}
        return super().changelist_view(request, extra_context)

    @admin.action(description="Chấp nhận / dùng lại (gợi ý trên trang báo cáo)", permissions=["change"])
    def accept(self, request, queryset):
        changed = services.linh_vuc_accept(entries=queryset, actor=request.user)
        self.message_user(request, f"Đã đưa {_count(changed)} lĩnh vực vào dùng.", messages.SUCCESS)

    @admin.action(description="Ngừng dùng (báo cáo đã có giữ nguyên)", permissions=["change"])
    def retire(self, request, queryset):
        changed = services.linh_vuc_retire(entries=queryset, actor=request.user)
        self.message_user(request, f"Đã ngừng dùng {_count(changed)} lĩnh vực; các báo cáo đã có giữ nguyên các dòng.",
                          messages.SUCCESS)

    @admin.action(description="Gộp vào một lĩnh vực khác…", permissions=["change"])
    def merge(self, request, queryset):
        entries = list(queryset.select_related("unit"))
        units = {entry.unit for entry in entries}
        if not units:
            return None
        if len(units) > 1:
            self.message_user(request, "Chỉ gộp được các lĩnh vực của cùng một đơn vị: lọc danh sách theo đơn vị "
                                       "rồi chọn lại.", messages.ERROR)
            return None
        unit = units.pop()
        form = MergeForm(request.POST if request.POST.get("post") == "yes" else None, unit=unit)
        if form.is_valid():
            try:
                reports = services.linh_vuc_merge(entries=queryset, into=form.cleaned_data["into"], actor=request.user)
            except services.CatalogueError as refused:
                form.add_error(None, str(refused))
            else:
                self.message_user(
                    request, f"Đã gộp {_count(entries)} lĩnh vực vào “{form.cleaned_data['into'].name}”"
                             + (f"; đã sửa tên các dòng trong {len(reports)} báo cáo đang nhập." if reports else "."),
                    messages.SUCCESS)
                return None
        return TemplateResponse(request, "admin/units/linhvuc/merge.html", {
            **self.admin_site.each_context(request),
            "title": f"Gộp lĩnh vực của {unit.name}",
            "opts": self.model._meta,
            "unit": unit,
            "entries": entries,
            "form": form,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across") == "1",
        })


# What a user may do in the portal is its role (and units), not Django's groups and permissions: the
# administration neither lists those (in English, from the apps' model names) nor offers them.
admin.site.unregister(Group)


def _without_groups_and_permissions(fieldsets):
    return tuple((name, {**options, "fields": [f for f in options["fields"] if f not in ("groups", "user_permissions")]})
                 for name, options in fieldsets)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active", "units"]
    filter_horizontal = ["units"]
    fieldsets = _without_groups_and_permissions(UserAdmin.fieldsets) + (
        ("Vai trò trong cổng báo cáo", {"fields": ["role", "units"]}),)
    add_fieldsets = UserAdmin.add_fieldsets + (("Vai trò trong cổng báo cáo", {"fields": ["role", "units"]}),)
