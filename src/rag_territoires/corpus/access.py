"""Who may read a map: the groups of its sidecar ``<map file>.access.toml``.

A map with no sidecar is public. A sidecar beside ``notes.opml`` is
``notes.opml.access.toml`` and holds ``groups = ["elus", "direction"]``: only callers in
one of those groups see the map (api/access.py). The sidecar lives in the corpus folder
with its map, so it is staged, built and published with it (corpus/transaction.py), and
``remove`` takes it away with its map. A sidecar that cannot be read is refused, never
taken for "public": a map meant to be restricted must not be served to everyone.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path

from rag_territoires.errors import CorpusError

ACCESS_SUFFIX = ".access.toml"
MAX_GROUP_CHARS = 200
MAX_SIDECAR_BYTES = 64 * 1024

Access = dict[str, frozenset[str]]  # a restricted map's file name -> its groups


def sidecar_name(map_file: str) -> str:
    return map_file + ACCESS_SUFFIX


def is_sidecar(path: Path) -> bool:
    return path.name.endswith(ACCESS_SUFFIX)


def checked_groups(groups: object, where: str) -> frozenset[str]:
    """Group names: a non-empty list of non-empty printable names, or ``CorpusError``."""
    if not isinstance(groups, list) or not groups:
        raise CorpusError(f"{where}: groups must be a non-empty list of group names")
    for group in groups:
        if not isinstance(group, str) or not group.strip() or not group.isprintable():
            raise CorpusError(f"{where}: {group!r} is not a group name")
        if len(group) > MAX_GROUP_CHARS or group != group.strip() or "," in group:
            raise CorpusError(
                f"{where}: {group!r} is not a group name (no comma, no surrounding space, "
                f"at most {MAX_GROUP_CHARS} characters)"
            )
    return frozenset(groups)


def parse_groups(text: str) -> frozenset[str]:
    """``--groups elus,direction`` as a set of groups."""
    return checked_groups([g.strip() for g in text.split(",")], "--groups")


def read_sidecar(path: Path) -> frozenset[str]:
    try:
        data = path.read_bytes()
        if len(data) > MAX_SIDECAR_BYTES:
            raise CorpusError(f"{path}: larger than {MAX_SIDECAR_BYTES} bytes")
        table = tomllib.loads(data.decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CorpusError(f"{path}: not a readable access file ({exc})") from None
    unknown = set(table) - {"groups"}
    if unknown:
        raise CorpusError(f"{path}: unknown key {sorted(unknown)[0]!r} (only 'groups')")
    return checked_groups(table.get("groups"), str(path))


def write_sidecar(folder: Path, map_file: str, groups: Iterable[str]) -> str:
    """Write the sidecar of ``map_file`` into ``folder``; its file name."""
    name = sidecar_name(map_file)
    listed = ", ".join(json.dumps(g, ensure_ascii=False) for g in sorted(groups))  # TOML strings
    (folder / name).write_text(f"groups = [{listed}]\n", encoding="utf-8")
    return name


def read_access(folder: Path, map_files: Sequence[str]) -> Access:
    """The groups of every map of ``map_files`` that has a sidecar in ``folder``. A sidecar
    without its map restricts nothing and is not read."""
    access: Access = {}
    for map_file in map_files:
        path = folder / sidecar_name(map_file)
        if path.is_file():
            access[map_file] = read_sidecar(path)
    return access


def hidden_from(access: Access, groups: frozenset[str]) -> frozenset[str]:
    """The files of the maps a caller in ``groups`` may not see."""
    if not access:  # the common case: every map is public
        return frozenset()
    return frozenset(f for f, allowed in access.items() if not allowed & groups)
