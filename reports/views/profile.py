"""The documents' defaults: a unit's profile (its officers keep it) and the province's document of
a period (the provincial office's reviewers keep it). Whoever else may see them reads them."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from units.forms import UnitProfileForm
from units.services import unit_profile_update

from .. import document_meta, services
from ..permissions import can_edit_profile, can_review, overview_period, unit_for
from ..webforms import meta_from_post


@login_required
def unit_profile(request, unit_code):
    unit = unit_for(request.user, unit_code)
    editable = can_edit_profile(request.user, unit)
    form = UnitProfileForm(instance=unit)
    if request.method == "POST":
        if not editable:
            messages.error(request, "Bạn không sửa được hồ sơ của đơn vị này.")
            return redirect(request.path)
        form = UnitProfileForm(request.POST, instance=unit)
        if form.is_valid():
            unit_profile_update(unit=unit, data=form.cleaned_data, actor=request.user)
            messages.success(request, "Đã lưu hồ sơ đơn vị: các báo cáo in từ nay theo hồ sơ này.")
            return redirect(request.path)
        unit.refresh_from_db()  # the form wrote what it read onto the instance: show what is kept
        form.instance = unit
    issuer = document_meta.unit_issuer(unit)
    return render(request, "reports/unit_profile.html", {
        "unit": unit, "form": form, "editable": editable, "issuer": issuer,
        "signature": issuer.signature,
        "fields": [(unit._meta.get_field(name).verbose_name,
                    unit.get_signer_authority_display() if name == "signer_authority" else getattr(unit, name))
                   for name in unit.PROFILE_FIELDS],
    }, status=422 if form.errors else 200)


@login_required
def province_document(request, period_code):
    period = overview_period(request.user, period_code)
    editable = can_review(request.user)
    if request.method == "POST":
        if not editable:
            messages.error(request, "Chỉ chuyên viên tổng hợp sửa được văn bản tổng hợp của tỉnh.")
            return redirect(request.path)
        posted = meta_from_post(request.POST, document_meta.PROVINCE_KEYS)
        services.province_meta_save(period=period, meta=posted, actor=request.user)
        messages.success(request, "Đã lưu thông tin văn bản tổng hợp của tỉnh.")
        return redirect(request.path)
    meta = period.province_meta
    values = document_meta.effective(document_meta.province_issuer(meta), period, {})
    return render(request, "reports/province_document.html", {
        "period": period, "editable": editable,
        "fields": document_meta.page_fields(document_meta.PROVINCE_FIELDS, values, meta,
                                            {"ngay": "Để trống: ngày duyệt báo cáo cuối cùng của kỳ"},
                                            "Theo cơ quan ban hành"),
    })
