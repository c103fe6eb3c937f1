"""The ZGW Notificaties API 1.0 as published (docs/standards/notificaties-api-1.0/), as
validators: the consumer's `Notificatie` (what a subscriber accepts) and the provider's
resources (`Kanaal`, `Abonnement`, `ValidatieFout`, ... as Open Notificaties serves them).

OpenAPI 3.0 schema objects are JSON Schema draft 4 with extras; jsonschema checks them
with the `uri` and `date-time` formats (which it skips silently without rfc3986-validator
and rfc3339-validator, so this module refuses to load without them).
"""

from __future__ import annotations

from pathlib import Path

import yaml
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from shared.settings import REPO_ROOT

STANDARD = REPO_ROOT / "docs" / "standards" / "notificaties-api-1.0"
FORMATS = Draft4Validator.FORMAT_CHECKER
missing_formats = {"uri", "date-time"} - set(FORMATS.checkers)
if missing_formats:  # jsonschema skips unknown formats silently: refuse to pretend they were checked
    raise ImportError(f"jsonschema cannot check {sorted(missing_formats)}: install rfc3339-validator and rfc3986-validator")


def _validator(path: Path, reference: str) -> Draft4Validator:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    uri = f"urn:zgw:notificaties-api:1.0:{path.stem}"
    registry = Registry().with_resource(uri, Resource.from_contents(document, default_specification=DRAFT4))
    return Draft4Validator({"$ref": uri + reference}, registry=registry, format_checker=FORMATS)


def _consumer_request_schema() -> str:
    """The request body schema of the consumer's one operation, as the document declares it."""
    document = yaml.safe_load((STANDARD / "consumer-openapi.yaml").read_text(encoding="utf-8"))
    [operation] = document["paths"].values()
    return operation["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]


NOTIFICATIE = _validator(STANDARD / "consumer-openapi.yaml", _consumer_request_schema())


def notificatie_errors(body) -> list[str]:
    return _errors(NOTIFICATIE, body)


def provider_errors(schema: str, instance) -> list[str]:
    """Errors of `instance` against the provider's `components.schemas[schema]`."""
    return _errors(_validator(STANDARD / "provider-schemas.yaml", f"#/components/schemas/{schema}"), instance)


def _errors(validator: Draft4Validator, instance) -> list[str]:
    return [f"{'.'.join(map(str, e.absolute_path)) or '(body)'}: {e.message}" for e in validator.iter_errors(instance)]
