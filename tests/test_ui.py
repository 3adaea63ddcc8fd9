"""The chat page under streamlit.testing's AppTest, against a real API server."""

import pytest
from streamlit.testing.v1 import AppTest

from rag_territoires.launcher import free_port
from tests.conftest import ROOT, start_api, stop

APP = str(ROOT / "ui" / "app.py")


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


def last_answer(app: AppTest) -> str:
    return "\n".join(m.value for m in app.chat_message[-1].markdown)


def test_a_question_gets_an_answer_with_citations_and_a_branch_map(monkeypatch, api_server):
    app = ask(page(monkeypatch, api_server), "Quels sont les 3 principes à appliquer ?")
    assert [m.name for m in app.chat_message] == ["user", "assistant"]
    assert "D'après les notes du séminaire" in last_answer(app)
    labels = [e.label for e in app.expander]
    assert any(
        "Coopération et construction collective" in label and "lignes 931–933" in label
        for label in labels
    )
    assert len(app.get("graphviz_chart")) == 1
    assert len(app.sidebar.expander) == 8  # the mind map's sections, to browse


def test_a_follow_up_uses_the_conversation(monkeypatch, api_server):
    app = ask(page(monkeypatch, api_server), "Quels sont les 3 principes à appliquer ?")
    app = ask(app, "et le deuxième ?")
    assert len(app.chat_message) == 4
    # the ordinal is answered first, by name (the page escapes the notes' punctuation)
    named = last_answer(app).split("\n\n")[1].splitlines()[0]
    assert named.startswith("Le deuxième point de « 3 principes à appliquer »")
    assert named.endswith("Coopération et construction collective \\[1\\]")


def test_an_unanswered_question_is_said_plainly_with_branches_to_browse(monkeypatch, api_server):
    app = ask(page(monkeypatch, api_server), "Quel est le budget du LAB 41 ?")
    assert [w.value for w in app.warning] == ["Les notes ne traitent pas de cette question."]
    nearest = [b.label for b in app.button if b.key and b.key.startswith("near-")]
    assert nearest and "LAB 41" in nearest[0]


def test_clicking_a_branch_of_the_map_asks_about_it(monkeypatch, api_server):
    app = page(monkeypatch, api_server)
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
def keyed_api(retriever):
    process, url = start_api(retriever, RAG_TERRITOIRES_API_KEYS='["the-page-key-5b7e21"]')
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
    assert app.title[0].value == "Notes of the seminar on rural territories"
    app = ask(app, "What are the consequences of the health crisis?")
    assert "According to the seminar notes" in last_answer(app)
