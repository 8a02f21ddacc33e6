"""Issue 8: entry works by keyboard, on a phone and on paper."""
import pytest

from reports.models import Report
from tests.conftest import make_unit, save_report

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def no_autosave(page):
    """The page saves in the background what is typed (and once more as it closes, racing the
    test's teardown): not what these tests are about, and it would move the report's version."""
    page.add_init_script("""
        const fetchForReal = window.fetch;
        window.fetch = (url, init) => (init && init.method === "POST")
            ? Promise.reject(new TypeError("no autosave in this test")) : fetchForReal(url, init);
    """)


def report_url(report):
    return f"/bao-cao/{report.period.code}/{report.unit.code}/"


def open_06a(page, report):
    login(page, "stc")
    page.goto(report_url(report))
    page.click("button[data-tab='II.06a']")


def cell(page, name):
    return page.locator(f'[name="{name}"]')


def focused(page):
    return page.evaluate("document.activeElement.name")


def test_enter_goes_down_shift_enter_up_and_never_submits(page, stc_report, no_autosave):
    open_06a(page, stc_report)
    url, version = page.url, stc_report.version
    page.evaluate("window.stillHere = true")  # gone if the page navigates

    cell(page, "II.06a|rows|0|c4").click()
    page.keyboard.press("Enter")
    assert focused(page) == "II.06a|rows|1|c4"
    page.keyboard.type("12")  # the text was selected: typing replaces it
    assert cell(page, "II.06a|rows|1|c4").input_value() == "12"
    page.keyboard.press("Shift+Enter")
    assert focused(page) == "II.06a|rows|0|c4"

    page.keyboard.press("ArrowDown")
    assert focused(page) == "II.06a|rows|1|c4"
    page.keyboard.press("ArrowUp")
    assert focused(page) == "II.06a|rows|0|c4"

    cell(page, "II.06a|rows|1|linh_vuc").click()  # the lĩnh vực name: Enter goes down, no submit
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # the last row: stays
    assert focused(page) == "II.06a|rows|1|linh_vuc"

    page.wait_for_timeout(300)
    assert page.url == url and page.evaluate("window.stillHere") is True
    stc_report.refresh_from_db()
    assert stc_report.version == version


def test_arrow_right_leaves_a_cell_only_from_the_end_of_its_text(page, stc_report, no_autosave):
    open_06a(page, stc_report)
    c5 = cell(page, "II.06a|rows|0|c5")
    c5.fill("123")
    c5.evaluate("input => input.setSelectionRange(1, 1)")
    page.keyboard.press("ArrowRight")
    assert focused(page) == "II.06a|rows|0|c5"  # in the middle: the caret moves
    c5.evaluate("input => input.setSelectionRange(3, 3)")
    page.keyboard.press("ArrowRight")
    assert focused(page) == "II.06a|rows|0|c6"  # at the end: the next cell
    page.keyboard.press("ArrowLeft")  # arrived with the text selected: left goes straight back
    assert focused(page) == "II.06a|rows|0|c5"

    c4 = cell(page, "II.06a|rows|0|c4")
    c4.click()
    c4.evaluate("input => input.setSelectionRange(0, 0)")
    page.keyboard.press("ArrowLeft")  # (3) is computed: skipped, on to the lĩnh vực name
    assert focused(page) == "II.06a|rows|0|linh_vuc"


def test_each_cell_is_named_by_its_row_and_column(page, stc_report, no_autosave):
    open_06a(page, stc_report)
    target = page.get_by_label("Quản lý công sản, cột (4) Trực tuyến", exact=True)
    assert target.get_attribute("name") == "II.06a|rows|0|c4"
    assert page.get_by_label("Tên lĩnh vực, dòng 2", exact=True).first.get_attribute("name") == "II.06a|rows|1|linh_vuc"
    assert page.get_by_label("Cấp tỉnh, cột (3) Số lượng quyết định công bố", exact=True).count() == 1  # II.03b
    assert "Quản lý công sản, cột (4) Trực tuyến" in page.locator("#tab-4").aria_snapshot()  # II.06a, the 4th biểu

    # A row added in the browser starts blank; typing its lĩnh vực names its cells.
    table = page.locator('table[data-form="II.06a"]')
    page.locator("#tab-4 [data-add-row]").click()
    new_row = table.locator("tbody tr[data-row]").nth(2)
    assert new_row.locator("[data-label]").get_attribute("aria-label") == "Tên lĩnh vực, dòng 3"
    new_row.locator("[data-label]").fill("Quản lý giá")
    assert new_row.locator('[data-col="c4"]').get_attribute("aria-label") == "Quản lý giá, cột (4) Trực tuyến"

    # An error under a cell describes it.
    cell(page, "II.06a|rows|1|c5").fill("55%")
    page.click("button[value=save]")
    page.wait_for_load_state()
    page.click("button[data-tab='II.06a']")
    bad = cell(page, "II.06a|rows|1|c5")
    assert bad.get_attribute("aria-invalid") == "true"
    note = page.locator(f'[id="{bad.get_attribute("aria-describedby")}"]')
    assert "không nhập tỷ lệ %" in note.inner_text()


