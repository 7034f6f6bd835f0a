"""Random Markdown documents for holding the two Markdown engines to the same output: blocks
and inline pieces of the kinds documentation uses (and some it should not), nested at
random, from a seed, so a failure names a reproducible document."""
from __future__ import annotations

import random

INLINE = [
    "word", "é", "ü日本", "*em*", "_em_", "**strong**", "__s__", "`code`", "``co`de``", '[link](http://x.y/a b "t")',
    "[link](</a b>)", "[ref]", "[ref][]", "[Ref][ref]", "![img](p.png)", '![*a* `b`](p.png "T")',
    "<http://a.b/c?d=e&f>", "<me@x.org>", "&amp;", "&copy;", "&#35;", "&#x41;", "\\*", "\\_", "\\\\", "\\#",
    '<span class="x">', "</span>", "<!-- c -->", "XQSCYABZ", '"q"', "'s'", "<b>", "{{x}}", "{#id}", "*", "_", "**",
    "[", "]", "(", ")", "!", "|", "#", "~", "  ", "a  \nb", "x\\\nn", "[a](<b)c>)", "[x](#frag)", "http://auto.link",
    "&nbsp;", "&bogus;", "`` ` ``", '<a href="x">', "</a>", "***x***", "*a **b** c*", " _x_y_ ", "~~gone~~",
]
FENCE_INFO = ["", "python", "yaml {linenos=true}", "js {hl_lines=[1]}", "sh {bad", "text \\{x", "go{x=1}"]


def inline(rng: random.Random, count: int | None = None) -> str:
    return " ".join(rng.choice(INLINE) for _ in range(count or rng.randint(1, 6)))


def block(rng: random.Random, depth: int = 0) -> str:
    kind = rng.randint(0, 17)
    if kind == 0:
        return "#" * rng.randint(1, 6) + " " + inline(rng) + rng.choice(["", " #", " ##", " {x}"])
    if kind == 1:
        return inline(rng) + "\n" + rng.choice(["===", "---", "  ==="])
    if kind == 5 and depth < 3:
        marker = rng.choice(["-", "*", "+", "1.", "2)"])
        items = [marker + " " + block(rng, depth + 1).replace("\n", "\n" + " " * (len(marker) + 1))
                 for _ in range(rng.randint(1, 3))]
        return rng.choice(["\n", "\n\n"]).join(items)
    if kind == 6 and depth < 3:
        return "\n".join("> " + line for line in block(rng, depth + 1).split("\n"))
    if kind == 7:
        fence = rng.choice(["```", "~~~", "````"])
        return f"{fence}{rng.choice(FENCE_INFO)}\n{inline(rng)}\n  {inline(rng)}\n{fence}"
    if kind == 8:
        return "    " + inline(rng) + "\n    " + inline(rng)
    if kind == 9:
        return _table(rng)
    if kind == 10:
        return rng.choice(["<div>\n" + inline(rng) + "\n</div>", '<div class="x">\n\n' + inline(rng) + "\n\n</div>",
                           "<!--\n" + inline(rng) + "\n-->", "<pre>\n" + inline(rng) + "\n</pre>",
                           "<details>\n<summary>x</summary>\n" + inline(rng) + "\n</details>"])
    if kind == 11:
        return rng.choice(["***", "---", "___", "* * *"])
    if kind == 12:
        return "[ref]: " + rng.choice(["/url", '/u "title"', "<a b>", "http://x.y/é", '/u\n  "multi"'])
    if kind == 13:
        return rng.choice(["\t", "  ", "   "]) + inline(rng)
    return inline(rng) + ("\n" + inline(rng) if rng.random() < 0.4 else "")


def _table(rng: random.Random) -> str:
    columns = rng.randint(1, 3)
    aligns = [rng.choice(["---", ":--", "--:", ":-:"]) for _ in range(columns)]
    edge = rng.choice(["|", ""])
    rows = [edge + " | ".join(inline(rng, 2) for _ in range(columns)) + " " + edge, edge + "|".join(aligns) + edge]
    for _ in range(rng.randint(0, 3)):
        rows.append(edge + " | ".join(inline(rng, 1) for _ in range(rng.randint(1, columns + 1))) + edge)
    return "\n".join(rows)


def document(seed: int) -> str:
    rng = random.Random(seed)
    blocks = [block(rng) for _ in range(rng.randint(1, 8))]
    return rng.choice(["\n\n", "\n", "\n\n\n"]).join(blocks) + rng.choice(["", "\n"])
