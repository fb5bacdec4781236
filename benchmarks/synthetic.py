"""Synthetic, schema-valid paper records for benchmarks and smoke tests (deterministic for a given seed).

Field sizes follow the bundled records (title ~120 characters, 7 authors, a 2-3 sentence summary of
~300 characters, 2-4 findings of ~100 characters, 0-6 molecules drawn from a long-tailed pool), and every
curated field takes real ids from the atlas vocabulary, so the generated atlas validates clean.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import yaml

_Dumper: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

SURNAMES = (
    "Smith Chen Wang Garcia Muller Rossi Kim Nguyen Silva Kowalski Novak Jensen Tanaka Sato Ivanova Haddad Okafor "
    "Patel Singh Kumar Ahmed Cohen Levi Dubois Martin Bernard Moreau Fischer Schmidt Weber Wagner Becker Hoffmann "
    "Schulz Koch Richter Klein Wolf Zhang Liu Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo Lin He Gao Luo Zheng "
    "Liang Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Yuan Pan Yu Jiang Cai Lopez Gonzalez Perez "
    "Sanchez Ramirez Torres Flores Rivera Gomez Diaz Cruz Morales Reyes Ortiz Gutierrez Chavez Ramos Ruiz Alvarez "
    "Romero Navarro Molina Castro Ortega Delgado Suarez Vargas Rojas Medina Aguilar Herrera Moreno Jimenez Iglesias "
    "Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti Costa Giordano Mancini Rizzo Lombardi Moretti "
    "Barbieri Fontana Santoro Mariani Rinaldi Caruso Ferrara Galli Martini Leone Longo Gentile Martinelli Vitale "
    "Andersen Nielsen Hansen Pedersen Larsen Sorensen Rasmussen Johansson Karlsson Nilsson Eriksson Larsson Olsson "
    "Persson Svensson Gustafsson Lindberg Lindqvist Berg Virtanen Korhonen Makinen Nieminen Hamalainen Laine "
    "Yamamoto Nakamura Kobayashi Watanabe Ito Takahashi Suzuki Inoue Kimura Hayashi Shimizu Yamazaki Mori Ikeda "
    "Hashimoto Yamada Ishikawa Ogawa Okada Goto Hasegawa Murakami Kondo Ishii Saito Sakamoto Endo Aoki Fujii "
    "Park Lee Choi Jung Kang Cho Yoon Jang Lim Shin Seo Kwon Hwang Ahn Song Jeon Hong Moon Yang Son Bae Baek "
    "OConnor Murphy Kelly Walsh Byrne Ryan Brien Doyle McCarthy Gallagher Doherty Kennedy Lynch Murray Quinn "
    "Brown Taylor Wilson Johnson Davies Robinson Wright Thompson Evans Walker White Roberts Green Hall Wood Jackson"
).split()

JOURNALS = (
    "Nature",
    "Cancer Research",
    "Stem Cells",
    "Oncogene",
    "Molecular Cancer",
    "Cancer Letters",
    "Cytotherapy",
    "Journal of Cellular and Molecular Medicine",
    "Stem Cell Research & Therapy",
    "Oncotarget",
    "PLoS One",
    "Scientific Reports",
    "Clinical Cancer Research",
    "Molecular Therapy",
    "Cancer Gene Therapy",
    "Cell Death & Disease",
    "International Journal of Cancer",
    "British Journal of Cancer",
    "Frontiers in Oncology",
    "Cells",
    "Cancers",
    "Stem Cells and Development",
    "Journal of Hematology & Oncology",
    "Theranostics",
    "Neuro-Oncology",
    "Journal of Experimental & Clinical Cancer Research",
    "Breast Cancer Research",
    "Gene Therapy",
    "Blood",
    "Journal of the National Cancer Institute",
    "Cancer Cell",
    "Cell Stem Cell",
    "Biomaterials",
    "Journal of Controlled Release",
)

# Real names first (the common ones), then a long tail of plausible gene and pathway symbols.
COMMON_MOLECULES = (
    "TGF-β1",
    "IL-6",
    "VEGF",
    "CXCL12",
    "CCL5",
    "β-catenin",
    "Akt",
    "TRAIL",
    "IFN-β",
    "HGF",
    "IL-8",
    "PGE2",
    "IDO",
    "E-cadherin",
    "Vimentin",
    "N-cadherin",
    "Snail",
    "Twist",
    "ZEB1",
    "MMP-2",
    "MMP-9",
    "CXCR4",
    "CCR5",
    "CCL2",
    "IL-10",
    "IL-12",
    "IL-2",
    "IFN-γ",
    "TNF-α",
    "NF-κB",
    "STAT3",
    "ERK",
    "PI3K",
    "mTOR",
    "Wnt3a",
    "DKK1",
    "Notch1",
    "Jagged1",
    "Hedgehog",
    "SDF-1",
    "MIF",
    "PDGF-B",
    "FGF2",
    "EGF",
    "IGF-1",
    "Galectin-1",
    "PD-L1",
    "CTLA-4",
    "FoxP3",
    "iNOS",
    "COX-2",
    "Bcl-2",
    "Bax",
    "Caspase-3",
    "Caspase-8",
    "p53",
    "p21",
    "Cyclin D1",
    "PCNA",
    "Ki-67",
    "HIF-1α",
    "miR-21",
    "miR-16",
    "miR-100",
    "miR-155",
    "Let-7",
    "CD44",
    "CD133",
    "ALDH1",
    "Nanog",
    "Oct4",
    "Sox2",
    "FSP",
    "α-SMA",
    "FAP",
    "Periostin",
    "Tenascin-C",
    "Collagen I",
    "LOX",
    "SPARC",
    "BMP2",
    "BMP4",
    "Gremlin1",
    "Activin A",
    "Osteopontin",
    "YKL-40",
    "S100A4",
    "HSV-TK",
    "Cytosine deaminase",
    "Oncolytic adenovirus",
    "Measles virus",
    "Paclitaxel",
    "Doxorubicin",
    "Cisplatin",
    "Gemcitabine",
    "Temozolomide",
    "Sorafenib",
    "Luciferase",
    "GFP",
    "Ferumoxides",
)
_TAIL_PREFIXES = ("ZNF", "SLC", "KLF", "TMEM", "ADAM", "SERPIN", "CDH", "LAMB", "ITG", "MIR", "LINC", "CCDC", "FAM", "KRT")


def molecule_pool(size: int = 900) -> list[str]:
    """The common molecules followed by deterministic tail symbols (ZNF101, SLC7A3, ...), `size` in all."""
    pool = list(COMMON_MOLECULES)
    number = 0
    while len(pool) < size:
        prefix = _TAIL_PREFIXES[number % len(_TAIL_PREFIXES)]
        pool.append(f"{prefix}{100 + number // len(_TAIL_PREFIXES)}")
        number += 1
    return pool[:size]


WORDS = (
    "mesenchymal stromal cells tumour growth breast cancer xenograft metastasis migration invasion proliferation "
    "apoptosis secretion chemokine cytokine receptor signalling pathway expression knockdown overexpression "
    "conditioned medium co-culture exosomes vesicles angiogenesis vessels stroma fibroblasts macrophages "
    "regulatory T cells natural killer immunosuppression engraftment homing tropism bioluminescence imaging "
    "engineered delivery vector oncolytic virus prodrug ganciclovir suicide gene irradiation chemotherapy "
    "resistance stemness spheroids niche hypoxia inflammation wound healing intravenous intratumoural "
    "orthotopic syngeneic immunocompetent nude mice rats patients glioma melanoma hepatocellular colorectal "
    "pancreatic ovarian prostate lung gastric osteosarcoma leukaemia lymphoma myeloma survival burden volume "
    "weight histology staining flow cytometry western blot qPCR transcriptome proteome secretome dose ratio "
    "timing repeated single injection systemic local lentiviral adenoviral transduced labelled tracked"
).split()

_FINDING_VERBS = ("increased", "reduced", "did not change", "doubled", "halved", "abolished", "restored", "delayed")
_SUMMARY_OPENERS = (
    "{source} MSCs {verb} {cancer} growth in {model} through {mol}.",
    "In {model}, {source} MSCs {verb} {cancer} cell {word1} and {word2}, an effect that depended on {mol}.",
    "The authors engineered {source} MSCs to carry {mol} and tested them against {cancer} in {model}.",
    "{source} MSC-conditioned medium {verb} {word1} of {cancer} cells in culture via {mol} {word2}.",
)
_SUMMARY_FOLLOW = (
    "Blocking {mol} with antibodies or small interfering RNA reversed the effect, and {word1} was {verb} in treated animals.",
    "The MSCs homed to the tumours after {route} injection and persisted there for {days} days, "
    "with little engraftment elsewhere.",
    "Effects were strongest at a {ratio} ratio of MSCs to tumour cells and weaker when the MSCs were given later.",
    "Markers of {word1} and {word2} were {verb} in the tumours, with no change in body weight.",
    "The study also compared MSCs from different donors, which varied in how much {mol} they released.",
)
_TITLE_PATTERNS = (
    "{Source} mesenchymal stem cells {verb} {cancer} {word1} through {mol} {word2}",
    "{Mol} from {source} mesenchymal stromal cells {verb} {word1} of {cancer} in {model}",
    "Engineered {source} MSCs delivering {mol} {verb} {cancer} {word1} in {model}",
    "Mesenchymal stem cells and {cancer}: the role of {mol} in {word1} and {word2}",
    "{Source} MSC-derived exosomes carrying {mol} {verb} {cancer} {word1} and {word2}",
)


def _weighted(rng: random.Random, items: list[str], weights: list[float] | None = None, k: int = 1) -> list[str]:
    """k distinct items drawn by weight, in the vocabulary's order."""
    k = min(k, len(items))
    chosen: list[str] = []
    while len(chosen) < k:
        pick = rng.choices(items, weights=weights)[0]
        if pick not in chosen:
            chosen.append(pick)
    return sorted(chosen, key=items.index)


