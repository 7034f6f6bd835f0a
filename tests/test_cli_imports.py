"""A command imports only what it uses (issue 20): `catalog build` with nothing changed
imports neither the preview server, the checker, the resolver, the plugin catalog (for a
site without one), markdown-it, Pygments nor a YAML parser, and compiles no template (the
render cache keeps them; .catalog-cache/ keeps the parsed front matter and the stylesheet)."""
from __future__ import annotations

import json
import subprocess
import sys

from conftest import build_ok  # noqa: F401  (conftest's fixtures)

SITE = {
    "content/_index.md": "---\ntitle: Home\n---\nWelcome, see [install]({{< ref \"guide/install.md\" >}}).\n",
    "content/guide/_index.md": "---\ntitle: Guide\n---\nThe guide.\n",
    "content/guide/install.md": "---\ntitle: Install\naliases: [/old/install/]\n---\n## Steps\n\nDo it.\n\n"
                                "```python\nprint('it')\n```\n",
}
NEVER = ["catalog.serve", "catalog.check", "catalog.plugins.resolver", "catalog.importer", "watchfiles"]
# what a build that renders nothing does not need
NOT_WHEN_NOTHING_CHANGED = ["catalog.plugins", "markdown_it", "pyromark", "catalog.markdown", "catalog.pulldown",
                            "pygments", "yaml", "catalog.frontmatter", "multiprocessing"]

SCRIPT = """
import json, sys
import jinja2
compiled = []
original = jinja2.Environment._compile
def counting(self, source, filename):
    compiled.append(filename)
    return original(self, source, filename)
jinja2.Environment._compile = counting
from catalog.cli import main
code = main(["build", "--project", sys.argv[1]])
print(json.dumps({"code": code, "modules": sorted(sys.modules), "compiled": compiled}))
"""


def build_in_a_process(root) -> dict:
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(root)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_build_imports_only_what_it_uses(make_site):
    site = make_site(SITE)
    first = build_in_a_process(site.root)
    assert first["code"] == 0
    assert not set(NEVER) & set(first["modules"])
    assert "markdown_it" in first["modules"] and first["compiled"]  # it rendered every page
    assert {"pygments", "yaml"} <= set(first["modules"])  # coloured the code, parsed the front matter
    again = build_in_a_process(site.root)
    assert again["code"] == 0
    assert not set(NEVER + NOT_WHEN_NOTHING_CHANGED) & set(again["modules"])
    assert again["compiled"] == []  # the 404 and redirect pages, rendered again, from kept code
    assert (site.root / "public/old/install/index.html").exists()


def test_each_command_still_parses_its_own_arguments(capsys):
    from catalog.cli import main
    for command, option in [("build", "--no-cache"), ("serve", "--port"), ("check", "--base-path"),
                            ("resolve", "--manager-version"), ("import", "--force"), ("new", "")]:
        try:
            main([command, "--help"])
        except SystemExit as exit:
            assert exit.code == 0
        out = capsys.readouterr().out
        assert out.startswith(f"usage: catalog {command}"), out
        assert option in out, (command, out)


def test_a_hugo_projects_build_reads_its_toml_configuration_without_yaml(make_site):
    site = make_site(SITE)
    (site.root / "site.toml").unlink()
    (site.root / "config.toml").write_text('title = "Test"\nbaseURL = "https://docs.example.org/"\n')
    assert build_in_a_process(site.root)["code"] == 0
    again = build_in_a_process(site.root)
    assert again["code"] == 0
    assert not set(NEVER + NOT_WHEN_NOTHING_CHANGED) & set(again["modules"])
    assert "catalog.sources.hugo" in again["modules"]  # it was read as a Hugo project
