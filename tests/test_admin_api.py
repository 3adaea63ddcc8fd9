"""Managing the maps over the API (issue 29): POST, PUT and DELETE /v1/documents for
admins only, with `add`'s own checks, published through the corpus transaction, served at
once, and audited. The app runs on a copy of a tiny corpus and its real index, with the
session's real encoder; the tests that need a process of their own (a full disk, a client
gone mid-upload) run a real server on loopback."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from rag_territoires.api.main import create_app
from rag_territoires.config import Settings
from rag_territoires.corpus.readers.files import MAX_FILE_BYTES
from rag_territoires.engine import Engine
from tests.helpers import (
    ADMIN,
    ADMIN_KEYS,
    BOUND_SECONDS,
    FORUM,
    FORUM_PHRASE,
    READER,
    as_key,
    audit_lines,
    copy_of_corpus,
    corpus_files,
    live_build,
    opml_bytes,
    tiny_corpus,
    upload,
)
from tests.oidc_provider import AUDIENCE, ISSUER, Provider

pytestmark = pytest.mark.integration

PAGE = "http://intranet.example"
ADMIN_GROUP = "cartes-admin"


@pytest.fixture(scope="module")
def tiny_build(tmp_path_factory) -> Path:
    return tiny_corpus(tmp_path_factory.mktemp("tiny-admin"))


@pytest.fixture
def root(tiny_build: Path, tmp_path: Path) -> Path:
    return copy_of_corpus(tiny_build, tmp_path)


@pytest.fixture(scope="module")
def provider():
    """The provider's JWKS on loopback (tests/oidc_provider.py)."""
    provider = Provider()
    yield provider
    provider.close()


def app_for(root: Path, encoders, **settings) -> TestClient:
    """The API on ``root``'s corpus, with admin and reader keys, the widget and OIDC; no
    watcher (reload_poll_seconds 0): only the change itself can switch the build."""
    merged = {
        "corpus_dir": root / "corpus",
        "index_dir": root / "index",
        "data_dir": root / "data",
        "api_keys": ADMIN_KEYS,
        "rate_limit_per_minute": 0,
        "reload_poll_seconds": 0,
        "widget_origins": [PAGE],
        "widget_secret": "widget-secret-for-the-admin-tests",
        **settings,
    }
    configured = Settings(**merged)
    engine = Engine(configured, encoders=encoders)
    return TestClient(create_app(configured, engine))


@pytest.fixture
def api(root, engine, provider):
    with app_for(
        root,
        engine.encoders,
        oidc_issuer=ISSUER,
        oidc_audience=AUDIENCE,
        oidc_jwks_url=provider.url,
        oidc_admin_group=ADMIN_GROUP,
    ) as client:
        yield client


def test_an_admin_adds_a_map_served_at_once_and_audited(api, root):
    before = live_build(root)
    added = api.post("/v1/documents", headers=as_key(ADMIN), **upload("forum.opml", FORUM))
    assert added.status_code == 201, added.text
    body = added.json()
    assert body["document"] == "forum.opml" and body["title"] == "Forum des bocages"
    assert body["build"] == live_build(root) != before
    # served now, by this very server (no watcher here): the listing and a search
    listed = api.get("/v1/documents", headers=as_key(READER))
    assert listed.headers["X-Rag-Build"] == body["build"]
    assert "forum.opml" in [d["document"] for d in listed.json()]
    found = api.post("/v1/search", headers=as_key(READER), json={"query": FORUM_PHRASE})
    assert found.json()["passages"][0]["source"]["document"] == "forum.opml"
    assert corpus_files(root)["forum.opml"] == FORUM
    started, done = audit_lines(root)
    assert started["id"] == done["id"] and started["outcome"] == "started"
    assert done["outcome"] == "done" and done["status"] == 201 and done["build"] == body["build"]
    assert done["action"] == "add" and done["document"] == "forum.opml"
    assert done["size"] == len(FORUM)
    assert done["sha256"] == hashlib.sha256(FORUM).hexdigest()
    assert done["who"].startswith("key:")
    assert ADMIN not in (root / "data" / "audit.jsonl").read_text(encoding="utf-8")


