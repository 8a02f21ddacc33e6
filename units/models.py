from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Case, Value, When

# Departments first, then districts, then communes: the order in which the province prints units.
KIND_ORDER = {"so": 0, "huyen": 1, "xa": 2}


class UnitQuerySet(models.QuerySet):
    def in_print_order(self):
        return self.alias(
            kind_order=Case(*(When(kind=k, then=Value(n)) for k, n in KIND_ORDER.items()), default=Value(9))
        ).order_by("kind_order", "code")


class Unit(models.Model):
    class Kind(models.TextChoices):
        SO = "so", "Sở, ban, ngành"
        HUYEN = "huyen", "UBND cấp huyện"
        XA = "xa", "UBND cấp xã"

    code = models.CharField("mã", max_length=20, unique=True)
    name = models.CharField("tên đơn vị", max_length=255)
    kind = models.CharField("loại", max_length=10, choices=Kind.choices, default=Kind.SO)
    parent = models.ForeignKey(
        "self", verbose_name="đơn vị cấp trên", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_active = models.BooleanField("đang hoạt động", default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"

    def __str__(self):
        return self.name

    @property
    def level(self):
        """The administrative level (cấp) at which the unit resolves TTHC."""
        return {"so": "tinh", "huyen": "huyen", "xa": "xa"}[self.kind]


class LinhVuc(models.Model):
    """One entry of a unit's catalogue of fields of activity (lĩnh vực)."""

    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.CASCADE, related_name="linh_vuc")
    name = models.CharField("tên lĩnh vực", max_length=255)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    is_active = models.BooleanField("đang dùng", default=True)

    class Meta:
        ordering = ["unit", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="linh_vuc_unique_per_unit")]
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
