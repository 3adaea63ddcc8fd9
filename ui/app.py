"""Chat page for the seminar notes (Streamlit), a client of the HTTP API only.

Run: streamlit run ui/app.py (the API's address comes from RAG_TERRITOIRES_UI_API_URL,
its key, if any, from RAG_TERRITOIRES_UI_API_KEY). `make run` starts both.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the page's own modules

import pandas as pd
import streamlit as st
from client import ApiClient, ApiError, ChatStream
from render import branch_map, escape, safe_answer_line, safe_stream
from texts import TEXTS

CONTEXT_MESSAGES = 20  # earlier messages sent with a question (follow-ups need them)
ASSISTANT_CONTEXT_CHARS = 1000
SOURCE_MARGIN = 4  # lines shown around a citation

st.set_page_config(page_title="rag-territoires", page_icon="🗺️", layout="wide")
state = st.session_state
state.setdefault("messages", [])
state.setdefault("lang", "fr")
state.setdefault("pending", None)
client = ApiClient()


def t(key: str, **values: Any) -> str:
    return TEXTS[state.lang][key].format(**values)


def error_line(error: ApiError) -> str:
    return t(error.kind, detail=error.detail)


@st.cache_data(ttl=300, show_spinner=False)
def load_tree(url: str, key: str) -> dict:
    return ApiClient(url, key).tree()


@st.cache_data(ttl=300, show_spinner=False)
def load_lines(url: str, key: str, document: str, start: int, end: int) -> dict:
    return ApiClient(url, key).lines(document, start, end)


def ask_about(text: str) -> None:
    state.pending = text


def sidebar() -> dict | None:
    with st.sidebar:
        # bound to state.lang by its key, so the whole page (title included) follows it
        st.radio(
            t("language"),
            ["fr", "en"],
            key="lang",
            horizontal=True,
            format_func={"fr": "Français", "en": "English"}.get,
        )
        if st.button(t("new"), width="stretch"):
            state.messages = []
        st.subheader(t("map"))
        st.caption(t("map_help"))
        try:
            tree = load_tree(client.url, client.key)
        except ApiError as error:
            st.caption(error_line(error))
            return None
        for root in tree["roots"]:
            with st.expander(escape(root["text"])):
                stack = [(root, 0)]
                while stack:
                    node, depth = stack.pop()
                    label = ("\u2003" * depth) + escape(node["text"][:70])
                    st.button(
                        label,
                        key=f"tree-{node['id']}",
                        on_click=ask_about,
                        args=(node["text"],),
                        type="tertiary",
                    )
                    stack.extend((child, depth + 1) for child in reversed(node["children"]))
        return tree


def source_view(citation: dict) -> None:
    source = citation["source"]
    first, last = source["line_start"], source["line_end"]
    start = max(1, first - SOURCE_MARGIN)
    try:
        try:
            shown = load_lines(
                client.url, client.key, source["document"], start, last + SOURCE_MARGIN
            )
        except ApiError:  # near the end of the export: no lines after the quote
            shown = load_lines(client.url, client.key, source["document"], start, last)
    except ApiError as error:
        st.caption(error_line(error))
        return
    table = pd.DataFrame(
        [{t("line"): line["number"], t("text"): line["text"]} for line in shown["lines"]]
    )

    def highlight(row: pd.Series) -> list[str]:
        cited = first <= row[t("line")] <= last
        return ["background-color: #ffe082; font-weight: bold" if cited else ""] * len(row)

    st.caption(f"{escape(source['document'])} · {t('source')}")
    st.dataframe(
        table.style.apply(highlight, axis=1),
        hide_index=True,
        width="stretch",
        column_config={t("line"): st.column_config.NumberColumn(width="small")},
    )


def send_feedback(index: int, message: dict, rating: str, comment: str | None = None) -> None:
    question = state.messages[index - 1]["content"] if index else ""
    data = message["data"]
    try:
        client.feedback(
            {
                "question": question,
                "answer": data["answer"],
                "citations": data["citations"],
                "rating": rating,
                "comment": comment,
            }
        )
        st.caption(t("thanks"))
    except ApiError as error:
        st.caption(error_line(error))


def answer_extras(index: int, message: dict, tree: dict | None) -> None:
    data = message["data"]
    if data.get("abstained"):
        st.warning(t("not_covered"))
        st.caption(t("nearest"))
        for j, passage in enumerate(data["passages"][:3]):
            st.button(
                escape(" › ".join(passage["branch"])),
                key=f"near-{index}-{j}",
                on_click=ask_about,
                args=(passage["branch"][-1],),
            )
    if data.get("notice"):
        st.caption(f"{t('llm_notice')} : {escape(data['notice'])}")
    if data["citations"]:
        st.markdown(f"**{t('citations')}**")
        for citation in data["citations"]:
            source = citation["source"]
            quote = (
                citation["quote"] if len(citation["quote"]) < 90 else (citation["quote"][:89] + "…")
            )
            label = (
                f"\\[{citation['n']}\\] {escape(quote)} · {t('lines')} "
                f"{source['line_start']}–{source['line_end']}"
            )
            with st.expander(label):
                st.caption(escape(" › ".join(citation["branch"])))
                source_view(citation)
        dot = branch_map(data["citations"], tree) if tree else None
        if dot:
            with st.expander(t("branches"), expanded=True):
                st.graphviz_chart(dot)
    rating = st.feedback("thumbs", key=f"feedback-{index}")
    if rating is not None and message.get("rated") != rating:
        message["rated"] = rating
        send_feedback(index, message, "up" if rating == 1 else "down")
    with st.popover(t("comment")):
        comment = st.text_area(t("comment"), key=f"comment-{index}", label_visibility="collapsed")
        if st.button(t("send"), key=f"send-{index}") and comment.strip():
            send_feedback(index, message, "up" if rating == 1 else "down", comment.strip())


def conversation() -> list[dict[str, str]]:
    """The messages sent with a question: earlier turns (answers shortened), then it."""
    sent = []
    for message in state.messages[-CONTEXT_MESSAGES:]:
        if message["role"] == "user":
            sent.append({"role": "user", "content": message["content"]})
        elif "data" in message:
            sent.append(
                {"role": "assistant", "content": message["content"][:ASSISTANT_CONTEXT_CHARS]}
            )
    return sent


def ask(question: str, tree: dict | None) -> None:
    state.messages.append({"role": "user", "content": question})
    with st.chat_message("user"):
        st.markdown(escape(question))
    with st.chat_message("assistant"):
        stream = ChatStream()
        st.write_stream(safe_stream(client.chat_stream(conversation(), stream)))
        if stream.error is not None:
            line = error_line(stream.error)
            st.error(line)
            state.messages.append({"role": "assistant", "error": line})
            return
        message = {"role": "assistant", "content": stream.answer["answer"], "data": stream.answer}
        state.messages.append(message)
        answer_extras(len(state.messages) - 1, message, tree)


def main() -> None:
    st.title(t("title"))
    st.caption(t("intro"))
    tree = sidebar()
    for index, message in enumerate(state.messages):
        with st.chat_message(message["role"]):
            if message["role"] == "user":
                st.markdown(escape(message["content"]))
            elif "error" in message:
                st.error(message["error"])
            else:
                lines = message["content"].splitlines(keepends=True)
                st.markdown("".join(safe_answer_line(line) for line in lines))
                answer_extras(index, message, tree)
    typed = st.chat_input(t("input"))
    question = typed or state.pending
    state.pending = None
    if question:
        ask(question, tree)


main()
