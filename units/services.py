"""State changes of units and of their lĩnh vực catalogues (the admin's actions call them too, so
that each writes the admin history the same way)."""
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet

from reports.forms_spec import all_sections
from reports.interchange import report_document
from reports.models import LABEL_FIELDS, ROW_MODELS, Report, Revision
from reports.selectors import rows_forms
from reports.services import judge
from reports.workflow import EDITABLE

from .models import LinhVuc, Succession, Unit, User


class CatalogueError(Exception):
    """A change of a lĩnh vực catalogue that cannot be made; the message says why, in Vietnamese."""


@transaction.atomic
def unit_profile_update(*, unit, data, actor):
    """Set the profile fields of `unit` (cleaned by units.forms.UnitProfileForm) and note the
    change in the unit's admin history, so that the admin sees who changed what. Returns the
    names of the fields that changed."""
    kept = Unit.objects.select_for_update().get(pk=unit.pk)
    changed = [name for name in Unit.PROFILE_FIELDS if getattr(kept, name) != data[name]]
    if not changed:
        return []
    for name in changed:
        setattr(kept, name, data[name])
    kept.save(update_fields=changed)
    labels = ", ".join(str(Unit._meta.get_field(name).verbose_name) for name in changed)
    LogEntry.objects.log_actions(actor.pk, [kept], CHANGE, change_message=f"Sửa hồ sơ đơn vị: {labels}.",
                                 single_object=True)
    return changed


# ---------------------------------------------------------------------------------------------
# Lĩnh vực catalogues


def _selected(entries):
    """The entries as a queryset, whether given as one (the admin's selection, maybe thousands:
    kept a subquery) or as a list."""
    ids = entries.values("pk") if isinstance(entries, QuerySet) else [entry.pk for entry in entries]
    return LinhVuc.objects.filter(pk__in=ids)


def _log(actor, entries, message):
    if entries:
        LogEntry.objects.log_actions(actor.pk, entries, CHANGE, change_message=message)


@transaction.atomic
def linh_vuc_accept(*, entries, actor):
    """Put the entries in use: offered on the report page of their unit. A proposed entry is
    accepted, a retired one used again (no longer merged anywhere). Returns the entries changed."""
    selected = _selected(entries).exclude(state=LinhVuc.State.ACTIVE)
    changed = list(selected.select_for_update())
    selected.update(state=LinhVuc.State.ACTIVE, merged_into=None)
    _log(actor, [e for e in changed if e.state == LinhVuc.State.PROPOSED],
         "Chấp nhận lĩnh vực đề xuất: đang dùng, được gợi ý trên trang báo cáo.")
    _log(actor, [e for e in changed if e.state == LinhVuc.State.RETIRED],
         "Dùng lại lĩnh vực: đang dùng, được gợi ý trên trang báo cáo.")
    return changed


@transaction.atomic
def linh_vuc_retire(*, entries, actor):
    """Stop offering the entries on the report page. The reports that have rows of them keep
    those rows as they are. Returns the entries changed."""
    selected = _selected(entries).exclude(state=LinhVuc.State.RETIRED)
    changed = list(selected.select_for_update())
    selected.update(state=LinhVuc.State.RETIRED)
    _log(actor, changed, "Ngừng dùng lĩnh vực: không còn gợi ý trên trang báo cáo; báo cáo đã có giữ nguyên các dòng.")
    return changed


@transaction.atomic
def linh_vuc_merge(*, entries, into, actor):
    """Merge the entries into `into`, an entry in use of the same unit: they are retired and
    remember `into`, and the rows of the unit's reports still being written (draft or returned,
    period open) take the name of `into`. Submitted and approved reports keep their rows as the
    unit sent them. Returns the reports whose rows were renamed."""
    into = LinhVuc.objects.select_for_update().select_related("unit").get(pk=into.pk)
    selected = _selected(entries)
    merged = list(selected.select_for_update().select_related("unit"))
    if not merged:
        raise CatalogueError("Chưa chọn lĩnh vực nào để gộp.")
    if any(entry.pk == into.pk for entry in merged):
        raise CatalogueError(f"Không gộp được lĩnh vực “{into.name}” vào chính nó: bỏ chọn “{into.name}”, "
                             "hoặc chọn một lĩnh vực khác để gộp vào.")
    strangers = [entry for entry in merged if entry.unit_id != into.unit_id]
    if strangers:
        listed = ", ".join(f"“{entry.name}” ({entry.unit.name})" for entry in strangers[:5])
        raise CatalogueError(f"Chỉ gộp được các lĩnh vực của cùng một đơn vị: “{into.name}” thuộc {into.unit.name}, "
                             f"còn {listed} thuộc đơn vị khác.")
    if into.state != LinhVuc.State.ACTIVE:
        raise CatalogueError(f"Lĩnh vực “{into.name}” đang ở trạng thái “{into.get_state_display()}”: chỉ gộp vào "
                             "một lĩnh vực đang dùng (chấp nhận nó trước nếu cần).")
    names = [entry.name for entry in merged]
    reports = _relabel_open_reports(into.unit, names, into.name, actor)
    LinhVuc.objects.filter(merged_into__in=selected.values("pk")).update(merged_into=into)  # earlier merges follow
    selected.update(state=LinhVuc.State.RETIRED, merged_into=into)
    where = f"; tên các dòng được sửa trong {len(reports)} báo cáo đang nhập" if reports else ""
    _log(actor, merged, f"Gộp vào lĩnh vực “{into.name}”{where}.")
    LogEntry.objects.log_actions(
        actor.pk, [into], CHANGE, single_object=True,
        change_message=f"Nhận gộp {len(merged)} lĩnh vực: {', '.join(f'“{name}”' for name in names[:20])}"
                       + (" …" if len(names) > 20 else "") + f"{where}.",
    )
    return reports


