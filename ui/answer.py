"""One answer as the page draws it: the direct answer first, its ``[n]`` linked to the
citations; the quotes by branch, folded; the citations; the branch map, folded and drawn
only once opened; the feedback controls."""

from __future__ import annotations

from typing import Any

import streamlit as st
from citations import anchor, citation_list, preview
from client import ApiClient
from feedback import feedback
from framing import in_language
from render import answer_markdown, branch_map, escape, link_citations, safe_lead
from sidebar import ask_about
from texts import t


def links(turn: int, data: dict[str, Any]) -> dict[int, tuple[str, str]]:
    return {c["n"]: (anchor(turn, c["n"]), preview(c)) for c in data["citations"]}


def show_answer(turn: int, data: dict[str, Any]) -> None:
    """The direct answer first; the quotes it rests on, by branch, collapsed below it (the
    citations' own list, with their lines, follows in ``answer_extras``)."""
    data = in_language(data, st.session_state.get("lang", "fr"))
    text, lead = data["answer"], data.get("lead")
    cited = links(turn, data)
    at = text.find(lead) if lead and data.get("generator") == "extractive" else -1
    if at < 0:
        st.markdown(link_citations(answer_markdown(text), cited))
        return
    if at:  # how a follow-up was understood, said before the answer
        st.markdown(answer_markdown(text[:at].rstrip("\n")))
    st.markdown(link_citations(safe_lead(lead), cited))
    with st.expander(t("sources", n=len(data["citations"]))):
        st.markdown(link_citations(answer_markdown(text[at + len(lead) :].lstrip("\n")), cited))


def earlier_answer(turn: int, message: dict, tree: dict | None, client: ApiClient,
                   build: str | None) -> None:  # fmt: skip
    """An answer above the newest, drawn lightly: its direct answer, and the rest (quotes,
    citations, map) folded in one entry drawn only once opened. Redrawing every turn in
    full made the twentieth question's first text take 4 s to show."""
    data = message["data"]
    if data.get("abstained") or not data["citations"]:
        answer_extras(turn, message, tree, client, build)
        return
    data = in_language(data, st.session_state.get("lang", "fr"))
    text, lead = data["answer"], data.get("lead")
    at = text.find(lead) if lead and data.get("generator") == "extractive" else -1
    if at >= 0:
        if at:  # how a follow-up was understood
            st.markdown(answer_markdown(text[:at].rstrip("\n")))
        st.markdown(link_citations(safe_lead(lead), links(turn, data)))
    with st.container(key=f"turn-{turn}"):
        rest = st.expander(t("details", n=len(data["citations"])), key=f"details-{turn}",
                           on_change="rerun")  # fmt: skip
        with rest:
            if rest.open:
                if at < 0:
                    show_answer(turn, data)
                else:
                    st.markdown(link_citations(answer_markdown(text[at + len(lead) :].lstrip("\n")),
                                               links(turn, data)))  # fmt: skip
                answer_extras(turn, message, tree, client, build, with_feedback=False)
    feedback(client, turn, message)


def answer_extras(turn: int, message: dict, tree: dict | None, client: ApiClient,
                  build: str | None, with_feedback: bool = True) -> None:  # fmt: skip
    data = message["data"]
    if data.get("abstained"):  # said once: a warning, then the nearest branches to click
        st.warning(t("not_covered"))
        st.caption(t("nearest"))
        with st.container(key=f"nearest-{turn}"):
            for j, passage in enumerate(data["passages"][:3]):
                st.button(
                    "› " + escape(" › ".join(passage["branch"])),
                    key=f"near-{turn}-{j}",
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
        citation_list(turn, data["citations"], tree, client, build)
        if tree:
            # folded, and drawn only once opened: a conversation's maps are not redrawn at
            # every question (eight of them made the page 27,000 px tall and slow)
            folded = st.expander(t("branches"), key=f"map-{turn}", on_change="rerun")
            with folded:
                dot = branch_map(data["citations"], tree) if folded.open else None
                if dot:
                    st.graphviz_chart(dot)
    if with_feedback:
        feedback(client, turn, message)
