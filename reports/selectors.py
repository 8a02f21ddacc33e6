"""Named reads. Each loads what a page or a rule needs in a fixed number of queries."""
import json

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Max, Min, Q, Sum

from units.models import LinhVuc, Succession, Unit

from . import memo, periods
from .forms_spec import FORMS, all_sections
from .models import LABEL_FIELDS, ROW_MODELS, Report, ReportingPeriod, Revision
from .rules import Previous


def empty_forms():
    return {code: {section.key: [] for section in form.sections} for code, form in FORMS.items()}


def _row_as_data(section, row):
    data = {key: getattr(row, LABEL_FIELDS[key]) for key in section.label_keys}
    data.update({column.key: getattr(row, column.key) for column in section.entered})
    return data


def section_rows(report, form, section):
    """The rows of one section of a saved report as plain data (label keys, entered columns)."""
    rows = ROW_MODELS[(form.code, section.key)].objects.filter(report=report).order_by("position")
    return [_row_as_data(section, row) for row in rows]


def latest_forms(report):
    """The `forms` of the report's latest revision (None: it has none). Every write of the row
    tables writes a revision of the same figures in the same transaction (services.report_save,
    units.services' merge of lĩnh vực), so this is what the rows hold, read in one query."""
    if report.pk is None:
        return None
    document = Revision.objects.filter(report=report).order_by("-version").values_list("document", flat=True).first()
    return document.get("forms") if isinstance(document, dict) else None


def _forms_as_data(forms):
    """A revision's `forms` as report_forms gives them: label keys ("" for none) and entered
    columns (0 for a column the revision predates), computed columns left out."""
    data = empty_forms()
    for form, section in all_sections():
        rows = (forms.get(form.code) or {}).get(section.key) or []
        data[form.code][section.key] = [
            {**{key: row.get(key) or "" for key in section.label_keys},
             **{column.key: row.get(column.key) or 0 for column in section.entered}}
            for row in rows
        ]
    return data


def report_forms(report, revisions=None):
    """The figures of a saved report as plain data (entered columns only): from its latest
    revision in one query (latest_forms), or from the row tables for a report written without
    revisions. `revisions`, the report's recent_revisions when the caller has them: the newest
    brings the figures, without a query of its own."""
    if report is None or report.pk is None:
        return empty_forms()
    if revisions is None:
        forms = latest_forms(report)
    else:
        forms = revisions[0].forms if revisions else None
    return _forms_as_data(forms) if forms is not None else rows_forms(report)


def page_forms(unit, period, report, revisions):
    """(figures, saved): what the report page shows when nothing is being typed. The report's
    saved figures (report_forms), or, for a report never saved (none yet, or one that only ever
    held a working copy, since discarded), the pre-filled forms of a new report (initial_forms),
    with `saved` false."""
    if report is not None:
        data = report_forms(report, revisions)
        if revisions or any(rows for sections in data.values() for rows in sections.values()):
            return data, True
    return initial_forms(unit, period), False


# recent_revisions written out: composed by the ORM (two window functions, a CASE on a JSON path,
# the saver joined) the query cost 1,4 ms to build and 0,1 to run, at every opening of the page.
_RECENT_REVISIONS = """
    SELECT r.id, r.report_id, r.version, r.actor_id, r.at, u.username, u.first_name, u.last_name,
           COUNT(*) OVER () AS "of",
           CASE WHEN r.version = MAX(r.version) OVER () THEN r.document END AS newest_document
    FROM {revision} r LEFT JOIN {user} u ON u.id = r.actor_id
    WHERE r.report_id = %s ORDER BY r.version DESC LIMIT %s"""
_ACTOR_FIELDS = ["id", "username", "first_name", "last_name"]


def recent_revisions(report, limit):
    """The report's `limit` latest saves, newest first, each with its saver and knowing how many
    there are in all (`of`); the newest also brings the figures it saved (`forms`, as
    latest_forms). One query: what the report page lists and what it shows."""
    sql = _RECENT_REVISIONS.format(revision=Revision._meta.db_table, user=get_user_model()._meta.db_table)
    revisions = list(Revision.objects.raw(sql, [report.pk, limit]))
    for revision in revisions:
        # The other fields of the saver, and the revision's document, are deferred (read if asked).
        revision.actor = revision.actor_id and get_user_model().from_db(
            revision._state.db, _ACTOR_FIELDS, [revision.actor_id, revision.username, revision.first_name, revision.last_name])
        document = revision.newest_document
        document = json.loads(document) if isinstance(document, str) else document
        revision.forms = document.get("forms") if isinstance(document, dict) else None
    return revisions


