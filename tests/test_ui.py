"""The chat page under streamlit.testing's AppTest, against a real API server."""

import json
import re
import sys

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from rag_territoires.config import MAX_QUERY_CHARS
from rag_territoires.launcher import free_port
from tests.conftest import ROOT, start_api, stop

pytestmark = pytest.mark.system

APP = str(ROOT / "ui" / "app.py")
sys.path.insert(0, str(ROOT / "ui"))
from client import _error_for, conversation  # noqa: E402  (the page's own modules, as app.py loads them)
from render import escape  # noqa: E402
from texts import TEXTS  # noqa: E402


def page(monkeypatch, url: str, key: str = "") -> AppTest:
    monkeypatch.setenv("RAG_TERRITOIRES_UI_API_URL", url)
    monkeypatch.setenv("RAG_TERRITOIRES_UI_API_KEY", key)
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    assert not app.exception
    return app


def ask(app: AppTest, question: str) -> AppTest:
    app.chat_input[0].set_value(question).run()
    assert not app.exception
    return app


def open_tree(app: AppTest, url: str) -> AppTest:
    """Open every section of the sidebar's tree (each drawn once opened)."""
    for one_map in httpx.get(f"{url}/v1/tree").json()["documents"]:
        for root in one_map["roots"]:
            app.session_state[f"branch-{root['id']}"] = True
    app.run()
    assert not app.exception
    return app


def last_answer(app: AppTest) -> str:
    return "\n".join(m.value for m in app.chat_message[-1].markdown)


def test_a_question_gets_an_answer_with_citations_and_a_branch_map(monkeypatch, api_server):
    app = ask(page(monkeypatch, api_server), "Quels sont les 3 principes à appliquer ?")
    assert [m.name for m in app.chat_message] == ["user", "assistant"]
    assert "D'après « Séminaire « territoires ruraux » \\: carte mentale »" in last_answer(app)
    labels = [e.label for e in app.expander]
    assert any(
        "Coopération et construction collective" in label and "lignes 931–933" in label
        for label in labels
    )
    assert not app.get("graphviz_chart")  # the branch map is folded, drawn once opened
    app.session_state["map-1"] = True
    (chart,) = app.run().get("graphviz_chart")
    # the map numbers the cited nodes like the answer, and wraps labels instead of cutting
    assert re.search(r'"\[\d\] Coopération et\\nconstruction collective"', chart.proto.spec)
    assert len(app.sidebar.expander) == 8  # the mind map's sections, to browse


def test_a_follow_up_uses_the_conversation(monkeypatch, api_server):
    app = ask(page(monkeypatch, api_server), "Quels sont les 3 principes à appliquer ?")
    app = ask(app, "et le deuxième ?")
    assert len(app.chat_message) == 4
    # the ordinal is answered first, by name (the page escapes the notes' punctuation)
    named = last_answer(app).splitlines()[0]
    assert named.startswith("Le deuxième point de « 3 principes à appliquer »")
    # its [1], a link to the citation (keyed by turn and number)
    assert re.search(r'Coopération et construction collective \[\\\[1\\\]\]\(#cite-3-1 "', named)


def test_an_unanswered_question_is_said_plainly_with_branches_to_browse(monkeypatch, api_server):
    app = ask(page(monkeypatch, api_server), "Quel est le budget du LAB 41 ?")
    assert [w.value for w in app.warning] == ["Les notes ne traitent pas de cette question."]
    nearest = [b.label for b in app.button if b.key and b.key.startswith("near-")]
    # the branch that holds the LAB 41 (before the learned query map, "Tiers-lieux" came
    # first, and this test wrongly expected it: that branch holds a "living lab")
    assert nearest and "Exemples de prospective" in nearest[0]


def test_clicking_a_branch_of_the_map_asks_about_it(monkeypatch, api_server):
    app = open_tree(page(monkeypatch, api_server), api_server)
    branch = next(b for b in app.sidebar.button if "Tiers" in b.label)
    branch.click().run()
    assert app.chat_message[0].markdown[0].value == "Tiers\\-lieux"
    assert "Brie'nov living lab" in last_answer(app).replace("\\", "")


