"""fastyaml, the fast path of yamlsource.load, against PyYAML's path: for every input it
either declines (None) or gives the very nodes PyYAML's path gives (values and their types,
raw text, plainness, every position) for a text PyYAML reads without a diagnostic. And it
is taken for the plugins-index files it exists for, so its speed cannot silently vanish."""
from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from benchmarks.corpus import add_release, write_catalog
from catalog.diagnostics import Report
from catalog.plugins import fastyaml, yamlscalars, yamlsource
from catalog.plugins.yamlsource import Mapping, Scalar, Sequence

REPO = Path(__file__).resolve().parent.parent
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def shape(node: yamlsource.Node | None) -> object:
    """A node as comparable data: NaN is its repr, a date is not its string, positions are Pos."""
    if node is None:
        return None
    if isinstance(node, Scalar):
        return ("scalar", type(node.value).__name__, repr(node.value), node.raw, node.plain,
                type(node.pos).__name__, node.pos)
    if isinstance(node, Sequence):
        return ("seq", type(node.pos).__name__, node.pos, [shape(item) for item in node.items])
    assert isinstance(node, Mapping)
    return ("map", type(node.pos).__name__, node.pos,
            [(key, type(pos).__name__, pos, shape(value)) for key, (pos, value) in node.items.items()])


def pure_python(text: str, report: Report) -> yamlsource.Node | None:
    """PyYAML's path without libyaml, as on a machine without it."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        return None if root is None else yamlsource._convert(root, loader, "doc.yaml", report)
    except yaml.YAMLError as exc:
        report.error("doc.yaml", 1, 1, "yaml-syntax", str(exc))
        return None
    finally:
        loader.dispose()


def check(text: str) -> bool:
    """fastyaml declines `text` or equals PyYAML's path (with and without libyaml) on it; True if taken."""
    fast = fastyaml.compose(text)
    for reference in (yamlsource.load_with_pyyaml, lambda t, _, r: pure_python(t, r)):
        report = Report()
        try:
            expected = reference(text, "doc.yaml", report)
        except Exception:   # e.g. a date that does not exist: PyYAML's path raises, the fast path must decline
            assert fast is None, text
            return False
        if fast is not None:
            assert not report.items, (text, report.items)
            assert shape(fast) == shape(expected), text
    return fast is not None


def repo_yaml_files() -> list[Path]:
    skip = {".venv", ".git", "node_modules", "public"}
    return sorted(path for pattern in ("*.yaml", "*.yml") for path in REPO.rglob(pattern)
                  if not skip.intersection(path.relative_to(REPO).parts))


BLOCK_SCALAR = ("|", ">", "|-", ">-", "|+", ">+")


def uses_block_scalars(text: str) -> bool:
    return any(line.rstrip().endswith((": " + s, "- " + s)) for line in text.splitlines() for s in BLOCK_SCALAR)


@pytest.mark.parametrize("path", repo_yaml_files(), ids=lambda path: str(path.relative_to(REPO)))
def test_every_yaml_file_of_the_repo(path):
    text = path.read_text(encoding="utf-8")
    taken = check(text)
    if path.parent == REPO / "plugins-index" and not uses_block_scalars(text):
        assert taken, f"{path.name}: the fast path declined a plugins-index file"


def test_repo_has_plugins_index_files():
    assert len([path for path in repo_yaml_files() if path.parent == REPO / "plugins-index"]) >= 10


def test_benchmark_catalogs_take_the_fast_path(tmp_path):
    write_catalog(tmp_path, plugins=4, versions=5, wagons=3, seed=3)
    add_release(tmp_path, plugin=1, versions=5, wagons=3)
    paths = sorted((tmp_path / "plugins-index").glob("*.yaml"))
    assert len(paths) == 4
    for path in paths:
        assert check(path.read_text(encoding="utf-8")), path.name


def test_load_returns_the_fast_paths_nodes(tmp_path, monkeypatch):
    write_catalog(tmp_path, plugins=1, versions=3, wagons=2)
    text = next((tmp_path / "plugins-index").glob("*.yaml")).read_text(encoding="utf-8")
    expected = shape(yamlsource.load_with_pyyaml(text, "x.yaml", Report()))

    def pyyaml_not_called(*args):
        raise AssertionError("load() read a benchmark file with PyYAML")
    monkeypatch.setattr(yamlsource, "load_with_pyyaml", pyyaml_not_called)
    assert shape(yamlsource.load(text, "x.yaml", Report())) == expected


