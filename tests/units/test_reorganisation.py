"""Issue 12: units with the days they exist. The units of a period are those existing during it;
a merger on 01/03/2025 of SKHDT into STC leaves both on the board of 2025-Q1 and only STC on
2025-Q2; codes are one whatever their case; a unit created today is not late for the past."""
from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from reports import selectors, services
from tests.conftest import make_unit
from units.models import Succession, Unit


@pytest.fixture
def merger(stc, skhdt):
    """SKHDT merged into STC from 01/03/2025 (its last day 28/02/2025)."""
    Unit.objects.filter(pk=skhdt.pk).update(valid_to=date(2025, 2, 28))
    Succession.objects.create(predecessor=skhdt, successor=stc, date=date(2025, 3, 1), kind=Succession.Kind.MERGE)
    q1, _ = services.period_open("2025-Q1")
    q2, _ = services.period_open("2025-Q2")
    return q1, q2


def _board_units(client, period):
    body = client.get(reverse("board", args=[period.code])).content.decode()
    return [code for code in ("STC", "SKHDT", "NHATRANG", "PVINHHAI") if f'data-unit="{code}"' in body]


def test_the_board_of_a_period_lists_the_units_existing_during_it(client, reviewer, merger):
    q1, q2 = merger
    client.force_login(reviewer)
    assert _board_units(client, q1) == ["STC", "SKHDT"]
    assert _board_units(client, q2) == ["STC"]


def test_the_board_filters_only_by_the_kinds_of_the_period(client, reviewer, stc):
    make_unit("NHATRANG", "UBND thành phố Nha Trang", kind=Unit.Kind.HUYEN)
    Unit.objects.filter(code="NHATRANG").update(valid_to=date(2025, 6, 30))
    make_unit("PVINHHAI", "UBND phường Vĩnh Hải (thử)", kind=Unit.Kind.PHUONG)
    Unit.objects.filter(code="PVINHHAI").update(valid_from=date(2025, 7, 1))
    q2, _ = services.period_open("2025-Q2")
    q3, _ = services.period_open("2025-Q3")
    assert [kind for kind, _ in selectors.period_kinds(q2)] == ["so", "huyen"]
    assert [kind for kind, _ in selectors.period_kinds(q3)] == ["so", "phuong"]
    client.force_login(reviewer)
    assert _board_units(client, q3) == ["STC", "PVINHHAI"]
    body = client.get(reverse("board", args=[q3.code])).content.decode()
    assert "UBND cấp huyện" not in body and "UBND phường" in body


def test_a_unit_created_today_is_not_late_for_periods_before_it(client, reviewer, stc):
    old, _ = services.period_open("2023-Q3")
    make_unit("XNEW", "UBND xã Mới (thử)", kind=Unit.Kind.XA)
    Unit.objects.filter(code="XNEW").update(valid_from=date(2025, 7, 1))
    rows, counts = selectors.status_board(old)
    assert [row["unit"].code for row in rows] == ["STC"]
    assert counts["missing"] == 1


def test_a_report_for_a_unit_that_did_not_exist_in_the_period_is_refused(merger, tmp_path):
    _, q2 = merger
    path = tmp_path / "skhdt.json"
    path.write_text('{"format": "tthc-report/1", "unit": "SKHDT", "period": "2025-Q2", "forms": {}}', encoding="utf-8")
    err = StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command("import_report", str(path), stdout=StringIO(), stderr=err)
    assert exit_status.value.code == 2
    assert "hoạt động đến 28/02/2025, không hoạt động trong quý ii năm 2025" in err.getvalue()


def test_the_report_page_of_a_period_the_unit_did_not_exist_in_is_not_found(client, officer_skhdt, merger):
    q1, q2 = merger
    client.force_login(officer_skhdt)
    assert client.get(reverse("report", args=[q1.code, "SKHDT"])).status_code == 200
    response = client.get(reverse("report", args=[q2.code, "SKHDT"]))
    assert response.status_code == 404


def test_unit_codes_are_upper_case_and_one_whatever_the_case(db, admin_user, client):
    unit = Unit(code=" pvinhhai ", name="UBND phường Vĩnh Hải (thử)", kind=Unit.Kind.PHUONG)
    unit.full_clean()
    unit.save()
    assert unit.code == "PVINHHAI"
    twin = Unit(code="PVinhHai", name="Trùng mã", kind=Unit.Kind.PHUONG)
    with pytest.raises(ValidationError) as refused:
        twin.full_clean()
    assert "đã tồn tại" in " ".join(refused.value.message_dict["code"])
    admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    response = client.post(reverse("admin:units_unit_add"), {
        "code": "pvinhhai", "name": "Trùng mã", "kind": "phuong", "is_active": "on", "signer_authority": "",
    })
    assert response.status_code == 200 and "Đơn vị có Mã đã tồn tại" in response.content.decode()
    assert Unit.objects.filter(code__iexact="pvinhhai").count() == 1


def test_commune_level_kinds_resolve_at_the_commune_level(db):
    for kind in (Unit.Kind.PHUONG, Unit.Kind.XA, Unit.Kind.DAC_KHU):
        assert Unit(code="X", name="x", kind=kind).level == "xa"
    assert Unit(code="H", name="h", kind=Unit.Kind.HUYEN).level == "huyen"


def test_the_save_service_refuses_a_report_of_a_period_the_unit_did_not_exist_in(merger, officer_skhdt, good_forms):
    _, q2 = merger
    skhdt = Unit.objects.get(code="SKHDT")
    with pytest.raises(services.NotEditable) as refused:
        services.report_save(unit=skhdt, period=q2, raw_forms=good_forms, narrative={}, explanations=[],
                             actor=officer_skhdt, expected_version=0)
    assert "không hoạt động trong quý ii năm 2025" in str(refused.value)
    assert not skhdt.reports.exists()
