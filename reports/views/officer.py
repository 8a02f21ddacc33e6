"""The officer's pages: home, the report page (the biểu, narrative, warnings), uploads and downloads."""
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from tthc_portal.views import file_too_large, too_large

from .. import document_meta, exports, narrative, page_figures, selectors, services
from ..diff import changed_cells, diff_documents
from ..errors import InputTooLarge
from ..exports import xlsx
from ..exports.document import unit_document
from ..forms_spec import CAP_LABELS, FORMS, NHOM_LABELS
from ..interchange import parse_json, report_document
from ..models import Report, ReportingPeriod
from ..permissions import can_edit, can_review, report_for, sees_all_units, visible_units
from ..webforms import (
    UploadForm,
    error_target,
    explanation_name,
    explanations_from_post,
    forms_from_post,
    meta_from_post,
    narrative_from_post,
)
from ..workflow import S, WorkflowError, has_history, is_allowed
from .downloads import export_response

RECENT_REVISIONS = 10  # the saves listed on the report page


def _deadline_text(period, report):
    """What is true of the deadline for this report: sent on time or late, returned (when, and
    how long is left to send it again), or the days left."""
    if report is not None and report.status in (S.SUBMITTED, S.APPROVED) and report.submitted_at:
        return "Đã gửi trễ hạn" if report.is_late else "Đã gửi đúng hạn"
    days = (period.deadline - timezone.localdate()).days
    left = f"còn {days} ngày" if days > 0 else "hôm nay là hạn cuối" if days == 0 else f"đã quá hạn {-days} ngày"
    if report is not None and report.status == S.RETURNED:
        # The home page's reports carry it (selectors.reports_of_units); the report page asks.
        returned_at = getattr(report, "returned_at", None) or report.transitions.filter(
            to_status=S.RETURNED).aggregate(at=Max("at"))["at"]
        when = f" lúc {timezone.localtime(returned_at):%H:%M %d/%m/%Y}" if returned_at else ""
        return f"Bị trả lại{when}; hạn gửi lại {period.deadline:%d/%m/%Y}: {left}"
    return left[0].upper() + left[1:]


@login_required
def home(request):
    if sees_all_units(request.user):
        # The provincial office starts on the status board of the latest open period whose data
        # window has started (an open period of next quarter is not where the work is yet), else
        # of the latest period that has ended.
        today = timezone.localdate()
        period = (selectors.open_periods().filter(start__lte=today).first()
                  or ReportingPeriod.objects.filter(end__lt=today).order_by("-end", "kind").first()
                  or ReportingPeriod.objects.order_by("start", "kind").first())
        if period is not None:
            return redirect("board", period.code)
    units = visible_units(request.user).filter(is_active=True).in_print_order()
    periods = list(selectors.open_periods())
    reports = selectors.reports_of_units(units, [p.pk for p in periods])
    blocks = [
        {
            "period": period,
            "rows": [
                {"unit": unit, "report": reports.get((unit.pk, period.pk)),
                 "deadline_text": _deadline_text(period, reports.get((unit.pk, period.pk)))}
                for unit in units if unit.exists_in(period) or (unit.pk, period.pk) in reports
            ],
        }
        for period in periods
    ]
    earlier = (
        Report.objects.filter(unit__in=units, period__is_open=False).select_related("unit", "period")[:50]
    )
    return render(request, "reports/home.html", {"blocks": blocks, "earlier": earlier})


