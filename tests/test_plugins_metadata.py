"""plugins-index/*.yaml validation: every problem is a diagnostic at its line and column,
all of them in one run, with a hint, and never a traceback."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from plugins_fixtures.project import build_ok, build_project, real_wagons, write_files

SHA = "a" * 64
WAGON_URL = "https://example.org/w/cloudify_demo_plugin-1.0.0-centos-Core-py36-none-linux_x86_64.wgn"


def plugin_yaml(releases: str = "", **top: str) -> str:
    fields = {"name": "cloudify-demo-plugin", "title": "Demo", "description": "A demo."} | top
    head = "".join(f"{key}: {value}\n" for key, value in fields.items() if value is not None)
    return head + "releases:\n" + (releases or release())


def release(version: str = "1.0.0", wagon_url: str = WAGON_URL, extra: str = "", wagon_extra: str = "") -> str:
    return (f"  - version: {version}\n"
            f"    date: 2023-01-02\n{extra}"
            f"    yaml_files:\n"
            f"      - dsl_version: cloudify_dsl_1_4\n"
            f"        url: https://example.org/w/plugin.yaml\n"
            f"        sha256: {SHA}\n"
            f"        size: 100\n"
            f"    wagons:\n"
            f"      - url: {wagon_url}\n"
            f"        sha256: {SHA}\n"
            f"        size: 2000\n{wagon_extra}")


def messages(tmp_path, files: dict[str, str | bytes]) -> list[str]:
    write_files(tmp_path, files)
    built = build_project(tmp_path)
    assert built.report.failed() or not built.report.items
    return built.messages


def one(tmp_path, text: str) -> str:
    return "\n".join(messages(tmp_path, {"plugins-index/cloudify-demo-plugin.yaml": text}))


def test_valid_plugin_builds_clean(tmp_path):
    write_files(tmp_path, {"plugins-index/cloudify-demo-plugin.yaml": plugin_yaml()})
    built = build_ok(tmp_path)
    assert "index/v1/plugins/cloudify-demo-plugin.json" in built.files


def test_unknown_key_is_located_with_a_suggestion(tmp_path):
    text = one(tmp_path, plugin_yaml(relese_page="https://x.org/"))
    assert ("plugins-index/cloudify-demo-plugin.yaml:4:1: error: plugin: unknown key 'relese_page' "
            "[plugin-unknown-key]\n    hint: did you mean 'releases_page'?") in text


def test_wrong_types_name_the_key_and_what_came(tmp_path):
    releases = release(wagon_extra="        python: py36\n").replace("size: 2000", "size: big")
    text = one(tmp_path, plugin_yaml(releases, title="[A, B]"))
    assert "cloudify-demo-plugin.yaml:2:8: error: plugin: 'title' must be a string, got a list" in text
    wagon = WAGON_URL.rsplit("/", 1)[1]
    assert f":15:15: error: release 1.0.0: wagon {wagon}: 'size' must be a whole number >= 0, got the string 'big'" in text
    assert f":16:17: error: release 1.0.0: wagon {wagon}: 'python' must be a list, got the string 'py36'" in text


def test_missing_required_keys(tmp_path):
    text = one(tmp_path, "name: cloudify-demo-plugin\nreleases:\n  - version: 1.0.0\n")
    for key in ("title", "description"):
        assert f"plugin: missing required key '{key}'" in text
    for key in ("date", "yaml_files", "wagons"):
        assert f"release 1.0.0: missing required key '{key}'" in text


def test_plain_number_version_keeps_its_spelling(tmp_path):
    # YAML reads 3.10 as the float 3.1; the version is what the maintainer wrote.
    write_files(tmp_path, {"plugins-index/cloudify-demo-plugin.yaml": plugin_yaml(
        release("3.10", WAGON_URL.replace("1.0.0", "3.10")))})
    assert build_ok(tmp_path).json("index/v1/plugins/cloudify-demo-plugin.json")["releases"][0]["version"] == "3.10"


@pytest.mark.parametrize("version, message", [
    ("banana", "release: 'banana' is not a PEP 440 version"),
    ("1.0.0-rc1", "release: version '1.0.0-rc1' is not in normalised form [plugin-version]\n"
                  "    hint: write it as '1.0.0rc1'"),
])
def test_bad_versions(tmp_path, version, message):
    assert message in one(tmp_path, plugin_yaml(release(version)))


def test_duplicate_release_names_both_lines(tmp_path):
    text = one(tmp_path, plugin_yaml(release() + release()))
    assert ":16:1: error: release 1.0.0 is described twice (first at line 5)" in text


def test_release_field_errors(tmp_path):
    extra = ("    manager_versions: \"=>6.0\"\n"
             "    yanked: true\n"
             "    deprecated:\n"
             "      replacement: cloudify-dmeo-plugin >=2\n")
    text = one(tmp_path, plugin_yaml(release(extra=extra).replace("cloudify_dsl_1_4", "cloudify_dsl_14")))
    assert "manager_versions '=>6.0' is not a PEP 440 specifier" in text
    assert "'yanked' must give the reason as a string, got the boolean true" in text
    assert "unknown dsl_version 'cloudify_dsl_14'" in text and "did you mean 'cloudify_dsl_1_4'?" in text


def test_deprecated_replacement_must_exist(tmp_path):
    extra = "    deprecated:\n      replacement: cloudify-dmeo-plugin >=2\n"
    text = one(tmp_path, plugin_yaml(release(extra=extra)))
    assert ("release 1.0.0 is deprecated in favour of unknown plugin 'cloudify-dmeo-plugin' [plugin-replacement]\n"
            "    hint: did you mean 'cloudify-demo-plugin'?") in text


def test_artifact_location_errors(tmp_path):
    releases = (release().replace("url: https://example.org/w/plugin.yaml", "url: ftp://example.org/plugin.yaml")
                .replace(f"      - url: {WAGON_URL}\n", f"      - url: {WAGON_URL}\n        path: x.wgn\n"))
    text = one(tmp_path, plugin_yaml(releases.replace(f"sha256: {SHA}\n        size: 100", "sha256: ABC\n        size: 100")))
    assert "yaml file: 'url' must be an http(s) URL, got 'ftp://example.org/plugin.yaml'" in text
    assert "wagon x.wgn: give exactly one of 'url' or 'path'" in text
    assert "yaml file: sha256 must be 64 lower-case hex digits, got 'ABC'" in text


def test_remote_wagon_name_must_match_yaml(tmp_path):
    wrong = WAGON_URL.replace("cloudify_demo_plugin-1.0.0", "cloudify_dem_plugin-1.0.1")
    text = one(tmp_path, plugin_yaml(release(wagon_url=wrong, wagon_extra="        arch: aarch64\n")))
    assert "plugin name is 'cloudify-demo-plugin' but the wagon file name says 'cloudify_dem_plugin'" in text
    assert "release version is '1.0.0' but the wagon file name says '1.0.1'" in text
    assert "YAML says arch 'aarch64' but the wagon file name says 'x86_64'" in text


def test_remote_wagon_needs_digests_and_a_distribution(tmp_path):
    no_tag = WAGON_URL.replace("-centos-Core", "")
    text = one(tmp_path, plugin_yaml(release(wagon_url=no_tag).replace(f"        sha256: {SHA}\n        size: 2000\n", "")))
    wagon = no_tag.rsplit("/", 1)[1]
    assert f":13:9: error: release 1.0.0: wagon {wagon}: missing required key 'sha256'" in text
    assert f"wagon {wagon}: missing required key 'size'" in text
    assert "the file name names no distribution" in text


def test_name_must_match_file_name(tmp_path):
    text = "\n".join(messages(tmp_path, {"plugins-index/cloudify-other-plugin.yaml": plugin_yaml()}))
    assert "plugin name 'cloudify-demo-plugin' differs from the file name 'cloudify-other-plugin.yaml'" in text


def test_yaml_syntax_error_and_duplicate_key_are_located(tmp_path):
    text = "\n".join(messages(tmp_path, {
        "plugins-index/cloudify-demo-plugin.yaml": "name: cloudify-demo-plugin\ntitle: [unclosed\n",
        "plugins-index/cloudify-twice-plugin.yaml": plugin_yaml(name="cloudify-twice-plugin") + "title: Again\n",
        "plugins-index/cloudify-empty-plugin.yaml": "",
    }))
    assert "plugins-index/cloudify-demo-plugin.yaml:3:1: error: YAML syntax error" in text
    assert "cloudify-twice-plugin.yaml:16:1: error: key 'title' appears twice (first at line 2)" in text
    assert "cloudify-empty-plugin.yaml:1:1: error: the file describes no plugin" in text


def test_all_problems_of_all_files_in_one_run_and_good_plugins_still_built(tmp_path):
    write_files(tmp_path, {
        "plugins-index/cloudify-demo-plugin.yaml": plugin_yaml(),
        "plugins-index/cloudify-a-plugin.yaml": plugin_yaml(name="cloudify-a-plugin", title="[x]",
                                                            documentation="nowhere.md"),
        "plugins-index/cloudify-b-plugin.yaml": plugin_yaml(name="cloudify-b-plugin", description=None),
    })
    built = build_project(tmp_path)
    text = "\n".join(built.messages)
    assert "cloudify-a-plugin.yaml:2:8: error: plugin: 'title' must be a string" in text
    assert 'cloudify-a-plugin.yaml:4:1: error: page reference "nowhere.md" not found' in text  # checked anyway
    assert "cloudify-b-plugin.yaml:1:1: error: plugin: missing required key 'description'" in text
    # the wagon names disagree with a-plugin and b-plugin too: reported, not hidden
    assert "plugin name is 'cloudify-a-plugin' but the wagon file name says 'cloudify_demo_plugin'" in text
    assert "index/v1/plugins/cloudify-demo-plugin.json" in built.files
    assert "index/v1/plugins/cloudify-a-plugin.json" not in built.files


def test_documentation_link_is_resolved_or_reported_at_its_line(tmp_path):
    write_files(tmp_path, {
        "plugins-index/cloudify-demo-plugin.yaml": plugin_yaml(documentation="working_with/official_plugins/aws.md"),
        "plugins-index/cloudify-b-plugin.yaml": plugin_yaml(name="cloudify-b-plugin", documentation="nowhere.md")
        .replace("cloudify_demo_plugin", "cloudify_b_plugin"),
    })
    built = build_project(tmp_path)
    assert built.messages == ['plugins-index/cloudify-b-plugin.yaml:4:1: error: page reference "nowhere.md" not found '
                              '[ref-not-found]']
    doc = built.json("index/v1/plugins/cloudify-demo-plugin.json")["documentation"]
    assert doc == "https://plugins.example.org/working_with/official_plugins/aws/"
    assert 'href="/working_with/official_plugins/aws/"' in built.text("plugins/cloudify-demo-plugin/index.html")


# -- local wagons ---------------------------------------------------------------------------

def local_plugin(path: str, version: str = "1.0.0", wagon_extra: str = "") -> str:
    return ("name: cloudify-echo-plugin\ntitle: Echo\ndescription: Echo.\nreleases:\n"
            f"  - version: {version}\n    date: 2023-01-02\n"
            "    yaml_files:\n      - dsl_version: cloudify_dsl_1_4\n"
            f"        url: https://example.org/plugin.yaml\n        sha256: {SHA}\n        size: 10\n"
            f"    wagons:\n      - path: {path}\n{wagon_extra}")


def echo_wagon(version: str = "1.0.0", tag: str = "centos-Core") -> tuple[str, bytes]:
    return real_wagons()[("cloudify-echo-plugin", version, tag)]


def test_local_wagon_version_disagreement_names_both_values(tmp_path):
    name, data = echo_wagon()
    text = "\n".join(messages(tmp_path, {f"plugins-index/wagons/{name}": data,
                                         "plugins-index/cloudify-echo-plugin.yaml": local_plugin(f"wagons/{name}", "2.0.0")}))
    assert (f"plugins-index/cloudify-echo-plugin.yaml:13:9: error: release 2.0.0: wagon {name}: release version is "
            "'2.0.0' but the wagon file name says '1.0.0' [wagon-mismatch]") in text


def test_renamed_local_wagon_disagrees_with_package_json(tmp_path):
    name, data = echo_wagon()
    renamed = name.replace("centos-Core", "redhat-Ootpa")
    text = "\n".join(messages(tmp_path, {f"plugins-index/wagons/{renamed}": data,
                                         "plugins-index/cloudify-echo-plugin.yaml": local_plugin(f"wagons/{renamed}")}))
    assert ("file name says build tag 'redhat-Ootpa' but package.json package_build_tag is 'centos-Core'") in text
    assert f"the file is named '{renamed}' but package.json archive_name is '{name}'" in text


def test_local_wagon_declared_values_are_checked(tmp_path):
    name, data = echo_wagon()
    extra = (f"        sha256: {SHA}\n        size: 12\n        distribution: redhat\n        release: core\n"
             "        python: [py36]\n")
    text = "\n".join(messages(tmp_path, {f"plugins-index/wagons/{name}": data,
                                         "plugins-index/cloudify-echo-plugin.yaml": local_plugin(f"wagons/{name}",
                                                                                                 wagon_extra=extra)}))
    import hashlib

    assert f"YAML says sha256 {SHA} but the file's sha256 is {hashlib.sha256(data).hexdigest()}" in text
    assert f"YAML says size 12 but the file has {len(data)} bytes" in text
    assert "YAML says distribution 'redhat' but the wagon file name says 'centos'" in text
    assert "YAML says python ['py36'] but the wagon file name says ['py311']" in text


@pytest.mark.parametrize("damage, message", [
    (lambda data: data[: len(data) // 2], "corrupt or truncated tar.gz archive"),
    (lambda data: b"", "the file is empty"),
    (lambda data: b"Not Found", "not a tar.gz or zip archive"),
])
def test_damaged_local_wagon_is_a_diagnostic_not_a_traceback(tmp_path, damage, message):
    name, data = echo_wagon()
    text = "\n".join(messages(tmp_path, {f"plugins-index/wagons/{name}": damage(data),
                                         "plugins-index/cloudify-echo-plugin.yaml": local_plugin(f"wagons/{name}")}))
    assert f"cloudify-echo-plugin.yaml:13:9: error: release 1.0.0: wagon {name}: {message}" in text
    assert "[wagon-archive]" in text and "Traceback" not in text


def test_missing_local_file_suggests_a_neighbour(tmp_path):
    name, data = echo_wagon()
    typo = name.replace("centos", "cnetos")
    text = "\n".join(messages(tmp_path, {f"plugins-index/wagons/{name}": data,
                                         "plugins-index/cloudify-echo-plugin.yaml": local_plugin(f"wagons/{typo}")}))
    assert f"cannot read 'wagons/{typo}'" in text and f"did you mean '{name}'?" in text


# --- a wagon url's file name: the plain-URL shortcut must agree with urlsplit on every string

def _filename_by_urlsplit(url: str) -> str | None:
    from urllib.parse import unquote, urlsplit
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return unquote(parts.path.rsplit("/", 1)[-1])


# single characters a URL may or may not hold, and escapes
_URL_TOKENS = list("/%?#@:;=!$&'()*+,~._-aZ9 \t\\<>[]^`{|}\"é") + ["%20", "%2F", "%41", ".wgn", "/w/"]
_URLS = st.one_of(
    # shaped like a url: a scheme, a host, then any path
    st.tuples(st.sampled_from(["http://", "https://", "https://", "HTTPS://", "ftp://", "//", "http:/", ""]),
              st.sampled_from(["example.org", "example.org", "a.b-c", "", "user@host", "h:8080", "h:x", "[::1]"]),
              st.lists(st.sampled_from(_URL_TOKENS), max_size=8).map(lambda path: "/" + "".join(path))).map("".join),
    st.lists(st.sampled_from(_URL_TOKENS + ["http://", "https://", "example.org"]), max_size=10).map("".join),
)


@pytest.mark.parametrize("url", [
    "https://example.org/w/a.wgn", "https://example.org/w/a%20b.wgn", "https://example.org/w/a.wgn?x=1",
    "https://example.org/w/a.wgn#f", "HTTPS://example.org/a.wgn", "https://h:8080/a.wgn", "https://u@h/a.wgn",
    "https://example.org", "https://example.org/", "ftp://example.org/a.wgn", "https:///a.wgn",
    "https://[::1]/a.wgn", "https://example.org/a b.wgn", "https://example.org/é.wgn", "https://h:x/a.wgn",
])
def test_url_file_names_of_known_cases_match_urlsplit(url: str) -> None:
    _assert_file_name_as_urlsplit_reads_it(url)


@settings(max_examples=500, deadline=None)
@given(_URLS)
def test_url_file_names_match_urlsplit(url: str) -> None:
    _assert_file_name_as_urlsplit_reads_it(url)


def _assert_file_name_as_urlsplit_reads_it(url: str) -> None:
    from catalog.plugins.artifacts import url_filename
    try:
        expected = _filename_by_urlsplit(url)
    except ValueError:  # urlsplit rejects the string (e.g. a bad IPv6 host): so must the shortcut's fallback
        with pytest.raises(ValueError):
            url_filename(url)
        return
    assert url_filename(url) == expected
