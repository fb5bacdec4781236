"""The atlas configuration: every kind of mistake reported as path:line: where: what is wrong, and its schema.

tests/config-examples/invalid/<case>.yml, used as a project's records/atlas.yml, makes `litatlas validate` print
exactly the lines of <case>.expected and exit 1; the configurations under valid/ load without a problem.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from litatlas.cli import main
from litatlas.load.configfile import load_config
from litatlas.load.schema import SCHEMA_FILE, schema_text

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = Path(__file__).parent / "config-examples"
LINE_FORMAT = re.compile(r"^records/atlas\.yml:\d+: [^:]+: .+")


def _cases(kind: str, suffix: str) -> list[str]:
    return sorted(p.stem for p in (EXAMPLES / kind).glob(f"*{suffix}"))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "records").mkdir()
    shutil.copy2(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return tmp_path


def test_every_invalid_case_has_its_expected_lines() -> None:
    assert _cases("invalid", ".yml") == _cases("invalid", ".expected")
    assert len(_cases("invalid", ".yml")) >= 15


@pytest.mark.parametrize("case", _cases("invalid", ".yml"))
def test_invalid_configuration(project: Path, capsys: pytest.CaptureFixture[str], case: str) -> None:
    shutil.copy2(EXAMPLES / "invalid" / f"{case}.yml", project / "records" / "atlas.yml")
    status = main(["validate"])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    lines = out.out.splitlines()
    expected = (EXAMPLES / "invalid" / f"{case}.expected").read_text(encoding="utf-8").splitlines()
    assert lines[:-1] == expected
    assert all(LINE_FORMAT.match(line) for line in lines[:-1]), lines
    assert status == 1


@pytest.mark.parametrize("case", _cases("valid", ".yml"))
def test_valid_configuration(case: str) -> None:
    config, problems = load_config(EXAMPLES / "valid" / f"{case}.yml", "records/atlas.yml")
    assert problems == [] and config is not None


def test_a_broken_configuration_stops_the_build_with_its_problems(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy2(EXAMPLES / "invalid" / "verdict-problems.yml", project / "records" / "atlas.yml")
    out = project.parent / "out"
    assert main(["build", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "records/atlas.yml:10: fields[0].terms[1].polarity: polarity must be one of" in err
    assert not out.exists()


def test_a_missing_configuration_says_where_it_was_looked_for(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 1
    assert capsys.readouterr().out.startswith("records/atlas.yml:1: file: no atlas configuration here")


# ----- the JSON Schema editors use, generated from the configuration


def test_the_committed_schema_is_current() -> None:
    config, problems = load_config(ROOT / "records" / "atlas.yml", "records/atlas.yml")
    assert config is not None, problems
    committed = (ROOT / SCHEMA_FILE).read_text(encoding="utf-8")
    assert committed == schema_text(config), "schema/record.schema.json is stale: run `litatlas schema`"


def test_schema_command_writes_checks_and_warns_when_stale(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy2(ROOT / "records" / "atlas.yml", project / "records" / "atlas.yml")
    assert main(["schema", "--check"]) == 1
    assert main(["schema"]) == 0
    assert main(["schema", "--check"]) == 0
    capsys.readouterr()
    schema = project / SCHEMA_FILE
    assert '"enum": [' in schema.read_text(encoding="utf-8"), "editors complete term ids"
    text = (project / "records" / "atlas.yml").read_text(encoding="utf-8")
    edited = text.replace("description: Species of the cells and animals.", "description: Species studied.", 1)
    assert edited != text
    (project / "records" / "atlas.yml").write_text(edited, encoding="utf-8")
    assert main(["validate"]) == 0, "a stale schema is a warning, not an error"
    out = capsys.readouterr().out
    assert f"{SCHEMA_FILE}:1: schema: warning: the editors' schema is older than records/atlas.yml" in out
    assert main(["validate", "--strict"]) == 1
