"""The rules of forms.md, one test per rule code, over plain data (no database)."""
import copy

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from reports import compute, rules
from reports.forms_spec import FORMS
from tests.conftest import GOOD_FORMS

PREFIX_06A = 'Biểu II.06a, dòng "Quản lý công sản", cột'


def issues(forms, code, previous=None):
    """The issues with this code that `check` reports, errors and warnings together."""
    _, errors, warnings = rules.check(forms, previous)
    return [i for i in errors + warnings if i.code == code]


def only(forms, code, previous=None):
    found = issues(forms, code, previous)
    assert len(found) == 1, found
    return found[0]


def test_good_forms_have_no_error_and_no_warning(good_forms):
    _, errors, warnings = rules.check(good_forms)
    assert errors == []
    assert warnings == []


# ---------------------------------------------------------------------------------------------
# value.not_integer


@pytest.mark.parametrize(
    "value, why",
    [
        ("55%", "không nhập tỷ lệ %"),
        ("12.5", "không nhập số thập phân"),
        ("12,5", "không nhập số thập phân"),
        (12.5, "không nhập số thập phân"),
        ("Số lượng hồ sơ …", "không nhập chữ hay ghi chú"),
        (-3, "không nhập số âm"),
        ("-3", "không nhập số âm"),
        (True, "không nhập giá trị đúng/sai"),
    ],
)
def test_not_integer_in_ii08_names_the_column_and_what_it_counts(good_forms, value, why):
    good_forms["II.08"]["rows"][0]["c3"] = value
    issue = only(good_forms, "value.not_integer")
    assert issue.severity == rules.ERROR
    assert (issue.form, issue.section, issue.row, issue.column) == ("II.08", "rows", 1, "c3")
    assert issue.message.startswith('Biểu II.08, dòng "Quản lý công sản", cột (3): ')
    assert f"cột (3) là số lượng DVCTT được giao (số nguyên ≥ 0), {why}" in issue.message


def test_percentage_in_ii08_c3_gives_the_spec_message(good_forms):
    good_forms["II.08"]["rows"][0]["c3"] = "55%"
    issue = only(good_forms, "value.not_integer")
    assert issue.message == (
        'Biểu II.08, dòng "Quản lý công sản", cột (3): "55%" không hợp lệ — '
        "cột (3) là số lượng DVCTT được giao (số nguyên ≥ 0), không nhập tỷ lệ %"
    )


def test_sentence_in_ii06a_says_what_the_column_counts(good_forms):
    good_forms["II.06a"]["rows"][0]["c5"] = "Số lượng hồ sơ tiếp nhận là 41"
    issue = only(good_forms, "value.not_integer")
    assert issue.message.startswith(f"{PREFIX_06A} (5): ")
    assert "cột (5) là số hồ sơ tiếp nhận trực tiếp, qua dịch vụ bưu chính trong kỳ (số nguyên ≥ 0)" in issue.message


def test_a_typo_is_one_error_not_a_cascade_of_warnings(good_forms):
    # "41" mistyped as a sentence would unbalance the row; only the typo is reported.
    good_forms["II.06a"]["rows"][0]["c5"] = "bốn mươi mốt"
    _, errors, warnings = rules.check(good_forms)
    assert [e.code for e in errors] == ["value.not_integer"]
    assert warnings == []


@pytest.mark.parametrize("value", ["²", "٣", "١.٢٣٤"])
def test_non_ascii_digits_are_refused_not_a_crash(good_forms, value):
    good_forms["II.06a"]["rows"][0]["c4"] = value
    issue = only(good_forms, "value.not_integer")
    assert issue.message.startswith(f'{PREFIX_06A} (4): "{value}" không hợp lệ')


@pytest.mark.parametrize("value", ["9" * 5000, "1" + ".000" * 1500])
def test_a_number_with_thousands_of_digits_is_refused_not_a_crash(good_forms, value):
    good_forms["II.06a"]["rows"][0]["c4"] = value
    issue = only(good_forms, "value.not_integer")
    assert issue.message.endswith("(số nguyên ≥ 0), không nhập số quá lớn")


