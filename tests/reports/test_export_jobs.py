"""Exports as jobs cached by content (reports/export_jobs.py), with the job run inside the
request (tests/conftest.py): the key, the stored file, the waiting page, failures and retries."""
import io
import os
from datetime import timedelta

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from reports import export_jobs
from reports.models import ExportFile, Report
from reports.services import report_approve, report_submit
from tests.conftest import content, form_post, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch):
    """How many files the writers made."""
    made = []
    real = export_jobs.exports.render

    def counting(document, fmt):
        made.append(fmt)
        return real(document, fmt)

    monkeypatch.setattr(export_jobs.exports, "render", counting)
    return made


def download(client, period, unit, fmt, **params):
    return client.get(reverse("report_download", args=[period.code, unit.code, fmt]), params)


def test_a_second_download_gets_the_stored_file(client, officer_stc, stc, period, stc_report, renders):
    client.force_login(officer_stc)
    first = download(client, period, stc, "docx")
    assert first.status_code == 200 and first["Content-Disposition"] == f'attachment; filename="STC_{period.code}.docx"'
    again = download(client, period, stc, "docx")
    assert content(again) == content(first)
    assert renders == ["docx"] and ExportFile.objects.get().status == ExportFile.Status.READY


def test_a_save_or_a_change_of_the_document_fields_makes_a_new_file(client, officer_stc, stc, period, stc_report,
                                                                     good_forms, renders):
    client.force_login(officer_stc)
    download(client, period, stc, "xlsx")
    client.post(reverse("report", args=[period.code, stc.code]), form_post(good_forms, stc_report.version))
    download(client, period, stc, "xlsx")
    report = Report.objects.get()
    client.post(reverse("report", args=[period.code, stc.code]), form_post(good_forms, report.version,
                                                                           **{"meta|so": "77"}))
    download(client, period, stc, "xlsx")
    stc.signer_name = "Người Ký Mới"
    stc.save()
    download(client, period, stc, "xlsx")
    assert renders == ["xlsx"] * 4 and ExportFile.objects.count() == 4


def test_an_approval_changes_the_province_s_file(client, reviewer, officer_stc, stc, period, stc_report, renders):
    report_submit(report=stc_report, actor=officer_stc)
    client.force_login(reviewer)
    url = reverse("consolidation_download", args=[period.code, "pdf"])
    without = content(client.get(url))
    with_submitted = client.get(url, {"include_submitted": "1"})
    assert with_submitted["Content-Disposition"] == f'attachment; filename="tong_hop_{period.code}_gom_da_gui.pdf"'
    report_approve(report=Report.objects.get(), actor=reviewer)
    approved = content(client.get(url))
    assert approved != without and renders == ["pdf"] * 3
    client.get(url)
    assert renders == ["pdf"] * 3


def test_a_failed_job_says_so_and_a_retry_makes_the_file(client, officer_stc, stc, period, stc_report, monkeypatch):
    client.force_login(officer_stc)
    real = export_jobs.exports.render
    monkeypatch.setattr(export_jobs.exports, "render", lambda document, fmt: 1 / 0)
    response = download(client, period, stc, "pdf")
    assert response.status_code == 200 and "Không tạo được tệp" in text(response) and "Thử lại" in text(response)
    state = client.get(reverse("report_download", args=[period.code, stc.code, "pdf"]), {"cho": "1"},
                       headers={"Accept": "application/json"}).json()
    assert state["state"] == "failed" and state["url"] == reverse("report_download", args=[period.code, stc.code, "pdf"])
    assert ExportFile.objects.get().status == ExportFile.Status.FAILED
    monkeypatch.setattr(export_jobs.exports, "render", real)
    retried = download(client, period, stc, "pdf")
    assert content(retried).startswith(b"%PDF") and ExportFile.objects.count() == 1


