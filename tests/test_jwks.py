"""The provider's keys (issue 29): a key the provider removed stops authenticating, and
tokens naming keys nobody has cannot make the API fetch the JWKS over and over. Each
test counts the fetches a real JWKS server on loopback received."""

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import jwt
import pytest
from pydantic import ValidationError

from rag_territoires.api.auth.jwks import KeyUnavailable, ProviderKeys
from rag_territoires.config import Settings
from tests.conftest import make_client
from tests.oidc_provider import AUDIENCE, ISSUER, Provider, new_key, search

pytestmark = pytest.mark.integration

KEY = "intranet-server-key-7c1e"


@pytest.fixture
def provider():
    provider = Provider()
    yield provider
    provider.close()


def oidc_client(engine, provider: Provider, **settings):
    return make_client(
        engine,
        oidc_issuer=ISSUER,
        oidc_audience=AUDIENCE,
        oidc_jwks_url=provider.url,
        rate_limit_per_minute=0,
        **{"failed_keys_per_minute": 0, **settings},
    )


def forged(provider: Provider, kid: str) -> str:
    """A well-formed token naming a key the provider never had."""
    return provider.token(kid=kid, key=new_key())


def rotate(provider: Provider) -> None:
    """The provider publishes k2 and removes k1 (revoked: leaked, say)."""
    provider.keys["k2"] = new_key()
    del provider.keys["k1"]


def test_a_key_removed_from_the_jwks_stops_working_when_the_cache_expires(engine, provider):
    # a cache of no time at all stands for "past the TTL" (the TTL's own clock: below)
    settings = {"oidc_jwks_ttl_seconds": 0, "oidc_jwks_refetch_seconds": 0}
    with oidc_client(engine, provider, **settings) as api:
        old = provider.token()
        assert search(api, old).status_code == 200
        rotate(provider)
        response = search(api, old)
    assert response.status_code == 401, response.text
    assert "key" in response.json()["error"]["message"]


def test_a_refetch_that_no_longer_lists_a_key_drops_it(engine, provider):
    with oidc_client(engine, provider, oidc_jwks_refetch_seconds=0) as api:
        old = provider.token()
        assert search(api, old).status_code == 200
        rotate(provider)
        assert search(api, provider.token(kid="k2")).status_code == 200  # fetched again
        response = search(api, old)  # k1 is not in what was fetched
    assert response.status_code == 401, response.text


def test_a_provider_that_is_down_is_asked_once_per_interval(engine, provider):
    provider.status = 503
    with oidc_client(engine, provider, api_keys=[KEY]) as api:
        refused = [search(api, forged(provider, f"kid-{i}")).status_code for i in range(10)]
        documents = api.get("/v1/documents", headers={"X-API-Key": KEY})
    assert refused == [401] * 10
    assert documents.status_code == 200
    assert provider.fetches == 1  # not one per unknown key id


def test_requests_waiting_on_a_hanging_provider_share_one_fetch(engine, provider):
    provider.gate, provider.status = threading.Event(), 503
    with oidc_client(engine, provider, api_keys=[KEY]) as api, ThreadPoolExecutor(8) as pool:
        tokens = [forged(provider, f"kid-{i}") for i in range(16)]
        waiting = [pool.submit(search, api, token) for token in tokens]
        assert provider.fetched.wait(60)
        # the fetch hangs; a request with a key is not held behind it
        assert api.get("/v1/documents", headers={"X-API-Key": KEY}).status_code == 200
        provider.gate.set()
        refused = [future.result().status_code for future in waiting]
    assert refused == [401] * 16
    assert provider.fetches == 1


def test_an_unknown_key_id_is_remembered(engine, provider):
    with oidc_client(engine, provider, oidc_jwks_refetch_seconds=0) as api:
        ghost = forged(provider, "ghost")
        assert search(api, ghost).status_code == 401
        assert search(api, ghost).status_code == 401
    assert provider.fetches == 1


def test_an_address_past_its_wrong_token_limit_is_refused_before_any_fetch(engine, provider):
    settings = {"failed_keys_per_minute": 2, "oidc_jwks_refetch_seconds": 0}
    with oidc_client(engine, provider, **settings) as api:
        assert search(api, forged(provider, "a")).status_code == 401
        assert search(api, forged(provider, "b")).status_code == 401
        fetched = provider.fetches
        response = search(api, forged(provider, "c"))  # new: would be fetched
    assert response.status_code == 429, response.text
    assert provider.fetches == fetched


def test_lookups_at_once_share_one_fetch(provider):
    keys = ProviderKeys(provider.url, refetch_seconds=0, unknown_kid_seconds=0)

    async def at_once() -> list:
        lookups = [keys.key(f"kid-{i}") for i in range(20)] + [keys.key("k1")]
        return await asyncio.gather(*lookups, return_exceptions=True)

    *unknown, known = asyncio.run(at_once())
    assert provider.fetches == 1
    assert all(isinstance(result, KeyUnavailable) for result in unknown)
    assert isinstance(known, jwt.PyJWK)


def test_a_key_is_trusted_for_the_ttl_and_no_longer(provider):
    """The attack's figures: the default TTL, and a key removed 392 s earlier."""
    now = [0.0]
    keys = ProviderKeys(provider.url, ttl_seconds=300, clock=lambda: now[0])

    async def later() -> None:
        await keys.key("k1")
        rotate(provider)
        now[0] = 299.0
        await keys.key("k1")  # still trusted, and not fetched again
        assert provider.fetches == 1
        now[0] = 392.0
        with pytest.raises(KeyUnavailable, match="not among the provider's keys"):
            await keys.key("k1")

    asyncio.run(later())
    assert provider.fetches == 2


def test_keys_that_would_expire_before_they_may_be_fetched_again_are_refused():
    with pytest.raises(ValidationError, match="TTL_SECONDS must be at least"):
        Settings(oidc_jwks_ttl_seconds=10, oidc_jwks_refetch_seconds=30)
