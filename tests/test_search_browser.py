"""Site search in a real browser: a small site built by the real pipeline under a base
path, served with `Content-Security-Policy: default-src 'self'`; type into the box, see
results as you type, move with the keyboard and land on the page."""
from __future__ import annotations

import contextlib
import functools
import http.server
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from browser import browser_page, serving
from catalog.config import load_config
from catalog.diagnostics import Report
from catalog.page_tree import load_site
from catalog.plugins.indexfolder import load_index
from catalog.refs import RefResolver
from catalog.render import BodyRenderer
from catalog.search import build_search_index
from catalog.search_entries import page_entries, plugin_entry
from catalog.theme import Theme
from conftest import REPO, SiteBuilder, build_ok, write_files

CSP = "default-src 'self'"
# Without its docs link (this site has no such page) and its remote icon (blocked by the CSP).
DOCKER_YAML = re.sub(r"(?m)^(documentation|icon):.*\n", "", (REPO / "plugins-index/cloudify-docker-plugin.yaml").read_text())
SITE = {
    "site.toml": 'title = "Search test"\nbase_url = "https://docs.example.org/docs/"\n',
    "content/_index.md": "---\ntitle: Home\n---\nWelcome to the docs.\n",
    "content/guide/_index.md": "---\ntitle: Guide\nweight: 1\n---\nHow to use the manager.\n",
    "content/guide/install.md": "---\ntitle: Installing wagons\nweight: 1\n---\n"
                                "Put the archive on the manager with `cfy plugins upload`.\n",
    "content/guide/upload.md": "---\ntitle: Uploading plugins\nweight: 2\n---\n"
                               "Every plugin ships as a wagon, an archive of Python packages.\n",
    "content/guide/cafe.md": "---\ntitle: Café settings\nweight: 3\n---\nOptions for the café.\n",
    "content/guide/escaping.md": "---\ntitle: 'Escaping <img src=x onerror=\"window.pwned=1\"> tags'\nweight: 4\n---\n"
                                 "Text with <b>markup</b> &lt;script&gt;window.pwned=2&lt;/script&gt; in it.\n",
    "content/guide/secret.md": "---\ntitle: Internal zebracorn\nexclude_from_search: true\n---\nZebracorn.\n",
    "content/guide/hidden.md": "---\ntitle: Hidden zebracorn\nhidden: true\n---\nZebracorn.\n",
    "plugins-index/cloudify-docker-plugin.yaml": DOCKER_YAML,
}


def write_search_index(project: Path, public: Path) -> None:
    """search-index.json as the build will write it once catalog.build calls catalog.search:
    the published docs pages (bodies from the real renderer) and one entry per plugin."""
    if (public / "search-index.json").exists():
        return  # the build writes it now
    report = Report()
    config = load_config(project, report)
    site = load_site(project, config, report)
    renderer = BodyRenderer(site, config, Theme(project, config), RefResolver(site))
    entries = page_entries(site.pages, lambda page: renderer.render(page).text if page.body else "")
    for plugin in load_index(project / "plugins-index", project_dir=project, report=report).plugins:
        entries.append(plugin_entry(f"{config.base_path}plugins/{plugin.name}/", plugin.name, plugin.title,
                                    plugin.description, plugin.categories))
    assert not report.items, [d.format() for d in report.items]
    (public / "search-index.json").write_bytes(build_search_index(entries))


@pytest.fixture(scope="module")
def site_root(tmp_path_factory) -> Path:
    """A folder holding the built site at docs/, as the host would serve it."""
    project = tmp_path_factory.mktemp("search-project")
    write_files(project, SITE)
    (project / "themes").mkdir()
    (project / "themes" / "default").symlink_to(REPO / "themes" / "default", target_is_directory=True)
    root = tmp_path_factory.mktemp("search-host")
    build_ok(SiteBuilder(project), out=root / "docs")
    write_search_index(project, root / "docs")
    return root


class _CspHandler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def serve_with_csp(root: Path) -> contextlib.AbstractContextManager[str]:
    return serving(functools.partial(_CspHandler, directory=str(root)))