@pytest.mark.parametrize("section, key", [("rows", "linh_vuc"), ("bon_tai_cho", "linh_vuc")])
def test_a_list_as_linh_vuc_is_an_error_not_a_crash(good_forms, section, key):
    good_forms["II.07b"][section][0][key] = ["Quản lý công sản"]
    _, errors, _ = rules.check(good_forms)
    assert [(e.code, e.section, e.row) for e in errors] == [("schema.missing_label", section, 1)]


def test_a_list_as_cap_is_an_error_not_a_crash(good_forms):
    good_forms["II.03b"]["dia_phuong"][2]["cap"] = ["xa"]
    _, errors, _ = rules.check(good_forms)
    assert [(e.code, e.section, e.row) for e in errors] == [("schema.invalid", "dia_phuong", 3)]


@pytest.mark.parametrize("blank", [None, "", "-", "  "])
def test_blank_cells_count_as_zero(good_forms, blank):
    row = good_forms["II.06a"]["rows"][0]
    row["c4"] = blank  # was 0
    del row["c10"]  # absent: was 0
    data, errors, warnings = rules.check(good_forms)
    assert errors == [] and warnings == []
    assert data["II.06a"]["rows"][0]["c4"] == 0
    assert data["II.06a"]["rows"][0]["c10"] == 0


def test_vietnamese_thousands_are_read_as_grouped_numbers(good_forms):
    row = good_forms["II.06a"]["rows"][1]  # Đăng ký mã số
    row.update(c4="2.718", c9="2.718")
    data, errors, warnings = rules.check(good_forms)
    assert errors == [] and warnings == []
    assert data["II.06a"]["rows"][1]["c4"] == 2718
    assert compute.complete_form("II.06a", data["II.06a"])["rows"][1]["c3"] == 2718
    assert rules.parse_count("1.234.567") == (1234567, None)


# ---------------------------------------------------------------------------------------------
# II.08.flag, value.too_large


@pytest.mark.parametrize("flag", [2, "2", 10])
def test_integration_flag_is_zero_or_one(good_forms, flag):
    good_forms["II.08"]["rows"][0]["c9"] = flag
    issue = only(good_forms, "II.08.flag")
    assert issue.severity == rules.ERROR
    assert issue.column == "c9"
    assert issue.message.startswith('Biểu II.08, dòng "Quản lý công sản", cột (9): ')
    assert f"không nhập {flag}" in issue.message


@pytest.mark.parametrize("flag", [0, 1, "1", "", None])
def test_integration_flag_accepts_zero_and_one(good_forms, flag):
    good_forms["II.08"]["rows"][0]["c9"] = flag
    _, errors, _ = rules.check(good_forms)
    assert errors == []


def test_count_above_ten_million_is_an_error(good_forms):
    good_forms["II.06a"]["rows"][1]["c4"] = 10_000_001
    issue = only(good_forms, "value.too_large")
    assert issue.severity == rules.ERROR
    assert issue.message.startswith('Biểu II.06a, dòng "Đăng ký mã số", cột (4): ')
    assert "10.000.001 vượt quá giới hạn 10.000.000" in issue.message


def test_ten_million_is_allowed(good_forms):
    good_forms["II.06a"]["rows"][1].update(c4=10_000_000, c9=10_000_000)
    _, errors, warnings = rules.check(good_forms)
    assert errors == [] and warnings == []


def test_grouped_text_above_ten_million_is_an_error(good_forms):
    good_forms["II.08"]["rows"][0]["c5"] = "10.000.001"
    assert only(good_forms, "value.too_large").column == "c5"


# ---------------------------------------------------------------------------------------------
# formula.mismatch


def test_sum_column_that_disagrees_with_its_formula(good_forms):
    good_forms["II.06a"]["rows"][0]["c3"] = 999  # (4)+(5)+(6) = 0+41+2 = 43
    issue = only(good_forms, "formula.mismatch")
    assert issue.severity == rules.ERROR
    assert issue.column == "c3"
    assert issue.message == f'{PREFIX_06A} (3): giá trị ghi sẵn "999" khác công thức (3)=(4)+(5)+(6) = 43'


