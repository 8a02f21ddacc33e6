"""Issue 12: closing a period is safe. The admin says what is still in play and asks to confirm;
close_period prints the same counts; the review of reports sent before the period closed goes on;
the reviewer's home is the board of the period being reported on, not of one opened in advance."""
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from reports import services
from reports.models import Report, ReportingPeriod
from tests.conftest import make_unit, save_report, text

S = Report.Status


@pytest.fixture
def superuser(admin_user):
    admin_user.is_superuser = True
    admin_user.save()
    return admin_user


@pytest.fixture
def in_play(stc, skhdt, period, officer_stc, officer_skhdt, good_forms):
    """2023-Q3: STC submitted, SKHDT a draft, SNV nothing."""
    make_unit("SNV", "Sở Nội vụ")
    services.report_submit(report=save_report(stc, period, good_forms, actor=officer_stc), actor=officer_stc)
    forms = {"II.06a": {"rows": [{"linh_vuc": "Đầu tư tại Việt Nam", "c4": 1, "c9": 1}]}}
    save_report(skhdt, period, forms, actor=officer_skhdt)
    return period


def _change_form(period, **changes):
    data = {"code": period.code, "start": period.start.strftime("%d/%m/%Y"), "end": period.end.strftime("%d/%m/%Y"),
            "deadline": period.deadline.strftime("%d/%m/%Y")}
    if period.is_open:
        data["is_open"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_unticking_open_on_the_change_form_asks_for_confirmation_with_the_counts(client, superuser, in_play):
    client.force_login(superuser)
    url = reverse("admin:reports_reportingperiod_change", args=[in_play.pk])
    response = client.post(url, _change_form(in_play, is_open=None))
    body = text(response)
    assert response.status_code == 200
    assert "còn 1 báo cáo nháp, 0 báo cáo bị trả lại chưa gửi lại, 1 báo cáo đã gửi chờ duyệt và 1 đơn vị chưa nhập" \
        in body
    assert 'type="checkbox" name="confirm_close"' in body
    assert ReportingPeriod.objects.get(pk=in_play.pk).is_open

    response = client.post(url, _change_form(in_play, is_open=None, confirm_close="on"))
    assert response.status_code == 302, text(response)[:2000]
    assert not ReportingPeriod.objects.get(pk=in_play.pk).is_open


def test_other_changes_of_an_open_period_need_no_confirmation(client, superuser, in_play):
    client.force_login(superuser)
    url = reverse("admin:reports_reportingperiod_change", args=[in_play.pk])
    response = client.post(url, _change_form(in_play, deadline="20/09/2023"))
    assert response.status_code == 302
    period = ReportingPeriod.objects.get(pk=in_play.pk)
    assert period.is_open and period.deadline == date(2023, 9, 20)


def test_the_close_action_shows_the_counts_then_closes(client, superuser, in_play):
    client.force_login(superuser)
    url = reverse("admin:reports_reportingperiod_changelist")
    action = {"action": "close_periods", "_selected_action": [str(in_play.pk)]}
    body = text(client.post(url, action))
    assert '<tr data-period="2023-Q3"><td>Quý III năm 2023</td><td>1</td><td>0</td><td>1</td><td>1</td></tr>' in body
    assert ReportingPeriod.objects.get(pk=in_play.pk).is_open
    response = client.post(url, {**action, "post": "yes"})
    assert response.status_code == 302
    assert not ReportingPeriod.objects.get(pk=in_play.pk).is_open


def test_the_period_list_has_no_unconfirmed_open_checkbox(client, superuser, in_play):
    client.force_login(superuser)
    body = text(client.get(reverse("admin:reports_reportingperiod_changelist")))
    assert 'name="form-0-is_open"' not in body


def test_close_period_prints_what_is_still_in_play(in_play):
    out = StringIO()
    call_command("close_period", "2023-Q3", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Đã đóng kỳ Quý III năm 2023")
    assert lines[1] == ("Còn 1 báo cáo nháp, 0 báo cáo bị trả lại chưa gửi lại (đơn vị không gửi được nữa), "
                        "1 báo cáo đã gửi chờ duyệt (vẫn duyệt, trả lại được), 1 đơn vị chưa nhập.")


@pytest.fixture
def submitted_then_closed(stc, period, officer_stc, good_forms):
    report = services.report_submit(report=save_report(stc, period, good_forms, actor=officer_stc), actor=officer_stc)
    services.period_close(period.code)
    return report


def test_reviewer_approves_a_report_submitted_before_the_period_closed(client, reviewer, submitted_then_closed):
    client.force_login(reviewer)
    page = reverse("report", args=["2023-Q3", "STC"])
    assert 'action="' + reverse("report_approve", args=["2023-Q3", "STC"]) in text(client.get(page))
    response = client.post(reverse("report_approve", args=["2023-Q3", "STC"]))
    assert response.status_code == 302
    assert Report.objects.get(pk=submitted_then_closed.pk).status == S.APPROVED


def test_reviewer_returns_a_report_submitted_before_the_period_closed(client, reviewer, submitted_then_closed):
    client.force_login(reviewer)
    client.post(reverse("report_return", args=["2023-Q3", "STC"]), {"reason": "Số liệu II.06a chưa khớp."})
    report = Report.objects.get(pk=submitted_then_closed.pk)
    assert report.status == S.RETURNED
    assert report.transitions.latest("at").reason == "Số liệu II.06a chưa khớp."


def test_reviewers_home_skips_an_open_period_whose_window_has_not_started(client, reviewer):
    today = timezone.localdate()
    current = ReportingPeriod.objects.create(code="2000-Q1", year=2000, kind="Q1", start=today - timedelta(days=30),
                                             end=today + timedelta(days=30), deadline=today + timedelta(days=33),
                                             is_open=True)
    ReportingPeriod.objects.create(code="2000-Q2", year=2000, kind="Q2", start=today + timedelta(days=31),
                                   end=today + timedelta(days=120), deadline=today + timedelta(days=123), is_open=True)
    client.force_login(reviewer)
    assert client.get(reverse("home"))["Location"] == reverse("board", args=[current.code])


def test_reviewers_home_without_a_started_open_period_is_the_latest_ended(client, reviewer):
    today = timezone.localdate()
    ended = ReportingPeriod.objects.create(code="2000-Q1", year=2000, kind="Q1", start=today - timedelta(days=120),
                                           end=today - timedelta(days=31), deadline=today - timedelta(days=28))
    ReportingPeriod.objects.create(code="2000-Q2", year=2000, kind="Q2", start=today + timedelta(days=1),
                                   end=today + timedelta(days=90), deadline=today + timedelta(days=93), is_open=True)
    client.force_login(reviewer)
    assert client.get(reverse("home"))["Location"] == reverse("board", args=[ended.code])
