"""Chat page for the seminar notes (Streamlit), a client of the HTTP API only.

Run: streamlit run ui/app.py (the API's address comes from RAG_TERRITOIRES_UI_API_URL,
its key, if any, from RAG_TERRITOIRES_UI_API_KEY). `make run` starts both.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the page's own modules

import streamlit as st
from admin import admin_panel
from answer import answer_extras, earlier_answer, show_answer
from client import ApiClient, ChatStream, conversation
from layout import LINKS, SHOW_ANSWER, STYLE
from render import escape, safe_stream, shorten
from sidebar import ask_about, sidebar
from suggestions import suggestions
from texts import error_line, t

from rag_territoires.config import MAX_QUERY_CHARS

st.set_page_config(page_title="rag-territoires", page_icon="🗺️", layout="wide")
state = st.session_state
state.setdefault("messages", [])
state.setdefault("lang", "fr")
state.setdefault("pending", None)
client = ApiClient()
build = client.build()


def retry(index: int) -> None:
    """Ask a failed question again: its failed turn leaves the conversation."""
    question = state.messages[index - 1]["content"]
    del state.messages[index - 1 : index + 1]
    ask_about(question)


def failed(index: int, message: dict) -> None:
    st.error(message["error"])
    if index == len(state.messages) - 1:  # the last question failed: one click asks again
        question = shorten(state.messages[index - 1]["content"], 60)
        st.button(escape(t("retry", question=question)), key=f"retry-{index}",
                  on_click=retry, args=(index,))  # fmt: skip


def ask(question: str, tree: dict | None) -> None:
    sent = conversation(state.messages, question)
    state.messages.append({"role": "user", "content": question})
    with st.chat_message("user"):
        st.markdown(escape(question))
    with st.chat_message("assistant"):
        stream = ChatStream()
        text = st.empty()
        chosen = state.get("documents") or []
        text.write_stream(safe_stream(client.chat_stream(sent, stream, chosen)))
        if stream.error is not None:
            text.empty()
            state.messages.append({"role": "assistant", "error": error_line(stream.error)})
            failed(len(state.messages) - 1, state.messages[-1])
        else:
            message = {
                "role": "assistant",
                "content": stream.answer["answer"],
                "data": stream.answer,
                "question": question,
            }
            state.messages.append(message)
            turn = len(state.messages) - 1
            if stream.answer.get("abstained"):
                text.empty()  # the warning and the branches to click say it, once
            else:  # streamed whole, then drawn as the direct answer and its folded sources
                with text.container():
                    show_answer(turn, stream.answer)
            answer_extras(turn, message, tree, client, build)
    # the answer, or the error, brought into view (an error below the fold went unseen)
    st.html(SHOW_ANSWER, unsafe_allow_javascript=True)


def draw(index: int, message: dict, tree: dict | None, whole: bool) -> None:
    """One message of the conversation; an answer ``whole`` as ``ask`` drew it (the same
    elements in the same places, so the browser keeps them and the page does not jump
    when the reader opens a citation), or lightly."""
    with st.chat_message(message["role"]):
        if message["role"] == "user":
            st.markdown(escape(message["content"]))
            return
        slot = st.empty()  # where ask() streamed the answer
        if "error" in message:
            failed(index, message)
        elif not whole:
            with slot.container():
                earlier_answer(index, message, tree, client, build)
        else:
            if not message["data"].get("abstained"):
                with slot.container():
                    show_answer(index, message["data"])
            answer_extras(index, message, tree, client, build)


def main() -> None:
    st.html(STYLE)
    st.html(LINKS, unsafe_allow_javascript=True)
    st.title(t("title"))
    st.caption(t("intro"))
    tree = sidebar(client, build)
    admin_panel(client, state.lang)  # an admin key's only (ui/admin.py)
    examples = st.empty()
    history = st.container()  # every turn but the newest, drawn lightly
    newest = st.container()  # the newest turn, whole: where ask() draws it too
    # in a container, not pinned by Streamlit: see layout.py; the box stops at the API's
    # limit and shows a counter, so an over-long question cannot be sent. Read first, so
    # that the conversation is drawn knowing whether a new turn comes.
    with st.container(key="ask"):
        typed = st.chat_input(t("input"), max_chars=MAX_QUERY_CHARS)
    question = typed if typed and typed.strip() else state.pending
    state.pending = None
    if not state.messages and not question and tree:
        with examples.container():
            suggestions(tree)
    split = len(state.messages) if question else max(0, len(state.messages) - 2)
    with history:
        for index, message in enumerate(state.messages[:split]):
            draw(index, message, tree, whole=False)
    with newest:
        if question:
            ask(question, tree)
        else:
            for index, message in enumerate(state.messages[split:], start=split):
                draw(index, message, tree, whole=True)


main()