def rows_forms(report):
    """The figures as the row tables hold them, a query a section: for a write that changes the
    rows before it writes their revision."""
    data = empty_forms()
    for form, section in all_sections():
        data[form.code][section.key] = section_rows(report, form, section)
    return data


# _previous_reports written out: composed by the ORM (the successions' subquery OR'd with the own
# unit, the unit and the period joined) the query cost 2 ms to build, at every opening of a report.
# unit_takes_part is Unit.exists_in (UnitQuerySet.existing_between in the ORM): change them together.
_PREVIOUS_REPORTS = """
    SELECT r.id, r.unit_id, r.period_id, r.status, r.version, r.updated_at, p.year, p.kind,
           u.code AS unit_code, CASE WHEN u.is_active AND (u.valid_from IS NULL OR u.valid_from <= %s)
                AND (u.valid_to IS NULL OR u.valid_to >= %s) THEN 1 ELSE 0 END AS unit_takes_part
    FROM {report} r JOIN {period} p ON p.id = r.period_id JOIN {unit} u ON u.id = r.unit_id
    WHERE p.code = %s AND (r.unit_id = %s OR r.unit_id IN (
        SELECT s.predecessor_id FROM {succession} s WHERE s.successor_id = %s AND s.date <= %s AND s.kind <> %s))"""


def _previous_reports(unit, period):
    """The previous period's reports whose pending files carry into the unit's report of `period`,
    the own one first: the unit's own, and those of the units merged into it or renamed as it on
    or before the period's last day that no longer exist during the period — so only in the first
    period after the reorganisation, when they sent their last report (README, Reorganisations).
    A split is left out: nothing says how the predecessor's files were shared among its
    successors. One query: the reports hold their identity, status and version and their unit's
    code (unit_code), the period its year and kind; the rest is read if asked."""
    code = periods.previous_code(period.year, period.kind)
    if code is None:
        return []
    sql = _PREVIOUS_REPORTS.format(report=Report._meta.db_table, period=ReportingPeriod._meta.db_table,
                                   unit=Unit._meta.db_table, succession=Succession._meta.db_table)
    first_day, last_day = (connection.ops.adapt_datefield_value(day) for day in (period.first_day, period.last_day))
    reports = list(Report.objects.raw(
        sql, [last_day, first_day, code, unit.pk, unit.pk, last_day, Succession.Kind.SPLIT]))
    for r in reports:
        r.period = ReportingPeriod.from_db(r._state.db, ["id", "year", "kind"], [r.period_id, r.year, r.kind])
        if r.unit_id == unit.pk:
            r.unit = unit  # a predecessor's unit is read if asked: its code is r.unit_code
    # A predecessor that still takes part in `period` reports for itself.
    return sorted((r for r in reports if r.unit_id == unit.pk or not r.unit_takes_part),
                  key=lambda r: (r.unit_id != unit.pk, r.unit_code))


def _pending(reports, form_code, columns):
    """{lĩnh vực: the sum of `columns`} of the section "rows" of `form_code` over `reports`, in one
    query, the lĩnh vực in the order they first appear (own report first): what a carry-over
    column takes from the previous period — II.06a (11) = (12)+(13), II.05a (10)."""
    if not reports:
        return {}
    model = ROW_MODELS[(form_code, "rows")]
    rank = {r.pk: n for n, r in enumerate(reports)}
    rows = (model.objects.filter(report__in=reports).order_by().values("label")
            .annotate(**{key: Sum(key) for key in columns}, first_report=Min("report"), first_position=Min("position")))
    rows = sorted(rows, key=lambda r: (rank.get(r["first_report"], 0), r["first_position"], r["label"]))
    return {row["label"]: sum(row[key] or 0 for key in columns) for row in rows}


def _carried_over(reports):
    """(II.06a (11), II.05a (10)) of `reports`, each {lĩnh vực: sum} (_pending): two queries the
    first time, kept (memo) by the reports' identities and versions after that, since every write
    of a report's rows makes it a new version (services.report_save, units.services' merge)."""
    return memo.remembered(
        "carried-over", [(r.pk, r.version, r.updated_at) for r in reports],
        lambda: (_pending(reports, "II.06a", ("c12", "c13")), _pending(reports, "II.05a", ("c10",))))


def previous_context(unit, period):
    """What the carry-over rule compares (6) with — the pending files (11) of the previous period,
    the unit's own and, in its first period after a merger, its predecessors' — or None when there
    is no previous report; likewise II.05a (4) with the previous (10). Three queries; one when
    there is no previous report."""
    reports = _previous_reports(unit, period)
    if not reports:
        return None
    sources = tuple(r.unit_code for r in reports) if any(r.unit_id != unit.pk for r in reports) else ()
    pending, pending_05a = _carried_over(reports)
    return Previous(reports[0].period.label, pending, sources, pending_05a)


