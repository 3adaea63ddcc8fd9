"""rag-territoires: cited answers from the rural-territories seminar notes."""

__version__ = "0.1.0"