def _page(request, unit, period, report, *, typed=None, version=None, status=200):
    """Render the report page. `typed` is what the officer just sent ({"forms", "narrative",
    "explanations"}); without it an editable report shows its working copy when it has one (a save
    with errors, an autosave), else the saved figures."""
    editable = can_edit(request.user, unit, report)
    # The latest saves only (a report saved hundreds of times must not make its page slow); the
    # newest brings the figures.
    revisions = selectors.recent_revisions(report, RECENT_REVISIONS) if report else []
    if typed is None and editable and report is not None and report.working_copy is not None:
        typed = report.working_copy
    transitions = list(report.transitions.select_related("actor")) if report and has_history(report) else []
    base, changes = _changes_since_last_submission(report, transitions)
    changed = changed_cells(changes)
    if typed is not None:
        shown = page_figures.figures(unit, period, typed["forms"], typed=True, changed=changed, editable=editable)
        narrative_texts, explanations = typed["narrative"], typed["explanations"]
        meta = typed.get("meta") or {}
    else:
        data, saved = selectors.page_forms(unit, period, report, revisions)
        shown = page_figures.figures(unit, period, data, saved=saved, changed=changed, editable=editable)
        narrative_texts = report.narrative if report else {}
        explanations = report.explanations if report else []
        meta = report.document_meta if report else {}
    judgement = shown.judgement
    explained = {(e["code"], e["form"], e.get("section"), e.get("row")): e["text"] for e in explanations}
    warnings, seen = [], set()
    for warning in judgement.warnings:
        if warning.explanation_key not in seen:
            seen.add(warning.explanation_key)
            warnings.append({"issue": warning, "name": explanation_name(warning),
                             "text": explained.get(warning.explanation_key, "")})
    first_error_form = next((i.form for i in judgement.errors if i.form), None)
    context = {
        "unit": unit,
        "period": period,
        "report": report,
        "editable": editable,
        "version": report.version if version is None and report else (version or 0),
        # The page holds more than the report's saved figures: the leave-page guard is on.
        "unsaved": typed is not None,
        "autosave_pause": settings.AUTOSAVE_PAUSE_MS,
        "time_zone": settings.TIME_ZONE,
        "forms": [{**form, "spec": FORMS[form["code"]]} for form in shown.forms],
        "rates_06a": shown.rates_06a,
        "active_tab": first_error_form or request.GET.get("tab") or next(iter(FORMS)),
        "errors": [{"issue": issue, "target": error_target(issue)} for issue in judgement.errors],
        "warnings": warnings,
        "generated_numbers": narrative.GENERATED_NUMBERS,
        "narrative_sections": [
            {"key": key, "title": title, "help": narrative.HELP.get(key, ""), "text": narrative_texts.get(key, ""),
             "generated": shown.generated.get(key)}
            for key, title in narrative.SECTIONS
        ],
        "meta_fields": _meta_fields(unit, period, report, meta),
        "catalogue": selectors.catalogue_names(unit) if editable else [],  # the inputs' suggestions
        "nhom_choices": [(code, text) for code, text in NHOM_LABELS.items()],
        "cap_choices": [(code, text) for code, text in CAP_LABELS.items()],
        "transitions": transitions,
        "revisions": revisions,
        "earlier_revisions": revisions[0].of - len(revisions) if revisions else 0,  # (`of`: all of them)
        "deadline_text": _deadline_text(period, report),
        "review_actions": _review_actions(request.user, report),
        "changes": changes,
        "changes_since": base,
    }
    return render(request, "reports/report.html", context, status=status)


def _meta_fields(unit, period, report, meta):
    issuer = document_meta.unit_issuer(unit, report.printed_unit_name if report else None)
    return document_meta.page_fields(document_meta.FIELDS, document_meta.effective(issuer, period, {}), meta)


def _review_actions(user, report):
    """What the reviewer may do to the report now: the buttons follow the transition table."""
    if report is None or not can_review(user):
        return {}
    return {"approve": is_allowed(report, S.APPROVED), "return": is_allowed(report, S.RETURNED)}


def _changes_since_last_submission(report, transitions):
    """(the submission compared with, the changes since): for a submitted or approved report, the
    submission before the current one; for a report being corrected, its last submission.
    `transitions` are the report's, in order."""
    if report is None:
        return None, []
    submissions = [t for t in transitions if t.to_status == S.SUBMITTED and t.snapshot]
    current_is_submitted = report.status in (S.SUBMITTED, S.APPROVED)
    earlier = submissions[:-1] if current_is_submitted else submissions
    if not earlier:
        return None, []
    base = earlier[-1]
    return base, diff_documents(base.snapshot, report_document(report))