def _relabel_open_reports(unit, names, into, actor):
    """Rename to `into` the rows of the lĩnh vực `names` in the unit's reports still being written,
    and in their working copies. Each report renamed gets a new version and revision by `actor`
    (an officer with the page open is told that it changed). Refused when a report would then
    hold two rows of one lĩnh vực: its officer adds up the two rows first."""
    reports = {
        report.pk: report
        for report in Report.objects.select_for_update(of=("self",)).select_related("unit", "period")
        .filter(unit=unit, status__in=EDITABLE, period__is_open=True)
    }
    if not reports:
        return []
    sections = [(form, section) for form, section in all_sections() if "linh_vuc" in section.label_keys]
    renamed, clashes = set(), []
    for form, section in sections:
        others = [LABEL_FIELDS[key] for key in section.label_keys if key != "linh_vuc"]
        rows = ROW_MODELS[(form.code, section.key)].objects.filter(
            report__in=list(reports), label__in=[*names, into]).values("report_id", "label", *others)
        identities = {}
        for row in rows:
            identities.setdefault((row["report_id"], *(row[name] for name in others)), []).append(row["label"])
            if row["label"] != into:
                renamed.add(row["report_id"])
        clashes += [(reports[identity[0]], form.code, labels) for identity, labels in identities.items()
                    if len(labels) > 1]
    if clashes:
        raise CatalogueError("Không gộp được: " + "; ".join(
            f"báo cáo {report.period.label} của {report.unit.name} có cả "
            f"{', '.join(f'“{label}”' for label in sorted(set(labels)))} trong biểu {code}"
            for report, code, labels in clashes[:5]
        ) + f". Gộp xong, các dòng này thành nhiều dòng “{into}”: cán bộ đầu mối cộng số liệu vào một dòng "
            "và xóa các dòng kia trên trang báo cáo trước, rồi gộp lại.")
    for form, section in sections:
        ROW_MODELS[(form.code, section.key)].objects.filter(report__in=renamed, label__in=names).update(label=into)
    copied = {pk for pk, report in reports.items() if _relabel_copy(report.working_copy, set(names), into)}
    for pk in sorted(renamed | copied):
        report = reports[pk]
        fields = ["version", "updated_by", "updated_at"]
        if pk in copied:
            report.has_errors = not judge(unit=unit, period=report.period,
                                          raw_forms=report.working_copy["forms"]).ok
            fields += ["working_copy", "has_errors"]
        if pk in renamed:
            judgement = judge(unit=unit, period=report.period, raw_forms=rows_forms(report))
            report.warning_count = len({warning.explanation_key for warning in judgement.warnings})
            fields.append("warning_count")
        report.version += 1
        report.updated_by = actor
        report.save(update_fields=fields)
        if pk in renamed:
            Revision.objects.create(report=report, version=report.version, actor=actor,
                                    document=report_document(report, judgement.data))
    return [reports[pk] for pk in sorted(renamed | copied)]


def _relabel_copy(copy, names, into):
    """Rename the lĩnh vực in a working copy (what the officer typed and did not save); whether any was."""
    changed = False
    forms = copy.get("forms") if isinstance(copy, dict) else None
    for sections in (forms or {}).values():
        for rows in (sections or {}).values() if isinstance(sections, dict) else ():
            for row in rows if isinstance(rows, list) else ():
                if isinstance(row, dict) and isinstance(row.get("linh_vuc"), str) and row["linh_vuc"] in names:
                    row["linh_vuc"] = into
                    changed = True
    return changed


# ---------------------------------------------------------------------------------------------
# Reorganisations (workflow.md, Reorganisations): merge, rename, split in one step


class ReorganisationError(Exception):
    """A reorganisation that cannot be made as asked; the message says why, in Vietnamese."""


