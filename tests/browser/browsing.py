"""Helpers for the browser tests: the launch settings, and a page that records what it logged."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import sitekit

CHROMIUM = os.environ.get("LITATLAS_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
KNOWN_OUTSIDE_HOSTS = {"api.github.com", "fonts.googleapis.com", "fonts.gstatic.com"}
LOCAL_HOSTS = {"127.0.0.1"}
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}


@dataclass
class Tab:
    """One browser page with what it logged: console errors, uncaught exceptions, dialogs and outside requests."""

    page: Any
    base: str
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def open(self, path: str = "") -> Any:
        self.page.goto(self.base + path, wait_until="load")
        self.page.wait_for_load_state("networkidle")
        return self.page

    def screenshot(self, name: str, full_page: bool = True) -> Path:
        sitekit.ARTIFACTS.mkdir(exist_ok=True)
        path = sitekit.ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def unexpected_outside(self) -> list[str]:
        return [url for url in self.outside if urlparse(url).hostname not in KNOWN_OUTSIDE_HOSTS]


def new_tab(browser: Any, base: str, viewport: dict[str, int] = DESKTOP, color_scheme: str = "light") -> Tab:
    context = browser.new_context(viewport=viewport, color_scheme=color_scheme, service_workers="block")
    page = context.new_page()
    tab = Tab(page, base)

    def route(route: Any) -> None:
        if urlparse(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            tab.outside.append(route.request.url)
            route.abort()

    def console(message: Any) -> None:
        if message.type != "error":
            return
        where = (message.location or {}).get("url", "")
        if urlparse(where).hostname in KNOWN_OUTSIDE_HOSTS:
            return
        tab.errors.append(f"{message.text} ({where})")

    def dialog(dialog: Any) -> None:
        tab.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    context.route("**/*", route)
    page.on("console", console)
    page.on("pageerror", lambda error: tab.errors.append(f"uncaught: {error}"))
    page.on("dialog", dialog)
    return tab
