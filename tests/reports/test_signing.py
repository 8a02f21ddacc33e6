"""Who signs: the unit's profile (kept by the unit's officers), a report's own choice of signer,
and the province's document of a period — for the People's Committee or by its Văn phòng."""
import subprocess
from datetime import UTC, datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from reports.consolidation import consolidate
from reports.document_meta import unit_issuer
from reports.exports import render
from reports.exports.document import province_document, unit_document
from reports.models import Report, ReportingPeriod
from reports.services import report_approve, report_submit
from tests.conftest import form_post, text
from units.models import Unit

from .test_document_meta import paragraphs
from .test_views import page

pytestmark = pytest.mark.django_db

PROFILE = {
    "ky_hieu": "SKHĐT", "parent_agency": "UBND TỈNH KHÁNH HÒA", "head_title": "Giám đốc", "signer_authority": "KT",
    "signer_title": "Phó Giám đốc", "signer_name": "Đoàn Quang Huy",
    "noi_nhan": "- Văn phòng UBND tỉnh (Phòng KSTTHC);\n- Lưu: VT, VP.",
}


def signature_of(texts):
    """The lines of the signature block, as printed (the last paragraphs with capitals or a name)."""
    return [t for t in texts if t.isupper() and t.split(".")[0] in ("KT", "TL", "TM", "Q", "TUQ")
            or t in ("GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG", "PHÓ CHỦ TỊCH",
                     "TRƯỞNG PHÒNG KIỂM SOÁT TTHC")]


def test_an_officer_keeps_the_profile_of_the_unit(client, officer_skhdt, skhdt):
    client.force_login(officer_skhdt)
    url = reverse("unit_profile", args=[skhdt.code])
    assert 'name="ky_hieu"' in text(client.get(url))
    response = client.post(url, PROFILE)
    assert response.status_code == 302 and response["Location"] == url
    skhdt.refresh_from_db()
    assert skhdt.ky_hieu == "SKHĐT" and skhdt.signer_name == "Đoàn Quang Huy"
    entry = LogEntry.objects.get(object_id=str(skhdt.pk))
    assert entry.user == officer_skhdt and "ký hiệu trên văn bản" in entry.get_change_message()
    body = text(client.get(url))
    assert "Đã lưu hồ sơ đơn vị" in body and "/BC-SKHĐT" in body and "KT. GIÁM ĐỐC" in body


def test_an_officer_of_another_unit_never_sees_the_profile(client, officer_skhdt, stc):
    client.force_login(officer_skhdt)
    assert client.get(reverse("unit_profile", args=[stc.code])).status_code == 404
    assert client.post(reverse("unit_profile", args=[stc.code]), PROFILE).status_code == 404
    stc.refresh_from_db()
    assert stc.ky_hieu == ""


def test_the_reviewer_reads_the_profile_and_cannot_change_it(client, reviewer, stc):
    stc.signer_name = "Nguyễn Văn Ký"
    stc.save()
    client.force_login(reviewer)
    url = reverse("unit_profile", args=[stc.code])
    body = text(client.get(url))
    assert "Nguyễn Văn Ký" in body and 'name="signer_name"' not in body
    response = client.post(url, PROFILE, follow=True)
    assert "Bạn không sửa được hồ sơ của đơn vị này." in text(response)
    stc.refresh_from_db()
    assert stc.signer_name == "Nguyễn Văn Ký" and stc.ky_hieu == ""


def test_a_wrong_choice_in_the_profile_is_refused_and_nothing_changes(client, officer_skhdt, skhdt):
    client.force_login(officer_skhdt)
    response = client.post(reverse("unit_profile", args=[skhdt.code]), {**PROFILE, "signer_authority": "XX"})
    assert response.status_code == 422
    assert "không nằm trong các lựa chọn" in text(response) or "Hãy chọn" in text(response)
    skhdt.refresh_from_db()
    assert skhdt.ky_hieu == ""


def test_the_report_prints_the_profile_it_was_made_under(client, officer_skhdt, skhdt, period, good_forms):
    client.force_login(officer_skhdt)
    client.post(reverse("unit_profile", args=[skhdt.code]), PROFILE)
    skhdt.refresh_from_db()
    response = client.post(reverse("report", args=[period.code, skhdt.code]), form_post(good_forms, 0))
    assert response.status_code == 302
    texts = paragraphs(render(unit_document(Report.objects.get(unit=skhdt)), "docx"))
    assert "Số:        /BC-SKHĐT" in texts
    assert signature_of(texts) == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"] and "Đoàn Quang Huy" in texts


def test_a_report_signs_otherwise_than_the_profile(client, officer_skhdt, skhdt, period, good_forms):
    for field, value in PROFILE.items():
        setattr(skhdt, field, value)
    skhdt.save()
    client.force_login(officer_skhdt)
    body = text(page(client, period, skhdt))
    assert '<option value="" selected>Theo hồ sơ đơn vị: KT. (cấp phó ký thay)</option>' in body
    overrides = {"meta|tham_quyen": "TL", "meta|chuc_vu_ky": "Trưởng phòng Kiểm soát TTHC",
                 "meta|nguoi_ky": "Lê Thị Thừa"}
    response = client.post(reverse("report", args=[period.code, skhdt.code]), form_post(good_forms, 0, **overrides))
    assert response.status_code == 302
    report = Report.objects.get(unit=skhdt)
    texts = paragraphs(render(unit_document(report), "docx"))
    assert signature_of(texts) == ["TL. GIÁM ĐỐC", "TRƯỞNG PHÒNG KIỂM SOÁT TTHC"]
    assert "Lê Thị Thừa" in texts and "Đoàn Quang Huy" not in texts
    # The head signing in person: one line, the head's title.
    client.post(reverse("report", args=[period.code, skhdt.code]),
                form_post(good_forms, report.version, **{"meta|tham_quyen": "TT", "meta|nguoi_ky": "Trần Văn Đầu"}))
    texts = paragraphs(render(unit_document(Report.objects.get(unit=skhdt)), "docx"))
    assert signature_of(texts) == ["GIÁM ĐỐC"] and "Trần Văn Đầu" in texts


