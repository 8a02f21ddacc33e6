"""The provincial office's consolidation: per period (tables, by lĩnh vực, JSON) and per year."""
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from .. import exports
from ..consolidation import SPANS, Annual, annual, consolidate, consolidated_document
from ..exports.document import consolidated_stem
from ..forms_spec import FORMS, stock_text
from ..models import ReportingPeriod
from ..permissions import overview_period, require_overview
from ..tables import (
    build_annual_tables,
    build_consolidated_tables,
    build_linh_vuc_tables,
    build_unit_summary_tables,
)
from .downloads import export_response
from .officer import attachment


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


# The ways of reading a biểu of the province (?xem=…): one line per unit by default (300 units make
# thousands of rows), each unit's rows, or each lĩnh vực summed across units; with what each reads
# beside the units' subtotals and the TỔNG CỘNG (consolidation.PARTS).
VIEWS = {
    "tom-tat": ("Mỗi đơn vị một dòng", build_unit_summary_tables, ()),
    "don-vi": ("Chi tiết từng đơn vị", build_consolidated_tables, ("rows",)),
    "linh-vuc": ("Theo lĩnh vực", build_linh_vuc_tables, ("linh_vuc",)),
}


@login_required
def consolidation_page(request, period_code):
    period = overview_period(request.user, period_code)
    include_submitted = _include_submitted(request)
    # One biểu and one view at a time: a province of 300 units is tens of thousands of rows.
    code = request.GET.get("bieu") if request.GET.get("bieu") in FORMS else next(iter(FORMS))
    view = request.GET.get("xem") if request.GET.get("xem") in VIEWS else "tom-tat"
    _label, build, parts = VIEWS[view]
    consolidated = consolidate(period, include_submitted=include_submitted, codes={code}, parts=parts)
    by_linh_vuc = view == "linh-vuc"
    context = {
        "period": period,
        "periods": ReportingPeriod.objects.order_by("-end", "kind"),
        "include_submitted": include_submitted,
        "consolidated": consolidated,
        "forms": FORMS.values(),
        "form": {"spec": FORMS[code], "tables": build(code, consolidated)},
        "by_linh_vuc": by_linh_vuc,
        "view": view,
        "views": [(key, label) for key, (label, _build, _parts) in VIEWS.items()],
    }
    return render(request, "reports/consolidation.html", context)


@login_required
def consolidation_download(request, period_code, fmt):
    """The province's consolidation as tthc-consolidated/1 JSON, or in Excel, Word or PDF."""
    period = overview_period(request.user, period_code)
    if fmt not in exports.CONTENT_TYPES:
        raise Http404("Không có định dạng này.")
    include_submitted = _include_submitted(request)
    if fmt != "json":
        return export_response(request, period=period, fmt=fmt, include_submitted=include_submitted,
                               title=f"Tổng hợp toàn tỉnh — {period.label}")
    consolidated = consolidate(period, include_submitted=include_submitted)
    body = json.dumps(consolidated_document(consolidated), ensure_ascii=False, indent=2).encode()
    return attachment(body, fmt, consolidated_stem(period, include_submitted))


# The selector of the derived views: (span, label), span a key of consolidation.SPANS.
SPAN_CHOICES = [("nam", "Năm"), ("6-thang", "6 tháng"), ("9-thang", "9 tháng")]
# What the row of the report sent directly for the span is called (tables.build_annual_tables
# calls it "Báo cáo năm").
DIRECT_LABELS = {"6-thang": "Báo cáo 6 tháng"}


def _relabel(tables, span):
    """The annual tables for another span: the directly sent report named as the span's; none for
    9 tháng, which no unit sends."""
    for table in tables:
        if span == "9-thang":
            table.rows = [row for row in table.rows if row.kind != "direct"]
        elif span in DIRECT_LABELS:
            for row in table.rows:
                if row.kind == "direct":
                    row.label = row.label.replace("Báo cáo năm", DIRECT_LABELS[span])
    return tables


def _stock_gaps(derived):
    """What the province's stocks leave out, as the page says it: [(end, quarter label, unit
    names)] for its first and its last quarter, the units listed without a report for it. The
    province takes its stocks from the sums of those quarters (consolidation.annual), so that a
    dissolved unit's last figure is not counted again in its successors'; while a year is under
    way, a unit yet to report its last quarter is left out of them too."""
    reported = derived.province.quarters
    if not reported:
        return []
    gaps = []
    for end, kind in (("đầu kỳ", reported[0]), ("cuối kỳ", reported[-1])):
        missing = [part.unit.name for part in derived.units if part.quarters and kind not in part.quarters]
        if missing:
            gaps.append((end, ReportingPeriod.Kind(kind).label, missing))
    return gaps


@login_required
def annual_page(request, year, span="nam"):
    """The year (or its first 6 or 9 months) derived from the quarters, for the province and each
    unit, or for one unit (?don_vi=STC)."""
    require_overview(request.user)
    if span not in SPANS:
        raise Http404("Không có cách cộng này.")
    if not ReportingPeriod.objects.filter(year=year).exists():
        raise Http404("Không có kỳ báo cáo nào của năm này.")
    include_submitted = _include_submitted(request)
    derived = annual(year, include_submitted=include_submitted, span=span)
    unit_code = (request.GET.get("don_vi") or "").strip().upper()
    shown = derived
    if unit_code:
        part = next((p for p in derived.units if p.unit.code == unit_code), None)
        if part is None:
            raise Http404("Đơn vị này không có báo cáo nào được cộng.")
        # One unit's view: its part in the province's place, its own notes only.
        shown = Annual(year=year, include_submitted=include_submitted, units=[], province=part, span=span,
                       absorbed=[a for a in derived.absorbed if a.successor.pk == part.unit.pk])
    what = f"năm {year}" if span == "nam" else shown.label
    context = {
        "title": f"Tổng hợp {what}" + (f" — {shown.province.unit.name}" if unit_code else ""),
        "what": what,
        "direct_label": DIRECT_LABELS.get(span, "Báo cáo năm") if span != "9-thang" else "",
        # The biểu headings print the span ("Kỳ báo cáo: 9 tháng đầu năm 2023") but for the year.
        "heading_period": None if span == "nam" else {"label": shown.label, "window_text": ""},
        "year": year,
        "span": span,
        "spans": SPAN_CHOICES,
        "unit_code": unit_code,
        "include_submitted": include_submitted,
        "annual": shown,
        "stock_text": stock_text(),
        "stock_gaps": [] if unit_code else _stock_gaps(derived),
        "parts": [shown.province] if unit_code else derived.units,
        "all_units": derived.units,
        "differing_units": [part for part in ([shown.province] if unit_code else derived.units) if part.differs],
        "forms": [{"spec": spec, "tables": _relabel(build_annual_tables(code, shown), span)}
                  for code, spec in FORMS.items()],
    }
    return render(request, "reports/annual.html", context)
