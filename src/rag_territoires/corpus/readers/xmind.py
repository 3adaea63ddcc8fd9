"""XMind maps (``.xmind``): a zip holding ``content.json`` (XMind Zen / 2020 and later)
or, in older files, ``content.xml``. The zip is opened in memory, with limits on the
number of members and on the content's size and compression ratio (a zip bomb is
refused from its header, and the read is bounded in case the header lies).

One sheet: its central topic names the map, so it is the title and its attached topics
the roots. Several sheets: each sheet's central topic is a root and the first sheet's
title is the title. Floating (detached) topics are left out. A topic's plain-text note is
part of its node. Each node keeps its topic id, and is cited by the lines of the content
file from its id to its title, or to its note when it has one.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
import zlib
from pathlib import Path

from rag_territoires.corpus.model import (
    MAX_NODE_DEPTH,
    ReadDocument,
    ReadNode,
    central_topic_roots,
    fold_note,
)
from rag_territoires.corpus.readers.files import MAX_FILE_BYTES, read_bytes, split_lines
from rag_territoires.corpus.readers.xml_safety import Element, parse_xml
from rag_territoires.errors import SourceFileError

MAX_MEMBERS = 1000  # a map has a few (content, manifest, thumbnail, images)
MAX_CONTENT_BYTES = MAX_FILE_BYTES
MAX_RATIO = 100  # text compresses 5 to 20 times; a bomb a thousand
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError)
_TOKEN = re.compile(r'"(id|title|content)"\s*:\s*("(?:[^"\\]|\\.)*")')  # a key of a JSON object


class XMindReader:
    format = "xmind"
    suffixes = (".xmind",)

    def read(self, path: Path) -> ReadDocument:
        name, data = _content(path)
        lines, found = (_xml_sheets if name == "content.xml" else _json_sheets)(data, path)
        if not found:
            raise SourceFileError(path, name, "no sheet in the map")
        if len(found) == 1:
            title, roots = found[0][1].text, central_topic_roots(found[0][1])
        else:
            title, roots = found[0][0] or path.stem, [root for _, root in found]
        if not roots:
            raise SourceFileError(path, name, "no topic under the central topic")
        return ReadDocument(title, self.format, roots, lines, (path,))


def _content(path: Path) -> tuple[str, bytes]:
    """The content member's name and bytes, read within the limits."""
    try:
        with zipfile.ZipFile(io.BytesIO(read_bytes(path))) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise SourceFileError(path, 0, f"{len(members)} members, more than {MAX_MEMBERS}")
            by_name = {info.filename: info for info in members}
            info = by_name.get("content.json") or by_name.get("content.xml")
            if info is None:
                raise SourceFileError(path, 0, "no content.json nor content.xml in the archive")
            size, packed = info.file_size, max(info.compress_size, 1)
            if size > MAX_CONTENT_BYTES or (size > 1024 * 1024 and size > MAX_RATIO * packed):
                reason = (
                    f"{size} bytes when uncompressed ({size // packed} times its compressed "
                    f"size): over the limit of {MAX_CONTENT_BYTES} bytes or {MAX_RATIO} times"
                )
                raise SourceFileError(path, info.filename, reason)
            with archive.open(info) as stream:
                data = stream.read(MAX_CONTENT_BYTES + 1)
            if len(data) > MAX_CONTENT_BYTES:
                reason = f"more than the limit of {MAX_CONTENT_BYTES} bytes when uncompressed"
                raise SourceFileError(path, info.filename, reason)
            return info.filename, data
    except (*_ZIP_ERRORS, NotImplementedError, RuntimeError, ValueError) as exc:
        raise SourceFileError(
            path, 0, f"not a zip archive or a corrupt one (.xmind is a zip): {exc}"
        ) from None


Spans = dict[str, tuple[int, int, str]]  # id -> its line, the next title's line, that title
NoteLines = dict[str, tuple[int, str]]  # id -> the line of the first "content" after its title


def _spans(lines: list[str]) -> tuple[Spans, NoteLines]:
    """Where topics lie in content.json: XMind writes a topic's id, then its title, then
    its notes, so a node cites the lines from its id to its title (or to its note)."""
    spans: Spans = {}
    notes: NoteLines = {}
    last: str | None = None  # the id whose title comes next
    titled: str | None = None  # the id whose title came last: a note's "content" is its
    for number, line in enumerate(lines, start=1):
        for match in _TOKEN.finditer(line):
            try:
                value = json.loads(match[2])
            except ValueError:  # not a key after all
                continue
            if match[1] == "id":
                last = None if value in spans else value
                spans.setdefault(value, (number, number, ""))
            elif match[1] == "content":
                if titled is not None and titled not in notes:
                    notes[titled] = (number, value)
            elif last is not None:
                spans[last] = (spans[last][0], number, value)
                titled, last = last, None
    return spans, notes


Sheets = list[tuple[str, ReadNode]]  # each sheet's title and central topic


