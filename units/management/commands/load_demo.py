"""`manage.py load_demo`: the demo province of fixtures/demo_province.py (the 2023 structure) and
fixtures/demo_reorganisation.py (its 2025 reorganisation): both eras (workflow.md, Reorganisations).

Idempotent and additive: it creates what is missing and leaves what exists as it is (a unit
renamed, a password changed or a period re-opened by an admin stays so on the next
`make run`). The one exception is the latest quarter, which is (re-)opened.

- units and their lĩnh vực catalogues, the days they exist (filled in only where still blank) and
  the successions of 2025, the demo accounts;
- every period kind of every year from 2023 whose data window has started, closed, except the
  latest quarter, open;
- reports made through the services (save, submit, approve) so that they are real ones, with
  figures that pass every rule without a warning: an approved report of STC (and of SKHDT while
  it exists) for the quarter before the open one; 2023-Q3 of some departments and districts; from
  2025-Q3 on, some commune reports in the quarter before the open one and in the open one.
"""
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.timezone import make_aware

from fixtures import demo_province as demo
from fixtures import demo_reorganisation as reorg
from reports import periods, selectors, services
from reports.models import Report, ReportingPeriod
from reports.workflow import WorkflowError
from units.models import LinhVuc, Succession, Unit

FIRST_YEAR = 2023
# Units given an approved report in the quarter before the open one (those existing then), with
# the ministry whose TTHC they publish (II.03b section I).
DEMO_REPORTS = {"SKHDT": "Bộ Kế hoạch và Đầu tư", "STC": "Bộ Tài chính"}
UNITS = demo.UNITS + reorg.NEW_DEPARTMENTS + reorg.COMMUNES
OFFICERS = demo.OFFICERS + reorg.OFFICERS


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (tỉnh mẫu theo Khánh Hòa, trước và sau sắp xếp năm 2025): đơn vị, lĩnh vực, tài khoản, kỳ báo cáo, báo cáo mẫu."

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
        self.stdout.write(
            f"Sắp xếp năm 2025: các sở sáp nhập từ {reorg.DEPARTMENTS_MERGED:%d/%m/%Y}; UBND cấp huyện hoạt động "
            f"đến {reorg.DISTRICTS_LAST_DAY:%d/%m/%Y}; {len(reorg.COMMUNES)} đơn vị cấp xã mẫu từ "
            f"{reorg.TWO_TIER_FROM:%d/%m/%Y} (tên có “{reorg.SAMPLE}”)."
        )
        if open_period:
            self.stdout.write(f"Kỳ đang mở: {open_period.label} {open_period.window_text}, "
                              f"hạn gửi {open_period.deadline:%d/%m/%Y}.")
        if demo_period:
            codes = [code for code in DEMO_REPORTS if Unit.objects.get(code=code).exists_in(demo_period)]
            self.stdout.write(f"Báo cáo mẫu đã duyệt, {demo_period.label}: {', '.join(codes)}.")
        done = ", ".join(made_reports) if made_reports else "không (đã có từ trước)"
        self.stdout.write(f"Báo cáo mẫu vừa tạo: {done}.")
        self.stdout.write(f"Tài khoản dùng thử (mật khẩu khi tạo: {demo.OFFICER_PASSWORD}):")
        for username, full_name in demo.REVIEWERS:
            self.stdout.write(f"  {username} — chuyên viên tổng hợp ({full_name})")
        for username, full_name in demo.ADMINS:
            self.stdout.write(f"  {username} — quản trị ({full_name})")
        example = demo.officer_username("STC")
        commune = reorg.OFFICERS[2]
        self.stdout.write(
            f"  {example}, {demo.officer_username('SKHDT')}, {commune[0]}, … — cán bộ đầu mối của từng đơn vị "
            f"(tên đăng nhập là mã đơn vị viết thường, ví dụ {example}: Sở Tài chính)"
        )


