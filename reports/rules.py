"""Every rule of forms.md, as plain functions over plain data.

`check(raw_forms, previous=…)` is the one entry point used by the web form, the JSON import and
the submit: it reads the forms as typed or as found in a JSON document (strings, numbers, blanks),
turns them into whole numbers, and judges them in one pass. A row is judged when all its cells
read; a row that did not read gets only its reading errors, so that a typo never brings a cascade
of misleading issues. Nothing here touches the database.
"""
import math
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from tthc_portal.text import clean as stored_text

from .compute import complete_form, form_totals
from .formatting import fmt_int, fmt_pct
from .forms_spec import CAP_LABELS, FORMS, NHOM_LABELS, abolished_since, abolished_text

ERROR = "error"
WARNING = "warning"
MAX_COUNT = 10_000_000
MAX_MONEY = 10**15  # đồng, for the money columns (Column.money)
BLANKS = ("", "-", "–")
# Vietnamese tables group thousands with dots: "2.718" is two thousand seven hundred eighteen.
_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$", re.ASCII)


@dataclass(frozen=True)
class Issue:
    code: str
    severity: str
    form: str | None  # None for the document as a whole
    section: str | None
    row: int | None  # 1-based position within its section list
    column: str | None  # "c3"
    message: str
    # Where the cell is (`Biểu II.06a, dòng "Quản lý giá", cột (3)`, where()), as the message starts:
    # what a list of issues names without their texts. "" for an issue of the document as a whole.
    place: str = field(default="", compare=False)

    @property
    def is_error(self):
        return self.severity == ERROR

    @property
    def explanation_key(self):
        """Warnings are explained once per (code, form, section, row), whatever the columns."""
        return (self.code, self.form, self.section, self.row)

    def as_json(self):
        data = asdict(self)
        del data["severity"], data["place"]
        return data


@dataclass(frozen=True)
class Previous:
    """What the carry-over rules know of the unit's previous report: its label, II.06a (11) and
    II.05a (10) — in the first period after a merger, summed with its predecessors'
    (selectors.previous_context)."""

    period_label: str
    pending: dict  # linh_vuc → II.06a (11)
    sources: tuple = ()  # the codes of the units whose reports were summed, when more than its own
    pending_05a: dict = field(default_factory=dict)  # linh_vuc → II.05a (10)

    @property
    def where(self):
        """"kỳ trước" or "kỳ trước của STC và SKHDT": where the expected (6) comes from."""
        if not self.sources:
            return "kỳ trước"
        return f"kỳ trước của {', '.join(self.sources[:-1])} và {self.sources[-1]}"


@dataclass
class Unread:
    """What parsing could not read, so that no rule judges it: forms as a whole (a section that is
    not a list, an unknown section; every form when the document itself is malformed), sections
    that did not read in full, and rows (form, section, n) with n the row's position in the data."""

    forms: set = field(default_factory=set)
    sections: set = field(default_factory=set)
    rows: set = field(default_factory=set)

    def row_read(self, form, section, n):
        return form not in self.forms and (form, section, n) not in self.rows

    def section_read(self, form, section):
        return form not in self.forms and (form, section) not in self.sections

    def mark(self, form, section, issues, positions):
        """The rows with a reading error among `issues` of a section. Issues number rows as sent;
        `positions` maps them to positions in the data (a row that parsing dropped has none). A
        computed cell that disagrees with its formula is an error, not a cell that did not read."""
        for n in {i.row for i in issues if i.code != "formula.mismatch"}:
            self.sections.add((form, section))
            if n in positions:
                self.rows.add((form, section, positions[n]))


def where(form_code, section_key=None, row=None, label=None, column=None):
    """`Biểu II.06a, dòng "Quản lý công sản", cột (11)` — how every message starts."""
    form = FORMS[form_code]
    parts = [f"Biểu {form_code}"]
    if section_key and len(form.sections) > 1:
        title = form.section(section_key).title
        parts.append(f"mục {title.split('.')[0]}")
    if label:
        parts.append(f'dòng "{label}"')
    elif row:
        parts.append(f"dòng {row}")
    if column:
        parts.append(f"cột ({column[1:]})")
    return ", ".join(parts)


def _issue(code, severity, form, section, row, column, label, text):
    place = where(form, section, row, label, column)
    return Issue(code, severity, form, section, row, column, f"{place}: {text}", place)


