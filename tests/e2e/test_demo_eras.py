"""Issue 12, as the provincial reviewer sees the demo: the board of 2023 lists the departments and
districts of then, the board of the open quarter the merged departments and the communes."""
import pytest
from django.core.management import call_command

from reports.models import ReportingPeriod

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

COMMUNE_PREFIXES = ("P", "X", "DK")  # the demo's phường, xã, đặc khu codes


def board_codes(page):
    return page.locator("#board tbody tr[data-unit]").evaluate_all("rows => rows.map(r => r.dataset.unit)")


def kind_filters(page):
    return [text.strip() for text in page.get_by_text("Loại đơn vị:").locator("xpath=..").locator("a").all_inner_texts()]


def test_reviewer_walks_the_board_of_2023_and_of_the_open_quarter(page):
    call_command("load_demo", verbosity=0)
    open_quarter = ReportingPeriod.objects.get(is_open=True, kind__startswith="Q")
    login(page, "tonghop")

    # 2023-Q3: the departments before the mergers and the districts, with their reports.
    page.goto("/theo-doi/2023-Q3/")
    codes = board_codes(page)
    assert {"SKHDT", "STC", "SGTVT", "NHATRANG", "CAMRANH", "TRUONGSA"} <= set(codes)
    assert not [code for code in codes if code.startswith(COMMUNE_PREFIXES)]
    assert "UBND thành phố Nha Trang" in page.locator('#board tr[data-unit="NHATRANG"]').inner_text()
    assert "Đã duyệt" in page.locator('#board tr[data-unit="SKHDT"]').inner_text()
    assert kind_filters(page) == ["Tất cả", "Sở, ban, ngành", "UBND cấp huyện"]

    # The open quarter, picked in the period list: today's structure.
    page.select_option("#period-picker select", label=f"{open_quarter.label} (đang mở)")
    page.wait_for_url(f"**/theo-doi/{open_quarter.code}/")
    codes = board_codes(page)
    assert "SKHDT" not in codes and "NHATRANG" not in codes
    assert {"STC", "SNNMT", "SDTTG", "PNHATRANG", "XDIENKHANH", "DKTRUONGSA"} <= set(codes)
    assert len([code for code in codes if code.startswith(COMMUNE_PREFIXES)]) >= 12
    assert "UBND phường Nha Trang (dữ liệu mẫu)" in page.locator('#board tr[data-unit="PNHATRANG"]').inner_text()
    filters = kind_filters(page)
    assert "UBND cấp huyện" not in filters
    assert {"UBND phường", "UBND xã", "UBND đặc khu"} <= set(filters)
    # Not empty: some communes have reported.
    assert "Đã duyệt" in page.locator('#board tr[data-unit="PNHATRANG"]').inner_text()
    assert "Đã gửi" in page.locator('#board tr[data-unit="XDIENKHANH"]').inner_text()

    # The filter by kind keeps only the phường.
    page.get_by_role("link", name="UBND phường", exact=True).click()
    page.wait_for_url("**loai=phuong")
    assert board_codes(page) and all(code.startswith("P") for code in board_codes(page))

    # The consolidation of the open quarter shows an approved commune report.
    page.goto(f"/tong-hop/{open_quarter.code}/")
    assert "UBND phường Nha Trang (dữ liệu mẫu)" in page.content()
