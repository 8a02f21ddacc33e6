"""The provincial office's consolidation: per period (tables, by lĩnh vực, JSON) and per year."""
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from ..consolidation import annual, consolidate, consolidated_document
from ..forms_spec import FORMS
from ..models import ReportingPeriod
from ..permissions import require_overview
from ..tables import build_annual_tables, build_consolidated_tables, build_linh_vuc_tables


def _include_submitted(request):
    return request.GET.get("include_submitted") in ("1", "on", "true")


@login_required
def consolidation_latest(request):
    """The navbar's link: the latest quarter already started (else the latest period)."""
    require_overview(request.user)
    started = ReportingPeriod.objects.filter(start__lte=timezone.localdate()).order_by("-end", "kind")
    period = started.filter(kind__startswith="Q").first() or started.first() or ReportingPeriod.objects.first()
    if period is None:
        messages.info(request, "Chưa có kỳ báo cáo nào để tổng hợp.")
        return redirect("home")
    return redirect("consolidation", period.code)


@login_required
def consolidation_page(request, period_code):
    require_overview(request.user)
    period = get_object_or_404(ReportingPeriod, code=period_code)
    include_submitted = _include_submitted(request)
    consolidated = consolidate(period, include_submitted=include_submitted)
    context = {
        "period": period,
        "periods": ReportingPeriod.objects.order_by("-end", "kind"),
        "include_submitted": include_submitted,
        "consolidated": consolidated,
        "forms": [
            {"spec": spec, "tables": build_consolidated_tables(code, consolidated),
             "linh_vuc_tables": build_linh_vuc_tables(code, consolidated)}
            for code, spec in FORMS.items()
        ],
    }
    return render(request, "reports/consolidation.html", context)


@login_required
def consolidation_export_json(request, period_code):
    require_overview(request.user)
    period = get_object_or_404(ReportingPeriod, code=period_code)
    include_submitted = _include_submitted(request)
    document = consolidated_document(consolidate(period, include_submitted=include_submitted))
    body = json.dumps(document, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    suffix = "_gom_da_gui" if include_submitted else ""
    response["Content-Disposition"] = f'attachment; filename="tong_hop_{period.code}{suffix}.json"'
    return response


@login_required
def annual_page(request, year):
    require_overview(request.user)
    if not ReportingPeriod.objects.filter(year=year).exists():
        raise Http404("Không có kỳ báo cáo nào của năm này.")
    include_submitted = _include_submitted(request)
    derived = annual(year, include_submitted=include_submitted)
    context = {
        "year": year,
        "include_submitted": include_submitted,
        "annual": derived,
        "differing_units": [part for part in derived.units if part.differs],
        "forms": [{"spec": spec, "tables": build_annual_tables(code, derived)} for code, spec in FORMS.items()],
    }
    return render(request, "reports/annual.html", context)