def test_user_and_corpus_text_is_shown_as_text(monkeypatch, api_server):
    app = ask(page(monkeypatch, api_server), "<b>gras</b> **x** :red[y] ==> ?")
    shown = app.chat_message[0].markdown[0].value
    assert shown == "\\<b\\>gras\\</b\\> \\*\\*x\\*\\* \\:red\\[y\\] \\=\\=\\> ?"
    for element in app.chat_message[0].markdown:
        assert not element.proto.allow_html


def test_the_page_says_in_one_line_when_the_api_is_down(monkeypatch):
    app = ask(page(monkeypatch, f"http://127.0.0.1:{free_port()}"), "tiers-lieux ?")
    assert len(app.error) == 1
    assert app.error[0].value.startswith("L'API ne répond pas (http://127.0.0.1:")
    assert app.chat_message[0].markdown[0].value == "tiers\\-lieux ?"  # the question is kept
    app = ask(app, "Loos-en-Gohelle ?")  # and the conversation goes on
    assert len(app.error) == 2 and len(app.chat_message) == 4


@pytest.fixture(scope="module")
def keyed_api(engine):
    process, url = start_api(engine, RAG_TERRITOIRES_API_KEYS='["the-page-key-5b7e21"]')
    yield url
    stop(process)


def test_a_refused_key_is_said_in_one_line(monkeypatch, keyed_api):
    app = ask(page(monkeypatch, keyed_api, key="wrong"), "tiers-lieux ?")
    assert [e.value for e in app.error] == [
        "L'API refuse la clé d'accès (X-API-Key) : vérifiez la configuration."
    ]
    app = ask(page(monkeypatch, keyed_api, key="the-page-key-5b7e21"), "tiers-lieux ?")
    assert not app.error and "Brie'nov" in last_answer(app).replace("\\", "")


def test_the_interface_speaks_english_too(monkeypatch, api_server):
    app = page(monkeypatch, api_server)
    app.sidebar.radio[0].set_value("en").run()
    assert app.title[0].value == "Mind-map notes"
    app = ask(app, "What are the consequences of the health crisis?")
    assert "According to “Séminaire « territoires ruraux » \\: carte mentale”" in last_answer(app)


# --- a conversation that never breaks (issue 9) ---


def test_a_refused_question_is_said_in_french_and_the_next_one_is_answered(monkeypatch, api_server):
    app = page(monkeypatch, api_server)
    # the box stops at the API's limit (AppTest, like the browser, cuts what is typed)
    assert app.chat_input[0].proto.max_chars == MAX_QUERY_CHARS
    ask(app, "x" * (MAX_QUERY_CHARS + 129))
    assert len(app.chat_message[0].markdown[0].value) == MAX_QUERY_CHARS
    app = page(monkeypatch, api_server)
    app = ask(app, "tiers\x07lieux ?")  # what the API still refuses: a control character
    assert [e.value for e in app.error] == [
        "La question contient un caractère invisible non permis (caractère de contrôle) : "
        "retapez-la."
    ]
    app = ask(app, "Quels sont les 3 principes à appliquer ?")
    assert len(app.error) == 1  # only the refused turn
    assert "D'après « Séminaire « territoires ruraux » \\: carte mentale »" in last_answer(app)
    app = ask(app, "   ")  # a blank question is not sent at all
    assert len(app.chat_message) == 4


def test_a_failed_turn_is_left_out_of_the_next_questions_context(monkeypatch, api_server):
    app = ask(page(monkeypatch, api_server), "Quels sont les 3 principes à appliquer ?")
    monkeypatch.setenv("RAG_TERRITOIRES_UI_API_URL", f"http://127.0.0.1:{free_port()}")
    app = ask(app, "Quels ateliers y avait-il ?")  # the API is down: unanswered
    assert app.error[0].value.startswith("L'API ne répond pas")
    monkeypatch.setenv("RAG_TERRITOIRES_UI_API_URL", api_server)
    app = ask(app, "et le deuxième ?")  # it is back: the follow-up is about what was seen
    named = last_answer(app).splitlines()[0]
    assert named.startswith("Le deuxième point de « 3 principes à appliquer »")


