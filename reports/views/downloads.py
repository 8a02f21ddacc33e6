"""Downloads of the files made by background jobs (export_jobs.py), for a report and for the
province, after the caller's own permission checks.

- A plain GET starts the job (or joins the one running for the same content, or restarts a
  failed one) and answers the file when it is ready, else a page "Đang tạo tệp…" that refreshes
  itself (works without JavaScript).
- `?cho=1` only looks: the waiting page's refresh and the page script's polling use it, so that
  polling never starts a job again.
- With `Accept: application/json` (the page script) both answer the job's state as JSON; the
  script then opens the plain URL, which answers the file.
"""
from django.http import FileResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from .. import export_jobs, exports

MESSAGES = {
    "ready": "Tệp đã sẵn sàng.",
    "waiting": "Đang tạo tệp…",
    "failed": "Không tạo được tệp. Bấm “Thử lại”; nếu vẫn lỗi, báo cho quản trị viên.",
    "missing": "Tệp chưa được yêu cầu hoặc nội dung báo cáo vừa thay đổi. Bấm “Thử lại”.",
}


def export_response(request, *, period, fmt, title, report=None, include_submitted=False):
    lookup = {"period": period, "fmt": fmt, "report": report, "include_submitted": include_submitted}
    looking = request.GET.get("cho") == "1"
    export = export_jobs.current_export(**lookup) if looking else export_jobs.request_export(**lookup)
    state = "missing" if export is None else export_jobs.state(export)
    wants_json = "application/json" in request.headers.get("Accept", "")
    if state == "ready" and not wants_json and not looking:
        return FileResponse(export.file.open("rb"), as_attachment=True, filename=export.filename,
                            content_type=exports.CONTENT_TYPES[fmt])
    seconds = int((timezone.now() - (export.started_at or export.created_at)).total_seconds()) if export else 0
    download_url = request.path + ("?include_submitted=1" if include_submitted else "")
    if wants_json:
        return JsonResponse({"state": state, "message": MESSAGES[state], "seconds": seconds, "url": download_url})
    return render(request, "reports/export_wait.html", {
        "state": state, "message": MESSAGES[state], "seconds": seconds, "title": title, "fmt": fmt,
        "download_url": download_url, "poll_url": f"{download_url}{'&' if include_submitted else '?'}cho=1",
        "period": period, "report": report,
    })
