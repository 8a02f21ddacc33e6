"""Emails to the focal officers of a unit: a report returned or approved, and reminders before a
period's deadline. Plain text, in Vietnamese. A mail server that is down or refuses costs a
warning in the log, never the transition that caused the email (services send after commit)."""
import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from units.models import Unit

from .models import Report, ReportingPeriod

logger = logging.getLogger(__name__)

S = Report.Status
# Reminders start this many days before the deadline and go on, every run, once it is past.
REMIND_DAYS_BEFORE = 3
NOT_SUBMITTED = (S.DRAFT, S.RETURNED)
SIGNATURE = (
    "Thư này được gửi tự động từ Cổng báo cáo kiểm soát thủ tục hành chính; "
    "vui lòng không trả lời thư này."
)


def officers_qs():
    """Who receives a unit's emails: active focal officers with an email address."""
    User = get_user_model()
    return User.objects.filter(role=User.Role.OFFICER, is_active=True).exclude(email="").order_by("username")


def unit_recipients(unit):
    return list(officers_qs().filter(units=unit).values_list("email", flat=True))


def report_url(period, unit):
    return settings.SITE_URL.rstrip("/") + reverse("report", args=[period.code, unit.code])


def _date(day):
    return f"{day:%d/%m/%Y}"


def _one_line(text):
    return " ".join(str(text).split())


def _send(subject, body, recipients):
    """Send one email to `recipients`; False (and a warning in the log) when the server fails."""
    if not recipients:
        return False
    message = EmailMessage(_one_line(subject), body, settings.DEFAULT_FROM_EMAIL, list(recipients))
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("Không gửi được thư “%s” tới %s: %s", subject, ", ".join(recipients), error)
        return False
    return True


def _last_transition(report, to_status):
    return report.transitions.filter(to_status=to_status).select_related("actor").last()


def _by_whom(transition):
    actor = transition.actor if transition else None
    return actor.display_name if actor else "Văn phòng UBND tỉnh"


def _when(transition):
    at = timezone.localtime(transition.at if transition else timezone.now())
    return f"lúc {at:%H:%M} ngày {_date(at)}"


def notify_returned(report, reason):
    """Tell the unit's officers that `report` was returned (or an approved one re-opened), why."""
    unit, period = report.unit, report.period
    transition = _last_transition(report, S.RETURNED)
    reopened = transition is not None and transition.from_status == S.APPROVED
    what = "được mở lại để chỉnh sửa (trước đó đã duyệt)" if reopened else "bị trả lại"
    subject = f"[TTHC] Báo cáo {period.label} của {unit.name} {'được mở lại' if reopened else 'bị trả lại'}"
    body = "\n".join([
        f"Kính gửi cán bộ đầu mối của {unit.name},",
        "",
        f"Báo cáo kiểm soát thủ tục hành chính {period.label} {period.window_text} của {unit.name} "
        f"đã {what} {_when(transition)}, người thực hiện: {_by_whom(transition)}.",
        "",
        "Lý do:",
        reason,
        "",
        f"Đề nghị đơn vị chỉnh sửa và gửi lại báo cáo. Hạn gửi báo cáo của kỳ: {_date(period.deadline)}.",
        f"Mở báo cáo: {report_url(period, unit)}",
        "",
        SIGNATURE,
    ])
    return _send(subject, body, unit_recipients(unit))


def notify_approved(report):
    """Tell the unit's officers that `report` was approved (and is now locked)."""
    unit, period = report.unit, report.period
    transition = _last_transition(report, S.APPROVED)
    subject = f"[TTHC] Báo cáo {period.label} của {unit.name} đã được duyệt"
    body = "\n".join([
        f"Kính gửi cán bộ đầu mối của {unit.name},",
        "",
        f"Báo cáo kiểm soát thủ tục hành chính {period.label} {period.window_text} của {unit.name} "
        f"đã được duyệt {_when(transition)}, người duyệt: {_by_whom(transition)}.",
        "Báo cáo đã duyệt không chỉnh sửa được nữa, trừ khi Văn phòng UBND tỉnh mở lại.",
        "",
        f"Xem báo cáo: {report_url(period, unit)}",
        "",
        SIGNATURE,
    ])
    return _send(subject, body, unit_recipients(unit))


# ---------------------------------------------------------------------------------------------
# Reminders


@dataclass
class Reminder:
    """One unit of one period that has not submitted, and who is (or would be) reminded."""

    period: ReportingPeriod
    unit: Unit
    recipients: list
    report: Report | None
    sent: bool = False

    @property
    def status_label(self):
        return self.report.get_status_display() if self.report else "Chưa nhập"


def days_text(deadline, today):
    """`còn 2 ngày`, `hôm nay là hạn cuối`, `đã quá hạn 3 ngày`."""
    days = (deadline - today).days
    if days > 0:
        return f"còn {days} ngày"
    if days == 0:
        return "hôm nay là hạn cuối"
    return f"đã quá hạn {-days} ngày"


def due_reminders(today=None):
    """The reminders to send today: for each open period whose deadline is at most
    REMIND_DAYS_BEFORE days away (or past), each active unit whose report is missing, a draft or
    returned, and that has an officer with an email (units without one, such as the receiving
    office, get nothing)."""
    today = today or timezone.localdate()
    periods = ReportingPeriod.objects.filter(
        is_open=True, deadline__lte=today + timedelta(days=REMIND_DAYS_BEFORE)
    ).order_by("deadline", "code")
    units = list(
        Unit.objects.filter(is_active=True)
        .prefetch_related(Prefetch("officers", queryset=officers_qs(), to_attr="recipients"))
        .in_print_order()
    )
    reminders = []
    for period in periods:
        reports = {report.unit_id: report for report in Report.objects.filter(period=period)}
        for unit in units:
            if not unit.exists_in(period):  # a unit created after the period, or ended before it
                continue
            report = reports.get(unit.pk)
            if report is not None and report.status not in NOT_SUBMITTED:
                continue
            if unit.recipients:
                reminders.append(Reminder(period, unit, [user.email for user in unit.recipients], report))
    return reminders


def reminder_message(reminder, today):
    period, unit = reminder.period, reminder.unit
    left = days_text(period.deadline, today)
    subject = f"[TTHC] Nhắc gửi báo cáo {period.label} của {unit.name}: hạn {_date(period.deadline)}, {left}"
    body = "\n".join([
        f"Kính gửi cán bộ đầu mối của {unit.name},",
        "",
        f"Văn phòng UBND tỉnh chưa nhận được báo cáo kiểm soát thủ tục hành chính {period.label} "
        f"{period.window_text} của {unit.name}.",
        f"Hạn gửi báo cáo: {_date(period.deadline)} ({left}).",
        f"Trạng thái hiện tại: {reminder.status_label}.",
        "",
        f"Đề nghị đơn vị hoàn thành và gửi báo cáo: {report_url(period, unit)}",
        "",
        SIGNATURE,
    ])
    return subject, body


def send_reminders(today=None, *, dry_run=False):
    """Remind every unit of due_reminders(today), one email per unit and period to its officers.
    Returns the reminders, each with `sent` telling whether its email left (never on a dry run)."""
    today = today or timezone.localdate()
    reminders = due_reminders(today)
    if not dry_run:
        for reminder in reminders:
            reminder.sent = _send(*reminder_message(reminder, today), reminder.recipients)
    return reminders
