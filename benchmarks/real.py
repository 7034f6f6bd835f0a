"""The real-content benchmark: DocDock's documentation site replicated to ~420 pages
(benchmarks/realcorpus.py), built cold by us from its own config.toml, on one core
(`--jobs 1`) and with the default workers, and by Hugo with DocDock's own theme (with
the two edits the corpus README gives for Hugo 0.111+). Figures are whole processes."""
from __future__ import annotations

import shutil
import statistics
from pathlib import Path

from .measure import MeasureError, discard, run
from .projects import REPO, executable, hugo_binary
from .realcorpus import CORPUS, write_docdock_corpus
from .report import Cell

ONE_CORE = "ours, one core (--jobs 1)"


def bench_real_corpus(root: Path, runs: int, timeout: float, log) -> tuple[list[str], Cell | None]:
    """Notes lines with the figures (min / median over `runs`), and the one-core build's
    seconds a page (each run's wall time / pages), for the targets table."""
    site = root / "docdock"
    pages = write_docdock_corpus(site)
    themes = root / "themes"
    theme = themes / "hugo-theme-docdock"
    shutil.copytree(CORPUS.parent, theme, ignore=shutil.ignore_patterns(".git", "exampleSite"))
    children = theme / "layouts/shortcodes/children.html"
    children.write_text(children.read_text().replace("{{.Inner|safeHTML}}", ""))
    (site / "layouts/shortcodes/ghcontributors.html").write_text("")  # it fetches from GitHub
    logfile = root / "real.log"
    ours = [executable("catalog"), "build", "--project", str(site), "--out", str(site / "public"), "--no-cache"]
    # as the generated corpora's hugo.toml: no taxonomy pages (we make none; DocDock's list template
    # cannot paginate them on Hugo 0.111+), feeds or sitemap
    hugo = [hugo_binary(), "--quiet", "-s", str(site), "--themesDir", str(themes), "-d", str(site / "hugo-public"),
            "--disableKinds", "taxonomy,term,rss,sitemap"]
    figures: dict[str, list[tuple[float, float]]] = {}
    for label, command, output in [(ONE_CORE, ours + ["--jobs", "1"], site / "public"),
                                   ("ours, default jobs", ours, site / "public"),
                                   ("Hugo", hugo, site / "hugo-public")]:
        for number in range(runs):
            discard(output)
            discard(site / ".catalog-cache")
            discard(site / "resources")
            try:
                measured = run(command, REPO, timeout, logfile)
            except MeasureError as exc:
                log(f"real corpus: {label} FAILED: {exc}")
                break
            figures.setdefault(label, []).append((measured.seconds, measured.cpu))
            log(f"real corpus: {label} {number + 1}: {measured.seconds:.2f} s, CPU {measured.cpu:.2f} s")
    lines = []
    one_core = figures.get(ONE_CORE)
    per_page = Cell([wall / pages for wall, _ in one_core],
                    note=f"CPU {min(cpu for _, cpu in one_core) / pages * 1000:.1f} ms, {pages} pages") \
        if one_core else None
    for label, values in figures.items():
        walls, cpus = [v[0] for v in values], [v[1] for v in values]
        lines.append(f"real-content corpus (DocDock's exampleSite x10, {pages} pages), cold build, {label}: "
                     f"{min(walls):.2f} s / {statistics.median(walls):.2f} s (min / median), "
                     f"{min(walls) / pages * 1000:.1f} ms a page; CPU {min(cpus):.2f} s, "
                     f"{min(cpus) / pages * 1000:.1f} ms a page")
    return lines, per_page
