"""A corpus of bad documentation inputs: each gives its located diagnostic (file, line,
code, message), never a traceback, and leaves the previous good public/ as it was.
Script in front-matter values never reaches a page or the search index unescaped."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import REPO, build_ok

HOME = {"content/_index.md": "---\ntitle: Home\n---\nGood\n"}
BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [{', '.join(['*' + a] * 10)}]\n" for a, b in zip("abcdefgh", "bcdefghi"))

# name: (files, [(path, line, code, words of the message)])
CORPUS = {
    "yaml-not-yaml": ({"content/p.md": "---\ntitle: A\nweight: [1, 2\n---\n"},
                      [("content/p.md", 3, "front-matter-syntax", "invalid YAML front matter")]),
    "toml-not-toml": ({"content/p.md": "+++\ntitle = 'A'\nweight = = 2\n+++\n"},
                      [("content/p.md", 3, "front-matter-syntax", "invalid TOML front matter")]),
    "not-a-mapping": ({"content/p.md": "---\n- a\n- b\n---\n"},
                      [("content/p.md", 2, "front-matter-type", "must be a mapping")]),
    "a-scalar": ({"content/p.md": "---\njust words\n---\n"},
                 [("content/p.md", 2, "front-matter-type", "got str")]),
    "wrong-types": ({"content/p.md": "---\ntitle: [A]\ndraft: 'yes'\naliases: {a: 1}\n---\n"},
                    [("content/p.md", 2, "front-matter-type", "'title' must be a string"),
                     ("content/p.md", 3, "front-matter-type", "'draft' must be true or false"),
                     ("content/p.md", 4, "front-matter-type", "'aliases' must be a string or a list")]),
    "bom-and-crlf": ({"content/p.md": b"\xef\xbb\xbf---\r\ntitle: A\r\nweight: x\r\n---\r\n"
                                      b"one\r\n{{< relref \"nope.md\" >}}\r\n"},
                     [("content/p.md", 3, "front-matter-type", "'weight' must be an integer"),
                      ]),
    "crlf-body": ({"content/p.md": b"+++\r\ntitle = \"A\"\r\n+++\r\none\r\n\r\n{{< relref \"nope.md\" >}}\r\n"},
                  [("content/p.md", 6, "ref-not-found", 'page reference "nope.md" not found')]),
    "not-utf8": ({"content/p.md": b"---\ntitle: A\n---\nline 4\nline 5 \xff here\n"},
                 [("content/p.md", 5, "encoding", "file is not UTF-8")]),
    "unclosed-front-matter": ({"content/p.md": "---\ntitle: A\n"},
                              [("content/p.md", 1, "front-matter-unclosed", "never closed")]),
    "non-string-keys": ({"content/p.md": "---\ntitle: A\n1: one\nweight: heavy\n---\n"},
                        [("content/p.md", 4, "front-matter-type", "'weight' must be an integer")]),
    "yaml-alias-bomb": ({"content/p.md": f"---\ntitle: A\n{BOMB}---\n"},
                        [("content/p.md", 6, "front-matter-size", "more than 10000 values")]),
    "yaml-refers-to-itself": ({"content/p.md": "---\ntitle: A\nloop: &a [*a]\n---\n"},
                              [("content/p.md", 3, "front-matter-size", "nests more than")]),
    "nested-too-deep": ({"content/p.md": "+++\na = " + "[" * 3000 + "]" * 3000 + "\n+++\n"},
                        [("content/p.md", 2, "front-matter-size", "nests more than")]),
    "shortcode-unclosed": ({"content/p.md": "---\ntitle: A\n---\n{{% note %}}\ntext\n"},
                           [("content/p.md", 4, "shortcode-unclosed", "unclosed shortcode 'note'")]),
    "shortcode-mismatched": ({"content/p.md": "---\ntitle: A\n---\n{{% note %}}\ntext\n{{% /tip %}}\n"},
                             [("content/p.md", 4, "shortcode-unclosed", "unclosed shortcode 'note'"),
                              ("content/p.md", 6, "shortcode-stray-close", "closing tag for 'tip'")]),
    "shortcode-crossed": ({"content/p.md": "---\ntitle: A\n---\n{{% note %}}\n{{% tip %}}\nx\n{{% /note %}}\n"
                                           "{{% /tip %}}\n"},
                          [("content/p.md", 5, "shortcode-unclosed", "unclosed shortcode 'tip'"),
                           ("content/p.md", 8, "shortcode-stray-close", "closing tag for 'tip'")]),
    "shortcode-mixed-delimiters": ({"content/p.md": "---\ntitle: A\n---\nx {{< note %}}\n"},
                                   [("content/p.md", 4, "shortcode-syntax", "opens with '{{<' but closes with '%}}'")]),
    "shortcode-unterminated": ({"content/p.md": '---\ntitle: A\n---\nsee {{< relref "x.md" }}\n'},
                               [("content/p.md", 4, "shortcode-syntax", "'relref' is never closed")]),
    "shortcode-unknown": ({"content/p.md": "---\ntitle: A\n---\n\n{{< notte >}}x{{< /notte >}}\n"},
                          [("content/p.md", 5, "shortcode-unknown", "unknown shortcode 'notte'")]),
    "shortcode-bad-args": ({"content/p.md": '---\ntitle: A\n---\n{{< icon "fa-x >}}\n'},
                           [("content/p.md", 4, "shortcode-args", "cannot read the arguments"),
                            ("content/p.md", 4, "shortcode-icon", "icon needs an icon name")]),
    "shortcodes-nested-too-deep": ({"content/p.md": "---\ntitle: A\n---\n" + "{{% note %}}\n" * 600
                                    + "x\n" + "{{% /note %}}\n" * 600},
                                   [("content/p.md", 36, "shortcode-nesting", "nested more than 32 levels")]),
    "liquid-nested-too-deep": ({"content/p.md": "---\ntitle: A\n---\n" + "{% tip %}" * 600 + "{% endtip %}" * 600},
                               [("content/p.md", 4, "shortcode-nesting", "nested more than 32 levels")]),
    "liquid-unclosed": ({"content/p.md": "---\ntitle: A\n---\n\n{% warning %}\ntext\n"},
                        [("content/p.md", 5, "shortcode-unclosed", "unclosed shortcode 'warning'")]),
    "liquid-mismatched": ({"content/p.md": "---\ntitle: A\n---\n{% note %}\nx\n{% endwarning %}\n"},
                          [("content/p.md", 4, "shortcode-unclosed", "unclosed shortcode 'note'"),
                           ("content/p.md", 6, "shortcode-stray-close", "closing tag for 'warning'")]),
    "liquid-unterminated": ({"content/p.md": "---\ntitle: A\n---\n{% note title=x\nbody\n"},
                            [("content/p.md", 4, "shortcode-syntax", "tag 'note' is never closed")]),
    "liquid-raw-unclosed": ({"content/p.md": "---\ntitle: A\n---\nok\n{% raw %}\n{% note %}x{% endnote %}\n"},
                            [("content/p.md", 5, "shortcode-unclosed", "unclosed '{% raw %}'")]),
    "ref-missing": ({"content/p.md": '---\ntitle: A\n---\n[x]({{< relref "nowhere.md" >}})\n'},
                    [("content/p.md", 4, "ref-not-found", 'page reference "nowhere.md" not found')]),
    "ref-ambiguous": ({"content/a/x.md": "---\ntitle: X\n---\n", "content/b/x.md": "---\ntitle: X\n---\n",
                       "content/p.md": '---\ntitle: A\n---\n{{< ref "x.md" >}}\n'},
                      [("content/p.md", 4, "ref-ambiguous", "content/a/x.md, content/b/x.md")]),
    "ref-outside-content": ({"content/p.md": '---\ntitle: A\n---\n{{< relref "../site.toml" >}}\n'
                                             '{{< relref "/../../etc/passwd" >}}\n'},
                            [("content/p.md", 4, "ref-not-found", '"../site.toml" not found'),
                             ("content/p.md", 5, "ref-not-found", '"/../../etc/passwd" not found')]),
    "aliases-swap-pages": ({"content/a.md": "---\ntitle: A\naliases: [/b/]\n---\n",
                            "content/b.md": "---\ntitle: B\naliases: [/a/]\n---\n"},
                           [("content/a.md", 3, "output-collision", "'b/index.html' would be written twice"),
                            ("content/b.md", 3, "output-collision", "'a/index.html' would be written twice")]),
    "alias-outside-site": ({"content/p.md": "---\ntitle: A\naliases:\n  - ../../evil/\n---\n"},
                           [("content/p.md", 3, "output-outside", "'../../evil/index.html' is outside the site")]),
    "alias-over-a-generated-file": ({"content/p.md": "---\ntitle: A\naliases: [/robots.txt/]\n---\n"},
                                    [("catalog", 0, "output-collision", "'robots.txt' would be both a file and a folder")]),
    "alias-with-newline-query-fragment": ({"content/p.md": "---\ntitle: A\naliases: [\"/old\\nx/\", /q?a=1, /f#x]\n---\n"},
                                          [("content/p.md", 3, "alias-invalid", "'/f#x/' holds"),
                                           ("content/p.md", 3, "alias-invalid", "'/old\\nx/' holds a control character"),
                                           ("content/p.md", 3, "alias-invalid", "'/q?a=1/' holds")]),
    "url-with-newline": ({"content/p.md": '---\ntitle: A\nurl: "/x/\\n/* https://evil.example/ 302!\\n/y/"\n---\n'},
                         [("content/p.md", 3, "url-invalid", "holds a control character, '?' or '#' (from its url)")]),
    "slug-with-newline": ({"content/p.md": '---\ntitle: A\nslug: "a\\nb"\n---\n'},
                          [("content/p.md", 3, "url-invalid", "(from its slug)")]),
    "file-name-with-query": ({"content/q?x#y.md": "---\ntitle: A\n---\n"},
                             [("content/q?x#y.md", 1, "url-invalid", "(from its file name)")]),
    "number-too-long": ({"content/p.md": "---\ntitle: A\nn: " + "1" * 5000 + "\n---\n"},
                        [("content/p.md", 3, "front-matter-number", "more than 4300 digits")]),
    "hex-number-too-long": ({"content/p.md": "+++\ntitle = 'A'\nn = 0x" + "f" * 5000 + "\n+++\n"},
                            [("content/p.md", 3, "front-matter-number", "more than 4300 digits")]),
    "date-that-does-not-exist": ({"content/p.md": "---\ntitle: A\ndate: 2020-02-30\n---\n"},
                                 [("content/p.md", 3, "front-matter-value", "day is out of range")]),
    "url-outside-site": ({"content/p.md": "---\ntitle: A\nurl: ../../../escaped/\n---\n"},
                         [("content/p.md", 3, "output-outside", "is outside the site")]),
    "two-sources-one-url": ({"content/a.md": "---\ntitle: A\n---\n", "content/b.md": "---\ntitle: B\nurl: /a/\n---\n"},
                            [("content/b.md", 3, "output-collision", "by content/a.md and by content/b.md")]),
    "slug-into-another-page": ({"content/A.md": "---\ntitle: A\n---\n",
                                "content/s/b.md": "---\ntitle: B\n\nslug: ../a\n---\n"},
                               [("content/s/b.md", 4, "output-collision", "'a/index.html' would be written twice")]),
    "case-only-difference": ({"content/Guide.md": "---\ntitle: A\n---\n", "content/guide.md": "---\ntitle: B\n---\n"},
                             [("content/guide.md", 1, "output-collision", "'guide/index.html' would be written twice")]),
}


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_bad_input_is_located_and_public_is_kept(make_site, name):
    files, expected = CORPUS[name]
    site = make_site(HOME)
    build_ok(site)
    before = tree(site.root / "public")
    site.write(files)
    result = site.build(jobs=1)
    got = [(d.path, d.line, d.code) for d in result.report.sorted() if d.severity == "error"]
    assert got == [(path, line, code) for path, line, code, _ in expected], site.messages(result)
    for diagnostic, (_, _, _, words) in zip(result.report.sorted(), expected):
        assert words in diagnostic.message and diagnostic.hint, diagnostic.format()
    assert not result.written
    assert tree(site.root / "public") == before
    assert [p.name for p in site.root.parent.iterdir() if p.name != "site"] == []  # nothing written beside
    assert not [p for p in site.root.iterdir() if p.name.startswith(".public")]


def test_the_whole_corpus_in_one_site_reports_every_problem_in_one_run(make_site):
    """Every page's problem is found in the same build: none hides another."""
    files: dict[str, str | bytes] = dict(HOME)
    expected = set()
    for name, (corpus_files, problems) in CORPUS.items():
        if len(corpus_files) == 1 and "content/p.md" in corpus_files:
            files[f"content/{name}.md"] = corpus_files["content/p.md"]
            expected |= {(f"content/{name}.md", line, code) for path, line, code, _ in problems
                         if path == "content/p.md"}
    site = make_site(files)
    result = site.build(jobs=1)
    got = {(d.path, d.line, d.code) for d in result.report.items}
    assert expected <= got, sorted(expected - got)
    assert not result.written


