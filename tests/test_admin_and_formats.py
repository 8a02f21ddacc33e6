"""Vietnamese formats and the admins' pages."""
import json
import re

from django.template import Context, Template
from django.urls import reverse

from reports.models import ReportingPeriod


def render(source, **context):
    return Template(source).render(Context(context))


def test_numbers_group_with_dots_and_dates_print_day_first(db):
    from datetime import date

    assert render("{{ n }}", n=2718) == "2.718"
    assert render('{{ d|date:"SHORT_DATE_FORMAT" }}', d=date(2023, 9, 14)) == "14/09/2023"


def test_dates_are_read_day_first():
    from django import forms

    field = forms.DateField()
    assert str(field.clean("05/03/2025")) == "2025-03-05"


def test_admin_creates_period_from_its_code(client, admin_user):
    admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    response = client.post(reverse("admin:reports_reportingperiod_add"), {"code": "2024-q2", "is_open": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    period = ReportingPeriod.objects.get(code="2024-Q2")
    assert (period.year, period.kind) == (2024, "Q2")
    assert period.start.isoformat() == "2024-03-15" and period.end.isoformat() == "2024-06-14"
    assert period.deadline.isoformat() == "2024-06-18"  # 14/06/2024 is a Friday: Mon 17, Tue 18


def test_admin_pages_are_vietnamese(client, admin_user):
    admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    body = client.get(reverse("admin:index")).content.decode()
    assert "Quản trị cổng báo cáo kiểm soát TTHC" in body and "Kỳ báo cáo" in body


def test_no_english_left_on_the_admins_pages(client, admin_user, officer_stc, period):
    """Django's Vietnamese stops at what it translated before 5.x; the apps the portal adds have none."""
    admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    index = client.get(reverse("admin:index")).content.decode()
    assert "Chống dò mật khẩu" in index and "Hàng đợi tạo tệp xuất" in index and "lần đăng nhập sai" in index.lower()
    for english in ("Axes", "Access attempts", "Tasks Database Backend", "Task Results", "Các nhóm"):
        assert english not in index, english
    periods = client.get(reverse("admin:reports_reportingperiod_changelist")).content.decode()
    assert "Tên kỳ" in periods and "Quý III năm 2023" in periods and "Show counts" not in periods
    user = client.get(reverse("admin:units_user_change", args=[officer_stc.pk])).content.decode()
    assert "Đặt lại mật khẩu" in user and "không ai xem được mật khẩu" in user
    assert "Can add" not in user and 'name="user_permissions"' not in user
    script = client.get(reverse("admin:jsi18n")).content.decode()  # the multiple-choice boxes' words
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});", script, re.S).group(1))
    assert catalog["Choose all %s"] == "Chọn tất cả %s" and catalog["Remove all %s"] == "Bỏ tất cả %s"


def test_officer_cannot_open_admin(client, officer_stc):
    client.force_login(officer_stc)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "login" in response["Location"]
