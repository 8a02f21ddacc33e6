"""Issue 12: a reorganisation in one step, from the unit list of the admin: the choices, then a
confirmation listing what changes, then unit_reorganise writes it all (and the admin history).
Officers of a dissolved unit keep reading its past reports and type nothing for a later period."""
from datetime import date

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from reports import services
from reports.models import Report
from tests.conftest import form_post, make_unit, make_user, save_report, text
from units import services as unit_services
from units.models import LinhVuc, Succession, Unit

S = Report.Status
LIST = "admin:units_unit_changelist"


@pytest.fixture
def superuser(admin_user):
    admin_user.is_superuser = True
    admin_user.save()
    return admin_user


@pytest.fixture
def quarters(db):
    """2025-Q1 (before the merger of 01/03/2025… it is in Q1, so SKHDT still takes part) and 2025-Q2."""
    return services.period_open("2025-Q1")[0], services.period_open("2025-Q2")[0]


@pytest.fixture
def before_merger(stc, skhdt, officer_stc, officer_skhdt, quarters, good_forms):
    """SKHDT has submitted 2025-Q1 and has a draft for 2025-Q2 (typed before the merger was known)."""
    q1, q2 = quarters
    forms = {"II.06a": {"rows": [{"linh_vuc": "Đầu tư tại Việt Nam", "c4": 1, "c9": 1}]}}
    services.report_submit(report=save_report(skhdt, q1, forms, actor=officer_skhdt), actor=officer_skhdt)
    save_report(skhdt, q2, forms, actor=officer_skhdt)
    return q1, q2


def _merge_post(stc, skhdt, **extra):
    return {"action": "reorganise", "_selected_action": [str(stc.pk), str(skhdt.pk)], "kind": "merge",
            "date": "01/03/2025", "into": str(stc.pk), **extra}


def test_merge_through_the_admin_confirmation(client, superuser, stc, skhdt, officer_stc, officer_skhdt,
                                              before_merger):
    q1, q2 = before_merger
    client.force_login(superuser)
    url = reverse(LIST)

    first = text(client.post(url, {"action": "reorganise", "_selected_action": [str(stc.pk), str(skhdt.pk)]}))
    assert "Sắp xếp đơn vị" in first and 'name="step" value="confirm"' in first

    confirm = client.post(url, _merge_post(stc, skhdt, step="confirm"))
    body = text(confirm)
    assert confirm.status_code == 200 and 'name="step" value="apply"' in body
    assert "<strong>SKHDT</strong> — Sở Kế hoạch và Đầu tư: “đến ngày” thành <strong>28/02/2025</strong>" in body
    assert "SKHDT → STC (sáp nhập, từ ngày 01/03/2025)" in body
    assert "skhdt) → STC" in body  # SKHDT's officer joins STC
    assert "SKHDT — Quý II năm 2025: Nháp" in body and "Quý I năm 2025" not in body.split('id="open-reports"')[1]
    assert Unit.objects.get(pk=skhdt.pk).valid_to is None and not Succession.objects.exists()  # nothing written yet

    done = client.post(url, _merge_post(stc, skhdt, step="apply"))
    assert done.status_code == 302
    skhdt.refresh_from_db()
    assert skhdt.valid_to == date(2025, 2, 28) and Unit.objects.get(pk=stc.pk).valid_to is None
    assert [(s.predecessor.code, s.successor.code, s.date, s.kind) for s in Succession.objects.all()] == [
        ("SKHDT", "STC", date(2025, 3, 1), "merge")]
    assert set(officer_skhdt.units.values_list("code", flat=True)) == {"SKHDT", "STC"}
    assert list(officer_stc.units.values_list("code", flat=True)) == ["STC"]
    # Kept, never deleted; no longer on the board of 2025-Q2.
    assert Report.objects.filter(unit=skhdt).count() == 2
    assert not Unit.objects.in_period(q2).filter(pk=skhdt.pk).exists()
    assert set(LinhVuc.objects.filter(unit=stc).values_list("name", flat=True)) >= {
        "Thành lập và hoạt động doanh nghiệp", "Đầu tư tại Việt Nam"}
    history = LogEntry.objects.filter(object_id=str(skhdt.pk), content_type__model="unit").get()
    assert "kế tục là Sở Tài chính" in history.get_change_message() and "28/02/2025" in history.get_change_message()


