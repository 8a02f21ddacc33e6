"""The vocabulary in which each biểu is declared once.

A form is a list of sections; a section is a list of columns. Columns (1) STT and (2) the row label
are implicit; every declared column is a count (or an amount of money, `money`) that is either
entered or computed from the others: a sum, a difference, or a rate.
"""
from dataclasses import dataclass, field
from functools import cached_property

CAP_LABELS = {
    "trung_uong": "Cấp trung ương",
    "tinh": "Cấp tỉnh",
    "huyen": "Cấp huyện",
    "xa": "Cấp xã",
}
NHOM_LABELS = {
    "A": "DVCTT DO TRUNG ƯƠNG TRIỂN KHAI",
    "B": "DVCTT DO BỘ, CƠ QUAN, UBND TỈNH CHỦ ĐỘNG TRIỂN KHAI",
}
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


@dataclass(frozen=True)
class Rate:
    """A percentage: own column `numerator` over column `denominator` of the row with the same
    label in section `of_section`, or of the same row when `of_section` is None (blank when the
    denominator is 0)."""

    numerator: int
    denominator: int
    of_section: str | None = None
    section_numeral: str = "I"  # how the form numbers `of_section` ("mục I")


@dataclass(frozen=True)
class Column:
    number: int
    label: str
    groups: tuple[str, ...] = ()  # header cells above the leaf label, outermost first
    counts: str = ""  # what an entered column counts, said in error messages
    sum_of: tuple[int, ...] = ()  # computed as the sum of these columns
    difference: tuple[int, ...] = ()  # computed as the first column minus the second: (11, 12)
    rate: Rate | None = None  # computed as a percentage
    flag: bool = False  # 0 or 1 only
    # How the annual view derives the column from the quarters: "" a flow (summed over the
    # quarters), "first" / "last" a stock read at one end of the year (the first / last quarter).
    stock: str = ""
    level: str = ""  # the government level (a CAP_LABELS key) the column counts, when it is one
    # An amount in đồng: whole numbers up to MAX_MONEY (rules.py), not the count limit; a big
    # integer in the row tables.
    money: bool = False

    @property
    def print_width(self):
        """How wide the column prints beside the others (exports): an amount of money takes about
        two and a half counts (288.750.000), a rate a little more than one (100,00%)."""
        return 2.0 if self.money else 1.4 if self.rate else 1.0

    @cached_property
    def key(self):
        return f"c{self.number}"

    @cached_property
    def computed(self):
        return bool(self.sum_of) or bool(self.difference) or self.rate is not None

    def value_in(self, row):
        """A sum or difference column computed from the other cells of `row` (a blank is 0)."""
        if self.sum_of:
            return sum(row.get(f"c{n}") or 0 for n in self.sum_of)
        minuend, subtrahend = self.difference
        return (row.get(f"c{minuend}") or 0) - (row.get(f"c{subtrahend}") or 0)

    @property
    def formula(self):
        """The column-number cell as the paper form prints it: `(3)=(4)+(5)+(6)`."""
        if self.sum_of:
            return f"({self.number})=" + "+".join(f"({n})" for n in self.sum_of)
        if self.difference:
            return f"({self.number})=({self.difference[0]})-({self.difference[1]})"
        if self.rate and self.rate.of_section is None:
            return f"({self.number})=({self.rate.numerator})/({self.rate.denominator})"
        if self.rate:
            # The denominator is a column of another section: name it, or "(4)=(3)/(4)" reads as
            # a column divided by itself.
            return f"({self.number})=({self.rate.numerator})/({self.rate.denominator}) mục {self.rate.section_numeral}"
        return f"({self.number})"


@dataclass(frozen=True)
class Section:
    key: str  # the key of the section's list in the JSON document
    title: str  # "" when the form has a single untitled section
    columns: tuple[Column, ...]
    label_keys: tuple[str, ...] = ("linh_vuc",)  # the JSON keys that identify a row
    fixed_caps: tuple[str, ...] = ()  # rows are exactly these levels, in this order
    model_name: str = ""
    # Each row counts one government level (its `cap`): a level that no longer exists takes its row.
    # Not II.08, whose `cap` says who built a service, not a level that reports.
    rows_are_levels: bool = False

    @property
    def label_key(self):
        """The key whose value is printed in column (2)."""
        return self.label_keys[-1]

    @cached_property
    def entered(self):
        return tuple(c for c in self.columns if not c.computed)

    @cached_property
    def column_keys(self):
        return tuple(c.key for c in self.columns)

    def column(self, key):
        return next(c for c in self.columns if c.key == key)

    def level_of(self, row, column):
        """The government level a cell counts ("huyen", …), or "" when it counts none."""
        if column.level:
            return column.level
        return (row.get("cap") or "") if self.rows_are_levels else ""

    def row_label(self, row):
        if self.label_key == "cap":
            return CAP_LABELS.get(row.get("cap"), str(row.get("cap") or ""))
        return row.get(self.label_key) or ""


@dataclass(frozen=True)
class FormSpec:
    code: str  # "II.06a"
    title: str
    unit_of_measure: str
    label_header: str  # header of column (2)
    sections: tuple[Section, ...] = field(default_factory=tuple)

    @property
    def number(self):
        return f"{self.code}/VPCP/KSTT"

    def section(self, key):
        return next(s for s in self.sections if s.key == key)
