"""The officer's pages: home, the report page (four biểu, narrative, warnings), uploads and downloads."""
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from .. import exports, narrative, selectors, services
from ..compute import form_totals, rates_06a
from ..diff import changed_cells, diff_documents
from ..exports import xlsx
from ..exports.document import unit_document
from ..forms_spec import CAP_LABELS, FORMS, NHOM_LABELS
from ..interchange import report_document
from ..models import Report, ReportingPeriod
from ..permissions import can_edit, can_review, report_for, sees_all_units, visible_units
from ..tables import build_tables
from ..webforms import (
    UploadForm,
    explanation_name,
    explanations_from_post,
    forms_from_post,
    narrative_from_post,
)
from ..workflow import S, WorkflowError, can_transition


def _deadline_text(period, report):
    if report is not None and report.submitted_at:
        return "Đã gửi trễ hạn" if report.is_late else "Đã gửi đúng hạn"
    days = (period.deadline - timezone.localdate()).days
    if days > 0:
        return f"Còn {days} ngày"
    if days == 0:
        return "Hôm nay là hạn cuối"
    return f"Quá hạn {-days} ngày"


@login_required
def home(request):
    if sees_all_units(request.user):
        # The provincial office starts on the status board of the latest open period.
        period = selectors.open_periods().first() or ReportingPeriod.objects.order_by("-end").first()
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
                for unit in units
            ],
        }
        for period in periods
    ]
    earlier = (
        Report.objects.filter(unit__in=units, period__is_open=False).select_related("unit", "period")[:50]
    )
    return render(request, "reports/home.html", {"blocks": blocks, "earlier": earlier})


def _page(request, unit, period, report, *, raw_forms=None, judgement=None, narrative_texts=None,
          explanations=None, version=None, status=200):
    """Render the report page: from the saved report, or from what was just typed (with its issues)."""
    if judgement is None:
        data = selectors.report_forms(report) if report else selectors.initial_forms(unit, period)
        judgement = services.judge(unit=unit, period=period, raw_forms=data)
        if report is None:
            judgement.warnings = []  # nothing typed yet: no reason to warn about a blank form
    if raw_forms is None:
        raw_forms = judgement.data
    if narrative_texts is None:
        narrative_texts = report.narrative if report else {}
    if explanations is None:
        explanations = report.explanations if report else []
    issues = judgement.errors + judgement.warnings
    explained = {(e["code"], e["form"], e.get("section"), e.get("row")): e["text"] for e in explanations}
    warnings, seen = [], set()
    for warning in judgement.warnings:
        if warning.explanation_key not in seen:
            seen.add(warning.explanation_key)
            warnings.append({"issue": warning, "name": explanation_name(warning),
                             "text": explained.get(warning.explanation_key, "")})
    base, changes = _changes_since_last_submission(report)
    changed = changed_cells(changes)
    first_error_form = next((i.form for i in judgement.errors if i.form), None)
    generated = narrative.generated(judgement.data) if judgement.ok else {}
    context = {
        "unit": unit,
        "period": period,
        "report": report,
        "editable": can_edit(request.user, unit, report),
        "version": report.version if version is None and report else (version or 0),
        "forms": [
            {"spec": spec,
             "tables": build_tables(code, raw_forms.get(code) or {}, judgement.data[code], issues, changed),
             "errors": sum(1 for i in judgement.errors if i.form == code),
             "warnings": sum(1 for i in judgement.warnings if i.form == code)}
            for code, spec in FORMS.items()
        ],
        "rates_06a": rates_06a(form_totals("II.06a", judgement.data["II.06a"])["rows"]),
        "active_tab": first_error_form or request.GET.get("tab") or "II.03b",
        "errors": judgement.errors,
        "form_less_errors": [i for i in judgement.errors if not i.form],
        "warnings": warnings,
        "narrative_sections": [
            {"key": key, "title": title, "text": narrative_texts.get(key, ""), "generated": generated.get(key)}
            for key, title in narrative.SECTIONS
        ],
        "catalogue": list(unit.linh_vuc.filter(is_active=True).values_list("name", flat=True)),
        "nhom_choices": [(code, text) for code, text in NHOM_LABELS.items()],
        "cap_choices": [(code, text) for code, text in CAP_LABELS.items()],
        "transitions": report.transitions.select_related("actor") if report else [],
        "revisions": report.revisions.select_related("actor").defer("document").order_by("-version") if report else [],
        "deadline_text": _deadline_text(period, report),
        "review_actions": _review_actions(request.user, report),
        "changes": changes,
        "changes_since": base,
    }
    return render(request, "reports/report.html", context, status=status)


def _review_actions(user, report):
    """What the reviewer may do to the report now: the buttons follow the transition table."""
    if report is None or not can_review(user) or not report.period.is_open:
        return {}
    return {"approve": can_transition(report, S.APPROVED), "return": can_transition(report, S.RETURNED)}


