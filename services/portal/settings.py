"""Portal settings (`PORTAL_` prefix): where the services are, the identity provider, and
how the cookie is set.

The portal needs no Kafka, no database and no signing key: it is a client of the
services (a backend for frontend) and of the OpenID Connect provider, where people log
in. It reads the organisations file to know an organisation's name, role and
municipality codes (and, in development and test, to offer the organisation-key login).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.logging import LogFormat, log_format_for
from shared.settings import DEV_ORGANISATIONS_FILE

DEV_PORTAL_CLIENT_SECRET = "dev-signaalketen-portal"  # deploy/keycloak/realm-signaalketen.json


class PortalSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PORTAL_", extra="ignore", populate_by_name=True)

    environment: Literal["development", "test", "production"] = Field(
        "production",
        validation_alias=AliasChoices("PORTAL_ENVIRONMENT", "SIGNAL_ENVIRONMENT", "environment"),
        description="else SIGNAL_ENVIRONMENT (unset: production); production: Secure cookie, the development organisations file is refused",
    )
    organisations_file: Path = Field(
        DEV_ORGANISATIONS_FILE,
        validation_alias=AliasChoices("PORTAL_ORGANISATIONS_FILE", "SIGNAL_ORGANISATIONS_FILE", "organisations_file"),
        description="else SIGNAL_ORGANISATIONS_FILE; names, roles and municipality codes of the organisations",
    )
    log_level: str = Field(
        "INFO",
        validation_alias=AliasChoices("PORTAL_LOG_LEVEL", "SIGNAL_LOG_LEVEL", "log_level"),
        description="else SIGNAL_LOG_LEVEL; Python log level",
    )
    log_format: LogFormat | None = Field(
        None,
        validation_alias=AliasChoices("PORTAL_LOG_FORMAT", "SIGNAL_LOG_FORMAT", "log_format"),
        description="`text` or `json` (one object per line); default json in production, else text",
    )
    otlp_endpoint: str | None = Field(
        None,
        validation_alias=AliasChoices("PORTAL_OTLP_ENDPOINT", "SIGNAL_OTLP_ENDPOINT", "otlp_endpoint"),
        description="OTLP/HTTP endpoint for the portal's trace spans (docs/adr/0031); unset: none leave the portal",
    )
    metrics_token: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("PORTAL_METRICS_TOKEN", "SIGNAL_METRICS_TOKEN", "metrics_token"),
        description="else SIGNAL_METRICS_TOKEN; bearer token the Prometheus scraper shows at /metrics (required in "
        "production; in development and test /metrics is open while it is unset)",
    )
    host: str = Field("127.0.0.1", description="listen address")
    port: int = Field(8006, description="listen port")

    arrears_url: str = Field("http://127.0.0.1:8001", description="intake: signals and their status")
    triage_url: str = Field("http://127.0.0.1:8002", description="triage: the case view")
    placement_url: str = Field("http://127.0.0.1:8003", description="placement: facilities and requests")
    notifications_url: str = Field("http://127.0.0.1:8004", description="notifications: the inbox")
    monitor_url: str = Field("http://127.0.0.1:8005", description="monitor: figures and tables")
    token_url: str | None = Field(
        None, description="OAuth2 token endpoint (any service's POST /oauth/token); default: the intake's"
    )
    oidc_issuer: str | None = Field(
        None,
        validation_alias=AliasChoices("PORTAL_OIDC_ISSUER", "SIGNAL_OIDC_ISSUER", "oidc_issuer"),
        description="else SIGNAL_OIDC_ISSUER; where people log in (authorization code + PKCE); required in production",
    )
    oidc_backchannel_url: str | None = Field(
        None,
        description="the issuer's address inside the network (back channel), e.g. http://keycloak:8080/realms/signaalketen: "
        "discovery, code exchange, refresh and keys go there; browsers still go to the public issuer. Default: the issuer",
    )
    oidc_client_id: str = Field("signaalketen-portal", description="the portal's client id at the identity provider")
    oidc_client_secret: SecretStr = Field(
        SecretStr(DEV_PORTAL_CLIENT_SECRET), description="the portal's client secret; the development one is refused in production"
    )
    public_url: str | None = Field(
        None, description="the portal's address as browsers reach it (redirect URI base); default http://<host>:<port>"
    )
    session_idle_minutes: int = Field(30, gt=0, le=24 * 60, description="a session unused this long is forgotten")
    request_timeout_seconds: float = Field(10.0, gt=0, description="timeout of each call to a service")
    cookie_secure: bool | None = Field(None, description="Secure flag of the session cookie; default: on in production")

    @model_validator(mode="after")
    def _refuse_development_organisations_in_production(self) -> PortalSettings:
        if self.environment == "production":
            defaults = {
                "SIGNAL_ORGANISATIONS_FILE": self.organisations_file == DEV_ORGANISATIONS_FILE,
                "PORTAL_OIDC_ISSUER": not self.oidc_issuer,
                "PORTAL_OIDC_CLIENT_SECRET": self.oidc_client_secret.get_secret_value() == DEV_PORTAL_CLIENT_SECRET,
                "SIGNAL_METRICS_TOKEN": self.metrics_token is None or not self.metrics_token.get_secret_value().strip(),
            }
            offending = [name for name, is_default in defaults.items() if is_default]
            if offending:
                raise ValueError(f"development defaults refused in production: set {', '.join(offending)}")
        return self

    @property
    def log_lines(self) -> LogFormat:
        return log_format_for(self.environment, self.log_format)

    @property
    def development_login(self) -> bool:
        """The organisation-key login (through the development token issuer): development and test only."""
        return self.environment != "production"

    @property
    def redirect_uri(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/") + "/auth/callback"

    @property
    def home_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def token_endpoint(self) -> str:
        return self.token_url or self.arrears_url.rstrip("/") + "/oauth/token"

    @property
    def secure_cookie(self) -> bool:
        return self.environment == "production" if self.cookie_secure is None else self.cookie_secure

    def service_urls(self) -> dict[str, str]:
        return {
            "arrears": self.arrears_url,
            "triage": self.triage_url,
            "placement": self.placement_url,
            "notifications": self.notifications_url,
            "monitor": self.monitor_url,
        }
