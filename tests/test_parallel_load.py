"""A cold build's workers read and parse the content files (SourceMemo.pages): the site
they give is the one a serial load gives, page for page, with the same diagnostics in the
same order and the same memo (which the next build's no-change check reads)."""
from __future__ import annotations

import dataclasses
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from catalog import content_files as content_files_module
from catalog.build import build
from catalog.config import load_config
from catalog.content_files import SourceMemo, content_files
from catalog.diagnostics import Report
from catalog.page_tree import load_site
from catalog.parallel import MIN_PARALLEL, Workers

PAGES = 3 * MIN_PARALLEL  # enough files for both workers to get several chunks


def _write_site(root: Path, language: str = "") -> None:
    """Sections of pages with every kind of front matter, and files that fail to load
    spread over the list (so over the workers' chunks)."""
    config = 'title = "Load"\nbase_url = "https://x.org/"\n'
    if language:
        config += f'content_language = "{language}"\n'
    (root / "site.toml").write_text(config)
    content = root / "content"
    titles = ["Install", "install", "Ärger", "Zeta", "éclair", "10 steps", "9 steps", "_private", "Ωmega", "ß"]
    for index in range(PAGES):
        folder = content / f"section-{index % 5}" / (f"topic-{index % 3}" if index % 2 else "")
        folder.mkdir(parents=True, exist_ok=True)
        name = f"page-{index:03}.md"
        title = titles[index % len(titles)]
        kind = index % 17
        if kind == 0:
            text = f'+++\ntitle = "{title} {index}"\nweight = {index % 4}\n+++\nTOML page.\n'
        elif kind == 1:
            text = f"---\ntitle: {title}\nweight: [not, a, number]\n---\nwrong type\n"
        elif kind == 2:
            text = f"---\ntitle: {title}\nbroken: [unclosed\n---\nbody\n"
        elif kind == 3:
            (folder / name).write_bytes(b"---\ntitle: bad bytes\n---\n\xff\xfe body\n")
            continue
        elif kind == 4:
            text = f"---\ntitle: {title} draft\ndraft: true\n---\na draft\n"
        elif kind == 5:
            text = f"---\ntitle: never closed\n\nbody {index}\n"
        elif kind == 6:
            os.symlink(folder / "nowhere.md", folder / name)  # dangling: unreadable
            continue
        elif kind == 7:
            text = f"---\nTitle: {title}\nDate: 2023-0{1 + index % 9}-1{index % 10}\nlinkTitle: L{index % 7}\n---\nbody\n"
        elif kind == 8:
            text = f"---\ntitle: {title}\npublishdate: 2021-05-0{1 + index % 9}T10:00:00Z\nweight: 0\n---\n\r\nCRLF\r\n"
        elif kind == 9 and language:
            (folder / f"twin-{index}.md").write_text(f"---\ntitle: twin {index}\n---\nplain\n")
            text = f"---\ntitle: twin {index} {language}\n---\nlanguage\n"
            name = f"twin-{index}.{language}.md"
        else:
            text = f"---\ntitle: \"{title} {index}\"\nweight: {index % 3}\naliases: [/old/{index}/]\n---\n# Body {index}\n"
        (folder / name).write_text(text)
    (content / "_index.md").write_text("---\ntitle: Home\n---\nhome\n")
    (content / "section-1" / "_index.md").write_text("---\ntitle: One\nweight: 2\n---\n")


def _load(root: Path, workers: Workers | None, drafts: bool = False) -> tuple[object, Report, SourceMemo]:
    report = Report()
    config = load_config(root, report)
    assert config is not None
    memo = SourceMemo()
    site = load_site(root, config, report, drafts=drafts, memo=memo, files=content_files(root, config),
                     workers=workers)
    return site, report, memo


def _shape(site) -> list[tuple]:
    """Each page as the site holds it: its fields, its parent and children by path."""
    rows = []
    for page in site.pages:
        fields = {key: value for key, value in vars(page).items() if key not in ("parent", "children")}
        rows.append((fields, page.parent.rel if page.parent else None, [child.rel for child in page.children]))
    return rows


