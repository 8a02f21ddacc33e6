"""The management commands of interchange.md and workflow.md, as an operator runs them:
exit status, what is printed, what is (not) saved."""
import json
from datetime import date
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.utils import timezone

from fixtures import demo_province
from reports import periods, selectors, services
from reports.models import ROW_MODELS, Report, ReportingPeriod, Transition
from tests.conftest import save_report
from units.management.commands import load_demo as load_demo_command
from units.models import LinhVuc, Unit, User

ISSUE_KEYS = {"code", "form", "section", "row", "column", "message"}


def run(*args, **options):
    """(exit status, stdout, stderr) of a command."""
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err, **options)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def document(forms, unit="STC", period="2023-Q3", **extra):
    return {"format": "tthc-report/1", "unit": unit, "period": period, "forms": forms, **extra}


@pytest.fixture
def write(tmp_path):
    def write(content, name="bao_cao.json"):
        path = tmp_path / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
        return str(path)
    return write


def import_json(path, *args):
    code, out, err = run("import_report", path, "--format", "json", *args)
    return code, (json.loads(out) if out else None), err


def export(unit="STC", period="2023-Q3"):
    code, out, err = run("export_report", "--unit", unit, "--period", period, "--format", "json")
    assert (code, err) == (0, "")
    return json.loads(out)


def unbalanced(forms):
    """The good figures with row 1 of II.06a no longer balancing: one warning."""
    forms["II.06a"]["rows"][0]["c12"] = 2
    return forms


# ---------------------------------------------------------------------------------------------
# import_report / export_report


def test_import_good_document_saves_and_says_so(stc, period, officer_stc, good_forms, write):
    path = write(document(good_forms, narrative={"I.1": "Không có dự thảo."}))

    code, out, err = run("import_report", path, "--user", "stc")

    assert (code, err) == (0, "")
    assert "Đã lưu báo cáo STC — Quý III năm 2023, trạng thái: Nháp." in out
    report = Report.objects.get(unit=stc, period=period)
    assert report.status == Report.Status.DRAFT
    assert report.updated_by == officer_stc
    assert report.narrative == {"I.1": "Không có dự thảo."}


def test_import_json_output_is_one_object(stc, period, good_forms, write):
    code, result, err = import_json(write(document(good_forms)))

    assert (code, err) == (0, "")
    assert result == {"ok": True, "saved": True, "errors": [], "warnings": []}


def test_export_gives_back_the_figures_and_narrative_and_round_trips(stc, period, good_forms, write, tmp_path):
    narrative = {"I.1": "Không có dự thảo văn bản QPPL.", "II": "1. Ưu điểm: …\n2. Tồn tại: …"}
    explanations = [{"code": "II.06a.balance", "form": "II.06a", "row": 1, "text": "Hồ sơ rút trong kỳ."}]
    forms = unbalanced(good_forms)
    assert run("import_report", write(document(forms, narrative=narrative, explanations=explanations)))[0] == 0

    out_file = tmp_path / "xuat.json"
    code, out, err = run("export_report", "--unit", "STC", "--period", "2023-Q3", "--format", "json",
                         "-o", str(out_file))
    assert (code, err) == (0, "")
    assert "Đã xuất báo cáo STC" in out
    exported = json.loads(out_file.read_text(encoding="utf-8"))
    assert "Sở Tài chính" not in out_file.read_text(encoding="utf-8")  # unit by code
    assert out_file.read_text(encoding="utf-8").startswith('{\n  "format": "tthc-report/1"')  # indent=2

    # Same figures: every entered value as imported, computed columns by their formula.
    for code_, form in forms.items():
        for section, rows in form.items():
            exported_rows = exported["forms"][code_][section]
            assert len(exported_rows) == len(rows)
            for given, got in zip(rows, exported_rows):
                assert {k: got[k] for k in given} == given
    row = exported["forms"]["II.06a"]["rows"][0]
    assert (row["c3"], row["c7"], row["c11"]) == (43, 42, 2)
    assert exported["forms"]["II.07b"]["bon_tai_cho"][0]["c4"] == pytest.approx(33.33)
    assert exported["narrative"] == narrative
    assert exported["explanations"] == [{**explanations[0], "section": "rows"}]

    # Into a fresh state: the exported document is imported again and exports identically.
    Report.objects.all().delete()
    code, out, err = run("import_report", str(out_file))
    assert (code, err) == (0, "")
    assert export() == exported


