"""Write the seminar's map in every format the corpus reads, and the malformed files the
readers must refuse: ``.venv/bin/python tests/data/maps/make_maps.py``.

The tree comes from the text export and its outline (``corpus/``), so every format holds
exactly the same texts in the same order; the tests compare each reader's tree with the
text export's. The output is deterministic (ids from hashes, fixed zip dates), so running
it again changes no byte.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from rag_territoires.corpus.model import ReadNode
from rag_territoires.corpus.readers.text_export import TextExportReader

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent
STEM = "seminaire-territoires-ruraux-carte-mentale"
EXPORT = ROOT / "corpus" / f"{STEM}.txt"
OUTLINES = [
    ROOT / "corpus" / f"{STEM}.outline.md",
    ROOT / "corpus" / "seminaire-territoires-ruraux-plan.md",
]
DATE = (2024, 1, 1, 0, 0, 0)  # every zip member's date: the same bytes on every run
XML = '<?xml version="1.0" encoding="UTF-8"?>'
Tree = list[tuple[str, "Tree"]]  # (text, children)


def read_map() -> tuple[str, Tree]:
    """The title and the tree, as the text export reader reads them."""
    outline = next(path for path in OUTLINES if path.is_file())
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / f"{STEM}.txt"
        shutil.copy(EXPORT, export)
        shutil.copy(outline, Path(folder) / f"{STEM}.outline.md")
        read = TextExportReader().read(export)

    def tree(nodes: list[ReadNode]) -> Tree:
        return [(node.text, tree(node.children)) for node in nodes]

    return read.title, tree(read.roots)


def topic_id(path: tuple[str, ...]) -> str:
    """Stable, XMind-like (26 characters): from the texts from the central topic down."""
    return hashlib.sha1("\x1f".join(path).encode()).hexdigest()[:26]


def attr(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def element(tag: str, text: str, children: list[str], pad: str) -> list[str]:
    """``<tag TEXT>`` with its children's lines indented, or ``<tag TEXT/>`` without."""
    if not children:
        return [f"{pad}<{tag} {text}/>"]
    return [f"{pad}<{tag} {text}>", *children, f"{pad}</{tag}>"]


def opml(title: str, tree: Tree) -> str:
    def outline(text: str, children: Tree, pad: str) -> list[str]:
        inner = [line for t, c in children for line in outline(t, c, pad + "  ")]
        return element("outline", f'text="{attr(text)}"', inner, pad)

    head = ["  <head>", f"    <title>{escape(title)}</title>", "  </head>"]
    body = [line for text, children in tree for line in outline(text, children, "    ")]
    return "\n".join(
        [XML, '<opml version="2.0">', *head, "  <body>", *body, "  </body>", "</opml>", ""]
    )


def freemind(title: str, tree: Tree) -> str:
    """As FreeMind writes it (no indentation, ids, sides), with icons the reader ignores."""

    def node(text: str, children: Tree, path: tuple[str, ...], index: int) -> list[str]:
        here = (*path, text)
        side = f'POSITION="{("right", "left")[index % 2]}" ' if len(here) == 2 else ""
        icon = ['<icon BUILTIN="idea"/>'] if len(here) == 3 and index == 0 else []
        inner = [line for i, (t, c) in enumerate(children) for line in node(t, c, here, i)]
        start = f'ID="ID_{int(topic_id(here)[:8], 16)}" {side}TEXT="{attr(text)}"'
        return element("node", start, icon + inner, "")

    comment = "<!-- written by tests/data/maps/make_maps.py -->"
    return "\n".join(['<map version="1.0.1">', comment, *node(title, tree, (), 0), "</map>", ""])


def xmind_json(title: str, tree: Tree) -> str:
    def topic(text: str, children: Tree, path: tuple[str, ...]) -> dict[str, object]:
        here = (*path, text)
        item: dict[str, object] = {"id": topic_id(here), "class": "topic", "title": text}
        if children:
            item["children"] = {"attached": [topic(t, c, here) for t, c in children]}
        return item

    root = topic(title, tree, ()) | {"structureClass": "org.xmind.ui.map.unbalanced"}
    sheet = {"id": topic_id(("sheet",)), "class": "sheet", "title": "Carte 1", "rootTopic": root}
    return json.dumps([sheet], ensure_ascii=False, indent=2) + "\n"


