"""A fast yes/no pre-check for JSON Schema, compiled once into plain Python closures.

jsonschema needs about a millisecond per record (it builds a validator object for every keyword it
descends into); at 10,000 records that alone is seconds of every build. Almost every record is valid,
so the validator first asks this pre-check, and runs jsonschema (for its detailed error messages)
only on records the pre-check rejects.

Only the keywords our record schema uses are compiled, with jsonschema's semantics (draft 2020-12:
1.0 is an integer, True is not, lengths count code points, keywords that do not apply to a value's
type pass). A schema with any other keyword compiles to None, and every record then goes to jsonschema.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable

Check = Callable[[Any], bool]

_ANNOTATIONS = {"$schema", "$id", "title", "description", "$comment", "examples", "default", "$defs", "deprecated"}


class Unsupported(Exception):
    pass


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


_TYPES: dict[str, Check] = {
    "string": lambda v: isinstance(v, str),
    "integer": _is_integer,
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "null": lambda v: v is None,
}


class _DateFormat:
    """The "date" format as jsonschema's FormatChecker(formats=["date"]) checks it, without importing jsonschema."""

    checkers = {"date": None}
    _pattern = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)

    def conforms(self, instance: Any, format: str) -> bool:  # noqa: A002 - jsonschema's name
        if format != "date" or not isinstance(instance, str):
            return True
        try:
            return bool(self._pattern.fullmatch(instance) and dt.date.fromisoformat(instance))
        except ValueError:
            return False


DATE_FORMAT = _DateFormat()


def compile_schema(schema: dict[str, Any], format_checker: Any = None) -> Check | None:
    """A function telling whether an instance is valid, or None when the schema uses other keywords."""
    try:
        return _Compiler(schema, format_checker).compile(schema)
    except Unsupported:
        return None


class _Compiler:
    def __init__(self, root: dict[str, Any], format_checker: Any) -> None:
        self.root = root
        self.format_checker = format_checker
        self.refs: dict[str, Check] = {}

    def compile(self, schema: Any) -> Check:
        if schema is True:
            return lambda v: True
        if schema is False:
            return lambda v: False
        if not isinstance(schema, dict):
            raise Unsupported(repr(schema))
        checks: list[Check] = []
        for key, value in schema.items():
            if key in _ANNOTATIONS or (key == "uniqueItems" and value is False):
                continue
            method = getattr(self, "k_" + key.replace("$", "dollar_"), None)
            if method is None:
                raise Unsupported(key)
            checks.append(method(value, schema))
        if not checks:
            return lambda v: True
        if len(checks) == 1:
            return checks[0]
        return lambda v: all(check(v) for check in checks)

    # ----- keywords

    def k_type(self, value: Any, schema: dict[str, Any]) -> Check:
        names = value if isinstance(value, list) else [value]
        try:
            tests = [_TYPES[name] for name in names]
        except KeyError as exc:
            raise Unsupported(f"type {exc}") from None
        if len(tests) == 1:
            return tests[0]
        return lambda v: any(test(v) for test in tests)

    def k_minLength(self, value: int, schema: dict[str, Any]) -> Check:  # noqa: N802 - JSON Schema's name
        return lambda v: not isinstance(v, str) or len(v) >= value

    def k_maxLength(self, value: int, schema: dict[str, Any]) -> Check:  # noqa: N802
        return lambda v: not isinstance(v, str) or len(v) <= value

    def k_minItems(self, value: int, schema: dict[str, Any]) -> Check:  # noqa: N802
        return lambda v: not isinstance(v, list) or len(v) >= value

    def k_maxItems(self, value: int, schema: dict[str, Any]) -> Check:  # noqa: N802
        return lambda v: not isinstance(v, list) or len(v) <= value

    def k_items(self, value: Any, schema: dict[str, Any]) -> Check:
        item = self.compile(value)
        return lambda v: not isinstance(v, list) or all(item(x) for x in v)

    def k_required(self, value: list[str], schema: dict[str, Any]) -> Check:
        return lambda v: not isinstance(v, dict) or all(name in v for name in value)

    def k_properties(self, value: dict[str, Any], schema: dict[str, Any]) -> Check:
        compiled = {name: self.compile(sub) for name, sub in value.items()}

        def check(v: Any) -> bool:
            if not isinstance(v, dict):
                return True
            for name, item in v.items():
                test = compiled.get(name)
                if test is not None and not test(item):
                    return False
            return True

        return check

    def k_additionalProperties(self, value: Any, schema: dict[str, Any]) -> Check:  # noqa: N802
        if schema.get("patternProperties"):
            raise Unsupported("patternProperties")
        known = set(schema.get("properties", {}))
        extra = self.compile(value)
        return lambda v: not isinstance(v, dict) or all(extra(item) for name, item in v.items() if name not in known)

    def k_oneOf(self, value: list[Any], schema: dict[str, Any]) -> Check:  # noqa: N802
        options = [self.compile(sub) for sub in value]
        return lambda v: sum(1 for option in options if option(v)) == 1

    def k_enum(self, value: list[Any], schema: dict[str, Any]) -> Check:
        if any(isinstance(x, (bool, int, float, list, dict)) for x in value):
            raise Unsupported("enum of non-strings")  # JSON equality of 1, 1.0 and True differs from Python's
        allowed = set(value)
        return lambda v: isinstance(v, str) and v in allowed

    def k_format(self, value: str, schema: dict[str, Any]) -> Check:
        checker = self.format_checker
        if checker is None or value not in checker.checkers:
            return lambda v: True  # formats are annotations unless a checker asserts them
        return lambda v: checker.conforms(v, value)

    def k_dollar_ref(self, value: str, schema: dict[str, Any]) -> Check:
        if not value.startswith("#/"):
            raise Unsupported(f"$ref {value}")
        if value not in self.refs:
            target: Any = self.root
            for part in value[2:].split("/"):
                if not isinstance(target, dict) or part not in target:
                    raise Unsupported(f"$ref {value}")
                target = target[part]
            self.refs[value] = lambda v: True  # placeholder while compiling (recursive refs are not used)
            self.refs[value] = self.compile(target)
        refs = self.refs
        return lambda v: refs[value](v)
