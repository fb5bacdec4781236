"""`litatlas screen` and `decide` against recorded PubMed answers; the PRISMA flow recomputed from the raw files.

The answers come from tests/fixtures/net (real responses of other projects' test data, see its README): esearch
answers are made from the real esearch JSON with `idlist` set to the PMIDs of the recorded MEDLINE file (and of
a record already in the atlas).
"""

from __future__ import annotations

import io
import json
import socket
import urllib.error
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from litatlas.cli import main
from litatlas.load.atlas import load_atlas
from litatlas.load.project import load_settings
from litatlas.site.build import render_pages
from litatlas.site.pages.methods import flow

NET = Path(__file__).parent / "fixtures" / "net"
KARNOUB_PMID = "17914389"  # already in the atlas
RECORDED = ("16403221", "16377612")  # the two records of efetch-medline.txt


class Answer(io.BytesIO):
    def __init__(self, body: bytes, status: int = 200) -> None:
        super().__init__(body)
        self.status = status

    def getcode(self) -> int:
        return self.status


def esearch(*pmids: str) -> bytes:
    answer = json.loads((NET / "esearch-json.json").read_text(encoding="utf-8"))
    answer["esearchresult"].update(idlist=list(pmids), count=str(len(pmids)), retmax=str(len(pmids)))
    return json.dumps(answer).encode()


class PubMed:
    """A recorded E-utilities: esearch answers per saved query term, efetch from the recorded MEDLINE file."""

    def __init__(self, by_query: dict[str, tuple[str, ...]], fail: BaseException | None = None) -> None:
        self.by_query = by_query
        self.fail = fail
        self.urls: list[str] = []
        self.agents: list[str] = []

    def __call__(self, request: Any, timeout: float) -> Answer:
        assert timeout > 0
        self.urls.append(request.full_url)
        self.agents.append(request.get_header("User-agent"))
        if self.fail is not None:
            raise self.fail
        url = urlsplit(request.full_url)
        query = parse_qs(url.query)
        if url.path.endswith("esearch.fcgi"):
            assert query["datetype"] == ["edat"] and query["retmode"] == ["json"]
            key = "delivery" if "delivery" in query["term"][0] else "tumour"
            return Answer(esearch(*self.by_query[key]))
        assert url.path.endswith("efetch.fcgi") and query["rettype"] == ["medline"]
        wanted = set(query["id"][0].split(","))
        assert wanted <= set(RECORDED), wanted
        return Answer((NET / "efetch-medline.txt").read_bytes())


@pytest.fixture
def pubmed(monkeypatch: pytest.MonkeyPatch) -> PubMed:
    recorded = PubMed({"tumour": (*RECORDED, KARNOUB_PMID), "delivery": (RECORDED[1],)})
    monkeypatch.setattr("urllib.request.urlopen", recorded)
    monkeypatch.setenv("LITATLAS_EMAIL", "curators@example.org")
    return recorded


def queue(project: Path) -> dict:
    return yaml.safe_load((project / "curation" / "screening.yml").read_text(encoding="utf-8"))


def test_screen_adds_new_papers_once_and_remembers_what_it_found(
    project_copy: Path, pubmed: PubMed, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["screen", "--today", "2026-12-04", "--summary", str(project_copy / "body.md")]) == 0
    out = capsys.readouterr().out
    assert "msc-tumour: 3 found from 2026-11-04 to 2026-12-04, 1 already known, 2 new" in out
    assert "msc-delivery: 1 found from 2026-11-04 to 2026-12-04, 1 already known, 0 new" in out
    data = queue(project_copy)
    assert [c["pmid"] for c in data["candidates"]] == list(RECORDED)
    first = data["candidates"][0]
    assert first["title"] == "A high level interface to SCOP and ASTRAL implemented in python"
    assert first["doi"] == "10.1186/1471-2105-7-10" and first["query"] == "msc-tumour" and first["found"] == "2026-12-04"
    assert "decision" not in first and "abstract" not in json.dumps(data).lower()
    assert data["runs"] == [
        {"date": "2026-12-04", "query": "msc-tumour", "from": "2026-11-04", "to": "2026-12-04", "identified": 3, "duplicates": 1},
        {
            "date": "2026-12-04",
            "query": "msc-delivery",
            "from": "2026-11-04",
            "to": "2026-12-04",
            "identified": 1,
            "duplicates": 1,
        },
    ]
    assert all("mailto:curators@example.org" in agent for agent in pubmed.agents)
    body = (project_copy / "body.md").read_text(encoding="utf-8")
    assert "- [ ] PMID [16403221](https://pubmed.ncbi.nlm.nih.gov/16403221/)" in body and "`wrong-topic`" in body
    # A week later the same papers are not proposed again, and the window starts where the last one ended.
    assert main(["screen", "--today", "2026-12-11"]) == 0
    assert "msc-tumour: 3 found from 2026-12-05 to 2026-12-11, 3 already known, 0 new" in capsys.readouterr().out
    assert len(queue(project_copy)["candidates"]) == 2


