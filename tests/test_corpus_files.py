"""What the corpus folder takes (issue 29): regular files with names that are safe to
show on one line and to write beside a temporary copy; never a symbolic link, a FIFO or a
device, which `add` refuses and loading the corpus refuses, so nothing behind a link is
ever read, indexed or served."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from rag_territoires.config import Settings
from rag_territoires.corpus.corpus import Corpus
from rag_territoires.corpus.manage import add_files
from rag_territoires.corpus.readers import reader_for
from rag_territoires.engine import Engine
from rag_territoires.errors import CorpusError, SourceFileError
from rag_territoires.launcher import free_port
from tests.conftest import CORPUS, EXPORT, OUTLINE
from tests.helpers import run

pytestmark = pytest.mark.integration

MAP = '<opml><body><outline text="{text}"/></body></opml>\n'
SEMINAR = sorted([EXPORT.name, OUTLINE.name])


def opml(path: Path, text: str = "Une branche") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(MAP.format(text=text), encoding="utf-8")
    return path


def names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def env_for(corpus: Path, tmp_path: Path) -> dict[str, str]:
    return {
        "RAG_TERRITOIRES_CORPUS_DIR": str(corpus),
        "RAG_TERRITOIRES_INDEX_DIR": str(tmp_path / "index"),
    }


def one_line_error(out) -> str:
    assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr
    (line,) = out.stderr.strip().splitlines()
    return line


# --- items 12 and 15: names -------------------------------------------------------------

UNSAFE = [
    (".x.opml", "hidden"),
    ("a\nb.opml", "control character"),
    ("a\rb.opml", "control character"),
    ("a\x1b[31mb.opml", "control character"),
    ("a\u202eb.opml", "control character"),
    ("a\\b.opml", "path separator"),
    ("n" * 245 + ".opml", "longer than"),
    ("é" * 101 + ".opml", "longer than"),  # 202 characters, but 207 bytes
]


@pytest.mark.parametrize(("name", "why"), UNSAFE)
def test_add_refuses_an_unsafe_name_before_reading_it(name, why, corpus_dir, tmp_path):
    new = opml(tmp_path / "incoming" / name)
    with pytest.raises(CorpusError, match=why) as refused:
        add_files(corpus_dir, [new])
    assert "\n" not in str(refused.value) and "\r" not in str(refused.value)
    assert names(corpus_dir) == SEMINAR


def test_a_text_exports_outline_name_counts_too(corpus_dir, tmp_path):
    # the export's name fits, its outline's (7 bytes longer) does not
    new = opml(tmp_path / "incoming" / ("n" * 196 + ".txt"))
    with pytest.raises(CorpusError, match=r"\.outline\.md.*longer than"):
        add_files(corpus_dir, [new])
    assert names(corpus_dir) == SEMINAR


def test_a_name_with_a_newline_is_one_line_and_exit_1(corpus_dir, tmp_path):
    new = opml(tmp_path / "incoming" / "forum\n2027.opml")
    line = one_line_error(run("add", str(new), "--quiet", env=env_for(corpus_dir, tmp_path)))
    assert "forum\\n2027.opml" in line and "control character" in line
    assert names(corpus_dir) == SEMINAR


def test_loading_refuses_a_file_with_an_unsafe_name(corpus_dir):
    opml(corpus_dir / "forum\n2027.opml")
    with pytest.raises(CorpusError, match=r"forum\\n2027\.opml.*control character"):
        Corpus.load(corpus_dir)
    opml(corpus_dir / ".forum.opml")  # hidden: never read, as before
    (corpus_dir / "forum\n2027.opml").unlink()
    assert len(Corpus.load(corpus_dir).documents) == 1


# --- item 8: links and special files -----------------------------------------------------


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file the service account can read and nobody should see through the API."""
    return opml(tmp_path / "private" / "secrets.opml", "password hunter2")


def test_loading_refuses_a_symbolic_link_in_the_corpus_folder(corpus_dir, secret, tmp_path):
    (corpus_dir / "notes.opml").symlink_to(secret)
    with pytest.raises(CorpusError, match=r"notes\.opml.*symbolic link"):
        Corpus.load(corpus_dir)
    line = one_line_error(run("check", env=env_for(corpus_dir, tmp_path)))
    assert "symbolic link" in line and "hunter2" not in line


def test_loading_refuses_a_link_to_a_folder_and_an_outline_that_is_a_link(corpus_dir, tmp_path):
    (corpus_dir / "elsewhere").symlink_to(tmp_path)
    with pytest.raises(CorpusError, match=r"elsewhere.*symbolic link"):
        Corpus.load(corpus_dir)
    (corpus_dir / "elsewhere").unlink()
    outline = corpus_dir / OUTLINE.name
    outline.rename(tmp_path / OUTLINE.name)
    outline.symlink_to(tmp_path / OUTLINE.name)
    with pytest.raises(CorpusError, match=r"outline\.md.*symbolic link"):
        Corpus.load(corpus_dir)


def test_the_api_does_not_start_on_a_corpus_holding_a_link(corpus_dir, secret, tmp_path):
    (corpus_dir / "notes.opml").symlink_to(secret)
    port = str(free_port())
    line = one_line_error(run("serve", "--port", port, env=env_for(corpus_dir, tmp_path)))
    assert "notes.opml: a symbolic link" in line and "hunter2" not in line


@pytest.mark.parametrize("name", ["notes.opml", "notes"])
def test_loading_refuses_a_fifo_without_waiting_on_it(name, corpus_dir):
    os.mkfifo(corpus_dir / name)
    with pytest.raises(CorpusError, match=f"{name}: .*not a regular file"):
        Corpus.load(corpus_dir)


def test_a_reader_never_opens_a_link(secret, tmp_path):
    link = tmp_path / "notes.opml"
    link.symlink_to(secret)
    with pytest.raises(SourceFileError, match="symbolic link"):
        reader_for(link).read(link)


def test_add_refuses_a_link_and_an_outline_that_is_a_link(corpus_dir, secret, tmp_path):
    link = tmp_path / "incoming" / "notes.opml"
    link.parent.mkdir()
    link.symlink_to(secret)
    with pytest.raises(CorpusError, match="symbolic link"):
        add_files(corpus_dir, [link])
    export = tmp_path / "incoming" / EXPORT.name.replace("seminaire", "copie")
    shutil.copy(EXPORT, export)
    export.with_name(export.stem + ".outline.md").symlink_to(OUTLINE)
    with pytest.raises(CorpusError, match=r"outline\.md.*symbolic link"):
        add_files(corpus_dir, [export])
    assert names(corpus_dir) == SEMINAR
    line = one_line_error(run("add", str(link), env=env_for(corpus_dir, tmp_path)))
    assert "symbolic link" in line
    assert names(corpus_dir) == SEMINAR


def test_a_start_from_the_stored_notes_sees_a_fifo_added_since(engine, tmp_path):
    """The stored notes (index/snapshot.py) are keyed on the folder's visible files: a
    FIFO or a link added after the build must not pass unseen."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = Settings(corpus_dir=corpus, index_dir=engine.settings.index_dir)
    same = Engine(settings, encoders=engine.encoders)
    same.load_notes(stored=True)  # the build's own notes: fine
    os.mkfifo(corpus / "notes.opml")
    with pytest.raises(CorpusError, match="not a regular file"):
        Engine(settings, encoders=engine.encoders).load_notes(stored=True)
