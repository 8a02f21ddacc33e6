"""Emails to focal officers: a report returned or approved, reminders before the deadline.
Services send after commit, so the tests run the on-commit callbacks
(`django_capture_on_commit_callbacks(execute=True)`)."""
import logging
import smtplib
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from reports import notifications, services
from reports.models import Report, ReportingPeriod
from reports.workflow import S, WorkflowError
from tests.conftest import make_unit, make_user, save_report
from units.models import User

SITE = "https://tthc.khanhhoa.gov.vn"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE + "/"


@pytest.fixture
def officer_stc(officer_stc):
    officer_stc.email = "stc@khanhhoa.gov.vn"
    officer_stc.save(update_fields=["email"])
    return officer_stc


@pytest.fixture
def reviewer(reviewer):
    reviewer.first_name, reviewer.last_name = "Hợp", "Nguyễn Thị Tổng"
    reviewer.save(update_fields=["first_name", "last_name"])
    return reviewer


@pytest.fixture
def bystanders(stc, skhdt):
    """People who must never receive STC's emails, and a second STC officer who must."""
    def user(username, email, role=User.Role.OFFICER, units=(), is_active=True):
        person = make_user(username, role=role, units=units)
        person.email, person.is_active = email, is_active
        person.save(update_fields=["email", "is_active"])
        return person

    return {
        "second": user("stc2", "ke.toan@stc.khanhhoa.gov.vn", units=[stc]),
        "no_email": user("stc3", "", units=[stc]),
        "inactive": user("stc4", "nghi.viec@khanhhoa.gov.vn", units=[stc], is_active=False),
        "other_unit": user("skhdt", "skhdt@khanhhoa.gov.vn", units=[skhdt]),
        "reviewer": user("tonghop2", "tonghop2@khanhhoa.gov.vn", role=User.Role.REVIEWER, units=[stc]),
    }


@pytest.fixture
def submitted(stc, period, officer_stc, good_forms):
    report = save_report(stc, period, good_forms, actor=officer_stc)
    return services.report_submit(report=report, actor=officer_stc)


def recipients(mailoutbox):
    return sorted(address for message in mailoutbox for address in message.to)


# ---------------------------------------------------------------------------------------------
# Returned, approved


