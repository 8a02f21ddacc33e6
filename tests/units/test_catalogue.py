"""A unit's lĩnh vực catalogue: what an import proposes, what the admin accepts, retires and merges,
and the admin's pages that stay fast with thousands of entries (issue 11, item 4)."""
import html
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import services
from reports.models import Report
from tests.conftest import form_post, make_unit, save_report, text
from units import services as catalogue
from units.models import LinhVuc

CHANGELIST = "admin:units_linhvuc_changelist"


@pytest.fixture
def admin(admin_user):
    admin_user.is_superuser = True
    admin_user.save()
    return admin_user


def import_forms(unit, period, forms, actor):
    document = {"format": "tthc-report/1", "unit": unit.code, "period": period.code, "forms": forms}
    return services.report_import(document=document, actor=actor)


def offered(client, period, unit):
    """The lĩnh vực the report page suggests when the officer types a name."""
    body = text(client.get(reverse("report", args=[period.code, unit.code])))
    datalist = re.search(r'<datalist id="catalogue">(.*?)</datalist>', body, re.S).group(1)
    return [html.unescape(name) for name in re.findall(r'<option value="([^"]*)">', datalist)]


def entry(unit, name):
    return LinhVuc.objects.get(unit=unit, name=name)


def act(client, action, entries, **extra):
    """Run an admin action of the lĩnh vực list on `entries`, as the list's form sends it."""
    data = {"action": action, "_selected_action": [e.pk for e in entries], "index": 0, **extra}
    return client.post(reverse(CHANGELIST), data, follow=True)


def with_new_linh_vuc(forms, *names):
    for name in names:
        forms["II.06a"]["rows"].append({"linh_vuc": name, "c5": 1, "c12": 1})
    return forms


# ---------------------------------------------------------------------------------------------
# Proposed, accepted


def test_an_import_proposes_its_new_lĩnh_vực_and_the_page_does_not_offer_them(
        client, stc, period, officer_stc, good_forms):
    document = {"format": "tthc-report/1", "unit": "STC", "period": period.code,
                "forms": with_new_linh_vuc(good_forms, "Tin học hóa", "Tin hoc hoa")}
    checked = services.report_import(document=document, actor=officer_stc, dry_run=True)
    assert not LinhVuc.objects.filter(name="Tin học hóa").exists()  # a dry run proposes nothing
    assert "chỉ được gợi ý trên trang báo cáo sau khi Quản trị chấp nhận" in checked.warnings[-1].message

    result = services.report_import(document=document, actor=officer_stc)

    assert result.saved
    [notice] = [w for w in result.warnings if w.code == "catalogue.new_linh_vuc"]
    assert "Tệp có 2 lĩnh vực chưa có trong danh mục lĩnh vực của Sở Tài chính" in notice.message
    assert "chỉ được gợi ý trên trang báo cáo sau khi Quản trị chấp nhận" in notice.message
    assert [entry(stc, n).state for n in ("Tin học hóa", "Tin hoc hoa")] == [LinhVuc.State.PROPOSED] * 2
    client.force_login(officer_stc)
    assert offered(client, period, stc) == ["Quản lý công sản", "Quản lý giá", "Đăng ký mã số",
                                            "Tài chính doanh nghiệp"]
    # Importing the file again still says they wait for the admin.
    again = import_forms(stc, period, with_new_linh_vuc(good_forms, "Tin học hóa"), officer_stc)
    assert any("“Tin học hóa”" in w.message for w in again.warnings if w.code == "catalogue.new_linh_vuc")


def test_the_admin_accepts_a_proposed_lĩnh_vực_and_the_page_offers_it(client, admin, stc, period, officer_stc,
                                                                       good_forms):
    import_forms(stc, period, with_new_linh_vuc(good_forms, "Tin học hóa"), officer_stc)
    client.force_login(admin)

    body = text(act(client, "accept", [entry(stc, "Tin học hóa")]))

    assert "Đã đưa 1 lĩnh vực vào dùng." in body
    assert LogEntry.objects.get(object_id=str(entry(stc, "Tin học hóa").pk)).change_message.startswith(
        "Chấp nhận lĩnh vực đề xuất")
    client.force_login(officer_stc)
    assert "Tin học hóa" in offered(client, period, stc)


