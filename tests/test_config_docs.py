"""docs/configuration.md is the page ``config_docs`` writes from ``Settings``: a setting
added, renamed or given another default without regenerating the page fails here."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import Field

from rag_territoires.config import Settings
from rag_territoires.config_docs import render_markdown

pytestmark = pytest.mark.unit

PAGE = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"
REGENERATE = "python -m rag_territoires.config_docs > docs/configuration.md"


def test_the_committed_page_is_the_generated_one() -> None:
    assert PAGE.read_text(encoding="utf-8") == render_markdown(), f"run: {REGENERATE}"


def test_every_setting_has_a_row_with_its_variable_and_default() -> None:
    page = render_markdown()
    for name in Settings.model_fields:
        assert f"| `RAG_TERRITOIRES_{name.upper()}` |" in page
    assert "| `RAG_TERRITOIRES_PORT` | `int` | `8000` | ≥ 1, ≤ 65535 |" in page
    assert '| `RAG_TERRITOIRES_ENCODERS` | `tuple[str, ...]` | `["use"]` |' in page


def test_a_new_setting_changes_the_page() -> None:
    class Grown(Settings):
        answer_colour: str = Field(default="green", description="the answer's colour")

    page = render_markdown(Grown)
    assert page != render_markdown()
    assert "| `RAG_TERRITOIRES_ANSWER_COLOUR` | `str` | `green` |  | the answer's colour |" in page


def test_a_setting_without_a_description_is_refused() -> None:
    class Unexplained(Settings):
        mystery: int = 3

    with pytest.raises(ValueError, match="'mystery' has no description"):
        render_markdown(Unexplained)
