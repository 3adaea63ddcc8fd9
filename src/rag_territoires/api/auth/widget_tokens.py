"""Widget tokens: ``rtw1.<payload>.<HMAC-SHA256>``, bound to a page's origin and valid for
minutes, made by the intranet's server from its key (``POST /v1/widget-tokens``); nothing
to look up, nothing stored. They carry the groups asked for, among the key's own. Who may
use the widget, and its CORS: ``api/widget.py``."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time

TOKEN_VERSION = "rtw1"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class WidgetTokens:
    """Signs and checks widget tokens with one secret (random per process when the
    settings give none: tokens then end with the process)."""

    def __init__(self, secret: str = "") -> None:
        self._key = secret.encode() if secret else secrets.token_bytes(32)

    def _sign(self, payload: str) -> str:
        return _b64(hmac.new(self._key, payload.encode(), hashlib.sha256).digest())

    def issue(
        self,
        origin: str,
        ttl_seconds: int,
        now: float | None = None,
        groups: frozenset[str] = frozenset(),
    ) -> tuple[str, int]:
        expires = int((now or time.time()) + ttl_seconds)
        claims: dict[str, object] = {"o": origin, "exp": expires}
        if groups:  # a token without groups stays as it always was
            claims["g"] = sorted(groups)
        payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
        return f"{TOKEN_VERSION}.{payload}.{self._sign(payload)}", expires

    def groups(self, token: str) -> frozenset[str]:
        """The groups of a token ``check`` found valid."""
        claims = json.loads(_unb64(token.split(".")[1]))
        return frozenset(claims.get("g", []))

    def check(self, token: str, origin: str, now: float | None = None) -> str | None:
        """None when the token is valid for this origin now, else why not."""
        parts = token.split(".")
        # a header byte over 0x7f arrives as a Latin-1 character, which compare_digest
        # refuses (TypeError): a token is base64url, ASCII, or not a token at all
        if not token.isascii() or len(parts) != 3 or parts[0] != TOKEN_VERSION:
            return "not a widget token"
        _, payload, signature = parts
        if not hmac.compare_digest(signature, self._sign(payload)):
            return "the token's signature is wrong"
        try:
            claims = json.loads(_unb64(payload))
            bound, expires = str(claims["o"]), int(claims["exp"])
            groups = claims.get("g", [])
            if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
                raise TypeError("groups")
        except (ValueError, KeyError, TypeError, AttributeError):
            return "the token is malformed"
        if bound != origin:
            return "the token was issued for another origin"
        if expires <= (now or time.time()):
            return "the token has expired"
        return None
