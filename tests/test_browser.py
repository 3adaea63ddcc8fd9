"""Real browsers: headless Chromium (Debian's) on the chat page served on loopback, at a
desktop width and at a phone's, as a staff member uses it."""

import shutil
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from rag_territoires.launcher import free_port, ui_command
from tests.conftest import spawn, start_api, stop
from tests.helpers import SCREENSHOTS, chromium

pytestmark = pytest.mark.system

MESSAGES = "[data-testid='stChatMessage']"
INPUT = "textarea[data-testid='stChatInputTextArea']"
SETTLE = 2.5  # s: the page brings the answer into view over ~1.6 s while the map renders


def serve_page(api_url: str):
    port = free_port()
    env = {"RAG_TERRITOIRES_UI_API_URL": api_url}
    return spawn(ui_command("127.0.0.1", port), port, "/_stcore/health", env)


@pytest.fixture(scope="module")
def chat_page(api_server):
    process, url = serve_page(api_server)
    yield url
    stop(process)


@pytest.fixture
def desktop(tmp_path):
    driver = chromium(tmp_path / "profile", 1400, 900)
    yield driver
    driver.quit()


@pytest.fixture
def phone(tmp_path):
    driver = chromium(tmp_path / "profile", 420, 860)
    yield driver
    driver.quit()


def open_page(browser, url: str) -> None:
    browser.get(url)
    WebDriverWait(browser, 60).until(lambda b: b.find_elements(By.CSS_SELECTOR, INPUT))


def ask(browser, question: str):
    """Type a question, wait until its answer (or error) is complete and the page settled."""
    before = len(browser.find_elements(By.CSS_SELECTOR, MESSAGES))
    browser.find_element(By.CSS_SELECTOR, INPUT).send_keys(question, Keys.ENTER)

    def finished(b):
        messages = b.find_elements(By.CSS_SELECTOR, MESSAGES)
        if len(messages) < before + 2:
            return False
        last = messages[-1]
        done = last.find_elements(By.CSS_SELECTOR, "[data-testid='stPopover']")
        return (done or last.find_elements(By.CSS_SELECTOR, "[data-testid='stAlert']")) and last

    answer = WebDriverWait(browser, 60).until(finished)
    time.sleep(SETTLE)
    return answer


def top(browser, element) -> float:
    return browser.execute_script("return arguments[0].getBoundingClientRect().top", element)


def in_view(browser, element) -> bool:
    return browser.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return r.top >= 0 && r.top + 20 <= innerHeight",
        element,
    )


def screenshot(browser, tmp_path: Path, name: str) -> None:
    shot = tmp_path / name
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 20_000
    if SCREENSHOTS:
        shutil.copy(shot, Path(SCREENSHOTS) / name)


def test_the_answer_and_an_opened_citation_stay_in_view(chat_page, desktop, tmp_path):
    open_page(desktop, chat_page)
    ask(desktop, "Quels sont les 3 principes à appliquer ?")
    answer = ask(desktop, "Comment renforcer l'ingénierie territoriale ?")
    # the direct answer shows; the quotes by branch are folded below it, one click away
    framing = "D'après « Séminaire « territoires ruraux » : carte mentale »"
    assert "En bref :" in answer.text and framing not in answer.text
    (sources,) = [s for s in answer.find_elements(By.CSS_SELECTOR, "summary")
                  if "Les citations, par branche" in s.text]  # fmt: skip
    desktop.execute_script("arguments[0].click()", sources)
    WebDriverWait(desktop, 10).until(lambda b: framing in answer.text)
    # the reader lands on the answer's first line, not on the map below it
    assert in_view(desktop, answer), top(desktop, answer)
    assert in_view(desktop, desktop.find_element(By.CSS_SELECTOR, INPUT))  # box in reach
    citations = [s for s in answer.find_elements(By.CSS_SELECTOR, "summary") if "[2] " in s.text]
    assert citations and "lignes" in citations[0].text
    citation = citations[0]
    desktop.execute_script("arguments[0].scrollIntoView({block: 'center'})", citation)
    time.sleep(0.5)
    before = top(desktop, citation)
    citation.click()
    time.sleep(SETTLE)
    # opening it reruns the page (it is drawn once opened), which draws the answer anew
    answer = desktop.find_elements(By.CSS_SELECTOR, MESSAGES)[-1]
    (citation,) = [s for s in answer.find_elements(By.CSS_SELECTOR, "summary") if "[2] " in s.text]
    assert abs(top(desktop, citation) - before) < 5  # the page does not jump
    opened = citation.find_element(By.XPATH, "./ancestor::details[1]")
    # the node in its branch, as text; the raw lines behind "Voir la source", as code
    WebDriverWait(desktop, 20).until(lambda b: opened.find_elements(By.CSS_SELECTOR, "li"))
    assert not opened.find_elements(By.CSS_SELECTOR, "[data-testid='stDataFrame']")
    switch = opened.find_element(By.XPATH, ".//label[contains(., 'Voir la source')]")
    switch.click()
    code = WebDriverWait(desktop, 20).until(
        lambda b: opened.find_elements(By.CSS_SELECTOR, "[data-testid='stCode']")
    )
    assert "▶" in code[0].text
    folded = [s for s in answer.find_elements(By.CSS_SELECTOR, "summary")
              if "Branches d'où vient la réponse" in s.text]  # fmt: skip
    desktop.execute_script("arguments[0].click()", folded[0])
    nodes = WebDriverWait(desktop, 20).until(
        lambda b: answer.find_elements(By.CSS_SELECTOR, "[data-testid='stGraphVizChart'] g.node")
    )
    assert len(nodes) >= 3
    assert any(n.text.startswith("[1]") for n in nodes)  # numbered like the citations
    desktop.execute_script("arguments[0].scrollIntoView({block: 'start'})", answer)
    time.sleep(0.5)
    screenshot(desktop, tmp_path, "screenshot.png")


