"""Shared fixtures: the repository root and a throw-away copy of the project."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the project (config, docs, records, schema) to edit freely; cwd is inside it."""
    dest = tmp_path / "project"
    dest.mkdir()
    for name in ("mkdocs.yml", "docs", "records", "schema", "CONTRIBUTING.md", "CITATION.cff"):
        src = ROOT / name
        if not src.exists():
            continue
        if src.is_dir():
            shutil.copytree(src, dest / name)
        else:
            shutil.copy2(src, dest / name)
    monkeypatch.chdir(dest)
    return dest
