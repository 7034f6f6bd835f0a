"""The benchmark's output: the machine it ran on, the results table (markdown, peers side
by side with ratios) and BENCHMARKS.md, which is regenerated whole by every run."""
from __future__ import annotations

import os
import platform
import statistics
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

NOTES = Path(__file__).resolve().parent / "NOTES.md"


@dataclass
class Cell:
    """One tool's figure at one size: the runs' values, or why there are none."""

    values: list[float] = field(default_factory=list)
    unit: str = "s"  # "s", "B" (bytes) or "B+files" (values: [bytes, files])
    note: str = ""  # shown instead of, or after, the values

    @property
    def ok(self) -> bool:
        return bool(self.values)

    def low(self) -> float:
        return min(self.values)

    def mid(self) -> float:
        return statistics.median(self.values)


FIGURES = [
    ("cold", "cold full build"),
    ("nochange", "rebuild, no change"),
    ("page", "rebuild after editing one page"),
    ("layout", "rebuild after editing the page template"),
    ("shortcode", "rebuild after editing a shortcode template (note)"),
    ("reload", "preview edit-to-reload (Hugo: default fast render)"),
    ("reload_full", "preview edit-to-reload (Hugo: --disableFastRender)"),
    ("startup", "preview start: first page served"),
    ("rss", "peak RSS, cold build (largest process, ru_maxrss)"),
    ("rss_tree", "peak memory, cold build (process group PSS sum, sampled)"),
    ("rss_serve", "peak RSS, preview server (largest process)"),
    ("output", "output size"),
]
TOOLS = [("ours", "ours"), ("hugo", "Hugo"), ("mkdocs", "MkDocs")]


def seconds(value: float) -> str:
    if value < 1:
        return f"{value * 1000:.0f} ms"
    if value < 100:
        return f"{value:.2f} s"
    return f"{value:.0f} s"


def size(value: float) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if value >= scale:
            return f"{value / scale:.1f} {unit}"
    return f"{value:.0f} B"


def show(cell: Cell | None) -> str:
    if cell is None:
        return "—"
    if not cell.ok:
        return cell.note or "—"
    if cell.unit == "B+files":
        text = f"{size(cell.values[0])} ({int(cell.values[1])} files)"
    else:
        fmt = seconds if cell.unit == "s" else size
        text = fmt(cell.low()) if len(cell.values) == 1 else f"{fmt(cell.low())} / {fmt(cell.mid())}"
    return text + (f" ({cell.note})" if cell.note else "")


def ratio(ours: Cell | None, peer: Cell | None) -> str:
    """ours / peer, of the minimums (the least disturbed run)."""
    if ours is None or peer is None or not ours.ok or not peer.ok:
        return "—"
    a, b = ours.values[0] if ours.unit == "B+files" else ours.low(), \
        peer.values[0] if peer.unit == "B+files" else peer.low()
    return f"{a / b:.2f}x" if b else "—"


