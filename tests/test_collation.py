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
