"""Generates realistic documentation corpora and plugin catalogs for the benchmarks.

A corpus of N pages: nested sections with `_index.md` pages, YAML front matter with
weights, descriptions and aliases, `relref`/`ref` links with #anchors to other pages,
`param`, `highlight` blocks in several languages, fenced code, tables, callouts and
tabs. Everything is derived from a seeded random generator, so the same size always
gives the same files. The same content tree is used by every tool in the benchmark.
"""
from __future__ import annotations

import argparse
import hashlib
import random
import shutil
from datetime import date, timedelta
from pathlib import Path

LANGUAGES = [
    ("yaml", "node_templates:\n  vm:\n    type: cloudify.nodes.aws.ec2.Instances\n    properties:\n      client_config: *client\n"),
    ("python", "from cloudify.decorators import operation\n\n@operation\ndef start(ctx, **kwargs):\n    ctx.logger.info('starting %s', ctx.instance.id)\n"),
    ("bash", "cfy plugins upload -y plugin.yaml plugin.wgn\ncfy plugins list --sort-by uploaded_at\n"),
    ("json", '{"name": "cloudify-aws-plugin", "version": "3.0.10", "wagons": []}\n'),
    ("go", "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"wagon\")\n}\n"),
]
WORDS = ("plugin wagon manager blueprint deployment node instance operation workflow tenant "
         "secret agent archive release version platform catalog index resolver upload install "
         "property relationship interface lifecycle configure start stop delete heal scale").split()


def sentence(rng: random.Random, words: int = 14) -> str:
    chosen = [rng.choice(WORDS) for _ in range(words)]
    return " ".join(chosen).capitalize() + "."


