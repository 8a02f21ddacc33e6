"""`manage.py load_demo`: the demo province of fixtures/demo_province.py.

Idempotent and additive: it creates what is missing and leaves what exists as it is (a unit
renamed, a password changed or a period re-opened by an admin stays so on the next
`make run`). The one exception is the latest quarter, which is (re-)opened.

- units and their lĩnh vực catalogues, the demo accounts;
- every period kind of every year from 2023 whose data window has started, closed, except the
  latest quarter, open;
- for the quarter before the open one, an approved report of STC and SKHDT, made through the
  services (save, submit, approve) so that it is a real one, with figures that pass every rule
  without a warning.
"""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from fixtures import demo_province as demo
from reports import periods, selectors, services
from reports.models import Report, ReportingPeriod
from reports.workflow import WorkflowError
from units.models import LinhVuc, Unit

FIRST_YEAR = 2023
# Units given an approved report in the quarter before the open one, with the ministry whose
# TTHC they publish (II.03b section I).
DEMO_REPORTS = {"SKHDT": "Bộ Kế hoạch và Đầu tư", "STC": "Bộ Tài chính"}


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (tỉnh mẫu theo Khánh Hòa): đơn vị, lĩnh vực, tài khoản, kỳ báo cáo, báo cáo mẫu."

    def handle(self, *args, **options):
        today = timezone.localdate()
        try:
            with transaction.atomic():
                created_units = load_units()
                created_users = load_users()
                open_period, created_periods = load_periods(today)
                demo_period, made_reports = load_demo_reports(open_period)
        except (services.ReportError, WorkflowError) as error:
            raise CommandError(f"Không tạo được báo cáo mẫu: {error}") from error
        self._summary(created_units, created_users, created_periods, open_period, demo_period, made_reports)

    def _summary(self, created_units, created_users, created_periods, open_period, demo_period, made_reports):
        User = get_user_model()
        self.stdout.write(
            f"Đã nạp dữ liệu mẫu: {Unit.objects.count()} đơn vị (mới: {created_units}), "
            f"{LinhVuc.objects.count()} lĩnh vực, {User.objects.count()} tài khoản (mới: {created_users}), "
            f"{ReportingPeriod.objects.count()} kỳ báo cáo (mới: {created_periods})."
        )
        if open_period:
            self.stdout.write(f"Kỳ đang mở: {open_period.label} {open_period.window_text}, "
                              f"hạn gửi {open_period.deadline:%d/%m/%Y}.")
        if demo_period:
            done = f"vừa tạo: {', '.join(made_reports)}" if made_reports else "đã có từ trước"
            self.stdout.write(f"Báo cáo mẫu đã duyệt, {demo_period.label}: {', '.join(DEMO_REPORTS)} ({done}).")
        self.stdout.write(f"Tài khoản dùng thử (mật khẩu khi tạo: {demo.OFFICER_PASSWORD}):")
        for username, full_name in demo.REVIEWERS:
            self.stdout.write(f"  {username} — chuyên viên tổng hợp ({full_name})")
        for username, full_name in demo.ADMINS:
            self.stdout.write(f"  {username} — quản trị ({full_name})")
        example = demo.officer_username("STC")
        self.stdout.write(
            f"  {example}, {demo.officer_username('SKHDT')}, … — cán bộ đầu mối của từng đơn vị "
            f"(tên đăng nhập là mã đơn vị viết thường, ví dụ {example}: Sở Tài chính)"
        )


def load_units():
    created_count = 0
    for code, name, kind, linh_vuc in demo.UNITS:
        authority, head, title, signer = demo.SIGNERS.get(code, ("", "", "", ""))
        unit, created = Unit.objects.get_or_create(code=code, defaults={
            "name": name, "kind": kind, "ky_hieu": demo.ky_hieu(code, name, kind), "head_title": head,
            "signer_authority": authority, "signer_title": title, "signer_name": signer,
        })
        created_count += created
        for order, lv_name in enumerate(linh_vuc):
            LinhVuc.objects.get_or_create(unit=unit, name=lv_name, defaults={"order": order})
    return created_count


def _split_name(full_name):
    """`Phạm Thị Lan` → ("Lan", "Phạm Thị"): Vietnamese given name last."""
    *rest, first = full_name.split()
    return first, " ".join(rest)


def _ensure_user(username, full_name, role, units=(), superuser=False):
    User = get_user_model()
    first_name, last_name = _split_name(full_name)
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first_name, "last_name": last_name, "role": role,
                  "email": f"{username}@khanhhoa.gov.vn", "is_staff": superuser, "is_superuser": superuser},
    )
    if created:
        # Only at creation: a password changed since is kept.
        user.set_password(demo.OFFICER_PASSWORD)
        user.save(update_fields=["password"])
        user.units.set(units)
    return created


def load_users():
    User = get_user_model()
    units = Unit.objects.in_bulk([code for _, _, code in demo.OFFICERS], field_name="code")
    created = 0
    for username, full_name, code in demo.OFFICERS:
        created += _ensure_user(username, full_name, User.Role.OFFICER, units=[units[code]])
    for username, full_name in demo.REVIEWERS:
        created += _ensure_user(username, full_name, User.Role.REVIEWER)
    for username, full_name in demo.ADMINS:
        created += _ensure_user(username, full_name, User.Role.ADMIN, superuser=True)
    return created


