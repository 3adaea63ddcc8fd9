"""The readers of every format: the seminar's map read from each gives the text export's
tree, each node can be found again in the lines it cites, and malformed or hostile files
are refused with ``file:location: reason`` (tests/data/maps/, written by make_maps.py)."""

from __future__ import annotations

import html
import json
import shutil
import time
import zipfile
from pathlib import Path

import pytest

from rag_territoires.corpus.model import MAX_NODE_DEPTH, ReadDocument, ReadNode
from rag_territoires.corpus.readers import READERS, reader_for
from rag_territoires.corpus.readers.text_export import TextExportReader
from rag_territoires.corpus.readers.xmind import MAX_CONTENT_BYTES, MAX_MEMBERS
from rag_territoires.corpus.readers.xml_safety import parse_xml
from rag_territoires.errors import SourceFileError
from tests.helpers import FORMATS, MAPS, STEM

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
MALFORMED = MAPS / "malformed"
Shape = tuple[tuple[str, "Shape"], ...]


def shape(nodes: list[ReadNode]) -> Shape:
    return tuple((node.text, shape(node.children)) for node in nodes)


def walk(nodes: list[ReadNode]) -> list[ReadNode]:
    return [n for node in nodes for n in (node, *walk(node.children))]


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> ReadDocument:
    """The seminar's map as the text export reader reads it (the outline, whatever its
    current name in corpus/, beside the export)."""
    folder = tmp_path_factory.mktemp("export")
    outline = next(
        path
        for path in (
            ROOT / "corpus" / f"{STEM}.outline.md",
            ROOT / "corpus" / "seminaire-territoires-ruraux-plan.md",
        )
        if path.is_file()
    )
    shutil.copy(ROOT / "corpus" / f"{STEM}.txt", folder / f"{STEM}.txt")
    shutil.copy(outline, folder / f"{STEM}.outline.md")
    return TextExportReader().read(folder / f"{STEM}.txt")


def read(name: str) -> ReadDocument:
    return reader_for(MAPS / FORMATS[name]).read(MAPS / FORMATS[name])


def test_each_suffix_has_its_reader_and_the_text_export_comes_first():
    assert isinstance(READERS[0], TextExportReader)
    found = {name: reader_for(MAPS / path).format for name, path in FORMATS.items()}
    assert found == {n: n.removesuffix("-legacy") for n in FORMATS}
    assert reader_for(Path("notes.MARKDOWN")).format == "markdown"


@pytest.mark.parametrize("name", FORMATS)
def test_every_format_gives_the_text_exports_tree_and_title(name, export):
    document = read(name)
    assert document.format == name.removesuffix("-legacy")
    assert document.title == export.title != STEM  # the outline's title, not a file's stem
    assert shape(document.roots) == shape(export.roots)  # texts, nesting and order
    assert len(document.roots) == 8 and len(walk(document.roots)) == len(walk(export.roots))
    assert document.files == (MAPS / FORMATS[name],)


def content_lines(name: str) -> list[str]:
    """The cited file's lines as stored: the map itself, or the content inside the zip."""
    path = MAPS / FORMATS[name]
    if path.suffix != ".xmind":
        return path.read_text(encoding="utf-8").split("\n")[:-1]
    member = "content.json" if name == "xmind" else "content.xml"
    with zipfile.ZipFile(path) as archive:
        return archive.read(member).decode("utf-8").split("\n")[:-1]


@pytest.mark.parametrize("name", FORMATS)
def test_each_node_is_found_in_the_lines_it_cites(name):
    document = read(name)
    assert document.lines == content_lines(name)
    for node in walk(document.roots):
        assert 1 <= node.line_start <= node.line_end <= len(document.lines)
        cited = "\n".join(document.lines[node.line_start - 1 : node.line_end])
        if name == "xmind":  # from the id's line to the title's: a few lines, never more
            assert json.dumps(node.text, ensure_ascii=False)[1:-1] in cited
            assert node.line_end - node.line_start <= 3
        elif name == "markdown":
            assert node.text in cited
        else:
            assert node.text in html.unescape(cited)
            assert node.line_start == node.line_end or name == "xmind-legacy"


