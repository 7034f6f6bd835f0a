"""The postings and fields strings of the search index's term shards (the format is in
search.py's docstring): doc numbers gap-coded as base-32 digits in the URL-safe base-64
alphabet, and the title and section flags as runs over a term's postings; with their
inverses, which `catalog check` and the tests read the index with.
"""
from __future__ import annotations

import operator
from bisect import bisect_left
from itertools import groupby

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def encode_postings(numbers: list[int]) -> str:
    """Ascending doc numbers as gap-coded base-32 digits, a run of one gap repeated as
    the gap, `~` and how many more times (see the module docstring)."""
    out = []
    # runs of equal gaps found by groupby (a word on most pages is thousands of gaps of 1)
    for gap, run in groupby(map(operator.sub, numbers, [-1, *numbers])):
        times = len(list(run))  # counted in C: a word on every page is one run of thousands
        digits = _number(gap)
        if times > 3:  # "B~" + a count is shorter than four gaps
            out.append(digits + "~" + _number(times - 1))
        else:
            out.append(digits * times)
    return "".join(out)


def _number(value: int) -> str:
    if value < _SMALL_NUMBERS:
        return _SMALL[value]
    return _digits(value)


def _digits(value: int) -> str:
    digits = [_ALPHABET[value & 31]]
    value >>= 5
    while value:
        digits.append(_ALPHABET[32 + (value & 31)])
        value >>= 5
    return "".join(reversed(digits))


_SMALL_NUMBERS = 1024  # gaps and counts are mostly small: their digits are looked up
_SMALL = [_digits(value) for value in range(_SMALL_NUMBERS)]


def encode_fields(numbers: list[int], flags: dict[int, int]) -> str:
    """The flags of the docs in `flags`, a subset of the ascending `numbers` (a term's
    postings), as runs over those postings: postings to skip, postings to take, then the
    flags the taken ones share in two characters. A word that is the first of every
    title it is in costs a few characters, not three a page."""
    # the flagged postings' places, found by bisection: a word on thousands of pages is in
    # few titles, and its postings are not walked one by one
    places = []
    for number in flags:
        at = bisect_left(numbers, number)
        if at < len(numbers) and numbers[at] == number:  # a doc not in the postings is not written
            places.append(at)
    places.sort()
    out = []
    end = 0  # where the last run ended
    index = 0
    while index < len(places):
        taken = places[index]
        flag = flags[numbers[taken]]
        index += 1
        while index < len(places) and places[index] == places[index - 1] + 1 and flags[numbers[places[index]]] == flag:
            index += 1
        stop = places[index - 1] + 1
        out.append(_number(taken - end) + _number(stop - taken) + _ALPHABET[flag >> 6] + _ALPHABET[flag & 63])
        end = stop
    return "".join(out)


def decode_fields(numbers: list[int], encoded: str) -> list[tuple[int, int]]:
    """The inverse of encode_fields, given the same postings."""
    pairs: list[tuple[int, int]] = []
    values: list[int] = []
    value = 0
    at = index = 0
    while at < len(encoded):
        digit = _ALPHABET.index(encoded[at])
        at += 1
        if digit >= 32:
            value = value * 32 + digit - 32
            continue
        values.append(value * 32 + digit)
        value = 0
        if len(values) < 2:
            continue
        if at + 2 > len(encoded):
            raise ValueError("fields end inside a run's flags")
        skip, take = values
        flag = _ALPHABET.index(encoded[at]) * 64 + _ALPHABET.index(encoded[at + 1])
        at += 2
        index += skip
        if take < 1 or index + take > len(numbers):
            raise ValueError("a run of fields goes past the postings")
        pairs.extend((number, flag) for number in numbers[index:index + take])
        index += take
        values = []
    if values or value:
        raise ValueError("fields end inside a run")
    return pairs


def decode_postings(encoded: str) -> list[int]:
    """The inverse of encode_postings (search.js has the same loop)."""
    numbers: list[int] = []
    value = 0
    previous = -1
    repeat = False
    for char in encoded:
        if char == "~":
            if repeat or not numbers or value:
                raise ValueError("'~' without a gap before it")
            repeat = True
            continue
        digit = _ALPHABET.index(char)
        if digit >= 32:
            value = value * 32 + digit - 32
            continue
        value = value * 32 + digit
        if repeat:
            gap = numbers[-1] - (numbers[-2] if len(numbers) > 1 else -1)
            numbers.extend(range(numbers[-1] + gap, numbers[-1] + gap * (value + 1), gap))
            repeat = False
        else:
            previous = (numbers[-1] if numbers else -1) + value
            numbers.append(previous)
        value = 0
    if repeat or value:
        raise ValueError("postings end inside a number")
    return numbers
