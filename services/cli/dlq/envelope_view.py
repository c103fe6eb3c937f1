"""What `dlq show` may print of a dead-lettered record's value (pure).

The value is a CloudEvent (structured mode) whose `data` may hold a sealed address or,
in a record that broke the contract, anything at all. So `data` is never printed: only
the names of its keys. The envelope's own attributes are printed only when each one
passes the contract's own check for it (`shared.contracts.envelope.CloudEvent`): a
`subject` that is a case pseudonym, an `id` that is a UUID, a `source` that is a URN.
A record that breaks the contract may carry a BSN or an address in any attribute; such
a value is withheld, with the reason, and only its length is told.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import TypeAdapter, ValidationError

from shared.contracts.envelope import CloudEvent

SHOWN = ("id", "type", "source", "subject", "sequence", "time", "specversion", "datacontenttype", "dataschema")
WITHHELD = "(withheld: does not pass the contract's check; {length} characters)"
# Names are printed only when they look like names: a field name in `data`, an extension
# attribute's name as CloudEvents 1.0 allows it. Anything else could be content.
DATA_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
EXTENSION_NAME = re.compile(r"[a-z0-9]{1,20}")


@dataclass(frozen=True)
class EnvelopeView:
    attributes: dict[str, str]  # attribute -> value, or why it is withheld
    data_keys: tuple[str, ...] | None  # None: no `data` object
    other_attributes: tuple[str, ...]  # extension attributes: names only
    problem: str | None = None  # why nothing could be read


def _checker(name: str) -> TypeAdapter:
    field = CloudEvent.model_fields[name]
    return TypeAdapter(Annotated[field.annotation, *field.metadata] if field.metadata else field.annotation)


_CHECKS = {name: _checker(name) for name in SHOWN}


def view(value: bytes) -> EnvelopeView:
    try:
        document = json.loads(value)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return EnvelopeView({}, None, (), f"not JSON ({len(value)} bytes): nothing of it is shown")
    if not isinstance(document, dict):
        return EnvelopeView({}, None, (), f"JSON, but a {type(document).__name__}, not an object: nothing of it is shown")
    attributes = {name: _attribute(name, document[name]) for name in SHOWN if name in document}
    data = document.get("data")
    data_keys = tuple(sorted(_name(key, DATA_KEY) for key in data)) if isinstance(data, dict) else None
    others = tuple(sorted(_name(name, EXTENSION_NAME) for name in document if name not in SHOWN and name != "data"))
    return EnvelopeView(attributes, data_keys, others)


def _attribute(name: str, value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    try:
        _CHECKS[name].validate_python(value)
    except ValidationError:
        return WITHHELD.format(length=len(text))
    return text


def _name(name: str, allowed: re.Pattern) -> str:
    return name if allowed.fullmatch(name) else f"(a name that is no field name; {len(name)} characters)"


def event_id(value: bytes) -> str | None:
    """The CloudEvent id, when the record has one that passes the contract (for the ledger)."""
    shown = view(value).attributes.get("id")
    return shown if shown is not None and not shown.startswith("(withheld") else None
