"""The record cache: a warm load gives exactly what a cold load gives, and any change to its inputs is seen."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from litatlas.load import validate
from litatlas.load.atlas import load_atlas
from litatlas.load.project import load_settings
from litatlas.load.recordcache import CACHE_FILE, CACHE_FOLDER

TODAY = dt.date(2026, 11, 27)
BROKEN = """title: Broken record for the cache test
year: 2030
effect: promotes
topics: [growth, tumor-growth]
cancer_types: brest
summary: A record with several problems, to see that problems come back from the cache too.
"""


def _load(project: Path) -> tuple[list[tuple], list[str]]:
    atlas, problems = load_atlas(load_settings(project), today=TODAY)
    assert atlas is not None
    records = [(r.id, r.path, r.data, r.line, r.lines) for r in atlas.records]
    return records, [str(p) for p in problems]


def _cache(project: Path) -> dict:
    return json.loads((project / CACHE_FOLDER / CACHE_FILE).read_text(encoding="utf-8"))


@pytest.fixture
def project(project_copy: Path) -> Path:
    (project_copy / "records" / "broken-2030-record.yml").write_text(BROKEN, encoding="utf-8")
    return project_copy


def test_a_warm_load_equals_a_cold_load(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LITATLAS_CACHE", "off")
    cold = _load(project)
    assert not (project / CACHE_FOLDER).exists()
    monkeypatch.delenv("LITATLAS_CACHE")
    first = _load(project)  # fills the cache
    stored = _cache(project)
    assert len(stored["entries"]) == len(list((project / "records").glob("*.yml"))) - 1  # not the vocabulary
    warm = _load(project)
    assert first == cold
    assert warm == cold
    assert any("broken-2030-record.yml:2: year: 2030 is outside" in p or "year: 2030" in p for p in warm[1])
    assert (project / CACHE_FOLDER / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


def test_entries_really_are_used(project: Path) -> None:
    _load(project)
    path = project / CACHE_FOLDER / CACHE_FILE
    stored = _cache(project)
    key = next(k for k in stored["entries"] if k.startswith("records/karnoub-2007"))
    stored["entries"][key]["record"]["data"]["title"] = "Changed only in the cache"
    path.write_text(json.dumps(stored), encoding="utf-8")
    records, _ = _load(project)
    assert "Changed only in the cache" in {r[2]["title"] for r in records}


def test_an_edited_record_is_checked_again(project: Path) -> None:
    _load(project)
    record = project / "records" / "broken-2030-record.yml"
    record.write_text(BROKEN.replace("year: 2030", "year: 2031"), encoding="utf-8")
    _, problems = _load(project)
    assert any("2031 is outside" in p for p in problems)
    assert not any("2030 is outside" in p for p in problems)
    entries = [k for k in _cache(project)["entries"] if k.startswith("records/broken-2030-record.yml")]
    assert len(entries) == 1  # the entry of the old content is dropped


def test_a_deleted_record_leaves_the_cache(project: Path) -> None:
    _load(project)
    (project / "records" / "broken-2030-record.yml").unlink()
    records, problems = _load(project)
    assert not any("broken-2030" in p for p in problems)
    assert not any(k.startswith("records/broken-2030") for k in _cache(project)["entries"])


def test_a_vocabulary_change_empties_the_cache(project: Path) -> None:
    _load(project)
    before = _cache(project)["context"]
    vocabulary = project / "records" / "atlas.yml"
    text = vocabulary.read_text(encoding="utf-8")
    # 'brest' becomes a synonym of breast: the record that used it must be checked again, not served stale.
    old = "synonyms: [breast cancer, breast carcinoma, mammary]"
    assert old in text
    vocabulary.write_text(text.replace(old, "synonyms: [breast cancer, breast carcinoma, mammary, brest]", 1), encoding="utf-8")
    _, problems = _load(project)
    assert _cache(project)["context"] != before
    assert not any("unknown cancer type 'brest'" in p for p in problems)


def test_the_date_of_the_check_is_part_of_the_key(project: Path) -> None:
    atlas, problems = load_atlas(load_settings(project), today=TODAY)
    assert any("2030 is outside 1900-2026" in str(p) for p in problems)
    atlas, problems = load_atlas(load_settings(project), today=dt.date(2030, 1, 1))
    assert not any("2030 is outside" in str(p) for p in problems)


@pytest.mark.parametrize("content", ["not json", '{"format": 2, "context": "x", "entries": []}', "[]", '{"entries": {"a": 1}}'])
def test_a_damaged_cache_is_ignored(project: Path, content: str) -> None:
    cold = _load(project)
    (project / CACHE_FOLDER / CACHE_FILE).write_text(content, encoding="utf-8")
    assert _load(project) == cold
    assert _cache(project)["entries"]  # and rewritten


def test_damaged_entries_are_checked_again(project: Path) -> None:
    cold = _load(project)
    stored = _cache(project)
    for entry in stored["entries"].values():
        entry["problems"] = [["too", "few"]]
    (project / CACHE_FOLDER / CACHE_FILE).write_text(json.dumps(stored), encoding="utf-8")
    assert _load(project) == cold


def test_records_that_json_cannot_hold_are_checked_afresh(project: Path) -> None:
    odd = project / "records" / "odd-2012-nested-values.yml"
    odd.write_text(BROKEN.replace("year: 2030", "year: 2012\nfindings:\n  - when: 2026-01-15"), encoding="utf-8")
    cold = _load(project)
    assert _load(project) == cold
    keys = _cache(project)["entries"]
    assert not any(k.startswith("records/odd-2012") for k in keys)
    assert any(k.startswith("records/broken-2030") for k in keys)


# ----- `mkdocs serve`: the cache kept in memory trusts an unchanged stat, as git trusts its index


def _serve_load(project: Path, keep: dict) -> list[str]:
    atlas, _ = load_atlas(load_settings(project), today=TODAY, keep=keep)
    assert atlas is not None
    return [r.data.get("summary", "") for r in atlas.records]


def _age(path: Path, seconds: int = 60) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - seconds * 1_000_000_000))


def test_serve_reads_only_files_whose_stat_changed(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    records = sorted((project / "records").glob("*.yml"))
    for path in records:
        _age(path)
    keep: dict = {}
    _serve_load(project, keep)
    _serve_load(project, keep)  # the first rebuild learns every file's stat
    reads: list[str] = []
    real = validate.read_bytes
    monkeypatch.setattr(validate, "read_bytes", lambda path, display: (reads.append(display), real(path, display))[1])
    _serve_load(project, keep)
    assert reads == [], "no file changed: none is read"
    edited = project / "records" / "karnoub-2007-msc-ccl5-breast-metastasis.yml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("far more", "much more"), encoding="utf-8")
    summaries = _serve_load(project, keep)
    assert reads == ["records/karnoub-2007-msc-ccl5-breast-metastasis.yml"]
    assert any("much more" in s for s in summaries)


def test_serve_reads_a_recently_written_file_again_even_with_the_same_stat(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A change within the same tick of a coarse clock keeps size and mtime: a file that recent is not trusted."""
    edited = project / "records" / "karnoub-2007-msc-ccl5-breast-metastasis.yml"
    edited.write_text(edited.read_text(encoding="utf-8"), encoding="utf-8")  # written just now
    keep: dict = {}
    _serve_load(project, keep)
    _serve_load(project, keep)
    stat = edited.stat()
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("far more", "FAR MORE"), encoding="utf-8")  # the same size
    os.utime(edited, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same mtime
    assert any("FAR MORE" in s for s in _serve_load(project, keep))
