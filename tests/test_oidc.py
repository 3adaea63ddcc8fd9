"""Intranet single sign-on: JWTs really signed with RSA keys, a JWKS served on loopback,
and every way a token can be wrong."""

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.utils import base64url_encode

from tests.conftest import make_client

pytestmark = pytest.mark.integration

ISSUER = "https://sso.intranet.example/realms/reseau"
AUDIENCE = "rag-territoires"
QUESTION = {"query": "tiers-lieux ?"}


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class Provider:
    """The provider's JWKS address on loopback; its keys can rotate. It counts the fetches
    it receives; it can be down (``status`` 503) or hang until ``gate`` is set."""

    def __init__(self) -> None:
        self.keys = {"k1": new_key()}
        self.fetches = 0
        self.fetched = threading.Event()  # set at the first fetch
        self.status = 200
        self.gate: threading.Event | None = None
        provider = self
        counting = threading.Lock()

        class Jwks(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                with counting:
                    provider.fetches += 1
                provider.fetched.set()
                if provider.gate is not None:
                    provider.gate.wait(60)  # bounded: a test that forgot to open it ends
                jwks = {"keys": [provider.jwk(kid) for kid in provider.keys]}
                body = json.dumps(jwks).encode() if provider.status == 200 else b"{}"
                self.send_response(provider.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/certs"

    def jwk(self, kid: str) -> dict:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.keys[kid].public_key()))
        return {**public, "kid": kid, "use": "sig", "alg": "RS256"}

    def token(self, kid="k1", key=None, algorithm="RS256", **claims) -> str:
        now = int(time.time())
        payload = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": "agent-42",
            "exp": now + 300,
            "iat": now,
            **claims,
        }
        signing = key if key is not None else self.keys[kid]
        return jwt.encode(payload, signing, algorithm=algorithm, headers={"kid": kid})

    def close(self) -> None:
        if self.gate is not None:
            self.gate.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def provider():
    provider = Provider()
    yield provider
    provider.close()


@pytest.fixture
def api(retriever, provider):
    settings = {
        "oidc_issuer": ISSUER,
        "oidc_audience": AUDIENCE,
        "oidc_jwks_url": provider.url,
        "oidc_leeway_seconds": 30,
        "oidc_jwks_refetch_seconds": 0,  # rotation is seen at once in the test
        "rate_limit_per_minute": 0,
        "failed_keys_per_minute": 0,
    }
    with make_client(retriever, **settings) as client:
        yield client


def search(api, token: str):
    return api.post("/v1/search", json=QUESTION, headers={"Authorization": f"Bearer {token}"})


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


def test_the_widget_takes_the_signed_in_users_token_too(retriever, provider):
    page = "http://intranet.example"
    settings = {
        "oidc_issuer": ISSUER,
        "oidc_audience": AUDIENCE,
        "oidc_jwks_url": provider.url,
        "widget_origins": [page],
        "rate_limit_per_minute": 0,
    }
    body = {"messages": [{"role": "user", "content": "tiers-lieux ?"}]}
    with make_client(retriever, **settings) as client:

        def chat(token: str):
            headers = {"Origin": page, "Authorization": f"Bearer {token}"}
            return client.post("/widget/v1/chat", json=body, headers=headers)

        assert chat(provider.token()).status_code == 200
        lowercase = {"Origin": page, "Authorization": f"bearer {provider.token()}"}
        assert client.post("/widget/v1/chat", json=body, headers=lowercase).status_code == 200
        assert chat(provider.token(aud="another-api")).status_code == 401
        anonymous = client.post("/widget/v1/chat", json=body, headers={"Origin": page})
        assert anonymous.status_code == 401


def test_wrong_tokens_given_to_the_widget_are_throttled_as_on_v1(retriever, provider):
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
    with make_client(retriever, **settings) as client:
        first = client.post("/widget/v1/chat", json=body, headers=wrong)
        second = client.post("/widget/v1/chat", json=body, headers=wrong)
    assert (first.status_code, second.status_code) == (401, 429)