# -- front-matter values never inject script ----------------------------------------------------

EVIL = '</title></script><script>alert(1)</script><!--'


def test_front_matter_values_are_escaped_in_pages(make_site):
    site = make_site({**HOME, "content/p/_index.md": (
        f"---\ntitle: '{EVIL}'\ndescription: '{EVIL}'\nlinktitle: '{EVIL}'\nwho: '{EVIL}'\n"
        f"canonical: '\" onload=\"alert(1)'\n---\nBy {{{{< param who >}}}}.\n\n"
        '{{< children description="true" >}}\n'),
        "content/p/child.md": f"---\ntitle: '{EVIL}'\ndescription: '{EVIL}'\n---\n"})
    build_ok(site)
    for rel in ["p/index.html", "p/child/index.html", "index.html", "404.html"]:
        html = site.read(rel)
        assert "<script>alert" not in html and "</title></script>" not in html, rel
        assert 'onload="alert' not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, rel
        # every script element of the theme is an external file with no inline text
        assert re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S) == [""] * html.count("<script")


def test_search_index_keeps_values_as_data_and_cannot_close_a_script(make_site):
    site = make_site({**HOME, "content/p.md": f"---\ntitle: '{EVIL}'\ndescription: '{EVIL}'\n---\n"
                                              "Text with `</script><!--` in code.\n"})
    build_ok(site)
    manifest = json.loads(site.read("search-index.json"))
    docs = []
    for rel in ["search-index.json", *manifest["doc_files"], *manifest["term_files"]]:  # the manifest and shards
        raw = site.read(rel)
        assert "</" not in raw and "<!--" not in raw and "<script" not in raw.lower(), rel
        if rel in manifest["doc_files"]:
            docs += json.loads(raw)
    assert [doc[1] for doc in docs if doc[0] == "/p/"] == [EVIL]  # the value, exactly, as data


def test_theme_scripts_never_parse_data_as_html():
    scripts = (REPO / "themes/default/static/js").glob("*.js")
    for script in scripts:
        text = script.read_text()
        assert not re.search(r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write", text), script.name
