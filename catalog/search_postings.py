"""The postings and fields strings of the search index's term shards (the format is in
search.py's docstring): doc numbers gap-coded as base-32 digits in the URL-safe base-64
alphabet, and the title and section flags as runs over a term's postings; with their
inverses, which `catalog check` and the tests read the index with.
"""
from __future__ import annotations

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def encode_postings(numbers: list[int]) -> str:
    """Ascending doc numbers as gap-coded base-32 digits, a run of one gap repeated as
    the gap, `~` and how many more times (see the module docstring)."""
    gaps = [number - previous for previous, number in zip([-1, *numbers], numbers)]
    out = []
    at = 0
    while at < len(gaps):
        end = at + 1
        while end < len(gaps) and gaps[end] == gaps[at]:
            end += 1
        if end - at > 3:  # "B~" + a count is shorter than four gaps
            out.append(_number(gaps[at]) + "~" + _number(end - at - 1))
        else:
            out.extend(_number(gap) for gap in gaps[at:end])
        at = end
    return "".join(out)


def _number(value: int) -> str:
    digits = [_ALPHABET[value & 31]]
    value >>= 5
    while value:
        digits.append(_ALPHABET[32 + (value & 31)])
        value >>= 5
    return "".join(reversed(digits))


def encode_fields(numbers: list[int], flags: dict[int, int]) -> str:
    """The flags of the docs in `flags`, a subset of the ascending `numbers` (a term's
    postings), as runs over those postings: postings to skip, postings to take, then the
    flags the taken ones share in two characters. A word that is the first of every
    title it is in costs a few characters, not three a page."""
    out = []
    at = 0
    while at < len(numbers):
        start = at
        while at < len(numbers) and numbers[at] not in flags:
            at += 1
        if at == len(numbers):
            break
        flag = flags[numbers[at]]
        taken = at
        while at < len(numbers) and flags.get(numbers[at]) == flag:
            at += 1
        out.append(_number(taken - start) + _number(at - taken) + _ALPHABET[flag >> 6] + _ALPHABET[flag & 63])
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
