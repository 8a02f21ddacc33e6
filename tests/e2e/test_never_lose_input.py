"""Nothing an officer types is ever lost: a save with errors is kept, the page autosaves, a closed
tab or a lost network gives back what was typed, two tabs never overwrite each other, and one
save shows every error and warning at once."""
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError

from reports.models import Report

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def quick_autosave(settings):
    settings.AUTOSAVE_PAUSE_MS = 300


def report_url(period):
    return f"/bao-cao/{period.code}/STC/"


def cell(page, form, section, row, key):
    return page.locator(f'table[data-form="{form}"][data-section="{section}"] tbody tr[data-row]').nth(row) \
        .locator(f'[name$="|{key}"]').first


def open_report(page, period, tab="II.06a"):
    page.goto(report_url(period))
    page.click(f"button[data-tab='{tab}']")


def wait_for_autosave(page):
    page.locator("[data-autosave-status]", has_text="Đã lưu tự động lúc").wait_for()


def test_a_save_with_errors_is_kept_and_the_guard_asks_before_leaving(page, officer_stc, period):
    login(page, "stc")
    open_report(page, period)
    cell(page, "II.06a", "rows", 0, "c4").fill("55%")
    cell(page, "II.06a", "rows", 0, "c5").fill("41")
    cell(page, "II.06a", "rows", 1, "c5").fill("2.718")
    page.click("button[value=save]")
    page.wait_for_load_state()
    assert "Còn 1 lỗi" in page.locator("#error-summary").inner_text()
    assert "còn lỗi" in page.locator("#working-copy").inner_text()

    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("link", name="Trang chủ").click()
    page.wait_for_url("**/")
    assert asked and "chưa “Lưu nháp”" in asked[0] and "còn lỗi" in asked[0]

    open_report(page, period)
    assert cell(page, "II.06a", "rows", 0, "c4").input_value() == "55%"
    assert cell(page, "II.06a", "rows", 0, "c5").input_value() == "41"
    assert cell(page, "II.06a", "rows", 1, "c5").input_value() == "2.718"
    assert "không nhập tỷ lệ %" in page.locator("#error-summary").inner_text()


def test_dismissing_the_guard_stays_on_the_page(page, officer_stc, period):
    login(page, "stc")
    open_report(page, period)
    page.evaluate("() => { window.fetch = () => new Promise(() => {}); }")  # no autosave: the edit stays unsaved
    cell(page, "II.06a", "rows", 0, "c5").fill("12")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("link", name="Trang chủ").click()
    page.wait_for_timeout(300)
    assert page.url.endswith(report_url(period))
    assert cell(page, "II.06a", "rows", 0, "c5").input_value() == "12"


def test_leaving_by_the_pages_other_forms_asks_once_in_words(page, officer_stc, period):
    """Discarding the working copy, or logging out with typing not yet saved, asks once, in
    Vietnamese, not again in the browser's own box; a "no" to the logout keeps everything."""
    login(page, "stc")
    open_report(page, period)
    cell(page, "II.06a", "rows", 0, "c4").fill("55%")
    page.click("button[value=save]")
    page.locator("#working-copy").wait_for()
    dialogs, answers = [], []  # what each dialog said; how to answer the next ones (else yes)

    def answer(dialog):
        dialogs.append((dialog.type, dialog.message))
        dialog.accept() if (answers.pop(0) if answers else True) else dialog.dismiss()

    page.on("dialog", answer)
    page.click("#working-copy button[type=submit]")  # "Bỏ các thay đổi này"
    page.locator(".alert-success").wait_for()
    assert page.locator("#working-copy").count() == 0
    assert [kind for kind, _ in dialogs] == ["confirm"] and dialogs[0][1].startswith("Bỏ mọi thay đổi chưa lưu")

    page.evaluate("() => { window.fetch = () => new Promise(() => {}); }")  # no autosave: the edit stays unsaved
    page.click("button[data-tab='II.06a']")
    cell(page, "II.06a", "rows", 0, "c5").fill("12")
    dialogs.clear()
    logout = page.get_by_role("button", name="Đăng xuất")
    answers.append(False)
    logout.click()
    page.wait_for_timeout(300)
    assert page.url.endswith(report_url(period)) and cell(page, "II.06a", "rows", 0, "c5").input_value() == "12"
    assert page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('tthc:')).length") == 1
    logout.click()
    page.wait_for_url("**/dang-nhap/**")
    assert [kind for kind, _ in dialogs] == ["confirm", "confirm"]
    assert "thay đổi chưa lưu" in dialogs[-1][1]


