"""The built sample site in a real browser: tabs switch panes, collapsible blocks open."""
from __future__ import annotations

from pathlib import Path

import pytest

from browser import browser_page, serve
from catalog.build import build
from conftest import REPO


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "public"
    result = build(REPO, out=out)
    assert result.written, [d.format() for d in result.report.sorted()]
    return out


def test_seed_page_tabs_switch_panes(sample_site):
    with serve(sample_site) as base, browser_page() as page:
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{base}/user_guide/plugin_management/")
        tabs = page.get_by_role("tab")
        assert tabs.count() == 2
        first, second = tabs.nth(0), tabs.nth(1)
        assert first.inner_text().strip() == "Drag and Drop enabled"
        first_pane = page.locator(f"#{first.get_attribute('aria-controls')}")
        second_pane = page.locator(f"#{second.get_attribute('aria-controls')}")
        assert first_pane.is_visible() and not second_pane.is_visible()
        assert "Drop it on the" in first_pane.inner_text()

        second.click()
        assert second_pane.is_visible() and not first_pane.is_visible()
        assert "Upload plugin" in second_pane.inner_text()
        assert second.get_attribute("aria-selected") == "true"

        first.focus()
        page.keyboard.press("ArrowRight")  # keyboard users move between tabs with the arrow keys
        assert second_pane.is_visible()
        assert errors == []


def test_collapsible_block_opens(sample_site):
    with serve(sample_site) as base, browser_page() as page:
        page.goto(f"{base}/writing/shortcodes/")
        details = page.locator("details.expand").first
        content = details.locator(".expand-content")
        assert not content.is_visible()
        details.locator("summary").click()
        assert content.is_visible()
        assert details.get_attribute("open") is not None


def test_phone_layout_has_menu_and_no_horizontal_scroll(sample_site):
    with serve(sample_site) as base, browser_page({"width": 390, "height": 844}) as page:
        page.goto(f"{base}/working_with/official_plugins/")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
        assert page.get_by_role("button", name="Menu").is_visible() or \
            page.locator("[aria-controls='sidebar']").first.is_visible()