def _changes_since_last_submission(report):
    """(the submission compared with, the changes since): for a submitted or approved report, the
    submission before the current one; for a report being corrected, its last submission."""
    if report is None:
        return None, []
    submissions = [t for t in report.transitions.all() if t.to_status == S.SUBMITTED and t.snapshot]
    current_is_submitted = report.status in (S.SUBMITTED, S.APPROVED)
    earlier = submissions[:-1] if current_is_submitted else submissions
    if not earlier:
        return None, []
    base = earlier[-1]
    return base, diff_documents(base.snapshot, report_document(report))


@login_required
def report_page(request, period_code, unit_code):
    unit, period, report = report_for(request.user, period_code, unit_code)
    if request.method != "POST":
        return _page(request, unit, period, report)
    if not can_edit(request.user, unit, report):
        messages.error(request, "Bạn không sửa được báo cáo này.")
        return redirect(request.path)
    raw_forms = forms_from_post(request.POST)
    typed = {"raw_forms": raw_forms, "narrative_texts": narrative_from_post(request.POST),
             "explanations": explanations_from_post(request.POST)}
    try:
        version = int(request.POST.get("version", "0"))
    except ValueError:
        version = -1
    try:
        report, judgement = services.report_save(
            unit=unit, period=period, raw_forms=raw_forms, narrative=typed["narrative_texts"],
            explanations=typed["explanations"], actor=request.user, expected_version=version,
        )
    except services.StaleReport as stale:
        messages.error(request, str(stale))
        judgement = services.judge(unit=unit, period=period, raw_forms=raw_forms)
        return _page(request, unit, period, stale.report, judgement=judgement, version=stale.report.version,
                     status=409, **typed)
    except services.ValidationFailed as failed:
        messages.error(request, str(failed))
        return _page(request, unit, period, report, judgement=failed.judgement, version=version,
                     status=422, **typed)
    except services.NotEditable as refused:
        messages.error(request, str(refused))
        return redirect(request.path)
    if request.POST.get("action") == "submit":
        try:
            services.report_submit(report=report, actor=request.user)
        except (WorkflowError, services.ValidationFailed) as refused:
            messages.error(request, f"Đã lưu nháp. {refused}")
            return redirect(request.path + "?tab=canh-bao")
        messages.success(request, f"Đã gửi báo cáo {period.label} của {unit.name} tới Văn phòng UBND tỉnh.")
        return redirect(request.path)
    n = len(judgement.warnings)
    messages.success(request, "Đã lưu nháp." + (f" Có {n} cảnh báo cần giải trình trước khi gửi." if n else ""))
    return redirect(f"{request.path}?tab={request.POST.get('tab') or ''}")


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
    content = form.cleaned_data["file"].read()
    is_excel = content[:2] == b"PK"  # an .xlsx is a zip archive
    kind = "Excel" if is_excel else "JSON"
    try:
        document = xlsx.read(content)[0] if is_excel else json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # JSONDecodeError is a ValueError
        messages.error(request, "Tệp không đọc được: không phải JSON (UTF-8) hay Excel (.xlsx).")
        return redirect(page)
    except services.ReportError as refused:
        messages.error(request, str(refused))
        return redirect(page)
    if not isinstance(document, dict) or (document.get("unit"), document.get("period")) != (unit.code, period.code):
        messages.error(request, f"Tệp không phải báo cáo của {unit.code} kỳ {period.code}: không nhập.")
        return redirect(page)
    try:
        if is_excel:
            result = services.report_import_xlsx(data=content, actor=request.user)
        else:
            result = services.report_import(document=document, actor=request.user)
    except services.ReportError as refused:
        messages.error(request, str(refused))
        return redirect(page)
    if not result.ok:
        for issue in result.errors[:20]:
            messages.error(request, issue.message)
        more = len(result.errors) - 20
        messages.error(request, "Tệp có lỗi: chưa nhập gì." + (f" (và {more} lỗi khác)" if more > 0 else ""))
        return redirect(page)
    messages.success(request, f"Đã nhập báo cáo từ tệp {kind}." + (
        f" Có {len(result.warnings)} cảnh báo cần giải trình." if result.warnings else ""))
    return redirect(page)


@login_required
def report_download(request, period_code, unit_code, fmt):
    """The report as tthc-report/1 JSON, or laid out like the paper forms in Excel, Word or PDF."""
    unit, period, report = report_for(request.user, period_code, unit_code)
    if fmt not in exports.CONTENT_TYPES:
        raise Http404("Không có định dạng này.")
    if report is None:
        messages.error(request, "Báo cáo chưa được lưu lần nào: chưa có gì để tải về.")
        return redirect("report", period.code, unit.code)
    if fmt == "json":
        body = json.dumps(report_document(report), ensure_ascii=False, indent=2).encode()
    else:
        body = exports.render(unit_document(report), fmt)
    return attachment(body, fmt, f"{unit.code}_{period.code}")


def attachment(body, fmt, stem):
    response = HttpResponse(body, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response
