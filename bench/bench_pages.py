"""The report page and its save, in process: server time and SQL queries, for 5 and 50 rows."""
import statistics
import time

from bench.common import count_queries, print_table

RUNS = 10


def _report_with_rows(rows):
    from reports import services
    from reports.selectors import initial_forms
    from tests.conftest import make_unit, make_user
    from units.management.commands.load_demo import demo_forms

    period, _ = services.period_open("2023-Q3")
    code = f"PAGE{rows}"
    names = [f"Lĩnh vực {k + 1}" for k in range(rows)]
    unit = make_unit(code, f"Sở có {rows} lĩnh vực", names)
    officer = make_user(f"page{rows}", units=[unit])
    forms = demo_forms(names, "Bộ Tài chính", None)
    forms["II.06a"]["rows"] = [dict(r, c6=0) for r in forms["II.06a"]["rows"]]
    assert initial_forms(unit, period)
    report, _ = services.report_save(unit=unit, period=period, raw_forms=forms, narrative={}, explanations=[],
                                     actor=officer, expected_version=0)
    return report, officer


def _post_data(report):
    from reports.selectors import report_forms
    from reports.webforms import input_name

    data = {"version": str(report.version), "action": "save"}
    for code, sections in report_forms(report).items():
        for key, rows in sections.items():
            for i, row in enumerate(rows):
                data.update({input_name(code, key, i, field): str(value) for field, value in row.items()})
    return data


def _median(fn):
    times, queries = [], 0
    for _ in range(RUNS):
        start = time.perf_counter()
        _, queries = count_queries(fn)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, queries


def run():
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from reports.models import Report

    settings.ALLOWED_HOSTS.append("testserver")
    table = []
    for rows in (5, 50):
        report, officer = _report_with_rows(rows)
        client = Client()
        client.force_login(officer)
        url = reverse("report", args=[report.period.code, report.unit.code])
        client.get(url)  # warm the template cache
        page_ms, page_queries = _median(lambda client=client, url=url: client.get(url))

        def save(client=client, url=url, report=report):
            fresh = Report.objects.get(pk=report.pk)
            response = client.post(url, _post_data(fresh))
            assert response.status_code == 302, response.status_code

        save_ms, save_queries = _median(save)
        table.append((rows, f"{page_ms:.0f}", page_queries, f"{save_ms:.0f}", save_queries))
    print_table("Trang báo cáo và lưu (trong tiến trình, trung vị của 10 lần)",
                ["lĩnh vực mỗi biểu", "mở trang ms", "truy vấn", "lưu ms", "truy vấn"], table)
    return table