def test_sum_columns_that_agree_with_their_formula_are_accepted(good_forms):
    good_forms["II.06a"]["rows"][0].update(c3=43, c7="42", c11=1)
    _, errors, _ = rules.check(good_forms)
    assert errors == []


def test_rate_column_that_disagrees_with_its_formula(good_forms):
    # 4 tại chỗ cấp tỉnh: (3) = 2 of (4 of section I) = 6 → 33,33%.
    good_forms["II.07b"]["bon_tai_cho"][0]["c4"] = "50%"
    issue = only(good_forms, "formula.mismatch")
    assert issue.severity == rules.ERROR
    assert (issue.section, issue.column) == ("bon_tai_cho", "c4")
    assert issue.message.startswith('Biểu II.07b, mục II, dòng "Quản lý công sản", cột (4): ')
    assert '"50%"' in issue.message
    assert "(4)=(3)/(4) mục I = 33,33%" in issue.message


@pytest.mark.parametrize("rate", [33.33, "33,33%", "33.33", 33.333])
def test_rate_column_equal_to_its_formula_is_accepted(good_forms, rate):
    good_forms["II.07b"]["bon_tai_cho"][0]["c4"] = rate
    _, errors, _ = rules.check(good_forms)
    assert errors == []


@pytest.mark.parametrize(
    "value, why",
    [
        ("hơn 700", "không nhập chữ hay ghi chú"),
        ("5,65 ngàn", "không nhập chữ hay ghi chú"),
        ("55%", "không nhập tỷ lệ %"),
        ("12.5", "không nhập số thập phân"),
    ],
)
def test_text_in_a_sum_column_is_not_an_integer_naming_what_it_counts(good_forms, value, why):
    good_forms["II.06a"]["rows"][0]["c3"] = value
    _, errors, _ = rules.check(good_forms)
    [issue] = errors
    assert (issue.code, issue.row, issue.column) == ("value.not_integer", 1, "c3")
    assert issue.message == (
        f'{PREFIX_06A} (3): "{value}" không hợp lệ — cột (3) là tổng số hồ sơ tiếp nhận (số nguyên ≥ 0), {why}')


def test_a_sum_whose_part_did_not_read_is_not_checked(good_forms):
    # (4) taken as 0 would make (3) = 55 disagree with 0+0+0: only the unreadable part is reported.
    good_forms["II.06a"]["rows"][0].update(c3=55, c4="55%", c5=0, c6=0)
    _, errors, _ = rules.check(good_forms)
    assert [(e.code, e.column) for e in errors] == [("value.not_integer", "c4")]


def test_a_sum_whose_part_is_too_large_is_not_checked(good_forms):
    good_forms["II.06a"]["rows"][1].update(c3=377, c4=10_000_001)
    _, errors, _ = rules.check(good_forms)
    assert [(e.code, e.column) for e in errors] == [("value.too_large", "c4")]


def _rate_60_45(forms):
    """4 tại chỗ cấp tỉnh: 1.209 of 2.000 TTHC cấp tỉnh = 60,45%."""
    forms["II.07b"]["rows"][0]["c4"] = 2000
    forms["II.07b"]["bon_tai_cho"][0]["c3"] = 1209
    return forms["II.07b"]["bon_tai_cho"][0]


@pytest.mark.parametrize("rate", ["60,45%", "60.45", 60.45, "60,4%", "60,5%", 60.4, "60%", 60, "60,450%"])
def test_rate_is_compared_at_the_precision_typed(good_forms, rate):
    _rate_60_45(good_forms)["c4"] = rate
    assert issues(good_forms, "formula.mismatch") == []


@pytest.mark.parametrize("rate", ["61%", "60,3%", "60,44%", 60.46, "60,449%", "59%"])
def test_rate_off_at_the_precision_typed_is_a_formula_mismatch(good_forms, rate):
    _rate_60_45(good_forms)["c4"] = rate
    issue = only(good_forms, "formula.mismatch")
    assert issue.column == "c4"
    assert "(4)=(3)/(4) mục I = 60,45%" in issue.message


