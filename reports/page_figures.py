"""What the report page shows of its six biểu: the figures judged by the rules, laid out as tables
(HTML), with the rates beside II.06a and the narrative's generated sentences.

Opening a report again shows the same figures: what they give is kept (memo) by the figures
themselves and everything else it depends on, so that the rules and the tables are worked out once
for each save, not at each opening. What an officer has just typed is worked out afresh."""
from dataclasses import dataclass

from . import memo, narrative, selectors, services
from .compute import form_totals, rates_06a
from .forms_spec import FORMS, abolished_levels
from .tables import build_tables
from .templatetags.report_tags import report_table


@dataclass
class Figures:
    judgement: services.Judgement
    forms: list  # [{"code", "tables" (HTML, one a section), "errors", "warnings"}], one a biểu
    rates_06a: dict
    generated: dict  # the narrative's sentences that restate figures (none while errors remain)


def figures(unit, period, forms, *, typed=False, saved=True, changed=None, editable=False):
    """The six biểu of `unit`'s report of `period` holding `forms`: as the officer typed them
    (`typed`, shown as typed), or as saved or pre-filled (whole numbers; no warnings before a first
    save, `saved` false). `changed`, the cells changed since the last submission
    (diff.changed_cells); `editable`, the tables take input."""
    previous = selectors.previous_context(unit, period)
    levels = abolished_levels(period)

    def make():
        judgement = services.judge(unit=unit, period=period, raw_forms=forms, previous=previous)
        if not saved:
            judgement.warnings = []  # nothing typed yet: no reason to warn about a blank form
        shown = forms if typed else judgement.data
        issues = judgement.errors + judgement.warnings
        return Figures(
            judgement,
            [{"code": code,
              "tables": [report_table(table, editable) for table in build_tables(
                  code, shown.get(code) or {}, judgement.data[code], issues, changed, period)],
              "errors": sum(1 for issue in judgement.errors if issue.form == code),
              "warnings": sum(1 for issue in judgement.warnings if issue.form == code)}
             for code in FORMS],
            rates_06a(form_totals("II.06a", judgement.data["II.06a"])["rows"]),
            narrative.generated(judgement.data, period) if judgement.ok else {},
        )

    if typed:
        return make()
    return memo.remembered("report-page", (forms, previous, levels, saved, changed, editable), make)
