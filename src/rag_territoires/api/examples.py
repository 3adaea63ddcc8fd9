"""The API's example answers and request bodies, as its documentation (/docs) shows them:
taken from the seminar's map, so a reader sees what a real answer looks like."""

from __future__ import annotations


def example_response(example: object, status: int = 200) -> dict:
    """A route's documented answer for ``status``, with its example."""
    return {status: {"content": {"application/json": {"example": example}}}}


DOC = "seminaire-territoires-ruraux-carte-mentale.txt"
PASSAGE_EXAMPLE = {
    "id": "seminaire-territoires-ruraux-carte-mentale:tiers-lieux-e3e8dd1f",
    "text": "Tiers-lieux\nBrie'nov living lab",
    "branch": ["Pour s'inspirer", "Tiers-lieux"],
    "source": {"document": DOC, "line_start": 84, "line_end": 100},
    "nodes": [
        {
            "id": "seminaire-territoires-ruraux-carte-mentale:tiers-lieux-e3e8dd1f",
            "text": "Tiers-lieux",
            "line_start": 84,
            "line_end": 84,
        }
    ],
}
TREE_EXAMPLE = {
    "document": DOC,
    "title": "Séminaire « territoires ruraux » : carte mentale",
    "format": "text",
    "roots": [
        {
            "id": "seminaire-territoires-ruraux-carte-mentale:ateliers-ab9033bf",
            "text": "Ateliers",
            "line_start": 2,
            "line_end": 2,
            "passage_id": "seminaire-territoires-ruraux-carte-mentale:ateliers-ab9033bf",
            "children": [],
        }
    ],
}
LINES_EXAMPLE = {
    "document": DOC,
    "start": 84,
    "end": 86,
    "total_lines": 1022,
    "lines": [
        {"number": 84, "text": "Tiers-lieux"},
        {"number": 85, "text": ""},
        {"number": 86, "text": "Volonté de contribuer à "},
    ],
}
DOCUMENTS_EXAMPLE = [
    {
        "document": DOC,
        "id": "seminaire-territoires-ruraux-carte-mentale",
        "title": "Séminaire « territoires ruraux » : carte mentale",
        "format": "text",
        "nodes": 149,
        "passages": 110,
    }
]
SEARCH_EXAMPLE = {
    "query": "tiers-lieux ?",
    "abstained": False,
    "confidence": 0.933,
    "passages": [
        {
            "id": "seminaire-territoires-ruraux-carte-mentale:tiers-lieux-e3e8dd1f",
            "text": "Tiers-lieux\nVolonté de contribuer à des logiques de développement "
            "territorial "
            "et coopération\nCoopérative tiers-lieu(x) (Nvelle Aquitaine)\nBrie'nov living lab\n"
            "Ubo open factory (nom ?)",
            "branch": ["Pour s'inspirer", "Tiers-lieux"],
            "score": 0.582388,
            "source": {
                "document": "seminaire-territoires-ruraux-carte-mentale.txt",
                "line_start": 84,
                "line_end": 100,
            },
        }
    ],
}
CHAT_EXAMPLE = {
    "answer": "D'après « Séminaire « territoires ruraux » : carte mentale », "
    "voici ce qui répond à votre question :\n\n"
    "**Enjeux et pistes de travail pour les territoires ruraux › 3 principes à appliquer**\n"
    "- Coopération et construction collective [1]",
    "abstained": False,
    "citations": [
        {
            "n": 1,
            "passage_id": (
                "seminaire-territoires-ruraux-carte-mentale:"
                "cooperation-et-construction-collective-5d0b8f0e"
            ),
            "quote": "Coopération et construction collective",
            "branch": [
                "Enjeux et pistes de travail pour les territoires ruraux",
                "3 principes à appliquer",
                "Coopération et construction collective",
            ],
            "source": {
                "document": "seminaire-territoires-ruraux-carte-mentale.txt",
                "line_start": 931,
                "line_end": 933,
            },
        }
    ],
    "passages": [],
    "generator": "extractive",
    "notice": None,
    "dropped_citations": [],
}
CHANGED_EXAMPLE = {
    "document": "forum-mobilites.opml",
    "id": "forum-mobilites",
    "title": "Forum mobilités rurales",
    "format": "opml",
    "nodes": 42,
    "build": "build-20260105T101500-3f2a9c81",
}
UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "The map (.opml, .mm, .xmind, .md, or .txt with "
                            "`outline`), named as it will be in the corpus.",
                        },
                        "outline": {
                            "type": "string",
                            "format": "binary",
                            "description": "A text export's outline (X.outline.md for X.txt).",
                        },
                        "groups": {
                            "type": "string",
                            "description": "Only these groups may read the map, comma-"
                            "separated (as `add --groups`). Absent: a new map is public, a "
                            "replaced one keeps its groups.",
                            "example": "elus,direction",
                        },
                    },
                }
            }
        },
    }
}