# ---------------------------------------------------------------------------------------------
# Reading values


def clean_text(value):
    """Text as stored (tthc_portal.text: no control characters but line breaks and tabs, no
    surrogates or non-characters), trimmed."""
    return stored_text(str(value)).strip()


def is_blank(value):
    return value is None or (isinstance(value, str) and value.strip() in BLANKS)


def parse_count(value):
    """A cell as typed → (int, None) or (None, why-not). Blank and "-" are 0."""
    if value is None:
        return 0, None
    if isinstance(value, bool):
        return None, "không nhập giá trị đúng/sai"
    if isinstance(value, int):
        return (value, None) if value >= 0 else (None, "không nhập số âm")
    if isinstance(value, float):
        return None, "không nhập số thập phân"
    if not isinstance(value, str):
        return None, "không nhập danh sách hay đối tượng"
    text = value.strip()
    if text in BLANKS:
        return 0, None
    if (text.isascii() and text.isdigit()) or _GROUPED.match(text):  # not "²": isdigit() but not int()
        digits = text.replace(".", "")
        if len(digits) > 100:  # far above MAX_COUNT, and int() refuses thousands of digits
            return None, "không nhập số quá lớn"
        return int(digits), None
    if "%" in text:
        return None, "không nhập tỷ lệ %"
    if re.fullmatch(r"[-−]\s*[\d.,]+", text):
        return None, "không nhập số âm"
    if re.fullmatch(r"\d+[.,]\d+", text):
        return None, "không nhập số thập phân"
    return None, "không nhập chữ hay ghi chú"


def parse_signed(value):
    """As parse_count, a minus sign allowed: a computed difference as given in an import."""
    if isinstance(value, int) and not isinstance(value, bool) and value < 0:
        return value, None
    if isinstance(value, str) and value.strip()[:1] in ("-", "−") and value.strip() not in BLANKS:
        number, why = parse_count(value.strip()[1:].strip())
        return (None, why) if why else (-number, None)
    return parse_count(value)


_RATE = re.compile(r"-?\d+(?:[.,](\d+))?", re.ASCII)


def parse_rate(value):
    """A rate as given in an import → (percentage, decimals typed), (None, 0) when blank, or None
    when it does not read as a percentage: "60,45%", "60.45", 60.45 are 60.45 with 2 decimals."""
    if is_blank(value):
        return None, 0
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return (float(value), 0) if abs(value) < 10**15 else None
    if isinstance(value, float):
        exponent = Decimal(repr(value)).as_tuple().exponent if math.isfinite(value) else None
        return (value, max(0, -exponent)) if isinstance(exponent, int) else None
    if isinstance(value, str):
        text = value.strip().removesuffix("%").strip()
        match = _RATE.fullmatch(text)
        if match and len(text) <= 30:
            return float(text.replace(",", ".")), len(match.group(1) or "")
    return None


def _same_rate(given, decimals, expected, exact):
    """Equal at the precision typed: within half a unit of the last typed decimal of the rate as
    the form prints it (two decimals) or of the exact quotient ("60,4%" and "60,5%" for 60,45%)."""
    if given is None or expected is None:
        return given is None and expected is None
    half = 0.5 * 10.0**-decimals + 1e-9
    return abs(given - expected) <= half or abs(given - exact) <= half


def _show(value):
    return value if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)


