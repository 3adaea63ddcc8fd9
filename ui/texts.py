"""The page's words, in French (default) and English."""

TEXTS = {
    "fr": {
        "title": "Notes du séminaire « territoires ruraux »",
        "intro": "Posez une question sur les notes : la réponse cite les branches de la carte "
        "mentale et les lignes de l'export original.",
        "input": "Votre question (ex. : Comment renforcer l'ingénierie territoriale ?)",
        "new": "Nouvelle conversation",
        "language": "Langue de l'interface",
        "map": "Carte mentale",
        "map_help": "Cliquez une branche pour poser la question.",
        "citations": "Citations",
        "lines": "lignes",
        "source": "Lignes de l'export autour de la citation (surlignées : lignes citées)",
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
        "line": "ligne",
        "text": "texte",
    },
    "en": {
        "title": "Notes of the seminar on rural territories",
        "intro": "Ask a question about the notes: the answer cites the branches of the mind "
        "map and the lines of the original export.",
        "input": "Your question (e.g. How can territorial engineering be strengthened?)",
        "new": "New conversation",
        "language": "Interface language",
        "map": "Mind map",
        "map_help": "Click a branch to ask about it.",
        "citations": "Citations",
        "lines": "lines",
        "source": "Lines of the export around the quote (highlighted: the cited lines)",
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
        "line": "line",
        "text": "text",
    },
}
