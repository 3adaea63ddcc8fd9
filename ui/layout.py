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
/* the branch map keeps legible text on a phone: wider than the screen, it scrolls */
[data-testid="stGraphVizChart"] {
  overflow-x: auto;
  max-width: 100%;
}
[data-testid="stGraphVizChart"] svg {
  max-width: none !important;
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
