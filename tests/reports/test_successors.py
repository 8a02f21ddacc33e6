"""Issue 12: a successor unit carries over its predecessors' pending files, and the views derived
from the quarters (năm, 6 tháng, 9 tháng) add up whoever reported in each quarter — a successor's
year of its merger with its predecessors' quarters before it."""
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import rules, selectors, services
from reports.consolidation import annual, consolidate
from reports.forms_spec import FORMS, all_sections
from tests.conftest import make_unit, text
from tests.reports.test_consolidation import ii06a, put_report
from units.models import Succession, Unit

NOTE = "Gồm số liệu của SKHDT các quý trước khi sáp nhập vào STC (từ 01/03/2025)"


@pytest.fixture
def merger(stc, skhdt):
    """SKHDT merged into STC from 01/03/2025 (its last day 28/02/2025)."""
    Unit.objects.filter(pk=skhdt.pk).update(valid_to=date(2025, 2, 28))
    skhdt.refresh_from_db()
    Succession.objects.create(predecessor=skhdt, successor=stc, date=date(2025, 3, 1), kind=Succession.Kind.MERGE)
    return {kind: services.period_open(f"2025-{kind}")[0] for kind in ("Q1", "Q2", "Q3", "Q4")}


def _q1_2025(stc, skhdt, q1):
    put_report(stc, q1, ii06a({"linh_vuc": "Quản lý công sản", "c4": 10, "c6": 1, "c9": 8, "c12": 2, "c13": 1}))
    put_report(skhdt, q1, ii06a({"linh_vuc": "Quản lý công sản", "c4": 3, "c12": 4},
                                {"linh_vuc": "Đầu tư tại Việt Nam", "c4": 7, "c6": 2, "c9": 4, "c12": 3, "c13": 2}))


# ---------------------------------------------------------------------------------------------
# Carry-over from the predecessors


def test_the_first_report_after_a_merger_carries_over_the_predecessors_pending(stc, skhdt, merger):
    _q1_2025(stc, skhdt, merger["Q1"])
    rows = {row["linh_vuc"]: row["c6"] for row in selectors.initial_forms(stc, merger["Q2"])["II.06a"]["rows"]}
    # (11) = (12)+(13), summed by lĩnh vực: STC 3 + SKHDT 4 on the shared one; SKHDT's own comes along.
    assert rows["Quản lý công sản"] == 7
    assert rows["Đầu tư tại Việt Nam"] == 5
    assert rows["Quản lý giá"] == 0


def test_the_carry_over_warning_of_the_successor_compares_with_the_sum(stc, skhdt, merger, good_forms):
    _q1_2025(stc, skhdt, merger["Q1"])
    with CaptureQueriesContext(connection) as queries:
        previous = selectors.previous_context(stc, merger["Q2"])
    assert len(queries) <= 3  # the reports, then II.06a and II.05a: not one per lĩnh vực nor per predecessor
    assert previous.pending == {"Quản lý công sản": 7, "Đầu tư tại Việt Nam": 5}

    good_forms["II.06a"]["rows"][0]["c6"] = 3  # STC's own (11) only
    _, _, warnings = rules.check(good_forms, previous)
    carry = [w for w in warnings if w.code == "II.06a.carry_over"]
    assert [w.message for w in carry] == [
        'Biểu II.06a, dòng "Quản lý công sản", cột (6): số hồ sơ từ kỳ trước (6) = 3 khác số hồ sơ đang giải '
        "quyết cuối kỳ trước của STC và SKHDT (Quý I năm 2025, cột (11)) = 7"]

    good_forms["II.06a"]["rows"][0]["c6"] = 7
    good_forms["II.06a"]["rows"][0]["c5"] += 5  # keep the row balanced
    _, _, warnings = rules.check(good_forms, previous)
    assert not [w for w in warnings if w.code == "II.06a.carry_over"]


