"""The `fields` parameter of BRP Personen: which paths exist, and cutting a person down to them.

The valid paths are read from the official OpenAPI document (our copy in
openapi/), not typed in by hand, so the stand-in accepts exactly what the real
API accepts: a path is valid when it names a property of the response schema
for that search type, following $ref, allOf and the discriminator mappings
(so `geboorte.datum.jaar` exists because JaarDatum has `jaar`).

Rules taken from the API's own documentation and feature files:
* Fields the API delivers by itself (geheimhoudingPersoonsgegevens, inOnderzoek,
  opschortingBijhouding, rni, verificatie) may not be asked for, nor may the
  inside of `gezag`: "Parameter bevat een niet toegestane veldnaam".
* Asking for any part of a date delivers the whole date object.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

FIELD_PATTERN = r"^[a-zA-Z0-9\._]{1,200}$"
_FIELD_RE = re.compile(FIELD_PATTERN)
AUTO_DELIVERED = frozenset(
    {"geheimhoudingPersoonsgegevens", "inOnderzoek", "opschortingBijhouding", "rni", "verificatie"}
)
DATE_TYPES = frozenset({"Datum", "JaarMaandDatum", "JaarDatum", "DatumOnbekend"})
_WHOLE = None  # marks "deliver everything below this node" in a field trie


class FieldCatalogue:
    """All field paths one response schema allows (e.g. PersoonBeperkt, Persoon)."""

    def __init__(self, openapi: dict, schema_name: str):
        self._schemas = openapi["components"]["schemas"]
        self.paths = frozenset(self._walk(schema_name, prefix="", chain=()))

    def problem(self, path: object) -> str | None:
        """None when `path` may be asked for, else "pattern", "not_allowed" or "unknown"."""
        if not isinstance(path, str) or not _FIELD_RE.match(path):
            return "pattern"
        segments = path.split(".")
        if segments[0] in AUTO_DELIVERED or "inOnderzoek" in segments:
            return "not_allowed"
        if segments[0] == "gezag" and len(segments) > 1:
            return "not_allowed"
        return None if path in self.paths else "unknown"

    def _walk(self, name: str, prefix: str, chain: tuple[str, ...]) -> Iterator[str]:
        if name in chain:
            return
        for prop, schemas in self._properties(name, ()).items():
            path = f"{prefix}.{prop}" if prefix else prop
            yield path
            for schema in schemas:  # subtypes may give one name different shapes
                target = self._target(schema)
                if target is not None:
                    yield from self._walk(target, path, chain + (name,))

    def _properties(self, name: str, seen: tuple[str, ...]) -> dict[str, list[dict]]:
        """Properties of a named schema, merged over allOf and discriminator subtypes."""
        if name in seen:
            return {}
        seen = seen + (name,)
        schema = self._schemas[name]
        merged: dict[str, list[dict]] = {}

        def add(properties: dict[str, list[dict]]) -> None:
            for prop, subs in properties.items():
                merged.setdefault(prop, []).extend(s for s in subs if s not in merged[prop])

        for part in schema.get("allOf", []):
            if "$ref" in part:
                add(self._properties(_ref_name(part["$ref"]), seen))
            add({prop: [sub] for prop, sub in part.get("properties", {}).items()})
        add({prop: [sub] for prop, sub in schema.get("properties", {}).items()})
        for ref in schema.get("discriminator", {}).get("mapping", {}).values():
            add(self._properties(_ref_name(ref), seen))
        return merged

    def _target(self, schema: dict) -> str | None:
        """The named object schema a property leads to (through arrays and allOf), if any."""
        if schema.get("type") == "array":
            schema = schema.get("items", {})
        if "$ref" in schema:
            name = _ref_name(schema["$ref"])
            target = self._schemas[name]
            is_object = target.get("type") == "object" or "allOf" in target or "properties" in target
            return name if is_object else None
        for part in schema.get("allOf", []):
            if "$ref" in part:
                return self._target(part)
        return None


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def project(document: dict, paths: Iterable[str]) -> dict:
    """Keep only the requested paths of a person document (the `fields` filter)."""
    trie: dict = {}
    for path in paths:
        node = trie
        segments = path.split(".")
        for i, segment in enumerate(segments):
            if i == len(segments) - 1:
                node[segment] = _WHOLE
            elif node.get(segment, {}) is _WHOLE:
                break  # a shorter path already asks for everything below
            else:
                node = node.setdefault(segment, {})
    return _project(document, trie) or {}


def _project(value, trie):
    if trie is _WHOLE or _is_date(value):
        return value
    if isinstance(value, list):
        kept = [_project(item, trie) for item in value]
        return [item for item in kept if item not in (None, {}, [])]
    if isinstance(value, dict):
        kept = {}
        for key, sub in trie.items():
            if key in value:
                part = _project(value[key], sub)
                if part not in (None, {}, []):
                    kept[key] = part
        if "type" in value and trie:  # polymorphic objects always say what they are
            kept = {"type": value["type"], **kept}
        return kept
    return None  # a scalar has no sub-fields


def _is_date(value) -> bool:
    return isinstance(value, dict) and value.get("type") in DATE_TYPES and "langFormaat" in value