def parse_forms(raw_forms):
    """Raw forms (as in the JSON document, or as typed) → (data with whole numbers, errors, unread).

    The data always has every form and section; rows keep their order, so `row` numbers in
    issues are positions in the lists the user sent. Fixed rows (Cấp tỉnh/huyện/xã) that are
    missing are added as zeros. A cell that does not read is 0 in the data and its row is in
    `unread` (see `Unread`).
    """
    errors = []
    unread = Unread()
    data = {code: {s.key: [] for s in form.sections} for code, form in FORMS.items()}
    if raw_forms is None:
        raw_forms = {}
    if not isinstance(raw_forms, dict):
        unread.forms.update(FORMS)
        return data, [Issue("schema.invalid", ERROR, None, None, None, None, '"forms" phải là một đối tượng JSON')], unread
    for code in raw_forms:
        if code not in FORMS:
            errors.append(Issue("schema.unknown_key", ERROR, None, None, None, None,
                                f'Không có biểu "{code}" (chỉ có {", ".join(FORMS)})'))
    if errors:  # a document of another shape: nothing in it can be judged
        unread.forms.update(FORMS)
    for code, form in FORMS.items():
        raw_form = raw_forms.get(code) or {}
        if not isinstance(raw_form, dict):
            errors.append(_issue("schema.invalid", ERROR, code, None, None, None, None, "phải là một đối tượng JSON"))
            unread.forms.add(code)
            continue
        for key in raw_form:
            if key not in [s.key for s in form.sections]:
                errors.append(_issue("schema.unknown_key", ERROR, code, None, None, None, None,
                                     f'không có mục "{key}"'))
                unread.forms.add(code)
        for section in form.sections:
            raw_rows = raw_form.get(section.key) or []
            if not isinstance(raw_rows, list):
                errors.append(_issue("schema.invalid", ERROR, code, section.key, None, None, None,
                                     f'"{section.key}" phải là một danh sách dòng'))
                unread.forms.add(code)
                continue
            start = len(errors)
            rows = [_parse_row(code, section, n, raw_row, errors) for n, raw_row in enumerate(raw_rows, 1)]
            if section.fixed_caps:
                rows, positions = _fixed_rows(code, section, rows, errors)
            else:
                positions = {n: n for n in range(1, len(rows) + 1)}
            data[code][section.key] = rows
            _check_duplicates(code, section, rows, errors)
            unread.mark(code, section.key, errors[start:], positions)
        _check_rates(code, form, raw_form, data[code], errors, unread)
    return data, errors, unread


def _parse_row(code, section, n, raw_row, errors):
    if not isinstance(raw_row, dict):
        errors.append(_issue("schema.invalid", ERROR, code, section.key, n, None, None, "mỗi dòng phải là một đối tượng JSON"))
        return {}
    row = {}
    for key in section.label_keys:
        value = raw_row.get(key)
        if isinstance(value, (list, dict)):  # not a label (and unhashable): reported as missing below
            value = None
        row[key] = clean_text(value) if isinstance(value, str) else value
    label = section.row_label(row) if isinstance(row.get(section.label_key), (str, type(None))) else None
    for key in raw_row:
        if key not in section.label_keys and key not in section.column_keys:
            errors.append(_issue("schema.unknown_key", ERROR, code, section.key, n, None, label,
                                 f'không có cột "{key}" trong biểu (các cột: {", ".join(section.column_keys)})'))
    _check_labels(code, section, n, row, label, errors)
    refused = set()  # entered cells that did not read, or read a value that is refused
    for column in section.entered:
        before = len(errors)
        raw = raw_row.get(column.key)
        value, why = parse_count(raw)
        if why:
            errors.append(_not_integer(code, section, n, column, label, raw, why))
            value = 0
        elif column.flag and value not in (0, 1):
            errors.append(_issue("II.08.flag", ERROR, code, section.key, n, column.key, label,
                                 f"chỉ nhập 1 (có tích hợp) hoặc 0 (không tích hợp), không nhập {fmt_int(value)}"))
        elif value > (limit := MAX_MONEY if column.money else MAX_COUNT):
            errors.append(_issue("value.too_large", ERROR, code, section.key, n, column.key, label,
                                 f"{fmt_int(value)} vượt quá giới hạn {fmt_int(limit)} — có thể đã gõ thừa chữ số"))
        if len(errors) > before:
            refused.add(column.key)
        row[column.key] = value
    for column in section.columns:
        parts = column.sum_of or column.difference
        if parts and not is_blank(raw_row.get(column.key)):  # a blank computed cell is absent
            # A difference may be negative (the cost rose: II.04 (13)=(11)-(12)).
            given, why = (parse_signed if column.difference else parse_count)(raw_row[column.key])
            expected = column.value_in(row)
            if why:
                errors.append(_not_integer(code, section, n, column, label, raw_row[column.key], why))
            elif refused.intersection(f"c{m}" for m in parts):
                continue  # a part did not read: its own error says so, the total cannot be checked
            elif given != expected:
                errors.append(_issue("formula.mismatch", ERROR, code, section.key, n, column.key, label,
                                     f'giá trị ghi sẵn "{_show(raw_row[column.key])}" khác công thức '
                                     f"{column.formula} = {fmt_int(expected)}"))
    return row


def _not_integer(code, section, n, column, label, raw, why):
    return _issue("value.not_integer", ERROR, code, section.key, n, column.key, label,
                  f'"{_show(raw)}" không hợp lệ — cột ({column.number}) là {column.counts} (số nguyên ≥ 0), {why}')