@contextlib.contextmanager
def search_page(site_root: Path, path: str = "/docs/guide/", viewport: dict[str, int] | None = None):
    """The page at `path`, with every script error and console error collected in `problems`."""
    with serve_with_csp(site_root) as base, browser_page(viewport) as page:
        problems: list[str] = []
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        page.on("console", lambda msg: problems.append(msg.text)
                if msg.type in ("error", "warning") and "status of 404" not in msg.text else None)
        # a missing file is a problem, except the favicon browsers ask for on their own
        page.on("response", lambda response: problems.append(f"{response.status} {response.url}")
                if response.status >= 400 and not response.url.endswith("/favicon.ico") else None)
        page.goto(base + path)
        page.base, page.problems = base, problems
        yield page


def titles(page) -> list[str]:
    return page.eval_on_selector_all("[role='option'] .site-search-title", "nodes => nodes.map(n => n.textContent)")


def test_type_arrow_down_enter_lands_on_the_result(site_root):
    with search_page(site_root) as page:
        box = page.get_by_role("combobox", name="Search")
        assert box.get_attribute("aria-expanded") == "false"
        page.keyboard.press("/")  # focuses the box from anywhere on the page
        assert page.evaluate("document.activeElement.id") == "site-search-input"

        page.keyboard.type("wag")  # a prefix: the last word is matched as it is typed
        listbox = page.get_by_role("listbox")
        listbox.wait_for()
        assert box.get_attribute("aria-expanded") == "true"
        # the title match first, then the page that has the word only in its text
        assert titles(page) == ["Installing wagons", "Uploading plugins"]
        assert page.eval_on_selector_all("[role='option'] mark", "m => m.map(n => n.textContent)") == \
            ["wagons", "wagon"]

        page.keyboard.press("ArrowDown")
        first = page.get_by_role("option").first
        assert first.get_attribute("aria-selected") == "true"
        assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")  # wraps around to the first result
        assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
        page.keyboard.press("ArrowUp")
        page.keyboard.press("Enter")
        page.wait_for_url("**/docs/guide/upload/")
        assert page.locator("h1").inner_text() == "Uploading plugins"
        assert page.problems == []


def test_results_narrow_as_you_type_and_every_word_must_match(site_root):
    with search_page(site_root) as page:
        box = page.get_by_role("combobox", name="Search")
        box.click()
        box.press_sequentially("p")
        page.get_by_role("listbox").wait_for()
        assert "Uploading plugins" in titles(page)
        box.press_sequentially("lugin archive")
        page.wait_for_function("document.querySelectorAll('[role=option]').length === 1")
        assert titles(page) == ["Uploading plugins"]
        status = page.get_by_role("status")
        assert status.inner_text() == "1 result."
        box.press_sequentially(" zzz")
        page.wait_for_function("document.querySelectorAll('[role=option]').length === 0")
        assert page.locator(".site-search-message").inner_text() == "No results for “plugin archive zzz”."
        assert box.get_attribute("aria-expanded") == "false"
        assert page.problems == []


def test_plugins_are_found_and_a_click_follows_the_result(site_root):
    with search_page(site_root, "/docs/") as page:
        box = page.get_by_role("combobox", name="Search")
        box.fill("docker")
        option = page.get_by_role("option").first
        assert option.locator(".site-search-title").inner_text() == "Docker"
        assert option.locator(".site-search-section").inner_text() == "Plugin · Containers"
        option.click()
        page.wait_for_url("**/docs/plugins/cloudify-docker-plugin/")
        assert page.problems == []


def test_excluded_and_hidden_pages_are_not_found_accents_are_folded(site_root):
    with search_page(site_root) as page:
        box = page.get_by_role("combobox", name="Search")
        box.fill("zebracorn")
        page.locator(".site-search-message").get_by_text("No results").wait_for()
        box.fill("CAFE")
        page.get_by_role("option").first.wait_for()
        assert titles(page) == ["Café settings"]
        assert page.locator("[role='option'] .site-search-title mark").inner_text() == "Café"


