"""Every error the API returns is JSON: {"error": {"type", "message", ...}}. No tracebacks."""

from __future__ import annotations

import json
import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from starlette.routing import Match

from rag_territoires.errors import (
    IndexStateError,
    QueryError,
    RagError,
    StorageError,
    StorageFull,
    UnknownDocument,
)

log = logging.getLogger(__name__)
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def json_error_body(kind: str, message: str) -> bytes:
    """The error body, for the layers below FastAPI (ASGI middleware, the protocol)."""
    return json.dumps({"error": {"type": kind, "message": message}}).encode()


def error_response(status: int, kind: str, message: str, **extra) -> JSONResponse:
    headers = extra.pop("headers", None)
    body = {"error": {"type": kind, "message": message, **extra}}
    return JSONResponse(body, status_code=status, headers=headers)


def _where(loc: tuple) -> str:
    return ".".join(str(part) for part in loc if part != "body") or "body"


async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    problems = exc.errors()
    if any(p.get("type") == "json_invalid" for p in problems):
        return error_response(400, "invalid_json", "the request body is not valid JSON")
    fields = [
        {
            "field": _where(p["loc"]),
            "message": p["msg"].removeprefix("Value error, "),
            "reason": p["type"],  # a stable code clients translate ("too_long", "missing"...)
        }
        for p in problems
    ]
    message = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
    return error_response(422, "invalid_request", message, fields=fields)


class OriginRefused(HTTPException):
    """A page whose origin is not in the widget's list."""

    kind = "forbidden_origin"

    def __init__(self) -> None:
        super().__init__(403, "this page's origin may not use the widget")


class ErrorBody(BaseModel):
    type: str = Field(description="A stable code: invalid_request, unauthorized, ...")
    message: str = Field(description="What went wrong, for a person (English).")
    reason: str | None = Field(None, description="Why a question was refused (422).")
    fields: list[dict] | None = Field(None, description="Each invalid field (422).")


class ErrorResponse(BaseModel):
    error: ErrorBody


def _documented(description: str) -> dict:
    return {"model": ErrorResponse, "description": description}


# Every /v1 route may answer these (routes add their own): the OpenAPI schema says so.
V1_ERRORS = {
    400: _documented("The body is not valid JSON (or not UTF-8)."),
    401: _documented("Missing or wrong X-API-Key (when keys are configured)."),
    413: _documented("The body is over the size limit."),
    422: _documented("The request is well-formed JSON but invalid; see `fields`/`reason`."),
    429: _documented("Too many requests (or wrong keys); see Retry-After."),
    503: _documented("The index is not ready, or feedback cannot be recorded."),
}
NOT_FOUND = {404: _documented("No such passage, document or lines.")}
STORAGE_FULL = {507: _documented("No room to record it: a full disk, or the file's size cap.")}
FORBIDDEN_ORIGIN = {403: _documented("The page's origin may not use the widget.")}
MANAGE_ERRORS = {  # the routes that change the maps (api/routes/manage.py)
    403: _documented("The caller is not an admin (or the server is in open mode)."),
    409: _documented("Another build or corpus change is running, or the map clashes."),
    415: _documented("Not multipart/form-data, or not a map format the corpus reads."),
    **STORAGE_FULL,
}


async def _http(request: Request, exc: HTTPException) -> JSONResponse:
    if exc.status_code == 400 and str(exc.detail) == "There was an error parsing the body":
        # FastAPI's words for a body that is not UTF-8 (or not decodable): not valid JSON
        return error_response(400, "invalid_json", "the request body is not valid JSON")
    kinds = {
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        413: "body_too_large",
        422: "invalid_request",
        429: "rate_limited",
    }
    headers = getattr(exc, "headers", None)
    if exc.status_code == 405:
        headers = {**(headers or {}), "Allow": _allowed(request)}
    return error_response(
        exc.status_code,
        getattr(exc, "kind", None) or kinds.get(exc.status_code, "http_error"),
        str(exc.detail),
        headers=headers,
    )


def _allowed(request: Request) -> str:
    """Every method the path takes. Starlette's 405 names only those of the first route
    whose path matches, and several routes share a path (GET and POST /v1/documents): each
    method is asked of the routes, as a request of it would be routed."""
    methods: set[str] = set()
    for method in HTTP_METHODS:
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
            methods.add(method)
    return ", ".join(sorted(methods))


async def _query(request: Request, exc: QueryError) -> JSONResponse:
    return error_response(422, "invalid_request", str(exc), reason=exc.reason)


async def _unknown_document(request: Request, exc: UnknownDocument) -> JSONResponse:
    return error_response(404, "not_found", str(exc))


async def _index(request: Request, exc: IndexStateError) -> JSONResponse:
    return error_response(503, "not_ready", str(exc))


async def _storage(request: Request, exc: StorageError) -> JSONResponse:
    return error_response(503, "unavailable", str(exc), headers={"Retry-After": "30"})


async def _storage_full(request: Request, exc: StorageFull) -> JSONResponse:
    # 507 (RFC 4918): not a passing outage a retry fixes, but no room until someone acts
    return error_response(507, "storage_full", str(exc))


async def _rag(request: Request, exc: RagError) -> JSONResponse:
    return error_response(500, "server_error", str(exc))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return error_response(500, "internal_error", "internal error; see the server's log")


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(QueryError, _query)
    app.add_exception_handler(UnknownDocument, _unknown_document)
    app.add_exception_handler(IndexStateError, _index)
    app.add_exception_handler(StorageError, _storage)
    app.add_exception_handler(StorageFull, _storage_full)
    app.add_exception_handler(RagError, _rag)
    app.add_exception_handler(Exception, _unexpected)
