"""The province's consolidation (tổng hợp) of a period and the views derived from quarters (năm,
6 tháng, 9 tháng).

Named reads, as selectors.py: every sum is taken by the database (`.values(…).annotate(Sum(…))`
on each section's table), then compute.complete_totals fills the computed columns. The number of
queries is fixed per section, whatever the number of units or rows.
"""
import unicodedata
from dataclasses import dataclass, field

from django.db.models import Sum

from units.models import KIND_ORDER

from .compute import complete_form, complete_totals, rates_06a
from .forms_spec import CAP_LABELS, FORMS
from .models import LABEL_FIELDS, ROW_MODELS, Report, ReportingPeriod

FORMAT = "tthc-consolidated/1"
QUARTERS = ("Q1", "Q2", "Q3", "Q4")
YEAR = "Y"  # the kind of a unit's directly submitted annual report
REPORT_TEXTS = ("narrative", "explanations", "document_meta", "working_copy")


def counted_statuses(include_submitted=False):
    """Approved reports count; submitted ones too when asked. Drafts and returned ones never."""
    statuses = [Report.Status.APPROVED]
    if include_submitted:
        statuses.append(Report.Status.SUBMITTED)
    return statuses


def unit_sort_key(unit):
    return KIND_ORDER.get(unit.kind, 9), unit.code


# ---------------------------------------------------------------------------------------------
# Sums in the database


def _sum_annotations(section):
    return {f"sum_{c.key}": Sum(c.key) for c in section.entered}


def _sums(section, values):
    """A `.values().annotate()` row → {column key: sum} over the entered columns (0 for none)."""
    return {c.key: values.get(f"sum_{c.key}") or 0 for c in section.entered}


def _section_rows(form, section, **report_filter):
    model = ROW_MODELS[(form.code, section.key)]
    return model.objects.filter(**{f"report__{key}": value for key, value in report_filter.items()})


def _sums_by(form, section, group_by, **report_filter):
    """[(group values, sums)] — one query: GROUP BY `group_by`, SUM of each entered column."""
    query = _section_rows(form, section, **report_filter).order_by().values(*group_by).annotate(
        **_sum_annotations(section)
    )
    return [(tuple(v[name] for name in group_by), _sums(section, v)) for v in query]


def _total(form, section, **report_filter):
    """The section's TỔNG CỘNG over every counted row — one query."""
    return _sums(section, _section_rows(form, section, **report_filter).aggregate(**_sum_annotations(section)))


# ---------------------------------------------------------------------------------------------
# The consolidation of a period


@dataclass
class UnitBlock:
    """One unit's part of a section: its rows (computed columns filled) and its subtotal."""

    unit: object
    report: object
    rows: list
    subtotal: dict


@dataclass
class SectionConsolidation:
    form: object  # forms_spec.FormSpec
    section: object  # forms_spec.Section
    blocks: list  # UnitBlock per included unit, in unit order
    total: dict  # the province's TỔNG CỘNG row, computed columns included
    by_linh_vuc: list  # rows summed across units by their label keys, computed columns filled


@dataclass
class Consolidation:
    period: object
    include_submitted: bool
    reports: list  # the counted reports, in unit order
    forms: dict  # {form code: {section key: SectionConsolidation}}
    rates_06a: dict  # the province's {"online": …, "on_time": …}
    unit_rates_06a: list = field(default_factory=list)  # [(unit, rates)] in unit order, with II.06a

    @property
    def units(self):
        return [report.unit for report in self.reports]

    @property
    def totals(self):
        """{form: {section: TỔNG CỘNG row}} — the `totals` of the consolidated JSON."""
        return {code: {key: s.total for key, s in sections.items()} for code, sections in self.forms.items()}


def _vn_key(text):
    """Sort key for Vietnamese names: letters without their marks first (Đ with D), then as written."""
    text = str(text or "")
    plain = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return plain.replace("Đ", "D").replace("đ", "d").casefold(), text


def _label_order(section):
    """How the rows summed by lĩnh vực are ordered: fixed levels as declared, II.08 by nhóm then
    cấp then name, the others by name."""
    if section.fixed_caps:
        return lambda row: (section.fixed_caps.index(row["cap"]) if row["cap"] in section.fixed_caps else 99,)
    caps = list(CAP_LABELS)
    if "nhom" in section.label_keys:
        return lambda row: (row["nhom"] or "Z", caps.index(row["cap"]) if row["cap"] in caps else 9,
                            _vn_key(row["linh_vuc"]))
    return lambda row: _vn_key(row[section.label_key])


# What a consolidation may read beside each unit's subtotal and the TỔNG CỘNG: the units' own rows
# (the blocks' `rows`) and the rows summed by lĩnh vực (`by_linh_vuc`).
PARTS = ("rows", "linh_vuc")


