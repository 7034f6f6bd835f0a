"""The Markdown memo's contract over a sequence of cached builds (catalog/markdown_memo.py):
after every edit, the site is byte for byte what `catalog build --no-cache` makes of the
same files. The edits are those that render every page again while their Markdown text
stays the same (shortcode templates, site.toml), on the pages most likely to be wrong if a
render were reused where it should not be: shortcodes in inline code, fences and indented
code, `{{% %}}` leaves spliced into the Markdown, nested paired shortcodes, `markdownify`
in a site template, highlight options (and their warning), two pages with one text, a page
removed, a base path and hash_links. From the review of the memo (all held)."""
from __future__ import annotations

import shutil
from pathlib import Path

from catalog.cli import MARKDOWN_FILE, main
from catalog.markdown_memo import MarkdownMemo

FILL = " ".join(["Lifecycle operations run on every node instance of the deployment."] * 20)
CONFIG = 'title = "Memo"\nbase_url = "https://x.org/{base}"\n{extra}[params]\nproduct = "{product}"\n'


def page(title: str, body: str) -> str:
    return f"---\ntitle: {title}\n---\n{body}\n"


FILES = {
    "layouts/shortcodes/prod.html": "{{ site.params.product }}",
    "layouts/shortcodes/box.html": '<div class="box">{{ inner.html }}</div>',
    "layouts/shortcodes/md.html": "{{ markdownify(inner) }}",
    "content/_index.md": page("Home", "Home"),
    "content/inline.md": page("Inline", f"{FILL}\n\nUse `{{{{< prod >}}}}` and `{{{{% prod %}}}}` now.\n\n{FILL}"),
    # a render that holds a shortcode's output in its code: never reused
    "content/fence.md": page("Fence", f"{FILL}\n\n```sh\nrun {{{{< prod >}}}}\n```\n\n{FILL}"),
    "content/indented.md": page("Indented", f"{FILL}\n\n    indented {{{{< prod >}}}}\n\n{FILL}"),
    "content/percent-fence.md": page("Percent fence", f"{FILL}\n\n~~~\n{{{{% prod %}}}}\n~~~\n\n{FILL}"),
    "content/percent.md": page("Percent", f"{FILL}\n\n{{{{% prod %}}}} is *the* product.\n\n"
                                          f"## About {{{{% prod %}}}}\n\n{FILL}"),
    "content/nested.md": page("Nested", f"{FILL}\n\n{{{{< box >}}}}\n{FILL}\n\n{{{{< box >}}}}\ninside "
                                        f"{{{{< prod >}}}}\n\n```\ncode {{{{< prod >}}}}\n```\n{{{{< /box >}}}}\n"
                                        f"{{{{< /box >}}}}\n\n{FILL}"),
    "content/mdfy.md": page("Mdfy", f"{{{{< md >}}}}\n{FILL}\n\n```\n{{{{< prod >}}}}\n```\n\n{FILL}\n{{{{< /md >}}}}\n"),
    "content/twin1.md": page("Twin", f"{FILL}\n\n## Same\n\n{{{{< prod >}}}}\n\n{FILL}"),
    "content/twin2.md": page("Twin", f"{FILL}\n\n## Same\n\n{{{{< prod >}}}}\n\n{FILL}"),
    "content/hl.md": page("HL", f"{FILL}\n\n```python {{linenos=true, hl_lines=[2]}}\na = 1\nb = 2\n```\n\n"
                                f"```py {{bogus=1}}\nx\n```\n\n{FILL}"),
}


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_cached_build_of_a_sequence_is_the_cold_build(make_site, tmp_path, capsys):
    root = make_site(FILES, CONFIG.format(base="", extra="", product="Alpha")).root
    edits = [
        {},
        {"site.toml": CONFIG.format(base="", extra="", product="Beta & <b>")},
        {"layouts/shortcodes/prod.html": "<b>{{ site.params.product }}</b>\n\n"},
        {"layouts/shortcodes/prod.html": "* item {{ site.params.product }}"},
        {"layouts/shortcodes/box.html": "<section>{{ inner }}</section>"},
        {"layouts/shortcodes/md.html": "{{ markdownify(inner) }}<hr>"},
        {"content/twin2.md": None},
        {"site.toml": CONFIG.format(base="sub/", extra="hash_links = true\n", product="Gamma")},
        {"layouts/shortcodes/prod.html": "{{ site.params.product }}"},
    ]
    for step, edit in enumerate(edits):
        for rel, text in edit.items():
            if text is None:
                (root / rel).unlink()
            else:
                (root / rel).write_text(text)
        capsys.readouterr()
        assert main(["build", "--project", str(root), "--jobs", "1"]) == 0
        cached_err = capsys.readouterr().err
        cold = tmp_path / f"cold{step}"
        shutil.copytree(root, cold, ignore=shutil.ignore_patterns(".catalog-cache", "public"), symlinks=True)
        assert main(["build", "--project", str(cold), "--no-cache", "--jobs", "1"]) == 0
        cold_err = capsys.readouterr().err
        assert tree(root / "public") == tree(cold / "public"), f"step {step}: {edit}"
        # the warnings too (the bad highlight option's is kept with its render)
        assert [line for line in cached_err.splitlines() if "built" not in line] == \
            [line for line in cold_err.splitlines() if "built" not in line]
        assert "code-options" in cached_err
    # the sequence reused renders: the memo holds the long pages' Markdown
    assert len(MarkdownMemo.load(root / MARKDOWN_FILE).renders) >= 4
