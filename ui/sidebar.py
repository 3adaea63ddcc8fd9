"""The sidebar: the page's language, a new conversation, the maps to search and their trees,
each node a button that asks about it."""

from __future__ import annotations

import streamlit as st
from client import ApiClient, ApiError
from render import escape, shorten
from texts import error_line, t

TREE_LABEL_CHARS = 70


# Keyed on the API's build id (``/readyz``): a map added or removed shows at the page's next
# run, within the second the API takes to switch (a 300 s cache kept it out ~5 min)
@st.cache_data(max_entries=8, show_spinner=False)
def load_tree(url: str, key: str, build: str | None) -> dict:
    return ApiClient(url, key).tree()


def ask_about(text: str) -> None:
    st.session_state.pending = text


def sidebar(client: ApiClient, build: str | None) -> dict | None:
    """Draw the sidebar; the maps' trees (``/v1/tree``), or None when the API cannot say."""
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
            st.session_state.messages = []
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
    """One top-level branch: an expander of buttons, one per node, indented by depth, drawn
    once opened (the whole tree's buttons, redrawn at every question, slowed each answer)."""
    section = st.expander(escape(root["text"]), key=f"branch-{root['id']}", on_change="rerun")
    with section:
        if not section.open:
            return
        stack = [(root, 0)]
        while stack:
            node, depth = stack.pop()
            # indented by depth, cut at a word, the whole text on hover
            label = "\u2003" * depth + escape(shorten(node["text"], TREE_LABEL_CHARS))
            st.button(
                label,
                key=f"tree-{min(depth, 6)}-{node['id']}",  # the depth, for layout.py's indent
                help=escape(node["text"]),
                on_click=ask_about,
                args=(node["text"],),
                type="tertiary",
            )
            stack.extend((child, depth + 1) for child in reversed(node["children"]))