def test_dry_run_saves_nothing(stc, period, good_forms, write):
    code, out, err = run("import_report", write(document(good_forms)), "--dry-run")

    assert (code, err) == (0, "")
    assert out.strip().endswith("Kiểm tra xong (--dry-run): không có lỗi.")
    assert not Report.objects.exists()


def test_dry_run_json_reports_warnings_without_saving(stc, period, good_forms, write):
    code, result, _ = import_json(write(document(unbalanced(good_forms))), "--dry-run")

    assert code == 0
    assert (result["ok"], result["saved"], result["errors"]) == (True, False, [])
    assert [w["code"] for w in result["warnings"]] == ["II.06a.balance"]
    assert not Report.objects.exists()


def test_percent_in_a_count_is_an_error_and_nothing_is_saved(stc, period, good_forms, write):
    good_forms["II.06a"]["rows"][0]["c5"] = "55%"
    good_forms["II.06a"]["rows"].append({"linh_vuc": "Lĩnh vực mới", "c5": 1, "c9": 1})

    code, result, err = import_json(write(document(good_forms)))

    assert (code, err) == (1, "")
    assert (result["ok"], result["saved"]) == (False, False)
    [issue] = result["errors"]
    assert set(issue) == ISSUE_KEYS
    assert {k: issue[k] for k in ("code", "form", "section", "row", "column")} == {
        "code": "value.not_integer", "form": "II.06a", "section": "rows", "row": 1, "column": "c5"}
    assert issue["message"].startswith('Biểu II.06a, dòng "Quản lý công sản", cột (5): "55%"')
    # Atomic: no report, no row, and the new lĩnh vực did not join the catalogue.
    assert not Report.objects.exists()
    assert not any(model.objects.exists() for model in ROW_MODELS.values())
    assert not LinhVuc.objects.filter(name="Lĩnh vực mới").exists()


def test_error_leaves_an_existing_report_untouched(stc, period, good_forms, write):
    report = save_report(stc, period, good_forms, narrative={"I.1": "Bản cũ"})
    bad = document(good_forms, narrative={"I.1": "Bản mới"})
    bad["forms"]["II.06a"]["rows"][1]["c4"] = "12.5"

    code, out, _ = run("import_report", write(bad))

    assert code == 1
    assert 'LỖI: Biểu II.06a, dòng "Đăng ký mã số", cột (4): "12.5"' in out
    assert out.strip().endswith("Chưa lưu: còn 1 lỗi.")
    report.refresh_from_db()
    assert (report.version, report.narrative) == (1, {"I.1": "Bản cũ"})
    assert selectors.report_forms(report)["II.06a"]["rows"][1]["c4"] == 377


def test_unknown_key_is_named(stc, period, good_forms, write):
    good_forms["II.06a"]["rows"][0]["c15"] = 3
    doc = document(good_forms, narative={"I.1": "gõ nhầm khóa"})

    code, result, _ = import_json(write(doc))

    assert code == 1
    unknown = [e for e in result["errors"] if e["code"] == "schema.unknown_key"]
    assert len(unknown) == 2
    [top] = [e for e in unknown if '"narative"' in e["message"]]
    assert (top["form"], top["section"], top["row"], top["column"]) == (None, None, None, None)
    [cell] = [e for e in unknown if e["form"] == "II.06a"]
    assert (cell["section"], cell["row"]) == ("rows", 1)
    assert '"c15"' in cell["message"]
    assert not Report.objects.exists()


def test_wrong_computed_column_is_a_formula_mismatch(stc, period, good_forms, write):
    good_forms["II.06a"]["rows"][0]["c3"] = 44  # (4)+(5)+(6) = 43

    code, result, _ = import_json(write(document(good_forms)))

    assert code == 1
    [issue] = result["errors"]
    assert {k: issue[k] for k in ("code", "form", "section", "row", "column")} == {
        "code": "formula.mismatch", "form": "II.06a", "section": "rows", "row": 1, "column": "c3"}
    assert "(3)=(4)+(5)+(6) = 43" in issue["message"]
    assert not Report.objects.exists()


def test_correct_computed_columns_are_accepted(stc, period, good_forms, write):
    good_forms["II.06a"]["rows"][0].update({"c3": 43, "c7": 42, "c11": 1})

    assert run("import_report", write(document(good_forms)))[0] == 0


