"""The province's consolidation of a period and the annual view, as the provincial office sees them:
the numbers in TỔNG CỘNG, which reports count, rates, the JSON export, queries, permissions."""
import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import compute, services
from reports.consolidation import annual, consolidate
from reports.forms_spec import FORMS, all_sections
from reports.models import LABEL_FIELDS, ROW_MODELS, Report
from tests.conftest import make_unit, make_user, save_report, text
from units.models import Unit, User

APPROVED, SUBMITTED, DRAFT, RETURNED = (Report.Status.APPROVED, Report.Status.SUBMITTED, Report.Status.DRAFT,
                                        Report.Status.RETURNED)


def put_report(unit, period, forms, status=APPROVED):
    """A report with these figures (tthc-report/1 `forms` shape, entered columns), written straight
    to the tables — the rules are the business of other tests."""
    report = Report.objects.create(unit=unit, period=period, status=status, unit_name=unit.name)
    for form, section in all_sections():
        model = ROW_MODELS[(form.code, section.key)]
        model.objects.bulk_create(
            model(report=report, position=position,
                  **{LABEL_FIELDS[key]: row.get(key) or "" for key in section.label_keys},
                  **{c.key: row.get(c.key) or 0 for c in section.entered})
            for position, row in enumerate(forms.get(form.code, {}).get(section.key, []), 1)
        )
    return report


def export_json(period_code, *args):
    out, err = StringIO(), StringIO()
    call_command("export_consolidated", "--period", period_code, "--format", "json", *args, stdout=out, stderr=err)
    assert err.getvalue() == ""
    return json.loads(out.getvalue())


def ii06a(*rows):
    return {"II.06a": {"rows": [dict(row) for row in rows]}}


# ---------------------------------------------------------------------------------------------
# The grand total is the sum of the units' own totals (property)

LINH_VUC = ["Quản lý công sản", "Quản lý giá", "Đăng ký mã số", "Đầu tư tại Việt Nam"]
BO = ["Bộ Tài chính", "Bộ Kế hoạch và Đầu tư", "Bộ Nội vụ"]


def _section_rows(section):
    counts = {c.key: (st.integers(0, 1) if c.flag else st.integers(0, 10**15) if c.money else st.integers(0, 1000))
              for c in section.entered}
    if section.fixed_caps:
        return st.just([{"cap": cap} for cap in section.fixed_caps]).flatmap(
            lambda rows: st.tuples(*[st.fixed_dictionaries(counts) for _ in rows]).map(
                lambda values: [{**row, **v} for row, v in zip(rows, values)]))
    if section.label_keys == ("ten",):
        labels = {"ten": st.sampled_from(BO)}
    elif "nhom" in section.label_keys:
        labels = {"nhom": st.sampled_from("AB"), "cap": st.sampled_from(["trung_uong", "tinh", "huyen", "xa"]),
                  "linh_vuc": st.sampled_from(LINH_VUC)}
    else:
        labels = {"linh_vuc": st.sampled_from(LINH_VUC)}
    return st.lists(st.fixed_dictionaries({**labels, **counts}), max_size=4)


def _forms():
    return st.fixed_dictionaries({
        form.code: st.fixed_dictionaries({section.key: _section_rows(section) for section in form.sections})
        for form in FORMS.values()
    })


@pytest.fixture
def four_units(db):
    return [
        make_unit("STC", "Sở Tài chính"),
        make_unit("SKHDT", "Sở Kế hoạch và Đầu tư"),
        make_unit("NHATRANG", "UBND thành phố Nha Trang", kind=Unit.Kind.HUYEN),
        make_unit("CAMRANH", "UBND thành phố Cam Ranh", kind=Unit.Kind.HUYEN),
    ]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reports=st.lists(st.tuples(_forms(), st.sampled_from([APPROVED, APPROVED, SUBMITTED, DRAFT])),
                        min_size=1, max_size=4))
