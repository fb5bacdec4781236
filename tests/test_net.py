"""The HTTP client behind fetch, screen and status: timeouts, a contact in the User-Agent, retries, clear offline errors."""

from __future__ import annotations

import io
import socket
import urllib.error
import urllib.request
from email.message import Message
from typing import Any

import pytest

from litatlas.contrib.net import Client, NetworkError, user_agent


class Answer(io.BytesIO):
    def __init__(self, body: bytes, status: int = 200) -> None:
        super().__init__(body)
        self.status = status

    def getcode(self) -> int:
        return self.status


class Script:
    """Serves the given answers or errors in turn and keeps every request and timeout."""

    def __init__(self, *steps: Any) -> None:
        self.steps = list(steps)
        self.requests: list[tuple[urllib.request.Request, float]] = []

    def __call__(self, request: urllib.request.Request, timeout: float) -> Any:
        self.requests.append((request, timeout))
        step = self.steps.pop(0)
        if isinstance(step, BaseException):
            raise step
        return step


def _busy(status: int, retry_after: str | None = None) -> urllib.error.HTTPError:
    headers = Message()
    if retry_after is not None:
        headers["Retry-After"] = retry_after
    return urllib.error.HTTPError("https://api.example.org/x", status, "busy", headers, io.BytesIO(b""))


def test_every_request_has_a_timeout_and_names_a_contact() -> None:
    script = Script(Answer(b"ok"))
    response = Client(email="curators@example.org", timeout=7, opener=script).get("https://api.example.org/x", {"q": "a b"})
    request, timeout = script.requests[0]
    assert timeout == 7 and response.text() == "ok" and response.status == 200
    assert request.full_url == "https://api.example.org/x?q=a+b"
    assert request.get_header("User-agent") == user_agent("curators@example.org")
    assert "mailto:curators@example.org" in user_agent("curators@example.org")


def test_rate_limits_and_server_errors_are_retried_with_backoff() -> None:
    waits: list[float] = []
    script = Script(_busy(429, "3"), _busy(503), Answer(b"{}"))
    response = Client(opener=script, retries=3, backoff=1.0, sleep=waits.append).get("https://api.example.org/x")
    assert response.status == 200 and len(script.requests) == 3
    assert waits == [3.0, 2.0], "Retry-After first, then the doubled backoff"


def test_a_service_that_stays_busy_gives_up_with_one_line() -> None:
    script = Script(*[_busy(503) for _ in range(3)])
    with pytest.raises(NetworkError) as failure:
        Client(opener=script, retries=2, sleep=lambda s: None).get("https://api.example.org/x")
    assert str(failure.value) == "api.example.org answered HTTP 503 3 times; try again later; nothing changed"


def test_other_answers_are_returned_for_the_caller_to_judge() -> None:
    not_found = urllib.error.HTTPError("https://api.example.org/x", 404, "Not Found", Message(), io.BytesIO(b"missing"))
    response = Client(opener=Script(not_found)).get("https://api.example.org/x")
    assert (response.status, response.body) == (404, b"missing")


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (urllib.error.URLError(socket.gaierror(-3, "Temporary failure in name resolution")), "[Errno -3] Temporary failure"),
        (TimeoutError("timed out"), "no answer within 5 s"),
        (ConnectionRefusedError(111, "Connection refused"), "Connection refused"),
    ],
)
def test_offline_is_one_clear_line(error: BaseException, message: str) -> None:
    with pytest.raises(NetworkError) as failure:
        Client(timeout=5, opener=Script(error)).get("https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esearch.fcgi")
    text = str(failure.value)
    assert text.startswith(f"could not reach eutils.ncbi.nlm.nih.gov: {message}") and text.endswith("; nothing changed")
    assert "\n" not in text


def test_requests_are_paced() -> None:
    waits: list[float] = []
    client = Client(opener=Script(Answer(b"1"), Answer(b"2")), min_interval=0.5, sleep=waits.append)
    client.get("https://api.example.org/1")
    client.get("https://api.example.org/2")
    assert len(waits) == 1 and 0 < waits[0] <= 0.5
