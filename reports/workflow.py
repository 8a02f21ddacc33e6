"""The life of a report: one table of allowed transitions, checked in one place."""
from .models import Report

S = Report.Status

TRANSITIONS = {
    S.DRAFT: {S.SUBMITTED},
    S.SUBMITTED: {S.APPROVED, S.RETURNED},
    S.RETURNED: {S.SUBMITTED},
    S.APPROVED: {S.RETURNED},
}
EDITABLE = {S.DRAFT, S.RETURNED}


def has_history(report):
    """Whether the report has transitions to show: none while it is a draft, since no transition
    leads back to Nháp (a report that was sent once is Trả lại, never Nháp again)."""
    return report.status != S.DRAFT


class WorkflowError(Exception):
    """A state change the report's status or period does not allow; the message says why."""


# Closing a period stops the units' entry, not the review: a report sent before the period closed
# is still approved or returned by the provincial office. Sending, and re-opening an approved
# report, need the period open.
REVIEW_AFTER_CLOSE = {(S.SUBMITTED, S.APPROVED), (S.SUBMITTED, S.RETURNED)}


def can_transition(report, to_status):
    return to_status in TRANSITIONS.get(report.status, set())


def needs_open_period(report, to_status):
    return (report.status, to_status) not in REVIEW_AFTER_CLOSE


def is_allowed(report, to_status):
    """The transition table and the period's state together: what the buttons offer."""
    return can_transition(report, to_status) and (report.period.is_open or not needs_open_period(report, to_status))


def check_transition(report, to_status):
    if not can_transition(report, to_status):
        raise WorkflowError(
            f"Báo cáo đang ở trạng thái “{report.get_status_display()}”, không thể chuyển sang "
            f"“{S(to_status).label}”."
        )
    if not report.period.is_open and needs_open_period(report, to_status):
        raise WorkflowError(f"Kỳ báo cáo {report.period.label} đã đóng: không thay đổi được báo cáo.")


def is_editable(report):
    """Figures can change only while the period is open and the report is a draft or returned."""
    return report.status in EDITABLE and report.period.is_open