def load_units():
    created_count = 0
    inherited = reorg.inherited_linh_vuc(UNITS)
    for code, name, kind, linh_vuc in UNITS:
        authority, head, title, signer = demo.SIGNERS.get(code, ("", "", "", ""))
        valid_from, valid_to = reorg.VALIDITY.get(code, (None, None))
        unit, created = Unit.objects.get_or_create(code=code, defaults={
            "name": name, "kind": kind, "ky_hieu": demo.ky_hieu(code, name, kind), "head_title": head,
            "signer_authority": authority, "signer_title": title, "signer_name": signer,
            "valid_from": valid_from, "valid_to": valid_to,
        })
        created_count += created
        if not created and unit.valid_from is None and unit.valid_to is None and (valid_from or valid_to):
            # A demo database of before the reorganisation: its dates were never set.
            unit.valid_from, unit.valid_to = valid_from, valid_to
            unit.save(update_fields=["valid_from", "valid_to"])
        for order, lv_name in enumerate([*linh_vuc, *(n for n in inherited.get(code, ()) if n not in linh_vuc)]):
            LinhVuc.objects.get_or_create(unit=unit, name=lv_name, defaults={"order": order})
    units = Unit.objects.in_bulk([c for pair in reorg.SUCCESSIONS for c in pair[:2]], field_name="code")
    for predecessor, successor, kind in reorg.SUCCESSIONS:
        Succession.objects.get_or_create(predecessor=units[predecessor], successor=units[successor],
                                         defaults={"date": reorg.DEPARTMENTS_MERGED, "kind": kind})
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
    units = Unit.objects.in_bulk([code for _, _, code in OFFICERS], field_name="code")
    created = 0
    for username, full_name, code in OFFICERS:
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


def planned_reports(open_period):
    """(period, unit code, final status) of every demo report, oldest period first (so that each
    carries over the one before): STC and SKHDT (while they exist) approved in the quarter before the
    open one, the 2023 reports in a quarter before the open one, the commune reports from 2025-Q3 on."""
    if open_period is None:
        return []
    code = periods.previous_code(open_period.year, open_period.kind)
    previous = ReportingPeriod.objects.filter(code=code).first()
    plan = {}
    for period_code, unit_code, status in reorg.REPORTS_2023:
        period = ReportingPeriod.objects.filter(code=period_code).first()
        if period is not None and period.end < open_period.start:
            plan[(period.code, unit_code)] = (period, unit_code, status)
    if previous is not None:
        for unit_code in DEMO_REPORTS:
            plan[(previous.code, unit_code)] = (previous, unit_code, Report.Status.APPROVED)
        if previous.first_day >= reorg.TWO_TIER_FROM:
            for unit_code, status in reorg.COMMUNE_REPORTS_PREVIOUS:
                plan[(previous.code, unit_code)] = (previous, unit_code, status)
    if open_period.first_day >= reorg.TWO_TIER_FROM:
        for unit_code, status in reorg.COMMUNE_REPORTS_OPEN:
            plan[(open_period.code, unit_code)] = (open_period, unit_code, status)
    units = Unit.objects.in_bulk([unit_code for _, unit_code in plan], field_name="code")
    return sorted(
        ((period, units[unit_code], status) for period, unit_code, status in plan.values()
         if units[unit_code].exists_in(period)),
        key=lambda item: (item[0].start, item[1].code),
    )