def test_only_the_first_period_after_the_merger_takes_the_predecessors(stc, skhdt, merger):
    q4_2024, _ = services.period_open("2024-Q4")
    put_report(skhdt, q4_2024, ii06a({"linh_vuc": "Đầu tư tại Việt Nam", "c12": 9}))
    put_report(stc, q4_2024, ii06a({"linh_vuc": "Quản lý công sản", "c12": 1}))
    # 2025-Q1: SKHDT still reports it (it exists until 28/02) and carries its own files.
    assert selectors.previous_context(stc, merger["Q1"]).pending == {"Quản lý công sản": 1}
    assert selectors.previous_context(skhdt, merger["Q1"]).pending == {"Đầu tư tại Việt Nam": 9}
    # 2025-Q3: SKHDT has no 2025-Q2 report; STC's own previous report alone, worded as before.
    put_report(stc, merger["Q2"], ii06a({"linh_vuc": "Quản lý công sản", "c12": 4}))
    previous = selectors.previous_context(stc, merger["Q3"])
    assert previous.pending == {"Quản lý công sản": 4} and previous.where == "kỳ trước"


def test_a_split_carries_nothing_over_and_a_closed_predecessor_carries_its_files(stc, skhdt):
    q4_2024, _ = services.period_open("2024-Q4")
    q1_2025, _ = services.period_open("2025-Q1")
    put_report(skhdt, q4_2024, ii06a({"linh_vuc": "Đầu tư tại Việt Nam", "c12": 9}))
    put_report(stc, q4_2024, ii06a({"linh_vuc": "Quản lý công sản", "c12": 1}))
    Unit.objects.filter(pk=skhdt.pk).update(is_active=False)  # closed, without an end date
    split = Succession.objects.create(predecessor=skhdt, successor=stc, date=date(2025, 1, 1),
                                      kind=Succession.Kind.SPLIT)
    # Nothing says how a split predecessor's files were shared among its successors.
    assert selectors.previous_context(stc, q1_2025).pending == {"Quản lý công sản": 1}

    Succession.objects.filter(pk=split.pk).update(kind=Succession.Kind.MERGE)
    previous = selectors.previous_context(stc, q1_2025)
    assert previous.pending == {"Quản lý công sản": 1, "Đầu tư tại Việt Nam": 9}
    assert previous.where == "kỳ trước của STC và SKHDT" and previous.period_label == "Quý IV năm 2024"


# ---------------------------------------------------------------------------------------------
# The year of the merger, and the province adding up whoever reported in each quarter


def _year_2025(stc, skhdt, merger):
    _q1_2025(stc, skhdt, merger["Q1"])
    for n, kind in enumerate(("Q2", "Q3", "Q4"), 2):
        put_report(stc, merger[kind], ii06a({"linh_vuc": "Quản lý công sản", "c4": 10 * n, "c6": n, "c9": n,
                                             "c12": n, "c13": 1}))


def test_the_annual_view_of_the_successor_includes_the_predecessors_quarters(stc, skhdt, merger, client, reviewer):
    _year_2025(stc, skhdt, merger)
    derived = annual(2025)
    assert [part.unit.code for part in derived.units] == ["STC"]  # SKHDT's Q1 is in STC's
    stc_part = derived.units[0]
    assert stc_part.quarters == ["Q1", "Q2", "Q3", "Q4"]
    rows = stc_part.derived["II.06a"]["rows"]
    assert rows["c4"] == 10 + 3 + 7 + 20 + 30 + 40
    assert rows["c6"] == 1 + 2  # from the first quarter, SKHDT's included
    assert (rows["c12"], rows["c13"]) == (4, 1)  # from the last quarter: STC's
    assert derived.notes == [NOTE]

    client.force_login(reviewer)
    for url in (reverse("annual", args=[2025]), reverse("annual", args=[2025]) + "?don_vi=STC"):
        body = text(client.get(url))
        assert NOTE in body, url