@pytest.mark.parametrize("change, message", [
    ({"unit": "SXYZ"}, 'Không có đơn vị mã "SXYZ".'),
    ({"period": "2022-Q4"}, "Kỳ báo cáo Quý IV năm 2022 đã đóng: không nhập được báo cáo."),
    ({"period": "2024-Q1"}, "Chưa có kỳ báo cáo 2024-Q1."),
    ({"period": "quý 3"}, 'Mã kỳ "quý 3" không hợp lệ'),
    ({"format": "tthc-report/2"}, '"format" phải là "tthc-report/1"'),
])
def test_unusable_document_exits_2_with_one_line(stc, period, closed_period, good_forms, write, change, message):
    doc = {**document(good_forms), **change}

    for fmt in ("text", "json"):
        code, out, err = run("import_report", write(doc), "--format", fmt)
        assert (code, out) == (2, "")
        assert message in err
        assert err.count("\n") == 1
    assert not Report.objects.exists()


def test_inactive_unit_cannot_import(stc, period, good_forms, write):
    Unit.objects.filter(pk=stc.pk).update(is_active=False)

    code, out, err = run("import_report", write(document(good_forms)))

    assert (code, out) == (2, "")
    assert "Đơn vị STC đã ngừng hoạt động" in err
    assert not Report.objects.exists()


def test_blank_computed_cell_counts_as_absent(stc, period, good_forms, write):
    good_forms["II.06a"]["rows"][0].update({"c3": "–", "c7": " - ", "c11": None})

    assert run("import_report", write(document(good_forms)))[0] == 0


def test_submitted_report_cannot_be_imported_again(stc, period, officer_stc, good_forms, write):
    report = save_report(stc, period, good_forms, actor=officer_stc)
    services.report_submit(report=report, actor=officer_stc)

    code, out, err = run("import_report", write(document(good_forms)))

    assert (code, out) == (2, "")
    assert "Đã gửi" in err


@pytest.mark.parametrize("content, message", [
    ('{"format": "tthc-report/1", "unit": "STC",', "không phải JSON hợp lệ"),
    ("", "không phải JSON hợp lệ"),
])
def test_invalid_json_exits_2(stc, period, write, content, message):
    code, out, err = run("import_report", write(content))

    assert (code, out) == (2, "")
    assert message in err and err.count("\n") == 1


def test_missing_file_and_unknown_user_exit_2(stc, period, good_forms, write, tmp_path):
    code, _, err = run("import_report", str(tmp_path / "khong_co.json"))
    assert code == 2 and "Không tìm thấy tệp" in err

    code, _, err = run("import_report", write(document(good_forms)), "--user", "ai_do")
    assert code == 2 and 'Không có người dùng "ai_do".' in err
    assert not Report.objects.exists()


def test_submit_needs_the_explanation_in_the_file(stc, period, officer_stc, good_forms, write):
    doc = document(unbalanced(good_forms))

    code, result, _ = import_json(write(doc), "--submit", "--user", "stc")

    assert code == 1
    assert (result["ok"], result["saved"]) == (False, False)
    [missing] = result["errors"]
    assert (missing["code"], missing["form"], missing["row"]) == ("explanation.missing", "II.06a", 1)
    assert not Report.objects.exists()

    doc["explanations"] = [{"code": "II.06a.balance", "form": "II.06a", "row": 1,
                            "text": "Một hồ sơ công dân xin rút, đã trả lại."}]
    code, out, _ = run("import_report", write(doc), "--submit", "--user", "stc")

    assert code == 0
    assert "trạng thái: Đã gửi" in out
    assert "CẢNH BÁO: Biểu II.06a" in out
    report = Report.objects.get(unit=stc, period=period)
    assert report.status == "submitted"
    assert report.submitted_at is not None
    assert Transition.objects.get(report=report).actor == officer_stc
    assert export()["explanations"][0]["text"] == "Một hồ sơ công dân xin rút, đã trả lại."


def test_export_to_stdout_and_unusable_exports(stc, period, closed_period, good_forms):
    save_report(stc, period, good_forms)

    code, out, err = run("export_report", "--unit", "STC", "--period", "2023-Q3", "-o", "-")
    assert (code, err) == (0, "")
    assert json.loads(out)["forms"]["II.03b"]["trung_uong"][0]["ten"] == "Bộ Tài chính"

    for unit, period_code, message in [
        ("SXYZ", "2023-Q3", 'Không có đơn vị mã "SXYZ".'),
        ("STC", "2030-Q1", "Chưa có kỳ báo cáo 2030-Q1."),
        ("STC", "Q3-2023", "không hợp lệ"),
        ("STC", "2022-Q4", "STC chưa có báo cáo Quý IV năm 2022."),
    ]:
        code, out, err = run("export_report", "--unit", unit, "--period", period_code)
        assert (code, out) == (2, "")
        assert message in err and err.count("\n") == 1