def _check_labels(code, section, n, row, label, errors):
    def bad(text):
        errors.append(_issue("schema.invalid", ERROR, code, section.key, n, None, label, text))

    for key in section.label_keys:
        value = row.get(key)
        if key == "cap":
            allowed = section.fixed_caps or tuple(CAP_LABELS)
            if value not in allowed:
                bad(f'cấp "{value}" không hợp lệ (chỉ nhận: {", ".join(allowed)})')
        elif key == "nhom":
            if value not in NHOM_LABELS:
                bad(f'nhóm "{value}" không hợp lệ (chỉ nhận: A, B)')
        elif not isinstance(value, str) or not value:
            what = "tên lĩnh vực" if key == "linh_vuc" else "tên cơ quan, đơn vị"
            errors.append(_issue("schema.missing_label", ERROR, code, section.key, n, None, None, f"chưa ghi {what}"))
        elif len(value) > 255:
            bad("tên dài quá 255 ký tự")


def _fixed_rows(code, section, rows, errors):
    """The rows in the order of `fixed_caps`, and where each row sent went (sent n → position)."""
    by_cap, positions = {}, {}
    for n, row in enumerate(rows, 1):
        cap = row.get("cap")
        if cap in by_cap:
            errors.append(_issue("schema.duplicate_row", ERROR, code, section.key, n, None, section.row_label(row),
                                 "dòng này đã có ở trên"))
            continue
        by_cap[cap] = row
        if cap in section.fixed_caps:
            positions[n] = section.fixed_caps.index(cap) + 1
    zero = {c.key: 0 for c in section.entered}
    return [by_cap.get(cap) or {"cap": cap, **zero} for cap in section.fixed_caps], positions


def _check_duplicates(code, section, rows, errors):
    seen = {}
    for n, row in enumerate(rows, 1):
        identity = tuple(row.get(k) for k in section.label_keys)
        if not row.get(section.label_key) or section.fixed_caps:
            continue
        if identity in seen:
            errors.append(_issue("schema.duplicate_row", ERROR, code, section.key, n, None, section.row_label(row),
                                 f"dòng này trùng với dòng {seen[identity]} — mỗi lĩnh vực chỉ ghi một dòng"))
        seen.setdefault(identity, n)


def _positions_by_label(section, rows):
    """Row positions (1-based) by label, the last one winning as in compute.section_index."""
    return {row.get(section.label_key): n for n, row in enumerate(rows, 1)}


def _has_nameless_row(section, rows):
    """Whether a row's label did not read: a lĩnh vực looked for may be that row."""
    return any(not isinstance(row.get(section.label_key), str) or not row.get(section.label_key) for row in rows)


def _check_rates(code, form, raw_form, form_data, errors, unread):
    """Rates arriving in an import must equal their formula at the precision typed. A rate whose
    numerator or denominator row did not read is not checked (its own errors say why)."""
    rate_columns = [(s, c) for s in form.sections for c in s.columns if c.rate]
    if not rate_columns:
        return
    completed = complete_form(code, form_data)
    for section, column in rate_columns:
        raw_rows = raw_form.get(section.key) or []
        if not isinstance(raw_rows, list):
            continue  # already reported by parse_forms
        same_row = column.rate.of_section is None
        base_section = section if same_row else form.section(column.rate.of_section)
        bases = _positions_by_label(base_section, completed[base_section.key])
        # Rate sections have free rows (no fixed_caps): rows sent and rows parsed line up.
        for n, (raw_row, full) in enumerate(zip(raw_rows, completed[section.key]), 1):
            if not isinstance(raw_row, dict) or column.key not in raw_row:
                continue
            label = section.row_label(full)
            given = parse_rate(raw_row[column.key])
            if given is None:
                errors.append(_issue("value.not_integer", ERROR, code, section.key, n, column.key, label,
                                     f'"{_show(raw_row[column.key])}" không hợp lệ — cột ({column.number}) là '
                                     f"{column.counts} (%, ví dụ 60,45%)"))
                unread.mark(code, section.key, errors[-1:], {n: n})
                continue
            base = n if same_row else bases.get(full.get(section.label_key))
            if base is None:  # no base row: a rate of blank, unless the base is a row without a name
                base_read = not _has_nameless_row(base_section, completed[base_section.key])
            else:
                base_read = unread.row_read(code, base_section.key, base)
            if not (base_read and unread.row_read(code, section.key, n)):
                continue
            numerator = full[f"c{column.rate.numerator}"]
            denominator = completed[base_section.key][base - 1][f"c{column.rate.denominator}"] if base else 0
            exact = numerator * 100 / denominator if denominator else None
            if not _same_rate(*given, full[column.key], exact):
                errors.append(_issue("formula.mismatch", ERROR, code, section.key, n, column.key, label,
                                     f'giá trị ghi sẵn "{_show(raw_row[column.key])}" khác công thức '
                                     f"{column.formula} = {fmt_pct(full[column.key]) or 'trống'}"))


