"""The tests run on their own settings (conftest.isolated_settings): a developer's `.env`
or exported variable must not change what they check, nor what the servers they start do;
and the product itself still reads `.env` where no test stands in between."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rag_territoires.config import Settings

pytestmark = pytest.mark.system

SHOW_PORT = "from rag_territoires.config import Settings; print(Settings().port)"
DOT_ENV = "RAG_TERRITOIRES_PORT=9999\n"


def port_seen(cwd: Path, env: dict[str, str]) -> str:
    run = subprocess.run(
        [sys.executable, "-c", SHOW_PORT], cwd=cwd, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def test_a_dot_env_in_the_working_folder_reaches_no_test(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text(DOT_ENV, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert Settings().port == 8000
    assert port_seen(tmp_path, dict(os.environ)) == "8000"  # nor a server a test starts


def test_what_the_api_writes_goes_to_a_temporary_folder():
    data = Settings().data_dir.resolve()
    assert not data.is_relative_to(Path(__file__).resolve().parents[1])


def test_the_product_reads_its_dot_env_where_no_test_stands_between(tmp_path):
    (tmp_path / ".env").write_text(DOT_ENV, encoding="utf-8")
    bare = {k: v for k, v in os.environ.items() if not k.startswith("RAG_TERRITOIRES_")}
    assert port_seen(tmp_path, bare) == "9999"
