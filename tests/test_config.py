"""Site configuration: typed keys, located errors, did-you-mean."""
from __future__ import annotations

from catalog.config import load_config
from catalog.diagnostics import Report


def load(tmp_path, text):
    (tmp_path / "site.toml").write_text(text)
    report = Report()
    return load_config(tmp_path, report), report


def test_valid_config_reads_every_key(tmp_path):
    config, report = load(tmp_path, 'title = "Plugins"\nbase_url = "https://x.org/docs"\nversion = "7.0"\n'
                                    '[params]\nmanager = "Cloudify Manager"\n')
    assert not report.items
    assert config.title == "Plugins" and config.version == "7.0"
    assert config.base_path == "/docs/" and config.origin == "https://x.org"
    assert config.params == {"manager": "Cloudify Manager"}


def test_unknown_key_names_line_and_suggests(tmp_path):
    config, report = load(tmp_path, 'title = "x"\n\nbaseurl = "https://x.org/"\n')
    assert config is None
    [d] = report.items
    assert (d.path, d.line, d.code) == ("site.toml", 3, "config-unknown-key")
    assert "baseurl" in d.message and "did you mean 'base_url'?" == d.hint


def test_wrong_type_says_expected_and_got(tmp_path):
    config, report = load(tmp_path, 'title = 3\nversion = true\n')
    assert config is None
    messages = {d.line: d.message for d in report.items}
    assert "'title' must be a string" in messages[1] and "got an integer 3" in messages[1]
    assert "'version' must be a string" in messages[2] and "got a boolean True" in messages[2]


def test_toml_syntax_error_is_located(tmp_path):
    config, report = load(tmp_path, 'title = "x"\nversion = \n')
    assert config is None
    [d] = report.items
    assert d.code == "config-syntax" and d.line == 2


def test_missing_config_is_an_error_with_hint(tmp_path):
    report = Report()
    assert load_config(tmp_path, report) is None
    assert report.items[0].code == "config-missing" and "title" in report.items[0].hint


def test_menus_are_read_and_sorted_as_hugo_sorts_them(tmp_path):
    config, report = load(tmp_path, 'title = "x"\n[[menus.main]]\nname = "B"\nurl = "/b/"\nweight = 2\n'
                                    '[[menus.main]]\nname = "Unweighted"\nurl = "/u/"\n'
                                    '[[menus.main]]\nname = "A"\nurl = "/a/"\nweight = 2\n'
                                    '[[menus.main]]\nname = "First"\nurl = "/f/"\nweight = 1\npre = "<i></i>"\n')
    assert not report.items
    assert [e.name for e in config.menus["main"]] == ["First", "A", "B", "Unweighted"]
    assert config.menus["main"][0].pre == "<i></i>"


def test_a_menu_entry_with_an_unknown_key_is_located(tmp_path):
    config, report = load(tmp_path, 'title = "x"\n\n[[menus.main]]\nname = "B"\nlink = "/b/"\n')
    assert config is None
    [d] = report.items
    assert (d.line, d.code) == (3, "config-unknown-key") and "'link'" in d.message and "url" in d.hint


def test_url_options_are_booleans(tmp_path):
    config, report = load(tmp_path, 'relative_urls = "yes"\n')
    assert config is None and report.items[0].code == "config-type"
    config, report = load(tmp_path, 'relative_urls = true\ncanonify_urls = false\nlayouts_dir = "tpl"\n')
    assert config.relative_urls and not config.canonify_urls and config.layouts_dir == "tpl"


def test_every_key_is_declared_once_with_its_type_default_and_doc():
    # OPTIONS (validation, `catalog import`) is made from SiteConfig's fields: one declaration
    import dataclasses

    from catalog.config import OPTIONS, SiteConfig
    declared = [f.name for f in dataclasses.fields(SiteConfig) if f.name != "source"]
    assert list(OPTIONS) == declared
    defaults = SiteConfig()
    for key, option in OPTIONS.items():
        assert option.doc and option.types, key
        value = getattr(defaults, key)
        # an array key is a tuple once read, and [] as written
        assert option.default == (list(value) if isinstance(value, tuple) else value), key
        assert isinstance(option.default, option.types), key


def test_every_problem_of_versions_is_reported_in_one_run(tmp_path):
    config, report = load(tmp_path, 'title = "x"\n'
                                    '[[versions]]\nlabel = "7.0"\nurl = "/7.0/"\nlatest = true\nlastest = true\n'
                                    '[[versions]]\nlabel = 6\nurl = "/6.0/"\n'
                                    '[[versions]]\nlabel = "5.0"\n'
                                    '[[versions]]\nlabel = "4.0"\nurl = "/4.0/"\nlatest = true\n')
    assert config is None
    found = sorted((d.code, d.message) for d in report.items)
    assert found == [
        ("config-missing-key", "versions entry 3 needs label and url"),
        ("config-type", "versions entry 2: 'label' must be a string, got an integer 6"),
        ("config-unknown-key", "unknown key 'lastest' in versions entry 1"),
        ("config-versions", "more than one version is marked latest = true"),
    ], found
    assert {d.line for d in report.items} == {2}   # where [[versions]] starts


def test_every_problem_of_menus_and_arrays_is_reported_in_one_run(tmp_path):
    config, report = load(tmp_path, 'title = "x"\ncontent_exclude = ["a", 1, true]\n'
                                    '[[menus.main]]\nurl = "/"\n'
                                    '[[menus.main]]\nname = "B"\nweight = "1"\n'
                                    '[menus]\nside = 3\n')
    assert config is None
    found = sorted((d.code, d.message) for d in report.items)
    assert found == [
        ("config-missing-key", "menus.main entry 1 needs a name"),
        ("config-type", "'content_exclude' must be an array of strings, got a boolean True in it"),
        ("config-type", "'content_exclude' must be an array of strings, got an integer 1 in it"),
        ("config-type", "menus.main entry 2: 'weight' must be an integer, got a string '1'"),
        ("config-type", "menus.side must be an array of tables, got an integer"),
    ], found