def test_grand_total_is_the_sum_of_the_units_totals(four_units, period, reports):
    Report.objects.all().delete()  # examples share the test's transaction
    approved = []
    for unit, (forms, status) in zip(four_units, reports):
        put_report(unit, period, forms, status)
        if status == APPROVED:
            approved.append((unit, forms))
    approved.sort(key=lambda item: ({"so": 0, "huyen": 1}[item[0].kind], item[0].code))  # departments first

    consolidated = consolidate(period)
    document = export_json(period.code)
    assert document["units"] == [u.code for u in consolidated.units]
    assert {u.code for u in consolidated.units} == {u.code for u, _ in approved}
    for code, form in FORMS.items():
        unit_totals = [compute.form_totals(code, forms[code]) for _, forms in approved]
        for section in form.sections:
            part = consolidated.forms[code][section.key]
            for block, (_, forms), own in zip(part.blocks, approved, unit_totals):
                assert block.subtotal == own[section.key]
                assert block.rows == compute.complete_form(code, forms[code])[section.key]
            for column in section.columns:
                if column.rate:
                    rate = column.rate
                    expected = compute.percent(
                        sum(t[section.key][f"c{rate.numerator}"] for t in unit_totals),
                        sum(t[rate.of_section or section.key][f"c{rate.denominator}"] for t in unit_totals),
                    )
                else:
                    expected = sum(t[section.key][column.key] for t in unit_totals)
                assert part.total[column.key] == expected, (code, section.key, column.key)
                assert document["totals"][code][section.key][column.key] == expected, (code, section.key, column.key)
            assert len(document["forms"][code][section.key]) == sum(len(f[code][section.key]) for _, f in approved)


def test_export_rows_carry_their_unit_and_computed_columns(stc, skhdt, period, good_forms):
    put_report(stc, period, good_forms)
    put_report(skhdt, period, ii06a({"linh_vuc": "Đầu tư tại Việt Nam", "c4": 10, "c5": 5, "c9": 15}))
    document = export_json(period.code)
    assert document["format"] == "tthc-consolidated/1"
    assert document["period"] == "2023-Q3"
    assert document["units"] == ["SKHDT", "STC"]
    rows = document["forms"]["II.06a"]["rows"]
    assert rows[0] == {"unit": "SKHDT", "linh_vuc": "Đầu tư tại Việt Nam", "c3": 15, "c4": 10, "c5": 5, "c6": 0,
                       "c7": 15, "c8": 0, "c9": 15, "c10": 0, "c11": 0, "c12": 0, "c13": 0}
    assert [r["unit"] for r in rows] == ["SKHDT", "STC", "STC"]
    assert document["totals"]["II.06a"]["rows"]["c3"] == 15 + 43 + 377
    assert document["totals"]["II.03b"]["dia_phuong"]["c11"] == 10
    assert document["totals"]["II.07b"]["bon_tai_cho"] == {"c3": 2, "c4": 33.33, "c5": 0, "c6": 0.0}
    assert document["forms"]["II.08"]["rows"][0]["unit"] == "STC"


def test_export_to_a_file_and_unknown_period(stc, period, good_forms, tmp_path):
    put_report(stc, period, good_forms)
    target = tmp_path / "tong_hop.json"
    out = StringIO()
    call_command("export_consolidated", "--period", "2023-Q3", "--format", "json", "-o", str(target), stdout=out)
    assert json.loads(target.read_text(encoding="utf-8"))["units"] == ["STC"]
    assert "tong_hop.json" in out.getvalue()

    err = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("export_consolidated", "--period", "2031-Q2", "--format", "json", stdout=StringIO(), stderr=err)
    assert exit_.value.code == 2
    assert err.getvalue().strip() == "Chưa có kỳ báo cáo 2031-Q2."
    with pytest.raises(SystemExit) as exit_:
        call_command("export_consolidated", "--period", "quý 3", stdout=StringIO(), stderr=StringIO())
    assert exit_.value.code == 2


# ---------------------------------------------------------------------------------------------
# Which reports count


