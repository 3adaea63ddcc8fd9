"""The HTTP API through TestClient, with the real engine and the lifespan."""

import json

import pytest

from tests.conftest import make_client

pytestmark = pytest.mark.integration

DOC = "seminaire-territoires-ruraux-carte-mentale.txt"
TITLE = "Séminaire « territoires ruraux » : carte mentale"


def ask(client, *questions, **extra):
    messages = []
    for q in questions[:-1]:
        messages += [{"role": "user", "content": q}, {"role": "assistant", "content": "…"}]
    messages.append({"role": "user", "content": questions[-1]})
    response = client.post("/v1/chat", json={"messages": messages, **extra})
    assert response.status_code == 200, response.text
    return response


def test_search_returns_the_same_object_as_the_library(client, engine):
    body = {
        "query": "et le deuxième ?",
        "top_k": 3,
        "history": ["Quels sont les 3 principes à appliquer ?"],
    }
    response = client.post("/v1/search", json=body)
    assert response.status_code == 200
    expected = engine.search(body["query"], top_k=3, history=body["history"])
    assert response.json() == expected.model_dump()
    assert response.json()["passages"][0]["text"] == "Coopération et construction collective"


def test_chat_quotes_the_notes_with_resolving_citations(client):
    data = ask(client, "Quels sont les 3 principes à appliquer ?").json()
    assert data["answer"].startswith(data["lead"] + "\n\nD'après « Séminaire « territoires ")
    assert not data["abstained"] and data["generator"] == "extractive"
    quotes = {c["quote"]: c for c in data["citations"]}
    second = quotes["Coopération et construction collective"]
    assert f"- Coopération et construction collective [{second['n']}]" in data["answer"]
    assert second["source"] == {
        "document": DOC,
        "title": TITLE,
        "line_start": 931,
        "line_end": 933,
        "topic_id": None,
    }
    assert second["branch"][-2:] == [
        "3 principes à appliquer",
        "Coopération et construction collective",
    ]


def test_the_answer_leads_with_the_list_it_asks_for_each_item_cited(client):
    data = ask(client, "Quels sont les 3 principes à appliquer ?").json()
    numbers = {c["quote"]: c["n"] for c in data["citations"]}
    lead = data["lead"]
    assert lead.startswith("**En bref :** les notes donnent 4 points sous « 3 principes")
    for item in ["Posture d'anticipation et de construction", "Coopération et construction "
                 "collective", "Approches systémiques et territorialisation"]:  # fmt: skip
        assert f"{item} [{numbers[item]}]" in lead


def test_a_broad_question_gets_a_few_sources_and_the_rest_to_ask_about(client):
    # "tiers-lieux" quoted 31 nodes, the Anthropocene and the sanitary crisis among them
    data = ask(client, "Quels exemples de tiers-lieux sont cités ?").json()
    assert 0 < len(data["citations"]) <= 8
    assert "**Coopérative tiers-lieu(x) (Nvelle Aquitaine)**" in data["lead"]
    quoted = {c["passage_id"] for c in data["citations"]}
    offered = [p for p in data["passages"] if p["id"] not in quoted]
    assert offered and data["see_also"] == [p["branch"] for p in offered]
    assert "Voir aussi :\n- " + " › ".join(offered[0]["branch"]) in data["answer"]
    assert len(data["passages"]) == 5  # every passage still returned


def test_chat_follow_up_uses_the_conversation(client):
    data = ask(client, "Quels sont les 3 principes à appliquer ?", "et le deuxième ?").json()
    assert data["citations"][0]["quote"] == "Coopération et construction collective"


def test_english_question_gets_an_english_framing_and_french_quotes(client):
    data = ask(client, "What are the consequences of the health crisis?").json()
    assert data["answer"].startswith("**In short:**")
    assert "\n\nAccording to “Séminaire « territoires ruraux » : carte mentale”" in data["answer"]
    assert any(c["quote"] == "Faire lien par les visio-conférences" for c in data["citations"])


def test_abstention_says_so_and_offers_branches_without_citations(client):
    data = ask(client, "Quel est le budget du LAB 41 ?").json()
    assert data["abstained"] is True and data["citations"] == []
    assert data["answer"].startswith("Les notes ne traitent pas de cette question.")
    # the nearest branch, offered to browse: the one that holds the LAB 41
    assert "Pour s'inspirer › Tiers-lieux" in data["answer"]
    assert "[1]" not in data["answer"]