def load_periods(today):
    """Every kind of every year whose window has started; returns (the open latest quarter, how many
    were created). Next year's Q1, H1 and Y start on 15/12, so they count from then."""
    created_count, latest_quarter = 0, None
    for year in range(FIRST_YEAR, today.year + 2):
        for kind in periods.KINDS:
            start, end = periods.default_window(year, kind)
            if start > today:
                continue
            _, created = ReportingPeriod.objects.get_or_create(
                code=f"{year}-{kind}",
                defaults={"year": year, "kind": kind, "start": start, "end": end,
                          "deadline": periods.default_deadline(end), "is_open": False},
            )
            created_count += created
            if kind.startswith("Q") and (latest_quarter is None or start > latest_quarter[0]):
                latest_quarter = (start, f"{year}-{kind}")
    if latest_quarter is None:
        return None, created_count
    open_period, _ = services.period_open(latest_quarter[1])
    return open_period, created_count


def load_demo_reports(open_period):
    """Approved reports of DEMO_REPORTS in the quarter before the open one; returns (that period,
    codes of the units whose report was made now)."""
    if open_period is None:
        return None, []
    code = periods.previous_code(open_period.year, open_period.kind)
    period = ReportingPeriod.objects.filter(code=code).first()
    if period is None:
        return None, []
    User = get_user_model()
    reviewer = User.objects.get(username=demo.REVIEWERS[0][0])
    made = []
    was_open = period.is_open
    for unit_code, ministry in DEMO_REPORTS.items():
        unit = Unit.objects.get(code=unit_code)
        if Report.objects.filter(unit=unit, period=period).exists():
            continue
        if not period.is_open:
            # Saving and each transition need the period open: open it for the time of the workflow.
            period, _ = services.period_open(period.code)
        officer = User.objects.get(username=demo.officer_username(unit_code))
        previous = selectors.previous_context(unit, period)
        names = [lv for c, _, _, catalogue in demo.UNITS if c == unit_code for lv in catalogue]
        report, _ = services.report_save(
            unit=unit, period=period, raw_forms=demo_forms(names, ministry, previous),
            narrative=demo_narrative(unit), explanations=[], actor=officer, expected_version=0,
        )
        report = services.report_submit(report=report, actor=officer)
        services.report_approve(report=report, actor=reviewer)
        made.append(unit_code)
    if period.is_open and not was_open:
        period = services.period_close(period.code)
    return period, made


def demo_forms(names, ministry, previous):
    """Plausible, deterministic figures for a department's catalogue `names` that pass every rule
    without a warning: each II.06a row balances and carries over the previous report's (11),
    II.03b (9) = (6)+(7) and (10) = (8), II.03b II (11) totals II.07b (3), no level is exceeded."""
    pending = previous.pending if previous else None
    rows_06a, rows_07b, bon_tai_cho, rows_08 = [], [], [], []
    for i, name in enumerate(names):
        k = 6 + 5 * i + len(name) % 7
        c4, c5 = 3 * k, 2 * k + i
        c6 = pending.get(name, 0) if pending is not None else i + 1
        c12, c13 = 1 + i, i % 2
        resolved = c4 + c5 + c6 - c12 - c13
        c10 = i % 2
        c8 = resolved * 2 // 5
        rows_06a.append({"linh_vuc": name, "c4": c4, "c5": c5, "c6": c6,
                         "c8": c8, "c9": resolved - c8 - c10, "c10": c10, "c12": c12, "c13": c13})

        tinh, huyen = 4 + 3 * i, 2 * (i % 2)
        rows_07b.append({"linh_vuc": name, "c4": tinh, "c5": huyen, "c6": 0,
                         "c8": tinh, "c9": huyen, "c10": 0, "c12": tinh - i % 2, "c13": huyen, "c14": 0})
        bon_tai_cho.append({"linh_vuc": name, "c3": tinh // 2, "c5": huyen // 2})

        assigned_3, assigned_4 = 1 + i % 3, 1 + i % 2
        rows_08.append({"nhom": "B", "cap": "tinh", "linh_vuc": name,
                        "c3": assigned_3, "c4": assigned_3, "c5": 12 * (i + 1) + k,
                        "c6": assigned_4, "c7": assigned_4, "c8": 3 * k, "c9": 0 if i % 3 == 2 else 1})
    total_tinh = sum(row["c4"] for row in rows_07b)
    total_huyen = sum(row["c5"] for row in rows_07b)
    return {
        "II.03b": {
            "trung_uong": [{"ten": ministry, "c3": 2, "c4": 1, "c6": 1, "c7": 3, "c8": 1,
                            "c9": 4, "c10": 1, "c11": total_tinh}],
            "dia_phuong": [
                {"cap": "tinh", "c3": 1, "c4": 0, "c6": 0, "c7": 2, "c8": 0, "c9": 2, "c10": 0, "c11": total_tinh},
                {"cap": "huyen", "c11": total_huyen},
                {"cap": "xa"},
            ],
        },
        "II.06a": {"rows": rows_06a},
        "II.07b": {"rows": rows_07b, "bon_tai_cho": bon_tai_cho},
        "II.08": {"rows": rows_08},
    }


def demo_narrative(unit):
    return {
        "I.1": f"Trong kỳ, {unit.name} không chủ trì soạn thảo văn bản quy phạm pháp luật có quy định TTHC.",
        "I.5": "Trong kỳ, đơn vị không nhận được phản ánh, kiến nghị về quy định, TTHC thuộc thẩm quyền.",
        "II": (
            "1. Ưu điểm: hồ sơ được tiếp nhận, giải quyết kịp thời; tỷ lệ hồ sơ trực tuyến tăng so với kỳ trước.\n"
            "2. Tồn tại, hạn chế: còn một số hồ sơ giải quyết quá hạn do phải lấy ý kiến cơ quan liên quan."
        ),
        "III": "Tiếp tục rà soát, đơn giản hóa TTHC; đẩy mạnh tiếp nhận hồ sơ trực tuyến toàn trình.",
        "IV": "Không.",
    }
