"""`catalog key generate|rotate|export`: the keys that sign the download index."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .keyfolders import export, generate, load_folder, rotate
from .signing import KEY_DATA_ENV, KEY_ENV, PUBLIC_FILE, SigningError, keyid


def add_key_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = ("Keys that sign the download index. Keep DIR outside the repository: it holds the "
                          f"private key. Clients pin DIR/{PUBLIC_FILE}.")
    actions = parser.add_subparsers(dest="key_command", required=True)
    gen = actions.add_parser("generate", help=f"write a new key into DIR (private key, {PUBLIC_FILE}, keys.json)")
    gen.add_argument("dir", type=Path, metavar="DIR")
    rot = actions.add_parser("rotate", help="write a new key into NEW_DIR, announced in keys.json with a "
                                            "signature by the key in OLD_DIR")
    rot.add_argument("old", type=Path, metavar="OLD_DIR")
    rot.add_argument("new", type=Path, metavar="NEW_DIR")
    rot.add_argument("--revoke", action="store_true",
                     help="the old key is compromised: clients refuse anything it signs from now on")
    rot.add_argument("--with", dest="also", action="append", type=Path, default=[], metavar="DIR",
                     help="another holder's key folder that joins the new key set (repeatable); also the other "
                          "keys of the current set when its threshold is above 1")
    rot.add_argument("--threshold", type=int, default=1, metavar="N",
                     help="signatures the new key set needs (default 1)")
    exp = actions.add_parser("export", help=f"print the folders as one base64 line for ${KEY_DATA_ENV} "
                                            "(e.g. on Netlify)")
    exp.add_argument("dirs", type=Path, nargs="+", metavar="DIR")


def run_key(args: argparse.Namespace) -> int:
    try:
        if args.key_command == "export":
            print(export(*args.dirs))
            return 0
        if args.key_command == "generate":
            written = generate(args.dir)
        else:
            written = rotate(args.old, args.new, revoke=args.revoke, also=tuple(args.also), threshold=args.threshold)
    except SigningError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot write the key: {exc.strerror or exc} ({exc.filename})", file=sys.stderr)
        return 2
    folder = load_folder(written[0].parent)
    latest = folder.latest()
    print(f"wrote key {keyid(folder.public)[:16]} (keys.json version {latest['version']}):")
    for path in written:
        print(f"  {path}")
    folders = os.pathsep.join(str(p) for p in [written[0].parent, *getattr(args, "also", [])])
    print(f"sign builds with {KEY_ENV}={folders} catalog build; clients pin {written[1]}")
    if args.key_command == "rotate":
        if args.also:
            print(f"the new key set has {len(latest['keys'])} keys and needs {latest['threshold']} signature(s); "
                  "keys.json updated in " + ", ".join(str(p) for p in args.also))
        print(f"the old key {'is revoked' if args.revoke else 'is retired'}: build with the new folder from now on")
    return 0
