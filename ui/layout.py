"""What Streamlit leaves to the browser: a little CSS and one script, both static.

Nothing here contains text from the notes or from a user, so the HTML is safe to inject.

Why the question box is not Streamlit's bottom-pinned one: with it, the page "sticks to
the bottom", so every answer and every opened citation scrolls the reader down to the
branch map. The box sits in a keyed container instead, kept at the bottom of the screen
by CSS, and after an answer the script brings the answer's first line into view.
"""

from __future__ import annotations

STYLE = """
<style>
/* the question box stays at the bottom of the screen, without sticking the page to it
   (on its layout wrapper: a sticky box cannot leave a parent of its own size) */
[data-testid="stLayoutWrapper"]:has(> .st-key-ask) {
  position: sticky;
  bottom: 0;
  z-index: 50;
  padding: 0.5rem 0 0.75rem;
  background-color: var(--st-background-color, #ffffff);
}
/* an answer brought into view is not hidden under the page's top bar */
[data-testid="stChatMessage"] {
  scroll-margin-top: 4rem;
}
/* the mind map in the sidebar and the nearest branches: left-aligned, so depth shows */
.st-key-tree button, [class*="st-key-nearest-"] button {
  justify-content: flex-start;
  text-align: left;
  min-height: 1.6rem;
  padding-top: 0.1rem;
  padding-bottom: 0.1rem;
}
.st-key-tree button p, [class*="st-key-nearest-"] button p {
  text-align: left;
  white-space: pre-wrap;
}
/* a wrapped tree label keeps its indent: its first line's em spaces are its depth, and
   its next lines hang at the same depth */
[class*="st-key-tree-1-"] button p { padding-left: 1em; text-indent: -1em; }
[class*="st-key-tree-2-"] button p { padding-left: 2em; text-indent: -2em; }
[class*="st-key-tree-3-"] button p { padding-left: 3em; text-indent: -3em; }
[class*="st-key-tree-4-"] button p { padding-left: 4em; text-indent: -4em; }
[class*="st-key-tree-5-"] button p { padding-left: 5em; text-indent: -5em; }
[class*="st-key-tree-6-"] button p { padding-left: 6em; text-indent: -6em; }
/* on a phone the two-line placeholder of the empty question box is shown whole, with no
   scrollbar (below an answer the box was one line and a half tall) */
@media (max-width: 640px) {
  textarea[data-testid="stChatInputTextArea"]:placeholder-shown {
    min-height: 3.75em;
    overflow-y: hidden;
  }
}
/* the branch map is as large as its content, and never wider than its frame (on a phone
   it was 783 px wide inside 298 px) */
[data-testid="stGraphVizChart"] svg {
  max-width: 100% !important;
  height: auto !important;
}
/* an answer's [n]: a link to its citation, its preview shown on hover and on focus */
a[href^="#cite-"] {
  font-weight: 600;
  text-decoration: none;
}
/* the preview hangs from the line of its link, inside its paragraph (never past the screen) */
[data-testid="stMarkdownContainer"] p:has(a[href^="#cite-"]),
[data-testid="stMarkdownContainer"] li:has(a[href^="#cite-"]) {
  position: relative;
}
a[href^="#cite-"][data-preview]:hover::after,
a[href^="#cite-"][data-preview]:focus::after {
  content: attr(data-preview);
  position: absolute;
  left: 0;
  margin-top: 1.6em;
  z-index: 60;
  width: max-content;
  max-width: min(26rem, 100%);
  white-space: normal;
  padding: 0.4rem 0.6rem;
  border: 1px solid #d6c48a;
  border-radius: 0.4rem;
  background: #fffbe6;
  color: #222222;
  font-size: 0.85rem;
  font-weight: 400;
  line-height: 1.35;
  box-shadow: 0 2px 8px rgba(0, 0, 0, 0.15);
}
/* the citation a [n] opened */
.rag-cited {
  outline: 3px solid #ffb300;
  outline-offset: 2px;
  border-radius: 0.5rem;
}
</style>
"""