def test_an_unknown_authority_in_a_post_prints_the_profile(client, officer_skhdt, skhdt, period, good_forms):
    skhdt.signer_authority, skhdt.signer_title = "KT", "Phó Giám đốc"
    skhdt.save()
    client.force_login(officer_skhdt)
    client.post(reverse("report", args=[period.code, skhdt.code]), form_post(good_forms, 0, **{"meta|tham_quyen": "X"}))
    report = Report.objects.get(unit=skhdt)
    assert "tham_quyen" not in report.document_meta
    assert signature_of(paragraphs(render(unit_document(report), "docx"))) == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]


@pytest.fixture
def approved(stc, period, officer_stc, reviewer, stc_report):
    report_submit(report=stc_report, actor=officer_stc)
    report_approve(report=Report.objects.get(pk=stc_report.pk), actor=reviewer)
    return Report.objects.get(pk=stc_report.pk)


def province_texts(period):
    return paragraphs(render(province_document(consolidate(ReportingPeriod.objects.get(pk=period.pk))), "docx"))


def test_the_province_signs_for_its_people_s_committee_by_default(approved, period):
    texts = province_texts(period)
    assert "Số:        /BC-UBND" in texts
    assert signature_of(texts) == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert any(t.endswith("kính gửi Văn phòng Chính phủ tổng hợp./.") for t in texts)


def test_the_province_s_date_is_the_day_of_the_last_approval(approved, period):
    Report.objects.filter(pk=approved.pk).update(updated_at=datetime(2023, 10, 14, 3, 0, tzinfo=UTC))
    assert "Khánh Hòa, ngày 14 tháng 10 năm 2023" in province_texts(period)


def test_the_reviewer_gives_the_province_s_number_date_and_signer(client, reviewer, approved, period, tmp_path):
    client.force_login(reviewer)
    url = reverse("province_document", args=[period.code])
    body = text(client.get(url))
    assert 'name="meta|co_quan"' in body and 'name="meta|so"' in body
    response = client.post(url, {"meta|co_quan": "UBND", "meta|so": "312", "meta|ngay": "2023-10-05",
                                 "meta|nguoi_ky": "Nguyễn Tấn Tuân"})
    assert response.status_code == 302
    texts = province_texts(period)
    assert "Số: 312/BC-UBND" in texts and "Khánh Hòa, ngày 05 tháng 10 năm 2023" in texts
    assert signature_of(texts) == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert "Nguyễn Tấn Tuân" in texts
    path = tmp_path / "tinh.pdf"
    path.write_bytes(render(province_document(consolidate(ReportingPeriod.objects.get(pk=period.pk))), "pdf"))
    pdf = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split())
    for expected in ("Số: 312/BC-UBND", "ngày 05 tháng 10 năm 2023", "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH",
                     "Nguyễn Tấn Tuân"):
        assert expected in pdf, expected


def test_the_office_reports_in_its_own_name(client, reviewer, approved, period):
    client.force_login(reviewer)
    url = reverse("province_document", args=[period.code])
    # The page as shown (the People's Committee's texts pre-filled), with only the issuer changed.
    fields = {f"meta|{key}": value for key, value in _shown(client, url).items()}
    client.post(url, {**fields, "meta|co_quan": "VP", "meta|nguoi_ky": "Lê Văn Phòng"})
    texts = province_texts(period)
    assert "UBND TỈNH KHÁNH HÒA" in texts and "VĂN PHÒNG" in texts
    assert "Số:        /BC-VPUBND" in texts
    assert signature_of(texts) == ["KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"] and "Lê Văn Phòng" in texts
    # The texts left at their defaults follow the new issuer.
    assert any(t.startswith("Thực hiện Thông tư số 01/2020/TT-VPCP") and "Văn phòng UBND tỉnh Khánh Hòa báo cáo" in t
               for t in texts)
    assert not any("UBND tỉnh Khánh Hòa báo cáo" in t and "Văn phòng" not in t for t in texts)


def _shown(client, url):
    """The values of the province's document page as a browser would send them."""
    import re

    body = text(client.get(url))
    values = dict(re.findall(r'<textarea[^>]*name="meta\|(\w+)">([^<]*)</textarea>', body))
    values.update(re.findall(r'<input[^>]*name="meta\|(\w+)" value="([^"]*)"', body))
    return {key: value.replace("&#x27;", "'").replace("&quot;", '"') for key, value in values.items()}


def test_the_admin_reads_the_province_s_document_and_officers_are_refused(client, admin_user, officer_stc, period):
    url = reverse("province_document", args=[period.code])
    client.force_login(admin_user)
    body = text(client.get(url))
    assert "TM. Ủy ban nhân dân" in body or "UBND tỉnh (TM. Ủy ban nhân dân)" in body
    assert 'name="meta|so"' not in body
    response = client.post(url, {"meta|so": "9"}, follow=True)
    assert "Chỉ chuyên viên tổng hợp" in text(response)
    assert ReportingPeriod.objects.get(pk=period.pk).province_meta == {}
    client.force_login(officer_stc)
    assert client.get(url).status_code == 403
    assert client.post(url, {"meta|so": "9"}).status_code == 403


def test_signature_lines_of_every_authority():
    unit = Unit(kind=Unit.Kind.XA, signer_authority="TM_KT", signer_title="")
    assert unit_issuer(unit).signature == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