@pytest.mark.parametrize("name", ["xmind", "xmind-legacy"])
def test_xmind_nodes_carry_their_topic_ids(name):
    document = read(name)
    nodes = walk(document.roots)
    ids = [node.topic_id for node in nodes]
    assert all(ids) and len(set(ids)) == len(ids)
    for node in nodes:  # the id is on the first cited line: a location that survives edits
        assert f'"{node.topic_id}"' in document.lines[node.line_start - 1]
    if name == "xmind":
        sheets = json.loads("\n".join(document.lines))
        attached = sheets[0]["rootTopic"]["children"]["attached"]
        assert [node.topic_id for node in document.roots] == [t["id"] for t in attached]


@pytest.mark.parametrize("name", ["opml", "freemind", "markdown"])
def test_formats_without_topic_ids_give_none(name):
    assert {node.topic_id for node in walk(read(name).roots)} == {None}


# file, location, words of the reason
REFUSED = [
    ("empty.opml", 1, "not well-formed XML: no element found"),
    ("not-well-formed.opml", 4, "not well-formed XML: mismatched tag"),
    ("outline-without-text.opml", 4, '<outline> without a "text" attribute'),
    ("wrong-encoding.opml", 4, "is not valid UTF-8: the file declares UTF-8"),
    ("billion-laughs.opml", 1, "DTDs and entity declarations are refused"),
    ("external-entity.opml", 1, "DTDs and entity declarations are refused"),
    ("empty.mm", 1, "not well-formed XML: no element found"),
    ("not-well-formed.mm", 4, "not well-formed XML: mismatched tag"),
    ("node-without-text.mm", 4, "<node> without text"),
    ("wrong-encoding.mm", 4, "is not valid UTF-8: the file declares UTF-8"),
    ("billion-laughs.mm", 1, "DTDs and entity declarations are refused"),
    ("external-entity.mm", 1, "DTDs and entity declarations are refused"),
    ("empty.xmind", 0, "not a zip archive or a corrupt one"),
    ("not-a-zip.xmind", 0, "not a zip archive or a corrupt one"),
    ("no-content.xmind", 0, "no content.json nor content.xml"),
    ("bad-json.xmind", "content.json:2", "not valid JSON: Expecting property name"),
    ("topic-without-title.xmind", "b", "topic without a title"),
    ("duplicate-ids.xmind", "root", "topic id used by more than one topic"),
    ("wrong-encoding.xmind", "content.json:1", "is not valid UTF-8"),
    ("zip-bomb.xmind", "content.json", "104857600 bytes when uncompressed (1028 times"),
    ("lying-header.xmind", 0, "corrupt one (.xmind is a zip): Bad CRC-32"),
    ("not-well-formed-legacy.xmind", "content.xml:4", "not well-formed XML: mismatched tag"),
    ("topic-without-title-legacy.xmind", "u", "topic without a title"),
    ("billion-laughs-legacy.xmind", "content.xml:1", "DTDs and entity declarations are refused"),
    ("empty.md", 0, "no heading nor list item"),
    ("empty-heading.md", 5, "empty heading"),
    ("empty-item.md", 4, "empty list item"),
    ("wrong-encoding.md", 1, "not valid UTF-8 at byte 4"),
    ("unclosed-comment.md", 4, "unclosed <!-- comment"),
]


def test_every_malformed_fixture_is_listed():
    assert {p.name for p in MALFORMED.iterdir()} == {name for name, _, _ in REFUSED}


@pytest.mark.parametrize(("name", "location", "words"), REFUSED)
def test_malformed_files_are_refused_with_file_location_and_reason(name, location, words):
    path = MALFORMED / name
    with pytest.raises(SourceFileError) as refused:
        reader_for(path).read(path)
    assert refused.value.location == location
    message = str(refused.value)
    assert message.startswith(f"{path}:{location}: ")
    assert words in message.removeprefix(f"{path}:{location}: ")


