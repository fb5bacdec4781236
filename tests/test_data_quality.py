"""Keeps the bundled atlas honest as it grows: identifiers, duplicates, vocabulary use and coverage."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from litatlas.atlas import Atlas, load_atlas
from litatlas.problems import errors
from litatlas.project import load_settings
from litatlas.validate import record_schema, title_key
from litatlas.vocabulary import FIELD_LISTS

ROOT = Path(__file__).resolve().parents[1]

# Minimum number of records per headline topic or sub-topic set (issue: "Curate the bundled atlas").
MINIMUMS = {
    "tumour-promotion": 15,
    "tumour-inhibition": 10,
    "delivery-vectors": 15,
    "tropism-homing": 6,
}
MIN_TRIALS_AND_PROTOCOLS = 4
MIN_REVIEWS = 5
MIN_RECORDS = 60
MIN_CANCER_TYPES = 10


@pytest.fixture(scope="module")
def atlas() -> Atlas:
    loaded, problems = load_atlas(load_settings(ROOT))
    assert loaded is not None
    assert errors(problems) == [], "\n".join(map(str, problems))
    return loaded


def test_every_record_file_loaded(atlas: Atlas) -> None:
    files = sorted(p.stem for p in (ROOT / "records").glob("*.yml") if p.stem != "vocabulary")
    assert sorted(r.id for r in atlas.records) == files


def test_every_record_has_an_identifier_or_says_why(atlas: Atlas) -> None:
    lacking = [r.id for r in atlas.records if not (r.get("doi") or r.get("pmid") or r.get("no_identifier_reason"))]
    assert lacking == []


def test_no_duplicate_papers(atlas: Atlas) -> None:
    for key in ("doi", "pmid"):
        values = Counter(str(r.get(key)).lower() for r in atlas.records if r.get(key))
        assert [v for v, n in values.items() if n > 1] == [], key
    titles = Counter(title_key(r.title) for r in atlas.records)
    assert [t for t, n in titles.items() if n > 1] == []


def test_every_vocabulary_term_is_used_or_reserved(atlas: Atlas) -> None:
    used: dict[str, set[str]] = {}
    for record in atlas.records:
        for field_name, list_name in FIELD_LISTS.items():
            value = record.get(field_name)
            if value is not None:
                used.setdefault(list_name, set()).update([value] if isinstance(value, str) else value)
    unused = [
        f"{list_name}:{term.id}"
        for list_name, terms in atlas.vocabulary.lists.items()
        for term in terms.values()
        if term.id not in used.get(list_name, set()) and not term.reserved
    ]
    assert unused == [], "use these terms in a record or mark them `reserved: true`"


def test_headline_topic_minimums(atlas: Atlas) -> None:
    counts = Counter()
    for record in atlas.records:
        counts.update({atlas.vocabulary.headline_of[s].id for s in record.list("topics")})
    for topic_id, minimum in MINIMUMS.items():
        assert counts[topic_id] >= minimum, topic_id
    trials = [r for r in atlas.records if {"clinical-trial", "trial-protocol"} & set(r.list("topics"))]
    reviews = [r for r in atlas.records if r.get("type") == "review"]
    assert len(trials) >= MIN_TRIALS_AND_PROTOCOLS
    assert len(reviews) >= MIN_REVIEWS
    assert len(atlas.records) >= MIN_RECORDS


def test_cancer_type_coverage(atlas: Atlas) -> None:
    assert len({c for r in atlas.records for c in r.list("cancer_types")}) >= MIN_CANCER_TYPES


def test_the_starting_review_is_in_the_atlas(atlas: Atlas) -> None:
    review = [r for r in atlas.records if r.get("pmid") == "24512984"]
    assert len(review) == 1
    assert review[0].title == "Mesenchymal stem cells and cancer: friends or enemies?"
    assert review[0]["type"] == "review"


def test_summaries_are_present_and_within_the_limit(atlas: Atlas) -> None:
    limit = record_schema()["properties"]["summary"]["maxLength"]
    for record in atlas.records:
        summary = record.get("summary", "").strip()
        assert 20 <= len(summary) <= limit, record.id


def test_records_start_with_the_schema_line() -> None:
    for path in (ROOT / "records").glob("*.yml"):
        if path.stem == "vocabulary":
            continue
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        assert first == "# yaml-language-server: $schema=../scripts/litatlas/schema/record.schema.json", path.name
