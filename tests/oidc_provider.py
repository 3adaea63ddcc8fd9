"""A single sign-on provider on loopback for the OIDC tests: RSA keys that rotate, a JWKS
address that counts its fetches and can fail or hang, and the tokens it signs."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

ISSUER = "https://sso.intranet.example/realms/reseau"
AUDIENCE = "rag-territoires"


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


QUESTION = {"query": "tiers-lieux ?"}


def search(api, token: str):
    return api.post("/v1/search", json=QUESTION, headers={"Authorization": f"Bearer {token}"})