def _zipf_weights(count: int, exponent: float = 1.0) -> list[float]:
    return [1.0 / (rank**exponent) for rank in range(1, count + 1)]


class Generator:
    """Builds records one by one from the vocabulary's ids; `records(n)` is deterministic for a given seed."""

    def __init__(self, vocabulary: dict[str, Any], seed: int = 20260) -> None:
        self.rng = random.Random(seed)
        self.vocab = vocabulary
        self.ids = {name: [t["id"] for t in vocabulary.get(name, []) if not t.get("reserved")] for name in _LISTS}
        self.labels = {name: {t["id"]: t["label"] for t in vocabulary.get(name, [])} for name in _LISTS}
        self.subtopics = {topic["id"]: [s["id"] for s in topic.get("subtopics", [])] for topic in vocabulary.get("topics", [])}
        self.molecules = molecule_pool()
        self.molecule_weights = _zipf_weights(len(self.molecules), 0.9)
        self.titles: set[str] = set()

    def records(self, n: int) -> list[tuple[str, dict[str, Any]]]:
        return [self.record(i) for i in range(n)]

    def record(self, index: int) -> tuple[str, dict[str, Any]]:
        rng = self.rng
        kind = rng.choices(["research-article", "review", "clinical-trial", "trial-protocol"], weights=[78, 14, 5, 3])[0]
        year = rng.choices(range(1995, 2026), weights=[1 + (y - 1995) ** 1.5 for y in range(1995, 2026)])[0]
        n_authors = max(1, min(23, int(rng.lognormvariate(1.8, 0.55))))
        authors = [
            f"{rng.choice(SURNAMES)} {rng.choice('ABCDEFGHJKLMNOPRSTWXYZ')}{rng.choice(['', 'A', 'B', 'C', 'H', 'J', 'M'])}"
            for _ in range(n_authors)
        ]
        molecules = list(
            dict.fromkeys(rng.choices(self.molecules, weights=self.molecule_weights, k=rng.choice([0, 1, 2, 2, 3, 3, 4, 5, 6])))
        )
        cancers = _weighted(
            rng, self.ids["cancer_types"], _zipf_weights(len(self.ids["cancer_types"]), 0.8), rng.choice([1, 1, 1, 2, 2, 3])
        )
        sources = _weighted(
            rng, self.ids["msc_sources"], _zipf_weights(len(self.ids["msc_sources"]), 1.2), rng.choice([1, 1, 1, 2])
        )
        species_weights = ([8, 10, 2, 1] + [1] * len(self.ids["species"]))[: len(self.ids["species"])]
        species = _weighted(rng, self.ids["species"], species_weights, rng.choice([1, 2, 2]))
        models = _weighted(rng, self.ids["models"], _zipf_weights(len(self.ids["models"]), 0.7), rng.choice([1, 1, 2, 2, 3]))
        topics, effect = self._classification(kind)
        mol_text = molecules[0] if molecules else rng.choice(COMMON_MOLECULES[:20])
        words = {
            "source": self.labels["msc_sources"][sources[0]].lower().replace("not stated", "human"),
            "cancer": self.labels["cancer_types"][cancers[0]].lower(),
            "model": self.labels["models"][models[0]].lower() + " models",
            "mol": mol_text,
            "verb": rng.choice(_FINDING_VERBS[:6]) if effect != "no-effect" else "did not change",
            "word1": rng.choice(WORDS),
            "word2": rng.choice(WORDS),
            "route": rng.choice(["intravenous", "intratumoural", "intraperitoneal", "subcutaneous"]),
            "days": rng.randint(3, 60),
            "ratio": rng.choice(["1:1", "1:10", "1:4", "10:1"]),
        }
        title = self._title(words, index)
        record: dict[str, Any] = {"title": title, "authors": authors}
        if rng.random() < 0.08:
            record["authors_incomplete"] = True
        record["journal"] = rng.choice(JOURNALS)
        record["year"] = year
        record["volume"] = str(rng.randint(1, 480))
        if rng.random() < 0.8:
            record["issue"] = str(rng.randint(1, 24))
        first_page = rng.randint(1, 9000)
        record["pages"] = (
            f"{first_page}-{first_page + rng.randint(5, 20)}" if rng.random() < 0.7 else f"e{rng.randint(1000, 99999)}"
        )
        identifiers = rng.random()
        if identifiers < 0.97:
            record["doi"] = f"10.{rng.randint(1000, 99999)}/synth.{year}.{index:06d}"
        if identifiers < 0.75 or identifiers >= 0.97:
            record["pmid"] = str(10_000_000 + index * 13 + rng.randint(0, 12))
        if rng.random() < 0.45 and "pmid" in record:
            record["pmcid"] = f"PMC{2_000_000 + index * 7}"
        record["type"] = kind
        record["effect"] = effect
        record["topics"] = topics
        record["cancer_types"] = cancers
        record["msc_source"] = sources
        record["species"] = species
        record["models"] = models
        if any(t in self.subtopics.get("delivery-vectors", ()) for t in topics) and self.ids["payloads"]:
            record["payload"] = _weighted(rng, self.ids["payloads"], None, rng.choice([1, 1, 2]))
        if rng.random() < 0.5:
            record["route"] = _weighted(rng, self.ids["routes"], None, rng.choice([1, 1, 2]))
        if rng.random() < 0.3:
            record["timing"] = _weighted(rng, self.ids["timings"], None, 1)
        if rng.random() < 0.2:
            record["ratio"] = rng.choice(["1:1", "1:10", "1e6 cells", "2 x 10^6 cells/kg", "1:4"])
        if molecules:
            record["molecules"] = molecules
        record["summary"] = self._summary(words)
        if kind != "review" or rng.random() < 0.5:
            record["findings"] = [self._finding(words) for _ in range(rng.randint(2, 4))]
        record["added"] = (dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 540))).isoformat()
        record["curators"] = [rng.choice(["litatlas team", "A. Curator", "B. Reviewer", "C. Student"])]
        if rng.random() < 0.3:
            record["notes"] = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 30))).capitalize() + "."
        words_id = "-".join(_slug(words[k]) for k in ("source", "mol", "cancer"))
        record_id = f"{authors[0].split()[0].lower()}-{year}-{words_id}-{index}"
        return record_id, record

    def _classification(self, kind: str) -> tuple[list[str], str]:
        rng = self.rng
        if kind in ("review", "clinical-trial", "trial-protocol"):
            topics = [kind] + ([rng.choice(self.subtopics["tumour-promotion"])] if rng.random() < 0.5 else [])
            effect = "not-applicable" if kind != "clinical-trial" else rng.choice(["inhibits", "no-effect", "not-applicable"])
            return topics, effect
        headline = rng.choices(
            ["tumour-promotion", "tumour-inhibition", "delivery-vectors", "tropism-homing"], weights=[40, 30, 20, 10]
        )[0]
        subs = self.subtopics[headline]
        topics = _weighted(rng, subs, None, rng.choice([1, 1, 2, 2, 3]))
        if rng.random() < 0.15:
            other = rng.choice([t for t in self.subtopics if t not in (headline, "reviews-trials")])
            topics.append(rng.choice(self.subtopics[other]))
            topics = list(dict.fromkeys(topics))
        effect = {
            "tumour-promotion": "promotes",
            "tumour-inhibition": "inhibits",
            "delivery-vectors": "inhibits",
            "tropism-homing": "not-applicable",
        }[headline]
        if rng.random() < 0.08:
            effect = rng.choice(["mixed", "no-effect"])
        return topics, effect

    def _title(self, words: dict[str, Any], index: int) -> str:
        rng = self.rng
        for _attempt in range(20):
            pattern = rng.choice(_TITLE_PATTERNS)
            extra = {k: v for k, v in words.items() if k not in ("word1", "word2")}
            title = pattern.format(
                Source=words["source"].capitalize(),
                Mol=words["mol"],
                word1=rng.choice(WORDS),
                word2=rng.choice(WORDS),
                **extra,
            )
            if rng.random() < 0.5:
                title += (
                    f" {rng.choice(['in vitro and in vivo', 'of tumour-bearing mice', 'after systemic delivery', 'in patients'])}"
                )
            if title not in self.titles:
                self.titles.add(title)
                return title
        title = f"{title}: cohort {index}"
        self.titles.add(title)
        return title

    def _summary(self, words: dict[str, Any]) -> str:
        rng = self.rng
        sentences = [rng.choice(_SUMMARY_OPENERS)]
        sentences += rng.sample(_SUMMARY_FOLLOW, rng.choice([1, 2, 2]))  # at most 3 sentences
        text = " ".join(s.format(**{**words, "word1": rng.choice(WORDS), "word2": rng.choice(WORDS)}) for s in sentences)
        return text[0].upper() + text[1:]

    def _finding(self, words: dict[str, Any]) -> str:
        rng = self.rng
        subject = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 5)))
        tail = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12)))
        return f"{subject.capitalize()} {rng.choice(_FINDING_VERBS)} {tail} ({words['mol']})."