def test_page_text_is_shown_as_text_never_as_markup(site_root):
    with search_page(site_root) as page:
        box = page.get_by_role("combobox", name="Search")
        box.fill("escaping")
        page.get_by_role("option").first.wait_for()
        assert titles(page) == ['Escaping <img src=x onerror="window.pwned=1"> tags']
        assert page.locator("[role='listbox'] img, [role='listbox'] script, [role='listbox'] b").count() == 0
        box.fill("markup")
        page.get_by_role("option").first.wait_for()
        assert "<script>window.pwned=2</script>" in page.locator(".site-search-snippet").inner_text()
        assert page.evaluate("window.pwned") is None
        assert page.problems == []


def test_escape_closes_then_clears_and_focus_leaving_closes(site_root):
    with search_page(site_root) as page:
        box = page.get_by_role("combobox", name="Search")
        box.fill("wagon")
        panel = page.locator(".site-search-panel")
        page.locator("[role='option']").first.wait_for()  # the results, not "Loading..."
        page.keyboard.press("Escape")
        assert panel.is_hidden() and box.input_value() == "wagon"
        assert box.get_attribute("aria-expanded") == "false"
        page.keyboard.press("ArrowDown")  # opens the list again
        # the results come back asynchronously: wait for them (a loaded machine took longer)
        expect(box).to_have_attribute("aria-activedescendant", "site-search-result-0")
        assert panel.is_visible()
        page.keyboard.press("Escape")
        page.keyboard.press("Escape")
        assert box.input_value() == ""
        box.fill("wagon")
        panel.wait_for()
        page.keyboard.press("Tab")
        assert panel.is_hidden()
        page.locator("h1").click()
        box.focus()
        assert panel.is_visible()  # the query is kept: focusing again shows its results
        page.locator("h1").click()
        assert panel.is_hidden()
        assert page.problems == []


def test_slash_typed_into_a_field_is_left_alone(site_root):
    with search_page(site_root) as page:
        box = page.get_by_role("combobox", name="Search")
        box.fill("a/b")
        assert box.input_value() == "a/b"


def test_phone_layout_keeps_the_box_and_the_results_on_screen(site_root):
    with search_page(site_root, viewport={"width": 390, "height": 844}) as page:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        box = page.get_by_role("combobox", name="Search")
        assert box.is_visible()
        box.fill("wagon")
        panel = page.locator(".site-search-panel")
        panel.wait_for()
        area = panel.bounding_box()
        assert area["x"] >= 0 and area["x"] + area["width"] <= 390
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.problems == []


def test_without_javascript_the_search_form_stays_hidden(site_root):
    with serve_with_csp(site_root) as base, browser_page() as page:
        context = page.context.browser.new_context(java_script_enabled=False)
        try:
            plain = context.new_page()
            plain.goto(f"{base}/docs/guide/")
            assert plain.locator("form.site-search").is_hidden()
        finally:
            context.close()


def test_with_relative_urls_a_result_opens_under_the_prefix_the_site_is_served_at(tmp_path):
    # relative_urls: one build deployable under any path; the index's URLs are root-relative
    # (/docs/guide/install/), so a result must resolve against where the site is served
    project = tmp_path / "project"
    write_files(project, {**SITE, "site.toml": 'title = "Search test"\nbase_url = "https://docs.example.org/docs/"\n'
                                               "relative_urls = true\n"})
    (project / "themes").mkdir()
    (project / "themes" / "default").symlink_to(REPO / "themes" / "default", target_is_directory=True)
    root = tmp_path / "host"
    build_ok(SiteBuilder(project), out=root / "mirror" / "v1")
    write_search_index(project, root / "mirror" / "v1")
    with search_page(root, "/mirror/v1/guide/upload/") as page:
        page.keyboard.press("/")
        page.keyboard.type("wag")
        page.get_by_role("listbox").wait_for()
        assert titles(page) == ["Installing wagons", "Uploading plugins"]
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        page.wait_for_url("**/mirror/v1/guide/install/")
        assert page.locator("h1").inner_text() == "Installing wagons"
        assert page.problems == []