@pytest.mark.parametrize("suffix", [".opml", ".mm"])
def test_entities_are_refused_not_expanded_nor_read(suffix, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    for name in (f"billion-laughs{suffix}", f"external-entity{suffix}"):
        text = (MALFORMED / name).read_text().replace("file:///etc/passwd", secret.as_uri())
        (tmp_path / name).write_text(text)
        with pytest.raises(SourceFileError, match=r":1: DTDs and entity declarations") as err:
            reader_for(tmp_path / name).read(tmp_path / name)
        assert "aaaaaaaaaa" not in str(err.value) and "top secret" not in str(err.value)


def test_undeclared_entities_and_deep_nesting_are_refused():
    with pytest.raises(SourceFileError, match="undefined entity"):
        parse_xml(b'<opml><body><outline text="&xxe;"/></body></opml>', Path("a.opml"))
    with pytest.raises(SourceFileError, match="nested more than 500 deep"):
        parse_xml(b"<a>" * 600 + b"</a>" * 600, Path("a.xml"))


def test_a_zip_bomb_is_refused_from_its_header_without_being_read(monkeypatch):
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **k: pytest.fail("read"))
    started = time.perf_counter()
    with pytest.raises(SourceFileError) as refused:
        reader_for(MALFORMED / "zip-bomb.xmind").read(MALFORMED / "zip-bomb.xmind")
    assert time.perf_counter() - started < 1
    assert f"over the limit of {MAX_CONTENT_BYTES} bytes" in str(refused.value)


def test_a_lying_header_is_read_with_a_bounded_read(monkeypatch):
    sizes: list[int] = []
    real_read = zipfile.ZipExtFile.read

    def read(self, n=-1):
        sizes.append(n)
        return real_read(self, n)

    monkeypatch.setattr(zipfile.ZipExtFile, "read", read)
    with pytest.raises(SourceFileError, match="Bad CRC-32"):
        reader_for(MALFORMED / "lying-header.xmind").read(MALFORMED / "lying-header.xmind")
    assert sizes == [MAX_CONTENT_BYTES + 1]