_LISTS = ("cancer_types", "msc_sources", "species", "models", "payloads", "routes", "timings", "effects", "publication_types")


def _slug(text: str) -> str:
    out = "".join(c if c.isascii() and c.isalnum() else "-" for c in text.lower())
    return "-".join(part for part in out.split("-") if part)[:12].strip("-") or "x"


# Term lists the generator draws from, by the field of the atlas configuration that declares them.
_FIELD_OF_LIST = {
    "cancer_types": "cancer_types",
    "msc_sources": "msc_source",
    "species": "species",
    "models": "models",
    "payloads": "payload",
    "routes": "route",
    "timings": "timing",
    "effects": "effect",
}


def load_vocabulary_data(path: Path) -> dict[str, Any]:
    """The term lists of the atlas configuration at `path`, by list name."""
    with path.open(encoding="utf-8") as handle:
        config = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - safe loader
    fields = {field["id"]: field for field in config.get("fields", [])}
    lists = {name: fields[field_id].get("terms", []) for name, field_id in _FIELD_OF_LIST.items() if field_id in fields}
    return {**lists, "topics": config.get("topics", []), "publication_types": config.get("publication_types", [])}


def generate(n: int, vocabulary_path: Path, seed: int = 20260) -> list[tuple[str, dict[str, Any]]]:
    """`n` (id, record) pairs built from the vocabulary at `vocabulary_path`."""
    return Generator(load_vocabulary_data(vocabulary_path), seed).records(n)


def write_records(folder: Path, records: list[tuple[str, dict[str, Any]]]) -> list[Path]:
    """Write each record as `<id>.yml`, the way contributors write them (block style, UTF-8)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for record_id, data in records:
        path = folder / f"{record_id}.yml"
        text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False)
        path.write_text(
            "# yaml-language-server: $schema=../scripts/litatlas/schema/record.schema.json\n" + text, encoding="utf-8"
        )
        written.append(path)
    return written
