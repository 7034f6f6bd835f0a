"""A Jekyll project (`_config.yml`) builds as Jekyll builds it: its pages' Liquid evaluated
(output, Jekyll's and Liquid's filters, control flow, include, link, raw, comment), its
`.markdown` files read as pages, kramdown's `{:toc}`, and its old URLs kept. Debian's
`jekyll` is the oracle where it is installed. A site.toml project is unchanged."""
from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from catalog.build import BuildResult, build
from conftest import REPO, write_files

CONFIG = "title: Demo Docs\nbaseurl: /docs\nurl: https://example.org\nauthor: Ann\n"


class JekyllSite:
    def __init__(self, root: Path) -> None:
        self.root = root

    def build(self, **options) -> BuildResult:
        return build(self.root, **options)

    def body(self, rel: str) -> str:
        text = (self.root / "public" / rel).read_text(encoding="utf-8")
        start = text.index('class="page-body"')
        body = text[text.index(">", start) + 1: text.index("</article>", start)]
        return body.split('<footer class="page-footer">')[0]

    def problems(self, result: BuildResult) -> list[tuple[str, int, int, str, str]]:
        return [(d.path, d.line, d.col, d.severity, d.code) for d in result.report.sorted()]


@pytest.fixture
def jekyll(tmp_path):
    def make(files: dict[str, str], config: str = CONFIG) -> JekyllSite:
        root = tmp_path / "site"
        write_files(root, {"_config.yml": config, **files})
        (root / "themes").mkdir(exist_ok=True)
        if not (root / "themes" / "default").exists():
            (root / "themes" / "default").symlink_to(REPO / "themes" / "default", target_is_directory=True)
        return JekyllSite(root)
    return make


