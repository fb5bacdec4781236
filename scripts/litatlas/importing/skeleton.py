"""Render a record skeleton (YAML) from a Reference, and propose its record id."""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import textwrap
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import yaml

from .reference import Reference, clean_text

__all__ = [
    "SCHEMA_RELATIVE",
    "load_vocabulary",
    "propose_record_id",
    "render_record",
    "schema_path_for",
    "yaml_scalar",
]

#: libyaml's safe loader when PyYAML has it (about 20 times faster on the vocabulary), else the pure one.
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: Where the schema sits inside a project that vendors the generator under scripts/.
SCHEMA_RELATIVE = Path("scripts/litatlas/schema/record.schema.json")
_PACKAGE_DIR = Path(__file__).resolve().parent.parent
_TEMPLATE_DIR = _PACKAGE_DIR / "templates"
_TEMPLATE_NAME = "record.yml.j2"

# ---------------------------------------------------------------------------------------------
# Record ids


_FOLD = str.maketrans(
    {
        "ß": "ss",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "þ": "th",
        "ð": "d",
        "ı": "i",
        # Greek letters carry meaning in molecule names (TGF-β, IFN-γ): spell them out.
        "α": " alpha ",
        "β": " beta ",
        "γ": " gamma ",
        "δ": " delta ",
        "κ": " kappa ",
    }
)
_STOP_WORDS = frozenset(
    """a an the of in on for and or to with within without by from at as into onto via is are was were be
    been being its it their this that these those than then vs versus between not but can could does do
    did after before under over upon toward towards during among through using use used based new novel
    role roles effect effects study studies analysis potential insights toward how what why when which
    who whose our we may might""".split()
)
# The phrase almost every title of an MSC atlas carries; the model record ids shorten it to 'msc'.
_MSC_PHRASE = re.compile(r"\bmesenchymal\s+(?:stem|stromal|progenitor)(?:/stromal)?\s+cells?\b|\bmscs\b")