def test_a_phone_reads_the_answer_and_the_map(chat_page, phone, tmp_path):
    open_page(phone, chat_page)
    answer = ask(phone, "Quels sont les 3 principes à appliquer ?")
    assert in_view(phone, answer)
    # below an answer, the empty box's two-line placeholder shows whole, with no scrollbar
    box = phone.find_element(By.CSS_SELECTOR, INPUT)
    clipped = "return arguments[0].scrollHeight > arguments[0].clientHeight"
    assert not phone.execute_script(clipped, box)
    width = phone.execute_script("return document.documentElement.scrollWidth")
    assert width <= 420  # nothing scrolls sideways
    folded = [s for s in answer.find_elements(By.CSS_SELECTOR, "summary")
              if "Branches d'où vient la réponse" in s.text]  # fmt: skip
    phone.execute_script("arguments[0].click()", folded[0])
    chart = WebDriverWait(phone, 20).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, "[data-testid='stGraphVizChart'] svg")
    )[0]
    # the map fits its frame (it was 783 px wide inside 298 px)
    fits = "const r = arguments[0].getBoundingClientRect(), f = arguments[0].parentElement"
    fits += ".getBoundingClientRect(); return [r.width, f.width]"
    drawn, frame = phone.execute_script(fits, chart)
    assert 0 < drawn <= frame + 1, (drawn, frame)
    labels = chart.find_elements(By.CSS_SELECTOR, "text")
    assert labels
    heights = [
        phone.execute_script("return arguments[0].getBoundingClientRect().height", label)
        for label in labels
    ]
    assert min(heights) >= 7, heights  # still legible once fitted
    answer = phone.find_elements(By.CSS_SELECTOR, MESSAGES)[-1]
    answer.find_element(By.CSS_SELECTOR, "a[href='#cite-1-1']").click()  # for the screenshot
    WebDriverWait(phone, 20).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, ".st-key-cite-1-1 details[open] li")
    )
    time.sleep(SETTLE)
    answer = phone.find_elements(By.CSS_SELECTOR, MESSAGES)[-1]
    phone.execute_script("arguments[0].scrollIntoView({block: 'start'})", answer)
    screenshot(phone, tmp_path, "screenshot-phone.png")


def test_on_a_phone_a_branch_click_closes_the_sidebar_and_wrapped_labels_keep_their_indent(
    chat_page, phone
):
    open_page(phone, chat_page)
    phone.find_element(By.CSS_SELECTOR, "[data-testid='stExpandSidebarButton']").click()
    sidebar = phone.find_element(By.CSS_SELECTOR, "[data-testid='stSidebar']")
    WebDriverWait(phone, 10).until(lambda b: sidebar.get_attribute("data-collapsed") == "false")
    section = next(s for s in sidebar.find_elements(By.CSS_SELECTOR, "summary")
                   if "Enjeux et pistes" in s.text)  # fmt: skip
    section.click()
    tree = ".st-key-tree button"
    WebDriverWait(phone, 20).until(lambda b: b.find_elements(By.CSS_SELECTOR, tree))
    time.sleep(1)
    # a wrapped label's next lines start where its first line's text starts, at its depth
    indents = phone.execute_script("""
      return [...document.querySelectorAll('.st-key-tree button p')]
        .filter((p) => /^\u2003\u2003[^\u2003]/.test(p.textContent))  // at depth 2
        .filter((p) => p.getClientRects().length && p.getBoundingClientRect().height > 30)
        .map((p) => {
          const range = document.createRange();
          range.selectNodeContents(p);
          const lines = [...range.getClientRects()];
          const text = p.firstChild;
          const start = document.createRange();
          start.setStart(text, 2); start.setEnd(text, 3);  // past the two em spaces
          return [start.getBoundingClientRect().left, lines[lines.length - 1].left];
        });
    """)
    assert indents, "no wrapped label at depth 2"
    for first, last in indents:
        assert abs(first - last) < 2, indents
    branch = next(b for b in phone.find_elements(By.CSS_SELECTOR, tree) if b.is_displayed())
    phone.execute_script("arguments[0].scrollIntoView({block: 'center'})", branch)
    branch.click()
    WebDriverWait(phone, 10).until(lambda b: sidebar.get_attribute("data-collapsed") == "true")
    answer = WebDriverWait(phone, 60).until(
        lambda b: len(b.find_elements(By.CSS_SELECTOR, MESSAGES)) >= 2
        and b.find_elements(By.CSS_SELECTOR, MESSAGES)[-1]
    )
    assert answer.is_displayed()