@pytest.fixture
def queue_that_never_runs(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_while_the_job_runs_the_page_waits_and_polling_starts_nothing(client, reviewer, stc, period, stc_report,
                                                                       queue_that_never_runs):
    client.force_login(reviewer)
    url = reverse("consolidation_download", args=[period.code, "xlsx"])
    waiting = client.get(url)
    page = text(waiting)
    assert waiting.status_code == 200 and "Đang tạo tệp…" in page
    assert f'content="2;url={url}?cho=1"' in page
    for _ in range(3):
        state = client.get(url, {"cho": "1"}, headers={"Accept": "application/json"}).json()
        assert state["state"] == "waiting"
    joined = client.get(url, headers={"Accept": "application/json"}).json()
    assert joined["state"] == "waiting" and ExportFile.objects.count() == 1
    # A job nobody finished for longer than EXPORT_STALE_SECONDS (its worker killed) has failed.
    ExportFile.objects.update(created_at=timezone.now() - timedelta(hours=1))
    assert client.get(url, {"cho": "1"}, headers={"Accept": "application/json"}).json()["state"] == "failed"


def test_an_approved_report_s_files_are_made_at_once(settings, reviewer, officer_stc, stc, period, stc_report):
    settings.EXPORT_ON_APPROVAL = True
    report_submit(report=stc_report, actor=officer_stc)
    assert not ExportFile.objects.exists()
    with TestCase.captureOnCommitCallbacks(execute=True):  # the files are asked for once approval commits
        report_approve(report=Report.objects.get(), actor=reviewer)
    assert sorted(ExportFile.objects.values_list("fmt", "status")) == [
        ("docx", "ready"), ("pdf", "ready"), ("xlsx", "ready")]


def test_another_unit_s_officer_never_reaches_the_file(client, officer_skhdt, officer_stc, stc, period, stc_report):
    client.force_login(officer_stc)
    download(client, period, stc, "pdf")
    client.force_login(officer_skhdt)
    assert download(client, period, stc, "pdf").status_code == 404
    assert download(client, period, stc, "pdf", cho="1").status_code == 404


def test_a_report_never_saved_downloads_its_blank_forms_at_once(client, officer_stc, stc, period):
    client.force_login(officer_stc)
    response = download(client, period, stc, "xlsx")
    assert response.status_code == 200 and content(response).startswith(b"PK")
    assert not ExportFile.objects.exists()


def test_prune_keeps_the_newest_file_of_each_report_and_format(client, officer_stc, stc, period, stc_report,
                                                               good_forms):
    from django.core.management import call_command

    client.force_login(officer_stc)
    download(client, period, stc, "xlsx")
    old = ExportFile.objects.get()
    old_path = old.file.path
    client.post(reverse("report", args=[period.code, stc.code]), form_post(good_forms, stc_report.version))
    download(client, period, stc, "xlsx")
    download(client, period, stc, "docx")
    call_command("prune_exports", stdout=io.StringIO())
    assert sorted(ExportFile.objects.values_list("fmt", flat=True)) == ["docx", "xlsx"]
    assert not ExportFile.objects.filter(pk=old.pk).exists() and not os.path.exists(old_path)
    assert content(download(client, period, stc, "xlsx")).startswith(b"PK")  # the kept one, still served
    ExportFile.objects.update(created_at=timezone.now() - timedelta(days=40))
    call_command("prune_exports", "--keep-days", "30", stdout=io.StringIO())
    assert not ExportFile.objects.exists()


def test_the_admin_sees_the_jobs_and_why_one_failed(client, admin_user, officer_stc, stc, period, stc_report,
                                                    monkeypatch):
    monkeypatch.setattr(export_jobs.exports, "render", lambda document, fmt: 1 / 0)
    client.force_login(officer_stc)
    download(client, period, stc, "pdf")
    admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    listing = text(client.get(reverse("admin:reports_exportfile_changelist")))
    assert "Lỗi" in listing
    export = ExportFile.objects.get()
    assert "ZeroDivisionError" in text(client.get(reverse("admin:reports_exportfile_change", args=[export.pk])))