def results_table(results: dict[tuple[str, int, str], Cell], sizes: list[int]) -> str:
    """Rows: each figure at each size; columns: ours, Hugo, ratio, MkDocs, ratio."""
    lines = ["| figure | pages | ours: min / median | Hugo: min / median | ours/Hugo | MkDocs: min / median | ours/MkDocs |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for key, label in FIGURES:
        for pages in sizes:
            cells = {tool: results.get((key, pages, tool)) for tool, _ in TOOLS}
            if all(cell is None for cell in cells.values()):
                continue
            lines.append(f"| {label} | {pages:,} | {show(cells['ours'])} | {show(cells['hugo'])} | "
                         f"{ratio(cells['ours'], cells['hugo'])} | {show(cells['mkdocs'])} | "
                         f"{ratio(cells['ours'], cells['mkdocs'])} |")
    return "\n".join(lines)


def targets_table(results: dict[tuple[str, int, str], Cell], sizes: list[int]) -> str:
    """The issue's targets, each with the measured figure and whether it is met. They are
    set at 5,000 pages (memory at 20,000); a run without that size checks its largest."""
    if not sizes:
        return ""
    at = 5000 if 5000 in sizes else max(sizes)
    big = 20000 if 20000 in sizes else max(sizes)

    def cell(key: str, pages: int, tool: str = "ours") -> Cell | None:
        found = results.get((key, pages, tool))
        return found if found is not None and found.ok else None

    rows: list[tuple[str, str, bool | None]] = []

    def versus(label: str, ours: Cell | None, peer: Cell | None, bound: float) -> None:
        if ours is None or peer is None:
            rows.append((label, "not measured", None))
            return
        value = ours.low() / peer.low()
        rows.append((label, f"{seconds(ours.low())} vs {seconds(peer.low())}: {value:.2f}x", value <= bound))

    hugo_cold = cell("cold", at, "hugo")
    versus(f"cold full build no slower than 1.5x Hugo's ({at:,} pages)", cell("cold", at), hugo_cold, 1.5)
    versus(f"rebuild with no change faster than Hugo's full build ({at:,})", cell("nochange", at), hugo_cold, 1.0)
    versus(f"rebuild after a one-page edit faster than Hugo's full build ({at:,})", cell("page", at), hugo_cold, 1.0)
    versus(f"cold build at least 5x faster than MkDocs's ({at:,})", cell("cold", at), cell("cold", at, "mkdocs"), 0.2)
    reload = cell("reload", at)
    rows.append((f"preview edit-to-reload under 200 ms ({at:,}), median",
                 f"{seconds(reload.mid())} (min {seconds(reload.low())})" if reload else "not measured",
                 reload.mid() < 0.2 if reload else None))
    # issue 20
    versus(f"cold full build at most 0.5x Hugo's ({at:,} pages)", cell("cold", at), hugo_cold, 0.5)
    small = min(sizes, key=lambda pages: abs(pages - 500))
    nochange = cell("nochange", small)
    rows.append((f"rebuild with no change at most 0.3 s, whole process ({small:,} pages)",
                 seconds(nochange.low()) if nochange else "not measured",
                 nochange.low() <= 0.3 if nochange else None))
    cold = cell("cold", at)
    for key, what in (("layout", "page template"), ("shortcode", "shortcode template every page uses")):
        edit = cell(key, at)
        rows.append((f"rebuild after editing the {what} at most a cold build ({at:,} pages)",
                     f"{seconds(edit.low())} vs cold {seconds(cold.low())}: {edit.low() / cold.low():.2f}x"
                     if edit and cold else "not measured", edit.low() <= cold.low() if edit and cold else None))
    real = cell("real_page", 0)
    if real is not None or ("real_page", 0, "ours") in results:
        rows.append(("real-content corpus: cold build at most 5 ms a page on one core (whole process, wall)",
                     f"{real.low() * 1000:.1f} ms a page ({real.note})" if real else "not measured",
                     real.low() <= 0.005 if real else None))
    start, hugo_start = cell("startup", at), cell("startup", at, "hugo")
    rows.append((f"preview: the page asked for served within 2 s of the start ({at:,} pages)",
                 f"{seconds(start.low())}" + (f" (Hugo: {seconds(hugo_start.low())})" if hugo_start else "")
                 if start else "not measured", start.low() <= 2.0 if start else None))
    for key, what in (("rss", "largest process"), ("rss_tree", "process group")):
        memory = cell(key, big)
        rows.append((f"peak memory of a cold build under 500 MB ({big:,} pages, {what})",
                     size(memory.low()) if memory else "not measured", memory.low() < 500e6 if memory else None))
    # linear: the cost of a page must not grow with the site (a quadratic step would show here)
    per_page = [(pages, found.low() / pages) for pages in sorted(sizes) if (found := cell("cold", pages))]
    if len(per_page) >= 2:
        growth = per_page[-1][1] / min(cost for pages, cost in per_page if pages >= 5000 or pages == per_page[-1][0])
        rows.append(("cold build cost per page does not grow with the site (largest vs 5,000+ pages; "
                     "within 1.3x)",
                     ", ".join(f"{pages:,}: {cost * 1000:.2f} ms" for pages, cost in per_page), growth <= 1.3))
    lines = ["| target | measured (ours vs peer: min) | met |", "|---|---|---|"]
    lines += [f"| {label} | {value} | {'—' if met is None else 'yes' if met else 'no'} |" for label, value, met in rows]
    return "\n".join(lines)


TARGETS = {"cold": 5.0, "nochange": 0.5}


def catalog_table(results: dict[str, tuple[Cell, Cell]], shape: str) -> str:
    lines = [f"| catalog index, {shape} | whole `catalog build`: min / median | index stage "
             "(`build_plugin_outputs`): min / median | target | met: whole build / index stage |",
             "|---|---:|---:|---:|---|"]
    labels = {"cold": "cold (`--no-cache`, empty output)", "nochange": "rebuild, no change",
              "release": "rebuild after adding one release"}
    for key, label in labels.items():
        if key not in results:
            continue
        whole, stage = results[key]
        target = TARGETS.get(key)
        met = "—" if target is None else " / ".join(
            "—" if not cell.ok else ("yes" if cell.low() < target else "no") for cell in (whole, stage))
        lines.append(f"| {label} | {show(whole)} | {show(stage)} | "
                     f"{'< ' + seconds(target) if target else '—'} | {met} |")
    return "\n".join(lines)


def machine(versions: dict[str, str]) -> list[str]:
    """Lines describing this machine and the tools' versions."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    return [f"- CPU: {cpu}, {os.cpu_count()} logical cores ({usable} usable by this process)",
            f"- RAM: {ram}",
            f"- OS: {platform.platform()}",
            f"- Python: {platform.python_version()} ({platform.python_implementation()})",
            *[f"- {name}: {version}" for name, version in versions.items()],
            f"- load average (1/5/15 min) when the run started: {load}",
            f"- date: {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}"]


METHOD = """\
- Each size's corpus is generated once (`benchmarks/corpus.py`: nested sections, front matter
  with weights and aliases, `relref`/`ref` links with anchors, `param`, `highlight` blocks,
  tables, `note`/`warning` callouts, `tabs`) and copied into three projects: ours (`site.toml`,
  `themes/default` linked from the repository), Hugo (`hugo.toml` and the minimal theme in
  `benchmarks/peers/hugo/layouts/`: sidebar of all sections, breadcrumbs, table of contents,
  the shortcodes as Hugo templates) and MkDocs (`mkdocs.yml`, default `mkdocs` theme, not
  strict). **MkDocs gets the same Markdown with the shortcodes left as text.**
