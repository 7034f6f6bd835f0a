"""`param` and `siteparam` print a value as Hugo's `{{ . }}` does (Go's fmt): lists as
`[a b]`, tables as `map[k:v]`, floats as Go's %g. Real `hugo` builds the same page with the
same [params] and the two outputs are compared value by value."""
from __future__ import annotations

import html
import math
import os
import re
import subprocess

import pytest

from catalog.build import build
from catalog.goprint import go_float, go_print
from hugo_oracle import hugo_path
from conftest import REPO

PARAMS = """\
[params]
list = ["a", "b c", 3, 1.5, true, false]
nested = [["x", "y"], {Key = "v"}, []]
table = {zeta = 1, Alpha = "two words", mid = [1, 2], Inner = {Deep = 2.0}}
html = ["<b>", "a&b", "x+y"]
emptyinner = [[], {}]
three = 3.0
hundredk = 123456.0
million = 1234567.0
big = 1e21
tiny = 0.0001
tinier = 0.00001
negative = -2.5
inf = inf
nan = nan
int = 42
word = "plain"
yes = true
"""
FRONT_MATTER = """\
---
title: Values
pagelist: [x, 2, 2.5, null, true]
pagemap: {b: 1, A: [q, r], c: {D: e}}
---
"""
NAMES = ["list", "nested", "table", "html", "emptyinner", "three", "hundredk", "million", "big", "tiny", "tinier",
         "negative", "inf", "nan", "int", "word", "yes"]
PAGE_NAMES = ["pagelist", "pagemap"]
# written for this test: the shape of hugo-theme-learn's siteparam (a site param, by its
# lower-cased name, printed with {{ . }})
HUGO_SITEPARAM = "{{- with .Site.Params -}}{{- index . (lower ($.Get 0)) -}}{{- end -}}"


def page_text() -> str:
    lines = [f'P {name} = {{{{< param "{name}" >}}}}' for name in NAMES + PAGE_NAMES]
    lines += [f'S {name} = {{{{% siteparam "{name}" %}}}}' for name in NAMES]
    return FRONT_MATTER + "\n" + "\n\n".join(lines) + "\n"


def values(page_html: str) -> dict[str, str]:
    """`P name` / `S name` -> the value printed, HTML unescaped (Hugo writes '+' as &#43;)."""
    return {key: html.unescape(value) for key, value in re.findall(r"<p>([PS] \w+) = (.*?)</p>", page_html)}


@pytest.fixture(scope="module")
def both(tmp_path_factory) -> tuple[dict[str, str], dict[str, str]]:
    root = tmp_path_factory.mktemp("goprint")
    hugo, ours = root / "hugo", root / "ours"
    for project in (hugo, ours):
        (project / "content").mkdir(parents=True)
        (project / "content" / "values.md").write_text(page_text(), encoding="utf-8")
    (hugo / "config.toml").write_text('baseURL = "https://example.org/"\ndisableKinds = ["taxonomy", "term", "RSS", '
                                      '"sitemap", "robotsTXT", "404"]\n' + PARAMS, encoding="utf-8")
    (hugo / "layouts" / "_default").mkdir(parents=True)
    (hugo / "layouts" / "_default" / "single.html").write_text("{{ .Content }}", encoding="utf-8")
    (hugo / "layouts" / "_default" / "list.html").write_text("", encoding="utf-8")
    (hugo / "layouts" / "shortcodes").mkdir()
    (hugo / "layouts" / "shortcodes" / "siteparam.html").write_text(HUGO_SITEPARAM, encoding="utf-8")
    done = subprocess.run([hugo_path(), "--quiet", "--source", str(hugo), "--destination", "public"],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "HUGO_CACHEDIR": str(root / "hugo-cache")})
    assert done.returncode == 0, done.stderr
    (ours / "site.toml").write_text('title = "T"\nbase_url = "https://example.org/"\n' + PARAMS, encoding="utf-8")
    (ours / "themes").mkdir()
    (ours / "themes" / "default").symlink_to(REPO / "themes" / "default", target_is_directory=True)
    result = build(ours, write=False, jobs=1)
    assert not result.report.items, [d.format() for d in result.report.items]
    return (values((hugo / "public" / "values" / "index.html").read_text(encoding="utf-8")),
            values(result.outputs["values/index.html"].decode("utf-8")))


def test_hugo_printed_every_value(both):
    hugo, _ = both
    assert sorted(hugo) == sorted([f"P {n}" for n in NAMES + PAGE_NAMES] + [f"S {n}" for n in NAMES])


@pytest.mark.parametrize("key", [f"P {n}" for n in NAMES + PAGE_NAMES] + [f"S {n}" for n in NAMES])
def test_a_param_prints_as_hugo_prints_it(both, key):
    hugo, ours = both
    assert ours.get(key) == hugo[key]


def test_what_hugo_prints_for_lists_and_tables(both):
    """The shapes themselves, so a change of Hugo's or of this test's pages is seen."""
    hugo, _ = both
    assert hugo["P list"] == "[a b c 3 1.5 true false]"
    assert hugo["S table"] == "map[alpha:two words inner:map[deep:2] mid:[1 2] zeta:1]"
    assert hugo["P nested"] == "[[x y] map[Key:v] []]"  # a table inside a list keeps its keys' case
    assert hugo["P pagemap"] == "map[a:[q r] b:1 c:map[d:e]]"
    assert hugo["P pagelist"] == "[x 2 2.5 <nil> true]"


@pytest.mark.parametrize("number, printed", [
    (3.0, "3"), (1.5, "1.5"), (123456.0, "123456"), (1234567.0, "1.234567e+06"), (1e8, "1e+08"),
    (1e21, "1e+21"), (0.0001, "0.0001"), (0.00001, "1e-05"), (-2.5, "-2.5"), (0.0, "0"), (-0.0, "-0"),
    (0.1 + 0.2, "0.30000000000000004"), (1.2345678901234567e16, "1.2345678901234568e+16"),
    (math.inf, "+Inf"), (-math.inf, "-Inf"), (math.nan, "NaN"), (5e-324, "5e-324"),
])
def test_floats_are_written_as_go_writes_them(number, printed):
    assert go_float(number) == printed


def test_go_print_of_the_other_values():
    assert go_print(None) == "<nil>"
    assert go_print({}) == "map[]" and go_print([]) == "[]"
    assert go_print({"B": [1, {"C": None}], "a": (True,)}) == "map[a:[true] b:[1 map[C:<nil>]]]"
