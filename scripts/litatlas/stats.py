"""Counts of records per headline topic, sub-topic, effect, cancer type and year."""

from __future__ import annotations

from collections import Counter

from litatlas.atlas import Atlas


def compute(atlas: Atlas) -> dict[str, list[tuple[str, int]]]:
    vocabulary = atlas.vocabulary
    headline: Counter[str] = Counter()
    subtopic: Counter[str] = Counter()
    effect: Counter[str] = Counter()
    cancer: Counter[str] = Counter()
    source: Counter[str] = Counter()
    year: Counter[str] = Counter()
    for record in atlas.records:
        subs = record.list("topics")
        subtopic.update(subs)
        headline.update({vocabulary.headline_of[s].label for s in subs if s in vocabulary.headline_of})
        effect[vocabulary.label("effect", record.get("effect", ""))] += 1
        cancer.update(vocabulary.label("cancer_types", c) for c in record.list("cancer_types"))
        source.update(vocabulary.label("msc_source", s) for s in record.list("msc_source"))
        year[str(record.year)] += 1
    ordered_topics = [(t.label, headline[t.label]) for t in vocabulary.topics]
    ordered_subs = [(f"{t.label} / {s.label}", subtopic[s.id]) for t in vocabulary.topics for s in t.subtopics]
    return {
        "Records": [("total", len(atlas.records))],
        "Headline topics": ordered_topics,
        "Sub-topics": ordered_subs,
        "Effects": effect.most_common(),
        "Cancer types": cancer.most_common(),
        "MSC sources": source.most_common(),
        "Years": sorted(year.items(), reverse=True),
    }


def format_table(counts: dict[str, list[tuple[str, int]]]) -> str:
    lines = []
    for section, rows in counts.items():
        lines.append(section)
        width = max((len(name) for name, _ in rows), default=0)
        lines.extend(f"  {name.ljust(width)}  {count:>5}" for name, count in rows)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
