"""Reporting periods: codes (`2023-Q3`), default data windows and deadlines (workflow.md)."""
import re
from datetime import date, timedelta

KINDS = ("Q1", "Q2", "Q3", "Q4", "H1", "Y")
_CODE = re.compile(r"^(\d{4})-(Q[1-4]|H1|Y)$")


def parse_code(code):
    """`2023-Q3` → (2023, "Q3"); ValueError with a Vietnamese message otherwise."""
    match = _CODE.match((code or "").strip().upper())
    if not match:
        raise ValueError(f'Mã kỳ "{code}" không hợp lệ (ví dụ: 2023-Q3, 2023-H1, 2023-Y)')
    return int(match[1]), match[2]


def default_window(year, kind):
    """Nghị định 09/2019 practice: data from the 15th of the month before a quarter starts
    to the 14th of its last month."""
    previous_dec_15 = date(year - 1, 12, 15)
    return {
        "Q1": (previous_dec_15, date(year, 3, 14)),
        "Q2": (date(year, 3, 15), date(year, 6, 14)),
        "Q3": (date(year, 6, 15), date(year, 9, 14)),
        "Q4": (date(year, 9, 15), date(year, 12, 14)),
        "H1": (previous_dec_15, date(year, 6, 14)),
        "Y": (previous_dec_15, date(year, 12, 14)),
    }[kind]


def calendar_span(year, kind):
    """(first day, last day) of the quarter, half or year itself, as a unit's existence is compared
    with it (which units take part) and the date a level was abolished."""
    first_month, last_month = {"Q1": (1, 3), "Q2": (4, 6), "Q3": (7, 9), "Q4": (10, 12), "H1": (1, 6), "Y": (1, 12)}[kind]
    after = date(year + 1, 1, 1) if last_month == 12 else date(year, last_month + 1, 1)
    return date(year, first_month, 1), after - timedelta(days=1)


def add_working_days(day, count):
    """`count` working days after `day`, skipping Saturdays and Sundays."""
    while count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def default_deadline(end):
    return add_working_days(end, 2)


def previous_code(year, kind):
    """The period before in the quarter chain (Q1 follows the previous year's Q4), else None."""
    if not kind.startswith("Q"):
        return None
    quarter = int(kind[1])
    return f"{year - 1}-Q4" if quarter == 1 else f"{year}-Q{quarter - 1}"
