"""The provincial office's side: the status board of a period and the review actions."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render

from .. import selectors, services
from ..models import ReportingPeriod
from ..permissions import can_review, overview_period, report_for
from ..workflow import WorkflowError


@login_required
def board(request, period_code):
    period = overview_period(request.user, period_code)
    status, kind = request.GET.get("trang_thai") or None, request.GET.get("loai") or None
    rows, counts = selectors.status_board(period, status=status, kind=kind)
    return render(request, "reports/board.html", {
        "period": period,
        "periods": ReportingPeriod.objects.order_by("-end", "kind"),
        "rows": rows,
        "counts": [(key, label, counts[key]) for key, label in selectors.BOARD_STATUSES.items()],
        "status": status,
        "kind": kind,
        "kinds": selectors.period_kinds(period),
    })


def _review(request, period_code, unit_code, act):
    """Shared by the review actions: the same permission checks, one service call, a message."""
    unit, period, report = report_for(request.user, period_code, unit_code)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not can_review(request.user):
        raise PermissionDenied("Chỉ chuyên viên tổng hợp được duyệt hoặc trả lại báo cáo.")
    if report is None:
        messages.error(request, "Đơn vị chưa nhập báo cáo này.")
    else:
        try:
            messages.success(request, act(report))
        except WorkflowError as refused:
            messages.error(request, str(refused))
    return redirect("report", period.code, unit.code)


@login_required
def report_return(request, period_code, unit_code):
    def act(report):
        services.report_return(report=report, actor=request.user, reason=request.POST.get("reason", ""))
        return f"Đã trả lại báo cáo của {report.unit.name}; đơn vị sẽ thấy lý do khi mở báo cáo."

    return _review(request, period_code, unit_code, act)


@login_required
def report_approve(request, period_code, unit_code):
    def act(report):
        services.report_approve(report=report, actor=request.user)
        return f"Đã duyệt báo cáo của {report.unit.name}."

    return _review(request, period_code, unit_code, act)