def test_approved_only_by_default_submitted_on_request_drafts_never(db, period, client, reviewer):
    statuses = {"SA": APPROVED, "SB": SUBMITTED, "SC": DRAFT, "SD": RETURNED}
    for code, status in statuses.items():
        unit = make_unit(code, f"Sở {code}")
        put_report(unit, period, ii06a({"linh_vuc": "Chung", "c4": 1, "c9": 1}), status)

    assert [u.code for u in consolidate(period).units] == ["SA"]
    assert [u.code for u in consolidate(period, include_submitted=True).units] == ["SA", "SB"]
    assert consolidate(period).totals["II.06a"]["rows"]["c4"] == 1
    assert consolidate(period, include_submitted=True).totals["II.06a"]["rows"]["c4"] == 2
    assert export_json(period.code, "--include-submitted")["units"] == ["SA", "SB"]

    client.force_login(reviewer)
    url = reverse("consolidation", args=[period.code])
    body = text(client.get(url))
    assert 'data-unit="SA"' in body and 'data-unit="SB"' not in body
    body = text(client.get(url + "?include_submitted=1"))
    assert 'data-unit="SA"' in body and 'data-unit="SB"' in body
    assert 'data-unit="SC"' not in body and 'data-unit="SD"' not in body
    download = client.get(reverse("consolidation_download", args=[period.code, "json"]) + "?include_submitted=1")
    assert download["Content-Disposition"].startswith("attachment")
    assert json.loads(download.content)["units"] == ["SA", "SB"]


def test_the_switch_and_the_period_picker_keep_the_biểu_and_the_view(client, reviewer, period):
    client.force_login(reviewer)
    body = text(client.get(reverse("consolidation", args=[period.code]) + "?bieu=II.06a&xem=don-vi"))
    switch = re.search(r'<form method="get"[^>]*id="consolidation-filter">(.*?)</form>', body, re.S).group(1)
    assert 'name="bieu" value="II.06a"' in switch and 'name="xem" value="don-vi"' in switch
    picked = re.search(r'<option value="([^"]*)" selected>', switch).group(1)
    assert picked == reverse("consolidation", args=[period.code]) + "?bieu=II.06a&amp;xem=don-vi"


def test_a_report_saved_through_the_service_and_approved_counts(stc, period, officer_stc, good_forms):
    report = save_report(stc, period, good_forms, actor=officer_stc)
    assert consolidate(period).units == []
    Report.objects.filter(pk=report.pk).update(status=APPROVED)
    consolidated = consolidate(period)
    # good_forms has no II.04 nor II.05a: they are blank, and so are their totals.
    assert consolidated.totals == {code: compute.form_totals(code, good_forms.get(code, {})) for code in FORMS}
    assert consolidated.totals["II.04"]["rows"]["c15"] is None


def test_units_ordered_departments_then_districts_by_code(db, period):
    for code, kind in [("NHATRANG", Unit.Kind.HUYEN), ("STP", Unit.Kind.SO), ("CAMRANH", Unit.Kind.HUYEN),
                       ("SKHDT", Unit.Kind.SO)]:
        put_report(make_unit(code, code, kind=kind), period, {})
    assert [u.code for u in consolidate(period).units] == ["SKHDT", "STP", "CAMRANH", "NHATRANG"]


# ---------------------------------------------------------------------------------------------
# The page: blocks per unit, by lĩnh vực, rates


@pytest.fixture
def two_approved(stc, skhdt, period):
    put_report(stc, period, {
        **ii06a({"linh_vuc": "Quản lý công sản", "c4": 3000, "c5": 0, "c8": 10, "c9": 80, "c10": 10},
                {"linh_vuc": "Quản lý giá", "c4": 2000, "c5": 0}),
        "II.08": {"rows": [{"nhom": "B", "cap": "tinh", "linh_vuc": "Quản lý công sản", "c3": 4, "c5": 40}]},
    })
    put_report(skhdt, period, {
        **ii06a({"linh_vuc": "Quản lý công sản", "c4": 4745, "c5": 255, "c9": 50}),
        "II.08": {"rows": [{"nhom": "B", "cap": "tinh", "linh_vuc": "Quản lý công sản", "c3": 2, "c5": 5},
                           {"nhom": "A", "cap": "trung_uong", "linh_vuc": "Đầu tư tại Việt Nam", "c6": 1}]},
    })


