"""Maps only their readers can see: a map restricted to groups by its access file, and
every route asked by a caller outside those groups (an outsider) and one inside (an
insider), on a real server on loopback. An outsider must learn nothing of the map: not
its name, its titles, its passages, nor, through a declined answer or its confidence,
that its words are in the notes."""

from __future__ import annotations

import json
import shutil

import httpx
import pytest

from rag_territoires.answer.chat import Message, answer_chat
from rag_territoires.config import Settings
from rag_territoires.engine import Engine
from tests.conftest import EXPORT, OUTLINE, start_api, stop
from tests.helpers import corpus_env, run, tiny_corpus, tiny_map
from tests.oidc_provider import AUDIENCE, ISSUER, Provider

pytestmark = pytest.mark.integration

RESTRICTED = "conseil-restreint.md"
TITLE = "Conseil restreint des élus"
# the restricted map's own words: nowhere in the seminar's notes
PHRASE = "salle des fêtes de Quincampoix ?"
LEAVES = [
    "Quincampoix salle des fêtes : rénovation de la toiture en ardoise",
    "Cantine : passage au bio local",
]
INSIDER = "insider-key-elus-0123456789"
OUTSIDER = "outsider-key-plain-0123456789"
DIRECTION = "direction-key-only-0123456789"
PAGE = "http://intranet.example"


@pytest.fixture(scope="module")
def restricted(tmp_path_factory):
    """The seminar's notes and a map restricted to "elus", indexed."""
    root = tmp_path_factory.mktemp("restricted")
    corpus = root / "corpus"
    corpus.mkdir()
    for source in (EXPORT, OUTLINE):
        shutil.copy(source, corpus / source.name)
    tiny_map(corpus, RESTRICTED, TITLE, LEAVES)
    (corpus / f"{RESTRICTED}.access.toml").write_text('groups = ["elus"]\n', encoding="utf-8")
    settings = Settings(corpus_dir=corpus, index_dir=root / "index")
    Engine(settings).warm_up()
    return settings


@pytest.fixture(scope="module")
def provider():
    provider = Provider()
    yield provider
    provider.close()


@pytest.fixture(scope="module")
def server(restricted, provider):
    keys = [
        {"key": INSIDER, "groups": ["elus"]},
        OUTSIDER,
        {"key": DIRECTION, "groups": ["direction"]},
    ]
    process, url = start_api(
        Engine(restricted),
        RAG_TERRITOIRES_CORPUS_DIR=str(restricted.corpus_dir),
        RAG_TERRITOIRES_API_KEYS=json.dumps(keys),
        RAG_TERRITOIRES_OIDC_ISSUER=ISSUER,
        RAG_TERRITOIRES_OIDC_AUDIENCE=AUDIENCE,
        RAG_TERRITOIRES_OIDC_JWKS_URL=provider.url,
        RAG_TERRITOIRES_OIDC_GROUPS_CLAIM="realm_access.roles",
        RAG_TERRITOIRES_WIDGET_ORIGINS=json.dumps([PAGE]),
        RAG_TERRITOIRES_RATE_LIMIT_PER_MINUTE="0",
    )
    yield url
    stop(process)


def as_key(key: str) -> dict[str, str]:
    return {"X-API-Key": key}


def get(server: str, path: str, key: str, **params) -> httpx.Response:
    return httpx.get(server + path, headers=as_key(key), params=params, timeout=60)


def post(server: str, path: str, body: dict, headers: dict) -> httpx.Response:
    return httpx.post(server + path, json=body, headers=headers, timeout=60)


def mentions_the_map(response: httpx.Response) -> bool:
    """Its file name, id, title or a note (the question, echoed, is the caller's own)."""
    text = response.text
    return any(word in text for word in ("conseil-restreint", "Conseil restreint", "ardoise"))


def test_documents_and_tree_list_the_map_to_insiders_only(server):
    for path in ("/v1/documents", "/v1/tree"):
        insider, outsider = get(server, path, INSIDER), get(server, path, OUTSIDER)
        assert insider.status_code == outsider.status_code == 200
        assert mentions_the_map(insider) and not mentions_the_map(outsider), path
        assert not mentions_the_map(get(server, path, DIRECTION))  # another group: outside
    ready = httpx.get(server + "/readyz", timeout=30).json()  # open: anyone's view
    assert RESTRICTED not in ready["documents"]


@pytest.mark.parametrize("name", [RESTRICTED, "conseil-restreint"])
def test_a_restricted_map_is_unknown_to_an_outsider_exactly_as_a_missing_one(server, name):
    routes = [("/v1/documents/{}/tree", {}), ("/v1/documents/{}/lines", {"start": 1, "end": 2})]
    for route, params in routes:
        insider = get(server, route.format(name), INSIDER, **params)
        outsider = get(server, route.format(name), OUTSIDER, **params)
        missing = get(server, route.format("absente"), OUTSIDER, **params)
        assert insider.status_code == 200 and mentions_the_map(insider)
        assert outsider.status_code == missing.status_code == 404
        assert outsider.json() == json.loads(missing.text.replace("absente", name))
    for body in ({"query": PHRASE, "documents": [name]},):
        outsider = post(server, "/v1/search", body, as_key(OUTSIDER))
        missing = post(server, "/v1/search", {**body, "documents": ["absente"]}, as_key(OUTSIDER))
        assert outsider.status_code == missing.status_code == 404
        assert outsider.json() == json.loads(missing.text.replace("absente", name))
        assert post(server, "/v1/search", body, as_key(INSIDER)).status_code == 200


