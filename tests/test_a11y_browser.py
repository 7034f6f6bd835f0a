"""The public site as its visitors use it, in Debian's Chromium.

axe-core (pinned in tests/package.json, installed by scripts/test into tests/node_modules)
checks every kind of page against the WCAG 2 A and AA rules in the light and the dark
scheme; the other tests walk the keyboard paths, lay the site out on a phone, toggle the
colour scheme across a navigation and press copy buttons.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from browser import browser_page, serve
from catalog.build import build
from conftest import REPO, SHARED

AXE = REPO / "tests" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Every kind of page of the sample site.
PAGES = {
    "home": "/",
    "section": "/writing/",
    "page with tabs": "/user_guide/plugin_management/",
    "callouts, expand, code, DocDock alerts, panels, buttons, labels, icons": "/writing/shortcodes/",
    "code in YAML, Python, shell, JSON, Java": "/writing/default-theme/",
    "catalog with its filters": "/plugins/",
    "plugin page": "/plugins/cloudify-aws-plugin/",
    "404 page": "/404.html",
}


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("a11y") / "public"
    result = build(REPO, out=out)
    assert result.written, [d.format() for d in result.report.sorted()]
    return out


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run scripts/test, or `npm ci` in tests/")
    return AXE.read_text(encoding="utf-8")


def axe_violations(page, axe_source: str) -> list[str]:
    """Every WCAG 2 A/AA violation axe finds on the page as it is now, one line per element."""
    # page.evaluate runs in the driver's world: the page's CSP does not apply to it
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    lines = []
    for rule in result["violations"]:
        for node in rule["nodes"]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"{rule['id']} ({rule['impact']}) at {node['target']}: {summary} :: {node['html'][:160]}")
    return lines


def scheme_of(page) -> str:
    """The scheme the page is painted in, read from the body's background."""
    red, green, blue = (int(v) for v in re.findall(r"\d+", page.evaluate("getComputedStyle(document.body).backgroundColor"))[:3])
    return "dark" if red + green + blue < 3 * 80 else "light"


def report(failures: dict[str, list[str]]) -> str:
    return "\n".join(f"{where}:\n  " + "\n  ".join(lines) for where, lines in failures.items())


# -- axe-core: 0 violations ----------------------------------------------------------------------

@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_type_has_no_wcag_violation(sample_site, axe_source, scheme):
    failures: dict[str, list[str]] = {}
    with serve(sample_site) as base, browser_page() as page:
        page.emulate_media(color_scheme=scheme)
        for name, path in PAGES.items():
            page.goto(base + path)
            assert scheme_of(page) == scheme, f"{path} is not painted in the {scheme} scheme"
            if lines := axe_violations(page, axe_source):
                failures[f"{name} ({path}, {scheme})"] = lines
            # what collapsed blocks and the sidebar's closed sections hide, opened
            if page.evaluate("document.querySelectorAll('details:not([open])').length"):
                page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
                if lines := axe_violations(page, axe_source):
                    failures[f"{name} ({path}, {scheme}), every <details> open"] = lines

        page.goto(base + "/writing/")
        page.locator("#site-search-input").fill("plugin")
        page.get_by_role("option").first.wait_for()
        page.keyboard.press("ArrowDown")
        if lines := axe_violations(page, axe_source):
            failures[f"search open with results ({scheme})"] = lines
    assert not failures, "axe-core found WCAG 2 A/AA violations:\n" + report(failures)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_phone_pages_with_drawer_and_search_have_no_wcag_violation(sample_site, axe_source, scheme):
    failures: dict[str, list[str]] = {}
    with serve(sample_site) as base, browser_page({"width": 390, "height": 844}) as page:
        page.emulate_media(color_scheme=scheme)
        for path in ("/", "/writing/default-theme/", "/plugins/", "/plugins/cloudify-aws-plugin/"):
            page.goto(base + path)
            if lines := axe_violations(page, axe_source):
                failures[f"{path} at 390 px ({scheme})"] = lines
        page.get_by_role("button", name="Menu", exact=True).click()
        assert page.locator("#sidebar").is_visible()
        if lines := axe_violations(page, axe_source):
            failures[f"sidebar drawer open at 390 px ({scheme})"] = lines
        page.keyboard.press("Escape")
        page.locator("#site-search-input").fill("aws")
        page.get_by_role("option").first.wait_for()
        if lines := axe_violations(page, axe_source):
            failures[f"search open with results at 390 px ({scheme})"] = lines
    assert not failures, "axe-core found WCAG 2 A/AA violations:\n" + report(failures)