# ---------------------------------------------------------------------------------------------
# Rules over whole numbers: each rule takes (data, previous, unread) and judges only what read.


def _rows(data, code, section_key, unread):
    """The rows of a section that read in full, with their computed columns."""
    form = FORMS[code]
    section = form.section(section_key)
    completed = complete_form(code, data[code])
    for n, row in enumerate(completed[section_key], 1):
        if unread.row_read(code, section_key, n):
            yield section, n, row, section.row_label(row)


def rule_03b_published(data, previous, unread):
    for section_key in ("trung_uong", "dia_phuong"):
        for _, n, row, label in _rows(data, "II.03b", section_key, unread):
            if row["c9"] != row["c6"] + row["c7"]:
                yield _issue("II.03b.public", WARNING, "II.03b", section_key, n, "c9", label,
                             f"số TTHC công khai (9) = {fmt_int(row['c9'])} khác số TTHC quy định mới và "
                             f"sửa đổi, bổ sung đã công bố (6)+(7) = {fmt_int(row['c6'] + row['c7'])}")
            if row["c10"] != row["c8"]:
                yield _issue("II.03b.unpublic", WARNING, "II.03b", section_key, n, "c10", label,
                             f"số TTHC không công khai (10) = {fmt_int(row['c10'])} khác số TTHC bãi bỏ "
                             f"đã công bố (8) = {fmt_int(row['c8'])}")


def rule_03b_total_vs_07b(data, previous, unread):
    if not (unread.section_read("II.03b", "dia_phuong") and unread.section_read("II.07b", "rows")):
        return  # a total over a row that did not read means nothing
    total_03b = form_totals("II.03b", data["II.03b"])["dia_phuong"]["c11"]
    total_07b = form_totals("II.07b", data["II.07b"])["rows"]["c3"]
    if total_03b != total_07b:
        place = where("II.03b", "dia_phuong", label="TỔNG CỘNG", column="c11")
        yield Issue("II.03b.total_vs_07b", WARNING, "II.03b", "dia_phuong", None, "c11",
                    f"{place}: tổng số TTHC thuộc thẩm quyền giải quyết (11) = {fmt_int(total_03b)} khác TỔNG "
                    f"CỘNG cột (3) của Biểu II.07b = {fmt_int(total_07b)} (hai cột cùng đếm TTHC thuộc thẩm "
                    "quyền của đơn vị)", place)


def rule_06a_balance(data, previous, unread):
    for _, n, row, label in _rows(data, "II.06a", "rows", unread):
        if row["c3"] != row["c7"] + row["c11"]:
            yield _issue("II.06a.balance", WARNING, "II.06a", "rows", n, "c3", label,
                         f"tổng số hồ sơ tiếp nhận (3) = {fmt_int(row['c3'])} khác số đã giải quyết (7) = "
                         f"{fmt_int(row['c7'])} cộng số đang giải quyết (11) = {fmt_int(row['c11'])} "
                         f"(tổng {fmt_int(row['c7'] + row['c11'])})")


def rule_06a_carry_over(data, previous, unread):
    if previous is None:
        return
    for _, n, row, label in _rows(data, "II.06a", "rows", unread):
        expected = previous.pending.get(row["linh_vuc"], 0)
        if row["c6"] != expected:
            yield _issue("II.06a.carry_over", WARNING, "II.06a", "rows", n, "c6", label,
                         f"số hồ sơ từ kỳ trước (6) = {fmt_int(row['c6'])} khác số hồ sơ đang giải quyết cuối "
                         f"{previous.where} ({previous.period_label}, cột (11)) = {fmt_int(expected)}")


