"""State changes of units made outside the admin (the admin keeps its own history)."""
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction

from .models import Unit


@transaction.atomic
def unit_profile_update(*, unit, data, actor):
    """Set the profile fields of `unit` (cleaned by units.forms.UnitProfileForm) and note the
    change in the unit's admin history, so that the admin sees who changed what. Returns the
    names of the fields that changed."""
    kept = Unit.objects.select_for_update().get(pk=unit.pk)
    changed = [name for name in Unit.PROFILE_FIELDS if getattr(kept, name) != data[name]]
    if not changed:
        return []
    for name in changed:
        setattr(kept, name, data[name])
    kept.save(update_fields=changed)
    labels = ", ".join(str(Unit._meta.get_field(name).verbose_name) for name in changed)
    LogEntry.objects.log_actions(actor.pk, [kept], CHANGE, change_message=f"Sửa hồ sơ đơn vị: {labels}.",
                                 single_object=True)
    return changed