def test_only_answered_turns_are_sent_as_context():
    page_messages = [
        {"role": "user", "content": "Quels sont les 3 principes à appliquer ?"},
        {"role": "assistant", "content": "D'après les notes…", "data": {}},
        {"role": "user", "content": "x" * 2129},
        {"role": "assistant", "error": "La question est trop longue…"},
        {"role": "user", "content": "Quels ateliers y avait-il ?"},
        {"role": "assistant", "error": "L'API ne répond pas…"},
    ]
    assert conversation(page_messages, "et le deuxième ?") == [
        {"role": "user", "content": "Quels sont les 3 principes à appliquer ?"},
        {"role": "assistant", "content": "D'après les notes…"},
        {"role": "user", "content": "et le deuxième ?"},
    ]


def test_every_api_error_has_a_sentence_in_both_languages():
    assert TEXTS["fr"].keys() == TEXTS["en"].keys()
    kinds = {"down", "slow", "key", "limited", "refused", "too_large", "not_found"}
    kinds |= {"not_ready", "unavailable", "bad_request", "server"}
    for status, body in [
        (400, {"error": {"type": "invalid_json", "message": "the request body is not valid"}}),
        (401, {"error": {"type": "unauthorized", "message": "missing or invalid X-API-Key"}}),
        (404, {"error": {"type": "not_found", "message": "no such lines"}}),
        (405, {"error": {"type": "method_not_allowed", "message": "Method Not Allowed"}}),
        (413, {"error": {"type": "body_too_large", "message": "the body is too large"}}),
        (422, {"error": {"type": "invalid_request", "message": "x", "reason": "empty"}}),
        (429, {"error": {"type": "rate_limited", "message": "too many requests"}}),
        (500, {"error": {"type": "internal_error", "message": "internal error"}}),
        (503, {"error": {"type": "not_ready", "message": "the index is being built"}}),
        (503, {"error": {"type": "unavailable", "message": "the feedback cannot be recorded"}}),
        (502, "<html>Bad gateway</html>"),  # a proxy's page, not the API's JSON
    ]:
        response = httpx.Response(status, json=body) if isinstance(body, dict) else None
        error = _error_for(response or httpx.Response(status, text=body))
        assert error.kind in kinds, (status, error.kind)
        for lang in ("fr", "en"):
            key = f"{error.kind}_{error.reason}"
            sentence = TEXTS[lang][key if key in TEXTS[lang] else error.kind]
            assert body.__str__() not in sentence and "{" not in sentence.replace("{detail}", "")


def test_an_unanswered_question_shows_its_nearest_branches_once(monkeypatch, api_server):
    app = ask(page(monkeypatch, api_server), "Quel est le budget du LAB 41 ?")
    shown = "\n".join(m.value for m in app.chat_message[-1].markdown)
    assert "Branches les plus proches, à parcourir" not in shown  # not the API's run-on text
    assert [w.value for w in app.warning] == ["Les notes ne traitent pas de cette question."]
    nearest = [b for b in app.button if b.key and b.key.startswith("near-")]
    assert len(nearest) == 3 and all(b.label.startswith("› ") for b in nearest)
    app = ask(app, "tiers-lieux ?")  # and after a rerun, still once
    assert len(app.warning) == 1


def test_the_sidebar_tree_is_indented_cut_at_a_word_with_the_full_text_on_hover(
    monkeypatch, api_server
):
    app = page(monkeypatch, api_server)
    assert not [b for b in app.sidebar.button if b.key and b.key.startswith("tree-")]  # folded
    app = open_tree(app, api_server)
    tree = [b for b in app.sidebar.button if b.key and b.key.startswith("tree-")]
    assert any(b.label.startswith("\u2003\u2003") for b in tree)  # depth shows
    cut = [b for b in tree if b.label.endswith("…")]
    assert cut
    for button in cut:
        shown = button.label.lstrip("\u2003").removesuffix("…").replace("\\", "")
        full = " ".join(button.help.replace("\\", "").split())  # spaces as shown
        assert full.startswith(shown) and full[len(shown)] in " ,;:.-/"  # cut at a word
        assert len(shown) < 70