def test_bad_input_corpus():
    from test_bad_input_plugins import CORPUS
    from test_hostile_plugins import hostile_yaml
    texts = [hostile_yaml()] + [text for case in CORPUS for path, text in case.project_files().items()
                                if path.endswith(".yaml") and isinstance(text, str)]
    taken = sum(check(text) for text in texts)
    assert taken >= len(texts) // 2   # most are plain YAML with a mistake in the catalog's terms


TAKEN = [
    "a: 1\nb: two\n",
    "  a: 1\n  b: 2\n",                                    # a mapping need not start at column 1
    "key:\n- a\n- b\nother: 1\n",                          # an indentless sequence
    "key:\n- a: 1\n- b: 2\n  c: 3\nother: 1\n",
    "a:\n  - x\nb: 1\n",
    "a:\n  - x: 1\n    y: 2\n  - z: 3\nb: 1\n",
    "a:\n  b:\n    c: 1\nd: 2\n",
    "- a: 1\n  b:\n  - x\n  c: 2\n- d\n",
    "- - a\n  - b\n- c\n",
    "-\n  a: 1\n-\n  - b\n-\n  c\n",
    "- a: 1\n  b: [x, y]\n- - 1\n  - 2\n-   c: d\n    e: f\n",
    "k:\n  - a:\n    - x\n    b: 1\n",
    "a:\n  b\nc:\n    - 1\n",                              # values on the next line
    "# c\na: 1 # x\n\n  # y\nb: [1, 2] # z\n#end",
    "a: yes\nb: on\nc: ~\nd: 1_000\ne: 0o17\nf: 012\ng: 1:30\nh: 2020-01-02\ni: .inf\nj: -.inf\n"
    "k: .NaN\nl: 0x1F\nm: 0b101\nn: 1e3\no: 1.5e+3\np: 2001-12-14t21:59:43.10-05:00\nq: 3.10\nr: NULL\n"
    "s: 2001-12-14 21:59:43.10 -5\nt: -0\nu: +12\nv: 190:20:30\nw: 0\nx: 00\ny: 09\nz: =x\n",
    "é: ü\nb: [ä, \"ö\", 'ß']\nc: {日本: 語, x: 'y'}\n",
    "😀: [😀, b]\nx: 😀 y\nz: a\xa0b\n",                     # columns count code points
    "url: https://x.org/a:b?c=d#e\nsha: a#b\nlist: x,y]z\n",
    "\"quoted key\": 'v'\n'k2': \"\"\n\"k3\" :   x\n",
    "[a, [b, c], {d: e}]\n",
    "{}\n",
    "a: []\nb: {}\nc: [ ]\n",
    "-x: -1\n.5: .a\n",
    "a:b: c\n",                                           # the key is 'a:b'
    "- " * 90 + "x\n",
    "[" * 90 + "]" * 90 + "\n",
]

DECLINED = [
    "a: 1\na: 2\n",                                        # duplicate key
    "a: 1\n\"a\": 2\n",
    "a:\n  b: 1\n c: 2\n",                                 # bad indentation
    "a: b: c\n",
    "- a\n  - b\n",                                        # PyYAML folds it into 'a - b'
    "a: x\n  y\n",                                         # a multi-line plain scalar
    "a: 'it''s'\n",
    'a: "x\\ty"\n',
    "a: \"x\n  y\"\n",
    "a: |\n  x\n",
    "a: >\n  x\n",
    "a: &x 1\nb: *x\n",
    "a: !!str 1\n",
    "<<: {a: 1}\n",
    "a: 1\n<<: 2\n",                                       # a merge key, in the usual line's path
    "- a: 1\n  <<: [x]\n",
    "a: {<<: {b: 1}}\n",
    "a: 2020-02-30\n",                                     # PyYAML raises ValueError
    "a: =\n",                                              # the value tag: PyYAML has no constructor
    "a:\tb\n",
    "a: 1\r\nb: 2\r\n",
    "---\na: 1\n",
    "a: 1\n...\n",
    "hello\n",
    "a:\n",
    "a:\nb: 1\n",                                         # null values
    "a:\n  b:\nc: 1\n",
    "a:\n  b:\n  c: 1\n",
    "x:\n  - a:\n  - b: 1\n",
    "x:\n- a:\ny: 1\n",
    "-\n- a\n",
    "? a\n: b\n",
    "[a, b,]\n",
    "a: [b,\n  c]\n",
    "a: [b]x\n",
    "a: 1\n- b\n",
    "- a:\n - x\n",                                        # a sequence left of its key: null, then an error
    "- a:\n - b: 2\n",
    "a:\n  b:\n - c: 1\n",
    "a: {b:c}\n",                                          # PyYAML reads the key 'b:c'
    "a: [b:c]\n",
    "a:\n  b:\n - x\n",
    "- a: 1\n - b: 2\n",
    "a: {b: 1, b: 2}\n",
    "- [{a: 1, a: 2}]\n",
    "- a\nb: 1\n",
    "a\n",
    "",
    "# only a comment\n",
    "\ufeffa: 1\n",
    "a: \x85\n",
    "k" * 1100 + ": v\n",
    "\"\": x\n",
    "a: b #c\n  d: e\n",
    "a: {b: }\n",
    "a: {b}\n",
    "a: [b: c]\n",
    "a: [x]: y\n",
    "- " * 150 + "x\n",                                   # PyYAML's path recurses: RecursionError at ~1000
    "a:\n" + "".join(" " * n + f"k{n}:\n" for n in range(1, 150)) + " " * 150 + "x\n",
    "[" * 150 + "]" * 150 + "\n",
    "a: " + "{b: " * 150 + "c" + "}" * 150 + "\n",
]


