"""The state behind the MkDocs plugin: generated files, where their edit buttons lead, and what the nav leaves out."""

from __future__ import annotations

import logging
from pathlib import Path
from types import SimpleNamespace

import pytest

from litatlas.load.atlas import load_atlas
from litatlas.load.project import load_settings, read_config
from litatlas.publish.mkdocs_plugin import LitatlasPlugin, _nav_paths
from litatlas.publish.state import BuildState
from litatlas.site.build import render_pages
from litatlas.site.context import SiteContext

KARNOUB = "karnoub-2007-msc-ccl5-breast-metastasis"


def _generate(project: Path, command: str = "serve", dirty: bool = True) -> tuple[BuildState, dict]:
    state = BuildState(command, dirty)
    nav = _nav_paths(read_config(project / "mkdocs.yml")["nav"])
    made = state.generate(load_settings(project), (1,), nav, "en")
    assert not [p for p in made.problems if p.severity == "error"]
    return state, {f.path: f for f in made.files}


def test_edit_buttons_lead_to_the_record_file_as_saved(project_copy: Path) -> None:
    (project_copy / "records" / f"{KARNOUB}.yml").rename(project_copy / "records" / f"{KARNOUB}.yaml")
    state, files = _generate(project_copy)
    edit = files[f"papers/{KARNOUB}.md"].edit_url
    assert edit == f"https://github.com/litatlas/msc-cancer-atlas/edit/main/records/{KARNOUB}.yaml"
    assert files["topics/tumour-promotion.md"].edit_url.endswith("/edit/main/docs/topics/tumour-promotion.md")
    assert files["browse/all.md"].edit_url is None, "a generated list has no file to edit"


def test_only_pages_the_navigation_names_are_in_it(project_copy: Path) -> None:
    _state, files = _generate(project_copy)
    assert files["evidence/index.md"].in_nav and files["browse/all.md"].in_nav and files["index.md"].in_nav
    assert not files[f"papers/{KARNOUB}.md"].in_nav
    assert not files["browse/cancer-types/breast.md"].in_nav


def test_an_unchanged_page_is_skipped_by_the_next_incremental_build(project_copy: Path) -> None:
    state, _ = _generate(project_copy)
    record = project_copy / "records" / f"{KARNOUB}.yml"
    record.write_text(record.read_text(encoding="utf-8").replace("far more", "much more"), encoding="utf-8")
    _state, files = _generate_again(state, project_copy)
    assert not files[f"papers/{KARNOUB}.md"].unchanged, "the edited paper is rebuilt"
    assert files["papers/mishra-2008-msc-caf-like-differentiation.md"].unchanged
    assert files["browse/all.md"].unchanged, "titles did not change: the list is the same"


def _generate_again(state: BuildState, project: Path) -> tuple[BuildState, dict]:
    nav = _nav_paths(read_config(project / "mkdocs.yml")["nav"])
    made = state.generate(load_settings(project), (1,), nav, "en")
    return state, {f.path: f for f in made.files}


# ----- raw HTML links: checked by the build as MkDocs checks Markdown links


def test_raw_html_links_to_missing_pages_are_reported(project_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    state, files = _generate(project_copy, "build", dirty=False)
    assert state.broken_links(set(files)) == []
    assert len(state.links.targets) > 300, "browse, topic and evidence pages link papers and values in raw HTML"
    # A routing mistake: links to paper pages go to an address no page has.
    monkeypatch.setattr(SiteContext, "paper_path", lambda self, record: "papers/gone.md")
    state, files = _generate(project_copy, "build", dirty=False)
    broken = state.broken_links(set(files))
    assert broken and all(line.endswith(": links to papers/gone.md, which is not a page of the site") for line in broken)
    assert len(broken) == 1, "one line per missing page, naming a page that links to it"


def test_the_plugin_logs_broken_raw_links_as_warnings(
    project_copy: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    plugin = LitatlasPlugin()
    plugin.state, files = _generate(project_copy, "build", dirty=False)
    stub = [SimpleNamespace(src_uri=path) for path in files if path != f"papers/{KARNOUB}.md"]
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.litatlas"):
        plugin.on_env(SimpleNamespace(bytecode_cache=None), None, stub)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings and all(w.endswith(f"links to papers/{KARNOUB}.md, which is not a page of the site") for w in warnings)


def test_pages_reused_under_serve_keep_their_links_checked(project_copy: Path) -> None:
    state, files = _generate(project_copy)
    first = dict(state.links.targets)
    record = project_copy / "records" / f"{KARNOUB}.yml"
    record.write_text(record.read_text(encoding="utf-8").replace("far more", "much more"), encoding="utf-8")
    state, files = _generate_again(state, project_copy)
    assert state.memo is not None and state.memo.reused > 100
    assert set(state.links.targets) == set(first)
    assert state.broken_links(set(files)) == []


def test_serve_rebuilds_equal_fresh_builds_through_edits_additions_and_deletions(project_copy: Path) -> None:
    """What `mkdocs serve --dirty` keeps from one build to the next never shows: after every change each generated
    file is exactly what a fresh render of the same records gives."""
    records = project_copy / "records"
    karnoub = records / f"{KARNOUB}.yml"
    original = karnoub.read_text(encoding="utf-8")
    added = records / "zz-newrecord-2026-added-while-serving.yml"
    steps = [
        ("prose edit", lambda: karnoub.write_text(original.replace("far more", "much more"), encoding="utf-8")),
        ("facts edit", lambda: karnoub.write_text(original.replace("year: 2007", "year: 2008"), encoding="utf-8")),
        ("added", lambda: added.write_text(original.replace("title: ", "title: Added while serving: "), encoding="utf-8")),
        ("deleted", added.unlink),
        ("bundled deleted", (records / "mishra-2008-msc-caf-like-differentiation.yml").unlink),
    ]
    state, files = _generate(project_copy)
    for label, change in steps:
        change()
        state, files = _generate_again(state, project_copy)
        atlas, _ = load_atlas(load_settings(project_copy))
        fresh = render_pages(atlas)
        served = {path: f.content for path, f in files.items() if path in fresh}
        assert served.keys() == fresh.keys(), label
        differing = [path for path in fresh if served[path] != fresh[path]]
        assert differing == [], f"{label}: {differing[:5]}"
    assert state.memo is not None and state.memo.reused > 100, "the memo was used"


def test_serve_removes_the_output_of_a_page_no_longer_generated(tmp_path: Path) -> None:
    """`mkdocs serve --dirty` never empties the site folder: a deleted record's page must not stay served."""
    site = tmp_path / "site"
    kept, gone = site / "papers" / "kept" / "index.html", site / "papers" / "gone" / "index.html"
    outside = tmp_path / "elsewhere.html"
    for path in (kept, gone, outside):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("<p>page</p>", encoding="utf-8")
    state = BuildState("serve", dirty=True)
    state.outputs({"papers/kept.md": str(kept), "papers/gone.md": str(gone), "x.md": str(outside)})
    assert state.remove_stale(site) == 0, "the first build removes nothing"
    state.outputs({"papers/kept.md": str(kept)})
    assert state.remove_stale(site) == 1
    assert kept.is_file() and not gone.exists() and not gone.parent.exists()
    assert outside.is_file(), "nothing outside the site folder is ever removed"
    one_shot = BuildState("build")
    one_shot.outputs({"papers/kept.md": str(kept)})
    one_shot.outputs({})
    assert one_shot.remove_stale(site) == 0 and kept.is_file(), "`mkdocs build` empties the site folder itself"