def parse_sse(text):
    events = []
    for block in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.split("\n"))
        events.append((fields["event"], json.loads(fields["data"])))
    return events


def test_chat_streams_the_answer_then_citations_then_done(client):
    response = ask(client, "tiers-lieux ?", stream=True)
    assert response.headers["content-type"].startswith("text/event-stream")
    events = parse_sse(response.text)
    names = [name for name, _ in events]
    assert names[-2:] == ["citations", "done"] and set(names[:-2]) == {"answer"}
    done = events[-1][1]
    assert "".join(data["delta"] for name, data in events if name == "answer") == done["answer"]
    assert events[-2][1] == done["citations"]
    assert json.loads(json.dumps(done)) == ask(client, "tiers-lieux ?").json()


def test_passage_tree_and_lines_let_a_person_check_a_citation(client):
    (tree,) = client.get("/v1/tree").json()["documents"]
    assert tree["document"] == DOC and len(tree["roots"]) == 8
    assert tree["title"] == TITLE and tree["format"] == "text"
    assert client.get(f"/v1/documents/{DOC}/tree").json() == tree
    assert client.get("/v1/documents").json() == [
        {
            "document": DOC,
            "id": "seminaire-territoires-ruraux-carte-mentale",
            "title": TITLE,
            "format": "text",
            "nodes": 149,
            "passages": 66,
        }
    ]
    assert client.get("/v1/documents/nope.txt/tree").status_code == 404

    def walk(nodes):
        for node in nodes:
            yield node
            yield from walk(node["children"])

    nodes = list(walk(tree["roots"]))
    assert len(nodes) == 149
    tiers = next(n for n in nodes if n["text"] == "Tiers-lieux")
    passage = client.get(f"/v1/passages/{tiers['passage_id']}").json()
    assert passage["branch"] == ["Pour s'inspirer", "Tiers-lieux"]
    assert passage["source"] == {
        "document": DOC,
        "title": TITLE,
        "line_start": 84,
        "line_end": 100,
        "topic_id": None,
    }
    lines = client.get(f"/v1/documents/{DOC}/lines", params={"start": 84, "end": 88}).json()
    assert [line["text"] for line in lines["lines"]] == [
        "Tiers-lieux",
        "",
        "Volonté de contribuer à ",
        "",
        "des logiques de ",
    ]
    assert lines["total_lines"] == 1022


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "message"),
    [
        ("post", "/v1/search", {"query": ""}, 422, "query: the question is empty"),
        ("post", "/v1/search", {"query": " \t "}, 422, "the question is empty"),
        ("post", "/v1/search", {"query": "x" * 2001}, 422, "2001 characters; the limit is 2000"),
        ("post", "/v1/search", {"query": "tiers\u0000lieux"}, 422, "control character (U+0000)"),
        ("post", "/v1/search", {"query": "a\u001bb"}, 422, "control character (U+001B)"),
        ("post", "/v1/search", {"query": "x", "top_k": 0}, 422, "top_k"),
        ("post", "/v1/search", {"query": "x", "top_k": 51}, 422, "top_k"),
        ("post", "/v1/search", {"query": "x", "top_k": "5"}, 422, "valid integer"),
        ("post", "/v1/search", {"query": 42}, 422, "valid string"),
        ("post", "/v1/search", {"query": "x", "history": [""]}, 422, "history.0"),
        ("post", "/v1/search", {"query": "x", "colour": "red"}, 422, "colour"),
        ("post", "/v1/search", {}, 422, "query: Field required"),
        ("post", "/v1/chat", {"messages": []}, 422, "messages"),
        (
            "post",
            "/v1/chat",
            {"messages": [{"role": "user", "content": "x"}] * 51},
            422,
            "at most 50",
        ),
        ("post", "/v1/chat", {"messages": [{"role": "system", "content": "x"}]}, 422, "role"),
        (
            "post",
            "/v1/chat",
            {"messages": [{"role": "user", "content": ["x"]}]},
            422,
            "valid string",
        ),
        (
            "post",
            "/v1/chat",
            {"messages": [{"role": "assistant", "content": "x"}]},
            422,
            "the last message must be the user's question",
        ),
        ("post", "/v1/chat", {"messages": [{"role": "user", "content": "  "}]}, 422, "empty"),
        (
            "post",
            "/v1/chat",
            {"messages": [{"role": "user", "content": "x"}], "stream": "yes"},
            422,
            "stream",
        ),
        ("get", "/v1/passages/nope-00000000", None, 404, "no passage with id"),
        ("get", "/v1/documents/other.txt/lines?start=1&end=2", None, 404, "no document named"),
        ("get", f"/v1/documents/{DOC}/lines?start=1000&end=1100", None, 422, "outside"),
        ("get", f"/v1/documents/{DOC}/lines?start=10&end=5", None, 422, "outside"),
        ("get", f"/v1/documents/{DOC}/lines?start=0&end=5", None, 422, "start"),
        ("get", f"/v1/documents/{DOC}/lines?start=a&end=5", None, 422, "start"),
        ("get", "/v1/nowhere", None, 404, "Not Found"),
    ],
)
def test_bad_requests_get_a_json_error_with_the_right_status(
    client, method, path, body, status, message
):
    response = getattr(client, method)(path, **({"json": body} if body is not None else {}))
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert message in error["message"]
    assert "Traceback" not in response.text


