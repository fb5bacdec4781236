"""Safe YAML loading that keeps the line of every value and refuses what records must not contain."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from litatlas.model.problems import Problem, field_path
from litatlas.model.text import FORBIDDEN as _FORBIDDEN_CHARS
from litatlas.model.text import describe_char as _describe_char

# libyaml is 10-20x faster; fall back to the pure-Python loader where it is missing.
_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_BYTES = 1_000_000
MAX_NODES = 20_000

_ALLOWED_TAGS = {"tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")}
_constructor = yaml.constructor.SafeConstructor()
_STR_TAG = "tag:yaml.org,2002:str"

Path_ = tuple[str | int, ...]


@dataclass
class Located:
    """A loaded YAML document with the 1-based line of every key and value."""

    value: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, path: Path_ = ()) -> int:
        """The line of the value at `path`, or of its nearest located parent."""
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)


class _Refused(Exception):
    def __init__(self, line: int, message: str, field: str = "yaml") -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        self.field = field


def read_bytes(path: Path, display: str) -> tuple[bytes | None, list[Problem]]:
    """A file's bytes, refusing files too big to be a record before reading them."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return None, [Problem(display, 1, "file", f"file is {size:,} bytes; records are limited to {MAX_BYTES:,} bytes")]
        return path.read_bytes(), []
    except OSError as exc:
        return None, [Problem(display, 1, "file", f"cannot read file: {exc.strerror or exc}")]


def decode(raw: bytes, display: str) -> tuple[str | None, list[Problem]]:
    """A record file's bytes as text, refusing binary or undecodable files and hidden characters."""
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        return None, [Problem(display, line, "file", "binary data (NUL byte): a record must be UTF-8 text")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(display, line, "file", f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")]
    if not _FORBIDDEN_CHARS.search(text):  # one scan of the whole text; lines are only counted when needed
        return text, []
    problems = []
    for lineno, text_line in enumerate(text.split("\n"), start=1):
        bad = _FORBIDDEN_CHARS.search(text_line)
        if bad:
            problems.append(
                Problem(display, lineno, "file", f"invisible or control character {_describe_char(bad.group())} is not allowed")
            )
    return None, problems[:20]


def parse(text: str, display: str) -> tuple[Located | None, list[Problem]]:
    """Parse one YAML document into plain values with line numbers; never raises."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        return None, [Problem(display, line, "yaml", f"invalid YAML: {message}")]
    except yaml.YAMLError as exc:
        return None, [Problem(display, 1, "yaml", f"invalid YAML: {exc}")]
    except RecursionError:
        return None, [Problem(display, 1, "yaml", "YAML nested too deeply")]
    if node is None:
        return None, [Problem(display, 1, "file", "file is empty: a record is a mapping of fields")]
    located = Located(None)
    builder = _Builder(located, display)
    try:
        located.value = builder.build(node, ())
    except _Refused as exc:
        return None, [Problem(display, exc.line, exc.field, exc.message)]
    except RecursionError:
        return None, [Problem(display, 1, "yaml", "YAML nested too deeply")]
    return located, builder.problems


def load_file(path: Path, display: str) -> tuple[Located | None, list[Problem]]:
    raw, problems = read_bytes(path, display)
    if raw is None:
        return None, problems
    return load_bytes(raw, display)


def load_bytes(raw: bytes, display: str) -> tuple[Located | None, list[Problem]]:
    text, problems = decode(raw, display)
    if text is None:
        return None, problems
    return parse(text, display)


class _Builder:
    def __init__(self, located: Located, display: str) -> None:
        self.located = located
        self.display = display
        self.problems: list[Problem] = []
        self.seen: set[int] = set()

    def build(self, node: yaml.Node, path: Path_) -> Any:
        line = node.start_mark.line + 1
        if id(node) in self.seen:
            # A node reached twice is an alias: refusing it also defuses "billion laughs" documents.
            raise _Refused(line, "YAML anchors and aliases (&, *) are not allowed in records")
        self.seen.add(id(node))
        if len(self.seen) > MAX_NODES:
            raise _Refused(line, f"more than {MAX_NODES:,} YAML values; a record is much smaller")
        if node.tag not in _ALLOWED_TAGS:
            raise _Refused(line, f"YAML tag {node.tag!r} is not allowed (only plain values, lists and mappings)")
        self.located.lines[path] = line
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key_line = key_node.start_mark.line + 1
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                    raise _Refused(key_line, "field names must be plain text")
                key = key_node.value
                if _FORBIDDEN_CHARS.search(key) or any(c in key for c in "\t\r\n\x85\u2028\u2029"):
                    # A line break in a field name would split the one-line problem messages that name it.
                    raise _Refused(key_line, "field names must be plain text")
                if id(key_node) in self.seen:
                    raise _Refused(key_line, "YAML anchors and aliases (&, *) are not allowed in records")
                self.seen.add(id(key_node))
                if key in result:
                    where = field_path((*path, key))
                    first = self.located.lines.get((*path, key), key_line)
                    self.problems.append(
                        Problem(
                            self.display,
                            key_line,
                            where,
                            f"duplicate key (first given on line {first}); only one value is kept, remove one",
                        )
                    )
                    continue
                result[key] = self.build(value_node, (*path, key))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if node.tag == _STR_TAG:
            value = node.value  # what the constructor returns for text, without its dispatch (most values are text)
            if len(value) <= 40:
                value = sys.intern(value)  # ids and names recur across thousands of records: stored once
        else:
            try:
                value = _constructor.construct_object(node)
            except (ValueError, OverflowError, yaml.constructor.ConstructorError) as exc:
                raise _Refused(line, f"cannot read value {node.value[:40]!r}: {exc}", field_path(path, "yaml")) from None
            finally:
                _constructor.constructed_objects.pop(node, None)  # the shared constructor must not keep every node
        # A double-quoted escape ("\u202e", "\a") puts a character in the value that decode() never saw.
        bad = _FORBIDDEN_CHARS.search(value) if isinstance(value, str) else None
        if bad:
            message = f"invisible or control character {_describe_char(bad.group())} is not allowed"
            raise _Refused(line, message, field_path(path, "yaml"))
        return value
