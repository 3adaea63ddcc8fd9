"""Under each answer: a thumb and a comment, sent to ``/v1/feedback``."""

from __future__ import annotations

import streamlit as st
from client import ApiClient, ApiError
from texts import error_line, t


def send_feedback(client: ApiClient, message: dict, rating: str | None,
                  comment: str | None = None) -> None:  # fmt: skip
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
        message["note"] = "comment_thanks" if comment else "thanks"
    except ApiError as error:
        message["note"] = error_line(error)


def send_comment(client: ApiClient, index: int, message: dict) -> None:
    """The comment sent once, with the answer's thumb if any (none: stored unrated); the
    box is emptied, so a second click sends nothing again."""
    key = f"comment-{index}"
    comment = (st.session_state.get(key) or "").strip()
    if comment:
        send_feedback(client, message, message.get("rated"), comment)
        st.session_state[key] = ""
    # the box closes, so its confirmation under the answer shows (it stayed open over it)
    st.session_state[f"comment-box-{index}"] = False


def feedback(client: ApiClient, index: int, message: dict) -> None:
    thumb = st.feedback("thumbs", key=f"feedback-{index}")
    rating = None if thumb is None else ("up" if thumb == 1 else "down")
    if rating is not None and message.get("rated") != rating:
        message["rated"] = rating
        send_feedback(client, message, rating)
    box = st.popover(t("comment"), key=f"comment-box-{index}", on_change="rerun")
    with box:
        if box.open:  # drawn once opened: two widgets fewer per answer at every question
            st.text_area(t("comment"), key=f"comment-{index}", label_visibility="collapsed")
            st.button(t("send"), key=f"send-{index}", on_click=send_comment,
                      args=(client, index, message))  # fmt: skip
    if note := message.get("note"):  # a key of texts.py, said in the page's language now
        st.caption(t(note) if note in ("thanks", "comment_thanks") else note)