@pytest.fixture
def feedback_api(engine, tmp_path):
    data = tmp_path / "data"
    process, url = start_api(
        engine, RAG_TERRITOIRES_DATA_DIR=str(data), RAG_TERRITOIRES_RATE_LIMIT_PER_MINUTE="0"
    )
    yield url, data / "feedback.jsonl"
    stop(process)


def test_a_comment_without_a_thumb_is_stored_unrated_and_confirmed(monkeypatch, feedback_api):
    url, stored = feedback_api
    app = ask(page(monkeypatch, url), "tiers-lieux ?")
    app.session_state["comment-box-1"] = True  # the reader opens the comment box
    app.run().text_area(key="comment-1").input("il manque Brie'nov").run()
    app.button(key="send-1").click().run()
    assert "Merci, votre commentaire est enregistré." in [c.value for c in app.caption]
    app.session_state["comment-box-1"] = True  # opened again
    assert app.run().text_area(key="comment-1").value == ""  # emptied once sent
    app.button(key="send-1").click().run()  # a second click stored a duplicate before
    records = [json.loads(line) for line in stored.read_text(encoding="utf-8").splitlines()]
    assert [(r["rating"], r["comment"]) for r in records] == [(None, "il manque Brie'nov")]
    assert records[0]["question"] == "tiers-lieux ?"


def test_sentences_the_grounding_check_removed_are_listed_as_text(monkeypatch, engine):
    from benchmarks.adversarial_llm import adversarial_server, is_invented

    with adversarial_server() as llm_url:
        process, url = start_api(
            engine,
            RAG_TERRITOIRES_LLM_BASE_URL=llm_url,
            RAG_TERRITOIRES_LLM_MODEL="mixed",
            RAG_TERRITOIRES_RATE_LIMIT_PER_MINUTE="0",
        )
        try:
            app = ask(page(monkeypatch, url), "Quels sont les 3 principes à appliquer ?")
        finally:
            stop(process)
    answer = last_answer(app)
    assert "Sortir du cadre" in answer and not is_invented(answer)
    (removed,) = [
        e for e in app.chat_message[-1].expander if e.label.startswith("Phrases du modèle retirées")
    ]
    shown = [element.value for element in removed.text]
    assert shown and all(map(is_invented, shown))


@pytest.fixture(scope="module")
def two_maps_server(engine, tmp_path_factory):
    """An API over the seminar's map (as a text export) and the same map in OPML renamed:
    two documents whose answers can be told apart by their file."""
    import shutil

    from tests.conftest import CORPUS

    root = tmp_path_factory.mktemp("two-maps")
    shutil.copytree(CORPUS, root / "corpus")
    opml = ROOT / "tests/data/maps/opml/seminaire-territoires-ruraux-carte-mentale.opml"
    text = opml.read_text(encoding="utf-8").replace(
        "<title>Séminaire « territoires ruraux » : carte mentale</title>",
        "<title>Forum 2027</title>",
    )
    (root / "corpus" / "forum-2027.opml").write_text(text, encoding="utf-8")
    process, url = start_api(
        engine,
        RAG_TERRITOIRES_CORPUS_DIR=str(root / "corpus"),
        RAG_TERRITOIRES_INDEX_DIR=str(root / "index"),
        RAG_TERRITOIRES_RATE_LIMIT_PER_MINUTE="0",
    )
    yield url
    stop(process)


def test_the_maps_can_be_chosen_and_each_has_its_tree(monkeypatch, two_maps_server):
    app = page(monkeypatch, two_maps_server)
    (chooser,) = app.sidebar.multiselect
    assert chooser.options == ["Forum 2027", "Séminaire « territoires ruraux » : carte mentale"]
    assert len(app.sidebar.expander) == 16  # each map's 8 sections
    shown = [c.value for c in app.sidebar.caption][-2:]  # as typed: markdown escaped
    assert shown == [escape("Forum 2027"), escape(chooser.options[1])]
    chooser.select("forum-2027.opml").run()
    app = ask(app, "Quels sont les 3 principes à appliquer ?")
    labels = [e.label for e in app.expander if "lignes" in e.label]
    assert labels and all(label.endswith(" · Forum 2027") for label in labels), labels


