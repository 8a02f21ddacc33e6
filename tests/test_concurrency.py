"""Officers and units acting at the same moment, on PostgreSQL: real threads, each with its own
database connection, released together by a barrier. What a user would notice: of two saves of
the same version one is stored and the other officer is told; no submission is lost or doubled.

SQLite serialises writers on the whole file and `select_for_update` is a no-op there, so these
tests run on the PostgreSQL leg of CI only (`make test-postgres`).
"""
import copy
import threading
from functools import partial

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from reports import selectors, services
from reports.consolidation import consolidate
from reports.forms_spec import all_sections
from reports.models import Report, Revision, Transition
from reports.workflow import WorkflowError
from tests.conftest import GOOD_FORMS, STC_LINH_VUC, form_post, make_unit, make_user, save_report

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL leg of CI"),
    pytest.mark.django_db(transaction=True),
]

S = Report.Status
TIMEOUT = 20  # seconds: a thread still running after this is stuck on a lock


def run_together(*calls):
    """Run each call in its own thread, all released at once by a barrier; each thread opens its
    own connection before the barrier and closes it at the end. Returns, in call order,
    (value, None) or (None, exception) — exceptions are collected, never lost in a thread."""
    barrier = threading.Barrier(len(calls), timeout=TIMEOUT)
    results = [None] * len(calls)

    def worker(i, call):
        try:
            connection.ensure_connection()
            barrier.wait()
            results[i] = (call(), None)
        except BaseException as error:  # noqa: BLE001 — the test judges every outcome
            results[i] = (None, error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, call), daemon=True) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck: lock wait or deadlock"
    return results


def forms_with(n):
    """The good report with `n` files of “Đăng ký mã số” received online and resolved on time
    (still balanced, no warning): a figure that tells whose save was stored."""
    forms = copy.deepcopy(GOOD_FORMS)
    row = forms["II.06a"]["rows"][1]
    row["c4"] = row["c9"] = n
    return forms


def stored_n(report):
    return selectors.report_forms(Report.objects.get(pk=report.pk))["II.06a"]["rows"][1]["c4"]


def saving(unit, period, actor, n, version):
    return partial(services.report_save, unit=unit, period=period, raw_forms=forms_with(n), narrative={},
                   explanations=[], actor=actor, expected_version=version)


def one_winner(results, loser_error):
    """The index of the call that succeeded; the other one failed with `loser_error`, nothing else."""
    errors = [error for _, error in results]
    assert sum(error is None for error in errors) == 1, f"not exactly one success: {errors!r}"
    assert all(error is None or type(error) is loser_error for error in errors), f"unexpected error: {errors!r}"
    return errors.index(None)


# ---------------------------------------------------------------------------------------------
# Saving


def test_two_officers_saving_the_same_version_at_once_one_is_stored_the_other_is_told(stc, period, officer_stc):
    colleague = make_user("stc2", units=[stc])
    report = save_report(stc, period, forms_with(377), actor=officer_stc)
    for round_ in range(10):
        version = Report.objects.get(pk=report.pk).version
        mine, theirs = 1000 + 2 * round_, 1001 + 2 * round_
        results = run_together(saving(stc, period, officer_stc, mine, version),
                               saving(stc, period, colleague, theirs, version))
        winner = one_winner(results, services.StaleReport)
        saved, _ = results[winner][0]
        stale = results[1 - winner][1]
        assert saved.version == version + 1
        assert "CHƯA được lưu" in str(stale)
        assert Report.objects.get(pk=report.pk).version == version + 1
        assert stored_n(report) == (mine, theirs)[winner]
        # One revision per stored save, none for the refused one.
        assert list(Revision.objects.filter(report=report).values_list("version", flat=True)) == list(
            range(1, version + 2))


def test_two_first_saves_of_a_new_report_at_once_one_is_stored_the_other_is_told(period):
    for round_ in range(5):
        unit = make_unit(f"MOI{round_}", f"Đơn vị mới {round_}", STC_LINH_VUC)
        first, second = make_user(f"moi{round_}a", units=[unit]), make_user(f"moi{round_}b", units=[unit])
        results = run_together(saving(unit, period, first, 10, 0), saving(unit, period, second, 20, 0))
        winner = one_winner(results, services.StaleReport)
        report = Report.objects.get(unit=unit, period=period)
        assert report.version == 1
        assert report.updated_by == (first, second)[winner]
        assert stored_n(report) == (10, 20)[winner]
        assert Revision.objects.filter(report=report).count() == 1


# ---------------------------------------------------------------------------------------------
# Submitting


def entered_sums(reports):
    """{(form, section): {column: sum}} of the entered columns over the reports' saved rows."""
    sums = {(form.code, section.key): dict.fromkeys((c.key for c in section.entered), 0)
            for form, section in all_sections()}
    for report in reports:
        data = selectors.report_forms(report)
        for form, section in all_sections():
            for row in data[form.code][section.key]:
                for column in section.entered:
                    sums[(form.code, section.key)][column.key] += row[column.key] or 0
    return sums


