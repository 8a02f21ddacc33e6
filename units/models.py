from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Upper

# Departments first, then districts, then the commune level: the order in which the province
# prints units.
KIND_ORDER = {"so": 0, "huyen": 1, "phuong": 2, "xa": 3, "dac_khu": 4}


class UnitQuerySet(models.QuerySet):
    def in_print_order(self):
        return self.alias(
            kind_order=Case(*(When(kind=k, then=Value(n)) for k, n in KIND_ORDER.items()), default=Value(9))
        ).order_by("kind_order", "code")

    def existing_between(self, first_day, last_day):
        """The units that exist on at least one day from `first_day` to `last_day` (and that the
        admin has not switched off)."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=last_day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=first_day),
            is_active=True,
        )

    def in_period(self, period):
        """The units that take part in a reporting period (reports.models.ReportingPeriod): those
        that exist during its calendar span (README, Reorganisations)."""
        return self.existing_between(period.first_day, period.last_day)


class Unit(models.Model):
    class Kind(models.TextChoices):
        SO = "so", "Sở, ban, ngành"
        HUYEN = "huyen", "UBND cấp huyện"
        PHUONG = "phuong", "UBND phường"
        XA = "xa", "UBND xã"
        DAC_KHU = "dac_khu", "UBND đặc khu"

    code = models.CharField("mã", max_length=20, unique=True,
                            help_text="Chữ in hoa, không dấu, ví dụ STC, PVINHHAI; không trùng mã khác dù viết hoa hay thường.")
    name = models.CharField("tên đơn vị", max_length=255)
    kind = models.CharField("loại", max_length=10, choices=Kind.choices, default=Kind.SO)
    parent = models.ForeignKey(
        "self", verbose_name="đơn vị cấp trên", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_active = models.BooleanField(
        "đang hoạt động", default=True,
        help_text="Bỏ chọn để ẩn một đơn vị tạo nhầm ở mọi kỳ. Đơn vị giải thể, sáp nhập thì ghi “đến ngày”.",
    )
    # The days the unit exists (workflow.md, Reorganisations): blank = since always / still exists.
    valid_from = models.DateField("từ ngày", null=True, blank=True, help_text="Ngày đơn vị bắt đầu hoạt động; để trống nếu có từ trước.")
    valid_to = models.DateField("đến ngày", null=True, blank=True,
                                help_text="Ngày cuối cùng đơn vị hoạt động (giải thể, sáp nhập); để trống nếu đang hoạt động.")

    # The unit's profile: how its documents are headed and signed (Nghị định 30/2020), the defaults
    # of every report it exports. Blank fields take the usual value for the unit's kind.
    class Authority(models.TextChoices):
        DIRECT = "", "Người đứng đầu ký trực tiếp"
        KT = "KT", "KT. (cấp phó ký thay)"
        Q = "Q", "Q. (quyền)"
        TL = "TL", "TL. (thừa lệnh)"
        TUQ = "TUQ", "TUQ. (thừa ủy quyền)"
        TM = "TM", "TM. Ủy ban nhân dân, người đứng đầu ký"
        TM_KT = "TM_KT", "TM. Ủy ban nhân dân, KT. cấp phó ký thay"

    ky_hieu = models.CharField(
        "ký hiệu trên văn bản", max_length=30, blank=True,
        help_text="Viết như trên văn bản, có dấu: SKHĐT, STC, UBND (in thành “Số: …/BC-SKHĐT”). Để trống: dùng mã đơn vị.",
    )
    parent_agency = models.CharField(
        "cơ quan chủ quản", max_length=255, blank=True,
        help_text="Dòng trên tên đơn vị ở góc trái, ví dụ UBND TỈNH KHÁNH HÒA. Để trống: theo loại đơn vị.",
    )
    head_title = models.CharField("chức vụ người đứng đầu", max_length=100, blank=True,
                                  help_text="Ví dụ GIÁM ĐỐC, TRƯỞNG BAN, CHỦ TỊCH. Để trống: theo loại đơn vị.")
    signer_authority = models.CharField("thẩm quyền ký", max_length=5, blank=True, choices=Authority.choices,
                                        default=Authority.DIRECT)
    signer_title = models.CharField("chức vụ người ký", max_length=100, blank=True,
                                    help_text="Khi ký thay, thừa lệnh, thừa ủy quyền: ví dụ PHÓ GIÁM ĐỐC.")
    signer_name = models.CharField("họ tên người ký", max_length=100, blank=True)
    noi_nhan = models.TextField(
        "nơi nhận", blank=True,
        help_text="Mỗi dòng một nơi nhận, ví dụ “Văn phòng UBND tỉnh (Phòng KSTTHC);” và “Lưu: VT, VP.”",
    )

    PROFILE_FIELDS = ["ky_hieu", "parent_agency", "head_title", "signer_authority", "signer_title", "signer_name",
                      "noi_nhan"]

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"
        constraints = [
            # PVINHHAI and pvinhhai are one unit: codes are stored upper case (clean) and unique so.
            models.UniqueConstraint(Upper("code"), name="unit_code_unique_any_case",
                                    violation_error_message="Đã có đơn vị mang mã này (không phân biệt chữ hoa, chữ thường)."),
            models.CheckConstraint(condition=Q(valid_from__isnull=True) | Q(valid_to__isnull=True)
                                   | Q(valid_from__lte=models.F("valid_to")), name="unit_valid_from_before_to",
                                   violation_error_message="“Từ ngày” phải trước “đến ngày”."),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        self.code = (self.code or "").strip().upper()

    def exists_in(self, period):
        """Whether the unit takes part in `period` (see UnitQuerySet.in_period)."""
        return self.is_active and (self.valid_from is None or self.valid_from <= period.last_day) and (
            self.valid_to is None or self.valid_to >= period.first_day)

    @property
    def printed_ky_hieu(self):
        return self.ky_hieu or self.code

    @property
    def printed_head_title(self):
        return (self.head_title or ("GIÁM ĐỐC" if self.kind == self.Kind.SO else "CHỦ TỊCH")).upper()

    @property
    def level(self):
        """The administrative level (cấp) at which the unit resolves TTHC."""
        return {"so": "tinh", "huyen": "huyen"}.get(self.kind, "xa")

    @property
    def is_commune_level(self):
        return self.level == "xa"


class Succession(models.Model):
    """A reorganisation seen from one unit that ended: from `date`, `successor` carries on (part
    of) its work. A merger is several predecessors with one successor, a split one predecessor with
    several, a renaming one of each."""

    class Kind(models.TextChoices):
        MERGE = "merge", "Sáp nhập"
        RENAME = "rename", "Đổi tên"
        SPLIT = "split", "Chia tách"

    predecessor = models.ForeignKey(Unit, verbose_name="đơn vị trước", on_delete=models.PROTECT,
                                    related_name="successions")
    successor = models.ForeignKey(Unit, verbose_name="đơn vị kế tục", on_delete=models.PROTECT,
                                  related_name="predecessions")
    date = models.DateField("từ ngày")
    kind = models.CharField("hình thức", max_length=10, choices=Kind.choices, default=Kind.MERGE)

    class Meta:
        ordering = ["date", "predecessor__code"]
        constraints = [models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_once")]
        verbose_name = "sắp xếp đơn vị"
        verbose_name_plural = "sắp xếp đơn vị"

    def __str__(self):
        return f"{self.predecessor.code} → {self.successor.code} ({self.get_kind_display()}, {self.date:%d/%m/%Y})"


class LinhVuc(models.Model):
    """One entry of a unit's catalogue of fields of activity (lĩnh vực). Only the entries in use are
    offered on the report page; an import proposes the names it brings, which the admin accepts,
    retires or merges into another entry (units/services.py)."""

    class State(models.TextChoices):
        ACTIVE = "active", "Đang dùng"
        PROPOSED = "proposed", "Đề xuất"
        RETIRED = "retired", "Ngừng dùng"

    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.CASCADE, related_name="linh_vuc")
    name = models.CharField("tên lĩnh vực", max_length=255)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    state = models.CharField("trạng thái", max_length=10, choices=State.choices, default=State.ACTIVE)
    # A retired entry merged into another: which one its name became in the open reports.
    merged_into = models.ForeignKey(
        "self", verbose_name="đã gộp vào", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged",
    )

    class Meta:
        ordering = ["unit", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="linh_vuc_unique_per_unit")]
        indexes = [models.Index(fields=["unit", "state"], name="linh_vuc_unit_state")]
        verbose_name = "lĩnh vực"
        verbose_name_plural = "danh mục lĩnh vực"

    def __str__(self):
        return self.name


class User(AbstractUser):
    class Role(models.TextChoices):
        OFFICER = "officer", "Cán bộ đầu mối"
        REVIEWER = "reviewer", "Chuyên viên tổng hợp"
        ADMIN = "admin", "Quản trị"

    role = models.CharField("vai trò", max_length=10, choices=Role.choices, default=Role.OFFICER)
    units = models.ManyToManyField(
        Unit, verbose_name="đơn vị phụ trách", blank=True, related_name="officers",
        help_text="Cán bộ đầu mối chỉ thấy và nhập báo cáo của các đơn vị này.",
    )

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"

    @property
    def is_officer(self):
        return self.role == self.Role.OFFICER

    @property
    def is_reviewer(self):
        return self.role == self.Role.REVIEWER

    @property
    def is_portal_admin(self):
        return self.role == self.Role.ADMIN or self.is_superuser

    @property
    def display_name(self):
        """Vietnamese order: family and middle names (last_name) before the given name."""
        return f"{self.last_name} {self.first_name}".strip() or self.username
