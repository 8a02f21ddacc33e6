"""State changes. Each runs in one transaction, checks its precondition and raises a domain
exception (with a Vietnamese message) that the caller turns into a message or an exit status."""
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from units.models import LinhVuc

from . import document_meta, export_jobs, notifications, periods, selectors
from .errors import ReportError, UnusableInput
from .exports import xlsx
from .forms_spec import FORMS, abolished_levels, all_sections
from .interchange import report_document
from .models import LABEL_FIELDS, ROW_MODELS, Report, ReportingPeriod, Revision, Transition
from .narrative import KEYS as NARRATIVE_KEYS
from .rules import ERROR, WARNING, Issue, check, clean_text
from .workflow import S, WorkflowError, check_transition, is_editable


class NotEditable(ReportError):
    pass


class StaleReport(ReportError):
    def __init__(self, report):
        self.report = report
        who = report.updated_by.display_name if report.updated_by else "người khác"
        when = timezone.localtime(report.updated_at).strftime("%H:%M %d/%m/%Y")
        super().__init__(
            f"Báo cáo vừa được {who} lưu lúc {when}, sau khi bạn mở trang. Dữ liệu của bạn CHƯA được lưu "
            "và vẫn nằm nguyên trên trang. Hãy mở báo cáo trong một thẻ mới để xem bản vừa lưu; "
            "nếu vẫn muốn dùng dữ liệu của mình, nhấn Lưu một lần nữa để thay thế bản đó."
        )


@dataclass
class Judgement:
    """What the rules say of a report's data."""

    data: dict
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors


class ValidationFailed(ReportError):
    """Submitting figures that break a rule (saving them keeps a working copy instead)."""

    def __init__(self, judgement):
        self.judgement = judgement
        super().__init__(f"Chưa gửi được: còn {len(judgement.errors)} lỗi trong báo cáo. "
                         "Sửa các ô được đánh dấu đỏ, nhấn “Lưu nháp”, rồi gửi lại.")


# ---------------------------------------------------------------------------------------------
# Periods


def period_open(code):
    """Create the period with its default window and deadline if needed, and open it."""
    year, kind = periods.parse_code(code)
    start, end = periods.default_window(year, kind)
    period, created = ReportingPeriod.objects.get_or_create(
        code=f"{year}-{kind}",
        defaults={"year": year, "kind": kind, "start": start, "end": end,
                  "deadline": periods.default_deadline(end)},
    )
    if not period.is_open:
        period.is_open = True
        period.save(update_fields=["is_open"])
    return period, created


def period_close(code):
    year, kind = periods.parse_code(code)
    period = ReportingPeriod.objects.filter(code=f"{year}-{kind}").first()
    if period is None:
        raise ReportError(f"Chưa có kỳ báo cáo {year}-{kind}.")
    if period.is_open:
        period.is_open = False
        period.save(update_fields=["is_open"])
    return period


# ---------------------------------------------------------------------------------------------
# Judging and saving figures


_NOT_READ = object()


def judge(*, unit, period, raw_forms, previous=_NOT_READ):
    """`previous`: the unit's selectors.previous_context for the period, when the caller has it."""
    if previous is _NOT_READ:
        previous = selectors.previous_context(unit, period)
    data, errors, warnings = check(raw_forms, previous, abolished=abolished_levels(period))
    return Judgement(data, errors, warnings)


def clean_narrative(narrative):
    """Narrative texts by section key; unknown keys are refused by the import, dropped here."""
    texts = {key: clean_text(narrative.get(key) or "") for key in NARRATIVE_KEYS}
    return {key: text for key, text in texts.items() if text}


def match_explanations(warnings, explanations):
    """Keep the explanations that answer a current warning, stored by its full key."""
    texts = {}
    for item in explanations:
        text = clean_text(item.get("text") or "")
        if not text:
            continue
        for warning in warnings:
            if (warning.code, warning.form, warning.row) == (item.get("code"), item.get("form"), item.get("row")) and (
                item.get("section") in (None, warning.section)
            ):
                texts.setdefault(warning.explanation_key, text)
    return [
        {"code": code, "form": form, "section": section, "row": row, "text": text}
        for (code, form, section, row), text in texts.items()
    ]


