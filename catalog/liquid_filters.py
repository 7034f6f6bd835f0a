"""Jekyll's own Liquid filters (Jekyll::Filters and Jekyll::Filters::URLFilters), for python-liquid.

python-liquid brings Shopify's standard filters (upcase, default, size, date, escape, ...);
these are the ones Jekyll adds on top, written after Jekyll 4's lib/jekyll/filters.rb and
filters/url_filters.rb. `relative_url` and `absolute_url` follow the site's base path and
origin as every other URL of the build does."""
from __future__ import annotations

import datetime
import html
import json
import re
import urllib.parse
from typing import Any, Callable

from liquid.undefined import Undefined

_SLUG_MODES = {
    # what each mode of Jekyll's Utils#slugify replaces by '-'
    "raw": re.compile(r"\s+"),
    "default": re.compile(r"[^\w]+|_+"),
    "pretty": re.compile(r"[^\w._~!$&'()+,;=@]+"),
    "ascii": re.compile(r"[^a-zA-Z0-9]+"),
    "latin": re.compile(r"[^a-zA-Z0-9]+"),
}


def _text(value: Any) -> str:
    if value is None or isinstance(value, Undefined):
        return ""
    return str(value)


def _date(value: Any) -> datetime.datetime | None:
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, datetime.date):
        return datetime.datetime(value.year, value.month, value.day)
    if isinstance(value, str) and value.strip():
        try:
            return datetime.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def _date_filter(fmt: str) -> Callable[[Any], Any]:
    def apply(value: Any) -> Any:
        date = _date(value)
        return date.strftime(fmt) if date else value
    return apply


def _xmlschema(value: Any) -> Any:
    date = _date(value)
    if date is None:
        return value
    if date.tzinfo is None:  # Jekyll reads a date without a zone in the site's zone; UTC here
        date = date.replace(tzinfo=datetime.timezone.utc)
    return date.isoformat()


def _rfc822(value: Any) -> Any:
    date = _date(value)
    if date is None:
        return value
    if date.tzinfo is None:
        date = date.replace(tzinfo=datetime.timezone.utc)
    return date.strftime("%a, %d %b %Y %H:%M:%S %z")


def slugify(value: Any, mode: Any = "default") -> str:
    """Jekyll's Utils#slugify: lower-cased, runs of the mode's other characters made one '-'."""
    text = _text(value)
    mode = _text(mode) or "default"
    if mode == "none":
        return text
    if mode == "latin":
        import unicodedata
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    pattern = _SLUG_MODES.get(mode, _SLUG_MODES["default"])
    return pattern.sub("-", text).strip("-").lower()


def _jsonable(value: Any) -> Any:
    if isinstance(value, Undefined) or value is None:
        return None
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return _xmlschema(value)
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def jsonify(value: Any) -> str:
    # Ruby's to_json: compact separators, non-ASCII kept as it is
    return json.dumps(_jsonable(value), separators=(",", ":"), ensure_ascii=False)


def _inspect(value: Any) -> str:
    return html.escape(json.dumps(_jsonable(value), ensure_ascii=False), quote=False)


def array_to_sentence_string(value: Any, connector: Any = "and") -> str:
    items = [_text(item) for item in (value if isinstance(value, (list, tuple)) else [value])]
    connector = _text(connector)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    if len(items) == 2:
        return f"{items[0]} {connector} {items[1]}"
    return f"{', '.join(items[:-1])}, {connector} {items[-1]}"


def _item(obj: Any, key: str) -> Any:
    if isinstance(obj, dict):
        return obj.get(key)
    return getattr(obj, key, None)


def where(value: Any, key: Any, wanted: Any) -> list[Any]:
    """Jekyll's where: items whose property, compared as a string, equals the value (or a
    list property holding it)."""
    want = _text(wanted)
    found = []
    for item in value if isinstance(value, (list, tuple)) else list((value or {}).values()) \
            if isinstance(value, dict) else []:
        prop = _item(item, _text(key))
        if isinstance(prop, (list, tuple)) and want in [_text(p) for p in prop] or _text(prop) == want:
            found.append(item)
    return found


def group_by(value: Any, key: Any) -> list[dict[str, Any]]:
    groups: dict[str, list[Any]] = {}
    for item in value if isinstance(value, (list, tuple)) else []:
        groups.setdefault(_text(_item(item, _text(key))), []).append(item)
    return [{"name": name, "items": items, "size": len(items)} for name, items in groups.items()]


def _push(value: Any, item: Any) -> list[Any]:
    return [*(value if isinstance(value, (list, tuple)) else []), item]


def _unshift(value: Any, item: Any) -> list[Any]:
    return [item, *(value if isinstance(value, (list, tuple)) else [])]


def _pop(value: Any, count: Any = 1) -> list[Any]:
    items = list(value) if isinstance(value, (list, tuple)) else []
    return items[:max(len(items) - int(count), 0)]


def _shift(value: Any, count: Any = 1) -> list[Any]:
    items = list(value) if isinstance(value, (list, tuple)) else []
    return items[int(count):]


def _to_integer(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    try:
        return int(float(_text(value) or 0))
    except ValueError:
        return 0


def jekyll_filters(base_path: str, origin: str, markdownify: Callable[[str], str]) -> dict[str, Callable[..., Any]]:
    """The filters Jekyll adds, for a site served under `base_path` at `origin`."""

    def relative_url(value: Any) -> str:
        text = _text(value)
        if re.match(r"^[a-z][a-z0-9+.-]*:", text, re.I) or text.startswith("//"):
            return text  # Jekyll leaves an absolute URL as it is
        path = "/" + text.lstrip("/")
        if base_path != "/" and (path + "/").startswith(base_path) and text.startswith(base_path):
            return path
        return base_path.rstrip("/") + path if text else base_path

    def absolute_url(value: Any) -> str:
        text = _text(value)
        if re.match(r"^[a-z][a-z0-9+.-]*:", text, re.I):
            return text
        return origin + relative_url(text)

    return {
        "relative_url": relative_url,
        "absolute_url": absolute_url,
        "date_to_xmlschema": _xmlschema,
        "date_to_rfc822": _rfc822,
        "date_to_string": _date_filter("%d %b %Y"),
        "date_to_long_string": _date_filter("%d %B %Y"),
        "xml_escape": lambda value: html.escape(_text(value)),
        "cgi_escape": lambda value: urllib.parse.quote_plus(_text(value)),
        "uri_escape": lambda value: urllib.parse.quote(_text(value), safe="!#$&'()*+,/:;=?@[]~"),
        "number_of_words": lambda value, mode=None: len(_text(value).split()),
        "array_to_sentence_string": array_to_sentence_string,
        "markdownify": lambda value: markdownify(_text(value)),
        "slugify": slugify,
        "jsonify": jsonify,
        "inspect": _inspect,
        "normalize_whitespace": lambda value: re.sub(r"\s+", " ", _text(value)).strip(),
        "where": where,
        "group_by": group_by,
        "push": _push,
        "pop": _pop,
        "shift": _shift,
        "unshift": _unshift,
        "to_integer": _to_integer,
    }
