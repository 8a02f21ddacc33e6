"""Acceptance of the exports: the officer downloads the report, the reviewer the consolidation,
in Excel, Word and PDF, from the browser; each file opens and reads like the paper form."""
import io
import subprocess

import pytest
from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook

from reports.models import ReportingPeriod

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def download(page, fmt, tmp_path):
    with page.expect_download() as info:
        page.click(f'#downloads a[data-download="{fmt}"]')
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path


def check_files(paths, unit_text):
    workbook = load_workbook(paths["xlsx"])
    assert workbook.sheetnames[:6] == ["II.03b", "II.04", "II.05a", "II.06a", "II.07b", "II.08"]
    assert any(unit_text in str(c.value) for row in workbook["II.06a"].iter_rows() for c in row if c.value)
    text = "\n".join(p.text for p in Document(io.BytesIO(paths["docx"].read_bytes())).paragraphs)
    assert "BÁO CÁO" in text and "Tổng số hồ sơ tiếp nhận" in text
    pdf_text = subprocess.run(["pdftotext", "-layout", str(paths["pdf"]), "-"], capture_output=True, text=True).stdout
    assert unit_text in pdf_text and "TỔNG CỘNG" in pdf_text
    # Pages as pictures, to look at when a layout changes (pdftoppm, as a person would).
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "2", str(paths["pdf"]),
                    str(paths["pdf"].with_suffix(""))], check=True)
    # pdftoppm pads the page number to the width of the last one: -1.png, or -01.png from 10 pages.
    assert list(paths["pdf"].parent.glob(paths["pdf"].stem + "-*1.png"))


def test_officer_and_reviewer_download_all_six_files(page, tmp_path):
    call_command("load_demo", verbosity=0)
    previous = ReportingPeriod.objects.filter(kind__startswith="Q", is_open=False).order_by("-end").first()

    login(page, "stc")
    page.goto(f"/bao-cao/{previous.code}/STC/")
    officer_files = {fmt: download(page, fmt, tmp_path) for fmt in ("xlsx", "docx", "pdf")}
    assert officer_files["pdf"].name == f"STC_{previous.code}.pdf"
    assert "Tệp PDF đã sẵn sàng" in page.locator("#download-status").inner_text()
    assert download(page, "json", tmp_path).name == f"STC_{previous.code}.json"
    assert page.locator("#download-status").inner_text().strip() == ""  # not the PDF's news any more
    check_files(officer_files, "Quản lý công sản")
    page.click("text=Đăng xuất")

    login(page, "tonghop")
    page.goto(f"/tong-hop/{previous.code}/")
    reviewer_files = {fmt: download(page, fmt, tmp_path) for fmt in ("xlsx", "docx", "pdf")}
    assert reviewer_files["xlsx"].name == f"tong_hop_{previous.code}.xlsx"
    check_files(reviewer_files, "Sở Tài chính")


def test_a_long_export_shows_progress_then_downloads(page, settings, tmp_path):
    """A queue whose worker is slow: the page says "Đang tạo tệp…", keeps the buttons from
    starting a second job, and downloads the file once the worker has made it."""
    from reports.export_jobs import generate_export
    from reports.models import ExportFile

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    call_command("load_demo", verbosity=0)
    previous = ReportingPeriod.objects.filter(kind__startswith="Q", is_open=False).order_by("-end").first()
    login(page, "tonghop")
    page.goto(f"/tong-hop/{previous.code}/")
    page.click('#downloads a[data-download="docx"]')
    status = page.locator("#download-status")
    status.get_by_text("Đang tạo tệp Word").wait_for()
    assert page.locator('#downloads a[data-download="pdf"]').get_attribute("aria-disabled") == "true"
    page.click('#downloads a[data-download="pdf"]', force=True)  # a second click starts nothing
    assert list(ExportFile.objects.values_list("fmt", flat=True)) == ["docx"]
    with page.expect_download() as info:
        generate_export.call(ExportFile.objects.get().pk)  # the worker's turn
    assert info.value.suggested_filename == f"tong_hop_{previous.code}.docx"
    status.get_by_text("đã sẵn sàng").wait_for()
