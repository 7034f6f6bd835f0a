"""Parameter values printed as Hugo prints them: Go's fmt `%v`, which `{{ . }}` uses for a
value of the site's or a page's params (the `param` and `siteparam` shortcodes).

Checked against Hugo 0.111 (tests/test_goprint.py runs it): a list is `[a b c]`, a table
`map[k:v]` with its keys sorted and, as Hugo stores params, lower-cased (but in a table
inside a list, which Hugo does not reach), `None` is `<nil>`, and a float is written as
Go's shortest `%g` (`3`, `1e+08`, `1.234567e+06`, `0.0001`, `1e-05`, `+Inf`, `NaN`).
Dates and times are printed as before (`str`): Hugo prints them differently for each
configuration format (a YAML front-matter date stays the text it was written as, a TOML
one is a Go time), which a loaded value no longer tells.
"""
from __future__ import annotations

import math
from typing import Any


def go_print(value: Any) -> str:
    """`value` as Hugo's `{{ . }}` writes it (before HTML escaping)."""
    return _print(value, lower_keys=True)


def _print(value: Any, lower_keys: bool) -> str:
    if value is None:
        return "<nil>"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, (list, tuple)):
        return "[" + " ".join(_print(item, lower_keys=False) for item in value) + "]"
    if isinstance(value, dict):
        items = {(str(key).lower() if lower_keys else str(key)): item for key, item in value.items()}
        return "map[" + " ".join(f"{key}:{_print(items[key], lower_keys)}" for key in sorted(items)) + "]"
    return str(value)


def go_float(number: float) -> str:
    """Go's `%v` of a float64: strconv's shortest digits in `%g` form, where the exponent is
    used below 1e-4 and from 1e+06 on ('if precision was the shortest possible, use
    precision 6 for this decision'), and written with at least two digits."""
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "+Inf" if number > 0 else "-Inf"
    sign = "-" if math.copysign(1.0, number) < 0 else ""
    digits, point = _shortest(abs(number))
    if not digits.strip("0"):
        return sign + "0"
    exp = point - 1
    if exp < -4 or exp >= 6:
        head, tail = digits[0], digits[1:]
        return f"{sign}{head}{'.' + tail if tail else ''}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return f"{sign}{digits[:point]}.{digits[point:]}"


def _shortest(number: float) -> tuple[str, int]:
    """The shortest decimal digits of a finite, non-negative float (no leading or trailing
    zeros) and where the decimal point goes, as strconv's decimal: the value is
    0.DIGITS x 10**point, 1234.5 -> ('12345', 4), 0.001 -> ('1', -2). repr gives the
    shortest digits that read back as the same float, as strconv's shortest mode does."""
    text = repr(number)
    mantissa, _, exponent = text.partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    point = len(whole) + int(exponent or 0) - (len(whole + fraction) - len((whole + fraction).lstrip("0")))
    return digits.rstrip("0") or "0", point
