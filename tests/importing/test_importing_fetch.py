"""`litatlas fetch` and litatlas.fetching on recorded NCBI and Crossref answers (never the network)."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from litatlas.contrib import fetching

Cli = Callable[..., tuple[int, str, str]]
Snapshot = Callable[[Path], dict[str, bytes]]
Files = Callable[[Path], list[str]]

Fields = dict[str, object]

# What both sources give for Mishra 2008 alike (journal, PMID, PMCID and type are checked one by one).
FETCHED = ("title", "authors", "year", "volume", "issue", "pages", "doi")


def fetched(fields: Fields) -> Fields:
    return {key: fields[key] for key in FETCHED}


class Opener:
    """Serves one recorded answer (or raises one error) and keeps the requests it saw."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.requests: list[tuple[urllib.request.Request, float]] = []

    def __call__(self, request: urllib.request.Request, timeout: float) -> Any:
        self.requests.append((request, timeout))
        if isinstance(self.answer, BaseException):
            raise self.answer
        # A factory gives a fresh response per request: urlopen's responses are read once.
        return self.answer() if callable(self.answer) else self.answer


def test_fetch_pmid_uses_efetch_medline(recorded: Callable[..., Any], mishra_fields: Fields) -> None:
    opener = Opener(recorded("efetch-pmid-18519693.txt"))
    ref = fetching.fetch_pmid("18519693", "curator@example.org", 7.5, opener=opener)
    assert fetched(vars(ref)) == fetched(mishra_fields)
    assert (ref.journal, ref.pmid, ref.pmcid, ref.type) == ("Cancer Res", "18519693", "PMC2725025", "research-article")
    request, timeout = opener.requests[0]
    url = urlsplit(request.full_url)
    assert (url.scheme, url.hostname, url.path) == ("https", "eutils.ncbi.nlm.nih.gov", "/entrez/eutils/efetch.fcgi")
    query = parse_qs(url.query)
    assert query["db"] == ["pubmed"] and query["id"] == ["18519693"]
    assert query["rettype"] == ["medline"] and query["retmode"] == ["text"]
    assert query["email"] == ["curator@example.org"] and query["tool"] == ["litatlas"]
    assert request.get_header("User-agent").startswith("litatlas/")
    assert request.get_header("User-agent").endswith("; mailto:curator@example.org)")
    assert timeout == 7.5


def test_fetch_doi_uses_crossref(recorded: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, mishra_fields: Fields) -> None:
    monkeypatch.setenv("LITATLAS_EMAIL", "env@example.org")
    opener = Opener(recorded("crossref-works-10.1158_0008-5472.CAN-08-0943.json"))
    ref = fetching.fetch_doi("https://doi.org/10.1158/0008-5472.CAN-08-0943", None, 5, opener=opener)
    assert fetched(vars(ref)) == fetched(mishra_fields)
    assert (ref.journal, ref.pmid, ref.type) == ("Cancer Research", None, "research-article")
    request, _ = opener.requests[0]
    assert request.full_url == "https://api.crossref.org/works/10.1158/0008-5472.CAN-08-0943"
    assert request.get_header("User-agent").endswith("; mailto:env@example.org)")


@pytest.mark.parametrize(
    ("error", "host_words"),
    [
        (
            urllib.error.URLError(socket.gaierror(-3, "Temporary failure in name resolution")),
            "could not reach api.crossref.org: [Errno -3] Temporary failure in name resolution",
        ),
        (TimeoutError("timed out"), "could not reach api.crossref.org: no answer within 5 s"),
        (urllib.error.URLError(TimeoutError("timed out")), "could not reach api.crossref.org: no answer within 5 s"),
        (ConnectionResetError(104, "Connection reset by peer"), "could not reach api.crossref.org: Connection reset"),
    ],
)
def test_offline_errors_say_what_to_do(error: BaseException, host_words: str) -> None:
    with pytest.raises(fetching.FetchFailed) as failure:
        fetching.fetch_doi("10.1158/0008-5472.CAN-08-0943", None, 5, opener=Opener(error))
    assert str(failure.value).startswith(host_words)
    assert str(failure.value).endswith("; download the reference and use `litatlas import`")