def test_a_refused_merge_says_why_and_changes_nothing(client, superuser, stc, skhdt, quarters):
    client.force_login(superuser)
    body = text(client.post(reverse(LIST), _merge_post(stc, skhdt, step="confirm", new_code="SMOI",
                                                     new_name="Sở Mới (thử)")))
    assert "không cả hai" in body
    assert Unit.objects.get(pk=skhdt.pk).valid_to is None


def test_merge_into_a_new_unit(superuser, db):
    tnmt = make_unit("STNMT", "Sở Tài nguyên và Môi trường", ["Đất đai"])
    nn = make_unit("SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn", ["Trồng trọt"])
    plan = unit_services.unit_reorganise(kind="merge", predecessors=[tnmt, nn], date=date(2025, 3, 1),
                                         successors=[Unit(code="snnmt", name="Sở Nông nghiệp và Môi trường")],
                                         actor=superuser)
    new = Unit.objects.get(code="SNNMT")
    assert plan.new_units == [new] and new.valid_from == date(2025, 3, 1)
    assert set(new.linh_vuc.values_list("name", flat=True)) == {"Đất đai", "Trồng trọt"}
    assert set(Succession.objects.values_list("predecessor__code", "successor__code")) == {
        ("STNMT", "SNNMT"), ("SNNPTNT", "SNNMT")}


def test_rename_is_a_new_unit_and_past_reports_keep_the_old_name(client, superuser, db):
    bdt = make_unit("BDT", "Ban Dân tộc", ["Công tác dân tộc"])
    officer = make_user("bdt", units=[bdt])
    client.force_login(superuser)
    post = {"action": "reorganise", "_selected_action": [str(bdt.pk)], "kind": "rename", "date": "01/03/2025",
            "new_code": "SDTTG", "new_name": "Sở Dân tộc và Tôn giáo", "new_kind": "so"}
    assert "“đến ngày” thành <strong>28/02/2025</strong>" in text(client.post(reverse(LIST), {**post, "step": "confirm"}))
    assert client.post(reverse(LIST), {**post, "step": "apply"}).status_code == 302
    new = Unit.objects.get(code="SDTTG")
    assert Unit.objects.get(pk=bdt.pk).name == "Ban Dân tộc" and new.valid_from == date(2025, 3, 1)
    assert Succession.objects.get().kind == "rename"
    assert set(officer.units.values_list("code", flat=True)) == {"BDT", "SDTTG"}


def test_split_into_two_new_units(client, superuser, db):
    old = make_unit("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch")
    client.force_login(superuser)
    post = {"action": "reorganise", "_selected_action": [str(old.pk)], "kind": "split", "date": "01/07/2025",
            "parts": "SVHTT; Sở Văn hóa và Thể thao\nSDL; Sở Du lịch", "step": "apply"}
    assert client.post(reverse(LIST), post).status_code == 302
    assert set(Succession.objects.values_list("successor__code", "kind")) == {("SVHTT", "split"), ("SDL", "split")}
    assert Unit.objects.get(pk=old.pk).valid_to == date(2025, 6, 30)


def test_a_dissolved_units_officer_reads_its_past_report_but_cannot_save_a_later_one(
        client, superuser, stc, skhdt, officer_skhdt, before_merger, good_forms):
    q1, q2 = before_merger
    unit_services.unit_reorganise(kind="merge", predecessors=[skhdt], successors=[stc], date=date(2025, 3, 1),
                                  actor=superuser)
    client.force_login(officer_skhdt)
    assert client.get(reverse("report", args=[q1.code, "SKHDT"])).status_code == 200
    later = Report.objects.get(unit=skhdt, period=q2)
    forms = {"II.06a": {"rows": [{"linh_vuc": "Đầu tư tại Việt Nam", "c4": 5, "c9": 5}]}}
    response = client.post(reverse("report", args=[q2.code, "SKHDT"]), form_post(forms, later.version))
    assert response.status_code == 302
    later.refresh_from_db()
    assert later.version == 1 and later.status == S.DRAFT  # nothing saved
    # …while the same officer now types STC's report of 2025-Q2.
    response = client.post(reverse("report", args=[q2.code, "STC"]), form_post(good_forms, 0))
    assert Report.objects.filter(unit=stc, period=q2).exists(), text(response)[:500]