def _level_rule(code, columns, what):
    def rule(data, previous, unread):
        for section, n, row, label in _rows(data, "II.07b", "rows", unread):
            for key, level_key in columns:
                if row[key] > row[level_key]:
                    level = section.column(level_key).label.lower()
                    yield _issue(code, WARNING, "II.07b", "rows", n, key, label,
                                 f"{what} {section.column(key).label.replace('Tại ', 'tại ').lower()} "
                                 f"({key[1:]}) = {fmt_int(row[key])} lớn hơn số TTHC {level} "
                                 f"({level_key[1:]}) = {fmt_int(row[level_key])}")
    return rule


rule_07b_one_stop_level = _level_rule(
    "II.07b.one_stop_level", (("c8", "c4"), ("c9", "c5"), ("c10", "c6")), "số TTHC thực hiện")
rule_07b_procedure_level = _level_rule(
    "II.07b.procedure_level", (("c12", "c4"), ("c13", "c5"), ("c14", "c6")), "số quy trình nội bộ")


def rule_07b_four_on_site(data, previous, unread):
    rows_i = data["II.07b"]["rows"]
    section_i = _positions_by_label(FORMS["II.07b"].section("rows"), rows_i)
    nameless = _has_nameless_row(FORMS["II.07b"].section("rows"), rows_i)
    for section, n, row, label in _rows(data, "II.07b", "bon_tai_cho", unread):
        base_n = section_i.get(row["linh_vuc"])
        if base_n is None and nameless:
            continue  # the lĩnh vực may be the section-I row whose name did not read
        if base_n is None:
            yield _issue("II.07b.four_on_site_unknown", ERROR, "II.07b", "bon_tai_cho", n, None, label,
                         "lĩnh vực này chưa có ở mục I nên không tính được tỷ lệ — thêm lĩnh vực vào mục I "
                         "hoặc xóa dòng này")
            continue
        if not unread.row_read("II.07b", "rows", base_n):
            continue
        base = rows_i[base_n - 1]
        for column in section.columns:
            if column.rate and row[f"c{column.rate.numerator}"] > base[f"c{column.rate.denominator}"]:
                level = column.groups[0].lower()
                yield _issue("II.07b.four_on_site_level", ERROR, "II.07b", "bon_tai_cho", n,
                             f"c{column.rate.numerator}", label,
                             f'số TTHC {level} thực hiện "4 tại chỗ" ({column.rate.numerator}) = '
                             f"{fmt_int(row[f'c{column.rate.numerator}'])} lớn hơn số TTHC {level} của lĩnh vực "
                             f"này ở mục I, cột ({column.rate.denominator}) = "
                             f"{fmt_int(base[f'c{column.rate.denominator}'])} (tỷ lệ trên 100%)")


def rule_08_deployed_over_assigned(data, previous, unread):
    for _, n, row, label in _rows(data, "II.08", "rows", unread):
        for deployed, assigned, level in (("c4", "c3", "mức độ 3 (một phần)"), ("c7", "c6", "mức độ 4 (toàn trình)")):
            if row[deployed] > row[assigned]:
                yield _issue("II.08.deployed_over_assigned", WARNING, "II.08", "rows", n, deployed, label,
                             f"số DVCTT {level} đã triển khai ({deployed[1:]}) = {fmt_int(row[deployed])} "
                             f"lớn hơn số được giao ({assigned[1:]}) = {fmt_int(row[assigned])}")


def rule_04_options_over_reviewed(data, previous, unread):
    for _, n, row, label in _rows(data, "II.04", "rows", unread):
        options = row["c5"] + row["c6"] + row["c7"] + row["c8"]
        if options > row["c4"]:
            yield _issue("II.04.options_over_reviewed", WARNING, "II.04", "rows", n, "c4", label,
                         f"số TTHC có phương án giữ nguyên, bãi bỏ, sửa đổi, bổ sung, thay thế (5)+(6)+(7)+(8) = "
                         f"{fmt_int(options)} lớn hơn số TTHC đã rà soát (4) = {fmt_int(row['c4'])}")


def rule_04_cost_increase(data, previous, unread):
    for _, n, row, label in _rows(data, "II.04", "rows", unread):
        if row["c12"] > row["c11"]:
            yield _issue("II.04.cost_increase", WARNING, "II.04", "rows", n, "c12", label,
                         f"chi phí tuân thủ sau đơn giản hóa (12) = {fmt_int(row['c12'])} đồng lớn hơn chi phí "
                         f"trước đơn giản hóa (11) = {fmt_int(row['c11'])} đồng (đơn giản hóa làm tăng chi phí)")


