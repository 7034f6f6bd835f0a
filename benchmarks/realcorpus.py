"""A real-content benchmark corpus: DocDock's own documentation site
(/work/shared/corpora/docdock/exampleSite, 42 pages nobody here wrote, every DocDock
shortcode, code blocks, callouts, refs, attachments), replicated to ~400 pages.

Copy 0 is the site as it is; copies 1..N-1 are its whole content again under
`content/copy-K/` (each page's `aliases` removed, which would clash, and each page
file named `NAME-K.md`), so every page keeps its mix of Markdown and shortcodes, and a
ref written from the site root (`{{< relref "shortcodes/button.md" >}}`) or by file
name alone resolves, as Hugo resolves it, to copy 0's page. The project builds from the site's own `config.toml`, as a user's would.
"""
from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

# ../shared/ beside the checkout holds the real corpora and legacy catalogs (not copied into
# the repository); a clone elsewhere finds them at the workplace's own path. The tests use it too.
_BESIDE = Path(__file__).resolve().parents[2] / "shared"
SHARED = next((p for p in (_BESIDE, Path("/work/shared")) if p.is_dir()), _BESIDE)
CORPUS = SHARED / "corpora" / "docdock" / "exampleSite"
_ALIASES = re.compile(r"(?ms)^aliases\s*[:=].*?(?=^\S|\Z)")


def write_docdock_corpus(root: Path, copies: int = 10, corpus: Path = CORPUS) -> int:
    """The replicated site at `root` (replaced if there); returns its number of content pages."""
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(corpus, root, ignore=shutil.ignore_patterns(".git"))
    content = root / "content"
    original = sorted(path for path in content.rglob("*") if path.is_file())
    for k in range(1, copies):
        for path in original:
            target = content / f"copy-{k}" / path.relative_to(content)
            if path.suffix == ".md" and not path.name.startswith("_index"):
                target = target.with_name(f"{path.stem}-{k}.md")  # a ref by file name alone stays unique
            parts = [f"{part[:-6]}-{k}.files" if part.endswith(".files") else part  # the page's attachments
                     for part in target.relative_to(content).parts]
            target = content.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            if path.suffix == ".md":
                text = path.read_text(encoding="utf-8")
                head, sep, body = text.partition("\n---\n") if text.startswith("---\n") else ("", "", text)
                target.write_text(_ALIASES.sub("", head) + sep + body if sep else text, encoding="utf-8")
            else:
                shutil.copyfile(path, target)
    return sum(1 for _ in content.rglob("*.md"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--copies", type=int, default=10)
    args = parser.parse_args()
    print(f"{write_docdock_corpus(args.root, args.copies)} pages in {args.root}")


if __name__ == "__main__":
    main()