def test_http_answers(recorded: Callable[..., Any]) -> None:
    not_found = urllib.error.HTTPError(
        "https://api.crossref.org/works/10.1158/0008-5472.CAN-08-0943",
        404,
        "Not Found",
        None,  # type: ignore[arg-type]
        recorded("crossref-404.txt"),
    )
    with pytest.raises(fetching.FetchFailed, match="api.crossref.org has no record for DOI 10.1158/"):
        fetching.fetch_doi("10.1158/0008-5472.CAN-08-0943", None, 5, opener=Opener(not_found))
    busy = Opener(lambda: recorded(body=b"", status=503))
    with pytest.raises(fetching.FetchFailed, match="answered HTTP 503 .* try again later"):
        fetching.fetch_pmid("18519693", None, 5, opener=busy)
    assert len(busy.requests) == 1 + fetching.RETRIES, "a busy service is asked again before giving up"
    with pytest.raises(fetching.FetchFailed, match="PubMed has no record for PMID 18519693"):
        fetching.fetch_pmid("18519693", None, 5, opener=Opener(recorded(body=b"\n")))
    with pytest.raises(fetching.FetchFailed, match="not a PMID"):
        fetching.fetch_pmid("PMC2725025", None, 5, opener=Opener(busy))
    with pytest.raises(fetching.FetchFailed, match="not a DOI"):
        fetching.fetch_doi("nature06188", None, 5, opener=Opener(busy))


def test_crossref_markup_is_removed() -> None:
    assert fetching._plain(["<i>In vivo</i> tracking &amp; imaging"]) == ["In vivo tracking & imaging"]


# ----------------------------------------------------------------------------------- the command


def test_fetch_command_pmid(
    project: Path, cli: Cli, recorded: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, record_files: Files
) -> None:
    opener = Opener(lambda: recorded("efetch-pmid-18519693.txt"))
    monkeypatch.setattr(urllib.request, "urlopen", opener)
    code, out, err = cli("fetch", "--pmid", "18519693", "--email", "curator@example.org")
    assert code == 0, err
    name = "mishra-2008-carcinoma-associated-fibroblast-like-differentiation.yml"
    assert record_files(project) == [name]
    assert f"created {Path('records') / name}" in out
    data = yaml.safe_load((project / "records" / name).read_text(encoding="utf-8"))
    assert data["pmid"] == "18519693" and data["pmcid"] == "PMC2725025"
    # Fetching it again is refused as a duplicate.
    code, _, err = cli("fetch", "--pmid", "18519693", "--email", "curator@example.org")
    assert code == 1
    assert err.startswith("PMID 18519693: Mishra PJ 2008 'Carcinoma Associated Fibroblast Like")
    assert f"is already in {Path('records') / name} (same DOI 10.1158/0008-5472.CAN-08-0943)" in err


def test_fetch_command_doi_dry_run(
    project: Path, cli: Cli, recorded: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, snapshot: Snapshot
) -> None:
    monkeypatch.setattr(urllib.request, "urlopen", Opener(recorded("crossref-works-10.1158_0008-5472.CAN-08-0943.json")))
    before = snapshot(project)
    code, out, err = cli("fetch", "--doi", "10.1158/0008-5472.CAN-08-0943", "--dry-run")
    assert code == 0, err
    assert "journal: Cancer Research" in out and "dry run: 1 record(s) not written" in out
    assert "no contact e-mail" in err
    assert snapshot(project) == before


def test_fetch_command_offline(project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch, snapshot: Snapshot) -> None:
    monkeypatch.setattr(
        urllib.request, "urlopen", Opener(urllib.error.URLError(socket.gaierror(-3, "Temporary failure in name resolution")))
    )
    before = snapshot(project)
    code, out, err = cli("fetch", "--pmid", "18519693", "--email", "curator@example.org")
    assert code == 1 and out == ""
    assert (
        "could not reach eutils.ncbi.nlm.nih.gov: [Errno -3] Temporary failure in name resolution; "
        "download the reference and use `litatlas import`" in err
    )
    assert snapshot(project) == before


def test_fetch_command_needs_an_identifier(project: Path, cli: Cli) -> None:
    code, _, err = cli("fetch")
    assert code == 2 and "--pmid" in err
