"""The checkout of the repository this package runs from, if any: its evaluation data
(eval/), its benchmarks (benchmarks/) and the source of the shipped calibration files.

A plain install (a wheel) has none of them: the commands that need one say so in one line,
and nothing is ever written into an installed package."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

from rag_territoires.errors import MissingExtra, RagError

PACKAGE = Path(__file__).resolve().parents[1]  # src/rag_territoires in a checkout
NEEDS_CHECKOUT = (
    "bench needs a checkout of the repository: the benchmarks (benchmarks/) are not part "
    "of the installed package; run it from a clone installed with pip install -e '.[dev]'"
)


def root() -> Path | None:
    """The checkout: the folder holding ``src/rag_territoires`` and a ``pyproject.toml``
    (an editable install, or ``PYTHONPATH=src``). None for an installed wheel, whose
    package sits in site-packages."""
    if PACKAGE.parent.name != "src":
        return None
    candidate = PACKAGE.parent.parent
    return candidate if (candidate / "pyproject.toml").is_file() else None


def eval_dir(given: Path | None) -> Path:
    """The evaluation folder: ``given`` (``--eval-dir``), else the checkout's eval/,
    wherever the command is run from."""
    if given is not None:
        if not given.is_dir():
            raise RagError(f"--eval-dir {given}: no such folder")
        return given
    checkout = root()
    if checkout is None or not (checkout / "eval").is_dir():
        raise RagError(
            "no evaluation folder here: pass --eval-dir DIR (the eval/ folder of a checkout "
            "of the repository)"
        )
    return checkout / "eval"


def output(given: Path | None, shipped: Path, command: str) -> Path:
    """Where ``command`` writes what it fits: ``given`` (``--output``), else the shipped
    file ``shipped`` only when it is the checkout's own (src/..., to be reviewed and
    committed). An installed package's copy is never overwritten: there, ``--output``
    is required."""
    if given is not None:
        return given
    if root() is None:
        raise RagError(
            f"{command} needs --output FILE here: this install is not a checkout, and the "
            f"installed package's {shipped.name} is not to be overwritten"
        )
    return shipped


def benchmark(name: str = "") -> ModuleType:
    """``benchmarks.<name>`` (the package itself without a name), from the checkout the
    package runs from."""
    checkout = root()
    if checkout is not None and str(checkout) not in sys.path:
        sys.path.insert(0, str(checkout))  # this checkout's, before any other "benchmarks"
    try:
        return importlib.import_module(f"benchmarks.{name}" if name else "benchmarks")
    except ModuleNotFoundError as error:
        if (error.name or "").split(".")[0] == "benchmarks":
            raise RagError(NEEDS_CHECKOUT) from None
        raise MissingExtra(error.name or name) from error


def shown(path: Path) -> str:
    """``path`` as a record names it: relative to the checkout when inside it (the same on
    every machine, as calibration.json records ``eval/questions.jsonl``), else as given."""
    checkout = root()
    resolved = path.resolve()
    if checkout is not None and resolved.is_relative_to(checkout):
        return resolved.relative_to(checkout).as_posix()
    return str(path)
