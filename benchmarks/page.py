"""The chat page's speed as a reader sees it: real Chromium (headless) on a real page and
API, from Enter to the answer's first text and to the complete answer (its feedback
controls drawn), at every turn of a conversation of ``turns`` questions, several times.

The times are taken inside the browser (``performance.now()`` in a MutationObserver
installed before Enter), so the WebDriver's own round trips do not count. Each repeat is a
new page (a new Streamlit session). A measurement, not a test: it asserts nothing, and
every wait is bounded.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.speed import QUESTIONS, percentile_ms
from rag_territoires.errors import MissingExtra, RagError
from rag_territoires.launcher import (
    QuietProcess,
    _stop,
    free_port,
    spawn_api,
    ui_command,
    wait_ready,
)

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
MESSAGES = "[data-testid='stChatMessage']"
INPUT = "textarea[data-testid='stChatInputTextArea']"
TURN_TIMEOUT = 120.0  # s: a turn slower than this is recorded as failed
# What the page shows once an answer is complete: the feedback controls under it
COMPLETE = "[data-testid='stPopover']"

# Installed before Enter: records when Enter is pressed, when the new answer shows its
# first text and when it is complete, in the browser's own clock.
WATCH = """
const [messagesSel, inputSel, completeSel, question] = arguments;
const before = document.querySelectorAll(messagesSel).length;
const times = { sent: null, first: null, done: null };
window.__pageBench = times;
document.querySelector(inputSel).addEventListener("keydown", (event) => {
  if (event.key === "Enter" && times.sent === null) times.sent = performance.now();
}, { capture: true });
const check = () => {
  // the new turn's own messages: the question asked, then its answer, neither left over
  // from the run before (Streamlit keeps an element drawn until the new run replaces it)
  const live = [...document.querySelectorAll(messagesSel)]
    .filter((m) => !m.closest("[data-stale='true']"));
  if (times.sent === null || live.length < before + 2) return;
  const [asked, last] = live.slice(-2);
  if (!asked.innerText.includes(question)) return;
  const text = [...last.querySelectorAll("[data-testid='stMarkdownContainer']")]
    .some((block) => block.innerText.trim());
  if (times.first === null && text) times.first = performance.now();
  const complete = last.querySelector(completeSel);
  if (times.done === null && complete && !complete.closest("[data-stale='true']")) {
    times.done = performance.now();
    if (times.first === null) times.first = times.done;
    observer.disconnect();
  }
};
const observer = new MutationObserver(check);
observer.observe(document.body, { subtree: true, childList: true, characterData: true });
"""

# What a long conversation leaves in the page: its height, tables and maps drawn
PAGE_WEIGHT = """
return {
  height: Math.max(...[...document.querySelectorAll("[data-testid='stMain'], html")]
    .map((e) => e.scrollHeight)),
  tables: document.querySelectorAll("[data-testid='stDataFrame'], table").length,
  maps: document.querySelectorAll("[data-testid='stGraphVizChart']").length,
  elements: document.querySelectorAll("*").length,
};
"""


@dataclass
class PageTimes:
    """Seconds from Enter, by turn (1-based): one list entry per repeat."""

    first: dict[int, list[float]] = field(default_factory=dict)
    complete: dict[int, list[float]] = field(default_factory=dict)
    failed: int = 0
    weight: dict = field(default_factory=dict)

    def add(self, turn: int, first: float, complete: float) -> None:
        self.first.setdefault(turn, []).append(first)
        self.complete.setdefault(turn, []).append(complete)


def browser(profile: Path, width: int = 1400, height: int = 900):
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ModuleNotFoundError:
        raise MissingExtra("selenium") from None
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        raise RagError(f"bench --page needs {CHROMIUM} and {CHROMEDRIVER}")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 f"--user-data-dir={profile}", f"--window-size={width},{height}"):  # fmt: skip
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def _wait(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def conversation(driver, url: str, turns: int, times: PageTimes) -> None:
    """One new page, ``turns`` questions asked one after the other."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.get(url)
    if not _wait(lambda: driver.find_elements(By.CSS_SELECTOR, INPUT), 60):
        raise RagError(f"the chat page at {url} did not show its question box")
    for turn in range(1, turns + 1):
        question = QUESTIONS[(turn - 1) % len(QUESTIONS)]
        driver.execute_script(WATCH, MESSAGES, INPUT, COMPLETE, question)
        driver.find_element(By.CSS_SELECTOR, INPUT).send_keys(question, Keys.ENTER)
        done = _wait(lambda: driver.execute_script("return window.__pageBench.done"), TURN_TIMEOUT)
        if not done:
            times.failed += 1
            return
        mark = driver.execute_script("return window.__pageBench")
        times.add(turn, (mark["first"] - mark["sent"]) / 1000, (mark["done"] - mark["sent"]) / 1000)
        # the next question once the page's run is over (its status widget gone)
        _wait(lambda: not driver.find_elements(By.CSS_SELECTOR, "[data-testid='stStatusWidget']"),
              30)  # fmt: skip
    times.weight = driver.execute_script(PAGE_WEIGHT)


def measure(api_url: str, repeats: int, turns: int) -> PageTimes:
    """Serve the page (``rag_territoires_ui``, as ``start`` does) and time it in Chromium."""
    port = free_port()
    env = {**os.environ, "RAG_TERRITOIRES_UI_API_URL": api_url}
    page = QuietProcess(ui_command("127.0.0.1", port), env)
    times = PageTimes()
    try:
        url = f"http://127.0.0.1:{port}"
        wait_ready(url + "/_stcore/health", page)
        with tempfile.TemporaryDirectory(prefix="rag-page-bench-") as profile:
            driver = browser(Path(profile))
            try:
                conversation(driver, url, 1, PageTimes())  # warm the page and the API
                for _ in range(repeats):
                    conversation(driver, url, turns, times)
            finally:
                driver.quit()
    finally:
        _stop([page])
    return times


def report(times: PageTimes, turns: int) -> str:
    lines = ["chat page in Chromium, 1400x900, seconds from Enter (p50 / p95, n):"]
    for turn in sorted({1, turns}):
        first, complete = times.first.get(turn, []), times.complete.get(turn, [])
        lines.append(
            f"  turn {turn:>2}: first text {percentile_ms(first, 0.5) / 1000:.2f} / "
            f"{percentile_ms(first, 0.95) / 1000:.2f} s, complete "
            f"{percentile_ms(complete, 0.5) / 1000:.2f} / "
            f"{percentile_ms(complete, 0.95) / 1000:.2f} s  (n={len(complete)})"
        )
    lines.append("  targets: p50 first text <= 0.5 s, complete <= 1.0 s, at both turns")
    if times.weight:
        w = times.weight
        lines.append(
            f"  page after turn {turns}: {w['height']} px tall, {w['tables']} tables, "
            f"{w['maps']} branch maps, {w['elements']} DOM elements"
        )
    if times.failed:
        lines.append(f"  conversations cut short by a turn over {TURN_TIMEOUT:g} s: {times.failed}")
    return "\n".join(lines)


def run(repeats: int = 5, turns: int = 20, api_url: str | None = None) -> str:
    """Measure against ``api_url``, or a ``serve`` started here on the configured index."""
    if api_url:
        return report(measure(api_url, repeats, turns), turns)
    process, url = spawn_api({"RAG_TERRITOIRES_RATE_LIMIT_PER_MINUTE": "0"})
    try:
        return report(measure(url, repeats, turns), turns)
    finally:
        _stop([process])
