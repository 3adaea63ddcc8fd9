"""Maps built to hurt the readers (issue 29): lines that made the Markdown reader
quadratic, trees too deep for the rest of the pipeline, UTF-16 without a byte order mark.
Each is refused with ``file:location: reason``, or read in linear time."""

from __future__ import annotations

import inspect
import json
import sys
import zipfile
from pathlib import Path

import pytest

from rag_territoires.config import Settings
from rag_territoires.corpus.model import MAX_NODE_DEPTH, ReadDocument, ReadNode
from rag_territoires.corpus.readers import markdown, reader_for
from rag_territoires.corpus.readers.files import MAX_LINE_CHARS
from rag_territoires.corpus.readers.xml_safety import parse_xml
from rag_territoires.engine import Engine
from rag_territoires.errors import SourceFileError
from tests.conftest import make_client
from tests.helpers import run

pytestmark = pytest.mark.integration


def read(path: Path) -> ReadDocument:
    return reader_for(path).read(path)


def write_export(folder: Path, texts: list[str], depths: list[int], name: str = "deep") -> Path:
    """A text export and its outline: one node per text, at its depth."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_text("".join(f"{t}\n\n" for t in texts), encoding="utf-8")
    items = "".join(f"{'  ' * d}- {t}\n" for t, d in zip(texts, depths, strict=True))
    (folder / f"{name}.outline.md").write_text(f"# Deep\n\n{items}", encoding="utf-8")
    return folder / f"{name}.txt"


# --- item 4: lines --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("long.md", "# Title\n\n- fine\n" + "x" * (MAX_LINE_CHARS + 1) + "\n", 4),
        ("long-heading.md", "## " + "a" * MAX_LINE_CHARS + "\n", 1),
        ("long.txt", "Fine\n\n" + "y" * (MAX_LINE_CHARS + 1) + "\n", 3),
    ],
)
def test_a_line_over_the_limit_is_refused_with_file_and_line(name, text, line, tmp_path):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    (tmp_path / "long.outline.md").write_text("- Fine\n", encoding="utf-8")
    with pytest.raises(SourceFileError) as refused:
        read(path)
    assert refused.value.location == line
    assert f"more than {MAX_LINE_CHARS} characters" in str(refused.value)


def test_a_long_outline_line_is_refused_with_its_file_and_line(tmp_path):
    export = write_export(tmp_path, ["Fine"], [0])
    outline = tmp_path / "deep.outline.md"
    outline.write_text("- Fine\n<!-- " + "z" * MAX_LINE_CHARS + " -->\n", encoding="utf-8")
    with pytest.raises(SourceFileError, match=f"^{outline}:2: .*more than {MAX_LINE_CHARS}"):
        read(export)


def test_lines_at_the_limit_are_read_in_linear_time(tmp_path):
    """1,000 heading and item lines at the limit, each ending in a run of blanks that made
    the old patterns backtrack over the whole line (about 1 s a line here: 15 minutes).
    `run` bounds it with a hang guard of 5 minutes; linear, it takes a second or two."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    blanks = " \t" * ((MAX_LINE_CHARS - 10) // 2)
    lines = [f"## h{i:03d}{blanks}x" if i % 2 else f"- i{i:03d}{blanks}x" for i in range(1000)]
    (corpus / "wide.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert max(len(line) for line in lines) <= MAX_LINE_CHARS
    out = run("check", env={"RAG_TERRITOIRES_CORPUS_DIR": str(corpus)})
    assert out.returncode == 0, out.stderr
    assert "wide.md (markdown): 'wide', 1000 nodes" in out.stdout


def test_paragraph_lines_are_joined_once_per_node(tmp_path, monkeypatch):
    """A node's text was rebuilt for each of its paragraph lines: quadratic in the
    paragraph's length (1.6 MB of short lines took 35 s)."""
    assignments: list[str] = []

    class CountingNode(ReadNode):
        def __setattr__(self, name: str, value: object) -> None:
            if name == "text":
                assignments.append(name)
            super().__setattr__(name, value)

    monkeypatch.setattr(markdown, "ReadNode", CountingNode)
    path = tmp_path / "paragraphs.md"
    path.write_text("# T\n## A\n" + "a line\n" * 5000 + "## B\nlast\n", encoding="utf-8")
    document = read(path)
    assert [n.text.count("\n") for n in document.roots] == [5000, 1]
    assert len(assignments) <= 2 * 2  # each node: made, then its lines joined once


def test_rich_text_is_read_without_a_frame_per_level(tmp_path):
    """Nested generators passed each piece of a rich text up through every level (depth
    times size: a 20 MB note 480 elements deep took minutes). With a stack, the text of
    400 nested elements needs no deeper Python stack than one element's."""
    data = b"<r>" + b"<b>x<br/>" * 400 + b"</b>" * 400 + b"</r>"
    element = parse_xml(data, tmp_path / "a.mm").root
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack(0)) + 50)
    try:
        text = element.text()
    finally:
        sys.setrecursionlimit(limit)
    assert text == "x " * 400  # a space after each <br/>, as before


# --- item 11: depth -------------------------------------------------------------------


def nest(open_tag: str, close_tag: str, levels: int) -> str:
    return "".join(open_tag.format(i=i) for i in range(levels)) + close_tag * levels