def test_by_linh_vuc_sums_across_units(two_approved, period):
    consolidated = consolidate(period)
    rows = consolidated.forms["II.06a"]["rows"].by_linh_vuc
    assert [(r["linh_vuc"], r["c4"], r["c5"], r["c3"]) for r in rows] == [
        ("Quản lý công sản", 7745, 255, 8000), ("Quản lý giá", 2000, 0, 2000)]
    rows_08 = consolidated.forms["II.08"]["rows"].by_linh_vuc
    assert [(r["nhom"], r["cap"], r["linh_vuc"], r["c3"], r["c5"], r["c6"]) for r in rows_08] == [
        ("A", "trung_uong", "Đầu tư tại Việt Nam", 0, 0, 1), ("B", "tinh", "Quản lý công sản", 6, 45, 0)]
    caps = [r["cap"] for r in consolidated.forms["II.03b"]["dia_phuong"].by_linh_vuc]
    assert caps == []  # nobody reported section II of II.03b


def test_by_linh_vuc_keeps_levels_and_ministries_apart(stc, skhdt, period, good_forms):
    put_report(stc, period, good_forms)
    put_report(skhdt, period, {"II.03b": {
        "trung_uong": [{"ten": "Bộ Kế hoạch và Đầu tư", "c3": 2}, {"ten": "Bộ Tài chính", "c3": 5}],
        "dia_phuong": [{"cap": "tinh", "c11": 20}, {"cap": "huyen", "c11": 1}, {"cap": "xa"}],
    }})
    parts = consolidate(period).forms["II.03b"]
    assert [(r["ten"], r["c3"]) for r in parts["trung_uong"].by_linh_vuc] == [
        ("Bộ Kế hoạch và Đầu tư", 2), ("Bộ Tài chính", 6)]
    assert [(r["cap"], r["c11"]) for r in parts["dia_phuong"].by_linh_vuc] == [("tinh", 26), ("huyen", 5), ("xa", 0)]


def test_rates_06a_of_the_province_and_each_unit(two_approved, period, client, reviewer):
    consolidated = consolidate(period)
    assert consolidated.rates_06a == {"online": 97.45, "on_time": 93.33}
    assert [(u.code, r) for u, r in consolidated.unit_rates_06a] == [
        ("SKHDT", {"online": 94.9, "on_time": 100.0}), ("STC", {"online": 100.0, "on_time": 90.0})]

    client.force_login(reviewer)
    body = text(client.get(reverse("consolidation", args=[period.code]), {"bieu": "II.06a"}))
    assert '<strong data-rate="province-online">97,45%</strong>' in body
    assert '<strong data-rate="province-on-time">93,33%</strong>' in body
    assert '<td class="text-end" data-rate="online">94,90%</td>' in body
    assert '<td class="text-end" data-rate="on-time">90,00%</td>' in body
    # Another biểu: the province's two rates, and the way to each unit's (a table of 300 units on
    # every biểu was most of its page).
    body = text(client.get(reverse("consolidation", args=[period.code]), {"bieu": "II.08"}))
    assert '<strong data-rate="province-online">97,45%</strong>' in body
    assert 'data-rate="online"' not in body and 'xem <a href="?bieu=II.06a&xem=tom-tat">Biểu II.06a</a>' in body


def test_page_shows_unit_blocks_subtotals_and_total(two_approved, period, client, reviewer):
    client.force_login(reviewer)
    url = reverse("consolidation", args=[period.code])
    response = client.get(url, {"bieu": "II.06a", "xem": "don-vi"})
    assert response.status_code == 200
    body = text(response)
    assert "Quý III năm 2023" in body and 'data-view="units"' in body
    assert '<tr class="heading-unit"><td colspan="13"><span class="heading-text">1. Sở Kế hoạch và Đầu tư</span></td></tr>' in body
    assert '<tr class="heading-unit"><td colspan="13"><span class="heading-text">2. Sở Tài chính</span></td></tr>' in body
    # STC's subtotal of II.06a (3) and the province's TỔNG CỘNG, numbers grouped with dots.
    assert '<td class="text-end" data-col="c3">5.000</td>' in body
    assert '<td class="text-end" data-total="c3"><span data-value>10.000</span></td>' in body
    assert "TỔNG CỘNG" in body and "Cộng" in body
    by_linh_vuc = text(client.get(url, {"bieu": "II.06a", "xem": "linh-vuc"}))
    assert "Theo lĩnh vực" in by_linh_vuc and 'data-view="linh_vuc"' in by_linh_vuc
    assert '<td class="text-end" data-total="c3"><span data-value>10.000</span></td>' in by_linh_vuc
    # II.08 sub-headings inside a unit's block
    body_08 = text(client.get(url, {"bieu": "II.08", "xem": "don-vi"}))
    assert '<tr class="heading-level"><td colspan="9"><span class="heading-text">I. CẤP TỈNH</span></td></tr>' in body_08