@pytest.mark.parametrize("text", TAKEN)
def test_taken(text):
    assert check(text), text


@pytest.mark.parametrize("text", DECLINED)
def test_declined(text):
    check(text)
    assert fastyaml.compose(text) is None, text


@FUZZ
@given(st.text(st.sampled_from(list("0123456789_.:-+eExobTtZ ~nNyYfFoOaulsr<=")), min_size=1, max_size=14))
def test_plain_values_as_pyyaml(raw):
    """The implicit resolvers as one pattern per first character, and the constructors: the
    value PyYAML gives a plain scalar, or a decline where PyYAML raises."""
    loader = yaml.SafeLoader("")
    try:
        expected = loader.construct_object(yaml.ScalarNode(loader.resolve(yaml.ScalarNode, raw, (True, False)), raw))
    except Exception:
        expected = "declined"
    try:
        got = yamlscalars.plain_value(raw, yamlscalars.value_table(yaml.SafeLoader.yaml_implicit_resolvers))
    except yamlscalars.Decline:
        got = "declined"
    assert (type(got), repr(got)) == (type(expected), repr(expected))


# -- documents generated in the subset: taken, and equal to PyYAML's nodes ------------------

PLAIN_WORDS = ["a", "name", "x_y", "cloudify-aws-plugin", "yes", "no", "on", "off", "Y", "n", "True", "false",
               "~", "null", "Null", "1", "0", "-1", "+2", "1_000", "0o17", "012", "0x1F", "0b101", "1:30", "3.10",
               "1.0.0", "2020-01-02", "2020-1-2", "2001-12-14t21:59:43.10-05:00", ".inf", "-.INF", ".nan", "1e3",
               "6.8523015e+5", "hello world", "https://example.org/a:b", "a#b", "é", "日本", "-x", ".5", "=x", "<x",
               "a'b", 'a"b', "x!", "50%", "a  b", "¬"]
FLOW_UNSAFE = set(",[]{}:#?")
QUOTABLE = st.text(st.characters(min_codepoint=32, max_codepoint=126, blacklist_characters="\"'\\")
                   | st.sampled_from("éü日本ß"), max_size=8)


@st.composite
def scalars(draw) -> str:
    if draw(st.booleans()):
        return draw(st.sampled_from(PLAIN_WORDS))
    text = draw(QUOTABLE)
    return f'"{text}"' if draw(st.booleans()) else f"'{text}'"


keys = st.sampled_from(["a", "b", "name", "url", "size", "1", "yes", "é", "k-1", "x y", '"q"', "'s'", '"a b"'])


def trees(leaves):
    return st.recursive(leaves, lambda children: st.one_of(
        st.lists(children, max_size=4).map(lambda items: ("seq", items)),
        st.dictionaries(keys, children, max_size=4).map(lambda items: ("map", list(items.items())))),
        max_leaves=20)


