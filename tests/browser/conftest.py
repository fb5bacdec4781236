"""Real-browser fixtures: Debian's chromium driven by Python Playwright, against the built site on 127.0.0.1.

Never `playwright install`: the browser is the Debian package (/usr/bin/chromium, or $LITATLAS_CHROMIUM).
Without it the browser tests are skipped with the reason; with LITATLAS_REQUIRE_BROWSER=1 (CI) they fail instead.
LITATLAS_SKIP_BROWSER="reason" skips them on purpose (a CI job whose runner has no Debian chromium).
Every page may load only 127.0.0.1: other requests are aborted and recorded. The site's two known outside calls
(Google Fonts, switched off by `font: false`, and the GitHub API for the repository's star count) are tolerated.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browsing import CHROMIUM, LAUNCH_ARGS, Tab, new_tab

import sitekit


def _unavailable(reason: str) -> None:
    if os.environ.get("LITATLAS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (LITATLAS_REQUIRE_BROWSER=1 makes this a failure)", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = os.environ.get("LITATLAS_SKIP_BROWSER")
    if reason and os.environ.get("LITATLAS_REQUIRE_BROWSER") != "1":
        pytest.skip(f"browser tests skipped: {reason}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Python Playwright is not installed (pip install playwright; the browser is Debian's chromium)")
    if not Path(CHROMIUM).exists():
        _unavailable(f"no chromium at {CHROMIUM}: install the Debian package (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def site_url(browser: Any) -> Iterator[str]:
    """Base URL of the project's own site, built once with `mkdocs build --strict` and served on 127.0.0.1."""
    with sitekit.serve(sitekit.real_site()) as url:
        yield url


@pytest.fixture
def tab(browser: Any, site_url: str) -> Iterator[Tab]:
    """A fresh desktop-sized, light-scheme page on the project's site."""
    opened = new_tab(browser, site_url)
    yield opened
    opened.page.context.close()
