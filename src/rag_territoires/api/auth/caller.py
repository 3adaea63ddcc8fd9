"""Who called: an API key (``X-API-Key``) or an OpenID Connect bearer token, found once
per request by the /v1 guard (``api/deps.py``) and the widget's; a wrong credential
counts against its address, so keys cannot be guessed at full speed."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import HTTPException, Request
from fastapi.security import APIKeyHeader

from rag_territoires.api.auth.oidc import OidcError, claimed_groups

if TYPE_CHECKING:  # deps.py imports this module: its state is only named here
    from rag_territoires.api.deps import AppState

api_key_header = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    description="Required when the server has API keys configured (RAG_TERRITOIRES_API_KEYS).",
)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer ...`` header, or None. A scheme's name is
    case-insensitive (RFC 9110, 11.1): ``bearer`` and ``BEARER`` are the same scheme."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def _too_many(wait: float) -> HTTPException:
    return HTTPException(
        429,
        f"too many requests with a wrong key; retry in {wait:g} s",
        headers={"Retry-After": f"{wait:g}"},
    )


def count_wrong_credential(request: Request, state: AppState) -> None:
    """A wrong key or token counts against its address: past the limit, 429."""
    wait = state.failed_keys.acquire("ip:" + client_address(request))
    if wait:
        raise _too_many(wait)


async def bearer_claims(request: Request, state: AppState) -> dict | None:
    """The claims of a valid OIDC bearer token, None when there is none to check, or
    ``OidcError``. An address already past its wrong-credential limit gets its 429 before
    the token is even looked at: checking one may mean fetching the provider's keys."""
    token = bearer_token(request)
    if state.oidc is None or token is None:
        return None
    wait = state.failed_keys.waiting("ip:" + client_address(request))
    if wait:
        raise _too_many(wait)
    return await state.oidc.verify(token)


NO_GROUPS: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Caller:
    """Who called a /v1 route, as the guard found it. ``identity``: its rate-limit bucket
    ("key:..." or "sub:...", hashed), None when the API is open; ``who``: how the audit log
    names it (a key's hashed id, or the OIDC subject; never a secret); ``admin``: it may
    manage the maps (an admin key, or the OIDC admin group: api/admin.py)."""

    identity: str | None
    groups: frozenset[str] = NO_GROUPS
    who: str = "anonymous"
    admin: bool = False


OPEN = Caller(None)


async def caller_identity(request: Request, state: AppState, key: str | None) -> Caller:
    """The caller, from a key or an OIDC bearer token when either is configured; its groups
    are its key's, or its token's groups claim (none when the API is open)."""
    settings = state.settings
    keys = settings.key_groups()
    if not keys and state.oidc is None:
        return OPEN
    # a header's value does not include the blanks around it (RFC 9110, 5.5); the server
    # strips the leading ones only
    key = key.strip(" \t") if key else key
    offered = (key or "").encode()
    # compare_digest on every key, always: the time taken says nothing about the keys
    matches = [hmac.compare_digest(offered, k.encode()) for k, _ in keys]
    if any(matches):
        found, groups = keys[matches.index(True)]
        identity = "key:" + hashlib.sha256(offered).hexdigest()[:16]
        return Caller(identity, groups, identity, found in settings.admin_keys())
    why = "missing or invalid X-API-Key"
    if state.oidc is not None and not key:
        try:
            claims = await bearer_claims(request, state)
        except OidcError as error:
            claims, why = None, str(error)
        if claims is not None:  # "sub" is required: each person has a bucket
            groups = claimed_groups(claims, settings.oidc_groups_claim)
            identity = "sub:" + hashlib.sha256(claims["sub"].encode()).hexdigest()[:16]
            admin = bool(settings.oidc_admin_group) and settings.oidc_admin_group in groups
            return Caller(identity, groups, "oidc:" + claims["sub"], admin)
    # a missing credential guesses nothing; a wrong one is counted
    if key or request.headers.get("authorization"):
        count_wrong_credential(request, state)
    raise HTTPException(401, why, headers={"WWW-Authenticate": "ApiKey, Bearer"})
