"""The report page works out its figures once for each save and keeps them (reports/page_figures.py):
what it shows must still follow every change the figures depend on."""
import re

import pytest

from tests.conftest import save_report, text

from .test_views import page

pytestmark = pytest.mark.django_db

CARRY_OVER = 'data-warning="II.06a.carry_over"'


def test_the_carry_over_follows_a_new_save_of_the_quarter_before(
        client, officer_stc, stc, previous_period, period, good_forms):
    # Q2 leaves 1 file of "Quản lý công sản" pending; Q3 says 2 came over: a warning.
    save_report(stc, previous_period, good_forms, actor=officer_stc)
    save_report(stc, period, good_forms, actor=officer_stc)
    client.force_login(officer_stc)
    shown = text(page(client, period, stc))
    assert CARRY_OVER in shown and "Quý II năm 2023, cột (11)) = 1" in shown

    # Q2 corrected: 2 files pending (one fewer solved on time), as Q3 says.
    row = good_forms["II.06a"]["rows"][0]
    row.update(c9=row["c9"] - 1, c12=row["c12"] + 1)
    save_report(stc, previous_period, good_forms, actor=officer_stc)
    assert CARRY_OVER not in text(page(client, period, stc))


def test_the_same_figures_read_by_a_reviewer_take_no_input(client, officer_stc, reviewer, stc, period, stc_report):
    client.force_login(officer_stc)
    assert 'name="II.06a|rows|0|c4"' in text(page(client, period, stc))
    client.force_login(reviewer)
    shown = text(page(client, period, stc))
    assert 'name="II.06a|rows|0|c4"' not in shown and "Quản lý công sản" in shown


def test_the_narrative_and_document_fields_follow_each_save_and_the_reader(
        client, officer_stc, reviewer, stc, period, good_forms):
    save_report(stc, period, good_forms, actor=officer_stc, narrative={"I.1": "Không có dự thảo nào."})
    client.force_login(officer_stc)
    shown = text(page(client, period, stc))
    assert ">Không có dự thảo nào.</textarea>" in shown and 'name="meta|so"' in shown

    save_report(stc, period, good_forms, actor=officer_stc, narrative={"I.1": "Có hai dự thảo."})
    shown = text(page(client, period, stc))
    assert ">Có hai dự thảo.</textarea>" in shown and "Không có dự thảo nào." not in shown

    client.force_login(reviewer)
    shown = text(page(client, period, stc))
    assert "Có hai dự thảo." in shown and 'name="narrative|I.1"' not in shown and 'name="meta|so"' not in shown


def test_opening_the_report_again_shows_the_same_page(client, officer_stc, stc, period, stc_report):
    client.force_login(officer_stc)
    first, again = (re.sub(r'value="\w{64}"', "", text(page(client, period, stc))) for _ in range(2))
    assert again == first and 'name="II.06a|rows|0|c4" value="0"' in again


def test_the_memo_keeps_a_round_of_reports_and_lets_go_of_the_least_recently_used_bytes():
    from django.core.cache import caches

    from tthc_portal.cache import SizedLocMemCache

    # The deadline: each worker sees every report being opened, four entries each. A cache of
    # 64 entries kept none of a round of 30 reports; the memo, bounded in bytes, keeps them all.
    memo = caches["memo"]
    for report in range(30):
        for part in ("page", "carried-over", "narrative", "document"):
            memo.set(f"{part}:{report}", "x" * 10_000)
    assert all(memo.get(f"{part}:{report}") for report in range(30) for part in ("page", "narrative"))

    # Past the bound, the least recently read go first, and what is held stays under it.
    small = SizedLocMemCache("test-bound", {"OPTIONS": {"MAX_ENTRIES": 100_000, "MAX_BYTES": 35_000}})
    for name in "abc":
        small.set(name, "x" * 10_000)
    assert small.get("a")  # read: "b" is now the least recently used
    small.set("d", "x" * 10_000)
    assert [small.get(name) is not None for name in "abcd"] == [True, False, True, True]
    assert sum(len(pickled) for pickled in small._cache.values()) <= 35_000
