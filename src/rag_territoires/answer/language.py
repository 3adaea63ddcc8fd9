"""Is a question French or English? Enough to frame the answer in the asker's language."""

from __future__ import annotations

import re

from rag_territoires.text.analyzer import fold_accents

_FRENCH_WORDS = """le la les un une des du de et est sont que qui quoi quel quels quelle quelles
comment pourquoi ou dans pour sur avec pas ne ce cette ces il elle on nous vous au aux en faut
peut dit disent notes territoire territoires c'est qu'est-ce"""
_ENGLISH_WORDS = """the a an of and is are what which who how why where when in for on with not
this that these it we you do does did say says about notes there was were can should"""
_FRENCH = frozenset(_FRENCH_WORDS.split())
_ENGLISH = frozenset(_ENGLISH_WORDS.split())
_WORD = re.compile(r"[a-z'-]+")


def question_language(question: str) -> str:
    """``"fr"`` or ``"en"``; French when unsure (the notes and most users are French)."""
    words = _WORD.findall(fold_accents(question.lower()))
    french = sum(w in _FRENCH for w in words) + 2 * (question != fold_accents(question))
    english = sum(w in _ENGLISH for w in words)
    return "en" if english > french else "fr"
