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
from admin import admin_panel
from client import ApiClient, ApiError, ChatStream, conversation
from layout import SHOW_ANSWER, STYLE
from render import answer_markdown, branch_map, escape, safe_lead, safe_stream, shorten
from texts import TEXTS

from rag_territoires.config import MAX_QUERY_CHARS

SOURCE_MARGIN = 4  # lines shown around a citation
TREE_LABEL_CHARS = 70

st.set_page_config(page_title="rag-territoires", page_icon="🗺️", layout="wide")
state = st.session_state
state.setdefault("messages", [])
state.setdefault("lang", "fr")
state.setdefault("pending", None)
client = ApiClient()
build = client.build()


def t(key: str, **values: Any) -> str:
    return TEXTS[state.lang][key].format(**values)


def error_line(error: ApiError) -> str:
    """One sentence in the page's language; the API's English detail is never shown
    (except the address, for "down" and "slow")."""
    key = f"{error.kind}_{error.reason}"
    return t(
        key if key in TEXTS[state.lang] else error.kind, detail=error.detail, limit=MAX_QUERY_CHARS
    )


# Keyed on the API's build id: a map added or removed shows at the next run of the page
# (before, the tree was kept 300 s whatever the API served)
@st.cache_data(ttl=300, show_spinner=False)
def load_tree(url: str, key: str, build: str | None) -> dict:
    return ApiClient(url, key).tree()


@st.cache_data(ttl=300, show_spinner=False)
def load_lines(
    url: str, key: str, build: str | None, document: str, start: int, end: int
) -> dict:
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
            tree = load_tree(client.url, client.key, build)
        except ApiError as error:
            st.caption(error_line(error))
            return None
        maps = tree["documents"]
        if len(maps) > 1:  # which maps a question searches; all by default
            titles = {m["document"]: m["title"] for m in maps}
            st.multiselect(
                t("documents"),
                list(titles),
                key="documents",
                format_func=lambda name: titles.get(name, name),
                placeholder=t("all_documents"),
            )
        with st.container(key="tree"):
            for one_map in maps:
                if len(maps) > 1:
                    st.caption(escape(one_map["title"]))
                for root in one_map["roots"]:
                    _branch(root)
        return tree


def _branch(root: dict) -> None:
    """One top-level branch: an expander of buttons, one per node, indented by depth."""
    with st.expander(escape(root["text"])):
        stack = [(root, 0)]
        while stack:
            node, depth = stack.pop()
            # indented by depth, cut at a word, the whole text on hover
            label = "\u2003" * depth + escape(shorten(node["text"], TREE_LABEL_CHARS))
            st.button(
                label,
                key=f"tree-{node['id']}",
                help=escape(node["text"]),
                on_click=ask_about,
                args=(node["text"],),
                type="tertiary",
            )
            stack.extend((child, depth + 1) for child in reversed(node["children"]))


def source_view(citation: dict) -> None:
    source = citation["source"]
    first, last = source["line_start"], source["line_end"]
    start = max(1, first - SOURCE_MARGIN)
    try:
        try:
            shown = load_lines(
                client.url, client.key, build, source["document"], start, last + SOURCE_MARGIN
            )
        except ApiError:  # near the end of the export: no lines after the quote
            shown = load_lines(client.url, client.key, build, source["document"], start, last)
    except ApiError as error:
        st.caption(error_line(error))
        return
    table = pd.DataFrame(
        [{t("line"): line["number"], t("text"): line["text"]} for line in shown["lines"]]
    )

    def highlight(row: pd.Series) -> list[str]:
        cited = first <= row[t("line")] <= last
        return ["background-color: #ffe082; font-weight: bold" if cited else ""] * len(row)

    title = f"{escape(source['title'])} — " if source.get("title") else ""
    st.caption(f"{title}{escape(source['document'])} · {t('source')}")
    st.dataframe(
        table.style.apply(highlight, axis=1),
        hide_index=True,
        width="stretch",
        column_config={
            t("line"): st.column_config.NumberColumn(width="small"),
            t("text"): st.column_config.TextColumn(width="large"),
        },
    )


def send_feedback(message: dict, rating: str | None, comment: str | None = None) -> None:
    """Record a thumb, a comment or both; what happened is kept on the message, so it shows
    under the answer (not inside the closed comment popover) until the next feedback."""
    data = message["data"]
    try:
        client.feedback(
            {
                "question": message["question"],
                "answer": data["answer"],
                "citations": data["citations"],
                "rating": rating,
                "comment": comment,
            }
        )
        message["note"] = t("comment_thanks" if comment else "thanks")
    except ApiError as error:
        message["note"] = error_line(error)