def test_the_page_opens_on_one_line_per_unit(two_approved, period, client, reviewer):
    """300 units are thousands of rows: the page first shows each unit's Cộng and the province's
    TỔNG CỘNG; the rows of each unit are one click away."""
    client.force_login(reviewer)
    body = text(client.get(reverse("consolidation", args=[period.code]), {"bieu": "II.06a"}))
    assert 'data-view="summary"' in body and 'aria-current="page" href="?bieu=II.06a&xem=tom-tat"' in body
    table = re.search(r'data-section="rows" data-view="summary">(.*?)</table>', body, re.S).group(1)
    units = re.findall(r'<td class="row-label">([^<]*)</td>', table)
    assert [u.strip() for u in units] == ["Sở Kế hoạch và Đầu tư", "Sở Tài chính"]
    assert "Quản lý công sản" not in table and "heading-unit" not in table
    assert '<th colspan="1" rowspan="3">Đơn vị</th>' in table
    assert len(re.findall(r'data-col="c3"[^>]*>(?:<[^>]+>)*5\.000<', table)) == 2  # each unit's (3)
    assert '<td class="text-end" data-total="c3"><span data-value>10.000</span></td>' in table
    assert 'href="?bieu=II.06a&xem=don-vi">Chi tiết từng đơn vị</a>' in body


def test_page_shows_one_biểu_at_a_time_with_links_to_the_others(two_approved, period, client, reviewer):
    client.force_login(reviewer)
    body = text(client.get(reverse("consolidation", args=[period.code]), {"bieu": "II.07b"}))
    assert 'data-form="II.07b" data-section="bon_tai_cho"' in body and 'data-form="II.06a" data-section' not in body
    assert '?bieu=II.06a&xem=tom-tat">Biểu II.06a</a>' in body


def test_unit_name_printed_is_the_one_on_the_report(stc, period, client, reviewer):
    put_report(stc, period, {})
    Report.objects.filter(unit=stc).update(unit_name="Sở Tài chính (tên cũ)")
    client.force_login(reviewer)
    url = reverse("consolidation", args=[period.code])
    assert "Sở Tài chính (tên cũ)" in text(client.get(url))
    assert "1. Sở Tài chính (tên cũ)" in text(client.get(url, {"xem": "don-vi"}))


def test_empty_period_and_unknown_period(period, client, reviewer):
    client.force_login(reviewer)
    response = client.get(reverse("consolidation", args=[period.code]))
    assert response.status_code == 200
    assert "Chưa có báo cáo nào" in text(response)
    assert client.get(reverse("consolidation", args=["2031-Q1"])).status_code == 404
    assert client.get(reverse("consolidation_download", args=["2031-Q1", "json"])).status_code == 404
    assert client.get(reverse("annual", args=[2031])).status_code == 404


def test_navbar_link_for_reviewers_only(period, client, reviewer, officer_stc):
    client.force_login(reviewer)
    assert reverse("consolidation_latest") in text(client.get(reverse("home"), follow=True))
    response = client.get(reverse("consolidation_latest"))
    assert response.status_code == 302 and response["Location"] == reverse("consolidation", args=[period.code])
    client.force_login(officer_stc)
    assert reverse("consolidation_latest") not in text(client.get(reverse("home"), follow=True))


# ---------------------------------------------------------------------------------------------
# A fixed number of queries, whatever the number of units