def test_twenty_units_submitting_at_the_same_moment_are_all_recorded_once(period):
    reports, officers = [], []
    for i in range(20):
        unit = make_unit(f"DV{i:02d}", f"Đơn vị {i:02d}", STC_LINH_VUC)
        officers.append(make_user(f"dv{i:02d}", units=[unit]))
        reports.append(save_report(unit, period, forms_with(100 + i), actor=officers[-1]))

    results = run_together(*(partial(services.report_submit, report=r, actor=o) for r, o in zip(reports, officers)))

    assert [error for _, error in results] == [None] * 20
    assert set(Report.objects.values_list("status", flat=True)) == {S.SUBMITTED}
    submissions = Transition.objects.filter(to_status=S.SUBMITTED)
    assert sorted(submissions.values_list("report_id", flat=True)) == sorted(r.pk for r in reports)
    assert all(t.from_status == S.DRAFT and t.snapshot for t in submissions)

    rows, counts = selectors.status_board(period)
    assert counts[S.SUBMITTED] == 20 and counts["missing"] == 0 and counts[S.DRAFT] == 0
    assert {row["status"] for row in rows} == {S.SUBMITTED}

    consolidation = consolidate(period, include_submitted=True)
    assert sorted(u.code for u in consolidation.units) == [f"DV{i:02d}" for i in range(20)]
    expected = entered_sums(reports)
    for (code, key), sums in expected.items():
        total = consolidation.totals[code][key]
        assert {column: total[column] for column in sums} == sums, (code, key)
    assert consolidation.totals["II.06a"]["rows"]["c4"] == sum(100 + i for i in range(20))
    assert consolidate(period).units == [], "submitted, not yet approved: not in the approved-only tables"


def test_the_same_report_submitted_twice_at_once_is_recorded_once(stc, period, officer_stc, reviewer):
    colleague = make_user("stc2", units=[stc])
    report = save_report(stc, period, forms_with(377), actor=officer_stc)
    for round_ in range(5):
        results = run_together(partial(services.report_submit, report=report, actor=officer_stc),
                               partial(services.report_submit, report=report, actor=colleague))
        one_winner(results, WorkflowError)
        assert Report.objects.get(pk=report.pk).status == S.SUBMITTED
        assert Transition.objects.filter(report=report, to_status=S.SUBMITTED).count() == round_ + 1
        services.report_return(report=report, actor=reviewer, reason=f"Lần {round_ + 1}: kiểm tra lại số liệu.")


# ---------------------------------------------------------------------------------------------
# The web page


def test_two_officers_posting_the_same_version_of_the_page_one_is_redirected_the_other_gets_409(
        stc, period, officer_stc):
    colleague = make_user("stc2", units=[stc])
    save_report(stc, period, forms_with(377), actor=officer_stc)
    url = reverse("report", args=[period.code, stc.code])
    clients = []
    for user in (officer_stc, colleague):
        client = Client()
        client.force_login(user)
        clients.append(client)

    results = run_together(partial(clients[0].post, url, form_post(forms_with(500), 1)),
                           partial(clients[1].post, url, form_post(forms_with(600), 1)))

    assert [error for _, error in results] == [None, None]
    responses = [response for response, _ in results]
    assert sorted(r.status_code for r in responses) == [302, 409]
    winner = [r.status_code for r in responses].index(302)
    body = responses[1 - winner].content.decode()
    assert "Báo cáo vừa được" in body and "CHƯA được lưu" in body
    report = Report.objects.get()
    assert report.version == 2
    assert stored_n(report) == (500, 600)[winner]


# ---------------------------------------------------------------------------------------------
# Lock scope


def test_a_units_save_does_not_wait_for_another_units_save_in_the_same_period(period, monkeypatch):
    slow, quick = make_unit("CHAM", "Đơn vị chậm", STC_LINH_VUC), make_unit("NHANH", "Đơn vị nhanh", STC_LINH_VUC)
    slow_report, quick_report = save_report(slow, period, forms_with(1)), save_report(quick, period, forms_with(1))
    inside, release = threading.Event(), threading.Event()
    real_judge = services.judge

    def judge(*, unit, period, raw_forms):
        if unit.pk == slow.pk:  # the slow unit's save holds its locks while its figures are judged
            inside.set()
            release.wait(TIMEOUT)
        return real_judge(unit=unit, period=period, raw_forms=raw_forms)

    monkeypatch.setattr(services, "judge", judge)
    outcome = []

    def slow_save():
        try:
            outcome.append(saving(slow, period, None, 2, slow_report.version)())
        finally:
            connection.close()

    thread = threading.Thread(target=slow_save, daemon=True)
    thread.start()
    try:
        assert inside.wait(TIMEOUT)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '1s'")
            saving(quick, period, None, 2, quick_report.version)()
    finally:
        release.set()
        thread.join(TIMEOUT)
    assert outcome and stored_n(quick_report) == 2 and stored_n(slow_report) == 2
