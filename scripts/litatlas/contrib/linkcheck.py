"""Check the external links of records: each DOI resolves at doi.org and each PMID has a PubMed page.

Run by the weekly workflow (`litatlas links --format github`), never on pull requests: it needs the
network and the resolvers are sometimes slow. A DOI is looked up in the doi.org handle API (publishers often
refuse automated requests, the resolver itself does not); a PMID by requesting its PubMed page. A definite
"not found" is a broken link; a timeout, rate limit or server error is reported as "could not check".
Exit code 1 when a link is broken, 0 otherwise (also when some could not be checked).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Iterable
from urllib.parse import quote

from litatlas import __version__
from litatlas.load.atlas import load_atlas
from litatlas.model.problems import Problem, format_problems
from litatlas.model.record import Record
from litatlas.model.settings import Settings
from litatlas.model.text import doi_url, pubmed_url

USER_AGENT = f"litatlas-linkcheck/{__version__} (+https://pypi.org/project/litatlas/)"
TIMEOUT = 20.0
RETRIES = 2


@dataclass(frozen=True)
class Link:
    path: str
    line: int
    field: str
    url: str  # the link the site shows
    probe: str  # what is requested to check it


@dataclass(frozen=True)
class Result:
    link: Link
    status: str  # ok | broken | unknown
    detail: str


Fetch = Callable[[str], int]


def record_links(records: Iterable[Record]) -> list[Link]:
    """The DOI and PubMed links of every record, with the line of the field they come from."""
    links = []
    for record in records:
        doi, pmid = record.get("doi"), record.get("pmid")
        if isinstance(doi, str) and doi:
            probe = "https://doi.org/api/handles/" + quote(doi, safe="/:;._-()")
            links.append(Link(record.path, record.lines.get(("doi",), record.line), "doi", doi_url(doi), probe))
        if pmid:
            url = pubmed_url(str(pmid))
            links.append(Link(record.path, record.lines.get(("pmid",), record.line), "pmid", url, url))
    return links


def http_status(url: str) -> int:
    """HTTP status of a GET request (redirects followed); raises OSError on network failure."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "application/json, text/html"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - https URLs built above
            response.read(1024)
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def check(link: Link, fetch: Fetch = http_status, pause: float = 1.0) -> Result:
    """One link: ok (2xx), broken (404/410, or a DOI handle that does not exist), or unknown."""
    detail = ""
    for attempt in range(RETRIES + 1):
        try:
            status = fetch(link.probe)
        except OSError as exc:  # URLError, timeouts and resets are OSErrors
            detail = f"no answer ({getattr(exc, 'reason', exc)})"
        else:
            if 200 <= status < 300:
                return Result(link, "ok", f"HTTP {status}")
            if status in (404, 410):
                what = "DOI not registered at doi.org" if link.field == "doi" else "no PubMed page"
                return Result(link, "broken", f"{what} (HTTP {status})")
            detail = f"HTTP {status}"
            if status not in (429, 500, 502, 503, 504):
                break
        if attempt < RETRIES:
            time.sleep(pause * (attempt + 1))
    return Result(link, "unknown", f"could not check: {detail}")


def check_all(links: list[Link], fetch: Fetch = http_status, workers: int = 3, pause: float = 1.0) -> list[Result]:
    # Few workers: NCBI asks for at most 3 requests a second without an API key.
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(lambda link: check(link, fetch, pause), links))


def problems(results: list[Result]) -> list[Problem]:
    """Links that are broken (errors) or could not be checked (warnings), as problems at the record's line."""
    return [
        Problem(
            r.link.path, r.link.line, r.link.field, f"{r.link.url}: {r.detail}", "error" if r.status == "broken" else "warning"
        )
        for r in results
        if r.status != "ok"
    ]


def format_results(results: list[Result], fmt: str) -> str:
    return format_problems(problems(results), fmt, len(results), summary=summary_line(results))


def summary_line(results: list[Result]) -> str:
    counts = {status: sum(1 for r in results if r.status == status) for status in ("ok", "broken", "unknown")}
    return f"{len(results)} links checked: {counts['ok']} ok, {counts['broken']} broken, {counts['unknown']} could not be checked"


def markdown_summary(results: list[Result]) -> str:
    """The job summary: a table of the links that are broken or could not be checked."""
    lines = ["## External links of records", "", summary_line(results) + ".", ""]
    failing = [r for r in results if r.status != "ok"]
    if failing:
        lines += ["| Record | Line | Link | Result |", "| --- | ---: | --- | --- |"]
        for r in sorted(failing, key=lambda r: (r.status != "broken", r.link.path)):
            cells = [r.link.path, str(r.link.line), r.link.url, ("**broken**: " if r.status == "broken" else "") + r.detail]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace, settings: Settings, fetch: Fetch = http_status) -> int:
    """`litatlas links`: check every record's DOI and PubMed link."""
    fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    atlas, _problems = load_atlas(settings)
    if atlas is None:
        print("litatlas: the atlas configuration could not be loaded; run `litatlas validate`", file=sys.stderr)
        return 2
    links = record_links(atlas.records)
    if args.limit > 0:
        links = links[: args.limit]
    results = check_all(links, fetch, args.workers)
    if fmt == "json":
        print(json.dumps([{**r.link.__dict__, "status": r.status, "detail": r.detail} for r in results], indent=2))
    else:
        print(format_results(results, fmt))
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_file:
        with open(summary_file, "a", encoding="utf-8") as handle:
            handle.write(markdown_summary(results))
    return 1 if any(r.status == "broken" for r in results) else 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "github", "json"), default=None, help="default: github on GitHub Actions")
    parser.add_argument("--workers", type=int, default=3, help="requests at once (default 3)")
    parser.add_argument("--limit", type=int, default=0, help="check only the first N links (0: all)")