def test_scheme_chosen_by_the_toggle_has_no_wcag_violation(sample_site, axe_source):
    """The toggle's dark scheme (data-theme="dark" on a light system) is the same palette."""
    failures: dict[str, list[str]] = {}
    with serve(sample_site) as base, browser_page() as page:
        page.emulate_media(color_scheme="light")
        page.goto(base + "/writing/default-theme/")
        page.get_by_role("button", name="Dark theme").click()
        for path in ("/writing/default-theme/", "/writing/shortcodes/", "/plugins/cloudify-aws-plugin/"):
            page.goto(base + path)
            assert scheme_of(page) == "dark"
            if lines := axe_violations(page, axe_source):
                failures[f"{path}, dark by the toggle"] = lines
    assert not failures, "axe-core found WCAG 2 A/AA violations:\n" + report(failures)


# A real corpus nobody here wrote: DocDock's documentation site (every DocDock shortcode,
# code, mermaid, a shortcuts menu). What axe finds there that the page's own author wrote
# is listed with the reason; everything else the theme draws must pass.
DOCDOCK = SHARED / "corpora" / "docdock"  # as test_docdock_browser finds it
AUTHORS_OWN = {
    ("/credits/", "image-alt"): "the page's raw HTML <img> avatars have no alt",
    ("/shortcodes/children/", "listitem"): "the page's Markdown table holds raw <li> without a list",
}


@pytest.mark.skipif(not (DOCDOCK / "exampleSite").is_dir(), reason="the shared DocDock corpus is not beside the repository")
def test_docdock_example_site_has_no_wcag_violation_of_the_theme(tmp_path, axe_source):
    from test_docdock_browser import _our_site  # the corpus copied and built as a user would

    public = _our_site(tmp_path)
    paths = sorted("/" + str(p.parent.relative_to(public)).replace(".", "") + "/" for p in public.rglob("index.html"))
    paths = [path.replace("//", "/") for path in paths]
    assert len(paths) >= 40
    failures: dict[str, list[str]] = {}
    with serve(public) as base, browser_page() as page:
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            for path in paths:
                page.goto(base + path)
                lines = [line for line in axe_violations(page, axe_source)
                         if (path, line.split(" ", 1)[0]) not in AUTHORS_OWN]
                if lines:
                    failures[f"{path} ({scheme})"] = lines
    assert not failures, "axe-core found WCAG 2 A/AA violations:\n" + report(failures)


# -- keyboard --------------------------------------------------------------------------------------

