"""Portal settings (`PORTAL_` prefix): where the services are, and how the cookie is set.

The portal needs no Kafka, no database and no signing key: it is a client of the
services like any partner system. It reads the organisations file only to offer the
login list and to know an organisation's name, role and municipality codes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.settings import DEV_ORGANISATIONS_FILE


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
    request_timeout_seconds: float = Field(10.0, gt=0, description="timeout of each call to a service")
    cookie_secure: bool | None = Field(None, description="Secure flag of the session cookie; default: on in production")

    @model_validator(mode="after")
    def _refuse_development_organisations_in_production(self) -> PortalSettings:
        if self.environment == "production" and self.organisations_file == DEV_ORGANISATIONS_FILE:
            raise ValueError("development defaults refused in production: set SIGNAL_ORGANISATIONS_FILE")
        return self

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