def paragraph(body: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def test_output_variables_and_url_filters(jekyll):
    site = jekyll({"index.md": """
        ---
        title: Home
        ---
        {{ site.title }} | {{ page.title }} | {{ site.baseurl }} | {{ site.url }} | {{ site.author }}
        [x]({{ "/x/" | relative_url }}) [y]({{ "/y/" | absolute_url }}) {{ page.url }}
        """})
    result = site.build()
    assert not result.report.items
    body = site.body("index.html")
    assert "Demo Docs | Home | /docs | https://example.org | Ann" in body
    assert '<a href="/docs/x/">x</a> <a href="https://example.org/docs/y/">y</a> /' in body


def test_standard_and_jekyll_filters(jekyll):
    site = jekyll({"index.md": """
        ---
        title: Home
        tags: [a, b]
        ---
        {{ "<b>" | escape }} {{ "abc" | upcase }} {{ "2020-01-02" | date: "%Y" }} {{ page.nope | default: "dflt" }}
        {{ page.tags | size }} {{ page.tags | jsonify }} {{ "A b&C" | slugify }} {{ "x,y,z" | split: "," | array_to_sentence_string }}
        {{ "one two" | number_of_words }} {{ "2020-01-02" | date_to_string }} {{ "a b" | cgi_escape }} {{ "a b" | uri_escape }}
        """})
    result = site.build()
    assert not result.report.items
    assert paragraph(site.body("index.html")) == (
        '<b> ABC 2020 dflt 2 ["a","b"] a-b-c x, y, and z 2 02 Jan 2020 a+b a%20b')


def test_control_flow_tags(jekyll):
    site = jekyll({"index.md": """
        ---
        title: Home
        n: 2
        ---
        {% if page.n == 1 %}one{% elsif page.n == 2 %}two{% else %}many{% endif %}
        {% unless page.missing %}unless{% endunless %}
        {% for i in (1..3) %}[{{ i }}]{% endfor %}
        {% assign who = "Ann" %}{% capture hi %}hi {{ who }}{% endcapture %}{{ hi | upcase }}
        {% comment %}not shown{% endcomment %}{% raw %}{{ kept }} {% info %}{% endraw %}
        """})
    result = site.build()
    assert not result.report.items
    assert paragraph(site.body("index.html")) == "two unless [1][2][3] HI ANN {{ kept }} {% info %}"


def test_include_with_parameters_and_link(jekyll):
    site = jekyll({
        "_includes/note.html": '<span class="note">{{ include.text }}, {{ include.who }} on {{ page.title }}</span>',
        "index.md": """
            ---
            title: Home
            ---
            {% include note.html text="Careful" who=site.author %} and [guide]({% link guide/intro.md %})
            """,
        "guide/intro.md": "---\ntitle: Intro\n---\nIntro\n",
    })
    result = site.build()
    assert not result.report.items
    body = site.body("index.html")
    assert '<span class="note">Careful, Ann on Home</span>' in body
    assert '<a href="/docs/guide/intro/">guide</a>' in body


def test_missing_include_and_link_are_located_errors(jekyll):
    site = jekyll({"index.md": "---\ntitle: Home\n---\nText\n\n{% include nope.html %} {% link gone.md %}\n"})
    result = site.build()
    assert site.problems(result) == [
        ("index.md", 6, 1, "error", "liquid-include-not-found"),
        ("index.md", 6, 25, "error", "liquid-link-not-found"),
    ]


def test_unknown_tags_and_filters_warn_at_their_place_and_stay_well_defined(jekyll):
    site = jekyll({"index.md": "---\ntitle: Home\n---\nA {% frobnicate x %} B {{ 'v' | frob }} C\n"})
    result = site.build()
    assert site.problems(result) == [
        ("index.md", 4, 3, "warning", "liquid-unknown-tag"),
        ("index.md", 4, 33, "warning", "liquid-unknown-filter"),
    ]
    assert paragraph(site.body("index.html")) == "A {% frobnicate x %} B v C"
    assert site.build(strict=True).report.failed(strict=True)


def test_syntax_error_is_located(jekyll):
    site = jekyll({"index.md": "---\ntitle: Home\n---\nline\n\n{% if x %}never closed\n"})
    result = site.build()
    assert [(p[0], p[1], p[3], p[4]) for p in site.problems(result)] == [("index.md", 6, "error", "liquid-syntax")]


def test_highlight_and_site_tags_pass_through_liquid(jekyll):
    site = jekyll({"index.md": """
        ---
        title: Home
        ---
        {% assign lang = "yaml" %}
        {% highlight python linenos %}
        x = "{{ lang }}"
        {% endhighlight %}

        {% note %}
        A **note** about {{ page.title }}
        {% endnote %}
        """})
    result = site.build()
    assert not result.report.items, [d.format() for d in result.report.sorted()]
    body = site.body("index.html")
    assert "&#34;yaml&#34;" in body or "&quot;yaml&quot;" in body or '"yaml"' in body
    assert 'class="highlight' in body and 'class="lntable"' in body  # linenos
    assert "<strong>note</strong> about Home" in body


def test_later_problems_are_located_in_the_source_after_liquid_changed_lines(jekyll):
    site = jekyll({"index.md": "---\ntitle: Home\n---\n{% comment %}\nthree\nlines\n{% endcomment %}\n"
                               "{% for i in (1..3) %}\n{{ i }}\n{% endfor %}\n\n{% info %}\nunclosed\n"})
    result = site.build()
    assert site.problems(result) == [("index.md", 12, 1, "error", "shortcode-unclosed")]


def test_markdown_extensions_of_jekyll_are_pages(jekyll):
    site = jekyll({  # as `jekyll new` writes a site: index.markdown, about.markdown
        "index.markdown": "---\ntitle: Home\n---\n*home*\n",
        "guide/index.mkd": "---\ntitle: Guide\n---\n*guide*\n",
        "a.markdown": "---\ntitle: A\n---\n*a*\n",
        "b.mkdown": "---\ntitle: B\n---\n*b*\n",
        "c.mkd": "---\ntitle: C\n---\n*c*\n",
    })
    result = site.build()
    assert not result.report.items
    assert "<em>home</em>" in site.body("index.html") and "<em>guide</em>" in site.body("guide/index.html")
    for name in "abc":
        assert f"<em>{name}</em>" in site.body(f"{name}/index.html")
        assert not (site.root / "public" / f"{name}.markdown").exists()


def test_permalink_is_kept_and_old_html_urls_redirect(jekyll):
    site = jekyll({
        "index.md": "---\ntitle: Home\n---\n[old](guide/intro.html)\n",
        "guide/intro.md": "---\ntitle: Intro\n---\nIntro\n",
        "about.md": "---\ntitle: About\npermalink: /about-us/\n---\nAbout\n",
        "legal.md": "---\ntitle: Legal\npermalink: /legal.html\n---\nLegal\n",
    })
    result = site.build()
    assert not result.report.items
    public = site.root / "public"
    assert "Intro" in site.body("guide/intro/index.html")
    assert "/docs/guide/intro/" in (public / "guide/intro.html").read_text()   # Jekyll's URL redirects
    assert "About" in site.body("about-us/index.html")
    assert "Legal" in site.body("legal.html")
    assert not (public / "about.html").exists()  # a permalink page is at its own URL only
    assert "/docs/guide/intro.html /docs/guide/intro/ 301" in (public / "_redirects").read_text()


def test_pretty_permalinks_need_no_redirects(jekyll):
    site = jekyll({"index.md": "---\ntitle: Home\n---\nx\n", "a.md": "---\ntitle: A\n---\na\n"},
                  CONFIG + "permalink: pretty\n")
    result = site.build()
    assert not result.report.items
    assert not (site.root / "public" / "a.html").exists()


TOC_PAGE = "* TOC\n{:toc}\n\n# A\n\n## B b\n\n### C\n\n## D\n\n# A\n\n## Skip\n{: .no_toc}\n"


def test_kramdown_toc_lists_the_headings(jekyll):
    site = jekyll({"index.md": "---\ntitle: Home\n---\n" + TOC_PAGE})
    result = site.build()
    assert not result.report.items
    body = site.body("index.html")
    assert body.count('id="markdown-toc"') == 1
    assert re.findall(r'href="#([^"]+)" id="markdown-toc-\1"', body) == ["a", "b-b", "c", "d", "a-1"]


def _kramdown(source: str) -> str | None:
    try:
        done = subprocess.run(["ruby", "-rkramdown", "-e", "puts Kramdown::Document.new($stdin.read).to_html"],
                              input=source, capture_output=True, text=True, timeout=60)
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None


@pytest.mark.skipif(_kramdown("x") is None, reason="needs Debian's ruby-kramdown")
def test_kramdown_toc_is_kramdowns(jekyll):
    site = jekyll({"index.md": "---\ntitle: Home\n---\n" + TOC_PAGE})
    site.build()
    ours = site.body("index.html")
    theirs = _kramdown(TOC_PAGE) or ""
    toc = re.compile(r'<ul id="markdown-toc">.*?\n</ul>', re.S)
    assert toc.search(ours).group(0) == toc.search(theirs).group(0)


def test_site_toml_projects_keep_liquid_output_as_written(make_site):
    site = make_site({"content/_index.md": "---\ntitle: Home\n---\n{{ site.title }} {% frob %}\n"})
    result = site.build()
    assert not result.report.items
    assert "{{ site.title }} {% frob %}" in site.read("index.html")


ORACLE_PAGE = ('A {{ site.title | upcase }} {{ "/x/" | relative_url }} {{ "/x/" | absolute_url }} '
               '{{ "a b&c" | slugify }} {{ "<a>" | xml_escape }} {{ "2020-01-02" | date: "%Y" }} '
               '{{ site.nope | default: "d" }} {{ "abc" | size }} {{ "a b" | cgi_escape }} {{ "a b" | uri_escape }} '
               '{{ "one two three" | number_of_words }} {{ "x,y,z" | split: "," | array_to_sentence_string }} '
               '{{ "2020-01-02" | date_to_string }} {{ "2020-01-02" | date_to_long_string }} '
               '{% for i in (1..3) %}{{ i | times: 2 }}{% endfor %} {% if site.title contains "Docs" %}yes{% endif %} '
               '{% capture c %}{{ "Q" | downcase }}{% endcapture %}{{ c }} {% include p.html v="w" %}\n')


@pytest.mark.skipif(shutil.which("jekyll") is None, reason="needs Debian's jekyll")
def test_liquid_output_is_jekylls(jekyll, tmp_path):
    site = jekyll({"index.md": "---\ntitle: Home\n---\n" + ORACLE_PAGE, "_includes/p.html": "[{{ include.v }}]",
                   "guide/a.md": "---\ntitle: A\n---\na\n", "guide/index.md": "---\ntitle: G\n---\ng\n",
                   "b.markdown": "---\ntitle: B\n---\nb\n", "c.md": "---\ntitle: C\npermalink: /cee/\n---\nc\n"})
    done = subprocess.run(["jekyll", "build", "--safe", "-s", str(site.root), "-d", str(tmp_path / "_site")],
                          capture_output=True, text=True, timeout=300)  # first: our public/ is no input of it
    assert done.returncode == 0, done.stderr
    result = site.build()
    assert not result.report.items
    theirs = (tmp_path / "_site" / "index.html").read_text(encoding="utf-8")
    assert paragraph(site.body("index.html")) == paragraph(theirs)
    # every URL Jekyll serves a page at is served here: the page, or a redirect to it
    jekyll_urls = sorted(str(p.relative_to(tmp_path / "_site")) for p in (tmp_path / "_site").rglob("*.html"))
    assert jekyll_urls == ["b.html", "cee/index.html", "guide/a.html", "guide/index.html", "index.html"]
    assert all((site.root / "public" / url).is_file() for url in jekyll_urls)


def test_problems_inside_an_include_are_located_in_the_include(jekyll):
    site = jekyll({"_includes/box.html": "<div>\n{{ include.x | nosuch }}\n{% if %}\n</div>\n",
                   "sub/part.md": "part *{{ include.word }}*",
                   "index.md": "---\ntitle: Home\n---\n{% include box.html x=1 %}\n",
                   "sub/page.md": "---\ntitle: P\n---\n{% include_relative part.md word=\"rel\" %}\n"})
    result = site.build()
    assert [(p[0], p[1], p[4]) for p in site.problems(result)] == [
        ("_includes/box.html", 2, "liquid-unknown-filter"), ("_includes/box.html", 3, "liquid-syntax")]
    write_files(site.root, {"_includes/box.html": "<div>{{ include.x }}</div>\n"})
    assert not site.build().report.items
    assert "part <em>rel</em>" in site.body("sub/page/index.html")


def test_a_changed_include_renders_its_pages_again(jekyll):
    site = jekyll({"_includes/v.html": "one", "index.md": "---\ntitle: Home\n---\nv {% include v.html %}\n"})
    assert not site.build().report.items
    assert "v one" in site.body("index.html")
    write_files(site.root, {"_includes/v.html": "two"})
    assert not site.build().report.items
    assert "v two" in site.body("index.html")


# -- a page is a program: what it may read, how long it may run -----------------------------

def _catalog_build(root: Path) -> subprocess.CompletedProcess:
    """`catalog build` in a child process with a deadline: a hang fails the test, not the suite."""
    return subprocess.run([str(Path(shutil.which("catalog") or REPO / ".venv/bin/catalog")), "build",
                           "--project", str(root)], capture_output=True, text=True, timeout=120)


def test_includes_and_links_cannot_reach_outside_the_site(jekyll, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET\n")
    site = jekyll({
        "_includes/ok.html": "fine",
        "guide/a.md": "---\ntitle: A\n---\n"
                      f"{{% include {secret} %}} {{% include ../../{secret.name} %}} "
                      "{% include_relative ../_config.yml %} {% link ../../secret.txt %} {% include ok.html %}\n",
        "b.md": "---\ntitle: B\n---\n{% include leak.html %}\n",
    })
    (site.root / "_includes" / "leak.html").symlink_to(secret)
    result = site.build()
    found = [(d.path, d.code, d.message) for d in result.report.sorted()]
    assert [(path, code) for path, code, _ in found] == [
        ("b.md", "liquid-include-not-found"),
        ("guide/a.md", "liquid-include-not-found"), ("guide/a.md", "liquid-include-not-found"),
        ("guide/a.md", "liquid-include-not-found"), ("guide/a.md", "liquid-link-not-found")]
    assert "outside the site" in found[0][2]
    assert all("not a file name below" in message for _, _, message in found[1:4])
    assert not (site.root / "public").exists()
    written = [p for p in site.root.rglob("*") if p.is_file() and not p.is_symlink() and "themes" not in p.parts]
    assert not any("TOPSECRET" in p.read_text(errors="replace") for p in written)  # nor a staging or cache file


def test_an_include_that_is_a_fifo_is_an_error_not_a_hang(jekyll):
    site = jekyll({"a.md": "---\ntitle: A\n---\n{% include pipe.html %}\n"})
    (site.root / "_includes").mkdir()
    os.mkfifo(site.root / "_includes" / "pipe.html")
    done = _catalog_build(site.root)
    assert done.returncode == 1
    assert "a.md:4:1: error: include 'pipe.html': not a regular file" in done.stderr + done.stdout
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("body, message", [
    ("{% for i in (1..300000000) %}x{% endfor %}", "loop iteration limit"),
    ('{% assign s = "xxxxxxxxxxxxxxxx" %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}',
     "limit"),
    ("{% capture s %}" + "x" * 40 + "{% endcapture %}{% for i in (1..900000) %}{{ s }}{{ s }}{% endfor %}",
     "limit"),
])
def test_liquid_that_would_run_for_ever_or_fill_memory_stops_at_a_limit(jekyll, body, message):
    site = jekyll({"a.md": "---\ntitle: A\n---\n" + body + "\n"})
    done = _catalog_build(site.root)
    output = done.stderr + done.stdout
    assert done.returncode == 1 and "[liquid-error]" in output and message in output
    assert "Traceback" not in done.stderr


def test_text_liquid_prints_is_never_run_again_as_a_shortcode_or_tag(jekyll):
    """A value from _data/, front matter or _config.yml is text, as Jekyll prints it: were it
    read again, `{{< include ".env" >}}` in a data file would publish the project's secrets."""
    site = jekyll({
        ".env": "API_TOKEN=hunter2\n",
        "_data/people.yml": '- name: "Alice *b*"\n- name: "Bob {{< include \\".env\\" >}}"\n',
        "a.md": '---\ntitle: A\ny: "{% include evil.html %}"\n---\n'
                "{% for p in site.data.people %}\n* {{ p.name }}\n{% endfor %}\n\n{{ page.y }}\n",
    })
    result = site.build()
    assert not result.report.items
    body = site.body("a/index.html")
    assert "<p>Alice <em>b</em></p>" in body  # still Markdown: Liquid comes first, as in Jekyll
    assert "Bob {{&lt; include &quot;.env&quot; &gt;}}" in body and "{% include evil.html %}" in body
    assert not any("hunter2" in p.read_text(errors="replace") for p in (site.root / "public").rglob("*")
                   if p.is_file())


def test_links_to_files_jekyll_does_not_publish_are_errors(jekyll):
    site = jekyll({"_data/d.yml": "k: v\n", "_includes/i.html": "hi\n",
                   "f.md": "---\ntitle: F\n---\n[z]({% link _config.yml %}) [d]({% link _data/d.yml %}) "
                           "[i]({% link _includes/i.html %})\n"})
    result = site.build()
    assert [d.code for d in result.report.sorted()] == ["liquid-link-not-found"] * 3


def test_a_permalink_to_another_site_is_an_error_at_its_line(jekyll):
    site = jekyll({"g.md": '---\ntitle: G\npermalink: "https://evil.example/x/"\n---\nG\n'})
    result = site.build()
    assert site.problems(result) == [("g.md", 3, 1, "error", "url-invalid")]
    assert "names another site" in result.report.items[0].message


def test_a_fifo_named_like_a_page_is_an_error_not_a_hang(jekyll):
    site = jekyll({"a.md": "---\ntitle: A\n---\nA\n"})
    os.mkfifo(site.root / "fifo.md")
    done = _catalog_build(site.root)
    assert done.returncode == 1 and "fifo.md: error: cannot read the file: it is a FIFO" in done.stderr + done.stdout


def test_a_filter_chain_cannot_grow_a_value_past_the_limit(jekyll):
    step = '| replace: "x", "xxxxxxxxxx" '
    site = jekyll({"a.md": "---\ntitle: A\n---\n{{ \"xxxxxxxxxx\" " + step * 12 + "| size }}\n"})
    done = _catalog_build(site.root)
    output = done.stderr + done.stdout
    assert done.returncode == 1 and "over the output limit [liquid-error]" in output
    assert "Traceback" not in output


def test_an_edited_data_file_renders_its_pages_again(jekyll):
    from catalog.render_cache import RenderCache
    site = jekyll({"_data/d.yml": "v: DATA1\n", "l.md": "---\ntitle: L\n---\n{{ site.data.d.v }}\n"})
    cache = RenderCache()
    assert not site.build(cache=cache).report.items
    (site.root / "_data" / "d.yml").write_text("v: DATA2\n")
    result = site.build(cache=cache)
    assert result.rendered >= 1 and "DATA2" in site.body("l/index.html")


def test_a_data_file_of_yaml_aliases_is_an_error_not_a_memory_blowup(jekyll):
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    lines += [f"{b}: &{b} [{', '.join(['*' + a] * 10)}]" for a, b in zip("abcdefg", "bcdefgh")]
    site = jekyll({"_data/bomb.yml": "\n".join(lines) + "\n",
                   "b.md": "---\ntitle: B\n---\n[{{ site.data.bomb | jsonify }}]\n"})
    result = site.build()
    assert site.problems(result) == [("_data/bomb.yml", 0, 0, "error", "data-file-invalid")]
    assert "over 100,000 values" in result.report.items[0].message


def test_every_broken_data_file_is_an_error_at_its_line_and_the_old_site_stays(jekyll):
    # Jekyll stops on a data file it cannot parse; so does the build, naming each one
    site = jekyll({"_data/ok.yml": "a: 1\n", "_data/team.yml": "- name: A\n  role: [x\n- name: B\n",
                   "_data/nested/bad.json": '{"a": 1,}\n', "_data/latin.yml": b"name: caf\xe9\n",
                   "i.md": "---\ntitle: I\n---\n{{ site.data.ok.a }}\n"})
    (site.root / "public").mkdir()
    (site.root / "public" / "old.html").write_text("the previous build\n")
    done = _catalog_build(site.root)
    output = done.stderr + done.stdout
    assert done.returncode == 1 and "Traceback" not in output
    # at the byte, as a page's encoding error is (was: the file alone, no line)
    assert "_data/latin.yml:1:10: error: the data file is not UTF-8 text (byte 9) [data-file-invalid]" in output
    assert "_data/nested/bad.json:1:9: error: the data file is not valid JSON" in output
    assert "_data/team.yml:3:7: error: the data file is not valid YAML" in output
    assert (site.root / "public" / "old.html").read_text() == "the previous build\n"


def test_only_the_first_toc_list_outside_code_is_the_table(jekyll):
    """As kramdown: one table a page; a second `{:toc}` list stays a list, one in a code block code."""
    site = jekyll({"b.md": "---\ntitle: B\n---\n* TOC\n{:toc}\n\n## Same\n\n* TOC\n{:toc}\n\n"
                           "```\n* TOC\n{:toc}\n```\n"})
    assert not site.build().report.items
    body = site.body("b/index.html")
    assert body.count('id="markdown-toc"') == 1 and body.count('id="markdown-toc-same"') == 1
    assert "<li>TOC</li>" in body and "* TOC\n{:toc}\n</code>" in body and "catalog:" not in body


def test_an_unclosed_raw_is_one_problem_the_unclosed_tag(jekyll):
    site = jekyll({"a.md": "---\ntitle: A\n---\nText {% raw %} {{ kept }}\n\nmore\n"})
    result = site.build()
    assert [d.code for d in result.report.sorted()] == ["shortcode-unclosed"]