def test_autosave_survives_a_closed_tab(page, officer_stc, period):
    login(page, "stc")
    open_report(page, period)
    cell(page, "II.06a", "rows", 0, "c5").fill("77")
    narrative = page.locator("textarea[name='narrative|I.1']")
    page.click("button[data-tab='bao-cao']")
    narrative.fill("Đã rà soát 12 dự thảo.")
    wait_for_autosave(page)
    report = Report.objects.get(unit__code="STC", period=period)
    assert report.working_copy["forms"]["II.06a"]["rows"][0]["c5"] == "77"
    assert not report.revisions.exists()  # the figures themselves change only with "Lưu nháp"

    context = page.context
    page.close()
    again = context.new_page()
    open_report(again, period)
    assert cell(again, "II.06a", "rows", 0, "c5").input_value() == "77"
    assert again.locator("textarea[name='narrative|I.1']").input_value() == "Đã rà soát 12 dự thảo."
    assert "bản đang nhập" in again.locator("#working-copy").inner_text()


def test_closing_the_tab_before_the_autosave_sends_what_was_typed(page, officer_stc, period, settings):
    settings.AUTOSAVE_PAUSE_MS = 60_000  # no autosave of its own before the tab closes
    login(page, "stc")
    open_report(page, period)
    cell(page, "II.06a", "rows", 0, "c5").fill("44")
    assert not Report.objects.exists()
    page.close()  # the closing page's last request (report_form.js, pagehide) outlives it

    deadline = time.monotonic() + 10
    while not Report.objects.filter(working_copy__isnull=False).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    report = Report.objects.get(unit__code="STC", period=period)
    assert report.working_copy["forms"]["II.06a"]["rows"][0]["c5"] == "44"


def test_a_lost_network_keeps_the_typing_in_the_browser(page, officer_stc, period):
    login(page, "stc")
    open_report(page, period)
    page.context.set_offline(True)
    typed_at = timezone.localtime()  # the province's time; the browser's clock is in UTC
    cell(page, "II.06a", "rows", 0, "c5").fill("33")
    page.locator("[data-autosave-status]", has_text="Chưa lưu tự động được").wait_for()
    # The tab dies (a crash, a computer switched off) before the network comes back. Not closed:
    # a closing page sends a last keepalive autosave (report_form.js, pagehide), which Chromium
    # lets through once the page, and with it the emulated network loss, is gone.
    context = page.context
    with page.expect_event("crash"), pytest.raises(PlaywrightError, match="ERR_ABORTED"):
        page.goto("chrome://crash")  # Chromium's own way to crash a tab: no pagehide, no last request
    page.close()
    context.set_offline(False)
    assert not Report.objects.exists()

    again = context.new_page()
    open_report(again, period)
    assert cell(again, "II.06a", "rows", 0, "c5").input_value() == "0"
    banner = again.locator("#local-copy").inner_text()
    assert any(f"lúc {t:%H:%M %d/%m/%Y} mà máy chủ chưa nhận" in banner
               for t in (typed_at, typed_at + timedelta(minutes=1))), banner
    again.get_by_role("button", name="Khôi phục dữ liệu này").click()
    again.locator("#working-copy").wait_for()
    again.click("button[data-tab='II.06a']")
    assert cell(again, "II.06a", "rows", 0, "c5").input_value() == "33"
    assert again.locator("#local-copy").count() == 0