def xmind_xml(title: str, tree: Tree) -> str:
    def topic(text: str, children: Tree, path: tuple[str, ...], pad: str) -> list[str]:
        here = (*path, text)
        inner = [f"{pad}  <title>{escape(text)}</title>"]
        if children:
            topics = [line for t, c in children for line in topic(t, c, here, pad + "      ")]
            inner += [f"{pad}  <children>", f'{pad}    <topics type="attached">', *topics]
            inner += [f"{pad}    </topics>", f"{pad}  </children>"]
        return element("topic", f'id="{topic_id(here)}"', inner, pad)

    start = '<xmap-content xmlns="urn:xmind:xmap:xmlns:content:2.0" version="2.0">'
    sheet = [f'  <sheet id="{topic_id(("sheet",))}">', *topic(title, tree, (), "    ")]
    end = ["    <title>Feuille 1</title>", "  </sheet>", "</xmap-content>", ""]
    return "\n".join([XML, start, *sheet, *end])


def markdown(title: str, tree: Tree) -> str:
    def items(nodes: Tree, depth: int) -> list[str]:
        return [line for t, c in nodes for line in [f"{'  ' * depth}- {t}", *items(c, depth + 1)]]

    sections = [line for t, c in tree for line in [f"## {t}", "", *items(c, 0), ""]]
    return "\n".join([f"# {title}", "", *sections])


def zip_bytes(members: dict[str, bytes | str]) -> bytes:
    """A zip with fixed dates and order, so the same members give the same bytes."""
    with tempfile.SpooledTemporaryFile() as buffer:
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, data in members.items():
                info = zipfile.ZipInfo(name, DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, data)
        buffer.seek(0)
        return buffer.read()


def xmind_zen(content: bytes | str) -> bytes:
    """As XMind 2020 writes it: content.json, and a content.xml for old versions to refuse."""
    stub = '<?xml version="1.0" encoding="UTF-8"?><xmap-content><sheet id="w"><topic id="w1">'
    stub += "<title>This file needs XMind 2020 or later</title></topic></sheet></xmap-content>"
    manifest = {"file-entries": {"content.json": {}, "metadata.json": {}}}
    metadata = {"creator": {"name": "make_maps.py"}}
    return zip_bytes(
        {
            "content.json": content,
            "content.xml": stub,
            "manifest.json": json.dumps(manifest),
            "metadata.json": json.dumps(metadata),
        }
    )


def xmind_8(content: bytes | str) -> bytes:
    manifest = '<manifest xmlns="urn:xmind:xmap:xmlns:manifest:1.0"/>'
    return zip_bytes({"content.xml": content, "META-INF/manifest.xml": manifest})


