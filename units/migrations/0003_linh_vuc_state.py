"""LinhVuc.is_active becomes a state: đang dùng, đề xuất (brought by an import, not offered until
the admin accepts it) or ngừng dùng; a merged entry remembers which entry it went into."""
from django.db import migrations, models


def is_active_to_state(apps, schema_editor):
    LinhVuc = apps.get_model("units", "LinhVuc")
    LinhVuc.objects.filter(is_active=False).update(state="retired")


def state_to_is_active(apps, schema_editor):
    # Going back, a proposed entry is not offered either.
    LinhVuc = apps.get_model("units", "LinhVuc")
    LinhVuc.objects.exclude(state="active").update(is_active=False)


class Migration(migrations.Migration):

    dependencies = [
        ("units", "0002_unit_profile"),
    ]

    operations = [
        migrations.AddField(
            model_name="linhvuc",
            name="state",
            field=models.CharField(
                choices=[("active", "Đang dùng"), ("proposed", "Đề xuất"), ("retired", "Ngừng dùng")],
                default="active", max_length=10, verbose_name="trạng thái",
            ),
        ),
        migrations.AddField(
            model_name="linhvuc",
            name="merged_into",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=models.deletion.SET_NULL, related_name="merged",
                to="units.linhvuc", verbose_name="đã gộp vào",
            ),
        ),
        migrations.RunPython(is_active_to_state, state_to_is_active),
        migrations.RemoveField(model_name="linhvuc", name="is_active"),
        migrations.AddIndex(
            model_name="linhvuc",
            index=models.Index(fields=["unit", "state"], name="linh_vuc_unit_state"),
        ),
    ]
