from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from reports.formatting import fmt_megabytes


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


def file_too_large(request, size):
    """The 413 page of a file larger than UPLOAD_MAX_BYTES (the middleware, before reading it, and
    the upload view, for a request sent without its length)."""
    limit = fmt_megabytes(settings.UPLOAD_MAX_BYTES)
    return too_large(request, f"Tệp gửi lên lớn {fmt_megabytes(size)}, quá giới hạn {limit} của một tệp báo cáo.")


def too_large(request, message):
    """The 413 page: what was too large, and the way back to the page the file was sent from."""
    referer = request.headers.get("Referer", "")
    back = referer if url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure()) else ""
    return render(request, "413.html", {"message": message, "back": back}, status=413)


@login_required
def bench_floor(request):
    """The stack's own floor for the load benchmark: authentication, one write, a tiny page.
    Mounted only with BENCH_ENDPOINTS=1."""
    get_user_model().objects.filter(pk=request.user.pk).update(last_login=timezone.now())
    return HttpResponse("ok")