def _units_with_reports(period, n, start=0):
    forms = {
        "II.03b": {"trung_uong": [{"ten": "Bộ Tài chính", "c3": 1}],
                   "dia_phuong": [{"cap": "tinh", "c11": 3}, {"cap": "huyen"}, {"cap": "xa"}]},
        **ii06a(*({"linh_vuc": name, "c4": 10, "c5": 2, "c9": 12} for name in LINH_VUC)),
        "II.07b": {"rows": [{"linh_vuc": name, "c4": 3} for name in LINH_VUC],
                   "bon_tai_cho": [{"linh_vuc": LINH_VUC[0], "c3": 1}]},
        "II.08": {"rows": [{"nhom": "B", "cap": "tinh", "linh_vuc": name, "c3": 1} for name in LINH_VUC]},
        "II.04": {"rows": [{"linh_vuc": name, "c3": 4, "c4": 3, "c7": 3, "c11": 2_000_000_000, "c12": 1_500_000_000}
                           for name in LINH_VUC]},
        "II.05a": {"rows": [{"linh_vuc": name, "c4": 1, "c5": 2, "c6": 3, "c8": 2, "c9": 1, "c10": 1}
                            for name in LINH_VUC]},
    }
    for i in range(start, start + n):
        put_report(make_unit(f"U{i:02d}", f"Đơn vị {i}"), period, forms)


def _page_queries(client, period):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("consolidation", args=[period.code]))
    assert response.status_code == 200
    return len(queries)


def test_queries_do_not_depend_on_the_number_of_units(period, client, reviewer):
    client.force_login(reviewer)
    _units_with_reports(period, 3)
    with_3 = _page_queries(client, period)
    _units_with_reports(period, 27, start=3)
    with_30 = _page_queries(client, period)
    assert with_3 == with_30
    assert with_30 <= 4 * len(all_sections()) + 12  # 4 per section table and a few for the page
    # II.04 and II.05a summed by unit and by lĩnh vực, money far above the count limit.
    consolidated = consolidate(period)
    ii04, ii05a = consolidated.forms["II.04"]["rows"], consolidated.forms["II.05a"]["rows"]
    assert ii04.total["c13"] == 30 * 4 * 500_000_000 and ii04.total["c14"] == 25.0 and ii04.total["c15"] == 75.0
    assert [row["c11"] for row in ii04.by_linh_vuc] == [60_000_000_000] * 4
    assert ii04.blocks[0].subtotal["c12"] == 6_000_000_000
    assert (ii05a.total["c3"], ii05a.total["c10"]) == (360, 120)
    assert [row["c4"] for row in ii05a.by_linh_vuc] == [30] * 4
    with CaptureQueriesContext(connection) as queries:
        annual(period.year)
    assert len(queries) <= len(all_sections()) + 1  # one per section, and the reports


# ---------------------------------------------------------------------------------------------
# The annual view


@pytest.fixture
def quarters(db):
    return {kind: services.period_open(f"2023-{kind}")[0] for kind in ("Q1", "Q2", "Q3", "Q4", "Y")}


def _quarter(rows06a=None, **forms):
    return {**(ii06a(*rows06a) if rows06a else {}), **forms}


def test_annual_sums_flows(stc, quarters):
    for n, kind in enumerate(["Q1", "Q2", "Q3", "Q4"], 1):
        put_report(stc, quarters[kind], ii06a({"linh_vuc": "Quản lý giá", "c4": n, "c5": 10 * n, "c8": n, "c9": 2,
                                               "c10": 0}))
    derived = annual(2023).units[0].derived["II.06a"]["rows"]
    assert (derived["c4"], derived["c5"], derived["c8"], derived["c9"], derived["c7"]) == (10, 100, 10, 8, 18)


def test_annual_06a_carry_over_from_the_first_quarter_pending_from_the_last(stc, quarters):
    put_report(stc, quarters["Q1"], ii06a({"linh_vuc": "A", "c6": 5, "c12": 7, "c13": 1}), status=DRAFT)  # not counted
    put_report(stc, quarters["Q2"], ii06a({"linh_vuc": "A", "c6": 6, "c12": 8, "c13": 2}))
    put_report(stc, quarters["Q3"], ii06a({"linh_vuc": "A", "c6": 8, "c12": 9, "c13": 3},
                                          {"linh_vuc": "B", "c6": 1, "c12": 1}))
    part = annual(2023).units[0]
    assert part.quarters == ["Q2", "Q3"] and part.quarters_label == "Quý II, Quý III"
    derived = part.derived["II.06a"]["rows"]
    assert (derived["c6"], derived["c12"], derived["c13"], derived["c11"]) == (6, 10, 3, 13)