def test_the_province_year_adds_up_whoever_reported_in_each_quarter(stc, skhdt, merger):
    _year_2025(stc, skhdt, merger)
    province = annual(2025).province
    quarters = [consolidate(merger[kind]).totals for kind in ("Q1", "Q2", "Q3", "Q4")]
    for code, form in FORMS.items():
        for section in form.sections:
            for column in section.entered:
                if not column.stock:
                    expected = sum(q[code][section.key][column.key] for q in quarters)
                else:
                    expected = quarters[0 if column.stock == "first" else -1][code][section.key][column.key]
                assert province.derived[code][section.key][column.key] == expected, (code, column.key)
    # SKHDT's files pending at the end of Q1 went on in STC's report: not counted twice at the end.
    assert province.derived["II.06a"]["rows"]["c11"] == 5

    # As many queries with 2 units as with 6, for the year as for a quarter.
    with_2 = _queries(merger)
    for i in range(4):
        unit = make_unit(f"U{i:02d}", f"Đơn vị {i}")
        for kind in ("Q1", "Q2", "Q3", "Q4"):
            put_report(unit, merger[kind], ii06a({"linh_vuc": "Chung", "c4": 1, "c9": 1}))
    with_6 = _queries(merger)
    assert with_2 == with_6
    assert with_6[0] <= len(all_sections()) + 2  # one per section, and the reports
    assert annual(2025).province.derived["II.06a"]["rows"]["c4"] == 10 + 3 + 7 + 20 + 30 + 40 + 16


def _queries(merger):
    with CaptureQueriesContext(connection) as year:
        annual(2025)
    with CaptureQueriesContext(connection) as quarter:
        consolidate(merger["Q2"])
    return len(year), len(quarter)


# ---------------------------------------------------------------------------------------------
# 6 tháng and 9 tháng


@pytest.fixture
def year_2023(db):
    return {kind: services.period_open(f"2023-{kind}")[0] for kind in ("Q1", "Q2", "Q3", "Q4", "H1", "Y")}


def _four_quarters(stc, year_2023):
    for n, kind in enumerate(("Q1", "Q2", "Q3", "Q4"), 1):
        put_report(stc, year_2023[kind], {
            **ii06a({"linh_vuc": "Quản lý giá", "c4": n, "c5": 10 * n, "c6": 100 + n, "c8": n, "c12": 20 + n,
                     "c13": n}),
            "II.03b": {"trung_uong": [{"ten": "Bộ Tài chính", "c3": n, "c11": 10 + n}],
                       "dia_phuong": [{"cap": "tinh", "c3": 1, "c11": 50 + n}, {"cap": "huyen"}, {"cap": "xa"}]},
        })


def test_nine_months_of_a_unit_sum_the_first_three_quarters(stc, year_2023, client, reviewer):
    _four_quarters(stc, year_2023)
    part = annual(2023, span="9-thang").units[0]
    assert part.quarters == ["Q1", "Q2", "Q3"] and part.direct is None
    rows = part.derived["II.06a"]["rows"]
    assert (rows["c4"], rows["c5"], rows["c8"]) == (6, 60, 6)  # flows: Q1+Q2+Q3
    assert rows["c6"] == 101  # from Q1
    assert (rows["c12"], rows["c13"], rows["c11"]) == (23, 3, 26)  # from Q3
    tu = part.derived["II.03b"]["trung_uong"]
    assert (tu["c3"], tu["c11"]) == (6, 13)

    client.force_login(reviewer)
    response = client.get(reverse("annual_span", args=[2023, "9-thang"]) + "?don_vi=STC")
    assert response.status_code == 200
    body = text(response)
    assert "Tổng hợp 9 tháng đầu năm 2023 — Sở Tài chính" in body
    assert "Cộng từ các quý (Quý I, Quý II, Quý III)" in body and "Báo cáo năm" not in body
    assert "TOÀN TỈNH" not in body


