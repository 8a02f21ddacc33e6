"""The rules of Biểu II.04 and II.05a (forms.md), one test per rule code, over plain data."""
import pytest

from reports import compute, rules
from reports.forms_spec import FORMS

ROW_04 = {"linh_vuc": "Quản lý đầu tư", "c3": 10, "c4": 8, "c5": 2, "c6": 1, "c7": 3, "c8": 1, "c9": 1, "c10": 2,
          "c11": 1_500_000_000, "c12": 1_200_000_000}
ROW_05A = {"linh_vuc": "Quản lý đầu tư", "c4": 1, "c5": 4, "c6": 3, "c7": 2, "c8": 4, "c9": 3, "c10": 1}


@pytest.fixture
def forms():
    """A report with only II.04 and II.05a filled: the other forms are blank."""
    return {"II.04": {"rows": [dict(ROW_04)]}, "II.05a": {"rows": [dict(ROW_05A)]}}


def issues(forms, code, previous=None):
    _, errors, warnings = rules.check(forms, previous)
    return [i for i in errors + warnings if i.code == code]


def only(forms, code, previous=None):
    found = issues(forms, code, previous)
    assert len(found) == 1, found
    return found[0]


def test_good_ii04_and_ii05a_raise_nothing(forms):
    _, errors, warnings = rules.check(forms, rules.Previous("Quý II năm 2023", {}, (), {"Quản lý đầu tư": 1}))
    assert errors == [] and warnings == []


def test_ii04_computed_columns():
    row = compute.complete_form("II.04", {"rows": [ROW_04]})["rows"][0]
    assert row["c13"] == 300_000_000
    assert row["c14"] == 20.0
    assert row["c15"] == 80.0
    blank = compute.complete_form("II.04", {"rows": [{"linh_vuc": "X"}]})["rows"][0]
    assert (blank["c13"], blank["c14"], blank["c15"]) == (0, None, None)


def test_column_numbers_print_the_difference_and_the_same_row_rates():
    numbers = [c.formula for c in FORMS["II.04"].section("rows").columns]
    assert numbers[-3:] == ["(13)=(11)-(12)", "(14)=(13)/(11)", "(15)=(4)/(3)"]
    assert FORMS["II.05a"].section("rows").columns[0].formula == "(3)=(4)+(5)"


# ---------------------------------------------------------------------------------------------
# II.04


def test_04_options_over_reviewed(forms):
    forms["II.04"]["rows"][0].update(c5=3, c6=2, c7=3, c8=1)  # 9 options > 8 reviewed
    issue = only(forms, "II.04.options_over_reviewed")
    assert issue.severity == rules.WARNING
    assert (issue.form, issue.section, issue.row, issue.column) == ("II.04", "rows", 1, "c4")
    assert issue.message.startswith('Biểu II.04, dòng "Quản lý đầu tư", cột (4): ')
    assert "(5)+(6)+(7)+(8) = 9 lớn hơn số TTHC đã rà soát (4) = 8" in issue.message


def test_04_options_equal_to_reviewed_and_overlapping_columns_are_not_counted(forms):
    forms["II.04"]["rows"][0].update(c5=3, c6=1, c7=3, c8=1, c9=8, c10=8)  # (9), (10) may overlap
    assert issues(forms, "II.04.options_over_reviewed") == []


def test_04_cost_increase(forms):
    forms["II.04"]["rows"][0].update(c11=1_000_000, c12=1_250_000)
    issue = only(forms, "II.04.cost_increase")
    assert issue.severity == rules.WARNING
    assert (issue.form, issue.section, issue.row, issue.column) == ("II.04", "rows", 1, "c12")
    assert "(12) = 1.250.000 đồng lớn hơn chi phí trước đơn giản hóa (11) = 1.000.000 đồng" in issue.message
    row = compute.complete_form("II.04", forms["II.04"])["rows"][0]
    assert row["c13"] == -250_000 and row["c14"] == -25.0


@pytest.mark.parametrize("column", ["c11", "c12"])
def test_04_money_up_to_10_15_is_accepted(forms, column):
    forms["II.04"]["rows"][0].update(c11=10**15, c12=10**15)
    forms["II.04"]["rows"][0][column] = "1.000.000.000.000.000"
    data, errors, _ = rules.check(forms)
    assert errors == []
    assert data["II.04"]["rows"][0][column] == 10**15


