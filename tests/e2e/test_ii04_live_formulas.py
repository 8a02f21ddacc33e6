"""II.04's difference and same-row rates follow the officer's typing, like every computed cell."""
import pytest
from django.core.management import call_command

from reports.models import ReportingPeriod

from .conftest import login
from .test_keyboard_phone_print import no_autosave  # noqa: F401 (a fixture)
from .test_officer_fills_report import cell, computed, total

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.usefixtures("no_autosave")
def test_ii04_savings_and_rates_recompute_as_the_officer_types(page):
    call_command("load_demo", verbosity=0)
    period = ReportingPeriod.objects.get(is_open=True, kind__startswith="Q")
    login(page, "stc")
    page.goto(f"/bao-cao/{period.code}/STC/")
    page.click("button[data-tab='II.04']")
    rows = page.locator('table[data-form="II.04"] tbody tr[data-row]').count()
    for i in range(rows):
        for key in ("c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10", "c11", "c12"):
            cell(page, "II.04", "rows", i, key).fill("0")
    cell(page, "II.04", "rows", 0, "c3").fill("8")
    cell(page, "II.04", "rows", 0, "c4").fill("6")
    cell(page, "II.04", "rows", 0, "c11").fill("2.000.000.000")
    cell(page, "II.04", "rows", 0, "c12").fill("1.500.000.000")
    assert computed(page, "II.04", "rows", 0, "c13").inner_text().strip() == "500.000.000"
    assert computed(page, "II.04", "rows", 0, "c14").inner_text().strip() == "25,00%"
    assert computed(page, "II.04", "rows", 0, "c15").inner_text().strip() == "75,00%"
    assert computed(page, "II.04", "rows", 1, "c15").inner_text().strip() == ""  # (3) = 0: blank
    assert total(page, "II.04", "rows", "c13").inner_text().strip() == "500.000.000"
    assert total(page, "II.04", "rows", "c15").inner_text().strip() == "75,00%"
    cell(page, "II.04", "rows", 0, "c12").fill("2.500.000.000")  # the cost rose
    assert computed(page, "II.04", "rows", 0, "c13").inner_text().strip() == "-500.000.000"
    assert total(page, "II.04", "rows", "c14").inner_text().strip() == "-25,00%"


@pytest.mark.usefixtures("no_autosave")
def test_the_totals_of_cap_huyen_stay_blank_as_the_officer_types(page):
    """From 2025-Q3 the cấp huyện columns of II.07b take no figure: their TỔNG CỘNG is blank, not the
    0 a sum of nothing would give, before and after typing."""
    call_command("load_demo", verbosity=0)
    period = ReportingPeriod.objects.get(is_open=True, kind__startswith="Q")
    login(page, "stc")
    page.goto(f"/bao-cao/{period.code}/STC/")
    page.click("button[data-tab='II.07b']")
    before = total(page, "II.07b", "rows", "c3").inner_text().strip()
    cell(page, "II.07b", "rows", 0, "c4").fill(str(int(cell(page, "II.07b", "rows", 0, "c4").input_value()) + 1))
    assert total(page, "II.07b", "rows", "c3").inner_text().strip() != before  # the page did recompute
    assert [total(page, "II.07b", "rows", key).inner_text().strip() for key in ("c5", "c9", "c13")] == ["", "", ""]
    assert [total(page, "II.07b", "bon_tai_cho", key).inner_text().strip() for key in ("c5", "c6")] == ["", ""]