def send_comment(index: int, message: dict) -> None:
    """The comment sent once, with the answer's thumb if any (none: stored unrated); the
    box is emptied, so a second click sends nothing again."""
    key = f"comment-{index}"
    comment = (state.get(key) or "").strip()
    if comment:
        send_feedback(message, message.get("rated"), comment)
        state[key] = ""


def answer_extras(index: int, message: dict, tree: dict | None) -> None:
    data = message["data"]
    if data.get("abstained"):  # said once: a warning, then the nearest branches to click
        st.warning(t("not_covered"))
        st.caption(t("nearest"))
        with st.container(key=f"nearest-{index}"):
            for j, passage in enumerate(data["passages"][:3]):
                st.button(
                    "› " + escape(" › ".join(passage["branch"])),
                    key=f"near-{index}-{j}",
                    on_click=ask_about,
                    args=(passage["branch"][-1],),
                    type="tertiary",
                )
    if data.get("notice"):
        st.caption(f"{t('llm_notice')} : {escape(data['notice'])}")
    if data.get("generator") == "llm" and data.get("unsupported"):
        # what the grounding check removed from the model's answer, as text, for checking
        with st.expander(t("removed", n=len(data["unsupported"]))):
            for removed in data["unsupported"]:
                st.text(removed["sentence"])
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
            if tree and len(tree["documents"]) > 1:  # which map, when there are several
                label += f" · {escape(source['title'] or source['document'])}"
            with st.expander(label):
                st.caption(escape(" › ".join(citation["branch"])))
                source_view(citation)
        dot = branch_map(data["citations"], tree) if tree else None
        if dot:
            with st.expander(t("branches"), expanded=True):
                st.graphviz_chart(dot)
    thumb = st.feedback("thumbs", key=f"feedback-{index}")
    rating = None if thumb is None else ("up" if thumb == 1 else "down")
    if rating is not None and message.get("rated") != rating:
        message["rated"] = rating
        send_feedback(message, rating)
    with st.popover(t("comment")):
        st.text_area(t("comment"), key=f"comment-{index}", label_visibility="collapsed")
        st.button(t("send"), key=f"send-{index}", on_click=send_comment, args=(index, message))
    if message.get("note"):
        st.caption(message["note"])


def show_answer(data: dict[str, Any]) -> None:
    """The direct answer first; the quotes it rests on, by branch, collapsed below it (the
    citations' own list, with their lines, follows in ``answer_extras``)."""
    text, lead = data["answer"], data.get("lead")
    at = text.find(lead) if lead and data.get("generator") == "extractive" else -1
    if at < 0:
        st.markdown(answer_markdown(text))
        return
    if at:  # how a follow-up was understood, said before the answer
        st.markdown(answer_markdown(text[:at].rstrip("\n")))
    st.markdown(safe_lead(lead))
    with st.expander(t("sources", n=len(data["citations"]))):
        st.markdown(answer_markdown(text[at + len(lead) :].lstrip("\n")))


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
            line = error_line(stream.error)
            st.error(line)
            state.messages.append({"role": "assistant", "error": line})
            return
        if stream.answer.get("abstained"):
            text.empty()  # the warning and the branches to click say it, once
        else:  # streamed whole, then drawn as the direct answer and its folded sources
            with text.container():
                show_answer(stream.answer)
        message = {
            "role": "assistant",
            "content": stream.answer["answer"],
            "data": stream.answer,
            "question": question,
        }
        state.messages.append(message)
        answer_extras(len(state.messages) - 1, message, tree)
    st.html(SHOW_ANSWER, unsafe_allow_javascript=True)


def main() -> None:
    st.html(STYLE)
    st.title(t("title"))
    st.caption(t("intro"))
    tree = sidebar()
    admin_panel(client, state.lang)  # an admin key's only (ui/admin.py)
    for index, message in enumerate(state.messages):
        with st.chat_message(message["role"]):
            if message["role"] == "user":
                st.markdown(escape(message["content"]))
            elif "error" in message:
                st.error(message["error"])
            else:
                if not message["data"].get("abstained"):
                    show_answer(message["data"])
                answer_extras(index, message, tree)
    new_turn = st.container()  # above the question box, although it is filled after it
    # in a container, not pinned by Streamlit: see layout.py; the box stops at the API's
    # limit and shows a counter, so an over-long question cannot be sent
    with st.container(key="ask"):
        typed = st.chat_input(t("input"), max_chars=MAX_QUERY_CHARS)
    question = typed if typed and typed.strip() else state.pending
    state.pending = None
    if question:
        with new_turn:
            ask(question, tree)


main()
