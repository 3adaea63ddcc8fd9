"""The chat page's only way to the notes: the HTTP API, as an intranet integration uses it.

Every failure becomes an ``ApiError`` whose ``kind`` lets the page say what went
wrong in one line (API down, too slow, key refused, question refused...).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import httpx

DEFAULT_URL = "http://127.0.0.1:8000"
CONTEXT_MESSAGES = 20  # earlier messages sent with a question (follow-ups need them)
ASSISTANT_CONTEXT_CHARS = 1000


class ApiError(Exception):
    def __init__(self, kind: str, detail: str = "", reason: str = "") -> None:
        super().__init__(f"{kind}: {detail}")
        # down, slow, key, limited, refused, too_large, not_found, not_ready, unavailable,
        # bad_request, server: each has a sentence in the page's languages (texts.py)
        self.kind = kind
        self.detail = detail  # the API's own words (English), for the logs, never shown
        self.reason = reason  # why a question was refused: empty, too_long... (422 only)


@dataclass
class ChatStream:
    """Filled while the answer streams: the text pieces go to the page, the rest lands here."""

    citations: list[dict[str, Any]] = field(default_factory=list)
    answer: dict[str, Any] | None = None
    error: ApiError | None = None


_KIND_BY_STATUS = {
    400: "bad_request",
    401: "key",
    404: "not_found",
    413: "too_large",
    422: "refused",
}
_KIND_BY_TYPE = {"not_ready": "not_ready", "unavailable": "unavailable"}


def _error_for(response: httpx.Response) -> ApiError:
    try:
        error = response.json()["error"]
        message, kind = str(error["message"]), str(error["type"])
        fields = error.get("fields") or [{}]
        reason = str(error.get("reason") or fields[0].get("reason") or "")
    except (ValueError, KeyError, TypeError, AttributeError, IndexError):
        message, kind, reason = response.text[:200], "", ""
    if response.status_code == 429:
        return ApiError("limited", response.headers.get("Retry-After", "?"))
    if kind in _KIND_BY_TYPE:
        return ApiError(_KIND_BY_TYPE[kind], message)
    if response.status_code in _KIND_BY_STATUS:
        return ApiError(_KIND_BY_STATUS[response.status_code], message, reason)
    return ApiError("bad_request" if response.status_code < 500 else "server", message)


class ApiClient:
    def __init__(self, url: str | None = None, key: str | None = None, timeout: float = 30.0):
        self.url = (url or os.environ.get("RAG_TERRITOIRES_UI_API_URL") or DEFAULT_URL).rstrip("/")
        self.key = key if key is not None else os.environ.get("RAG_TERRITOIRES_UI_API_KEY", "")
        self.timeout = timeout

    @property
    def headers(self) -> dict[str, str]:
        return {"X-API-Key": self.key} if self.key else {}

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = httpx.request(
                method, self.url + path, headers=self.headers, timeout=self.timeout, **kwargs
            )
        except httpx.TimeoutException:
            raise ApiError("slow", self.url) from None
        except httpx.HTTPError:
            raise ApiError("down", self.url) from None
        if response.status_code >= 400:
            raise _error_for(response)
        return response.json()

    def build(self) -> str | None:
        """The build the API serves (None: unknown, down or loading): what the page's
        cached tree and lines are keyed on, so that a map just added shows at once."""
        try:
            response = httpx.get(self.url + "/readyz", timeout=min(self.timeout, 2.0))
            return response.json().get("build") if response.status_code == 200 else None
        except (httpx.HTTPError, ValueError):
            return None

    def tree(self) -> dict[str, Any]:
        return self._request("GET", "/v1/tree")

    def lines(self, document: str, start: int, end: int) -> dict[str, Any]:
        return self._request(
            "GET", f"/v1/documents/{document}/lines", params={"start": start, "end": end}
        )

    def feedback(self, record: dict[str, Any]) -> dict[str, Any]:
        return self._request("POST", "/v1/feedback", json=record)

    def chat_stream(
        self, messages: list[dict[str, str]], state: ChatStream, documents: list[str] = ()
    ) -> Iterator[str]:
        """Yield the answer text as it comes; citations, the whole answer or an error
        end up in ``state`` (a generator cannot raise into st.write_stream cleanly).
        ``documents``: search only these maps (none: all)."""
        body = {"messages": messages, "stream": True, "documents": list(documents)}
        try:
            with httpx.stream(
                "POST",
                self.url + "/v1/chat",
                json=body,
                headers=self.headers,
                timeout=self.timeout,
            ) as response:
                if response.status_code >= 400:
                    response.read()
                    state.error = _error_for(response)
                    return
                event = None
                for line in response.iter_lines():
                    if line.startswith("event: "):
                        event = line[7:]
                    elif line.startswith("data: "):
                        data = json.loads(line[6:])
                        if event == "answer":
                            yield data["delta"]
                        elif event == "citations":
                            state.citations = data
                        elif event == "done":
                            state.answer = data
        except httpx.TimeoutException:
            state.error = ApiError("slow", self.url)
        except httpx.HTTPError:
            state.error = ApiError("down", self.url)
        except ValueError:
            state.error = ApiError("server", "malformed event stream")
        if state.answer is None and state.error is None:
            state.error = ApiError("server", "the answer stream ended early")


def conversation(messages: list[dict[str, Any]], question: str) -> list[dict[str, str]]:
    """The messages sent with a question: the page's earlier turns that were answered
    (answers shortened), then the question. A turn that failed (refused, API down) is left
    out, so it can never make the next questions fail or answer about another branch."""
    sent = []
    for asked, reply in pairwise(messages):
        if asked["role"] == "user" and "data" in reply:
            sent.append({"role": "user", "content": asked["content"]})
            sent.append(
                {"role": "assistant", "content": reply["content"][:ASSISTANT_CONTEXT_CHARS]}
            )
    return [*sent[-CONTEXT_MESSAGES:], {"role": "user", "content": question}]
