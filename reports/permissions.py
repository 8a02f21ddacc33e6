"""Who may see and change what — the one place every page, upload and download asks.

Anything outside a user's rights answers 404, so that nobody learns which units or reports exist.
"""
from django.core.exceptions import PermissionDenied
from django.http import Http404

from units.models import Unit

from .models import Report, ReportingPeriod
from .workflow import is_editable


def sees_all_units(user):
    return user.is_authenticated and (user.is_reviewer or user.is_portal_admin)


def visible_units(user):
    if sees_all_units(user):
        return Unit.objects.all()
    if user.is_authenticated and user.is_officer:
        return user.units.all()
    return Unit.objects.none()


def can_edit(user, unit, report):
    """Officers type their own units' figures while the period is open, the report is a draft
    or returned and the unit takes part in the report's period (an officer of a dissolved unit
    still reads its past reports, but types nothing for a period after its end). Reviewers and
    admins never type units' figures. (report None: report_for has checked the period.)"""
    if not (unit.is_active and _officer_of(user, unit)):
        return False
    return report is None or (is_editable(report) and unit.exists_in(report.period))


def _officer_of(user, unit):
    if not (user.is_authenticated and user.is_officer):
        return False
    return getattr(unit, "_officer_pk", None) == user.pk or user.units.filter(pk=unit.pk).exists()


def _found_by(user, unit):
    """`unit`, noted as found by a query through `user`'s own units (visible_units) when `user` is an
    officer: _officer_of then knows without asking again."""
    if user.is_authenticated and user.is_officer:
        unit._officer_pk = user.pk
    return unit


def can_edit_profile(user, unit):
    """A unit's profile (its documents' ký hiệu, signer, nơi nhận): its own officers and the
    admins change it; reviewers read it."""
    if not (user.is_authenticated and unit.is_active):
        return False
    return user.is_portal_admin or _officer_of(user, unit)


def unit_for(user, unit_code, not_found="Không tìm thấy đơn vị."):
    """The unit that `user` may see, else Http404 (`not_found`)."""
    unit = visible_units(user).filter(code=unit_code).first()
    if unit is None:
        raise Http404(not_found)
    return _found_by(user, unit)


def report_for(user, period_code, unit_code):
    """(unit, period, report or None) that `user` may see, else Http404. A report that exists
    comes with its unit and period in one query (there is one a unit and period: no ordering)."""
    reports = Report.objects.select_related("unit", "period").filter(unit__code=unit_code, period__code=period_code)
    if not sees_all_units(user):
        # visible_units(user), joined rather than asked as a subquery: the page's most frequent read.
        officer = user.is_authenticated and user.is_officer
        reports = reports.filter(unit__officers=user) if officer else reports.none()
    report = next(iter(reports.order_by()[:1]), None)
    if report is not None:
        return _found_by(user, report.unit), report.period, report
    unit = unit_for(user, unit_code, "Không tìm thấy báo cáo.")
    period = ReportingPeriod.objects.filter(code=period_code).first()
    if period is None or not period.is_open:
        raise Http404("Không tìm thấy báo cáo.")
    if not unit.exists_in(period):
        raise Http404(f"{unit.name} không hoạt động trong {period.label.lower()}: không có báo cáo của kỳ này.")
    return unit, period, None


def can_review(user):
    """The provincial office's reviewers act on submitted reports (admins see, but do not review)."""
    return user.is_authenticated and user.is_reviewer


def require_overview(user):
    """The status board, the consolidation and their exports: reviewers and admins only (403)."""
    if not sees_all_units(user):
        raise PermissionDenied("Chỉ Văn phòng UBND tỉnh xem được trang này.")


def overview_period(user, period_code):
    """The period of a page of the provincial office (require_overview), else Http404."""
    require_overview(user)
    period = ReportingPeriod.objects.filter(code=period_code).first()
    if period is None:
        raise Http404("Không có kỳ báo cáo này.")
    return period