def test_annual_03b_total_tthc_from_the_last_quarter(stc, quarters):
    for n, kind in enumerate(["Q1", "Q2", "Q3"], 1):
        put_report(stc, quarters[kind], {"II.03b": {
            "trung_uong": [{"ten": "Bộ Tài chính", "c3": 1, "c6": n, "c11": 10 + n}],
            "dia_phuong": [{"cap": "tinh", "c3": 2, "c11": 100 + n}, {"cap": "huyen", "c11": 5}, {"cap": "xa"}],
        }})
    derived = annual(2023).units[0].derived["II.03b"]
    assert (derived["trung_uong"]["c3"], derived["trung_uong"]["c5"], derived["trung_uong"]["c11"]) == (3, 6, 13)
    assert (derived["dia_phuong"]["c3"], derived["dia_phuong"]["c11"]) == (6, 108)


def test_annual_07b_entirely_from_the_last_quarter(stc, quarters):
    for n, kind in enumerate(["Q1", "Q2", "Q4"], 1):
        put_report(stc, quarters[kind], {"II.07b": {
            "rows": [{"linh_vuc": "A", "c4": 10 * n, "c5": n, "c8": 5 * n, "c12": n}],
            "bon_tai_cho": [{"linh_vuc": "A", "c3": 2 * n, "c5": 0}],
        }})
    derived = annual(2023).units[0].derived["II.07b"]
    assert (derived["rows"]["c4"], derived["rows"]["c3"], derived["rows"]["c8"], derived["rows"]["c12"]) == (30, 33, 15, 3)
    assert (derived["bon_tai_cho"]["c3"], derived["bon_tai_cho"]["c4"]) == (6, 20.0)


def test_annual_08_services_from_the_last_quarter_files_summed(stc, quarters):
    for n, kind in enumerate(["Q1", "Q2", "Q3", "Q4"], 1):
        put_report(stc, quarters[kind], {"II.08": {"rows": [
            {"nhom": "B", "cap": "tinh", "linh_vuc": "A", "c3": n, "c4": n, "c5": 100, "c6": 2 * n, "c7": n,
             "c8": 10, "c9": 1 if n < 4 else 0},
        ]}})
    derived = annual(2023).units[0].derived["II.08"]["rows"]
    assert derived == {"c3": 4, "c4": 4, "c5": 400, "c6": 8, "c7": 4, "c8": 40, "c9": 0}


def test_annual_province_and_differences_with_the_annual_report(stc, skhdt, quarters, client, reviewer):
    for kind in ("Q1", "Q2", "Q3", "Q4"):
        put_report(stc, quarters[kind], ii06a({"linh_vuc": "A", "c4": 10, "c12": 1}))
        put_report(skhdt, quarters[kind], ii06a({"linh_vuc": "B", "c4": 1}))
    put_report(stc, quarters["Y"], ii06a({"linh_vuc": "A", "c4": 38, "c12": 1}))  # 2 files short
    put_report(skhdt, quarters["Y"], ii06a({"linh_vuc": "B", "c4": 4}))  # agrees

    derived = annual(2023)
    by_unit = {part.unit.code: part for part in derived.units}
    assert by_unit["STC"].differences["II.06a"]["rows"]["c4"] == 2
    assert by_unit["STC"].differences["II.06a"]["rows"]["c12"] == 0
    assert by_unit["STC"].differs and not by_unit["SKHDT"].differs
    assert derived.province.derived["II.06a"]["rows"]["c4"] == 44
    assert derived.province.direct["II.06a"]["rows"]["c4"] == 42
    assert derived.province.differences["II.06a"]["rows"]["c4"] == 2

    client.force_login(reviewer)
    response = client.get(reverse("annual", args=[2023]))
    assert response.status_code == 200
    body = text(response)
    assert "Tổng hợp năm 2023" in body and "TOÀN TỈNH" in body
    assert '<span class="badge text-bg-danger" data-unit="STC">STC</span>' in body
    assert 'data-unit="SKHDT">SKHDT</span>' not in body
    assert '<td class="text-end table-danger" data-col="c4" data-differs>2</td>' in body
    assert "Chênh lệch" in body and "Cộng từ các quý (Quý I, Quý II, Quý III, Quý IV)" in body