def test_returning_emails_the_units_officers_with_the_reason(
    submitted, reviewer, bystanders, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.report_return(report=submitted, actor=reviewer, reason="Sai số liệu cột (5) biểu II.06a.")

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert sorted(message.to) == ["ke.toan@stc.khanhhoa.gov.vn", "stc@khanhhoa.gov.vn"]
    assert message.subject == "[TTHC] Báo cáo Quý III năm 2023 của Sở Tài chính bị trả lại"
    assert "Sai số liệu cột (5) biểu II.06a." in message.body
    assert "Nguyễn Thị Tổng Hợp" in message.body
    assert f"{SITE}/bao-cao/2023-Q3/STC/" in message.body
    assert "Hạn gửi báo cáo của kỳ: 18/09/2023." in message.body
    today = timezone.localdate()
    assert f"ngày {today:%d/%m/%Y}" in message.body


def test_reopening_an_approved_report_says_so(submitted, reviewer, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.report_approve(report=submitted, actor=reviewer)
        services.report_return(report=submitted, actor=reviewer, reason="Mở lại để bổ sung biểu II.08.")
    assert [m.subject for m in mailoutbox] == [
        "[TTHC] Báo cáo Quý III năm 2023 của Sở Tài chính đã được duyệt",
        "[TTHC] Báo cáo Quý III năm 2023 của Sở Tài chính được mở lại",
    ]
    assert "Mở lại để bổ sung biểu II.08." in mailoutbox[1].body


def test_approving_emails_the_units_officers(
    submitted, reviewer, bystanders, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.report_approve(report=submitted, actor=reviewer)

    assert recipients(mailoutbox) == ["ke.toan@stc.khanhhoa.gov.vn", "stc@khanhhoa.gov.vn"]
    message = mailoutbox[0]
    assert message.subject == "[TTHC] Báo cáo Quý III năm 2023 của Sở Tài chính đã được duyệt"
    assert "người duyệt: Nguyễn Thị Tổng Hợp" in message.body
    assert f"{SITE}/bao-cao/2023-Q3/STC/" in message.body


def test_no_email_when_the_unit_has_no_officer_with_an_email(
    submitted, reviewer, officer_stc, mailoutbox, django_capture_on_commit_callbacks
):
    officer_stc.email = ""
    officer_stc.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        services.report_approve(report=submitted, actor=reviewer)
    assert Report.objects.get(pk=submitted.pk).status == S.APPROVED
    assert mailoutbox == []


@pytest.fixture
def skhdt_draft(skhdt, period, good_forms):
    """A draft of SKHDT (STC's report stays submitted)."""
    return save_report(skhdt, period, good_forms)


def test_a_refused_transition_sends_nothing(
    submitted, skhdt_draft, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(WorkflowError):
            services.report_return(report=submitted, actor=reviewer, reason="   ")
        with pytest.raises(WorkflowError):
            services.report_approve(report=skhdt_draft, actor=reviewer)
    assert callbacks == []
    assert mailoutbox == []


def test_a_transition_rolled_back_sends_nothing(submitted, reviewer, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                services.report_return(report=submitted, actor=reviewer, reason="Thiếu biểu II.08.")
                raise RuntimeError("something later in the same transaction failed")
    assert Report.objects.get(pk=submitted.pk).status == S.SUBMITTED
    assert mailoutbox == []


def test_a_mail_server_failure_does_not_undo_the_return(
    submitted, reviewer, monkeypatch, caplog, mailoutbox, django_capture_on_commit_callbacks
):
    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailMessage, "send", refuse)
    with caplog.at_level(logging.WARNING, logger="reports.notifications"):
        with django_capture_on_commit_callbacks(execute=True):
            report = services.report_return(report=submitted, actor=reviewer, reason="Thiếu biểu II.08.")
    assert report.status == S.RETURNED
    assert Report.objects.get(pk=submitted.pk).status == S.RETURNED
    assert any(r.name == "reports.notifications" and "stc@khanhhoa.gov.vn" in r.getMessage() for r in caplog.records)


# ---------------------------------------------------------------------------------------------
# Reminders


def make_period(code, deadline, is_open=True):
    year, kind = code.split("-")
    return ReportingPeriod.objects.create(
        code=code, year=int(year), kind=kind, start=date(int(year), 6, 15), end=date(int(year), 9, 14),
        deadline=deadline, is_open=is_open,
    )


DEADLINE = date(2024, 9, 18)


@pytest.fixture
def officer_skhdt(officer_skhdt):
    officer_skhdt.email = "skhdt@khanhhoa.gov.vn"
    officer_skhdt.save(update_fields=["email"])
    return officer_skhdt


@pytest.fixture
def province(stc, skhdt, officer_stc, officer_skhdt):
    """STC and SKHDT with an officer each; the receiving office has no officer; a closed-down unit
    still has one."""
    make_unit("VPUBND", "Văn phòng UBND tỉnh")
    gone = make_unit("SBCVT", "Sở Bưu chính Viễn thông")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    old = make_user("sbcvt", units=[gone])
    old.email = "sbcvt@khanhhoa.gov.vn"
    old.save(update_fields=["email"])
    return {"STC": stc, "SKHDT": skhdt}


def submit(unit, period, forms, officer):
    report = save_report(unit, period, forms, actor=officer)
    return services.report_submit(report=report, actor=officer)


def test_two_days_before_the_deadline_only_units_that_have_not_submitted_are_reminded(
    province, officer_stc, good_forms, mailoutbox
):
    period = make_period("2024-Q3", DEADLINE)
    submit(province["STC"], period, good_forms, officer_stc)

    reminders = notifications.send_reminders(today=DEADLINE - timedelta(days=2))

    assert [(r.unit.code, r.recipients, r.sent) for r in reminders] == [("SKHDT", ["skhdt@khanhhoa.gov.vn"], True)]
    assert recipients(mailoutbox) == ["skhdt@khanhhoa.gov.vn"]
    message = mailoutbox[0]
    assert message.subject == (
        "[TTHC] Nhắc gửi báo cáo Quý III năm 2024 của Sở Kế hoạch và Đầu tư: hạn 18/09/2024, còn 2 ngày"
    )
    assert "Hạn gửi báo cáo: 18/09/2024 (còn 2 ngày)." in message.body
    assert "Trạng thái hiện tại: Chưa nhập." in message.body
    assert f"{SITE}/bao-cao/2024-Q3/SKHDT/" in message.body


def test_drafts_and_returned_reports_are_reminded_approved_ones_are_not(
    province, officer_stc, officer_skhdt, reviewer, good_forms, mailoutbox, django_capture_on_commit_callbacks
):
    period = make_period("2024-Q3", DEADLINE)
    with django_capture_on_commit_callbacks(execute=True):
        returned = submit(province["STC"], period, good_forms, officer_stc)
        services.report_return(report=returned, actor=reviewer, reason="Thiếu biểu II.08.")
    save_report(province["SKHDT"], period, good_forms, actor=officer_skhdt)
    mailoutbox.clear()

    reminders = notifications.send_reminders(today=DEADLINE)
    assert {(r.unit.code, r.status_label) for r in reminders} == {("STC", "Trả lại"), ("SKHDT", "Nháp")}
    assert all("hôm nay là hạn cuối" in m.body for m in mailoutbox) and len(mailoutbox) == 2

    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_submit(report=Report.objects.get(unit=province["STC"]), actor=officer_stc)
        services.report_approve(report=report, actor=reviewer)
    mailoutbox.clear()
    assert [r.unit.code for r in notifications.send_reminders(today=DEADLINE)] == ["SKHDT"]
    assert recipients(mailoutbox) == ["skhdt@khanhhoa.gov.vn"]


@pytest.mark.parametrize(("days_left", "reminded"), [(10, False), (4, False), (3, True), (0, True)])
def test_reminders_start_three_days_before_the_deadline(province, mailoutbox, days_left, reminded):
    make_period("2024-Q3", DEADLINE)
    reminders = notifications.send_reminders(today=DEADLINE - timedelta(days=days_left))
    assert bool(reminders) is reminded
    assert len(mailoutbox) == (2 if reminded else 0)


def test_past_the_deadline_the_reminder_says_how_late(province, mailoutbox):
    make_period("2024-Q3", DEADLINE)
    notifications.send_reminders(today=DEADLINE + timedelta(days=3))
    assert len(mailoutbox) == 2
    for message in mailoutbox:
        assert "đã quá hạn 3 ngày" in message.subject
        assert "Hạn gửi báo cáo: 18/09/2024 (đã quá hạn 3 ngày)." in message.body


def test_a_closed_period_reminds_nobody(province, mailoutbox):
    make_period("2024-Q3", DEADLINE, is_open=False)
    assert notifications.send_reminders(today=DEADLINE - timedelta(days=1)) == []
    assert mailoutbox == []


def test_each_open_period_due_gets_its_own_reminder(province, mailoutbox):
    make_period("2024-Q3", DEADLINE)
    make_period("2024-H1", DEADLINE - timedelta(days=60))
    reminders = notifications.send_reminders(today=DEADLINE)
    assert [(r.period.code, r.unit.code) for r in reminders] == [
        ("2024-H1", "SKHDT"), ("2024-H1", "STC"), ("2024-Q3", "SKHDT"), ("2024-Q3", "STC"),
    ]
    assert len(mailoutbox) == 4


def test_dry_run_sends_nothing(province, mailoutbox):
    make_period("2024-Q3", DEADLINE)
    reminders = notifications.send_reminders(today=DEADLINE, dry_run=True)
    assert [r.unit.code for r in reminders] == ["SKHDT", "STC"]
    assert not any(r.sent for r in reminders)
    assert mailoutbox == []


def test_a_refused_reminder_is_logged_and_the_others_still_go(province, monkeypatch, caplog, mailoutbox):
    make_period("2024-Q3", DEADLINE)
    real_send = EmailMessage.send

    def send(self, *args, **kwargs):
        if "skhdt@khanhhoa.gov.vn" in self.to:
            raise ConnectionRefusedError("[Errno 111] Connection refused")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", send)
    with caplog.at_level(logging.WARNING, logger="reports.notifications"):
        reminders = notifications.send_reminders(today=DEADLINE)
    assert [(r.unit.code, r.sent) for r in reminders] == [("SKHDT", False), ("STC", True)]
    assert recipients(mailoutbox) == ["stc@khanhhoa.gov.vn"]
    assert "Connection refused" in caplog.text


# ---------------------------------------------------------------------------------------------
# The command


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("send_reminders", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_dry_run_lists_the_units_and_sends_nothing(province, mailoutbox):
    deadline = timezone.localdate() + timedelta(days=2)
    make_period("2099-Q3", deadline)
    out, err = run("--dry-run")
    assert mailoutbox == [] and err == ""
    assert "Các đơn vị sẽ được nhắc (chạy thử):" in out
    assert f"Quý III năm 2099 — hạn gửi {deadline:%d/%m/%Y}, còn 2 ngày:" in out
    assert "SKHDT Sở Kế hoạch và Đầu tư (Chưa nhập) → skhdt@khanhhoa.gov.vn" in out
    assert "STC Sở Tài chính (Chưa nhập) → stc@khanhhoa.gov.vn" in out
    assert "VPUBND" not in out and "SBCVT" not in out
    assert "Chạy thử: sẽ gửi 2 thư nhắc; chưa gửi thư nào." in out


def test_command_sends_and_counts(province, mailoutbox):
    make_period("2099-Q3", timezone.localdate() - timedelta(days=1))
    out, err = run()
    assert recipients(mailoutbox) == ["skhdt@khanhhoa.gov.vn", "stc@khanhhoa.gov.vn"]
    assert "Các đơn vị được nhắc:" in out and "đã quá hạn 1 ngày" in out
    assert out.rstrip().endswith("Đã gửi 2 thư nhắc.")
    assert err == ""


def test_command_with_nothing_due(province, mailoutbox):
    make_period("2099-Q3", timezone.localdate() + timedelta(days=10))
    out, _ = run()
    assert out.strip() == "Không có đơn vị nào cần nhắc gửi báo cáo."
    assert mailoutbox == []