def test_04_money_above_10_15_is_too_large(forms):
    forms["II.04"]["rows"][0]["c11"] = 10**15 + 1
    issue = only(forms, "value.too_large")
    assert issue.severity == rules.ERROR
    assert (issue.form, issue.section, issue.row, issue.column) == ("II.04", "rows", 1, "c11")
    assert "vượt quá giới hạn 1.000.000.000.000.000" in issue.message


def test_04_count_columns_keep_the_count_limit(forms):
    forms["II.04"]["rows"][0]["c3"] = 10_000_001
    issue = only(forms, "value.too_large")
    assert issue.column == "c3"


@pytest.mark.parametrize("value, why", [(-5, "không nhập số âm"), ("-5.000", "không nhập số âm"),
                                        ("1500,5", "không nhập số thập phân"), (1500.5, "không nhập số thập phân")])
def test_04_money_refuses_negative_and_decimal(forms, value, why):
    forms["II.04"]["rows"][0]["c12"] = value
    issue = only(forms, "value.not_integer")
    assert (issue.form, issue.row, issue.column) == ("II.04", 1, "c12")
    assert why in issue.message


def test_04_difference_supplied_in_an_import_is_checked(forms):
    forms["II.04"]["rows"][0]["c13"] = "300.000.001"
    issue = only(forms, "formula.mismatch")
    assert (issue.form, issue.section, issue.row, issue.column) == ("II.04", "rows", 1, "c13")
    assert '"300.000.001" khác công thức (13)=(11)-(12) = 300.000.000' in issue.message


def test_04_difference_and_rates_supplied_right_are_accepted(forms):
    forms["II.04"]["rows"][0].update(c13="300.000.000", c14="20,00%", c15="80%")
    assert rules.check(forms)[1] == []
    forms["II.04"]["rows"][0].update(c11=100, c12=150, c13="-50", c14="-50,00%")
    _, errors, _ = rules.check(forms)
    assert errors == []


def test_04_same_row_rate_supplied_wrong_is_a_mismatch(forms):
    forms["II.04"]["rows"][0]["c15"] = "75%"
    issue = only(forms, "formula.mismatch")
    assert (issue.row, issue.column) == (1, "c15")
    assert "(15)=(4)/(3) = 80,00%" in issue.message


def test_04_rate_over_a_zero_denominator_must_be_blank(forms):
    forms["II.04"]["rows"][0].update(c3=0, c4=0, c5=0, c6=0, c7=0, c8=0, c15="100%")
    issue = only(forms, "formula.mismatch")
    assert issue.column == "c15"
    forms["II.04"]["rows"][0]["c15"] = ""
    assert issues(forms, "formula.mismatch") == []


# ---------------------------------------------------------------------------------------------
# II.05a


def test_05a_balance(forms):
    forms["II.05a"]["rows"][0]["c10"] = 0  # 5 received, 4 handled, 0 pending
    issue = only(forms, "II.05a.balance")
    assert issue.severity == rules.WARNING
    assert (issue.form, issue.section, issue.row, issue.column) == ("II.05a", "rows", 1, "c3")
    assert issue.message.startswith('Biểu II.05a, dòng "Quản lý đầu tư", cột (3): ')
    assert "(3) = 5 khác số đã xử lý (8) = 4 cộng số đang xử lý (10) = 0 (tổng 4)" in issue.message


def test_05a_content(forms):
    forms["II.05a"]["rows"][0]["c7"] = 1
    issue = only(forms, "II.05a.content")
    assert issue.severity == rules.WARNING
    assert (issue.form, issue.section, issue.row, issue.column) == ("II.05a", "rows", 1, "c6")
    assert "(7) = 4 khác tổng số PAKN tiếp nhận (3) = 5" in issue.message


def test_05a_published_over_handled(forms):
    forms["II.05a"]["rows"][0]["c9"] = 5
    issue = only(forms, "II.05a.published_over_handled")
    assert issue.severity == rules.ERROR
    assert (issue.form, issue.section, issue.row, issue.column) == ("II.05a", "rows", 1, "c9")
    assert "(9) = 5 lớn hơn số PAKN đã xử lý (8) = 4" in issue.message


def test_05a_carry_over_differs_from_previous_pending(forms):
    previous = rules.Previous("Quý II năm 2023", {}, (), {"Quản lý đầu tư": 3})
    issue = only(forms, "II.05a.carry_over", previous)
    assert issue.severity == rules.WARNING
    assert (issue.form, issue.section, issue.row, issue.column) == ("II.05a", "rows", 1, "c4")
    assert ("(4) = 1 khác số PAKN đang xử lý cuối kỳ trước (Quý II năm 2023, cột (10)) = 3"
            in issue.message)


