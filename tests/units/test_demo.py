"""Issue 12: the demo province holds both eras — the 2023 departments and districts, their
reorganisation in 2025, and the commune level of today."""
from datetime import date
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from reports import selectors, services
from reports.models import Report, ReportingPeriod
from units.management.commands import load_demo as load_demo_command
from units.models import Succession, Unit, User

DISTRICTS = {"NHATRANG", "CAMRANH", "NINHHOA", "VANNINH", "DIENKHANH", "CAMLAM", "KHANHVINH", "KHANHSON", "TRUONGSA"}
COMMUNE_KINDS = {Unit.Kind.PHUONG, Unit.Kind.XA, Unit.Kind.DAC_KHU}
# The cấp huyện cells of workflow.md, "Levels that no longer exist".
HUYEN_CELLS = [("II.07b", "rows", ("c5", "c9", "c13")), ("II.07b", "bon_tai_cho", ("c5",))]


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)
    return ReportingPeriod.objects.get(is_open=True, kind__startswith="Q")


def codes(queryset):
    return set(queryset.values_list("code", flat=True))


def test_2023_q3_has_the_2023_departments_and_districts(demo):
    units = Unit.objects.in_period(ReportingPeriod.objects.get(code="2023-Q3"))
    assert {"SKHDT", "STC", "SGTVT", "STNMT", "BDT"} <= codes(units)
    assert DISTRICTS <= codes(units)
    assert not units.filter(kind__in=COMMUNE_KINDS).exists()
    assert not units.filter(code__in=["SNNMT", "SDTTG"]).exists()


def test_the_open_quarter_has_the_merged_departments_and_the_communes(demo):
    assert demo.first_day >= date(2025, 7, 1)  # today: December 2026
    units = Unit.objects.in_period(demo)
    communes = units.filter(kind__in=COMMUNE_KINDS)
    assert communes.count() >= 12
    assert {kind for kind in communes.values_list("kind", flat=True)} == COMMUNE_KINDS
    assert not units.filter(kind=Unit.Kind.HUYEN).exists()
    assert {"STC", "SXD", "SNNMT", "SKHCN", "SNV", "SDTTG"} <= codes(units)
    assert not codes(units) & {"SKHDT", "SGTVT", "STNMT", "SNNPTNT", "STTTT", "SLDTBXH", "BDT"}
    # Names nobody takes for a real commune's figures.
    assert all(name.endswith("(dữ liệu mẫu)") for name in communes.values_list("name", flat=True))


def test_the_reorganisation_of_2025(demo):
    skhdt, nhatrang = Unit.objects.get(code="SKHDT"), Unit.objects.get(code="NHATRANG")
    assert skhdt.valid_to == date(2025, 2, 28) and nhatrang.valid_to == date(2025, 6, 30)
    merger = Succession.objects.get(predecessor=skhdt)
    assert (merger.successor.code, merger.date, merger.kind) == ("STC", date(2025, 3, 1), Succession.Kind.MERGE)
    assert set(Succession.objects.filter(successor__code="SNNMT").values_list("predecessor__code", flat=True)) == {
        "STNMT", "SNNPTNT"}
    # Both on the board of 2025-Q1, only STC from 2025-Q2; the districts until 2025-Q2.
    q1, _ = services.period_open("2025-Q1")
    q2, _ = services.period_open("2025-Q2")
    q3, _ = services.period_open("2025-Q3")
    assert {"SKHDT", "STC"} <= codes(Unit.objects.in_period(q1))
    assert "SKHDT" not in codes(Unit.objects.in_period(q2))
    assert "NHATRANG" in codes(Unit.objects.in_period(q2))
    assert "NHATRANG" not in codes(Unit.objects.in_period(q3))


