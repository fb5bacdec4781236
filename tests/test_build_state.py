"""The state behind the MkDocs plugin: generated files, where their edit buttons lead, and what the nav leaves out."""

from __future__ import annotations

from pathlib import Path

from litatlas.load.project import load_settings, read_config
from litatlas.publish.mkdocs_plugin import _nav_paths
from litatlas.publish.state import BuildState

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
