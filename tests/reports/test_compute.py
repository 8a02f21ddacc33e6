"""Computed columns, TỔNG CỘNG rows, Vietnamese number formatting and the generated narrative."""
import pytest

from reports import compute, narrative, rules, services
from reports.formatting import fmt_int, fmt_pct, percent


@pytest.mark.parametrize(
    "value, shown",
    [(2718, "2.718"), (0, "0"), (999, "999"), (1000, "1.000"), (10_000_000, "10.000.000"), (None, "")],
)
def test_fmt_int_groups_thousands_with_dots(value, shown):
    assert fmt_int(value) == shown


@pytest.mark.parametrize(
    "value, shown",
    [(97.4512, "97,45%"), (100, "100,00%"), (0, "0,00%"), (33.335, "33,34%"), (1234.5, "1.234,50%"), (None, "")],
)
def test_fmt_pct_two_decimals_with_a_comma(value, shown):
    assert fmt_pct(value) == shown


@pytest.mark.parametrize(
    "numerator, denominator, rate",
    [(2, 6, 33.33), (2, 3, 66.67), (1, 32, 3.13), (1, 8, 12.5), (377, 377, 100.0), (0, 4, 0.0)],
)
def test_percent_rounds_half_up_to_two_decimals(numerator, denominator, rate):
    assert percent(numerator, denominator) == rate


def test_the_rate_of_a_count_far_too_large_is_still_worked_out_and_shown():
    # A count of 28 digits is refused (value.too_large), and the page still shows it with its rate.
    huge = 10 ** 27
    assert percent(huge, 1) == 1e29
    assert fmt_pct(percent(huge, 4)) == f"{fmt_int(25 * 10 ** 27)},00%"  # 25.000.…,00%


def test_percent_is_blank_when_the_denominator_is_zero():
    assert percent(5, 0) is None
    assert percent(0, None) is None


def test_complete_form_fills_sum_and_rate_columns(good_forms):
    data, _, _ = rules.check(good_forms)
    ii06a = compute.complete_form("II.06a", data["II.06a"])["rows"][0]
    assert (ii06a["c3"], ii06a["c7"], ii06a["c11"]) == (43, 42, 1)
    bon_tai_cho = compute.complete_form("II.07b", data["II.07b"])["bon_tai_cho"][0]
    assert bon_tai_cho["c4"] == 33.33  # 2 of 6 TTHC cấp tỉnh
    assert bon_tai_cho["c6"] == 0.0  # 0 of 4 TTHC cấp huyện


def test_rate_is_blank_when_the_level_has_no_tthc(good_forms):
    good_forms["II.07b"]["rows"][0]["c5"] = 0
    good_forms["II.07b"]["rows"][0]["c9"] = 0
    good_forms["II.07b"]["rows"][0]["c13"] = 0
    data, errors, _ = rules.check(good_forms)
    assert errors == []
    assert compute.complete_form("II.07b", data["II.07b"])["bon_tai_cho"][0]["c6"] is None


def test_totals_of_each_section(good_forms):
    data, _, _ = rules.check(good_forms)
    ii06a = compute.form_totals("II.06a", data["II.06a"])["rows"]
    assert (ii06a["c3"], ii06a["c4"], ii06a["c5"], ii06a["c7"], ii06a["c11"]) == (420, 377, 41, 419, 1)
    ii03b = compute.form_totals("II.03b", data["II.03b"])
    assert ii03b["dia_phuong"]["c11"] == 10
    assert ii03b["trung_uong"]["c5"] == 2


def _narrative_forms(good_forms):
    good_forms["II.06a"]["rows"] = [
        {"linh_vuc": "Quản lý công sản", "c4": 2650, "c5": 68, "c6": 0, "c8": 1000, "c9": 1649, "c10": 69}
    ]
    data, errors, warnings = rules.check(good_forms)
    assert errors == [] and warnings == []
    return narrative.generated(data)


def test_narrative_restates_the_figures_with_grouped_numbers(good_forms):
    text = _narrative_forms(good_forms)["I.6"]
    assert text.startswith("Tổng số hồ sơ tiếp nhận: 2.718 hồ sơ (tiếp nhận mới trong kỳ: 2.718 hồ sơ, "
                           "gồm trực tuyến: 2.650, trực tiếp và qua dịch vụ bưu chính: 68; ")
    assert "Đã giải quyết: 2.718 hồ sơ (trước hạn: 1.000, đúng hạn: 1.649, quá hạn: 69)." in text
    # 2.650 / 2.718 and (1.000 + 1.649) / 2.718
    assert "Tỷ lệ hồ sơ tiếp nhận trực tuyến: 97,50%; tỷ lệ giải quyết đúng hạn và trước hạn: 97,46%." in text
    assert text.endswith("(Đính kèm Biểu số II.06a/VPCP/KSTT)")


def test_narrative_of_the_other_forms(good_forms):
    generated = _narrative_forms(good_forms)
    assert set(generated) == {"I.3", "I.4", "I.5", "I.6", "I.7", "I.8"}
    assert "Tổng số TTHC thuộc thẩm quyền giải quyết: 10 (cấp tỉnh: 6, cấp huyện: 4, cấp xã: 0)" in generated["I.3"]
    assert 'Số TTHC thực hiện "4 tại chỗ": cấp tỉnh 2 (33,33%), cấp huyện 0 (0,00%).' in generated["I.7"]
    assert "Đã tích hợp với Cổng Dịch vụ công quốc gia: 1/1 dòng dịch vụ." in generated["I.8"]


@pytest.mark.django_db
def test_narrative_names_no_level_that_no_longer_exists(good_forms):
    data, _, _ = rules.check(good_forms)
    before = narrative.generated(data, services.period_open("2025-Q2")[0])
    assert "(cấp tỉnh: 6, cấp huyện: 4, cấp xã: 0)" in before["I.3"]
    good_forms["II.03b"]["dia_phuong"][1] = {"cap": "huyen"}
    for row in good_forms["II.07b"]["rows"]:
        row.update(c5=0, c9=0, c13=0)
    data, _, _ = rules.check(good_forms)
    after = narrative.generated(data, services.period_open("2025-Q3")[0])
    assert "Tổng số TTHC thuộc thẩm quyền giải quyết: 6 (cấp tỉnh: 6, cấp xã: 0)." in after["I.3"]
    assert "cấp huyện" not in after["I.7"]
    assert after["I.7"].startswith("Tổng số TTHC thuộc thẩm quyền giải quyết: 6 (cấp tỉnh: 6, cấp xã: 0); ")
    assert "(tại Bộ phận Một cửa cấp tỉnh: 6, cấp xã: 0)" in after["I.7"]
    assert 'Số TTHC thực hiện "4 tại chỗ": cấp tỉnh 2 (33,33%).' in after["I.7"]


def test_narrative_of_an_empty_report_has_no_rates():
    data, _, _ = rules.check({})
    text = narrative.generated(data)["I.6"]
    assert text.startswith("Tổng số hồ sơ tiếp nhận: 0 hồ sơ")
    assert "Tỷ lệ" not in text and "%" not in text