def test_saving_an_imported_report_on_the_page_does_not_accept_its_lĩnh_vực(client, stc, period, officer_stc,
                                                                             good_forms):
    import_forms(stc, period, with_new_linh_vuc(good_forms, "Tin học hóa"), officer_stc)
    client.force_login(officer_stc)
    good_forms["II.06a"]["rows"][1].update(c4=378, c9=378)  # the officer corrects another row

    client.post(reverse("report", args=[period.code, stc.code]), form_post(good_forms, 1))

    assert Report.objects.get().version == 2
    assert entry(stc, "Tin học hóa").state == LinhVuc.State.PROPOSED


def test_a_proposed_lĩnh_vực_the_officer_types_on_the_page_is_in_use(client, stc, period, officer_stc,
                                                                     good_forms):
    import_forms(stc, period, good_forms, officer_stc)
    LinhVuc.objects.create(unit=stc, name="Tin học hóa", state=LinhVuc.State.PROPOSED)
    client.force_login(officer_stc)

    client.post(reverse("report", args=[period.code, stc.code]),
                form_post(with_new_linh_vuc(good_forms, "Tin học hóa"), 1))

    assert entry(stc, "Tin học hóa").state == LinhVuc.State.ACTIVE
    assert "Tin học hóa" in offered(client, period, stc)


# ---------------------------------------------------------------------------------------------
# Retired


def test_a_retired_lĩnh_vực_is_no_longer_offered_and_past_reports_keep_their_rows(
        client, admin, stc, previous_period, period, officer_stc, reviewer, good_forms):
    approved = save_report(stc, previous_period, good_forms, actor=officer_stc)
    services.report_submit(report=approved, actor=officer_stc)
    services.report_approve(report=approved, actor=reviewer)
    client.force_login(admin)

    body = text(act(client, "retire", [entry(stc, "Quản lý giá"), entry(stc, "Quản lý công sản")]))

    assert "Đã ngừng dùng 2 lĩnh vực" in body
    client.force_login(officer_stc)
    assert offered(client, period, stc) == ["Đăng ký mã số", "Tài chính doanh nghiệp"]
    assert list(approved.row06a_set.values_list("label", flat=True)) == ["Quản lý công sản", "Đăng ký mã số"]
    # An import naming a retired lĩnh vực says so.
    result = import_forms(stc, period, good_forms, officer_stc)
    assert any("đã ngừng dùng" in w.message and "“Quản lý công sản”" in w.message for w in result.warnings)


# ---------------------------------------------------------------------------------------------
# Merged


def merge_in_admin(client, entries, into):
    """The merge action: its confirmation page, then the choice of the entry to merge into."""
    page = text(act(client, "merge", entries))
    assert "Gộp vào lĩnh vực" in page and f'value="{into.pk}"' in page
    return text(client.post(reverse(CHANGELIST), {
        "action": "merge", "_selected_action": [e.pk for e in entries], "post": "yes", "into": into.pk,
    }, follow=True))


def test_a_merge_renames_the_rows_of_a_draft_and_leaves_an_approved_report(
        client, admin, stc, previous_period, period, officer_stc, reviewer, good_forms):
    approved = save_report(stc, previous_period, good_forms, actor=officer_stc)
    services.report_submit(report=approved, actor=officer_stc)
    services.report_approve(report=approved, actor=reviewer)
    draft = save_report(stc, period, good_forms, actor=officer_stc)
    client.force_login(admin)

    body = merge_in_admin(client, [entry(stc, "Quản lý công sản")], into=entry(stc, "Quản lý giá"))

    assert "Đã gộp 1 lĩnh vực vào “Quản lý giá”; đã sửa tên các dòng trong 1 báo cáo đang nhập." in body
    assert "Ngừng dùng (đã gộp vào “Quản lý giá”)" in body
    assert list(draft.row06a_set.values_list("label", flat=True)) == ["Quản lý giá", "Đăng ký mã số"]
    assert list(draft.row08_set.values_list("label", flat=True)) == ["Quản lý giá"]
    assert list(approved.row06a_set.values_list("label", flat=True)) == ["Quản lý công sản", "Đăng ký mã số"]
    draft.refresh_from_db()
    assert draft.version == 2 and draft.revisions.get(version=2).actor == admin
    client.force_login(officer_stc)
    page = text(client.get(reverse("report", args=[period.code, stc.code])))
    assert 'value="Quản lý giá"' in page and 'value="Quản lý công sản"' not in page
    assert "Quản lý công sản" not in offered(client, period, stc)


