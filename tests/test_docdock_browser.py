"""DocDock's own documentation site, built by Hugo with the DocDock theme and by us with the
default theme, opened in Chromium side by side: on each shortcode page a visitor must see
the same alerts, panels, buttons (and where they lead), attachments, children lists,
icons drawn by their font, expand blocks, notices, diagrams and slides.

The corpus is /work/shared/corpora/docdock (see its README): Hugo needs the two edits
documented there; our copy is the example site as it is, read from its config.toml.
"""
from __future__ import annotations

import difflib
import re
import shutil
import subprocess
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from browser import CHROMIUM, serve
from conftest import SHARED
from catalog.build import build

# the real corpus lives beside the repository (../shared/corpora/); hugo and chromium are
# installed by scripts/test, so their absence fails the test instead of skipping it
CORPUS = SHARED / "corpora" / "docdock"

pytestmark = pytest.mark.skipif(not (CORPUS / "exampleSite").is_dir(),
                                reason=f"the DocDock corpus is not beside the repository ({CORPUS})")

# What to compare on each shortcode page (the features of `_FEATURES` below).
PAGES = {
    "alert": ["alerts"],
    "panel": ["panels"],
    "button": ["buttons"],
    "icon": ["icons", "alerts"],
    "children": ["children", "descriptions", "alerts"],
    "expand": ["expands"],
    "excerpt": ["alerts", "lorem"],
    "excerpt-include": ["panels", "alerts"],
    "attachments": ["attachments", "icons"],
    "revealjs": ["slides", "icons"],
    "mermaid": ["mermaid", "expands"],
    "notice": ["notices"],
}

