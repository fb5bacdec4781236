"""Counts of records per headline topic, sub-topic, verdict, each browse field and year."""

from __future__ import annotations

from collections import Counter

from litatlas.model.atlas import Atlas

LIST_LIMIT = 30  # values of a free list (such as molecules) shown: the most frequent


def compute(atlas: Atlas) -> dict[str, list[tuple[str, int]]]:
    config = atlas.config
    headline: Counter[str] = Counter()
    subtopic: Counter[str] = Counter()
    by_field: dict[str, Counter[str]] = {f.id: Counter() for f in config.fields if f.browse}
    year: Counter[str] = Counter()
    for record in atlas.records:
        subs = record.list("topics")
        subtopic.update(subs)
        headline.update({config.headline_of[s].id for s in subs if s in config.headline_of})
        for field_id, counter in by_field.items():
            field = config.field(field_id)
            counter.update({field.key(v): field.label_of(v) for v in record.values(field_id)}.values())
        year[str(record.year)] += 1
    counts: dict[str, list[tuple[str, int]]] = {
        "Records": [("total", len(atlas.records))],
        "Headline topics": [(t.label, headline[t.id]) for t in config.topics],
        "Sub-topics": [(f"{t.label} / {s.label}", subtopic[s.id]) for t in config.topics for s in t.subtopics],
    }
    for field_id, counter in by_field.items():
        field = config.field(field_id)
        counts[field.plural] = counter.most_common(LIST_LIMIT if field.kind == "list" else None)
    counts["Years"] = sorted(year.items(), reverse=True)
    identified = sum(1 for r in atlas.records if r.get("doi") or r.get("pmid"))
    counts["Identifiers"] = [("with a DOI or PMID", identified), ("without either", len(atlas.records) - identified)]
    return counts


def format_table(counts: dict[str, list[tuple[str, int]]]) -> str:
    lines = []
    for section, rows in counts.items():
        lines.append(section)
        width = max((len(name) for name, _ in rows), default=0)
        lines.extend(f"  {name.ljust(width)}  {count:>5}" for name, count in rows)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