def test_a_merge_that_would_give_a_draft_two_rows_of_one_lĩnh_vực_is_refused(
        client, admin, stc, period, officer_stc, good_forms):
    draft = save_report(stc, period, good_forms, actor=officer_stc)
    client.force_login(admin)

    body = merge_in_admin(client, [entry(stc, "Đăng ký mã số")], into=entry(stc, "Quản lý công sản"))

    assert "Không gộp được: báo cáo Quý III năm 2023 của Sở Tài chính có cả" in body
    assert entry(stc, "Đăng ký mã số").state == LinhVuc.State.ACTIVE
    assert list(draft.row06a_set.values_list("label", flat=True)) == ["Quản lý công sản", "Đăng ký mã số"]


def test_a_merge_of_other_units_or_into_itself_is_refused(client, admin, stc, skhdt, officer_stc):
    with pytest.raises(catalogue.CatalogueError, match="Chỉ gộp được các lĩnh vực của cùng một đơn vị"):
        catalogue.linh_vuc_merge(entries=[entry(skhdt, "Đầu tư tại Việt Nam")], into=entry(stc, "Quản lý giá"), actor=admin)
    with pytest.raises(catalogue.CatalogueError, match="Không gộp được lĩnh vực “Quản lý giá” vào chính nó"):
        catalogue.linh_vuc_merge(entries=[entry(stc, "Quản lý giá"), entry(stc, "Quản lý công sản")],
                       into=entry(stc, "Quản lý giá"), actor=admin)
    client.force_login(admin)
    body = text(act(client, "merge", [entry(skhdt, "Đầu tư tại Việt Nam"), entry(stc, "Quản lý giá")]))
    assert "Chỉ gộp được các lĩnh vực của cùng một đơn vị" in body
    assert not LinhVuc.objects.exclude(state=LinhVuc.State.ACTIVE).exists()


# ---------------------------------------------------------------------------------------------
# The admin's pages with thousands of entries


def unit_page(client, unit):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:units_unit_change", args=[unit.pk]))
    assert response.status_code == 200
    return text(response), len(queries)


def test_the_units_admin_page_links_to_its_catalogue_in_queries_that_do_not_grow(client, admin, stc):
    client.force_login(admin)
    unit_page(client, stc)  # the first request of a session also reads what it caches
    _, few = unit_page(client, stc)
    LinhVuc.objects.bulk_create(
        LinhVuc(unit=stc, name=f"Lĩnh vực nhập nhầm {n}", order=10 + n, state=LinhVuc.State.PROPOSED)
        for n in range(5000))

    body, many = unit_page(client, stc)

    assert many == few
    assert "Lĩnh vực nhập nhầm" not in body
    link = f'{reverse(CHANGELIST)}?unit__id__exact={stc.pk}'
    assert f'<a href="{link}">5.004 mục — xem và sửa</a>' in body
    assert "5.000 đề xuất chờ chấp nhận" in body


def test_the_catalogue_list_shows_100_entries_a_page(client, admin, stc):
    make_unit("SXD", "Sở Xây dựng", [f"Xây dựng {n}" for n in range(30)])
    LinhVuc.objects.bulk_create(LinhVuc(unit=stc, name=f"Lĩnh vực {n:03}", order=10 + n) for n in range(246))
    client.force_login(admin)

    first = text(client.get(reverse(CHANGELIST), {"unit__id__exact": stc.pk}))
    last = text(client.get(reverse(CHANGELIST), {"unit__id__exact": stc.pk, "p": 3}))

    assert first.count('name="_selected_action"') == 100
    assert last.count('name="_selected_action"') == 50  # 4 + 246 entries of STC, none of SXD
    assert "Danh mục lĩnh vực của STC — Sở Tài chính" in first
    assert "Xây dựng" not in first + last


def test_a_merge_renames_what_the_officer_typed_and_did_not_save(admin, stc, period, officer_stc, good_forms):
    draft = save_report(stc, period, good_forms, actor=officer_stc)
    good_forms["II.06a"]["rows"][0]["c5"] = "bốn mốt"  # an error: kept as the working copy only
    services.report_autosave(unit=stc, period=period, raw_forms=good_forms, narrative={}, explanations=[],
                             actor=officer_stc, expected_version=1)

    catalogue.linh_vuc_merge(entries=[entry(stc, "Quản lý công sản")], into=entry(stc, "Quản lý giá"), actor=admin)

    draft.refresh_from_db()
    assert draft.working_copy["forms"]["II.06a"]["rows"][0]["linh_vuc"] == "Quản lý giá"
    assert draft.has_errors and draft.version == 3
    assert list(draft.row06a_set.values_list("label", flat=True)) == ["Quản lý giá", "Đăng ký mã số"]
