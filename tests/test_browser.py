"""One real browser: headless Chromium (Debian's) on the chat page served on loopback."""

import os
import subprocess

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

from rag_territoires.launcher import free_port, ui_command
from tests.conftest import stop, wait_until_ready

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"  # Debian's chromium-driver; nothing is downloaded


@pytest.fixture
def chat_page(api_server):
    port = free_port()
    process = subprocess.Popen(
        ui_command("127.0.0.1", port),
        env={**os.environ, "RAG_TERRITOIRES_UI_API_URL": api_server},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_ready(f"{url}/_stcore/health", process)
    yield url
    stop(process)


@pytest.fixture
def browser(tmp_path):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1400,1600",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def test_a_person_asks_and_sees_citations_and_the_branch_map(chat_page, browser, tmp_path):
    browser.get(chat_page)
    wait = WebDriverWait(browser, 60)
    box = wait.until(
        ready.element_to_be_clickable(
            (By.CSS_SELECTOR, "textarea[data-testid='stChatInputTextArea']")
        )
    )
    box.send_keys("Comment renforcer l'ingénierie territoriale ?", Keys.ENTER)
    wait.until(
        ready.visibility_of_element_located(
            (By.CSS_SELECTOR, "[data-testid='stGraphVizChart'] svg")
        )
    )
    answer = browser.find_elements(By.CSS_SELECTOR, "[data-testid='stChatMessage']")[-1]
    assert "D'après les notes du séminaire" in answer.text
    citations = [
        e.get_attribute("innerText")
        for e in browser.find_elements(By.CSS_SELECTOR, "summary")
        if "[1] " in e.get_attribute("innerText")
    ]
    assert citations and "lignes" in citations[0]
    map_nodes = browser.find_elements(By.CSS_SELECTOR, "[data-testid='stGraphVizChart'] svg g.node")
    assert len(map_nodes) >= 3
    shot = tmp_path / "chat-answer.png"
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 20_000
    print(f"screenshot: {shot}")
