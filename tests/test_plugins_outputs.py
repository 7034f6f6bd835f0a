"""What `catalog build` publishes for plugins: our index built from real wagons, the
compatibility files, the HTML pages; all valid against their JSON Schemas, byte-identical
from build to build, and changed only where a new release requires it."""
from __future__ import annotations

import fnmatch
import hashlib
import json
import posixpath
import shutil

import jsonschema
import pytest
from hypothesis import given, settings, strategies as st

from catalog.plugins import SCHEMA_OF, marketplace_redirect_rules, rewrite_marketplace_query, schema_files
from catalog.plugins.index import dumps
from conftest import SHARED
from plugins_fixtures.project import REPO, BASE_URL, build_ok, real_wagons, wagon_project, write_files

REFERENCE = SHARED / "reference-data"
SAMPLE_DOCS = {
    "working_with/official_plugins/aws.md": "/working_with/official_plugins/aws/",
    "working_with/official_plugins/azure.md": "/working_with/official_plugins/azure/",
    "working_with/official_plugins/kubernetes.md": "/working_with/official_plugins/kubernetes/",
    "working_with/official_plugins/_index.md": "/working_with/official_plugins/",
    "developer/writing_plugins/creating-your-own-plugin.md": "/developer/writing_plugins/creating-your-own-plugin/",
}


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The repository's own plugins-index/, built."""
    project = tmp_path_factory.mktemp("sample")
    shutil.copytree(REPO / "plugins-index", project / "plugins-index")
    return build_ok(project, docs=SAMPLE_DOCS)


@pytest.fixture(scope="module")
def wagons_site(tmp_path_factory):
    return build_ok(wagon_project(tmp_path_factory.mktemp("wagons")))


def schemas() -> dict[str, dict]:
    return {path.rsplit("/", 1)[1]: json.loads(data) for path, data in schema_files().items()}


def test_real_wagons_are_indexed_with_their_digests_and_platforms(wagons_site):
    built = real_wagons()
    plugin = wagons_site.json("index/v1/plugins/cloudify-echo-plugin.json")
    assert [r["version"] for r in plugin["releases"]] == ["2.0.0", "1.0.0"]
    assert plugin["latest"] == "2.0.0"
    for release in plugin["releases"]:
        platforms = {(w["distribution"], w.get("release"), w["arch"], w["build_tag"]) for w in release["wagons"]}
        assert platforms == {("centos", "core", "x86_64", "centos-Core"), ("manylinux", None, "aarch64", "manylinux")}
        for wagon in release["wagons"]:
            name, data = built[("cloudify-echo-plugin", release["version"], wagon["build_tag"])]
            assert wagon["filename"] == name
            assert wagon["sha256"] == hashlib.sha256(data).hexdigest() and wagon["size"] == len(data)
            assert wagon["python_tags"] == ["py311"]
            # the relative URL, resolved against the plugin file, is the published copy of the wagon
            published = posixpath.normpath(posixpath.join("index/v1/plugins", wagon["url"]))
            assert wagons_site.files[published] == data
            md5 = wagons_site.text(published + ".md5")
            assert md5 == f"{hashlib.md5(data).hexdigest()}  {name}\n"
        [yaml] = release["yaml_files"]
        assert yaml["dsl_version"] == "cloudify_dsl_1_4"
        published = posixpath.normpath(posixpath.join("index/v1/plugins", yaml["url"]))
        assert f"package_version: '{release['version']}'" in wagons_site.text(published)
    root = wagons_site.json("index/v1/index.json")
    entry = next(p for p in root["plugins"] if p["name"] == "cloudify-echo-plugin")
    data = wagons_site.files["index/v1/plugins/cloudify-echo-plugin.json"]
    assert entry["file"] == {"path": "plugins/cloudify-echo-plugin.json", "sha256": hashlib.sha256(data).hexdigest(),
                             "size": len(data)}
    assert entry["latest"] == {"version": "2.0.0", "date": "2023-02-15"}


