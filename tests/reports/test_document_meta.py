"""The report as a document to sign: số, ngày ban hành, trích yếu, kính gửi, mở đầu, câu kết,
nơi nhận and người ký are entered on the report page (defaults from the unit's profile) and
printed by the Word and PDF exports."""
import subprocess
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from reports.exports import render
from reports.exports.document import unit_document
from reports.models import Report
from reports.services import report_submit
from tests.conftest import form_post, text

from .test_views import page

pytestmark = pytest.mark.django_db

META = {
    "meta|so": "125",
    "meta|ngay": "2024-02-05",
    "meta|trich_yeu": "Kết quả kiểm soát TTHC quý III năm 2023",
    "meta|kinh_gui": "Văn phòng UBND tỉnh",
    "meta|mo_dau": "Thực hiện Công văn số 1234/VP-KSTT của Văn phòng UBND tỉnh, Sở Tài chính báo cáo như sau:",
    "meta|ket_thuc": "Sở Tài chính kính gửi Văn phòng UBND tỉnh tổng hợp./.",
    "meta|noi_nhan": "- Văn phòng UBND tỉnh (Phòng KSTTHC);\n- Giám đốc Sở;\n- Lưu: VT, VP.",
    "meta|nguoi_ky": "Đoàn Văn Mẫu",
}


@pytest.fixture
def filled(client, officer_stc, stc, period, good_forms):
    stc.signer_authority, stc.signer_title, stc.ky_hieu = "KT", "Phó Giám đốc", "STC"
    stc.save()
    client.force_login(officer_stc)
    response = client.post(reverse("report", args=[period.code, stc.code]), form_post(good_forms, 0, **META))
    assert response.status_code == 302
    return Report.objects.get()


def paragraphs(data):
    doc = Document(BytesIO(data))
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables[:2]:
        for row in table.rows:
            for cell in row.cells:
                texts += [p.text for p in cell.paragraphs]
    return texts


def test_the_fields_are_kept_with_the_report(filled):
    assert filled.document_meta["so"] == "125" and filled.document_meta["ngay"] == "2024-02-05"
    assert filled.document_meta["nguoi_ky"] == "Đoàn Văn Mẫu"


def test_word_prints_every_field(filled):
    texts = paragraphs(render(unit_document(filled), "docx"))
    assert "Số: 125/BC-STC" in texts
    assert "Khánh Hòa, ngày 05 tháng 02 năm 2024" in texts
    assert "Kết quả kiểm soát TTHC quý III năm 2023" in texts
    assert "Kính gửi: Văn phòng UBND tỉnh" in texts
    assert META["meta|mo_dau"] in texts
    assert texts.index(META["meta|mo_dau"]) < texts.index("I. TÌNH HÌNH, KẾT QUẢ KIỂM SOÁT THỦ TỤC HÀNH CHÍNH")
    closing = texts.index("Sở Tài chính kính gửi Văn phòng UBND tỉnh tổng hợp./.")
    assert closing > texts.index("IV. KIẾN NGHỊ, ĐỀ XUẤT")
    assert texts[closing + 1] == ("Hồ sơ kèm theo: Biểu số II.03b/VPCP/KSTT; Biểu số II.04/VPCP/KSTT; Biểu số II.05a/VPCP/KSTT; "
                                  "Biểu số II.06a/VPCP/KSTT; Biểu số II.07b/VPCP/KSTT; Biểu số II.08/VPCP/KSTT.")
    for line in ("- Văn phòng UBND tỉnh (Phòng KSTTHC);", "- Giám đốc Sở;", "- Lưu: VT, VP."):
        assert line in texts
    signer = [t for t in texts if t in ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Đoàn Văn Mẫu")]
    assert signer == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Đoàn Văn Mẫu"]
    assert not any("Ký, ghi rõ" in t for t in texts)


def test_pdf_prints_every_field(filled, tmp_path):
    path = tmp_path / "stc.pdf"
    path.write_bytes(render(unit_document(filled), "pdf"))
    pdf = " ".join(subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                                  check=True).stdout.split())
    for expected in ("Số: 125/BC-STC", "ngày 05 tháng 02 năm 2024", "Kính gửi: Văn phòng UBND tỉnh",
                     "tổng hợp./.", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Đoàn Văn Mẫu", "- Giám đốc Sở;",
                     "Hồ sơ kèm theo: Biểu số II.03b/VPCP/KSTT"):
        assert expected in pdf, expected


def test_blank_fields_print_their_defaults(stc, period, officer_stc, stc_report):
    report_submit(report=stc_report, actor=officer_stc)
    stc_report.refresh_from_db()
    texts = paragraphs(render(unit_document(stc_report), "docx"))
    number = next(t for t in texts if t.startswith("Số:"))
    assert number.replace(" ", "") == "Số:/BC-STC"  # room left for the clerk's number
    submitted = timezone.localdate(stc_report.submitted_at)
    assert any(t.startswith(f"Khánh Hòa, ngày {submitted.day:02d} tháng ") for t in texts)  # the day of submission
    assert any(t.startswith("Thực hiện Thông tư số 01/2020/TT-VPCP") and t.endswith("như sau:") for t in texts)
    assert any(t.endswith("kính gửi Văn phòng UBND tỉnh tổng hợp./.") for t in texts)
    assert not any(t.startswith("Kính gửi:") for t in texts)


def test_the_page_offers_the_defaults_and_the_reviewer_reads_them(client, reviewer, stc, period, filled):
    client.force_login(filled.updated_by)
    body = text(page(client, period, stc))
    assert 'name="meta|so" value="125"' in body and 'name="meta|ngay" value="2024-02-05"' in body
    client.force_login(reviewer)
    body = text(page(client, period, stc))
    assert 'name="meta|' not in body
    assert "05/02/2024" in body and "Đoàn Văn Mẫu" in body


def test_autosave_keeps_the_fields_in_the_working_copy(client, filled, stc, period, good_forms):
    data = form_post(good_forms, filled.version, **{**META, "meta|so": "126"})
    response = client.post(reverse("report_autosave", args=[period.code, stc.code]), data)
    assert response.status_code == 200
    report = Report.objects.get()
    assert report.working_copy["meta"]["so"] == "126" and report.document_meta["so"] == "125"
    assert 'name="meta|so" value="126"' in text(page(client, period, stc))
