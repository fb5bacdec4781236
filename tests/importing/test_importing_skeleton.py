"""Record skeletons: the schema line, YAML-safe values, prompts for the configured fields, and proposed ids."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from litatlas.contrib.importing import Reference, parse_file
from litatlas.contrib.importing.reference import clean_text, normalise_title
from litatlas.contrib.skeleton import propose_record_id, render_record, yaml_scalar
from litatlas.load.configfile import load_config

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 27)
CONFIG = load_config(REPO / "records" / "atlas.yml", "records/atlas.yml")[0]
ABBREVIATIONS = dict(CONFIG.abbreviations)

Fields = dict[str, object]
AsRecord = Callable[[Fields, object], Fields]


@pytest.fixture
def mishra() -> Reference:
    return parse_file(FIXTURES / "karnoub-mishra-loebinger.nbib")[1]


def test_skeleton_has_schema_line_and_bibliographic_fields(
    project: Path, mishra: Reference, mishra_fields: Fields, as_record: AsRecord
) -> None:
    text = render_record(mishra, records_dir=project / "records", today=TODAY)
    first = text.splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/record.schema.json"
    assert (project / "records" / first.split("=", 1)[1]).resolve().is_file()
    data = yaml.safe_load(text)
    assert data == as_record(mishra_fields, TODAY)
    # Strings that YAML would read as numbers are quoted, as in the model record.
    assert 'volume: "68"' in text and 'issue: "11"' in text and 'pmid: "18519693"' in text


def test_curated_fields_are_prompts_with_vocabulary_ids(project: Path, mishra: Reference) -> None:
    text = render_record(mishra, records_dir=project / "records", today=TODAY)
    comments = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    for field in CONFIG.fields:
        for term in field.terms:
            assert term.id in comments, (field.id, term.id)
    for topic in CONFIG.topics:
        for sub in topic.subtopics:
            assert sub.id in comments
    for field in (
        "effect",
        "topics",
        "cancer_types",
        "msc_source",
        "species",
        "models",
        "route",
        "timing",
        "payload",
        "molecules",
        "summary",
        "findings",
    ):
        assert f"\n# {field}:" in text, field
    assert "added: 2026-11-27\n" in text


def test_missing_type_and_identifiers_become_prompts(project: Path) -> None:
    hong = parse_file(FIXTURES / "hong2014-old-layout.txt")[0]
    text = render_record(replace(hong, doi=None), records_dir=project / "records", today=TODAY)
    assert "\n# type:" in text
    assert "research-article, review, clinical-trial" in text
    assert "\n# no_identifier_reason:" in text
    assert "# Keywords given by the source (hints only): Gene therapy; Immune surveillance;" in text
    assert "type" not in yaml.safe_load(text)


def test_authors_incomplete_is_written(project: Path) -> None:
    spaeth = parse_file(FIXTURES / "duhrsen-voneinem-spaeth.bib")[2]
    data = yaml.safe_load(render_record(spaeth, records_dir=project / "records", today=TODAY))
    assert data["authors_incomplete"] is True
    assert data["pages"] == "e4992"


@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        ("no", False),
        ("3.10", True),
        ("010", True),
        ("yes: really", False),
        ("# not a comment", False),
        ("- dash", False),
        ("{braces}", False),
        ("'quotes' and \"doubles\"", False),
        ("@at", False),
        ("Dührsen L", False),
        ("tab\there", False),
    ],
)
def test_yaml_scalars_read_back_as_the_same_string(value: str, quoted: bool) -> None:
    assert yaml.safe_load(f"key: {yaml_scalar(value, quoted=quoted)}") == {"key": clean_text(value)}


_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=3, max_size=80)


@settings(max_examples=100, deadline=None)
@given(title=_text, journal=_text, author=_text, volume=_text, keyword=_text)
def test_any_text_survives_the_yaml_round_trip(title: str, journal: str, author: str, volume: str, keyword: str) -> None:
    # Titles with odd characters (U+0085, quotes, colons, '#', backslashes) must load back unchanged.
    clean = normalise_title(title)
    if not clean or not clean_text(journal) or not clean_text(author) or not clean_text(volume):
        return
    ref = Reference(
        title=clean,
        authors=[clean_text(author) or ""],
        journal=clean_text(journal),
        year=2014,
        volume=clean_text(volume),
        doi="10.1016/j.mrfmmm.2014.01.006",
        keywords=[keyword],
    )
    text = render_record(ref, records_dir=REPO / "records", config=CONFIG, today=TODAY)
    data = yaml.safe_load(text)
    assert data["title"] == ref.title
    assert data["authors"] == ref.authors
    assert data["journal"] == ref.journal
    assert data["volume"] == ref.volume
    assert set(data) == {"title", "authors", "journal", "year", "volume", "doi", "added"}


@pytest.mark.parametrize(
    ("author", "year", "title", "expected"),
    [
        (
            "Karnoub AE",
            2007,
            "Mesenchymal stem cells within tumour stroma promote breast cancer metastasis",
            "karnoub-2007-msc-tumour-stroma-promote-breast",
        ),
        (
            "Dührsen L",
            2019,
            "Preclinical analysis of human mesenchymal stem cells: tumor tropism and "
            "therapeutic efficiency of local HSV-TK suicide gene therapy in glioblastoma",
            "duhrsen-2019-preclinical-human-msc-tumor-tropism",
        ),
        (
            "Hartfuß S",
            2019,
            "Stem cells as vectors for antitumour therapy",
            "hartfuss-2019-stem-cells-vectors-antitumour-therapy",
        ),
        (
            "von Einem JC",
            2017,
            "Treatment of advanced gastrointestinal cancer with genetically modified "
            "autologous mesenchymal stem cells - TREAT-ME-1",
            "von-einem-2017-treatment-advanced-gastrointestinal-cancer-genetically",
        ),
        (None, 2014, "Mesenchymal stem cells and cancer: friends or enemies?", "anonymous-2014-msc-cancer-friends-enemies"),
        ("Shah K", 2011, "MSC-derived TGF-β and IFN-γ", "shah-2011-msc-derived-tgf-beta-ifn"),
    ],
)
def test_propose_record_id(author: str | None, year: int, title: str, expected: str) -> None:
    record_id = propose_record_id(author, year, title, ABBREVIATIONS)
    assert record_id == expected
    assert record_id.isascii() and record_id == record_id.lower()


def test_skeletons_pass_the_repository_yamllint_config(project: Path) -> None:
    # pre-commit runs yamllint --strict on changed records: a fresh skeleton must pass it as written.
    if not (REPO / ".yamllint.yml").is_file():
        pytest.skip("the repository has no .yamllint.yml")
    linter = pytest.importorskip("yamllint.linter")
    config_module = pytest.importorskip("yamllint.config")
    config = config_module.YamlLintConfig(file=str(REPO / ".yamllint.yml"))
    refs = [*parse_file(FIXTURES / "karnoub-mishra-loebinger.nbib"), *parse_file(FIXTURES / "hong2014-old-layout.txt")]
    for ref in refs:
        text = render_record(ref, records_dir=project / "records", today=TODAY)
        problems = [f"{p.line}: {p.desc} ({p.rule})" for p in linter.run(text, config)]
        assert problems == [], ref.title