def test_decisions_write_records_and_keep_the_flow_adding_up(
    project_copy: Path, pubmed: PubMed, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["screen", "--today", "2026-12-04"]) == 0
    assert main(["decide", RECORDED[0], "--exclude", "wrong-topic", "--today", "2026-12-05"]) == 0
    assert main(["decide", RECORDED[1], "--include", "--today", "2026-12-05"]) == 0
    out = capsys.readouterr().out
    assert "created records/pritchard-2006-genomediagram-python-package-visualization-large.yml" in out
    data = queue(project_copy)
    assert {"decision": "exclude", "reason": "wrong-topic", "decided": "2026-12-05"}.items() <= data["candidates"][0].items()
    assert data["candidates"][1]["record"] == "pritchard-2006-genomediagram-python-package-visualization-large"
    # Decided papers are not decided again, and unknown reasons are refused.
    assert main(["decide", RECORDED[0], "--include"]) == 1
    assert main(["decide", RECORDED[1], "--exclude", "boring"]) == 2
    # The flow, recomputed here from the raw queue and the records folder.
    raw = queue(project_copy)
    identified = sum(run["identified"] for run in raw["runs"])
    duplicates = sum(run["duplicates"] for run in raw["runs"])
    decided = [c for c in raw["candidates"] if c.get("decision")]
    records = {p.stem for p in (project_copy / "records").glob("*.yml") if p.name != "atlas.yml"}
    included = [c for c in decided if c["decision"] == "include"]
    curated = {c["record"] for c in included} & {r.id for r in load_atlas(load_settings(project_copy))[0].records}
    atlas, _ = load_atlas(load_settings(project_copy))
    made = flow(atlas)
    assert sum(made.identified.values()) == identified == 4 and made.duplicates == duplicates == 2
    assert made.screened == len(decided) == 2 and made.waiting == len(raw["candidates"]) - len(decided) == 0
    assert made.excluded == {"wrong-topic": 1} and made.included == len(included) == 1
    assert made.curated == len(curated) == 0, "the new skeleton is not a complete record yet"
    assert made.atlas == len(atlas.records) == made.curated + made.other == len(records) - 1
    assert made.candidates == made.screened + made.waiting == identified - duplicates
    assert made.screened == sum(made.excluded.values()) + made.included
    page = render_pages(atlas)["methods.md"]
    assert '<figure class="la-chart" id="la-prisma">' in page
    for box, count in (("identified", 4), ("duplicates", 2), ("screened", 2), ("excluded", 1), ("included", 1)):
        assert f'data-box="{box}" data-count="{count}"' in page, box
    assert f'data-box="atlas" data-count="{len(records) - 1}"' in page and "record still being curated: 1" in page
    assert "Not about MSCs and cancer: 1" in page


def test_in_file_decisions_are_applied(project_copy: Path, pubmed: PubMed, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["screen", "--today", "2026-12-04"]) == 0
    path = project_copy / "curation" / "screening.yml"
    text = path.read_text(encoding="utf-8").replace(
        "    found: '2026-12-04'\n", "    found: '2026-12-04'\n    decision: include\n", 1
    )
    path.write_text(text, encoding="utf-8")
    assert main(["validate"]) == 0
    assert main(["decide", "--apply"]) == 0
    assert "1 record skeleton(s) written" in capsys.readouterr().out
    assert queue(project_copy)["candidates"][0]["record"].startswith("casbon-2006")


def test_a_bad_queue_entry_is_reported_with_its_line(
    project_copy: Path, pubmed: PubMed, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["screen", "--today", "2026-12-04"]) == 0
    path = project_copy / "curation" / "screening.yml"
    text = path.read_text(encoding="utf-8").replace(
        "    found: '2026-12-04'\n", "    found: '2026-12-04'\n    decision: exclude\n", 1
    )
    path.write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert main(["validate"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert any(
        line.startswith("curation/screening.yml:") and ": candidates[0].reason: an excluded paper needs a reason" in line
        for line in lines
    ), lines


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        (
            urllib.error.URLError(socket.gaierror(-3, "Temporary failure in name resolution")),
            "could not reach eutils.ncbi.nlm.nih.gov",
        ),
        (
            urllib.error.HTTPError("https://eutils.ncbi.nlm.nih.gov/x", 429, "Too Many Requests", Message(), io.BytesIO(b"")),
            "eutils.ncbi.nlm.nih.gov answered HTTP 429 4 times; try again later; nothing changed",
        ),
    ],
)
def test_offline_or_rate_limited_runs_change_nothing(
    project_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], failure: BaseException, message: str
) -> None:
    monkeypatch.setattr("urllib.request.urlopen", PubMed({}, fail=failure))
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    assert main(["screen", "--today", "2026-12-04"]) == 1
    err = capsys.readouterr().err
    assert message in err and err.rstrip().endswith("nothing changed") and err.count("\n") == 1
    assert not (project_copy / "curation" / "screening.yml").exists()


def test_malformed_or_empty_answers(
    project_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("urllib.request.urlopen", lambda request, timeout: Answer(b"<html>busy</html>"))
    assert main(["screen", "--today", "2026-12-04"]) == 1
    assert "unexpected answer from eutils.ncbi.nlm.nih.gov" in capsys.readouterr().err
    assert not (project_copy / "curation" / "screening.yml").exists()
    empty = (NET / "esearch-empty.json").read_bytes()
    monkeypatch.setattr("urllib.request.urlopen", lambda request, timeout: Answer(empty))
    assert main(["screen", "--today", "2026-12-04"]) == 0
    data = queue(project_copy)
    assert data["candidates"] == [] and [run["identified"] for run in data["runs"]] == [0, 0]
