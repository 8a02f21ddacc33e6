"""The address of the person logging in, as django-axes counts failures by it (settings
AXES_CLIENT_IP_CALLABLE).

Without a proxy it is the connection's address (REMOTE_ADDR): an X-Forwarded-For header sent by
the client is ignored, or anyone could escape the lockout by making one up at each attempt.
Behind the province's reverse proxy (BEHIND_PROXY=1) every connection comes from the proxy, so the
address is read from X-Forwarded-For, which the proxy must set: of its comma-separated addresses,
the PROXY_COUNT-th from the right (1: the one our proxy appended; those left of it were sent by the
client and are not trusted). A request without the header falls back to REMOTE_ADDR."""
from django.conf import settings


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR")
    if not settings.BEHIND_PROXY:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if len(forwarded) < settings.PROXY_COUNT:
        return remote
    return forwarded[-settings.PROXY_COUNT]
