"""`rag-territoires start`: the API and the chat page together, stopped together.

The API runs first (it builds the index if it is missing or stale, then loads
the model); once it is ready the Streamlit page starts, pointed at it. Ctrl-C
(or either process dying) stops both.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from rag_territoires.errors import RagError

UI_APP = Path(__file__).resolve().parents[2] / "ui" / "app.py"
READY_TIMEOUT = 300.0  # a first start builds the index


def _wait_ready(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RagError("the API stopped while starting; see the messages above")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise RagError(f"the API was not ready within {READY_TIMEOUT:g} s")


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
    if not UI_APP.is_file():
        raise RagError(f"the chat page is missing: {UI_APP}")
    api_url = f"http://{host}:{api_port}"
    processes: list[subprocess.Popen] = []
    try:
        api = subprocess.Popen(
            [sys.executable, "-m", "rag_territoires.cli", "serve", "--host", host,
             "--port", str(api_port)]
        )
        processes.append(api)
        _wait_ready(api_url, api)
        env = {**os.environ, "RAG_TERRITOIRES_UI_API_URL": api_url}
        ui = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(UI_APP),
             "--server.address", host, "--server.port", str(ui_port),
             "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", "--client.toolbarMode", "viewer"],
            env=env, stdout=subprocess.DEVNULL,
        )
        processes.append(ui)
        print(f"\nChat page: http://{host}:{ui_port}   (API: {api_url}/docs)   Ctrl-C stops both.",
              flush=True)
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
        return 1  # one of them stopped by itself
    except KeyboardInterrupt:
        return 0
    finally:
        _stop(processes)