def test_the_zip_wagon_is_indexed_too(wagons_site):
    [release] = wagons_site.json("index/v1/plugins/cloudify-wait-plugin.json")["releases"]
    [wagon] = release["wagons"]
    assert (wagon["distribution"], wagon["release"], wagon["arch"]) == ("redhat", "ootpa", "x86_64")
    assert wagons_site.files["wagons/cloudify-wait-plugin/0.1.0/" + wagon["filename"]][:4] == b"PK\x03\x04"


def test_schemas_are_valid_and_match_the_real_legacy_catalogs():
    for name, schema in schemas().items():
        jsonschema.Draft202012Validator.check_schema(schema)
    for name in ("plugins.json", "v2_plugins.json"):
        jsonschema.validate(json.loads((REFERENCE / name).read_text()), schemas()["plugins-json.schema.json"])


@pytest.mark.parametrize("site", ["sample", "wagons_site"])
def test_every_published_json_file_validates_against_its_schema(site, request):
    built = request.getfixturevalue(site)
    known = schemas()
    checked = 0
    for path, data in built.files.items():
        if path.startswith("index/v1/schemas/") or path.endswith((".html", ".wgn", ".md5", ".yaml")):
            continue
        schema = next((s for pattern, s in SCHEMA_OF if fnmatch.fnmatch(path, pattern)), None)
        assert schema is not None, f"{path} is published without a schema"
        validator = jsonschema.Draft202012Validator(known[schema], format_checker=jsonschema.FormatChecker())
        errors = [f"{path}: {e.json_path}: {e.message}" for e in validator.iter_errors(json.loads(data))]
        assert not errors, "\n".join(errors)
        checked += 1
    assert checked > (100 if site == "sample" else 10)


def test_two_builds_are_byte_identical(sample, tmp_path):
    shutil.copytree(REPO / "plugins-index", tmp_path / "elsewhere" / "plugins-index")
    again = build_ok(tmp_path / "elsewhere", docs=SAMPLE_DOCS)
    assert list(again.files) == list(sample.files)
    assert [p for p in sample.files if again.files[p] != sample.files[p]] == []


def test_adding_a_release_changes_only_the_files_that_must_change(tmp_path):
    before = build_ok(wagon_project(tmp_path / "a", versions=("1.0.0",))).files
    after = build_ok(wagon_project(tmp_path / "b", versions=("1.0.0", "2.0.0"))).files
    added = sorted(set(after) - set(before))
    changed = sorted(p for p in set(before) & set(after) if before[p] != after[p])
    assert sorted(set(before) - set(after)) == []
    wagons = sorted(name for (plugin, version, _), (name, _) in real_wagons().items() if version == "2.0.0")
    assert added == sorted([
        "plugins/cloudify-echo-plugin/2.0.0",
        "wagons/cloudify-echo-plugin/2.0.0/plugin.yaml",
        *(f"wagons/cloudify-echo-plugin/2.0.0/{name}" for name in wagons),
        *(f"wagons/cloudify-echo-plugin/2.0.0/{name}.md5" for name in wagons),
    ])
    # plugins.json lists cloudify_dsl_1_3 files only, which the new release does not have
    assert changed == [
        "index/v1/index.json",
        "index/v1/plugins/cloudify-echo-plugin.json",
        "plugins/by-name/cloudify-echo-plugin.json",
        "plugins/catalog",
        "plugins/cloudify-echo-plugin/index.html",
        "plugins/cloudify-echo-plugin/versions",
        "plugins/index.html",
        "v2_plugins.json",
    ]


def test_sample_gives_back_the_published_legacy_catalogs(sample):
    """The 19 plugins of the real v2_plugins.json come back out in the same shape; md5url,
    which the metadata cannot provide for remote wagons, is left out."""
    matched = 0
    for name in ("plugins.json", "v2_plugins.json"):
        ours = {entry["name"]: entry for entry in sample.json(name)}
        reference: dict[str, dict] = {}
        for entry in json.loads((REFERENCE / name).read_text()):
            reference.setdefault(entry["name"], entry)  # the published file lists openstack twice
        assert len(reference) == 19 and set(reference) <= set(ours)
        for plugin, theirs in reference.items():
            mine = ours[plugin]
            if mine["version"] != theirs["version"]:
                continue  # the sample has a newer release for this DSL version
            expected = {k: v for k, v in theirs.items() if k != "wagons"}
            if not theirs["wagons"]:
                expected.pop("version")  # serverless: the sample adds illustrative wagons
            assert {k: v for k, v in mine.items() if k in expected} == expected
            if theirs["wagons"]:
                assert mine["wagons"] == [{"name": w["name"], "url": w["url"]} for w in theirs["wagons"]]
            matched += 1
    assert matched >= 36  # all but azure in v2_plugins.json (3.8.6 ships cloudify_dsl_1_4)