def unexplained(warnings, explanations):
    explained = {(e["code"], e["form"], e["section"], e["row"]) for e in explanations}
    missing, seen = [], set()
    for warning in warnings:
        if warning.explanation_key not in explained and warning.explanation_key not in seen:
            seen.add(warning.explanation_key)
            missing.append(warning)
    return missing


def _get_or_new_report(unit, period):
    report = (Report.objects.select_for_update(of=("self",)).select_related("period")
              .filter(unit=unit, period=period).order_by().first())
    if report is None:
        return Report(unit=unit, period=period)
    report.unit = unit
    return report


def _stored(section, rows):
    """A section's rows as the row tables hold them (labels "" for none, entered columns only)."""
    return [
        ({key: row.get(key) or "" for key in section.label_keys}, {c.key: row.get(c.key) for c in section.entered})
        for row in rows
    ]


def _write_rows(report, data, previous=None):
    """Write the figures to the row tables. `previous` (the forms of the latest revision, which the
    rows hold) spares rewriting a section that did not change: a save usually changes one or two
    of the six, and the delete and insert of every row were a third of the time of a save."""
    for form, section in all_sections():
        rows = data[form.code][section.key]
        if previous is not None and _stored(section, (previous.get(form.code) or {}).get(section.key) or []) \
                == _stored(section, rows):
            continue
        model = ROW_MODELS[(form.code, section.key)]
        model.objects.filter(report=report).delete()
        model.objects.bulk_create(
            model(
                report=report,
                position=position,
                **{LABEL_FIELDS[key]: row.get(key) or "" for key in section.label_keys},
                **{column.key: row[column.key] for column in section.entered},
            )
            for position, row in enumerate(rows, 1)
        )


def _linh_vuc_names(forms):
    """The lĩnh vực named in the rows of `forms` (a report's figures, or a revision's)."""
    return {
        row["linh_vuc"]
        for form, section in all_sections()
        if "linh_vuc" in section.label_keys
        for row in (forms.get(form.code) or {}).get(section.key) or []
        if row.get("linh_vuc")
    }


def _extend_catalogue(unit, data, previous=None, *, state=LinhVuc.State.ACTIVE):
    """The lĩnh vực of the figures that the unit's catalogue lacks join it: in use when the officer
    typed them on the page, proposed when an import brought them (offered on the page once the
    admin accepts them). A proposed lĩnh vực the officer types on the page is in use: the officer
    chose it. On the page only the names this save brings count as typed (`previous`: the forms
    the report held), so that saving a report filled by an import does not put the import's names
    in use."""
    names = _linh_vuc_names(data) - (_linh_vuc_names(previous) if previous else set())
    if not names:
        return
    known = dict(LinhVuc.objects.filter(unit=unit, name__in=names).values_list("name", "state"))
    if state == LinhVuc.State.ACTIVE:
        chosen = [name for name, was in known.items() if was == LinhVuc.State.PROPOSED]
        if chosen:
            LinhVuc.objects.filter(unit=unit, name__in=chosen).update(state=LinhVuc.State.ACTIVE)
    new = sorted(names - set(known))
    if not new:
        return
    order = (LinhVuc.objects.filter(unit=unit).aggregate(m=Max("order"))["m"] or 0) + 1
    LinhVuc.objects.bulk_create(
        # (the order is a small integer: a huge import's last names share the largest)
        (LinhVuc(unit=unit, name=name, order=min(order + i, 32767), state=state) for i, name in enumerate(new)),
        ignore_conflicts=True,  # a save of another report of the unit adding the same name at once
    )


def _report_for_write(unit, period, actor, expected_version):
    """The report locked for this write, its version bumped by compare-and-set, or StaleReport
    when someone saved since `expected_version`. A report saved for the first time is created."""
    report = _get_or_new_report(unit, period)
    if not unit.exists_in(period):
        raise NotEditable(_outside_period(unit, period))
    if not period.is_open or (report.pk and not is_editable(report)):
        raise NotEditable(_not_editable_message(report))
    if report.version != expected_version:
        raise StaleReport(report)
    report.updated_by = actor
    if report.pk:
        # Of two writes based on the same version, one fails.
        if not Report.objects.filter(pk=report.pk, version=expected_version).update(version=F("version") + 1):
            raise StaleReport(Report.objects.get(pk=report.pk))
        report.version = expected_version + 1
        return report
    report.version = 1
    try:
        with transaction.atomic():  # a savepoint: another first save may have won the race
            report.save()
    except IntegrityError:
        raise StaleReport(Report.objects.get(unit=unit, period=period)) from None
    return report


