"""Where input enters the portal through the browser (README, Limits).

InputBoundaryMiddleware runs before the CSRF check reads the form (it is listed before
CsrfViewMiddleware and works in process_view):
- a request carrying files (multipart) larger than UPLOAD_MAX_BYTES (plus room for the form's
  other fields) is answered 413 before its body is read: Django bounds the other fields
  (DATA_UPLOAD_MAX_MEMORY_SIZE) but streams any file, however large, to disk;
- every text field posted is made what the portal stores (tthc_portal.text.clean): no control
  characters, surrogates or non-characters reach a form, a service or the database.
"""
from django.conf import settings

from .text import clean, is_clean
from .views import file_too_large

FORM_FIELDS_ROOM = 256 * 1024  # the other fields of an upload form (CSRF token, a few choices)
DRAIN_MAX_BYTES = 64 * 1024 * 1024  # larger bodies are not read at all: the connection is cut


class InputBoundaryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        if request.method != "POST":
            return None
        if request.content_type == "multipart/form-data":
            size = _content_length(request)
            if size > settings.UPLOAD_MAX_BYTES + FORM_FIELDS_ROOM:
                _drain(request, size)
                return file_too_large(request, size)
        if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            posted = request.POST
            if not all(is_clean(key) and all(is_clean(v) for v in values) for key, values in posted.lists()):
                cleaned = posted.copy()
                cleaned.clear()
                for key, values in posted.lists():
                    cleaned.setlist(clean(key), [clean(v) for v in values])
                cleaned._mutable = False
                request.POST = cleaned
        return None


def _content_length(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _drain(request, size):
    """Read and drop the body of a refused upload, in small pieces, when it is not absurdly large:
    a server that answers and closes while the browser is still sending makes the browser show
    "connection reset" instead of the answer."""
    if size > DRAIN_MAX_BYTES:
        return
    while request.read(64 * 1024):  # bounded by CONTENT_LENGTH
        pass