def test_a_map_added_shows_in_the_page_at_its_next_run(monkeypatch, engine, tmp_path):
    """The page keyed its tree on nothing but time: a map added showed ~5 min later."""
    import os
    import shutil
    import subprocess
    import time

    from tests.conftest import CORPUS

    shutil.copytree(CORPUS, tmp_path / "corpus")
    env = {
        "RAG_TERRITOIRES_CORPUS_DIR": str(tmp_path / "corpus"),
        "RAG_TERRITOIRES_INDEX_DIR": str(tmp_path / "index"),
    }
    process, url = start_api(engine, RAG_TERRITOIRES_RATE_LIMIT_PER_MINUTE="0", **env)
    try:
        app = page(monkeypatch, url)
        assert len(app.sidebar.expander) == 8  # the seminar's sections
        opml = ROOT / "tests/data/maps/opml/seminaire-territoires-ruraux-carte-mentale.opml"
        added = tmp_path / "forum-2027.opml"
        added.write_text(opml.read_text(encoding="utf-8"), encoding="utf-8")
        command = [sys.executable, "-m", "rag_territoires.cli", "add", str(added)]
        done = subprocess.run(
            command, env={**os.environ, **env}, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
        deadline = time.monotonic() + 60  # the API looks for a new build every second
        while len(httpx.get(f"{url}/readyz").json().get("documents", [])) < 2:
            assert time.monotonic() < deadline, "the API never switched to the new build"
            time.sleep(0.2)
        app = page(monkeypatch, url)
        assert len(app.sidebar.expander) == 16
    finally:
        stop(process)


# --- citations as sources, a page that stays fast (issue 28) ---


def test_earlier_turns_are_drawn_lightly_and_their_maps_not_redrawn(monkeypatch, api_server):
    """At turn 8 the page held 154 hidden tables and 8 branch maps, redrawn at every
    question: the citations' lines and the maps are drawn only once opened."""
    app = ask(page(monkeypatch, api_server), "Quels sont les 3 principes à appliquer ?")
    app = ask(app, "Comment renforcer l'ingénierie territoriale ?")
    assert len(app.chat_message) == 4
    assert not app.get("graphviz_chart")
    assert not app.get("arrow_data_frame") and not app.code
    labels = [e.label for e in app.expander]
    assert labels.count("Branches d'où vient la réponse") == 1  # the newest answer's, folded
    # the earlier answer: its direct answer, the rest in one folded entry
    assert app.chat_message[1].markdown[0].value.startswith("**En bref \\:** les notes donnent")
    assert any(label.startswith("Les citations, leurs sources et la carte (") for label in labels)
    newest = next(label for label in labels if label.startswith("Les citations, par branche ("))
    cited = [label for label in labels if label.startswith("\\[")]
    assert len(cited) == int(newest.split("(")[1].rstrip(")"))  # the newest answer's only
    app.session_state["map-3"] = True  # the reader opens the last answer's map: that one
    assert len(app.run().get("graphviz_chart")) == 1
    app.session_state["details-1"] = True  # and the earlier answer's folded rest
    labels = [e.label for e in app.run().expander]
    assert not app.exception
    assert len([label for label in labels if label.startswith("\\[")]) > len(cited)


def test_each_citation_marker_links_to_its_citation_with_a_preview(monkeypatch, api_server):
    app = ask(page(monkeypatch, api_server), "Quels sont les 3 principes à appliquer ?")
    lead = app.chat_message[-1].markdown[0].value
    link = re.search(r'\[\\\[3\\\]\]\(#cite-1-3 "([^"]+)"\)', lead)
    assert link, lead  # [3] opens the container keyed cite-1-3, which holds citation 3
    preview = link[1].replace("\\", "")
    assert preview.startswith("Citation 3 : Coopération et construction collective — ")
    assert "3 principes à appliquer" in preview  # its branch
    assert preview.endswith("Séminaire « territoires ruraux » : carte mentale")  # its map


def test_an_opened_citation_shows_its_node_in_its_branch_and_the_source_as_code(
    monkeypatch, api_server
):
    app = ask(page(monkeypatch, api_server), "Quels sont les 3 principes à appliquer ?")
    app.session_state["citation-1-3"] = True
    app.run()
    branch = app.chat_message[-1].markdown[-1].value
    # the ancestors, then the node highlighted among its siblings, as text
    assert branch.splitlines() == [
        "- Enjeux et pistes de travail pour les territoires ruraux",
        "  - 3 principes à appliquer",
        "    - Posture d'anticipation et de construction",
        "    - :orange-background[**Coopération et construction collective**]",
        "    - Approches systémiques et territorialisation",
        "    - Inscrire ces 3 principes dans durée et l'espace",
    ]
    assert not app.code  # the raw lines wait behind "voir la source"
    app.toggle(key="source-1-3").set_value(True).run()
    (code,) = app.code
    cited = [line for line in code.value.splitlines() if line.startswith("▶")]
    assert cited and all(re.match(r"▶ 93[1-3]  ", line) for line in cited), code.value
    assert not app.get("arrow_data_frame")  # not a grid


def test_after_sending_a_comment_its_box_closes_and_its_thanks_show(monkeypatch, feedback_api):
    url, stored = feedback_api
    app = ask(page(monkeypatch, url), "tiers-lieux ?")
    app.session_state["comment-box-1"] = True  # the reader opens the comment box
    app.run()
    app.text_area(key="comment-1").input("très utile").run()
    app.button(key="send-1").click().run()
    assert app.session_state["comment-box-1"] is False  # it stayed open over its thanks
    assert "Merci, votre commentaire est enregistré." in [c.value for c in app.caption]
    assert len(stored.read_text(encoding="utf-8").splitlines()) == 1


def test_a_failed_question_is_kept_and_asked_again_in_one_click(monkeypatch, api_server):
    monkeypatch.setenv("RAG_TERRITOIRES_UI_API_URL", f"http://127.0.0.1:{free_port()}")
    app = ask(page(monkeypatch, f"http://127.0.0.1:{free_port()}"), "tiers-lieux ?")
    assert app.error[0].value.startswith("L'API ne répond pas")
    (again,) = [b for b in app.button if b.key and b.key.startswith("retry-")]
    assert again.label == "Réessayer \\: tiers\\-lieux ?"
    monkeypatch.setenv("RAG_TERRITOIRES_UI_API_URL", api_server)  # the API is back
    again.click().run()
    assert not app.error and len(app.chat_message) == 2  # the failed turn gave way
    assert "Brie'nov" in last_answer(app).replace("\\", "")


def test_after_switching_to_english_earlier_answers_speak_english(monkeypatch, feedback_api):
    url, _ = feedback_api
    app = ask(page(monkeypatch, url), "Quels sont les 3 principes à appliquer ?")
    app = ask(app, "Comment renforcer l'ingénierie territoriale ?")
    app.session_state["comment-box-1"] = True
    app.run().text_area(key="comment-1").input("clair").run()
    app.button(key="send-1").click().run()
    app.sidebar.radio[0].set_value("en").run()
    first = app.chat_message[1].markdown[0].value
    assert first.startswith("**In short\\:** the notes give 4 points under “3 principes")
    assert " and Inscrire ces 3 principes dans durée et l'espace" in first  # notes kept
    assert "Thank you, your comment is recorded." in [c.value for c in app.caption]
    assert "Merci" not in " ".join(c.value for c in app.caption)
    assert "D'après" not in last_answer(app) and "According to “" in last_answer(app)


def test_the_empty_page_offers_example_questions_drawn_from_the_maps(monkeypatch, two_maps_server):
    app = page(monkeypatch, two_maps_server)
    examples = [b for b in app.button if b.key and b.key.startswith("example-")]
    tree = httpx.get(f"{two_maps_server}/v1/tree").json()
    titles = {c["text"] for m in tree["documents"] for r in m["roots"] for c in r["children"]}
    assert len(examples) == 4
    for button in examples:  # each names a branch of the maps served
        named = button.label.replace("\\", "").split("« ")[1].removesuffix(" » ?")
        assert named in titles
    examples[0].click().run()
    assert len(app.chat_message) == 2 and not app.error
    assert not [b for b in app.button if b.key and b.key.startswith("example-")]