def typed_copy(raw_forms, narrative, explanations, meta=None):
    """What the officer typed, as the working copy keeps it: the cells as typed (judged again when
    the page is opened: an unknown column stays an error), the narrative, the explanations —
    cleaned of control characters."""
    forms = {}
    for code, form in FORMS.items():
        raw_form = (raw_forms or {}).get(code) or {}
        forms[code] = {}
        for section in form.sections:
            rows = raw_form.get(section.key) if isinstance(raw_form, dict) else None
            forms[code][section.key] = [
                {clean_text(key): clean_text(value) if isinstance(value, str) else value for key, value in row.items()}
                for row in (rows if isinstance(rows, list) else []) if isinstance(row, dict)
            ]
    return {
        "forms": forms,
        "meta": document_meta.clean(meta or {}),
        "narrative": clean_narrative(narrative or {}),
        "explanations": [
            {"code": e.get("code"), "form": e.get("form"), "section": e.get("section"), "row": e.get("row"),
             "text": clean_text(e.get("text") or "")}
            for e in explanations or [] if isinstance(e, dict) and clean_text(e.get("text") or "")
        ],
    }


WORKING_COPY_FIELDS = ["working_copy", "working_saved_at", "has_errors", "updated_by", "updated_at"]


def _set_working_copy(report, copy=None, has_errors=False):
    """Keep `copy` as the report's working copy, or drop it (None); the caller saves."""
    report.working_copy = copy
    report.working_saved_at = timezone.now() if copy is not None else None
    report.has_errors = has_errors


def _keep_working_copy(report, copy, judgement):
    _set_working_copy(report, copy, has_errors=not judgement.ok)
    report.save(update_fields=WORKING_COPY_FIELDS)


def report_save(*, unit, period, raw_forms, narrative, explanations, actor, expected_version,
                extend_catalogue=True, meta=None):
    """“Lưu nháp”: a draft keeps exactly what was typed, valid or not.

    Valid figures become the report's figures (rows, a revision) and the working copy is dropped.
    Figures with errors are kept as the working copy, the report is marked “còn lỗi”, and its
    rows and revisions stay as they were: nobody else ever sees invalid figures.
    Refused when the report is not editable, or when someone saved since `expected_version`
    (StaleReport). Returns (report, judgement); `judgement.ok` tells which of the two happened.
    A lĩnh vực typed on the page joins the unit's catalogue unless `extend_catalogue` is false.
    `meta` (the document's số, ngày, người ký …) is kept as it is when None (an import).
    """
    with transaction.atomic():
        report = _report_for_write(unit, period, actor, expected_version)
        copy = typed_copy(raw_forms, narrative, explanations, meta)  # judged as it would be kept
        judgement = judge(unit=unit, period=period, raw_forms=copy["forms"])
        if not judgement.ok:
            _keep_working_copy(report, copy, judgement)
            return report, judgement
        previous = selectors.latest_forms(report)
        report.narrative = clean_narrative(narrative)
        if meta is not None:
            report.document_meta = copy["meta"]
        report.explanations = match_explanations(judgement.warnings, explanations)
        report.warning_count = len({w.explanation_key for w in judgement.warnings})
        _set_working_copy(report)
        report.save(update_fields=["narrative", "document_meta", "explanations", "warning_count",
                                   *WORKING_COPY_FIELDS])
        _write_rows(report, judgement.data, previous)
        if extend_catalogue:
            _extend_catalogue(unit, judgement.data, previous)
        Revision.objects.create(report=report, version=report.version, actor=actor,
                                document=report_document(report, judgement.data))
    return report, judgement


def report_autosave(*, unit, period, raw_forms, narrative, explanations, actor, expected_version, meta=None):
    """Autosave: keep what is on the page as the working copy, valid or not, without touching the
    report's figures (they change on “Lưu nháp”). The same version check as a save, so that an
    autosave never overwrites a newer save by someone else. Returns (report, judgement)."""
    with transaction.atomic():
        report = _report_for_write(unit, period, actor, expected_version)
        copy = typed_copy(raw_forms, narrative, explanations, meta)
        judgement = judge(unit=unit, period=period, raw_forms=copy["forms"])
        _keep_working_copy(report, copy, judgement)
    return report, judgement


