"""A record skeleton (YAML) from a Reference, with prompts for the atlas's curated fields; and the proposed record id."""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import jinja2
import yaml

from litatlas.contrib.importing.reference import Reference
from litatlas.load.configfile import load_config
from litatlas.load.schema import SCHEMA_FILE
from litatlas.model.config import AtlasConfig, Field
from litatlas.model.text import clean_text, fold_ascii, words
from litatlas.model.text import surname as text_surname

_TEMPLATE_DIR = Path(__file__).resolve().parent
_TEMPLATE_NAME = "record.yml.j2"

# ---------------------------------------------------------------------------------------------
# Record ids

_STOP_WORDS = frozenset(
    """a an the of in on for and or to with within without by from at as into onto via is are was were be
    been being its it their this that these those than then vs versus between not but can could does do
    did after before under over upon toward towards during among through using use used based new novel
    role roles effect effects study studies analysis potential insights toward how what why when which
    who whose our we may might""".split()
)


@functools.lru_cache(maxsize=64)
def _abbreviation_pattern(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    if not phrases:
        return None
    alternatives = sorted((re.escape(p.lower()).replace(r"\ ", r"\s+") for p in phrases), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")s?\b")


def _short_for(found: str, shortened: dict[str, str]) -> str:
    phrase = " ".join(found.split())
    return shortened.get(phrase) or shortened.get(phrase[:-1], "")


def propose_record_id(
    first_author: str | None,
    year: int | str | None,
    title: str,
    abbreviations: Mapping[str, str] | None = None,
    max_words: int = 5,
) -> str:
    """Lower-case kebab id 'surname-year-few-title-words', ASCII only, stop words dropped.

    The atlas's `abbreviations` shorten phrases its titles repeat ({'randomised controlled trial': 'rct'}).

    >>> propose_record_id("Smith AB", 2007, "A randomised controlled trial of walking", {"randomised controlled trial": "rct"})
    'smith-2007-rct-walking'
    """
    surname = "-".join(words(text_surname(clean_text(first_author) or ""))) or "anonymous"
    folded = fold_ascii(title).lower()
    shortened = {" ".join(fold_ascii(p).lower().split()): short for p, short in (abbreviations or {}).items()}
    pattern = _abbreviation_pattern(tuple(shortened))
    if pattern is not None:
        folded = pattern.sub(lambda m: f" {_short_for(m.group(), shortened)} ", folded)
    chosen: list[str] = []
    for word in words(folded):
        if word in _STOP_WORDS or word in chosen:
            continue
        chosen.append(word)
        if len(chosen) >= max_words:
            break
    parts = [surname, str(year) if year else "nd", *chosen]
    return "-".join(p for p in parts if p)


# ---------------------------------------------------------------------------------------------
# YAML scalars


def yaml_scalar(value: Any, quoted: bool = False) -> str:
    """One YAML scalar on one line, as PyYAML's dumper writes it (quoted whenever YAML needs it).

    `quoted` forces double quotes, the style the model record uses for volume, issue and pmid.
    """
    if isinstance(value, str):
        value = clean_text(value) or ""
    text = yaml.safe_dump(
        value,
        allow_unicode=True,
        default_flow_style=True,
        default_style='"' if quoted else None,
        width=1 << 30,  # never fold: a record keeps one value per line
        explicit_end=False,
    )
    # safe_dump ends a bare scalar document with '\n...\n' or '\n'.
    text = text.rstrip("\n")
    if text.endswith("\n..."):
        text = text[: -len("\n...")]
    if "\n" in text:  # pragma: no cover - clean_text removed every line break already
        raise ValueError(f"value does not fit on one line: {value!r}")
    return text


# ---------------------------------------------------------------------------------------------
# Prompts for the curated fields


@dataclass
class _Prompt:
    help: list[str]
    example: list[str]


def _wrap(prefix: str, ids: list[str]) -> list[str]:
    lines = textwrap.wrap(
        ", ".join(ids),
        width=96,
        initial_indent=prefix,
        subsequent_indent=" " * min(len(prefix), 8),
        break_on_hyphens=False,
    )
    return lines or [prefix.rstrip()]


def _field_prompt(field: Field) -> _Prompt:
    head = f"{field.id}{' (required)' if field.required else ''}"
    about = f"{head}: {field.description or field.label}"
    if field.has_terms:
        lines = textwrap.wrap(about, width=96) + _wrap(
            "  one of: " if field.kind == "term" else "  ids: ", [t.id for t in field.terms]
        )
    else:
        extra = {"list": " (a list)", "number": f" (a number{', ' + field.unit if field.unit else ''})", "identifier": ""}
        lines = textwrap.wrap(about + extra.get(field.kind, "") + (f", e.g. {field.example}" if field.example else ""), width=96)
    example = f"{field.id}: []" if field.multi or field.kind == "identifier" else f"{field.id}:"
    return _Prompt(help=lines, example=[example])


def _prompts(config: AtlasConfig | None) -> dict[str, Any]:
    fields: list[_Prompt] = []
    if config is not None and config.verdict_field is not None:
        fields.append(_field_prompt(config.verdict_field))
    if config is not None:
        lines = ["topics (required), one or more sub-topic ids:"]
        for topic in config.topics:
            lines += _wrap(f"  {topic.id}: ", [sub.id for sub in topic.subtopics])
        fields.append(_Prompt(help=lines, example=["topics: []"]))
        fields += [_field_prompt(f) for f in config.fields if f is not config.verdict_field]
    else:
        fields.append(_Prompt(help=["topics (required), one or more sub-topic ids"], example=["topics: []"]))
    fields.append(_Prompt(help=["summary (required): 1-3 sentences in your own words"], example=["summary: >-", "  <sentences>"]))
    fields.append(_Prompt(help=["findings: 2-4 short points in your own words"], example=["findings:", "  - <point>"]))
    type_ids = ", ".join(t.id for t in config.publication_types) if config is not None else "see the atlas configuration"
    return {"fields": fields, "type_ids": type_ids}


# ---------------------------------------------------------------------------------------------
# Rendering


def schema_path_for(records_dir: str | Path, root: str | Path | None = None) -> str:
    """The atlas's schema/record.schema.json relative to the records folder, for a record's first line.

    Always the project's own file (root defaults to the folder above records/), never the installed
    package's: the line is committed and must resolve on every contributor's machine.
    """
    records = Path(records_dir).resolve()
    project = Path(root).resolve() if root is not None else records.parent
    try:
        return Path(os.path.relpath(project / SCHEMA_FILE, records)).as_posix()
    except ValueError:  # another drive on Windows: no relative path exists
        return "../" + SCHEMA_FILE


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_TEMPLATE_DIR)),
        autoescape=False,  # noqa: S701 - YAML, not HTML: the yaml filters do the quoting
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["yaml"] = yaml_scalar
    env.filters["yaml_quoted"] = lambda value: yaml_scalar(str(value), quoted=True)
    return env


def render_record(
    ref: Reference,
    *,
    records_dir: str | Path,
    config: AtlasConfig | None = None,
    today: dt.date | None = None,
    root: str | Path | None = None,
) -> str:
    """Record YAML for `ref`: bibliographic fields filled, curated fields as commented prompts.

    Without `config`, the prompts come from the atlas configuration in the records folder, when it loads.
    """
    if config is None:
        config, _problems = load_config(Path(records_dir) / "atlas.yml", "records/atlas.yml")
    template = _environment().get_template(_TEMPLATE_NAME)
    # Keywords land in comments: flattened, so no line break can escape the comment.
    keywords = "; ".join(k for k in (clean_text(k) for k in ref.keywords) if k)
    keyword_hint = textwrap.wrap(f"Keywords given by the source (hints only): {keywords}", width=96) if keywords else []
    return template.render(
        ref=ref,
        keyword_hint=keyword_hint,
        schema_path=schema_path_for(records_dir, root),
        prompts=_prompts(config),
        added=(today or dt.date.today()).isoformat(),
    )