def write_zip(path: Path, members: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_too_many_members_and_absurd_compression_are_refused(tmp_path):
    many = {f"m{i}": "" for i in range(MAX_MEMBERS)} | {"content.json": "[]"}
    with pytest.raises(SourceFileError, match=f"{MAX_MEMBERS + 1} members, more than"):
        reader_for(tmp_path / "a.xmind").read(write_zip(tmp_path / "a.xmind", many))
    spaces = {"content.json": "[" + " " * 3 * 2**20 + "]"}  # under the size limit, 1000:1
    with pytest.raises(SourceFileError, match="times its compressed size"):
        reader_for(tmp_path / "b.xmind").read(write_zip(tmp_path / "b.xmind", spaces))


def topic(topic_id: str, title: str, *children: dict) -> dict:
    return {"id": topic_id, "title": title, "children": {"attached": list(children)}}


def test_several_xmind_sheets_are_roots_under_the_first_sheets_title(tmp_path):
    sheets = [
        {"title": "Plan A", "rootTopic": topic("a", "Alpha", topic("a1", "Un"))},
        {"title": "Plan B", "rootTopic": topic("b", "Beta"), "relationships": [{"end1Id": "a"}]},
    ]
    path = write_zip(tmp_path / "m.xmind", {"content.json": json.dumps(sheets)})
    document = reader_for(path).read(path)
    assert document.title == "Plan A"
    assert shape(document.roots) == (("Alpha", (("Un", ()),)), ("Beta", ()))
    assert [n.topic_id for n in walk(document.roots)] == ["a", "a1", "b"]
    assert {(n.line_start, n.line_end) for n in walk(document.roots)} == {(1, 1)}  # one line


def test_freemind_rich_text_and_extra_elements(tmp_path):
    path = tmp_path / "m.mm"
    path.write_text(
        '<map version="freeplane 1.9.0">\n<node TEXT="Centre">\n<node ID="n1">\n'
        '<richcontent TYPE="NODE"><html><head><style>p {}</style></head><body>\n'
        "<p>Rich  <b>text</b></p><p>second</p></body></html></richcontent>\n"
        '<richcontent TYPE="NOTE"><html><body><p>a note</p></body></html></richcontent>\n'
        '<attribute NAME="k" VALUE="v"/><arrowlink DESTINATION="n2"/>\n'
        '<node TEXT="  Plain,  spaced  " ID="n2"><hook NAME="x"/></node>\n'
        "</node>\n</node>\n</map>\n",
        encoding="utf-8",
    )
    document = reader_for(path).read(path)
    assert document.title == "Centre"
    assert shape(document.roots) == (("Rich text second", (("  Plain,  spaced  ", ()),)),)
    assert document.roots[0].note == "a note"  # cited with its node, to the note's line
    assert [(n.line_start, n.line_end) for n in walk(document.roots)] == [(3, 6), (8, 8)]


def test_an_opml_file_in_its_declared_encoding_is_read(tmp_path):
    path = tmp_path / "latin.opml"
    text = '<?xml version="1.0" encoding="ISO-8859-1"?>\n<opml><body>\n<outline text="Région"/>'
    path.write_bytes((text + "</body></opml>\n").encode("latin-1"))
    document = reader_for(path).read(path)
    assert (document.title, shape(document.roots)) == ("latin", (("Région", ()),))
    assert document.lines[2] == '<outline text="Région"/></body></opml>'


def test_maps_deeper_than_the_limit_are_refused(tmp_path):
    path = tmp_path / "deep.opml"
    depth = MAX_NODE_DEPTH + 1
    outlines = '<outline text="x">' * depth + "</outline>" * depth
    path.write_text(f"<opml><body>{outlines}</body></opml>")
    with pytest.raises(SourceFileError, match=f"nested more than {MAX_NODE_DEPTH} deep"):
        reader_for(path).read(path)
    path = tmp_path / "deep.md"
    path.write_text("".join(f"{'  ' * i}- x\n" for i in range(depth)))
    with pytest.raises(SourceFileError, match=f"nested more than {MAX_NODE_DEPTH} deep"):
        reader_for(path).read(path)


MARKDOWN = """\
Preamble before any heading, ignored.

### Early
## Section #
<!-- a note
   over two lines -->
- Item  with  spaces
\t- Tabbed child
  continued *as written*

    - Child again
1. Ordered
   2) Nested ordered
---
## C#
```
# not a heading
```
"""


def test_markdown_headings_lists_and_paragraphs(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    document = reader_for(path).read(path)
    assert document.title == "notes"  # no single first H1: the stem
    assert shape(document.roots) == (
        ("Early", ()),
        (
            "Section",
            (
                (
                    "Item  with  spaces",
                    (("Tabbed child\ncontinued *as written*", ()), ("Child again", ())),
                ),
                ("Ordered", (("Nested ordered", ()),)),
            ),
        ),
        ("C#\n```\n# not a heading\n```", ()),  # a fenced block is text, not headings
    )
    nodes = walk(document.roots)
    assert [(n.line_start, n.line_end) for n in nodes[2:4]] == [(7, 7), (8, 9)]


def test_markdown_single_first_h1_is_the_title(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text("# The title #\n\nIntro.\n\n- Root item\n## Section\n### Sub\n")
    document = reader_for(path).read(path)
    assert document.title == "The title"
    assert shape(document.roots) == (("Root item", ()), ("Section", (("Sub", ()),)))
    path.write_text("# One\n## Two\n# Three\n")
    document = reader_for(path).read(path)
    assert (document.title, shape(document.roots)) == (
        "notes",
        (("One", (("Two", ()),)), ("Three", ())),
    )
