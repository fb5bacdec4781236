"""Look references up online: NCBI E-utilities efetch for PMIDs, the Crossref REST API for DOIs."""

from __future__ import annotations

import html
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from typing import Any

from litatlas.contrib import net
from litatlas.contrib.importing import ImportFailed, Reference, medline
from litatlas.contrib.importing.csljson import reference_from_csl
from litatlas.model.errors import LitatlasError
from litatlas.model.text import normalise_doi

__all__ = [
    "CROSSREF_WORKS",
    "EFETCH_URL",
    "FetchFailed",
    "Opener",
    "contact_email",
    "fetch_doi",
    "fetch_pmid",
    "fetch_pmids",
    "user_agent",
]

EFETCH_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/efetch.fcgi"
CROSSREF_WORKS = "https://api.crossref.org/works/"
DEFAULT_TIMEOUT = net.DEFAULT_TIMEOUT
EMAIL_ENV = net.EMAIL_ENV
RETRIES = 1  # a contributor waiting at the prompt: one retry of a busy service, then the advice
Opener = net.Opener


class FetchFailed(LitatlasError):
    """A look-up failed; the message is meant for the contributor as it is."""


def contact_email(email: str | None = None) -> str | None:
    """The contact e-mail: the --email option, else $LITATLAS_EMAIL, else None."""
    return net.contact_email(email)


def user_agent(email: str | None) -> str:
    return net.user_agent(email)


def _get(url: str, email: str | None, timeout: float, opener: Opener | None) -> tuple[int, bytes]:
    """(HTTP status, body); network trouble becomes FetchFailed with the 'could not reach' advice."""
    client = net.Client(email=email, timeout=timeout, retries=RETRIES, backoff=0.5, opener=opener)
    try:
        response = client.get(url)
    except net.NetworkError as error:
        if error.status:
            raise FetchFailed(
                f"{error.host} answered HTTP {error.status} {error.reason}; try again later, "
                "or download the reference and use `litatlas import`"
            ) from None
        advice = "download the reference and use `litatlas import`"
        raise FetchFailed(f"could not reach {error.host}: {error.reason}; {advice}") from None
    return response.status, response.body


def _check_status(host: str, status: int, what: str) -> None:
    if status == 404:
        raise FetchFailed(f"{host} has no record for {what}")
    if status != 200:
        raise FetchFailed(f"{host} answered HTTP {status} for {what}")


def fetch_pmids(
    pmids: Sequence[str | int],
    email: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    opener: Opener | None = None,
) -> list[Reference]:
    """References for PMIDs, fetched in one efetch request (MEDLINE text) and parsed by medline."""
    wanted = [str(p).strip() for p in pmids]
    bad = [p for p in wanted if not p.isdigit()]
    if bad:
        raise FetchFailed(f"not a PMID (digits only): {bad[0]!r}")
    email = contact_email(email)
    params = {"db": "pubmed", "id": ",".join(wanted), "rettype": "medline", "retmode": "text", "tool": "litatlas"}
    if email:
        params["email"] = email  # NCBI asks tools to name a contact
    url = f"{EFETCH_URL}?{urllib.parse.urlencode(params)}"
    host = "eutils.ncbi.nlm.nih.gov"
    status, body = _get(url, email, timeout, opener)
    _check_status(host, status, f"PMID {', '.join(wanted)}")
    text = body.decode("utf-8", errors="replace")
    if not re.search(r"^PMID- ", text, re.MULTILINE):
        first = next((line.strip() for line in text.splitlines() if line.strip()), "an empty answer")
        if not text.strip() or "not found" in text.lower() or "<error" in text.lower():
            raise FetchFailed(f"PubMed has no record for PMID {', '.join(wanted)}")
        raise FetchFailed(f"unexpected answer from {host}: {first[:80]}")
    try:
        references = medline.parse(f"PubMed efetch (PMID {','.join(wanted)})", text)
    except ImportFailed as error:
        raise FetchFailed(f"could not read the answer of {host}: {error}") from None
    found = {r.pmid for r in references}
    missing = [p for p in wanted if p not in found]
    if missing:
        raise FetchFailed(f"PubMed has no record for PMID {', '.join(missing)}")
    for reference in references:
        # Messages then name the PMID, not a line of an answer the contributor never saw.
        reference.source_path, reference.source_line = f"PMID {reference.pmid}", 0
    return references


def fetch_pmid(
    pmid: str | int,
    email: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    opener: Opener | None = None,
) -> Reference:
    """The reference of one PMID from NCBI E-utilities efetch (rettype=medline, retmode=text)."""
    return fetch_pmids([pmid], email, timeout, opener)[0]


def _plain(text: Any) -> Any:
    # Crossref titles may carry JATS/HTML markup (<i>in vivo</i>) and entities (&amp;).
    if isinstance(text, list):
        return [_plain(t) for t in text]
    if isinstance(text, str):
        return html.unescape(re.sub(r"<[^>]+>", "", text))
    return text


def fetch_doi(
    doi: str,
    email: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    opener: Opener | None = None,
) -> Reference:
    """The reference of a DOI from Crossref's REST API (/works/DOI), converted to a Reference."""
    clean = normalise_doi(doi)
    if not clean or not clean.startswith("10."):
        raise FetchFailed(f"not a DOI (expected 10.xxxx/...): {doi!r}")
    email = contact_email(email)
    url = CROSSREF_WORKS + urllib.parse.quote(clean, safe="/")
    host = "api.crossref.org"
    status, body = _get(url, email, timeout, opener)
    _check_status(host, status, f"DOI {clean}")
    try:
        answer = json.loads(body.decode("utf-8"))
        message = answer["message"]
        if not isinstance(message, dict):
            raise TypeError("message is not an object")
    except (ValueError, KeyError, TypeError) as error:
        raise FetchFailed(f"unexpected answer from {host} for DOI {clean}: {error}") from None
    item = {key: _plain(value) for key, value in message.items()}
    try:
        reference = reference_from_csl(item, f"Crossref (DOI {clean})", 1)
    except ImportFailed as error:
        raise FetchFailed(f"Crossref's record for DOI {clean} is incomplete: {error.message}") from None
    # Crossref spells the DOI as registered; keep the contributor's spelling if Crossref has none.
    reference.doi = reference.doi or clean
    reference.source_path, reference.source_line = f"DOI {clean}", 0
    return reference
