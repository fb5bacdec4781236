"""`litatlas init DIR`: a new atlas in a new folder that builds with `mkdocs build --strict` as it is."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import jinja2

from litatlas import __version__
from litatlas.contrib.skeleton import yaml_scalar
from litatlas.load.configfile import load_config
from litatlas.load.schema import SCHEMA_FILE, schema_text
from litatlas.model.errors import UsageError
from litatlas.model.text import clean_text, words

# Template (in the package's contrib/scaffold/) -> file in the new atlas.
FILES = {
    "mkdocs.yml.j2": "mkdocs.yml",
    "records/atlas.yml.j2": "records/atlas.yml",
    "records/example-2020-first-study.yml.j2": "records/example-2020-first-study.yml",
    "records/example-2021-review.yml.j2": "records/example-2021-review.yml",
    "docs/index.md.j2": "docs/index.md",
    "docs/topics/topic-one.md.j2": "docs/topics/{topic_one_id}.md",
    "docs/topics/topic-two.md.j2": "docs/topics/{topic_two_id}.md",
    "docs/methods.md.j2": "docs/methods.md",
    "Makefile.j2": "Makefile",
    "requirements.txt.j2": "requirements.txt",
    "gitignore.j2": ".gitignore",
    "README.md.j2": "README.md",
    "dot-github/workflows/checks.yml": ".github/workflows/checks.yml",
    "dot-github/workflows/deploy.yml": ".github/workflows/deploy.yml",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", type=Path, help="the new atlas's folder (must not exist yet)")
    parser.add_argument("--title", help="the atlas's title, e.g. 'Exercise & Depression Atlas'")
    parser.add_argument("--subject", help="what it covers, e.g. 'exercise as a treatment for depression'")
    parser.add_argument("--no-input", action="store_true", help="do not ask: take the title and subject from the options")


def run(args: argparse.Namespace, ask: Callable[[str], str] = input) -> int:
    folder: Path = args.folder
    if folder.exists():
        raise UsageError(f"{folder} already exists: litatlas init makes a new folder and never writes into an existing one")
    title, subject = clean_text(args.title), clean_text(args.subject)
    if not args.no_input:
        try:
            title = title or clean_text(ask("Title of the atlas (e.g. Exercise & Depression Atlas): "))
            subject = subject or clean_text(ask("What it covers (e.g. exercise as a treatment for depression): "))
        except EOFError:
            raise UsageError("no answer on standard input; use --no-input with --title and --subject") from None
    if not title or not subject:
        raise UsageError("a title and a subject are needed (--title, --subject)")
    made = scaffold(folder, title, subject)
    print(f"created {folder} with {len(made)} files")
    print(f"next: cd {folder} && make serve   (then edit records/atlas.yml and replace the example records)")
    return 0


def scaffold(folder: Path, title: str, subject: str, today: dt.date | None = None) -> list[Path]:
    """Write the new atlas; the folder must not exist. Returns the files written."""
    values = {
        "title": title,
        "subject": subject,
        "slug": "-".join(words(title)[:6]) or "atlas",
        "version": __version__,
        "today": (today or dt.date.today()).isoformat(),
        "topic_one": "Main findings",
        "topic_one_id": "main-findings",
        "topic_two": "Reviews",
        "topic_two_id": "reviews",
    }
    env = jinja2.Environment(
        autoescape=False,  # noqa: S701 - YAML, Markdown and Makefiles: values are quoted by the yaml filter
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["yaml"] = lambda value: yaml_scalar(str(value))
    source = resources.files("litatlas.contrib").joinpath("scaffold")
    files: dict[Path, str] = {}
    for template, target in FILES.items():
        text = source.joinpath(*template.split("/")).read_text(encoding="utf-8")
        rendered = env.from_string(text).render(values) if template.endswith(".j2") else text
        files[folder / target.format(**values)] = rendered
    # The configuration the scaffold writes must be one litatlas reads: its schema is generated from it.
    folder.mkdir(parents=True, exist_ok=False)
    written = []
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        written.append(path)
    config, problems = load_config(folder / "records" / "atlas.yml", "records/atlas.yml")
    if config is None:  # a fault of the package's own templates
        print("\n".join(map(str, problems)), file=sys.stderr)
        raise UsageError("the scaffold's configuration did not load; please report this")
    schema = folder / SCHEMA_FILE
    schema.parent.mkdir(parents=True, exist_ok=True)
    schema.write_text(schema_text(config), encoding="utf-8")
    written.append(schema)
    return written
