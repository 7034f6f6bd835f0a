"""The sample site's own docs: a table row written below a paragraph is no row (a paragraph
between a table's rows cut deploying.md's table, its last row rendered as a line of pipes)."""
from __future__ import annotations

import re
from pathlib import Path

from catalog.markdown import Markdown

CONTENT = Path(__file__).resolve().parent.parent / "content"


def test_no_docs_paragraph_holds_a_table_row() -> None:
    md, swallowed = Markdown(), []
    for path in sorted(CONTENT.rglob("*.md")):
        html = md.render(path.read_text(encoding="utf-8"))
        for paragraph in re.findall(r"<p>(.*?)</p>", html, flags=re.S):
            if re.search(r"^\|.*\|$", paragraph, flags=re.M):
                swallowed.append(path.relative_to(CONTENT).as_posix())
    assert swallowed == []