def plan(pages: int) -> list[str]:
    """Content paths of a site of `pages` pages, the home page included, in sections two
    levels deep (~40 pages a section, ~sqrt(sections) top-level sections)."""
    per_section = 40
    sections = max(1, -(-(pages - 1) // per_section))
    top = max(1, int(sections ** 0.5))
    paths: list[str] = []
    for s in range(sections):
        folder = f"section-{s % top:02d}/topic-{s:03d}" if sections > 1 else "topic-000"
        paths.append(f"{folder}/_index.md")
        for p in range(per_section - 1):
            paths.append(f"{folder}/page-{p:03d}.md")
    if sections > 1:
        paths += [f"section-{t:02d}/_index.md" for t in range(top)]
    # sorted, a folder's _index.md comes before its pages, so cutting the tail keeps every section's index
    return sorted(set(paths))[:max(0, pages - 1)]


def page_text(rng: random.Random, path: str, index: int, all_paths: list[str]) -> str:
    title = path.rsplit("/", 2)[-2 if path.endswith("_index.md") else -1].removesuffix(".md")
    title = title.replace("-", " ").title()
    lines = ["---", f"title: \"{title} {index}\"", f"weight: {rng.randint(1, 50)}",
             f"description: \"{sentence(rng, 8)[:-1]}\""]
    if index % 25 == 0:
        lines.append(f"aliases: [\"/old/{index}/\"]")
    lines += ["---", ""]
    headings = ["Overview", "Requirements", "Configuration", "Examples", "Troubleshooting"]
    for h, heading in enumerate(headings):
        lines.append(f"## {heading}")
        lines.append("")
        target = all_paths[rng.randrange(len(all_paths))]
        anchor = rng.choice(headings).lower()
        lines.append(f"{sentence(rng)} See [{heading.lower()}]({{{{< relref \"{target}#{anchor}\" >}}}}) "
                     f"and the {{{{< param product >}}}} docs. {sentence(rng)}")
        lines.append("")
        if h == 1:
            lines += ["| Property | Type | Default | Description |", "|---|---|---|---|"]
            for r in range(4):
                lines.append(f"| `prop_{r}` | string | `{rng.choice(WORDS)}` | {sentence(rng, 6)} |")
            lines.append("")
        if h == 2:
            lang, code = LANGUAGES[index % len(LANGUAGES)]
            lines += [f"{{{{< highlight {lang} \"linenos=inline\" >}}}}", code.rstrip("\n"), "{{< /highlight >}}", ""]
        if h == 3:
            lang, code = LANGUAGES[(index + 1) % len(LANGUAGES)]
            lines += ["{{< tabs >}}", "{{% tab name=\"Console\" %}}", sentence(rng), "{{% /tab %}}",
                      "{{% tab name=\"CLI\" %}}", f"```{lang}", code.rstrip("\n"), "```", "{{% /tab %}}",
                      "{{< /tabs >}}", ""]
        if h == 4:
            lines += ["{{% note %}}", sentence(rng), "{{% /note %}}", "",
                      f"{{{{< warning title=\"Careful\" >}}}}", sentence(rng), "{{< /warning >}}", "",
                      f"A permalink: {{{{< ref \"{all_paths[(index * 7) % len(all_paths)]}\" >}}}}.", ""]
    return "\n".join(lines) + "\n"


def write_corpus(root: Path, pages: int, seed: int = 7) -> list[str]:
    """Write content/ for `pages` pages under `root`; returns the content paths."""
    rng = random.Random(seed)
    content = root / "content"
    if content.exists():
        shutil.rmtree(content)
    paths = plan(pages)
    (content).mkdir(parents=True)
    (content / "_index.md").write_text("---\ntitle: Benchmark docs\n---\n{{< children >}}\n")
    for index, rel in enumerate(paths):
        target = content / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page_text(rng, rel, index, paths))
    return paths


PLATFORMS = [("centos-Core", "linux_x86_64"), ("centos-altarch", "linux_aarch64"),
             ("redhat-Maipo", "linux_x86_64"), ("redhat-Ootpa", "linux_x86_64"),
             ("manylinux", "linux_x86_64"), ("manylinux", "linux_aarch64")]
DSL_FILES = [("cloudify_dsl_1_3", "plugin.yaml"), ("cloudify_dsl_1_4", "v2_plugin.yaml"),
             ("cloudify_dsl_1_5", "plugin_1_5.yaml")]
CATEGORIES = ["Infrastructure", "Public cloud", "Orchestration", "Configuration", "Networking", "Utilities"]


def plugin_name(p: int) -> str:
    return f"cloudify-bench{p:03d}-plugin"


def release_yaml(name: str, v: int, wagons: int, rng: random.Random) -> list[str]:
    """One release of the documented schema (content/publishing/plugin-metadata.md), as YAML lines.

    Release `v` is version {1 + v // 10}.{v % 10}.0, dated v weeks after 2020-01-06, so later
    releases are newer both by version and by date."""
    module = name.replace("-", "_")
    version = f"{1 + v // 10}.{v % 10}.0"
    day = date(2020, 1, 6) + timedelta(weeks=v)
    base = f"https://downloads.example.org/cloudify/wagons/{name}/{version}"
    lines = [f"  - version: {version}", f"    date: {day.isoformat()}",
             f"    manager_versions: \">={5 + v // 20}.0\"", "    yaml_files:"]
    for dsl, file in DSL_FILES[:1 + v % len(DSL_FILES)]:
        lines += [f"      - dsl_version: {dsl}", f"        url: {base}/{file}",
                  f"        sha256: {_digest(name, version, file)}", f"        size: {rng.randint(5_000, 90_000)}"]
    lines.append("    wagons:")
    for w in range(wagons):
        tag, platform = PLATFORMS[w % len(PLATFORMS)]
        file = f"{module}-{version}-{tag}-py311-none-{platform}.wgn"
        lines += [f"      - url: {base}/{file}", f"        sha256: {_digest(name, version, file)}",
                  f"        size: {rng.randint(100_000, 90_000_000)}"]
    if v % 17 == 16:
        lines.append(f"    yanked: \"breaks install on {PLATFORMS[v % len(PLATFORMS)][0]}; use the next release\"")
    return lines


def _digest(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()


def write_catalog(root: Path, plugins: int, versions: int, wagons: int, seed: int = 11) -> None:
    """plugins-index/ with P plugins x V releases x W remote wagons each, in the documented schema."""
    rng = random.Random(seed)
    folder = root / "plugins-index"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for p in range(plugins):
        name = plugin_name(p)
        lines = [f"name: {name}", f"title: \"Bench {p}\"",
                 f"description: \"{sentence(rng, 10)}\"",
                 f"repository: https://github.com/example/{name}",
                 f"releases_page: https://github.com/example/{name}/releases",
                 f"categories: [{CATEGORIES[p % len(CATEGORIES)]}, {CATEGORIES[(p + 2) % len(CATEGORIES)]}]",
                 "releases:"]
        # written oldest last, newest first, like a maintainer adds them at the top
        for v in reversed(range(versions)):
            lines += release_yaml(name, v, wagons, rng)
        (folder / f"{name}.yaml").write_text("\n".join(lines) + "\n")


def add_release(root: Path, plugin: int, versions: int, wagons: int) -> None:
    """Append release number `versions` (one newer than write_catalog wrote) to one plugin's file."""
    path = root / "plugins-index" / f"{plugin_name(plugin)}.yaml"
    lines = release_yaml(plugin_name(plugin), versions, wagons, random.Random(versions))
    with path.open("a") as handle:
        handle.write("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--pages", type=int, default=500)
    args = parser.parse_args()
    paths = write_corpus(args.root, args.pages)
    print(f"wrote {len(paths) + 1} pages into {args.root / 'content'}")


if __name__ == "__main__":
    main()