def _json_sheets(data: bytes, path: Path) -> tuple[list[str], Sheets]:
    try:
        lines = split_lines(data.decode("utf-8").removeprefix("\ufeff"))
        sheets = json.loads("\n".join(lines))
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        reason = f"byte {exc.start} is not valid UTF-8, which content.json must be"
        raise SourceFileError(path, f"content.json:{line}", reason) from None
    except json.JSONDecodeError as exc:
        reason = f"not valid JSON: {exc.msg} (column {exc.colno})"
        raise SourceFileError(path, f"content.json:{exc.lineno}", reason) from None
    except RecursionError:
        raise SourceFileError(path, "content.json", "JSON nested too deeply") from None
    if not isinstance(sheets, list) or not all(
        isinstance(s, dict) and isinstance(s.get("rootTopic"), dict) for s in sheets
    ):
        raise SourceFileError(path, "content.json", "not a list of sheets with a rootTopic")
    ids: set[str] = set()
    spans = _spans(lines)
    level = _top_level(len(sheets))
    found = [(s.get("title"), _json_topic(s["rootTopic"], path, spans, ids, level)) for s in sheets]
    return lines, [(title if isinstance(title, str) else "", root) for title, root in found]


def _json_note(topic: dict) -> str:
    notes = topic.get("notes")
    plain = notes.get("plain") if isinstance(notes, dict) else None
    content = plain.get("content") if isinstance(plain, dict) else None
    return fold_note(content) if isinstance(content, str) else ""


def _json_topic(
    topic: object, path: Path, spans: tuple[Spans, NoteLines], ids: set[str], depth: int
) -> ReadNode:
    topic_id = topic.get("id") if isinstance(topic, dict) else None
    if not isinstance(topic, dict) or not isinstance(topic_id, str) or not topic_id:
        raise SourceFileError(path, "content.json", "a topic without an id")
    title = _check(topic_id, topic.get("title"), path, ids, depth)
    children = topic.get("children") or {}
    attached = (children.get("attached") or []) if isinstance(children, dict) else None
    if not isinstance(attached, list):
        raise SourceFileError(path, topic_id, "its attached children are not a list")
    children = [_json_topic(child, path, spans, ids, depth + 1) for child in attached]
    start, end, next_title = spans[0].get(topic_id, (1, 1, ""))
    end = end if next_title == title else start
    note = _json_note(topic)
    note_line, content = spans[1].get(topic_id, (0, ""))
    if note and fold_note(content) == note:
        end = max(end, note_line)
    return ReadNode(title, start, end, children, topic_id=topic_id, note=note)


def _top_level(sheets: int) -> int:
    """The level of a sheet's central topic in the document: the title (0) when it is the
    only sheet, a root (1) among several."""
    return 0 if sheets == 1 else 1


def _check(topic_id: str, title: object, path: Path, ids: set[str], depth: int) -> str:
    if topic_id in ids:  # a topic reached twice would be a cycle, or two nodes with one id
        raise SourceFileError(path, topic_id, "topic id used by more than one topic")
    ids.add(topic_id)
    if not isinstance(title, str) or not title.strip():
        raise SourceFileError(path, topic_id, "topic without a title")
    if depth > MAX_NODE_DEPTH:
        raise SourceFileError(path, topic_id, f"topics nested more than {MAX_NODE_DEPTH} deep")
    return title


def _xml_sheets(data: bytes, path: Path) -> tuple[list[str], Sheets]:
    xml = parse_xml(data, path, "content.xml")
    ids: set[str] = set()
    found: Sheets = []
    sheets = [element for element in xml.root.children if element.tag == "sheet"]
    for sheet in sheets:
        title, topic = sheet.find("title"), sheet.find("topic")
        if topic is None:
            raise SourceFileError(path, f"content.xml:{sheet.line}", "a sheet without a topic")
        root = _xml_topic(topic, path, ids, _top_level(len(sheets)))
        found.append((title.text() if title is not None else "", root))
    return xml.lines, found


def _xml_topic(topic: Element, path: Path, ids: set[str], depth: int) -> ReadNode:
    if not topic.attrs.get("id"):
        raise SourceFileError(path, f"content.xml:{topic.line}", "a topic without an id")
    title_element = topic.find("title")
    text = title_element.text() if title_element is not None else None
    title = _check(topic.attrs["id"], text, path, ids, depth)
    end = title_element.line + title.count("\n") if title_element is not None else topic.line
    attached = [
        child
        for children in topic.children
        if children.tag == "children"
        for topics in children.children
        if topics.tag == "topics" and topics.attrs.get("type", "attached") == "attached"
        for child in topics.children
        if child.tag == "topic"
    ]
    children = [_xml_topic(child, path, ids, depth + 1) for child in attached]
    notes = topic.find("notes")
    plain = notes.find("plain") if notes is not None else None
    note = fold_note(plain.text()) if plain is not None else ""
    if note and plain is not None:
        end = max(end, plain.line + plain.text().count("\n"))
    return ReadNode(title, topic.line, end, children, topic_id=topic.attrs["id"], note=note)
