"""Code highlighting: Hugo's highlight options, fallbacks and the stylesheet."""
from __future__ import annotations

import re

import pytest

from catalog.highlight import (
    DARK_BACKGROUNDS, LIGHT_BACKGROUNDS, contrast, highlight, parse_options, stylesheet, token_colours,
)

CODE = "".join(f"line{n} = {n}\n" for n in range(1, 11))


def highlighted_lines(html: str) -> list[str]:
    """Text of each line wrapped in the highlighted-line span."""
    return [re.sub(r"<[^>]+>", "", chunk) for chunk in re.findall(r'<span class="hll">(.*?)\n</span>', html)]


def line_numbers(html: str) -> list[str]:
    return re.findall(r'<span class="ln[t ]?[^"]*">\s*(\d+)', html)


def test_markup_is_hugo_like_with_css_classes_only() -> None:
    html = highlight("x = 1\n", "python")
    assert html.startswith('<div class="highlight"><pre class="chroma"><code class="language-python" data-lang="python">')
    assert html.endswith("</code></pre></div>")
    assert '<span class="n">x</span>' in html
    assert "style=" not in html  # inline styles are blocked by the site's CSP


def test_code_is_escaped() -> None:
    assert "&lt;script&gt;" in highlight("<script>\n", "")
    assert "<script>" not in highlight("<script>\n", "yaml")


def test_empty_language_gives_plain_code_without_language_class() -> None:
    assert highlight("a < b\n", "") == '<div class="highlight"><pre class="chroma"><code>a &lt; b\n</code></pre></div>'


def test_unknown_language_is_plain_text_not_an_error() -> None:
    html = highlight("key: value\n", "no-such-language")
    assert 'data-lang="no-such-language"' in html
    assert "<span" not in html.split("<code", 1)[1]


def test_language_name_is_case_insensitive() -> None:
    assert highlight("a: 1\n", "YAML").split("<code", 1)[1].count("<span") > 0


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ("hl_lines=3 6-8", ["line3 = 3", "line6 = 6", "line7 = 7", "line8 = 8"]),
        ({"hl_lines": [2, "4-5"]}, ["line2 = 2", "line4 = 4", "line5 = 5"]),
        ('{hl_lines=[2,"4-5"]}', ["line2 = 2", "line4 = 4", "line5 = 5"]),
        ({"hl_lines": "1"}, ["line1 = 1"]),
        ("", []),
    ],
)
def test_hl_lines_marks_the_lines_counted_from_the_block_start(options: object, expected: list[str]) -> None:
    assert highlighted_lines(highlight(CODE, "python", options)) == expected  # type: ignore[arg-type]


def test_hl_lines_is_relative_to_the_block_even_with_linenostart() -> None:
    html = highlight(CODE, "python", "linenos=inline, hl_lines=2, linenostart=100")
    assert highlighted_lines(html) == ["101line2 = 2"]


def test_linenos_inline_numbers_each_line_from_linenostart() -> None:
    html = highlight(CODE, "python", "linenos=inline, hl_lines=3 6-8, linenostart=10")
    assert line_numbers(html) == [str(n) for n in range(10, 20)]
    assert "<table" not in html


def test_inline_numbers_are_padded_to_one_width() -> None:
    html = highlight(CODE, "text", "linenos=inline, linenostart=5")
    assert '<span class="ln"> 5</span>' in html and '<span class="ln">14</span>' in html


@pytest.mark.parametrize("value", ["table", "true", True])
def test_linenos_table_puts_numbers_in_their_own_column(value: object) -> None:
    html = highlight(CODE, "python", {"linenos": value, "hl_lines": "2"})
    assert html.startswith('<div class="highlight"><table class="lntable"><tr><td class="lntd">')
    numbers_column, code_column = html.split('</td><td class="lntd">')
    assert line_numbers(numbers_column) == [str(n) for n in range(1, 11)]
    assert '<span class="lnt hll"> 2\n</span>' in numbers_column  # the number is marked too
    assert 'data-lang="python"' in code_column and "line10" in code_column


@pytest.mark.parametrize("value", ["false", False, ""])
def test_linenos_false_means_no_numbers(value: object) -> None:
    assert line_numbers(highlight(CODE, "python", {"linenos": value})) == []


def test_option_names_are_case_insensitive_like_hugo() -> None:
    assert parse_options("lineNos=inline, HL_lines=2").linenos == "inline"