def report_discard_working_copy(*, report, actor, expected_version):
    """Drop the working copy: the page shows the report's saved figures again."""
    with transaction.atomic():
        report = _report_for_write(report.unit, report.period, actor, expected_version)
        _set_working_copy(report)
        report.save(update_fields=WORKING_COPY_FIELDS)
    return report


def _not_editable_message(report):
    if not report.period.is_open:
        return f"Kỳ báo cáo {report.period.label} đã đóng: báo cáo chỉ còn để xem."
    return (
        f"Báo cáo đang ở trạng thái “{report.get_status_display()}”: chỉ sửa được khi là Nháp hoặc bị Trả lại."
    )


# ---------------------------------------------------------------------------------------------
# Transitions


def _transition(report, to_status, actor, reason=""):
    check_transition(report, to_status)
    Transition.objects.create(
        report=report, from_status=report.status, to_status=to_status, actor=actor, reason=reason,
        snapshot=report_document(report) if to_status == S.SUBMITTED else None,
    )
    report.status = to_status
    report.save(update_fields=["status", "submitted_at", "unit_name", "updated_at"])


def report_submit(*, report, actor):
    """Submit: every rule again on the saved figures; errors block, each warning needs an explanation."""
    with transaction.atomic():
        report = Report.objects.select_for_update(of=("self",)).select_related("period", "unit").get(pk=report.pk)
        check_transition(report, S.SUBMITTED)
        if report.working_copy is not None:
            raise WorkflowError(
                "Chưa gửi được: trên trang còn thay đổi chưa lưu vào báo cáo"
                + (" và còn lỗi" if report.has_errors else "")
                + ". Sửa lỗi (nếu có), nhấn “Lưu nháp”, rồi gửi."
            )
        judgement = judge(unit=report.unit, period=report.period, raw_forms=selectors.report_forms(report))
        if not judgement.ok:
            raise ValidationFailed(judgement)
        missing = unexplained(judgement.warnings, report.explanations)
        if missing:
            # Where they are (Issue.place): among many, an empty box is hard to find.
            where = "; ".join(w.place or w.message for w in missing[:3]) + ("; …" if len(missing) > 3 else "")
            raise WorkflowError(
                f"Chưa gửi được: còn {len(missing)} cảnh báo chưa có giải trình ({where}). "
                "Ghi giải trình cho từng cảnh báo, lưu, rồi gửi lại."
            )
        report.submitted_at = timezone.now()
        report.unit_name = report.unit.name
        _transition(report, S.SUBMITTED, actor)
    return report


def report_return(*, report, actor, reason):
    reason = clean_text(reason or "")
    if not reason:
        raise WorkflowError("Phải ghi lý do trả lại báo cáo.")
    with transaction.atomic():
        report = Report.objects.select_for_update(of=("self",)).select_related("period", "unit").get(pk=report.pk)
        _transition(report, S.RETURNED, actor, reason)
        # After commit: no email for a transition rolled back; a mail failure is only logged.
        transaction.on_commit(lambda: notifications.notify_returned(report, reason), robust=True)
    return report


def report_approve(*, report, actor):
    with transaction.atomic():
        report = Report.objects.select_for_update(of=("self",)).select_related("period", "unit").get(pk=report.pk)
        _transition(report, S.APPROVED, actor)
        transaction.on_commit(lambda: notifications.notify_approved(report), robust=True)
        if settings.EXPORT_ON_APPROVAL:
            transaction.on_commit(lambda: export_jobs.prepare_approved(report), robust=True)
    return report


# ---------------------------------------------------------------------------------------------
# JSON import


@dataclass
class ImportResult:
    errors: list
    warnings: list
    saved: bool = False
    report: Report | None = None
    unexplained: int = 0  # warnings of the figures still without an explanation

    @property
    def ok(self):
        return not self.errors

    def as_json(self):
        return {
            "ok": self.ok,
            "saved": self.saved,
            "errors": [issue.as_json() for issue in self.errors],
            "warnings": [issue.as_json() for issue in self.warnings],
        }


