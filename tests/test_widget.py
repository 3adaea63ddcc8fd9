"""The embeddable widget in real headless Chromium: the example intranet page, served from
another loopback origin than the API, as an intranet team would embed it."""

import json
import shutil
import sys
import time

import httpx
import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from rag_territoires.api.auth.widget_tokens import WidgetTokens
from rag_territoires.engine import Engine
from rag_territoires.launcher import free_port
from tests.conftest import EXPORT, OUTLINE, ROOT, make_client, spawn, start_api, stop
from tests.helpers import SCREENSHOTS, chromium, edit

pytestmark = pytest.mark.system

KEY = "intranet-server-key-7c1e"
SECRET = "widget-test-secret-0b5d9"
PAGE = ROOT / "examples" / "intranet" / "serve.py"
INJECTED = "<img src=x onerror=alert(1)> <b>gras</b>"


def serve_page(api: str, port: int, key: str | None = KEY):
    command = [sys.executable, str(PAGE), "--port", str(port), "--api", api]
    return spawn([*command, *(["--api-key", key] if key else [])], port, "/intranet.css")


@pytest.fixture(scope="module")
def injected_index(tmp_path_factory):
    """The notes with markup in one node, indexed: it must show as typed too."""
    root = tmp_path_factory.mktemp("injected")
    for source in (EXPORT, OUTLINE):
        (root / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    for source in (EXPORT, OUTLINE):
        edit(root / source.name, "Brie'nov living lab", f"Brie'nov living lab {INJECTED}")
    from rag_territoires.config import Settings

    settings = Settings(corpus_dir=root, index_dir=root / "index")
    Engine(settings).warm_up()
    return settings


@pytest.fixture(scope="module")
def site(injected_index):
    """The API (with keys, so the widget needs a token) and the intranet page on another
    origin, the only one allowed; a second page on an origin that is not allowed."""
    page_port, other_port = free_port(), free_port()
    allowed = f"http://127.0.0.1:{page_port}"
    api, api_url = start_api(
        Engine(injected_index),
        RAG_TERRITOIRES_CORPUS_DIR=str(injected_index.corpus_dir),
        RAG_TERRITOIRES_API_KEYS=json.dumps([KEY]),
        RAG_TERRITOIRES_WIDGET_ORIGINS=json.dumps([allowed]),
        RAG_TERRITOIRES_WIDGET_SECRET=SECRET,
        RAG_TERRITOIRES_RATE_LIMIT_PER_MINUTE="0",
    )
    page, page_url = serve_page(api_url, page_port)
    other, other_url = serve_page(api_url, other_port, key=None)
    yield {"api": api_url, "page": page_url, "other": other_url}
    for process in (page, other, api):
        stop(process)


@pytest.fixture
def browser(tmp_path):
    driver = chromium(tmp_path / "profile", 1200, 900)
    yield driver
    driver.quit()


def widget(browser, url: str):
    browser.get(url)
    host = browser.find_element(By.CSS_SELECTOR, "rag-territoires-chat")
    return WebDriverWait(browser, 30).until(
        lambda b: b.execute_script(
            "const r = arguments[0].shadowRoot; return r && r.querySelector('textarea') && r",
            host,
        )
    )


def ask(browser, root, question: str):
    turns = len(root.find_elements(By.CSS_SELECTOR, ".log > li"))
    root.find_element(By.CSS_SELECTOR, "textarea").send_keys(question, Keys.ENTER)

    def answered(_):
        items = root.find_elements(By.CSS_SELECTOR, ".log > li")
        last = items[-1] if len(items) >= turns + 2 else None
        return last if last is not None and last.get_attribute("aria-busy") != "true" else None

    # the widget redraws the turn it is answering: an item found just before a redraw is
    # stale when read, and is looked for again (seen once in CI)
    wait = WebDriverWait(browser, 60, ignored_exceptions=[StaleElementReferenceException])
    return wait.until(answered)


def ask_failing(browser, root, question: str):
    """Ask a question that fails: the error shown by the question box."""
    root.find_element(By.CSS_SELECTOR, "textarea").send_keys(question, Keys.ENTER)
    return WebDriverWait(browser, 60).until(
        lambda _: root.find_elements(By.CSS_SELECTOR, "form .error")
    )[0]


def open_sources(answer):
    """Unfold an answer's quotes (folded under its direct answer): their buttons."""
    answer.find_element(By.CSS_SELECTOR, ".sources > summary").click()
    return answer.find_elements(By.CSS_SELECTOR, ".cite")


def announced(root) -> str:
    return root.find_element(By.CSS_SELECTOR, "[aria-live]").get_attribute("textContent")


def problems(browser) -> list[str]:
    """Console errors and CSP violations, but for the page's own favicon."""
    return [
        entry["message"]
        for entry in browser.get_log("browser")
        if entry["level"] == "SEVERE" or "Content Security Policy" in entry["message"]
    ]


def test_a_question_streams_an_answer_with_citations_that_open_on_the_export(
    site, browser, tmp_path
):
    root = widget(browser, site["page"] + "/?hostile=1")
    answer = ask(browser, root, "Comment renforcer l'ingénierie territoriale ?")
    citations = open_sources(answer)
    assert citations and "Séminaire « territoires ruraux » : carte mentale" in citations[0].text
    assert "lignes" in citations[0].text
    citations[0].click()
    WebDriverWait(browser, 10).until(lambda _: answer.find_elements(By.CSS_SELECTOR, ".hit"))
    assert citations[0].get_attribute("aria-expanded") == "true"
    cited = " ".join(e.text for e in answer.find_elements(By.CSS_SELECTOR, ".hit"))
    # the highlighted lines of the export are the quote that citation [1] marks (their
    # line numbers aside), and the answer is about engineering
    quoted = " ".join(w for w in cited.split() if not w.isdigit())
    assert quoted and quoted in " ".join(answer.text.split())
    assert "ingénierie" in answer.text
    assert announced(root).startswith("Réponse reçue : ")
    # the page's hostile stylesheet changed nothing inside the widget
    style = browser.execute_script(
        "const s = getComputedStyle(arguments[0]);"
        "return [s.color, s.letterSpacing, s.textTransform, s.display]",
        citations[0],
    )
    assert style == ["rgb(31, 35, 40)", "normal", "none", "inline-block"]  # not "none"
    assert problems(browser) == []
    shot = tmp_path / "widget.png"
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", citations[0])
    browser.save_screenshot(str(shot))
    if SCREENSHOTS:  # RAG_TERRITOIRES_SCREENSHOTS=ui refreshes docs/widget.md's picture
        shutil.copy(shot, ROOT / "examples" / "intranet" / "screenshot.png")


def test_the_direct_answer_comes_first_and_its_quotes_are_folded_by_branch(site, browser):
    """Issue 28, items 4, 14 and 15: the lead, then the quotes grouped by branch, folded;
    each quote shown once and naming its map; the live region reads the direct answer."""
    root = widget(browser, site["page"])
    answer = ask(browser, root, "Quels sont les 3 principes à appliquer ?")
    lead = answer.find_element(By.CSS_SELECTOR, ".lead")
    assert lead.text.startswith("En bref") and "Coopération et construction collective" in lead.text
    assert "D'après" not in answer.text  # the framing sentence is not shown
    cites = answer.find_elements(By.CSS_SELECTOR, ".cite")
    assert cites and not any(c.is_displayed() for c in cites)  # folded
    heard = announced(root)
    assert heard.startswith("Réponse reçue : En bref")
    assert "Coopération et construction collective" in heard and "D'après" not in heard
    assert "[" not in heard and "**" not in heard
    # a marker of the direct answer unfolds the quotes and focuses the one it marks
    answer.find_elements(By.CSS_SELECTOR, ".lead .ref")[0].click()
    focused = browser.execute_script("return arguments[0].activeElement", root)
    assert "cite" in focused.get_attribute("class") and focused.is_displayed()
    assert [h.text for h in answer.find_elements(By.CSS_SELECTOR, ".group h3")] == [
        "Enjeux et pistes de travail pour les territoires ruraux"
    ]
    assert answer.text.count("Essaimage") == 1  # each quote once, not twice
    for cite in cites:
        assert "Séminaire « territoires ruraux » : carte mentale · lignes" in cite.text


def test_an_off_topic_question_offers_the_nearest_branches(site, browser):
    root = widget(browser, site["page"])
    answer = ask(browser, root, "Quel est le budget du LAB 41 ?")
    assert "Les notes ne traitent pas de cette question." in answer.text
    nearest = answer.find_elements(By.CSS_SELECTOR, ".nearest button")
    # the nearest branch: the one that holds the LAB 41 (Tiers-lieux came first before
    # the learned query map: it holds a "living lab", not the LAB 41)
    assert len(nearest) == 3 and nearest[0].text.endswith("Exemples de prospective")
    nearest[0].click()  # asks about that branch
    WebDriverWait(browser, 30).until(
        lambda _: len(root.find_elements(By.CSS_SELECTOR, ".log > li")) >= 4
    )


def test_the_keyboard_alone_is_enough(site, browser):
    root = widget(browser, site["page"])
    body = browser.find_element(By.TAG_NAME, "body")
    for _ in range(10):  # Tab until the question box has the focus
        body.send_keys(Keys.TAB)
        focused = browser.execute_script("return arguments[0].activeElement", root)
        if focused is not None and focused.tag_name == "textarea":
            break
    assert focused.tag_name == "textarea"
    focused.send_keys("Quels sont les 3 principes à appliquer ?", Keys.ENTER)
    WebDriverWait(browser, 60).until(lambda _: root.find_elements(By.CSS_SELECTOR, ".sources"))
    # the folded quotes come before the question box: Shift+Tab back to their summary,
    # Enter unfolds them, Tab reaches the first quote
    button = focused
    for _ in range(20):
        button.send_keys(Keys.SHIFT, Keys.TAB)
        button = browser.execute_script("return arguments[0].activeElement", root)
        if button is not None and button.tag_name == "summary":
            break
    assert button.tag_name == "summary"
    button.send_keys(Keys.ENTER)
    button.send_keys(Keys.TAB)
    button = browser.execute_script("return arguments[0].activeElement", root)
    assert "cite" in button.get_attribute("class")
    outline = browser.execute_script("return getComputedStyle(arguments[0]).outlineStyle", button)
    assert outline != "none"  # the focus is visible
    button.send_keys(Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda _: root.find_elements(By.CSS_SELECTOR, ".hit"))


def test_it_fits_a_320_px_screen(site, tmp_path):
    narrow = chromium(tmp_path / "narrow", 320, 700)
    try:
        root = widget(narrow, site["page"])
        ask(narrow, root, "tiers-lieux ?")
        assert narrow.execute_script("return document.documentElement.scrollWidth") <= 320
        box = root.find_element(By.CSS_SELECTOR, ".box")
        right = narrow.execute_script("return arguments[0].getBoundingClientRect().right", box)
        assert right <= 320
    finally:
        narrow.quit()


SIZES = """
const r = arguments[0], s = (q) => getComputedStyle(r.querySelector(q));
return [s('.box').paddingTop, s('.box').maxWidth, s('.box').gap, s('.log').maxHeight,
        s('textarea').minHeight, s('button').paddingLeft, s('.count').fontSize];
"""


def test_a_host_page_with_a_small_root_font_does_not_shrink_it(site, browser):
    """Issue 28, item 15: sized in rem, the widget shrank on a page with
    ``html { font-size: 62.5% }`` (the hostile stylesheet sets it)."""
    plain = browser.execute_script(SIZES, widget(browser, site["page"]))
    hostile = browser.execute_script(SIZES, widget(browser, site["page"] + "/?hostile=1"))
    assert (
        browser.execute_script("return getComputedStyle(document.documentElement).fontSize")
        == "10px"
    )
    assert hostile == plain


def test_headings_and_labels_keep_their_weight(site, browser):
    root = widget(browser, site["page"])
    weight = "return getComputedStyle(arguments[0].querySelector(arguments[1])).fontWeight"
    assert [browser.execute_script(weight, root, q) for q in ("h2", "label")] == ["600", "600"]


def test_escape_closes_an_opened_citation(site, browser):
    root = widget(browser, site["page"])
    answer = ask(browser, root, "Comment renforcer l'ingénierie territoriale ?")
    citation = open_sources(answer)[0]
    citation.click()
    WebDriverWait(browser, 10).until(lambda _: answer.find_elements(By.CSS_SELECTOR, ".lines"))
    box = root.find_element(By.CSS_SELECTOR, "textarea")
    box.send_keys(Keys.ESCAPE)  # in the question box: the focus stays where one types
    assert browser.execute_script("return arguments[0].activeElement", root) == box
    assert answer.find_elements(By.CSS_SELECTOR, ".lines")
    citation.send_keys(Keys.ESCAPE)
    assert not answer.find_elements(By.CSS_SELECTOR, ".lines")
    assert citation.get_attribute("aria-expanded") == "false"
    assert browser.execute_script("return arguments[0].activeElement", root) == citation


def test_switching_lang_after_load_relabels_it(site, browser):
    root = widget(browser, site["page"])
    answer = ask(browser, root, "Comment renforcer l'ingénierie territoriale ?")
    host = browser.find_element(By.CSS_SELECTOR, "rag-territoires-chat")
    browser.execute_script("arguments[0].setAttribute('lang', 'en')", host)
    assert root.find_element(By.CSS_SELECTOR, "label").text == "Your question about the notes"
    assert root.find_element(By.CSS_SELECTOR, "h2").text == "Mind-map notes"
    assert root.find_element(By.CSS_SELECTOR, "button[type=submit]").text == "Send"
    placeholder = root.find_element(By.CSS_SELECTOR, "textarea").get_attribute("placeholder")
    assert placeholder.startswith("E.g.")
    assert answer.find_element(By.CSS_SELECTOR, ".who").text == "Assistant"
    assert answer.find_element(By.CSS_SELECTOR, "summary").text.startswith("Sources: 8 citations")
    assert root.find_elements(By.CSS_SELECTOR, ".log .who")[0].text == "You"


def test_send_stays_in_view_at_1400_by_757(site, tmp_path):
    """Issue 28, item 15: on a laptop screen, once an answer's quotes were unfolded, the
    question box and Send were below the fold."""
    laptop = chromium(tmp_path / "laptop", 1400, 757)
    try:
        root = widget(laptop, site["page"])
        answer = ask(laptop, root, "Comment renforcer l'ingénierie territoriale ?")
        open_sources(answer)  # the conversation area at its tallest
        send = root.find_element(By.CSS_SELECTOR, "button[type=submit]")
        rect = laptop.execute_script("return arguments[0].getBoundingClientRect().toJSON()", send)
        assert rect["top"] >= 0 and rect["bottom"] <= laptop.execute_script("return innerHeight")
    finally:
        laptop.quit()


def test_with_the_api_down_the_error_sits_by_the_question_box_which_keeps_it(site, browser):
    """Issue 28, item 11: the error showed in the conversation, far from the question box,
    and the failed question was gone: now it stays in the box, to send again."""
    root = widget(browser, site["page"])
    host = browser.find_element(By.CSS_SELECTOR, "rag-territoires-chat")
    down = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    browser.execute_script("arguments[0].setAttribute('api', arguments[1])", host, down)
    question = "Comment renforcer l'ingénierie territoriale ?"
    error = ask_failing(browser, root, question)
    assert error.text.startswith("L'assistant ne répond pas")
    box = root.find_element(By.CSS_SELECTOR, "textarea")
    assert box.get_attribute("value") == question
    assert error.get_attribute("id") in box.get_attribute("aria-describedby").split()
    assert not root.find_elements(By.CSS_SELECTOR, ".log > li")  # nothing half-asked
    # the API is back: Enter sends the kept question, and the error goes
    browser.execute_script("arguments[0].setAttribute('api', arguments[1])", host, site["api"])
    turns = len(root.find_elements(By.CSS_SELECTOR, ".log > li"))
    box.send_keys(Keys.ENTER)
    WebDriverWait(browser, 60).until(
        lambda _: len(root.find_elements(By.CSS_SELECTOR, ".log .lead")) == 1
    )
    assert turns == 0 and not root.find_elements(By.CSS_SELECTOR, "form .error")


def test_a_page_on_another_origin_is_refused(site, browser):
    browser.get(site["other"])
    time.sleep(1)
    defined = browser.execute_script("return !!customElements.get('rag-territoires-chat')")
    assert not defined  # the script itself was refused: nothing runs
    refused = httpx.post(
        f"{site['api']}/widget/v1/chat",
        json={"messages": [{"role": "user", "content": "tiers-lieux ?"}]},
        headers={"Origin": site["other"]},
    )
    assert refused.status_code == 403 and refused.json()["error"]["type"] == "forbidden_origin"
    assert "access-control-allow-origin" not in refused.headers


def bad_token(site, kind: str) -> str:
    tokens = WidgetTokens(SECRET)
    return {
        "forged": WidgetTokens("another-secret").issue(site["page"], 600)[0],
        "expired": tokens.issue(site["page"], 60, now=time.time() - 120)[0],
        "other origin": tokens.issue(site["other"], 600)[0],
    }[kind]


@pytest.mark.parametrize("kind", ["forged", "expired", "other origin"])
def test_a_forged_or_expired_token_is_refused_when_the_host_has_no_new_one(site, browser, kind):
    root = widget(browser, site["page"])
    host = browser.find_element(By.CSS_SELECTOR, "rag-territoires-chat")
    browser.execute_script(
        "arguments[0].tokenProvider = null; arguments[0].setAttribute('token', arguments[1])",
        host,
        bad_token(site, kind),
    )
    error = ask_failing(browser, root, "tiers-lieux ?")
    assert error.text == "L'accès à l'assistant n'est plus valable : rechargez la page."


@pytest.mark.parametrize(
    ("how", "kind"), [("provider", "expired"), ("event", "expired"), ("provider", "forged")]
)
def test_the_host_hands_a_new_token_and_the_conversation_goes_on(site, browser, how, kind):
    """Issue 28, item 13: a token that has expired (or that the API refuses) mid-conversation
    is replaced by one the host page hands over, through the example page's
    ``tokenProvider`` or the ``rag-token-needed`` event; the follow-up is still read with
    the question before it."""
    root = widget(browser, site["page"])
    host = browser.find_element(By.CSS_SELECTOR, "rag-territoires-chat")
    ask(browser, root, "Quels sont les 3 principes à appliquer ?")
    count = "window.asked = (window.asked || 0) + 1;"
    if how == "provider":  # the example page's own provider, counted
        script = (
            "const p = arguments[0].tokenProvider;"
            f"arguments[0].tokenProvider = () => {{ {count} return p(); }};"
        )
    else:
        script = (
            "arguments[0].tokenProvider = null; arguments[0].addEventListener("
            f"'rag-token-needed', (e) => {{ {count} e.detail.respondWith(fetch('/widget-token', "
            "{method: 'POST'}).then((r) => r.json()).then((j) => j.token)); });"
        )
    browser.execute_script(script, host)
    browser.execute_script(
        "arguments[0].setAttribute('token', arguments[1])", host, bad_token(site, kind)
    )
    answer = ask(browser, root, "et le deuxième ?")
    lead = answer.find_element(By.CSS_SELECTOR, ".lead").text
    assert "deuxième" in lead and "Coopération et construction collective" in lead
    assert browser.execute_script("return window.asked") == 1
    assert len(root.find_elements(By.CSS_SELECTOR, ".log > li")) == 4


def test_without_any_token_the_widget_says_so(site, browser):
    root = widget(browser, site["page"])
    host = browser.find_element(By.CSS_SELECTOR, "rag-territoires-chat")
    browser.execute_script(
        "arguments[0].tokenProvider = null; arguments[0].removeAttribute('token')", host
    )
    error = ask_failing(browser, root, "tiers-lieux ?")
    assert error.text == (
        "Cette page ne donne pas d'accès à l'assistant (aucun jeton) : "
        "signalez-le à l'équipe qui gère le site."
    )


def test_markup_in_a_question_or_a_note_shows_as_typed(site, browser):
    root = widget(browser, site["page"])
    answer = ask(browser, root, f"Brie'nov {INJECTED} ?")
    question = root.find_elements(By.CSS_SELECTOR, ".log > li.user")[-1]
    assert INJECTED in question.text
    open_sources(answer)
    assert INJECTED in answer.text  # the note, quoted as written
    assert not root.find_elements(By.CSS_SELECTOR, ".log img, .log b")
    assert browser.execute_script("return document.querySelectorAll('img').length") == 0
    assert problems(browser) == []


def test_the_script_is_small_self_contained_and_safe(site):
    script = httpx.get(
        f"{site['api']}/widget/v1/rag-territoires.js", headers={"Origin": site["page"]}
    )
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert script.headers["access-control-allow-origin"] == site["page"]
    code = script.text
    assert len(script.content) < 40_000
    for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "eval(", "new Function"):
        assert forbidden not in code, forbidden  # data is set as text, never parsed
    statements = [line for line in code.splitlines() if not line.lstrip().startswith("//")]
    assert not [line for line in statements if "http://" in line or "https://" in line]


@pytest.mark.parametrize("where", ["signature", "payload", "version"])
def test_a_token_with_a_byte_outside_ascii_is_refused_not_a_server_error(engine, where):
    """A header is bytes; Starlette reads a byte over 0x7f as a Latin-1 character, which
    ``hmac.compare_digest`` refused with a TypeError (a 500, issue 29)."""
    page = "http://intranet.example"
    token = WidgetTokens(SECRET).issue(page, 600)[0]
    version, payload, signature = token.split(".")
    forged = {
        "signature": f"{version}.{payload}.{signature[:-1]}\xe9",
        "payload": f"{version}.\xe9{payload}.{signature}",
        "version": f"rtw\xe9.{payload}.{signature}",
    }[where]
    settings = {"api_keys": [KEY], "widget_origins": [page], "widget_secret": SECRET}
    body = {"messages": [{"role": "user", "content": "tiers-lieux ?"}]}
    with make_client(engine, rate_limit_per_minute=0, **settings) as client:
        headers = {"Origin": page, "Authorization": b"Bearer " + forged.encode("latin-1")}
        response = client.post("/widget/v1/chat", json=body, headers=headers)
    assert response.status_code == 401, response.text
    assert response.json()["error"]["message"]