# ---------------------------------------------------------------------------------------------
# open_period / close_period


def test_open_and_close_period(db):
    code, out, _ = run("open_period", "2023-Q3")

    assert code == 0
    assert out.strip() == (
        "Đã tạo và mở kỳ Quý III năm 2023 (Từ ngày 15 tháng 06 năm 2023 đến ngày 14 tháng 09 năm 2023), "
        "hạn gửi 18/09/2023."
    )
    period = ReportingPeriod.objects.get(code="2023-Q3")
    assert (period.start, period.end, period.deadline, period.is_open) == (
        date(2023, 6, 15), date(2023, 9, 14), date(2023, 9, 18), True)

    code, out, _ = run("close_period", "2023-Q3")
    assert code == 0 and out.startswith("Đã đóng kỳ Quý III năm 2023")
    period.refresh_from_db()
    assert not period.is_open

    code, out, _ = run("open_period", "2023-Q3")
    assert code == 0 and out.startswith("Đã mở kỳ Quý III năm 2023 (Từ ngày 15 tháng 06")
    assert ReportingPeriod.objects.get(code="2023-Q3").is_open
    assert ReportingPeriod.objects.count() == 1


def test_period_commands_refuse_bad_codes(db):
    code, _, err = run("open_period", "2023-Q5")
    assert code == 2 and 'Mã kỳ "2023-Q5" không hợp lệ' in err
    code, _, err = run("close_period", "2023-H1")
    assert code == 2 and "Chưa có kỳ báo cáo 2023-H1." in err
    assert not ReportingPeriod.objects.exists()


# ---------------------------------------------------------------------------------------------
# load_demo


CATALOGUES_2023 = {code: names for code, _, _, names in demo_province.UNITS}
# The approved reports of the quarter before the open one, from 2025-Q3 on.
CURRENT_APPROVED = ["STC", "PNHATRANG", "PBACNHATRANG", "PCAMRANH", "XDIENKHANH"]


@pytest.fixture
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def on_day(monkeypatch):
    def set_day(day):
        monkeypatch.setattr(load_demo_command, "timezone", SimpleNamespace(localdate=lambda: day))
    return set_day


def counts():
    models = [Unit, LinhVuc, User, ReportingPeriod, Report, Transition, *ROW_MODELS.values()]
    return {model.__name__: model.objects.count() for model in models}


def test_load_demo_twice_changes_nothing(db, fast_passwords, on_day):
    on_day(date(2023, 8, 1))
    assert run("load_demo")[0] == 0
    first = counts()
    code, out, _ = run("load_demo")

    assert code == 0
    assert counts() == first
    # The 2023 structure (30), the departments new in 2025 (SNNMT, SDTTG) and 13 communes.
    assert first["Unit"] == 30 + 2 + 13
    assert first["User"] == 29 + 15 + 1 + 1
    # 2023-Q1, Q2, Q3, H1, Y have started by 1/8/2023; Q4 has not.
    assert set(ReportingPeriod.objects.values_list("code", flat=True)) == {
        "2023-Q1", "2023-Q2", "2023-Q3", "2023-H1", "2023-Y"}
    assert first["Report"] == 2 and first["Transition"] == 4
    assert "Đã nạp dữ liệu mẫu: 45 đơn vị (mới: 0)" in out
    assert "tonghop" in out and "matkhau123" in out


