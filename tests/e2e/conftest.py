"""Browser tests: Playwright drives Debian's chromium (never a downloaded browser) against the
live test server."""
import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
# browser steps are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")

# What the pages of the running test reported that fails it: a refusal of the Content-Security-Policy
# (an inline script or style came back) or an uncaught script error.
PAGE_PROBLEMS = []


def watch(page):
    def console(message):
        if "content security policy" in message.text.lower().replace("-", " "):
            PAGE_PROBLEMS.append(f"{page.url}: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda error: PAGE_PROBLEMS.append(f"{page.url}: uncaught {error}"))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is missing: `make test` installs it (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        # Every page of every context, the tests' own contexts (a phone's) included, is watched.
        new_context = browser.new_context

        def watched_context(*args, **kwargs):
            context = new_context(*args, **kwargs)
            context.on("page", watch)
            return context

        browser.new_context = watched_context
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def no_page_problems():
    """Fails, at its teardown (after the pages' contexts are closed), a test whose pages logged a
    Content-Security-Policy violation or a script error."""
    PAGE_PROBLEMS.clear()
    yield
    problems = PAGE_PROBLEMS[:]
    PAGE_PROBLEMS.clear()
    if problems:
        pytest.fail("the pages reported:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def page(browser, live_server):
    # A computer whose clock is not in the province's zone: the page must still print its times.
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1500, "height": 1000},
                                  locale="vi-VN", timezone_id="UTC")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def login(page, username, password="matkhau123"):
    page.goto("/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def answer_next_dialog(page, accept=True):
    """Answer the next confirm() of the page; returns the list that receives its message."""
    seen = []

    def answer(dialog):
        seen.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", answer)
    return seen
