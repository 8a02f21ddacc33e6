"""Acceptance of the provincial office's side: submit, return with a reason, correct, resubmit,
see the change highlighted, approve; the board and the consolidation show it."""
import pytest
from django.core.management import call_command

from reports.models import Report, ReportingPeriod

from .conftest import answer_next_dialog, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def logout(page):
    page.click("text=Đăng xuất")
    page.wait_for_url("**/dang-nhap/")


def balance_every_row(page):
    """Make each II.06a row balance whatever was carried over: pending = carried + received."""
    rows = page.locator('table[data-form="II.06a"] tbody tr[data-row]')
    for i in range(rows.count()):
        row = rows.nth(i)
        carried = int(row.locator('[name$="|c6"]').input_value() or 0)
        row.locator('[name$="|c5"]').fill("10")
        row.locator('[name$="|c9"]').fill("8")
        row.locator('[name$="|c12"]').fill(str(carried + 2))


def test_return_correct_resubmit_approve(page):
    call_command("load_demo", verbosity=0)
    period = ReportingPeriod.objects.get(is_open=True, kind__startswith="Q")

    # The officer of Sở Tài chính submits.
    login(page, "stc")
    page.goto(f"/bao-cao/{period.code}/STC/")
    page.click("button[data-tab='II.06a']")
    balance_every_row(page)
    asked = answer_next_dialog(page, accept=False)  # "Gửi báo cáo" asks first: cancelled, nothing sent
    page.click("button[value=submit]")
    assert asked == [f"Gửi báo cáo {period.label} của Sở Tài chính tới Văn phòng UBND tỉnh? Sau khi gửi, "
                     "báo cáo không sửa được nữa, trừ khi bị trả lại."]
    assert not Report.objects.filter(unit__code="STC", period=period, status=Report.Status.SUBMITTED).exists()
    answer_next_dialog(page)
    page.click("button[value=submit]")
    page.wait_for_load_state()
    assert "Đã gửi báo cáo" in page.content()
    logout(page)

    # The reviewer sees it on the board and returns it with a reason.
    login(page, "tonghop")
    assert "Đã gửi" in page.locator('#board tr[data-unit="STC"]').inner_text()
    page.locator('#board tr[data-unit="STC"] a').click()
    page.fill("#return-reason", "Dòng Quản lý công sản: số hồ sơ trực tiếp phải là 12.")
    page.click("#review-actions button.btn-warning")
    page.wait_for_load_state()
    assert "Đã trả lại báo cáo" in page.content()
    logout(page)

    # The officer reads the reason, corrects the figure and resubmits.
    login(page, "stc")
    page.goto(f"/bao-cao/{period.code}/STC/")
    assert "số hồ sơ trực tiếp phải là 12" in page.locator("#returned-reason").inner_text()
    page.click("button[data-tab='II.06a']")
    row = page.locator('table[data-form="II.06a"] tbody tr[data-row]').first
    row.locator('[name$="|c5"]').fill("12")
    row.locator('[name$="|c9"]').fill("10")
    answer_next_dialog(page)
    page.click("button[value=submit]")
    page.wait_for_load_state()
    assert "Đã gửi báo cáo" in page.content()
    logout(page)

    # The reviewer sees the figure highlighted as changed, approves.
    login(page, "tonghop")
    page.goto(f"/bao-cao/{period.code}/STC/")
    assert "cột (5): 10 → 12" in page.locator("#changes").inner_text()
    page.click("button[data-tab='II.06a']")
    changed = page.locator('table[data-form="II.06a"] tbody tr[data-row]').first.locator("td.changed")
    assert changed.count() == 4  # (3), (5), (7), (9)
    asked = answer_next_dialog(page)
    page.click("#review-actions button.btn-success")
    page.wait_for_load_state()
    assert "Đã duyệt báo cáo" in page.content()
    assert asked and asked[0].startswith(f"Duyệt báo cáo {period.label} của Sở Tài chính?")
    assert Report.objects.get(unit__code="STC", period=period).status == Report.Status.APPROVED

    # The board and the consolidation show it.
    page.goto(f"/theo-doi/{period.code}/")
    assert "Đã duyệt" in page.locator('#board tr[data-unit="STC"]').inner_text()
    page.goto(f"/tong-hop/{period.code}/")
    assert "Sở Tài chính" in page.content()
    logout(page)

    # Read-only for the officer now.
    login(page, "stc")
    page.goto(f"/bao-cao/{period.code}/STC/")
    assert "đã được duyệt" in page.content()
    assert page.locator('input[name$="|c5"]').count() == 0