def test_an_over_long_question_stops_at_the_limit_and_the_next_is_answered(chat_page, desktop):
    open_page(desktop, chat_page)
    box = desktop.find_element(By.CSS_SELECTOR, INPUT)
    box.send_keys("x" * 2100)
    assert len(box.get_attribute("value")) == 2000
    counter = desktop.find_element(By.CSS_SELECTOR, "[data-testid='stChatInput']").text
    assert "2000/2000" in counter  # the counter shows why it stops
    box.send_keys(Keys.ENTER)
    WebDriverWait(desktop, 60).until(lambda b: len(b.find_elements(By.CSS_SELECTOR, MESSAGES)) >= 2)
    answer = ask(desktop, "Quels sont les 3 principes à appliquer ?")
    assert "En bref : les notes donnent 4 points sous « 3 principes à appliquer »" in answer.text
    assert not desktop.find_elements(By.CSS_SELECTOR, "[data-testid='stAlertContentError']")


def test_a_follow_up_after_the_api_came_back_ignores_the_failed_turn(engine, desktop):
    port = free_port()
    api, api_url = start_api(engine, port=port, RAG_TERRITOIRES_RATE_LIMIT_PER_MINUTE="0")
    page, url = serve_page(api_url)
    try:
        open_page(desktop, url)
        ask(desktop, "Quels sont les 3 principes à appliquer ?")
        stop(api)
        failed = ask(desktop, "Quels ateliers y avait-il ?")  # unanswered: not in the context
        assert "L'API ne répond pas" in failed.text
        # the error in view, by the question box, and the question kept to ask again
        alert = failed.find_element(By.CSS_SELECTOR, "[data-testid='stAlert']")
        assert in_view(desktop, alert), top(desktop, alert)
        box = desktop.find_element(By.CSS_SELECTOR, INPUT)
        assert 0 < top(desktop, box) - top(desktop, alert) < 300
        (again,) = [b for b in failed.find_elements(By.CSS_SELECTOR, "button")
                    if "Réessayer" in b.text]  # fmt: skip
        assert "Quels ateliers y avait-il ?" in again.text
        api, _ = start_api(engine, port=port, RAG_TERRITOIRES_RATE_LIMIT_PER_MINUTE="0")
        answer = ask(desktop, "et le deuxième ?")
        assert "Le deuxième point de « 3 principes à appliquer »" in answer.text
    finally:
        stop(page)
        stop(api)


def test_a_citation_marker_opens_its_citation_with_a_preview_by_mouse_or_keyboard(
    chat_page, desktop
):
    """The [n] in an answer were inert: now a link that opens and highlights its citation,
    with a preview (quote, branch, map) on hover or on focus."""
    open_page(desktop, chat_page)
    answer = ask(desktop, "Quels sont les 3 principes à appliquer ?")
    link = answer.find_element(By.CSS_SELECTOR, "a[href='#cite-1-3']")
    assert link.text == "[3]"
    assert desktop.execute_script("return arguments[0].tabIndex", link) == 0  # Tab reaches it
    desktop.execute_script("arguments[0].focus()", link)
    shown = desktop.execute_script(
        "return getComputedStyle(arguments[0], '::after').content", link
    )
    assert "Coopération et construction collective" in shown  # the quote
    assert "3 principes à appliquer" in shown and "carte mentale" in shown  # branch, map
    link.send_keys(Keys.ENTER)
    # opened (its branch drawn) and highlighted
    WebDriverWait(desktop, 20).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, ".st-key-cite-1-3.rag-cited details[open] li")
    )
    time.sleep(SETTLE)
    holder = desktop.find_element(By.CSS_SELECTOR, ".st-key-cite-1-3")
    assert "rag-cited" in holder.get_attribute("class")
    assert in_view(desktop, holder)
    assert "Coopération et construction collective" in holder.text