def load_demo_reports(open_period):
    """The reports of planned_reports that do not exist yet; returns (the quarter before the open one,
    "UNIT period" of the reports made now). A closed period is opened for the time of the workflow."""
    if open_period is None:
        return None, []
    previous = ReportingPeriod.objects.filter(
        code=periods.previous_code(open_period.year, open_period.kind)).first()
    User = get_user_model()
    reviewer = User.objects.get(username=demo.REVIEWERS[0][0])
    officers = {code: username for username, _, code in OFFICERS}
    catalogues = {code: names for code, _, _, names in UNITS}
    made, reopened = [], set()
    for period, unit, status in planned_reports(open_period):
        if Report.objects.filter(unit=unit, period=period).exists():
            continue
        if not period.is_open:
            # Saving and each transition need the period open: open it for the time of the workflow.
            period, _ = services.period_open(period.code)
            reopened.add(period.code)
        officer = User.objects.get(username=officers[unit.code])
        previous_context = selectors.previous_context(unit, period)
        names = demo_catalogue(unit, period, catalogues)
        forms = demo_forms(names, DEMO_REPORTS.get(unit.code, ""), previous_context, level=unit.level,
                           huyen=period.first_day < reorg.TWO_TIER_FROM)
        report, _ = services.report_save(
            unit=unit, period=period, raw_forms=forms,
            narrative=demo_narrative(unit), explanations=[], actor=officer, expected_version=0,
        )
        report = services.report_submit(report=report, actor=officer)
        if status == Report.Status.APPROVED:
            services.report_approve(report=report, actor=reviewer)
        if period.deadline < timezone.localdate():
            _dated_back(report, len(made))
        made.append(f"{unit.code} {period.code}")
    for code in reopened:
        services.period_close(code)
    if previous is not None:
        previous.refresh_from_db()
    return previous, made


def _dated_back(report, n):
    """A past period's demo report saved, sent and approved in its own time, not today: sent on one of
    the days between the period's end and its deadline (on time, as most are), approved two days
    later, so that the board and the home page read as they did then."""
    period = report.period
    days = max((period.deadline - period.end).days, 1)
    sent_on = period.end + timedelta(days=1 + n % days)
    sent = make_aware(datetime.combine(sent_on, time(9, 30) if n % 2 else time(14, 15)))
    report.revisions.update(at=sent - timedelta(minutes=20))
    last = sent
    for step, transition in enumerate(report.transitions.order_by("at", "id")):
        transition.at = last = sent + timedelta(days=2 * step, hours=step)
        transition.save(update_fields=["at"])
    Report.objects.filter(pk=report.pk).update(submitted_at=sent, updated_at=last)


def demo_catalogue(unit, period, catalogues):
    """The lĩnh vực a demo report fills: the unit's own catalogue, and from the merger on the
    predecessors' ones it took over."""
    names = list(catalogues[unit.code])
    if period.last_day >= reorg.DEPARTMENTS_MERGED:
        names += [n for n in reorg.inherited_linh_vuc(UNITS).get(unit.code, ()) if n not in names]
    return names


