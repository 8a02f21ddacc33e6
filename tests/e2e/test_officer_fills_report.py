"""Acceptance of the data entry: the demo officer of Sở Tài chính fills and submits a quarter."""
import pytest
from django.core.management import call_command

from reports.models import Report, ReportingPeriod

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def cell(page, form, section, row, key):
    return page.locator(f'table[data-form="{form}"][data-section="{section}"] tbody tr[data-row]').nth(row) \
        .locator(f'[name$="|{key}"], td[data-col="{key}"]').first


def computed(page, form, section, row, key):
    return page.locator(f'table[data-form="{form}"][data-section="{section}"] tbody tr[data-row]').nth(row) \
        .locator(f'td[data-col="{key}"] [data-value]')


def total(page, form, section, key):
    return page.locator(f'table[data-form="{form}"][data-section="{section}"] tfoot td[data-total="{key}"] [data-value]')


def test_officer_fills_checks_explains_and_submits(page):
    call_command("load_demo", verbosity=0)
    period = ReportingPeriod.objects.get(is_open=True, kind__startswith="Q")
    login(page, "stc")

    # The home page lists the open quarter; open the report.
    page.get_by_role("link", name="Nhập báo cáo").first.click()
    page.wait_for_url(f"**/bao-cao/{period.code}/STC/")
    page.click("button[data-tab='II.06a']")

    # Two lĩnh vực; (6) is pre-filled from last quarter, whatever it is, read it from the page.
    rows = page.locator('table[data-form="II.06a"] tbody tr[data-row]').count()
    carried = [int(cell(page, "II.06a", "rows", i, "c6").input_value() or 0) for i in range(rows)]
    for i in range(2, rows):  # the other lĩnh vực: last quarter's pending files still pending
        cell(page, "II.06a", "rows", i, "c12").fill(str(carried[i]))
    figures = [
        {"c4": 10, "c5": 1200, "c8": 800, "c9": 300, "c10": 10, "c12": 90, "c13": 10},
        {"c4": 5, "c5": 20, "c8": 10, "c9": 10, "c10": 0, "c12": 5, "c13": 0},
    ]
    for i, values in enumerate(figures):
        values["c12"] += carried[i]  # keep each row balanced: (3) = (7) + (11)
        for key, value in values.items():
            cell(page, "II.06a", "rows", i, key).fill(str(value))

    # Computed columns and TỔNG CỘNG appear as the officer types, in Vietnamese numbers.
    received = [1210 + carried[0], 25 + carried[1]]
    assert computed(page, "II.06a", "rows", 0, "c3").inner_text().strip() == f"{received[0]:,}".replace(",", ".")
    assert computed(page, "II.06a", "rows", 0, "c7").inner_text().strip() == "1.110"
    assert computed(page, "II.06a", "rows", 0, "c11").inner_text().strip() == f"{100 + carried[0]:,}".replace(",", ".")
    grand = sum(received) + sum(carried[2:])
    assert total(page, "II.06a", "rows", "c3").inner_text().strip() == f"{grand:,}".replace(",", ".")
    assert total(page, "II.06a", "rows", "c7").inner_text().strip() == "1.130"

    # A percentage in a count and 2 in II.08 (9): two Vietnamese errors next to those cells.
    cell(page, "II.06a", "rows", 1, "c5").fill("55%")
    page.click("button[data-tab='II.08']")
    cell(page, "II.08", "rows", 0, "c9").fill("2")
    page.click("button[value=save]")
    page.wait_for_load_state()
    assert "Còn 2 lỗi" in page.locator("#error-summary").inner_text()
    page.click("button[data-tab='II.06a']")
    error_06a = cell(page, "II.06a", "rows", 1, "c5").locator("xpath=..").locator(".cell-error")
    assert "không nhập tỷ lệ %" in error_06a.inner_text()
    assert cell(page, "II.06a", "rows", 1, "c5").input_value() == "55%"  # nothing typed is lost
    assert cell(page, "II.06a", "rows", 0, "c5").input_value() == "1200"
    page.click("button[data-tab='II.08']")
    error_08 = cell(page, "II.08", "rows", 0, "c9").locator("xpath=..").locator(".cell-error")
    assert "chỉ nhập 1 (có tích hợp) hoặc 0" in error_08.inner_text()
    # Kept as the working copy, marked "còn lỗi"; the report itself has no figures yet.
    report = Report.objects.get(unit__code="STC", period=period)
    assert report.has_errors and not report.revisions.exists()
    assert "còn lỗi" in page.locator("h1 + div").inner_text()

    # Fix both; unbalance the first row: (3) ≠ (7) + (11).
    cell(page, "II.08", "rows", 0, "c9").fill("1")
    page.click("button[data-tab='II.06a']")
    cell(page, "II.06a", "rows", 1, "c5").fill("20")
    cell(page, "II.06a", "rows", 0, "c8").fill("790")
    page.click("button[value=save]")
    page.wait_for_load_state()
    assert "Đã lưu nháp" in page.content()
    page.click("button[data-tab='canh-bao']")
    warning = page.locator('[data-warning="II.06a.balance"]')
    assert "khác số đã giải quyết (7)" in warning.inner_text()

    # Submitting without an explanation is refused; with one, it goes through.
    page.on("dialog", lambda dialog: dialog.accept())  # "Gửi báo cáo …?"
    page.click("button[value=submit]")
    page.wait_for_load_state()
    assert "chưa có giải trình" in page.content()
    page.click("button[data-tab='canh-bao']")
    unexplained = page.locator('[data-warning="II.06a.balance"] [data-unexplained]')
    assert unexplained.is_visible()  # the box to fill, among the warnings
    page.locator('[data-warning="II.06a.balance"] textarea').fill("10 hồ sơ chuyển Sở Xây dựng giải quyết.")
    assert unexplained.is_hidden()
    page.click("button[value=submit]")
    page.wait_for_load_state()
    assert "Đã gửi báo cáo" in page.content()
    report = Report.objects.get(unit__code="STC", period=period)
    assert report.status == Report.Status.SUBMITTED
    assert page.locator('input[name$="|c4"]').count() == 0  # read-only once submitted
    page.click("button[data-tab='II.06a']")
    assert total(page, "II.06a", "rows", "c7").inner_text().strip() == "1.120"  # the server's totals stand
