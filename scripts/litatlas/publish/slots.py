"""Raw HTML blocks of generated pages set aside while Python-Markdown converts the page, then put back.

The page families write their data (paper tables, classification, lists of links, evidence tables, charts) as
raw HTML between markers (site.context.raw_html). Markdown would pass that HTML through unchanged, after
parsing it with html.parser; under the plugin each block becomes a one-word paragraph before the conversion and
is put back after it, so the converter sees only headings and prose. A token carries a per-process random part:
no record text can guess it.
"""

from __future__ import annotations

import re
import secrets

from litatlas.site.context import HTML_END, HTML_START

_BLOCK = re.compile(re.escape(HTML_START) + r"\n(.*?)\n" + re.escape(HTML_END), re.DOTALL)
_NONCE = secrets.token_hex(8)
_TOKEN = re.compile(rf"(?:<p>)?laslot{_NONCE}x(\d+)(?:</p>)?")


def stash(markdown: str) -> tuple[str, list[str]]:
    """The page with every raw HTML block replaced by a token paragraph, and the blocks in their order."""
    blocks: list[str] = []

    def keep(match: re.Match[str]) -> str:
        blocks.append(match.group(1))
        return f"laslot{_NONCE}x{len(blocks) - 1}"

    if HTML_START not in markdown:
        return markdown, blocks
    return _BLOCK.sub(keep, markdown), blocks


def restore(html: str, blocks: list[str]) -> str:
    """Put the blocks back where their tokens ended up (each as its own paragraph)."""
    if not blocks:
        return html
    return _TOKEN.sub(lambda m: blocks[int(m.group(1))], html)
