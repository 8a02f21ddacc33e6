"""Government levels that no longer exist (workflow.md, "Levels that no longer exist").

The cells of such a level are declared once, by `Column.level` and `Section.rows_are_levels`;
this says which levels are gone in a period. The page greys those cells ("không áp dụng"), the
exports print them blank and the rules refuse a figure there (`level.abolished`).
"""
from .base import CAP_LABELS

# level → the setting holding the date from which it no longer exists
ABOLITION_SETTINGS = {"huyen": "LEVEL_HUYEN_ABOLISHED"}


def abolished_levels(period):
    """{level: date it ceased} for a period (a ReportingPeriod) whose quarter, half or year starts on
    or after that date; {} for earlier periods (and for no period)."""
    return {} if period is None else abolished_on(period.first_day)


def abolished_on(first_day):
    """{level: date it ceased} for a span of time starting on `first_day` (abolished_levels; the
    annual view's year)."""
    from django.conf import settings  # read when asked, so that a test's override_settings counts

    since = {level: getattr(settings, name) for level, name in ABOLITION_SETTINGS.items()}
    return {level: day for level, day in since.items() if first_day >= day}


def abolished_since(section, row, column, levels):
    """The date from which the level a cell counts no longer exists, or None when the cell is
    entered as usual. `row` holds the row's labels (its `cap`), `levels` is abolished_levels()."""
    level = section.level_of(row, column) if levels else ""
    return levels.get(level) if level else None


def abolished_text(level, since):
    """`cấp huyện không còn từ 01/07/2025` — the page's title, the rule's message."""
    return f"{CAP_LABELS[level].lower()} không còn từ {since:%d/%m/%Y}"
