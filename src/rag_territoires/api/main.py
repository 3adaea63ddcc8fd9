"""The FastAPI application: ``create_app()`` wires settings, state, limits and routes.

The model and index load once, in the lifespan, before the first request is
served; requests then share them (searches are read-only).
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from starlette.concurrency import run_in_threadpool

from rag_territoires import __version__
from rag_territoires.answer.llm import LlmClient
from rag_territoires.api import errors
from rag_territoires.api.auth.jwks import ProviderKeys
from rag_territoires.api.auth.oidc import OidcVerifier
from rag_territoires.api.auth.widget_tokens import WidgetTokens
from rag_territoires.api.deps import AppState
from rag_territoires.api.metrics import Metrics, MetricsMiddleware
from rag_territoires.api.middleware import BodySizeLimit, JsonCorsMiddleware, SecurityHeaders
from rag_territoires.api.ratelimit import RateLimiter
from rag_territoires.api.ratelimit_shared import FALLBACK, SharedRateLimiter, limits_mode
from rag_territoires.api.reload import RequestsInFlight, watch_builds
from rag_territoires.api.routes import browse, chat, feedback, health, manage, search, widget
from rag_territoires.api.widget import WidgetCors
from rag_territoires.config import Settings
from rag_territoires.engine import Engine

DESCRIPTION = """Questions on the notes of the seminar on rural territories, answered with
quotes of the notes, each cited with its branch of the mind map and its lines in the
original export (`GET /v1/documents/{name}/lines` shows them). Works offline; a language
model is optional. When API keys are configured, `/v1` routes need the `X-API-Key` header."""


@asynccontextmanager
async def lifespan(app: FastAPI):
    state: AppState = app.state.rag
    await run_in_threadpool(state.engine.warm_up)
    await run_in_threadpool(state.engine.views.warm_public)
    state.ready = True
    interval = state.settings.reload_poll_seconds
    watcher = asyncio.create_task(watch_builds(state, interval)) if interval > 0 else None
    yield
    if watcher is not None:
        watcher.cancel()
    state.search_lane.close()


def _llm(settings: Settings) -> LlmClient | None:
    if not settings.llm_base_url:
        return None
    return LlmClient(
        settings.llm_base_url,
        settings.llm_model,
        settings.llm_api_key,
        settings.llm_timeout_seconds,
        settings.llm_max_reply_bytes,
        settings.llm_max_concurrent,
        settings.llm_max_tokens,
    )


def _oidc(settings: Settings) -> OidcVerifier | None:
    if not settings.oidc_issuer:
        return None
    keys = ProviderKeys(
        settings.oidc_jwks_url,
        ttl_seconds=settings.oidc_jwks_ttl_seconds,
        refetch_seconds=settings.oidc_jwks_refetch_seconds,
        unknown_kid_seconds=settings.oidc_jwks_unknown_kid_seconds,
    )
    return OidcVerifier(
        settings.oidc_issuer,
        settings.oidc_audience,
        keys,
        settings.oidc_algorithms,
        settings.oidc_leeway_seconds,
    )


def _limiter(settings: Settings, per_minute: int, name: str) -> RateLimiter | SharedRateLimiter:
    """In memory for one process; in the shared file when several workers serve."""
    if settings.shared_limits_file is None:
        return RateLimiter(per_minute)
    return SharedRateLimiter(per_minute, settings.shared_limits_file, name)


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPIOffline(  # /docs and /redoc served from the package: they work offline
        title="rag-territoires",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        # no redirect from /v1/search/ to /v1/search: it would echo the Host header into
        # Location, before the key check
        redirect_slashes=False,
    )
    metrics = Metrics()
    app.state.rag = AppState(
        settings=settings,
        engine=engine or Engine(settings),
        metrics=metrics,
        limiter=_limiter(settings, settings.rate_limit_per_minute, "requests"),
        failed_keys=_limiter(settings, settings.failed_keys_per_minute, "failed_keys"),
        widget_tokens=WidgetTokens(settings.widget_secret),
        oidc=_oidc(settings),
        llm=_llm(settings),
    )
    state: AppState = app.state.rag
    metrics.rate_limits_fallback.set_function(
        lambda: float(limits_mode(state.limiter, state.failed_keys) == FALLBACK)
    )
    errors.install(app)
    # Added inner to outer: metrics see every answer, refusals of oversize bodies included.
    if settings.cors_origins:  # none configured: no CORS headers, browsers refuse other sites
        app.add_middleware(
            JsonCorsMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "X-API-Key"],
        )
    app.add_middleware(WidgetCors, origins=settings.widget_origins)
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_body_bytes,
        upload_bytes=settings.max_upload_bytes,
    )
    app.add_middleware(SecurityHeaders)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    # outermost: a request counts from its first byte served to its last
    app.add_middleware(RequestsInFlight, retired=state.retired)
    for module in (search, chat, browse, manage, feedback, health, widget):
        app.include_router(module.router)
    app.include_router(widget.tokens)
    return app


def app_from_environment() -> FastAPI:
    """The app of one worker of ``serve --workers N``: settings from the environment
    (``serve`` passes them on), the index loaded from the build's files."""
    from rag_territoires.api.protocol import SettingsGuardedProtocol

    settings = Settings()
    SettingsGuardedProtocol.configure(
        settings.max_header_bytes, settings.header_timeout_seconds, settings.body_timeout_seconds
    )
    # `serve` built it before the workers; the notes are the build's own when it has them,
    # as for a reload (api/reload.py): a corpus change landing meanwhile cannot mismatch
    from rag_territoires.index.generation import live_maps

    maps = live_maps(settings.index_dir)
    engine = Engine(settings, auto_build=False, notes_dir=maps)
    engine.warm_up()
    return create_app(settings, engine)