@pytest.mark.parametrize("rate", ["khoảng 60", "60 %%", True, "1e2", float("nan")])
def test_text_in_a_rate_column_is_not_an_integer_saying_it_is_a_rate(good_forms, rate):
    good_forms["II.07b"]["bon_tai_cho"][0]["c4"] = rate
    _, errors, _ = rules.check(good_forms)
    [issue] = errors
    assert (issue.code, issue.section, issue.column) == ("value.not_integer", "bon_tai_cho", "c4")
    assert issue.message == (
        f'Biểu II.07b, mục II, dòng "Quản lý công sản", cột (4): "{rules._show(rate)}" không hợp lệ — '
        'cột (4) là tỷ lệ TTHC cấp tỉnh thực hiện "4 tại chỗ" (%, ví dụ 60,45%)')


@pytest.mark.parametrize("section, row", [("bon_tai_cho", 0), ("rows", 0)])
def test_a_rate_whose_numerator_or_denominator_did_not_read_is_not_checked(good_forms, section, row):
    good_forms["II.07b"]["bon_tai_cho"][0]["c4"] = "33,33%"  # right with the figures as they are
    good_forms["II.07b"][section][row]["c4" if section == "rows" else "c3"] = "sáu"
    _, errors, _ = rules.check(good_forms)
    assert [(e.code, e.section) for e in errors] == [("value.not_integer", section)]


# ---------------------------------------------------------------------------------------------
# schema.unknown_key


def test_unknown_row_key_is_an_error_naming_the_key(good_forms):
    good_forms["II.06a"]["rows"][0]["c14"] = 5
    issue = only(good_forms, "schema.unknown_key")
    assert issue.severity == rules.ERROR
    assert issue.message.startswith('Biểu II.06a, dòng "Quản lý công sản": không có cột "c14"')


def test_unknown_form_key_is_an_error_naming_the_key(good_forms):
    good_forms["II.09"] = {"rows": []}
    issue = only(good_forms, "schema.unknown_key")
    assert issue.severity == rules.ERROR
    assert 'Không có biểu "II.09"' in issue.message


def test_unknown_section_key_is_an_error_naming_the_key(good_forms):
    good_forms["II.07b"]["bon_tai_cho_2"] = []
    issue = only(good_forms, "schema.unknown_key")
    assert issue.severity == rules.ERROR
    assert issue.message == 'Biểu II.07b: không có mục "bon_tai_cho_2"'


# ---------------------------------------------------------------------------------------------
# II.03b


def test_03b_published_not_made_public(good_forms):
    good_forms["II.03b"]["dia_phuong"][0]["c9"] = 1  # (6)+(7) = 0
    issue = only(good_forms, "II.03b.public")
    assert issue.severity == rules.WARNING
    assert (issue.section, issue.row, issue.column) == ("dia_phuong", 1, "c9")
    assert issue.message.startswith('Biểu II.03b, mục II, dòng "Cấp tỉnh", cột (9): ')
    assert "(9) = 1" in issue.message and "(6)+(7) = 0" in issue.message


def test_03b_abolished_not_withdrawn(good_forms):
    good_forms["II.03b"]["trung_uong"][0]["c8"] = 3  # (10) = 0
    issue = only(good_forms, "II.03b.unpublic")
    assert issue.severity == rules.WARNING
    assert (issue.section, issue.row, issue.column) == ("trung_uong", 1, "c10")
    assert issue.message.startswith('Biểu II.03b, mục I, dòng "Bộ Tài chính", cột (10): ')
    assert "(10) = 0" in issue.message and "(8) = 3" in issue.message


def test_03b_total_differs_from_07b(good_forms):
    good_forms["II.03b"]["dia_phuong"][2]["c11"] = 1  # 6+4+1 = 11, II.07b (3) total = 10
    issue = only(good_forms, "II.03b.total_vs_07b")
    assert issue.severity == rules.WARNING
    assert issue.message.startswith('Biểu II.03b, mục II, dòng "TỔNG CỘNG", cột (11): ')
    assert "(11) = 11" in issue.message and "Biểu II.07b = 10" in issue.message


# ---------------------------------------------------------------------------------------------
# II.06a