def test_option_string_forms() -> None:
    options = parse_options("linenos=inline, hl_lines=3 6-8, linenostart=10")
    assert (options.linenos, options.hl_lines, options.linenostart) == ("inline", ((3, 3), (6, 8)), 10)
    fence = parse_options('linenos=table hl_lines=[8,"15-17"] linenostart=199')
    assert (fence.linenos, fence.hl_lines, fence.linenostart) == ("table", ((8, 8), (15, 17)), 199)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ("hl_lines=x", "hl_lines expects line numbers or ranges like 3 6-8, not 'x'"),
        ("hl_lines=3-x", "not '3-x'"),
        ("hl_lines=8-6", "backwards range '8-6'"),
        ("hl_lines=0", "range '0'"),
        ("linenos=yes", "linenos must be true, false, inline or table, not 'yes'"),
        ("linenostart=ten", "linenostart must be a whole number, not 'ten'"),
        ("linenos", "malformed highlight option 'linenos': expected key=value"),
        ("=3", "malformed highlight option '=3'"),
        ("hl_line=3", "unknown highlight option 'hl_line'; did you mean 'hl_lines'?"),
        ({"linenostrat": 3}, "did you mean 'linenostart'?"),
        ("colour=red", "unknown highlight option 'colour' (known: hl_lines, linenos, linenostart)"),
        ("style=monokai", "'style' is not supported here: one site-wide stylesheet"),
    ],
)
def test_bad_options_raise_a_clear_value_error(options: object, message: str) -> None:
    with pytest.raises(ValueError) as error:
        highlight("x\n", "go", options)  # type: ignore[arg-type]
    assert message in str(error.value)


def test_stylesheet_is_scoped_deterministic_and_styles_the_markup() -> None:
    css = stylesheet()
    assert css == stylesheet()
    rules = [line for line in css.splitlines() if line.strip() and not line.startswith(("@media", "}"))]
    # the light scheme by default; the dark one under the theme's data-theme or the system's
    scopes = (".highlight", ':root[data-theme="dark"] .highlight', ':root:not([data-theme="light"]) .highlight')
    assert all(rule.startswith(scopes) for rule in rules), [r for r in rules if not r.startswith(scopes)][:3]
    assert "@media (prefers-color-scheme: dark) {" in css
    # the structural classes highlight() writes itself all have a rule
    for class_name in ("hll", "ln", "lnt", "lntable", "lntd", "chroma"):
        assert re.search(rf"\.{class_name}\b", css), class_name
    # and token classes are coloured (a keyword, a comment)
    assert ".highlight .k {" in css and ".highlight .c {" in css
    html = highlight("def f():  # c\n", "python")
    assert '<span class="k">def</span>' in html and '<span class="c1"># c</span>' in html


@pytest.mark.parametrize("dark", [False, True])
def test_every_token_colour_meets_aa_contrast_on_every_background(dark: bool) -> None:
    """axe's color-contrast on code: every token type, in each scheme, reaches 4.5:1 on the
    code block, the page (code in a callout) and a highlighted line."""
    backgrounds = DARK_BACKGROUNDS if dark else LIGHT_BACKGROUNDS
    colours = token_colours(dark=dark)
    assert len(colours) > 50  # every Pygments token class, not a handful
    failing = {
        (css_class, colour, ground): round(contrast(colour, ground), 2)
        for css_class, colour in colours.items()
        for ground in backgrounds.values()
        if contrast(colour, ground) < 4.5
    }
    assert not failing


def test_dark_rules_colour_every_class_the_light_rules_colour() -> None:
    """No light colour is left over on the dark background: each scheme names every class."""
    css = stylesheet()
    light = set(re.findall(r"^\.highlight \.(\w+) \{ color", css, re.M))
    forced = set(re.findall(r'^:root\[data-theme="dark"\] \.highlight \.(\w+) \{ color', css, re.M))
    system = set(re.findall(r'^:root:not\(\[data-theme="light"\]\) \.highlight \.(\w+) \{ color', css, re.M))
    assert light and light == forced == system
    assert token_colours(dark=True)["k"] != token_colours(dark=False)["k"]


def test_the_same_snippet_is_coloured_once_and_bad_options_fail_every_time(monkeypatch) -> None:
    import catalog.highlight as module
    calls: list[str] = []
    original = module._pygments_highlight
    monkeypatch.setattr(module, "_pygments_highlight", lambda code, *rest: calls.append(code) or original(code, *rest))
    code = "x = 'snippet shown on many pages'\n"
    first = highlight(code, "python", "linenos=inline")
    assert highlight(code, "python", "linenos=inline") == first and calls == [code]
    assert highlight(code, "python") != first and len(calls) == 2  # other options: coloured again
    for _ in range(2):
        with pytest.raises(ValueError):
            highlight(code, "python", "hl_line=2")
