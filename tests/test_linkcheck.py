"""The weekly external-link check, with the network replaced by a fake (no request leaves the machine)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from litatlas.contrib import linkcheck
from litatlas.contrib.linkcheck import Link, check, format_results, markdown_summary
from litatlas.load.project import load_settings


def _run(project: Path, fmt: str, fetch) -> int:  # noqa: ANN001
    """`litatlas links --format FMT` with the network replaced by `fetch`."""
    return linkcheck.run(argparse.Namespace(format=fmt, workers=3, limit=0), load_settings(project), fetch=fetch)


def _fake(statuses: dict[str, int | Exception]):  # noqa: ANN202
    calls: list[str] = []

    def fetch(url: str) -> int:
        calls.append(url)
        for fragment, status in statuses.items():
            if fragment in url:
                if isinstance(status, Exception):
                    raise status
                return status
        return 200

    fetch.calls = calls  # type: ignore[attr-defined]
    return fetch


def test_links_come_from_doi_and_pmid_with_their_lines(project_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fetch = _fake({})
    seen: list[list[Link]] = []
    real = linkcheck.check_all
    monkeypatch.setattr(linkcheck, "check_all", lambda links, f, w: seen.append(links) or real(links, f, w, pause=0))
    assert _run(project_copy, "text", fetch) == 0
    karnoub = [link for link in seen[0] if "karnoub-2007" in link.path]
    assert {(link.field, link.line, link.url) for link in karnoub} == {
        ("doi", 19, "https://doi.org/10.1038/nature06188"),
        ("pmid", 20, "https://pubmed.ncbi.nlm.nih.gov/17914389/"),
    }
    assert "https://doi.org/api/handles/10.1038/nature06188" in fetch.calls


def test_broken_and_unreachable_links_are_reported(project_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fetch = _fake({"nature06188": 404, "17914389": OSError("timed out")})
    linkcheck.RETRIES, retries = 0, linkcheck.RETRIES
    try:
        assert _run(project_copy, "github", fetch) == 1
    finally:
        linkcheck.RETRIES = retries
    out = capsys.readouterr().out.splitlines()
    assert (
        "::error file=records/karnoub-2007-msc-ccl5-breast-metastasis.yml,line=19,title=doi::"
        "https://doi.org/10.1038/nature06188: DOI not registered at doi.org (HTTP 404)"
    ) in out
    assert any(line.startswith("::warning file=records/karnoub-2007") and "could not check" in line for line in out)
    assert out[-1].endswith("1 broken, 1 could not be checked")


def test_rate_limits_are_retried_then_not_called_broken() -> None:
    link = Link("records/x.yml", 3, "pmid", "https://pubmed.ncbi.nlm.nih.gov/1/", "https://pubmed.ncbi.nlm.nih.gov/1/")
    fetch = _fake({"pubmed": 429})
    result = check(link, fetch, pause=0)
    assert result.status == "unknown" and len(fetch.calls) == linkcheck.RETRIES + 1
    assert "records/x.yml:3: pmid: warning:" in format_results([result], "text")


def test_job_summary_lists_failures_as_a_table() -> None:
    link = Link("records/a|b.yml", 7, "doi", "https://doi.org/10.1/x", "https://doi.org/api/handles/10.1/x")
    summary = markdown_summary([check(link, _fake({"10.1/x": 404}), pause=0)])
    assert "| records/a\\|b.yml | 7 | https://doi.org/10.1/x | **broken**: DOI not registered" in summary