def test_06a_balance(good_forms):
    good_forms["II.06a"]["rows"][0]["c13"] = 1  # received 43, resolved 42 + pending 2
    issue = only(good_forms, "II.06a.balance")
    assert issue.severity == rules.WARNING
    assert issue.message == (
        f"{PREFIX_06A} (3): tổng số hồ sơ tiếp nhận (3) = 43 khác số đã giải quyết (7) = 42 "
        "cộng số đang giải quyết (11) = 2 (tổng 44)"
    )


def test_06a_balance_groups_thousands(good_forms):
    good_forms["II.06a"]["rows"][1]["c5"] = 2000  # 2.377 received, 377 resolved
    issue = only(good_forms, "II.06a.balance")
    assert "(3) = 2.377" in issue.message


def test_06a_carry_over_differs_from_previous_pending(good_forms):
    previous = rules.Previous("Quý II năm 2023", {"Quản lý công sản": 5, "Đăng ký mã số": 0})
    issue = only(good_forms, "II.06a.carry_over", previous)
    assert issue.severity == rules.WARNING
    assert (issue.row, issue.column) == (1, "c6")
    assert issue.message == (
        f"{PREFIX_06A} (6): số hồ sơ từ kỳ trước (6) = 2 khác số hồ sơ đang giải quyết cuối "
        "kỳ trước (Quý II năm 2023, cột (11)) = 5"
    )


def test_06a_carry_over_equal_to_previous_pending(good_forms):
    previous = rules.Previous("Quý II năm 2023", {"Quản lý công sản": 2, "Đăng ký mã số": 0})
    assert issues(good_forms, "II.06a.carry_over", previous) == []


def test_06a_carry_over_without_previous_report(good_forms):
    good_forms["II.06a"]["rows"][0]["c6"] = 100
    good_forms["II.06a"]["rows"][0]["c12"] = 101  # keep the row balanced
    assert issues(good_forms, "II.06a.carry_over", None) == []


# ---------------------------------------------------------------------------------------------
# II.07b


def test_07b_one_stop_level(good_forms):
    good_forms["II.07b"]["rows"][0]["c9"] = 5  # cấp huyện: 4 TTHC
    issue = only(good_forms, "II.07b.one_stop_level")
    assert issue.severity == rules.WARNING
    assert issue.column == "c9"
    assert issue.message.startswith('Biểu II.07b, mục I, dòng "Quản lý công sản", cột (9): ')
    assert "(9) = 5" in issue.message and "(5) = 4" in issue.message


def test_07b_procedure_level(good_forms):
    good_forms["II.07b"]["rows"][0]["c12"] = 7  # cấp tỉnh: 6 TTHC
    issue = only(good_forms, "II.07b.procedure_level")
    assert issue.severity == rules.WARNING
    assert issue.column == "c12"
    assert issue.message.startswith('Biểu II.07b, mục I, dòng "Quản lý công sản", cột (12): ')
    assert "(12) = 7" in issue.message and "(4) = 6" in issue.message


@pytest.mark.parametrize("column, value, base", [("c3", 7, "cột (4) = 6"), ("c5", 5, "cột (5) = 4")])
def test_07b_four_on_site_above_level(good_forms, column, value, base):
    good_forms["II.07b"]["bon_tai_cho"][0][column] = value
    issue = only(good_forms, "II.07b.four_on_site_level")
    assert issue.severity == rules.ERROR
    assert (issue.section, issue.column) == ("bon_tai_cho", column)
    assert issue.message.startswith(f'Biểu II.07b, mục II, dòng "Quản lý công sản", cột ({column[1:]}): ')
    assert base in issue.message and "(tỷ lệ trên 100%)" in issue.message


def test_07b_four_on_site_equal_to_level_is_fine(good_forms):
    good_forms["II.07b"]["bon_tai_cho"][0].update(c3=6, c5=4)
    assert issues(good_forms, "II.07b.four_on_site_level") == []


def test_07b_four_on_site_for_unknown_linh_vuc(good_forms):
    good_forms["II.07b"]["bon_tai_cho"].append({"linh_vuc": "Quản lý giá", "c3": 1, "c5": 0})
    issue = only(good_forms, "II.07b.four_on_site_unknown")
    assert issue.severity == rules.ERROR
    assert (issue.section, issue.row) == ("bon_tai_cho", 2)
    assert issue.message.startswith('Biểu II.07b, mục II, dòng "Quản lý giá": ')
    assert "chưa có ở mục I" in issue.message