def test_05a_carry_over_of_a_lĩnh_vực_absent_from_the_previous_report_is_zero(forms):
    previous = rules.Previous("Quý II năm 2023", {"Quản lý đầu tư": 0})
    assert only(forms, "II.05a.carry_over", previous).message.endswith("= 0")
    assert issues(forms, "II.05a.carry_over", None) == []


def test_05a_total_supplied_in_an_import_is_checked(forms):
    forms["II.05a"]["rows"][0]["c3"] = 6
    issue = only(forms, "formula.mismatch")
    assert (issue.form, issue.row, issue.column) == ("II.05a", 1, "c3")


def test_a_row_that_did_not_read_is_not_judged(forms):
    forms["II.05a"]["rows"][0].update(c8="nhiều", c9=5)
    _, errors, warnings = rules.check(forms)
    assert [i.code for i in errors] == ["value.not_integer"]
    assert warnings == []


# ---------------------------------------------------------------------------------------------
# Mục 4 and 5 of the narrative, from the SKHĐT report of Quý III/2023


def test_skhdt_q3_2023_mục_4_and_5_say_what_the_real_report_says():
    from reports import narrative

    # 132 TTHC under the plan, all reviewed, no option of any kind, no cost; no PAKN at all.
    raw = {"II.04": {"rows": [{"linh_vuc": "Đầu tư tại Việt Nam", "c3": 100, "c4": 100},
                              {"linh_vuc": "Thành lập và hoạt động của doanh nghiệp", "c3": 32, "c4": 32}]},
           "II.05a": {"rows": [{"linh_vuc": "Đầu tư tại Việt Nam"}]}}
    data, errors, warnings = rules.check(raw)
    assert errors == [] and warnings == []
    generated = narrative.generated(data)
    assert generated["I.4"] == (
        "Tổng số TTHC cần rà soát, đơn giản hóa theo Kế hoạch: 132 TTHC; đã rà soát, thông qua phương án "
        "đơn giản hóa: 132 TTHC. Phương án đơn giản hóa cụ thể: số TTHC giữ nguyên: 0; bãi bỏ: 0; sửa đổi, "
        "bổ sung: 0; thay thế: 0; liên thông: 0; có giải pháp để thực hiện trên môi trường điện tử: 0. "
        "Số tiền tiết kiệm được: 0 đồng; tỷ lệ chi phí tiết kiệm được: —. "
        "Tỷ lệ hoàn thành kế hoạch rà soát, đơn giản hóa: 100,00%.\n(Đính kèm Biểu số II.04/VPCP/KSTT)")
    assert generated["I.5"] == (
        "Tổng số phản ánh, kiến nghị (PAKN) đã tiếp nhận trong kỳ báo cáo: 0 PAKN, trong đó: số tiếp nhận "
        "mới trong kỳ: 0 PAKN; số từ kỳ trước chuyển qua: 0 PAKN; số PAKN về quy định hành chính: 0 PAKN; "
        "số PAKN về hành vi hành chính: 0 PAKN. Số PAKN đã xử lý: 0 PAKN, trong đó số đã được đăng tải "
        "công khai: 0 PAKN. Số PAKN đang xử lý: 0 PAKN.\n(Đính kèm Biểu số II.05a/VPCP/KSTT)")


def test_mục_4_prints_money_grouped_and_the_rates_of_the_totals(forms):
    from reports import narrative

    forms["II.04"]["rows"].append({"linh_vuc": "Đấu thầu", "c3": 6, "c4": 6, "c5": 6,
                                   "c11": 500_000_000, "c12": 500_000_000})
    data, errors, _ = rules.check(forms)
    assert errors == []
    text = narrative.generated(data)["I.4"]
    assert "cần rà soát, đơn giản hóa theo Kế hoạch: 16 TTHC; đã rà soát, thông qua phương án đơn giản hóa: 14 TTHC" in text
    # 300.000.000 saved out of 2.000.000.000; 14 of 16 reviewed
    assert "Số tiền tiết kiệm được: 300.000.000 đồng; tỷ lệ chi phí tiết kiệm được: 15,00%." in text
    assert "Tỷ lệ hoàn thành kế hoạch rà soát, đơn giản hóa: 87,50%." in text


def test_a_document_without_the_new_forms_reads_them_blank():
    data, errors, warnings = rules.check({"II.06a": {"rows": []}})
    assert errors == [] and warnings == []
    assert data["II.04"] == {"rows": []} and data["II.05a"] == {"rows": []}
