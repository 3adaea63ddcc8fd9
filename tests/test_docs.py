"""The README stays short, the pages it sends readers to exist, and docs/architecture.md
names every module: a module added, moved or renamed without its line fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", ROOT / "SECURITY.md", *sorted((ROOT / "docs").glob("*.md"))]
ARCHITECTURE = ROOT / "docs" / "architecture.md"
LINK = re.compile(r"\]\(([^)\s]+)\)|<img src=\"([^\"]+)\"")


def anchors(page: Path) -> set[str]:
    """The anchors GitHub makes of a page's headings."""
    headings = re.findall(r"^#+ (.+)$", page.read_text(encoding="utf-8"), re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def broken_links(page: Path) -> list[str]:
    broken = []
    for match in LINK.finditer(page.read_text(encoding="utf-8")):
        target = match.group(1) or match.group(2)
        if re.match(r"[a-z]+:", target):  # http:, https:, mailto:
            continue
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        if not linked.exists() or (
            anchor and linked.suffix == ".md" and anchor not in anchors(linked)
        ):
            broken.append(target)
    return broken


def modules() -> list[str]:
    """Every module with code: the package's (relative to it), the chat page's and the
    benchmarks' (relative to the repository)."""
    package = ROOT / "src" / "rag_territoires"
    found = [
        path.relative_to(package).as_posix()
        for path in package.rglob("*.py")
        if path.read_text(encoding="utf-8").strip() and path.name != "__main__.py"
    ]
    for folder in ("ui", "benchmarks"):
        found += [f"{folder}/{p.name}" for p in (ROOT / folder).glob("*.py") if p.stat().st_size]
    return sorted(found)


def test_the_readme_is_short() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 150, "the rest belongs in docs/"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.relative_to(ROOT).as_posix())
def test_every_relative_link_leads_somewhere(page: Path) -> None:
    assert broken_links(page) == []


def test_a_broken_link_is_found(tmp_path: Path) -> None:
    (tmp_path / "there.md").write_text("# Where it is\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "[ok](there.md#where-it-is) [gone](gone.md) [no anchor](there.md#elsewhere) "
        "[gone too](gone.md#where-it-is) [web](https://example.org)",
        encoding="utf-8",
    )
    assert broken_links(page) == ["gone.md", "there.md#elsewhere", "gone.md#where-it-is"]


def test_the_architecture_names_every_module() -> None:
    page = ARCHITECTURE.read_text(encoding="utf-8")
    unnamed = [module for module in modules() if f"- `{module}`:" not in page]
    assert unnamed == [], "give each a line in docs/architecture.md, 'Which module owns what'"


def test_the_architecture_names_no_module_that_is_gone() -> None:
    page = ARCHITECTURE.read_text(encoding="utf-8")
    named = re.findall(r"^- `([\w/]+\.py)`:", page, re.MULTILINE)
    assert sorted(set(named) - set(modules())) == []
