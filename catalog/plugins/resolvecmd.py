"""`catalog resolve`: its arguments, and what it prints (the choice and why, or every release
with the rules that excluded it; JSON with --json); Ctrl-C or SIGTERM stops it cleanly.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from ..diagnostics import EscapingWriter
from ..interrupts import Interrupted, stop_on_signals
from .resolver import NothingFits, Resolution, download, resolve
from .transfer import Deadline, ResolveError
from .trust import Trust, TrustError

DEADLINE = 600.0  # seconds `catalog resolve` may take in all (reading the index, downloading); --deadline


def add_resolve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = ("Choose the wagon of PLUGIN for a manager (newest release that fits the version, the "
                          "manager version and the platform), print the choice and why, optionally download it "
                          "verified. Exit status: 0 chosen, 1 nothing fits, 2 index or download problem.")
    parser.add_argument("plugin", metavar="PLUGIN", help="plugin name, e.g. cloudify-aws-plugin")
    parser.add_argument("--version", dest="version_spec", metavar="SPEC",
                        help="PEP 440 specifier (e.g. '>=3.0,<4'); a bare version means ===")
    parser.add_argument("--manager-version", required=True, metavar="V", help="Cloudify manager version, e.g. 6.4.0")
    parser.add_argument("--distribution", required=True, metavar="D", help="manager OS distribution, e.g. centos")
    parser.add_argument("--release", required=True, metavar="R", help="distribution release, e.g. core, ootpa")
    parser.add_argument("--arch", required=True, metavar="A", help="architecture, e.g. x86_64, aarch64")
    parser.add_argument("--python", dest="python_tag", required=True, metavar="TAG", help="python tag, e.g. py36")
    parser.add_argument("--index", default=os.environ.get("CATALOG_INDEX"), metavar="URL-or-path",
                        help="index URL, site folder or index.json (default: $CATALOG_INDEX)")
    parser.add_argument("--download", metavar="DIR", type=Path, help="download the wagon and yaml files into DIR")
    parser.add_argument("--deadline", type=_seconds, default=DEADLINE, metavar="SECONDS",
                        help=f"give up when reading the index and downloading take longer than this in all "
                             f"(default: {DEADLINE:g})")
    parser.add_argument("--json", action="store_true", help="print the choice as JSON")
    parser.add_argument("--trust", action="append", type=Path, default=[], metavar="FILE.pub",
                        help="verify the index's signature, version and expiry with this pinned public key "
                             "before trusting it (repeatable)")
    parser.add_argument("--state", type=Path, default=None, metavar="DIR",
                        help="where the index versions seen are kept, to refuse older ones "
                             "(default: $CATALOG_TRUST_STATE, else $XDG_STATE_HOME/catalog/trust)")


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not seconds > 0 or seconds == float("inf"):
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds above 0")
    return seconds


def run_resolve(args: argparse.Namespace) -> int:
    """Resolve (and download); Ctrl-C or SIGTERM stops it with one line, leaving no partial file."""
    try:
        with stop_on_signals():
            return _resolve_and_report(args)
    except Interrupted as stop:
        print("resolve interrupted; nothing was downloaded" if args.download else "resolve interrupted",
              file=sys.stderr)
        return stop.exit_status


def _resolve_and_report(args: argparse.Namespace) -> int:
    # what is printed quotes the index (yanked reasons, URLs, names): its escape sequences are not obeyed
    out, err = EscapingWriter(sys.stdout), EscapingWriter(sys.stderr)
    if not args.index:
        print("error: no index given: pass --index URL-or-path or set CATALOG_INDEX", file=err)
        return 2
    deadline = Deadline(args.deadline)
    try:
        trust = Trust.from_files(args.trust, args.state) if args.trust else None
    except TrustError as exc:
        print(f"error: {exc}", file=err)
        return 2
    try:
        resolution = resolve(args.plugin, version_spec=args.version_spec, manager_version=args.manager_version,
                             distribution=args.distribution, release=args.release, arch=args.arch,
                             python_tag=args.python_tag, index=args.index, deadline=deadline, trust=trust)
    except NothingFits as exc:
        print(f"error: {exc}:", file=err)
        for exclusion in exc.excluded:
            print(f"  {exclusion.format()}", file=err)
        return 1
    except ResolveError as exc:
        print(f"error: {exc}", file=err)
        return 2
    for warning in resolution.warnings:
        print(f"warning: {warning}", file=err)
    if resolution.signature is not None:
        signature = resolution.signature
        print(f"index signature verified: version {signature.version}, signed {signature.signed}, expires "
              f"{signature.expires}, key {', '.join(k[:16] for k in signature.signed_by)}", file=err)
    files: list[Path] = []
    if args.download:
        try:
            files = download(resolution, args.download, deadline)
        except ResolveError as exc:
            print(f"error: {exc}", file=err)
            return 2
    if args.json:
        document = resolution.as_dict()
        if args.download:
            document["downloaded"] = [str(p) for p in files]
        print(json.dumps(document, indent=2, sort_keys=True), file=out)
        return 0
    print(format_resolution(resolution), file=out)
    for path in files:
        print(f"downloaded {path} (sha256 and size verified)", file=out)
    return 0


def format_resolution(resolution: Resolution) -> str:
    wagon = resolution.wagon
    lines = [f"{resolution.plugin} {resolution.version}",
             f"  wagon:  {wagon.filename}",
             f"  url:    {wagon.url}",
             f"  sha256: {wagon.sha256 or 'unknown: the index marks this wagon unverified'}",
             f"  size:   {wagon.size} bytes" if wagon.size is not None else "  size:   unknown"]
    lines += [f"  yaml:   {y.dsl_version} {y.url}" for y in resolution.yaml_files]
    lines.append("why:")
    lines += [f"  - {reason}" for reason in resolution.reasons]
    if resolution.skipped:
        lines.append("newer releases skipped:")
        lines += [f"  - {exclusion.format()}" for exclusion in resolution.skipped]
    return "\n".join(lines)
