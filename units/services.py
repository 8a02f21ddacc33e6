"""State changes of units and of their lĩnh vực catalogues (the admin's actions call them too, so
that each writes the admin history the same way)."""
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.db.models import QuerySet

from reports.forms_spec import all_sections
from reports.interchange import report_document
from reports.models import LABEL_FIELDS, ROW_MODELS, Report, Revision
from reports.selectors import report_forms
from reports.services import judge
from reports.workflow import EDITABLE

from .models import LinhVuc, Unit


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
            judgement = judge(unit=unit, period=report.period, raw_forms=report_forms(report))
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