def test_an_admin_replaces_and_removes_maps(api, root):
    replaced = api.put(
        "/v1/documents/a.md",
        headers=as_key(ADMIN),
        **upload("a.opml", opml_bytes("Carte A", ["Autopartage villageois"]), groups="elus"),
    )
    assert replaced.status_code == 200, replaced.text
    files = corpus_files(root)
    assert "a.md" not in files and "a.opml" in files  # another format, the same map
    assert files["a.opml.access.toml"] == b'groups = ["elus"]\n'
    removed = api.delete("/v1/documents/b.md", headers=as_key(ADMIN))
    assert removed.status_code == 200, removed.text
    assert removed.json()["document"] == "b.md"
    assert "b.md" not in corpus_files(root)
    listed = api.get("/v1/documents", headers=as_key(ADMIN)).json()
    assert [d["document"] for d in listed] == []  # the admin key has no group: a.opml hidden
    assert [line["outcome"] for line in audit_lines(root)] == ["started", "done"] * 2


@pytest.mark.parametrize(
    ("method", "path", "status", "kind"),
    [
        ("PUT", "/v1/documents/nowhere.md", 404, "not_found"),
        ("DELETE", "/v1/documents/nowhere.md", 404, "not_found"),
        ("PUT", "/v1/documents/b.md", 422, "invalid_map"),  # the file holds the map "a"
    ],
)
def test_replacing_or_removing_what_is_not_there_changes_nothing(
    api, root, method, path, status, kind
):
    before, served = corpus_files(root), live_build(root)
    content = upload("a.md", b"# Carte A\n\n- Autre\n") if method == "PUT" else {}
    answer = api.request(method, path, headers=as_key(ADMIN), **content)
    assert answer.status_code == status, answer.text
    assert answer.json()["error"]["type"] == kind
    assert corpus_files(root) == before and live_build(root) == served
    assert audit_lines(root)[-1]["outcome"] == "failed"


def test_the_only_map_left_cannot_be_removed(api, root):
    assert api.delete("/v1/documents/a", headers=as_key(ADMIN)).status_code == 200
    last = api.delete("/v1/documents/b", headers=as_key(ADMIN))
    assert last.status_code == 409 and last.json()["error"]["type"] == "conflict"
    assert "b.md" in corpus_files(root)


def oidc(provider: Provider, groups: list[str]) -> dict[str, str]:
    return {"Authorization": "Bearer " + provider.token(groups=groups, sub="agent-7")}


def widget_token(api: TestClient) -> dict[str, str]:
    minted = api.post("/v1/widget-tokens", headers=as_key(ADMIN), json={"origin": PAGE})
    assert minted.status_code == 201, minted.text
    return {"Authorization": f"Bearer {minted.json()['token']}", "Origin": PAGE}


ROUTES = [
    ("POST", "/v1/documents", 201),
    ("PUT", "/v1/documents/a.md", 200),
    ("DELETE", "/v1/documents/b.md", 200),
]


@pytest.mark.parametrize(("method", "path", "success"), ROUTES)
@pytest.mark.parametrize(
    ("caller", "status"),
    [
        ("admin key", None),
        ("admin group", None),
        ("reader key", 403),
        ("other group", 403),
        ("widget token", 401),
        ("no key", 401),
    ],
)
def test_only_admins_may_manage_maps(api, root, provider, method, path, success, caller, status):
    headers = {
        "admin key": lambda: as_key(ADMIN),
        "admin group": lambda: oidc(provider, [ADMIN_GROUP, "elus"]),
        "reader key": lambda: as_key(READER),
        "other group": lambda: oidc(provider, ["elus"]),
        "widget token": lambda: widget_token(api),  # minted by an admin, yet no admin
        "no key": dict,
    }[caller]()
    before, served = corpus_files(root), live_build(root)
    name = "c.md" if method == "POST" else "a.md"
    content = {} if method == "DELETE" else upload(name, b"# Carte A\n\n- Circuits courts\n")
    answer = api.request(method, path, headers=headers, **content)
    expected = success if status is None else status
    assert answer.status_code == expected, answer.text
    who = "oidc:agent-7" if "group" in caller else "key:"
    if status is None:
        assert live_build(root) != served
        assert audit_lines(root)[-1]["who"].startswith(who)
        return
    assert corpus_files(root) == before and live_build(root) == served
    if status == 403:  # a known caller refused: recorded, with who it was
        assert "admin" in answer.json()["error"]["message"]
        (refused,) = audit_lines(root)
        assert refused["outcome"] == "refused" and refused["status"] == 403
        assert refused["who"].startswith(who)
    else:
        assert audit_lines(root) == []