def fold_ascii(text: str) -> str:
    """Plain ASCII letters for accented ones: 'Dührsen' -> 'Duhrsen', 'Hartfuß' -> 'Hartfuss'."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).encode("ascii", "ignore").decode()


def _slug_words(text: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", fold_ascii(text).lower()) if w]


def _surname(first_author: str | None) -> str:
    tokens = (clean_text(first_author) or "").split(" ")
    # Drop PubMed initials ('Karnoub AE') and a generational suffix ('Smith J Jr').
    while len(tokens) > 1 and (
        tokens[-1].isupper()
        and tokens[-1].isalpha()
        and len(tokens[-1]) <= 4
        or tokens[-1].rstrip(".") in {"Jr", "Sr", "2nd", "3rd", "4th"}
    ):
        tokens.pop()
    return "-".join(_slug_words(" ".join(tokens)))


def propose_record_id(first_author: str | None, year: int | str | None, title: str, max_words: int = 5) -> str:
    """Lower-case kebab id 'surname-year-few-title-words', ASCII only, stop words dropped.

    >>> propose_record_id("Karnoub AE", 2007, "Mesenchymal stem cells within tumour stroma promote breast cancer metastasis")
    'karnoub-2007-msc-tumour-stroma-promote-breast'
    """
    surname = _surname(first_author) or "anonymous"
    folded = _MSC_PHRASE.sub(" msc ", fold_ascii(title).lower())
    words: list[str] = []
    for word in _slug_words(folded):
        if word in _STOP_WORDS or word in words:
            continue
        words.append(word)
        if len(words) >= max_words:
            break
    parts = [surname, str(year) if year else "nd", *words]
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
# Vocabulary prompts

# (record field, vocabulary key, help text, the lines to uncomment)
_CURATED: list[tuple[str, str | None, str, list[str]]] = [
    ("effect", "effects", "effect (required), one of", ["effect:"]),
    ("topics", "topics", "topics (required), one or more sub-topic ids", ["topics: []"]),
    ("cancer_types", "cancer_types", "cancer_types", ["cancer_types: []"]),
    ("msc_source", "msc_sources", "msc_source", ["msc_source: []"]),
    ("species", "species", "species", ["species: []"]),
    ("models", "models", "models", ["models: []"]),
    ("route", "routes", "route", ["route: []"]),
    ("timing", "timings", "timing", ["timing: []"]),
    ("payload", "payloads", "payload (engineered vectors only)", ["payload: []"]),
    ("ratio", None, "ratio: MSC:tumour cell ratio or MSC dose, only if the abstract gives it", ["ratio:"]),
    ("molecules", None, "molecules: genes, proteins, pathways the abstract names (CCL5, TGF-β1, IL-6)", ["molecules: []"]),
    ("summary", None, "summary (required): 1-3 sentences in your own words", ["summary: >-", "  <sentences>"]),
    ("findings", None, "findings: 2-4 short points in your own words", ["findings:", "  - <point>"]),
]


def load_vocabulary(path: str | Path) -> dict[str, Any]:
    """The vocabulary file as a mapping (empty when the file is missing)."""
    file = Path(path)
    if not file.is_file():
        return {}
    data = yaml.load(file.read_text(encoding="utf-8"), Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
    return data if isinstance(data, dict) else {}


def _ids(entries: Any) -> list[str]:
    if not isinstance(entries, list):
        return []
    return [str(e["id"]) for e in entries if isinstance(e, dict) and "id" in e]


def _wrap(prefix: str, ids: list[str]) -> list[str]:
    lines = textwrap.wrap(
        ", ".join(ids),
        width=96,
        initial_indent=prefix,
        subsequent_indent=" " * min(len(prefix), 8),
        break_on_hyphens=False,
    )
    return lines or [prefix.rstrip()]


@dataclass
class _Prompt:
    help: list[str]
    example: list[str]


def _prompts(vocabulary: dict[str, Any]) -> dict[str, Any]:
    fields: list[_Prompt] = []
    for _field, key, help_text, example in _CURATED:
        if key == "topics" and isinstance(vocabulary.get("topics"), list):
            lines = [f"{help_text}:"]
            for topic in vocabulary["topics"]:
                if isinstance(topic, dict):
                    lines += _wrap(f"  {topic.get('id')}: ", _ids(topic.get("subtopics")))
        elif key and _ids(vocabulary.get(key)):
            lines = _wrap(f"{help_text}: ", _ids(vocabulary.get(key)))
        else:
            lines = [help_text]
        fields.append(_Prompt(help=lines, example=example))
    type_ids = ", ".join(_ids(vocabulary.get("publication_types"))) or "see records/vocabulary.yml"
    return {"fields": fields, "type_ids": type_ids}


# ---------------------------------------------------------------------------------------------
# Rendering


def schema_path_for(records_dir: str | Path, root: str | Path | None = None) -> str:
    """scripts/litatlas/schema/record.schema.json relative to the records folder, for the first line.

    Always the project's conventional place (root defaults to the folder above records/), never the
    installed package's: the line is committed and must resolve on every contributor's machine.
    """
    records = Path(records_dir).resolve()
    project = Path(root).resolve() if root is not None else records.parent
    try:
        return Path(os.path.relpath(project / SCHEMA_RELATIVE, records)).as_posix()
    except ValueError:  # another drive on Windows: no relative path exists
        return "../" + SCHEMA_RELATIVE.as_posix()


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
    vocabulary: dict[str, Any] | None = None,
    today: dt.date | None = None,
    root: str | Path | None = None,
) -> str:
    """Record YAML for `ref`: bibliographic fields filled, curated fields as commented prompts."""
    if vocabulary is None:
        vocabulary = load_vocabulary(Path(records_dir) / "vocabulary.yml")
    template = _environment().get_template(_TEMPLATE_NAME)
    # Keywords land in comments: flattened, so no line break can escape the comment.
    keywords = "; ".join(k for k in (clean_text(k) for k in ref.keywords) if k)
    keyword_hint = textwrap.wrap(f"Keywords given by the source (hints only): {keywords}", width=96) if keywords else []
    return template.render(
        ref=ref,
        keyword_hint=keyword_hint,
        schema_path=schema_path_for(records_dir, root),
        prompts=_prompts(vocabulary),
        added=(today or dt.date.today()).isoformat(),
    )