# ---------------------------------------------------------------------------------------------
# II.08


@pytest.mark.parametrize("changes, column", [({"c4": 5}, "c4"), ({"c7": 1}, "c7")])
def test_08_deployed_over_assigned(good_forms, changes, column):
    good_forms["II.08"]["rows"][0].update(changes)
    issue = only(good_forms, "II.08.deployed_over_assigned")
    assert issue.severity == rules.WARNING
    assert issue.column == column
    assert issue.message.startswith(f'Biểu II.08, dòng "Quản lý công sản", cột ({column[1:]}): ')


# ---------------------------------------------------------------------------------------------
# One pass of judgement: a row that reads is judged, whatever is wrong elsewhere


def test_rows_that_read_are_judged_beside_a_row_that_did_not(good_forms):
    good_forms["II.06a"]["rows"][0].update(c5="bốn mươi mốt", c13=1)  # would unbalance row 1
    good_forms["II.06a"]["rows"][1]["c5"] = 2000  # row 2: 2.377 received, 377 resolved
    good_forms["II.07b"]["rows"][0]["c9"] = 5  # cấp huyện: 4 TTHC
    _, errors, warnings = rules.check(good_forms)
    assert [(e.code, e.form, e.row, e.column) for e in errors] == [("value.not_integer", "II.06a", 1, "c5")]
    assert sorted((w.code, w.form, w.row) for w in warnings) == [
        ("II.06a.balance", "II.06a", 2), ("II.07b.one_stop_level", "II.07b", 1)]


def test_four_on_site_above_100_percent_is_reported_with_a_typo_elsewhere(good_forms):
    good_forms["II.06a"]["rows"][0]["c4"] = "55%"
    good_forms["II.07b"]["bon_tai_cho"][0]["c3"] = 7  # cấp tỉnh: 6 TTHC
    _, errors, _ = rules.check(good_forms)
    assert [(e.code, e.form, e.column) for e in errors] == [
        ("value.not_integer", "II.06a", "c4"), ("II.07b.four_on_site_level", "II.07b", "c3")]


def test_a_row_that_did_not_read_gets_only_its_reading_errors(good_forms):
    good_forms["II.07b"]["rows"][0].update(c9=5, c12=7, c13="bốn")  # two level warnings, a typo
    good_forms["II.07b"]["bon_tai_cho"][0]["c3"] = 7  # above its unread base row: not judged
    _, errors, warnings = rules.check(good_forms)
    assert [(e.code, e.column) for e in errors] == [("value.not_integer", "c13")]
    assert warnings == []


def test_four_on_site_unknown_still_applies_when_section_i_has_a_typo(good_forms):
    good_forms["II.07b"]["rows"][0]["c5"] = "bốn"
    good_forms["II.07b"]["bon_tai_cho"].append({"linh_vuc": "Quản lý giá", "c3": 1, "c5": 0})
    assert only(good_forms, "II.07b.four_on_site_unknown").row == 2


@pytest.mark.parametrize("form, section, row, column", [
    ("II.07b", "rows", 0, "c5"), ("II.03b", "dia_phuong", 1, "c11"), ("II.03b", "dia_phuong", 0, "c99"),
])
def test_total_vs_07b_waits_for_every_row_it_adds_up(good_forms, form, section, row, column):
    good_forms["II.03b"]["dia_phuong"][2]["c11"] = 1  # 11 against 10
    good_forms[form][section][row][column] = "bốn"
    _, errors, warnings = rules.check(good_forms)
    assert len(errors) == 1
    assert issues(good_forms, "II.03b.total_vs_07b") == []


