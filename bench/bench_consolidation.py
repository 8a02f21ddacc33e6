"""The consolidation page for 30, 100 and 300 units: time and queries (the exports: bench_exports)."""
import os
import time

from bench.common import count_queries, populate, print_table

PERIOD = "2024-Q1"  # of this benchmark only (bench.common.populate)
SIZES = tuple(int(n) for n in os.environ.get("BENCH_UNITS", "30,100,300").split(","))


def run():
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from tests.conftest import make_user
    from units.models import User

    settings.ALLOWED_HOSTS.append("testserver")
    reviewer = User.objects.filter(username="bench_reviewer").first() or make_user(
        "bench_reviewer", role=User.Role.REVIEWER)
    client = Client()
    client.force_login(reviewer)
    from reports.forms_spec import FORMS
    from reports.views.consolidation import VIEWS

    pages = []
    for units in SIZES:
        period = populate(units, PERIOD)
        url = reverse("consolidation", args=[period.code])
        client.get(url)
        for code in FORMS:
            for view, (label, _build, _parts) in VIEWS.items():
                params = {"bieu": code, "xem": view}
                runs = []
                for _ in range(3):
                    start = time.perf_counter()
                    response, queries = count_queries(lambda url=url, params=params: client.get(url, params))
                    runs.append(time.perf_counter() - start)
                    assert response.status_code == 200
                seconds = sorted(runs)[1]  # the median of three
                verdict = ("đạt" if seconds < 1 else "CHƯA ĐẠT") if units == 300 else ""
                pages.append((units, code, label, f"{seconds * 1000:.0f}", f"{len(response.content) / 1e6:.1f}", queries,
                              verdict))
    print_table("Trang tổng hợp (GET, trong tiến trình, trung vị của 3 lần)",
                ["đơn vị", "biểu", "cách xem", "ms", "MB HTML", "truy vấn", "300 đơn vị < 1 s"], pages)
    return pages