@dataclass
class Reorganisation:
    """What a reorganisation changes, computed before anything is written (the admin's
    confirmation page shows it; unit_reorganise writes exactly it)."""

    kind: str
    date: object
    predecessors: list  # the units that end, the day before `date`
    successors: list  # existing units, or new ones (pk None) created from `date`
    successions: list  # (predecessor, successor)
    open_reports: list  # the predecessors' reports still in play in periods they no longer take part in
    officers: list  # (user, [successors the user is added to])
    linh_vuc: dict = field(default_factory=dict)  # successor code -> names added to its catalogue
    new_units: list = field(default_factory=list)  # the successors created by the reorganisation

    @property
    def valid_to(self):
        return self.date - timedelta(days=1)


def reorganisation_plan(*, kind, predecessors, successors, date):
    """What merging (`kind` "merge": several predecessors, one successor), renaming ("rename": one
    and one, the successor a new unit) or splitting ("split": one predecessor, several successors)
    from `date` changes. `successors` are existing units or unsaved new ones. Raises
    ReorganisationError when it cannot be done."""
    predecessors = sorted({unit.pk: unit for unit in predecessors}.values(), key=lambda unit: unit.code)
    if kind not in Succession.Kind.values:
        raise ReorganisationError("Chọn hình thức sắp xếp: sáp nhập, đổi tên hoặc chia tách.")
    if not predecessors or not successors:
        raise ReorganisationError("Chọn đơn vị trước và đơn vị kế tục.")
    if kind == Succession.Kind.MERGE and len(successors) != 1:
        raise ReorganisationError("Sáp nhập: các đơn vị được chọn nhập vào đúng một đơn vị.")
    if kind == Succession.Kind.RENAME and (len(predecessors) != 1 or len(successors) != 1):
        raise ReorganisationError("Đổi tên: chọn đúng một đơn vị, và ghi mã, tên mới của nó.")
    if kind == Succession.Kind.SPLIT and (len(predecessors) != 1 or len(successors) < 2):
        raise ReorganisationError("Chia tách: chọn đúng một đơn vị, và ít nhất hai đơn vị sau chia tách.")
    valid_to = date - timedelta(days=1)
    ids = {unit.pk for unit in predecessors}
    for unit in successors:
        if unit.pk is None:
            unit.code = (unit.code or "").strip().upper()
    for unit in successors:
        if unit.pk in ids:
            raise ReorganisationError(f"{unit.name} vừa là đơn vị trước, vừa là đơn vị kế tục.")
        if unit.pk is None:
            if Unit.objects.filter(code__iexact=unit.code).exists():
                raise ReorganisationError(f"Đã có đơn vị mang mã {unit.code}: chọn đơn vị đó, hoặc ghi mã khác.")
        elif unit.valid_to is not None and unit.valid_to < date:
            raise ReorganisationError(f"{unit.name} đã kết thúc hoạt động ngày {unit.valid_to:%d/%m/%Y}, "
                                      f"trước ngày {date:%d/%m/%Y}: không kế tục được.")
    codes = [unit.code.upper() for unit in successors if unit.pk is None]
    if len(codes) != len(set(codes)):
        raise ReorganisationError("Hai đơn vị mới trùng mã.")
    for unit in predecessors:
        if unit.valid_from is not None and unit.valid_from > valid_to:
            raise ReorganisationError(f"{unit.name} hoạt động từ ngày {unit.valid_from:%d/%m/%Y}: ngày sắp xếp phải sau ngày đó.")
        if unit.valid_to is not None and unit.valid_to < valid_to:
            raise ReorganisationError(f"{unit.name} đã kết thúc hoạt động ngày {unit.valid_to:%d/%m/%Y}.")
    existing = [unit.pk for unit in successors if unit.pk]
    recorded = Succession.objects.filter(predecessor__in=ids, successor__in=existing).select_related(
        "predecessor", "successor").first()
    if recorded is not None:
        raise ReorganisationError(f"Đã ghi {recorded.predecessor.name} → {recorded.successor.name} "
                                  f"({recorded.get_kind_display()}, {recorded.date:%d/%m/%Y}).")

    # The reports still in play (draft, returned, submitted; period open) of periods the
    # predecessors no longer take part in: kept, but no longer on the board.
    open_reports = [
        report for report in Report.objects.select_related("unit", "period").filter(
            unit__in=ids, period__is_open=True, status__in=[*EDITABLE, Report.Status.SUBMITTED],
        ).order_by("unit__code", "period__end")
        if report.period.first_day > valid_to
    ]
    moved = {}
    members = User.units.through.objects.filter(unit__in=[*ids, *existing]).values_list("user_id", "unit_id")
    already = {(user_id, unit_id) for user_id, unit_id in members}
    for user in User.objects.filter(units__in=ids).distinct().order_by("username"):
        targets = [unit for unit in successors if (user.pk, unit.pk) not in already]
        if targets:
            moved[user.pk] = (user, targets)
    names = list(LinhVuc.objects.filter(unit__in=ids, state=LinhVuc.State.ACTIVE)
                 .order_by("unit__code", "order", "name").values_list("name", flat=True).distinct())
    linh_vuc = {}
    for unit in successors:
        has = set(unit.linh_vuc.values_list("name", flat=True)) if unit.pk else set()
        added = [name for name in dict.fromkeys(names) if name not in has]
        if added:
            linh_vuc[unit.code] = added
    return Reorganisation(
        kind=kind, date=date, predecessors=predecessors, successors=list(successors),
        successions=[(p, s) for p in predecessors for s in successors], open_reports=open_reports,
        officers=list(moved.values()), linh_vuc=linh_vuc, new_units=[unit for unit in successors if unit.pk is None],
    )


