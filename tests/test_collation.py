"""Title order: the collator's, as hugo 0.111 printed it for these titles (see
test_hugo_differential.py, which checks the same against Hugo itself)."""
from __future__ import annotations

from catalog.collation import collation_key

HUGO_ORDER = ["", "_x", "(paren)", "0", "10", "9", "a", "Á", "ä", "Ä", "A b", "a-b", "Ab", "b", "B", "b c",
              "e", "E", "é", "éclair", "install", "Install", "o", "ø", "p", "ss", "ß", "st", "x1", "X2", "zeta",
              "Zeta", "zulu", "Zürich", "Ω"]


def test_titles_sort_as_hugo_sorts_them():
    shuffled = sorted(HUGO_ORDER, key=lambda title: (len(title) * 7919 + sum(map(ord, title))) % 101)
    assert sorted(shuffled, key=collation_key) == HUGO_ORDER


def test_punctuation_comes_before_digits_and_letters_in_the_tables_order():
    marks = ["_", "-", "—", ",", "!", "?", ".", "·", "'", "\"", "«", "(", "[", "@", "&", "$", "0", "a"]
    assert sorted(reversed(marks), key=collation_key) == marks


def test_the_ascii_fast_path_gives_the_full_algorithms_keys_and_order():
    """ASCII titles take a table (collation_key); the order of any mix of titles, ASCII or
    not, must be the one the full algorithm gives."""
    import random

    from catalog.collation import _unicode_key
    full = _unicode_key.__wrapped__  # uncached: the algorithm itself
    chooser = random.Random(20)
    ascii_chars = [chr(code) for code in range(128)]
    others = list("ÁäÄéÉèßæŒøØđłĳΩ\u00a0\u2014\u201cñ\u0301ÿ€日本")
    titles = ["".join(chooser.choice(ascii_chars) for _ in range(chooser.randrange(0, 12))) for _ in range(3000)]
    titles += ["".join(chooser.choice(ascii_chars + others) for _ in range(chooser.randrange(1, 10)))
               for _ in range(2000)]
    titles += HUGO_ORDER + ascii_chars + ["Install", "install ", "Install 10", "Install 9", "a\tb", "a b", "a\x00b"]
    for title in titles:
        assert collation_key(title) == full(title), repr(title)
    assert sorted(titles, key=collation_key) == sorted(titles, key=full)
