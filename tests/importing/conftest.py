"""Shared fixtures for the import/fetch/new tests: a throw-away atlas project and no network."""

from __future__ import annotations

import argparse
import copy
import io
import shutil
import socket
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import pytest

from litatlas.contrib.commands import add_contrib_subcommands
from litatlas.contrib.importing import ImportFailed, parse_text

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a connection fails the test: recorded answers only."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a test tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A minimal atlas project (mkdocs.yml, records/ with the real configuration, the schema); cwd is its root."""
    root = tmp_path / "atlas"
    (root / "records").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: test atlas\n", encoding="utf-8")
    shutil.copy(REPO / "records" / "atlas.yml", root / "records" / "atlas.yml")
    (root / "schema").mkdir()
    shutil.copy(REPO / "schema" / "record.schema.json", root / "schema" / "record.schema.json")
    monkeypatch.chdir(root)
    monkeypatch.delenv("LITATLAS_EMAIL", raising=False)
    return root


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _record_files(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "records").glob("*.yml") if p.name != "atlas.yml")


@pytest.fixture
def snapshot() -> Callable[[Path], dict[str, bytes]]:
    """Every file under a folder with its bytes, to prove that nothing changed."""
    return _snapshot


@pytest.fixture
def record_files() -> Callable[[Path], list[str]]:
    """Names of the record files of a project (the configuration left out)."""
    return _record_files


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run `litatlas <argv>` through the contrib subcommands; returns (exit code, stdout, stderr)."""

    def run(*argv: str) -> tuple[int, str, str]:
        parser = argparse.ArgumentParser(prog="litatlas")
        add_contrib_subcommands(parser.add_subparsers(dest="command", required=True))
        args = parser.parse_args(list(argv))
        capsys.readouterr()
        code = args.func(args)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


class _RecordedResponse(io.BytesIO):
    """A stand-in for urlopen's response: status, read(), context manager."""

    def __init__(self, body: bytes, status: int = 200) -> None:
        super().__init__(body)
        self.status = status

    def getcode(self) -> int:
        return self.status


@pytest.fixture
def recorded() -> Callable[..., _RecordedResponse]:
    """A response built from a recorded answer under fixtures/ (or from given bytes)."""

    def make(name: str | None = None, status: int = 200, body: bytes | None = None) -> _RecordedResponse:
        return _RecordedResponse(body if body is not None else (FIXTURES / str(name)).read_bytes(), status)

    return make


# --------------------------------------------------------------------- expected bibliographic fields

BIBLIOGRAPHIC_FIELDS = (
    "title",
    "authors",
    "authors_incomplete",
    "journal",
    "year",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "pmcid",
    "type",
)

# The three papers of fixtures/karnoub-mishra-loebinger.nbib, every field as PubMed gives it.
_KARNOUB = {
    "title": "Mesenchymal stem cells within tumour stroma promote breast cancer metastasis",
    "authors": [
        "Karnoub AE",
        "Dash AB",
        "Vo AP",
        "Sullivan A",
        "Brooks MW",
        "Bell GW",
        "Richardson AL",
        "Polyak K",
        "Tubo R",
        "Weinberg RA",
    ],
    "authors_incomplete": False,
    "journal": "Nature",
    "year": 2007,
    "volume": "449",
    "issue": "7162",
    "pages": "557-563",
    "doi": "10.1038/nature06188",
    "pmid": "17914389",
    "pmcid": None,
    "type": "research-article",
}
_MISHRA = {
    "title": "Carcinoma Associated Fibroblast Like Differentiation of Human Mesenchymal Stem Cells",
    "authors": [
        "Mishra PJ",
        "Mishra PJ",
        "Humeniuk R",
        "Medina DJ",
        "Alexe G",
        "Mesirov JP",
        "Ganesan S",
        "Glod JW",
        "Banerjee D",
    ],
    "authors_incomplete": False,
    "journal": "Cancer Res",
    "year": 2008,
    "volume": "68",
    "issue": "11",
    "pages": "4331-4339",
    "doi": "10.1158/0008-5472.CAN-08-0943",
    "pmid": "18519693",
    "pmcid": "PMC2725025",
    "type": "research-article",
}
_LOEBINGER = {
    "title": "Stem cells as vectors for antitumour therapy",
    "authors": ["Loebinger MR", "Janes SM"],
    "authors_incomplete": False,
    "journal": "Thorax",
    "year": 2010,
    "volume": "65",
    "issue": "4",
    "pages": "362-369",
    "doi": "10.1136/thx.2009.128025",
    "pmid": "20388765",
    "pmcid": "PMC3401681",
    "type": "review",
}


@pytest.fixture
def karnoub_fields() -> dict[str, object]:
    """Karnoub 2007 (Nature), every bibliographic field as PubMed gives it (a fresh copy per test)."""
    return copy.deepcopy(_KARNOUB)


@pytest.fixture
def mishra_fields() -> dict[str, object]:
    """Mishra 2008 (Cancer Res), every bibliographic field as PubMed gives it (a fresh copy per test)."""
    return copy.deepcopy(_MISHRA)


@pytest.fixture
def loebinger_fields() -> dict[str, object]:
    """Loebinger 2010 (Thorax, a review), every bibliographic field as PubMed gives it (a fresh copy per test)."""
    return copy.deepcopy(_LOEBINGER)


def _bibliographic(ref: object) -> dict[str, object]:
    data = asdict(ref)  # type: ignore[call-overload]
    return {key: data[key] for key in BIBLIOGRAPHIC_FIELDS}


def _as_record(fields: dict[str, object], added: object) -> dict[str, object]:
    return {key: value for key, value in fields.items() if key != "authors_incomplete"} | {"added": added}


@pytest.fixture
def bibliographic() -> Callable[[object], dict[str, object]]:
    """The bibliographic fields of a parsed Reference, as a dict in BIBLIOGRAPHIC_FIELDS order."""
    return _bibliographic


def _expected(**values: object) -> dict[str, object]:
    base: dict[str, object] = {key: None for key in BIBLIOGRAPHIC_FIELDS}
    base.update(authors=[], authors_incomplete=False)
    base.update(values)
    return base


@pytest.fixture
def expected() -> Callable[..., dict[str, object]]:
    """Every bibliographic field: the given values, and empty (None, no authors, complete) for the rest."""
    return _expected


@pytest.fixture
def as_record() -> Callable[[dict[str, object], object], dict[str, object]]:
    """What a written record file loads back as: the fields without authors_incomplete (False), plus `added`."""
    return _as_record


def _parse_error(name: str, text: str, fmt: str | None = None) -> ImportFailed:
    with pytest.raises(ImportFailed) as failure:
        parse_text(name, text, fmt)
    return failure.value


@pytest.fixture
def parse_error() -> Callable[..., ImportFailed]:
    """The ImportFailed that parse_text(name, text[, format]) must raise (the test fails if it does not)."""
    return _parse_error