def _typed(request):
    return {"forms": forms_from_post(request.POST), "narrative": narrative_from_post(request.POST),
            "explanations": explanations_from_post(request.POST), "meta": meta_from_post(request.POST)}


def _posted_version(request):
    try:
        return int(request.POST.get("version", "0"))
    except ValueError:
        return -1


def _save_kwargs(request, unit, period, typed):
    return {"unit": unit, "period": period, "raw_forms": typed["forms"], "narrative": typed["narrative"],
            "explanations": typed["explanations"], "meta": typed["meta"], "actor": request.user,
            "expected_version": _posted_version(request)}


@login_required
def report_page(request, period_code, unit_code):
    unit, period, report = report_for(request.user, period_code, unit_code)
    if request.method != "POST":
        return _page(request, unit, period, report)
    if not can_edit(request.user, unit, report):
        messages.error(request, "Bạn không sửa được báo cáo này.")
        return redirect(request.path)
    typed = _typed(request)
    submitting = request.POST.get("action") == "submit"
    try:
        report, judgement = services.report_save(**_save_kwargs(request, unit, period, typed))
    except services.StaleReport as stale:
        messages.error(request, str(stale))
        return _page(request, unit, period, stale.report, typed=typed, version=stale.report.version, status=409)
    except services.NotEditable as refused:
        messages.error(request, str(refused))
        return redirect(request.path)
    if not judgement.ok:
        # Kept as the working copy; the error summary on the page says the rest.
        return _page(request, unit, period, report, status=422)
    if submitting:
        try:
            services.report_submit(report=report, actor=request.user)
        except (WorkflowError, services.ValidationFailed) as refused:
            messages.error(request, f"Đã lưu nháp. {refused}")
            return redirect(request.path + "?tab=canh-bao")
        messages.success(request, f"Đã gửi báo cáo {period.label} của {unit.name} tới Văn phòng UBND tỉnh.")
        return redirect(request.path)
    messages.success(request, "Đã lưu nháp." + _unexplained_note(
        len(services.unexplained(judgement.warnings, report.explanations))))
    return redirect(f"{request.path}?tab={request.POST.get('tab') or ''}")


def _unexplained_note(count):
    """After a save or an import: the warnings still without an explanation, which block sending."""
    return f" Còn {count} cảnh báo chưa có giải trình: cần giải trình trước khi gửi." if count else ""


@login_required
def report_autosave(request, period_code, unit_code):
    """The page's background save of what is typed (the working copy): JSON for report_form.js."""
    unit, period, report = report_for(request.user, period_code, unit_code)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not can_edit(request.user, unit, report):
        return JsonResponse({"ok": False, "message": "Báo cáo này không còn sửa được: tự động lưu đã dừng."},
                            status=403)
    try:
        report, judgement = services.report_autosave(**_save_kwargs(request, unit, period, _typed(request)))
    except services.StaleReport as stale:
        return JsonResponse({"ok": False, "conflict": True, "message": str(stale)}, status=409)
    except services.NotEditable as refused:
        return JsonResponse({"ok": False, "message": str(refused)}, status=403)
    return JsonResponse({
        "ok": True, "version": report.version, "errors": len(judgement.errors),
        "saved_at": f"{timezone.localtime(report.working_saved_at):%H:%M}",
    })


@login_required
def report_discard(request, period_code, unit_code):
    """Drop the working copy: back to the figures saved last."""
    unit, period, report = report_for(request.user, period_code, unit_code)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    page = reverse("report", args=[period.code, unit.code])
    if report is None or not can_edit(request.user, unit, report):
        messages.error(request, "Bạn không sửa được báo cáo này.")
        return redirect(page)
    try:
        services.report_discard_working_copy(report=report, actor=request.user,
                                             expected_version=_posted_version(request))
    except services.ReportError as refused:
        messages.error(request, str(refused))
        return redirect(page)
    messages.success(request, "Đã bỏ các thay đổi chưa lưu: trang hiển thị lại số liệu đã lưu của báo cáo.")
    return redirect(page)


