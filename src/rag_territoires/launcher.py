"""`rag-territoires start`: the API and the chat page together, stopped together.

The API runs first (it builds the index if it is missing or stale, then loads
the model); once it is ready the Streamlit page starts, pointed at it. Ctrl-C
(or either process dying) stops both.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from rag_territoires.errors import MissingExtra, RagError


def ui_app() -> Path:
    """The chat page's script: ui/ is installed as the package ``rag_territoires_ui``
    (pyproject.toml), from a wheel as from a checkout; Streamlit is the [ui] extra."""
    try:  # found without importing it (a second): the page runs in its own process
        streamlit = importlib.util.find_spec("streamlit")
    except ModuleNotFoundError:
        streamlit = None
    if streamlit is None:
        raise MissingExtra("streamlit")
    spec = importlib.util.find_spec("rag_territoires_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RagError("the chat page (package rag_territoires_ui) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "app.py"


READY_TIMEOUT = 300.0  # a first start builds the index


def api_command(host: str, port: int, workers: int = 1) -> list[str]:
    command = [sys.executable, "-m", "rag_territoires.cli", "serve"]
    return [*command, "--host", host, "--port", str(port), "--workers", str(workers)]


def ui_command(host: str, port: int) -> list[str]:
    """Streamlit, headless, sending nothing anywhere (no usage statistics)."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ui_app()),
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--client.toolbarMode",
        "viewer",
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class QuietProcess(subprocess.Popen):
    """A server started for the tests or a benchmark, its error output kept in an unnamed
    temporary file (``error_output()``), not a pipe. Nobody reads a server's pipe while it
    runs: once 64 KB of log lines or tracebacks filled it, the server's next write blocked
    for good, so it stopped answering and ignored SIGINT (a page server of the widget's
    tests took its whole 20 s of grace to stop, twice, at every full run)."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        # kept open as long as the process object: read after the process stopped
        self.log = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")  # noqa: SIM115
        super().__init__(command, env=env, stdout=subprocess.DEVNULL, stderr=self.log)

    def error_output(self) -> str:
        self.log.seek(0)
        return self.log.read()


def wait_ready(url: str, process: subprocess.Popen, timeout: float = READY_TIMEOUT) -> None:
    """Poll ``url`` until it answers 200: bounded, and stops early if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            if isinstance(process, QuietProcess):
                details = process.error_output()
            else:
                details = process.stderr.read() if process.stderr else ""
            raise RagError(f"the process serving {url} stopped while starting {details}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RagError(f"{url} was not ready within {timeout:g} s")


def spawn_api(
    env: dict[str, str], timeout: float = READY_TIMEOUT, port: int | None = None, workers: int = 1
) -> tuple[QuietProcess, str]:
    """A quiet API server on loopback (a free port unless given), once ready (for
    benchmarks and tests)."""
    port = port or free_port()
    process = QuietProcess(api_command("127.0.0.1", port, workers), {**os.environ, **env})
    url = f"http://127.0.0.1:{port}"
    wait_ready(f"{url}/readyz", process, timeout)
    return process, url


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def start(host: str, api_port: int, ui_port: int) -> int:
    ui_app()  # fails now, with the reason, rather than after the API has started
    api_url = f"http://{host}:{api_port}"
    processes: list[subprocess.Popen] = []
    try:
        api = subprocess.Popen(api_command(host, api_port))
        processes.append(api)
        wait_ready(f"{api_url}/readyz", api)
        env = {**os.environ, "RAG_TERRITOIRES_UI_API_URL": api_url}
        ui = subprocess.Popen(ui_command(host, ui_port), env=env, stdout=subprocess.DEVNULL)
        processes.append(ui)
        print(
            f"\nChat page: http://{host}:{ui_port}   (API: {api_url}/docs)   Ctrl-C stops both.",
            flush=True,
        )
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
        return 1  # one of them stopped by itself
    except KeyboardInterrupt:
        return 0
    finally:
        _stop(processes)