def test_a_passage_of_the_map_is_given_to_insiders_only(server):
    found = post(server, "/v1/search", {"query": PHRASE}, as_key(INSIDER)).json()
    passage = next(p["id"] for p in found["passages"] if p["source"]["document"] == RESTRICTED)
    assert get(server, f"/v1/passages/{passage}", INSIDER).status_code == 200
    outsider = get(server, f"/v1/passages/{passage}", OUTSIDER)
    missing = get(server, "/v1/passages/conseil-restreint:absente", OUTSIDER)
    assert outsider.status_code == missing.status_code == 404
    assert outsider.json() == json.loads(missing.text.replace("conseil-restreint:absente", passage))


def test_an_outsider_searching_the_maps_words_is_answered_as_if_it_were_not_there(
    server, engine
):
    """The same passages, scores, abstention and confidence as the seminar's notes alone
    give (the session's index, which never held the map): the restricted map shifts
    nothing, not BM25's statistics, not the abstention."""
    insider = post(server, "/v1/search", {"query": PHRASE}, as_key(INSIDER)).json()
    assert insider["passages"][0]["source"]["document"] == RESTRICTED
    assert not insider["abstained"]
    outsider = post(server, "/v1/search", {"query": PHRASE}, as_key(OUTSIDER))
    without_the_map = engine.searcher.search(PHRASE).model_dump(mode="json")
    assert outsider.json() == without_the_map
    assert outsider.json()["abstained"]  # declined, as a phrase the notes never hold
    unknown = post(
        server, "/v1/search", {"query": "salle des fêtes de Zanzibar ?"}, as_key(OUTSIDER)
    )
    assert unknown.json()["abstained"]


def test_an_outsiders_chat_is_the_answer_of_the_notes_without_the_map(server, engine):
    body = {"messages": [{"role": "user", "content": PHRASE}]}
    insider = post(server, "/v1/chat", body, as_key(INSIDER)).json()
    assert any(c["source"]["document"] == RESTRICTED for c in insider["citations"])
    outsider = post(server, "/v1/chat", body, as_key(OUTSIDER))
    assert not mentions_the_map(outsider)
    alone = answer_chat(engine.searcher, [Message("user", PHRASE)])
    assert outsider.json() == alone.model_dump(mode="json")  # its nearest branches too
    streamed = post(server, "/v1/chat", {**body, "stream": True}, as_key(OUTSIDER))
    assert streamed.status_code == 200 and not mentions_the_map(streamed)


def test_a_signed_in_user_sees_the_map_through_the_groups_claim(server, provider):
    def search(**claims) -> httpx.Response:
        token = provider.token(**claims)
        headers = {"Authorization": f"Bearer {token}"}
        return post(server, "/v1/search", {"query": PHRASE}, headers)

    insider = search(realm_access={"roles": ["elus"]})
    assert insider.status_code == 200 and mentions_the_map(insider)
    for claims in ({}, {"realm_access": {"roles": ["direction"]}}, {"realm_access": "elus"}):
        outsider = search(**claims)
        assert outsider.status_code == 200 and not mentions_the_map(outsider), claims


def test_a_widget_token_carries_the_groups_its_server_asked_for_never_more(server):
    def token(key: str, groups: list[str]) -> httpx.Response:
        body = {"origin": PAGE, "groups": groups}
        return post(server, "/v1/widget-tokens", body, as_key(key))

    refused = token(OUTSIDER, ["elus"])  # a key outside "elus" cannot grant it
    assert refused.status_code == 403 and "elus" in refused.json()["error"]["message"]
    assert token(DIRECTION, ["elus"]).status_code == 403

    def widget(minted: httpx.Response) -> tuple[httpx.Response, httpx.Response]:
        assert minted.status_code == 201, minted.text
        headers = {"Origin": PAGE, "Authorization": f"Bearer {minted.json()['token']}"}
        body = {"messages": [{"role": "user", "content": PHRASE}]}
        chat = post(server, "/widget/v1/chat", body, headers)
        lines = httpx.get(
            f"{server}/widget/v1/documents/{RESTRICTED}/lines",
            params={"start": 1, "end": 2},
            headers=headers,
            timeout=60,
        )
        return chat, lines

    chat, lines = widget(token(INSIDER, ["elus"]))
    assert mentions_the_map(chat) and lines.status_code == 200
    for minted in (token(INSIDER, []), token(DIRECTION, ["direction"])):
        chat, lines = widget(minted)
        assert chat.status_code == 200 and not mentions_the_map(chat)
        assert lines.status_code == 404  # and says what it says of a name it never held
        assert lines.json()["error"]["message"] == f"no document named {RESTRICTED!r}"


