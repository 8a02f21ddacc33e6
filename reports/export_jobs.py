"""Exports as background jobs, cached by content.

A download of a report or of the province's consolidation in Excel, Word or PDF asks for the file
of a *key*: a hash of everything the file is made from (the writer's version, the format; for a
unit's report its version, status, document fields and the unit's profile; for the province the
period, its document fields and the version and status of every report it counts). The first
request for a key creates an ExportFile and enqueues `generate_export` on the task queue (Django's
Tasks API, django-tasks backport: the database backend by default, RQ in production, see
settings.TASKS); later requests for the same key join it, and once it is ready get the stored
file at once, from any web server. A failed job is retried by asking again; a job left pending or
running for longer than EXPORT_STALE_SECONDS (a worker killed) counts as failed.

The management commands export_report / export_consolidated keep rendering synchronously.
"""
import hashlib
import json
import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from units.models import Unit

from . import exports
from .consolidation import consolidate, counted_statuses
from .exports.document import province_document, unit_document
from .models import ExportFile, Report
from .workflow import S

log = logging.getLogger(__name__)

# Bump when a writer changes what it prints: every cached file is then made again.
WRITER_VERSION = 1
PROFILE_FIELDS = ("name", "kind", *Unit.PROFILE_FIELDS)  # what of the unit its documents print
Status = ExportFile.Status


def _digest(parts):
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()


def unit_key(report, fmt):
    unit = report.unit
    return _digest({
        "writer": WRITER_VERSION, "fmt": fmt, "report": report.pk, "version": report.version, "status": report.status,
        "submitted_at": report.submitted_at, "unit_name": report.unit_name, "meta": report.document_meta,
        "profile": {name: getattr(unit, name) for name in PROFILE_FIELDS},
    })


def province_key(period, fmt, include_submitted):
    """One query: the version and status of every report the consolidation counts."""
    counted = list(
        Report.objects.filter(period=period, status__in=counted_statuses(include_submitted))
        .order_by("pk").values_list("pk", "version", "status", "updated_at", "unit_name", "unit__code", "unit__kind")
    )
    return _digest({"writer": WRITER_VERSION, "fmt": fmt, "period": period.pk, "include_submitted": include_submitted,
                    "meta": period.province_meta, "reports": counted})


def request_export(*, period, fmt, report=None, include_submitted=False):
    """The ExportFile of what the report (or, without one, the province's consolidation) holds
    now, in `fmt`: the stored file when it is ready, else the job making it (started now when
    there is none, or when the last one failed or was abandoned)."""
    key = _key(period, fmt, report, include_submitted)
    unit, include_submitted = (report.unit, False) if report is not None else (None, include_submitted)
    with transaction.atomic():
        export, created = ExportFile.objects.select_for_update().get_or_create(
            key=key, defaults={"fmt": fmt, "period": period, "unit": unit, "include_submitted": include_submitted},
        )
        start = created or _needs_restart(export)
        if start and not created:
            ExportFile.objects.filter(pk=export.pk).update(status=Status.PENDING, error="", created_at=timezone.now(),
                                                           started_at=None, finished_at=None)
    if start:
        # Outside the transaction: a worker on another machine must find the row committed.
        generate_export.enqueue(export.pk)
    export.refresh_from_db()
    return export


def current_export(*, period, fmt, report=None, include_submitted=False):
    """The ExportFile of what the report (or the province) holds now, if one was asked for."""
    return ExportFile.objects.filter(key=_key(period, fmt, report, include_submitted)).first()


def _key(period, fmt, report, include_submitted):
    return unit_key(report, fmt) if report is not None else province_key(period, fmt, include_submitted)


def _needs_restart(export):
    if export.status == Status.FAILED:
        return True
    if export.status == Status.READY:
        return not export.file or not export.file.storage.exists(export.file.name)
    return is_stale(export)


def is_stale(export):
    since = export.started_at or export.created_at
    return since < timezone.now() - timedelta(seconds=settings.EXPORT_STALE_SECONDS)


def state(export):
    """What the page shows of a job: ready, waiting (with seconds since it was asked) or failed."""
    if export.status == Status.READY:
        return "ready"
    if export.status == Status.FAILED or is_stale(export):
        return "failed"
    return "waiting"


@task()
def generate_export(export_id):
    """Make the file of an ExportFile from what its report (or the province) holds now."""
    export = ExportFile.objects.select_related("period", "unit").get(pk=export_id)
    if export.status == Status.READY:
        return export.pk
    ExportFile.objects.filter(pk=export.pk).update(status=Status.RUNNING, started_at=timezone.now())
    try:
        with exports.without_cycle_collection():  # the province's tables too, not only the writer
            document = _document(export)
            body = exports.render(document, export.fmt)
        export.file.save(f"{export.key[:2]}/{export.key}.{export.fmt}", ContentFile(body), save=False)
    except Exception as error:
        log.exception("export %s failed", export.pk)
        ExportFile.objects.filter(pk=export.pk).update(status=Status.FAILED, error=repr(error)[:2000],
                                                       finished_at=timezone.now())
        raise
    ExportFile.objects.filter(pk=export.pk).update(
        status=Status.READY, file=export.file.name, filename=f"{document.filename_stem}.{export.fmt}",
        finished_at=timezone.now(),
    )
    return export.pk


def _document(export):
    if export.unit_id is None:
        return province_document(consolidate(export.period, include_submitted=export.include_submitted))
    report = Report.objects.select_related("unit", "period").get(unit=export.unit, period=export.period)
    return unit_document(report)


def prepare_approved(report):
    """Start making an approved report's files, so that its first download is instant."""
    if report.status == S.APPROVED:
        for fmt in exports.DOCUMENT_FORMATS:
            request_export(period=report.period, fmt=fmt, report=report)


def prune(*, keep_days):
    """Delete the files nobody will ask for again: in each (period, unit, format, include_submitted)
    only the newest finished file is kept, and none older than `keep_days`; a job still pending or
    running is left alone unless it is stale. Returns how many were deleted. A deleted file that is
    asked for again is simply made again."""
    cutoff = timezone.now() - timedelta(days=keep_days)
    seen, doomed = set(), []
    for export in ExportFile.objects.order_by("-finished_at", "-created_at"):
        group = (export.period_id, export.unit_id, export.fmt, export.include_submitted)
        unfinished = export.status in (Status.PENDING, Status.RUNNING) and not is_stale(export)
        if unfinished:
            continue
        if export.created_at < cutoff or group in seen or export.status != Status.READY:
            doomed.append(export)
        else:
            seen.add(group)
    for export in doomed:
        if export.file:
            export.file.delete(save=False)
        export.delete()
    return len(doomed)