def test_annual_without_a_direct_report(stc, quarters, client, reviewer):
    put_report(stc, quarters["Q1"], ii06a({"linh_vuc": "A", "c4": 1}))
    part = annual(2023).units[0]
    assert part.direct is None and part.differences is None and not part.differs
    client.force_login(reviewer)
    body = text(client.get(reverse("annual", args=[2023])))
    assert "Báo cáo năm: chưa có" in body and "None" not in body


def test_annual_province_not_compared_when_a_unit_lacks_one_side(stc, skhdt, quarters, client, reviewer):
    put_report(stc, quarters["Q1"], ii06a({"linh_vuc": "A", "c4": 10}))
    put_report(stc, quarters["Y"], ii06a({"linh_vuc": "A", "c4": 10}))
    put_report(skhdt, quarters["Q1"], ii06a({"linh_vuc": "B", "c4": 5}))  # no annual report
    province = annual(2023).province
    assert (province.derived["II.06a"]["rows"]["c4"], province.direct["II.06a"]["rows"]["c4"]) == (15, 10)
    assert province.differences is None and [u.code for u in province.unmatched] == ["SKHDT"]
    client.force_login(reviewer)
    body = text(client.get(reverse("annual", args=[2023])))
    assert "Chênh lệch: không so sánh được — chỉ có một trong hai loại báo cáo: SKHDT" in body
    assert "data-differs" not in body


def test_the_annual_page_says_which_units_the_provinces_stocks_leave_out(stc, skhdt, quarters, client, reviewer):
    for kind in ("Q1", "Q2", "Q3", "Q4"):
        put_report(stc, quarters[kind], ii06a({"linh_vuc": "A", "c4": 10, "c9": 9, "c12": 1}))
    for kind in ("Q1", "Q2", "Q3"):  # its Q4 not approved yet
        put_report(skhdt, quarters[kind], ii06a({"linh_vuc": "B", "c4": 5, "c9": 3, "c12": 2}))
    derived = annual(2023)
    by_unit = {part.unit.code: part for part in derived.units}
    assert by_unit["SKHDT"].derived["II.06a"]["rows"]["c12"] == 2  # its own year ends with Q3
    assert derived.province.derived["II.06a"]["rows"]["c12"] == 1  # the province's with Q4: STC's
    client.force_login(reviewer)
    body = text(client.get(reverse("annual", args=[2023])))
    note = re.search(r'<div class="alert alert-secondary py-2 small" id="stock-gaps">(.*?)</div>\s*</div>', body, re.S)
    assert " ".join(re.sub(r"<[^>]+>", " ", note.group(1)).split()) == (
        "Số tồn cuối kỳ của Toàn tỉnh là của Quý IV, cộng các đơn vị có báo cáo Quý IV; không gồm Sở Kế hoạch "
        "và Đầu tư (không có báo cáo Quý IV đã duyệt), nên ở các cột này dòng Toàn tỉnh khác tổng các đơn vị.")
    assert 'id="stock-gaps"' not in text(client.get(reverse("annual", args=[2023]), {"don_vi": "STC"}))


# ---------------------------------------------------------------------------------------------
# Who may see it


def _urls(period):
    return [reverse("consolidation", args=[period.code]), reverse("consolidation_download", args=[period.code, "json"]),
            reverse("annual", args=[period.year]), reverse("consolidation_latest")]


def test_officer_is_refused(period, client, officer_stc):
    client.force_login(officer_stc)
    for url in _urls(period):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Sở Tài chính" not in text(response)


def test_anonymous_goes_to_login(period, client):
    for url in _urls(period):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("role", [User.Role.REVIEWER, User.Role.ADMIN])
def test_reviewer_and_admin_see_it(period, client, role, stc):
    put_report(stc, period, {})
    client.force_login(make_user("nguoixem", role=role))
    for url in _urls(period)[:3]:
        assert client.get(url).status_code == 200, url