FOCUS_SHOWN = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  const ring = style.boxShadow && style.boxShadow !== 'none';
  return {tag: el.tagName, text: (el.getAttribute('aria-label') || el.textContent || el.value || '').trim().slice(0, 40),
          visible: box.width > 0 && box.height > 0, shown: outline || ring};
}"""


def test_every_tab_stop_is_visible_and_shows_its_focus(sample_site):
    with serve(sample_site) as base, browser_page() as page:
        for path in ("/writing/shortcodes/", "/plugins/cloudify-aws-plugin/", "/plugins/"):
            page.goto(base + path)
            stops = []
            for _ in range(60):
                page.keyboard.press("Tab")
                stops.append(page.evaluate(FOCUS_SHOWN))
            hidden = [stop for stop in stops if not (stop["visible"] and stop["shown"])]
            assert not hidden, f"{path}: focus not visible on {hidden}"
            kinds = {stop["tag"] for stop in stops}
            assert {"A", "BUTTON", "INPUT"} <= kinds, (path, kinds)


def test_skip_link_then_header_controls_by_keyboard(sample_site):
    with serve(sample_site) as base, browser_page() as page:
        page.emulate_media(color_scheme="light")
        page.goto(base + "/writing/")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip to content"
        assert page.locator(".skip-link").is_visible()
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"

        # "/" focuses the search box; the arrows choose a result, Enter opens it
        page.keyboard.press("/")
        assert page.evaluate("document.activeElement.id") == "site-search-input"
        page.keyboard.type("shortcodes")
        page.get_by_role("option").first.wait_for()
        box = page.locator("#site-search-input")
        assert box.get_attribute("aria-expanded") == "true"
        page.keyboard.press("ArrowDown")
        active = box.get_attribute("aria-activedescendant")
        option = page.locator(f"#{active}")
        assert option.get_attribute("role") == "option" and option.get_attribute("aria-selected") == "true"
        # no second control inside an option
        assert option.locator("a, button, [tabindex]").count() == 0
        target = option.get_attribute("data-href")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(re.escape(target) + "$"))

        # Escape closes the list and leaves the focus in the box
        page.keyboard.press("/")
        page.keyboard.type("plugin")
        page.get_by_role("option").first.wait_for()
        page.keyboard.press("Escape")
        assert page.locator("#site-search-input").get_attribute("aria-expanded") == "false"
        assert page.evaluate("document.activeElement.id") == "site-search-input"

        # the scheme toggle is a button with a pressed state, operated by Space
        toggle = page.get_by_role("button", name="Dark theme")
        toggle.focus()
        assert toggle.get_attribute("aria-pressed") == "false"
        page.keyboard.press("Space")
        assert toggle.get_attribute("aria-pressed") == "true"
        assert scheme_of(page) == "dark"
        page.keyboard.press("Enter")
        assert toggle.get_attribute("aria-pressed") == "false" and scheme_of(page) == "light"


def test_sidebar_sections_open_by_keyboard_and_links_stay_links(sample_site):
    with serve(sample_site) as base, browser_page() as page:
        page.goto(base + "/writing/")
        index = page.evaluate("[...document.querySelectorAll('.nav-item.has-children')].findIndex(li => !li.querySelector(':scope > details').open)")
        section = page.locator(".nav-item.has-children").nth(index)  # a closed section, found once
        link = section.locator(":scope > a")
        toggle = section.locator(":scope > details > summary")
        assert link.get_attribute("href")
        assert toggle.locator("a").count() == 0  # the toggle holds no link
        name = link.inner_text().strip()
        assert toggle.inner_text().strip() == f"{name}: subpages"  # its accessible name
        toggle.focus()
        page.keyboard.press("Enter")
        assert section.locator(":scope > details").get_attribute("open") is not None
        assert section.locator(":scope > details > ul a").first.is_visible()
        page.keyboard.press("Space")
        assert section.locator(":scope > details").get_attribute("open") is None


def test_tabs_and_collapsibles_follow_their_aria_patterns(sample_site):
    with serve(sample_site) as base, browser_page() as page:
        page.goto(base + "/user_guide/plugin_management/")
        tabs = page.get_by_role("tab")
        first, last = tabs.first, tabs.nth(tabs.count() - 1)
        # one tab stop for the whole tab list: the selected tab
        assert [tabs.nth(i).get_attribute("tabindex") for i in range(tabs.count())] == ["0"] + ["-1"] * (tabs.count() - 1)
        first.focus()
        page.keyboard.press("End")
        assert page.evaluate("document.activeElement.id") == last.get_attribute("id")
        assert last.get_attribute("aria-selected") == "true"
        page.keyboard.press("Home")
        assert first.get_attribute("aria-selected") == "true"
        page.keyboard.press("ArrowLeft")  # wraps round
        assert last.get_attribute("aria-selected") == "true"
        # Tab leaves the tab list for the selected panel
        page.keyboard.press("Tab")
        panel_id = last.get_attribute("aria-controls")
        assert page.evaluate("document.activeElement.id") == panel_id
        assert page.locator(f"#{panel_id}").get_attribute("role") == "tabpanel"

        page.goto(base + "/writing/shortcodes/")
        summary = page.locator("details.expand > summary").first
        content = page.locator("details.expand").first.locator(".expand-content")
        summary.focus()
        page.keyboard.press("Enter")
        assert content.is_visible()
        page.keyboard.press("Space")
        assert not content.is_visible()


def test_code_that_scrolls_takes_focus_and_scrolls_by_keyboard(sample_site):
    with serve(sample_site) as base, browser_page({"width": 390, "height": 844}) as page:
        page.goto(base + "/writing/default-theme/")
        scrolling = page.evaluate("""() => [...document.querySelectorAll('.main pre, .main .highlight, .main table')]
            .filter(el => /(auto|scroll)/.test(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1)
            .map(el => el.getAttribute('tabindex'))""")
        assert scrolling and all(index == "0" for index in scrolling), scrolling
        box = page.locator(".main pre[tabindex='0'], .main .highlight[tabindex='0']").first
        box.focus()
        assert box.evaluate("el => el.scrollLeft") == 0
        page.keyboard.press("ArrowRight")
        page.keyboard.press("End")
        page.wait_for_function("el => el.scrollLeft > 0", arg=box.element_handle())


def test_catalog_filters_work_by_keyboard(sample_site):
    with serve(sample_site) as base, browser_page() as page:
        page.goto(base + "/plugins/")
        category = page.get_by_label("Category")
        total = page.locator(".plugin-card:visible").count()
        category.focus()
        page.keyboard.press("ArrowDown")  # the first category
        shown = page.locator(".plugin-card:visible").count()
        assert 0 < shown < total
        assert page.locator("[data-catalog-count]").inner_text().strip()


# -- phone ----------------------------------------------------------------------------------------

WIDER_THAN_VIEWPORT = """width => [...document.querySelectorAll('body *')].filter(el => {
  const box = el.getBoundingClientRect();
  if (box.width === 0 || box.right <= width + 0.5) return false;
  // inside a box that scrolls or clips sideways, an element may be wider: the box scrolls
  for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
    if (/(auto|scroll|hidden|clip)/.test(getComputedStyle(up).overflowX)) return false;
  }
  return getComputedStyle(el).position !== 'fixed' || el.closest('.sidebar.is-open');
}).map(el => el.tagName + '.' + el.className + ' right=' + Math.round(el.getBoundingClientRect().right))"""


@pytest.mark.parametrize("width", [360, 390, 414])
def test_phone_layout_title_search_drawer_and_no_sideways_scroll(sample_site, width):
    with serve(sample_site) as base, browser_page({"width": width, "height": 844}) as page:
        for path in list(PAGES.values()):
            page.goto(base + path)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, path
            assert page.evaluate(WIDER_THAN_VIEWPORT, width) == [], path
            title = page.locator(".site-title")
            assert title.is_visible()
            # the whole title shows, not "Pl…"
            assert title.evaluate("el => el.scrollWidth <= el.clientWidth"), path
            assert title.inner_text() == "Plugin Catalog"
            search = page.locator("#site-search-input")
            assert search.is_visible() and search.bounding_box()["width"] >= 150, path
            assert page.get_by_role("button", name="Dark theme").is_visible()

        # the sidebar is a drawer behind the Menu button
        page.goto(base + "/writing/shortcodes/")
        sidebar = page.locator("#sidebar")
        assert not sidebar.is_visible()
        menu = page.get_by_role("button", name="Menu", exact=True)
        menu.click()
        assert sidebar.is_visible() and menu.get_attribute("aria-expanded") == "true"
        assert page.evaluate("document.getElementById('sidebar').contains(document.activeElement)")
        page.keyboard.press("Escape")
        assert not sidebar.is_visible()
        assert page.evaluate("document.activeElement.classList.contains('menu-toggle')")

        # a search typed on a phone shows its results inside the screen
        page.locator("#site-search-input").fill("plugin")
        panel = page.locator(".site-search-panel")
        page.get_by_role("option").first.wait_for()
        box = panel.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width


# -- colour scheme ---------------------------------------------------------------------------------

def test_scheme_follows_the_system_until_the_toggle_overrides_it_on_every_page(sample_site):
    with serve(sample_site) as base, browser_page() as page:
        page.emulate_media(color_scheme="dark")
        page.goto(base + "/writing/")
        assert scheme_of(page) == "dark"
        toggle = page.get_by_role("button", name="Dark theme")
        assert toggle.get_attribute("aria-pressed") == "true"
        toggle.click()  # to light, on a dark system
        assert scheme_of(page) == "light"

        # the choice holds on the next page, from its first paint: it is set before <body>
        # exists, so nothing can be drawn in the other scheme
        page.add_init_script("""
          window.__schemeAtBody = 'no body seen';
          new MutationObserver((records, observer) => {
            if (document.body) { window.__schemeAtBody = document.documentElement.getAttribute('data-theme'); observer.disconnect(); }
          }).observe(document, {childList: true, subtree: true});
        """)
        page.get_by_role("link", name="Shortcodes").first.click()
        page.wait_for_url("**/writing/shortcodes/")
        assert page.evaluate("window.__schemeAtBody") == "light"
        assert scheme_of(page) == "light"
        assert page.get_by_role("button", name="Dark theme").get_attribute("aria-pressed") == "false"
        # highlighted code is painted in the chosen scheme too
        code_bg = page.evaluate("getComputedStyle(document.querySelector('.highlight')).backgroundColor")
        assert code_bg == "rgb(246, 248, 250)"

        # and on a light system the choice of dark holds as well
        page.get_by_role("button", name="Dark theme").click()
        page.emulate_media(color_scheme="light")
        page.goto(base + "/plugins/")
        assert page.evaluate("window.__schemeAtBody") == "dark"
        assert scheme_of(page) == "dark"


def test_stored_scheme_applies_without_the_deferred_script(sample_site):
    """The head script alone paints the chosen scheme: theme.js (deferred) is not needed."""
    with serve(sample_site) as base, browser_page() as page:
        page.emulate_media(color_scheme="light")
        page.goto(base + "/")
        page.evaluate("localStorage.setItem('color-scheme', 'dark')")
        page.route(re.compile(r".*/js/theme\.[^/]*js$"), lambda route: route.abort())
        page.goto(base + "/writing/")
        assert scheme_of(page) == "dark"
        head = page.evaluate("""() => [...document.head.children].map(el => el.tagName + (el.src ? ' ' + el.src.split('/').pop() : '')
            + (el.defer ? ' defer' : '') + (el.rel ? ' ' + el.rel : ''))""")
        first_script = next(i for i, item in enumerate(head) if item.startswith("SCRIPT"))
        first_style = next(i for i, item in enumerate(head) if item.endswith("stylesheet"))
        assert first_script < first_style and "color-scheme" in head[first_script] and "defer" not in head[first_script]


# -- copy buttons ----------------------------------------------------------------------------------

PYTHON_BLOCK = '''from cloudify import ctx
from cloudify.decorators import operation


@operation(resumable=True)
def create(timeout: int = 30, **kwargs) -> None:
    """Create the resource and remember its id."""
    name = ctx.node.properties.get("name", f"vm-{ctx.instance.id}")
    ctx.instance.runtime_properties["resource_id"] = name  # read by delete()
    if timeout < 0:
        raise ValueError("timeout must be positive")'''


def _clipboard(page) -> str:
    return page.evaluate("navigator.clipboard.readText()")


def test_copy_button_puts_the_exact_code_on_the_clipboard_and_says_copied(sample_site):
    with serve(sample_site) as base, browser_page() as page:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
        page.goto(base + "/writing/default-theme/")
        blocks = page.locator(".main .code-block")
        assert blocks.count() == page.locator(".main .highlight, .main pre:not(.highlight pre)").count()
        python = page.locator(".code-block").filter(has=page.locator("code.language-python")).first
        button = python.get_by_role("button", name="Copy code")
        handle = button.element_handle()
        button.focus()  # by keyboard
        page.keyboard.press("Enter")
        # the button says so, and a live region tells screen readers
        page.wait_for_function("""button => button.querySelector('.copy-button-label').textContent === 'Copied'
            && document.querySelector('[role=status]:not(.site-search-status)')?.textContent === 'Copied'""", arg=handle)
        assert _clipboard(page) == PYTHON_BLOCK

        # a line-numbered block copies the code, not its numbers
        numbered = page.locator(".code-block").filter(has=page.locator("table.lntable")).first
        numbered.get_by_role("button", name="Copy code").click()
        page.wait_for_function("text => navigator.clipboard.readText().then(t => t === text)",
                               arg="def latest(releases):\n    candidates = [r for r in releases if not r.yanked]\n"
                                   "    return max(candidates, key=lambda r: r.version, default=None)")


def test_catalog_copy_buttons_copy_import_lines_and_wagon_urls(sample_site):
    with serve(sample_site) as base, browser_page() as page:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
        page.goto(base + "/plugins/cloudify-aws-plugin/")
        latest = page.locator(".plugin-release.is-latest")
        version = latest.locator("h3").inner_text().split()[0]
        latest.get_by_role("button", name=f"Copy the import line of {version}").click()
        assert _clipboard(page) == f"plugin:cloudify-aws-plugin?version={version}"

        link = latest.locator("table.plugin-wagons a[download]").first
        filename = link.inner_text()
        latest.get_by_role("button", name=f"Copy the URL of {filename}").click()
        assert _clipboard(page) == link.evaluate("a => a.href")
        assert _clipboard(page).startswith(("http://", "https://"))

        page.locator(".code-block").filter(has=page.locator(".plugin-import")).get_by_role("button", name="Copy code").click()
        assert _clipboard(page) == "imports:\n  - plugin:cloudify-aws-plugin"

        page.goto(base + "/plugins/")
        card = page.locator("#plugin-cloudify-aws-plugin")
        card.get_by_role("button", name="Copy the import line of AWS").click()
        assert _clipboard(page) == "plugin:cloudify-aws-plugin"
        # the line sits across the card, not squeezed into a column of its grid
        line, whole = card.locator(".plugin-import-line").bounding_box(), card.bounding_box()
        assert line["width"] > whole["width"] * 0.8


def test_plugin_without_icon_gets_an_initials_badge(sample_site):
    with serve(sample_site) as base, browser_page() as page:
        page.goto(base + "/plugins/")
        cards = page.locator(".plugin-card").filter(has=page.locator(".plugin-badge"))
        assert cards.count() >= 1
        for i in range(cards.count()):
            card = cards.nth(i)
            badge = card.locator(".plugin-badge")
            title = card.locator(".plugin-title").inner_text()
            words = [w for w in re.split(r"[\s\-_.]+", title) if w.lower() not in ("plugin", "cloudify")] or [title]
            assert badge.inner_text() == "".join(w[0] for w in words[:2]).upper()
            assert badge.get_attribute("aria-hidden") == "true"
            background = badge.evaluate("el => getComputedStyle(el).backgroundColor")
            assert background not in ("rgba(0, 0, 0, 0)", "transparent")
        # the colour comes from the name: the plugin's own page shows the same badge
        card = cards.first
        colour_class = next(c for c in card.locator(".plugin-badge").get_attribute("class").split() if c[-1].isdigit())
        page.goto(card.locator(".plugin-title a").evaluate("a => a.href"))
        badge = page.locator(".plugin-page .page-header .plugin-badge")
        assert colour_class in badge.get_attribute("class").split()
        assert badge.bounding_box()["width"] == 64