def test_fixed_rows_sent_out_of_order_are_judged_by_their_level(good_forms):
    tinh, huyen, _ = good_forms["II.03b"]["dia_phuong"]
    tinh["c9"] = 1  # a warning on Cấp tỉnh
    xa = {"cap": "xa", "c8": 3, "c3": "ba"}  # would warn, but does not read
    good_forms["II.03b"]["dia_phuong"] = [xa, tinh, huyen]
    _, errors, warnings = rules.check(good_forms)
    assert [(e.code, e.row) for e in errors] == [("value.not_integer", 1)]
    assert [(w.code, w.message.split(":")[0]) for w in warnings] == [
        ("II.03b.public", 'Biểu II.03b, mục II, dòng "Cấp tỉnh", cột (9)')]


def test_an_unknown_section_stops_only_that_forms_rules(good_forms):
    good_forms["II.07b"]["bon_tai_cho_2"] = []
    good_forms["II.07b"]["rows"][0]["c9"] = 5  # would be II.07b.one_stop_level
    good_forms["II.06a"]["rows"][0]["c13"] = 1  # II.06a.balance
    _, errors, warnings = rules.check(good_forms)
    assert [e.code for e in errors] == ["schema.unknown_key"]
    assert [w.code for w in warnings] == ["II.06a.balance"]


def test_an_unknown_form_stops_every_rule(good_forms):
    good_forms["II.09"] = {"rows": []}
    good_forms["II.06a"]["rows"][0]["c13"] = 1
    _, errors, warnings = rules.check(good_forms)
    assert [e.code for e in errors] == ["schema.unknown_key"]
    assert warnings == []


def test_validate_still_judges_parsed_data_alone(good_forms):
    good_forms["II.06a"]["rows"][0]["c13"] = 1
    data, _, _ = rules.check(good_forms)
    assert [i.code for i in rules.validate(data)] == ["II.06a.balance"]


# ---------------------------------------------------------------------------------------------
# Properties

_COUNTS = st.integers(min_value=0, max_value=rules.MAX_COUNT)
_NAMES = ["Quản lý công sản", "Quản lý giá", "Đăng ký mã số", "Tài chính doanh nghiệp", "Tin học"]


def _entered(section, values):
    return st.fixed_dictionaries(
        {}, optional={c.key: (st.integers(0, 1) if c.flag else values) for c in section.entered}
    )


@st.composite
def forms_data(draw, values=_COUNTS):
    """Random forms in the `forms` shape: distinct lĩnh vực per section, random entered cells."""
    forms = {}
    for code, form in FORMS.items():
        forms[code] = {}
        for section in form.sections:
            if section.fixed_caps:
                labels = [{"cap": cap} for cap in section.fixed_caps]
            elif section.label_keys == ("ten",):
                labels = [{"ten": f"Bộ {i}"} for i in range(draw(st.integers(0, 3)))]
            else:
                names = draw(st.lists(st.sampled_from(_NAMES), unique=True, max_size=len(_NAMES)))
                extra = {"nhom": "B", "cap": "tinh"} if "nhom" in section.label_keys else {}
                labels = [{**extra, "linh_vuc": name} for name in names]
            forms[code][section.key] = [{**label, **draw(_entered(section, values))} for label in labels]
    return forms


def _expected_rate(numerator, denominator):
    return None if not denominator else numerator * 100 / denominator


@settings(max_examples=100, deadline=None)
@given(forms_data())
def test_computed_columns_and_totals_follow_their_formulas(forms):
    for code, form in FORMS.items():
        completed = compute.complete_form(code, forms[code])
        totals = compute.form_totals(code, forms[code])
        for section in form.sections:
            rows = completed[section.key]
            assert len(rows) == len(forms[code][section.key])
            for row in rows:
                for column in section.columns:
                    if column.sum_of:
                        assert row[column.key] == sum(row.get(f"c{n}", 0) for n in column.sum_of)
                    elif column.difference:
                        first, second = column.difference
                        assert row[column.key] == row.get(f"c{first}", 0) - row.get(f"c{second}", 0)
                    elif column.rate:
                        base = row if column.rate.of_section is None else next(
                            (r for r in forms[code][column.rate.of_section] if r["linh_vuc"] == row["linh_vuc"]), {})
                        expected = _expected_rate(row.get(f"c{column.rate.numerator}", 0),
                                                  base.get(f"c{column.rate.denominator}", 0))
                        if expected is None:
                            assert row[column.key] is None
                        else:
                            assert abs(row[column.key] - expected) <= 0.005 + 1e-9
                            assert row[column.key] == round(row[column.key], 2)
            for column in section.columns:
                if column.rate:
                    expected = _expected_rate(totals[section.key][f"c{column.rate.numerator}"],
                                              totals[column.rate.of_section or section.key][f"c{column.rate.denominator}"])
                    if expected is None:
                        assert totals[section.key][column.key] is None
                    else:
                        assert abs(totals[section.key][column.key] - expected) <= 0.005 + 1e-9
                else:
                    assert totals[section.key][column.key] == sum(row.get(column.key, 0) for row in rows)