def zip_bomb(uncompressed: int, declared: int | None = None) -> bytes:
    """``content.json`` of ``uncompressed`` zeros, streamed: a few hundred KB on disk at most.
    With ``declared``, its headers lie about its size (the bounded read must hold)."""
    with tempfile.SpooledTemporaryFile() as buffer:
        with zipfile.ZipFile(buffer, "w") as archive:
            info = zipfile.ZipInfo("content.json", DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w") as member:
                for _ in range(uncompressed // 2**20):
                    member.write(bytes(2**20))
        buffer.seek(0)
        data = bytearray(buffer.read())
    if declared is not None:  # the uncompressed size in the local and the central header
        for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
            at = data.index(signature) + offset
            data[at : at + 4] = declared.to_bytes(4, "little")
    return bytes(data)


BOMB = '<!DOCTYPE {} [\n <!ENTITY a "aaaaaaaaaa">\n <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">\n]>\n'
XXE = '<!DOCTYPE {} [\n <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
LATIN1 = b"<?xml version='1.0' encoding='UTF-8'?>\n"  # followed by Latin-1 bytes


def zen(*topics: dict[str, str]) -> bytes:
    """An XMind 2020 map whose central topic has ``topics`` attached."""
    root = {"id": "root", "title": "Centre", "children": {"attached": list(topics)}}
    return xmind_zen(json.dumps([{"rootTopic": root}], indent=2))


def malformed() -> dict[str, bytes | str]:
    """Small files each reader must refuse, with a clear message naming file and place."""
    opml_ = '<opml version="2.0"><head><title>T</title></head>\n<body>\n{}\n</body></opml>\n'.format
    mm = '<map version="1.0.1">\n<node TEXT="Centre">\n{}\n</node>\n</map>\n'.format
    xml8 = '<xmap-content><sheet id="s">\n<topic id="t">\n{}\n</topic></sheet></xmap-content>\n'
    child = '<title>A</title><children><topics type="attached">\n{}</topics></children>'.format
    return {
        "empty.opml": "",
        "not-well-formed.opml": opml_('<outline text="A">'),
        "outline-without-text.opml": opml_('<outline text="A"/>\n<outline title="B"/>'),
        "wrong-encoding.opml": LATIN1 + opml_('<outline text="Région"/>').encode("latin-1"),
        "billion-laughs.opml": BOMB.format("opml") + opml_('<outline text="&b;"/>'),
        "external-entity.opml": XXE.format("opml") + opml_('<outline text="&xxe;"/>'),
        "empty.mm": "",
        "not-well-formed.mm": mm('<node TEXT="A">\n<node TEXT="B"></nod>'),
        "node-without-text.mm": mm(
            '<node TEXT="A"/>\n<node ID="ID_2"><icon BUILTIN="idea"/></node>'
        ),
        "wrong-encoding.mm": LATIN1 + mm('<node TEXT="Région"/>').encode("latin-1"),
        "billion-laughs.mm": BOMB.format("map") + mm('<node TEXT="&b;"/>'),
        "external-entity.mm": XXE.format("map") + mm('<node TEXT="&xxe;"/>'),
        "empty.xmind": "",
        "not-a-zip.xmind": '[{"rootTopic": {}}]\n',
        "no-content.xmind": zip_bytes({"manifest.json": "{}", "Thumbnails/thumbnail.png": ""}),
        "bad-json.xmind": xmind_zen('[\n  {"rootTopic": {"id": "root", "title": "Centre",}}\n]\n'),
        "topic-without-title.xmind": zen({"id": "a", "title": "A"}, {"id": "b"}),
        "duplicate-ids.xmind": zen({"id": "a", "title": "A"}, {"id": "root", "title": "B"}),
        "wrong-encoding.xmind": xmind_zen('[{"rootTopic": {"title": "Région"}}]'.encode("latin-1")),
        "zip-bomb.xmind": zip_bomb(100 * 2**20),
        "lying-header.xmind": zip_bomb(25 * 2**20, declared=1000),
        "not-well-formed-legacy.xmind": xmind_8(xml8.format("<title>A</title><children>")),
        "topic-without-title-legacy.xmind": xmind_8(xml8.format(child('<topic id="u"/>'))),
        "billion-laughs-legacy.xmind": xmind_8(BOMB.format("xmap-content") + xml8.format("&b;")),
        "empty.md": "",
        "empty-heading.md": "# Titre\n\n## Ateliers\n\n##\n",
        "empty-item.md": "## Ateliers\n\n- Transitions\n  -\n",
        "wrong-encoding.md": "## Région\n".encode("latin-1"),
        "unclosed-comment.md": "## Ateliers\n\n<!-- a note\n- Transitions\n",
    }


def write(path: Path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)


def main() -> None:
    title, tree = read_map()
    write(HERE / "opml" / f"{STEM}.opml", opml(title, tree))
    write(HERE / "freemind" / f"{STEM}.mm", freemind(title, tree))
    write(HERE / "xmind" / f"{STEM}.xmind", xmind_zen(xmind_json(title, tree)))
    write(HERE / "xmind-legacy" / f"{STEM}.xmind", xmind_8(xmind_xml(title, tree)))
    write(HERE / "markdown" / f"{STEM}.md", markdown(title, tree))
    for name, data in malformed().items():
        write(HERE / "malformed" / name, data)


if __name__ == "__main__":
    main()