def consolidate(period, include_submitted=False, codes=None, parts=PARTS):
    """The province's tables for `period` from the counted reports (see counted_statuses), of the
    forms `codes` (None: all; the page shows one biểu at a time), with the `parts` asked for (the
    others left empty: the page's view of one line per unit reads neither). The II.06a rates of the
    province are always there (an aggregate), each unit's with II.06a (another)."""
    statuses = counted_statuses(include_submitted)
    where = {"period": period, "status__in": statuses}
    # The texts a report carries (its narrative, its working copy …) are not the province's: 300 of
    # them were a tenth of the page.
    reports = sorted(
        Report.objects.filter(**where).select_related("unit").defer(*REPORT_TEXTS), key=lambda r: unit_sort_key(r.unit)
    )
    forms = {}
    for code, form in FORMS.items():
        if codes is not None and code not in codes:
            continue
        unit_data = {r.unit_id: {s.key: [] for s in form.sections} for r in reports}
        unit_sums = {r.unit_id: {} for r in reports}
        summed_by_label, totals = {}, {}
        for section in form.sections:
            # Plain tuples, not model instances: a province is thousands of rows.
            keys = (*section.label_keys, *(c.key for c in section.entered))
            fields = (*(LABEL_FIELDS[k] for k in section.label_keys), *(c.key for c in section.entered))
            if "rows" in parts:
                rows = _section_rows(form, section, **where).order_by("report", "position")
                for unit_id, *values in rows.values_list("report__unit_id", *fields):
                    unit_data[unit_id][section.key].append(dict(zip(keys, values)))
            for (unit_id,), sums in _sums_by(form, section, ["report__unit"], **where):
                unit_sums[unit_id][section.key] = sums
            label_keys = section.label_keys
            summed_by_label[section.key] = [
                {**dict(zip(label_keys, labels)), **sums}
                for labels, sums in _sums_by(form, section, [LABEL_FIELDS[k] for k in label_keys], **where)
            ] if "linh_vuc" in parts else []
            totals[section.key] = _total(form, section, **where)
        completed = {unit_id: complete_form(code, data) for unit_id, data in unit_data.items()}
        subtotals = {unit_id: complete_totals(code, sums) for unit_id, sums in unit_sums.items()}
        by_linh_vuc = complete_form(code, summed_by_label)
        total = complete_totals(code, totals)
        forms[code] = {
            section.key: SectionConsolidation(
                form=form,
                section=section,
                blocks=[
                    UnitBlock(r.unit, r, completed[r.unit_id][section.key], subtotals[r.unit_id][section.key])
                    for r in reports
                ],
                total=total[section.key],
                by_linh_vuc=sorted(by_linh_vuc[section.key], key=_label_order(section)),
            )
            for section in form.sections
        }
    form, section = FORMS["II.06a"], FORMS["II.06a"].section("rows")
    unit_rates = []
    if codes is None or "II.06a" in codes:
        unit_sums = {unit_id: sums for (unit_id,), sums in _sums_by(form, section, ["report__unit"], **where)}
        unit_rates = [(r.unit, rates_06a(complete_totals("II.06a", {"rows": unit_sums.get(r.unit_id, {})})["rows"]))
                      for r in reports]
    return Consolidation(
        period=period,
        include_submitted=include_submitted,
        reports=reports,
        forms=forms,
        rates_06a=rates_06a(complete_totals("II.06a", {"rows": _total(form, section, **where)})["rows"]),
        unit_rates_06a=unit_rates,
    )


def consolidated_document(consolidation):
    """The `tthc-consolidated/1` document (interchange.md): every unit's rows, each carrying its
    unit's code, in the shapes of tthc-report/1, and the TỔNG CỘNG row of every section."""
    forms = {}
    for code, sections in consolidation.forms.items():
        forms[code] = {}
        for key, part in sections.items():
            section = part.section
            forms[code][key] = [
                {
                    "unit": block.unit.code,
                    **{k: row.get(k) for k in section.label_keys},
                    **{c.key: row[c.key] for c in section.columns},
                }
                for block in part.blocks
                for row in block.rows
            ]
    return {
        "format": FORMAT,
        "period": consolidation.period.code,
        "units": [unit.code for unit in consolidation.units],
        "forms": forms,
        "totals": {
            code: {key: {c.key: part.total[c.key] for c in part.section.columns} for key, part in sections.items()}
            for code, sections in consolidation.forms.items()
        },
    }


# ---------------------------------------------------------------------------------------------
# The annual view: derived from the quarters, beside the annual report units sent directly


