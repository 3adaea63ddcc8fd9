"""The chat page's admin panel (ui/admin.py) under streamlit.testing's AppTest, against a
real API server on a copy of a tiny corpus: shown to an admin key only; adds, replaces and
removes a map (removing after a confirmation), and says why the API refused a file."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rag_territoires.launcher import spawn_api
from tests.conftest import ROOT, stop
from tests.helpers import (
    ADMIN,
    ADMIN_KEYS,
    FORUM,
    READER,
    corpus_files,
    live_build,
    opml_bytes,
    tiny_corpus,
)

sys.path.insert(0, str(ROOT / "ui"))
from admin import TEXTS  # the page's own module, as app.py loads it

pytestmark = pytest.mark.system


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> tuple[str, Path]:
    """A real server with an admin and a reader key, on a tiny corpus of its own."""
    root = tiny_corpus(tmp_path_factory.mktemp("admin-ui"))
    process, url = spawn_api(
        {
            "RAG_TERRITOIRES_CORPUS_DIR": str(root / "corpus"),
            "RAG_TERRITOIRES_INDEX_DIR": str(root / "index"),
            "RAG_TERRITOIRES_DATA_DIR": str(root / "data"),
            "RAG_TERRITOIRES_API_KEYS": json.dumps(ADMIN_KEYS),
            "RAG_TERRITOIRES_RATE_LIMIT_PER_MINUTE": "0",
        },
        timeout=120,
    )
    yield url, root
    stop(process)


def page(monkeypatch, url: str, key: str) -> AppTest:
    """The chat page as a user with ``key`` opens it."""
    monkeypatch.setenv("RAG_TERRITOIRES_UI_API_URL", url)
    monkeypatch.setenv("RAG_TERRITOIRES_UI_API_KEY", key)
    app = AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=120)
    app.run()
    assert not app.exception
    return app


def click(app: AppTest, key: str) -> AppTest:
    app.button(key=key).click().run()
    assert not app.exception
    return app


def keys_of(app: AppTest) -> set[str]:
    return {b.key for b in app.button if b.key}


def test_the_panel_shows_for_an_admin_key_only(monkeypatch, served):
    url, _ = served
    reader = page(monkeypatch, url, READER)
    assert not {k for k in keys_of(reader) if k.startswith("admin")}
    assert not reader.file_uploader
    admin = page(monkeypatch, url, ADMIN)
    assert {"admin-add", "admin-replace", "admin-remove"} <= keys_of(admin)
    # one expander more than the reader's (the map's branches), the panel's
    assert len(admin.sidebar.expander) == len(reader.sidebar.expander) + 1
    assert admin.sidebar.expander[-1].label == TEXTS["fr"]["panel"]


def test_an_admin_adds_then_replaces_a_map_from_the_page(monkeypatch, served):
    url, root = served
    app = page(monkeypatch, url, ADMIN)
    app.file_uploader(key="admin-file-0").set_value(("forum.opml", FORUM, "text/xml"))
    app.text_input(key="admin-groups").set_value("")
    click(app, "admin-add")
    assert [s.value for s in app.success] == [
        "Carte « forum\\.opml » ajoutée \\: l'index est à jour\\."
    ]
    assert corpus_files(root)["forum.opml"] == FORUM
    assert "Forum des bocages" in [c.value for c in app.sidebar.caption]  # the new map
    assert not app.file_uploader(key="admin-file-1").value  # an empty box again
    newer = opml_bytes("Forum des bocages", ["Haies et talus plantés"])
    app.file_uploader(key="admin-file-1").set_value(("forum.opml", newer, "text/xml"))
    app.selectbox(key="admin-target").set_value("forum.opml")
    click(app, "admin-replace")
    assert "remplacée" in app.success[0].value
    assert corpus_files(root)["forum.opml"] == newer


def test_removing_a_map_asks_for_a_confirmation_first(monkeypatch, served):
    url, root = served
    app = page(monkeypatch, url, ADMIN)
    app.selectbox(key="admin-target").set_value("b.md")
    click(app, "admin-remove")
    assert [w.value for w in app.warning] == [TEXTS["fr"]["confirm"].format(name="b\\.md")]
    assert "b.md" in corpus_files(root)  # nothing removed yet
    click(app, "admin-cancel")
    assert not app.warning and "b.md" in corpus_files(root)
    click(app, "admin-remove")
    served_before = live_build(root)
    click(app, "admin-yes")
    assert "retirée" in app.success[0].value
    assert "b.md" not in corpus_files(root) and live_build(root) != served_before


def test_a_refused_file_shows_the_apis_reason_as_text(monkeypatch, served):
    url, root = served
    before = corpus_files(root)
    app = page(monkeypatch, url, ADMIN)
    name = "<b>casse<b>.opml"  # markup in its name, shown as written, never rendered
    app.file_uploader(key="admin-file-0").set_value((name, b"<opml><body>", "text/xml"))
    click(app, "admin-add")
    (error,) = app.error
    assert error.value.startswith("Modification refusée \\: \\<b\\>casse\\<b\\>\\.opml\\:1\\:")
    assert corpus_files(root) == before


def test_the_panel_speaks_english_too(monkeypatch, served):
    url, _ = served
    app = page(monkeypatch, url, ADMIN)
    app.sidebar.radio[0].set_value("en").run()
    assert app.sidebar.expander[-1].label == "Manage the maps (admin)"
    assert app.button(key="admin-add").label == "Add"


def test_a_map_whose_name_holds_a_hash_is_replaced_and_removed_by_that_name(monkeypatch, served):
    url, root = served
    app = page(monkeypatch, url, ADMIN)
    name = "notes #2 ?.md"  # "#" and "?" would end the route's path unquoted
    app.file_uploader(key="admin-file-0").set_value((name, b"# Notes\n\n- Deux\n", "text/plain"))
    click(app, "admin-add")
    assert name in corpus_files(root)
    newer = b"# Notes\n\n- Deux, revu\n"
    app.file_uploader(key="admin-file-1").set_value((name, newer, "text/plain"))
    app.selectbox(key="admin-target").set_value(name)
    click(app, "admin-replace")
    assert not app.error and corpus_files(root)[name] == newer
    click(app, "admin-remove")
    click(app, "admin-yes")
    assert not app.error and name not in corpus_files(root)
