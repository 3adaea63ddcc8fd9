"""What several test modules share: the command run as a user runs it, small maps written
on the fly, a built index. Test modules import from here, never from each other."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from benchmarks.synthetic_maps import synthetic_notes, vocabulary
from rag_territoires.config import Settings
from rag_territoires.engine import Engine
from rag_territoires.index.manifest import CURRENT
from tests.conftest import CORPUS, ROOT

# The seminar's map in every format staff export (written by tests/data/maps/make_maps.py)
MAPS = ROOT / "tests" / "data" / "maps"
STEM = "seminaire-territoires-ruraux-carte-mentale"
FORMATS = {
    "opml": f"opml/{STEM}.opml",
    "freemind": f"freemind/{STEM}.mm",
    "xmind": f"xmind/{STEM}.xmind",
    "xmind-legacy": f"xmind-legacy/{STEM}.xmind",
    "markdown": f"markdown/{STEM}.md",
}
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"  # Debian's chromium-driver; nothing is downloaded
# RAG_TERRITOIRES_SCREENSHOTS=ui makes the browser tests refresh the docs' screenshots
SCREENSHOTS = os.environ.get("RAG_TERRITOIRES_SCREENSHOTS")
BOUND_SECONDS = 180.0  # every wait on a process is bounded by this, never a measured time

# --- the command-line tool, in a real process ------------------------------------------


def run(*args, env=None, cwd=ROOT):
    """``rag-territoires ARGS`` run to its end: its exit code and output."""
    return subprocess.run(
        [sys.executable, "-m", "rag_territoires.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def corpus_env(root: Path) -> dict[str, str]:
    """The settings that point the command at ``root/corpus`` and ``root/index``."""
    return {
        "RAG_TERRITOIRES_CORPUS_DIR": str(root / "corpus"),
        "RAG_TERRITOIRES_INDEX_DIR": str(root / "index"),
    }


def cli(*args: str, root: Path, **popen) -> subprocess.Popen:
    """``rag-territoires ARGS`` started on ``root``'s corpus, not waited for."""
    return subprocess.Popen(
        [sys.executable, "-m", "rag_territoires.cli", *args],
        cwd=ROOT,
        env={**os.environ, **corpus_env(root)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


# --- maps written on the fly -------------------------------------------------------------


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` by ``new`` in a file, which must hold it."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def second_map(folder: Path, name: str = "forum-2027", nodes: int = 60) -> Path:
    """A synthetic map (a text export and its outline) written in ``folder``."""
    export, outline = synthetic_notes(nodes, 11, vocabulary(CORPUS))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_text(export, encoding="utf-8")
    (folder / f"{name}.outline.md").write_text("# Forum 2027\n\n" + outline, encoding="utf-8")
    return folder / f"{name}.txt"


def tiny_map(folder: Path, name: str, title: str, leaves: list[str]) -> Path:
    """A Markdown map with one branch per leaf."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"# {title}", ""]
    for leaf in leaves:
        lines += [f"## {leaf.split()[0]}", f"- {leaf}"]
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def opml_map(path: Path, title: str, branches: int) -> Path:
    """An OPML map of ``branches`` one-node branches."""
    outlines = "\n".join(
        f'    <outline text="Branche {n} du forum sur les mobilités rurales et les tiers-lieux"/>'
        for n in range(branches)
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">\n<head><title>{title}'
        f"</title></head>\n<body>\n{outlines}\n</body>\n</opml>\n",
        encoding="utf-8",
    )
    return path


def tiny_corpus(root: Path) -> Path:
    """Two small maps in ``root/corpus`` and their index, built by the CLI."""
    tiny_map(root / "corpus", "a.md", "Carte A", ["Covoiturage rural", "Méthanisation locale"])
    tiny_map(root / "corpus", "b.md", "Carte B", ["Bassins versants", "Forêt communale"])
    built = run("build", "--quiet", env=corpus_env(root))
    assert built.returncode == 0, built.stderr
    return root


# --- a corpus folder and its index, as the tests find them -----------------------------


def corpus_files(root: Path) -> dict[str, bytes]:
    """What the corpus folder holds for its readers: every visible file, byte for byte."""
    folder = root / "corpus"
    return {
        p.name: p.read_bytes()
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.startswith(".")
    }


def live_build(root: Path) -> str:
    return (root / "index" / "CURRENT").read_text(encoding="utf-8").strip()


def indexed_fingerprint(root: Path) -> str:
    manifest = root / "index" / live_build(root) / "manifest.json"
    return json.loads(manifest.read_text(encoding="utf-8"))["corpus_fingerprint"]


# --- the index built in process ----------------------------------------------------------


def built(settings: Settings) -> Engine:
    """An engine on an index built anew from ``settings``' corpus."""
    engine = Engine(settings, auto_build=False)
    engine.warm_up(rebuild=True)
    return engine


def reload(settings: Settings) -> Engine:
    """An engine on the index already built, never building."""
    engine = Engine(settings, auto_build=False)
    engine.warm_up()
    return engine


def current_build(settings: Settings) -> Path:
    return settings.index_dir / (settings.index_dir / CURRENT).read_text().strip()


# --- managing maps over the API (test_admin_*.py) ---------------------------------------

ADMIN = "admin-key-for-maps-0123456789"
READER = "reader-key-plain-0123456789"
ADMIN_KEYS = [{"key": ADMIN, "admin": True}, READER]  # RAG_TERRITOIRES_API_KEYS


def opml_bytes(title: str, leaves: list[str]) -> bytes:
    """An OPML map with one node per leaf, as an upload's content."""
    outlines = "".join(f'<outline text="{leaf}"/>' for leaf in leaves)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0"><head><title>{title}'
        f"</title></head>\n<body>{outlines}</body></opml>\n"
    ).encode()


FORUM_PHRASE = "Zorglub intercommunal des bocages"  # in no other map
FORUM = opml_bytes("Forum des bocages", [FORUM_PHRASE, "Haies champêtres et bocage"])


def copy_of_corpus(built_root: Path, root: Path) -> Path:
    """``built_root``'s corpus and index copied into ``root``, for one test to change."""
    for folder in ("corpus", "index"):
        shutil.copytree(built_root / folder, root / folder)
    return root


def upload(name: str, content: bytes, **fields: str) -> dict:
    """An httpx request's multipart form: the map under ``name``, and ``fields``."""
    return {"files": {"file": (name, content, "application/octet-stream")}, "data": fields}


def as_key(key: str) -> dict[str, str]:
    return {"X-API-Key": key}


def audit_lines(root: Path) -> list[dict]:
    """Every line of ``root/data/audit.jsonl``, each of which must be a whole record."""
    path = root / "data" / "audit.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_bytes().decode("utf-8").splitlines()]


def chromium(profile: Path, width: int, height: int):
    """Debian's headless Chromium through its chromedriver (nothing is downloaded), at a
    desktop's or a phone's width. Selenium is imported here: the unit tier never needs it."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    # a window cannot be narrower than ~500 px: a phone's width is emulated
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    return driver
