"""Settings, read from ``RAG_TERRITOIRES_*`` environment variables (or a ``.env`` file).

The retrieval defaults are the configuration that measured best on the
evaluation set (see eval/); each can be overridden for an experiment.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from rag_territoires.chunking import DEFAULT_MAX_CHARS

MAX_QUERY_CHARS = 2000
# asymmetric only: never "none", never a shared secret a public key could pass for
OIDC_ALGORITHMS = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"}
MIN_KEY_CHARS = 16


@dataclass(frozen=True)
class RetrievalConfig:
    """Everything that changes which passages come back. The evaluation varies it.

    The query-time parameters (fusion and expansion) are the ones that
    ``rag-territoires calibrate`` chose by 5-fold cross-validation over the tuning
    questions (see eval/report.md); calibration.json records them too, and a test
    checks that both agree."""

    encoders: tuple[str, ...] = ("use",)
    chunk_max_chars: int = DEFAULT_MAX_CHARS
    node_vectors: bool = True  # embed each node of a chunk too; the chunk scores its best
    centring: bool = True  # centre unit and query vectors (index/memory.py, calibration.py)
    # then move the centred query vector through the learned map (retrieval/query_map.py)
    query_map: bool = True
    use_bm25: bool = True
    fusion: Literal["rrf", "weighted"] = "weighted"
    rrf_k: int = 60
    bm25_weight: float = 0.1
    dense_weight: float = 1.0
    history_weight: float = 1.0  # weight of the question read with its conversation
    # Query expansion through the encoder's space (text/expansion.py)
    expansion_neighbours: int = 3
    expansion_min_cosine: float = 0.55
    expansion_weight: float = 0.7
    # Abstain when the calibrated probability that the notes answer is under this;
    # None: the threshold fitted with the abstention model (calibration.json).
    abstain_below: float | None = None


class ApiKey(BaseModel):
    """A key with the groups its holder belongs to (the maps it may read: corpus/access.py);
    a key given as a plain string has none."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str
    groups: tuple[str, ...] = ()


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="RAG_TERRITOIRES_",
        # another file, or none (os.devnull): what the tests give the servers they start
        env_file=os.environ.get("RAG_TERRITOIRES_ENV_FILE", ".env"),
        extra="ignore",
    )

    # every mind map in it is a document (corpus/readers/: .txt + .outline.md, .opml, .mm,
    # .xmind, .md); `rag-territoires add FILE` puts more there
    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("index")
    # how often the API looks for a new build to switch to (api/reload.py); 0: never
    reload_poll_seconds: float = Field(default=1.0, ge=0)
    encoders: tuple[str, ...] = RetrievalConfig.encoders
    chunk_max_chars: int = RetrievalConfig.chunk_max_chars
    abstain_below: float | None = RetrievalConfig.abstain_below

    # HTTP API
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    # when set, /v1 routes require one of them in X-API-Key: "key" or {"key", "groups"}
    api_keys: list[str | ApiKey] = []
    cors_origins: list[str] = []  # browser origins allowed to call the API
    # per client (API key, else address); 0: no limit
    rate_limit_per_minute: int = Field(default=120, ge=0)
    failed_keys_per_minute: int = Field(default=10, ge=0)  # wrong keys per address, then 429
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    # the HTTP connection (api/protocol.py): a request's head, and the time to receive it
    max_header_bytes: int = Field(default=32 * 1024, ge=1024)
    header_timeout_seconds: float = Field(default=10.0, gt=0)
    body_timeout_seconds: float = Field(default=30.0, gt=0)
    # the embeddable widget (api/widget.py): page origins allowed to use it; a secret for
    # its tokens (empty: random per process); tokens required even without API keys
    widget_origins: list[str] = []
    widget_secret: str = ""
    widget_require_token: bool = False
    # intranet single sign-on (api/oidc.py): bearer JWTs from this OpenID Connect provider
    # are accepted instead of keys; all three of issuer, audience and JWKS address, or none
    oidc_issuer: str = ""
    oidc_audience: str = ""
    oidc_jwks_url: str = ""
    oidc_algorithms: list[str] = ["RS256"]
    oidc_leeway_seconds: int = Field(default=60, ge=0, le=300)
    # the claim listing the user's groups (a list, or one name); a dotted path such as
    # "realm_access.roles" is followed when no claim has that very name
    oidc_groups_claim: str = Field(default="groups", min_length=1)
    # the provider's keys (api/jwks.py): trusted this long, then fetched again (a key it no
    # longer lists is gone); fetched at most once per refetch interval (an unknown key id
    # included); a key id it did not list refused without a fetch for a while
    oidc_jwks_ttl_seconds: float = Field(default=300.0, ge=0, le=86400)
    oidc_jwks_refetch_seconds: float = Field(default=30.0, ge=0)
    oidc_jwks_unknown_kid_seconds: float = Field(default=60.0, ge=0)
    # addresses of reverse proxies whose X-Forwarded-For is believed; none by default, so a
    # client cannot pick the address its rate limit is counted under
    trusted_proxies: list[str] = []
    data_dir: Path = Path("data")  # feedback and other files the API writes
    # feedback.jsonl's cap: past it the file is rotated, `keep` old files kept (0: refused)
    feedback_max_bytes: int = Field(default=10 * 1024 * 1024, ge=4096)
    feedback_keep_files: int = Field(default=4, ge=0, le=1000)

    # Optional OpenAI-compatible chat-completions server that writes the answer
    # Set by `serve --workers N` (N > 1): the rate limits' buckets shared by the workers.
    shared_limits_file: Path | None = None
    llm_base_url: str = ""  # e.g. http://llm.intranet:8080/v1 ; empty: extractive answers
    llm_model: str = ""
    llm_api_key: str = ""
    llm_timeout_seconds: float = Field(default=20.0, gt=0)  # for the whole exchange
    llm_max_reply_bytes: int = Field(default=256 * 1024, ge=1024)
    llm_max_concurrent: int = Field(default=4, ge=1)  # answers written at once; others: extractive
    llm_max_tokens: int = Field(default=400, ge=16, le=4096)  # the model's answer, bounded
    # Fewer of the model's sentences than this share supported by their quotes: the
    # extractive answer instead (the unsupported ones are always removed).
    llm_min_grounded_share: float = Field(default=0.5, ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _oidc_whole(self) -> Settings:
        given = [bool(self.oidc_issuer), bool(self.oidc_audience), bool(self.oidc_jwks_url)]
        if any(given) and not all(given):
            raise ValueError("OIDC needs RAG_TERRITOIRES_OIDC_ISSUER, _AUDIENCE and _JWKS_URL")
        if not self.oidc_algorithms or set(self.oidc_algorithms) - OIDC_ALGORITHMS:
            raise ValueError(f"OIDC algorithms must be among {sorted(OIDC_ALGORITHMS)}")
        if self.oidc_jwks_ttl_seconds < self.oidc_jwks_refetch_seconds:
            # expired keys that may not be fetched again yet would refuse everyone
            raise ValueError(
                "RAG_TERRITOIRES_OIDC_JWKS_TTL_SECONDS must be at least "
                "RAG_TERRITOIRES_OIDC_JWKS_REFETCH_SECONDS"
            )
        return self

    @field_validator("widget_origins")
    @classmethod
    def _origins_are_origins(cls, origins: list[str]) -> list[str]:
        """An origin is scheme://host[:port], as a browser sends it: no path, no "*"."""
        for origin in origins:
            if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:\d{1,5})?", origin):
                raise ValueError(f"{origin!r} is not an origin like https://intranet.example")
        return origins

    @field_validator("api_keys")
    @classmethod
    def _keys_are_strong(cls, keys: list[str | ApiKey]) -> list[str | ApiKey]:
        """An empty key would let a request without the header through; a short one can be
        guessed; a non-ASCII one can never be sent in a header."""
        for entry in keys:
            key = entry.key if isinstance(entry, ApiKey) else entry
            if not key.isascii() or not key.isprintable() or key != key.strip():
                raise ValueError("each key must be printable ASCII without surrounding spaces")
            if len(key) < MIN_KEY_CHARS:
                raise ValueError(f"each key must have at least {MIN_KEY_CHARS} characters")
            groups = entry.groups if isinstance(entry, ApiKey) else ()
            if any(not g.strip() or not g.isprintable() for g in groups):
                raise ValueError("a key's groups must be non-empty printable names")
        return keys

    def key_groups(self) -> list[tuple[str, frozenset[str]]]:
        """Each accepted key with its groups (none for a plain key)."""
        return [
            (k.key, frozenset(k.groups)) if isinstance(k, ApiKey) else (k, frozenset())
            for k in self.api_keys
        ]

    def retrieval(self) -> RetrievalConfig:
        return RetrievalConfig(
            encoders=self.encoders,
            chunk_max_chars=self.chunk_max_chars,
            abstain_below=self.abstain_below,
        )
