"""The ZGW Notificaties API 1.0 as published (docs/standards/notificaties-api-1.0/), as
validators: the consumer's `Notificatie` (what a subscriber accepts) and the provider's
resources (`Kanaal`, `Abonnement`, `ValidatieFout`, ... as Open Notificaties serves them).

OpenAPI 3.0 schema objects are JSON Schema draft 4 with extras; jsonschema validates them.
It checks the `uri` and `date-time` formats only when rfc3986-validator and
rfc3339-validator are installed, and then for every test in the shared environment (the
BRP contract's official documents would fail on the real API's relative `instance`). So
the two formats are checked here, by a format checker of these validators only:
`date-time` as RFC 3339 section 5.6 (and a real calendar moment), `uri` as RFC 3986
section 3: a scheme, then only characters a URI may hold.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import yaml
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from shared.settings import REPO_ROOT

STANDARD = REPO_ROOT / "docs" / "standards" / "notificaties-api-1.0"
FORMATS = FormatChecker()  # jsonschema's checkers, plus the two below for these validators alone
RFC3339_DATE_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})")
RFC3986_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:([A-Za-z0-9\-._~!$&'()*+,;=:@/?#\[\]]|%[0-9A-Fa-f]{2})*")


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(instance) -> bool:
    if not isinstance(instance, str):
        return True
    if not RFC3339_DATE_TIME.fullmatch(instance):
        return False
    datetime.fromisoformat(instance.upper().replace("Z", "+00:00"))  # ValueError for 2026-02-30, 25:00, ...
    return True


@FORMATS.checks("uri")
def _uri(instance) -> bool:
    return not isinstance(instance, str) or RFC3986_URI.fullmatch(instance) is not None


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