def test_every_commune_has_an_officer_and_a_commune_catalogue(demo):
    for unit in Unit.objects.filter(kind__in=COMMUNE_KINDS):
        officer = User.objects.get(units=unit)
        assert officer.role == User.Role.OFFICER and officer.check_password("matkhau123")
        names = set(unit.linh_vuc.values_list("name", flat=True))
        assert {"Hộ tịch", "Chứng thực", "Bảo trợ xã hội"} <= names, unit.code
    assert {"Đất đai", "Hoạt động xây dựng", "Thành lập và hoạt động của hộ kinh doanh"} <= set(
        Unit.objects.get(code="PNHATRANG").linh_vuc.values_list("name", flat=True))


def test_both_eras_have_reports_that_pass_every_rule(demo):
    old = Report.objects.filter(period__code="2023-Q3")
    assert codes_of(old.filter(status="approved")) == {"SKHDT", "STC", "NHATRANG", "CAMRANH"}
    open_reports = Report.objects.filter(period=demo)
    assert open_reports.filter(unit__kind__in=COMMUNE_KINDS, status="approved").exists()
    assert open_reports.filter(unit__kind__in=COMMUNE_KINDS, status="submitted").exists()
    assert not open_reports.filter(unit__code="STC").exists()  # left for the officer (tests/e2e)
    for report in Report.objects.select_related("unit", "period"):
        assert report.unit.exists_in(report.period), report
        forms = selectors.report_forms(report)
        judgement = services.judge(unit=report.unit, period=report.period, raw_forms=forms)
        assert (judgement.errors, judgement.warnings) == ([], []), report
        if report.period.first_day >= date(2025, 7, 1):
            huyen = [row for row in forms["II.03b"]["dia_phuong"] if row["cap"] == "huyen"]
            assert all(not value for row in huyen for key, value in row.items() if key != "cap"), report
            for form, section, keys in HUYEN_CELLS:
                assert all(not row[key] for row in forms[form][section] for key in keys), report


def test_the_board_of_each_era(demo):
    rows, counts = selectors.status_board(ReportingPeriod.objects.get(code="2023-Q3"))
    assert {"SKHDT", "NHATRANG"} <= {row["unit"].code for row in rows}
    assert [kind for kind, _ in selectors.period_kinds(demo)] == ["so", "phuong", "xa", "dac_khu"]
    rows, counts = selectors.status_board(demo)
    assert counts["approved"] >= 1 and counts["submitted"] >= 1


def codes_of(reports):
    return set(reports.values_list("unit__code", flat=True))


@pytest.mark.parametrize("day", [date(2024, 1, 5), date(2025, 4, 1), date(2025, 6, 20), date(2025, 10, 1)])
def test_load_demo_on_any_day_of_the_reorganisation_makes_reports_that_pass(db, monkeypatch, day):
    """Before, during and after the mergers: every demo report is of a unit existing in its period
    and passes every rule, and a second run changes nothing."""
    monkeypatch.setattr(load_demo_command, "timezone", SimpleNamespace(localdate=lambda: day))
    call_command("load_demo", verbosity=0)
    made = Report.objects.count()
    assert made >= 2
    for report in Report.objects.select_related("unit", "period"):
        assert report.unit.exists_in(report.period), report
        judgement = services.judge(unit=report.unit, period=report.period, raw_forms=selectors.report_forms(report))
        assert (judgement.errors, judgement.warnings) == ([], []), report
    call_command("load_demo", verbosity=0)
    assert Report.objects.count() == made


def test_the_demos_past_reports_were_sent_in_their_own_time(demo, client):
    """Not all "late" on the board because the demo was loaded today: sent between the period's end
    and its deadline, approved after, each step dated so in the report's history."""
    past = Report.objects.filter(period__code="2023-Q3").select_related("period")
    assert past.count() >= 4
    for report in past:
        sent = report.submitted_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date()
        assert report.period.end < sent <= report.period.deadline and not report.is_late
        assert [t.at for t in report.transitions.all()] == sorted(t.at for t in report.transitions.all())
        assert report.transitions.first().at == report.submitted_at
    client.force_login(User.objects.get(username="tonghop"))
    body = client.get(reverse("board", args=["2023-Q3"])).content.decode()
    assert "15/09/2023" in body and f"{timezone.localdate():%d/%m/%Y}" not in body