_ANY_CELL = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=12),
    st.sampled_from(["55%", "12,5", "2.718", "-", "−3", "1.000.000.000", "²", "٣", "Số lượng hồ sơ …"]),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)
_ANY_LABEL = st.one_of(st.text(max_size=8), st.none(), st.integers(), st.lists(st.text(max_size=2), max_size=2),
                       st.sampled_from(_NAMES + ["tinh", "huyen", "xa", "A", "B"]))


@st.composite
def random_forms(draw):
    """Anything a user or a foreign system could send in `forms`."""
    choice = draw(st.integers(0, 3))
    if choice == 0:
        return draw(forms_data())
    if choice == 1:
        return draw(st.sampled_from([
            None, {}, {"II.06a": {}}, {"II.06a": {"rows": []}},
            {code: {s.key: [] for s in form.sections} for code, form in FORMS.items()},
            {code: {s.key: [{}] for s in form.sections} for code, form in FORMS.items()},
        ]))
    forms = draw(forms_data(values=_ANY_CELL))
    if choice == 3:
        for code, form in FORMS.items():
            for section in form.sections:
                for row in forms[code][section.key]:
                    for key in section.label_keys:
                        if draw(st.booleans()):
                            row[key] = draw(_ANY_LABEL)
    return forms


@settings(max_examples=150, deadline=None)
@given(random_forms())
def test_check_never_raises_it_reports_issues(forms):
    data, errors, warnings = rules.check(forms)
    assert set(data) == set(FORMS)
    assert all(e.severity == rules.ERROR and e.message for e in errors)
    assert all(w.severity == rules.WARNING and w.message.startswith("Biểu ") for w in warnings)


_VALID_CELL = st.one_of(
    _COUNTS, _COUNTS.map(str), _COUNTS.map(lambda n: f"{n:,}".replace(",", ".")),
    st.sampled_from([None, "", "-"]),
)


@settings(max_examples=100, deadline=None)
@given(forms_data(values=_VALID_CELL))
def test_values_within_bounds_are_never_value_errors(forms):
    _, errors, _ = rules.check(forms)
    assert [e for e in errors if e.code.startswith("value.")] == []


_CROSS_ROW = {("II.03b", "dia_phuong"), ("II.07b", "rows")}  # the sections II.03b.total_vs_07b adds up


@settings(max_examples=100, deadline=None)
@given(forms_data(), st.data())
def test_a_typo_takes_only_its_own_rows_warnings_away(forms, draw):
    targets = [(code, section, n) for code, form in FORMS.items() for section in form.sections
               for n in range(1, len(forms[code][section.key]) + 1)]
    assume(targets)
    code, section, n = draw.draw(st.sampled_from(targets))
    column = draw.draw(st.sampled_from(section.entered))
    _, _, before = rules.check(forms)
    forms[code][section.key][n - 1][column.key] = "không rõ"
    _, errors, warnings = rules.check(forms)
    assert ("value.not_integer", code, section.key, n, column.key) in [
        (e.code, e.form, e.section, e.row, e.column) for e in errors]
    assert warnings == [w for w in before if (w.form, w.section, w.row) != (code, section.key, n)
                        and not (w.row is None and (code, section.key) in _CROSS_ROW)]


def test_good_forms_constant_is_not_mutated_by_checks():
    before = copy.deepcopy(GOOD_FORMS)
    rules.check(GOOD_FORMS)
    assert GOOD_FORMS == before
