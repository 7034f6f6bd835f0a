"""Differential tests: the same content built by real Hugo (0.111, the oracle) and by this tool.

Compared case by case: the URL each `relref` / `ref` resolves to (or that both refuse
it), the heading ids of a page, and the order of the pages of each section. A mismatch
fails and prints the case: its source, this tool's answer and Hugo's.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from hugo_oracle import BASE_URL, Oracle, build_both, heading_ids, hugo_path, markers


def page(title: str, body: str = "", **meta: object) -> str:
    lines = [f"title: {json.dumps(title)}"]  # a JSON string is a YAML string
    lines += [f"{key}: {value}" for key, value in meta.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + body


# -- refs -----------------------------------------------------------------------------------

# The site the refs point into: nested sections, folders with and without _index.md,
# mixed-case names, a file name found in two folders, a dotted file name.
REF_SITE = {
    "_index.md": page("Home"),
    "a/_index.md": page("A"),
    "a/b.md": page("B", "## Upload\n"),
    "a/b.v2.md": page("B v2"),
    "a/c.md": page("C"),
    "Docs/_index.md": page("Docs"),
    "Docs/Sub/_index.md": page("Sub"),
    "Docs/Sub/Mixed.md": page("Mixed"),
    "Docs/Sub/Deep/x.md": page("X"),          # a folder without _index.md below a section
    "nofolder/q.md": page("Q"),               # a top-level folder without _index.md
    "nofolder/inner/p.md": page("P"),         # ... and a folder inside it
    "guide/_index.md": page("Guide"),
    "guide/install.md": page("Install"),
    "cli/install.md": page("CLI install"),    # "install" is in two folders
    "cli/profiles.md": page("Profiles"),
}

# Every ref is written on every page of REF_FROM: a case is (page, ref).
REFS = [
    # plain forms
    "a/b.md", "/a/b.md", "a/b", "a/b/", "A/B.MD", "a", "a/", "/a", "a/_index.md", "_index.md", "/",
    "docs/sub/mixed.md", "Docs/Sub/Mixed.md", "Docs/Sub", "docs/sub/_index.md",
    "Docs/Sub/Deep/x.md", "docs/sub/deep", "x", "x.md",
    "b.md", "b", "mixed", "profiles.md", "install.md", "install", "c.md",
    "./b.md", "./c.md", "../a/b.md", "../../a/b.md", "../b.md", "./sub/mixed.md",
    "a/b.md#upload", "b.md#x", "#frag",
    # the lenient forms, and near misses Hugo refuses
    "a//b.md", "/a//b", "a///b.md", "a/b.html", "a/b.mdd", "a/b.txt", "b.html", "a/b.",
    "a/b.v2", "a/b.v2.md", "a/b.md.md", "a/index.md",
    "content/a/b.md", "/content/a/b.md", "content/a/_index.md", "content/Docs/Sub/Mixed.md", "content/a",
    "../content/a/b.md", "/b.md", "/q", "/mixed.md",
    # folders without _index.md
    "nofolder", "nofolder/", "/nofolder", "nofolder/_index.md", "nofolder/q.md", "q",
    "nofolder/inner", "nofolder/inner/p.md", "inner/p.md", "p.md",
    # not found
    "zzz/b.md", "a/zzz.md", "/a/b.md/", "/a/b/", "/a/../a/b.md", "a/./b.md",
]
REF_FROM = ["refs.md", "a/from-a.md", "a/_index.md", "nofolder/from-nf.md", "Docs/Sub/from-sub.md",
            "nofolder/inner/from-inner.md"]


def ref_site() -> tuple[dict[str, str], dict[tuple[str, int], tuple[str, str]]]:
    """The content, and the cases by (source, line): (page, ref)."""
    content = dict(REF_SITE)
    cases: dict[tuple[str, int], tuple[str, str]] = {}
    for rel in REF_FROM:
        head = content.get(rel, page(f"From {rel}"))
        lines = []
        first = head.count("\n") + 1  # the line of the first case
        for number, ref in enumerate(REFS):
            lines.append(f'REF r{number} [{{{{< relref "{ref}" >}}}}]\n')
            cases[(f"content/{rel}", first + number)] = (rel, ref)
        lines.append('ABS r0 [{{< ref "a/b.md#upload" >}}]\n')
        content[rel] = head + "".join(lines)
    return content, cases


@pytest.fixture(scope="module")
def refs_built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Oracle, dict]:
    content, cases = ref_site()
    return build_both(tmp_path_factory.mktemp("refs"), content), cases


def _url_of(oracle: Oracle, rel: str) -> str:
    return oracle.pages[rel].url


def test_refs_resolve_to_the_url_hugo_links_to(refs_built):
    oracle, cases = refs_built
    mismatches = []
    for (source, line), (rel, ref) in sorted(cases.items()):
        url = _url_of(oracle, rel)
        # Hugo's relref "#x" is the fragment alone, ours the page's URL with it: the same link
        hugo = {key: url + value if value.startswith("#") else value
                for key, value in markers(oracle.hugo_html[url], "REF").items()}
        ours = markers(oracle.ours_html[url], "REF")
        number = f"r{REFS.index(ref)}"
        problems = oracle.diagnostics(source, line)
        errors = [p for p in problems if p.startswith("error")]
        if hugo[number] != ours[number] or bool(errors) != (hugo[number] == ""):
            mismatches.append(f'{source}:{line}: relref "{ref}": ours {ours[number]!r} {problems}, '
                              f"hugo's {hugo[number]!r}")
    assert not mismatches, (f"{len(mismatches)} of {len(cases)} refs differ from Hugo:\n" + "\n".join(mismatches)
                            + f"\nhugo said:\n{oracle.hugo_log}")


def test_ref_is_the_permalink_hugo_gives(refs_built):
    oracle, _ = refs_built
    url = _url_of(oracle, "refs.md")
    hugo, ours = markers(oracle.hugo_html[url], "ABS"), markers(oracle.ours_html[url], "ABS")
    assert ours == hugo == {"r0": f"{BASE_URL}a/b/#upload"}


def test_the_cases_hold_refs_hugo_refuses_and_lenient_ones_it_takes(refs_built):
    """The suite has cases on both sides: refs Hugo refuses, and lenient ones it resolves."""
    oracle, cases = refs_built
    url = _url_of(oracle, "refs.md")
    hugo = markers(oracle.hugo_html[url], "REF")
    refused = {REFS[int(n[1:])] for n, value in hugo.items() if value == ""}
    assert {"zzz/b.md", "nofolder/inner", "nofolder/_index.md", "a/b.md.md"} <= refused
    assert not {"a//b.md", "a/b.html", "a/b.mdd", "content/a/b.md", "nofolder"} & refused


@pytest.mark.parametrize("ref, canonical", [
    ("a//b.md", "a/b.md"),
    ("a/b.html", "a/b.md"),
    ("a/b.mdd", "a/b.md"),
    ("content/a/b.md", "a/b.md"),
    ("/content/a/b.md", "a/b.md"),
    ("../../a/b.md", "a/b.md"),
    ("/b.md", "a/b.md"),
])
def test_lenient_forms_warn_with_the_canonical_form(refs_built, ref, canonical):
    oracle, cases = refs_built
    line = next(line for (source, line), (rel, r) in cases.items() if rel == "refs.md" and r == ref)
    [warning] = [d for d in oracle.result.report.items if d.path == "content/refs.md" and d.line == line]
    assert (warning.severity, warning.code) == ("warning", "ref-lenient")
    assert warning.hint == f'write "{canonical}"'
    assert "content/a/b.md" in warning.message


def test_plain_forms_do_not_warn(refs_built):
    oracle, cases = refs_built
    plain = {"a/b.md", "/a/b.md", "a/b", "a/b/", "A/B.MD", "a", "a/_index.md", "nofolder",
             "b.md", "install.md", "#frag", "Docs/Sub"}
    noisy = [f"{source}:{line} {ref}: {oracle.diagnostics(source, line)}"
             for (source, line), (rel, ref) in cases.items()
             if ref in plain and "warning ref-lenient" in oracle.diagnostics(source, line)]
    assert not noisy


# -- heading ids ----------------------------------------------------------------------------

HEADINGS = [
    "Hello World", "Hello World", "Hello World", "hello-world-1", "Punctuation: a, b; c! (d) [e] {f}?",
    "Ünïcödé Ärger", "日本語の見出し", "Emoji 🎉 party", "With `inline code` here", "*Emphasis* and **strong**",
    "Trailing hashes ##", "Trailing #hash", "123", "1.2.3", "3 + 4 = 7", "C++ & C#", "snake_case_name",
    "dash - en – em —", "  spaced   out  ", "Quote's \"double\"", "tab\there", "!!!", "İstanbul", "ΣΊΣΥΦΟΣ",
    "a_b-c d", "[link](http://example.org) text", "Ends with dot.", "Heading", "Heading", "HTML &amp; entity",
    "50% off", "über_ß", "x<y", "Explicit {#custom-id}", "custom-id", "Class attr {.wide}", "Escaped \\#",
    "Foo #", "Foo \\# bar", "~~strike~~ through", "<b>bold tag</b>", "Image ![alt text](x.png) here", "a\\_b",
    "Ｆｕｌｌｗｉｄｔｈ", "٣ arabic digit", "x²", "NBSP\u00a0here", "end",
]


def heading_site() -> dict[str, str]:
    atx = "".join(f"{'#' * (2 + i % 3)} {text}\n\n" for i, text in enumerate(HEADINGS))
    setext = "Setext One\n==========\n\nSetext Two\n----------\n\n"
    return {"_index.md": page("Home"), "headings.md": page("Headings", atx + setext),
            "dupes.md": page("Dupes", "## A\n\n## A\n\n## A-1\n\n## A\n\n### a\n")}


def test_heading_ids_are_hugos(tmp_path: Path):
    oracle = build_both(tmp_path, heading_site())
    mismatches = []
    for url in ("/headings/", "/dupes/"):
        hugo, ours = heading_ids(oracle.hugo_html[url]), heading_ids(oracle.ours_html[url])
        if hugo != ours:
            width = max(len(hugo), len(ours))
            for index in range(width):
                h = hugo[index] if index < len(hugo) else None
                o = ours[index] if index < len(ours) else None
                if h != o:
                    source = HEADINGS[index] if url == "/headings/" and index < len(HEADINGS) else ""
                    mismatches.append(f"{url} heading {index + 1} {source!r}: ours {o!r}, hugo's {h!r}")
    assert not mismatches, "\n".join(mismatches)


def generated_headings(seed: int) -> list[str]:
    """Random heading texts (seeded): letters, digits, punctuation, entities, emphasis, code,
    emoji, scripts other than Latin, odd spaces."""
    import random

    rng = random.Random(seed)
    pool = list("abcXYZ 019_-.,:;!?()[]{}'\"/\\&%$@+=<>|~^") + [
        "é", "Ü", "ß", "日本", "🎉", "  ", "`code`", "*em*", "**b**", "_u_", "&amp;", "&lt;", "\\#", "İ", "ǅ", "Ⅻ",
        "²", "٣", "\u00a0", "\u200b", "—"]
    headings = []
    for _ in range(80):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 8))).strip()
        # not a list item, quote, table or closing sequence: a heading's text
        if not text or text.startswith(("#", "=", "-", "+", ">", "|", "*", "1.", "0.")) or text.endswith("\\"):
            text = "x" + text
        headings.append(text)
    return headings


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_heading_ids_are_hugos(tmp_path: Path, seed: int):
    headings = generated_headings(seed)
    body = "".join(f"## {text}\n\n" for text in headings)
    oracle = build_both(tmp_path, {"_index.md": page("Home"), "h.md": page("H", body)})
    hugo, ours = heading_ids(oracle.hugo_html["/h/"]), heading_ids(oracle.ours_html["/h/"])
    mismatches = [f"## {text}: ours {o!r}, hugo's {h!r}" for text, o, h in zip(headings, ours, hugo) if o != h]
    assert len(hugo) == len(ours) == len(headings)
    assert not mismatches, "\n".join(mismatches)


# -- page order -----------------------------------------------------------------------------

TITLES = ["b", "B", "a", "Á", "_x", "10", "9", "éclair", "Zeta", "zeta", "A b", "a-b", "Ab", "x1", "X2",
          "Ω", "ä", "b c", "Install", "install", "Ä", "Zürich", "zulu", "(paren)", "\u00e9", "e", "E",
          "ø", "o", "p", "ß", "ss", "st", "Ł", "l", "·", "«q»", "—", "'", "…", "€", "$", "§", "’s", "“q”", "¿", "ñ"]


def order_site() -> dict[str, str]:
    content = {"_index.md": page("Home"), "s/_index.md": page("S", weight=2), "t/_index.md": page("T", weight=1),
               "u/_index.md": page("U")}
    for number, title in enumerate(TITLES):
        content[f"s/p{number:02}.md"] = page(title)
    content["s/a0.md"] = page("b")  # the same title as p00: the path decides
    content["s/w5.md"] = page("w", weight=5)
    content["s/wm.md"] = page("w", weight=-1)
    content["s/w5b.md"] = page("a", weight=5)
    content["s/lt.md"] = page("zz", linktitle='"0"')  # Hugo sorts by the link title
    content["s/sub/_index.md"] = page("Sub", weight=3)
    content["t/Mixed-Case.md"] = page("M")
    content["t/lower.md"] = page("m")
    content["t/UPPER.md"] = page("M")
    content["u/notitle.md"] = "---\nweight: 0\n---\n"
    content["u/alpha.md"] = page("Alpha")
    # with equal weights, a date comes before the title: newest first, undated last
    content["u/old.md"] = page("Zz old", date="2020-01-02")
    content["u/new.md"] = page("Zz new", date="2023-05-06T10:00:00Z")
    content["u/lastmod.md"] = page("Zz lastmod", lastmod="2021-01-01")
    # equal titles: the file path decides, letters without regard to case
    content["v/_index.md"] = page("V")
    for name in ("alpha", "Setup", "_under", "[bracket", "-dash", "0zero", "Zulu", "~tilde", "émile", "Echo"):
        content[f"v/{name}.md"] = page("Same")
    content["v/Sub/_index.md"] = page("Same")
    return content


def test_page_order_is_hugos(tmp_path: Path):
    oracle = build_both(tmp_path, order_site())
    mismatches = []
    for url, hugo in sorted(oracle.hugo_order.items()):
        ours = oracle.ours_order.get(url)
        if ours != hugo:
            mismatches.append(f"section {url}:\n  ours  {ours}\n  hugo's {hugo}")
    assert set(oracle.hugo_order) <= set(oracle.ours_order)
    assert not mismatches, "\n".join(mismatches)


def test_hugo_is_there():
    """Never skipped: without Hugo the comparisons above would prove nothing."""
    assert hugo_path()


# -- aliases --------------------------------------------------------------------------------

ALIAS_SITE = {
    "_index.md": page("Home"),
    "a/_index.md": page("A"),
    "b/_index.md": page("B section", aliases="[/both-sections/, /section-and-page/]"),
    "a/c.md": page("C", aliases="[/old/, /two/]"),
    "a/d.md": page("A first title", aliases="[/old/]"),     # the title does not decide
    "e.md": page("E", weight=1, aliases="[/old/, /two/]"),  # nor the weight
    "b/x.md": page("X", aliases="[/section-and-page/]"),
    "c/_index.md": page("C section", aliases="[/both-sections/]"),
    "nofolder/deep/z.md": page("Z", aliases="[/deep/]"),
    "nofolder/y.md": page("Y", aliases="[/deep/]"),
    "self.md": page("Self", aliases="[/self/]"),             # its own URL
}


@pytest.fixture(scope="module")
def aliases_built(tmp_path_factory: pytest.TempPathFactory) -> Oracle:
    return build_both(tmp_path_factory.mktemp("aliases"), ALIAS_SITE)


@pytest.mark.parametrize("alias", ["/old/", "/two/", "/both-sections/", "/section-and-page/", "/deep/"])
def test_an_alias_claimed_twice_redirects_where_hugos_does(aliases_built, alias):
    ours, hugo = aliases_built.redirects(alias)
    assert hugo is not None
    assert ours == hugo, f"alias {alias}: ours redirects to {ours}, hugo's to {hugo}"


def test_an_alias_claimed_twice_warns_naming_both(aliases_built):
    warnings = [d for d in aliases_built.result.report.items if d.code == "alias-duplicate"]
    assert all(d.severity == "warning" for d in warnings)
    two = next(d for d in warnings if "'/two/'" in d.message)
    assert "content/a/c.md" in two.message and "content/e.md" in two.message
    assert "redirects to /a/c/" in two.message and two.path == "content/e.md" and two.line == 4
    assert aliases_built.result.report.errors() == []


def test_an_alias_of_its_own_page_is_skipped_with_a_warning(aliases_built):
    [loop] = [d for d in aliases_built.result.report.items if d.code == "alias-loop"]
    assert (loop.path, loop.severity) == ("content/self.md", "warning")
    ours = aliases_built.result.outputs["self/index.html"].decode()
    hugo = (aliases_built.hugo_public / "self" / "index.html").read_text()
    assert "http-equiv=\"refresh\"" not in ours and "http-equiv=\"refresh\"" not in hugo  # the page stays


def test_alias_problems_fail_under_strict(tmp_path: Path):
    import shutil

    from catalog.build import build
    root = tmp_path / "site"
    for rel, text in {"a.md": page("A", aliases="[/old/]"), "b.md": page("B", aliases="[/old/]"),
                      "c.md": page("C", aliases="[/c/]")}.items():
        (root / "content").mkdir(parents=True, exist_ok=True)
        (root / "content" / rel).write_text(text)
    (root / "site.toml").write_text(f'title = "T"\nbase_url = "{BASE_URL}"\n')
    (root / "themes").mkdir()
    (root / "themes" / "default").symlink_to(Path(__file__).resolve().parent.parent / "themes" / "default")
    relaxed = build(root, jobs=1)
    assert relaxed.written and {d.code for d in relaxed.report.items} == {"alias-duplicate", "alias-loop"}
    shutil.rmtree(root / "public")
    assert not build(root, jobs=1, strict=True).written


# -- generated sites ------------------------------------------------------------------------

def generated_site(seed: int) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """A random (but seeded, so repeatable) site and refs written on its pages: folder trees
    with and without _index.md, mixed-case and repeated names, and refs made from real
    paths with the spellings writers use (relative, rooted, bare, '..', case, lenient)."""
    import random

    rng = random.Random(seed)
    names = ["alpha", "Beta", "gamma", "install", "Setup", "index-page", "x", "v1.2", "under_score", "dash-name"]
    folders = [""]
    for _ in range(rng.randint(4, 7)):
        parent = rng.choice(folders)
        folder = f"{parent}/{rng.choice(names)}".lstrip("/")
        if folder not in folders and folder.count("/") < 3:
            folders.append(folder)
    content: dict[str, str] = {"_index.md": page("Home")}
    for folder in folders[1:]:
        if rng.random() < 0.6:
            content[f"{folder}/_index.md"] = page(folder.rsplit("/", 1)[-1])
    for folder in folders:
        for name in rng.sample(names, rng.randint(1, 4)):
            rel = f"{folder}/{name}.md".lstrip("/")
            if rel.removesuffix(".md") not in folders:
                content[rel] = page(name.title(), "## Heading\n")
    paths = sorted(content)
    writers = [rel for rel in paths if rel.endswith(".md")][:8]
    refs: list[tuple[str, str]] = []
    for writer in writers:
        here = writer.rsplit("/", 1)[0] if "/" in writer else ""
        for _ in range(14):
            target = rng.choice(paths)
            stem = target.removesuffix(".md")
            folder = target.rsplit("/", 1)[0] if "/" in target else ""
            spelled = rng.choice([
                target, "/" + target, stem, target.upper(), target.rsplit("/", 1)[-1],
                stem.rsplit("/", 1)[-1], folder, folder + "/", "/" + folder,
                target.replace("/", "//", 1), stem + ".html", "content/" + target, "/content/" + target,
                "../" + target, "./" + target.rsplit("/", 1)[-1],
                posixpath_relative(target, here), target + "#heading", stem + "/",
            ])
            if spelled and '"' not in spelled:
                refs.append((writer, spelled))
    for number, (writer, ref) in enumerate(refs):
        content[writer] += f'GEN g{number} [{{{{< relref "{ref}" >}}}}]\n'
    return content, refs


def posixpath_relative(target: str, here: str) -> str:
    import posixpath
    return posixpath.relpath(target, here or ".")


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_generated_sites_resolve_refs_as_hugo_does(tmp_path: Path, seed: int):
    content, refs = generated_site(seed)
    oracle = build_both(tmp_path, content)
    mismatches = []
    for number, (writer, ref) in enumerate(refs):
        url = oracle.pages[writer].url
        hugo = markers(oracle.hugo_html.get(url, ""), "GEN").get(f"g{number}")
        ours = markers(oracle.ours_html.get(url, ""), "GEN").get(f"g{number}")
        if hugo is not None and hugo.startswith("#"):
            hugo = url + hugo
        if hugo != ours:
            mismatches.append(f'content/{writer}: relref "{ref}": ours {ours!r}, hugo\'s {hugo!r}')
    assert not mismatches, f"seed {seed}: {len(mismatches)} of {len(refs)} refs differ:\n" + "\n".join(mismatches)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 22, 24, 32, 34])
def test_generated_sites_order_pages_as_hugo_does(tmp_path: Path, seed: int):
    """Each section's pages in Hugo's order. A section holding a folder without _index.md
    is left out: Hugo lists that folder's pages in the section itself, this tool gives the
    folder a page of its own (the sidebar keeps the folders)."""
    import random

    content, _ = generated_site(seed)
    rng = random.Random(seed)
    titles = ["a", "A", "b", "é", "E", "_x", "10", "9", "Zed", "zed", "ä", "Ab", "a b", "a-b", "Ω", "ø", "o", "ß",
              "(p)", "·", "«q»", "$", "'"]
    for rel in list(content):
        if rel.endswith(".md") and rel != "_index.md":  # weights and titles that often tie
            content[rel] = page(rng.choice(titles), weight=rng.choice([0, 0, 0, 1, 2, -1]))
    oracle = build_both(tmp_path, content)
    compared, mismatches = 0, []
    for url, hugo in sorted(oracle.hugo_order.items()):
        ours = oracle.ours_order.get(url, [])
        if set(ours) & oracle.nested_without_index:
            continue
        compared += 1
        if ours != hugo:
            mismatches.append(f"section {url}:\n  ours   {ours}\n  hugo's {hugo}")
    assert compared >= 1
    assert not mismatches, f"seed {seed}:\n" + "\n".join(mismatches)
