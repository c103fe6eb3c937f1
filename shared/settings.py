"""Settings shared by every service (pydantic-settings), built once in `__main__`.

Chain-wide values are read from `SIGNAL_*` variables; each service adds its own
with its own prefix (`ARREARS_DATABASE_URL`, `TRIAGE_PORT`, ...). The
development secrets below let `make up` run with no set-up; outside
development and test the services refuse to start with them.

A service started without `SIGNAL_ENVIRONMENT` runs as production: a deployer who
forgets it gets a service that refuses the development secrets and the development
API keys, not an open one. `make up` says `development`, the tests say `test`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.logging import LogFormat, log_format_for
from shared.organisations import hash_api_key
from shared.processing import ProcessingActivity

REPO_ROOT = Path(__file__).resolve().parent.parent
DEV_PSEUDONYM_KEY = "dev-only-pseudonym-key-change-me"
DEV_ADDRESS_KEY = "ZGV2LW9ubHktYWRkcmVzcy1rZXktY2hhbmdlLW1lISE="  # Fernet key, development only
DEV_ORGANISATIONS_FILE = REPO_ROOT / "deploy" / "local" / "organisations.json"
DEV_TOKEN_SIGNING_KEY = "dev-only-token-signing-key-change-me-32b"


def _chain(name: str) -> AliasChoices:
    return AliasChoices(f"SIGNAL_{name.upper()}", name)


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    service_name: str = "service"
    environment: Literal["development", "test", "production"] = Field(
        "production",
        validation_alias=_chain("environment"),
        description="development (make up), test (adjustable clock, X-API-Key) or production (bearer tokens, no default secrets)",
    )
    kafka_bootstrap: str = Field(
        "127.0.0.1:9092", validation_alias=_chain("kafka_bootstrap"), description="Kafka bootstrap servers"
    )
    topic_prefix: str = Field(
        "", validation_alias=_chain("topic_prefix"), description="prefix for topic and consumer-group names (tests, tenants)"
    )
    topic_replication: int = Field(
        1,
        ge=1,
        validation_alias=_chain("topic_replication"),
        description="replication factor of a chain topic a service creates when it is missing "
        "(deploy/kafka/topics.yaml gives the rest): 1 on the local broker, 3 on a cluster",
    )
    event_schema_base_url: str = Field(
        "http://127.0.0.1:8001/v1/event-schemas",
        validation_alias=_chain("event_schema_base_url"),
        description="where the JSON Schemas of the events are published (every service serves them at "
        "/v1/event-schemas); each event's CloudEvents `dataschema` is this URL plus its type",
    )
    pseudonym_key: SecretStr = Field(
        SecretStr(DEV_PSEUDONYM_KEY), validation_alias=_chain("pseudonym_key"), description="HMAC key of the case pseudonyms"
    )
    address_keys: SecretStr = Field(
        SecretStr(DEV_ADDRESS_KEY),
        validation_alias=_chain("address_keys"),
        description="comma-separated Fernet keys; the first encrypts, all decrypt",
    )
    token_signing_key: SecretStr = Field(
        SecretStr(DEV_TOKEN_SIGNING_KEY), validation_alias=_chain("token_signing_key"), description="HS256 key of the development token issuer (development and test; refused in production)"
    )
    organisations_file: Path = Field(
        DEV_ORGANISATIONS_FILE,
        validation_alias=_chain("organisations_file"),
        description="JSON file of partner organisations, roles and hashed client secrets",
    )
    oidc_issuer: str | None = Field(
        None,
        validation_alias=_chain("oidc_issuer"),
        description="OpenID Connect issuer whose access tokens the service accepts (required in production), "
        "e.g. http://127.0.0.1:8180/realms/signaalketen",
    )
    oidc_audience: str = Field(
        "urn:nld:signaalketen", validation_alias=_chain("oidc_audience"), description="audience the access tokens must name"
    )
    oidc_jwks_url: str | None = Field(
        None,
        validation_alias=_chain("oidc_jwks_url"),
        description="the issuer's JWKS; default: discovered from <issuer>/.well-known/openid-configuration",
    )
    chain_oin: str = Field(
        "00000099000000000001", validation_alias=_chain("chain_oin"), description="OIN of the chain operator (CloudEvents source)"
    )
    metrics_token: SecretStr | None = Field(
        None,
        validation_alias=_chain("metrics_token"),
        description="bearer token the Prometheus scraper shows at /metrics (required in production; "
        "in development and test /metrics is open while it is unset)",
    )
    log_level: str = Field("INFO", validation_alias=_chain("log_level"), description="Python log level")
    log_format: LogFormat | None = Field(
        None,
        validation_alias=_chain("log_format"),
        description="`text` or `json` (one object per line, with the request's trace id); default json in production, else text",
    )
    otlp_endpoint: str | None = Field(
        None,
        validation_alias=_chain("otlp_endpoint"),
        description="OTLP/HTTP endpoint the service sends its trace spans to, e.g. http://collector:4318/v1/traces; "
        "unset: no spans leave the service, but trace context still travels with requests and events",
    )
    processing_activity_id: str | None = Field(
        None,
        validation_alias=_chain("processing_activity_id"),
        description="URI of this service's processing activity in the register of processing activities "
        "(audit rows; Logboek Dataverwerkingen); default urn:nld:signaalketen:verwerkingsactiviteit:<service>",
    )
    legal_basis: str = Field(
        "AVG art. 6 lid 1 sub e; Wet gemeentelijke schuldhulpverlening art. 3a (vroegsignalering); "
        "Wmo 2015 (maatschappelijke opvang)",
        validation_alias=_chain("legal_basis"),
        description="legal basis of that processing activity, as its register entry says (audit rows)",
    )

    database_url: str = Field("sqlite+aiosqlite:///.run/service.db", description="SQLite file (default) or postgresql+asyncpg URL")
    host: str = Field("127.0.0.1", description="listen address")
    port: int = Field(8000, description="listen port")

    @property
    def log_lines(self) -> LogFormat:
        return log_format_for(self.environment, self.log_format)

    @model_validator(mode="after")
    def _refuse_default_secrets_outside_development(self) -> ServiceSettings:
        if self.environment == "production":
            defaults = {
                "SIGNAL_PSEUDONYM_KEY": self.pseudonym_key.get_secret_value() == DEV_PSEUDONYM_KEY,
                "SIGNAL_ADDRESS_KEYS": DEV_ADDRESS_KEY in self.address_keys.get_secret_value(),
                "SIGNAL_ORGANISATIONS_FILE": self.organisations_file == DEV_ORGANISATIONS_FILE,
                "SIGNAL_OIDC_ISSUER": not self.oidc_issuer,
                "SIGNAL_METRICS_TOKEN": self.metrics_token is None or not self.metrics_token.get_secret_value().strip(),
            }
            offending = [name for name, is_default in defaults.items() if is_default]
            if offending:
                raise ValueError(f"development defaults refused in production: set {', '.join(offending)}")
            refuse_development_identity(self)
        return self

    @property
    def accepts_development_keys(self) -> bool:
        """X-API-Key is for the local run and tests; deployments use OAuth2 bearer tokens."""
        return self.environment in ("development", "test")

    @property
    def issues_development_tokens(self) -> bool:
        """The HS256 `POST /oauth/token` issuer: development and test only."""
        return self.environment in ("development", "test")

    @property
    def processing_activity(self) -> ProcessingActivity:
        """What the audit rows of this service's reads name as processing activity and legal basis."""
        default = f"urn:nld:signaalketen:verwerkingsactiviteit:{self.service_name}"
        return ProcessingActivity(self.processing_activity_id or default, self.legal_basis)

    @property
    def token_issuer(self) -> str:
        return f"urn:nld:oin:{self.chain_oin}:systeem:signaalketen"

    @property
    def source_urn(self) -> str:
        """CloudEvents `source` of events this service emits (NL GOV: organisation + system)."""
        return f"urn:nld:oin:{self.chain_oin}:systeem:signaalketen-{self.service_name}"

    def topic(self, name: str) -> str:
        return self.topic_prefix + name

    def address_key_list(self) -> list[str]:
        return [key.strip() for key in self.address_keys.get_secret_value().split(",") if key.strip()]