@login_required
def report_upload(request, period_code, unit_code):
    """Fill the report from a file: tthc-report/1 JSON, or the Excel export of the report filled in
    offline. The same import as the command line, with the same rules."""
    unit, period, report = report_for(request.user, period_code, unit_code)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    page = reverse("report", args=[period.code, unit.code])
    if not can_edit(request.user, unit, report):
        messages.error(request, "Bạn không sửa được báo cáo này.")
        return redirect(page)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Chọn một tệp JSON hoặc Excel (.xlsx) để tải lên.")
        return redirect(page)
    upload = form.cleaned_data["file"]
    if upload.size > settings.UPLOAD_MAX_BYTES:  # sent without a length: the middleware could not tell
        return file_too_large(request, upload.size)
    content = upload.read()
    is_excel = content[:2] == b"PK"  # an .xlsx is a zip archive
    kind = "Excel" if is_excel else "JSON"
    try:
        read = xlsx.read(content) if is_excel else None
        document = read[0] if is_excel else parse_json(content)
    except InputTooLarge as refused:
        return too_large(request, str(refused))
    except services.ReportError as refused:
        messages.error(request, str(refused))
        return redirect(page)
    if not isinstance(document, dict) or (document.get("unit"), document.get("period")) != (unit.code, period.code):
        messages.error(request, f"Tệp không phải báo cáo của {unit.code} kỳ {period.code}: không nhập.")
        return redirect(page)
    try:
        if is_excel:
            result = services.report_import_xlsx(data=content, actor=request.user, read=read)
        else:
            result = services.report_import(document=document, actor=request.user)
    except InputTooLarge as refused:
        return too_large(request, str(refused))
    except services.ReportError as refused:
        messages.error(request, str(refused))
        return redirect(page)
    if not result.ok:
        for issue in result.errors[:20]:
            messages.error(request, issue.message)
        more = len(result.errors) - 20
        messages.error(request, "Tệp có lỗi: chưa nhập gì." + (f" (và {more} lỗi khác)" if more > 0 else ""))
        return redirect(page)
    messages.success(request, f"Đã nhập báo cáo từ tệp {kind}." + _unexplained_note(result.unexplained))
    for notice in result.warnings:
        if not notice.form:  # about the file as a whole (lĩnh vực not in the catalogue)
            messages.warning(request, notice.message)
    return redirect(page)


@login_required
def report_download(request, period_code, unit_code, fmt):
    """The report as tthc-report/1 JSON, or laid out like the paper forms in Excel, Word or PDF."""
    unit, period, report = report_for(request.user, period_code, unit_code)
    if fmt not in exports.CONTENT_TYPES:
        raise Http404("Không có định dạng này.")
    data = None
    if report is None or not report.revisions.exists():
        # Never saved (no report yet, or only a working copy): the blank forms the page shows (the
        # unit's lĩnh vực, the carried-over files), e.g. to fill the Excel workbook offline and
        # upload it back.
        figures, saved = selectors.page_forms(unit, period, report, [])
        if not saved:
            report, data = report or Report(unit=unit, period=period), figures
    if fmt == "json":
        body = json.dumps(report_document(report, data), ensure_ascii=False, indent=2).encode()
    elif data is None:
        return export_response(request, period=period, fmt=fmt, report=report,
                               title=f"{report.printed_unit_name} — {period.label}")
    else:
        body = exports.render(unit_document(report, data), fmt)
    return attachment(body, fmt, f"{unit.code}_{period.code}")


def attachment(body, fmt, stem):
    response = HttpResponse(body, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response