def test_me_says_who_is_an_admin(api, provider):
    def me(headers: dict) -> dict:
        answer = api.get("/v1/me", headers=headers)
        assert answer.status_code == 200, answer.text
        return answer.json()

    assert me(as_key(ADMIN)) == {"admin": True, "groups": []}
    assert me(as_key(READER)) == {"admin": False, "groups": []}
    assert me(oidc(provider, [ADMIN_GROUP]))["admin"] is True
    assert me(oidc(provider, ["elus"])) == {"admin": False, "groups": ["elus"]}
    assert api.get("/v1/me").status_code == 401


def test_in_open_mode_nobody_manages_maps_and_says_why(root, engine):
    before, served = corpus_files(root), live_build(root)
    with app_for(root, engine.encoders, api_keys=[]) as api:
        assert api.get("/v1/me").json() == {"admin": False, "groups": []}
        for method, path, _ in ROUTES:
            content = {} if method == "DELETE" else upload("c.md", b"# C\n\n- x\n")
            answer = api.request(method, path, **content)
            assert answer.status_code == 403, answer.text
            assert "open mode" in answer.json()["error"]["message"]
    assert corpus_files(root) == before and live_build(root) == served
    assert [line["outcome"] for line in audit_lines(root)] == ["refused"] * 3


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    b'<opml version="2.0"><head><title>&lol2;</title></head><body/></opml>'
)
MARKDOWN = b"# Carte C\n\n- Circuits courts\n"


def zip_bomb() -> bytes:
    """An .xmind whose content inflates a thousand times (the reader refuses past 100)."""
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("content.json", "[" + " " * 5_000_000 + "]")
    return packed.getvalue()


DEEP = ("# Profonde\n\n" + "".join(f"{'  ' * d}- niveau {d}\n" for d in range(150))).encode()


