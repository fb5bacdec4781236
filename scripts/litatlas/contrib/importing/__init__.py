"""Reading references from MEDLINE, RIS, BibTeX, CSL-JSON and PubMed pages into record skeletons."""

from .detect import FORMATS, detect_format, parse_file, parse_text, read_text
from .reference import ImportFailed, Reference

__all__ = ["FORMATS", "ImportFailed", "Reference", "detect_format", "parse_file", "parse_text", "read_text"]
