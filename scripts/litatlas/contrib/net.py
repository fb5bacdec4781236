"""HTTP for the commands that ask web services (PubMed, Crossref, ClinicalTrials.gov): polite, patient, and clear.

Every request has a timeout and a descriptive User-Agent with a contact address; 429 and 5xx answers are
retried with backoff (honouring Retry-After); a machine that is offline gets one line, "could not reach
HOST: reason; nothing changed", and callers write nothing unless the whole run succeeded. Tests pass an
`opener` that returns recorded answers: no test touches the network.
"""

from __future__ import annotations

import email.utils
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from litatlas import __version__
from litatlas.model.errors import LitatlasError

DEFAULT_TIMEOUT = 20.0
EMAIL_ENV = "LITATLAS_EMAIL"
RETRY_STATUSES = (429, 500, 502, 503, 504)

#: Anything called like urllib.request.urlopen(request, timeout=...).
Opener = Callable[..., Any]


class NetworkError(LitatlasError):
    """A service could not be reached (`status` 0) or kept answering `status`; the message says that nothing changed."""

    def __init__(self, host: str, reason: str, status: int = 0) -> None:
        self.host, self.reason, self.status = host, reason, status
        if status:
            super().__init__(f"{host} answered HTTP {status} {reason}; try again later; nothing changed")
        else:
            super().__init__(f"could not reach {host}: {reason}; nothing changed")


def contact_email(*candidates: str | None) -> str | None:
    """The first contact e-mail given (an option, the atlas configuration), else $LITATLAS_EMAIL, else None."""
    for value in (*candidates, os.environ.get(EMAIL_ENV)):
        if value and value.strip():
            return value.strip()
    return None


def user_agent(email: str | None) -> str:
    """'litatlas/<version> (+https://pypi.org/project/litatlas/; mailto:EMAIL)': the services ask for a contact."""
    contact = f"; mailto:{email}" if email else ""
    return f"litatlas/{__version__} (+https://pypi.org/project/litatlas/{contact})"


@dataclass
class Response:
    status: int
    body: bytes
    url: str

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass
class Client:
    """One service's HTTP client: shared timeout, User-Agent, retries and pacing."""

    email: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    retries: int = 3
    backoff: float = 1.0  # seconds before the first retry; doubled each time
    min_interval: float = 0.0  # seconds between requests (NCBI: 3 a second without an API key)
    opener: Opener | None = None
    sleep: Callable[[float], None] | None = None  # time.sleep unless given (tests pass a recorder)
    _last: float = field(default=0.0, repr=False)

    def get(self, url: str, params: dict[str, str] | None = None, accept: str = "*/*") -> Response:
        """GET `url`; retries 429 and 5xx; returns any other answer (the caller decides what a 404 means)."""
        if params:
            url = f"{url}?{urllib.parse.urlencode(params)}"
        host = urllib.parse.urlsplit(url).hostname or url
        request = urllib.request.Request(url, headers={"User-Agent": user_agent(self.email), "Accept": accept})
        open_url = self.opener or urllib.request.urlopen
        delay = self.backoff
        for attempt in range(self.retries + 1):
            self._pace()
            try:
                with open_url(request, timeout=self.timeout) as answer:
                    status = getattr(answer, "status", None) or answer.getcode()
                    response = Response(int(status), answer.read(), url)
            except urllib.error.HTTPError as error:
                body = error.read() if hasattr(error, "read") else b""
                response = Response(error.code, body or b"", url)
                wait = _retry_after(error.headers.get("Retry-After") if error.headers else None)
            except TimeoutError:
                raise NetworkError(host, f"no answer within {self.timeout:g} s") from None
            except urllib.error.URLError as error:
                reason = error.reason
                if isinstance(reason, TimeoutError):
                    reason = f"no answer within {self.timeout:g} s"
                raise NetworkError(host, str(reason)) from None
            except OSError as error:
                raise NetworkError(host, str(error.strerror or error)) from None
            else:
                wait = None
            if response.status not in RETRY_STATUSES:
                return response
            if attempt < self.retries:
                (self.sleep or time.sleep)(max(wait or 0.0, delay))
                delay *= 2
        raise NetworkError(host, f"{self.retries + 1} times", response.status)

    def _pace(self) -> None:
        if self.min_interval:
            gap = time.monotonic() - self._last
            if gap < self.min_interval:
                (self.sleep or time.sleep)(self.min_interval - gap)
            self._last = time.monotonic()


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (a number or an HTTP date), capped at a minute."""
    if not value:
        return None
    try:
        return min(60.0, max(0.0, float(value)))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return min(60.0, max(0.0, when.timestamp() - time.time()))