def derive_year(section, quarter_sums):
    """A section's entered totals for a year from its totals per quarter (in quarter order):
    flows summed, stocks read from the first or the last quarter (Column.stock)."""
    if not quarter_sums:
        return {c.key: 0 for c in section.entered}
    derived = {}
    for column in section.entered:
        if column.stock == "first":
            derived[column.key] = quarter_sums[0].get(column.key, 0)
        elif column.stock == "last":
            derived[column.key] = quarter_sums[-1].get(column.key, 0)
        else:
            derived[column.key] = sum(sums.get(column.key, 0) for sums in quarter_sums)
    return derived


def differences(derived, direct):
    """Column by column, derived − direct: counts as numbers, rates in percentage points
    (None when a rate is undefined on one side only, 0 when on both)."""
    result = {}
    for code, form in FORMS.items():
        result[code] = {}
        for section in form.sections:
            a, b = derived[code][section.key], direct[code][section.key]
            diff = {}
            for column in section.columns:
                x, y = a[column.key], b[column.key]
                if column.rate:
                    diff[column.key] = 0 if x is None and y is None else (
                        None if x is None or y is None else round(x - y, 2))
                else:
                    diff[column.key] = x - y
            result[code][section.key] = diff
    return result


def _complete_all(entered):
    """{form: {section: entered sums}} → {form: {section: totals with computed columns}}."""
    return {code: complete_totals(code, entered[code]) for code in FORMS}


def _zero_entered():
    return {code: {s.key: {c.key: 0 for c in s.entered} for s in form.sections} for code, form in FORMS.items()}


def _add_entered(into, entered):
    for code, form in FORMS.items():
        for section in form.sections:
            for column in section.entered:
                into[code][section.key][column.key] += entered[code][section.key][column.key]


@dataclass
class AnnualPart:
    """A unit's (or, with unit None, the province's) year: totals derived from its quarters
    beside the totals of the annual report it sent directly."""

    unit: object
    quarters: list  # the quarter kinds counted ("Q1", …), in order
    derived: dict | None  # {form: {section: totals}}, None without any counted quarter
    direct: dict | None  # the same from the annual report (period kind Y), None without one
    direct_report: object = None
    # Units that keep the two sides from being compared (the province: units with quarters but
    # no annual report, or the other way round); the difference is then not computed.
    unmatched: list = field(default_factory=list)

    @property
    def quarters_label(self):
        """`Quý I, Quý II, Quý IV` — which quarters the derived totals come from."""
        return ", ".join(ReportingPeriod.Kind(q).label for q in self.quarters)

    @property
    def differences(self):
        if self.derived is None or self.direct is None or self.unmatched:
            return None
        return differences(self.derived, self.direct)

    @property
    def differs(self):
        diff = self.differences
        return bool(diff) and any(
            value not in (0, 0.0) for sections in diff.values() for cols in sections.values() for value in cols.values()
        )


# The derived views of a year: which quarters they add up, the kind of the report a unit may send
# for the same span directly (compared with the derived figures), and how the page names them.
SPANS = {
    "nam": (QUARTERS, YEAR, "Năm {year}"),
    "6-thang": (QUARTERS[:2], "H1", "6 tháng đầu năm {year}"),
    "9-thang": (QUARTERS[:3], None, "9 tháng đầu năm {year}"),
}


@dataclass
class Absorbed:
    """A predecessor's quarters counted in its successor's derived figures (the year of a merger)."""

    predecessor: object
    successor: object
    date: object
    kind: str  # units.models.Succession.Kind
    quarters: list

    @property
    def note(self):
        """`Gồm số liệu của SKHDT các quý trước khi sáp nhập vào STC (từ 01/03/2025)`."""
        how = "đổi tên thành" if self.kind == "rename" else "sáp nhập vào"
        return (f"Gồm số liệu của {self.predecessor.code} các quý trước khi {how} {self.successor.code} "
                f"(từ {self.date:%d/%m/%Y})")


@dataclass
class Annual:
    year: int
    include_submitted: bool
    units: list  # AnnualPart per unit that has a counted quarter or annual report, in unit order
    province: AnnualPart
    span: str = "nam"  # a key of SPANS
    absorbed: list = field(default_factory=list)  # Absorbed, in date order

    @property
    def label(self):
        return SPANS[self.span][2].format(year=self.year)

    @property
    def notes(self):
        return [a.note for a in self.absorbed]


def _absorptions(year, reports):
    """{predecessor id: (Succession, successor id)} for the units that reported in the year and
    were merged into (or renamed as) a unit in the year: their quarters before the date count in
    the successor's figures. A split is left out (its figures cannot be shared out). No query unless
    a unit that reported ended (valid_to) by the end of the year."""
    from units.models import Succession

    ended = {r.unit_id for r in reports if r.unit.valid_to and r.unit.valid_to.year <= year}
    if not ended:
        return {}
    successions = (Succession.objects.filter(predecessor__in=ended, date__year=year)
                   .exclude(kind=Succession.Kind.SPLIT).select_related("predecessor", "successor"))
    return {s.predecessor_id: s for s in successions}


