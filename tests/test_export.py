from pathlib import Path

import pytest

from rag_territoires.corpus.readers.text_export import parse_export, parse_export_lines
from rag_territoires.errors import CorpusError
from tests.conftest import EXPORT

pytestmark = pytest.mark.unit


def texts(raw: str) -> list[str]:
    return [node.text for node in parse_export_lines(raw.split("\n"))]


def test_a_line_ending_with_a_space_continues_on_the_next_non_blank_line():
    assert texts("Développement de l'agir \n\ncitoyen\n\nTiers-lieux") == [
        "Développement de l'agir citoyen",
        "Tiers-lieux",
    ]


def test_a_line_ending_with_a_hyphen_is_joined_without_a_space():
    assert texts("édifier des socio-\n\nécosystèmes qui \n\nvivent") == [
        "édifier des socio-écosystèmes qui vivent"
    ]


def test_lines_without_a_blank_between_them_are_still_separate_nodes():
    # page break in the export: "Saint-Pierre-et-Miquelon" / "Un territoire en pleine"
    assert texts("Saint-Pierre-et-Miquelon\nUn territoire en pleine \n\ntransformation") == [
        "Saint-Pierre-et-Miquelon",
        "Un territoire en pleine transformation",
    ]


def test_spaces_inside_a_node_are_kept_exactly():
    assert texts("Lien qui  doit être \n\nreconstruit") == ["Lien qui  doit être reconstruit"]


def test_line_spans_are_one_based_and_inclusive():
    nodes = parse_export_lines(["", "Ateliers", "", "Développement de l'agir ", "", "citoyen"])
    assert [(n.line_start, n.line_end) for n in nodes] == [(2, 2), (4, 6)]


def test_the_seminar_export_has_149_nodes_with_the_known_joins():
    nodes = {node.text: node for node in parse_export(EXPORT)}
    assert len(nodes) == 149
    assert "Faire lien par les visio-conférences" in nodes
    assert any("édifier des socio-écosystèmes qui contribuent" in t for t in nodes)
    assert nodes["Enjeux et pistes de travail pour les territoires ruraux"].line_start == 610
    assert nodes["Un territoire en pleine transformation"].line_start == 125
    assert nodes["Place des T. et du DL ?"].line_start == 402


def test_a_file_that_is_not_utf8_is_named_with_the_bad_byte(tmp_path: Path):
    bad = tmp_path / "notes.txt"
    bad.write_bytes("Ateliers\n\ncafé".encode() + b"\xff\n")
    with pytest.raises(CorpusError, match=r"notes\.txt:3: not valid UTF-8 at byte 15"):
        parse_export(bad)


def test_a_missing_file_is_named(tmp_path: Path):
    with pytest.raises(CorpusError, match=r"cannot read .*absent\.txt"):
        parse_export(tmp_path / "absent.txt")
