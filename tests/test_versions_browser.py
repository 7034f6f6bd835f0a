"""Versioned docs in a real browser: the same sources built under /7.0/ and /6.4/,
served side by side; the switcher and the banner lead to the same page in the other
version."""
from __future__ import annotations

from browser import browser_page, serve
from catalog.build import build

CONFIG = """title = "Docs"
base_url = "https://docs.example.org/7.0/"
version = "7.0"
[[versions]]
label = "7.0"
url = "/7.0/"
latest = true
[[versions]]
label = "6.4"
url = "/6.4/"
"""
PAGES = {
    "content/_index.md": "---\ntitle: Home\n---\nWelcome.\n",
    "content/guide/install.md": "---\ntitle: Install\n---\n## Upload\nSee [the catalog](/plugins/).\n",
}


def test_switch_version_keeps_the_page(make_site, tmp_path):
    site = make_site(PAGES, CONFIG)
    root = tmp_path / "host"
    assert build(site.root, out=root / "7.0").written
    (site.root / "site.toml").write_text(CONFIG.replace('version = "7.0"', 'version = "6.4"'))
    assert build(site.root, out=root / "6.4", base_url="https://docs.example.org/6.4/").written

    with serve(root) as base, browser_page() as page:
        page.goto(f"{base}/6.4/guide/install/")
        banner = page.locator(".version-banner")
        assert banner.is_visible() and "6.4" in banner.inner_text()
        page.locator(".version-switcher summary").click()
        page.get_by_role("link", name="7.0 (latest)").click()
        page.wait_for_url(f"{base}/7.0/guide/install/")
        assert page.locator("h1").inner_text() == "Install"
        assert page.locator(".version-banner").count() == 0

        page.locator(".version-switcher summary").click()
        page.get_by_role("link", name="6.4", exact=True).click()
        page.wait_for_url(f"{base}/6.4/guide/install/")
        page.locator(".version-banner a").click()  # the banner also leads to the latest
        page.wait_for_url(f"{base}/7.0/guide/install/")