# One function for both sites: `ours` says where the page's body is and how our markup
# names what DocDock's names otherwise. Texts are compared as textContent with spaces
# collapsed and typographic quotes made plain (Hugo's Goldmark "typographer" curls them;
# that is Markdown, not the shortcodes), and without what reads as an HTML tag: Hugo 0.111
# takes the `<mermaid ...>` of an escaped `{{</*mermaid*/>}}` at the start of an indented
# block inside `{{% expand %}}` for a tag, where we show it as written.
_FEATURES = r"""
([ours, wanted]) => {
  const norm = s => (s || '').replace(/<[^>]*>/g, '').replace(/[\u2018\u2019]/g, "'").replace(/[\u201c\u201d]/g, '"')
      .replace(/\u2026/g, '...').replace(/\s+/g, ' ').trim();
  const root = ours ? document.querySelector('.page-body') : document.querySelector('h1').parentElement;
  const all = sel => Array.from(root.querySelectorAll(sel));
  const kindOf = (el, prefix, skip) => {
    const c = Array.from(el.classList).find(c => c.startsWith(prefix) && !(skip || []).includes(c));
    return c ? c.slice(prefix.length) : '';
  };
  // the default theme's copy buttons on code blocks are page chrome, not the shortcodes' text
  const text = el => {
    if (!el) return '';
    const copy = el.cloneNode(true);
    copy.querySelectorAll('.copy-button').forEach(button => button.remove());
    return norm(copy.textContent);
  };
  const out = {};
  if (wanted.includes('alerts'))
    out.alerts = all('.alert').map(el => [kindOf(el, 'alert-'), text(el)]);
  if (wanted.includes('panels'))
    out.panels = all('.panel').map(el => [kindOf(el, 'panel-', ['panel-heading', 'panel-body', 'panel-footer']),
        text(el.querySelector('.panel-heading')), text(el.querySelector('.panel-body')),
        text(el.querySelector('.panel-footer'))]);
  if (wanted.includes('buttons'))
    out.buttons = all('.btn').map(el => {
      let href = el.getAttribute('href');
      if (!ours) {
        const m = /location\.href='([^']*)'/.exec(el.getAttribute('onclick') || '');
        href = m ? m[1].replace(/\\\//g, '/') : null;
      }
      return [kindOf(el, 'btn-'), text(el), href];
    });
  if (wanted.includes('icons'))
    // the shortcodes write <span>s; DocDock's own chrome writes <i>s (heading anchors) and
    // adds a copy button to every code block
    out.icons = all('span.fa, span.glyphicon').filter(el => !el.closest('.copy-to-clipboard')).map(el => {
      const name = Array.from(el.classList).find(c => /^(glyphicon-|fa-)/.test(c) && !/^fa-(lg|[2-5]x|fw)$/.test(c));
      const before = getComputedStyle(el, '::before');
      const family = getComputedStyle(el).fontFamily;
      const drawn = el.getBoundingClientRect().width > 0 && !['none', 'normal', '""'].includes(before.content)
          && /FontAwesome|Glyphicons/.test(family) && document.fonts.check('16px ' + family.split(',')[0]);
      return [name, drawn];
    });
  if (wanted.includes('children'))
    out.children = all('.children').map(list => Array.from(list.querySelectorAll('a'))
        .map(a => [a.parentElement.tagName.toLowerCase(), text(a)]));
  if (wanted.includes('descriptions'))  // description="true": the description, or the page's summary
    out.descriptions = all('.children').map(list => Array.from(list.querySelectorAll('p'))
        .filter(p => !p.querySelector('a')).map(text).filter(Boolean));
  if (wanted.includes('expands'))
    out.expands = all('.expand').map(el => [
        text(ours ? el.querySelector('.expand-label') : el.querySelector('.expand-label span')),
        text(el.querySelector('.expand-content'))]);
  if (wanted.includes('lorem'))
    out.lorem = all('p').map(text).filter(t => t.startsWith('Lorem ipsum'));
  if (wanted.includes('attachments'))
    out.attachments = all('.attachments').map(el => [
        text(el.querySelector(ours ? '.attachments-label' : 'label')),
        Array.from(el.querySelectorAll('li')).map(li => text(li))]);
  if (wanted.includes('mermaid'))
    out.mermaid = all('.mermaid').map(el => ours ? kindOf(el, 'mermaid-align-') : el.getAttribute('align'));
  if (wanted.includes('notices'))
    out.notices = all('.notices').map(el => [
        ['note', 'info', 'tip', 'warning'].find(k => el.classList.contains(k)) || '',
        text(ours ? el.querySelector('.callout-body') : el)]);
  if (wanted.includes('slides')) {
    let slides;
    if (ours) {
      slides = all('.slide');
    } else {  // DocDock writes the slides into an iframe, where reveal.js renders them
      const doc = document.getElementById('slideFrame').contentDocument;
      slides = Array.from(doc.querySelectorAll('.slides section')).filter(s => !s.querySelector('section'));
    }
    out.slides = slides.map(text);
  }
  return out;
}
"""


def _copy(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, symlinks=True, ignore=shutil.ignore_patterns(".git"))
    for path in [dst, *dst.rglob("*")]:
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | 0o200)


def _hugo_site(root: Path) -> Path:
    """The corpus built by Hugo, with the README's two edits in a copy of the theme."""
    theme = root / "themes" / "hugo-theme-docdock"
    _copy(CORPUS, theme)
    children = theme / "layouts/shortcodes/children.html"
    children.write_text(children.read_text().replace("{{.Inner|safeHTML}}", ""))
    (theme / "exampleSite/layouts/shortcodes/ghcontributors.html").write_text("")
    out = root / "public"
    subprocess.run(["hugo", "-s", str(theme / "exampleSite"), "--themesDir", str(root / "themes"), "-d", str(out)],
                   check=True, capture_output=True, timeout=300)
    return out


