"""The chat page's admin panel: add, replace and remove a map, through the API's
``POST``/``PUT``/``DELETE /v1/documents`` (api/routes/manage.py).

Shown only when the page's key is an admin's (``GET /v1/me``); the API checks it again on
every change, so hiding the panel is a convenience, not the protection. Removing asks for
a confirmation first. A change publishes a new build: the page's map and lines, cached by
build (app.py), follow at the next run. Its words are here, in French and English, to keep
the panel in one module; a refusal shows the API's own reason (an admin needs to know
which line of the file is wrong), as text.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import streamlit as st
from client import ApiClient, ApiError
from render import escape

FORMATS = ["opml", "mm", "xmind", "md", "markdown"]  # a text export needs its outline: CLI
TEXTS = {
    "fr": {
        "panel": "Gérer les cartes (administration)",
        "file": "Fichier de la carte (.opml, .mm, .xmind, .md)",
        "groups": "Groupes autorisés à la lire (facultatif, séparés par des virgules)",
        "add": "Ajouter",
        "target": "Carte existante",
        "replace": "Remplacer la carte choisie",
        "remove": "Retirer la carte choisie…",
        "confirm": "Retirer « {name} » du corpus ? Elle ne sera plus consultable.",
        "yes": "Oui, retirer",
        "cancel": "Annuler",
        "added": "Carte « {name} » ajoutée : l'index est à jour.",
        "replaced": "Carte « {name} » remplacée : l'index est à jour.",
        "removed": "Carte « {name} » retirée : l'index est à jour.",
        "refused": "Modification refusée : {detail}",
        "no_file": "Choisissez d'abord un fichier.",
    },
    "en": {
        "panel": "Manage the maps (admin)",
        "file": "The map's file (.opml, .mm, .xmind, .md)",
        "groups": "Groups allowed to read it (optional, comma-separated)",
        "add": "Add",
        "target": "Existing map",
        "replace": "Replace the chosen map",
        "remove": "Remove the chosen map…",
        "confirm": "Remove “{name}” from the corpus? It can no longer be read.",
        "yes": "Yes, remove",
        "cancel": "Cancel",
        "added": "Map “{name}” added: the index is up to date.",
        "replaced": "Map “{name}” replaced: the index is up to date.",
        "removed": "Map “{name}” removed: the index is up to date.",
        "refused": "Change refused: {detail}",
        "no_file": "Choose a file first.",
    },
}


class AdminClient(ApiClient):
    """The API's management routes, as the page's other calls go (errors: ``ApiError``)."""

    def is_admin(self) -> bool:
        try:
            return bool(self._request("GET", "/v1/me").get("admin"))
        except (ApiError, AttributeError):  # down, refused, or an API without /v1/me
            return False

    def documents(self) -> list[str]:
        return [d["document"] for d in self._request("GET", "/v1/documents")]

    def upload(self, name: str | None, file: Any, groups: str) -> dict[str, Any]:
        """Add ``file`` (``name`` None) or replace the map ``name`` with it."""
        files = {"file": (file.name, file.getvalue(), "application/octet-stream")}
        data = {"groups": groups} if groups.strip() else {}
        if name is None:
            return self._request("POST", "/v1/documents", files=files, data=data)
        return self._request("PUT", _path(name), files=files, data=data)

    def remove(self, name: str) -> dict[str, Any]:
        return self._request("DELETE", _path(name))


def _path(name: str) -> str:
    """A map's route: its name may hold "?", "#" or "%", which must not end the path."""
    return "/v1/documents/" + quote(name, safe="")


@st.cache_data(ttl=60, show_spinner=False)
def _is_admin(url: str, key: str) -> bool:
    return AdminClient(url, key).is_admin()


def _say(ok: bool, text: str) -> None:
    st.session_state.admin_note = (ok, text)


def _upload(client: AdminClient, t: dict[str, str], replace: bool) -> None:
    """Read from the widgets' state: a callback's arguments are those of the last run, from
    before the click changed the chosen map."""
    state = st.session_state
    target = state.get("admin-target") if replace else None
    file = state.get(f"admin-file-{state.admin_round}")
    if file is None:
        _say(False, t["no_file"])
        return
    try:
        done = client.upload(target, file, state.get("admin-groups") or "")
    except ApiError as error:
        _say(False, t["refused"].format(detail=error.detail))
        return
    _say(True, t["replaced" if target else "added"].format(name=done["document"]))
    state.admin_round += 1  # a new, empty file box


def _remove(client: AdminClient, t: dict[str, str]) -> None:
    """The map named in the confirmation shown, whatever is chosen since."""
    name, st.session_state.admin_confirm = st.session_state.admin_confirm, None
    try:
        done = client.remove(name)
    except ApiError as error:
        _say(False, t["refused"].format(detail=error.detail))
        return
    _say(True, t["removed"].format(name=done["document"]))


def admin_panel(client: ApiClient, lang: str) -> None:
    """The panel in the sidebar, for an admin key only: nothing at all for anyone else."""
    if not _is_admin(client.url, client.key):
        return
    admin, t, state = AdminClient(client.url, client.key), TEXTS[lang], st.session_state
    state.setdefault("admin_round", 0)
    state.setdefault("admin_confirm", None)
    with st.sidebar.expander(t["panel"]), st.container(key="admin"):
        st.file_uploader(t["file"], type=FORMATS, key=f"admin-file-{state.admin_round}")
        st.text_input(t["groups"], key="admin-groups")
        st.button(t["add"], key="admin-add", on_click=_upload, args=(admin, t, False))
        try:
            names = admin.documents()
        except ApiError:
            names = []
        target = st.selectbox(t["target"], names, key="admin-target")
        if target is not None:
            st.button(t["replace"], key="admin-replace", on_click=_upload, args=(admin, t, True))
            if state.admin_confirm is None:
                st.button(t["remove"], key="admin-remove", on_click=_ask, args=(True,))
            else:
                st.warning(t["confirm"].format(name=escape(state.admin_confirm)))
                st.button(t["yes"], key="admin-yes", on_click=_remove, args=(admin, t))
                st.button(t["cancel"], key="admin-cancel", on_click=_ask, args=(False,))
        note = state.get("admin_note")
        if note is not None:
            (st.success if note[0] else st.error)(escape(note[1]))


def _ask(removing: bool) -> None:
    """Ask to confirm the removal of the map chosen now, or stop asking."""
    state = st.session_state
    state.admin_confirm = state.get("admin-target") if removing else None
