"""The compiled schema pre-check agrees with jsonschema on every instance (it only decides who needs jsonschema)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from litatlas.load.configfile import load_config
from litatlas.load.fastschema import compile_schema
from litatlas.load.validate import Checker

ROOT = Path(__file__).resolve().parents[1]
CHECKER = Checker(load_config(ROOT / "records" / "atlas.yml", "records/atlas.yml")[0])
SCHEMA = CHECKER.schema
FIELDS = list(SCHEMA["properties"])

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-5, max_value=3000),
    st.sampled_from([1.0, 2007.0, 2.5, -0.0]),
    st.text(max_size=3),
    st.text(min_size=18, max_size=25),
    st.sampled_from(["2020-01-01", "2020-13-01", "2020-1-1", "x" * 41, "x" * 801, "PMC1", "10.1/x"]),
)
values = st.one_of(scalars, st.lists(scalars, max_size=4), st.lists(st.text(max_size=4), min_size=0, max_size=31))
records = st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=4)), values, max_size=12)
valid_base = {
    "title": "A title",
    "year": 2007,
    "type": "research-article",
    "effect": "promotes",
    "topics": ["metastasis"],
    "summary": "A summary long enough to pass.",
    "added": "2026-01-01",
}


@settings(max_examples=400, deadline=None)
@given(records)
def test_precheck_agrees_with_jsonschema(instance: dict) -> None:
    assert CHECKER.precheck(instance) == CHECKER.validator.is_valid(instance)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.sampled_from(FIELDS), values, max_size=6))
def test_precheck_agrees_on_nearly_valid_records(changes: dict) -> None:
    instance = {**valid_base, **changes}
    assert CHECKER.precheck(instance) == CHECKER.validator.is_valid(instance)


def test_unknown_keywords_fall_back_to_jsonschema() -> None:
    assert compile_schema({"type": "string", "pattern": "^a"}) is None
    assert compile_schema({"type": "object", "properties": {"a": {"type": "integer"}}})({"a": 1.0}) is True
    assert compile_schema({"type": "integer"})(True) is False