@st.composite
def documents(draw) -> str:
    """A tree of mappings, sequences and scalars written in the subset with random layout."""
    root = draw(trees(scalars()).filter(lambda node: isinstance(node, tuple)))
    step = draw(st.integers(1, 4))
    lines: list[str] = []

    def comment() -> str:
        return draw(st.sampled_from(["", "", "", " # note", "  #: x"]))

    def flow(node) -> str:
        if not isinstance(node, tuple):
            return node if not FLOW_UNSAFE.intersection(node) or node[0] in "'\"" else '"x"'
        if node[0] == "seq":
            return "[" + ", ".join(flow(item) for item in node[1]) + "]"
        return "{" + ", ".join(f"{key}: {flow(value)}" for key, value in node[1]) + "}"

    def block(node, col: int, prefix: str) -> None:
        """Writes `node` after `prefix`: a key's `:` or a dash at column `col`, or nothing (the
        document, at column `col`)."""
        if not isinstance(node, tuple) or not node[1] or draw(st.integers(0, 5)) == 0:
            lines.append((prefix + " " * draw(st.integers(1, 2)) if prefix else " " * col) + flow(node) + comment())
            return
        kind, items = node
        first = ""
        if not prefix:
            child = col
        elif prefix.endswith(":") or draw(st.booleans()):    # the collection starts on the next line
            lines.append(prefix + comment())
            if draw(st.integers(0, 3)) == 0:
                lines.append(" " * draw(st.integers(0, 8)) + "# between")
            indentless = kind == "seq" and prefix.endswith(":") and draw(st.booleans())
            child = col if indentless else col + step
        else:                                                # compact: the first item on the dash's line
            spaces = draw(st.integers(1, 3))
            child = col + 1 + spaces
            first = prefix + " " * spaces
        for number, item in enumerate(items):
            lead = first if number == 0 and first else " " * child
            if kind == "seq":
                block(item, child, lead + "-")
            else:
                key, value = item
                block(value, child, lead + key + ":")
            if draw(st.integers(0, 6)) == 0:
                lines.append("")

    block(root, draw(st.integers(0, 2)), "")
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))


@FUZZ
@given(documents())
def test_generated_documents(text):
    assert check(text), text


# -- anything else: declined, or equal ------------------------------------------------------

@FUZZ
@given(st.text(st.sampled_from(list(" \n-:#'\"[]{},?&*!|>~.ab01é\t\xa0😀<=%\\")), max_size=60))
def test_yaml_punctuation(text):
    check(text)


def _bases() -> list[str]:
    texts = [path.read_text(encoding="utf-8") for path in sorted((REPO / "plugins-index").glob("*.yaml"))]
    return [text for text in texts if len(text) < 20_000] + TAKEN


BASES = _bases()
INSERTS = [" ", "  ", "\t", ":", ": ", "-", "- ", "#", " #", '"', "'", "\n", "[", "]", "{", "}", ",", "?", "&", "*",
           "!", "|", ">", "~", "é", "\r", "\x00", "...", "---", "<<: ", "\\", "%"]
EDITS = st.lists(st.tuples(st.integers(0, 7), st.floats(0, 1, exclude_max=True), st.floats(0, 1, exclude_max=True),
                           st.sampled_from(INSERTS)), min_size=1, max_size=4)


@FUZZ
@given(st.one_of(st.sampled_from(BASES), documents()), EDITS)
def test_mutations(text, edits):
    """Characters or lines deleted, duplicated, moved or re-indented, values removed, syntax
    inserted: whatever PyYAML then reports (a syntax error, a duplicate key) or raises, the
    fast path declines."""
    for kind, where, other, insert in edits:
        if not text:
            break
        i = int(where * len(text))
        lines = text.split("\n")
        line = int(where * len(lines))
        if kind == 0:
            text = text[:i] + text[i + 1:]
        elif kind == 1:
            text = text[:i] + text[i] + text[i:]
        elif kind == 2:
            text = text[:i] + insert + text[i:]
        elif kind == 3:
            del lines[line]
            text = "\n".join(lines)
        elif kind == 4:
            lines.insert(line, lines[line])
            text = "\n".join(lines)
        elif kind == 5:
            lines.insert(int(other * len(lines)), lines.pop(line))
            text = "\n".join(lines)
        elif kind == 6:
            shift = int(other * 9) - 4
            lines[line] = " " * max(0, shift) + lines[line][max(0, -shift):]
            text = "\n".join(lines)
        else:                  # a value removed: `key:` (null) or `-`
            cut = max(lines[line].find(": "), lines[line].find("- "))
            lines[line] = lines[line][:cut + 1] if cut >= 0 else lines[line]
            text = "\n".join(lines)
    check(text)


def test_mutations_of_a_benchmark_file(tmp_path):
    """Many single edits of one benchmark file, each checked (a seeded sweep beside hypothesis)."""
    write_catalog(tmp_path, plugins=1, versions=2, wagons=2)
    base = next((tmp_path / "plugins-index").glob("*.yaml")).read_text(encoding="utf-8")
    rng = random.Random(7)
    declined = 0
    for _ in range(400):
        i = rng.randrange(len(base))
        text = base[:i] + rng.choice(INSERTS + [""]) + base[i + rng.randint(0, 2):]
        declined += not check(text)
    assert declined > 0
