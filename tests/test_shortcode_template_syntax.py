"""A shortcode template that does not compile (a syntax error, a filter Jinja does not
have) is reported at every call that uses it, with the template's file and line, and the
build goes on to report the rest. Found by review: the first such call stopped the build
with a traceback (from the parse that decides whether a call is paired, or from loading
the template)."""
from __future__ import annotations

import pytest

PAGE = "---\ntitle: Page\n---\nok\n{{< boom />}}\n\n{{< boom >}}\n*inner*\n{{< /boom >}}\n\n{{< other >}}\n"


@pytest.mark.parametrize("template, message", [
    ("{% if %}<b>{{ inner.html }}</b>{% endif %}", "Expected an expression"),
    ("{{ inner | markdownify }}", "No filter named 'markdownify'"),
    ("<b>{{ inner.html }}</b>\n{% for x in %}", "Expected an expression"),
], ids=["syntax", "unknown filter", "second line"])
def test_a_template_that_does_not_compile_is_reported_at_each_call(make_site, template, message):
    site = make_site({"content/page.md": PAGE,
                      "layouts/shortcodes/boom.html": template,
                      "layouts/shortcodes/other.html": "<i>other</i>"})
    result = site.build()  # no exception
    found = [(d.line, d.code, d.message) for d in result.report.sorted()]
    # both calls, the self-closed and the paired one (its closing tag no problem of its own)
    assert [(at, code) for at, code, _ in found] == [(5, "shortcode-failed"), (7, "shortcode-failed")]
    line = 2 if "\n" in template else 1
    for _, _, text in found:
        assert message in text and f"(at layouts/shortcodes/boom.html:{line})" in text
