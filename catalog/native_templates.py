"""Whether a theme's templates in effect are the very ones a Python stand-in was written
from (native_shortcodes.py, native_page.py): each by the sha256 of its bytes.

By digest, not by comparison with the packaged theme's files: the packaged theme edited in
place (an editable install, or this repository's own theme while it is being changed) is
then no longer the theme the stand-in writes, and its templates render as written. An edit
of one of them in the repository needs the same edit of its stand-in and the new digest
here; the stand-ins' differential tests fail until both are made.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable

TEMPLATE_SHA256 = {
    "page.html": "5e72828816e8e607bcac29c1320cb70566c62e0cd6f6942527bd461583692a80",
    "base.html": "d320dfb4569c270d84e0e9bc1f93892b1b81b22508eb8e23eef42380fcc35524",
    "partials/search.html": "59da587b216967ed0e940dc533b061e321507c6f3abe58b3ec7c434ec62d93bf",
    "partials/callout.html": "8c3015808efa7fd354716c04c5a4fa12b5cfd3a546708b185989ab14a55cb8dd",
    "partials/tabs.html": "84a7b901d54c08e956d6c923621c1e804d62e842c73dc65a5f86cf2cef3676cf",
    "shortcodes/relref.html": "a23d6bce36dfe0f5b36fabd7410a088a9f9582fae729795e355578d64f58e308",
    "shortcodes/ref.html": "15a1070c7dedcc33813df646f6195d17bf2ef35f6ad7be1ee08deffa5a0fd2f8",
    "shortcodes/param.html": "f31d84f1185db92faa4a4db374852d9b97030f4ace12c6b9d9f216e3d656e994",
    "shortcodes/note.html": "0ba40085ae184d8097436815f383ac7081a431dd7b614d33b71ea97729b50e95",
    "shortcodes/warning.html": "4b450614971a8a7dce51121efd814c8e0cad4735e7f46051dc4d13fca419a76a",
    "shortcodes/tip.html": "7fca906d9036f5403630ed134cbb303849dc9a292d6382f7a75091c8f4e59cd2",
    "shortcodes/info.html": "f7af71f06ad0113b312635b64c2d4eaa0f0ac07bec63d62f76f6d0b14074f71b",
    "shortcodes/tab.html": "9c881a883f242fa45da3c39e1152718b639f9cca6d324f42afb1ca75ba1c8dca",
    "shortcodes/tabs.html": "5aec86650d2f1905b4e47d7dde5d82b8ab9bff648cab3c04e8afaee205890cf2",
    "shortcodes/highlight.html": "4bc77cc92b33de3e5f81aa96131de93ecf83c811f15b4321c71bd251987e1c29",
}


class WrittenFrom:
    """`self(name)`: whether the template `name` in effect (`template_file(name)`: its file,
    None when there is none) has the bytes of TEMPLATE_SHA256; each file read once."""

    def __init__(self, template_file: Callable[[str], str | None]) -> None:
        self.template_file = template_file
        self.known: dict[str, bool] = {}

    def __call__(self, name: str) -> bool:
        if name not in self.known:
            used = self.template_file(name)
            try:
                self.known[name] = used is not None and \
                    hashlib.sha256(Path(used).read_bytes()).hexdigest() == TEMPLATE_SHA256[name]
            except OSError:
                self.known[name] = False  # unreadable now: the template renders it, and reports what goes wrong
        return self.known[name]
