"""Shared fixtures for the import/fetch/new tests: a throw-away atlas project and no network."""

from __future__ import annotations

import argparse
import io
import shutil
import socket
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"

try:  # the installed package, when pyproject exists and it was installed with pip -e
    import litatlas.importing  # noqa: F401
except ImportError:  # until then, the source tree
    sys.path.insert(0, str(REPO / "scripts"))

from litatlas.commands_contrib import add_contrib_subcommands  # noqa: E402


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a connection fails the test: recorded answers only."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a test tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A minimal atlas project (mkdocs.yml, records/ with the real vocabulary, the schema); cwd is its root."""
    root = tmp_path / "atlas"
    (root / "records").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: test atlas\n", encoding="utf-8")
    shutil.copy(REPO / "records" / "vocabulary.yml", root / "records" / "vocabulary.yml")
    schema_dir = root / "scripts" / "litatlas" / "schema"
    schema_dir.mkdir(parents=True)
    shutil.copy(REPO / "scripts" / "litatlas" / "schema" / "record.schema.json", schema_dir)
    monkeypatch.chdir(root)
    monkeypatch.delenv("LITATLAS_EMAIL", raising=False)
    return root


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _record_files(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "records").glob("*.yml") if p.name != "vocabulary.yml")


@pytest.fixture
def snapshot() -> Callable[[Path], dict[str, bytes]]:
    """Every file under a folder with its bytes, to prove that nothing changed."""
    return _snapshot


@pytest.fixture
def record_files() -> Callable[[Path], list[str]]:
    """Names of the record files of a project (vocabulary.yml left out)."""
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