def _differences(got: dict, wanted: dict) -> list[tuple]:
    """The memo records' fields that differ, by path (an assertion's diff would elide them)."""
    found: list[tuple] = [("paths", sorted(set(got) ^ set(wanted)))] if set(got) != set(wanted) else []
    for path in set(got) & set(wanted):
        for name, value in vars(wanted[path]).items():
            other = getattr(got[path], name)
            if name == "page" and value is not None and other is not None:
                found += [(path, key, item, vars(other)[key]) for key, item in vars(value).items()
                          if vars(other)[key] != item]
            elif other != value:
                found.append((path, name, value, other))
    return found


def _records(memo: SourceMemo) -> dict:
    # `trusted` depends on the clock (a file written within 2 s is read again next time)
    return {path: dataclasses.replace(record, trusted=False) for path, record in memo.files.items()}


@pytest.mark.parametrize("language,drafts", [("", False), ("en", True)], ids=["plain", "language-drafts"])
def test_a_parallel_load_gives_the_serial_site_diagnostics_and_memo(tmp_path, language, drafts):
    _write_site(tmp_path, language)
    serial, serial_report, serial_memo = _load(tmp_path, None, drafts)
    with Workers(2) as workers:
        workers.start()
        parallel, parallel_report, parallel_memo = _load(tmp_path, workers, drafts)
        assert workers._pool is not None  # the started workers were used, and are kept for rendering
    messages = [d.format() for d in serial_report.items]
    codes = {d.code for d in serial_report.items}
    assert {"front-matter-type", "encoding", "file-unreadable", "front-matter-unclosed"} <= codes, messages
    assert [d.format() for d in parallel_report.items] == messages  # same text, lines, order
    assert parallel_report.items == serial_report.items
    assert [page.rel for page in parallel.pages] == [page.rel for page in serial.pages]
    assert len(serial.pages) > PAGES // 2
    assert _shape(parallel) == _shape(serial)
    assert parallel.unpublished == serial.unpublished and parallel.language == serial.language
    assert _differences(_records(parallel_memo), _records(serial_memo)) == []
    assert list(parallel_memo.files) == list(serial_memo.files)


def test_a_memo_with_records_sends_only_the_files_it_lacks(tmp_path):
    """A memo from an earlier build (the CLI's sources.pickle) keeps its records; the
    workers read only the new files, and the site is the serial one."""
    _write_site(tmp_path)
    report = Report()
    config = load_config(tmp_path, report)
    files = content_files(tmp_path, config)
    memo = SourceMemo()
    load_site(tmp_path, config, Report(), memo=memo, files=files[: len(files) // 3])
    # records the stat may vouch for (files older than SourceMemo.RACY_NS): not read again
    kept = {path: dataclasses.replace(record, trusted=True) for path, record in memo.files.items()}
    memo.files = dict(kept)
    with Workers(2) as workers:
        workers.start()
        site = load_site(tmp_path, config, report, memo=memo, files=files, workers=workers)
    serial, serial_report, serial_memo = _load(tmp_path, None)
    assert [d.format() for d in report.items] == [d.format() for d in serial_report.items]
    assert _shape(site) == _shape(serial)
    assert _differences(_records(memo), _records(serial_memo)) == []
    assert set(kept) < set(memo.files)
    assert all(memo.files[path] is record for path, record in kept.items())


def test_cold_builds_with_one_and_two_jobs_give_the_same_output_and_diagnostics(tmp_path):
    _write_site(tmp_path)
    serial = build(tmp_path, out=tmp_path / "serial", jobs=1)
    parallel = build(tmp_path, out=tmp_path / "parallel", jobs=2)
    assert [d.format() for d in parallel.report.items] == [d.format() for d in serial.report.items]
    assert any(d.code == "encoding" for d in serial.report.items)
    assert parallel.outputs == serial.outputs


def _reads_for_ever(files: list, batch: range) -> list:
    """A worker's task that never ends (a file system that hangs), until the worker is stopped."""
    time.sleep(600)
    return []


def test_an_interrupt_during_a_parallel_load_stops_it_and_its_workers(tmp_path, monkeypatch):
    """As in the pages stage: the interrupt reaches this process, which stops the workers
    (parallel.py); none is left running."""
    _write_site(tmp_path)
    monkeypatch.setattr(content_files_module, "read_sources", _reads_for_ever)
    workers = Workers(2)
    workers.start()
    pids = [process.pid for process in workers._pool._pool]
    timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT))
    started = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt), workers:
        _load(tmp_path, workers)
    assert time.monotonic() - started < 30
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in pids)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
