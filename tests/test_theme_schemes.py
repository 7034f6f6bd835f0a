"""The default theme's two colour schemes stay in step (no browser needed)."""
from __future__ import annotations

import re

from conftest import REPO

CSS = (REPO / "themes" / "default" / "static" / "css" / "theme.css").read_text(encoding="utf-8")


def _block(opening: str) -> dict[str, str]:
    start = CSS.index(opening) + len(opening)
    body = CSS[start:CSS.index("}", start)]
    return dict(re.findall(r"(--[\w-]+):\s*([^;]+);", body))


def test_toggle_and_system_dark_schemes_are_the_same_palette():
    """CSS cannot share one block between [data-theme="dark"] and the media query: the two
    copies must hold the same values, or the toggle and the system would paint differently."""
    forced = _block(':root[data-theme="dark"] {')
    system = _block(':root:not([data-theme="light"]) {')
    assert forced and forced == system


def test_dark_scheme_sets_every_colour_the_light_scheme_sets():
    light = _block(":root {")
    dark = _block(':root[data-theme="dark"] {')
    colours = {name for name, value in light.items() if re.match(r"#|rgba?\(", value.strip())}
    assert colours and colours <= set(dark), sorted(colours - set(dark))
    # and nothing outside the palette paints a fixed light background that would stay
    # light in the dark scheme
    outside = CSS.replace(CSS[CSS.index(":root {"):CSS.index("/* ---------- Base ---------- */")], "")
    fixed = re.findall(r"(?<![\w-])background(?:-color)?:\s*#(?:fff|ffffff|f\w{5})\b", outside, re.I)
    assert not fixed, fixed


def test_head_script_comes_before_the_stylesheets_and_is_not_deferred():
    base = (REPO / "themes" / "default" / "layouts" / "base.html").read_text(encoding="utf-8")
    script = base.index("asset('js/color-scheme.js')")
    assert script < base.index("asset('css/theme.css')")
    tag = base[base.rindex("<script", 0, script):base.index("</script>", script)]
    assert "defer" not in tag and "async" not in tag
