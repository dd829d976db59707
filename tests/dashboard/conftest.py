"""The reference dashboard served for real (uvicorn on loopback) over a small demo studio,
and Debian's Chromium driven by Playwright."""

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import sync_playwright

from clientcrm import Actor
from clientcrm.testing.demo import WORKSPACE, open_demo_studio
from example_files import load_example

ROOT = Path(__file__).parents[2]
CHROMIUM = Path("/usr/bin/chromium")
REQUIRE = "CLIENTCRM_REQUIRE_BROWSER"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="session")
def dashboard_app(tmp_path_factory: pytest.TempPathFactory) -> object:
    crm = open_demo_studio(tmp_path_factory.mktemp("dash") / "studio.db", clients=150)
    return load_example("dashboard/app.py", "dashboard_app").create_app(crm, Actor.owner(WORKSPACE))


@pytest.fixture(scope="session")
def server(dashboard_app: object) -> Iterator[str]:
    """The dashboard's address, served by uvicorn in a thread."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(dashboard_app, host="127.0.0.1", port=port, log_level="warning")
    served = uvicorn.Server(config)
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not served.started:
        assert time.monotonic() < deadline, "the dashboard did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    served.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        if os.environ.get(REQUIRE) == "1":
            pytest.fail(f"Chromium is required here: install Debian's chromium ({CHROMIUM})")
        pytest.skip("the browser tests need Debian's chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()