def test_six_months_compared_with_the_6_thang_report(stc, year_2023, client, reviewer):
    _four_quarters(stc, year_2023)
    put_report(stc, year_2023["H1"], ii06a({"linh_vuc": "Quản lý giá", "c4": 3, "c6": 101, "c12": 22, "c13": 2}))
    part = annual(2023, span="6-thang").units[0]
    assert part.quarters == ["Q1", "Q2"]
    assert part.derived["II.06a"]["rows"]["c4"] == 3 and part.differences["II.06a"]["rows"]["c4"] == 0
    assert part.differences["II.06a"]["rows"]["c5"] == 30  # the 6 tháng report has no (5)

    client.force_login(reviewer)
    body = text(client.get(reverse("annual_span", args=[2023, "6-thang"])))
    assert "Tổng hợp 6 tháng đầu năm 2023" in body and "Báo cáo 6 tháng" in body and "TOÀN TỈNH" in body


def test_the_annual_page_offers_the_derived_views(stc, year_2023, client, reviewer):
    _four_quarters(stc, year_2023)
    client.force_login(reviewer)
    body = text(client.get(reverse("annual", args=[2023])))
    assert f'href="{reverse("annual_span", args=[2023, "6-thang"])}"' in body
    assert f'href="{reverse("annual_span", args=[2023, "9-thang"])}"' in body
    assert client.get(reverse("annual_span", args=[2023, "8-thang"])).status_code == 404



def test_ii05a_carries_over_the_predecessors_pending_pakn_after_a_merger(stc, skhdt, merger):
    put_report(stc, merger["Q1"], {"II.05a": {"rows": [{"linh_vuc": "Quản lý công sản", "c5": 3, "c8": 2, "c10": 1}]}})
    put_report(skhdt, merger["Q1"], {"II.05a": {"rows": [{"linh_vuc": "Quản lý công sản", "c5": 2, "c10": 2},
                                                         {"linh_vuc": "Đầu tư tại Việt Nam", "c5": 4, "c10": 4}]}})
    rows = {row["linh_vuc"]: row["c4"] for row in selectors.initial_forms(stc, merger["Q2"])["II.05a"]["rows"]}
    assert rows["Quản lý công sản"] == 3 and rows["Đầu tư tại Việt Nam"] == 4
    previous = selectors.previous_context(stc, merger["Q2"])
    assert previous.pending_05a == {"Quản lý công sản": 3, "Đầu tư tại Việt Nam": 4}
    [warning] = [w for w in rules.check({"II.05a": {"rows": [{"linh_vuc": "Đầu tư tại Việt Nam", "c4": 1, "c6": 1,
                                                                "c8": 1}]}}, previous)[2]
                 if w.code == "II.05a.carry_over"]
    assert "cuối kỳ trước của STC và SKHDT" in warning.message and warning.message.endswith("= 4")


def test_the_year_reads_ii05a_stocks_at_its_ends_and_sums_ii04(stc, year_2023):
    for n, kind in enumerate(("Q1", "Q2", "Q3", "Q4"), 1):
        put_report(stc, year_2023[kind], {
            "II.04": {"rows": [{"linh_vuc": "Quản lý giá", "c3": n, "c4": n, "c11": 10**12 * n, "c12": 10**11 * n}]},
            "II.05a": {"rows": [{"linh_vuc": "Quản lý giá", "c4": 10 * n, "c5": n, "c8": 2, "c10": 10 * n + n - 2}]},
        })
    derived = annual(2023).province.derived
    ii04, ii05a = derived["II.04"]["rows"], derived["II.05a"]["rows"]
    assert (ii04["c3"], ii04["c11"], ii04["c13"], ii04["c14"], ii04["c15"]) == (10, 10**13, 9 * 10**12, 90.0, 100.0)
    assert (ii05a["c4"], ii05a["c5"], ii05a["c8"], ii05a["c10"]) == (10, 10, 8, 42)
    assert ii05a["c3"] == 20
