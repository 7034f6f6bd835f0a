"""The `catalog` command: start a project, build the site, preview, check it, resolve a wagon."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


CACHE_FILE = Path(".catalog-cache") / "render.pickle"
# the content files as last parsed (content_files.SourceMemo): a build reads only files whose stat changed
SOURCES_FILE = Path(".catalog-cache") / "sources.pickle"
MARKDOWN_FILE = Path(".catalog-cache") / "markdown.pickle"
MANIFEST_FILE = Path(".catalog-cache") / "published.json"  # what the last build wrote, to write only changes


# Each command's arguments are defined by its own module, imported only when that command
# runs: `catalog build` should not pay for importing the preview server, the checker or the
# resolver (~0.1 s of a no-change rebuild's 0.4 s). The help of every command is here.
COMMANDS = {
    "new": "start a project in DIR: a small site with a page of each kind and one plugin, that builds clean",
    "build": "build content/ and plugins-index/ into public/",
    "resolve": "pick (and download) the right wagon of a plugin",
    "serve": "serve a live preview on 127.0.0.1, rebuilding on change",
    "check": "verify a built site offline: links, anchors, index schemas, wagon hashes, redirects",
    "import": "write the site.toml equivalent to a Hugo or Jekyll project's own configuration, or "
              "plugins-index/ from legacy plugins.json files",
    "release": "add, yank, deprecate a plugin release in plugins-index/, or fill in its sha256 and sizes",
    "key": "generate, rotate or export the key that signs the download index",
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = argparse.ArgumentParser(prog="catalog", description="Plugin catalog site generator and download index.")
    commands = parser.add_subparsers(dest="command", required=True)
    # the command named on the line (argparse takes the first positional as the command)
    named = next((arg for arg in argv if not arg.startswith("-")), None)
    for name, help_text in COMMANDS.items():
        command = commands.add_parser(name, help=help_text)
        if name == named:
            add_arguments(name, command)
    args = parser.parse_args(argv)
    return run(args)


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    """Define command `name`'s arguments on `parser`, importing only that command's module."""
    if name == "new":
        from .new import add_new_arguments
        add_new_arguments(parser)
    elif name == "build":
        add_build_arguments(parser)
    elif name == "resolve":
        from .plugins.resolvecmd import add_resolve_arguments
        add_resolve_arguments(parser)
    elif name == "serve":
        from .serve import add_serve_arguments  # light: watchfiles is imported only by run_serve
        add_serve_arguments(parser)
    elif name == "check":
        from .check import add_check_arguments
        add_check_arguments(parser)
    elif name == "import":
        from .importer import add_import_arguments
        add_import_arguments(parser)
    elif name == "release":
        from .plugins.release import add_release_arguments
        add_release_arguments(parser)
    elif name == "key":
        from .plugins.keycmd import add_key_arguments
        add_key_arguments(parser)


def add_build_arguments(build_cmd: argparse.ArgumentParser) -> None:
    build_cmd.add_argument("--project", type=Path, default=Path("."), help="project folder (default: .)")
    build_cmd.add_argument("--out", type=Path, default=None, help="output folder (default: PROJECT/public)")
    build_cmd.add_argument("--drafts", action="store_true", help="include pages marked draft: true")
    build_cmd.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build_cmd.add_argument("--base-url", default=None,
                           help="override site.toml's base_url, e.g. to build these sources under /latest/")
    build_cmd.add_argument("--jobs", type=int, default=None,
                           help="worker processes for rendering (default: one per core; 1 = none)")
    build_cmd.add_argument("--timings", action="store_true", help="print the time of each pipeline stage")
    build_cmd.add_argument("--no-cache", action="store_true",
                           help="render every page again instead of reusing unchanged ones from .catalog-cache/")


def run(args: argparse.Namespace) -> int:
    if args.command == "new":
        from .new import run_new
        return run_new(args)
    if args.command == "build":
        return run_build(args)
    if args.command == "serve":
        from .serve import run_serve
        return run_serve(args)
    if args.command == "check":
        from .check import run_check
        return run_check(args)
    if args.command == "import":
        from .importer import run_import
        return run_import(args)
    if args.command == "release":
        from .plugins.release import run_release
        return run_release(args)
    if args.command == "key":
        from .plugins.keycmd import run_key
        return run_key(args)
    if args.command == "resolve":
        from .plugins.resolvecmd import run_resolve
        return run_resolve(args)
    return 2


def run_build(args: argparse.Namespace) -> int:
    """Build; Ctrl-C or SIGTERM stops it (workers, staging folder, lock and all) with one line."""
    from .interrupts import Interrupted, stop_on_signals
    from .locking import build_lock
    try:
        with stop_on_signals(), build_lock(args.project):
            return _build_and_report(args)
    except Interrupted as stop:
        where = _display((args.out or args.project / "public").resolve())
        if stop.completed:  # the interrupt came as the site was being swapped in, which was let finish
            print(f"build interrupted; {where} holds the new site ({stop.completed})", file=sys.stderr)
        else:
            print(f"build interrupted; {where} left as it was", file=sys.stderr)
        return stop.exit_status


def _build_and_report(args: argparse.Namespace) -> int:
    from .build import BuildOptions, build
    from .content_files import SourceMemo
    from .markdown_memo import MarkdownMemo
    from .excerpts import SourceExcerpts
    from .render_cache import RenderCache
    cache_file = args.project / CACHE_FILE
    cache = None if args.no_cache else RenderCache.load(cache_file)
    if cache is not None:
        cache.sources = SourceMemo.load(args.project / SOURCES_FILE)
        cache.markdown = MarkdownMemo.load(args.project / MARKDOWN_FILE)
    manifest = None if args.no_cache else args.project / MANIFEST_FILE
    options = BuildOptions(drafts=args.drafts, strict=args.strict, jobs=args.jobs, base_url=args.base_url,
                           manifest=manifest)
    result = build(args.project, args.out, options, cache=cache)
    if cache is not None and cache.problem:  # the build was a cold one; the next finds a good cache
        print(f"warning: the render cache {cache_file} could not be used ({cache.problem}); every page "
              f"was rendered again", file=sys.stderr)
    if cache is not None and result.written:  # writes only the parts that changed
        try:
            cache.save(cache_file)
        except OSError as exc:  # the site is published; only the next build's head start is lost
            print(f"warning: could not save the render cache {cache_file}: {exc.strerror or exc}",
                  file=sys.stderr)
    if cache is not None and result.written and cache.markdown.changed:
        try:
            cache.markdown.save(args.project / MARKDOWN_FILE)
        except OSError as exc:
            print(f"warning: could not save the Markdown renders {args.project / MARKDOWN_FILE}: "
                  f"{exc.strerror or exc}", file=sys.stderr)
    if cache is not None and cache.sources.changed:  # parsed pages hold for any build, failed or not
        try:
            cache.sources.save(args.project / SOURCES_FILE)
        except OSError as exc:
            print(f"warning: could not save the parsed content files {args.project / SOURCES_FILE}: "
                  f"{exc.strerror or exc}", file=sys.stderr)
    report = result.report
    sources = SourceExcerpts(args.project)
    for diagnostic in report.sorted():
        print(sources.format(diagnostic), file=sys.stderr)
    errors, warnings = len(report.errors()), len(report.warnings())
    failed = report.failed(args.strict)
    where = _display(result.output)
    if failed:
        counted = f"{errors} error(s)" + (f", {warnings} warning(s) treated as errors" if args.strict and warnings
                                          else f", {warnings} warning(s)" if warnings else "")
        print(f"build failed: {counted}; {where} left as it was", file=sys.stderr)
        return 1
    if args.timings:
        print("stages: " + ", ".join(f"{name} {seconds:.2f}s" for name, seconds in result.stages.items()),
              file=sys.stderr)
        print("peak RSS after each stage: " + ", ".join(
            f"{name} {peak / 1e6:.0f} MB" for name, peak in result.peak_rss.items()), file=sys.stderr)
    signed = None  # said plainly: a preview's or a fork's index is not signed
    if (result.output / "index" / "v1" / "index.json").is_file():  # a docs-only site imports no signing code
        from .plugins.indexsignature import describe
        signed = describe(result.output)
    print(f"built {result.pages} pages ({result.rendered} rendered), {result.redirects} redirects, "
          f"{result.files} files into {where}{f' ({signed})' if signed else ''} in {result.seconds:.2f}s"
          + (f" ({warnings} warning(s))" if warnings else ""), file=sys.stderr)
    return 0


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd())) + "/"
    except ValueError:
        return str(path) + "/"


if __name__ == "__main__":
    sys.exit(main())