def test_sample_is_realistic(sample):
    root = sample.json("index/v1/index.json")
    assert len(root["plugins"]) >= 21
    releases = {p["name"]: sample.json("index/v1/" + p["file"]["path"])["releases"] for p in root["plugins"]}
    assert sum(len(r) >= 5 for r in releases.values()) >= 4
    everything = [r for rs in releases.values() for r in rs]
    assert sum("yanked" in r for r in everything) >= 2
    assert sum("deprecated" in r for r in everything) >= 3
    labels = {(w["distribution"], w.get("release"), w["arch"]) for r in everything for w in r["wagons"]}
    assert {("centos", "core", "x86_64"), ("centos", "altarch", "aarch64"), ("redhat", "maipo", "x86_64"),
            ("redhat", "ootpa", "x86_64"), ("manylinux", None, "x86_64")} <= labels
    local = [w for r in everything for w in r["wagons"] if not w["url"].startswith("http")]
    assert len(local) >= 4 and all(w["size"] < 10_000 for w in local)
    assert any(w["filename"].endswith("-py27-none-linux_x86_64-centos-Core.wgn") for r in everything
               for w in r["wagons"])  # legacy names are read too


def test_yanked_releases_stay_out_of_what_legacy_clients_read(sample):
    aws = sample.json("index/v1/plugins/cloudify-aws-plugin.json")
    assert aws["releases"][0]["version"] == "3.1.0" and "yanked" in aws["releases"][0]
    assert aws["latest"] == "3.0.10"
    assert next(p for p in sample.json("v2_plugins.json") if p["name"] == "cloudify-aws-plugin")["version"] == "3.0.10"
    assert "3.1.0" not in [v["version"] for v in sample.json("plugins/cloudify-aws-plugin/versions")["items"]]
    assert sample.json("plugins/cloudify-aws-plugin/3.1.0")["version"] == "3.1.0"  # exact lookup still answers
    kube = sample.json("index/v1/plugins/cloudify-kubernetes-plugin.json")
    assert kube["releases"][0]["version"] == "2.14.0rc1" and kube["latest"] == "2.13.16"


def test_legacy_catalog_points_at_each_dsl_version(sample):
    v1 = next(p for p in sample.json("plugins.json") if p["name"] == "cloudify-azure-plugin")
    v2 = next(p for p in sample.json("v2_plugins.json") if p["name"] == "cloudify-azure-plugin")
    assert (v1["version"], v1["yaml"].rsplit("/", 1)[1]) == ("3.7.11", "plugin.yaml")
    assert (v2["version"], v2["yaml"].rsplit("/", 1)[1]) == ("3.8.6", "plugin_1_4.yaml")
    assert [w["name"] for w in v2["wagons"]] == ["manylinux", "manylinux"]
    echo = next(p for p in sample.json("v2_plugins.json") if p["name"] == "cloudify-echo-plugin")
    assert echo["wagons"][0]["url"].startswith(BASE_URL + "wagons/cloudify-echo-plugin/1.1.0/")
    assert echo["wagons"][0]["md5url"] == echo["wagons"][0]["url"] + ".md5"


def test_marketplace_files_follow_the_api_shapes(sample):
    catalog = {p["name"]: p for p in sample.json("plugins/catalog")}
    aws = catalog["cloudify-aws-plugin"]
    assert aws["display_name"] == "AWS" and aws["version"] == "3.0.10"
    assert aws["wagon_urls"][1] == {"release": "Centos AltArch", "arch": "aarch64", "file_size": aws["wagon_urls"][1]["file_size"],
                                    "url": aws["wagon_urls"][1]["url"]}
    assert [y["dsl_version"] for y in aws["yaml_urls"]] == ["cloudify_dsl_1_3", "cloudify_dsl_1_4"]
    assert sample.json("plugins/by-name/cloudify-aws-plugin.json")["items"][0]["id"] == "cloudify-aws-plugin"
    version = sample.json("plugins/cloudify-aws-plugin/3.0.10")
    assert version["plugin_id"] == "cloudify-aws-plugin" and version["created_at"] == "2022-03-17"
    assert version["supported_cm_versions"] == ">=5.1,<7.0"
    assert "downloads" not in version  # not known, so not invented