- Every command runs in the benchmark's environment less `PYTHONDONTWRITEBYTECODE`: as
  installed, a Python tool (ours, MkDocs) has its modules compiled, and with the variable set
  every run would compile them again (80 ms of ours), which no user's build pays.
- Every figure is a whole process, timed from spawn to exit; cells show min / median over
  the runs (one value when there was one run); ratios are ours / peer of the minimums, so
  below 1.00x means ours is faster or smaller.
- Cold: output folder and caches removed (ours: `catalog build --no-cache`, `.catalog-cache/`
  removed; Hugo: `public/`, `resources/` and its cache dir removed). Removed means moved into
  a trash folder emptied when the run ends: on ext4 without a journal (this VM's disk) the
  kernel skips every inode freed in the last minute when it creates a file, so a build right
  after a mass deletion pays seconds for what was deleted, whichever tool it is. No change: ours with its
  render cache warm; Hugo (`hugo --quiet`) and MkDocs have no persistent cache, so theirs is
  another full build. One page: a line appended to one page, then a build. Page template:
  ours edits the project's `layouts/page.html` (a copy of the theme's), Hugo
  `layouts/_default/single.html`; shortcode template: `layouts/shortcodes/note.html` in both,
  with the page template as created (each template is put back after its runs);
  MkDocs has no project templates (n/a). Every edit is checked in the built page.
- Preview edit-to-reload: the server (`catalog serve`, `hugo server`, `mkdocs serve`) runs on a
  free port of 127.0.0.1; after its first build a line with a new token is appended to one
  page, and the page URL is polled every 10 ms until a response contains the token: the
  figure is the time from the write to that response. Hugo is measured twice, with its
  default fast render (it re-renders pages a client has visited; the poller is that client)
  and with `--disableFastRender`.
- Peak memory: `ru_maxrss` from `os.wait4` is the peak RSS of the largest single process of
  the tree; the group figure is the sum of PSS (`/proc/PID/smaps_rollup`) over every process
  of the command's process group, sampled every 100 ms: it counts a process pool's workers
  together without counting the pages they share with their parent twice. Sampling can miss
  a short peak.
- Output size: apparent bytes of the files in the output folder (as `du -sb`), and the count."""


def document(command: str, machine_lines: list[str], table: str, catalog: str, notes: list[str],
             targets: str = "") -> str:
    parts = ["# Benchmarks", "",
             f"Generated by `{command}`; run it again to regenerate this file "
             "(hand-written findings come from `benchmarks/NOTES.md`).", "",
             "## Machine", "", *machine_lines, "", "## Method", "", METHOD, ""]
    if targets:
        parts += ["## Targets", "", targets, ""]
    if table:
        parts += ["## Results", "", table, ""]
    if catalog:
        parts += ["## Catalog index", "", catalog, ""]
    if notes:
        parts += ["## Notes from this run", "", *[f"- {note}" for note in notes], ""]
    if NOTES.is_file():
        parts += [NOTES.read_text().rstrip(), ""]
    return "\n".join(parts)
