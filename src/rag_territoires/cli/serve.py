"""Serving: the API (serve, with N workers) and the API with the chat page (start)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from rag_territoires.cli.common import positive, settings_now


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from rag_territoires.api.main import create_app
    from rag_territoires.api.protocol import SettingsGuardedProtocol
    from rag_territoires.engine import Engine
    from rag_territoires.errors import RagError

    settings = settings_now()
    host = args.host or settings.host
    port = args.port or settings.port
    if not 1 <= port <= 65535:
        raise RagError(f"--port must be between 1 and 65535, not {port}")
    # Load (or build) the index here, not in the server's start-up: a problem is then one
    # line and exit status 1, as for `search`, not a server traceback.
    engine = Engine(settings)
    engine.warm_up()
    print(
        f"rag-territoires API on http://{host}:{port} (docs: http://{host}:{port}/docs)"
        + (f", {args.workers} workers" if args.workers > 1 else ""),
        flush=True,
    )
    options = {
        "host": host,
        "port": port,
        # X-Forwarded-For only from the configured proxies (uvicorn trusts 127.0.0.1 else)
        "proxy_headers": bool(settings.trusted_proxies),
        "forwarded_allow_ips": settings.trusted_proxies or [],
        "log_level": "warning",
        "access_log": False,
    }
    if args.workers > 1:
        del engine  # each worker loads its own, from the files just checked
        return _serve_workers(args.workers, options)
    app = create_app(settings, engine)
    SettingsGuardedProtocol.configure(
        settings.max_header_bytes, settings.header_timeout_seconds, settings.body_timeout_seconds
    )
    uvicorn.run(app, http=SettingsGuardedProtocol, **options)
    return 0


def shared_limits_folder(parents: Sequence[Path] | None = None) -> Path | None:
    """A new private folder for the workers' shared rate limits: in memory (/dev/shm)
    when it can be written, else in the temporary folder; None when neither can."""
    if parents is None:
        parents = [Path("/dev/shm"), Path(tempfile.gettempdir())]
    for parent in parents:
        try:
            return Path(tempfile.mkdtemp(prefix="rag-territoires-limits-", dir=parent))
        except OSError as error:  # read-only, full, missing: the next one
            print(f"rag-territoires: warning: {parent}: {error.strerror}", file=sys.stderr)
    return None


def _serve_workers(workers: int, options: dict) -> int:
    """N processes on one port (uvicorn's supervisor restarts one that dies); the rate
    limits' buckets in one file they share, in memory (/dev/shm) when the system has it."""
    import shutil

    import uvicorn

    from rag_territoires.api.protocol import SettingsGuardedProtocol

    folder = shared_limits_folder()
    if folder is None:
        print(
            "rag-territoires: warning: no folder can hold the shared rate limits: each "
            f"worker counts its own requests (a client may get {workers} times its limit)",
            file=sys.stderr,
        )
    else:
        os.environ["RAG_TERRITOIRES_SHARED_LIMITS_FILE"] = str(folder / "limits.sqlite")
    try:
        uvicorn.run(
            "rag_territoires.api.main:app_from_environment",
            factory=True,
            workers=workers,
            http=SettingsGuardedProtocol,
            **options,
        )
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


def cmd_start(args: argparse.Namespace) -> int:
    from rag_territoires.launcher import start

    settings = settings_now()
    return start(settings.host, args.api_port or settings.port, args.ui_port)


def add_parsers(sub: argparse._SubParsersAction) -> None:
    serve = sub.add_parser("serve", help="start the HTTP API (FastAPI on uvicorn)")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default 8000)")
    serve.add_argument(
        "--workers",
        type=positive,
        default=1,
        help="processes serving the port (default 1; 2 uses both cores of a 2-core machine)",
    )
    serve.set_defaults(func=cmd_serve)

    start = sub.add_parser("start", help="start the API and the chat page together")
    start.add_argument("--api-port", type=int, help="API port (default 8000)")
    start.add_argument("--ui-port", type=int, default=8501, help="chat page port")
    start.set_defaults(func=cmd_start)