def refuse_development_identity(settings: ServiceSettings) -> None:
    """Production: no development token issuer and no development secret, wherever the
    organisations file lives (a copy of the development file still holds their hashes)."""
    if "token_signing_key" in settings.model_fields_set:
        raise ValueError(
            "SIGNAL_TOKEN_SIGNING_KEY refused in production: services issue no tokens there; "
            "they accept the OpenID Connect provider's (SIGNAL_OIDC_ISSUER)"
        )
    if settings.oidc_issuer and not settings.oidc_issuer.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise ValueError("SIGNAL_OIDC_ISSUER must be an https URL (or loopback, for a local check)")
    development = organisations_with_development_keys(settings.organisations_file)
    if development:
        raise ValueError(
            f"development secrets refused in production: {settings.organisations_file} holds the keys "
            f"dev-<id> of {', '.join(development[:5])}{' …' if len(development) > 5 else ''}"
        )


def organisations_with_development_keys(path: Path) -> list[str]:
    """Ids of organisations whose hashed keys include their development key `dev-<id>`."""
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError):
        return []  # an unreadable file fails where it is loaded, with its own message
    found = []
    for item in document.get("organisations", []):
        development = hash_api_key(f"dev-{item.get('id')}")
        if development in item.get("api_key_sha256", []):
            found.append(str(item.get("id")))
    return found