def resolve_document(document):
    """(unit, period) a document is for, or UnusableInput with a one-line reason."""
    from units.models import Unit

    from .interchange import FORMAT

    if not isinstance(document, dict):
        raise UnusableInput("Tệp không phải một báo cáo JSON (cần một đối tượng JSON).")
    if document.get("format") != FORMAT:
        raise UnusableInput(f'Tệp không đúng định dạng: "format" phải là "{FORMAT}".')
    unit = Unit.objects.filter(code=str(document.get("unit") or "")).first()
    if unit is None:
        raise UnusableInput(f'Không có đơn vị mã "{document.get("unit")}".')
    if not unit.is_active:
        raise UnusableInput(f"Đơn vị {unit.code} đã ngừng hoạt động: không nhập được báo cáo.")
    try:
        year, kind = periods.parse_code(str(document.get("period") or ""))
    except ValueError as error:
        raise UnusableInput(str(error)) from None
    period = ReportingPeriod.objects.filter(code=f"{year}-{kind}").first()
    if period is None:
        raise UnusableInput(f"Chưa có kỳ báo cáo {year}-{kind}.")
    if not period.is_open:
        raise UnusableInput(f"Kỳ báo cáo {period.label} đã đóng: không nhập được báo cáo.")
    if not unit.exists_in(period):
        raise UnusableInput(_outside_period(unit, period))
    report = Report.objects.filter(unit=unit, period=period).first()
    if report is not None and not is_editable(report):
        raise UnusableInput(f"{unit.code} {period.label}: {_not_editable_message(report)}")
    return unit, period


def _outside_period(unit, period):
    """Why `unit` takes no report of `period`: "Sở Kế hoạch và Đầu tư (SKHDT) hoạt động đến
    28/02/2025, không hoạt động trong quý ii năm 2025: …" (a save and an import say the same)."""
    parts = [f"từ {unit.valid_from:%d/%m/%Y}" if unit.valid_from else "", f"đến {unit.valid_to:%d/%m/%Y}" if unit.valid_to else ""]
    lifetime = "hoạt động " + " ".join(part for part in parts if part)
    return (f"{unit.name} ({unit.code}) {lifetime}, không hoạt động trong {period.label.lower()}: "
            "không nhập được báo cáo của kỳ này.")


def report_import(*, document, actor, dry_run=False, submit=False):
    """Judge a `tthc-report/1` document with the rules of the web form, then (unless a dry run)
    replace the report's figures, narrative and explanations — all or nothing."""
    from .interchange import check_bounds, document_errors

    check_bounds(document)
    unit, period = resolve_document(document)
    structure = document_errors(document)
    judgement = judge(unit=unit, period=period, raw_forms=document.get("forms"))
    errors = structure + judgement.errors
    explanations = match_explanations(judgement.warnings, document.get("explanations") or []) if not structure else []
    if submit and not errors:
        errors = [
            Issue("explanation.missing", ERROR, w.form, w.section, w.row, w.column,
                  f"{w.message} — cảnh báo này chưa có giải trình nên chưa gửi được")
            for w in unexplained(judgement.warnings, explanations)
        ]
    result = ImportResult(errors, judgement.warnings + _catalogue_notices(unit, judgement.data),
                          unexplained=len(unexplained(judgement.warnings, explanations)))
    if errors or dry_run:
        return result
    with transaction.atomic():
        existing = Report.objects.filter(unit=unit, period=period).first()
        report, saved = report_save(
            unit=unit, period=period, raw_forms=document.get("forms"), narrative=document.get("narrative") or {},
            explanations=explanations, actor=actor, expected_version=existing.version if existing else 0,
            extend_catalogue=False,
        )
        if saved.ok:  # the new lĩnh vực wait for the admin (_catalogue_notices says so)
            _extend_catalogue(unit, saved.data, state=LinhVuc.State.PROPOSED)
        if submit:
            report = report_submit(report=report, actor=actor)
    result.saved, result.report = True, report
    return result


def _listed(names, shown=20):
    return ", ".join(names[:shown]) + (f" và {len(names) - shown} lĩnh vực khác" if len(names) > shown else "")


