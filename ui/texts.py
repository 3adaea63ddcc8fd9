"""The page's words, in French (default) and English, and the page's way to say them."""

from __future__ import annotations

from typing import Any

import streamlit as st

TEXTS = {
    "fr": {
        "title": "Notes des cartes mentales",
        "intro": "Posez une question sur les notes : la réponse cite les branches de la carte "
        "mentale et les lignes de l'export original.",
        "input": "Votre question (ex. : Comment renforcer l'ingénierie territoriale ?)",
        "new": "Nouvelle conversation",
        "language": "Langue de l'interface",
        "map": "Carte mentale",
        "map_help": "Cliquez une branche pour poser la question.",
        "documents": "Cartes interrogées",
        "all_documents": "Toutes les cartes",
        "citations": "Citations",
        "sources": "Les citations, par branche ({n})",
        "lines": "lignes",
        "branches": "Branches d'où vient la réponse",
        "not_covered": "Les notes ne traitent pas de cette question.",
        "nearest": "Branches les plus proches :",
        "thanks": "Merci pour votre avis.",
        "comment_thanks": "Merci, votre commentaire est enregistré.",
        "comment": "Un commentaire ?",
        "send": "Envoyer",
        "llm_notice": "Remarque",
        "removed": "Phrases du modèle retirées, que leurs citations n'appuient pas : {n}",
        # every error the API can return, in one sentence (the API's own words are English)
        "down": "L'API ne répond pas ({detail}) : vérifiez qu'elle est démarrée.",
        "slow": "L'API met trop de temps à répondre ({detail}) : réessayez.",
        "key": "L'API refuse la clé d'accès (X-API-Key) : vérifiez la configuration.",
        "limited": "Trop de questions d'affilée : réessayez dans {detail} s.",
        "refused": "L'API n'a pas accepté cette question : reformulez-la.",
        "refused_empty": "La question est vide : écrivez-la avant de l'envoyer.",
        "refused_too_long": "La question est trop longue ({limit} caractères au plus) : "
        "raccourcissez-la.",
        "refused_control_character": "La question contient un caractère invisible non permis "
        "(caractère de contrôle) : retapez-la.",
        "refused_invalid_text": "La question contient un caractère illisible (encodage "
        "cassé) : retapez-la.",
        "too_large": "La conversation est devenue trop longue pour l'API : commencez une "
        "nouvelle conversation.",
        "not_found": "Ce passage de l'export est introuvable (l'index a peut-être changé).",
        "not_ready": "L'index des notes n'est pas encore prêt : réessayez dans un instant.",
        "unavailable": "Le service est momentanément indisponible : réessayez plus tard.",
        "bad_request": "La page a envoyé une requête que l'API ne comprend pas : rechargez "
        "la page.",
        "server": "L'API a rencontré une erreur interne : réessayez, et prévenez "
        "l'équipe si cela se reproduit.",
        "show_source": "Voir la source",
        "details": "Les citations, leurs sources et la carte ({n})",
        "source_caption": "{title} · lignes {start}–{end} du fichier d'origine (▶ : lignes citées)",
        "in_branch": "Dans sa branche :",
        "examples": "Exemples de questions, tirées des branches des cartes :",
        "example": "Que disent les notes sur « {branch} » ?",
        "retry": "Réessayer : {question}",
        "cite_link": "Citation {n} : {quote} — {branch} — {map}",
    },
    "en": {
        "title": "Mind-map notes",
        "intro": "Ask a question about the notes: the answer cites the branches of the mind "
        "map and the lines of the original export.",
        "input": "Your question (e.g. How can territorial engineering be strengthened?)",
        "new": "New conversation",
        "language": "Interface language",
        "map": "Mind map",
        "map_help": "Click a branch to ask about it.",
        "documents": "Maps searched",
        "all_documents": "All maps",
        "citations": "Citations",
        "sources": "The quotes, by branch ({n})",
        "lines": "lines",
        "branches": "Branches the answer comes from",
        "not_covered": "The notes do not cover this question.",
        "nearest": "Nearest branches:",
        "thanks": "Thank you for your feedback.",
        "comment_thanks": "Thank you, your comment is recorded.",
        "comment": "A comment?",
        "send": "Send",
        "llm_notice": "Note",
        "removed": "Sentences of the model removed, unsupported by their citations: {n}",
        "down": "The API does not answer ({detail}): check that it is running.",
        "slow": "The API is taking too long ({detail}): try again.",
        "key": "The API refuses the access key (X-API-Key): check the configuration.",
        "limited": "Too many questions in a row: try again in {detail} s.",
        "refused": "The API did not accept this question: rephrase it.",
        "refused_empty": "The question is empty: type it before sending.",
        "refused_too_long": "The question is too long (at most {limit} characters): shorten it.",
        "refused_control_character": "The question contains an invisible character that is "
        "not allowed (a control character): type it again.",
        "refused_invalid_text": "The question contains an unreadable character (broken "
        "encoding): type it again.",
        "too_large": "The conversation has grown too long for the API: start a new conversation.",
        "not_found": "This passage of the export cannot be found (the index may have changed).",
        "not_ready": "The index of the notes is not ready yet: try again in a moment.",
        "unavailable": "The service is unavailable for now: try again later.",
        "bad_request": "The page sent a request the API does not understand: reload the page.",
        "server": "The API met an internal error: try again, and tell the team if it "
        "happens again.",
        "show_source": "Show the source",
        "details": "The quotes, their sources and the map ({n})",
        "source_caption": "{title} · lines {start}–{end} of the original file (▶: the cited lines)",
        "in_branch": "In its branch:",
        "examples": "Example questions, drawn from the maps' branches:",
        "example": "What do the notes say about “{branch}”?",
        "retry": "Try again: {question}",
        "cite_link": "Citation {n}: {quote} — {branch} — {map}",
    },
}


def t(key: str, **values: Any) -> str:
    """``key``'s sentence in the page's current language, its ``{fields}`` filled."""
    return TEXTS[st.session_state.get("lang", "fr")][key].format(**values)


def error_line(error: Any) -> str:
    """One sentence in the page's language for an ``ApiError``; the API's English detail is
    never shown (except the address, for "down" and "slow")."""
    from rag_territoires.config import MAX_QUERY_CHARS

    key = f"{error.kind}_{error.reason}"
    words = TEXTS[st.session_state.get("lang", "fr")]
    return t(key if key in words else error.kind, detail=error.detail, limit=MAX_QUERY_CHARS)
