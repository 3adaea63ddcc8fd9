"""Intranet single sign-on: JWTs really signed with RSA keys, a JWKS served on loopback,
and every way a token can be wrong."""

import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from jwt.utils import base64url_encode

from tests.conftest import make_client
from tests.oidc_provider import AUDIENCE, ISSUER, QUESTION, Provider, new_key, search

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def provider():
    provider = Provider()
    yield provider
    provider.close()


@pytest.fixture
def api(engine, provider):
    settings = {
        "oidc_issuer": ISSUER,
        "oidc_audience": AUDIENCE,
        "oidc_jwks_url": provider.url,
        "oidc_leeway_seconds": 30,
        "oidc_jwks_refetch_seconds": 0,  # rotation is seen at once in the test
        "rate_limit_per_minute": 0,
        "failed_keys_per_minute": 0,
    }
    with make_client(engine, **settings) as client:
        yield client


def test_a_signed_in_users_token_is_accepted_instead_of_a_key(api, provider):
    assert search(api, provider.token()).status_code == 200
    assert api.post("/v1/search", json=QUESTION).status_code == 401  # nothing: refused


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (lambda p: p.token(exp=int(time.time()) - 120), "expired"),
        (lambda p: p.token(aud="another-api"), "audience"),
        (lambda p: p.token(iss="https://evil.example"), "issuer"),
        (lambda p: p.token(kid="unknown", key=new_key()), "key"),
        (lambda p: p.token(key=new_key()), "Signature"),  # a known kid, another key
        (
            lambda p: jwt.encode(
                {"iss": ISSUER, "aud": AUDIENCE, "exp": int(time.time()) + 300},
                None,
                algorithm="none",
            ),
            "algorithm",
        ),
        (lambda p: "not.a.jwt", "refused"),
    ],
)
def test_wrong_tokens_are_refused_with_the_reason(api, provider, make, why):
    response = search(api, make(provider))
    assert response.status_code == 401, response.text
    assert why.lower() in response.json()["error"]["message"].lower()


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "bEaReR"])
def test_the_scheme_is_read_in_any_case(api, provider, scheme):
    """RFC 9110, 11.1: an authentication scheme's name is case-insensitive."""
    headers = {"Authorization": f"{scheme} {provider.token()}"}
    assert api.post("/v1/search", json=QUESTION, headers=headers).status_code == 200


@pytest.mark.parametrize("subject", [None, "", "  "])
def test_a_token_that_names_no_subject_is_refused(api, provider, subject):
    """Without a subject, every such token would share one rate-limit bucket: a token that
    says whom it is for is required (as OpenID Connect and RFC 9068 require "sub")."""
    token = provider.token(sub=subject)
    if subject is None:  # no "sub" at all
        claims = jwt.decode(token, options={"verify_signature": False})
        del claims["sub"]
        token = jwt.encode(claims, provider.keys["k1"], algorithm="RS256", headers={"kid": "k1"})
    response = search(api, token)
    assert response.status_code == 401, response.text
    assert "sub" in response.json()["error"]["message"]


def test_a_token_signed_with_the_public_key_as_a_secret_is_refused(api, provider):
    """The classic confusion: HS256 with the RSA public key as the HMAC secret."""
    public_pem = (
        provider.keys["k1"]
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    header = base64url_encode(json.dumps({"alg": "HS256", "kid": "k1"}).encode())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "exp": int(time.time()) + 300}
    signing_input = header + b"." + base64url_encode(json.dumps(claims).encode())
    signature = base64url_encode(hmac.new(public_pem, signing_input, hashlib.sha256).digest())
    response = search(api, (signing_input + b"." + signature).decode())
    assert response.status_code == 401 and "algorithm" in response.json()["error"]["message"]


def test_keys_rotate(api, provider):
    assert search(api, provider.token()).status_code == 200  # k1, now cached
    provider.keys["k2"] = new_key()  # the provider adds a key and signs with it
    del provider.keys["k1"]
    assert search(api, provider.token(kid="k2")).status_code == 200  # fetched again
    provider.keys["k1"] = new_key()
    del provider.keys["k2"]


def test_the_widget_takes_the_signed_in_users_token_too(engine, provider):
    page = "http://intranet.example"
    settings = {
        "oidc_issuer": ISSUER,
        "oidc_audience": AUDIENCE,
        "oidc_jwks_url": provider.url,
        "widget_origins": [page],
        "rate_limit_per_minute": 0,
    }
    body = {"messages": [{"role": "user", "content": "tiers-lieux ?"}]}
    with make_client(engine, **settings) as client:

        def chat(token: str):
            headers = {"Origin": page, "Authorization": f"Bearer {token}"}
            return client.post("/widget/v1/chat", json=body, headers=headers)

        assert chat(provider.token()).status_code == 200
        lowercase = {"Origin": page, "Authorization": f"bearer {provider.token()}"}
        assert client.post("/widget/v1/chat", json=body, headers=lowercase).status_code == 200
        assert chat(provider.token(aud="another-api")).status_code == 401
        anonymous = client.post("/widget/v1/chat", json=body, headers={"Origin": page})
        assert anonymous.status_code == 401


def test_wrong_tokens_given_to_the_widget_are_throttled_as_on_v1(engine, provider):
    page = "http://intranet.example"
    settings = {
        "oidc_issuer": ISSUER,
        "oidc_audience": AUDIENCE,
        "oidc_jwks_url": provider.url,
        "widget_origins": [page],
        "rate_limit_per_minute": 0,
        "failed_keys_per_minute": 1,
    }
    body = {"messages": [{"role": "user", "content": "tiers-lieux ?"}]}
    wrong = {"Origin": page, "Authorization": f"Bearer {provider.token(aud='another-api')}"}
    with make_client(engine, **settings) as client:
        first = client.post("/widget/v1/chat", json=body, headers=wrong)
        second = client.post("/widget/v1/chat", json=body, headers=wrong)
    assert (first.status_code, second.status_code) == (401, 429)