def test_a_long_lĩnh_vực_shows_whole_in_its_input(page, stc, period, officer_stc, good_forms, no_autosave):
    """Names cut after the same letters read alike ("Thành lập và hoạt động của …")."""
    names = ["Thành lập và hoạt động của hộ kinh doanh", "Thành lập và hoạt động của tổ hợp tác"]
    for row, name in zip(good_forms["II.06a"]["rows"], names):
        row["linh_vuc"] = name
    report = save_report(stc, period, good_forms, actor=officer_stc)
    open_06a(page, report)
    labels = page.locator('table[data-form="II.06a"] tbody tr[data-row] [data-label]')
    assert [labels.nth(n).input_value() for n in range(2)] == names
    cut = labels.evaluate_all("inputs => inputs.filter(i => i.scrollWidth > i.clientWidth).map(i => i.value)")
    assert cut == []
    assert labels.first.get_attribute("title") == names[0]  # and on hovering it


def test_phone_no_sideways_scroll_and_a_collapsed_navbar(browser, live_server, stc_report, officer_stc, reviewer):
    def phone():
        context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844},
                                      locale="vi-VN")
        return context, context.new_page()

    def width(page):
        return page.evaluate("document.documentElement.scrollWidth")

    officer_stc.units.add(make_unit("SNV", "Sở Nội vụ", ["Công chức, viên chức"]))  # no report yet
    context, page = phone()
    login(page, "stc")
    assert width(page) <= 390  # home
    for name in ("Tiếp tục nhập", "Nhập báo cáo"):
        button = page.get_by_role("link", name=name).bounding_box()
        assert button["x"] + button["width"] <= 390, name  # whole, not cut by the table's edge
    page.goto(report_url(stc_report))
    for tab in ("II.03b", "II.04", "II.05a", "II.06a", "II.07b", "II.08", "bao-cao"):
        page.click(f"button[data-tab='{tab}']")
        assert width(page) <= 390, tab
    assert page.locator(".navbar-toggler").is_visible()
    assert not page.get_by_role("link", name="Trang chủ").is_visible()
    page.click(".navbar-toggler")
    page.get_by_role("link", name="Trang chủ").wait_for()
    context.close()

    context, page = phone()
    login(page, "tonghop")
    page.goto(f"/theo-doi/{stc_report.period.code}/")
    assert page.locator("#board").is_visible() and width(page) <= 390
    page.goto(f"/tong-hop/{stc_report.period.code}/")
    picker = page.get_by_label("Kỳ báo cáo")
    assert picker.evaluate("s => s.getBoundingClientRect().width") > 140  # "Quý III năm 2023" readable, not "Qu"
    context.close()


def test_print_shows_every_biểu_and_the_full_narrative_without_controls(page, stc_report, no_autosave):
    login(page, "stc")
    page.goto(report_url(stc_report))
    page.click("button[data-tab='bao-cao']")
    text = "\n".join(f"Dòng {n} của phần đánh giá." for n in range(1, 16))
    page.locator("#narrative-1").fill(text)
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")

    assert not page.locator("nav.navbar").is_visible()
    assert not page.get_by_role("button", name="Lưu nháp").is_visible()
    assert not page.locator("[data-add-row]").first.is_visible()
    assert not page.locator("#report-form .nav-tabs").is_visible()
    panes = page.locator(".tab-pane:not(#tab-document)")  # the six biểu, the narrative, the warnings
    assert panes.count() == 8
    assert all(panes.nth(i).is_visible() for i in range(panes.count()))
    assert not page.locator("#tab-document").is_visible()  # the document's fields are printed by the export
    assert page.locator("#narrative-1 + .print-text").inner_text() == text
    assert not page.locator("#narrative-1").is_visible()
    assert Report.objects.get(pk=stc_report.pk).version == stc_report.version
