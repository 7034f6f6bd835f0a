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
