"""What changed between two versions of a report (two `tthc-report/1` documents), cell by cell.

Rows are matched by what identifies them (the lĩnh vực, the ministry, the cấp — see the label keys
of each section), not by position, so that a row added above another does not make every row
below it look changed.
"""
from dataclasses import dataclass

from .forms_spec import FORMS
from .narrative import SECTIONS as NARRATIVE_SECTIONS


@dataclass(frozen=True)
class Change:
    form: str | None  # None for the narrative
    section: str | None
    identity: tuple  # the row's label values; for the narrative, (section key,)
    label: str  # what the user reads: the row's label, or the narrative section's title
    column: str | None  # "c4"; None when a whole row appears or disappears, or for the narrative
    old: object
    new: object


def row_identity(section, row):
    return tuple(row.get(key) for key in section.label_keys)


def diff_documents(old, new):
    """Every difference between two documents: figures (entered and computed columns), rows added
    or removed, and narrative texts."""
    changes = []
    old_forms, new_forms = (old or {}).get("forms") or {}, (new or {}).get("forms") or {}
    for code, form in FORMS.items():
        for section in form.sections:
            before = {row_identity(section, r): r for r in (old_forms.get(code) or {}).get(section.key) or []}
            after = {row_identity(section, r): r for r in (new_forms.get(code) or {}).get(section.key) or []}
            for identity in [*before, *(i for i in after if i not in before)]:
                old_row, new_row = before.get(identity), after.get(identity)
                label = section.row_label(new_row or old_row)
                if old_row is None or new_row is None:
                    changes.append(Change(code, section.key, identity, label, None, old_row, new_row))
                    continue
                for column in section.columns:
                    if old_row.get(column.key) != new_row.get(column.key):
                        changes.append(Change(code, section.key, identity, label, column.key,
                                              old_row.get(column.key), new_row.get(column.key)))
    old_text, new_text = (old or {}).get("narrative") or {}, (new or {}).get("narrative") or {}
    for key, title in NARRATIVE_SECTIONS:
        if (old_text.get(key) or "") != (new_text.get(key) or ""):
            changes.append(Change(None, None, (key,), title, None, old_text.get(key) or "", new_text.get(key) or ""))
    return changes


def changed_cells(changes):
    """{(form, section, identity, column): old value} for highlighting cells on the page; a row
    that did not exist before has every column changed (old value None)."""
    cells = {}
    for change in changes:
        if change.form is None:
            continue
        if change.column:
            cells[(change.form, change.section, change.identity, change.column)] = change.old
        elif change.new is not None:  # a new row
            for column in FORMS[change.form].section(change.section).columns:
                cells[(change.form, change.section, change.identity, column.key)] = None
    return cells