def xmind_json_topic(levels: int, prefix: str = "t") -> dict:
    topic: dict = {"id": f"{prefix}{levels}", "title": f"n{levels}"}
    for i in reversed(range(levels)):
        topic = {"id": f"{prefix}{i}", "title": f"n{i}", "children": {"attached": [topic]}}
    return topic


def xmind_xml(levels: int) -> str:
    topics = nest(
        '<topic id="t{i}"><title>n{i}</title><children><topics type="attached">',
        "</topics></children></topic>",
        levels,
    )
    return f"<xmap-content><sheet>{topics}</sheet></xmap-content>"


def deep_map(kind: str, levels: int, folder: Path) -> Path:
    """A map whose tree is ``levels`` nodes deep (a central topic, which is the title, on
    top of them where the format has one)."""
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "text":
        return write_export(folder, [f"n{i}" for i in range(levels)], list(range(levels)))
    path = folder / f"deep.{kind.split('-')[0]}"
    if kind == "md":
        path.write_text("".join(f"{'  ' * i}- n{i}\n" for i in range(levels)))
    elif kind == "opml":
        outlines = nest('<outline text="n{i}">', "</outline>", levels)
        path.write_text(f"<opml><body>{outlines}</body></opml>")
    elif kind == "mm":  # a central topic over ``levels`` levels
        nodes = nest('<node TEXT="n{i}">', "</node>", levels + 1)
        path.write_text(f"<map>{nodes}</map>")
    elif kind == "mm-2-tops":  # no central topic: each top node is a root
        nodes = nest('<node TEXT="n{i}">', "</node>", levels)
        path.write_text(f'<map>{nodes}<node TEXT="other"/></map>')
    elif kind == "xmind-json":
        sheets = [{"title": "S", "rootTopic": xmind_json_topic(levels)}]
        write_xmind(path, "content.json", json.dumps(sheets))
    elif kind == "xmind-2-sheets":
        sheets = [
            {"title": "S", "rootTopic": xmind_json_topic(levels - 1)},
            {"title": "T", "rootTopic": xmind_json_topic(0, "other")},
        ]
        write_xmind(path, "content.json", json.dumps(sheets))
    else:
        write_xmind(path, "content.xml", xmind_xml(levels + 1))
    return path


def write_xmind(path: Path, member: str, text: str) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, text)


def depth(nodes: list[ReadNode]) -> int:
    deepest, stack = 0, [(node, 1) for node in nodes]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in node.children)
    return deepest


KINDS = ["text", "md", "opml", "mm", "mm-2-tops", "xmind-json", "xmind-2-sheets", "xmind-xml"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_reader_takes_the_depth_limit_and_refuses_one_level_more(kind, tmp_path):
    accepted = deep_map(kind, MAX_NODE_DEPTH, tmp_path / "limit")
    assert depth(read(accepted).roots) == MAX_NODE_DEPTH
    refused = deep_map(kind, MAX_NODE_DEPTH + 1, tmp_path / "over")
    with pytest.raises(SourceFileError, match=f"nested more than {MAX_NODE_DEPTH} deep"):
        read(refused)


def test_a_text_export_of_1200_levels_is_one_line_not_a_traceback(corpus_dir, tmp_path):
    deep = deep_map("text", 1200, tmp_path / "incoming")
    env = {
        "RAG_TERRITOIRES_CORPUS_DIR": str(corpus_dir),
        "RAG_TERRITOIRES_INDEX_DIR": str(tmp_path / "index"),
    }
    out = run("add", str(deep), "--quiet", env=env)
    assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr
    assert out.stderr.strip().splitlines() == [
        f"rag-territoires: error: {deep.with_name('deep.outline.md')}:{MAX_NODE_DEPTH + 3}: "
        f"nodes nested more than {MAX_NODE_DEPTH} deep"
    ]


def test_the_deepest_map_accepted_is_served_by_the_tree_routes(engine, tmp_path):
    deep_map("text", MAX_NODE_DEPTH, tmp_path / "corpus")
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    deep = Engine(settings, encoders=engine.encoders)
    deep.warm_up()
    with make_client(deep, rate_limit_per_minute=0) as client:
        forest = client.get("/v1/tree")
        one = client.get("/v1/documents/deep.txt/tree")
    assert forest.status_code == 200 and one.status_code == 200, forest.text
    levels, node = 0, {"children": one.json()["roots"]}
    while node["children"]:
        levels, node = levels + 1, node["children"][0]
    assert levels == MAX_NODE_DEPTH
    assert forest.json()["documents"] == [one.json()]


# --- item 13: UTF-16 without a byte order mark ------------------------------------------

OPML = '<?xml version="1.0" encoding="UTF-16"?>\n<opml><body>\n<outline text="Region"/>\n'


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("a.opml", OPML + "</body></opml>\n"),
        ("a.mm", '<map><node TEXT="Centre">\n<node TEXT="Region"/>\n</node></map>\n'),
        ("a.md", "# Title\n\n- Region\n"),
    ],
)
def test_utf16_without_a_byte_order_mark_is_refused(name, text, encoding, tmp_path):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    with pytest.raises(SourceFileError, match=r":1: .*UTF-16 .*without a byte order mark"):
        read(path)


def test_utf16_with_its_byte_order_mark_is_still_read(tmp_path):
    path = tmp_path / "a.opml"
    path.write_bytes((OPML + "</body></opml>\n").encode("utf-16"))
    document = read(path)
    assert [n.text for n in document.roots] == ["Region"]
    assert "\x00" not in "".join(document.lines)
