"""`mkdocs build` renders with deferral: the same files as render_pages, made only when read."""

from __future__ import annotations

from pathlib import Path

from litatlas.load.atlas import load_atlas
from litatlas.load.project import load_settings
from litatlas.site.build import render_pages, render_site
from litatlas.site.context import Deferred

ROOT = Path(__file__).resolve().parents[1]


def test_deferred_files_are_the_same_files() -> None:
    atlas, _ = load_atlas(load_settings(ROOT))
    assert atlas is not None
    eager = render_pages(atlas)
    deferred = render_site(atlas, defer=True)
    assert list(deferred) == list(eager)
    made = {path: value() if isinstance(value, Deferred) else value for path, value in deferred.items()}
    assert made == eager
    kinds = {path for path, value in deferred.items() if isinstance(value, Deferred)}
    # Paper pages wait until MkDocs reads them; the atlas-wide downloads are held compressed.
    assert {f"papers/{record.id}.md" for record in atlas.records} <= kinds
    assert {p for p in kinds if p.startswith("downloads/")} == {
        f"downloads/{name}" for name in ("atlas.json", "atlas.csv", "atlas.bib", "atlas.ris", "atlas-csl.json")
    }
    assert all(isinstance(value, str) for value in eager.values())


def test_a_deferred_file_is_made_again_each_time_it_is_read() -> None:
    calls = []
    deferred = Deferred(lambda: calls.append(1) or "text")
    assert deferred() == deferred() == "text"
    assert len(calls) == 2  # nothing is kept between reads
    packed = Deferred.packed("é" * 10_000)
    assert packed() == "é" * 10_000
