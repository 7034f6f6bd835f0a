"""catalog serve in a real browser (Debian's Chromium via Playwright): an edited page shows
its new text by itself, a broken shortcode brings up the error overlay over the last good
page and fixing it takes the overlay away, and a stylesheet change is applied without a
reload. Responses get the site's `default-src 'self'` policy, so the injected script
and overlay are checked to work under it."""
from __future__ import annotations

import contextlib
from typing import Iterator

from playwright.sync_api import expect

from browser import browser_page
from conftest import REPO
from test_serve import BROKEN, SITE, preview, start_preview, write  # noqa: F401 (fixtures)

TIMEOUT_MS = 30_000  # upper bound of each wait; the test goes on as soon as the page shows the change
CSP = "default-src 'self'"


@contextlib.contextmanager
def open_page(url: str) -> Iterator[tuple[object, list[str]]]:
    """A browser tab on `url`, with the site's CSP on every response; yields the tab and a list
    that collects its script errors and CSP violations."""
    problems: list[str] = []

    def with_csp(route) -> None:
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": CSP})

    with browser_page() as page:
        page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
        page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
        page.route("**/*", with_csp)
        page.goto(url)
        try:
            yield page, problems
        finally:
            page.unroute_all(behavior="ignoreErrors")  # the tab's long poll is still in flight


def test_edit_reloads_the_page_and_errors_show_over_it(preview):
    with open_page(preview.url + "guide/install/") as (page, problems):
        main = page.locator("main")
        assert "Install text v0." in main.inner_text()

        write(preview.project, "content/guide/install.md", SITE["content/guide/install.md"].replace(
            "Install text v0.", "Freshly edited words."))
        main.get_by_text("Freshly edited words.").wait_for(timeout=TIMEOUT_MS)

        write(preview.project, "content/guide/install.md", BROKEN)
        overlay = page.locator("#catalog-build-errors")
        overlay.wait_for(state="visible", timeout=TIMEOUT_MS)
        text = overlay.inner_text()
        assert "The build failed" in text
        assert "content/guide/install.md:7:1" in text and "unclosed shortcode 'warning'" in text
        assert "hint: close it with" in text
        assert overlay.evaluate("e => getComputedStyle(e).position") == "fixed"  # the overlay stylesheet applies
        assert "Freshly edited words." in main.inner_text()  # still the last good page underneath

        write(preview.project, "content/guide/install.md",
              BROKEN.replace("Never closed.\n", "Now closed.\n{{< /warning >}}\n"))
        overlay.wait_for(state="detached", timeout=TIMEOUT_MS)
        main.get_by_text("Now closed.").wait_for(timeout=TIMEOUT_MS)
        assert problems == []


def test_stylesheet_change_applies_without_reload(preview):
    with open_page(preview.url + "guide/install/") as (page, problems):
        page.evaluate("window.catalogTestMarker = 'still here'")
        css = (REPO / "themes/default/static/css/theme.css").read_text()
        css += "\nbody { outline: 3px solid rgb(1, 2, 3); }\n"
        write(preview.project, "static/css/theme.css", css)
        expect(page.locator("body")).to_have_css("outline-color", "rgb(1, 2, 3)", timeout=TIMEOUT_MS)
        assert page.evaluate("window.catalogTestMarker") == "still here"  # the page was not reloaded
        assert problems == []
        inline_ran = page.evaluate("""() => {
            const script = document.createElement("script");
            script.textContent = "window.catalogInline = true";
            document.head.append(script);
            return window.catalogInline === true;
        }""")
        assert not inline_ran  # the policy really applies, so the checks above mean something


def test_first_build_failing_shows_errors_then_the_site(start_preview):
    preview = start_preview({**SITE, "content/guide/install.md": BROKEN})
    with open_page(preview.url + "guide/install/") as (page, problems):
        errors = page.locator("#catalog-build-errors")
        assert "content/guide/install.md:7:1" in errors.inner_text()
        write(preview.project, "content/guide/install.md", SITE["content/guide/install.md"])
        page.locator("main").get_by_text("Install text v0.").wait_for(timeout=TIMEOUT_MS)
        assert errors.count() == 0
        assert problems == []
