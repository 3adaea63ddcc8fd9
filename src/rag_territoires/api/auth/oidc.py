"""Intranet single sign-on: `Authorization: Bearer` JWTs from the intranet's OpenID
Connect provider, accepted instead of an API key (on `/v1`) or of a widget token.

The token must be signed by one of the provider's keys (``jwks.py``: fetched from its JWKS
address, trusted for a while, fetched again when a token names a key not seen yet: keys
rotate), with an algorithm from a pinned list (asymmetric only: never ``none``, never a
shared secret the public key could be mistaken for), and carry the configured issuer and
audience, a subject and an expiry, checked with a bounded clock skew.
"""

from __future__ import annotations

import jwt

from rag_territoires.api.auth.jwks import KeyUnavailable, ProviderKeys
from rag_territoires.config import OIDC_ALGORITHMS
from rag_territoires.errors import RagError


class OidcError(RagError):
    """The bearer token is not one the provider issued for this API, now."""


class OidcVerifier:
    def __init__(
        self,
        issuer: str,
        audience: str,
        keys: ProviderKeys,
        algorithms: list[str],
        leeway_seconds: int = 60,
    ) -> None:
        if not algorithms or set(algorithms) - OIDC_ALGORITHMS:
            raise RagError(f"OIDC algorithms must be among {sorted(OIDC_ALGORITHMS)}")
        self.issuer = issuer
        self.audience = audience
        self.algorithms = list(algorithms)
        self.leeway = leeway_seconds
        self.keys = keys

    async def verify(self, token: str) -> dict:
        """The token's claims, or ``OidcError`` saying why it is refused. On the event
        loop: a key fetch is awaited, and a signature check takes tens of microseconds."""
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") not in self.algorithms:
                raise OidcError(f"the token's algorithm {header.get('alg')!r} is not accepted")
            key = await self.keys.key(header.get("kid"))
            claims = jwt.decode(
                token,
                key.key,
                algorithms=self.algorithms,
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                # "sub" too: the caller's rate limit is counted under it, and tokens without
                # one would all share a bucket (OpenID Connect and RFC 9068 require it)
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except KeyUnavailable as exc:
            raise OidcError(str(exc)) from None
        except jwt.InvalidTokenError as exc:
            raise OidcError(f"the token is refused ({exc})") from None
        if not isinstance(claims["sub"], str) or not claims["sub"].strip():
            raise OidcError('the token names no subject (its "sub" is empty)')
        return claims


def claimed_groups(claims: dict, claim: str) -> frozenset[str]:
    """The groups a token's claims name: the claim called ``claim`` (a list of names, or one
    name), else the dotted path it spells ("realm_access.roles"); none when absent or of
    another shape (an unreadable claim grants nothing)."""
    value: object = claims.get(claim)
    if value is None and "." in claim:
        value = claims
        for part in claim.split("."):
            value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return frozenset()
    return frozenset(g for g in value if isinstance(g, str) and g)
