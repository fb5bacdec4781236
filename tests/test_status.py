"""`litatlas status` against recorded Crossref and ClinicalTrials.gov answers, and what the site makes of a retraction.

Answers come from tests/fixtures/net (see its README); the retracted work is made from the real corrected one by
setting its `updated-by` entry's type to "retraction", the only change.
"""

from __future__ import annotations

import io
import json
import re
import socket
import urllib.error
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from litatlas.cli import main
from litatlas.load.atlas import load_atlas
from litatlas.load.project import load_settings
from litatlas.site.build import render_pages

NET = Path(__file__).parent / "fixtures" / "net"
KARNOUB = "karnoub-2007-msc-ccl5-breast-metastasis"
KARNOUB_DOI = "10.1038/nature06188"
MISHRA_DOI = "10.1158/0008-5472.CAN-08-0943"
TRIAL = "NCT01983709"  # schweizer-2019's registration


class Answer(io.BytesIO):
    def __init__(self, body: bytes, status: int = 200) -> None:
        super().__init__(body)
        self.status = status

    def getcode(self) -> int:
        return self.status


def _retracted() -> bytes:
    work = json.loads((NET / "crossref-corrected.json").read_text(encoding="utf-8"))
    work["message"]["updated-by"][0].update(type="retraction", label="Retraction", source="retraction-watch")
    return json.dumps(work).encode()


class Services:
    """Crossref and ClinicalTrials.gov as recorded: one retracted DOI, one corrected, one unknown, the rest plain."""

    def __init__(self, unknown_doi: str = "", broken: bool = False) -> None:
        self.unknown_doi = unknown_doi
        self.broken = broken
        self.hosts: set[str] = set()

    def __call__(self, request: Any, timeout: float) -> Answer:
        url = urlsplit(request.full_url)
        self.hosts.add(url.hostname or "")
        assert "mailto:status@example.org" in request.get_header("User-agent") and timeout > 0
        if url.hostname == "clinicaltrials.gov":
            assert url.path == f"/api/v2/studies/{TRIAL}"
            return Answer((NET / "ctgov-study.json").read_bytes())
        doi = unquote(url.path.removeprefix("/works/"))
        if self.broken:
            return Answer(b"<html>maintenance</html>")
        if doi == KARNOUB_DOI:
            return Answer(_retracted())
        if doi == MISHRA_DOI:
            return Answer((NET / "crossref-corrected.json").read_bytes())
        if doi == self.unknown_doi:
            raise urllib.error.HTTPError(request.full_url, 404, "Not Found", None, io.BytesIO(b"Resource not found."))  # type: ignore[arg-type]
        return Answer((NET / "crossref-work.json").read_bytes())


@pytest.fixture
def checked(project_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    monkeypatch.setattr("urllib.request.urlopen", Services(unknown_doi="10.1186/1756-9966-30-49"))
    monkeypatch.setattr("time.sleep", lambda seconds: None)  # the pacing between requests
    monkeypatch.setenv("LITATLAS_EMAIL", "status@example.org")
    assert main(["status", "--today", "2026-12-04"]) == 0
    out = capsys.readouterr().out
    assert f"retracted: {KARNOUB}" in out and "notice: mishra-2008-msc-caf-like-differentiation (correction)" in out
    assert "not found: abdel-aziz-2011-bm-msc-wnt-liver-rat (DOI 10.1186/1756-9966-30-49)" in out
    return project_copy


def test_status_file_records_updates_and_trials(checked: Path) -> None:
    data = yaml.safe_load((checked / "curation" / "status.yml").read_text(encoding="utf-8"))
    assert data["checked"] == "2026-12-04"
    assert data["papers"][KARNOUB]["updates"] == [
        {
            "type": "retraction",
            "doi": "10.1371/annotation/c76da2c1-ccb8-4797-94c1-359d3ceceeda",
            "date": "2012-05-08",
            "source": "retraction-watch",
        }
    ]
    assert data["papers"]["mishra-2008-msc-caf-like-differentiation"]["updates"][0]["type"] == "correction"
    assert data["trials"][TRIAL] == {"status": "COMPLETED", "phases": ["PHASE2"], "last_update": "2020-05-07"}
    assert len(data["papers"]) == 2, "papers without notices are not listed"


def test_a_retracted_paper_is_marked_and_leaves_the_evidence(checked: Path) -> None:
    before, _ = load_atlas(load_settings(checked))
    assert before is not None and before.status.is_retracted(KARNOUB)
    pages = render_pages(before)
    paper = pages[f"papers/{KARNOUB}.md"]
    assert '!!! danger "Retracted"' in paper and "left out of every count and comparison" in paper
    assert "https://doi.org/10.1371/annotation/c76da2c1-ccb8-4797-94c1-359d3ceceeda" in paper
    assert '!!! note "Correction"' in pages["papers/mishra-2008-msc-caf-like-differentiation.md"]
    listed = pages["evidence/retracted.md"]
    assert f"(../papers/{KARNOUB}.md)" in listed
    evidence = pages["evidence/index.md"]
    assert "1 retracted paper is left out of every count" in evidence
    breast_promotes = re.search(r'aria-label="(\d+) papers?: Breast cancer, Promotes"', evidence)
    expected = sum(
        1 for r in before.records if r.id != KARNOUB and "breast" in r.values("cancer_types") and r.get("effect") == "promotes"
    )
    assert breast_promotes and int(breast_promotes.group(1)) == expected
    assert f"papers/{KARNOUB}" not in pages["evidence/conflicts.md"]
    # The paper keeps its place in the lists: it is data about what was published.
    assert f'href="../../papers/{KARNOUB}/"' in pages["browse/all.md"]


def test_trial_pages_show_the_registry(checked: Path) -> None:
    atlas, _ = load_atlas(load_settings(checked))
    page = render_pages(atlas)["papers/schweizer-2019-allogeneic-msc-homing-prostate-trial.md"]
    assert f'<a href="https://clinicaltrials.gov/study/{TRIAL}">{TRIAL}</a> (Completed · Phase 2 · updated 2020-05-07)' in page


def test_validate_warns_when_notes_rest_on_a_retracted_paper(checked: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record = checked / "records" / "alshareeda-2018-placental-msc-triple-negative-breast.yml"
    record.write_text(record.read_text(encoding="utf-8") + f"notes: Agrees with {KARNOUB_DOI} on CCL5.\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert (
        f"records/alshareeda-2018-placental-msc-triple-negative-breast.yml:{len(record.read_text().splitlines())}: notes: warning: "
        f"the notes cite {KARNOUB}, which was retracted (status checked 2026-12-04)"
    ) in out
    assert main(["validate", "--strict"]) == 1


def test_offline_or_unreadable_answers_write_nothing(
    project_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LITATLAS_EMAIL", "status@example.org")
    down = urllib.error.URLError(socket.gaierror(-2, "Name or service not known"))
    monkeypatch.setattr("urllib.request.urlopen", lambda request, timeout: (_ for _ in ()).throw(down))
    assert main(["status"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("litatlas: could not reach api.crossref.org: [Errno -2] Name or service not known; nothing changed")
    monkeypatch.setattr("urllib.request.urlopen", Services(broken=True))
    assert main(["status"]) == 1
    assert "unexpected answer from api.crossref.org" in capsys.readouterr().err
    assert not (project_copy / "curation" / "status.yml").exists()