def catalogue_names(unit):
    """The lĩnh vực offered to the unit's officers: its catalogue's entries in use, in order (not
    the proposed ones, which wait for the admin, nor the retired ones)."""
    return list(LinhVuc.objects.filter(unit=unit, state=LinhVuc.State.ACTIVE).order_by("order", "name")
                .values_list("name", flat=True))


def initial_forms(unit, period):
    """A new report: one row per active lĩnh vực of the unit (and per lĩnh vực the previous report,
    or a predecessor's, still had files or PAKN pending in), II.06a (6) pre-filled with the previous
    period's (11) and II.05a (4) with its (10), the predecessors' added (previous_context)."""
    data = empty_forms()
    reports = _previous_reports(unit, period)
    previous = reports[0] if reports and reports[0].unit_id == unit.pk else None
    previous_data = report_forms(previous) if previous else empty_forms()
    # The files pending at the end of the previous period, the predecessors' added in the first
    # period after a merger (_previous_reports).
    pending, pending_05a = _carried_over(reports)
    names = catalogue_names(unit)
    names += [name for name, count in pending.items() if count and name not in names]
    names += [name for name, count in pending_05a.items() if count and name not in names]

    def zeros(section):
        return {column.key: 0 for column in section.entered}

    for form, section in all_sections():
        if section.fixed_caps:
            rows = [{"cap": cap, **zeros(section)} for cap in section.fixed_caps]
        elif section.label_keys == ("ten",):
            # Ministries whose TTHC the unit published last time are likely again.
            rows = [{"ten": row["ten"], **zeros(section)} for row in previous_data[form.code][section.key]]
        elif "nhom" in section.label_keys:
            rows = [{"nhom": "B", "cap": unit.level, "linh_vuc": name, **zeros(section)} for name in names]
        else:
            rows = [{"linh_vuc": name, **zeros(section)} for name in names]
        data[form.code][section.key] = rows
    for row in data["II.06a"]["rows"]:
        row["c6"] = pending.get(row["linh_vuc"], 0)
    for row in data["II.05a"]["rows"]:
        row["c4"] = pending_05a.get(row["linh_vuc"], 0)
    return data


def open_periods():
    return ReportingPeriod.objects.filter(is_open=True).order_by("-end", "kind")


def reports_of_units(units, period_ids):
    """{(unit_id, period_id): report} for the home page, in one query; each report carries
    `returned_at`, when it was last returned (None if never)."""
    reports = Report.objects.filter(unit__in=units, period_id__in=period_ids).annotate(
        returned_at=Max("transitions__at", filter=Q(transitions__to_status=Report.Status.RETURNED)))
    return {(r.unit_id, r.period_id): r for r in reports}


def period_kinds(period):
    """(kind, label) of the kinds of unit taking part in the period, in the Kind order: what the
    board can filter by (no "UBND cấp huyện" after the districts ended)."""
    from units.models import Unit

    present = set(Unit.objects.in_period(period).values_list("kind", flat=True).distinct())
    return [(kind, label) for kind, label in Unit.Kind.choices if kind in present]


def closing_counts(period):
    """What is still in play when `period` closes: {"draft", "returned", "submitted", "missing"},
    counted over the units taking part in it, as on the status board."""
    counts = status_board(period)[1]
    return {key: counts[key] for key in ("draft", "returned", "submitted", "missing")}


BOARD_STATUSES = {"missing": "Chưa nhập", **{s.value: s.label for s in Report.Status}}


def status_board(period, *, status=None, kind=None):
    """Every unit taking part in the period (Unit.objects.in_period) with its report for the period
    (or none): two queries, whatever the number of units. `status` filters by report status or
    "missing"; `kind` by unit kind."""
    from units.models import Unit

    units = Unit.objects.in_period(period).in_print_order()
    if kind:
        units = units.filter(kind=kind)
    reports = {r.unit_id: r for r in Report.objects.filter(period=period, unit__in=units)}
    today = _today()
    rows = []
    for unit in units:
        report = reports.get(unit.pk)
        key = report.status if report else "missing"
        submitted = report is not None and report.status in (Report.Status.SUBMITTED, Report.Status.APPROVED)
        late = report.is_late if submitted else today > period.deadline
        rows.append({"unit": unit, "report": report, "status": key, "late": late})
    counts = {key: sum(1 for row in rows if row["status"] == key) for key in BOARD_STATUSES}
    if status:
        rows = [row for row in rows if row["status"] == status]
    return rows, counts


def _today():
    from django.utils import timezone

    return timezone.localdate()