def demo_forms(names, ministry, previous, *, level="tinh", huyen=True):
    """Plausible, deterministic figures for a unit's catalogue `names` that pass every rule
    without a warning: each II.06a row balances and carries over the previous report's (11),
    II.03b (9) = (6)+(7) and (10) = (8), II.03b II (11) totals II.07b (3), no level is exceeded;
    II.04 options within the TTHC reviewed and costs that fall; II.05a rows that balance, their
    content adding up, (4) the previous report's (10).
    `level` is the unit's (tinh, huyen, xa); `huyen=False` (periods from 01/07/2025) leaves every
    cấp huyện cell at zero."""
    pending = previous.pending if previous else None
    rows_04, rows_05a, rows_06a, rows_07b, bon_tai_cho, rows_08 = [], [], [], [], [], []
    for i, name in enumerate(names):
        # II.04: a department reviews a few TTHC of each lĩnh vực under its plan, all of them, and
        # saves a fifth of their cost; districts and communes review none.
        if level == "tinh":
            planned = 2 + i % 3
            amended, replaced = planned // 2, i % 2
            cost = 12_500_000 * (i + 1) + 1_250_000 * len(name)
            rows_04.append({"linh_vuc": name, "c3": planned, "c4": planned, "c5": planned - amended - replaced,
                            "c6": 0, "c7": amended, "c8": replaced, "c9": 0, "c10": amended,
                            "c11": cost, "c12": cost - cost // 5})
        else:
            rows_04.append({"linh_vuc": name})
        # II.05a: PAKN are rare; the first lĩnh vực of a department has two, both handled in the
        # period, so nothing is pending and (4) carries over 0.
        carried = previous.pending_05a.get(name, 0) if previous else 0
        received = 2 if level == "tinh" and i == 0 else 0
        rows_05a.append({"linh_vuc": name, "c4": carried, "c5": received, "c6": carried + received - received // 2,
                         "c7": received // 2, "c8": carried + received, "c9": received // 2, "c10": 0})

        k = 6 + 5 * i + len(name) % 7
        c4, c5 = 3 * k, 2 * k + i
        c6 = pending.get(name, 0) if pending is not None else i + 1
        c12, c13 = 1 + i, i % 2
        resolved = c4 + c5 + c6 - c12 - c13
        c10 = i % 2
        c8 = resolved * 2 // 5
        rows_06a.append({"linh_vuc": name, "c4": c4, "c5": c5, "c6": c6,
                         "c8": c8, "c9": resolved - c8 - c10, "c10": c10, "c12": c12, "c13": c13})

        # TTHC by level: a department's are cấp tỉnh (and, before 2025-Q3, a few cấp huyện), a
        # district's cấp huyện and cấp xã, a commune's cấp xã.
        tinh = 4 + 3 * i if level == "tinh" else 0
        huyen_count = {"tinh": 2 * (i % 2), "huyen": 5 + 2 * i}.get(level, 0) if huyen else 0
        xa = {"huyen": 1 + i % 3, "xa": 3 + 2 * i}.get(level, 0)
        rows_07b.append({"linh_vuc": name, "c4": tinh, "c5": huyen_count, "c6": xa,
                         "c8": tinh, "c9": huyen_count, "c10": xa,
                         "c12": tinh - i % 2 if tinh else 0, "c13": huyen_count, "c14": max(xa - i % 2, 0)})
        if level != "xa":  # section II counts the Bộ phận Một cửa cấp tỉnh and cấp huyện only
            bon_tai_cho.append({"linh_vuc": name, "c3": tinh // 2, "c5": huyen_count // 2})

        assigned_3, assigned_4 = 1 + i % 3, 1 + i % 2
        cap = level if level != "huyen" or huyen else "xa"
        rows_08.append({"nhom": "B", "cap": cap, "linh_vuc": name,
                        "c3": assigned_3, "c4": assigned_3, "c5": 12 * (i + 1) + k,
                        "c6": assigned_4, "c7": assigned_4, "c8": 3 * k, "c9": 0 if i % 3 == 2 else 1})
    totals = {key: sum(row[key] for row in rows_07b) for key in ("c4", "c5", "c6")}
    published = {"tinh": {"c3": 1, "c4": 0, "c6": 0, "c7": 2, "c8": 0, "c9": 2, "c10": 0},
                 "huyen": {"c3": 1, "c4": 0, "c6": 1, "c7": 1, "c8": 0, "c9": 2, "c10": 0},
                 "xa": {"c3": 1, "c4": 0, "c6": 0, "c7": 1, "c8": 0, "c9": 1, "c10": 0}}[level]
    dia_phuong = [
        {"cap": "tinh", "c11": totals["c4"], **(published if level == "tinh" else {})},
        {"cap": "huyen", "c11": totals["c5"], **(published if level == "huyen" else {})},
        {"cap": "xa", "c11": totals["c6"], **(published if level == "xa" else {})},
    ]
    if not huyen:
        dia_phuong[1] = {"cap": "huyen"}
    trung_uong = [{"ten": ministry, "c3": 2, "c4": 1, "c6": 1, "c7": 3, "c8": 1,
                   "c9": 4, "c10": 1, "c11": totals["c4"]}] if ministry else []
    return {
        "II.03b": {"trung_uong": trung_uong, "dia_phuong": dia_phuong},
        "II.04": {"rows": rows_04},
        "II.05a": {"rows": rows_05a},
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