def test_without_any_authentication_a_restricted_map_is_hidden(restricted):
    """Open local mode: no caller identity, so no group: public maps only."""
    process, url = start_api(
        Engine(restricted),
        RAG_TERRITOIRES_CORPUS_DIR=str(restricted.corpus_dir),
        RAG_TERRITOIRES_RATE_LIMIT_PER_MINUTE="0",
    )
    try:
        documents = httpx.get(url + "/v1/documents", timeout=30)
        found = httpx.post(url + "/v1/search", json={"query": PHRASE}, timeout=60)
    finally:
        stop(process)
    assert documents.status_code == found.status_code == 200
    assert not mentions_the_map(documents) and not mentions_the_map(found)


def test_add_groups_writes_the_access_file_with_the_map_and_remove_takes_both(tmp_path):
    root = tiny_corpus(tmp_path)
    env = corpus_env(root)
    source = tiny_map(tmp_path / "new", "c.md", "Carte C", ["Quincampoix toiture"])
    added = run("add", "--quiet", "--groups", "elus, direction", str(source), env=env)
    assert added.returncode == 0, added.stderr
    sidecar = root / "corpus" / "c.md.access.toml"
    build = (root / "index" / "CURRENT").read_text().strip()
    carried = root / "index" / build / "corpus" / "c.md.access.toml"
    assert sidecar.read_text() == carried.read_text() == 'groups = ["direction", "elus"]\n'
    # replaced without --groups, a restricted map stays restricted
    replaced = run("add", "--quiet", "--replace", str(source), env=env)
    assert replaced.returncode == 0, replaced.stderr
    assert sidecar.is_file()
    removed = run("remove", "--quiet", "c.md", env=env)
    assert removed.returncode == 0, removed.stderr
    assert not sidecar.exists()
    assert sorted(p.name for p in (root / "corpus").iterdir()) == ["a.md", "b.md"]


@pytest.mark.parametrize("groups", ["", "elus,,direction", " "])
def test_bad_groups_are_refused_in_one_line(tmp_path, groups):
    source = tiny_map(tmp_path / "new", "c.md", "Carte C", ["Quincampoix toiture"])
    env = {
        "RAG_TERRITOIRES_CORPUS_DIR": str(tmp_path / "corpus"),
        "RAG_TERRITOIRES_INDEX_DIR": str(tmp_path / "index"),
    }
    added = run("add", "--quiet", "--groups", groups, str(source), env=env)
    assert added.returncode != 0
    assert added.stderr.count("\n") == 1 and "group" in added.stderr
    assert not (tmp_path / "corpus" / "c.md").exists()


def test_a_damaged_access_file_is_refused_never_read_as_public(tmp_path):
    from rag_territoires.corpus.corpus import Corpus
    from rag_territoires.errors import CorpusError

    tiny_map(tmp_path, "c.md", "Carte C", ["Quincampoix toiture"])
    for text in ("groups = [", "groups = []", 'group = ["elus"]', "groups = [1]"):
        (tmp_path / "c.md.access.toml").write_text(text, encoding="utf-8")
        with pytest.raises(CorpusError, match=r"c\.md\.access\.toml"):
            Corpus.load(tmp_path)


def test_a_caller_who_may_see_no_map_is_declined_with_nothing_to_show(tmp_path):
    from rag_territoires.corpus.access import hidden_from
    from rag_territoires.errors import UnknownDocument

    tiny_map(tmp_path / "corpus", RESTRICTED, TITLE, LEAVES)
    (tmp_path / "corpus" / f"{RESTRICTED}.access.toml").write_text('groups = ["elus"]')
    ready = Engine(Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index"))
    ready.warm_up()
    nobody = ready.searcher_for(hidden_from(ready.corpus.access, frozenset()))
    found = nobody.search(PHRASE)
    assert found.abstained and found.passages == [] and found.confidence == 0.0
    answer = answer_chat(nobody, [Message("user", PHRASE)])
    assert answer.abstained and answer.citations == [] and "ardoise" not in answer.answer
    with pytest.raises(UnknownDocument, match="no document named 'conseil-restreint'"):
        nobody.search(PHRASE, documents=["conseil-restreint"])
    assert ready.searcher_for(frozenset()) is ready.searcher  # an insider: the full search


def test_with_every_map_public_nothing_is_built_for_anyone(engine):
    from rag_territoires.corpus.access import hidden_from

    assert engine.corpus.access == {}
    assert hidden_from(engine.corpus.access, frozenset()) == frozenset()
    engine.views.warm_public()
    assert engine.searcher_for(frozenset()) is engine.searcher
    assert not engine.views._views  # no view: the public corpus costs nothing more


def test_api_keys_may_be_plain_or_carry_groups():
    settings = Settings(api_keys=[OUTSIDER, {"key": INSIDER, "groups": ["elus"]}])
    assert settings.key_groups() == [(OUTSIDER, frozenset()), (INSIDER, frozenset({"elus"}))]
    with pytest.raises(ValueError, match="at least"):
        Settings(api_keys=[{"key": "short", "groups": ["elus"]}])
