"""The OpenID Connect provider's signing keys, by key id, from its JWKS address.

What a token cannot do with them (issue 29):

- keep a revoked key alive: the keys fetched are trusted for ``ttl_seconds`` (then
  fetched again, and a key the provider no longer lists is gone), never longer;
- make the API fetch the JWKS for every key id it makes up: at most one fetch at a time
  (requests that need one wait for it instead of each starting its own), at most one
  every ``refetch_seconds`` whatever its outcome (a provider that is down or hangs is
  asked again only then), and a key id the provider did not list is refused without a
  fetch for ``unknown_kid_seconds``;
- hold a request for long: a fetch has a deadline for the whole exchange and a size cap,
  and the wait is on the event loop (no worker thread is held; requests with a key go on).

It lives on the API's event loop: every method is called from it, so no lock is needed.
"""

from __future__ import annotations

import asyncio
import json
import ssl
import time
from collections.abc import Callable

import httpx
import jwt

from rag_territoires.errors import RagError

MAX_JWKS_BYTES = 512 * 1024  # providers publish a few keys: a few kilobytes
MAX_KID_CHARS = 256
MAX_UNKNOWN_KIDS = 4096  # made-up key ids remembered; the oldest are forgotten first


class KeyUnavailable(RagError):
    """No key of the provider's to check the token with (unknown, or not fetched)."""


class ProviderKeys:
    def __init__(
        self,
        url: str,
        ttl_seconds: float = 300.0,
        refetch_seconds: float = 30.0,
        unknown_kid_seconds: float = 60.0,
        timeout_seconds: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self.ttl = ttl_seconds
        self.refetch = refetch_seconds
        self.unknown_for = unknown_kid_seconds
        self.timeout = timeout_seconds
        self._clock = clock
        # the system's certificate authorities, as before with urllib: an intranet provider's
        # certificate is often signed by the organisation's own authority, installed there
        self._tls = ssl.create_default_context()
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None  # when the keys held were fetched
        self._tried_at: float | None = None  # the last fetch started, whatever its outcome
        self._failure = ""  # why the last fetch failed ("" when it did not)
        self._unknown: dict[str, float] = {}  # key id -> until when it is refused unfetched
        self._fetching: asyncio.Task[None] | None = None

    async def key(self, kid: object) -> jwt.PyJWK:
        """The provider's key ``kid``, fetched when needed, or ``KeyUnavailable``."""
        if not isinstance(kid, str) or not kid or len(kid) > MAX_KID_CHARS:
            raise KeyUnavailable('the token names no key (no usable "kid" in its header)')
        now = self._clock()
        if self._fetched_at is not None and now - self._fetched_at >= self.ttl:
            self._keys = {}  # expired: a key revoked since is not trusted any longer
        if kid in self._keys:
            return self._keys[kid]
        if self._unknown.get(kid, now) > now:
            raise self._unknown_key(kid)
        if not self._in_flight() and not self._may_fetch(now):
            raise self._unknown_key(kid) if self._keys else self._not_fetched()
        fetched = await self._refresh()
        if kid in self._keys:
            return self._keys[kid]
        if not fetched:
            raise self._not_fetched()
        self._remember_unknown(kid)
        raise self._unknown_key(kid)

    def _in_flight(self) -> bool:
        task = self._fetching
        # a task of another loop (an app started again in tests) is not waited for
        running = asyncio.get_running_loop()
        return task is not None and not task.done() and task.get_loop() is running

    def _may_fetch(self, now: float) -> bool:
        return self._tried_at is None or now - self._tried_at >= self.refetch

    async def _refresh(self) -> bool:
        """Waits for the fetch under way, or starts one; whether it succeeded. The fetch
        goes on if the request that started it goes away: others may wait for it."""
        task = self._fetching
        if task is None or not self._in_flight():
            self._tried_at = self._clock()
            task = self._fetching = asyncio.get_running_loop().create_task(self._fetch())
        await asyncio.shield(task)
        return not self._failure

    async def _fetch(self) -> None:
        """Replaces the keys by the provider's current list, or notes why it could not."""
        try:
            raw = await asyncio.wait_for(self._download(), self.timeout)
            keys = _signing_keys(json.loads(raw))
        except TimeoutError:
            self._failure = f"no answer within {self.timeout:g} s"
        except Exception as error:  # whatever the provider's answer breaks: not a 500
            self._failure = str(error) or type(error).__name__
        else:
            self._keys, self._fetched_at, self._failure = keys, self._clock(), ""

    async def _download(self) -> bytes:
        async with (
            httpx.AsyncClient(
                timeout=self.timeout, verify=self._tls, follow_redirects=False
            ) as client,
            client.stream("GET", self.url, headers={"Accept": "application/json"}) as response,
        ):
            if response.status_code != 200:
                raise KeyUnavailable(f"the provider answered HTTP {response.status_code}")
            received = bytearray()
            async for chunk in response.aiter_bytes():
                received += chunk
                if len(received) > MAX_JWKS_BYTES:
                    raise KeyUnavailable(f"the key set is over {MAX_JWKS_BYTES} bytes")
            return bytes(received)

    def _remember_unknown(self, kid: str) -> None:
        now = self._clock()
        if len(self._unknown) >= MAX_UNKNOWN_KIDS:
            self._unknown = {k: until for k, until in self._unknown.items() if until > now}
            while len(self._unknown) >= MAX_UNKNOWN_KIDS:
                del self._unknown[next(iter(self._unknown))]
        self._unknown[kid] = now + self.unknown_for

    @staticmethod
    def _unknown_key(kid: str) -> KeyUnavailable:
        return KeyUnavailable(f"the token's key {kid[:64]!r} is not among the provider's keys")

    def _not_fetched(self) -> KeyUnavailable:
        why = self._failure or "not fetched yet"
        return KeyUnavailable(f"the provider's keys cannot be fetched ({why})")


def _signing_keys(jwks: object) -> dict[str, jwt.PyJWK]:
    """The public signing keys of a JWKS document, by key id; others are skipped."""
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
        raise KeyUnavailable("the provider's answer is not a key set")
    keys = {}
    for entry in jwks["keys"]:
        if not isinstance(entry, dict) or entry.get("use", "sig") != "sig":
            continue
        kid = entry.get("kid")
        if not isinstance(kid, str) or entry.get("kty") == "oct":  # never a shared secret
            continue
        try:
            keys[kid] = jwt.PyJWK(entry)
        except jwt.PyJWTError:
            continue  # a key type this API cannot use: tokens signed with it are refused
    return keys