def _quarter_starts(year):
    from .periods import calendar_span

    return {q: calendar_span(year, q)[0] for q in QUARTERS}


def annual(year, include_submitted=False, span="nam"):
    """The year `year` (or its first 6 or 9 months, `span` a key of SPANS) per unit and for the
    province: section totals derived from the counted quarter reports (flows summed, stocks from
    the right end), beside each unit's directly submitted report for the span (annual or 6 tháng;
    none for 9 tháng) and the differences between the two.

    The province's figures add up, quarter by quarter, whoever reported in it, then derive the
    span from those sums (its (11) at the end of the year is the units existing then, not a
    dissolved unit's last figure). A successor's figures for the year of its merger include its
    predecessors' quarters before the merger, which are then not listed on their own."""
    quarters_of_span, direct_kind, _ = SPANS[span]
    statuses = counted_statuses(include_submitted)
    kinds = [*quarters_of_span, *([direct_kind] if direct_kind else [])]
    where = {"period__year": year, "period__kind__in": kinds, "status__in": statuses}
    reports = list(Report.objects.filter(**where).select_related("unit", "period"))
    successions = _absorptions(year, reports)
    starts = _quarter_starts(year)

    def counted_as(unit_id, kind):
        """The unit whose figures a report of `unit_id` for quarter `kind` counts in."""
        seen = set()
        while kind in starts and unit_id in successions and unit_id not in seen:
            succession = successions[unit_id]
            if starts[kind] >= succession.date:
                break
            seen.add(unit_id)
            unit_id = succession.successor_id
        return unit_id

    units_by_id = {r.unit_id: r.unit for r in reports}
    for s in successions.values():
        units_by_id.setdefault(s.successor_id, s.successor)
    kinds_of, direct_reports, absorbed = {}, {}, {}
    for report in reports:
        kind = report.period.kind
        owner = counted_as(report.unit_id, kind)
        kinds_of.setdefault(owner, set()).add(kind)
        if kind == direct_kind:
            direct_reports[owner] = report
        if owner != report.unit_id:
            s = successions[report.unit_id]
            absorbed.setdefault(report.unit_id, Absorbed(s.predecessor, units_by_id[owner], s.date, s.kind, []))
            absorbed[report.unit_id].quarters.append(kind)
    units = sorted((units_by_id[pk] for pk in kinds_of), key=unit_sort_key)

    # {(unit, kind): {form: {section: sums}}}, one query per section.
    sums = {(unit.pk, kind): _zero_entered() for unit in units for kind in kinds_of[unit.pk]}
    for code, form in FORMS.items():
        for section in form.sections:
            for (unit_id, kind), values in _sums_by(form, section, ["report__unit", "report__period__kind"], **where):
                target = sums[(counted_as(unit_id, kind), kind)][code][section.key]
                for key, value in values.items():
                    target[key] += value

    def derive(quarter_sums):
        return {
            code: {s.key: derive_year(s, [q[code][s.key] for q in quarter_sums]) for s in form.sections}
            for code, form in FORMS.items()
        }

    parts = []
    province_quarters = {q: _zero_entered() for q in quarters_of_span}
    province_direct = _zero_entered()
    any_direct = False
    for unit in units:
        quarters = [q for q in quarters_of_span if q in kinds_of[unit.pk]]
        derived = derive([sums[(unit.pk, q)] for q in quarters]) if quarters else None
        for q in quarters:
            _add_entered(province_quarters[q], sums[(unit.pk, q)])
        direct = sums.get((unit.pk, direct_kind)) if direct_kind else None
        if direct is not None:
            _add_entered(province_direct, direct)
            any_direct = True
        parts.append(AnnualPart(
            unit=unit, quarters=quarters,
            derived=_complete_all(derived) if derived else None,
            direct=_complete_all(direct) if direct is not None else None,
            direct_report=direct_reports.get(unit.pk),
        ))
    reported = [q for q in quarters_of_span if any(q in kinds for kinds in kinds_of.values())]
    province = AnnualPart(
        unit=None,
        quarters=reported,
        derived=_complete_all(derive([province_quarters[q] for q in reported])) if reported else None,
        direct=_complete_all(province_direct) if any_direct else None,
        # The province's two sides compare only when they cover the same units.
        unmatched=[part.unit for part in parts if (part.derived is None) != (part.direct is None)],
    )
    return Annual(year=year, include_submitted=include_submitted, units=parts, province=province, span=span,
                  absorbed=sorted(absorbed.values(), key=lambda a: (a.date, a.predecessor.code)))