@pytest.mark.parametrize(
    ("name", "content", "fields", "status", "kind"),
    [
        ("notes.pdf", b"%PDF-1.4", {}, 415, "unsupported_format"),
        ("a.md.access.toml", b'groups = ["x"]\n', {}, 415, "unsupported_format"),
        (".cachee.md", MARKDOWN, {}, 422, "invalid_request"),
        ("c" * 230 + ".md", MARKDOWN, {}, 422, "invalid_request"),
        ("c\u202e.md", MARKDOWN, {}, 422, "invalid_request"),  # a direction mark
        ("broken.opml", b"<opml><body>", {}, 422, "invalid_map"),
        ("lolz.opml", BILLION_LAUGHS, {}, 422, "invalid_map"),
        ("bombe.xmind", zip_bomb(), {}, 422, "invalid_map"),
        ("profonde.md", DEEP, {}, 422, "invalid_map"),
        ("utf16.md", "# Carte\n\n- texte\n".encode("utf-16-le"), {}, 422, "invalid_map"),
        ("c.outline.md", MARKDOWN, {}, 422, "invalid_map"),
        ("c.md", MARKDOWN, {"groups": "elus,,x"}, 422, "invalid_request"),
        ("a.md", b"# Carte A\n\n- Encore\n", {}, 409, "conflict"),  # use PUT
        ("huge.md", b"# H\n\n" + b"- ligne\n" * (MAX_FILE_BYTES // 8), {}, 413, "body_too_large"),
    ],
)
def test_a_bad_upload_is_refused_clearly_and_changes_nothing(
    api, root, tmp_path, name, content, fields, status, kind
):
    before, served = corpus_files(root), live_build(root)
    answer = api.post("/v1/documents", headers=as_key(ADMIN), **upload(name, content, **fields))
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert error["type"] == kind
    assert "rag-territoires-upload-" not in error["message"]  # no server path shown
    assert str(tmp_path) not in error["message"]
    assert corpus_files(root) == before and live_build(root) == served
    failed = audit_lines(root)[-1]
    assert failed["outcome"] == "failed" and failed["status"] == status


def test_a_text_export_is_uploaded_with_its_outline(api, root):
    export = b"Journee des communes\n\nAteliers de territoire\n\n"
    outline = b"# Journee des communes\n\n- Ateliers de territoire\n"
    alone = api.post("/v1/documents", headers=as_key(ADMIN), **upload("journee.txt", export))
    assert alone.status_code == 422 and "outline" in alone.json()["error"]["message"]
    both = api.post(
        "/v1/documents",
        headers=as_key(ADMIN),
        files={"file": ("journee.txt", export), "outline": ("any-name.md", outline)},
    )
    assert both.status_code == 201, both.text
    files = corpus_files(root)
    assert files["journee.txt"] == export and files["journee.outline.md"] == outline


def test_a_form_that_is_not_a_map_upload_is_refused(api, root):
    as_json = api.post("/v1/documents", headers=as_key(ADMIN), json={"file": "x"})
    assert as_json.status_code == 415
    assert as_json.json()["error"]["type"] == "unsupported_media_type"
    no_file = api.post(
        "/v1/documents",
        headers=as_key(ADMIN),
        data={"groups": "elus"},
        files={"other": ("x.md", MARKDOWN)},
    )
    assert no_file.status_code == 422 and "'file'" in no_file.json()["error"]["message"]


def test_an_upload_over_the_body_limit_is_refused_413(root, engine):
    with app_for(root, engine.encoders, max_upload_bytes=4096) as api:
        answer = api.post("/v1/documents", headers=as_key(ADMIN), **upload("c.md", MARKDOWN * 400))
        assert answer.status_code == 413 and answer.json()["error"]["type"] == "body_too_large"
        small = api.post("/v1/documents", headers=as_key(ADMIN), **upload("c.md", MARKDOWN))
        assert small.status_code == 201, small.text
    # the other routes keep their own, smaller limit
    with app_for(root, engine.encoders, max_upload_bytes=10**8) as api:
        large_search = api.post(
            "/v1/search", headers=as_key(READER), content=b'{"query": "' + b"x" * 70_000 + b'"}'
        )
        assert large_search.status_code == 413


HOLD_LOCK = """
import sys
from pathlib import Path
from rag_territoires.index.lock import build_lock
with build_lock(Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.read()
"""


def test_a_change_while_another_holds_the_lock_is_refused_409_at_once(api, root):
    before, served = corpus_files(root), live_build(root)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(root / "index")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        answers = []
        # in a thread, so that a change waiting on the lock fails the test, not hangs it
        asking = threading.Thread(
            target=lambda: answers.append(
                api.post("/v1/documents", headers=as_key(ADMIN), **upload("forum.opml", FORUM))
            ),
            daemon=True,
        )
        asking.start()
        asking.join(BOUND_SECONDS)
        assert answers, "the change waited for the lock instead of answering 409"
        (busy,) = answers
        assert holder.poll() is None  # answered while the lock was still held
        assert busy.status_code == 409, busy.text
        assert busy.json()["error"]["type"] == "busy"
        assert corpus_files(root) == before and live_build(root) == served
        assert [line["outcome"] for line in audit_lines(root)] == ["started", "failed"]
    finally:
        holder.stdin.close()
        holder.wait(BOUND_SECONDS)
    added = api.post("/v1/documents", headers=as_key(ADMIN), **upload("forum.opml", FORUM))
    assert added.status_code == 201, added.text


@pytest.mark.parametrize(
    ("path", "methods"),
    [("/v1/documents", "GET, POST"), ("/v1/documents/a.md", "DELETE, PUT")],
)
def test_a_method_not_allowed_names_every_method_of_the_path(api, path, methods):
    """Starlette named the first route's methods only (schemathesis: ST205)."""
    answer = api.request("PATCH", path, headers=as_key(ADMIN))
    assert answer.status_code == 405
    assert answer.headers["Allow"] == methods