def test_redirect_rule_answers_the_name_query_from_a_static_file(sample):
    # each published name exactly, then every other name to the empty answer: a Netlify
    # rewrite to a missing file would be a 404, not the Marketplace's {"items": []}
    assert marketplace_redirect_rules("/", ["cloudify-aws-plugin"]) == [
        "/plugins name=cloudify-aws-plugin /plugins/by-name/cloudify-aws-plugin.json 200!",
        "/plugins/ name=cloudify-aws-plugin /plugins/by-name/cloudify-aws-plugin.json 200!",
        "/plugins name=:name /plugins/by-name/_none.json 200!",
        "/plugins/ name=:name /plugins/by-name/_none.json 200!"]
    assert marketplace_redirect_rules("https://example.org/docs")[0] == \
        "/docs/plugins name=:name /docs/plugins/by-name/_none.json 200!"
    target = rewrite_marketplace_query("/plugins", {"name": ["cloudify-aws-plugin"]})
    assert target == "/plugins/by-name/cloudify-aws-plugin.json"
    assert sample.json(target.lstrip("/"))["items"][0]["name"] == "cloudify-aws-plugin"
    for unknown in ("../../etc/passwd", "Cloudify-AWS-Plugin", "nope_plugin", ""):
        assert rewrite_marketplace_query("/plugins", {"name": [unknown]}) == "/plugins/by-name/_none.json"
    assert rewrite_marketplace_query("/plugins", {"name": ["nope"]}, exists=sample.files.__contains__) == \
        "/plugins/by-name/_none.json"
    assert sample.json("plugins/by-name/_none.json") == {"items": []}
    assert rewrite_marketplace_query("/plugins/catalog", {"name": ["x"]}) is None


def test_plugin_page_shows_releases_wagons_and_lifecycle(sample):
    html = sample.text("plugins/cloudify-aws-plugin/index.html")
    assert '<a class="plugin-documentation" href="/working_with/official_plugins/aws/">' in html
    assert "  - plugin:cloudify-aws-plugin</code>" in html
    assert "<code>plugin:cloudify-aws-plugin?version=3.0.10</code>" in html
    assert '<section class="plugin-release is-yanked" id="v3.1.0">' in html
    assert "<strong>Yanked:</strong> the EC2 instance type check rejects every Graviton type; use 3.0.10." in html
    assert 'id="v1.4.10"' in html and "<strong>Deprecated:</strong> use" in html
    assert '<a href="/plugins/cloudify-aws-plugin/">AWS</a> (<code>cloudify-aws-plugin &gt;=2.0</code>) instead. It uses boto 2' in html
    aws = sample.json("index/v1/plugins/cloudify-aws-plugin.json")
    for release in aws["releases"]:
        for wagon in release["wagons"]:
            assert f'<a href="{wagon["url"]}" download>{wagon["filename"]}</a>' in html
            assert f'<code class="sha256">{wagon["sha256"]}</code>' in html
            assert f'<data value="{wagon["size"]}">' in html
    echo = sample.text("plugins/cloudify-echo-plugin/index.html")
    assert 'href="/wagons/cloudify-echo-plugin/1.1.0/cloudify_echo_plugin-1.1.0-manylinux-py3-none-any.wgn"' in echo
    assert '<data value="1569">1.5 KB</data>' in echo