def _catalogue_notices(unit, data):
    """An import does not put lĩnh vực in use: it says which ones are not in the unit's catalogue
    (the import proposes them to the admin) and which ones the catalogue no longer uses. Warnings
    of the import only (no explanation needed): the rows stay in this report."""
    names = _linh_vuc_names(data)
    entries = {entry.name: entry for entry in
               LinhVuc.objects.filter(unit=unit, name__in=names).select_related("merged_into")}
    new = sorted(name for name in names if name not in entries or entries[name].state == LinhVuc.State.PROPOSED)
    retired = sorted(name for name, entry in entries.items() if entry.state == LinhVuc.State.RETIRED)
    notices = []
    if new:
        notices.append(Issue(
            "catalogue.new_linh_vuc", WARNING, None, None, None, None,
            f"Tệp có {len(new)} lĩnh vực chưa có trong danh mục lĩnh vực của {unit.name}: "
            f"{_listed([f'“{name}”' for name in new])}. Các dòng này được ghi vào báo cáo này; các lĩnh vực "
            "được ghi vào danh mục của đơn vị dưới dạng đề xuất và chỉ được gợi ý trên trang báo cáo sau khi "
            "Quản trị chấp nhận. Nếu gõ sai tên, sửa tên trong tệp hoặc trên trang.",
        ))
    if retired:
        def shown(name):
            into = entries[name].merged_into
            return f"“{name}” (đã gộp vào “{into.name}”)" if into else f"“{name}”"

        notices.append(Issue(
            "catalogue.retired_linh_vuc", WARNING, None, None, None, None,
            f"Tệp có {len(retired)} lĩnh vực đã ngừng dùng trong danh mục lĩnh vực của {unit.name}: "
            f"{_listed([shown(name) for name in retired])}. Các dòng này vẫn được ghi vào báo cáo với tên trong "
            "tệp; nên sửa sang tên lĩnh vực đang dùng, trong tệp hoặc trên trang.",
        ))
    return notices


# ---------------------------------------------------------------------------------------------
# The province's document of a period


def province_meta_save(*, period, meta, actor):
    """Keep the fields of the province's report of `period` as a document (document_meta:
    who issues it, số, ngày, người ký …). Only the provincial office's reviewers set them. A
    field left at the default the page showed (that of the issuer kept so far) is kept blank, so
    that it follows the issuer when the reviewer switches between the UBND tỉnh and its Văn phòng."""
    if not actor.is_reviewer:
        raise ReportError("Chỉ chuyên viên tổng hợp của Văn phòng UBND tỉnh sửa được văn bản tổng hợp.")
    cleaned = document_meta.clean(meta, document_meta.PROVINCE_KEYS)
    shown = document_meta.defaults(document_meta.province_issuer(period.province_meta), period)
    period.province_meta = {key: value for key, value in cleaned.items() if key == "co_quan" or value != shown.get(key)}
    period.save(update_fields=["province_meta"])
    return period


# ---------------------------------------------------------------------------------------------
# Excel import


def report_import_xlsx(*, data, actor, dry_run=False, submit=False, read=None):
    """Import the Excel workbook of a unit's report (exports/xlsx.py, filled offline) like its
    JSON: the same rules, all or nothing. The workbook carries only the biểu, so the report's
    narrative and explanations are kept. Messages of issues located in a cell start with it:
    `Trang tính II.06a, ô F12 — Biểu II.06a, dòng …`. `read`: what xlsx.read(data) gave, when the
    caller has read it already."""
    from dataclasses import replace

    document, cell_refs = read or xlsx.read(data)
    existing = Report.objects.filter(unit__code=document["unit"], period__code=document["period"]).first()
    document["narrative"] = dict(existing.narrative) if existing else {}
    document["explanations"] = [dict(e) for e in existing.explanations] if existing else []
    result = report_import(document=document, actor=actor, dry_run=dry_run, submit=submit)

    def located(issue):
        ref = cell_refs.get((issue.form, issue.section, issue.row, issue.column))
        if ref is None:
            return issue
        sheet, cell = ref.rsplit("!", 1)
        return replace(issue, message=f"Trang tính {sheet}, ô {cell} — {issue.message}")

    result.errors = [located(issue) for issue in result.errors]
    result.warnings = [located(issue) for issue in result.warnings]
    return result