def test_load_demo_units_users_and_open_period(db, fast_passwords, on_day):
    on_day(date(2023, 8, 1))
    run("load_demo")

    stc = Unit.objects.get(code="STC")
    # Its own catalogue, then SKHDT's, which it took over on 01/03/2025.
    assert list(stc.linh_vuc.values_list("name", "order")) == [
        ("Quản lý công sản", 0), ("Quản lý giá", 1), ("Đăng ký mã số", 2), ("Tài chính doanh nghiệp", 3),
        ("Thành lập và hoạt động doanh nghiệp", 4), ("Đầu tư tại Việt Nam", 5),
        ("Thành lập và hoạt động của hộ kinh doanh", 6), ("Thành lập và hoạt động của tổ hợp tác", 7)]
    assert Unit.objects.get(code="NHATRANG").kind == Unit.Kind.HUYEN

    officer = User.objects.get(username="stc")
    assert officer.check_password("matkhau123")
    assert (officer.role, officer.first_name, officer.last_name) == ("officer", "Lan", "Phạm Thị")
    assert list(officer.units.all()) == [stc]
    assert User.objects.get(username="tonghop").role == "reviewer"
    admin = User.objects.get(username="quantri")
    assert (admin.role, admin.is_staff, admin.is_superuser) == ("admin", True, True)

    assert list(ReportingPeriod.objects.filter(is_open=True).values_list("code", flat=True)) == ["2023-Q3"]


def test_load_demo_keeps_a_changed_password(db, fast_passwords, on_day):
    on_day(date(2023, 8, 1))
    run("load_demo")
    officer = User.objects.get(username="stc")
    officer.set_password("mat-khau-moi-2023")
    officer.save()

    run("load_demo")

    assert User.objects.get(username="stc").check_password("mat-khau-moi-2023")


def test_load_demo_previous_quarter_reports_are_approved_without_warnings(db, fast_passwords, on_day):
    on_day(date(2023, 8, 1))
    run("load_demo")

    previous = ReportingPeriod.objects.get(code="2023-Q2")
    assert not previous.is_open
    for code in ("STC", "SKHDT"):
        report = Report.objects.get(unit__code=code, period=previous)
        assert report.status == Report.Status.APPROVED
        assert [t.to_status for t in report.transitions.all()] == ["submitted", "approved"]
        judgement = services.judge(unit=report.unit, period=previous, raw_forms=selectors.report_forms(report))
        assert (judgement.errors, judgement.warnings) == ([], [])
        names = {row["linh_vuc"] for row in selectors.report_forms(report)["II.06a"]["rows"]}
        # The catalogue of 2023: not yet what STC took over from SKHDT in 2025.
        assert names == set(CATALOGUES_2023[code])
    assert Report.objects.count() == 2


def test_load_demo_later_quarter_carries_over(db, fast_passwords, on_day):
    """Run again a quarter later: the new demo reports carry over the earlier ones' pending files."""
    on_day(date(2023, 8, 1))
    run("load_demo")
    on_day(date(2023, 10, 2))
    run("load_demo")

    # An earlier run's open quarter is left as it was: load_demo never closes a period.
    assert set(ReportingPeriod.objects.filter(is_open=True).values_list("code", flat=True)) == {
        "2023-Q3", "2023-Q4"}
    q3 = Report.objects.get(unit__code="STC", period__code="2023-Q3")
    assert q3.status == Report.Status.APPROVED
    judgement = services.judge(unit=q3.unit, period=q3.period, raw_forms=selectors.report_forms(q3))
    assert (judgement.errors, judgement.warnings) == ([], [])
    assert selectors.previous_context(q3.unit, q3.period) is not None


def test_load_demo_from_15_december_opens_next_years_q1(db, fast_passwords, on_day):
    on_day(date(2025, 12, 20))
    run("load_demo")

    assert list(ReportingPeriod.objects.filter(is_open=True).values_list("code", flat=True)) == ["2026-Q1"]
    # SKHDT ended on 28/02/2025: STC and four communes only.
    assert set(Report.objects.filter(period__code="2025-Q4", status="approved").values_list("unit__code", flat=True)) \
        == set(CURRENT_APPROVED)


def test_load_demo_today_opens_the_latest_started_quarter(db, fast_passwords):
    today = timezone.localdate()
    run("load_demo")

    started = [
        (periods.default_window(year, kind)[0], f"{year}-{kind}")
        for year in range(2023, today.year + 2) for kind in ("Q1", "Q2", "Q3", "Q4")
        if periods.default_window(year, kind)[0] <= today
    ]
    latest = max(started)[1]
    assert list(ReportingPeriod.objects.filter(is_open=True).values_list("code", flat=True)) == [latest]
    assert ReportingPeriod.objects.filter(start__gt=today).count() == 0
    year, kind = periods.parse_code(latest)
    previous = periods.previous_code(year, kind)
    assert set(Report.objects.filter(period__code=previous, status="approved").values_list("unit__code", flat=True)) \
        == set(CURRENT_APPROVED)