def test_the_browser_offers_back_only_what_the_server_did_not_receive(page, officer_stc, period):
    """After a save the server has what was typed, though its page shows it in its own way (the
    count typed 2.718 back as 2718, the explanation boxes of the warnings the save raised, another
    tab open, no box for the explanation of a warning the save dropped): the browser's copy is not
    offered as typing the server never received."""
    login(page, "stc")
    open_report(page, period)
    cell(page, "II.06a", "rows", 0, "c5").fill("2.718")
    page.click("button[value=save]")
    page.locator(".alert-success", has_text="Đã lưu nháp").wait_for()
    assert cell(page, "II.06a", "rows", 0, "c5").input_value() == "2718"
    assert page.locator("textarea[name^='expl|II.06a.balance|']").count() >= 1  # not on the page typed in
    page.wait_for_load_state()  # the page's script has looked at the browser's copy
    assert page.locator("#local-copy").count() == 0

    # Typed on one tab, saved from another: the page comes back on the latter.
    page.click("button[data-tab='II.06a']")
    cell(page, "II.06a", "rows", 1, "c5").fill("7")
    page.click("button[data-tab='II.04']")
    page.click("button[value=save]")
    page.wait_for_url("**?tab=II.04")  # after the page's load
    page.locator(".alert-success", has_text="Đã lưu nháp").wait_for()
    assert page.locator("#local-copy").count() == 0

    # A warning explained, then its figures corrected: the save drops the warning and its box.
    explanation = "textarea[name='expl|II.06a.balance|II.06a|rows|1']"
    page.click("button[data-tab='canh-bao']")
    page.fill(explanation, "Hồ sơ tiếp nhận cuối kỳ, đang thẩm định.")
    page.click("button[value=save]")
    page.locator(".alert-success", has_text="Đã lưu nháp").wait_for()
    page.click("button[data-tab='II.06a']")
    cell(page, "II.06a", "rows", 0, "c9").fill("2718")
    page.click("button[value=save]")
    page.locator(".alert-success", has_text="Đã lưu nháp").wait_for()
    assert page.locator(explanation).count() == 0
    page.wait_for_load_state()
    assert page.locator("#local-copy").count() == 0


def test_two_tabs_the_older_one_stops_and_nothing_of_the_newer_is_lost(page, officer_stc, period):
    login(page, "stc")
    open_report(page, period)
    other = page.context.new_page()
    open_report(other, period)

    cell(page, "II.06a", "rows", 0, "c5").fill("11")
    wait_for_autosave(page)
    cell(other, "II.06a", "rows", 0, "c5").fill("22")
    stopped = other.locator("#autosave-stopped")
    stopped.wait_for()
    assert "Tự động lưu đã dừng" in stopped.inner_text() and "vừa được" in stopped.inner_text()
    version = Report.objects.get().version
    cell(other, "II.06a", "rows", 1, "c5").fill("5")  # no more autosaves from the older tab
    other.wait_for_timeout(800)
    assert Report.objects.get().version == version
    assert cell(other, "II.06a", "rows", 0, "c5").input_value() == "22"  # still on its page

    with page.expect_response(lambda response: "/luu-tu-dong/" in response.url) as autosaved:
        cell(page, "II.06a", "rows", 1, "c5").fill("3")  # the newer tab goes on saving
    assert autosaved.value.status == 200
    rows = Report.objects.get().working_copy["forms"]["II.06a"]["rows"]
    assert (rows[0]["c5"], rows[1]["c5"]) == ("11", "3")


def test_one_save_shows_every_error_and_warning_and_links_to_the_cell(page, officer_stc, period):
    login(page, "stc")
    open_report(page, period)
    cell(page, "II.06a", "rows", 0, "c4").fill("55%")  # error: a rate in a count
    cell(page, "II.06a", "rows", 1, "c5").fill("10")  # warning: 10 received, none resolved or pending
    page.click("button[data-tab='II.07b']")
    cell(page, "II.07b", "rows", 0, "c4").fill("2")
    cell(page, "II.07b", "rows", 0, "c8").fill("3")  # warning: 3 at the desk > 2 TTHC of the level
    cell(page, "II.07b", "bon_tai_cho", 0, "c3").fill("3")  # error: "4 tại chỗ" at 150 %
    page.click("button[value=save]")
    page.wait_for_load_state()

    summary = page.locator("#error-summary")
    assert "Còn 2 lỗi" in summary.inner_text()
    assert "không nhập tỷ lệ %" in summary.inner_text()
    assert "(tỷ lệ trên 100%)" in summary.inner_text()
    page.click("button[data-tab='canh-bao']")
    codes = page.locator("[data-warning]").evaluate_all("cards => cards.map(c => c.dataset.warning)")
    assert sorted(codes) == ["II.03b.total_vs_07b", "II.06a.balance", "II.07b.one_stop_level"]
    assert page.locator(".alert", has_text="Còn 2 lỗi").count() == 1  # the summary appears once

    summary.get_by_role("link").first.click()
    page.wait_for_function("() => document.activeElement && document.activeElement.name === 'II.06a|rows|0|c4'")
    assert page.locator("button[data-tab='II.06a']").get_attribute("aria-selected") == "true"
