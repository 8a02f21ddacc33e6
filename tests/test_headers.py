"""The headers a browser obeys: the Content-Security-Policy on every page (which the templates
satisfy: no inline script or style anywhere), and no copy of a report kept by a browser or a proxy."""
import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import content

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}


def policy(response):
    directives = (part.split() for part in response["Content-Security-Policy"].split(";") if part.strip())
    return {name: values for name, *values in directives}


@pytest.fixture
def as_user(client, officer_stc, reviewer, admin_user):
    def log_in(who):
        users = {"officer": officer_stc, "reviewer": reviewer, "admin": admin_user}
        if who:
            client.force_login(users[who])
        return client
    return log_in


@pytest.mark.parametrize("who, url", [
    (None, lambda period: reverse("login")),
    ("officer", lambda period: reverse("home")),
    ("officer", lambda period: reverse("report", args=[period.code, "STC"])),
    ("reviewer", lambda period: reverse("consolidation", args=[period.code])),
    ("admin", lambda period: reverse("admin:index")),
], ids=["login", "home", "report", "consolidation", "admin"])
def test_every_page_carries_the_content_security_policy(as_user, period, stc_report, who, url):
    response = as_user(who).get(url(period))
    assert response.status_code == 200
    assert policy(response) == POLICY


@pytest.mark.parametrize("who, url", [
    ("officer", lambda period: reverse("report", args=[period.code, "STC"])),
    ("officer", lambda period: reverse("report_download", args=[period.code, "STC", "docx"])),
    ("officer", lambda period: reverse("report_download", args=[period.code, "STC", "json"])),
    ("reviewer", lambda period: reverse("consolidation", args=[period.code])),
    ("reviewer", lambda period: reverse("consolidation_download", args=[period.code, "xlsx"])),
    ("reviewer", lambda period: reverse("annual", args=[period.year])),
], ids=["report", "report-docx", "report-json", "consolidation", "consolidation-xlsx", "annual"])
def test_reports_and_their_files_are_never_stored_by_a_browser_or_a_proxy(as_user, period, stc_report, who, url):
    response = as_user(who).get(url(period))
    assert response.status_code == 200
    if "tai-ve" in response.request["PATH_INFO"]:
        assert response["Content-Disposition"].startswith("attachment") and content(response)
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


# What the policy refuses: style attributes, <style> blocks, on…= handlers, javascript: links and
# <script> elements with code in them (a <script src> is fine).
INLINE = re.compile(r'style="|<style|\son[a-z]+="|javascript:|<script\b[^>]*>\s*[^<\s]', re.IGNORECASE)


def test_no_template_holds_inline_script_or_style():
    # templates/exports/ are laid out by weasyprint into PDF, never served to a browser.
    pages = [path for path in TEMPLATES.rglob("*.html") if "exports" not in path.relative_to(TEMPLATES).parts]
    assert len(pages) > 10
    found = [f"{path.relative_to(TEMPLATES)}:{text.count(chr(10), 0, hit.start()) + 1}: {hit.group(0)}"
             for path in pages for text in [path.read_text()] for hit in INLINE.finditer(text)]
    assert found == []
