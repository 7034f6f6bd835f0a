"""Today's clients reading what we publish, with their own selection rules
(REFERENCE.md 3.3): the console's Plugins Catalog widget and the manager's auto-upload of
`plugin:` imports, the latter over HTTP against a static host with the redirect rule."""
from __future__ import annotations

import json
import shutil
import urllib.request

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from plugins_fixtures.project import REPO, build_ok, publish, real_wagons, static_host, wagon_project

SAMPLE_DOCS = {ref: "/docs/" for ref in (
    "working_with/official_plugins/aws.md", "working_with/official_plugins/azure.md",
    "working_with/official_plugins/kubernetes.md", "working_with/official_plugins/_index.md",
    "developer/writing_plugins/creating-your-own-plugin.md")}


def console_pick(entry: dict, distribution: str, distro_release: str, key: str = "release") -> dict | None:
    """cloudify-stage's Plugins Catalog: exact label, else the first manylinux wagon, else hidden."""
    wanted = f"{distribution} {distro_release}".lower()
    wagons = entry["wagon_urls"] if "wagon_urls" in entry else entry["wagons"]
    exact = [w for w in wagons if w[key].lower() == wanted]
    if exact:
        return exact[0]
    return next((w for w in wagons if w[key].lower().startswith("manylinux")), None)


def manager_pick(base: str, name: str, spec: str, distribution: str) -> tuple[str, str]:
    """cloudify-manager's import resolver: look the plugin up by name, list its versions, keep
    those inside the specifier with yaml files and a matching (or manylinux) wagon, take the highest."""
    def get(path: str):
        with urllib.request.urlopen(base + path, timeout=10) as response:
            return json.loads(response.read())

    plugin_id = get(f"plugins?name={name}")["items"][0]["id"]
    specifier = SpecifierSet(spec)
    fitting = []
    for item in get(f"plugins/{plugin_id}/versions")["items"]:
        if item["version"] not in specifier or not item["yaml_urls"]:
            continue
        wagon = next((w for w in item["wagon_urls"] if w["release"].lower() == distribution
                      or w["release"].lower().startswith("manylinux")), None)
        if wagon:
            fitting.append((Version(item["version"]), wagon["url"]))
    if not fitting:
        raise LookupError(f'Couldn\'t find plugin "{name}" with version {spec} for {distribution} in the plugins catalog')
    version, url = max(fitting)
    return str(version), url


@pytest.fixture(scope="module")
def wagons_site(tmp_path_factory):
    return build_ok(wagon_project(tmp_path_factory.mktemp("clients")))


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    project = tmp_path_factory.mktemp("sample")
    shutil.copytree(REPO / "plugins-index", project / "plugins-index")
    return build_ok(project, docs=SAMPLE_DOCS)


def filename(url: str) -> str:
    return url.rsplit("/", 1)[1]


@pytest.mark.parametrize("source", ["plugins/catalog", "v2_plugins.json"])
@pytest.mark.parametrize("distribution, release, echo, wait", [
    ("centos", "core", "cloudify_echo_plugin-2.0.0-centos-Core-py311-none-linux_x86_64.wgn", None),
    # the console never checks the architecture: an x86_64 Redhat manager is offered the aarch64 wagon
    ("redhat", "ootpa", "cloudify_echo_plugin-2.0.0-manylinux-py311-none-linux_aarch64.wgn",
     "cloudify_wait_plugin-0.1.0-redhat-Ootpa-py311-none-linux_x86_64.wgn"),
])
def test_console_rule_on_published_catalogs(wagons_site, source, distribution, release, echo, wait):
    key = "release" if source == "plugins/catalog" else "name"
    entries = {e["name"]: e for e in wagons_site.json(source)}
    picked = {name: console_pick(entry, distribution, release, key) for name, entry in entries.items()}
    assert filename(picked["cloudify-echo-plugin"]["url"]) == echo
    if source == "v2_plugins.json":
        assert "cloudify-wait-plugin" not in picked  # it ships only a cloudify_dsl_1_3 file
    else:
        wagon = picked["cloudify-wait-plugin"]
        assert (filename(wagon["url"]) if wagon else None) == wait  # None: the console hides the plugin


def test_console_rule_on_the_sample_catalog(sample):
    catalog = {e["name"]: e for e in sample.json("plugins/catalog")}
    expected = {
        ("cloudify-aws-plugin", "centos", "altarch"): "cloudify_aws_plugin-3.0.10-centos-altarch-py36-none-linux_aarch64.wgn",
        ("cloudify-aws-plugin", "redhat", "Maipo"): "cloudify_aws_plugin-3.0.10-redhat-Maipo-py36-none-linux_x86_64.wgn",
        ("cloudify-azure-plugin", "redhat", "ootpa"): "cloudify_azure_plugin-3.8.6-manylinux-py311-none-linux_x86_64.wgn",
        ("cloudify-echo-plugin", "redhat", "ootpa"): "cloudify_echo_plugin-1.1.0-manylinux-py3-none-any.wgn",
        ("cloudify-echo-plugin", "centos", "core"): "cloudify_echo_plugin-1.1.0-centos-Core-py311-none-linux_x86_64.wgn",
    }
    for (name, distribution, release), wagon in expected.items():
        assert filename(console_pick(catalog[name], distribution, release)["url"]) == wagon
    assert console_pick(catalog["cloudify-aws-plugin"], "debian", "bookworm") is None  # hidden


def test_manager_rule_over_http_with_the_redirect_rule(wagons_site, tmp_path):
    root = publish(wagons_site.files, tmp_path / "site")
    with static_host(root) as base:
        assert manager_pick(base, "cloudify-echo-plugin", "", "centos core") == (
            "2.0.0", "https://plugins.example.org/wagons/cloudify-echo-plugin/2.0.0/"
                     "cloudify_echo_plugin-2.0.0-centos-Core-py311-none-linux_x86_64.wgn")
        version, url = manager_pick(base, "cloudify-echo-plugin", "<2", "redhat ootpa")
        assert (version, filename(url)) == ("1.0.0", "cloudify_echo_plugin-1.0.0-manylinux-py311-none-linux_aarch64.wgn")
        assert filename(manager_pick(base, "cloudify-wait-plugin", ">=0.1", "redhat ootpa")[1]) == \
            "cloudify_wait_plugin-0.1.0-redhat-Ootpa-py311-none-linux_x86_64.wgn"
        with pytest.raises(LookupError, match='Couldn\'t find plugin "cloudify-wait-plugin"'):
            manager_pick(base, "cloudify-wait-plugin", "", "centos core")
        # every wagon URL the manager would fetch is served by the same static host
        path = urllib.request.urlopen(base + "wagons/cloudify-echo-plugin/2.0.0/"
                                      "cloudify_echo_plugin-2.0.0-centos-Core-py311-none-linux_x86_64.wgn").read()
        assert path == real_wagons()[("cloudify-echo-plugin", "2.0.0", "centos-Core")][1]


def test_manager_skips_yanked_releases_it_cannot_see(sample, tmp_path):
    root = publish(sample.files, tmp_path / "site")
    with static_host(root) as base:
        version, url = manager_pick(base, "cloudify-aws-plugin", ">=3.0", "centos core")
    assert version == "3.0.10"  # 3.1.0 is yanked, so it is not in /versions
    assert filename(url) == "cloudify_aws_plugin-3.0.10-centos-Core-py36-none-linux_x86_64.wgn"