@transaction.atomic
def unit_reorganise(*, kind, predecessors, successors, date, actor):
    """Merge, rename or split units from `date` in one step (see reorganisation_plan): the new
    successors are created (from `date`), the predecessors end the day before, the successions
    are recorded, the predecessors' officers are added to the successors (keeping their old units,
    hence read access to their past reports), the successors' catalogues receive the
    predecessors' lĩnh vực in use, and each change is written to the admin history. Reports are
    never touched. Returns the Reorganisation done."""
    locked = list(Unit.objects.select_for_update().filter(
        pk__in=[unit.pk for unit in [*predecessors, *successors] if unit.pk]))
    fresh = {unit.pk: unit for unit in locked}
    plan = reorganisation_plan(kind=kind, date=date, predecessors=[fresh[unit.pk] for unit in predecessors],
                               successors=[fresh.get(unit.pk, unit) if unit.pk else unit for unit in successors])
    label = Succession.Kind(kind).label.lower()
    for unit in plan.new_units:
        unit.valid_from = date
        try:
            unit.full_clean()
        except ValidationError as invalid:
            raise ReorganisationError(f"Đơn vị mới {unit.code}: " + " ".join(invalid.messages)) from None
        unit.save()
        LogEntry.objects.log_actions(actor.pk, [unit], ADDITION, single_object=True,
                                     change_message=f"Tạo đơn vị khi {label} từ ngày {date:%d/%m/%Y}: kế tục "
                                                    + ", ".join(p.name for p in plan.predecessors) + ".")
    Unit.objects.filter(pk__in=[unit.pk for unit in plan.predecessors]).update(valid_to=plan.valid_to)
    Succession.objects.bulk_create(Succession(predecessor=p, successor=s, date=date, kind=kind)
                                   for p, s in plan.successions)
    User.units.through.objects.bulk_create(
        [User.units.through(user_id=user.pk, unit_id=unit.pk) for user, units in plan.officers for unit in units],
        ignore_conflicts=True)
    for unit in plan.successors:
        names = plan.linh_vuc.get(unit.code, [])
        start = (unit.linh_vuc.aggregate(top=Max("order"))["top"] or 0) + 1
        LinhVuc.objects.bulk_create(LinhVuc(unit=unit, name=name, order=start + i) for i, name in enumerate(names))
    successors_text = ", ".join(s.name for s in plan.successors)
    reports_text = f"; {len(plan.open_reports)} báo cáo đang nhập/đã gửi của các kỳ sau không còn trong danh sách (vẫn giữ)" \
        if plan.open_reports else ""
    for unit in plan.predecessors:
        unit.valid_to = plan.valid_to
        LogEntry.objects.log_actions(
            actor.pk, [unit], CHANGE, single_object=True,
            change_message=f"{Succession.Kind(kind).label} từ ngày {date:%d/%m/%Y}: kế tục là {successors_text}; "
                           f"hoạt động đến ngày {plan.valid_to:%d/%m/%Y}{reports_text}.")
    for unit in plan.successors:
        added = plan.linh_vuc.get(unit.code, [])
        LogEntry.objects.log_actions(
            actor.pk, [unit], CHANGE, single_object=True,
            change_message=f"Kế tục ({label}) từ ngày {date:%d/%m/%Y}: " + ", ".join(p.name for p in plan.predecessors)
                           + (f"; thêm {len(added)} lĩnh vực vào danh mục" if added else "") + ".")
    for user, units in plan.officers:
        LogEntry.objects.log_actions(
            actor.pk, [user], CHANGE, single_object=True,
            change_message=f"Thêm đơn vị phụ trách {', '.join(u.code for u in units)} ({label} từ ngày "
                           f"{date:%d/%m/%Y}); giữ các đơn vị cũ.")
    return plan
