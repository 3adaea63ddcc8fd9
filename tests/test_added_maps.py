"""Maps staff add, answered as the seminar is (issue 27): notes are part of their node, answers
name their map, a documents filter never defeats abstention, the seminar's tuning judges the
seminar only, and any corpus can be measured."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from rag_territoires.answer.chat import Message, answer_chat
from rag_territoires.config import Settings
from rag_territoires.corpus.corpus import Corpus, read_document
from rag_territoires.engine import Engine
from rag_territoires.evaluation.mapsets import find_gold, load_map_questions
from rag_territoires.retrieval.calibration import shipped_calibration
from tests.conftest import CORPUS, EXPORT, OUTLINE, ROOT

pytestmark = pytest.mark.system

MAPS = ROOT / "eval" / "maps"
PAT = MAPS / "tuning" / "writer-a" / "projet-alimentaire-territorial.opml"
ENERGY = MAPS / "tuning" / "writer-a" / "energie-citoyenne.md"
BLIND_OPML = MAPS / "blind" / "petite-enfance-rural.opml"
PAT_TITLE = "Atelier PAT Pays de Haute-Sorne - 14 mars 2024"
SEMINAR_TITLE = "Séminaire « territoires ruraux » : carte mentale"
EVAL = [sys.executable, "-m", "rag_territoires.cli", "eval"]


def texts(path: Path) -> dict[str, object]:
    return {node.text.split("\n")[0]: node for node in read_document(path).nodes()}


def test_an_opml_note_is_part_of_its_node_on_its_line(tmp_path):
    path = tmp_path / "atelier.opml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0"><head><title>Atelier</title>'
        "</head><body>\n"
        '<outline text="Budget" _note="Plan de financement :&#10;  50 % Etat,   50 % Région">\n'
        '<outline text="Sans note"/>\n</outline>\n</body></opml>\n',
        encoding="utf-8",
    )
    nodes = texts(path)
    assert nodes["Budget"].text == "Budget\nPlan de financement : 50 % Etat, 50 % Région"
    assert (nodes["Budget"].line_start, nodes["Budget"].line_end) == (3, 3)
    assert nodes["Sans note"].text == "Sans note"


def test_freeplane_notes_details_and_a_central_topics_note(tmp_path):
    path = tmp_path / "carte.mm"
    path.write_text(
        '<map version="freeplane 1.9.13">\n'
        '<node TEXT="Journ&#xe9;e" ID="ID_1">\n'
        '<richcontent TYPE="NOTE"><html><head/><body>\n<p>73 participants</p>\n'
        "</body></html></richcontent>\n"
        '<node ID="ID_2"><richcontent TYPE="NODE"><html><body><p>Rich title</p></body>'
        "</html></richcontent>\n"
        '<richcontent TYPE="DETAILS"><html><body><p>some details</p></body></html>'
        "</richcontent>\n"
        '<richcontent TYPE="NOTE"><html><head/><body>\n<p>first paragraph</p>\n'
        "<p>second   one</p>\n</body></html></richcontent>\n</node>\n</node>\n</map>\n",
        encoding="utf-8",
    )
    document = read_document(path)
    assert document.title == "Journée"
    first, rich = document.roots
    # the central topic's note is kept, as a first root holding only it
    assert first.text == "Journée\n73 participants" and not first.children
    assert rich.text == "Rich title\nsome details first paragraph second one"
    assert rich.path == ("Rich title",)  # ids do not move when a note is edited
    assert (rich.line_start, rich.line_end) == (6, 10)  # its tag to its last paragraph


def _xmind(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_xmind_notes_in_both_generations(tmp_path):
    sheets = [
        {
            "id": "s1",
            "title": "Sheet 1",
            "rootTopic": {
                "id": "r",
                "title": "Forum",
                "children": {
                    "attached": [
                        {"id": "a", "title": "Budget", "notes": {"plain": {"content": "1,2 M€"}}},
                        {"id": "b", "title": "Suites"},
                    ]
                },
            },
        }
    ]
    content = json.dumps(sheets, indent=1, ensure_ascii=False)  # as XMind writes it
    (tmp_path / "zen.xmind").write_bytes(_xmind({"content.json": content}))
    zen = texts(tmp_path / "zen.xmind")
    assert zen["Budget"].text == "Budget\n1,2 M€" and zen["Suites"].text == "Suites"
    lines = read_document(tmp_path / "zen.xmind").lines
    budget = zen["Budget"]
    assert "1,2 M€" in "\n".join(lines[budget.line_start - 1 : budget.line_end])
    legacy = (
        '<xmap-content xmlns="urn:xmind:xmap:xmlns:content:2.0"><sheet id="s">\n'
        '<topic id="r"><title>Forum</title><children><topics type="attached">\n'
        '<topic id="a"><title>Budget</title>\n<notes><plain>1,2 M€</plain></notes></topic>\n'
        "</topics></children></topic></sheet></xmap-content>\n"
    )
    (tmp_path / "legacy.xmind").write_bytes(_xmind({"content.xml": legacy}))
    assert texts(tmp_path / "legacy.xmind")["Budget"].text == "Budget\n1,2 M€"


def test_a_text_export_may_begin_with_its_central_topic(tmp_path):
    (tmp_path / "copil.txt").write_text("COPIL eau\n\nGouvernance\n\nSyndicat\n", encoding="utf-8")
    (tmp_path / "copil.outline.md").write_text(
        "# COPIL eau\n\n- Gouvernance\n  - Syndicat\n", encoding="utf-8"
    )
    document = read_document(tmp_path / "copil.txt")
    assert document.title == "COPIL eau"
    assert [n.text for n in document.nodes()] == ["Gouvernance", "Syndicat"]


def test_writers_gold_is_found_by_its_text_in_one_node(tmp_path):
    corpus = Corpus([read_document(PAT), read_document(EXPORT)])
    node = find_gold("Budget animation 2024", corpus, "projet-alimentaire-territorial")
    assert node.id.startswith("projet-alimentaire-territorial:")
    with pytest.raises(Exception, match="in no node"):
        find_gold("a sentence no map holds", corpus, None)
    questions = tmp_path / "projet-alimentaire-territorial.questions.jsonl"
    item = {"id": "x", "lang": "fr", "kind": "lookup", "question": "Budget ?"}
    questions.write_text(json.dumps({**item, "gold": ["Budget animation 2024"]}) + "\n")
    (loaded,) = load_map_questions(questions, corpus)
    assert loaded.gold[0].node == node.id and loaded.source == "projet-alimentaire-territorial"


@pytest.fixture(scope="module")
def with_a_map(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """The seminar with a map staff added (written outside the team, with notes)."""
    root = tmp_path_factory.mktemp("added")
    corpus = root / "corpus"
    corpus.mkdir()
    for path in (EXPORT, OUTLINE, PAT):
        shutil.copy(path, corpus / path.name)
    ready = Engine(Settings(corpus_dir=corpus, index_dir=root / "index"))
    ready.warm_up()
    return ready


def ask(engine: Engine, question: str, documents: tuple[str, ...] = ()):
    return answer_chat(engine.searcher, [Message("user", question)], 5, documents=documents)


def test_a_figure_held_in_a_note_of_an_added_map_is_answered_and_cited(with_a_map):
    answer = ask(with_a_map, "Quel est le budget d'animation du PAT en 2024 ?")
    assert not answer.abstained
    assert answer.answer.startswith(f"{answer.lead}\n\nD'après « {PAT_TITLE} »")
    quoted = [c for c in answer.citations if "78 000 €" in c.quote]
    assert quoted and quoted[0].source.document == PAT.name
    assert f"[{quoted[0].n}]" in answer.lead  # the direct answer holds the figure
    assert "séminaire" not in answer.answer.split("\n")[2]


def test_the_seminar_is_still_named_by_its_own_title(with_a_map):
    answer = ask(with_a_map, "Comment renforcer l'ingénierie territoriale ?")
    assert not answer.abstained
    assert answer.answer.startswith(f"{answer.lead}\n\nD'après « {SEMINAR_TITLE} »")


def test_a_filter_on_a_map_that_does_not_answer_declines(with_a_map):
    question = "Comment renforcer l'ingénierie territoriale ?"
    assert ask(with_a_map, question, (PAT.name,)).abstained
    assert not ask(with_a_map, question, (EXPORT.name,)).abstained
    # and the filter still answers what the chosen map holds
    assert not ask(with_a_map, "Budget animation 2024 du PAT ?", (PAT.name,)).abstained


def test_the_seminars_abstention_judges_the_seminar_and_the_general_one_the_rest():
    calibration = shipped_calibration()
    assert calibration.learned_documents == ("seminaire-territoires-ruraux-carte-mentale",)
    assert calibration.abstention_for("seminaire-territoires-ruraux-carte-mentale") is (
        calibration.abstention
    )
    assert calibration.general is not None
    assert calibration.abstention_for("projet-alimentaire-territorial") is calibration.general


def test_eval_measures_any_corpus_with_its_own_questions(tmp_path):
    corpus = tmp_path / "maps"
    corpus.mkdir()
    shutil.copy(PAT, corpus / PAT.name)
    questions = MAPS / "tuning" / "writer-a" / "projet-alimentaire-territorial.questions.jsonl"
    run = subprocess.run(
        [*EVAL, "--corpus", str(corpus), "--questions", str(questions)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    assert "1 maps, 57 questions" in run.stdout
    assert "projet-alimentaire-territorial" in run.stdout and "kind=unanswerable" in run.stdout
    missing = subprocess.run(
        [*EVAL, "--corpus", str(corpus)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert missing.returncode != 0 and "--questions" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_the_corpus_folder_is_the_seminar_alone():
    # what the shipped calibration calls learned is what corpus/ holds
    assert [d.id for d in Corpus.load(CORPUS).documents] == list(
        shipped_calibration().learned_documents
    )


@pytest.fixture(scope="module")
def a_blind_map_alone(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """A corpus of one map nobody tuned for (the blind batch): the general abstention and
    the off-topic gate judge every question."""
    return one_map_alone(tmp_path_factory, BLIND_OPML)


def one_map_alone(tmp_path_factory: pytest.TempPathFactory, path: Path) -> Engine:
    root = tmp_path_factory.mktemp(path.stem)
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(path, corpus / path.name)
    ready = Engine(Settings(corpus_dir=corpus, index_dir=root / "index"))
    ready.warm_up()
    return ready


@pytest.mark.parametrize(
    "question",
    [
        "Quel temps fera-t-il demain à Lyon ?",
        "Tu as une bonne recette de quiche lorraine ?",
        "Who won the football match last night?",
    ],
)
def test_an_off_topic_question_is_declined_on_a_map_nobody_tuned_for(a_blind_map_alone, question):
    """Before the off-topic gate, the recipe was answered from the map's branches (the
    general abstention declines almost nothing: held out on the tuning maps, recall 0.02)."""
    assert a_blind_map_alone.search(question).abstained


def test_a_question_the_blind_map_answers_is_still_answered(a_blind_map_alone):
    result = a_blind_map_alone.search("Combien de places au multi-accueil Les P'tits Loups ?")
    assert not result.abstained
    assert "20 places" in result.passages[0].text


@pytest.fixture(scope="module")
def energy_map_alone(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return one_map_alone(tmp_path_factory, ENERGY)


def test_a_question_asking_a_person_finds_the_passage_that_holds_one(energy_map_alone):
    """The passages that only name what is asked about match its words as well (before, the
    branch naming the Centrales villageoises, then three others, came first); the one that
    holds the kind of fact asked for now comes first (asked_fact.py)."""
    result = energy_map_alone.search("Qui tient les comptes de la Centrale villageoise ?")
    assert not result.abstained
    assert "trésorière : Agnès Roumieu" in result.passages[0].text
