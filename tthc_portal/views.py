from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


@login_required
def bench_floor(request):
    """The stack's own floor for the load benchmark: authentication, one write, a tiny page.
    Mounted only with BENCH_ENDPOINTS=1."""
    get_user_model().objects.filter(pk=request.user.pk).update(last_login=timezone.now())
    return HttpResponse("ok")