def rule_05a_balance(data, previous, unread):
    for _, n, row, label in _rows(data, "II.05a", "rows", unread):
        if row["c3"] != row["c8"] + row["c10"]:
            yield _issue("II.05a.balance", WARNING, "II.05a", "rows", n, "c3", label,
                         f"tổng số PAKN tiếp nhận (3) = {fmt_int(row['c3'])} khác số đã xử lý (8) = "
                         f"{fmt_int(row['c8'])} cộng số đang xử lý (10) = {fmt_int(row['c10'])} "
                         f"(tổng {fmt_int(row['c8'] + row['c10'])})")


def rule_05a_content(data, previous, unread):
    for _, n, row, label in _rows(data, "II.05a", "rows", unread):
        if row["c6"] + row["c7"] != row["c3"]:
            yield _issue("II.05a.content", WARNING, "II.05a", "rows", n, "c6", label,
                         f"số PAKN về quy định hành chính (6) cộng về hành vi hành chính (7) = "
                         f"{fmt_int(row['c6'] + row['c7'])} khác tổng số PAKN tiếp nhận (3) = {fmt_int(row['c3'])}")


def rule_05a_published_over_handled(data, previous, unread):
    for _, n, row, label in _rows(data, "II.05a", "rows", unread):
        if row["c9"] > row["c8"]:
            yield _issue("II.05a.published_over_handled", ERROR, "II.05a", "rows", n, "c9", label,
                         f"số PAKN đã đăng tải công khai (9) = {fmt_int(row['c9'])} lớn hơn số PAKN đã xử lý "
                         f"(8) = {fmt_int(row['c8'])}")


def rule_05a_carry_over(data, previous, unread):
    if previous is None:
        return
    for _, n, row, label in _rows(data, "II.05a", "rows", unread):
        expected = previous.pending_05a.get(row["linh_vuc"], 0)
        if row["c4"] != expected:
            yield _issue("II.05a.carry_over", WARNING, "II.05a", "rows", n, "c4", label,
                         f"số PAKN từ kỳ trước chuyển qua (4) = {fmt_int(row['c4'])} khác số PAKN đang xử lý cuối "
                         f"{previous.where} ({previous.period_label}, cột (10)) = {fmt_int(expected)}")


def rule_level_abolished(data, abolished):
    """error `level.abolished`: a figure in a cell of a level that no longer exists in the period
    (`abolished`: {level: date}, forms_spec.abolished_levels). Every row is looked at, read or not:
    a cell that did not read is 0 here and has its own error."""
    if not abolished:
        return
    for code, form in FORMS.items():
        for section in form.sections:
            for n, row in enumerate(data[code][section.key], 1):
                for column in section.entered:
                    since = abolished_since(section, row, column, abolished)
                    if since and row.get(column.key):
                        level = section.level_of(row, column)
                        yield _issue("level.abolished", ERROR, code, section.key, n, column.key,
                                     section.row_label(row),
                                     f"{abolished_text(level, since)}, không nhập số liệu")


RULES = (
    rule_03b_published,
    rule_03b_total_vs_07b,
    rule_06a_balance,
    rule_06a_carry_over,
    rule_07b_one_stop_level,
    rule_07b_procedure_level,
    rule_07b_four_on_site,
    rule_08_deployed_over_assigned,
    rule_04_options_over_reviewed,
    rule_04_cost_increase,
    rule_05a_balance,
    rule_05a_content,
    rule_05a_published_over_handled,
    rule_05a_carry_over,
)


def validate(data, previous=None, unread=None):
    """The rules over parsed data (whole numbers everywhere), leaving alone what did not read."""
    unread = Unread() if unread is None else unread
    return [issue for rule in RULES for issue in rule(data, previous, unread)]


def check(raw_forms, previous=None, abolished=None):
    """Parse and judge in one pass: (data, errors, warnings). Every row that reads is judged by
    every rule, whatever is wrong elsewhere; a row that did not read gets only its reading errors.
    `abolished`: the levels that no longer exist in the period ({level: date}), whose cells take
    no figure."""
    data, errors, unread = parse_forms(raw_forms)
    issues = errors + list(rule_level_abolished(data, abolished)) + validate(data, previous, unread)
    return data, [i for i in issues if i.is_error], [i for i in issues if not i.is_error]
