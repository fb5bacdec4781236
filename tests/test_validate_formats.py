"""`litatlas validate` output formats (text, github, json), GITHUB_ACTIONS auto-selection and --strict."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from litatlas.cli import main
from litatlas.model.problems import Problem, format_problems
from test_examples import INVALID, VALID, make_project

ERROR_CASE = "vocabulary-near-miss"
ERROR_LINE = "records/vocabulary-near-miss.yml:9: topics[1]: unknown topic 'metastasys'; did you mean 'metastasis'?"
WARNING_RECORD = "warn-review-2012-effect.yml"
WARNING_MESSAGE = "a review does not measure the effect on the tumour itself: use not-applicable"
GITHUB_ERROR = (
    "::error file=records/vocabulary-near-miss.yml,line=9,title=topics[1]::unknown topic 'metastasys'; did you mean 'metastasis'?"
)
GITHUB_WARNING = f"::warning file=records/{WARNING_RECORD},line=11,title=effect::{WARNING_MESSAGE}"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    dest = make_project(tmp_path / "project")
    monkeypatch.chdir(dest)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return dest


def add_error(project: Path) -> None:
    shutil.copy2(INVALID / f"{ERROR_CASE}.yml", project / "records" / f"{ERROR_CASE}.yml")


def add_warning(project: Path) -> None:
    """A review that claims an effect: allowed, but worth a warning."""
    text = (VALID / "string-and-list-ids.yml").read_text(encoding="utf-8")
    assert "\ntype: research-article\n" in text and "\neffect: promotes\n" in text
    (project / "records" / WARNING_RECORD).write_text(
        text.replace("\ntype: research-article\n", "\ntype: review\n"), encoding="utf-8"
    )


def add_valid(project: Path) -> None:
    shutil.copy2(VALID / "quoted-numbers.yml", project / "records" / "quoted-numbers.yml")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(["validate", *args])
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "Traceback" not in captured.out
    return status, captured.out


def test_text_format_marks_warnings(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add_error(project)
    add_warning(project)
    status, out = run(capsys)
    lines = out.splitlines()
    assert lines[:2] == [ERROR_LINE, f"records/{WARNING_RECORD}:11: effect: warning: {WARNING_MESSAGE}"]
    assert re.match(r"^1 error in 1 \w+, 1 warning \(2 records checked\)$", lines[2]), lines[2]
    assert len(lines) == 3
    assert status == 1


def test_github_format(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add_error(project)
    add_warning(project)
    status, out = run(capsys, "--format", "github")
    lines = out.splitlines()
    assert lines[:2] == [GITHUB_ERROR, GITHUB_WARNING]
    for line in lines[:-1]:
        assert re.match(r"^::(error|warning) file=[^,]+,line=\d+,title=[^:]+::.+$", line), line
    assert status == 1


@pytest.mark.parametrize(("env", "expected_first"), [("true", GITHUB_ERROR), ("false", ERROR_LINE), (None, ERROR_LINE)])
def test_github_actions_selects_github_format(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, env: str | None, expected_first: str
) -> None:
    if env is not None:
        monkeypatch.setenv("GITHUB_ACTIONS", env)
    add_error(project)
    status, out = run(capsys)
    assert out.splitlines()[0] == expected_first
    assert status == 1


def test_explicit_format_wins_over_github_actions(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    add_error(project)
    _, out = run(capsys, "--format", "text")
    assert out.splitlines()[0] == ERROR_LINE


def test_json_format(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add_error(project)
    add_warning(project)
    add_valid(project)
    status, out = run(capsys, "--format", "json")
    data = json.loads(out)
    assert data["problems"] == [
        {
            "path": "records/vocabulary-near-miss.yml",
            "line": 9,
            "field": "topics[1]",
            "message": "unknown topic 'metastasys'; did you mean 'metastasis'?",
            "severity": "error",
        },
        {"path": f"records/{WARNING_RECORD}", "line": 11, "field": "effect", "message": WARNING_MESSAGE, "severity": "warning"},
    ]
    assert data["errors"] == 1
    assert data["warnings"] == 1
    assert data["checked"] == 3
    assert status == 1


def test_json_format_when_clean(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add_valid(project)
    status, out = run(capsys, "--format", "json")
    data = json.loads(out)
    assert data["problems"] == [] and data["errors"] == 0 and data["checked"] == 1
    assert status == 0


def test_json_format_of_unreadable_files(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Files refused before parsing (binary, bad UTF-8) are reported in JSON too, and the output stays valid JSON."""
    for case in ("binary-junk", "invalid-utf8", "rtl-override"):
        shutil.copy2(INVALID / f"{case}.yml", project / "records" / f"{case}.yml")
    status, out = run(capsys, "--format", "json")
    data = json.loads(out)
    assert [p["path"] for p in data["problems"]] == [
        "records/binary-junk.yml",
        "records/invalid-utf8.yml",
        "records/rtl-override.yml",
    ]
    assert all(p["severity"] == "error" for p in data["problems"])
    assert status == 1


def test_strict_fails_on_warnings(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add_warning(project)
    status, out = run(capsys)
    assert status == 0
    assert f"warning: {WARNING_MESSAGE}" in out
    status, out = run(capsys, "--strict")
    assert status == 1
    assert f"warning: {WARNING_MESSAGE}" in out


def test_strict_passes_a_clean_atlas(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add_valid(project)
    status, _ = run(capsys, "--strict")
    assert status == 0


def test_strict_with_json_and_github(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add_warning(project)
    assert run(capsys, "--strict", "--format", "json")[0] == 1
    status, out = run(capsys, "--strict", "--format", "github")
    assert status == 1
    assert out.splitlines()[0] == GITHUB_WARNING


def test_github_format_escapes_properties_and_data() -> None:
    problem = Problem("records/a,b:c.yml", 3, "x:y,z", "100% sure\r\nsecond line")
    first = format_problems([problem], "github", 1).splitlines()[0]
    assert first == "::error file=records/a%2Cb%3Ac.yml,line=3,title=x%3Ay%2Cz::100%25 sure%0D%0Asecond line"


def test_bad_format_is_a_usage_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["validate", "--format", "xml"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