def test_a_refused_question_says_why_with_a_code_clients_can_translate(client):
    def reason(path: str, body: dict) -> str:
        raw = json.dumps(body)  # ASCII escapes, so a lone surrogate reaches the API as sent
        headers = {"content-type": "application/json"}
        error = client.post(path, content=raw, headers=headers).json()["error"]
        return error.get("reason") or error["fields"][0]["reason"]

    user = {"role": "user", "content": "tiers-lieux ?"}
    assert reason("/v1/search", {"query": "x" * 2001}) == "too_long"
    assert reason("/v1/search", {"query": "  "}) == "empty"
    assert reason("/v1/search", {"query": "a\u0007b"}) == "control_character"
    assert reason("/v1/search", {"query": "a \ud800"}) == "invalid_text"
    assert reason("/v1/chat", {"messages": [{"role": "user", "content": "x" * 2001}]}) == (
        "too_long"
    )
    assert reason("/v1/chat", {"messages": [user, {"role": "assistant", "content": "a"}]}) == (
        "not_a_question"
    )
    assert reason("/v1/chat", {"messages": [{"role": "user", "content": "a\u0007"}]}) == (
        "control_character"
    )


def test_invalid_json_is_400(client):
    response = client.post(
        "/v1/search", content=b'{"query": "x",', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "invalid_json"


def test_bodies_over_64_kb_are_413_declared_or_streamed(client):
    big = json.dumps({"query": "x", "history": ["y" * 1000] * 70}).encode()
    declared = client.post("/v1/search", content=big)
    assert declared.status_code == 413
    assert declared.json()["error"]["message"] == "the request body is over 65536 bytes"

    def chunks():
        for _ in range(70):
            yield b"y" * 1024

    response = client.post("/v1/search", content=chunks())  # no Content-Length
    assert response.status_code == 413
    assert response.json()["error"]["type"] == "body_too_large"


def test_health_readiness_and_metrics(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json()["status"] == "ready"
    client.post("/v1/search", json={"query": "Quel est le budget du LAB 41 ?"})
    text = client.get("/metrics").text
    assert 'rag_http_requests_total{method="POST",route="/v1/search",status="200"}' in text
    assert "rag_search_seconds_count" in text
    assert 'rag_abstentions_total{endpoint="search"}' in text
    assert 'rag_http_request_seconds_bucket{le="0.005",route="/v1/search"}' in text


def test_api_keys_guard_v1_but_not_the_probes(engine):
    with make_client(engine, api_keys=["s3cret", "other"], rate_limit_per_minute=0) as c:
        assert c.post("/v1/search", json={"query": "x"}).status_code == 401
        wrong = c.post("/v1/search", json={"query": "x"}, headers={"X-API-Key": "s3cre"})
        assert wrong.status_code == 401 and wrong.json()["error"]["type"] == "unauthorized"
        ok = c.post("/v1/search", json={"query": "x"}, headers={"X-API-Key": "other"})
        assert ok.status_code == 200
        for padded in ("other ", "other\t", " other"):  # blanks around a value are not in it
            headers = {"X-API-Key": padded}
            assert c.post("/v1/search", json={"query": "x"}, headers=headers).status_code == 200
        assert c.get("/v1/tree").status_code == 401
        assert c.get("/healthz").status_code == 200 and c.get("/readyz").status_code == 200


def test_cors_allows_only_configured_origins(engine):
    with make_client(engine, cors_origins=["https://intranet.example"]) as c:
        allowed = c.options(
            "/v1/search",
            headers={"Origin": "https://intranet.example", "Access-Control-Request-Method": "POST"},
        )
        assert allowed.headers["access-control-allow-origin"] == "https://intranet.example"
        other = c.options(
            "/v1/search",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
        assert "access-control-allow-origin" not in other.headers
    with make_client(engine) as c:  # none configured: no site may call from a browser
        refused = c.options(
            "/v1/search",
            headers={"Origin": "https://intranet.example", "Access-Control-Request-Method": "POST"},
        )
        assert "access-control-allow-origin" not in refused.headers


def test_rate_limit_answers_429_with_retry_after(engine):
    with make_client(engine, rate_limit_per_minute=3) as c:
        statuses = [
            c.post("/v1/search", json={"query": "tiers-lieux"}).status_code for _ in range(4)
        ]
        assert statuses == [200, 200, 200, 429]
        refused = c.post("/v1/search", json={"query": "tiers-lieux"})
        assert int(refused.headers["Retry-After"]) >= 1
        assert refused.json()["error"]["type"] == "rate_limited"
        assert c.get("/healthz").status_code == 200  # probes are not limited


def test_openapi_documents_every_route_with_examples(client):
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in [
        "/v1/search",
        "/v1/chat",
        "/v1/passages/{passage_id}",
        "/v1/tree",
        "/v1/documents/{name}/lines",
        "/healthz",
        "/readyz",
        "/metrics",
        "/v1/widget-tokens",
        "/widget/v1/rag-territoires.js",
        "/widget/v1/chat",
    ]:
        assert path in paths
    for path, operations in paths.items():
        for method, operation in operations.items():
            ok = operation["responses"].get("200") or operation["responses"]["201"]
            assert "example" in json.dumps(ok), (method, path)
    for body in ("SearchRequest", "ChatRequest", "FeedbackRequest"):
        assert "examples" in json.dumps(spec["components"]["schemas"][body])


def test_feedback_is_appended_to_the_data_folder(engine, tmp_path):
    with make_client(engine, data_dir=tmp_path / "data", rate_limit_per_minute=0) as c:
        answer = ask(c, "tiers-lieux ?").json()
        body = {
            "question": "tiers-lieux ?",
            "answer": answer["answer"],
            "citations": answer["citations"],
            "rating": "down",
            "comment": "trop long",
        }
        first = c.post("/v1/feedback", json=body)
        second = c.post("/v1/feedback", json={**body, "rating": "up", "comment": None})
        assert first.status_code == 201 and first.json()["status"] == "recorded"
        lines = (tmp_path / "data" / "feedback.jsonl").read_text(encoding="utf-8").splitlines()
        records = [json.loads(line) for line in lines]
        assert [r["rating"] for r in records] == ["down", "up"]
        assert records[0]["id"] == first.json()["id"] and records[1]["id"] == second.json()["id"]
        assert records[0]["citations"] == answer["citations"]
        assert records[0]["comment"] == "trop long"
        bad = c.post("/v1/feedback", json={**body, "rating": "meh"})
        assert bad.status_code == 422 and "rating" in bad.json()["error"]["message"]
        # a comment alone is kept unrated; neither a rating nor a comment says nothing
        unrated = c.post("/v1/feedback", json={**body, "rating": None})
        assert unrated.status_code == 201
        records = (tmp_path / "data" / "feedback.jsonl").read_text(encoding="utf-8")
        assert json.loads(records.splitlines()[-1])["rating"] is None
        for empty in (None, "  "):
            nothing = c.post("/v1/feedback", json={**body, "rating": None, "comment": empty})
            assert nothing.status_code == 422
            assert "a rating, a comment" in nothing.json()["error"]["message"]
