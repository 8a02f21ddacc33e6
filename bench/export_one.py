"""One export of the province's consolidation, in a process of its own so that its peak memory can
be read: `python bench/export_one.py DATABASE_URL PERIOD FORMAT` prints the seconds it took."""
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(database_url, period_code, fmt):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tthc_portal.settings")
    import django

    django.setup()
    from reports import exports
    from reports.consolidation import consolidate
    from reports.exports.document import province_document
    from reports.models import ReportingPeriod

    period = ReportingPeriod.objects.get(code=period_code)
    start = time.perf_counter()
    with exports.without_cycle_collection():  # as the export job does it (reports/export_jobs.py)
        body = exports.render(province_document(consolidate(period)), fmt)
    print(f"{time.perf_counter() - start:.3f} {len(body)}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