# Brings the newest answer's first line to the top of the screen, a few times while the
# page settles (the map and the citations render after the text), unless the reader
# scrolls, clicks or types first.
SHOW_ANSWER = """
<script>
(() => {
  const messages = document.querySelectorAll('[data-testid="stChatMessage"]');
  const answer = messages[messages.length - 1];
  if (!answer) return;
  let moved = false;
  const stop = () => { moved = true; };
  for (const kind of ["wheel", "touchstart", "keydown", "mousedown"]) {
    window.addEventListener(kind, stop, { once: true, capture: true, passive: true });
  }
  for (const delay of [0, 150, 400, 900, 1600]) {
    setTimeout(() => {
      if (!moved && answer.isConnected) answer.scrollIntoView({ block: "start" });
    }, delay);
  }
})();
</script>
"""

# The answers' [n] links (render.link_citations): a click, or Enter on a focused link,
# opens the citation's folded entry (a container keyed cite-<turn>-<n>), highlights it and
# brings it into view; the link's title becomes its preview, shown by the CSS above on
# hover and on focus alike (a title shows late, on hover only). Installed once per page.
LINKS = """
<script>
(() => {
  if (window.__ragCitationLinks) return;
  window.__ragCitationLinks = true;
  const CITED = 'a[href^="#cite-"]';
  const open = (id, tries = 40) => {
    const box = document.querySelector(".st-key-" + CSS.escape(id));
    if (!box) {  // an earlier answer's citations are folded: unfold them, then look again
      const turn = document.querySelector(".st-key-turn-" + id.split("-")[1]);
      const details = turn && turn.querySelector("details");
      if (details && !details.open) turn.querySelector("summary").click();
      if (turn && tries > 0) setTimeout(() => open(id, tries - 1), 100);
      return;
    }
    const details = box.querySelector("details");
    const summary = box.querySelector("summary");
    if (details && !details.open && summary) summary.click();
    document.querySelectorAll(".rag-cited").forEach((e) => e.classList.remove("rag-cited"));
    box.classList.add("rag-cited");
    box.scrollIntoView({ block: "center" });
    if (summary) summary.focus({ preventScroll: true });
    // opening reruns the page, which may draw the answer anew: the new box is highlighted
    // and brought into view again, for a few seconds
    let last = box;
    const keep = (left) => {
      const now = document.querySelector(".st-key-" + CSS.escape(id));
      if (now && now !== last) {
        now.classList.add("rag-cited");
        now.scrollIntoView({ block: "center" });
        last = now;
      } else if (now) now.classList.add("rag-cited");
      if (left > 0) setTimeout(() => keep(left - 1), 150);
    };
    keep(20);
  };
  const prepare = (link) => {
    if (!link.title) return;
    link.dataset.preview = link.title;
    link.setAttribute("aria-label", link.textContent + " " + link.title);
    link.removeAttribute("title");
    link.removeAttribute("target");
  };
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest(CITED);
    if (!link) return;
    event.preventDefault();
    event.stopPropagation();
    open(link.getAttribute("href").slice(1));
  }, true);
  // on a phone the sidebar covers the page: a branch clicked, it closes over the answer
  document.addEventListener("click", (event) => {
    const branch = event.target.closest && event.target.closest(".st-key-tree button");
    if (window.innerWidth > 640 || !branch) return;
    setTimeout(() => {
      const close = document.querySelector("[data-testid='stSidebarCollapseButton'] button")
        || document.querySelector("[data-testid='stSidebarCollapseButton']");
      const sidebar = document.querySelector("[data-testid='stSidebar']");
      if (close && sidebar && sidebar.dataset.collapsed !== "true") close.click();
    }, 50);
  }, true);
  for (const kind of ["mouseover", "focusin"]) {
    document.addEventListener(kind, (event) => {
      const link = event.target.closest && event.target.closest(CITED);
      if (link) prepare(link);
    }, true);
  }
})();
</script>
"""
