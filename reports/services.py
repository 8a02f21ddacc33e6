"""State changes. Each runs in one transaction, checks its precondition and raises a domain
exception (with a Vietnamese message) that the caller turns into a message or an exit status."""
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from units.models import LinhVuc

from . import notifications, periods, selectors
from .forms_spec import all_sections
from .interchange import report_document
from .models import LABEL_FIELDS, ROW_MODELS, Report, ReportingPeriod, Revision, Transition
from .narrative import KEYS as NARRATIVE_KEYS
from .rules import ERROR, Issue, check, clean_text
from .workflow import S, WorkflowError, check_transition, is_editable


class ReportError(Exception):
    """Base of the domain errors below; str() is the message for the user."""


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
    def __init__(self, judgement):
        self.judgement = judgement
        super().__init__(f"Còn {len(judgement.errors)} lỗi trong báo cáo: chưa lưu. Sửa các ô được đánh dấu đỏ.")


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


def judge(*, unit, period, raw_forms):
    data, errors, warnings = check(raw_forms, selectors.previous_context(unit, period))
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
    report = Report.objects.select_for_update(of=("self",)).filter(unit=unit, period=period).order_by().first()
    return report or Report(unit=unit, period=period)


def _write_rows(report, data):
    for form, section in all_sections():
        model = ROW_MODELS[(form.code, section.key)]
        model.objects.filter(report=report).delete()
        model.objects.bulk_create(
            model(
                report=report,
                position=position,
                **{LABEL_FIELDS[key]: row.get(key) or "" for key in section.label_keys},
                **{column.key: row[column.key] for column in section.entered},
            )
            for position, row in enumerate(data[form.code][section.key], 1)
        )


def _extend_catalogue(unit, data):
    """A lĩnh vực typed into a report that the unit's catalogue lacks joins the catalogue."""
    names = {
        row["linh_vuc"]
        for form, section in all_sections()
        if "linh_vuc" in section.label_keys
        for row in data[form.code][section.key]
    }
    known = set(LinhVuc.objects.filter(unit=unit, name__in=names).values_list("name", flat=True))
    order = (LinhVuc.objects.filter(unit=unit).aggregate(m=Max("order"))["m"] or 0) + 1
    LinhVuc.objects.bulk_create(
        LinhVuc(unit=unit, name=name, order=order + i) for i, name in enumerate(sorted(names - known))
    )


def report_save(*, unit, period, raw_forms, narrative, explanations, actor, expected_version):
    """Save figures, narrative and explanations of a unit's report for a period.

    Refused when the report is not editable, when someone saved since `expected_version`
    (StaleReport) or when the figures have errors (ValidationFailed: nothing is written).
    Returns (report, judgement) — the judgement carries the warnings to explain.
    """
    with transaction.atomic():
        report = _get_or_new_report(unit, period)
        if not period.is_open or (report.pk and not is_editable(report)):
            raise NotEditable(_not_editable_message(report))
        if report.version != expected_version:
            raise StaleReport(report)
        judgement = judge(unit=unit, period=period, raw_forms=raw_forms)
        if not judgement.ok:
            raise ValidationFailed(judgement)
        report.narrative = clean_narrative(narrative)
        report.explanations = match_explanations(judgement.warnings, explanations)
        report.warning_count = len({w.explanation_key for w in judgement.warnings})
        report.updated_by = actor
        if report.pk:
            # Compare-and-set on the version: of two saves based on the same version one fails.
            if not Report.objects.filter(pk=report.pk, version=expected_version).update(version=F("version") + 1):
                raise StaleReport(Report.objects.get(pk=report.pk))
            report.version = expected_version + 1
            report.save(update_fields=["narrative", "explanations", "warning_count", "updated_by", "updated_at"])
        else:
            report.version = 1
            try:
                with transaction.atomic():  # a savepoint: another first save may have won the race
                    report.save()
            except IntegrityError:
                raise StaleReport(Report.objects.get(unit=unit, period=period)) from None
        _write_rows(report, judgement.data)
        _extend_catalogue(unit, judgement.data)
        Revision.objects.create(report=report, version=report.version, actor=actor,
                                document=report_document(report, judgement.data))
    return report, judgement


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
        judgement = judge(unit=report.unit, period=report.period, raw_forms=selectors.report_forms(report))
        if not judgement.ok:
            raise ValidationFailed(judgement)
        missing = unexplained(judgement.warnings, report.explanations)
        if missing:
            raise WorkflowError(
                f"Chưa gửi được: còn {len(missing)} cảnh báo chưa có giải trình. "
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
    return report


# ---------------------------------------------------------------------------------------------
# JSON import


class UnusableInput(ReportError):
    """The document cannot be judged at all (wrong format, unknown unit, closed period …)."""


@dataclass
class ImportResult:
    errors: list
    warnings: list
    saved: bool = False
    report: Report | None = None

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
    report = Report.objects.filter(unit=unit, period=period).first()
    if report is not None and not is_editable(report):
        raise UnusableInput(f"{unit.code} {period.label}: {_not_editable_message(report)}")
    return unit, period


def report_import(*, document, actor, dry_run=False, submit=False):
    """Judge a `tthc-report/1` document with the rules of the web form, then (unless a dry run)
    replace the report's figures, narrative and explanations — all or nothing."""
    from .interchange import document_errors

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
    result = ImportResult(errors, judgement.warnings)
    if errors or dry_run:
        return result
    with transaction.atomic():
        existing = Report.objects.filter(unit=unit, period=period).first()
        report, _ = report_save(
            unit=unit, period=period, raw_forms=document.get("forms"), narrative=document.get("narrative") or {},
            explanations=explanations, actor=actor, expected_version=existing.version if existing else 0,
        )
        if submit:
            report = report_submit(report=report, actor=actor)
    result.saved, result.report = True, report
    return result


# ---------------------------------------------------------------------------------------------
# Excel import


def report_import_xlsx(*, data, actor, dry_run=False, submit=False):
    """Import the Excel workbook of a unit's report (exports/xlsx.py, filled offline) like its
    JSON: the same rules, all or nothing. The workbook carries only the biểu, so the report's
    narrative and explanations are kept. Messages of issues located in a cell start with it:
    `Trang tính II.06a, ô F12 — Biểu II.06a, dòng …`."""
    from dataclasses import replace

    from .exports import xlsx

    document, cell_refs = xlsx.read(data)
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