def _our_site(root: Path) -> Path:
    """The example site copied as it is (its config.toml, no site.toml), built by us with the
    packaged default theme; returns public/. Its only diagnostics are the real problems of
    that site as this tool sees it: Hugo settings it does not use, and the Go-only
    `ghcontributors` (left out, as the Hugo reference build empties it)."""
    _copy(CORPUS / "exampleSite", root / "site")
    root = root / "site"
    assert not (root / "site.toml").exists()
    result = build(root)
    problems = sorted((d.severity, d.code, d.path) for d in result.report.items)
    assert result.written and problems == [
        ("warning", "config-unused", "config.toml"),
        ("warning", "shortcode-go-only", "content/credits.md")], \
        "our build of the DocDock site:\n" + "\n".join(d.format() for d in result.report.sorted())
    return root / "public"


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> tuple[Path, Path]:
    return _hugo_site(tmp_path_factory.mktemp("hugo")), _our_site(tmp_path_factory.mktemp("ours"))


def _features(page: Any, base: str, name: str, ours: bool) -> dict[str, Any]:
    # only this host: Hugo's pages also ask GitHub for a button script, which must not hang the test
    page.context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                       else route.abort())
    page.goto(f"{base}/shortcodes/{name}/", wait_until="domcontentloaded")
    page.evaluate("document.fonts.ready.then(() => true)")
    wanted = PAGES[name]
    if "slides" in wanted and not ours:  # DocDock starts reveal.js 2 s after the page loaded
        page.wait_for_function("""() => { const f = document.getElementById('slideFrame');
            return f && f.contentDocument && f.contentDocument.querySelector('.slides section section'); }""",
                               timeout=20000)
    if "icons" in wanted:
        page.wait_for_function("document.fonts.status === 'loaded'")
    return page.evaluate(_FEATURES, [ours, wanted])


def _differences(name: str, hugo: dict[str, Any], ours: dict[str, Any]) -> list[str]:
    found = []
    for feature in PAGES[name]:
        theirs, mine = hugo[feature], ours[feature]
        if theirs == mine:
            continue
        if len(theirs) != len(mine):
            diff = [line for line in difflib.unified_diff([repr(x) for x in theirs], [repr(x) for x in mine],
                                                          "Hugo", "ours", lineterm="", n=0)][:12]
            found.append(f"{name}: {feature}: Hugo shows {len(theirs)}, we show {len(mine)}:\n  "
                         + "\n  ".join(diff))
            continue
        unlike = [(index, a, b) for index, (a, b) in enumerate(zip(theirs, mine)) if a != b]
        found += [f"{name}: {feature} #{index + 1}: Hugo shows {a!r}, we show {b!r}" for index, a, b in unlike[:8]]
        if len(unlike) > 8:
            found.append(f"{name}: {feature}: and {len(unlike) - 8} more differences")
    return found


def test_shortcode_pages_look_as_hugo_renders_them(sites):
    from playwright.sync_api import sync_playwright

    from browser import CHROMIUM_ARGS

    hugo_root, our_root = sites
    problems: list[str] = []
    with serve(hugo_root) as hugo_base, serve(our_root) as our_base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for name in PAGES:
                pages = []
                for base, ours in ((hugo_base, False), (our_base, True)):
                    context = browser.new_context(viewport={"width": 1280, "height": 900})
                    pages.append(_features(context.new_page(), base, name, ours))
                    context.close()
                hugo, mine = pages
                for feature in PAGES[name]:
                    assert hugo[feature] or feature in ("icons",), f"{name}: Hugo's page shows no {feature}: the test reads nothing"
                problems += _differences(name, hugo, mine)
            # what the attachment links point to is there, with the size the list gives
            for href, size in _attachment_links(our_root):
                with urllib.request.urlopen(our_base + href) as response:
                    data = response.read()
                if len(data) // 1024 != size:
                    problems.append(f"attachments: {href} serves {len(data)} bytes, the list says {size} kB")
        finally:
            browser.close()
    assert not problems, "\n".join(problems)


def _attachment_links(public: Path) -> list[tuple[str, int]]:
    html = (public / "shortcodes/attachments/index.html").read_text()
    found = re.findall(r'<a href="([^"]+)">[^<]+</a> <span class="attachment-size">\((\d+) kB\)', html)
    assert len(found) >= 5, "the attachments page lists fewer files than the folder holds"
    return [(href, int(size)) for href, size in found]