def test_catalog_page_cards_carry_the_filter_keys(sample):
    html = sample.text("plugins/index.html")
    assert html.count('<li class="plugin-card"') == len(sample.json("index/v1/index.json")["plugins"])
    # a platform key means "the latest release installs there": exact wagon or manylinux for the architecture
    assert ('id="plugin-cloudify-aws-plugin"\n    data-categories="infrastructure public-cloud"\n'
            '    data-platforms="centos-core-x86_64 centos-altarch-aarch64 redhat-maipo-x86_64 redhat-ootpa-x86_64"') in html
    assert ('id="plugin-cloudify-wait-plugin"\n    data-categories="utilities examples"\n'
            '    data-platforms="centos-core-x86_64 redhat-maipo-x86_64 redhat-ootpa-x86_64 manylinux-x86_64"') in html
    assert '<option value="manylinux-x86_64">Other Linux x86_64 (manylinux)</option>' in html
    assert '<option value="public-cloud">Public cloud</option>' in html
    assert '<span class="plugin-platform">manylinux any architecture</span>' in html
    assert '<script src="/js/catalog.js" defer></script>' in html


def test_description_markdown_is_rendered_and_raw_html_escaped(tmp_path):
    write_files(tmp_path, {"plugins-index/cloudify-demo-plugin.yaml": """\
        name: cloudify-demo-plugin
        title: Demo <b>
        description: "Uses **boto3**. <script>alert(1)</script>"
        releases:
          - version: 1.0.0
            date: 2023-01-02
            yaml_files:
              - dsl_version: cloudify_dsl_1_3
                url: https://example.org/plugin.yaml
                sha256: %s
                size: 1
            wagons:
              - url: https://example.org/cloudify_demo_plugin-1.0.0-manylinux-py3-none-any.wgn
                sha256: %s
                size: 1
        """ % ("b" * 64, "c" * 64)})
    html = build_ok(tmp_path).text("plugins/index.html")
    assert "Uses <strong>boto3</strong>. &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Demo &lt;b&gt;</a>" in html and "<script>alert" not in html


def test_whole_site_build_publishes_the_catalog_and_resolves_documentation(make_site):
    """Through the site build itself: plugin outputs land in public/ and documentation
    links resolve to real pages, or fail the build at the YAML line."""
    name, data = real_wagons()[("cloudify-echo-plugin", "1.0.0", "centos-Core")]
    site = make_site({
        "content/_index.md": "---\ntitle: Home\n---\nHome.\n",
        "content/plugins-docs/echo.md": "---\ntitle: Echo plugin\n---\n## Operations\nEcho.\n",
        f"plugins-index/wagons/{name}": data,
        "plugins-index/cloudify-echo-plugin.yaml": (
            "name: cloudify-echo-plugin\ntitle: Echo\ndescription: Echo.\n"
            "documentation: plugins-docs/echo.md#operations\nreleases:\n"
            "  - version: 1.0.0\n    date: 2023-01-02\n    yaml_files:\n"
            f"      - dsl_version: cloudify_dsl_1_4\n        url: https://example.org/plugin.yaml\n"
            f"        sha256: {'d' * 64}\n        size: 3\n    wagons:\n      - path: wagons/{name}\n"),
    })
    result = site.build()
    assert not result.report.failed(), "\n".join(site.messages(result))
    assert site.exists("index/v1/index.json") and site.exists(f"wagons/cloudify-echo-plugin/1.0.0/{name}")
    page = site.read("plugins/cloudify-echo-plugin/index.html")
    assert 'href="/plugins-docs/echo/#operations"' in page
    assert json.loads(site.read("index/v1/plugins/cloudify-echo-plugin.json"))["documentation"] == \
        "https://docs.example.org/plugins-docs/echo/#operations"

    site.write({"plugins-index/cloudify-echo-plugin.yaml": site.root.joinpath(
        "plugins-index/cloudify-echo-plugin.yaml").read_text().replace("plugins-docs/echo.md", "plugins-docs/ecko.md")})
    result = site.build()
    assert result.report.failed()
    assert any(d.path == "plugins-index/cloudify-echo-plugin.yaml" and d.line == 4 and "ecko.md" in d.message
               for d in result.report.errors()), "\n".join(site.messages(result))


# What the published JSON documents are made of: str keys; str, int, bool, None, lists and
# objects; any Unicode, including control characters, U+2028 and astral planes.
_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30)


@settings(max_examples=400, deadline=None)
@given(_JSON_VALUES)
def test_published_json_is_spelt_as_the_standard_library_spells_it(document):
    # clients and mirrors compare these files byte for byte across releases of the tool
    expected = (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
    assert dumps(document) == expected
